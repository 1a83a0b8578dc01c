// The verifier: a schedule checked again, occurrence by occurrence, against the rules of the
// product contract ("What a schedule must satisfy"), with code that shares nothing with the
// solver. A pass publishes nothing that the verifier refuses.
//
//   auto schedule = mentorcal::schedule_program(program, options);
//   if (auto violations = mentorcal::verify_schedule(program, schedule); !violations.empty())
//     ...  // a bug in the solver: report it, publish nothing
#pragma once

#include <string>
#include <vector>

#include "mentorcal/program.hpp"
#include "mentorcal/schedule.hpp"

namespace mentorcal {

// Re-checks every occurrence of `schedule` against `program`. Returns one sentence per
// violation; empty when the schedule is valid.
std::vector<std::string> verify_schedule(const Program& program, const Schedule& schedule);

}  // namespace mentorcal

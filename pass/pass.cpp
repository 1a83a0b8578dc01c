#include "mentorcal/pass.hpp"

#include <thread>

#include "mentorcal/solver.hpp"
#include "mentorcal/tz_update.hpp"
#include "mentorcal/verify.hpp"

namespace mentorcal {

Pass run_pass(const Program& program, PassOptions options,
              const std::function<void(const Schedule&)>& render) {
  auto& previous = options.previous;
  auto tz_update = previous ? follow_tz_update(program, *previous, options.revision) : std::nullopt;
  ScheduleOptions search;
  search.previous = previous ? &*previous : nullptr;
  search.revision = options.revision;
  search.should_stop = options.should_stop;
  search.progress = options.progress;
  Pass pass;
  pass.schedule = schedule_program(program, search);
  pass.schedule.tz_update = std::move(tz_update);
  // A jthread, so that the verifier is joined even when `render` throws.
  std::jthread verifier([&] { pass.violations = verify_schedule(program, pass.schedule); });
  if (render) render(pass.schedule);
  verifier.join();
  return pass;
}

}  // namespace mentorcal

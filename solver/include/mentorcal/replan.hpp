// Re-planning after blocks, prepared once per schedule: which people and pairs each series
// names, so that each block costs the series of the people it touches rather than an index of
// the whole program.
//
//   mentorcal::ReplanIndex index(program, schedule);      // once, when the schedule is published
//   program.people[p].busy = busy_with_the_new_block;
//   auto changes = index.replan(program, schedule, {"m-01"}, now);
//   // the same changes, and the same schedule after, as replan_people (solver.hpp)
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "mentorcal/program.hpp"
#include "mentorcal/schedule.hpp"
#include "mentorcal/solver.hpp"

namespace mentorcal {

class ReplanIndex {
 public:
  // Indexes `program`'s people and pairs and the series of `schedule`. The index stays valid
  // while re-planning changes the schedule's occurrences (it never adds or removes a series nor
  // renames a party), and must be made again when the program's people or pairs or the
  // schedule are replaced. Busy time may change between calls: it is read on each.
  ReplanIndex(const Program& program, const Schedule& schedule);

  // replan_people(program, schedule, person_ids, revision), with `program` and `schedule` the
  // ones indexed (busy time and occurrences as they are now).
  std::vector<Replanned> replan(const Program& program, Schedule& schedule,
                                const std::vector<std::string>& person_ids, Instant revision) const;

  // Indices into the indexed schedule's pairs of the results naming `person_id` as mentor or
  // mentee, in increasing order; empty for an unknown person.
  const std::vector<std::size_t>& results_of(std::string_view person_id) const;

 private:
  static constexpr std::size_t kNone = static_cast<std::size_t>(-1);
  struct Result {
    std::size_t mentor = kNone;  // index into Program::people, kNone when not in the program
    std::size_t mentee = kNone;
    std::size_t pair = kNone;  // index into Program::pairs of the pair with these parties
  };
  struct Hash : std::hash<std::string_view> {
    using is_transparent = void;
  };
  std::unordered_map<std::string, std::size_t, Hash, std::equal_to<>> person_index_;
  std::vector<Result> results_;                       // by index into Schedule::pairs
  std::vector<std::vector<std::size_t>> results_of_;  // by person index
};

}  // namespace mentorcal

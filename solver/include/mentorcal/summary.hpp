// The figures a coordinator reads after a pass: how much was placed, what had to give, who is
// at their limits, and how the inconvenient hours fall across zones.
#pragma once

#include <string>
#include <vector>

#include "mentorcal/program.hpp"
#include "mentorcal/schedule.hpp"

namespace mentorcal {

struct ZoneFairness {
  std::string zone;
  int sessions = 0;        // session-attendances by people of this zone (a session counts twice)
  int near_edge = 0;       // of those, within an hour of the person's working-day edge
  double mean_margin = 0;  // mean distance to the nearest edge, minutes
};

struct PassSummary {
  int pairs = 0;
  int scheduled = 0;
  int held = 0;
  int moved = 0;
  int skipped = 0;
  int cancelled = 0;
  // Mentors who reach a weekly or monthly limit in at least one week or month, and anyone whose
  // limit kept a pair out (PairResult::limited_by), reached or not.
  std::vector<std::string> mentors_at_limit;
  std::vector<ZoneFairness> zones;  // sorted by zone
};

PassSummary summarize(const Program& program, const Schedule& schedule);

// Whether `series` takes place fewer times than `pair`'s min_held asks of its occurrences: what
// blocks can cause, and what a coordinator is alerted to.
bool below_min_held(const Pair& pair, const Series& series);

}  // namespace mentorcal

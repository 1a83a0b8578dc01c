// What a coordinator wants to see before a pass: who is where, and how much working time each
// pair shares week by week. Shared time moves around DST changes (a New York–London pair gains
// or loses an hour for the weeks between the two countries' changes), so both the first week
// and the worst week are given.
//
//   auto overview = mentorcal::describe(program);
//   for (const auto& p : overview.pairs) if (p.min_week.shared == Minutes{0}) warn(p);
#pragma once

#include <string>
#include <vector>

#include "mentorcal/program.hpp"

namespace mentorcal {

struct ZoneHeadcount {
  std::string zone;
  int mentors = 0;
  int mentees = 0;
};

struct WeekShare {
  LocalDay week;  // Monday of the ISO week, in the anchor party's zone
  Minutes shared{0};
};

struct PairOverview {
  std::size_t pair = 0;  // index into Program::pairs
  WeekShare first_week;  // the week of the program's start
  WeekShare min_week;    // the full week (Monday to Sunday inside the term) sharing least
};

struct ProgramOverview {
  std::vector<ZoneHeadcount> zones;  // sorted by zone name
  std::vector<PairOverview> pairs;   // in pairs.csv order
  int pairs_without_shared_hours = 0;
};

// Shared time is the intersection of both parties' working hours (or VAVAILABILITY), each in
// their own zone, over whole weeks of the anchor zone; busy time and limits are not counted.
ProgramOverview describe(const Program& program);

}  // namespace mentorcal

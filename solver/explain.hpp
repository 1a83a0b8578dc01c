// Why a pair could not be placed, and the smallest change to the input that would place it.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "search.hpp"

namespace mentorcal::engine {

struct Explanation {
  std::vector<std::string> reasons;     // most decisive first
  std::string relaxation;               // empty when no single change tried places the pair
  std::vector<std::size_t> limited_by;  // the people whose limits kept the pair out
  bool shares_no_hour = false;          // the two parties' working hours never meet
};

// What the search has placed: each pair's plan (empty when unplaced), and each person's pairs.
struct Placed {
  const std::vector<std::optional<Plan>>& plans;
  const std::vector<std::vector<std::size_t>>& pairs_of;
};

// "m-07 (Mia Ode)": a person's id with their name beside it.
std::string named(const Person& person);

// Explains pair `pair_index` against everyone else's sessions as booked in `load` (their plans
// in `placed`). Each relaxation is tried for real: the pair is searched again with that one
// change.
Explanation explain_unplaced(const Program& program, std::size_t pair_index,
                             const std::vector<PersonCalendar>& calendars,
                             std::vector<Occupancy>& load, const Placed& placed);

}  // namespace mentorcal::engine

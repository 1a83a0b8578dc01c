// Why a pair could not be placed, and the smallest change to the input that would place it.
#pragma once

#include <string>
#include <vector>

#include "search.hpp"

namespace mentorcal::engine {

struct Explanation {
  std::vector<std::string> reasons;  // most decisive first
  std::string relaxation;            // empty when no single change tried places the pair
};

// Explains pair `pair_index` against everyone else's sessions as booked in `load`. Each
// relaxation is tried for real: the pair is searched again with that one change.
Explanation explain_unplaced(const Program& program, std::size_t pair_index,
                             const std::vector<PersonCalendar>& calendars,
                             std::vector<Occupancy>& load);

}  // namespace mentorcal::engine

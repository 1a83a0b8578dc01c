// Exact search inside one small group of pairs that share people: the most pairs scheduled,
// then the fewest occurrences skipped, over every rule and every choice of which occurrences
// take place. Private to the engine; docs/ALGORITHM.md tells where it sits in a pass.
#pragma once

#include <cstddef>
#include <optional>
#include <vector>

#include "search.hpp"

namespace mentorcal::engine {

// The first two terms of the contract's objective.
struct Score {
  int pairs = 0;
  int skipped = 0;
  bool better_than(const Score& other) const {
    return pairs != other.pairs ? pairs > other.pairs : skipped < other.skipped;
  }
};

// One pair of the group, with nothing of its own booked.
struct Member {
  const PairSpace& space;
  Parties parties;
};

// Plans for the members (nullopt: not scheduled) that score better than their `current` plans,
// with each exception's reason; nullopt when there are none, or none found within `budget` steps
// of the search. Books nothing: the caller books the plans it takes.
std::optional<std::vector<std::optional<Plan>>> improve_exactly(
    std::vector<Member>& members, const std::vector<std::optional<Plan>>& current,
    std::size_t budget);

}  // namespace mentorcal::engine

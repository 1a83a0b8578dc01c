// Plans of a solution of the exact search (exact_search.hpp): each member's series time and
// every occurrence placed by `evaluate`, and each exception's reason. Private to the engine.
#pragma once

#include <optional>
#include <vector>

#include "exact_search.hpp"

namespace mentorcal::engine {

// The plans of a solution, each member in turn: the series time among its class's shapes that
// moves fewest occurrences, every occurrence the solution takes placed by `evaluate`. Nullopt
// when some occurrence finds no room that way; nothing stays booked either way.
std::optional<std::vector<std::optional<Plan>>> plans_by_series_time(
    std::vector<Member>& members, const std::vector<std::vector<RuleClass>>& classes,
    const Solution& solution);

// The plans of a solution with every occurrence exactly where the search put it, the series
// time the best-ranked placement of its class that holds most of them.
std::vector<std::optional<Plan>> plans_as_found(std::vector<Member>& members,
                                                const std::vector<std::vector<RuleClass>>& classes,
                                                const Solution& solution);

// Each plan evaluated once more, the same occurrences where they are, with every other plan
// booked, so that each exception's reason names what stands at its series time.
void write_reasons(std::vector<Member>& members, std::vector<std::optional<Plan>>& plans);

}  // namespace mentorcal::engine

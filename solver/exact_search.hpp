// The exact search's own terms, shared by its files: the rule classes it chooses among, where
// each occurrence goes, the solution it finds, and search_part, which runs it over some members
// of a group (exact_search.cpp). exact_plans.hpp makes plans of a solution; exact.cpp searches a
// group whole and by parts. Private to the engine.
#pragma once

#include <cstddef>
#include <optional>
#include <utility>
#include <vector>

#include "exact.hpp"

namespace mentorcal::engine {

// The rule shapes of a pair whose occurrences fall in the same ISO weeks. For the first two
// terms of the objective they are one choice, since an occurrence may move anywhere in its
// week: which of them becomes the series time only decides what counts as moved.
struct RuleClass {
  std::vector<Placement> shapes;
  std::vector<std::pair<int, int>> weeks;  // the days of each occurrence's ISO week
};

// Only shapes the pair can meet on, at some time of one of its dates, are series times: a
// series on a day neither party works, every occurrence moved, is no series a coordinator wants,
// though it may have one occurrence fewer to hold when the term cuts that weekday short.
// Of each day of the term, the first and the last slot free of both parties' fixed commitments;
// {-1, -1} when there is none.
using FreeSlots = std::vector<std::pair<int, int>>;

FreeSlots free_slots_of(const PairSpace& space);
std::vector<RuleClass> classes_of(const PairSpace& space, const FreeSlots& free);

struct Position {
  int day = 0;
  int slot = 0;
  friend bool operator==(const Position&, const Position&) = default;
};
using Choice = std::optional<Position>;  // nullopt: skipped

// Whether `person` is one of the two parties.
inline bool is_party(const Parties& parties, const PersonCalendar* person) {
  return &parties.anchor == person || &parties.other == person;
}

// The best found: a rule class for each member and what became of each occurrence.
struct Solution {
  std::vector<std::size_t> classes;
  std::vector<std::vector<Choice>> choices;  // by member, by occurrence
};

// What both searches over some members found: better plans for them, if any.
struct Searched {
  std::optional<std::vector<std::optional<Plan>>> plans;
  bool complete = true;  // both ran to the end: nothing better exists
  std::size_t steps = 0;
};

// Two searches over the members in `part` that differ in the order they choose classes, each
// with half the steps: each finds in time optima the other does not. The second starts from the
// first's best. What members outside `part` have booked stays where it is.
Searched search_part(std::vector<Member>& members,
                     const std::vector<std::vector<RuleClass>>& classes,
                     const std::vector<FreeSlots>& free, const std::vector<std::size_t>& part,
                     const Score& baseline, std::size_t budget);

}  // namespace mentorcal::engine

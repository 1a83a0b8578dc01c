// The true optimum of a small program, as a mixed-integer program solved by GLPK. It shares no
// code with the engine's search: it reads the program's data and the public time helpers only,
// so that a test can hold the engine's schedule against it.
//
//   auto best = mentorcal::optimality::exact_optimum(program);
//   if (best.proven) EXPECT_EQ(counts_of(engine_schedule).pairs, best.counts.pairs);
#pragma once

#include <ostream>

#include "mentorcal/program.hpp"
#include "mentorcal/schedule.hpp"

namespace mentorcal::optimality {

// The contract's objective terms, in its order.
struct Counts {
  int pairs = 0;    // pairs scheduled
  int skipped = 0;  // occurrences skipped, over the scheduled pairs
  int moved = 0;    // occurrences moved, over the scheduled pairs
  friend bool operator==(const Counts&, const Counts&) = default;
};

// `skipped` counts, for a monthly series, each month of the term that its rule has no instance
// in (the contract's occurrences of a monthly cadence are the months with seven days in the term).
Counts counts_of(const Program& program, const Schedule& schedule);
std::ostream& operator<<(std::ostream& out, const Counts& c);  // "4 pairs, 1 skipped, 0 moved"

struct Optimum {
  // GLPK proved the pairs and skips of `counts` optimal, and the moves given those, within the
  // node limits. When not, `counts` are those of the best schedule found.
  bool proven = true;
  bool moves_proven = true;
  Counts counts;
  Schedule schedule;  // a schedule with `counts`, for verify_schedule
};

// How many branch-and-bound subproblems GLPK may explore for each group of pairs that share
// people, in the two steps of the solve. Counted, not timed, so that the outcome is the same on
// every machine.
struct ExactLimits {
  int pairs_and_skips_nodes = 2000;
  int moves_nodes = 50;
};

// The lexicographic optimum of `program`: most pairs scheduled, then fewest occurrences
// skipped, then fewest moved. Comfort is not modelled.
Optimum exact_optimum(const Program& program, const ExactLimits& limits = {});

}  // namespace mentorcal::optimality

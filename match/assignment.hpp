// The assignment at the heart of `mentorcal match`: mentees to mentors with places, the most
// mentees first, then the highest total score. A min-cost flow on the sparse graph of candidate
// pairs, solved by LEMON's network simplex, or from an earlier optimum by successive shortest
// paths (docs/ALGORITHM.md, "Matching").
//
//   AssignmentProblem problem{.mentees = 2, .places = {1}, .edges = {{0, 0, 30}, {1, 0, 10}}};
//   auto a = assign(problem);  // a.mentor_of == {0, -1}: one place, the higher score takes it
#pragma once

#include <cstdint>
#include <vector>

namespace mentorcal::matching {

struct CandidateEdge {
  std::uint32_t mentee = 0;  // index in [0, AssignmentProblem::mentees)
  std::uint32_t mentor = 0;  // index into AssignmentProblem::places
  int score = 0;             // 0 <= score <= AssignmentProblem::max_score
};

struct AssignmentProblem {
  std::size_t mentees = 0;
  std::vector<int> places;  // per mentor: how many more mentees they may take, >= 0
  std::vector<CandidateEdge> edges;
  int max_score = 0;  // no edge scores more, here or in any edge later offered to `admits`
};

struct Assignment {
  std::vector<int> mentor_of;  // per mentee: their mentor, or -1
  // Dual values that prove the assignment optimal for the edges it was given: every edge's
  // reduced cost is non-negative. `admits` tells whether another edge keeps that so.
  std::vector<long long> mentee_potential;
  std::vector<long long> mentor_potential;
  int max_score = 0;
  // The flow's optimal duals, one per node, from which `settle_ties` finds the other optima.
  std::vector<long long> flow_dual;
  // When ties are settled, the duals that prove it among the optima, one per node: assign
  // from this assignment as `start` then keeps ties settled without a second flow.
  std::vector<long long> tie_dual;

  // The edge's reduced cost under these potentials: when it is non-negative, adding the edge
  // to the problem could not improve the assignment. When every pair left out is admitted
  // (`admits`), the assignment is optimal over all of them.
  long long reduced_cost(const CandidateEdge& edge) const {
    return static_cast<long long>(max_score - edge.score) + mentee_potential[edge.mentee] -
           mentor_potential[edge.mentor];
  }
  bool admits(const CandidateEdge& edge) const { return reduced_cost(edge) >= 0; }
};

// How assign chooses among equally good assignments: `settled` favours mentees earlier in the
// problem (a second flow, over the optimal ones, least in the sum of each mentee i's cost times
// n - i, the cost being max_score - score, or max_score + 1 left out); `any` takes the first
// optimum found, which is quicker and enough while more edges are to come (from a settled
// `start` whose repair suffices, that is a settled one, with its tie_dual). Where several
// settled assignments weigh the same, which one is taken may depend on `start`.
enum class Ties { settled, any };

// The most mentees assigned, then the highest total score, with each mentor's places. The same
// problem (edges in the same order) and the same `start` give the same assignment every time.
//
// From `start`, an optimum of an earlier problem with the same mentees and mentors whose edges
// this one keeps (it may add more, and take places away), only what changed is solved again:
// the pairs the new edges or places leave unproved are undone and routed anew. A `start` of
// another shape is ignored. A settled `start` (with its tie_dual) gives a settled assignment
// that way too, so that pairs nothing moved stay where they were.
Assignment assign(const AssignmentProblem& problem, Ties ties = Ties::settled,
                  const Assignment* start = nullptr);

// assign(problem, Ties::settled) from `optimum`, assign(problem, Ties::any) of the same problem,
// without solving the flow again.
Assignment settle_ties(const AssignmentProblem& problem, const Assignment& optimum);

}  // namespace mentorcal::matching

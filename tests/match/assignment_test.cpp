#include "match/assignment.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <random>
#include <stdexcept>
#include <tuple>

namespace mentorcal::matching {
namespace {

int total(const AssignmentProblem& problem, const Assignment& a) {
  int sum = 0;
  for (const auto& e : problem.edges)
    if (a.mentor_of[e.mentee] == static_cast<int>(e.mentor)) sum += e.score;
  return sum;
}

TEST(Assignment, TheHigherScoreTakesTheOnlyPlace) {
  const AssignmentProblem problem{2, {1}, {{0, 0, 5}, {1, 0, 10}}, 10};
  EXPECT_EQ(assign(problem).mentor_of, (std::vector<int>{-1, 0}));
}

TEST(Assignment, MoreMenteesMatchedOutweighsAnyScore) {
  // e0 could take m0 (score 50) alone, but then e1, who can only take m0, is left out.
  const AssignmentProblem problem{2, {1, 1}, {{0, 0, 50}, {0, 1, 0}, {1, 0, 0}}, 50};
  EXPECT_EQ(assign(problem).mentor_of, (std::vector<int>{1, 0}));
}

TEST(Assignment, AMentorTakesAsManyAsTheirPlaces) {
  const AssignmentProblem problem{3, {2, 0}, {{0, 0, 1}, {1, 0, 2}, {2, 0, 3}, {0, 1, 9}}, 9};
  const auto a = assign(problem);
  EXPECT_EQ(a.mentor_of, (std::vector<int>{-1, 0, 0}));
}

TEST(Assignment, ReassignsAlongALongerPathWhenThatScoresMore) {
  // e0 first takes m0; e1 only fits m0 and scores more there, so e0 moves to m1.
  const AssignmentProblem problem{2, {1, 1}, {{0, 0, 10}, {0, 1, 8}, {1, 0, 10}}, 10};
  const auto a = assign(problem);
  EXPECT_EQ(a.mentor_of, (std::vector<int>{1, 0}));
  EXPECT_EQ(total(problem, a), 18);
}

TEST(Assignment, ItsPotentialsAdmitOnlyEdgesThatCannotImprove) {
  const AssignmentProblem problem{2, {1, 1}, {{0, 0, 10}, {1, 0, 5}}, 20};
  const auto a = assign(problem);
  EXPECT_EQ(a.mentor_of, (std::vector<int>{0, -1}));
  EXPECT_FALSE(a.admits({1, 1, 0}));  // e1 to the free m1: one more matched
  EXPECT_FALSE(a.admits({0, 1, 0}));  // e0 to m1 lets e1 take m0: one more matched
  const AssignmentProblem alone{1, {1, 1}, {{0, 0, 10}}, 20};
  const auto b = assign(alone);
  EXPECT_TRUE(b.admits({0, 1, 9}));    // e0 to m1 at 9 scores less
  EXPECT_TRUE(b.admits({0, 1, 10}));   // or the same
  EXPECT_FALSE(b.admits({0, 1, 11}));  // or more
}

TEST(Assignment, SettlingTiesFromAnOptimumEqualsSolvingSettled) {
  // e0 and e2 want m0's one place equally: the first optimum found gives it to e2, settled ties
  // to the earlier e0, from that optimum as from scratch.
  const AssignmentProblem problem{3, {1}, {{0, 0, 6}, {2, 0, 6}}, 9};
  const auto any = assign(problem, Ties::any);
  ASSERT_EQ(any.mentor_of, (std::vector<int>{-1, -1, 0}));
  const auto settled = assign(problem);
  EXPECT_EQ(settled.mentor_of, (std::vector<int>{0, -1, -1}));
  const auto from_optimum = settle_ties(problem, any);
  EXPECT_EQ(from_optimum.mentor_of, settled.mentor_of);
  EXPECT_EQ(from_optimum.mentee_potential, settled.mentee_potential);
  EXPECT_EQ(from_optimum.mentor_potential, settled.mentor_potential);
}

TEST(Assignment, SettlingTiesRefusesAnOptimumOfAnotherProblem) {
  const AssignmentProblem problem{2, {1}, {{0, 0, 5}, {1, 0, 5}}, 5};
  const AssignmentProblem other{1, {1}, {{0, 0, 5}}, 5};
  EXPECT_THROW(settle_ties(problem, assign(other, Ties::any)), std::invalid_argument);
}

struct Value {
  int matched = 0;
  int score = 0;
  friend bool operator==(const Value&, const Value&) = default;
};

std::ostream& operator<<(std::ostream& out, const Value& v) {
  return out << v.matched << " matched, score " << v.score;
}

// The assignment's value, after checking that it uses only the problem's edges and keeps every
// mentor within their places.
Value value_of(const AssignmentProblem& problem, const Assignment& a) {
  std::vector<int> load(problem.places.size(), 0);
  Value v;
  for (std::size_t e = 0; e < problem.mentees; ++e) {
    const auto k = a.mentor_of[e];
    if (k < 0) continue;
    const auto edge = std::find_if(problem.edges.begin(), problem.edges.end(), [&](auto& c) {
      return c.mentee == e && static_cast<int>(c.mentor) == k;
    });
    EXPECT_NE(edge, problem.edges.end()) << "e" << e << " to m" << k << " is no edge";
    if (edge == problem.edges.end()) continue;
    ++v.matched;
    v.score += edge->score;
    ++load[static_cast<std::size_t>(k)];
  }
  for (std::size_t k = 0; k < load.size(); ++k)
    EXPECT_LE(load[k], problem.places[k]) << "m" << k << " over their places";
  return v;
}

// What settling ties minimises among optima: mentee i's cost weighs n - i.
long long tie_weight(const AssignmentProblem& problem, const Assignment& a) {
  long long sum = 0;
  for (std::size_t e = 0; e < problem.mentees; ++e) {
    long long cost = problem.max_score + 1;
    for (const auto& c : problem.edges)
      if (c.mentee == e && static_cast<int>(c.mentor) == a.mentor_of[e])
        cost = problem.max_score - c.score;
    sum += static_cast<long long>(problem.mentees - e) * cost;
  }
  return sum;
}

// Up to `mentees` mentees and `mentors` mentors with up to `places` places each, two pairs in
// three edges, scoring up to a max_score of at most `score`.
AssignmentProblem random_problem(std::mt19937& random, unsigned mentees, unsigned mentors,
                                 unsigned places, unsigned score) {
  AssignmentProblem problem{1 + random() % mentees, {}, {}, 1 + static_cast<int>(random() % score)};
  problem.places.resize(1 + random() % mentors);
  for (auto& p : problem.places) p = static_cast<int>(random() % (places + 1));
  for (std::uint32_t e = 0; e < problem.mentees; ++e)
    for (std::uint32_t k = 0; k < problem.places.size(); ++k)
      if (random() % 3 != 0)
        problem.edges.push_back({e, k, static_cast<int>(random() % (problem.max_score + 1))});
  return problem;
}

TEST(Assignment, FromAnEarlierOptimumReachesTheSameValueAsFromScratch) {
  // Random problems grown as the matcher grows them: edges added, places taken away. The
  // optimum from the earlier one's must be worth what the network simplex finds from scratch,
  // and so must its ties settled (which of several equal settlements is taken may differ).
  std::mt19937 random(17);
  for (int trial = 0; trial < 300; ++trial) {
    auto earlier = random_problem(random, 12, 6, 3, 20);
    auto later = earlier;
    std::shuffle(later.edges.begin(), later.edges.end(), random);
    earlier.edges.resize(later.edges.size() / (1 + random() % 3));
    for (auto& p : later.places)
      if (random() % 4 == 0) p = std::max(0, p - 1 - static_cast<int>(random() % 2));
    SCOPED_TRACE("trial " + std::to_string(trial));
    const auto start = assign(earlier, Ties::any);
    EXPECT_EQ(value_of(later, assign(later, Ties::any, &start)),
              value_of(later, assign(later, Ties::any)));
    const auto from_scratch = assign(later);
    EXPECT_EQ(tie_weight(later, assign(later, Ties::settled, &start)),
              tie_weight(later, from_scratch));
    // From a settled optimum, the repair keeps ties settled as it goes, for `any` too, and its
    // duals carry on: one more place taken away, the repair from it is settled again.
    const auto settled_start = assign(earlier);
    const auto from_settled = assign(later, Ties::settled, &settled_start);
    EXPECT_EQ(value_of(later, from_settled), value_of(later, from_scratch));
    EXPECT_EQ(tie_weight(later, from_settled), tie_weight(later, from_scratch));
    EXPECT_EQ(tie_weight(later, assign(later, Ties::any, &settled_start)),
              tie_weight(later, from_scratch));
    EXPECT_EQ(assign(later, Ties::settled, &from_settled).mentor_of, from_settled.mentor_of);
    auto last = later;
    auto& fullest = *std::max_element(last.places.begin(), last.places.end());
    fullest = std::max(0, fullest - 1);
    const auto again = assign(last, Ties::any, &from_settled);
    EXPECT_EQ(value_of(last, again), value_of(last, assign(last)));
    EXPECT_EQ(tie_weight(last, again), tie_weight(last, assign(last)));
  }
}

TEST(Assignment, FromASettledOptimumOnlyWhatTheChangeMovesMoves) {
  // Four mentees who score the same with both mentors: every assignment of all four weighs the
  // same, settled or not. With one place fewer, the last mentee is the one left out, and a
  // repair from the settled optimum moves nobody else (a flow from scratch may move anyone).
  const AssignmentProblem earlier{
      4,
      {2, 2},
      {{0, 0, 5}, {0, 1, 5}, {1, 0, 5}, {1, 1, 5}, {2, 0, 5}, {2, 1, 5}, {3, 0, 5}, {3, 1, 5}},
      9};
  auto later = earlier;
  const auto start = assign(earlier);
  const auto last_mentor = static_cast<std::size_t>(start.mentor_of[3]);
  later.places[last_mentor] = 1;
  auto expected = start.mentor_of;
  expected[3] = -1;
  EXPECT_EQ(assign(later, Ties::settled, &start).mentor_of, expected);
}

// Every assignment of a small problem, tried one by one: the most matched, then the highest
// score, then the lowest tie weight.
std::tuple<int, int, long long> best_by_brute_force(const AssignmentProblem& problem) {
  std::tuple<int, int, long long> best{-1, 0, 0};
  Assignment a;
  a.mentor_of.assign(problem.mentees, -1);
  const auto m = static_cast<int>(problem.places.size());
  for (;;) {
    std::vector<int> load(problem.places.size(), 0);
    bool fits = true;
    int matched = 0;
    int score = 0;
    for (std::size_t e = 0; e < problem.mentees && fits; ++e) {
      const auto k = a.mentor_of[e];
      if (k < 0) continue;
      const auto edge = std::find_if(problem.edges.begin(), problem.edges.end(), [&](auto& c) {
        return c.mentee == e && static_cast<int>(c.mentor) == k;
      });
      fits = edge != problem.edges.end() &&
             ++load[static_cast<std::size_t>(k)] <= problem.places[static_cast<std::size_t>(k)];
      if (fits) {
        ++matched;
        score += edge->score;
      }
    }
    if (fits) {
      const std::tuple<int, int, long long> mine{matched, score, -tie_weight(problem, a)};
      if (mine > best) best = mine;
    }
    std::size_t e = 0;  // the next assignment, as a number in base m + 1
    while (e < problem.mentees && a.mentor_of[e] == m - 1) a.mentor_of[e++] = -1;
    if (e == problem.mentees) break;
    ++a.mentor_of[e];
  }
  std::get<2>(best) = -std::get<2>(best);
  return best;
}

TEST(Assignment, SettledIsTheBestOfEveryAssignment) {
  std::mt19937 random(5);
  for (int trial = 0; trial < 300; ++trial) {
    const auto problem = random_problem(random, 6, 3, 2, 4);
    SCOPED_TRACE("trial " + std::to_string(trial));
    const auto settled = assign(problem);
    const auto v = value_of(problem, settled);
    EXPECT_EQ(std::make_tuple(v.matched, v.score, tie_weight(problem, settled)),
              best_by_brute_force(problem));
  }
}

TEST(Assignment, FromAnEarlierOptimumKeepsThePairsNothingImproves) {
  // e2 holds m0's one place; the edge added for e0 scores the same, so e2 keeps it, and only
  // settling ties gives it to the earlier e0.
  const AssignmentProblem earlier{3, {1}, {{2, 0, 6}}, 9};
  const AssignmentProblem later{3, {1}, {{2, 0, 6}, {0, 0, 6}}, 9};
  const auto start = assign(earlier, Ties::any);
  ASSERT_EQ(start.mentor_of, (std::vector<int>{-1, -1, 0}));
  EXPECT_EQ(assign(later, Ties::any, &start).mentor_of, (std::vector<int>{-1, -1, 0}));
  EXPECT_EQ(assign(later, Ties::settled, &start).mentor_of, (std::vector<int>{0, -1, -1}));
}

TEST(Assignment, AStartOfAnotherShapeIsIgnored) {
  const AssignmentProblem problem{2, {1}, {{0, 0, 5}, {1, 0, 7}}, 9};
  const AssignmentProblem other{1, {1}, {{0, 0, 5}}, 9};
  const auto start = assign(other, Ties::any);
  EXPECT_EQ(assign(problem, Ties::any, &start).mentor_of, (std::vector<int>{-1, 0}));
}

}  // namespace
}  // namespace mentorcal::matching

#include "match/assignment.hpp"

#include <gtest/gtest.h>

#include <stdexcept>

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

}  // namespace
}  // namespace mentorcal::matching

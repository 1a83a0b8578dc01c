// The exact search over a small group of pairs that share people, through engine/exact.hpp: it
// finds what placing one pair at a time, each at its own best, misses.
#include "exact.hpp"

#include <gtest/gtest.h>

#include "support/program_text.hpp"
#include "support/search_parts.hpp"
#include "support/time.hpp"

namespace mentorcal::engine {
namespace {

using namespace std::chrono_literals;
using testing::kPairsHeader;
using testing::kPeopleHeader;
using testing::program_from;
using testing::SearchParts;
using testing::settings;
using testing::utc;

// Mentor m in London has one hour on Mondays and Tuesdays, 09:00-10:00, for two mentees: a can
// meet on either day, b on Mondays only (`b_hours`). Three weeks of February, weekly hour-long
// sessions.
Program one_mentor_two_mentees(const std::string& b_hours, const std::string& b_min_held) {
  return program_from(
      settings("2027-02-01", "2027-02-21"),
      std::string(kPeopleHeader) +
          "m,Mia,m@x.example,mentor,Europe/London,Mon-Tue 09:00-10:00\n"
          "a,Ann,a@x.example,mentee,Europe/London,Mon-Fri 09:00-17:00\n"
          "b,Ben,b@x.example,mentee,Europe/London," +
          b_hours + "\n",
      std::string(kPairsHeader) + "m,a,weekly,60,1\nm,b,weekly,60," + b_min_held + "\n");
}

// Each pair in turn at its best plan, what the engine's greedy pass does before the exact
// search: the plans, nothing left booked.
std::vector<std::optional<Plan>> one_at_a_time(SearchParts& parts,
                                               const std::vector<PairSpace>& spaces) {
  std::vector<std::optional<Plan>> plans;
  std::vector<Parties> parties;
  for (std::size_t i = 0; i < spaces.size(); ++i) {
    parties.push_back(parts.parties_of(i));
    auto plan = best_plan(spaces[i], parties[i], 16);
    if (plan && plan->accepted) {
      book(*plan, parties[i]);
      plans.push_back(std::move(plan));
    } else {
      plans.emplace_back();
    }
  }
  for (std::size_t i = 0; i < spaces.size(); ++i)
    if (plans[i]) unbook(*plans[i], parties[i]);
  return plans;
}

std::vector<PairSpace> spaces_of(const SearchParts& parts) {
  std::vector<PairSpace> out;
  for (std::size_t i = 0; i < parts.program.pairs.size(); ++i) out.push_back(parts.space_of(i));
  return out;
}

std::vector<Member> members_of(SearchParts& parts, const std::vector<PairSpace>& spaces) {
  std::vector<Member> out;
  for (std::size_t i = 0; i < spaces.size(); ++i) out.push_back({spaces[i], parts.parties_of(i)});
  return out;
}

int count(const Plan& plan, OccurrenceState state) {
  return static_cast<int>(std::count_if(plan.occurrences.begin(), plan.occurrences.end(),
                                        [&](const Occurrence& o) { return o.state == state; }));
}

TEST(ExactSearch, SchedulesBothPairsWhereOneAtATimeLeavesOneOut) {
  const auto program = one_mentor_two_mentees("Mon 09:00-17:00", "1");
  SearchParts parts(program);
  const auto spaces = spaces_of(parts);
  // One at a time, a takes m's Monday hour (the first of two as good), and b has no other.
  const auto greedy = one_at_a_time(parts, spaces);
  ASSERT_TRUE(greedy[0]);
  EXPECT_EQ(greedy[0]->placement.weekday, 1u);
  EXPECT_FALSE(greedy[1]);

  auto members = members_of(parts, spaces);
  const auto exact = improve_exactly(members, greedy, 100000);
  ASSERT_TRUE(exact);
  ASSERT_EQ(exact->size(), 2u);
  ASSERT_TRUE((*exact)[0] && (*exact)[1]);
  EXPECT_EQ((*exact)[0]->placement.weekday, 2u) << "a on Tuesdays";
  EXPECT_EQ((*exact)[1]->placement.weekday, 1u) << "b on Mondays";
  for (const auto& plan : *exact) {
    EXPECT_EQ(count(*plan, OccurrenceState::held), 3);
    EXPECT_TRUE(plan->accepted);
  }
  EXPECT_EQ((*exact)[1]->occurrences[0].at,
            (Interval{utc(date::February / 1 / 2027, 9h), utc(date::February / 1 / 2027, 10h)}));
  // Nothing stays booked.
  EXPECT_TRUE(parts.load[0].fits((*exact)[0]->occurrences[0].at, parts.calendars[0]));
}

TEST(ExactSearch, SkipsFewerOccurrencesWhereOneAtATimeSkipsOne) {
  // b may meet on Tuesdays too, but not on Tuesday 9 February, and needs two of three.
  auto program = one_mentor_two_mentees("Mon-Fri 09:00-17:00", "0.5");
  program.people[2].busy = {
      {utc(date::February / 9 / 2027, 0h), utc(date::February / 10 / 2027, 0h)}};
  SearchParts parts(program);
  const auto spaces = spaces_of(parts);
  const auto greedy = one_at_a_time(parts, spaces);
  ASSERT_TRUE(greedy[0] && greedy[1]);
  EXPECT_EQ(greedy[0]->placement.weekday, 1u);
  EXPECT_EQ(greedy[1]->skipped, 1) << "b's second Tuesday";

  auto members = members_of(parts, spaces);
  const auto exact = improve_exactly(members, greedy, 100000);
  ASSERT_TRUE(exact);
  ASSERT_TRUE((*exact)[0] && (*exact)[1]);
  EXPECT_EQ((*exact)[0]->skipped + (*exact)[1]->skipped, 0);
  // m's one hour a day goes to one of them at a time, and each exception says why.
  for (const auto& o : (*exact)[0]->occurrences)
    for (const auto& p : (*exact)[1]->occurrences) EXPECT_FALSE(o.at.overlaps(p.at));
  for (const auto& plan : *exact)
    for (const auto& o : plan->occurrences)
      EXPECT_EQ(o.reason.empty(), o.state == OccurrenceState::held) << o.reason;
}

TEST(ExactSearch, FindsNothingBetterThanAnOptimum) {
  const auto program = one_mentor_two_mentees("Mon 09:00-17:00", "1");
  SearchParts parts(program);
  const auto spaces = spaces_of(parts);
  auto members = members_of(parts, spaces);
  const auto greedy = one_at_a_time(parts, spaces);
  const auto exact = improve_exactly(members, greedy, 100000);
  ASSERT_TRUE(exact);
  EXPECT_FALSE(improve_exactly(members, *exact, 100000));
}

TEST(ExactSearch, GivesUpWithinItsBudget) {
  const auto program = one_mentor_two_mentees("Mon 09:00-17:00", "1");
  SearchParts parts(program);
  const auto spaces = spaces_of(parts);
  auto members = members_of(parts, spaces);
  EXPECT_FALSE(improve_exactly(members, one_at_a_time(parts, spaces), 0));
}

TEST(ExactScore, PutsMorePairsFirstThenFewerSkips) {
  EXPECT_TRUE((Score{2, 5}.better_than(Score{1, 0})));
  EXPECT_TRUE((Score{2, 0}.better_than(Score{2, 1})));
  EXPECT_FALSE((Score{2, 1}.better_than(Score{2, 1})));
  EXPECT_FALSE((Score{1, 0}.better_than(Score{2, 3})));
}

}  // namespace
}  // namespace mentorcal::engine

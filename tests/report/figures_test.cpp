#include <gtest/gtest.h>

#include "mentorcal/report.hpp"
#include "report_fixture.hpp"

namespace mentorcal {
namespace {

using namespace testing;

// Sunday 28 February 2027 19:00 in New York (EST) is Monday 1 March 09:00 in Tokyo: another
// day, week and month. Sunday 7 March 20:00 New York is Monday 8 March 10:00 Tokyo.
TEST(Tally, CountsEachPartyInTheirOwnWeekMonthWeekdayAndHour) {
  const Program program = report_program();
  Schedule schedule;
  schedule.pairs.push_back(
      scheduled("m", "t",
                {occurrence(OccurrenceState::held, utc(date::March / 1 / 2027, 0h)),
                 occurrence(OccurrenceState::moved, utc(date::March / 8 / 2027, 1h)),
                 occurrence(OccurrenceState::skipped, utc(date::March / 15 / 2027, 0h))}));
  schedule.pairs.push_back({"m", "l", "", "", std::nullopt, {"share no hour"}, "", {}});

  const auto figures = tally(program, schedule);
  ASSERT_EQ(figures.people.size(), 2u);  // Lou has no session
  const auto& mentor = figures.people[0];
  const auto& mentee = figures.people[1];
  EXPECT_EQ(mentor.person->id, "m");
  EXPECT_EQ(mentee.person->id, "t");
  EXPECT_EQ(mentor.term, (Tally{2, 90min}));  // the skipped one does not count
  EXPECT_EQ(mentee.term, (Tally{2, 90min}));

  const LocalDay feb22{date::February / 22 / 2027}, mar1{date::March / 1 / 2027},
      mar8{date::March / 8 / 2027}, feb1{date::February / 1 / 2027};
  EXPECT_EQ(mentor.weeks, (std::map<LocalDay, Tally>{{feb22, {1, 45min}}, {mar1, {1, 45min}}}));
  EXPECT_EQ(mentee.weeks, (std::map<LocalDay, Tally>{{mar1, {1, 45min}}, {mar8, {1, 45min}}}));
  EXPECT_EQ(mentor.months, (std::map<LocalDay, Tally>{{feb1, {1, 45min}}, {mar1, {1, 45min}}}));
  EXPECT_EQ(mentee.months, (std::map<LocalDay, Tally>{{mar1, {2, 90min}}}));

  ASSERT_EQ(figures.zones.size(), 2u);
  EXPECT_EQ(figures.zones[0].zone, "America/New_York");
  EXPECT_EQ(figures.zones[0].by_weekday[6], 2);  // Sunday
  EXPECT_EQ(figures.zones[0].by_hour[19], 1);
  EXPECT_EQ(figures.zones[0].by_hour[20], 1);
  EXPECT_EQ(figures.zones[1].zone, "Asia/Tokyo");
  EXPECT_EQ(figures.zones[1].by_weekday[0], 2);  // Monday
  EXPECT_EQ(figures.zones[1].by_hour[9], 1);
  EXPECT_EQ(figures.zones[1].by_hour[10], 1);
}

}  // namespace
}  // namespace mentorcal

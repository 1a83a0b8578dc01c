#include "mentorcal/verify.hpp"

#include <gtest/gtest.h>

#include "mentorcal/solver.hpp"
#include "program_text.hpp"

namespace mentorcal {
namespace {

using namespace std::chrono_literals;

class Verifier : public ::testing::Test {
 protected:
  void SetUp() override {
    program_ = testing::program_from(
        testing::settings("2027-03-01", "2027-03-26", "[mentor]\nmax_sessions_per_week = 1\n"),
        std::string(testing::kPeopleHeader) +
            "m,M,m@x.example,mentor,America/New_York,Mon-Fri 09:00-12:00\n"
            "a,A,a@x.example,mentee,Europe/London,Mon-Fri 13:00-17:00\n"
            "b,B,b@x.example,mentee,Europe/London,Mon-Fri 13:00-17:00\n",
        std::string(testing::kPairsHeader) + "m,a,biweekly,60,1\nm,b,biweekly,60,1\n");
    ScheduleOptions options;
    options.revision = Instant{program_.start.time_since_epoch()};
    schedule_ = schedule_program(program_, options);
    ASSERT_TRUE(schedule_.pairs[0].series && schedule_.pairs[1].series);
    ASSERT_TRUE(verify_schedule(program_, schedule_).empty());
  }

  Occurrence& first() { return schedule_.pairs[0].series->occurrences[0]; }
  bool reports(std::string_view words) {
    for (const auto& v : verify_schedule(program_, schedule_))
      if (v.find(words) != std::string::npos) return true;
    return false;
  }

  Program program_;
  Schedule schedule_;
};

TEST_F(Verifier, CatchesAHeldOccurrenceAwayFromTheSeriesTime) {
  first().at = {first().at.start + 15min, first().at.end + 15min};
  EXPECT_TRUE(reports("held but not at the series time"));
}

TEST_F(Verifier, CatchesAnOccurrenceOutsideWorkingHours) {
  first().state = OccurrenceState::moved;
  first().at = {first().at.start + 3h, first().at.end + 3h};
  EXPECT_TRUE(reports("outside m's working hours"));
}

TEST_F(Verifier, CatchesBusyTimeWithinTheBuffer) {
  program_.people[1].limits.buffer_minutes = 15;
  program_.people[1].busy = {{first().at.end + 10min, first().at.end + 40min}};
  EXPECT_TRUE(reports("a is busy"));
}

TEST_F(Verifier, CatchesAWeeklyLimitAndOverlappingSessions) {
  auto& other = schedule_.pairs[1].series->occurrences[0];
  other.state = OccurrenceState::moved;
  other.at = first().at;
  EXPECT_TRUE(reports("sessions in the week"));
  EXPECT_TRUE(reports("another session within the buffer"));
}

TEST_F(Verifier, CatchesAnOccurrenceMovedOutOfItsWeekOrOffTheGrid) {
  first().state = OccurrenceState::moved;
  first().at = {first().at.start + date::days{7}, first().at.end + date::days{7}};
  EXPECT_TRUE(reports("moved out of its ISO week"));
  first().at = {first().at.start - date::days{7} + 5min, first().at.end - date::days{7} + 5min};
  EXPECT_TRUE(reports("not on the 15-minute grid"));
}

TEST_F(Verifier, CatchesABlackoutDateAndASeriesBelowMinHeld) {
  program_.blackouts = {date::floor<date::days>(first().nominal)};
  EXPECT_TRUE(reports("on blackout date"));
  first().state = OccurrenceState::skipped;
  EXPECT_TRUE(reports("below min_held"));
}

// One test per rule the verifier checks, each breaking that rule alone where it can.

TEST_F(Verifier, CatchesASessionCloserToThePersonsOwnLastOneThanTheirBuffer) {
  auto& other = schedule_.pairs[1].series->occurrences[0];
  other.state = OccurrenceState::moved;
  other.at = {first().at.end, first().at.end + 60min};  // back to back with the first
  EXPECT_FALSE(reports("another session within the buffer")) << "no buffer, no problem";
  program_.people[0].limits.buffer_minutes = 15;
  EXPECT_TRUE(reports("another session within the buffer"));
}

TEST_F(Verifier, CatchesTheMinutesOfACalendarMonthInThePersonsZone) {
  // Two biweekly pairs of 60 minutes in March 2027: four sessions, 240 minutes for the mentor.
  program_.people[0].limits.max_minutes_per_month = 240;
  EXPECT_FALSE(reports("minutes in the month"));
  program_.people[0].limits.max_minutes_per_month = 239;
  EXPECT_TRUE(reports("240 minutes in the month from 2027-03-01, limit 239"));
}

TEST_F(Verifier, CatchesTheSessionsOfADayAndTheMinutesOfAWeek) {
  auto& other = schedule_.pairs[1].series->occurrences[0];
  other.state = OccurrenceState::moved;
  other.at = {first().at.end + 60min, first().at.end + 120min};
  program_.people[0].limits.max_sessions_per_week = 2;
  program_.people[0].limits.max_sessions_per_day = 1;
  EXPECT_TRUE(reports("2 sessions in the day"));
  program_.people[0].limits.max_sessions_per_day = 2;
  program_.people[0].limits.max_minutes_per_week = 119;
  EXPECT_FALSE(reports("sessions in the day"));
  EXPECT_TRUE(reports("120 minutes in the week"));
}

TEST_F(Verifier, CatchesAnOccurrenceOutsideThePersonsAvailability) {
  program_.people[1].availability = std::vector<Interval>{{first().at.end, first().at.end + 1h}};
  EXPECT_TRUE(reports("outside a's availability"));
}

TEST_F(Verifier, CatchesAnOccurrenceOfTheWrongLengthOrOutsideTheProgramsDates) {
  first().at.end += 15min;
  EXPECT_TRUE(reports("lasts other than the pair's duration"));
  first().at.end -= 15min;
  program_.start += date::days{7};
  EXPECT_TRUE(reports("outside the program's dates"));
}

TEST_F(Verifier, CatchesASeriesThatIsNotThePairs) {
  auto& series = *schedule_.pairs[0].series;
  series.duration += 15min;
  EXPECT_TRUE(reports("series cadence or duration differs from the pair's"));
  series.duration -= 15min;
  series.zone = "Europe/London";
  EXPECT_TRUE(reports("is not the anchor's"));
}

TEST_F(Verifier, CatchesResultsThatDoNotMatchThePrograms) {
  std::swap(schedule_.pairs[0].mentee_id, schedule_.pairs[1].mentee_id);
  EXPECT_TRUE(reports("result names m/b"));
  schedule_.pairs.pop_back();
  EXPECT_TRUE(reports("the schedule has 1 pairs, the program 2"));
}

TEST_F(Verifier, CatchesAnOccurrenceThatIsNotAnInstanceOfTheRule) {
  first().nominal += date::days{1};
  EXPECT_TRUE(reports("not an instance of the rule"));
}

TEST_F(Verifier, CatchesARuleThatDoesNotMakeTheListedOccurrences) {
  schedule_.pairs[0].series->occurrences.pop_back();
  EXPECT_TRUE(reports("the rule makes"));
}

}  // namespace
}  // namespace mentorcal

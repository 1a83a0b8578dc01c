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

TEST_F(Verifier, CatchesARuleThatDoesNotMakeTheListedOccurrences) {
  schedule_.pairs[0].series->occurrences.pop_back();
  EXPECT_TRUE(reports("the rule makes"));
}

}  // namespace
}  // namespace mentorcal

#include "mentorcal/summary.hpp"

#include <gtest/gtest.h>

#include "support/program_text.hpp"
#include "support/schedules.hpp"
#include "support/time.hpp"

namespace mentorcal {
namespace {

using namespace std::chrono_literals;
using testing::kPairsHeader;
using testing::kPeopleHeader;
using testing::program_from;
using testing::scheduled;
using testing::settings;
using testing::utc;

// Every session here is an hour long.
Occurrence occurrence(OccurrenceState state, Instant start) {
  return testing::occurrence(state, start, 60min);
}

// Mentor m in New York (EST, UTC-5, until 14 March) gives at most an hour a week; mentee e is in
// London (GMT), f in Tokyo. The figures are worked out by hand from the session times.
class Summary : public ::testing::Test {
 protected:
  Program program = program_from(
      settings("2027-03-01", "2027-03-15", "[mentor]\nmax_minutes_per_week = 60\n"),
      std::string(kPeopleHeader) +
          "m,M,m@x.example,mentor,America/New_York,Mon-Fri 09:00-17:00\n"
          "n,N,n@x.example,mentor,America/New_York,Mon-Fri 09:00-17:00\n"
          "e,E,e@x.example,mentee,Europe/London,Mon-Fri 09:00-17:00\n"
          "f,F,f@x.example,mentee,Asia/Tokyo,Mon-Fri 09:00-17:00\n",
      std::string(kPairsHeader) + "m,e,weekly,60,0.5\nm,f,weekly,60,0\nn,e,weekly,60,1\n");
};

TEST_F(Summary, CountsOccurrencesMarginsAndMentorsAtTheirLimit) {
  Schedule schedule;
  // Held Mon 1 March 10:00-11:00 New York, 15:00-16:00 London: an hour from either edge.
  // Moved to Mon 8 March 11:00-12:00 New York, 16:00-17:00 London: ending at London's edge.
  schedule.pairs.push_back(
      scheduled("m", "e",
                {occurrence(OccurrenceState::held, utc(date::March / 1 / 2027, 15h)),
                 occurrence(OccurrenceState::moved, utc(date::March / 8 / 2027, 16h))}));
  // Both of Tokyo's occurrences are skipped: nobody in Tokyo attends a session.
  schedule.pairs.push_back(
      scheduled("m", "f",
                {occurrence(OccurrenceState::skipped, utc(date::March / 2 / 2027, 0h)),
                 occurrence(OccurrenceState::skipped, utc(date::March / 9 / 2027, 0h))}));
  schedule.pairs.push_back({"n", "e", "", "", std::nullopt, {"share no hour"}, "", {}});

  const auto s = summarize(program, schedule);
  EXPECT_EQ(s.pairs, 3);
  EXPECT_EQ(s.scheduled, 2);
  EXPECT_EQ(s.held, 1);
  EXPECT_EQ(s.moved, 1);
  EXPECT_EQ(s.skipped, 2);
  EXPECT_EQ(s.cancelled, 0);
  // m spends 60 of 60 minutes in both weeks; n has no session.
  EXPECT_EQ(s.mentors_at_limit, std::vector<std::string>{"m"});
  ASSERT_EQ(s.zones.size(), 2u);
  EXPECT_EQ(s.zones[0].zone, "America/New_York");
  EXPECT_EQ(s.zones[0].sessions, 2);
  EXPECT_EQ(s.zones[0].near_edge, 0);
  EXPECT_DOUBLE_EQ(s.zones[0].mean_margin, 90);  // 60 and 120 minutes
  EXPECT_EQ(s.zones[1].zone, "Europe/London");
  EXPECT_EQ(s.zones[1].sessions, 2);
  EXPECT_EQ(s.zones[1].near_edge, 1);
  EXPECT_DOUBLE_EQ(s.zones[1].mean_margin, 30);  // 60 and 0 minutes
}

TEST_F(Summary, NamesNoMentorBelowTheLimitAndNoZoneWithoutSessions) {
  Schedule schedule;
  schedule.pairs.push_back(scheduled(
      "m", "e", {occurrence(OccurrenceState::skipped, utc(date::March / 1 / 2027, 15h))}));
  const auto s = summarize(program, schedule);
  EXPECT_EQ(s.scheduled, 1);
  EXPECT_EQ(s.skipped, 1);
  EXPECT_TRUE(s.mentors_at_limit.empty());
  EXPECT_TRUE(s.zones.empty());
}

}  // namespace
}  // namespace mentorcal

#include "mentorcal/schedule_json.hpp"

#include <gtest/gtest.h>

#include "mentorcal/solver.hpp"
#include "support/program_text.hpp"

namespace mentorcal {
namespace {

Schedule sample() {
  const auto program = testing::program_from(
      testing::settings("2027-03-01", "2027-05-28", "blackouts = [2027-03-15]\n"),
      std::string(testing::kPeopleHeader) +
          "m,M,m@x.example,mentor,Europe/Berlin,Mon-Tue 10:00-12:00\n"
          "a,A,a@x.example,mentee,Europe/Berlin,Mon-Fri 09:00-17:00\n"
          "b,B,b@x.example,mentee,Asia/Tokyo,Mon-Fri 09:00-17:00\n",
      std::string(testing::kPairsHeader) + "m,a,weekly,60,0.9\nm,b,monthly,45,0.9\n");
  ScheduleOptions options;
  options.revision = Instant{program.start.time_since_epoch()};
  return schedule_program(program, options);
}

TEST(ScheduleJson, RoundTripsEveryField) {
  const auto schedule = sample();
  ASSERT_TRUE(schedule.pairs[0].series);
  ASSERT_FALSE(schedule.pairs[1].series);
  std::string error;
  const auto again = schedule_from_json(schedule_to_json(schedule), &error);
  ASSERT_TRUE(again) << error;
  EXPECT_EQ(schedule_to_json(*again), schedule_to_json(schedule));
  EXPECT_EQ(*again->pairs[0].series, *schedule.pairs[0].series);
  EXPECT_EQ(again->pairs[1].reasons, schedule.pairs[1].reasons);
}

TEST(ScheduleJson, WritesTheRuleAsFeedsPublishIt) {
  Series s;
  s.cadence = Cadence{Cadence::Kind::every_weeks, 2};
  s.weekday = date::Tuesday;
  s.occurrences.resize(13);
  EXPECT_EQ(rrule_of(s), "FREQ=WEEKLY;INTERVAL=2;BYDAY=TU;COUNT=13");
  s.cadence = Cadence{Cadence::Kind::monthly, 0};
  s.monthly_ordinal = 2;
  s.occurrences.resize(6);
  EXPECT_EQ(rrule_of(s), "FREQ=MONTHLY;BYDAY=2TU;COUNT=6");
}

TEST(ScheduleJson, NamesTheFieldThatIsWrong) {
  auto text = schedule_to_json(sample());
  const auto at = text.find("\"zone\": \"Europe/Berlin\"");
  ASSERT_NE(at, std::string::npos);
  text.replace(at, 23, "\"zone\": \"Europe/Berln\"");
  std::string error;
  EXPECT_FALSE(schedule_from_json(text, &error));
  EXPECT_EQ(error, "/pairs/0/series/zone: 'Europe/Berln' is not a known zone");
  EXPECT_FALSE(schedule_from_json("{", &error));
  EXPECT_EQ(error, ": not valid JSON");
  EXPECT_FALSE(schedule_from_json("{\"format\": \"other\"}", &error));
  EXPECT_EQ(error, "/format: not mentorcal-schedule/1");
}

}  // namespace
}  // namespace mentorcal

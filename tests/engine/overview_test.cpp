// What a coordinator sees before a pass, through include/mentorcal/overview.hpp: who is where,
// and the working time each pair shares in its first week and its leanest full week.
#include "mentorcal/overview.hpp"

#include <gtest/gtest.h>

#include "support/program_text.hpp"
#include "support/time.hpp"

namespace mentorcal {
namespace {

using namespace std::chrono_literals;
using date::March;
using testing::kPairsHeader;
using testing::kPeopleHeader;
using testing::program_from;
using testing::settings;
using testing::utc;

// A term from Wednesday 3 March to Sunday 28 March 2027; New York keeps EST until the 14th,
// London GMT and Tokyo JST throughout. Shared time by hand, in New York's weeks:
// - m (New York 17:00-22:00) and e (Tokyo 08:00-17:00): four hours on New York's Monday to
//   Thursday evenings while EST (23:00Z-03:00Z), three once EDT (23:00Z-02:00Z);
// - n (New York 09:00-17:00) and l (London 09:00-17:00): three hours on weekdays while EST
//   (14:00Z-17:00Z), four once EDT (13:00Z-17:00Z);
// - n and f (Tokyo 09:00-17:00): none, New York's day ending two hours before Tokyo's begins.
Program three_pairs() {
  return program_from(
      settings("2027-03-03", "2027-03-28"),
      std::string(kPeopleHeader) +
          "m,Mia,m@x.example,mentor,America/New_York,Mon-Fri 17:00-22:00\n"
          "n,Ned,n@x.example,mentor,America/New_York,Mon-Fri 09:00-17:00\n"
          "e,Eiji,e@x.example,mentee,Asia/Tokyo,Mon-Fri 08:00-17:00\n"
          "f,Fumi,f@x.example,mentee,Asia/Tokyo,Mon-Fri 09:00-17:00\n"
          "l,Lou,l@x.example,mentee,Europe/London,Mon-Fri 09:00-17:00\n",
      std::string(kPairsHeader) + "m,e,weekly,60,0.9\nn,l,weekly,60,0.9\n" + "n,f,weekly,60,0.9\n");
}

LocalDay monday(unsigned day) {
  return LocalDay{date::year{2027} / March / day};
}

TEST(Overview, CountsMentorsAndMenteesByZoneInZoneOrder) {
  const auto overview = describe(three_pairs());
  ASSERT_EQ(overview.zones.size(), 3u);
  EXPECT_EQ(overview.zones[0].zone, "America/New_York");
  EXPECT_EQ(overview.zones[0].mentors, 2);
  EXPECT_EQ(overview.zones[0].mentees, 0);
  EXPECT_EQ(overview.zones[1].zone, "Asia/Tokyo");
  EXPECT_EQ(overview.zones[1].mentors, 0);
  EXPECT_EQ(overview.zones[1].mentees, 2);
  EXPECT_EQ(overview.zones[2].zone, "Europe/London");
  EXPECT_EQ(overview.zones[2].mentees, 1);
}

TEST(Overview, GivesTheFirstWeekInsideTheTermAndTheLeanestFullWeekAcrossDst) {
  const auto overview = describe(three_pairs());
  ASSERT_EQ(overview.pairs.size(), 3u);
  const auto& me = overview.pairs[0];
  EXPECT_EQ(me.pair, 0u);
  // Only Wednesday and Thursday of the first week are in the term.
  EXPECT_EQ(me.first_week.week, monday(1));
  EXPECT_EQ(me.first_week.shared, 2 * 4h);
  // Full weeks: 8 March 4 x 4 hours; 15 and 22 March 4 x 3 hours, the first of them given.
  EXPECT_EQ(me.min_week.week, monday(15));
  EXPECT_EQ(me.min_week.shared, 4 * 3h);

  const auto& nl = overview.pairs[1];
  EXPECT_EQ(nl.first_week.shared, 3 * 3h);
  EXPECT_EQ(nl.min_week.week, monday(8));
  EXPECT_EQ(nl.min_week.shared, 5 * 3h);
}

TEST(Overview, CountsThePairsThatShareNoHour) {
  const auto overview = describe(three_pairs());
  EXPECT_EQ(overview.pairs[2].first_week.shared, 0min);
  EXPECT_EQ(overview.pairs[2].min_week.shared, 0min);
  EXPECT_EQ(overview.pairs_without_shared_hours, 1);
}

TEST(Overview, TakesACalendarsAvailabilityInsteadOfItsWorkingHours) {
  auto program = three_pairs();
  // f makes an hour available on Thursday 4 March, New York's 09:00-10:00.
  program.people[3].availability =
      std::vector<Interval>{{utc(March / 4 / 2027, 14h), utc(March / 4 / 2027, 15h)}};
  const auto overview = describe(program);
  EXPECT_EQ(overview.pairs[2].first_week.shared, 1h);
  EXPECT_EQ(overview.pairs[2].min_week.shared, 0min);
  EXPECT_EQ(overview.pairs_without_shared_hours, 1) << "no full week shares an hour";
}

}  // namespace
}  // namespace mentorcal

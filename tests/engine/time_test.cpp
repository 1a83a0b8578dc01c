#include "mentorcal/time.hpp"

#include <gtest/gtest.h>

#include <cstdio>
#include <string_view>

#include "support/time.hpp"

namespace mentorcal {
namespace {

using namespace std::chrono_literals;
using date::April;
using date::December;
using date::February;
using date::January;
using date::July;
using date::March;
using date::October;
using testing::local;
using testing::utc;

Zone zone(const char* name) {
  return Zone::find(name).value();
}

TEST(Zone, UnknownNameIsNotFound) {
  EXPECT_FALSE(Zone::find("Europe/Berln"));
  EXPECT_FALSE(Zone::find(""));
  EXPECT_FALSE(Zone::find("W. Europe Standard Time"));
}

TEST(Zone, LinksResolveToTheirTarget) {
  const auto calcutta = zone("Asia/Calcutta");
  EXPECT_EQ(calcutta.offset(utc(date::year{2027} / January / 4, 0min)), 330min);
}

// Zone::offset reads a table of each zone's changes from 1970 to 2100 and cctz outside it: at
// every change of zones with odd offsets and changes, a second before and after it and between
// changes, it must agree with period_at, which asks cctz.
TEST(Zone, OffsetAgreesWithTheZonesPeriodsAtEveryChange) {
  for (const char* name :
       {"America/New_York", "Europe/London", "Europe/Dublin", "Australia/Lord_Howe",
        "Africa/Casablanca", "America/St_Johns", "Asia/Kathmandu", "Pacific/Apia",
        "Pacific/Chatham", "Antarctica/Troll", "America/Caracas", "Asia/Pyongyang", "Europe/Moscow",
        "America/Santiago", "Asia/Tehran", "Etc/GMT-14", "UTC"}) {
    const auto z = zone(name);
    const auto whole = [&](date::sys_seconds t) {
      return std::chrono::duration_cast<Minutes>(z.period_at(t).offset);
    };
    const auto check = [&](date::sys_seconds t) {
      EXPECT_EQ(z.offset(date::floor<Minutes>(t)), whole(date::floor<Minutes>(t)))
          << name << " at " << date::format("%F %T", t);
    };
    std::size_t changes = 0;
    for (date::sys_seconds t = date::sys_days{date::year{1960} / January / 1};
         t < date::sys_days{date::year{2120} / January / 1};) {
      const auto period = z.period_at(t);
      check(t);
      check(period.begin + (period.end - period.begin) / 2);
      if (period.end > date::sys_days{date::year{2120} / January / 1}) break;
      for (const auto near : {-60s, -1s, 0s, 1s, 60s}) check(period.end + near);
      t = period.end;
      ++changes;
    }
    if (std::string_view(name) == "America/New_York") {
      EXPECT_GT(changes, 2u * 140u);
    }
  }
}

TEST(TimeZoneEdgeCase, KathmanduIsFiveFortyFiveAhead) {
  const auto ktm = zone("Asia/Kathmandu");
  EXPECT_EQ(ktm.to_instant(local(date::year{2027} / March / 1, 9h)),
            utc(date::year{2027} / March / 1, 3h + 15min));
  EXPECT_EQ(ktm.classify(local(date::year{2027} / March / 1, 9h)), LocalKind::unique);
}

TEST(TimeZoneEdgeCase, LordHoweMovesByThirtyMinutes) {
  const auto lhi = zone("Australia/Lord_Howe");
  // 2027-04-04 02:00 +11 becomes 01:30 +10:30: 01:30..02:00 is shown twice.
  const auto repeated = local(date::year{2027} / April / 4, 1h + 45min);
  EXPECT_EQ(lhi.classify(repeated), LocalKind::ambiguous);
  EXPECT_EQ(lhi.to_instant(repeated), utc(date::year{2027} / April / 3, 14h + 45min));
  // 2027-10-03 02:00 +10:30 becomes 02:30 +11: 02:00..02:30 never happens.
  const auto skipped = local(date::year{2027} / October / 3, 2h + 15min);
  EXPECT_EQ(lhi.classify(skipped), LocalKind::nonexistent);
  EXPECT_EQ(lhi.to_instant(skipped), utc(date::year{2027} / October / 2, 15h + 45min));
  EXPECT_EQ(lhi.to_local(lhi.to_instant(skipped)),
            local(date::year{2027} / October / 3, 2h + 45min));
}

TEST(TimeZoneEdgeCase, ApiaSkippedTheLastFridayOf2011) {
  const auto apia = zone("Pacific/Apia");
  const auto lost = local(date::year{2011} / December / 30, 12h);
  EXPECT_EQ(apia.classify(lost), LocalKind::nonexistent);
  // Read with the offset before the gap (-10): the clock then showed Saturday 12:00.
  EXPECT_EQ(apia.to_local(apia.to_instant(lost)), local(date::year{2011} / December / 31, 12h));
  EXPECT_EQ(local_day(apia, utc(date::year{2011} / December / 30, 10h)),
            LocalDay{date::year{2011} / December / 31});
}

TEST(TimeZoneEdgeCase, CasablancaFallsBackForRamadan) {
  const auto casa = zone("Africa/Casablanca");
  EXPECT_EQ(casa.offset(utc(date::year{2026} / February / 1, 12h)), 60min);
  EXPECT_EQ(casa.offset(utc(date::year{2026} / March / 1, 12h)), 0min);
  EXPECT_EQ(casa.offset(utc(date::year{2026} / April / 1, 12h)), 60min);
  // Back to +01 on 2026-03-22 at 02:00: 02:30 does not exist.
  EXPECT_EQ(casa.classify(local(date::year{2026} / March / 22, 2h + 30min)),
            LocalKind::nonexistent);
}

TEST(TimeZoneEdgeCase, DublinWinterTimeIsTheNegativeSaving) {
  const auto dublin = zone("Europe/Dublin");
  EXPECT_EQ(dublin.offset(utc(date::year{2027} / January / 15, 12h)), 0min);
  EXPECT_EQ(dublin.offset(utc(date::year{2027} / July / 15, 12h)), 60min);
  EXPECT_EQ(dublin.to_instant(local(date::year{2027} / July / 15, 9h)),
            utc(date::year{2027} / July / 15, 8h));
  EXPECT_EQ(dublin.classify(local(date::year{2027} / March / 28, 1h + 30min)),
            LocalKind::nonexistent);
}

TEST(TimeZoneEdgeCase, StJohnsIsThreeThirtyBehindAndChangesAtTwo) {
  const auto nst = zone("America/St_Johns");
  EXPECT_EQ(nst.to_instant(local(date::year{2027} / January / 4, 9h)),
            utc(date::year{2027} / January / 4, 12h + 30min));
  EXPECT_EQ(nst.to_instant(local(date::year{2027} / July / 5, 9h)),
            utc(date::year{2027} / July / 5, 11h + 30min));
  const auto gap = local(date::year{2027} / March / 14, 2h + 30min);
  EXPECT_EQ(nst.classify(gap), LocalKind::nonexistent);
  EXPECT_EQ(nst.to_instant(gap), utc(date::year{2027} / March / 14, 6h));
}

TEST(TimeZoneEdgeCase, NewYorkAndLondonDisagreeForTwoWeeksInMarch) {
  const auto ny = zone("America/New_York");
  const auto london = zone("Europe/London");
  const auto nine_in_ny = [&](date::year_month_day day) {
    return london.to_local(ny.to_instant(local(day, 9h))) - LocalMinute{LocalDay{day}};
  };
  EXPECT_EQ(nine_in_ny(date::year{2027} / March / 8), 14h);   // both on standard time
  EXPECT_EQ(nine_in_ny(date::year{2027} / March / 15), 13h);  // New York changed on the 14th
  EXPECT_EQ(nine_in_ny(date::year{2027} / March / 22), 13h);
  EXPECT_EQ(nine_in_ny(date::year{2027} / March / 29), 14h);  // London changed on the 28th
}

TEST(RfcLocalTime, SpringForwardGapTakesTheOffsetFromBeforeTheGap) {
  const auto ny = zone("America/New_York");
  const auto gap = local(date::year{2027} / March / 14, 2h + 30min);
  EXPECT_EQ(ny.classify(gap), LocalKind::nonexistent);
  EXPECT_EQ(ny.to_instant(gap), utc(date::year{2027} / March / 14, 7h + 30min));
}

TEST(RfcLocalTime, FallBackRepeatMeansTheFirstOccurrence) {
  const auto ny = zone("America/New_York");
  const auto twice = local(date::year{2027} / date::November / 7, 1h + 30min);
  EXPECT_EQ(ny.classify(twice), LocalKind::ambiguous);
  EXPECT_EQ(ny.to_instant(twice), utc(date::year{2027} / date::November / 7, 5h + 30min));
}

TEST(Calendar, IsoWeekStartsOnMonday) {
  EXPECT_EQ(iso_week_start(LocalDay{date::year{2027} / January / 3}),
            LocalDay{date::year{2026} / December / 28});
  EXPECT_EQ(iso_week_start(LocalDay{date::year{2027} / January / 11}),
            LocalDay{date::year{2027} / January / 11});
  EXPECT_EQ(month_start(LocalDay{date::year{2027} / February / 28}),
            LocalDay{date::year{2027} / February / 1});
}

TEST(Calendar, ParsesOnlyRealDates) {
  EXPECT_EQ(parse_day("2027-02-28"), LocalDay{date::year{2027} / February / 28});
  EXPECT_FALSE(parse_day("2027-02-29"));
  EXPECT_FALSE(parse_day("2027-2-28"));
  EXPECT_FALSE(parse_day("2027-02-28x"));
  EXPECT_EQ(format_utc(utc(date::year{2027} / March / 1, 14h)), "2027-03-01T14:00:00Z");
}

TEST(Calendar, FormatsEveryDayAsIso8601AndRoundTripsThroughParseDay) {
  // Four centuries around now, day by day: each Gregorian leap-year rule and every month end.
  for (LocalDay day = LocalDay{date::year{1900} / January / 1};
       day <= LocalDay{date::year{2300} / December / 31}; day += date::days{1}) {
    const date::year_month_day ymd{day};
    char expected[16];
    std::snprintf(expected, sizeof expected, "%04d-%02u-%02u", int{ymd.year()},
                  unsigned{ymd.month()}, unsigned{ymd.day()});
    ASSERT_EQ(format_day(day), expected);
    ASSERT_EQ(parse_day(expected), day) << expected;
  }
  EXPECT_EQ(format_day(LocalDay{date::year{999} / December / 31}), "0999-12-31");
  EXPECT_EQ(format_day(LocalDay{date::year{10000} / January / 1}), "10000-01-01");
}

}  // namespace
}  // namespace mentorcal

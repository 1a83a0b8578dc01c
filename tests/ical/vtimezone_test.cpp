#include <gtest/gtest.h>
#include <libical/ical.h>

#include <algorithm>
#include <ctime>
#include <string>
#include <vector>

#include "mentorcal/feed.hpp"

namespace mentorcal {
namespace {

using namespace std::chrono_literals;

Zone zone(const std::string& name) {
  return Zone::find(name).value();
}

LocalDay day(int y, unsigned m, unsigned d) {
  return LocalDay{date::year{y} / date::month{m} / date::day{d}};
}

// The content lines of the VTIMEZONE, unfolded.
std::vector<std::string> vtimezone(const std::string& name, LocalDay first, LocalDay last) {
  std::string text = render_vtimezone(zone(name), first, last);
  for (auto at = text.find("\r\n "); at != std::string::npos; at = text.find("\r\n ", at)) {
    text.erase(at, 3);
  }
  std::vector<std::string> lines;
  std::size_t begin = 0;
  for (auto end = text.find("\r\n"); end != std::string::npos; end = text.find("\r\n", begin)) {
    lines.push_back(text.substr(begin, end - begin));
    begin = end + 2;
  }
  return lines;
}

using Lines = std::vector<std::string>;

// libical, reading the VTIMEZONE, gives every instant of the years [first, last] the offset
// that the engine's zone gives it: every six hours, and a minute before and at each change.
void expect_libical_agrees(const std::string& name, int first, int last) {
  SCOPED_TRACE(name);
  const Zone engine_zone = zone(name);
  const std::string text = render_vtimezone(engine_zone, day(first, 1, 1), day(last, 12, 31));
  icalcomponent* component = icalparser_parse_string(text.c_str());
  ASSERT_NE(component, nullptr);
  ASSERT_EQ(icalcomponent_count_errors(component), 0);
  icaltimezone* published = icaltimezone_new();
  ASSERT_TRUE(icaltimezone_set_component(published, component));

  const Instant begin = date::sys_days{date::year{first} / 1 / 1};
  const Instant end = date::sys_days{date::year{last + 1} / 1 / 1};
  std::vector<Instant> checked;
  for (Instant t = begin; t < end; t += 6h) checked.push_back(t);
  for (auto info = engine_zone.period_at(begin); info.end < end;
       info = engine_zone.period_at(info.end)) {
    const auto change = date::floor<Minutes>(info.end);
    checked.push_back(change - 1min);
    checked.push_back(change);
  }
  int mismatches = 0;
  for (const Instant t : checked) {
    icaltimetype utc = icaltime_from_timet_with_zone(
        static_cast<time_t>(t.time_since_epoch().count() * 60), 0, icaltimezone_get_utc_timezone());
    int is_daylight = 0;
    const int offset = icaltimezone_get_utc_offset_of_utc_time(published, &utc, &is_daylight);
    if (Minutes{offset / 60} != engine_zone.offset(t) && ++mismatches <= 5) {
      ADD_FAILURE() << format_utc(t) << ": libical reads offset " << offset / 60
                    << " min, the engine " << engine_zone.offset(t).count() << " min";
    }
  }
  EXPECT_EQ(mismatches, 0);
  icaltimezone_free(published, 1);
}

TEST(Vtimezone, NewYorkIsAYearlyPairOnTheSecondSundayOfMarchAndFirstOfNovember) {
  EXPECT_EQ(
      vtimezone("America/New_York", day(2027, 1, 11), day(2027, 6, 30)),
      (Lines{"BEGIN:VTIMEZONE", "TZID:America/New_York", "BEGIN:STANDARD",
             "DTSTART:19701101T020000", "TZOFFSETFROM:-0400", "TZOFFSETTO:-0500", "TZNAME:EST",
             "RRULE:FREQ=YEARLY;BYDAY=1SU;BYMONTH=11", "END:STANDARD", "BEGIN:DAYLIGHT",
             "DTSTART:19700308T020000", "TZOFFSETFROM:-0500", "TZOFFSETTO:-0400", "TZNAME:EDT",
             "RRULE:FREQ=YEARLY;BYDAY=2SU;BYMONTH=3", "END:DAYLIGHT", "END:VTIMEZONE"}));
  expect_libical_agrees("America/New_York", 2027, 2028);
}

TEST(Vtimezone, EuropeChangesOnTheLastSundays) {
  const auto berlin = vtimezone("Europe/Berlin", day(2027, 1, 11), day(2027, 12, 17));
  EXPECT_EQ(
      Lines(berlin.begin() + 2, berlin.end() - 1),
      (Lines{"BEGIN:STANDARD", "DTSTART:19701025T030000", "TZOFFSETFROM:+0200", "TZOFFSETTO:+0100",
             "TZNAME:CET", "RRULE:FREQ=YEARLY;BYDAY=-1SU;BYMONTH=10", "END:STANDARD",
             "BEGIN:DAYLIGHT", "DTSTART:19700329T020000", "TZOFFSETFROM:+0100", "TZOFFSETTO:+0200",
             "TZNAME:CEST", "RRULE:FREQ=YEARLY;BYDAY=-1SU;BYMONTH=3", "END:DAYLIGHT"}));
  expect_libical_agrees("Europe/Berlin", 2027, 2027);
}

TEST(Vtimezone, SydneyHasDaylightTimeFromOctoberToApril) {
  const auto sydney = vtimezone("Australia/Sydney", day(2027, 2, 1), day(2027, 11, 30));
  EXPECT_EQ(
      Lines(sydney.begin() + 2, sydney.end() - 1),
      (Lines{"BEGIN:STANDARD", "DTSTART:19700405T030000", "TZOFFSETFROM:+1100", "TZOFFSETTO:+1000",
             "TZNAME:AEST", "RRULE:FREQ=YEARLY;BYDAY=1SU;BYMONTH=4", "END:STANDARD",
             "BEGIN:DAYLIGHT", "DTSTART:19701004T020000", "TZOFFSETFROM:+1000", "TZOFFSETTO:+1100",
             "TZNAME:AEDT", "RRULE:FREQ=YEARLY;BYDAY=1SU;BYMONTH=10", "END:DAYLIGHT"}));
  expect_libical_agrees("Australia/Sydney", 2027, 2028);
}

TEST(TimeZoneEdgeCase, DublinPublishesIrishSummerTimeAsDaylight) {
  // tzdata calls Irish winter time a negative DST; clients expect summer time to be DAYLIGHT.
  const auto dublin = vtimezone("Europe/Dublin", day(2027, 1, 11), day(2027, 12, 17));
  EXPECT_EQ(
      Lines(dublin.begin() + 2, dublin.end() - 1),
      (Lines{"BEGIN:STANDARD", "DTSTART:19701025T020000", "TZOFFSETFROM:+0100", "TZOFFSETTO:+0000",
             "TZNAME:GMT", "RRULE:FREQ=YEARLY;BYDAY=-1SU;BYMONTH=10", "END:STANDARD",
             "BEGIN:DAYLIGHT", "DTSTART:19700329T010000", "TZOFFSETFROM:+0000", "TZOFFSETTO:+0100",
             "TZNAME:IST", "RRULE:FREQ=YEARLY;BYDAY=-1SU;BYMONTH=3", "END:DAYLIGHT"}));
  expect_libical_agrees("Europe/Dublin", 2027, 2028);
}

TEST(TimeZoneEdgeCase, KathmanduIsOneStandardObservanceWithoutRule) {
  EXPECT_EQ(vtimezone("Asia/Kathmandu", day(2027, 1, 11), day(2027, 6, 30)),
            (Lines{"BEGIN:VTIMEZONE", "TZID:Asia/Kathmandu", "BEGIN:STANDARD",
                   "DTSTART:19700101T000000", "TZOFFSETFROM:+0545", "TZOFFSETTO:+0545",
                   "TZNAME:+0545", "END:STANDARD", "END:VTIMEZONE"}));
  expect_libical_agrees("Asia/Kathmandu", 2027, 2027);
}

TEST(TimeZoneEdgeCase, LordHoweMovesByThirtyMinutes) {
  const auto lord_howe = vtimezone("Australia/Lord_Howe", day(2027, 1, 11), day(2027, 12, 17));
  EXPECT_EQ(
      Lines(lord_howe.begin() + 2, lord_howe.end() - 1),
      (Lines{"BEGIN:STANDARD", "DTSTART:19700405T020000", "TZOFFSETFROM:+1100", "TZOFFSETTO:+1030",
             "TZNAME:+1030", "RRULE:FREQ=YEARLY;BYDAY=1SU;BYMONTH=4", "END:STANDARD",
             "BEGIN:DAYLIGHT", "DTSTART:19701004T020000", "TZOFFSETFROM:+1030", "TZOFFSETTO:+1100",
             "TZNAME:+11", "RRULE:FREQ=YEARLY;BYDAY=1SU;BYMONTH=10", "END:DAYLIGHT"}));
  expect_libical_agrees("Australia/Lord_Howe", 2027, 2028);
}

TEST(TimeZoneEdgeCase, StJohnsAndChathamKeepTheirOddMinutes) {
  const auto st_johns = vtimezone("America/St_Johns", day(2027, 1, 11), day(2027, 12, 17));
  EXPECT_EQ(st_johns[5], "TZOFFSETTO:-0330");
  EXPECT_EQ(st_johns[12], "TZOFFSETTO:-0230");
  const auto chatham = vtimezone("Pacific/Chatham", day(2027, 1, 11), day(2027, 12, 17));
  EXPECT_EQ(
      Lines(chatham.begin() + 2, chatham.end() - 1),
      (Lines{"BEGIN:STANDARD", "DTSTART:19700405T034500", "TZOFFSETFROM:+1345", "TZOFFSETTO:+1245",
             "TZNAME:+1245", "RRULE:FREQ=YEARLY;BYDAY=1SU;BYMONTH=4", "END:STANDARD",
             "BEGIN:DAYLIGHT", "DTSTART:19700927T024500", "TZOFFSETFROM:+1245", "TZOFFSETTO:+1345",
             "TZNAME:+1345", "RRULE:FREQ=YEARLY;BYDAY=-1SU;BYMONTH=9", "END:DAYLIGHT"}));
  expect_libical_agrees("America/St_Johns", 2027, 2028);
  expect_libical_agrees("Pacific/Chatham", 2027, 2028);
}

TEST(TimeZoneEdgeCase, JerusalemFridayBeforeTheLastSundayIsTheFourthFridayWhereThatFits) {
  // 2026 to 2028 (the program's year and one either side) start summer time on the 26th, 27th
  // and 24th of March: the fourth Friday each time, though not always the last.
  const auto jerusalem = vtimezone("Asia/Jerusalem", day(2027, 1, 10), day(2027, 12, 16));
  EXPECT_EQ(jerusalem[14], "RRULE:FREQ=YEARLY;BYDAY=4FR;BYMONTH=3");
  EXPECT_EQ(jerusalem[7], "RRULE:FREQ=YEARLY;BYDAY=-1SU;BYMONTH=10");
  expect_libical_agrees("Asia/Jerusalem", 2027, 2027);
}

TEST(TimeZoneEdgeCase, JerusalemIsListedWhenNoSingleWeekdayRuleFitsTheProgramsYears) {
  // March 2029 starts on the 23rd, the fourth Friday; March 2030 on the 29th, the fifth.
  EXPECT_EQ(vtimezone("Asia/Jerusalem", day(2029, 1, 7), day(2030, 12, 19)),
            (Lines{"BEGIN:VTIMEZONE",
                   "TZID:Asia/Jerusalem",
                   "BEGIN:STANDARD",
                   "DTSTART:20281029T020000",
                   "TZOFFSETFROM:+0300",
                   "TZOFFSETTO:+0200",
                   "TZNAME:IST",
                   "RDATE:20281029T020000",
                   "RDATE:20291028T020000",
                   "RDATE:20301027T020000",
                   "END:STANDARD",
                   "BEGIN:DAYLIGHT",
                   "DTSTART:20290323T020000",
                   "TZOFFSETFROM:+0200",
                   "TZOFFSETTO:+0300",
                   "TZNAME:IDT",
                   "RDATE:20290323T020000",
                   "RDATE:20300329T020000",
                   "END:DAYLIGHT",
                   "END:VTIMEZONE"}));
  expect_libical_agrees("Asia/Jerusalem", 2029, 2030);
}

// Morocco's Ramadan changes follow no yearly rule, and each tz release may move them (2025b and
// 2026f disagree about 2026): the expectation comes from the zone's rules at run time.
TEST(TimeZoneEdgeCase, CasablancaRamadanChangesAreListed) {
  const auto lines = vtimezone("Africa/Casablanca", day(2026, 1, 5), day(2026, 10, 30));
  EXPECT_EQ(std::count_if(lines.begin(), lines.end(),
                          [](const std::string& line) { return line.rfind("RRULE", 0) == 0; }),
            0);
  // Every change of offset in 2026 is an RDATE at the wall-clock time just before it.
  const Zone casablanca = zone("Africa/Casablanca");
  int changes = 0;
  for (auto period = casablanca.period_at(date::sys_days{date::year{2026} / 1 / 1});
       period.end < date::sys_days{date::year{2027} / 1 / 1};) {
    const auto next = casablanca.period_at(period.end);
    if (next.offset != period.offset) {
      ++changes;
      const auto onset = date::local_seconds{period.end.time_since_epoch() + period.offset};
      EXPECT_NE(
          std::find(lines.begin(), lines.end(), "RDATE:" + date::format("%Y%m%dT%H%M%S", onset)),
          lines.end())
          << date::format("%F %T", onset);
    }
    period = next;
  }
  EXPECT_GE(changes, 2);  // Ramadan begins and ends in every release
  expect_libical_agrees("Africa/Casablanca", 2026, 2026);
}

TEST(TimeZoneEdgeCase, GazaIsListed) {
  // Saturday before the last Sunday in October: the 4th Saturday in some years, the 5th in others.
  const auto gaza = vtimezone("Asia/Gaza", day(2027, 1, 10), day(2027, 12, 16));
  EXPECT_EQ(std::count_if(gaza.begin(), gaza.end(),
                          [](const std::string& line) { return line.rfind("RRULE", 0) == 0; }),
            0);
  expect_libical_agrees("Asia/Gaza", 2027, 2027);
}

TEST(TimeZoneEdgeCase, TehranDroppingDaylightTimeIsListed) {
  EXPECT_EQ(
      vtimezone("Asia/Tehran", day(2022, 6, 1), day(2023, 3, 1)),
      (Lines{"BEGIN:VTIMEZONE", "TZID:Asia/Tehran", "BEGIN:STANDARD", "DTSTART:20210922T000000",
             "TZOFFSETFROM:+0430", "TZOFFSETTO:+0330", "TZNAME:+0330", "RDATE:20210922T000000",
             "RDATE:20220922T000000", "END:STANDARD", "BEGIN:DAYLIGHT", "DTSTART:20220322T000000",
             "TZOFFSETFROM:+0330", "TZOFFSETTO:+0430", "TZNAME:+0430", "RDATE:20220322T000000",
             "END:DAYLIGHT", "END:VTIMEZONE"}));
  expect_libical_agrees("Asia/Tehran", 2022, 2023);
}

TEST(TimeZoneEdgeCase, ApiaSkippingADayIsListed) {
  const auto apia = vtimezone("Pacific/Apia", day(2011, 6, 1), day(2011, 12, 31));
  EXPECT_EQ(
      Lines(apia.end() - 8, apia.end()),
      (Lines{"BEGIN:DAYLIGHT", "DTSTART:20111230T000000", "TZOFFSETFROM:-1000", "TZOFFSETTO:+1400",
             "TZNAME:+14", "RDATE:20111230T000000", "END:DAYLIGHT", "END:VTIMEZONE"}));
  expect_libical_agrees("Pacific/Apia", 2011, 2011);
}

TEST(Vtimezone, UtcIsOneStandardObservance) {
  EXPECT_EQ(vtimezone("UTC", day(2027, 1, 11), day(2027, 6, 30)),
            (Lines{"BEGIN:VTIMEZONE", "TZID:UTC", "BEGIN:STANDARD", "DTSTART:19700101T000000",
                   "TZOFFSETFROM:+0000", "TZOFFSETTO:+0000", "TZNAME:UTC", "END:STANDARD",
                   "END:VTIMEZONE"}));
}

TEST(Vtimezone, CoversEveryYearOfAProgramAcrossNewYear) {
  expect_libical_agrees("America/New_York", 2027, 2029);
  expect_libical_agrees("Europe/London", 2027, 2029);
  expect_libical_agrees("Asia/Tokyo", 2027, 2029);
  expect_libical_agrees("America/Sao_Paulo", 2018, 2020);  // dropped DST in 2019
}

}  // namespace
}  // namespace mentorcal

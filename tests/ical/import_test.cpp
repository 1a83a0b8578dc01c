#include <gtest/gtest.h>

#include <chrono>
#include <string>
#include <vector>

#include "mentorcal/ical.hpp"

namespace mentorcal {
namespace {

std::string calendar(const std::string& body) {
  return "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//EN\r\n" + body + "END:VCALENDAR\r\n";
}

std::string event(const std::string& body) {
  return "BEGIN:VEVENT\r\nUID:e@test\r\nDTSTAMP:20270101T000000Z\r\n" + body + "END:VEVENT\r\n";
}

Interval window(const std::string& from, const std::string& to) {
  return {Instant{parse_day(from)->time_since_epoch()}, Instant{parse_day(to)->time_since_epoch()}};
}

std::vector<std::string> text(const std::vector<Interval>& intervals) {
  std::vector<std::string> out;
  for (const Interval& i : intervals) out.push_back(format_utc(i.start) + " " + format_utc(i.end));
  return out;
}

struct Read {
  BusyCalendar calendar;
  Diagnostics diagnostics;
  std::vector<std::string> busy() const { return text(calendar.busy); }
  std::vector<std::string> messages() const {
    std::vector<std::string> out;
    for (const Diagnostic& d : diagnostics.all()) out.push_back(d.to_string());
    return out;
  }
};

Read read(const std::string& ics, const std::string& zone = "UTC",
          Interval in = window("2027-01-01", "2028-01-01")) {
  Read r;
  r.calendar = read_busy_calendar(ics, Zone::find(zone).value(), in, "cal.ics", r.diagnostics);
  return r;
}

using Busy = std::vector<std::string>;

// --- what is busy ----------------------------------------------------------------------------

TEST(BusyTime, OpaqueEventIsBusy) {
  const auto r = read(calendar(event("DTSTART:20270301T140000Z\r\nDTEND:20270301T150000Z\r\n")));
  EXPECT_EQ(r.busy(), (Busy{"2027-03-01T14:00:00Z 2027-03-01T15:00:00Z"}));
  EXPECT_TRUE(r.diagnostics.all().empty());
}

TEST(BusyTime, TransparentEventIsFree) {
  const auto r = read(calendar(
      event("DTSTART:20270301T140000Z\r\nDTEND:20270301T150000Z\r\nTRANSP:TRANSPARENT\r\n")));
  EXPECT_TRUE(r.busy().empty());
}

TEST(BusyTime, CancelledEventIsFreeWhateverItsBusyStatus) {
  const auto r = read(
      calendar(event("DTSTART:20270301T140000Z\r\nDTEND:20270301T150000Z\r\nSTATUS:CANCELLED\r\n"
                     "X-MICROSOFT-CDO-BUSYSTATUS:BUSY\r\n")));
  EXPECT_TRUE(r.busy().empty());
}

TEST(BusyTime, DateTimeEventWithoutEndTakesNoTime) {
  const auto r = read(calendar(event("DTSTART:20270301T140000Z\r\n")));
  EXPECT_TRUE(r.busy().empty());
}

TEST(BusyTime, StartsRoundDownAndEndsRoundUpToTheMinute) {
  const auto r = read(calendar(event("DTSTART:20270301T140030Z\r\nDTEND:20270301T145901Z\r\n")));
  EXPECT_EQ(r.busy(), (Busy{"2027-03-01T14:00:00Z 2027-03-01T15:00:00Z"}));
}

TEST(BusyTime, IsClippedToTheWindow) {
  const auto r = read(calendar(event("DTSTART:20261231T220000Z\r\nDTEND:20270101T010000Z\r\n")));
  EXPECT_EQ(r.busy(), (Busy{"2027-01-01T00:00:00Z 2027-01-01T01:00:00Z"}));
}

TEST(BusyTime, EndBeforeStartWarnsAndTakesNoTime) {
  const auto r = read(calendar(event("DTSTART:20270301T140000Z\r\nDTEND:20270301T130000Z\r\n")));
  EXPECT_TRUE(r.busy().empty());
  ASSERT_EQ(r.messages().size(), 1u);
  EXPECT_EQ(r.messages()[0],
            "cal.ics:8: warning: DTEND puts the end before DTSTART; the event is read as taking "
            "no time");
}

// --- Outlook ---------------------------------------------------------------------------------

TEST(OutlookExport, BusyStatusFreeWinsOverOpaque) {
  const auto r =
      read(calendar(event("DTSTART:20270301T140000Z\r\nDTEND:20270301T150000Z\r\nTRANSP:OPAQUE\r\n"
                          "X-MICROSOFT-CDO-BUSYSTATUS:FREE\r\n")));
  EXPECT_TRUE(r.busy().empty());
}

TEST(OutlookExport, WorkingElsewhereIsFree) {
  const auto r =
      read(calendar(event("DTSTART:20270301T140000Z\r\nDTEND:20270301T150000Z\r\n"
                          "X-MICROSOFT-CDO-BUSYSTATUS:WORKINGELSEWHERE\r\n")));
  EXPECT_TRUE(r.busy().empty());
}

TEST(OutlookExport, TentativeAndOutOfOfficeAreBusyEvenWhenTransparent) {
  for (const std::string state : {"TENTATIVE", "OOF", "BUSY"}) {
    const auto r = read(calendar(
        event("DTSTART:20270301T140000Z\r\nDTEND:20270301T150000Z\r\nTRANSP:TRANSPARENT\r\n"
              "X-MICROSOFT-CDO-BUSYSTATUS:" +
              state + "\r\n")));
    EXPECT_EQ(r.busy(), (Busy{"2027-03-01T14:00:00Z 2027-03-01T15:00:00Z"})) << state;
  }
}

TEST(OutlookExport, UnknownBusyStatusWarnsAndLetsTranspDecide) {
  const auto r = read(
      calendar(event("DTSTART:20270301T140000Z\r\nDTEND:20270301T150000Z\r\nTRANSP:TRANSPARENT\r\n"
                     "X-MICROSOFT-CDO-BUSYSTATUS:MAYBE\r\n")));
  EXPECT_TRUE(r.busy().empty());
  ASSERT_EQ(r.messages().size(), 1u);
  EXPECT_NE(r.messages()[0].find("cal.ics:4: warning: X-MICROSOFT-CDO-BUSYSTATUS 'MAYBE'"),
            std::string::npos);
}

TEST(OutlookExport, MapsWindowsZoneNamesThroughCldr) {
  const auto r =
      read(calendar(event("DTSTART;TZID=W. Europe Standard Time:20270301T090000\r\n"
                          "DTEND;TZID=\"W. Europe Standard Time\":20270301T100000\r\n")));
  EXPECT_EQ(r.busy(), (Busy{"2027-03-01T08:00:00Z 2027-03-01T09:00:00Z"}));
  EXPECT_TRUE(r.diagnostics.all().empty());
}

TEST(OutlookExport, HonoursCustomVtimezoneDatedSixteenOhOne) {
  const std::string zone =
      "BEGIN:VTIMEZONE\r\nTZID:Customized Time Zone\r\n"
      "BEGIN:STANDARD\r\nDTSTART:16010101T030000\r\nTZOFFSETFROM:+0200\r\nTZOFFSETTO:+0100\r\n"
      "RRULE:FREQ=YEARLY;BYDAY=-1SU;BYMONTH=10\r\nEND:STANDARD\r\n"
      "BEGIN:DAYLIGHT\r\nDTSTART:16010101T020000\r\nTZOFFSETFROM:+0100\r\nTZOFFSETTO:+0200\r\n"
      "RRULE:FREQ=YEARLY;BYDAY=-1SU;BYMONTH=3\r\nEND:DAYLIGHT\r\nEND:VTIMEZONE\r\n";
  const auto r =
      read(calendar(zone +
                    event("DTSTART;TZID=Customized Time Zone:20270301T090000\r\n"
                          "DTEND;TZID=Customized Time Zone:20270301T100000\r\n") +
                    "BEGIN:VEVENT\r\nUID:summer\r\n"
                    "DTSTART;TZID=Customized Time Zone:20270701T090000\r\n"
                    "DTEND;TZID=Customized Time Zone:20270701T100000\r\nEND:VEVENT\r\n"));
  EXPECT_EQ(r.busy(), (Busy{"2027-03-01T08:00:00Z 2027-03-01T09:00:00Z",
                            "2027-07-01T07:00:00Z 2027-07-01T08:00:00Z"}));
  EXPECT_TRUE(r.diagnostics.all().empty());
}

TEST(OutlookExport, ReadsUtcMasterWithOverrideInWindowsZone) {
  const auto r = read(calendar(
      event("DTSTART:20270301T080000Z\r\nDTEND:20270301T090000Z\r\nRRULE:FREQ=DAILY;COUNT=3\r\n") +
      "BEGIN:VEVENT\r\nUID:e@test\r\n"
      "RECURRENCE-ID;TZID=W. Europe Standard Time:20270302T090000\r\n"
      "DTSTART;TZID=W. Europe Standard Time:20270302T150000\r\n"
      "DTEND;TZID=W. Europe Standard Time:20270302T160000\r\nEND:VEVENT\r\n"));
  EXPECT_EQ(r.busy(), (Busy{"2027-03-01T08:00:00Z 2027-03-01T09:00:00Z",
                            "2027-03-02T14:00:00Z 2027-03-02T15:00:00Z",
                            "2027-03-03T08:00:00Z 2027-03-03T09:00:00Z"}));
}

// --- zones -----------------------------------------------------------------------------------

// Guessing the owner's zone could put a session on top of a real meeting: an error at its line.
TEST(TimeZones, UnknownTzidIsAnErrorWithItsLine) {
  const auto r = read(calendar(event("DTSTART;TZID=Mars/Olympus:20270301T090000\r\n"
                                     "DTEND;TZID=Mars/Olympus:20270301T100000\r\n")),
                      "Asia/Tokyo");
  ASSERT_EQ(r.messages().size(), 1u);
  EXPECT_TRUE(r.messages()[0].starts_with(
      "cal.ics:7: TZID 'Mars/Olympus' is neither an IANA nor a Windows zone name and the file "
      "has no VTIMEZONE for it"))
      << r.messages()[0];
  const auto typo = read(calendar(event("DTSTART;TZID=Europe/Londn:20270301T090000\r\n"
                                        "DTEND;TZID=Europe/Londn:20270301T100000\r\n")),
                         "Asia/Tokyo");
  EXPECT_EQ(typo.messages(),
            (std::vector<std::string>{
                "cal.ics:7: TZID 'Europe/Londn' is neither an IANA nor a Windows zone name and "
                "the file has no VTIMEZONE for it; did you mean Europe/London?"}));
}

TEST(Utf8, InvalidUtf8IsAnErrorWithItsLine) {
  const auto r = read(calendar(event("DTSTART:20270301T090000Z\r\nDTEND:20270301T100000Z\r\n"
                                     "SUMMARY:Caf\xE9\r\n")),
                      "Asia/Tokyo");
  EXPECT_EQ(r.messages(),
            (std::vector<std::string>{
                "cal.ics:9: invalid UTF-8 (a calendar export is UTF-8; export it again, or save "
                "it as UTF-8)"}));
}

TEST(TimeZones, VtimezoneWithAMinutelyRuleIsNotExpandedAndFallsBackToTheOwnersZone) {
  // libical would expand every minute since 2020 into a change of offset, without end.
  const std::string zone =
      "BEGIN:VTIMEZONE\r\nTZID:Evil\r\nBEGIN:STANDARD\r\nDTSTART:20200101T000000\r\n"
      "TZOFFSETFROM:+0100\r\nTZOFFSETTO:+0200\r\nRRULE:FREQ=MINUTELY\r\nEND:STANDARD\r\n"
      "END:VTIMEZONE\r\n";
  const auto r = read(calendar(zone + event("DTSTART;TZID=Evil:20270301T090000\r\n"
                                            "DURATION:PT1H\r\n")),
                      "Asia/Tokyo");
  EXPECT_EQ(r.busy(), (Busy{"2027-03-01T00:00:00Z 2027-03-01T01:00:00Z"}));
  ASSERT_EQ(r.diagnostics.all().size(), 1u);
  EXPECT_EQ(r.diagnostics.front().line, 16);
  EXPECT_EQ(r.diagnostics.front().severity, Severity::warning);
}

TEST(TimeZones, IanaNameWinsOverAnAbridgedVtimezoneOfTheSameName) {
  // Google writes 1970-style VTIMEZONEs; the tz database knows the zone's whole history.
  const std::string zone =
      "BEGIN:VTIMEZONE\r\nTZID:Europe/Berlin\r\nBEGIN:STANDARD\r\nDTSTART:19700101T000000\r\n"
      "TZOFFSETFROM:+0100\r\nTZOFFSETTO:+0100\r\nEND:STANDARD\r\nEND:VTIMEZONE\r\n";
  const auto r = read(calendar(zone + event("DTSTART;TZID=Europe/Berlin:20270701T090000\r\n"
                                            "DTEND;TZID=Europe/Berlin:20270701T100000\r\n")));
  EXPECT_EQ(r.busy(), (Busy{"2027-07-01T07:00:00Z 2027-07-01T08:00:00Z"}));
}

TEST(TimeZones, FloatingTimesAreReadInTheOwnersZone) {
  const auto r = read(calendar(event("DTSTART:20270301T090000\r\nDTEND:20270301T100000\r\n")),
                      "America/New_York");
  EXPECT_EQ(r.busy(), (Busy{"2027-03-01T14:00:00Z 2027-03-01T15:00:00Z"}));
}

TEST(TimeZones, DeclaredZoneComesFromXWrTimezone) {
  Diagnostics d;
  const auto zone = declared_zone(calendar("X-WR-TIMEZONE:Europe/Lisbon\r\n"), "cal.ics", d);
  ASSERT_TRUE(zone);
  EXPECT_EQ(zone->name(), "Europe/Lisbon");
  EXPECT_FALSE(declared_zone(calendar(""), "cal.ics", d));
  EXPECT_TRUE(d.all().empty());
}

TEST(TimeZones, UnknownDeclaredZoneWarns) {
  Diagnostics d;
  EXPECT_FALSE(declared_zone(calendar("X-WR-TIMEZONE:Nowhere\r\n"), "cal.ics", d));
  ASSERT_EQ(d.all().size(), 1u);
  EXPECT_EQ(d.front().to_string(),
            "cal.ics:4: warning: X-WR-TIMEZONE 'Nowhere' is not a known zone");
}

// --- all-day events --------------------------------------------------------------------------

TEST(AllDayEvent, BlocksTheWholeLocalDayInTheOwnersZone) {
  const auto r = read(calendar(event("DTSTART;VALUE=DATE:20270301\r\n"
                                     "DTEND;VALUE=DATE:20270303\r\n")),
                      "Asia/Tokyo");
  EXPECT_EQ(r.busy(), (Busy{"2027-02-28T15:00:00Z 2027-03-02T15:00:00Z"}));
}

TEST(AllDayEvent, WithoutEndIsOneDay) {
  const auto r = read(calendar(event("DTSTART;VALUE=DATE:20270301\r\n")), "America/New_York");
  EXPECT_EQ(r.busy(), (Busy{"2027-03-01T05:00:00Z 2027-03-02T05:00:00Z"}));
}

TEST(AllDayEvent, OnTheDstChangeIsTwentyThreeHoursLong) {
  const auto r = read(calendar(event("DTSTART;VALUE=DATE:20270314\r\n")), "America/New_York");
  EXPECT_EQ(r.busy(), (Busy{"2027-03-14T05:00:00Z 2027-03-15T04:00:00Z"}));
}

// --- recurrence ------------------------------------------------------------------------------

TEST(Recurrence, WeeklyNewYorkMeetingStaysAtNineLocalAcrossDst) {
  const auto r = read(calendar(event("DTSTART;TZID=America/New_York:20270301T090000\r\n"
                                     "DTEND;TZID=America/New_York:20270301T100000\r\n"
                                     "RRULE:FREQ=WEEKLY;COUNT=4\r\n")),
                      "UTC", window("2027-03-01", "2027-04-01"));
  EXPECT_EQ(r.busy(), (Busy{"2027-03-01T14:00:00Z 2027-03-01T15:00:00Z",
                            "2027-03-08T14:00:00Z 2027-03-08T15:00:00Z",
                            "2027-03-15T13:00:00Z 2027-03-15T14:00:00Z",
                            "2027-03-22T13:00:00Z 2027-03-22T14:00:00Z"}));
}

TEST(Recurrence, EndlessRuleIsExpandedOnlyInsideTheWindow) {
  const auto r = read(calendar(event("DTSTART:19900101T090000Z\r\nDTEND:19900101T100000Z\r\n"
                                     "RRULE:FREQ=DAILY\r\n")),
                      "UTC", window("2027-03-01", "2027-03-03"));
  EXPECT_EQ(r.busy(), (Busy{"2027-03-01T09:00:00Z 2027-03-01T10:00:00Z",
                            "2027-03-02T09:00:00Z 2027-03-02T10:00:00Z"}));
}

TEST(Recurrence, BiweeklyRuleKeepsItsPhaseWhenExpansionStartsLate) {
  const auto r = read(calendar(event("DTSTART:20200106T090000Z\r\nDTEND:20200106T100000Z\r\n"
                                     "RRULE:FREQ=WEEKLY;INTERVAL=2\r\n")),
                      "UTC", window("2027-03-01", "2027-03-15"));
  // 2020-01-06 + 372 weeks = 2027-03-08.
  EXPECT_EQ(r.busy(), (Busy{"2027-03-08T09:00:00Z 2027-03-08T10:00:00Z"}));
}

// Weekly and daily rules of weekdays are expanded without libical; these pin what libical does.
TEST(Recurrence, WeekdayListedTwiceCountsTwiceTowardsCount) {
  const auto r =
      read(calendar(event("DTSTART:20270301T090000Z\r\nDTEND:20270301T100000Z\r\n"
                          "RRULE:FREQ=WEEKLY;BYDAY=MO,MO,WE;COUNT=4\r\n")));
  EXPECT_EQ(r.busy(), (Busy{"2027-03-01T09:00:00Z 2027-03-01T10:00:00Z",
                            "2027-03-03T09:00:00Z 2027-03-03T10:00:00Z",
                            "2027-03-08T09:00:00Z 2027-03-08T10:00:00Z"}));
}

TEST(Recurrence, DailyRuleWithWeekdaysCountsOnlyTheDaysItKeeps) {
  const auto r =
      read(calendar(event("DTSTART:20270305T090000Z\r\nDTEND:20270305T100000Z\r\n"
                          "RRULE:FREQ=DAILY;INTERVAL=2;BYDAY=MO,WE,FR;COUNT=4\r\n")));
  EXPECT_EQ(r.busy(), (Busy{"2027-03-05T09:00:00Z 2027-03-05T10:00:00Z",
                            "2027-03-15T09:00:00Z 2027-03-15T10:00:00Z",
                            "2027-03-17T09:00:00Z 2027-03-17T10:00:00Z",
                            "2027-03-19T09:00:00Z 2027-03-19T10:00:00Z"}));
}

TEST(Recurrence, StartOffTheWeekdaysIsBusyButNotCounted) {
  const auto r =
      read(calendar(event("DTSTART:20270301T090000Z\r\nDTEND:20270301T100000Z\r\n"
                          "RRULE:FREQ=WEEKLY;BYDAY=TU;COUNT=2\r\n")));
  EXPECT_EQ(r.busy(), (Busy{"2027-03-01T09:00:00Z 2027-03-01T10:00:00Z",
                            "2027-03-02T09:00:00Z 2027-03-02T10:00:00Z",
                            "2027-03-09T09:00:00Z 2027-03-09T10:00:00Z"}));
}

TEST(Recurrence, EndlessRuleStopsAfterTheYear2582) {
  const auto r = read(calendar(event("DTSTART:20270301T090000Z\r\nDTEND:20270301T100000Z\r\n"
                                     "RRULE:FREQ=WEEKLY\r\n")),
                      "UTC", window("2582-12-20", "2583-01-20"));
  EXPECT_EQ(r.busy(), (Busy{"2582-12-23T09:00:00Z 2582-12-23T10:00:00Z",
                            "2582-12-30T09:00:00Z 2582-12-30T10:00:00Z"}));
}

TEST(Recurrence, UtcUntilIncludesTheLastInstanceEastOfGreenwich) {
  // 10:00 in Berlin is 09:00Z: libical alone compares 10:00 with 09:00 and drops it.
  const auto r =
      read(calendar(event("DTSTART;TZID=Europe/Berlin:20270301T100000\r\n"
                          "DTEND;TZID=Europe/Berlin:20270301T110000\r\n"
                          "RRULE:FREQ=DAILY;UNTIL=20270302T090000Z\r\n")));
  EXPECT_EQ(r.busy(), (Busy{"2027-03-01T09:00:00Z 2027-03-01T10:00:00Z",
                            "2027-03-02T09:00:00Z 2027-03-02T10:00:00Z"}));
}

TEST(Recurrence, DateUntilIncludesInstancesOnThatDay) {
  const auto r =
      read(calendar(event("DTSTART:20270301T120000Z\r\nDTEND:20270301T130000Z\r\n"
                          "RRULE:FREQ=DAILY;UNTIL=20270302\r\n")));
  EXPECT_EQ(r.busy(), (Busy{"2027-03-01T12:00:00Z 2027-03-01T13:00:00Z",
                            "2027-03-02T12:00:00Z 2027-03-02T13:00:00Z"}));
}

TEST(Recurrence, ExdateRemovesTheInstanceItNames) {
  const auto r = read(calendar(event(
      "DTSTART;TZID=Europe/Berlin:20270301T090000\r\nDTEND;TZID=Europe/Berlin:20270301T100000\r\n"
      "RRULE:FREQ=DAILY;COUNT=3\r\nEXDATE;TZID=Europe/Berlin:20270302T090000\r\n")));
  EXPECT_EQ(r.busy(), (Busy{"2027-03-01T08:00:00Z 2027-03-01T09:00:00Z",
                            "2027-03-03T08:00:00Z 2027-03-03T09:00:00Z"}));
}

TEST(Recurrence, ExdateWithoutTzidIsReadOnTheStartsClock) {
  const auto r = read(calendar(event(
      "DTSTART;TZID=Europe/Berlin:20270301T090000\r\nDTEND;TZID=Europe/Berlin:20270301T100000\r\n"
      "RRULE:FREQ=DAILY;COUNT=2\r\nEXDATE:20270302T090000\r\n")));
  EXPECT_EQ(r.busy(), (Busy{"2027-03-01T08:00:00Z 2027-03-01T09:00:00Z"}));
}

TEST(Recurrence, RdatePeriodAddsAnInstanceWithItsOwnLength) {
  const auto r = read(calendar(
      event("DTSTART:20270301T090000Z\r\nDTEND:20270301T100000Z\r\n"
            "RDATE;VALUE=PERIOD:20270305T120000Z/PT3H,20270306T120000Z/20270306T123000Z\r\n"
            "RDATE:20270307T090000Z\r\n")));
  EXPECT_EQ(r.busy(), (Busy{"2027-03-01T09:00:00Z 2027-03-01T10:00:00Z",
                            "2027-03-05T12:00:00Z 2027-03-05T15:00:00Z",
                            "2027-03-06T12:00:00Z 2027-03-06T12:30:00Z",
                            "2027-03-07T09:00:00Z 2027-03-07T10:00:00Z"}));
}

const std::string kDaily =
    event("DTSTART:20270301T090000Z\r\nDTEND:20270301T100000Z\r\nRRULE:FREQ=DAILY;COUNT=3\r\n");

std::string override_of(const std::string& rid, const std::string& body) {
  return "BEGIN:VEVENT\r\nUID:e@test\r\nRECURRENCE-ID" + rid + "\r\n" + body + "END:VEVENT\r\n";
}

TEST(Recurrence, OverrideMovesTheInstanceItNames) {
  const auto r = read(calendar(kDaily + override_of(":20270302T090000Z",
                                                    "DTSTART:20270302T150000Z\r\n"
                                                    "DTEND:20270302T153000Z\r\n")));
  EXPECT_EQ(r.busy(), (Busy{"2027-03-01T09:00:00Z 2027-03-01T10:00:00Z",
                            "2027-03-02T15:00:00Z 2027-03-02T15:30:00Z",
                            "2027-03-03T09:00:00Z 2027-03-03T10:00:00Z"}));
}

TEST(Recurrence, OverrideBeforeItsMasterInTheFileStillApplies) {
  const auto r = read(calendar(
      override_of(":20270302T090000Z", "DTSTART:20270302T150000Z\r\nDTEND:20270302T153000Z\r\n") +
      kDaily));
  EXPECT_EQ(r.busy()[1], "2027-03-02T15:00:00Z 2027-03-02T15:30:00Z");
  EXPECT_EQ(r.busy().size(), 3u);
}

TEST(Recurrence, OverrideMovesAnInstanceFromOutsideIntoTheWindow) {
  const auto r = read(calendar(kDaily + override_of(":20270301T090000Z",
                                                    "DTSTART:20270310T090000Z\r\n"
                                                    "DTEND:20270310T100000Z\r\n")),
                      "UTC", window("2027-03-05", "2027-03-20"));
  EXPECT_EQ(r.busy(), (Busy{"2027-03-10T09:00:00Z 2027-03-10T10:00:00Z"}));
}

TEST(Recurrence, OverrideMovingAnInstanceOutOfTheWindowRemovesIt) {
  const auto r = read(calendar(kDaily + override_of(":20270302T090000Z",
                                                    "DTSTART:20270401T090000Z\r\n"
                                                    "DTEND:20270401T100000Z\r\n")),
                      "UTC", window("2027-03-01", "2027-03-05"));
  EXPECT_EQ(r.busy(), (Busy{"2027-03-01T09:00:00Z 2027-03-01T10:00:00Z",
                            "2027-03-03T09:00:00Z 2027-03-03T10:00:00Z"}));
}

TEST(Recurrence, CancelledOverrideRemovesItsInstance) {
  const auto r =
      read(calendar(kDaily + override_of(":20270302T090000Z",
                                         "DTSTART:20270302T090000Z\r\n"
                                         "DTEND:20270302T100000Z\r\nSTATUS:CANCELLED\r\n")));
  EXPECT_EQ(r.busy(), (Busy{"2027-03-01T09:00:00Z 2027-03-01T10:00:00Z",
                            "2027-03-03T09:00:00Z 2027-03-03T10:00:00Z"}));
}

TEST(Recurrence, TransparentOverrideFreesOnlyItsInstance) {
  const auto r = read(calendar(kDaily + override_of(":20270302T090000Z",
                                                    "DTSTART:20270302T090000Z\r\n"
                                                    "DTEND:20270302T100000Z\r\n"
                                                    "TRANSP:TRANSPARENT\r\n")));
  EXPECT_EQ(r.busy().size(), 2u);
}

TEST(Recurrence, DateOverrideMovesOneDayOfAnAllDaySeries) {
  const auto r =
      read(calendar(event("DTSTART;VALUE=DATE:20270301\r\nRRULE:FREQ=WEEKLY;COUNT=2\r\n") +
                    override_of(";VALUE=DATE:20270308", "DTSTART;VALUE=DATE:20270310\r\n")),
           "Europe/Berlin");
  EXPECT_EQ(r.busy(), (Busy{"2027-02-28T23:00:00Z 2027-03-01T23:00:00Z",
                            "2027-03-09T23:00:00Z 2027-03-10T23:00:00Z"}));
}

TEST(Recurrence, RdateInAnotherZoneIsPlacedByItsOwnTzid) {
  const auto r =
      read(calendar(event("DTSTART;TZID=Europe/Berlin:20270301T090000\r\n"
                          "DURATION:PT1H\r\n"
                          "RDATE;TZID=Asia/Tokyo:20270305T090000\r\n")));
  EXPECT_EQ(r.busy(), (Busy{"2027-03-01T08:00:00Z 2027-03-01T09:00:00Z",
                            "2027-03-05T00:00:00Z 2027-03-05T01:00:00Z"}));
}

TEST(Recurrence, DurationInDaysIsNominalAcrossDst) {
  const auto r =
      read(calendar(event("DTSTART;TZID=Europe/Berlin:20270327T120000\r\n"
                          "DURATION:P1D\r\n")));
  // Berlin moves to summer time on 2027-03-28: 12:00 CET to 12:00 CEST is 23 hours.
  EXPECT_EQ(r.busy(), (Busy{"2027-03-27T11:00:00Z 2027-03-28T10:00:00Z"}));
}

TEST(Recurrence, ThisAndFutureOverrideMovesEveryLaterInstance) {
  const auto r = read(calendar(
      event("DTSTART:20270301T090000Z\r\nDTEND:20270301T100000Z\r\nRRULE:FREQ=DAILY;COUNT=4\r\n") +
      override_of(";RANGE=THISANDFUTURE:20270303T090000Z",
                  "DTSTART:20270303T110000Z\r\nDTEND:20270303T113000Z\r\n")));
  EXPECT_EQ(r.busy(), (Busy{"2027-03-01T09:00:00Z 2027-03-01T10:00:00Z",
                            "2027-03-02T09:00:00Z 2027-03-02T10:00:00Z",
                            "2027-03-03T11:00:00Z 2027-03-03T11:30:00Z",
                            "2027-03-04T11:00:00Z 2027-03-04T11:30:00Z"}));
}

TEST(Recurrence, ProblemOfAThisAndFutureOverrideIsReportedOnce) {
  const auto r = read(
      calendar(kDaily + override_of(";RANGE=THISANDFUTURE:20270302T090000Z",
                                    "DTSTART:20270302T110000Z\r\nDTEND:20270302T100000Z\r\n")));
  EXPECT_EQ(r.messages().size(), 1u);
}

TEST(Recurrence, ImpossibleRuleWarnsInsteadOfSearchingForCenturies) {
  const auto r =
      read(calendar(event("DTSTART:20270301T090000Z\r\nDTEND:20270301T100000Z\r\n"
                          "RRULE:FREQ=DAILY;BYMONTH=4;BYMONTHDAY=31\r\n")));
  EXPECT_EQ(r.busy(), (Busy{"2027-03-01T09:00:00Z 2027-03-01T10:00:00Z"}));
  EXPECT_EQ(r.messages(),
            (std::vector<std::string>{"cal.ics:9: warning: RRULE matches no date; only DTSTART and "
                                      "RDATE count"}));
}

TEST(Recurrence, SetPositionBeyondAnyMonthWarnsInsteadOfSearching) {
  const auto r =
      read(calendar(event("DTSTART:20270301T090000Z\r\nDTEND:20270301T100000Z\r\n"
                          "RRULE:FREQ=MONTHLY;BYDAY=MO;BYSETPOS=6\r\n")));
  EXPECT_EQ(r.busy().size(), 1u);
  EXPECT_EQ(r.messages().size(), 1u);
}

TEST(Recurrence, LastMondayBySetPositionIsExpanded) {
  const auto r =
      read(calendar(event("DTSTART:20270329T090000Z\r\nDTEND:20270329T100000Z\r\n"
                          "RRULE:FREQ=MONTHLY;COUNT=2;BYDAY=MO;BYSETPOS=-1\r\n")));
  EXPECT_EQ(r.busy(), (Busy{"2027-03-29T09:00:00Z 2027-03-29T10:00:00Z",
                            "2027-04-26T09:00:00Z 2027-04-26T10:00:00Z"}));
  EXPECT_TRUE(r.diagnostics.all().empty());
}

TEST(Recurrence, DailyRuleOnTheLastDayOfTheMonthCountsFromTheEnd) {
  // libical alone compares BYMONTHDAY=-1 with the day number and never matches.
  const auto r =
      read(calendar(event("DTSTART:20270131T090000Z\r\nDTEND:20270131T100000Z\r\n"
                          "RRULE:FREQ=DAILY;BYMONTHDAY=-1;COUNT=3\r\n")));
  EXPECT_EQ(r.busy(), (Busy{"2027-01-31T09:00:00Z 2027-01-31T10:00:00Z",
                            "2027-02-28T09:00:00Z 2027-02-28T10:00:00Z",
                            "2027-03-31T09:00:00Z 2027-03-31T10:00:00Z"}));
  EXPECT_TRUE(r.diagnostics.all().empty());
}

TEST(Recurrence, RareHourlyMatchIsFoundWithoutSteppingThroughCenturies) {
  const auto started = std::chrono::steady_clock::now();
  const auto r = read(calendar(event("DTSTART:20270101T090000Z\r\nDTEND:20270101T091000Z\r\n"
                                     "RRULE:FREQ=HOURLY;INTERVAL=6;BYYEARDAY=-366\r\n")),
                      "UTC", window("2027-01-01", "2029-01-01"));
  EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::seconds{5});
  // -366 is January 1 of a leap year only: 2028-01-01 at 03:00, 09:00, 15:00 and 21:00.
  EXPECT_EQ(r.busy().size(), 5u);
  EXPECT_EQ(r.busy()[1], "2028-01-01T03:00:00Z 2028-01-01T03:10:00Z");
}

TEST(Recurrence, HourlyRuleWhoseHoursNeverComeWarns) {
  const auto r =
      read(calendar(event("DTSTART:20270301T080000Z\r\nDTEND:20270301T081000Z\r\n"
                          "RRULE:FREQ=HOURLY;INTERVAL=2;BYHOUR=9\r\n")));
  EXPECT_EQ(r.busy().size(), 1u);
  EXPECT_EQ(r.messages().size(), 1u);
}

TEST(Recurrence, MinutelyRuleIsNotExpanded) {
  const auto r =
      read(calendar(event("DTSTART:20270301T090000Z\r\nDTEND:20270301T090100Z\r\n"
                          "RRULE:FREQ=MINUTELY;INTERVAL=5\r\n")));
  EXPECT_EQ(r.busy(), (Busy{"2027-03-01T09:00:00Z 2027-03-01T09:01:00Z"}));
  EXPECT_EQ(r.messages().size(), 1u);
}

// --- duplicates ------------------------------------------------------------------------------

TEST(DuplicateEvent, CountsOnceInItsVersionWithTheHigherSequence) {
  const auto r =
      read(calendar(event("SEQUENCE:2\r\nDTSTART:20270301T090000Z\r\nDTEND:20270301T100000Z\r\n") +
                    event("SEQUENCE:1\r\nDTSTART:20270301T120000Z\r\nDTEND:20270301T130000Z\r\n")));
  EXPECT_EQ(r.busy(), (Busy{"2027-03-01T09:00:00Z 2027-03-01T10:00:00Z"}));
}

TEST(DuplicateEvent, OnASequenceTieTheLaterVersionCounts) {
  const auto r = read(calendar(event("DTSTART:20270301T090000Z\r\nDTEND:20270301T100000Z\r\n") +
                               event("DTSTART:20270301T120000Z\r\nDTEND:20270301T130000Z\r\n")));
  EXPECT_EQ(r.busy(), (Busy{"2027-03-01T12:00:00Z 2027-03-01T13:00:00Z"}));
}

TEST(DuplicateEvent, EventsWithoutUidAreAllKept) {
  const std::string a =
      "BEGIN:VEVENT\r\nDTSTART:20270301T090000Z\r\nDTEND:20270301T100000Z\r\nEND:VEVENT\r\n";
  const std::string b =
      "BEGIN:VEVENT\r\nDTSTART:20270301T120000Z\r\nDTEND:20270301T130000Z\r\nEND:VEVENT\r\n";
  EXPECT_EQ(read(calendar(a + b)).busy().size(), 2u);
}

// --- free/busy and availability --------------------------------------------------------------

TEST(FreeBusy, PeriodsOtherThanFreeAreBusy) {
  const auto r =
      read(calendar("BEGIN:VFREEBUSY\r\nUID:fb\r\n"
                    "FREEBUSY:20270301T090000Z/PT1H\r\n"
                    "FREEBUSY;FBTYPE=FREE:20270301T120000Z/PT1H\r\n"
                    "FREEBUSY;FBTYPE=BUSY-TENTATIVE:20270301T140000Z/20270301T143000Z,"
                    "20270302T140000Z/PT30M\r\n"
                    "FREEBUSY;FBTYPE=BUSY-UNAVAILABLE:20270303T000000Z/PT24H\r\n"
                    "END:VFREEBUSY\r\n"));
  EXPECT_EQ(r.busy(), (Busy{"2027-03-01T09:00:00Z 2027-03-01T10:00:00Z",
                            "2027-03-01T14:00:00Z 2027-03-01T14:30:00Z",
                            "2027-03-02T14:00:00Z 2027-03-02T14:30:00Z",
                            "2027-03-03T00:00:00Z 2027-03-04T00:00:00Z"}));
}

const std::string kWorkWeek =
    "BEGIN:VAVAILABILITY\r\nUID:av\r\nDTSTART:20270301T000000Z\r\nDTEND:20270315T000000Z\r\n"
    "BEGIN:AVAILABLE\r\nUID:av-1\r\nDTSTART:20270301T090000Z\r\nDTEND:20270301T170000Z\r\n"
    "RRULE:FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR\r\nEND:AVAILABLE\r\nEND:VAVAILABILITY\r\n";

TEST(Availability, AvailableSubcomponentsOpenTimeOnlyInsideTheirBlock) {
  const auto r = read(calendar(kWorkWeek), "UTC", window("2027-03-01", "2027-03-20"));
  EXPECT_TRUE(r.busy().empty());
  ASSERT_TRUE(r.calendar.availability);
  EXPECT_EQ(text(r.calendar.availability->covered),
            (Busy{"2027-03-01T00:00:00Z 2027-03-15T00:00:00Z"}));
  const auto open = text(r.calendar.availability->available);
  ASSERT_EQ(open.size(), 10u);
  EXPECT_EQ(open.front(), "2027-03-01T09:00:00Z 2027-03-01T17:00:00Z");
  EXPECT_EQ(open.back(), "2027-03-12T09:00:00Z 2027-03-12T17:00:00Z");
}

TEST(Availability, HigherPriorityBlockDecidesWhereBlocksOverlap) {
  const std::string holiday =
      "BEGIN:VAVAILABILITY\r\nUID:off\r\nPRIORITY:1\r\n"
      "DTSTART:20270308T000000Z\r\nDTEND:20270313T000000Z\r\nEND:VAVAILABILITY\r\n";
  const auto r = read(calendar(kWorkWeek + holiday), "UTC", window("2027-03-01", "2027-03-20"));
  ASSERT_TRUE(r.calendar.availability);
  const auto open = text(r.calendar.availability->available);
  ASSERT_EQ(open.size(), 5u);
  EXPECT_EQ(open.back(), "2027-03-05T09:00:00Z 2027-03-05T17:00:00Z");
}

TEST(Availability, ReplacesWorkingHoursOnlyWhereItSpeaks) {
  Program program;
  program.start = *parse_day("2027-03-08");
  program.end = *parse_day("2027-03-19");
  Person p;
  p.id = "m-01";
  p.working_hours = *WorkingHours::parse("Mon-Fri 10:00-11:00", nullptr);
  p.calendar_file = "calendars/m-01.ics";
  p.calendar_text = calendar(kWorkWeek);
  program.people.push_back(p);
  Diagnostics d;
  attach_calendars(program, "acme/", d);
  EXPECT_TRUE(d.all().empty());
  const auto& availability = program.people[0].availability;
  ASSERT_TRUE(availability);
  const auto open = text(*availability);
  // The VAVAILABILITY's 09:00-17:00 until 03-15, the working hours' 10:00-11:00 after it.
  EXPECT_EQ(open[0], "2027-03-08T09:00:00Z 2027-03-08T17:00:00Z");
  EXPECT_EQ(open[5], "2027-03-15T10:00:00Z 2027-03-15T11:00:00Z");
  EXPECT_TRUE(program.people[0].busy.empty());
}

TEST(AttachCalendars, FillsBusyTimeAroundTheProgramDatesAndNamesTheFile) {
  Program program;
  program.start = *parse_day("2027-03-08");
  program.end = *parse_day("2027-03-19");
  Person p;
  p.zone = *Zone::find("Europe/Berlin");
  p.calendar_file = "calendars/m-01.ics";
  p.calendar_text =
      calendar(event("DTSTART;VALUE=DATE:20270306\r\nRRULE:FREQ=WEEKLY\r\n"
                     "DTEND;TZID=Nowhere:20270306T100000\r\n"));
  program.people.push_back(p);
  program.people.push_back(Person{});  // no calendar
  Diagnostics d;
  attach_calendars(program, "acme/", d);
  ASSERT_EQ(d.all().size(), 1u);
  EXPECT_EQ(d.front().file, "acme/calendars/m-01.ics");
  EXPECT_EQ(d.front().line, 9);
  // The window starts on 03-06 at 00:00Z, two days before the program.
  const auto busy = text(program.people[0].busy);
  ASSERT_GE(busy.size(), 2u);
  EXPECT_EQ(busy[0], "2027-03-06T00:00:00Z 2027-03-06T09:00:00Z");
  EXPECT_EQ(busy[1], "2027-03-12T23:00:00Z 2027-03-13T09:00:00Z");
  EXPECT_TRUE(program.people[1].busy.empty());
}

TEST(AttachCalendars, ReportsProblemsInPersonOrderWhateverThreadReadThem) {
  Program program;
  program.start = *parse_day("2027-03-08");
  program.end = *parse_day("2027-03-19");
  for (int i = 0; i < 200; ++i) {
    Person p;
    p.id = "p-" + std::to_string(i);
    p.calendar_file = "calendars/" + p.id + ".ics";
    // Every third calendar is unreadable, every other one warns; each has its own busy time.
    const std::string start = "DTSTART:202703" + std::to_string(10 + i % 10) + "T1" +
                              std::to_string(i % 10) + "0000Z\r\n";
    p.calendar_text =
        i % 3 == 0 ? "not a calendar " + p.id
                   : calendar(event(start + "DTEND:20270320T000000Z\r\n" +
                                    (i % 2 == 0 ? "X-MICROSOFT-CDO-BUSYSTATUS:ODD\r\n" : "")));
    program.people.push_back(p);
  }
  const Program original = program;
  Diagnostics d;
  attach_calendars(program, "acme/", d);

  Diagnostics expected;
  for (std::size_t i = 0; i < original.people.size(); ++i) {
    const Person& p = original.people[i];
    const auto alone =
        read_busy_calendar(p.calendar_text, p.zone, window("2027-03-06", "2027-03-22"),
                           "acme/" + p.calendar_file, expected);
    EXPECT_EQ(text(program.people[i].busy), text(alone.busy)) << p.id;
    EXPECT_TRUE(program.people[i].calendar_text.empty()) << p.id;
  }
  ASSERT_GT(expected.all().size(), 100u);
  EXPECT_EQ(d.all(), expected.all());
}

// --- bad input -------------------------------------------------------------------------------

TEST(BadInput, GarbageIsNotAnIcalendarFile) {
  const auto r = read("hello, world\nthis is not a calendar\n");
  EXPECT_TRUE(r.diagnostics.has_errors());
  EXPECT_EQ(r.messages(),
            (std::vector<std::string>{"cal.ics:1: not an iCalendar file: it must begin with "
                                      "BEGIN:VCALENDAR, not 'hello, world'"}));
}

TEST(BadInput, BeginWithoutAColonIsNotAnIcalendarFile) {
  // Found by fuzz/import_fuzzer: a bare "BEGIN" line was cut past its end.
  const auto r = read("BEGIN\r\n:VCALENDAR\r\nEND:VCALENDAR\r\n");
  EXPECT_EQ(r.messages(), (std::vector<std::string>{"cal.ics:1: not an iCalendar file: it must "
                                                    "begin with BEGIN:VCALENDAR, not 'BEGIN'"}));
}

TEST(BadInput, BareEndLineInsideACalendarIsAnError) {
  const auto r = read("BEGIN:VCALENDAR\r\nEND\r\nEND:VCALENDAR\r\n");
  ASSERT_TRUE(r.diagnostics.has_errors());
  EXPECT_EQ(r.diagnostics.front().line, 2);
}

TEST(BadInput, EmptyFileIsAnError) {
  EXPECT_EQ(read("").messages(),
            (std::vector<std::string>{"cal.ics: not an iCalendar file: it is empty"}));
}

TEST(BadInput, TruncatedFileSaysWhereItEnds) {
  const auto r = read("BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nDTSTART:20270301T090000Z\r\n");
  EXPECT_EQ(r.messages(),
            (std::vector<std::string>{"cal.ics:3: the file ends inside VEVENT begun at line 2: it "
                                      "is truncated or lacks END:VEVENT"}));
}

TEST(BadInput, MismatchedEndIsAnError) {
  const auto r = read("BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nEND:VTODO\r\nEND:VCALENDAR\r\n");
  EXPECT_EQ(
      r.messages(),
      (std::vector<std::string>{"cal.ics:3: END:VTODO does not close BEGIN:VEVENT at line 2"}));
}

TEST(BadInput, MalformedRruleIsAnErrorAtItsLine) {
  const auto r =
      read(calendar(event("DTSTART:20270301T090000Z\r\nDTEND:20270301T100000Z\r\n"
                          "RRULE:FREQ=WEEKLY;UNTL=20271023\r\n")));
  EXPECT_TRUE(r.diagnostics.has_errors());
  ASSERT_EQ(r.diagnostics.all().size(), 1u);
  EXPECT_EQ(r.diagnostics.front().line, 9);
  EXPECT_NE(r.diagnostics.front().message.find("RRULE"), std::string::npos);
}

TEST(BadInput, LineNumbersCountFoldedLines) {
  const auto r =
      read(calendar(event("DESCRIPTION:a long\r\n  description\r\n"
                          "DTSTART:20270301T090000Z\r\nDTEND:2027garbage\r\n")));
  ASSERT_EQ(r.diagnostics.all().size(), 1u);
  EXPECT_EQ(r.diagnostics.front().line, 10);
  EXPECT_EQ(r.diagnostics.front().severity, Severity::error);
}

TEST(BadInput, UnreadableAlarmIsOnlyAWarning) {
  const auto r =
      read(calendar(event("DTSTART:20270301T090000Z\r\nDTEND:20270301T100000Z\r\n"
                          "BEGIN:VALARM\r\nACTION:DISPLAY\r\nTRIGGER:soon\r\n"
                          "END:VALARM\r\n")));
  EXPECT_FALSE(r.diagnostics.has_errors());
  ASSERT_EQ(r.diagnostics.all().size(), 1u);
  EXPECT_EQ(r.diagnostics.front().line, 11);
  EXPECT_EQ(r.busy().size(), 1u);
}

TEST(BadInput, EmptyLocationSaysNothingAndEmptyRruleOnlyWarns) {
  const auto r =
      read(calendar(event("LOCATION:\r\nDTSTART:20270301T090000Z\r\n"
                          "DTEND:20270301T100000Z\r\nRRULE:\r\n")));
  EXPECT_FALSE(r.diagnostics.has_errors());
  ASSERT_EQ(r.diagnostics.all().size(), 1u);
  EXPECT_EQ(r.diagnostics.front().line, 10);
  EXPECT_EQ(r.busy().size(), 1u);
}

TEST(BadInput, EmptyDtstartIsAnError) {
  const auto r = read(calendar(event("DTSTART:\r\nDTEND:20270301T100000Z\r\n")));
  EXPECT_TRUE(r.diagnostics.has_errors());
  EXPECT_EQ(r.diagnostics.front().line, 7);
}

TEST(BadInput, SecondDtstartIsAnError) {
  const auto r = read(calendar(event("DTSTART:20270301T090000Z\r\nDTSTART:20270301T100000Z\r\n")));
  EXPECT_EQ(r.messages(),
            (std::vector<std::string>{"cal.ics:8: a second DTSTART in VEVENT begun at line 4"}));
}

TEST(BadInput, TopLevelComponentOtherThanVcalendarIsRejected) {
  const auto r = read("BEGIN:VEVENT\r\nDTSTART:20270301T090000Z\r\nEND:VEVENT\r\n");
  EXPECT_TRUE(r.diagnostics.has_errors());
  EXPECT_EQ(r.diagnostics.front().line, 1);
}

// --- reading without line tags ---------------------------------------------------------------
// A file is read first without the line numbers libical's tree otherwise carries, and again with
// them only when there is something to report. These files must read as with the tags.

TEST(ReadWithoutLineTags, EmptyLocationAloneSaysNothing) {
  const auto r =
      read(calendar(event("LOCATION:\r\nDTSTART:20270301T090000Z\r\nDTEND:20270301T100000Z\r\n")));
  EXPECT_TRUE(r.messages().empty());
  EXPECT_EQ(r.busy(), (Busy{"2027-03-01T09:00:00Z 2027-03-01T10:00:00Z"}));
}

// 200 events of 8 lines each, the first with a description folded over two lines, after the
// calendar's 3 header lines.
std::string many_events(const std::string& last) {
  std::string body;
  for (int i = 0; i < 200; ++i) {
    const std::string day = std::to_string(10 + i % 18);
    body += "BEGIN:VEVENT\r\nUID:e" + std::to_string(i) +
            "\r\nDESCRIPTION:a long\r\n  description\r\nDTSTART:202703" + day +
            "T090000Z\r\nDTEND:202703" + day + "T100000Z\r\nSUMMARY:x\r\nEND:VEVENT\r\n";
  }
  return calendar(body + last);
}

TEST(ReadWithoutLineTags, ErrorDeepInAFileNamesItsLine) {
  const auto r = read(many_events(
      event("DTSTART;TZID=Europe/Londn:20270301T090000\r\nDTEND:20270301T100000Z\r\n")));
  EXPECT_EQ(r.messages(),
            (std::vector<std::string>{
                "cal.ics:1607: TZID 'Europe/Londn' is neither an IANA nor a Windows zone name and "
                "the file has no VTIMEZONE for it; did you mean Europe/London?"}));
  EXPECT_EQ(r.busy().size(), 19u);
}

TEST(ReadWithoutLineTags, MalformedLineDeepInAFileNamesItsLine) {
  const auto r = read(many_events(event("DTSTART:20270301T090000Z\r\nDTEND:2027garbage\r\n")));
  ASSERT_EQ(r.diagnostics.all().size(), 1u);
  EXPECT_EQ(r.diagnostics.front().line, 1608);
  EXPECT_EQ(r.diagnostics.front().severity, Severity::error);
}

// Two events whose UID line is `uid`, on March 1 and 2.
std::string two_events_with_uid_line(const std::string& uid) {
  std::string body;
  for (const std::string day : {"01", "02"}) {
    body += "BEGIN:VEVENT\r\n" + uid + "\r\nDTSTART:202703" + day + "T090000Z\r\nDTEND:202703" +
            day + "T100000Z\r\nEND:VEVENT\r\n";
  }
  return calendar(body);
}

// With the tag first among the parameters, libical takes all that follows the name as the value
// when no ':' ends the parameters: these two UIDs differ by their line numbers.
TEST(ReadWithoutLineTags, ParametersThatNoColonEndsKeepTheLineTagInTheValue) {
  const auto r = read(two_events_with_uid_line("UID;X-A=1"));
  EXPECT_EQ(r.busy(), (Busy{"2027-03-01T09:00:00Z 2027-03-01T10:00:00Z",
                            "2027-03-02T09:00:00Z 2027-03-02T10:00:00Z"}));
}

// libical drops the '\r' before a fold, which leaves the ':' escaped here.
TEST(ReadWithoutLineTags, ColonAfterABackslashAndAFoldDoesNotEndTheParameters) {
  EXPECT_EQ(read(two_events_with_uid_line("UID;X-A=\\\r\r\n :1")).busy().size(), 2u);
}

// Google writes a TZID with a colon unquoted ("TZID=GMT+05:30"), which libical takes from a fixed
// offset into the line; the line tag would shift that offset. The zone is the VTIMEZONE's +05:30,
// read with and without tags alike, wherever the parameter stands.
TEST(ReadWithoutLineTags, TzidWithAColonIsTheFilesZone) {
  const std::string zone =
      "BEGIN:VTIMEZONE\r\nTZID:GMT+05:30\r\nBEGIN:STANDARD\r\nDTSTART:19700101T000000\r\n"
      "TZOFFSETFROM:+0530\r\nTZOFFSETTO:+0530\r\nEND:STANDARD\r\nEND:VTIMEZONE\r\n";
  for (const auto* start : {"DTSTART;TZID=GMT+05:30:20270301T090000\r\n",
                            "DTSTART;VALUE=DATE-TIME;TZID=GMT+05:30:20270301T090000\r\n",
                            "DTSTART;TZID=GMT+05:30;VALUE=DATE-TIME:20270301T090000\r\n",
                            "DTSTART;X-A=\"b;TZID=c:d\";TZID=GMT+05:30:20270301T090000\r\n"}) {
    const auto r = read(
        calendar(zone + event(std::string{start} + "DTEND;TZID=GMT+05:30:20270301T100000\r\n")));
    EXPECT_EQ(r.busy(), (Busy{"2027-03-01T03:30:00Z 2027-03-01T04:30:00Z"})) << start;
    EXPECT_TRUE(r.messages().empty()) << start << r.messages().front();
  }
}

// libical reads any line named BEGIN as one; with the tag, this one names no known component.
TEST(ReadWithoutLineTags, BeginLineWithParametersIsNoComponent) {
  const auto r =
      read(calendar("BEGIN;VEVENT,x:y\r\nUID:a\r\nDTSTART:20270301T090000Z\r\n"
                    "DTEND:20270301T100000Z\r\nEND;VEVENT,x:y\r\n"));
  EXPECT_TRUE(r.busy().empty());
  EXPECT_TRUE(r.messages().empty());
}

// With tags the continuation goes to the component's tag property, not to its name.
TEST(ReadWithoutLineTags, ContinuationOfABeginLineIsNotPartOfTheComponentName) {
  const auto r =
      read(calendar("BEGIN:V\r\n EVENT\r\nUID:a\r\nDTSTART:20270301T090000Z\r\n"
                    "DTEND:20270301T100000Z\r\nEND:V\r\n"));
  EXPECT_TRUE(r.busy().empty());
  EXPECT_TRUE(r.messages().empty());
}

// Text lines nothing reads are left out of the untagged text, continuation lines included: were
// " 2" left in, it would continue the first UID, and the two versions of the event would differ.
TEST(ReadWithoutLineTags, TextLinesLeftOutTakeTheirContinuationsWithThem) {
  const auto r = read(calendar(
      "BEGIN:VEVENT\r\nUID:same\r\nSUMMARY:a\r\n 2\r\nDTSTART:20270301T090000Z\r\n"
      "DTEND:20270301T100000Z\r\nEND:VEVENT\r\n"
      "BEGIN:VEVENT\r\nUID:same\r\nDESCRIPTION:b\r\n\tc\r\nLOCATION:d\r\n e\r\nCOMMENT:f\r\n g\r\n"
      "DTSTART:20270302T090000Z\r\nDTEND:20270302T100000Z\r\nEND:VEVENT\r\n"));
  EXPECT_TRUE(r.messages().empty());
  EXPECT_EQ(r.busy(), (Busy{"2027-03-02T09:00:00Z 2027-03-02T10:00:00Z"}));
}

// A DTSTAMP, CREATED or LAST-MODIFIED is left out of the untagged text only as a line of its
// own: a continuation makes another value, which libical cannot read, and the reading says so.
TEST(ReadWithoutLineTags, StampLineThatContinuesIsStillParsed) {
  const auto stamp = read(calendar(event(
      "CREATED:20270101T000000Z\r\n 9\r\nDTSTART:20270301T090000Z\r\nDTEND:20270301T100000Z\r\n")));
  ASSERT_EQ(stamp.diagnostics.all().size(), 1u);
  EXPECT_EQ(stamp.diagnostics.front().severity, Severity::warning);
  EXPECT_NE(stamp.messages().front().find("ignored: it does not change busy time"),
            std::string::npos)
      << stamp.messages().front();
  EXPECT_EQ(stamp.busy(), (Busy{"2027-03-01T09:00:00Z 2027-03-01T10:00:00Z"}));
  // An empty line between them changes nothing: empty lines are not part of the text.
  const auto apart =
      read(calendar(event("CREATED:20270101T000000Z\r\n\r\n 9\r\n"
                          "DTSTART:20270301T090000Z\r\nDTEND:20270301T100000Z\r\n")));
  EXPECT_EQ(apart.messages(), stamp.messages());
}

// The first TRANSP of an event decides: OPAQUE before TRANSPARENT is busy, the other way free.
TEST(ReadWithoutLineTags, FirstTranspDecidesThoughOpaqueIsLeftOut) {
  const std::string times = "DTSTART:20270301T090000Z\r\nDTEND:20270301T100000Z\r\n";
  const auto opaque_first =
      read(calendar(event("TRANSP:OPAQUE\r\n" + times + "TRANSP:TRANSPARENT\r\n")));
  EXPECT_TRUE(opaque_first.messages().empty());
  EXPECT_EQ(opaque_first.busy(), (Busy{"2027-03-01T09:00:00Z 2027-03-01T10:00:00Z"}));
  const auto transparent_first =
      read(calendar(event("transp:transparent\r\n" + times + "TRANSP:OPAQUE\r\n")));
  EXPECT_TRUE(transparent_first.busy().empty());
  // An OPAQUE left out in one event says nothing of the next one's TRANSP.
  const auto two =
      read(calendar("BEGIN:VEVENT\r\nUID:a\r\nTRANSP:OPAQUE\r\n" + times +
                    "END:VEVENT\r\nBEGIN:VEVENT\r\nUID:b\r\nTRANSP:TRANSPARENT\r\n"
                    "DTSTART:20270302T090000Z\r\nDTEND:20270302T100000Z\r\nEND:VEVENT\r\n"));
  EXPECT_TRUE(two.messages().empty());
  EXPECT_EQ(two.busy(), (Busy{"2027-03-01T09:00:00Z 2027-03-01T10:00:00Z"}));
  // A TRANSP between two calendars is in no event.
  const auto between =
      read(calendar(event("TRANSP:OPAQUE\r\n" + times)) + "TRANSP:OPAQUE\r\n" + calendar(""));
  EXPECT_EQ(between.busy(), (Busy{"2027-03-01T09:00:00Z 2027-03-01T10:00:00Z"}));
  // Nor does an alarm inside the event end what its OPAQUE said.
  const auto alarm =
      read(calendar(event("TRANSP:OPAQUE\r\n" + times +
                          "BEGIN:VALARM\r\nACTION:DISPLAY\r\nTRIGGER:-PT15M\r\nDESCRIPTION:x\r\n"
                          "END:VALARM\r\nTRANSP:TRANSPARENT\r\n")));
  EXPECT_TRUE(alarm.messages().empty());
  EXPECT_EQ(alarm.busy(), (Busy{"2027-03-01T09:00:00Z 2027-03-01T10:00:00Z"}));
}

// One with parameters is parsed, and libical's error is reported as before: at the line after
// it, which is the first libical's tree gives no line of.
TEST(ReadWithoutLineTags, TextLineWithParametersIsStillParsed) {
  const auto r =
      read(calendar(event("DTSTART:20270301T090000Z\r\nDESCRIPTION;VALUE=DATE:x\r\n"
                          "DTEND:20270301T100000Z\r\n")));
  EXPECT_EQ(r.messages(), (std::vector<std::string>{"cal.ics:9: cannot read this line: Invalid "
                                                    "VALUE type for property DESCRIPTION: "
                                                    "VALUE=DATE"}));
}

TEST(CalendarStream, ReadsEveryVcalendarInIt) {
  const auto r = read(calendar(event("DTSTART:20270301T090000Z\r\nDTEND:20270301T100000Z\r\n")) +
                      calendar("BEGIN:VEVENT\r\nUID:other\r\nDTSTART:20270302T090000Z\r\n"
                               "DTEND:20270302T100000Z\r\nEND:VEVENT\r\n"));
  EXPECT_EQ(r.busy().size(), 2u);
}

TEST(CalendarStream, ByteOrderMarkAndBareLineFeedsAreAccepted) {
  const auto r = read(
      "\xEF\xBB\xBF"
      "BEGIN:VCALENDAR\nBEGIN:VEVENT\nUID:x\n"
      "DTSTART:20270301T090000Z\nDTEND:20270301T100000Z\nEND:VEVENT\n"
      "END:VCALENDAR\n");
  EXPECT_EQ(r.busy(), (Busy{"2027-03-01T09:00:00Z 2027-03-01T10:00:00Z"}));
  EXPECT_TRUE(r.diagnostics.all().empty());
}

}  // namespace
}  // namespace mentorcal

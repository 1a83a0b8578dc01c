#include "mentorcal/feed.hpp"

#include <gtest/gtest.h>
#include <libical/ical.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <vector>

#include "support/time.hpp"

namespace mentorcal {
namespace {

using namespace std::chrono_literals;
using date::April;
using date::December;
using date::February;
using date::January;
using date::June;
using date::March;
using date::May;
using date::November;
using date::October;
using date::September;
using testing::local;

Zone zone(const std::string& name) {
  return Zone::find(name).value();
}

// A program and the schedule for it, built the way the engine builds them: each series' rule
// instances, and each occurrence's instant read through its zone.
struct Cohort {
  Program program;
  Schedule schedule;

  Cohort(date::year_month_day start, date::year_month_day end) {
    program.id = "acme-2027";
    program.name = "Acme Senior Mentorship 2027";
    program.start = LocalDay{start};
    program.end = LocalDay{end};
    schedule.program_id = program.id;
  }

  std::size_t person(const std::string& id, const std::string& name, const std::string& zone_name,
                     Role role) {
    Person p;
    p.id = id;
    p.name = name;
    p.email = email_of(id);
    p.role = role;
    p.zone = zone(zone_name);
    program.people.push_back(p);
    return program.people.size() - 1;
  }

  // A pair of two new people; the mentor's zone anchors its series.
  Series& pair(const std::string& mentor, const std::string& mentor_zone, const std::string& mentee,
               const std::string& mentee_zone, Series series, const std::string& focus = "") {
    Pair pair;
    pair.mentor = person(id_of(mentor), mentor, mentor_zone, Role::mentor);
    pair.mentee = person(id_of(mentee), mentee, mentee_zone, Role::mentee);
    pair.cadence = series.cadence;
    pair.duration = series.duration;
    pair.focus = focus;
    program.pairs.push_back(pair);
    series.mentor_id = id_of(mentor);
    series.mentee_id = id_of(mentee);
    series.zone = mentor_zone;
    PairResult result;
    result.mentor_id = series.mentor_id;
    result.mentee_id = series.mentee_id;
    result.series = std::move(series);
    schedule.pairs.push_back(std::move(result));
    return *schedule.pairs.back().series;
  }

  // "Ana Souza" is "ana-souza"; "Zoë Ångström" is "zo-ngstr-m".
  static std::string id_of(const std::string& name) {
    std::string id;
    for (char c : name) {
      const bool plain = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
      id += plain ? static_cast<char>(std::tolower(c)) : '-';
    }
    return id;
  }
  static std::string email_of(const std::string& id) { return id + "@example.com"; }
};

// `count` instances of a weekly rule (every `weeks` weeks) from `first` in `zone_name`, all held.
Series weekly(const std::string& uid, const std::string& zone_name, LocalMinute first, int weeks,
              int count, Minutes duration = 45min) {
  Series series;
  series.uid = uid;
  series.dtstamp = date::sys_days{date::year{2026} / December / 1} + 9h;
  series.zone = zone_name;
  series.cadence = {Cadence::Kind::every_weeks, weeks};
  series.weekday = date::weekday{date::floor<date::days>(first)};
  series.first = first;
  series.duration = duration;
  const Zone z = zone(zone_name);
  for (int i = 0; i < count; ++i) {
    const LocalMinute nominal = first + date::days{7 * weeks * i};
    const Instant start = z.to_instant(nominal);
    series.occurrences.push_back({nominal, {start, start + duration}, OccurrenceState::held, ""});
  }
  return series;
}

// `count` instances of "the `ordinal`th weekday of the month" from `first`, all held.
Series monthly(const std::string& uid, const std::string& zone_name, LocalMinute first, int ordinal,
               int count, Minutes duration = 45min) {
  Series series = weekly(uid, zone_name, first, 1, 0, duration);
  series.cadence = {Cadence::Kind::monthly, 2};
  series.monthly_ordinal = ordinal;
  const Zone z = zone(zone_name);
  const LocalDay first_day = date::floor<date::days>(first);
  const date::year_month month =
      date::year_month_day{first_day}.year() / date::year_month_day{first_day}.month();
  for (int i = 0; i < count; ++i) {
    const date::year_month in_month = month + date::months{i};
    const date::year_month_weekday day{in_month.year(), in_month.month(),
                                       series.weekday[static_cast<unsigned>(ordinal)]};
    const LocalMinute nominal = LocalDay{day} + (first - first_day);
    const Instant start = z.to_instant(nominal);
    series.occurrences.push_back({nominal, {start, start + duration}, OccurrenceState::held, ""});
  }
  return series;
}

Occurrence& instance(Series& series, date::year_month_day day) {
  for (auto& occurrence : series.occurrences) {
    if (date::floor<date::days>(occurrence.nominal) == LocalDay{day}) return occurrence;
  }
  ADD_FAILURE() << "no instance on " << format_day(LocalDay{day});
  return series.occurrences.front();
}

void skip(Series& series, date::year_month_day day) {
  instance(series, day).state = OccurrenceState::skipped;
  instance(series, day).reason = "mentor blocked";
}

// Moves the instance of `day` to `to`, a wall-clock time in the series zone.
void move(Series& series, date::year_month_day day, LocalMinute to) {
  const Instant start = zone(series.zone).to_instant(to);
  auto& occurrence = instance(series, day);
  occurrence.state = OccurrenceState::moved;
  occurrence.at = {start, start + series.duration};
  occurrence.reason = "mentee blocked";
}

std::string unfold(std::string text) {
  for (auto at = text.find("\r\n "); at != std::string::npos; at = text.find("\r\n ", at)) {
    text.erase(at, 3);
  }
  return text;
}

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> lines;
  std::size_t begin = 0;
  for (auto end = text.find("\r\n"); end != std::string::npos; end = text.find("\r\n", begin)) {
    lines.push_back(text.substr(begin, end - begin));
    begin = end + 2;
  }
  return lines;
}

// The unfolded content lines of `feed` that start with `prefix`.
std::vector<std::string> lines_starting(const std::string& feed, const std::string& prefix) {
  std::vector<std::string> found;
  for (const auto& line : lines_of(unfold(feed))) {
    if (line.rfind(prefix, 0) == 0) found.push_back(line);
  }
  return found;
}

std::size_t count_of(const std::string& text, const std::string& what) {
  std::size_t n = 0;
  for (auto at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
  return n;
}

Cohort new_york_london() {
  Cohort cohort{date::year{2027} / March / 1, date::year{2027} / November / 30};
  auto& series = cohort.pair("Ana Souza", "America/New_York", "Oliver Hughes", "Europe/London",
                             weekly("ana-oliver@mentorcal", "America/New_York",
                                    local(date::year{2027} / March / 1, 9h), 1, 40),
                             "Leading through change");
  // March 15 and 22 and November 1 fall between the two countries' changes.
  skip(series, date::year{2027} / March / 15);
  move(series, date::year{2027} / March / 8, local(date::year{2027} / March / 10, 8h));
  move(series, date::year{2027} / November / 1,
       local(date::year{2027} / November / 2, 10h + 30min));
  return cohort;
}

TEST(Feed, HasTheCalendarPropertiesEveryClientReads) {
  const auto cohort = new_york_london();
  const auto feed = render_feed(cohort.program, cohort.schedule, "", {});
  const auto lines = lines_of(unfold(feed));
  ASSERT_GE(lines.size(), 10u);
  EXPECT_EQ(lines.front(), "BEGIN:VCALENDAR");
  EXPECT_EQ(lines.back(), "END:VCALENDAR");
  EXPECT_EQ(lines_starting(feed, "PRODID:").size(), 1u);
  for (const char* line :
       {"VERSION:2.0", "CALSCALE:GREGORIAN", "METHOD:PUBLISH", "NAME:Acme Senior Mentorship 2027",
        "X-WR-CALNAME:Acme Senior Mentorship 2027", "REFRESH-INTERVAL;VALUE=DURATION:PT1H",
        "X-PUBLISHED-TTL:PT1H"}) {
    EXPECT_EQ(lines_starting(feed, line), std::vector<std::string>{line});
  }
}

TEST(Feed, NamesAPersonsCalendarAfterThemAndTakesTheRefreshGiven) {
  const auto cohort = new_york_london();
  FeedOptions half_hourly;
  half_hourly.refresh = 30min;
  const auto feed = render_feed(cohort.program, cohort.schedule, "oliver-hughes", half_hourly);
  EXPECT_EQ(lines_starting(feed, "NAME:"),
            std::vector<std::string>{"NAME:Acme Senior Mentorship 2027: Oliver Hughes"});
  EXPECT_EQ(lines_starting(feed, "X-PUBLISHED-TTL:"),
            std::vector<std::string>{"X-PUBLISHED-TTL:PT30M"});
  FeedOptions quarter;
  quarter.calendar_name = "Q1, 2027";
  const auto named = render_feed(cohort.program, cohort.schedule, "", quarter);
  EXPECT_EQ(lines_starting(named, "X-WR-CALNAME:"),
            std::vector<std::string>{"X-WR-CALNAME:Q1, 2027"});
  EXPECT_EQ(lines_starting(named, "NAME:"), std::vector<std::string>{"NAME:Q1\\, 2027"});
}

TEST(Feed, WritesASeriesAsOneRuleWithExdatesAndOverrides) {
  const auto cohort = new_york_london();
  const auto feed = render_feed(cohort.program, cohort.schedule, "", {});
  EXPECT_EQ(lines_starting(feed, "BEGIN:VEVENT").size(), 3u);
  EXPECT_EQ(lines_starting(feed, "UID:"), std::vector<std::string>(3, "UID:ana-oliver@mentorcal"));
  EXPECT_EQ(lines_starting(feed, "DTSTAMP:"),
            std::vector<std::string>(3, "DTSTAMP:20261201T090000Z"));
  EXPECT_EQ(lines_starting(feed, "DTSTART;"),
            (std::vector<std::string>{"DTSTART;TZID=America/New_York:20270301T090000",
                                      "DTSTART;TZID=America/New_York:20270310T080000",
                                      "DTSTART;TZID=America/New_York:20271102T103000"}));
  EXPECT_EQ(lines_starting(feed, "DTEND;"),
            (std::vector<std::string>{"DTEND;TZID=America/New_York:20270301T094500",
                                      "DTEND;TZID=America/New_York:20270310T084500",
                                      "DTEND;TZID=America/New_York:20271102T111500"}));
  EXPECT_EQ(lines_starting(feed, "RRULE:FREQ=WEEKLY"),
            std::vector<std::string>{"RRULE:FREQ=WEEKLY;COUNT=40;BYDAY=MO"});
  EXPECT_EQ(lines_starting(feed, "EXDATE"),
            std::vector<std::string>{"EXDATE;TZID=America/New_York:20270315T090000"});
  EXPECT_EQ(lines_starting(feed, "RECURRENCE-ID"),
            (std::vector<std::string>{"RECURRENCE-ID;TZID=America/New_York:20270308T090000",
                                      "RECURRENCE-ID;TZID=America/New_York:20271101T090000"}));
  EXPECT_EQ(lines_starting(feed, "SEQUENCE:"), std::vector<std::string>(3, "SEQUENCE:0"));
  EXPECT_EQ(lines_starting(feed, "SUMMARY:"),
            std::vector<std::string>(3, "SUMMARY:Mentoring: Ana Souza / Oliver Hughes"));
  EXPECT_EQ(lines_starting(feed, "ORGANIZER"),
            std::vector<std::string>(3, "ORGANIZER;CN=Ana Souza:mailto:ana-souza@example.com"));
  EXPECT_EQ(
      lines_starting(feed, "ATTENDEE"),
      std::vector<std::string>(
          3, "ATTENDEE;CN=Oliver Hughes;ROLE=REQ-PARTICIPANT:mailto:oliver-hughes@example.com"));
  EXPECT_EQ(lines_starting(feed, "STATUS:"), std::vector<std::string>(3, "STATUS:CONFIRMED"));
  EXPECT_TRUE(lines_starting(feed, "LOCATION").empty());
}

// libical's own serialisation of a UTC DATE-TIME property, without its line end.
std::string libical_utc_line(icalproperty* (*make)(icaltimetype), Instant t) {
  const auto seconds = std::chrono::duration_cast<std::chrono::seconds>(t.time_since_epoch());
  icalproperty* property = make(icaltime_from_timet_with_zone(static_cast<time_t>(seconds.count()),
                                                              0, icaltimezone_get_utc_timezone()));
  std::string text = icalproperty_as_ical_string(property);
  icalproperty_free(property);
  return text.substr(0, text.find("\r\n"));
}

TEST(PlainFeed, GivesEveryOccurrenceThatTakesPlaceInUtcAsLibicalWritesIt) {
  const auto cohort = new_york_london();
  FeedOptions options;
  options.plain = true;
  const auto feed = render_feed(cohort.program, cohort.schedule, "oliver-hughes", options);
  std::vector<std::string> starts;
  std::vector<std::string> ends;
  for (const auto& occurrence : cohort.schedule.pairs[0].series->occurrences) {
    if (occurrence.state == OccurrenceState::skipped) continue;
    starts.push_back(libical_utc_line(icalproperty_new_dtstart, occurrence.at.start));
    ends.push_back(libical_utc_line(icalproperty_new_dtend, occurrence.at.end));
  }
  ASSERT_EQ(starts.size(), 39u) << "40 instances, one skipped";
  EXPECT_EQ(starts[0], "DTSTART:20270301T140000Z");
  EXPECT_EQ(lines_starting(feed, "DTSTART"), starts);
  EXPECT_EQ(lines_starting(feed, "DTEND"), ends);
  EXPECT_TRUE(lines_starting(feed, "RRULE").empty());
  EXPECT_TRUE(lines_starting(feed, "VTIMEZONE").empty());
}

// Each occurrence's UID, the series' UID with the occurrence's date, is the UID property libical
// writes for it, folded and escaped as libical does: UIDs whose line is whole (72 octets) or one
// octet longer, and UIDs with characters TEXT escapes or that are not ASCII.
TEST(PlainFeed, GivesEveryOccurrencesUidAsLibicalWritesIt) {
  const std::vector<std::string> uids = {"acme-2027-m-01-e-01@mentorcal",
                                         std::string(50, 'x') + "@mentorcal",
                                         std::string(49, 'x') + "@mentorcal",
                                         "a,b@mentorcal",
                                         "a;b@mentorcal",
                                         "a\\b@mentorcal",
                                         "ana-s\xC3\xA9"
                                         "ance@mentorcal",
                                         std::string(60, 'y') + "\xC3\xA9@mentorcal"};
  for (const std::string& uid : uids) {
    auto cohort = new_york_london();
    auto& series = *cohort.schedule.pairs[0].series;
    series.uid = uid;
    FeedOptions options;
    options.plain = true;
    const auto feed = render_feed(cohort.program, cohort.schedule, "oliver-hughes", options);
    std::string expected;
    for (const auto& occurrence : series.occurrences) {
      if (occurrence.state == OccurrenceState::skipped) continue;
      const auto day = format_day(date::floor<date::days>(occurrence.nominal));
      const auto at = uid.rfind('@');
      const auto occurrence_uid = uid.substr(0, at) + "-" + day.substr(0, 4) + day.substr(5, 2) +
                                  day.substr(8, 2) + uid.substr(at);
      icalproperty* property = icalproperty_new_uid(occurrence_uid.c_str());
      expected += icalproperty_as_ical_string(property);
      icalproperty_free(property);
    }
    // The feed's UID properties, continuation lines and all, in order.
    std::string found;
    for (std::size_t at = feed.find("\r\nUID"); at != std::string::npos;
         at = feed.find("\r\nUID", at + 2))
      found += feed.substr(at + 2, feed.find("\r\nDTSTAMP", at) - at);
    EXPECT_EQ(found, expected) << uid;
  }
}

TEST(Feed, DescribesTheSeriesInTheProgramFeedFromTheAnchorPartysSide) {
  const auto cohort = new_york_london();
  const auto feed = render_feed(cohort.program, cohort.schedule, "", {});
  EXPECT_EQ(lines_starting(feed, "SUMMARY:"),
            std::vector<std::string>(3, "SUMMARY:Mentoring: Ana Souza / Oliver Hughes"));
  const auto descriptions = lines_starting(feed, "DESCRIPTION:");
  ASSERT_EQ(descriptions.size(), 3u);
  // Of the weeks between the two countries' changes only March 22 is held at the series time.
  EXPECT_EQ(descriptions[0],
            "DESCRIPTION:Focus: Leading through change\\nWeekly on Monday\\, 09:00-09:45 for Ana "
            "Souza in America/New_York\\; 14:00-14:45 for Oliver Hughes in Europe/London\\nFrom "
            "2027-03-01 to 2027-11-29\\nOn 2027-03-22: 13:00-13:45 for Oliver Hughes\\nNot taking "
            "place on 2027-03-15");
  EXPECT_EQ(descriptions[1],
            "DESCRIPTION:Focus: Leading through change\\nMoved to Wednesday 2027-03-10 "
            "08:00-08:45 for Ana Souza in America/New_York\\; Wednesday 2027-03-10 13:00-13:45 "
            "for Oliver Hughes in Europe/London\\nInstead of Monday 2027-03-08 09:00 for Ana "
            "Souza\\nSeries: Weekly on Monday");
}

// The mentee's own feed speaks to them, in their own time first, and moves in their time.
TEST(Feed, SpeaksToTheMenteeInTheirOwnTimeFirst) {
  const auto cohort = new_york_london();
  const auto feed = render_feed(cohort.program, cohort.schedule, "oliver-hughes", {});
  EXPECT_EQ(lines_starting(feed, "SUMMARY:"),
            std::vector<std::string>(3, "SUMMARY:Mentoring with Ana Souza"));
  const auto descriptions = lines_starting(feed, "DESCRIPTION:");
  ASSERT_EQ(descriptions.size(), 3u);
  EXPECT_EQ(descriptions[0],
            "DESCRIPTION:Focus: Leading through change\\nWeekly on Monday\\, 14:00-14:45 (your "
            "time\\, Europe/London)\\; 09:00-09:45 for Ana Souza in America/New_York\\nFrom "
            "2027-03-01 to 2027-11-29\\nOn 2027-03-22: 13:00-13:45 your time\\nNot taking place "
            "on 2027-03-15");
  EXPECT_EQ(descriptions[1],
            "DESCRIPTION:Focus: Leading through change\\nMoved to Wednesday 2027-03-10 "
            "13:00-13:45 (your time\\, Europe/London)\\; Wednesday 2027-03-10 08:00-08:45 for "
            "Ana Souza in America/New_York\\nInstead of Monday 2027-03-08 14:00 your "
            "time\\nSeries: Weekly on Monday");
  for (const auto& d : descriptions) EXPECT_EQ(d.find("Oliver"), std::string::npos) << d;
}

TEST(Feed, SpeaksToTheMentorInTheirOwnTimeFirst) {
  const auto cohort = new_york_london();
  const auto feed = render_feed(cohort.program, cohort.schedule, "ana-souza", {});
  EXPECT_EQ(lines_starting(feed, "SUMMARY:"),
            std::vector<std::string>(3, "SUMMARY:Mentoring Oliver Hughes"));
  const auto descriptions = lines_starting(feed, "DESCRIPTION:");
  ASSERT_EQ(descriptions.size(), 3u);
  EXPECT_EQ(descriptions[0],
            "DESCRIPTION:Focus: Leading through change\\nWeekly on Monday\\, 09:00-09:45 (your "
            "time\\, America/New_York)\\; 14:00-14:45 for Oliver Hughes in "
            "Europe/London\\nFrom 2027-03-01 to 2027-11-29\\nOn 2027-03-22: 13:00-13:45 for "
            "Oliver Hughes\\nNot taking place on 2027-03-15");
  for (const auto& d : descriptions) EXPECT_EQ(d.find("Ana Souza"), std::string::npos) << d;
}

// Monday 19:00 in New York is Tuesday 09:00 in Tokyo (EST, before 14 March): the mentee's feed
// gives their own weekday, and a monthly rule keeps its meaning.
TEST(Feed, GivesTheReadersOwnWeekday) {
  Cohort cohort{date::year{2027} / January / 11, date::year{2027} / March / 10};
  cohort.pair("Ana Souza", "America/New_York", "Ken Tanaka", "Asia/Tokyo",
              weekly("ana-ken@mentorcal", "America/New_York",
                     local(date::year{2027} / January / 11, 19h), 2, 4));
  cohort.pair("Eve Stone", "America/New_York", "Aya Mori", "Asia/Tokyo",
              monthly("eve-aya@mentorcal", "America/New_York",
                      local(date::year{2027} / January / 11, 19h), 2, 2));
  const auto ken = lines_starting(render_feed(cohort.program, cohort.schedule, "ken-tanaka", {}),
                                  "DESCRIPTION:");
  ASSERT_EQ(ken.size(), 1u);
  EXPECT_EQ(ken[0],
            "DESCRIPTION:Every 2 weeks on Tuesday\\, 09:00-09:45 (your time\\, Asia/Tokyo)\\; "
            "Monday 19:00-19:45 for Ana Souza in America/New_York\\nFrom 2027-01-12 to "
            "2027-02-23");
  const auto aya =
      lines_starting(render_feed(cohort.program, cohort.schedule, "aya-mori", {}), "DESCRIPTION:");
  ASSERT_EQ(aya.size(), 1u);
  EXPECT_EQ(aya[0].rfind("DESCRIPTION:Monthly\\, on Tuesday (the 2nd Monday in "
                         "America/New_York)\\, 09:00-09:45 (your time\\, Asia/Tokyo)",
                         0),
            0u)
      << aya[0];
}

TEST(Feed, WritesMonthlySeriesAsTheNthWeekday) {
  Cohort cohort{date::year{2027} / January / 11, date::year{2027} / June / 30};
  cohort.pair("Priya Sharma", "Asia/Kathmandu", "Lena Vogel", "Europe/Berlin",
              monthly("priya-lena@mentorcal", "Asia/Kathmandu",
                      local(date::year{2027} / January / 12, 16h + 45min), 2, 6));
  const auto feed = render_feed(cohort.program, cohort.schedule, "", {});
  EXPECT_EQ(lines_starting(feed, "RRULE:FREQ=MONTHLY"),
            std::vector<std::string>{"RRULE:FREQ=MONTHLY;COUNT=6;BYDAY=2TU"});
  EXPECT_EQ(lines_starting(feed, "DTSTART;"),
            std::vector<std::string>{"DTSTART;TZID=Asia/Kathmandu:20270112T164500"});
}

TEST(Feed, APersonsFeedHoldsTheirSessionsOnly) {
  auto cohort = new_york_london();
  cohort.pair(
      "Ken Tanaka", "Asia/Tokyo", "Maria Rossi", "Europe/Rome",
      weekly("ken-maria@mentorcal", "Asia/Tokyo", local(date::year{2027} / March / 2, 17h), 2, 10));
  const auto all = render_feed(cohort.program, cohort.schedule, "", {});
  const auto ken = render_feed(cohort.program, cohort.schedule, "ken-tanaka", {});
  const auto maria = render_feed(cohort.program, cohort.schedule, "maria-rossi", {});
  const auto oliver = render_feed(cohort.program, cohort.schedule, "oliver-hughes", {});
  EXPECT_EQ(count_of(all, "BEGIN:VEVENT"), 4u);
  FeedOptions named;
  named.calendar_name = "Acme Senior Mentorship 2027: Ken Tanaka";
  EXPECT_EQ(ken, render_feed(cohort.program, cohort.schedule, "ken-tanaka", named));
  EXPECT_EQ(lines_starting(ken, "UID:"), std::vector<std::string>{"UID:ken-maria@mentorcal"});
  EXPECT_EQ(lines_starting(maria, "UID:"), std::vector<std::string>{"UID:ken-maria@mentorcal"});
  EXPECT_EQ(lines_starting(oliver, "UID:"),
            std::vector<std::string>(3, "UID:ana-oliver@mentorcal"));
  EXPECT_EQ(lines_starting(ken, "TZID:"), std::vector<std::string>{"TZID:Asia/Tokyo"});
  EXPECT_EQ(lines_starting(all, "TZID:"),
            (std::vector<std::string>{"TZID:America/New_York", "TZID:Asia/Tokyo"}));
}

TEST(Feed, AnIdWithoutSessionsGivesACalendarWithoutEvents) {
  const auto cohort = new_york_london();
  const auto feed = render_feed(cohort.program, cohort.schedule, "nobody", {});
  EXPECT_EQ(count_of(feed, "BEGIN:VEVENT"), 0u);
  EXPECT_EQ(count_of(feed, "BEGIN:VTIMEZONE"), 0u);
  EXPECT_EQ(lines_starting(feed, "NAME:"),
            std::vector<std::string>{"NAME:Acme Senior Mentorship 2027"});
}

TEST(Feed, PublishesACancelledSeriesWithStatusCancelledAndItsSequence) {
  auto cohort = new_york_london();
  CancelledSeries dropped;
  dropped.series =
      weekly("old@mentorcal", "Europe/Dublin", local(date::year{2026} / November / 6, 12h), 1, 8);
  move(dropped.series, date::year{2026} / November / 13,
       local(date::year{2026} / November / 12, 12h));
  dropped.series.sequence = 3;
  dropped.series.mentor_id = "ana-souza";
  dropped.series.mentee_id = "gone";
  dropped.organizer_email = "ana-souza@example.com";
  dropped.attendee_email = "gone@example.com";
  cohort.schedule.cancelled.push_back(dropped);

  const auto feed = render_feed(cohort.program, cohort.schedule, "ana-souza", {});
  EXPECT_EQ(lines_starting(feed, "STATUS:"),
            (std::vector<std::string>{"STATUS:CONFIRMED", "STATUS:CONFIRMED", "STATUS:CONFIRMED",
                                      "STATUS:CANCELLED", "STATUS:CANCELLED"}));
  EXPECT_EQ(lines_starting(feed, "SEQUENCE:").back(), "SEQUENCE:3");
  EXPECT_EQ(lines_starting(feed, "SUMMARY:").back(), "SUMMARY:Mentoring gone@example.com");
  EXPECT_EQ(lines_starting(feed, "DESCRIPTION:").back(),
            "DESCRIPTION:This mentoring series is cancelled and no longer takes place.");
  EXPECT_EQ(lines_starting(render_feed(cohort.program, cohort.schedule, "", {}), "SUMMARY:").back(),
            "SUMMARY:Mentoring: Ana Souza / gone@example.com");
  EXPECT_EQ(lines_starting(feed, "ATTENDEE").back(),
            "ATTENDEE;ROLE=REQ-PARTICIPANT:mailto:gone@example.com");
  // Its zone is in the feed, covering its dates, which lie before the program's.
  EXPECT_EQ(lines_starting(feed, "TZID:"),
            (std::vector<std::string>{"TZID:America/New_York", "TZID:Europe/Dublin"}));
  EXPECT_EQ(count_of(render_feed(cohort.program, cohort.schedule, "oliver-hughes", {}),
                     "STATUS:CANCELLED"),
            0u);
}

// Sixty more pairs over zones with half-hour offsets and both hemispheres' changes, some with a
// skipped or a moved occurrence, and a cancelled series whose mentee has left.
Cohort many_pairs() {
  auto cohort = new_york_london();
  const std::vector<std::string> zones{"Asia/Tokyo",       "Europe/Berlin",  "Australia/Lord_Howe",
                                       "America/St_Johns", "Asia/Kathmandu", "Europe/Dublin"};
  const auto day = [](date::year_month_day from, int later) {
    return date::year_month_day{LocalDay{from} + date::days{later}};
  };
  for (int i = 0; i < 60; ++i) {
    const std::string mentor_zone = zones[static_cast<std::size_t>(i) % zones.size()];
    const std::string mentee_zone = zones[static_cast<std::size_t>(i / 2) % zones.size()];
    const std::string letters{static_cast<char>('a' + i % 26), static_cast<char>('a' + i / 26)};
    auto& series = cohort.pair(
        "Mentor " + letters, mentor_zone, "Mentee " + letters, mentee_zone,
        weekly("pair-" + std::to_string(i) + "@mentorcal", mentor_zone,
               local(day(date::year{2027} / March / 1, i % 5), 9h + 15min * i), 1 + i % 2, 20),
        i % 3 ? "Focus, number " + std::to_string(i) : "");
    // Pairs with an even number meet weekly.
    if (i % 4 == 0) skip(series, day(date::year{2027} / May / 3, i % 5));
    if (i % 10 == 0)
      move(series, date::year{2027} / March / 8, local(date::year{2027} / March / 12, 7h));
  }
  CancelledSeries dropped;
  dropped.series =
      weekly("old@mentorcal", "Europe/Dublin", local(date::year{2026} / November / 6, 12h), 1, 8);
  dropped.series.mentor_id = "ana-souza";
  dropped.series.mentee_id = "gone";
  dropped.organizer_email = "ana-souza@example.com";
  dropped.attendee_email = "gone@example.com";
  cohort.schedule.cancelled.push_back(dropped);
  return cohort;
}

// render_feeds spreads the work over threads; each feed must still be the bytes render_feed
// gives, whichever thread rendered which session.
TEST(Feed, EveryFeedAtOnceIsEachFeedsBytes) {
  const auto cohort = many_pairs();
  const auto feeds = render_feeds(cohort.program, cohort.schedule, {});
  std::set<std::string> ids{"", "gone"};
  for (const auto& person : cohort.program.people) ids.insert(person.id);
  std::set<std::string> rendered;
  for (const auto& [id, feed] : feeds) {
    rendered.insert(id);
    EXPECT_EQ(feed, render_feed(cohort.program, cohort.schedule, id, {})) << "feed of " << id;
  }
  EXPECT_EQ(rendered, ids);
  EXPECT_EQ(count_of(feeds.at(""), "BEGIN:VEVENT"), 3u + 60u + 6u + 1u);
}

// Both forms at once share each session's words between them; each feed must still be the
// bytes render_feed gives in its form.
TEST(Feed, BothFormsAtOnceAreEachFormsBytes) {
  const auto cohort = many_pairs();
  std::mutex lock;
  std::map<std::string, std::string> usual, plain;
  FeedOptions options;
  options.calendar_name = "Cohort";
  render_feeds_in_both_forms(cohort.program, cohort.schedule, options,
                             [&](const std::string& id, std::string feed, bool is_plain) {
                               const std::lock_guard hold(lock);
                               EXPECT_TRUE((is_plain ? plain : usual).emplace(id, feed).second)
                                   << "feed of " << id << " given twice";
                             });
  EXPECT_EQ(usual, render_feeds(cohort.program, cohort.schedule, options));
  options.plain = true;
  EXPECT_EQ(plain, render_feeds(cohort.program, cohort.schedule, options));
  for (const auto& [id, feed] : plain)
    EXPECT_EQ(feed, render_feed(cohort.program, cohort.schedule, id, options)) << "feed of " << id;
  EXPECT_EQ(usual.size(), plain.size() + 1)
      << "every person's feed in both forms, the program's in one";
  EXPECT_EQ(count_of(plain.at("gone"), "STATUS:CANCELLED"), 8u);
  std::size_t moved_in_plain = 0;
  for (const auto& [id, feed] : plain) moved_in_plain += count_of(feed, "Moved to");
  EXPECT_EQ(moved_in_plain, 2 * count_of(usual.at(""), "Moved to")) << "both parties see each move";
  EXPECT_GT(moved_in_plain, 0u);
}

TEST(Feed, WritesAMovedTimeInTheRepeatedHourInUtc) {
  Cohort cohort{date::year{2027} / October / 4, date::year{2027} / November / 30};
  auto& series = cohort.pair("Ana Souza", "America/New_York", "Oliver Hughes", "Europe/London",
                             weekly("late@mentorcal", "America/New_York",
                                    local(date::year{2027} / November / 1, 9h), 1, 4, 30min));
  // From 01:45 EST, the second 01:45 of the night (a TZID time would mean 01:45 EDT), to 02:15.
  auto& occurrence = instance(series, date::year{2027} / November / 8);
  occurrence.state = OccurrenceState::moved;
  occurrence.at = {date::sys_days{date::year{2027} / November / 7} + 6h + 45min,
                   date::sys_days{date::year{2027} / November / 7} + 7h + 15min};
  const auto feed = render_feed(cohort.program, cohort.schedule, "", {});
  EXPECT_EQ(lines_starting(feed, "DTSTART").back(), "DTSTART:20271107T064500Z");
  EXPECT_EQ(lines_starting(feed, "DTEND").back(), "DTEND;TZID=America/New_York:20271107T021500");
}

TEST(Feed, EscapesTextAndFoldsLinesAt75OctetsOutsideUtf8Characters) {
  Cohort cohort{date::year{2027} / January / 11, date::year{2027} / June / 30};
  const std::string focus =
      "Négociation, stratégie; \"vision\" \\ Übergänge\nи развитие карьеры — 日本語のテキスト "
      "with a long tail of words to fold across several content lines of the feed";
  cohort.pair("Zoë Ångström", "Europe/Stockholm", "José Núñez", "America/Mexico_City",
              weekly("zoe-jose@mentorcal", "Europe/Stockholm",
                     local(date::year{2027} / January / 12, 15h), 2, 12),
              focus);
  cohort.program.pairs.back().location = "https://meet.example.com/zoë-josé?room=1;2";
  const auto feed = render_feed(cohort.program, cohort.schedule, "", {});

  ASSERT_GE(feed.size(), 2u);
  EXPECT_EQ(feed.substr(feed.size() - 2), "\r\n");
  EXPECT_EQ(count_of(feed, "\n"), count_of(feed, "\r\n"));
  for (const auto& line : lines_of(feed)) {
    EXPECT_LE(line.size(), 75u) << line;
    const auto first = static_cast<unsigned char>(line[line[0] == ' ' ? 1 : 0]);
    EXPECT_NE(first & 0xC0, 0x80) << "continuation line starts inside a UTF-8 character: " << line;
  }
  const auto description = lines_starting(feed, "DESCRIPTION:");
  ASSERT_EQ(description.size(), 1u);
  EXPECT_EQ(description[0].rfind(
                "DESCRIPTION:Focus: Négociation\\, stratégie\\; \"vision\" \\\\ Übergänge\\nи "
                "развитие карьеры — 日本語のテキスト with a long tail",
                0),
            0u)
      << description[0];
  EXPECT_EQ(lines_starting(feed, "LOCATION:"),
            std::vector<std::string>{"LOCATION:https://meet.example.com/zoë-josé?room=1\\;2"});
  EXPECT_EQ(lines_starting(feed, "ORGANIZER"),
            std::vector<std::string>{"ORGANIZER;CN=Zoë Ångström:mailto:" +
                                     cohort.program.people.front().email});
}

TEST(Feed, QuotesParameterValuesAndKeepsQuotesAndLineBreaksOutOfThem) {
  Cohort cohort{date::year{2027} / January / 11, date::year{2027} / June / 30};
  cohort.pair("Souza, Ana", "America/New_York", "Ken \"KT\" Tanaka", "Asia/Tokyo",
              weekly("quotes@mentorcal", "America/New_York",
                     local(date::year{2027} / January / 11, 19h), 1, 4));
  cohort.program.people.back().name = "Ken \"KT\"\nTanaka";
  const auto feed = render_feed(cohort.program, cohort.schedule, "", {});
  EXPECT_EQ(lines_starting(feed, "ORGANIZER"),
            std::vector<std::string>{"ORGANIZER;CN=\"Souza, Ana\":mailto:souza--ana@example.com"});
  EXPECT_EQ(
      lines_starting(feed, "ATTENDEE"),
      std::vector<std::string>{
          "ATTENDEE;CN=Ken 'KT' Tanaka;ROLE=REQ-PARTICIPANT:mailto:ken--kt--tanaka@example.com"});
}

TEST(Feed, IsTheSameBytesForTheSameInputs) {
  const auto a = new_york_london();
  const auto b = new_york_london();
  EXPECT_EQ(render_feed(a.program, a.schedule, "", {}), render_feed(b.program, b.schedule, "", {}));
  EXPECT_EQ(render_feed(a.program, a.schedule, "ana-souza", {}),
            render_feed(a.program, a.schedule, "ana-souza", {}));
}

TEST(Feed, LibicalReadsItWithoutErrors) {
  const auto cohort = new_york_london();
  const auto feed = render_feed(cohort.program, cohort.schedule, "", {});
  icalcomponent* calendar = icalparser_parse_string(feed.c_str());
  ASSERT_NE(calendar, nullptr);
  EXPECT_EQ(icalcomponent_count_errors(calendar), 0);
  EXPECT_EQ(icalcomponent_count_components(calendar, ICAL_VEVENT_COMPONENT), 3);
  EXPECT_EQ(icalcomponent_count_components(calendar, ICAL_VTIMEZONE_COMPONENT), 1);
  icalcomponent_free(calendar);
  EXPECT_EQ(feed.find("freeassociation"), std::string::npos);
}

// Interoperability: the feed, read by independent iCalendar implementations, shows exactly the
// occurrences the engine intends: each held and moved one at its instant, no skipped one, and a
// cancelled series' occurrences as cancelled. The readers are tests/interop/expand.mjs (ical.js,
// through the feed's VTIMEZONEs) and tests/interop/expand.py (Python's icalendar and
// recurring_ical_events, once through the feed's VTIMEZONEs and once through tzdata by name).

// "uid start end status" rows, sorted.
using Rows = std::vector<std::string>;

Rows intended(const Schedule& schedule, std::string_view person_id) {
  Rows rows;
  const auto add = [&](const Series& series, const std::string& status) {
    if (!person_id.empty() && series.mentor_id != person_id && series.mentee_id != person_id) {
      return;
    }
    for (const auto& occurrence : series.occurrences) {
      if (occurrence.state == OccurrenceState::skipped) continue;
      rows.push_back(series.uid + " " + format_utc(occurrence.at.start) + " " +
                     format_utc(occurrence.at.end) + " " + status);
    }
  };
  for (const auto& result : schedule.pairs) {
    if (result.series) add(*result.series, "CONFIRMED");
  }
  for (const auto& dropped : schedule.cancelled) add(dropped.series, "CANCELLED");
  std::sort(rows.begin(), rows.end());
  return rows;
}

// Runs `command` and returns its standard output, failing the test unless it exits with 0.
std::string output_of(const std::string& command) {
  std::string output;
  FILE* pipe = popen(command.c_str(), "r");
  if (!pipe) {
    ADD_FAILURE() << "cannot run " << command;
    return output;
  }
  char buffer[4096];
  for (std::size_t n; (n = std::fread(buffer, 1, sizeof buffer, pipe)) > 0;)
    output.append(buffer, n);
  const int status = pclose(pipe);
  EXPECT_EQ(status, 0) << command;
  return output;
}

Rows rows_of(const std::string& json_text) {
  Rows rows;
  const auto occurrences = nlohmann::json::parse(json_text, nullptr, false);
  if (!occurrences.is_array()) {
    ADD_FAILURE() << "a reader printed no JSON array: " << json_text;
    return rows;
  }
  for (const auto& o : occurrences) {
    rows.push_back(o.at("uid").get<std::string>() + " " + o.at("start").get<std::string>() + " " +
                   o.at("end").get<std::string>() + " " +
                   (o.at("status").is_string() ? o.at("status").get<std::string>() : "none"));
  }
  std::sort(rows.begin(), rows.end());
  return rows;
}

std::string quoted(const std::string& text) {
  return "'" + text + "'";
}

// Renders the feed of `person_id` and has every reader expand it over the program's dates and
// two weeks either side.
void expect_readers_show_the_intended_occurrences(const Cohort& cohort,
                                                  std::string_view person_id = "") {
  const std::filesystem::path interop =
      std::filesystem::path{MENTORCAL_SOURCE_DIR} / "tests/interop";
  ASSERT_TRUE(std::filesystem::exists(interop / "node_modules/ical.js/package.json"))
      << "ical.js is not installed: run scripts/setup.sh (npm ci in tests/interop)";

  const std::string feed = render_feed(cohort.program, cohort.schedule, person_id, {});
  icalcomponent* parsed = icalparser_parse_string(feed.c_str());
  ASSERT_NE(parsed, nullptr);
  EXPECT_EQ(icalcomponent_count_errors(parsed), 0) << "libical marks X-LIC-ERRORs in:\n" << feed;
  icalcomponent_free(parsed);

  const auto* test = ::testing::UnitTest::GetInstance()->current_test_info();
  const std::string file = ::testing::TempDir() + "mentorcal_" + test->name() + "_" +
                           std::string{person_id.empty() ? "program" : person_id} + ".ics";
  std::ofstream{file, std::ios::binary} << feed;
  const std::string window =
      quoted(format_utc(date::sys_days{cohort.program.start.time_since_epoch()} - date::days{14})) +
      " " +
      quoted(format_utc(date::sys_days{cohort.program.end.time_since_epoch()} + date::days{15}));

  const Rows expected = intended(cohort.schedule, person_id);
  ASSERT_FALSE(expected.empty());
  const std::string node = "node " + quoted((interop / "expand.mjs").string());
  const std::string python = "/usr/bin/python3 " + quoted((interop / "expand.py").string());
  for (const auto& [reader, command] : std::vector<std::pair<std::string, std::string>>{
           {"ical.js", node + " " + quoted(file) + " " + window},
           {"icalendar, feed zones", python + " " + quoted(file) + " " + window + " --zones feed"},
           {"icalendar, tzdata", python + " " + quoted(file) + " " + window + " --zones tzdata"}}) {
    EXPECT_EQ(rows_of(output_of(command)), expected) << reader << " reading " << file;
  }
}

TEST(FeedInReaders, NewYorkLondonWeeksBetweenTheTwoChanges) {
  expect_readers_show_the_intended_occurrences(new_york_london());
}

TEST(FeedInReaders, SydneyBerlinAcrossBothHemispheresChanges) {
  Cohort cohort{date::year{2027} / February / 1, date::year{2027} / November / 30};
  auto& series = cohort.pair("Grace Lee", "Australia/Sydney", "Lena Vogel", "Europe/Berlin",
                             weekly("grace-lena@mentorcal", "Australia/Sydney",
                                    local(date::year{2027} / February / 2, 18h), 2, 22));
  move(series, date::year{2027} / April / 13, local(date::year{2027} / April / 15, 7h + 30min));
  skip(series, date::year{2027} / October / 12);
  expect_readers_show_the_intended_occurrences(cohort);
}

TEST(FeedInReaders, LordHoweWithAMoveIntoTheRepeatedHalfHour) {
  Cohort cohort{date::year{2027} / March / 1, date::year{2027} / October / 29};
  auto& series = cohort.pair("Ruby Clarke", "Australia/Lord_Howe", "Ken Tanaka", "Asia/Tokyo",
                             weekly("ruby-ken@mentorcal", "Australia/Lord_Howe",
                                    local(date::year{2027} / March / 3, 10h), 1, 35));
  // Sunday 01:45 +10:30, the second 01:45 of that night.
  auto& moved = instance(series, date::year{2027} / March / 31);
  moved.state = OccurrenceState::moved;
  moved.at = {date::sys_days{date::year{2027} / April / 3} + 15h + 15min,
              date::sys_days{date::year{2027} / April / 3} + 16h};
  skip(series, date::year{2027} / October / 6);
  expect_readers_show_the_intended_occurrences(cohort);
}

TEST(FeedInReaders, KathmanduMonthlyOnTheSecondTuesday) {
  Cohort cohort{date::year{2027} / January / 11, date::year{2027} / December / 17};
  auto& series = cohort.pair("Priya Sharma", "Asia/Kathmandu", "Lena Vogel", "Europe/Berlin",
                             monthly("priya-lena@mentorcal", "Asia/Kathmandu",
                                     local(date::year{2027} / January / 12, 16h + 45min), 2, 12));
  skip(series, date::year{2027} / May / 11);
  move(series, date::year{2027} / September / 14,
       local(date::year{2027} / September / 16, 9h + 15min));
  expect_readers_show_the_intended_occurrences(cohort);
}

TEST(FeedInReaders, StJohnsHalfHourZone) {
  Cohort cohort{date::year{2027} / February / 1, date::year{2027} / November / 30};
  auto& series = cohort.pair("Liam Walsh", "America/St_Johns", "Carmen Ruiz", "Europe/Madrid",
                             weekly("liam-carmen@mentorcal", "America/St_Johns",
                                    local(date::year{2027} / February / 4, 11h + 30min), 1, 43));
  skip(series, date::year{2027} / March / 18);
  move(series, date::year{2027} / November / 4, local(date::year{2027} / November / 5, 8h));
  expect_readers_show_the_intended_occurrences(cohort);
}

TEST(FeedInReaders, CasablancaRamadanChangesListedAsRdates) {
  Cohort cohort{date::year{2026} / January / 5, date::year{2026} / October / 30};
  auto& series = cohort.pair("Youssef Amrani", "Africa/Casablanca", "Claire Martin", "Europe/Paris",
                             weekly("youssef-claire@mentorcal", "Africa/Casablanca",
                                    local(date::year{2026} / January / 5, 10h), 1, 43));
  skip(series, date::year{2026} / February / 16);
  move(series, date::year{2026} / March / 23, local(date::year{2026} / March / 24, 9h));
  move(series, date::year{2026} / September / 21, local(date::year{2026} / September / 22, 16h));
  expect_readers_show_the_intended_occurrences(cohort);
}

TEST(FeedInReaders, DublinNegativeDaylightTime) {
  Cohort cohort{date::year{2027} / March / 1, date::year{2027} / November / 30};
  auto& series = cohort.pair("Aoife Byrne", "Europe/Dublin", "Jack Miller", "America/Chicago",
                             weekly("aoife-jack@mentorcal", "Europe/Dublin",
                                    local(date::year{2027} / March / 5, 12h), 1, 39));
  skip(series, date::year{2027} / April / 2);
  move(series, date::year{2027} / October / 29, local(date::year{2027} / October / 28, 16h));
  expect_readers_show_the_intended_occurrences(cohort);
}

TEST(FeedInReaders, JerusalemSundayToThursdayWeek) {
  Cohort cohort{date::year{2027} / March / 1, date::year{2027} / November / 30};
  auto& series = cohort.pair("Noa Levi", "Asia/Jerusalem", "Oliver Hughes", "Europe/London",
                             weekly("noa-oliver@mentorcal", "Asia/Jerusalem",
                                    local(date::year{2027} / March / 7, 9h), 1, 37));
  move(series, date::year{2027} / March / 28, local(date::year{2027} / March / 30, 8h + 30min));
  skip(series, date::year{2027} / October / 31);
  expect_readers_show_the_intended_occurrences(cohort);
}

TEST(FeedInReaders, JerusalemOverTwoYearsThatNoSingleRuleFits) {
  Cohort cohort{date::year{2029} / January / 7, date::year{2030} / December / 19};
  auto& series = cohort.pair("Noa Levi", "Asia/Jerusalem", "Oliver Hughes", "Europe/London",
                             weekly("noa-oliver-2029@mentorcal", "Asia/Jerusalem",
                                    local(date::year{2029} / January / 7, 9h), 2, 51));
  skip(series, date::year{2029} / April / 1);
  move(series, date::year{2030} / March / 31, local(date::year{2030} / April / 2, 10h));
  expect_readers_show_the_intended_occurrences(cohort);
}

TEST(FeedInReaders, ProgramAndPersonFeedsWithACancelledSeries) {
  auto cohort = new_york_london();
  cohort.pair(
      "Ken Tanaka", "Asia/Tokyo", "Maria Rossi", "Europe/Rome",
      weekly("ken-maria@mentorcal", "Asia/Tokyo", local(date::year{2027} / March / 2, 17h), 2, 20));
  CancelledSeries dropped;
  dropped.series = weekly("ana-maria@mentorcal", "America/New_York",
                          local(date::year{2027} / March / 4, 15h), 1, 10);
  move(dropped.series, date::year{2027} / March / 18, local(date::year{2027} / March / 19, 15h));
  skip(dropped.series, date::year{2027} / March / 25);
  dropped.series.sequence = 2;
  dropped.series.mentor_id = "ana-souza";
  dropped.series.mentee_id = "maria-rossi";
  dropped.organizer_email = "ana-souza@example.com";
  dropped.attendee_email = "maria-rossi@example.com";
  cohort.schedule.cancelled.push_back(dropped);
  expect_readers_show_the_intended_occurrences(cohort);
  expect_readers_show_the_intended_occurrences(cohort, "maria-rossi");
  expect_readers_show_the_intended_occurrences(cohort, "oliver-hughes");
}

}  // namespace
}  // namespace mentorcal

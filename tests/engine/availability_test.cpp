#include "mentorcal/availability.hpp"

#include <gtest/gtest.h>

#include "support/time.hpp"

namespace mentorcal {
namespace {

using namespace std::chrono_literals;
using testing::utc;

WorkingHours hours(std::string_view text) {
  std::string error;
  auto parsed = WorkingHours::parse(text, &error);
  EXPECT_TRUE(parsed) << error;
  return parsed.value_or(WorkingHours{});
}

std::string parse_error(std::string_view text) {
  std::string error;
  EXPECT_FALSE(WorkingHours::parse(text, &error)) << text;
  return error;
}

TEST(WorkingHours, ReadsRangesListsAndSplitDays) {
  const auto h = hours("Mon-Thu 08:30-12:00,13:00-17:30; Fri 08:30-13:00");
  ASSERT_EQ(h.on(date::Monday).size(), 2u);
  EXPECT_EQ(h.on(date::Thursday)[1], (DayWindow{13h, 17h + 30min}));
  EXPECT_EQ(h.on(date::Friday)[0], (DayWindow{8h + 30min, 13h}));
  EXPECT_TRUE(h.on(date::Saturday).empty());
  EXPECT_EQ(h.to_string(), "Mon-Thu 08:30-12:00,13:00-17:30; Fri 08:30-13:00");
}

TEST(WorkingHours, ReadsASundayToThursdayWeek) {
  const auto h = hours("Sun-Thu 09:00-17:00");
  EXPECT_FALSE(h.on(date::Sunday).empty());
  EXPECT_TRUE(h.on(date::Friday).empty());
  EXPECT_EQ(h.to_string(), "Sun-Thu 09:00-17:00");
}

TEST(WorkingHours, AcceptsMidnightAsEndAndDayListsWithSpaces) {
  const auto h = hours("mon, Wed 18:00-24:00");
  EXPECT_EQ(h.on(date::Wednesday)[0], (DayWindow{18h, 24h}));
  EXPECT_TRUE(h.on(date::Tuesday).empty());
}

TEST(WorkingHours, RejectsMalformedText) {
  EXPECT_EQ(parse_error("Mon-Fri 17:00-09:00"), "time range '17:00-09:00' ends before it starts");
  EXPECT_EQ(parse_error("Mon-Fry 09:00-17:00"),
            "'Mon-Fry' is not a day or day range (Mon, Tue, ... Sun)");
  EXPECT_EQ(parse_error("Mon-Fri 9-17"), "'9-17' is not a time range HH:MM-HH:MM");
  EXPECT_EQ(parse_error("Mon-Fri 09:00-24:30"), "'09:00-24:30' is not a time range HH:MM-HH:MM");
  EXPECT_EQ(parse_error("Mon-Fri 09:00-12:00,11:00-13:00"),
            "time ranges 09:00-12:00 and 11:00-13:00 overlap");
  EXPECT_EQ(parse_error("Mon-Fri 09:00-12:00; Fri 13:00-15:00"),
            "Fri appears in more than one segment");
  EXPECT_EQ(parse_error("Mon-Fri"),
            "segment 'Mon-Fri' needs days then times, e.g. 'Mon-Fri 09:00-17:00'");
  EXPECT_EQ(parse_error(""), "working hours are empty");
}

TEST(WorkingIntervals, FollowTheLocalClockAcrossDst) {
  const auto ny = Zone::find("America/New_York").value();
  const auto open =
      working_intervals(hours("Mon-Fri 09:00-17:00"), ny, LocalDay{date::year{2027} / 3 / 12},
                        LocalDay{date::year{2027} / 3 / 15});
  ASSERT_EQ(open.size(), 2u);  // Friday and Monday
  EXPECT_EQ(open[0],
            (Interval{utc(date::year{2027} / 3 / 12, 14h), utc(date::year{2027} / 3 / 12, 22h)}));
  EXPECT_EQ(open[1],
            (Interval{utc(date::year{2027} / 3 / 15, 13h), utc(date::year{2027} / 3 / 15, 21h)}));
}

TEST(WorkingIntervals, AWindowAcrossAGapIsAsLongAsTheClockSays) {
  const auto ny = Zone::find("America/New_York").value();
  const auto open =
      working_intervals(hours("Sun 01:00-04:00"), ny, LocalDay{date::year{2027} / 3 / 14},
                        LocalDay{date::year{2027} / 3 / 14});
  ASSERT_EQ(open.size(), 1u);
  EXPECT_EQ(open[0].length(), 2h);
}

// working_intervals reads most days without the tz database; what it gives must still be what
// Zone::to_instant gives for every window's ends, through years of every kind of change.
TEST(WorkingIntervals, AgreeWithZoneToInstantThroughYearsOfChanges) {
  const auto h = hours("Mon-Sun 00:00-02:30,03:00-24:00");
  const LocalDay first{date::year{2010} / 1 / 1};
  const LocalDay last{date::year{2024} / 12 / 31};
  for (const char* name : {"America/New_York", "Australia/Lord_Howe", "Pacific/Apia",
                           "Africa/Casablanca", "Europe/Dublin", "Asia/Kathmandu"}) {
    const auto zone = Zone::find(name).value();
    std::vector<Interval> expected;
    for (auto day = first; day <= last; day += date::days{1})
      for (const auto& w : h.on(date::weekday{day}))
        expected.push_back({zone.to_instant(day + w.start), zone.to_instant(day + w.end)});
    EXPECT_EQ(working_intervals(h, zone, first, last), normalized(expected)) << name;
  }
}

TEST(IntervalAlgebra, IntersectsSubtractsAndMerges) {
  const auto t = [](int h) { return utc(date::year{2027} / 1 / 11, Minutes{h * 60}); };
  const std::vector<Interval> a{{t(1), t(5)}, {t(7), t(9)}};
  const std::vector<Interval> b{{t(0), t(2)}, {t(4), t(8)}};
  EXPECT_EQ(intersect(a, b), (std::vector<Interval>{{t(1), t(2)}, {t(4), t(5)}, {t(7), t(8)}}));
  EXPECT_EQ(subtract(a, b), (std::vector<Interval>{{t(2), t(4)}, {t(8), t(9)}}));
  EXPECT_EQ(normalized({{t(3), t(4)}, {t(1), t(3)}, {t(6), t(6)}}),
            (std::vector<Interval>{{t(1), t(4)}}));
  EXPECT_EQ(total_length(a), 6h);
}

}  // namespace
}  // namespace mentorcal

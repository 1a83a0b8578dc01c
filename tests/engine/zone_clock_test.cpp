#include "zone_clock.hpp"

#include <gtest/gtest.h>

namespace mentorcal::engine {
namespace {

using namespace std::chrono_literals;

// The clock must answer exactly what Zone answers, minute by minute around every change of
// the zones that break calendar software.
TEST(ZoneClock, AgreesWithTheTzDatabaseAroundEveryTransition) {
  for (const char* name : {"America/New_York", "Europe/London", "Australia/Lord_Howe",
                           "Asia/Kathmandu", "Africa/Casablanca", "Europe/Dublin",
                           "America/St_Johns", "Pacific/Chatham", "Asia/Jerusalem"}) {
    const auto zone = *Zone::find(name);
    const Interval range{date::sys_days{date::year{2026} / 1 / 1},
                         date::sys_days{date::year{2027} / 12 / 31}};
    const ZoneClock clock(zone, range);
    auto t = date::floor<std::chrono::seconds>(range.start);
    while (t < range.end) {
      const auto info = zone.period_at(t);
      const auto change = date::floor<Minutes>(info.end);
      for (auto u = change - 120min; u < change + 120min && u < range.end; u += 1min) {
        ASSERT_EQ(clock.offset(u), zone.offset(u)) << name << " " << format_utc(u);
        const auto local = LocalMinute{u.time_since_epoch()};
        ASSERT_EQ(clock.to_instant(local), zone.to_instant(local))
            << name << " " << format_local(local);
      }
      t = info.end;
    }
  }
}

TEST(ZoneClock, KnowsWhichDaysHaveAChange) {
  const auto ny = *Zone::find("America/New_York");
  const ZoneClock clock(
      ny, {date::sys_days{date::year{2027} / 1 / 1}, date::sys_days{date::year{2027} / 12 / 31}});
  EXPECT_TRUE(clock.steady_on(LocalDay{date::year{2027} / 3 / 13}));
  EXPECT_FALSE(clock.steady_on(LocalDay{date::year{2027} / 3 / 14}));
  EXPECT_TRUE(clock.steady_on(LocalDay{date::year{2027} / 3 / 15}));
}

}  // namespace
}  // namespace mentorcal::engine

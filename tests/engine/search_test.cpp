// The search's working parts through engine/search.hpp: each person's calendar, what they have
// booked, one pair's space of start times, and how a series is evaluated and ranked.
#include "search.hpp"

#include <gtest/gtest.h>

#include <algorithm>

#include "support/program_text.hpp"
#include "support/search_parts.hpp"
#include "support/time.hpp"

namespace mentorcal::engine {
namespace {

using namespace std::chrono_literals;
using date::March;
using testing::kPairsHeader;
using testing::kPeopleHeader;
using testing::program_from;
using testing::SearchParts;
using testing::settings;
using testing::utc;

// Mentor m in New York works evenings, 17:00-22:00; mentee e in Tokyo works 08:00-17:00, which
// is 18:00-03:00 in New York while it keeps EST (until Sunday 14 March 2027) and 19:00-04:00
// after. Their hour-long sessions fit New York's Monday to Thursday evenings (Tokyo's Tuesday to
// Friday mornings): 18:00-22:00 in the first week, 19:00-22:00 in the second. Slots are 15
// minutes: 18:00 is slot 72.
Program new_york_tokyo(const std::string& extra = "") {
  return program_from(settings("2027-03-08", "2027-03-21", extra),
                      std::string(kPeopleHeader) +
                          "m,Mia,m@x.example,mentor,America/New_York,Mon-Fri 17:00-22:00\n"
                          "e,Eiji,e@x.example,mentee,Asia/Tokyo,Mon-Fri 08:00-17:00\n",
                      std::string(kPairsHeader) + "m,e,weekly,60,0.9\n");
}

// Two people in London with the whole working day, no limits unless a test sets them.
Program london(const std::string& extra = "") {
  return program_from(settings("2027-02-01", "2027-03-07", extra),
                      std::string(kPeopleHeader) +
                          "m,Mia,m@x.example,mentor,Europe/London,Mon-Fri 09:00-17:00\n"
                          "e,Eve,e@x.example,mentee,Europe/London,Mon-Fri 09:00-17:00\n",
                      std::string(kPairsHeader) + "m,e,weekly,45,0.9\n");
}

Interval session(Instant start, Minutes length = 45min) {
  return {start, start + length};
}

TEST(TermWindow, HoldsEveryLocalDayOfTheTermInZonesOnBothSidesOfUtc) {
  const auto program = new_york_tokyo();
  const auto horizon = term_window(program);
  for (const auto* name : {"Asia/Tokyo", "America/New_York", "Australia/Sydney"}) {
    const auto zone = Zone::find(name).value();
    EXPECT_TRUE(horizon.contains(local_days_interval(zone, program.start, program.end))) << name;
  }
}

TEST(PersonCalendar, IsOpenInWorkingHoursAndFreeOutsideBusyTimeWidenedByTheBuffer) {
  auto program = london();
  auto& e = program.people[1];
  e.limits.buffer_minutes = 15;
  e.busy = {{utc(date::February / 2 / 2027, 11h), utc(date::February / 2 / 2027, 12h)}};
  const PersonCalendar c(e, program, term_window(program));
  const auto day = [](Minutes from, Minutes to) {
    return Interval{utc(date::February / 2 / 2027, from), utc(date::February / 2 / 2027, to)};
  };
  EXPECT_TRUE(std::count(c.open.begin(), c.open.end(), day(9h, 17h)));
  EXPECT_TRUE(std::count(c.free.begin(), c.free.end(), day(9h, 10h + 45min)));
  EXPECT_TRUE(std::count(c.free.begin(), c.free.end(), day(12h + 15min, 17h)));
  EXPECT_TRUE(c.is_free(day(10h, 10h + 45min)));
  EXPECT_FALSE(c.is_free(day(10h + 15min, 11h))) << "inside the buffer before the busy hour";
  EXPECT_FALSE(c.is_free(day(16h + 30min, 17h + 15min))) << "past the working day";
  EXPECT_EQ(c.margin(day(10h, 10h + 45min)), 60min);
  EXPECT_EQ(c.margin(day(16h, 16h + 45min)), 15min);
  EXPECT_EQ(c.margin(day(8h, 8h + 45min)), 0min) << "outside every window";
}

TEST(PersonCalendar, CountsWeeksAndMonthsOfEveryDayAcrossAYearEndInEachPartysZone) {
  // 2027-12-13 to 2028-02-20: a year end, a leap February, and Auckland's local days a day
  // ahead of Honolulu's.
  const auto program =
      program_from(settings("2027-12-13", "2028-02-20"),
                   std::string(kPeopleHeader) +
                       "m,Mia,m@x.example,mentor,Pacific/Auckland,Mon-Fri 09:00-17:00\n"
                       "e,Eve,e@x.example,mentee,Pacific/Honolulu,Mon-Fri 09:00-17:00\n",
                   std::string(kPairsHeader) + "m,e,weekly,45,0.9\n");
  for (const auto& person : program.people) {
    const PersonCalendar c(person, program, term_window(program));
    const date::year_month_day first{c.first_day};
    for (std::size_t d = 0; d < c.day_count; ++d) {
      const auto day = c.first_day + date::days{static_cast<int>(d)};
      const date::year_month_day ymd{day};
      const auto weeks = (iso_week_start(day) - iso_week_start(c.first_day)).count() / 7;
      const auto months = (ymd.year() / ymd.month() - first.year() / first.month()).count();
      EXPECT_EQ(c.week_and_month(d),
                (std::pair<std::size_t, std::size_t>(static_cast<std::size_t>(weeks),
                                                     static_cast<std::size_t>(months))))
          << person.id << " " << format_day(day);
    }
    EXPECT_EQ(c.first_day + date::days{static_cast<int>(c.day_count) - 1},
              c.clock.local_day(term_window(program).end))
        << person.id;
  }
}

TEST(PersonCalendar, TakesABlackoutAsThePersonsOwnLocalDay) {
  // Tokyo's Thursday 11 March, 08:00-17:00, is Wednesday 23:00Z to Thursday 08:00Z.
  auto program = new_york_tokyo("blackouts = [2027-03-11]\n");
  const PersonCalendar tokyo(program.people[1], program, term_window(program));
  const Interval thursday{utc(March / 10 / 2027, 23h), utc(March / 11 / 2027, 8h)};
  EXPECT_TRUE(std::count(tokyo.open.begin(), tokyo.open.end(), thursday));
  for (const auto& f : tokyo.free) EXPECT_FALSE(f.overlaps(thursday)) << format_utc(f.start);
  EXPECT_TRUE(tokyo.is_free(session(utc(March / 10 / 2027, 0h), 60min)))
      << "Wednesday in Tokyo is not the blackout";
}

TEST(PersonCalendar, CountsLocalDaysWeeksAndMonthsFromTheFirstDayOfTheHorizon) {
  const auto program = london();
  const PersonCalendar c(program.people[0], program, term_window(program));
  EXPECT_EQ(c.first_day, LocalDay{date::year{2027} / date::January / 30});  // a Saturday
  const auto monday = utc(date::February / 1 / 2027, 10h);
  EXPECT_EQ(c.day_index(monday), 2u);
  EXPECT_EQ(c.week_and_month(c.day_index(monday)), (std::pair<std::size_t, std::size_t>{1, 1}));
  EXPECT_EQ(c.week_and_month(c.day_index(utc(March / 1 / 2027, 10h))),
            (std::pair<std::size_t, std::size_t>{5, 2}));
}

TEST(Occupancy, RefusesASessionOverlappingOneBookedOrWithinTheBuffer) {
  auto program = london();
  program.people[0].limits.buffer_minutes = 15;
  const PersonCalendar c(program.people[0], program, term_window(program));
  Occupancy load;
  const auto at = [](Minutes t) { return session(utc(date::February / 3 / 2027, t)); };
  EXPECT_TRUE(load.fits(at(10h), c));
  load.book(at(10h), c);
  EXPECT_EQ(load.clash(at(10h + 30min), c), Occupancy::Clash::session);
  EXPECT_EQ(load.clash(at(10h + 50min), c), Occupancy::Clash::session) << "5 minutes apart";
  EXPECT_EQ(load.clash(at(9h + 1min), c), Occupancy::Clash::session) << "14 minutes apart";
  EXPECT_TRUE(load.fits(at(11h), c)) << "15 minutes after it ends";
  EXPECT_TRUE(load.fits(at(9h), c)) << "15 minutes before it starts";
  EXPECT_EQ(load.why_not(at(10h + 30min), c), "m has another session within 15 minutes");
  EXPECT_EQ(load.why_not(at(11h), c), "");
  load.release(at(10h), c);
  EXPECT_TRUE(load.fits(at(10h + 30min), c)) << "released";
}

TEST(Occupancy, CountsADayLimitByThePersonsLocalDay) {
  // Tokyo's Wednesday 10 March starts at 15:00Z on the 9th.
  auto program = new_york_tokyo();
  program.people[1].limits.max_sessions_per_day = 1;
  const PersonCalendar tokyo(program.people[1], program, term_window(program));
  Occupancy load;
  load.book(session(utc(March / 9 / 2027, 23h + 30min)), tokyo);  // Wednesday 08:30 in Tokyo
  EXPECT_EQ(load.clash(session(utc(March / 10 / 2027, 1h)), tokyo), Occupancy::Clash::day_sessions);
  EXPECT_TRUE(load.fits(session(utc(March / 9 / 2027, 5h)), tokyo)) << "Tuesday in Tokyo";
  EXPECT_EQ(load.why_not(session(utc(March / 10 / 2027, 1h)), tokyo),
            "e is at 1 of 1 sessions a day");
}

TEST(Occupancy, NamesTheWeeklyAndMonthlyLimitsAndWhatUsesThem) {
  auto program = london();
  auto& limits = program.people[0].limits;
  limits.max_minutes_per_week = 60;
  limits.max_minutes_per_month = 120;
  const PersonCalendar c(program.people[0], program, term_window(program));
  Occupancy load;
  load.book(session(utc(date::February / 1 / 2027, 10h)), c);
  const auto wednesday = session(utc(date::February / 3 / 2027, 10h));
  ASSERT_EQ(load.clash(wednesday, c), Occupancy::Clash::week_minutes);
  const auto use = load.use_behind(Occupancy::Clash::week_minutes, wednesday, c);
  EXPECT_EQ(use.sessions, 1);
  EXPECT_EQ(use.minutes, 45);
  EXPECT_EQ(use.limit, 60);
  EXPECT_EQ(load.why_not(wednesday, c), "m is at 45 of 60 minutes a week");
  EXPECT_TRUE(load.fits(session(utc(date::February / 8 / 2027, 10h)), c)) << "the next week";

  load.book(session(utc(date::February / 8 / 2027, 10h)), c);
  const auto third_week = session(utc(date::February / 15 / 2027, 10h));
  EXPECT_EQ(load.clash(third_week, c), Occupancy::Clash::month_minutes);
  EXPECT_EQ(load.why_not(third_week, c), "m is at 90 of 120 minutes a month");
  EXPECT_TRUE(load.fits(session(utc(March / 1 / 2027, 10h)), c)) << "the next month";
}

TEST(Occupancy, TellsHowManyMoreSessionsTheLimitsAllow) {
  auto program = london();
  program.people[0].limits.max_sessions_per_week = 2;
  program.people[0].limits.max_minutes_per_week = 120;
  const PersonCalendar c(program.people[0], program, term_window(program));
  Occupancy load;
  const auto monday = utc(date::February / 1 / 2027, 10h);
  const auto week = c.week_and_month(c.day_index(monday)).first;
  EXPECT_EQ(load.left_in_week(week, 45min, c), 2);
  EXPECT_EQ(load.left_in_week(week, 60min, c), 2);
  load.book(session(monday, 60min), c);
  EXPECT_EQ(load.left_in_week(week, 45min, c), 1);
  EXPECT_EQ(load.left_in_week(week, 90min, c), 0) << "60 of 120 minutes left";
  EXPECT_EQ(load.left_in_month(1, 45min, c), std::numeric_limits<int>::max()) << "no monthly";
  // The weeks of the horizon from the Monday on: this one and the five after it.
  EXPECT_EQ(load.capacity(monday, 45min, c), 1 + 5 * 2);
  // A second, short session: 45 of the 120 minutes are left, but no session.
  load.book(session(monday + 2h, 15min), c);
  EXPECT_EQ(load.left_in_week(week, 45min, c), 0);
  EXPECT_EQ(load.capacity(monday, 45min, c), 0 + 5 * 2);
}

TEST(PairSpace, HoldsExactlyTheStartsInsideBothWorkingDaysOnBothSidesOfAnOffsetChange) {
  const auto program = new_york_tokyo();
  SearchParts parts(program);
  const auto space = parts.space_of(0);
  ASSERT_EQ(space.day_count(), 14);
  ASSERT_EQ(space.slots_per_day(), 96);
  std::vector<std::pair<int, int>> expected;  // by day, the first and last free slot
  for (int d = 0; d < 14; ++d) {
    const bool working = d % 7 < 4;  // Monday to Thursday in New York
    expected.push_back(!working ? std::pair{96, -1}
                       : d < 7  ? std::pair{72, 84}
                                : std::pair{76, 84});
  }
  for (int d = 0; d < space.day_count(); ++d) {
    const auto [first, last] = expected[static_cast<std::size_t>(d)];
    for (int s = 0; s < space.slots_per_day(); ++s)
      EXPECT_EQ(space.statically_free(d, s), s >= first && s <= last)
          << "day " << d << " slot " << s;
  }
  // The same, worked out from the two calendars' own open times.
  const auto both = intersect(parts.calendars[0].open, parts.calendars[1].open);
  for (int d = 0; d < space.day_count(); ++d)
    for (int s = 0; s < space.slots_per_day(); ++s) {
      const auto inside = std::any_of(both.begin(), both.end(), [&](const Interval& i) {
        return i.contains(space.session(d, s));
      });
      EXPECT_EQ(space.statically_free(d, s), inside) << "day " << d << " slot " << s;
    }
  EXPECT_EQ(space.session(0, 72), session(utc(March / 8 / 2027, 23h), 60min));
  EXPECT_EQ(space.session(7, 76), session(utc(March / 15 / 2027, 23h), 60min));
  EXPECT_EQ(space.local_start(7, 76), LocalDay{date::year{2027} / March / 15} + 19h);
}

TEST(PairSpace, LeavesOutStartsThatMeetBusyTime) {
  auto program = new_york_tokyo();
  // Tokyo's Tuesday 9 March 09:00-09:30, New York's Monday 19:00-19:30.
  program.people[1].busy = {{utc(March / 9 / 2027, 0h), utc(March / 9 / 2027, 30min)}};
  SearchParts parts(program);
  const auto space = parts.space_of(0);
  EXPECT_TRUE(space.statically_free(0, 72)) << "ends as the busy time starts";
  for (int s = 73; s <= 77; ++s) EXPECT_FALSE(space.statically_free(0, s)) << s;
  EXPECT_TRUE(space.statically_free(0, 78));
  EXPECT_EQ(space.free_at_or_after(0, 73), 78);
  EXPECT_EQ(space.free_at_or_before(0, 77), 72);
  EXPECT_EQ(space.free_at_or_before(0, 71), -1);
  EXPECT_EQ(space.free_at_or_after(0, 85), 96);
  EXPECT_EQ(space.free_at_or_after(4, 0), 96) << "Friday evening is Tokyo's Saturday";
}

TEST(PairSpace, LaysRulesOnTheTermAndWeeksOnTheAnchorsCalendar) {
  const auto program = new_york_tokyo();
  SearchParts parts(program);
  const auto space = parts.space_of(0);
  EXPECT_EQ(space.rule_shapes().size(), 7u) << "weekly: one phase of each weekday";
  const auto days = [&](Placement p) {
    const auto d = space.rule_days(p);
    return std::vector<int>(d.begin(), d.end());
  };
  EXPECT_EQ(days({1, 0, 76}), (std::vector<int>{0, 7}));
  EXPECT_EQ(days({0, 0, 76}), (std::vector<int>{6, 13}));
  EXPECT_EQ(space.week_of(9), (std::pair<int, int>{7, 13}));
  EXPECT_EQ(space.day_holding(space.session(7, 76).start), 7);
  EXPECT_EQ(space.day_holding(utc(March / 1 / 2027, 0h)), -1);
  // Monday to Thursday, each with the nine starts free in both weeks.
  EXPECT_EQ(space.fully_free_placements(), 4u * 9u);
}

TEST(PairSpace, CountsTheDaysEachSlotIsFreeOnAsStaticallyFreeSays) {
  // A year of weekly days (up to 53 a weekday: six bits of count) in New York and Tokyo, with
  // busy time that leaves each slot free on a different number of days.
  auto program = program_from(settings("2027-01-04", "2027-12-31"),
                              std::string(kPeopleHeader) +
                                  "m,Mia,m@x.example,mentor,America/New_York,Mon-Fri 17:00-22:00\n"
                                  "e,Eiji,e@x.example,mentee,Asia/Tokyo,Mon-Fri 08:00-17:00\n",
                              std::string(kPairsHeader) + "m,e,weekly,60,0.9\n");
  for (int week = 0; week < 52; ++week)
    for (int k = 0; k <= week % 7; ++k) {
      const auto start = utc(date::January / 5 / 2027, 0h) + date::weeks{week} + date::days{k % 5} +
                         Minutes{37 * week % 240 + 30 * k};
      program.people[1].busy.push_back({start, start + 20min});
    }
  SearchParts parts(program);
  const auto space = parts.space_of(0);
  PairSpace::FreeDays free;
  const auto& count = free.count;
  const auto& first_free = free.first_free;
  std::size_t seen_counts = 0;
  for (const auto& shape : space.rule_shapes()) {
    const auto days = space.rule_days(shape);
    space.count_free(days, free);
    ASSERT_EQ(count.size(), static_cast<std::size_t>(space.slots_per_day()));
    std::vector<bool> distinct(days.size() + 1, false);
    for (int s = 0; s < space.slots_per_day(); ++s) {
      const auto on = std::count_if(days.begin(), days.end(),
                                    [&](int d) { return space.statically_free(d, s); });
      EXPECT_EQ(count[static_cast<std::size_t>(s)], on)
          << "weekday " << shape.weekday << " slot " << s;
      distinct[static_cast<std::size_t>(on)] = true;
      if (on == 0) continue;
      const auto first = *std::find_if(days.begin(), days.end(),
                                       [&](int d) { return space.statically_free(d, s); });
      EXPECT_EQ(first_free[static_cast<std::size_t>(s)], first) << "slot " << s;
    }
    seen_counts += static_cast<std::size_t>(std::count(distinct.begin(), distinct.end(), true));
  }
  EXPECT_GT(seen_counts, 20u) << "the busy time should leave many different counts";
}

TEST(Evaluation, RanksPlacementsFreeEveryWeekFirstThenTheMostComfortable) {
  const auto program = new_york_tokyo();
  SearchParts parts(program);
  const auto space = parts.space_of(0);
  auto parties = parts.parties_of(0);
  const auto ranked = ranked_placements(space, parties);
  // 19:00 in New York is an hour from the edge of both working days in the first week.
  ASSERT_FALSE(ranked.empty());
  EXPECT_EQ(ranked.front(), (Placement{1, 0, 76}));
  const auto rank = [&](Placement p) { return std::find(ranked.begin(), ranked.end(), p); };
  EXPECT_LT(rank({1, 0, 80}), rank({1, 0, 84})) << "21:00 ends at the edge of m's evening";
  EXPECT_LT(rank({4, 0, 84}), rank({1, 0, 72})) << "free both weeks before free in one";
  EXPECT_EQ(rank({5, 0, 76}), ranked.end()) << "free on none of its days";
  EXPECT_EQ(ranked_placements(space, parties, 3),
            (std::vector<Placement>(ranked.begin(), ranked.begin() + 3)));
}

TEST(Evaluation, HoldsMovesWithinTheWeekOrSkipsAndNamesWhy) {
  auto program = new_york_tokyo();
  program.people[1].limits.max_sessions_per_week = 2;
  SearchParts parts(program);
  const auto space = parts.space_of(0);
  auto parties = parts.parties_of(0);
  Effort reasons;
  reasons.reasons = true;

  const auto free = evaluate(space, {1, 0, 76}, parties, reasons);
  EXPECT_TRUE(free.accepted && free.complete);
  EXPECT_EQ(free.held, 2);
  EXPECT_EQ(free.occurrences[1].at, space.session(7, 76));
  // Week two's 19:00 is Tokyo's 08:00: an hour short of comfort for e.
  EXPECT_EQ(free.comfort, 0 + (60 + 0 + 60));

  // Another of e's sessions at the series time of week two: moved to the nearest start after it.
  auto& e = parts.load[1];
  e.book(space.session(7, 76), parts.calendars[1]);
  const auto moved = evaluate(space, {1, 0, 76}, parties, reasons);
  EXPECT_TRUE(moved.accepted);
  EXPECT_EQ(moved.held, 1);
  EXPECT_EQ(moved.moved, 1);
  EXPECT_EQ(moved.occurrences[1].state, OccurrenceState::moved);
  EXPECT_EQ(moved.occurrences[1].at, space.session(7, 80));
  EXPECT_EQ(moved.occurrences[1].reason, "e has another session within 0 minutes");
  EXPECT_TRUE(free.better_than(moved));

  // And e's weekly limit reached that week: nowhere to go.
  e.book(space.session(8, 84), parts.calendars[1]);
  const auto skipped = evaluate(space, {1, 0, 76}, parties, reasons);
  EXPECT_FALSE(skipped.accepted) << "min_held 0.9 of two needs both";
  EXPECT_EQ(skipped.skipped, 1);
  EXPECT_EQ(skipped.occurrences[1].reason,
            "e is at 2 of 2 sessions a week; no other time that week");
  EXPECT_TRUE(moved.better_than(skipped));
  EXPECT_FALSE(skipped.better_than(moved));
  // Nothing an evaluation books stays booked.
  EXPECT_TRUE(parts.load[0].fits(space.session(0, 76), parts.calendars[0]));
}

TEST(Evaluation, BestPlanTakesTheBestRankedPlacementAndBookingIsUndone) {
  const auto program = new_york_tokyo();
  SearchParts parts(program);
  const auto space = parts.space_of(0);
  auto parties = parts.parties_of(0);
  const auto best = best_plan(space, parties, 8);
  ASSERT_TRUE(best);
  EXPECT_TRUE(best->accepted);
  EXPECT_EQ(best->held, 2);
  EXPECT_TRUE(can_place(space, ranked_placements(space, parties), parties, 8));
  book(*best, parties);
  EXPECT_FALSE(fits_both(space, 0, best->placement.slot, parties));
  EXPECT_EQ(why_not_held(space, 0, best->placement.slot, parties),
            "m has another session within 0 minutes");
  unbook(*best, parties);
  EXPECT_TRUE(fits_both(space, 0, best->placement.slot, parties));
}

TEST(Evaluation, SaysWhyASeriesTimeCannotBeHeld) {
  auto program = new_york_tokyo("blackouts = [2027-03-10]\n");
  // New York's Monday 8 March 19:00-20:00.
  program.people[0].busy = {{utc(March / 9 / 2027, 0h), utc(March / 9 / 2027, 1h)}};
  SearchParts parts(program);
  const auto space = parts.space_of(0);
  const auto parties = parts.parties_of(0);
  EXPECT_EQ(why_not_held(space, 0, 76, parties), "m is busy then");
  // The blackout is New York's Wednesday and Tokyo's, which begins on New York's Tuesday.
  EXPECT_EQ(why_not_held(space, 1, 76, parties), "2027-03-10 is a blackout date for e");
  EXPECT_EQ(why_not_held(space, 2, 76, parties), "2027-03-10 is a blackout date for m");
  EXPECT_EQ(why_not_held(space, 4, 76, parties),
            "09:00-10:00 Asia/Tokyo is outside e's working hours (Mon-Fri 08:00-17:00)");
  EXPECT_EQ(why_not_held(space, 0, 60, parties),
            "15:00-16:00 America/New_York is outside m's working hours (Mon-Fri 17:00-22:00)");
}

TEST(Evaluation, NeedsTheShareOfOccurrencesMinHeldAsks) {
  Pair pair;
  pair.min_held = 0.9;
  EXPECT_EQ(needed(pair, 10), 9);
  EXPECT_EQ(needed(pair, 11), 10);
  pair.min_held = 0;
  EXPECT_EQ(needed(pair, 10), 0);
}

}  // namespace
}  // namespace mentorcal::engine

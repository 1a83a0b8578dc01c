#include "mentorcal/solver.hpp"

#include <gtest/gtest.h>

#include <set>

#include "mentorcal/schedule_json.hpp"
#include "mentorcal/summary.hpp"
#include "mentorcal/verify.hpp"
#include "program_text.hpp"

namespace mentorcal {
namespace {

using namespace std::chrono_literals;
using testing::kPairsHeader;
using testing::kPeopleHeader;
using testing::program_from;
using testing::settings;

Schedule solve(const Program& program, const Schedule* previous = nullptr) {
  ScheduleOptions options;
  options.previous = previous;
  options.revision = Instant{program.start.time_since_epoch()};
  auto schedule = schedule_program(program, options);
  const auto violations = verify_schedule(program, schedule);
  for (const auto& v : violations) ADD_FAILURE() << "verifier: " << v;
  return schedule;
}

// The wall-clock time of an instant in a named zone, as minutes after local midnight.
Minutes local_time_of(const char* zone, Instant t) {
  const auto local = Zone::find(zone)->to_local(t);
  return local - LocalMinute{date::floor<date::days>(local)};
}

date::weekday local_weekday(const char* zone, Instant t) {
  return date::weekday{date::floor<date::days>(Zone::find(zone)->to_local(t))};
}

int count_state(const Series& s, OccurrenceState state) {
  int n = 0;
  for (const auto& o : s.occurrences) n += o.state == state;
  return n;
}

// New York keeps 08:00-12:00, London 13:00-17:00: the whole window is shared while both are on
// standard (or both on summer) time, and only New York 09:00-12:00 in the weeks between the two
// countries' changes. A weekly hour must start 09:00-11:00 New York to be held every week.
Program new_york_london(const std::string& start, const std::string& end) {
  return program_from(settings(start, end),
                      std::string(kPeopleHeader) +
                          "m,M,m@x.example,mentor,America/New_York,Mon-Fri 08:00-12:00\n"
                          "e,E,e@x.example,mentee,Europe/London,Mon-Fri 13:00-17:00\n",
                      std::string(kPairsHeader) + "m,e,weekly,60,1\n");
}

void expect_held_every_week_inside_the_mismatch(const Schedule& schedule) {
  ASSERT_TRUE(schedule.pairs[0].series) << schedule.pairs[0].reasons.front();
  const auto& s = *schedule.pairs[0].series;
  EXPECT_EQ(count_state(s, OccurrenceState::held), static_cast<int>(s.occurrences.size()));
  std::set<Minutes> london_times;
  for (const auto& o : s.occurrences) {
    const auto ny = local_time_of("America/New_York", o.at.start);
    EXPECT_GE(ny, 9h);
    EXPECT_LE(ny, 11h);
    EXPECT_EQ(LocalMinute{date::floor<date::days>(o.nominal)} + ny, o.nominal);
    london_times.insert(local_time_of("Europe/London", o.at.start));
  }
  // The series is fixed in New York, so London sees it an hour earlier in the mismatch weeks.
  ASSERT_EQ(london_times.size(), 2u);
  EXPECT_EQ(*london_times.rbegin() - *london_times.begin(), 1h);
}

TEST(NewYorkLondon, HoldsEveryWeekThroughTheMarchMismatch) {
  expect_held_every_week_inside_the_mismatch(solve(new_york_london("2027-03-01", "2027-04-09")));
}

TEST(NewYorkLondon, HoldsEveryWeekThroughTheAutumnMismatch) {
  // Europe changes on 2027-10-31, the United States on 2027-11-07.
  expect_held_every_week_inside_the_mismatch(solve(new_york_london("2027-10-18", "2027-11-19")));
}

TEST(SydneyBerlin, FindsTheOneHourSharedAcrossBothHemispheresChanges) {
  // Sydney leaves summer time on 2027-04-04, Berlin enters it on 2027-03-28: the gap goes from
  // 10 to 9 to 8 hours, and only Sydney 17:00-18:00 stays inside both days throughout.
  const auto program =
      program_from(settings("2027-03-01", "2027-04-30"),
                   std::string(kPeopleHeader) +
                       "m,M,m@x.example,mentor,Australia/Sydney,Mon-Fri 14:00-19:00\n"
                       "e,E,e@x.example,mentee,Europe/Berlin,Mon-Fri 07:00-10:00\n",
                   std::string(kPairsHeader) + "m,e,weekly,45,1\n");
  const auto schedule = solve(program);
  ASSERT_TRUE(schedule.pairs[0].series);
  const auto& s = *schedule.pairs[0].series;
  EXPECT_EQ(count_state(s, OccurrenceState::held), static_cast<int>(s.occurrences.size()));
  for (const auto& o : s.occurrences) {
    EXPECT_GE(local_time_of("Australia/Sydney", o.at.start), 17h);
    EXPECT_LE(local_time_of("Australia/Sydney", o.at.start), 17h + 15min);
  }
}

TEST(LordHowe, ChoosesTheOnlyStartThatSurvivesTheHalfHourChange) {
  // Lord Howe equals Sydney in summer and runs 30 minutes ahead after 2027-04-04.
  const auto program =
      program_from(settings("2027-03-15", "2027-04-23"),
                   std::string(kPeopleHeader) +
                       "m,M,m@x.example,mentor,Australia/Lord_Howe,Mon-Fri 09:00-17:00\n"
                       "e,E,e@x.example,mentee,Australia/Sydney,Mon-Fri 09:00-10:00\n",
                   std::string(kPairsHeader) + "m,e,weekly,30,1\n");
  const auto schedule = solve(program);
  ASSERT_TRUE(schedule.pairs[0].series);
  const auto& s = *schedule.pairs[0].series;
  EXPECT_EQ(s.first - LocalMinute{date::floor<date::days>(s.first)}, 9h + 30min);
  EXPECT_EQ(count_state(s, OccurrenceState::held), static_cast<int>(s.occurrences.size()));
  std::set<Minutes> sydney_times;
  for (const auto& o : s.occurrences)
    sydney_times.insert(local_time_of("Australia/Sydney", o.at.start));
  EXPECT_EQ(sydney_times, (std::set<Minutes>{9h, 9h + 30min}));
}

TEST(Kathmandu, StartsOnTheQuarterHourGridOfAFortyFiveMinuteZone) {
  const auto program =
      program_from(settings("2027-01-11", "2027-02-19", "anchor = \"mentee\"\n"),
                   std::string(kPeopleHeader) +
                       "m,M,m@x.example,mentor,Europe/London,Mon-Fri 09:00-17:00\n"
                       "e,E,e@x.example,mentee,Asia/Kathmandu,Mon-Fri 09:00-17:00\n",
                   std::string(kPairsHeader) + "m,e,biweekly,60,1\n");
  const auto schedule = solve(program);
  ASSERT_TRUE(schedule.pairs[0].series);
  const auto& s = *schedule.pairs[0].series;
  EXPECT_EQ(s.zone, "Asia/Kathmandu");
  for (const auto& o : s.occurrences) {
    const auto ktm = local_time_of("Asia/Kathmandu", o.at.start);
    EXPECT_EQ(ktm.count() % 15, 0);
    // London's day starts at 09:00 = 14:45 in Kathmandu, which ends at 17:00.
    EXPECT_GE(ktm, 14h + 45min);
    EXPECT_LE(ktm, 16h);
  }
}

TEST(SundayToThursday, MeetsOnTheOnlyDayBothWeeksShare) {
  const auto program =
      program_from(settings("2027-01-10", "2027-02-28"),
                   std::string(kPeopleHeader) +
                       "m,M,m@x.example,mentor,Asia/Jerusalem,Sun-Thu 09:00-17:00\n"
                       "e,E,e@x.example,mentee,Asia/Dubai,Fri 10:00-14:00; Sun 10:00-14:00\n",
                   std::string(kPairsHeader) + "m,e,weekly,45,1\n");
  const auto schedule = solve(program);
  ASSERT_TRUE(schedule.pairs[0].series);
  for (const auto& o : schedule.pairs[0].series->occurrences)
    EXPECT_EQ(local_weekday("Asia/Jerusalem", o.at.start), date::Sunday);
}

TEST(Blackout, MovesTheOccurrenceToAnotherDayOfItsWeek) {
  // Monday and Tuesday only; the first Monday and the second Tuesday are blackout dates, so
  // either weekday loses one occurrence to a blackout and must move it within its week.
  const auto program =
      program_from(settings("2027-01-11", "2027-02-05", "blackouts = [2027-01-11, 2027-01-19]\n"),
                   std::string(kPeopleHeader) +
                       "m,M,m@x.example,mentor,Europe/Paris,Mon-Tue 10:00-11:00\n"
                       "e,E,e@x.example,mentee,Europe/Paris,Mon-Fri 09:00-17:00\n",
                   std::string(kPairsHeader) + "m,e,weekly,60,1\n");
  const auto schedule = solve(program);
  ASSERT_TRUE(schedule.pairs[0].series);
  const auto& s = *schedule.pairs[0].series;
  EXPECT_EQ(count_state(s, OccurrenceState::moved), 1);
  EXPECT_EQ(count_state(s, OccurrenceState::skipped), 0);
  for (const auto& o : s.occurrences) {
    if (o.state != OccurrenceState::moved) continue;
    const auto day = local_day(*Zone::find("Europe/Paris"), o.at.start);
    EXPECT_NE(day, date::floor<date::days>(o.nominal));
    EXPECT_EQ(iso_week_start(day), iso_week_start(date::floor<date::days>(o.nominal)));
    EXPECT_NE(o.reason.find("blackout"), std::string::npos) << o.reason;
  }
}

TEST(Blackout, IsEachPersonsOwnLocalDay) {
  // The only shared hour is Monday 15:00-16:00 in Los Angeles (PST), which is 23:00 UTC on
  // Monday and 08:00 on Tuesday in Tokyo. Tuesday 16 February is a blackout date: in Tokyo the
  // session of that week falls on it, though in UTC and in Los Angeles it is still Monday the
  // 15th; it cannot move (no other shared hour in the week), so it is skipped.
  const auto program =
      program_from(settings("2027-02-01", "2027-03-12", "blackouts = [2027-02-16]\n"),
                   std::string(kPeopleHeader) +
                       "m,M,m@x.example,mentor,America/Los_Angeles,Mon 15:00-16:00\n"
                       "e,E,e@x.example,mentee,Asia/Tokyo,Mon-Fri 08:00-17:00\n",
                   std::string(kPairsHeader) + "m,e,weekly,60,0.5\n");
  const auto schedule = solve(program);
  ASSERT_TRUE(schedule.pairs[0].series) << schedule.pairs[0].reasons.front();
  const auto& s = *schedule.pairs[0].series;
  const auto tokyo = *Zone::find("Asia/Tokyo");
  const LocalDay blackout{date::year{2027} / 2 / 16};
  int skipped_on_the_blackout = 0;
  for (const auto& o : s.occurrences) {
    const auto day = local_day(tokyo, o.at.start);
    if (o.state != OccurrenceState::skipped) {
      EXPECT_NE(day, blackout) << format_utc(o.at.start);
    }
    skipped_on_the_blackout += o.state == OccurrenceState::skipped && day == blackout;
  }
  EXPECT_EQ(skipped_on_the_blackout, 1);
  EXPECT_EQ(count_state(s, OccurrenceState::skipped), 1);
}

TEST(BusyTime, ForcesAMoveWithinTheWeek) {
  auto program =
      program_from(settings("2027-01-11", "2027-02-12"),
                   std::string(kPeopleHeader) +
                       "m,M,m@x.example,mentor,Europe/Paris,Mon 10:00-11:00; Wed 10:00-11:00\n"
                       "e,E,e@x.example,mentee,Europe/Paris,Mon-Fri 09:00-17:00\n",
                   std::string(kPairsHeader) + "m,e,weekly,60,1\n");
  // The mentee is busy on the Monday of week 3 and the Wednesday of week 4 at 10:00 (09:00Z).
  program.people[1].busy = {{date::sys_days{date::year{2027} / 1 / 25} + 9h,
                             date::sys_days{date::year{2027} / 1 / 25} + 10h},
                            {date::sys_days{date::year{2027} / 2 / 3} + 9h,
                             date::sys_days{date::year{2027} / 2 / 3} + 10h}};
  const auto schedule = solve(program);
  ASSERT_TRUE(schedule.pairs[0].series);
  const auto& s = *schedule.pairs[0].series;
  EXPECT_EQ(count_state(s, OccurrenceState::moved), 1);
  EXPECT_EQ(count_state(s, OccurrenceState::skipped), 0);
  for (const auto& o : s.occurrences) {
    if (o.state == OccurrenceState::moved) {
      EXPECT_NE(o.reason.find("busy"), std::string::npos);
    }
  }
}

TEST(ExecutiveLimit, ForcesASkipInAFiveMondayMonth) {
  // March 2027 has five Mondays; 4 x 45 = 180 minutes is the monthly limit. The term is five
  // whole ISO weeks, so that a series on any weekday has five occurrences and every one of them
  // must take place on a Monday, the mentor's only working day.
  const auto program =
      program_from(settings("2027-03-01", "2027-04-04", "[mentor]\nmax_minutes_per_month = 180\n"),
                   std::string(kPeopleHeader) +
                       "m,M,m@x.example,mentor,Europe/Paris,Mon 10:00-11:00\n"
                       "e,E,e@x.example,mentee,Europe/Paris,Mon-Fri 09:00-17:00\n",
                   std::string(kPairsHeader) + "m,e,weekly,45,0.8\n");
  const auto schedule = solve(program);
  ASSERT_TRUE(schedule.pairs[0].series);
  const auto& s = *schedule.pairs[0].series;
  EXPECT_EQ(s.occurrences.size(), 5u);
  ASSERT_EQ(count_state(s, OccurrenceState::skipped), 1);
  for (const auto& o : s.occurrences) {
    if (o.state == OccurrenceState::skipped) {
      EXPECT_NE(o.reason.find("180 minutes a month"), std::string::npos) << o.reason;
    }
  }
}

// Two weekly pairs of a mentor who gives one session a week, each needing half its weeks: one
// pair placed first would take every week. Both fit only when each skips half, on purpose.
TEST(ExactSearch, SharesAWeeklyLimitBySkippingHalfOfEachSeries) {
  const auto program =
      program_from(settings("2027-06-07", "2027-07-04", "[mentor]\nmax_sessions_per_week = 1\n"),
                   std::string(kPeopleHeader) +
                       "m,M,m@x.example,mentor,Europe/London,Mon-Fri 09:00-17:00\n"
                       "a,A,a@x.example,mentee,Europe/London,Mon-Fri 09:00-17:00\n"
                       "b,B,b@x.example,mentee,Europe/London,Mon-Fri 09:00-17:00\n",
                   std::string(kPairsHeader) + "m,a,weekly,60,0.5\nm,b,weekly,60,0.5\n");
  const auto schedule = solve(program);
  std::set<date::sys_days> weeks_taken;
  for (const auto& r : schedule.pairs) {
    ASSERT_TRUE(r.series) << r.mentee_id;
    EXPECT_EQ(count_state(*r.series, OccurrenceState::skipped), 2) << r.mentee_id;
    for (const auto& o : r.series->occurrences) {
      if (o.state == OccurrenceState::skipped) {
        EXPECT_EQ(o.reason, "m is at 1 of 1 sessions a week");
        continue;
      }
      const auto day = date::floor<date::days>(o.at.start);
      EXPECT_TRUE(weeks_taken.insert(day - (date::weekday{day} - date::Monday)).second);
    }
  }
  EXPECT_EQ(weeks_taken.size(), 4u);
}

// A mentor's 120 minutes a month hold either the weekly pair (two of its four weeks) or both
// monthly ones: two pairs scheduled beat one.
TEST(ExactSearch, SpendsAMonthlyLimitOnMorePairs) {
  const auto program = program_from(
      settings("2027-03-01", "2027-03-28", "[mentor]\nmax_minutes_per_month = 120\n"),
      std::string(kPeopleHeader) +
          "m,M,m@x.example,mentor,Europe/London,Mon-Fri 09:00-17:00\n"
          "a,A,a@x.example,mentee,Europe/London,Mon-Fri 09:00-17:00\n"
          "b,B,b@x.example,mentee,Europe/London,Mon-Fri 09:00-17:00\n"
          "c,C,c@x.example,mentee,Europe/London,Mon-Fri 09:00-17:00\n",
      std::string(kPairsHeader) + "m,a,weekly,60,0.5\nm,b,monthly,60,1\nm,c,monthly,60,1\n");
  const auto schedule = solve(program);
  EXPECT_FALSE(schedule.pairs[0].series);
  for (const std::size_t i : {1u, 2u}) {
    ASSERT_TRUE(schedule.pairs[i].series) << schedule.pairs[i].mentee_id;
    EXPECT_EQ(count_state(*schedule.pairs[i].series, OccurrenceState::skipped), 0);
  }
}

TEST(MinHeld, RejectsASeriesThatCannotHoldEnoughAndSaysWhatWouldPlaceIt) {
  const auto program =
      program_from(settings("2027-03-01", "2027-03-31", "blackouts = [2027-03-15]\n"),
                   std::string(kPeopleHeader) +
                       "m,M,m@x.example,mentor,Europe/Paris,Mon 10:00-11:00\n"
                       "e,E,e@x.example,mentee,Europe/Paris,Mon-Fri 09:00-17:00\n",
                   std::string(kPairsHeader) + "m,e,weekly,60,1\n");
  const auto schedule = solve(program);
  const auto& r = schedule.pairs[0];
  ASSERT_FALSE(r.series);
  ASSERT_FALSE(r.reasons.empty());
  EXPECT_NE(r.reasons[0].find("holds 4 of 5"), std::string::npos) << r.reasons[0];
  EXPECT_EQ(r.relaxation, "min_held 0.8 instead of 1");
}

// A monthly series has one occurrence for every month of which at least seven days lie in the
// term: 2027-01-11 to 2027-06-30 is six, January included, so a 1st-weekday rule (none in
// January) holds too few and a later ordinal is chosen.
TEST(Monthly, UsesTheFirstMonthOfATermStartingMidMonth) {
  const auto program =
      program_from(settings("2027-01-11", "2027-06-30"),
                   std::string(kPeopleHeader) +
                       "m,M,m@x.example,mentor,Europe/London,Mon-Fri 09:00-17:00\n"
                       "e,E,e@x.example,mentee,Europe/London,Mon-Fri 09:00-17:00\n",
                   std::string(kPairsHeader) + "m,e,monthly,45,0.8\n");
  const auto schedule = solve(program);
  ASSERT_TRUE(schedule.pairs[0].series);
  const auto& s = *schedule.pairs[0].series;
  ASSERT_EQ(s.occurrences.size(), 6u);
  EXPECT_EQ(count_state(s, OccurrenceState::held), 6);
  unsigned month = 1;
  for (const auto& o : s.occurrences)
    EXPECT_EQ(unsigned(date::year_month_day{date::floor<date::days>(o.nominal)}.month()), month++);
}

// The term ends on 2027-06-13, so June counts (13 days): five occurrences, February to June. The
// mentor meets on Mondays only and March's first three are blackouts, so the one rule that holds
// every month it has, the 4th Monday, has none in June: 4 of 5, short of min_held 1.
TEST(Monthly, CountsTheLastMonthOfATermEndingMidMonth) {
  const auto program = program_from(
      settings("2027-02-01", "2027-06-13", "blackouts = [2027-03-01, 2027-03-08, 2027-03-15]\n"),
      std::string(kPeopleHeader) +
          "m,M,m@x.example,mentor,Europe/London,Mon 09:00-17:00\n"
          "e,E,e@x.example,mentee,Europe/London,Mon-Fri 09:00-17:00\n",
      std::string(kPairsHeader) + "m,e,monthly,45,1\n");
  const auto schedule = solve(program);
  const auto& r = schedule.pairs[0];
  ASSERT_FALSE(r.series) << r.series->occurrences.size() << " occurrences";
  ASSERT_FALSE(r.reasons.empty());
  EXPECT_NE(r.reasons[0].find("holds 4 of 5 occurrences; min_held 1 needs 5"), std::string::npos)
      << r.reasons[0];
}

TEST(Explanation, NamesZonesAndHoursWhenThePairSharesNoHour) {
  const auto program =
      program_from(settings("2027-01-11", "2027-02-19"),
                   std::string(kPeopleHeader) +
                       "m,M,m@x.example,mentor,Asia/Tokyo,Mon-Fri 09:00-17:00\n"
                       "e,E,e@x.example,mentee,America/New_York,Mon-Fri 09:00-17:00\n",
                   std::string(kPairsHeader) + "m,e,biweekly,45,0.9\n");
  const auto schedule = solve(program);
  ASSERT_FALSE(schedule.pairs[0].series);
  EXPECT_EQ(schedule.pairs[0].reasons[0],
            "mentor m (M) Asia/Tokyo Mon-Fri 09:00-17:00 and mentee e (E) America/New_York "
            "Mon-Fri 09:00-17:00 share no hour");
  EXPECT_EQ(schedule.pairs[0].relaxation,
            "mentee e's working hours Mon-Fri 09:00-20:00 instead of Mon-Fri 09:00-17:00 "
            "(America/New_York)");
}

TEST(Explanation, FindsTheSmallestWeeklyLimitThatPlacesThePair) {
  const auto program = program_from(
      settings("2027-01-11", "2027-03-05", "[mentor]\nmax_minutes_per_week = 60\n"),
      std::string(kPeopleHeader) +
          "m,M,m@x.example,mentor,Europe/London,Mon-Fri 09:00-17:00\n"
          "a,A,a@x.example,mentee,Europe/London,Mon-Fri 09:00-17:00\n"
          "b,B,b@x.example,mentee,Europe/London,Mon-Fri 09:00-17:00\n"
          "c,C,c@x.example,mentee,Europe/London,Mon-Fri 09:00-17:00\n",
      std::string(kPairsHeader) + "m,a,biweekly,45,1\nm,b,biweekly,45,1\nm,c,biweekly,45,1\n");
  const auto schedule = solve(program);
  ASSERT_FALSE(schedule.pairs[2].series);
  EXPECT_EQ(schedule.pairs[2].relaxation, "mentor m's max_minutes_per_week 90 instead of 60");
}

// The mentor's 60 minutes a week hold one 45-minute pair: the other is blocked at every
// occurrence, so no time holds any, and the reason says by how much and who uses the limit. The
// mentor is at 45 of 60 minutes, yet counted as at a limit.
TEST(Explanation, SaysWhoUsesTheLimitThatBlocksAPairAndHowMuchMoreItNeeds) {
  const auto program =
      program_from(settings("2027-01-11", "2027-02-19", "[mentor]\nmax_minutes_per_week = 60\n"),
                   std::string(kPeopleHeader) +
                       "m,Mia Ode,m@x.example,mentor,Europe/London,Mon-Fri 09:00-17:00\n"
                       "a,Ann Lee,a@x.example,mentee,Europe/London,Mon-Fri 09:00-17:00\n"
                       "b,Bo Chen,b@x.example,mentee,Europe/London,Mon-Fri 09:00-17:00\n",
                   std::string(kPairsHeader) + "m,a,weekly,45,1\nm,b,weekly,45,1\n");
  const auto schedule = solve(program);
  const bool a_out = !schedule.pairs[0].series;
  const auto& out = schedule.pairs[a_out ? 0 : 1];
  ASSERT_FALSE(out.series);
  ASSERT_TRUE(schedule.pairs[a_out ? 1 : 0].series);
  ASSERT_EQ(out.reasons.size(), 2u);
  EXPECT_TRUE(out.reasons[0].starts_with(
      "no time holds any of the 6 occurrences (min_held 1 needs 6); at the nearest, "))
      << out.reasons[0];
  EXPECT_EQ(out.reasons[1],
            std::string("6 of 6 occurrences: mentor m (Mia Ode) needs 30 more minutes a week: 45 "
                        "of their 60 are used by ") +
                (a_out ? "b (Bo Chen)" : "a (Ann Lee)"));
  EXPECT_EQ(out.limited_by, std::vector<std::string>{"m"});
  EXPECT_EQ(summarize(program, schedule).mentors_at_limit, std::vector<std::string>{"m"});
}

// Tokyo mornings and New York mornings are six hours apart at the nearest: no widening of either
// tried places the pair, so another mentor who shares the mentee's hours and has room is named
// (the Tokyo one listed before them shares none).
TEST(Explanation, SuggestsAnotherMentorWhenThePairSharesNoHourAndNoWideningHelps) {
  const auto program =
      program_from(settings("2027-01-11", "2027-02-19"),
                   std::string(kPeopleHeader) +
                       "m,M,m@x.example,mentor,Asia/Tokyo,Mon-Fri 09:00-12:00\n"
                       "t,T,t@x.example,mentor,Asia/Tokyo,Mon-Fri 09:00-17:00\n"
                       "l,L,l@x.example,mentor,Europe/London,Mon-Fri 09:00-17:00\n"
                       "e,E,e@x.example,mentee,America/New_York,Mon-Fri 09:00-13:00\n",
                   std::string(kPairsHeader) + "m,e,biweekly,45,0.9\n");
  const auto schedule = solve(program);
  ASSERT_FALSE(schedule.pairs[0].series);
  EXPECT_NE(schedule.pairs[0].reasons[0].find("share no hour"), std::string::npos);
  EXPECT_EQ(schedule.pairs[0].relaxation,
            "mentor l (L), Europe/London, shares working hours with e (E) and has room: pair them "
            "instead");
}

Program three_pairs() {
  return program_from(
      settings("2027-01-11", "2027-04-30", "[mentor]\nmax_minutes_per_week = 120\n"),
      std::string(kPeopleHeader) +
          "m,M,m@x.example,mentor,America/New_York,Mon-Fri 09:00-17:00\n"
          "a,A,a@x.example,mentee,Europe/London,Mon-Fri 09:00-17:00\n"
          "b,B,b@x.example,mentee,America/Chicago,Mon-Fri 09:00-17:00\n"
          "c,C,c@x.example,mentee,Europe/Paris,Mon-Fri 09:00-18:00\n",
      std::string(kPairsHeader) + "m,a,weekly,45,0.9\nm,b,biweekly,60,0.9\nm,c,monthly,45,1\n");
}

TEST(Determinism, TheSameInputGivesTheSameSchedule) {
  const auto program = three_pairs();
  EXPECT_EQ(schedule_to_json(solve(program)), schedule_to_json(solve(program)));
}

TEST(Repass, KeepsEverySeriesThatStillHoldsExactlyWhereABetterTimeOpened) {
  // The first pass had mentee a free only late in their day; now a's whole day is free. A pass
  // from nothing, a week later, chooses other times and stamps every series anew (the premise);
  // a re-pass keeps every series that still holds, byte for byte.
  auto narrow = three_pairs();
  narrow.people[1].working_hours = *WorkingHours::parse("Mon-Fri 15:00-17:00", nullptr);
  const auto first = solve(narrow);
  const auto later = three_pairs();
  ScheduleOptions options;
  options.revision = Instant{later.start.time_since_epoch()} + date::days{7};
  ASSERT_NE(schedule_to_json(schedule_program(later, options)), schedule_to_json(first));
  options.previous = &first;
  auto again = schedule_program(later, options);
  EXPECT_TRUE(verify_schedule(later, again).empty());
  ASSERT_TRUE(again.changes);
  ASSERT_EQ(again.changes->size(), 3u);
  for (const auto& c : *again.changes) {
    EXPECT_EQ(c.kind, SeriesChange::Kind::kept) << c.mentee_id;
    EXPECT_EQ(c.before, c.after);
  }
  again.changes.reset();
  EXPECT_EQ(schedule_to_json(again), schedule_to_json(first));
}

TEST(Repass, ChangesOnlyTheSeriesOfThePersonWhoseHoursChanged) {
  const auto program = three_pairs();
  const auto first = solve(program);
  for (const auto& r : first.pairs) ASSERT_TRUE(r.series);
  auto changed = program;
  // Chicago's mentee now works mornings only: the biweekly series must move (it was at least
  // partly in the afternoon) or stay if it already was in the morning.
  changed.people[2].working_hours = *WorkingHours::parse("Mon-Fri 09:00-10:00", nullptr);
  const auto second = solve(changed, &first);
  for (std::size_t i : {0u, 2u}) {
    ASSERT_TRUE(second.pairs[i].series);
    EXPECT_EQ(*second.pairs[i].series, *first.pairs[i].series) << i;
  }
  ASSERT_TRUE(second.pairs[1].series);
  const auto& before = *first.pairs[1].series;
  const auto& after = *second.pairs[1].series;
  EXPECT_EQ(after.uid, before.uid);
  if (after == before) {
    EXPECT_EQ(local_time_of("America/Chicago", before.occurrences[0].at.start), 9h);
  } else {
    EXPECT_EQ(after.sequence, before.sequence + 1);
    EXPECT_GT(after.dtstamp, before.dtstamp);
  }
}

// Chicago's mentee now works only hours the old series time is not in: that time holds none of
// its occurrences, so the series is placed afresh (same UID, next SEQUENCE), not kept with every
// occurrence an exception, and the change says so.
TEST(Repass, PlacesAfreshASeriesWhoseTimeNoLongerHoldsMinHeld) {
  const auto program = three_pairs();
  const auto first = solve(program);
  ASSERT_TRUE(first.pairs[1].series);
  const auto& before = *first.pairs[1].series;
  auto changed = program;
  const bool was_morning = local_time_of("America/Chicago", before.occurrences[0].at.start) < 12h;
  changed.people[2].working_hours =
      *WorkingHours::parse(was_morning ? "Mon-Fri 13:00-17:00" : "Mon-Fri 09:00-12:00", nullptr);
  const auto second = solve(changed, &first);
  ASSERT_TRUE(second.pairs[1].series);
  const auto& after = *second.pairs[1].series;
  EXPECT_EQ(after.uid, before.uid);
  EXPECT_EQ(after.sequence, before.sequence + 1);
  EXPECT_NE(after.first - LocalMinute{date::floor<date::days>(after.first)},
            before.first - LocalMinute{date::floor<date::days>(before.first)});
  EXPECT_GE(count_state(after, OccurrenceState::held), 7) << after.occurrences.size();

  ASSERT_TRUE(second.changes);
  ASSERT_EQ(second.changes->size(), 3u);
  const auto& change = (*second.changes)[1];
  EXPECT_EQ(change.kind, SeriesChange::Kind::retimed);
  EXPECT_EQ(change.before, series_time_text(before));
  EXPECT_EQ(change.after, series_time_text(after));
  EXPECT_NE(change.why.find("its time now holds 0 of"), std::string::npos) << change.why;
  EXPECT_NE(change.why.find("outside b's working hours"), std::string::npos) << change.why;
  EXPECT_EQ((*second.changes)[0].kind, SeriesChange::Kind::kept);
  EXPECT_EQ((*second.changes)[2].kind, SeriesChange::Kind::kept);
  EXPECT_NE(schedule_to_json(second).find("\"change\": \"retimed\""), std::string::npos);
  EXPECT_FALSE(first.changes);
}

TEST(Repass, CancelsTheSeriesOfARemovedPairOnce) {
  const auto program = three_pairs();
  const auto first = solve(program);
  auto smaller = program;
  smaller.pairs.pop_back();
  const auto second = solve(smaller, &first);
  ASSERT_EQ(second.cancelled.size(), 1u);
  EXPECT_EQ(second.cancelled[0].series.uid, first.pairs[2].series->uid);
  EXPECT_EQ(second.cancelled[0].series.sequence, first.pairs[2].series->sequence + 1);
  EXPECT_EQ(second.cancelled[0].attendee_email, "c@x.example");
  ASSERT_TRUE(second.changes);
  ASSERT_EQ(second.changes->size(), 3u);
  const auto& cancelled = (*second.changes)[2];
  EXPECT_EQ(cancelled.kind, SeriesChange::Kind::cancelled);
  EXPECT_EQ(cancelled.uid, first.pairs[2].series->uid);
  EXPECT_EQ(cancelled.why, "the pair is no longer in pairs.csv");
  const auto third = solve(smaller, &second);
  EXPECT_TRUE(third.cancelled.empty());
  auto larger = smaller;
  larger.pairs.push_back(program.pairs[2]);
  const auto fourth = solve(larger, &third);
  ASSERT_TRUE(fourth.changes);
  ASSERT_EQ(fourth.changes->size(), 3u);
  EXPECT_EQ((*fourth.changes)[2].kind, SeriesChange::Kind::added);
  EXPECT_EQ((*fourth.changes)[2].after, series_time_text(*fourth.pairs[2].series));
}

TEST(Replan, MovesAroundABlockAndRestoresWhenItIsRemoved) {
  auto program = program_from(settings("2027-01-11", "2027-02-12"),
                              std::string(kPeopleHeader) +
                                  "m,M,m@x.example,mentor,Europe/Paris,Mon-Fri 10:00-12:00\n"
                                  "e,E,e@x.example,mentee,Europe/Paris,Mon-Fri 09:00-17:00\n",
                              std::string(kPairsHeader) + "m,e,weekly,60,0.8\n");
  auto schedule = solve(program);
  ASSERT_TRUE(schedule.pairs[0].series);
  const auto original = *schedule.pairs[0].series;
  const auto target = original.occurrences[2];

  // The mentor blocks the whole day of the third occurrence.
  const auto day = date::floor<date::days>(target.at.start);
  program.people[0].busy = {{day, day + date::days{1}}};
  const auto revision = Instant{program.start.time_since_epoch()} + 1h;
  const auto changes = replan_people(program, schedule, {"m"}, revision);
  ASSERT_EQ(changes.size(), 1u);
  EXPECT_EQ(changes[0].nominal, target.nominal);
  EXPECT_EQ(changes[0].after, OccurrenceState::moved);
  EXPECT_FALSE(changes[0].below_min_held);
  EXPECT_TRUE(verify_schedule(program, schedule).empty());
  const auto& moved = *schedule.pairs[0].series;
  EXPECT_EQ(moved.sequence, original.sequence + 1);
  for (std::size_t k = 0; k < moved.occurrences.size(); ++k) {
    if (k != 2) {
      EXPECT_EQ(moved.occurrences[k], original.occurrences[k]);
    }
  }

  program.people[0].busy.clear();
  const auto restored = replan_people(program, schedule, {"m"}, revision + 1h);
  ASSERT_EQ(restored.size(), 1u);
  EXPECT_EQ(restored[0].after, OccurrenceState::held);
  EXPECT_EQ(schedule.pairs[0].series->occurrences, original.occurrences);
  EXPECT_EQ(schedule.pairs[0].series->sequence, original.sequence + 2);
}

TEST(Replan, FlagsASeriesThatFallsBelowMinHeld) {
  auto program = program_from(settings("2027-01-11", "2027-02-12"),
                              std::string(kPeopleHeader) +
                                  "m,M,m@x.example,mentor,Europe/Paris,Mon 10:00-11:00\n"
                                  "e,E,e@x.example,mentee,Europe/Paris,Mon-Fri 09:00-17:00\n",
                              std::string(kPairsHeader) + "m,e,weekly,60,1\n");
  auto schedule = solve(program);
  ASSERT_TRUE(schedule.pairs[0].series);
  const auto at = schedule.pairs[0].series->occurrences[1].at;
  program.people[1].busy = {at};
  const auto changes = replan_people(program, schedule, {"e"}, at.start);
  ASSERT_EQ(changes.size(), 1u);
  EXPECT_EQ(changes[0].after, OccurrenceState::skipped);
  EXPECT_TRUE(changes[0].below_min_held);
  EXPECT_TRUE(schedule.pairs[0].series);
}

TEST(TimeLimit, StopsEarlyWithAValidSchedule) {
  const auto program = three_pairs();
  ScheduleOptions options;
  options.revision = Instant{program.start.time_since_epoch()};
  options.should_stop = [] { return true; };
  const auto schedule = schedule_program(program, options);
  EXPECT_EQ(schedule.outcome, PassOutcome::time_limit);
  EXPECT_TRUE(verify_schedule(program, schedule).empty());
}

}  // namespace
}  // namespace mentorcal

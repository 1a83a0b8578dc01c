// Why a pair cannot be placed, and the one change that would place it, through
// engine/explain.hpp: each explanation names the hours, the busy time or the limit that stands
// in the way, with its numbers.
#include "explain.hpp"

#include <gtest/gtest.h>

#include "support/program_text.hpp"
#include "support/search_parts.hpp"
#include "support/time.hpp"

namespace mentorcal::engine {
namespace {

using namespace std::chrono_literals;
using testing::kPairsHeader;
using testing::kPeopleHeader;
using testing::program_from;
using testing::SearchParts;
using testing::settings;
using testing::utc;

// Each person's pairs, by index into the program's pairs.
std::vector<std::vector<std::size_t>> pairs_of(const Program& program) {
  std::vector<std::vector<std::size_t>> out(program.people.size());
  for (std::size_t i = 0; i < program.pairs.size(); ++i) {
    out[program.pairs[i].mentor].push_back(i);
    out[program.pairs[i].mentee].push_back(i);
  }
  return out;
}

// Explains the one pair of a program in which nothing else is placed.
Explanation explain_alone(const Program& program) {
  SearchParts parts(program);
  const std::vector<std::optional<Plan>> plans(program.pairs.size());
  const auto people = pairs_of(program);
  return explain_unplaced(program, 0, parts.calendars, parts.load, {plans, people});
}

// Mentor m in `mentor_zone` and mentee e in `mentee_zone`, six weeks of winter to `end`, weekly
// 45 minutes.
Program two_people(const std::string& mentor_zone, const std::string& mentor_hours,
                   const std::string& mentee_zone, const std::string& mentee_hours,
                   const std::string& end = "2027-02-19") {
  return program_from(settings("2027-01-11", end),
                      std::string(kPeopleHeader) + "m,Mia,m@x.example,mentor," + mentor_zone + "," +
                          mentor_hours + "\ne,Eiji,e@x.example,mentee," + mentee_zone + "," +
                          mentee_hours + "\n",
                      std::string(kPairsHeader) + "m,e,weekly,45,0.9\n");
}

TEST(Named, PutsTheNameBesideTheIdWhenThereIsOne) {
  Person p;
  p.id = "m-07";
  p.name = "Mia Ode";
  EXPECT_EQ(named(p), "m-07 (Mia Ode)");
  p.name = "";
  EXPECT_EQ(named(p), "m-07");
  p.name = "m-07";
  EXPECT_EQ(named(p), "m-07");
}

TEST(ExplainUnplaced, NamesBothZonesAndHoursWhenThePairSharesNoHourAndWidensTheNearest) {
  // New York's 09:00-17:00 ends at 22:00Z, two hours before Tokyo's starts: Tokyo starting three
  // hours sooner leaves an hour, Monday to Thursday.
  const auto program =
      two_people("America/New_York", "Mon-Fri 09:00-17:00", "Asia/Tokyo", "Mon-Fri 09:00-17:00");
  const auto out = explain_alone(program);
  EXPECT_TRUE(out.shares_no_hour);
  ASSERT_EQ(out.reasons.size(), 1u);
  EXPECT_EQ(out.reasons[0],
            "mentor m (Mia) America/New_York Mon-Fri 09:00-17:00 and mentee e (Eiji) Asia/Tokyo "
            "Mon-Fri 09:00-17:00 share no hour");
  EXPECT_EQ(out.relaxation,
            "mentee e's working hours Mon-Fri 06:00-17:00 instead of Mon-Fri 09:00-17:00 "
            "(Asia/Tokyo)");
  EXPECT_TRUE(out.limited_by.empty());
}

TEST(ExplainUnplaced, SaysHowLittleTimeIsSharedAgainstTheSessionsLength) {
  // Berlin's 17:30 is London's 16:30: half an hour before London's day ends.
  const auto program =
      two_people("Europe/London", "Mon-Fri 09:00-17:00", "Europe/Berlin", "Mon-Fri 17:30-20:00");
  const auto out = explain_alone(program);
  EXPECT_FALSE(out.shares_no_hour);
  ASSERT_EQ(out.reasons.size(), 1u);
  EXPECT_EQ(out.reasons[0],
            "mentor m (Mia) Europe/London Mon-Fri 09:00-17:00 and mentee e (Eiji) Europe/Berlin "
            "Mon-Fri 17:30-20:00 share at most 30 minutes at a time; a session takes 45");
  EXPECT_EQ(out.relaxation,
            "mentee e's working hours Mon-Fri 16:30-20:00 instead of Mon-Fri 17:30-20:00 "
            "(Europe/Berlin)");
}

TEST(ExplainUnplaced, BlamesBusyTimeAndFindsNoChangeWhenItFillsEveryHour) {
  auto program =
      two_people("Europe/London", "Mon-Fri 09:00-17:00", "Europe/London", "Mon-Fri 09:00-17:00");
  // m is away from January to March.
  program.people[0].busy = {{utc(date::January / 1 / 2027, 0h), utc(date::April / 1 / 2027, 0h)}};
  const auto out = explain_alone(program);
  ASSERT_EQ(out.reasons.size(), 1u);
  EXPECT_EQ(out.reasons[0],
            "every shared working hour long enough for a 45-minute session is taken by busy time "
            "or blackout dates");
  EXPECT_EQ(out.relaxation, "");
}

// The search looks two days past the term's ends (the zones' local days); that time, free on
// Thursday and Friday after a term ending on a Wednesday, is not the pair's to meet in.
TEST(ExplainUnplaced, BlamesBusyTimeThatFillsTheTermAndNotWhatFollowsIt) {
  auto program = two_people("Europe/London", "Mon-Fri 09:00-17:00", "Europe/London",
                            "Mon-Fri 09:00-17:00", "2027-02-17");
  program.people[0].busy = {
      {utc(date::January / 11 / 2027, 0h), utc(date::February / 18 / 2027, 0h)}};
  const auto out = explain_alone(program);
  ASSERT_EQ(out.reasons.size(), 1u);
  EXPECT_EQ(out.reasons[0],
            "every shared working hour long enough for a 45-minute session is taken by busy time "
            "or blackout dates");
  EXPECT_EQ(out.relaxation, "");
}

// Mentor m may meet once a week and meets a every week; b, who needs every week too, is kept out
// by that limit at each of the six occurrences.
TEST(ExplainUnplaced, NamesTheLimitItsNumbersAndWhoUsesItAndTheSmallestLimitThatPlacesThePair) {
  const auto program =
      program_from(settings("2027-01-11", "2027-02-19", "[mentor]\nmax_sessions_per_week = 1\n"),
                   std::string(kPeopleHeader) +
                       "m,Mia,m@x.example,mentor,Europe/London,Mon-Fri 09:00-17:00\n"
                       "a,Ann,a@x.example,mentee,Europe/London,Mon-Fri 09:00-17:00\n"
                       "b,Ben,b@x.example,mentee,Europe/London,Mon-Fri 09:00-17:00\n",
                   std::string(kPairsHeader) + "m,a,weekly,45,1\nm,b,weekly,45,1\n");
  SearchParts parts(program);
  auto a = parts.parties_of(0);
  std::vector<std::optional<Plan>> plans(2);
  plans[0] = best_plan(parts.space_of(0), a, 16);
  ASSERT_TRUE(plans[0] && plans[0]->accepted);
  book(*plans[0], a);
  const auto people = pairs_of(program);
  const auto out = explain_unplaced(program, 1, parts.calendars, parts.load, {plans, people});
  ASSERT_EQ(out.reasons.size(), 2u);
  EXPECT_TRUE(out.reasons[0].starts_with(
      "no time holds any of the 6 occurrences (min_held 1 needs 6); at the nearest, "))
      << out.reasons[0];
  EXPECT_EQ(out.reasons[1],
            "6 of 6 occurrences: mentor m (Mia) needs 1 more session a week: their 1 is used by "
            "a (Ann)");
  EXPECT_EQ(out.limited_by, std::vector<std::size_t>{0});
  EXPECT_EQ(out.relaxation, "mentor m's max_sessions_per_week 2 instead of 1");
  // Explaining books nothing: m's week is as a's plan left it.
  unbook(*plans[0], a);
  EXPECT_TRUE(parts.load[0].fits(plans[0]->occurrences[0].at, parts.calendars[0]));
}

}  // namespace
}  // namespace mentorcal::engine

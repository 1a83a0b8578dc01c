#include "mentorcal/match.hpp"

#include <gtest/gtest.h>

#include "mentorcal/ical.hpp"
#include "mentorcal/solver.hpp"
#include "mentorcal/verify.hpp"
#include "support/program_text.hpp"

namespace mentorcal {
namespace {

using testing::program_from;
using testing::settings;

constexpr const char* kHeader =
    "id,name,email,role,timezone,capacity,skills,goals,languages,department,level,prefers,avoid\n";

std::string person(const std::string& id, const std::string& name, const std::string& zone,
                   const std::string& profile = ",,,,,,,") {
  const bool mentor = id.starts_with("m-");
  return id + "," + name + "," + id + "@x.example," + (mentor ? "mentor," : "mentee,") + zone +
         "," + profile + "\n";
}

std::string id_of(const Program& p, std::size_t i) {
  return p.people[i].id;
}

// "e-01 <- m-03" for each matched mentee, in the result's order.
std::vector<std::string> pairs_of(const Program& p, const MatchResult& r) {
  std::vector<std::string> out;
  for (const auto& m : r.matched) out.push_back(id_of(p, m.mentee) + " <- " + id_of(p, m.mentor));
  return out;
}

const MatchedMentee& matched(const Program& p, const MatchResult& r, const std::string& mentee) {
  for (const auto& m : r.matched)
    if (id_of(p, m.mentee) == mentee) return m;
  throw std::runtime_error(mentee + " is not matched");
}

const std::string kTerm = settings("2027-01-11", "2027-03-05");

TEST(Match, PairsOnlyPeopleWhoShareAWorkingHour) {
  const auto p = program_from(kTerm,
                              std::string(kHeader) + person("m-01", "Ann Lee", "America/New_York") +
                                  person("m-02", "Kenji Mori", "Asia/Tokyo") +
                                  person("e-01", "Wei Chen", "Asia/Singapore", ",,,,,,m-01,"),
                              "mentor,mentee\n");
  const auto r = match_program(p);
  EXPECT_EQ(pairs_of(p, r), (std::vector<std::string>{"e-01 <- m-02"}));
  EXPECT_EQ(matched(p, r, "e-01").why_not_first,
            "m-01 (Ann Lee) and e-01 (Wei Chen) share no working hour: America/New_York Mon-Fri "
            "09:00-17:00 and Asia/Singapore Mon-Fri 09:00-17:00");
}

TEST(Match, ScoresGoalsLanguageAndPreferenceTermByTerm) {
  const auto p = program_from(
      kTerm + "[matching]\ngoal_weight = 7\nlanguage_weight = 3\npreference_weights = [40, 9]\n",
      std::string(kHeader) +
          person("m-01", "Ann Lee", "Europe/London", ",Finance; hiring; STRATEGY,,English,,,,") +
          person("m-02", "Ben Ode", "Europe/London", ",,,French,,,,") +
          person("e-01", "Wei Chen", "Europe/Paris",
                 ",,strategy;finance;design,French; english,,,"
                 "m-02;m-01,"),
      "mentor,mentee\n");
  const auto r = match_program(p);
  // m-01: 2 goals x 7 + language 3 + 2nd choice 9 = 26 against m-02's 0 + 3 + 40 = 43.
  ASSERT_EQ(pairs_of(p, r), (std::vector<std::string>{"e-01 <- m-02"}));
  EXPECT_EQ(r.matched[0].terms, (ScoreTerms{0, 3, 40}));
  const auto all = eligible_pairs(p);
  ASSERT_EQ(all.size(), 2u);
  EXPECT_EQ(all[0].terms, (ScoreTerms{14, 3, 9}));
}

TEST(Match, AFullMentorsPlacesGoToTheMenteesWhoRankThemFirst) {
  // m-01 has one place; e-02 ranks them first, e-01 first or second.
  const auto cohort = [](const std::string& first_prefers) {
    return program_from(
        kTerm,
        std::string(kHeader) + person("m-01", "Ann Lee", "Europe/London", "1,,,,,,,") +
            person("m-02", "Ben Ode", "Europe/London") +
            person("e-01", "Wei Chen", "Europe/London", ",,,,,," + first_prefers + ",") +
            person("e-02", "Ada Obi", "Europe/London", ",,,,,,m-01,"),
        "mentor,mentee\n");
  };
  const auto p = cohort("m-02; m-01");
  EXPECT_EQ(pairs_of(p, match_program(p)),
            (std::vector<std::string>{"e-01 <- m-02", "e-02 <- m-01"}));
  const auto q = cohort("m-01");
  const auto s = match_program(q);
  EXPECT_EQ(pairs_of(q, s), (std::vector<std::string>{"e-01 <- m-01", "e-02 <- m-02"}));
  EXPECT_EQ(matched(q, s, "e-02").why_not_first,
            "m-01 (Ann Lee) has no place left: their place goes to e-01 (Wei Chen), who ranks "
            "them first");
}

TEST(Match, PinnedRowsCountAgainstCapacityAndTheirMenteesAreNotMatchedAgain) {
  const auto p = program_from(
      kTerm,
      std::string(kHeader) + person("m-01", "Ann Lee", "Europe/London", "2,,,,,,,") +
          person("e-01", "Wei Chen", "Europe/London") + person("e-02", "Ada Obi", "Europe/London") +
          person("e-03", "Sam Roy", "Europe/London"),
      "mentor,mentee\nm-01,e-02\n");
  const auto r = match_program(p);
  EXPECT_EQ(pairs_of(p, r), (std::vector<std::string>{"e-02 <- m-01", "e-01 <- m-01"}));
  EXPECT_TRUE(r.matched[0].pinned);
  EXPECT_FALSE(r.matched[1].pinned);
  ASSERT_EQ(r.unmatched.size(), 1u);
  EXPECT_EQ(id_of(p, r.unmatched[0].mentee), "e-03");
  EXPECT_EQ(r.unmatched[0].reason,
            "the one mentor who could meet them, m-01 (Ann Lee), has no place left");
}

TEST(Match, HardRulesKeepPairsApartAndAreNamed) {
  const auto p = program_from(
      kTerm +
          "[matching]\nrequire_common_language = true\nsame_department = \"avoid\"\n"
          "min_level_gap = 2\n",
      std::string(kHeader) + person("m-01", "Ann Lee", "Europe/London", ",,,English,Sales,9,,") +
          person("m-02", "Ben Ode", "Europe/London", ",,,English,Finance,5,,") +
          person("m-03", "Cy Dunn", "Europe/London", ",,,French,Legal,9,,") +
          person("m-04", "Di Fox", "Europe/London", ",,,English,Legal,9,,e-01") +
          person("e-01", "Wei Chen", "Europe/London", ",,,english,SALES,4,,"),
      "mentor,mentee\n");
  const auto r = match_program(p);
  EXPECT_TRUE(r.matched.empty());
  ASSERT_EQ(r.unmatched.size(), 1u);
  EXPECT_EQ(r.unmatched[0].reason,
            "no mentor can take them: 1 is not min_level_gap levels above them (e.g. m-02 (Ben "
            "Ode) is level 5 and e-01 (Wei Chen) level 4; min_level_gap is 2); 1 is of their "
            "department; 1 avoids them; 1 shares no language with them");
}

TEST(Match, AMentorsWeeklyMinutesLimitTheirPlaces) {
  // 90 minutes a week hold two 45-minute sessions; biweekly, four pairs; capacity 5 is not
  // reached. 100 minutes a month hold two sessions, one biweekly pair's at least.
  const auto people = std::string(kHeader) + person("m-01", "Ann Lee", "Europe/London", "5,,,,,,,");
  auto with = [&](const std::string& limits) {
    return program_from(kTerm + "[mentor]\n" + limits + "\n", people, "mentor,mentee\n");
  };
  EXPECT_EQ(places_left(with("max_minutes_per_week = 90"))[0], 4);
  EXPECT_EQ(places_left(with("max_sessions_per_week = 1"))[0], 2);
  EXPECT_EQ(places_left(with("max_minutes_per_month = 100"))[0], 1);
  EXPECT_EQ(places_left(with("max_sessions_per_day = 1"))[0], 5);
}

TEST(Match, AProposalTheScheduleCannotPlaceWholeLosesThePlacesItCouldNotFill) {
  // One 45-minute session fits m-01's Monday hour, so of four biweekly mentees two can meet,
  // one in each phase; capacity and limits alone would allow all four.
  std::string people =
      std::string(kHeader) + "m-01,Ann Lee,m@x.example,mentor,Europe/London," + "4,,,,,,,\n";
  for (const auto* id : {"e-01", "e-02", "e-03", "e-04"})
    people += person(id, std::string("Mentee ") + id, "Europe/London");
  const auto p = program_from(kTerm, people, "mentor,mentee\n");
  ASSERT_EQ(places_left(p)[0], 4);
  const auto one_hour = [](Program q) {
    std::string why;
    q.people[0].working_hours = *WorkingHours::parse("Mon 09:00-10:00", &why);
    return q;
  }(p);
  const auto r = match_program(one_hour);
  EXPECT_EQ(pairs_of(one_hour, r), (std::vector<std::string>{"e-01 <- m-01", "e-02 <- m-01"}));
  EXPECT_EQ(r.places[0], 2);
  EXPECT_EQ(r.schedule_checks, 2u);
  ASSERT_EQ(r.unmatched.size(), 2u);
  const auto schedule = schedule_program(with_proposals(one_hour, r), {});
  for (const auto& pair : schedule.pairs) EXPECT_TRUE(pair.series) << pair.mentee_id;
}

TEST(Match, TheSampleCohortsProposalIsPlacedWhole) {
  const auto loaded = load_program_dir(MENTORCAL_SOURCE_DIR "/samples/helios-2027");
  ASSERT_TRUE(loaded.program);
  const auto& program = *loaded.program;
  const auto result = match_program(program);
  EXPECT_EQ(result.matched.size(), 18u);
  const auto proposal = with_proposals(program, result);
  const auto schedule = schedule_program(proposal, {});
  for (const auto& pair : schedule.pairs)
    EXPECT_TRUE(pair.series) << pair.mentor_id << " / " << pair.mentee_id;
  EXPECT_TRUE(verify_schedule(proposal, schedule).empty());
  EXPECT_EQ(pairs_of(program, match_program(program)), pairs_of(program, result));
}

// match checks a proposal again only where it changed (match.cpp, ScheduleChecks), on the
// solver's word that a pass over some of a program's groups of pairs (the program's part_of
// them, people renumbered), given the exact search's steps of a pass over the whole, schedules
// each group as the pass over the whole does.
TEST(ScheduleByGroups, APassOverSomeGroupsSchedulesEachAsThePassOverAll) {
  for (const std::string sample : {"/samples/acme-2027", "/samples/helios-2027"}) {
    SCOPED_TRACE(sample);
    const auto loaded = load_program_dir(MENTORCAL_SOURCE_DIR + sample);
    ASSERT_TRUE(loaded.program);
    const auto program = with_proposals(*loaded.program, match_program(*loaded.program));
    const auto whole = schedule_program(program, {});
    const auto groups = pair_groups(program.pairs, program.people.size());
    ASSERT_GE(groups.size(), 6u);
    for (std::size_t parity : {0, 1}) {
      std::vector<std::size_t> chosen;  // every other group's pairs, in program order
      for (auto g = parity; g < groups.size(); g += 2)
        chosen.insert(chosen.end(), groups[g].begin(), groups[g].end());
      std::sort(chosen.begin(), chosen.end());
      std::vector<Pair> pairs;
      for (const auto i : chosen) pairs.push_back(program.pairs[i]);
      const auto part = part_of(program, pairs);
      ASSERT_LT(part.people.size(), program.people.size());
      ScheduleOptions options;
      options.exact_steps = exact_steps_for(program.pairs.size());
      const auto some = schedule_program(part, options);
      for (std::size_t k = 0; k < chosen.size(); ++k) {
        const auto& of_whole = whole.pairs[chosen[k]];
        EXPECT_EQ(some.pairs[k].series, of_whole.series) << of_whole.mentee_id;
        EXPECT_EQ(some.pairs[k].reasons, of_whole.reasons) << of_whole.mentee_id;
      }
    }
  }
}

}  // namespace
}  // namespace mentorcal

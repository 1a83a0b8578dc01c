// Matching: who mentors whom, so that every proposed pair can really meet. The contract is the
// product's "Matching: `mentorcal match`"; docs/ALGORITHM.md ("Matching") tells how.
//
//   auto result = mentorcal::match_program(program);
//   for (const auto& p : result.matched)
//     std::cout << program.people[p.mentee].id << " <- " << program.people[p.mentor].id << '\n';
//   auto proposal = mentorcal::with_proposals(program, result);  // pinned + proposed pairs
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "mentorcal/program.hpp"

namespace mentorcal {

// A pair's score, term by term, each already weighted.
struct ScoreTerms {
  int goals = 0;       // goal_weight x the mentee's goals that are the mentor's skills
  int language = 0;    // language_weight when the two share a language
  int preference = 0;  // the weight of the mentor's rank in the mentee's prefers
  int total() const { return goals + language + preference; }
  friend bool operator==(const ScoreTerms&, const ScoreTerms&) = default;
};

ScoreTerms score_of(const Program& program, std::size_t mentor, std::size_t mentee);

struct MatchedMentee {
  std::size_t mentor = 0;  // index into Program::people
  std::size_t mentee = 0;
  ScoreTerms terms;
  bool pinned = false;  // a row of pairs.csv, kept as it is
  // When the mentee's first choice is someone else: why, in a coordinator's words; else empty.
  std::string why_not_first;
};

struct UnmatchedMentee {
  std::size_t mentee = 0;
  std::string reason;
};

struct MatchResult {
  // Pinned pairs first, in pairs.csv order, then the proposals in people.csv order of mentees.
  std::vector<MatchedMentee> matched;
  std::vector<UnmatchedMentee> unmatched;  // in people.csv order
  // The time limit stopped the checking by schedule passes: proposals that failed the last
  // check were withdrawn rather than replaced.
  bool stopped_by_time_limit = false;
  // Per person: the places the final assignment gave each mentor, places_left less any a
  // schedule pass could not fill.
  std::vector<int> places;
  // How the work went, for --timings and docs/PERFORMANCE.md.
  std::size_t calendar_classes = 0;  // people with the same calendar count once
  std::size_t calendar_checks = 0;   // mentor class x mentee class pairs searched
  std::size_t rounds = 0;            // assignments solved
  std::size_t schedule_checks = 0;   // schedule passes over the proposal
};

struct MatchOptions {
  // Polled between rounds and by the schedule passes that check a proposal.
  std::function<bool()> should_stop;
  // Called as each phase ends ("eligibility", "assignment", "schedule check", "explanations"),
  // for --timings.
  std::function<void(const char* phase)> phase_done;
};

MatchResult match_program(const Program& program, const MatchOptions& options = {});

// A mentor-mentee pair that `match` may propose: eligible under the contract's definition.
struct EligiblePair {
  std::size_t mentor = 0;
  std::size_t mentee = 0;
  ScoreTerms terms;
};
// Every eligible pair of a mentee not in pairs.csv and a mentor with a place left, by mentee
// then mentor: for tests and for tools that want the whole graph. Costs a calendar check per
// pair of calendar classes.
std::vector<EligiblePair> eligible_pairs(const Program& program);
// How many mentees each person may still be given (0 for mentees): capacity, less what their
// weekly and monthly limits leave room for at the [pair] cadence, less pinned pairs.
std::vector<int> places_left(const Program& program);

// The pair `match` proposes for these two people: the [pair] terms, no focus or location.
Pair proposed_pair(const Program& program, std::size_t mentor, std::size_t mentee);

// `program` with the proposals added to its pairs, each with the [pair] terms.
Program with_proposals(const Program& program, const MatchResult& result);

}  // namespace mentorcal

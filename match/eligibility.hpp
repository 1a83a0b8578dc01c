// Which mentor-mentee pairs `match` may propose, and what each would score: the contract's hard
// rules, then whether the pair alone could be given a series meeting min_held, decided by the
// engine's own pair search once per pair of *calendar classes* (people whose calendars are
// alike in everything the search reads) after a sound weekly prune. docs/ALGORITHM.md,
// "Matching", says why nothing eligible is pruned.
#pragma once

#include <algorithm>
#include <bit>
#include <cstdint>
#include <limits>
#include <span>
#include <string>
#include <vector>

#include "mentorcal/match.hpp"
#include "mentorcal/program.hpp"

namespace mentorcal::matching {

// What stands in the way of a pair, first found first; `none` when nothing does.
enum class Obstacle : std::uint8_t {
  none,
  mentor_avoids,
  mentee_avoids,
  same_department,
  no_common_language,
  level_gap,
  no_shared_hour,      // their working hours never overlap
  short_shared_hours,  // they do, never for as long as a session
  shared_time_busy,    // they do, but busy time and blackouts fill all of it
  cannot_hold,         // no series of theirs reaches min_held; stays last (kObstacles)
};
// How many kinds of Obstacle there are, `none` included.
inline constexpr std::size_t kObstacles = static_cast<std::size_t>(Obstacle::cannot_hold) + 1;

class Eligibility {
 public:
  // Prepares every person of `mentors` and `mentees` (indices into program.people) and searches
  // each pair of their calendar classes, on all hardware threads.
  Eligibility(const Program& program, std::span<const std::size_t> mentors,
              std::span<const std::size_t> mentees);

  // The pair's first obstacle, hard rules before calendars. Both must have been prepared.
  Obstacle obstacle(std::size_t mentor, std::size_t mentee) const {
    if (const auto rule = rule_against(mentor, mentee); rule != Obstacle::none) return rule;
    return calendars(mentor, mentee);
  }
  Obstacle rule_against(std::size_t mentor, std::size_t mentee) const;
  Obstacle calendars(std::size_t mentor, std::size_t mentee) const {
    return calendars_of_classes(class_of(mentor), class_of(mentee));
  }
  // The same by calendar class: calendars(mentor, mentee) for any mentor of `mentor_class` and
  // mentee of `mentee_class`, for the searches that look at one mentor's class many times.
  std::uint32_t class_of(std::size_t person) const { return class_of_[person]; }
  Obstacle calendars_of_classes(std::uint32_t mentor_class, std::uint32_t mentee_class) const {
    return table_[mentee_class * mentor_classes_ + mentor_class];
  }
  // Scores any two people, prepared or not.
  ScoreTerms score(std::size_t mentor, std::size_t mentee) const {
    return {goals_term(mentor, mentee), language_term(mentor, mentee),
            preference_term(mentor, mentee)};
  }
  // score(mentor, mentee).total(), for the searches that score many pairs: the terms as one
  // int, read in place.
  int total_score(std::size_t mentor, std::size_t mentee) const {
    return unlisted_score(mentor, mentee) + preference_term(mentor, mentee);
  }
  // total_score of a mentor the mentee does not list.
  int unlisted_score(std::size_t mentor, std::size_t mentee) const {
    return goals_term(mentor, mentee) + language_term(mentor, mentee);
  }
  // The obstacle as a sentence naming both people ("m-02 (Ann Lee) and e-17 (Wei Chen) share no
  // working hour: ...").
  std::string why(Obstacle obstacle, std::size_t mentor, std::size_t mentee) const;

  std::size_t calendar_classes() const { return mentor_classes_ + mentee_classes_; }
  std::size_t calendar_checks() const { return calendar_checks_; }

 private:
  bool shares(const std::vector<std::uint64_t>& bits, std::size_t words, std::size_t a,
              std::size_t b) const {
    for (std::size_t w = 0; w < words; ++w)
      if (bits[a * words + w] & bits[b * words + w]) return true;
    return false;
  }
  int goals_term(std::size_t mentor, std::size_t mentee) const {
    int common = 0;
    for (std::size_t w = 0; w < topic_words_; ++w)
      common +=
          std::popcount(goals_[mentee * topic_words_ + w] & skills_[mentor * topic_words_ + w]);
    return program_.matching.goal_weight * common;
  }
  int language_term(std::size_t mentor, std::size_t mentee) const {
    return shares(languages_, language_words_, mentor, mentee) ? program_.matching.language_weight
                                                               : 0;
  }
  // The weight of the mentor's rank in the mentee's prefers, 0 when not there.
  int preference_term(std::size_t mentor, std::size_t mentee) const {
    const auto& prefers = program_.people[mentee].profile.prefers;
    const auto& weights = program_.matching.preference_weights;
    const auto rank = static_cast<std::size_t>(std::find(prefers.begin(), prefers.end(), mentor) -
                                               prefers.begin());
    return rank < prefers.size() && rank < weights.size() ? weights[rank] : 0;
  }

  const Program& program_;
  // Per person (indexed like program.people): their class, within their role's classes.
  std::vector<std::uint32_t> class_of_;
  std::size_t mentor_classes_ = 0;
  std::size_t mentee_classes_ = 0;
  std::vector<Obstacle> table_;  // mentee class x mentor class
  std::size_t calendar_checks_ = 0;
  // Lists as bit sets over the program's distinct items, `words` words per person.
  std::size_t topic_words_ = 0;
  std::vector<std::uint64_t> skills_;
  std::vector<std::uint64_t> goals_;
  std::size_t language_words_ = 0;
  std::vector<std::uint64_t> languages_;
  std::vector<int> department_;  // -1 when none
  // Per person, so that checking a pair reads no Person: whether their avoid list has anyone,
  // and their level.
  std::vector<char> avoids_;
  static constexpr int kNoLevel = std::numeric_limits<int>::min();
  std::vector<int> level_;
};

// Someone as people read them: "m-02 (Ann Lee)".
std::string who(const Person& person);

}  // namespace mentorcal::matching

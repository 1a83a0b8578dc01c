#include "mentorcal/match.hpp"

#include <algorithm>
#include <array>
#include <climits>
#include <limits>
#include <map>
#include <optional>
#include <set>
#include <string>

#include "assignment.hpp"
#include "eligibility.hpp"
#include "mentorcal/parallel.hpp"
#include "mentorcal/solver.hpp"

namespace mentorcal {
namespace {

using matching::Eligibility;
using matching::Obstacle;
using matching::who;

// The `n` best items offered, by `Better` (a strict order): a heap with the worst on top, so
// that an item is turned away, or one kept is displaced, in log n.
template <typename Item, typename Better>
class BestFew {
 public:
  explicit BestFew(std::size_t n) : n_(n) {}
  bool full() const { return items_.size() == n_; }
  const Item& worst() const { return items_.front(); }  // when not empty
  // Whether `item` would be kept were it offered now.
  bool would_keep(const Item& item) const { return !full() || Better{}(item, worst()); }
  void offer(Item item) {
    if (!would_keep(item)) return;
    items_.push_back(std::move(item));
    std::push_heap(items_.begin(), items_.end(), Better{});
    if (items_.size() > n_) {
      std::pop_heap(items_.begin(), items_.end(), Better{});
      items_.pop_back();
    }
  }
  std::vector<Item> best_first() && {
    std::sort_heap(items_.begin(), items_.end(), Better{});
    return std::move(items_);
  }

 private:
  std::size_t n_;
  std::vector<Item> items_;
};

// How many pairs at the [pair] terms a mentor's weekly and monthly limits leave room for: a
// week holds `per_week` sessions, and a cadence of every N weeks spreads pairs over N weeks (a
// monthly one over the four ordinals); a month holds `per_month`, and each pair has at least
// floor(4 / N) sessions in any month (one for monthly). An upper bound, not a promise: the
// proposal is then checked by scheduling it.
int places_within_limits(const Person& mentor, const PairTerms& terms) {
  const int duration = static_cast<int>(terms.duration.count());
  const auto& limits = mentor.limits;
  int places = INT_MAX;
  int per_week = INT_MAX;
  if (limits.max_sessions_per_week) per_week = *limits.max_sessions_per_week;
  if (limits.max_minutes_per_week)
    per_week = std::min(per_week, *limits.max_minutes_per_week / duration);
  const bool monthly = terms.cadence.kind == Cadence::Kind::monthly;
  const int spread = monthly ? 4 : terms.cadence.weeks;
  if (per_week != INT_MAX) places = per_week * spread;
  const int per_month_each = monthly ? 1 : 4 / terms.cadence.weeks;
  if (limits.max_minutes_per_month && per_month_each > 0)
    places = std::min(places, *limits.max_minutes_per_month / duration / per_month_each);
  return places;
}

// Who `match` works with: the mentors with a place left and the mentees not in pairs.csv.
struct Cohort {
  std::vector<int> capacity;      // per person: their capacity, for mentors
  std::vector<int> limit_places;  // per person: limit_places, for mentors
  std::vector<int> pinned;        // per person: pairs.csv rows they mentor
  std::vector<int> places;        // per person: capacity and limits less pinned, >= 0
  std::vector<std::size_t> mentors;
  std::vector<std::size_t> mentees;

  explicit Cohort(const Program& program) {
    const auto n = program.people.size();
    capacity.assign(n, 0);
    limit_places.assign(n, 0);
    pinned.assign(n, 0);
    places.assign(n, 0);
    std::vector<bool> paired(n, false);
    for (const auto& pair : program.pairs) {
      ++pinned[pair.mentor];
      paired[pair.mentee] = true;
    }
    for (std::size_t i = 0; i < n; ++i) {
      const auto& p = program.people[i];
      if (p.role == Role::mentee) {
        if (!paired[i]) mentees.push_back(i);
        continue;
      }
      capacity[i] = p.profile.capacity.value_or(program.matching.capacity);
      limit_places[i] = places_within_limits(p, program.pair_defaults);
      places[i] = std::max(0, std::min(capacity[i], limit_places[i]) - pinned[i]);
      if (places[i] > 0) mentors.push_back(i);
    }
  }
};

Program program_with(const Program& program,
                     const std::vector<std::pair<std::size_t, std::size_t>>& proposed) {
  Program out = program;
  for (auto& p : out.people) p.calendar_text.clear();
  for (const auto& [mentor, mentee] : proposed)
    out.pairs.push_back(proposed_pair(program, mentor, mentee));
  return out;
}

// The schedule checks of the proposals: which of a proposal's pairs a schedule pass over the
// program, pinned pairs and proposed, places. A group of pairs that share people is scheduled
// on its own and depends only on its pairs, their people and the exact search's steps
// (solver.hpp, pair_groups), so a group a pass placed whole is not scheduled again while the
// steps stay the same: after the first check, only the groups the new proposal changed are.
class ScheduleChecks {
 public:
  ScheduleChecks(const Program& program, std::function<bool()> should_stop)
      : program_(program), should_stop_(std::move(should_stop)) {}

  struct Outcome {
    std::vector<bool> placed;  // per proposed pair
    bool stopped = false;      // the time limit ended the pass
  };

  Outcome check(const std::vector<std::pair<std::size_t, std::size_t>>& proposed) {
    auto pairs = program_.pairs;
    for (const auto& [mentor, mentee] : proposed)
      pairs.push_back(proposed_pair(program_, mentor, mentee));
    const auto steps = exact_steps_for(pairs.size());
    if (steps != steps_) placed_whole_.clear();
    steps_ = steps;

    std::vector<std::vector<std::size_t>> open;
    std::vector<std::size_t> in_part;  // the pairs scheduled, in order
    for (auto& group : pair_groups(pairs, program_.people.size()))
      if (!placed_whole_.contains(key_of(pairs, group))) {
        in_part.insert(in_part.end(), group.begin(), group.end());
        open.push_back(std::move(group));
      }
    std::sort(in_part.begin(), in_part.end());
    Outcome out;
    out.placed.assign(proposed.size(), true);
    if (in_part.empty()) return out;

    ScheduleOptions options;
    options.should_stop = should_stop_;
    options.exact_steps = steps;
    std::vector<Pair> part;
    for (const auto i : in_part) part.push_back(pairs[i]);
    const auto schedule = schedule_program(part_of(program_, part), options);
    out.stopped = schedule.outcome == PassOutcome::time_limit;
    std::vector<bool> placed(pairs.size(), true);
    for (std::size_t i = 0; i < in_part.size(); ++i)
      placed[in_part[i]] = schedule.pairs[i].series.has_value();
    for (std::size_t i = 0; i < proposed.size(); ++i)
      out.placed[i] = placed[program_.pairs.size() + i];
    if (!out.stopped)
      for (const auto& group : open)
        if (std::all_of(group.begin(), group.end(), [&](std::size_t i) { return placed[i]; }))
          placed_whole_.insert(key_of(pairs, group));
    return out;
  }

 private:
  using Key = std::vector<std::pair<std::size_t, std::size_t>>;  // mentor, mentee per pair

  static Key key_of(const std::vector<Pair>& pairs, const std::vector<std::size_t>& group) {
    Key key;
    for (const auto i : group) key.emplace_back(pairs[i].mentor, pairs[i].mentee);
    return key;
  }

  const Program& program_;
  std::function<bool()> should_stop_;
  std::size_t steps_ = 0;
  std::set<Key> placed_whole_;  // groups a pass with steps_ placed whole
};

std::string ordinal(std::size_t n) {
  const auto suffix = n % 100 >= 11 && n % 100 <= 13 ? "th"
                      : n % 10 == 1                  ? "st"
                      : n % 10 == 2                  ? "nd"
                      : n % 10 == 3                  ? "rd"
                                                     : "th";
  return std::to_string(n) + suffix;
}

std::string places_text(int n) {
  return n == 1 ? "1 place" : std::to_string(n) + " places";
}

// The candidates of each mentee kept for the assignment, best first, and how the search for
// the optimum adds to them.
class Matcher {
 public:
  Matcher(const Program& program, const Cohort& cohort, const Eligibility& eligibility)
      : cohort_(cohort), eligibility_(eligibility), program_(program) {
    const auto& s = program.matching;
    const int best_preference =
        s.preference_weights.empty()
            ? 0
            : *std::max_element(s.preference_weights.begin(), s.preference_weights.end());
    unpreferred_score_.reserve(cohort.mentees.size());
    for (const auto e : cohort.mentees) {
      const int unpreferred =
          s.goal_weight * static_cast<int>(program.people[e].profile.goals.size()) +
          s.language_weight;
      unpreferred_score_.push_back(unpreferred);
      max_score_ = std::max(max_score_, unpreferred + best_preference);
    }
    local_.assign(program.people.size(), kNotHere);
    for (std::size_t k = 0; k < cohort.mentors.size(); ++k)
      local_[cohort.mentors[k]] = static_cast<std::uint32_t>(k);
    places_.reserve(cohort.mentors.size());
    for (const auto mentor : cohort.mentors) {
      places_.push_back(cohort.places[mentor]);
      mentor_class_.push_back(eligibility.class_of(mentor));
    }
  }

  // The optimum over every eligible pair: solved over each mentee's best kept candidates, then
  // proved by the potentials, every pair left out having a non-negative reduced cost; of the
  // pairs that do not, each mentee's most negative few are added and the assignment solved
  // again, from the last optimum (after a schedule check too, with fewer places).
  matching::Assignment solve(std::size_t& rounds) {
    if (kept_.empty()) {
      kept_.resize(cohort_.mentees.size());
      for_each_index_in_parallel(cohort_.mentees.size(),
                                 [&](std::size_t j) { kept_[j] = first_candidates(j); });
    }
    for (;;) {
      ++rounds;
      matching::AssignmentProblem problem;
      problem.mentees = cohort_.mentees.size();
      problem.places = places_;
      problem.max_score = max_score_;
      for (const auto& kept : kept_)
        problem.edges.insert(problem.edges.end(), kept.begin(), kept.end());
      // Ties are settled once the proof is done. The rounds after a schedule check start from
      // that settled optimum, and their repair keeps it so (moving only the mentees the lost
      // places and the added pairs move) unless it gives way to a flow from scratch.
      auto assignment = matching::assign(problem, matching::Ties::any, last_ ? &*last_ : nullptr);

      // A pair (j, k) has reduced cost max_score - score + pi(j) - pi(k). A mentor whom j does
      // not list scores at most unpreferred_score_[j], so no pair of j with such a mentor costs
      // less than pi(j) + max_score - unpreferred_score_[j] - pi(k), which only grows as pi(k)
      // falls: mentors are looked at by potential, highest first, until that bound reaches zero
      // (every pair further on is admitted) or exceeds the least negative of the
      // kAddedPerRound pairs j has so far (none further on could replace it). The few j lists
      // are looked at one by one.
      // Mentors with a place, by potential, highest first: (potential, local mentor).
      std::vector<std::pair<long long, std::uint32_t>> by_price;
      for (std::uint32_t k = 0; k < places_.size(); ++k)
        if (places_[k] > 0) by_price.emplace_back(assignment.mentor_potential[k], k);
      std::sort(by_price.begin(), by_price.end(), [](const auto& a, const auto& b) {
        return a.first != b.first ? a.first > b.first : a.second < b.second;
      });
      std::vector<std::vector<matching::CandidateEdge>> added(cohort_.mentees.size());
      for_each_index_in_parallel(cohort_.mentees.size(), [&](std::size_t j) {
        const auto& kept = kept_[j];
        // The most negative pairs so far, by reduced cost then mentor.
        using Priced = std::pair<long long, matching::CandidateEdge>;
        struct MoreNegative {
          bool operator()(const Priced& a, const Priced& b) const {
            return a.first != b.first ? a.first < b.first : a.second.mentor < b.second.mentor;
          }
        };
        BestFew<Priced, MoreNegative> best(kAddedPerRound);
        // The pair (j, k) scoring `score`, when `can_meet()`: asked only of a pair that would be
        // kept, as most are not.
        const auto consider = [&](std::size_t k, int score, const auto& can_meet) {
          const matching::CandidateEdge edge{static_cast<std::uint32_t>(j),
                                             static_cast<std::uint32_t>(k), score};
          const Priced priced{assignment.reduced_cost(edge), edge};
          if (priced.first >= 0 || !best.would_keep(priced) || !can_meet() ||
              std::any_of(kept.begin(), kept.end(),
                          [&](const auto& c) { return c.mentor == edge.mentor; }) ||
              !rules_allow(j, k))
            return;
          best.offer(priced);
        };
        for_each_listed(j, [&](std::size_t k) {
          if (const auto score = score_if_they_can_meet(j, k))
            consider(k, *score, [] { return true; });
        });
        const long long unlisted =
            assignment.mentee_potential[j] + max_score_ - unpreferred_score_[j];
        for (const auto& [potential, k] : by_price) {
          const auto bound = unlisted - potential;
          if (bound >= 0 || (best.full() && bound > best.worst().first)) break;
          consider(k, unlisted_score(j, k), [&] { return unlisted_can_meet(j, k); });
        }
        for (auto& [cost, edge] : std::move(best).best_first()) added[j].push_back(edge);
      });
      bool any = false;
      for (std::size_t j = 0; j < added.size(); ++j) {
        any = any || !added[j].empty();
        kept_[j].insert(kept_[j].end(), added[j].begin(), added[j].end());
      }
      if (!any) {
        last_ = assignment.tie_dual.empty() ? matching::settle_ties(problem, assignment)
                                            : std::move(assignment);
        return *last_;
      }
      last_ = std::move(assignment);
    }
  }

  std::vector<int>& places() { return places_; }

 private:
  // A small first flow; the proof adds what is missing. Few first and many added per round
  // takes fewer rounds (the early ones each a flow solved from scratch) than many first and few
  // added.
  static constexpr std::size_t kFirstCandidates = 8;
  // Pairs added per mentee and round, the most negative reduced costs first.
  static constexpr std::size_t kAddedPerRound = 64;

  // Local mentee j's kFirstCandidates best eligible mentors with a place: the highest scores,
  // of equal scores the mentors first in people.csv, best first. The mentors j does not list are
  // looked at in that order, so once that many score what none of them can beat, those after
  // them can only lose; the few j lists, who may score more, are looked at after.
  std::vector<matching::CandidateEdge> first_candidates(std::size_t j) const {
    struct Better {
      bool operator()(const matching::CandidateEdge& a, const matching::CandidateEdge& b) const {
        return a.score != b.score ? a.score > b.score : a.mentor < b.mentor;
      }
    };
    BestFew<matching::CandidateEdge, Better> kept(kFirstCandidates);
    // Mentors kept (some since displaced by better ones) that score unpreferred_score_[j]: one
    // that scores that much is turned away only once kFirstCandidates at least as good are
    // kept, by which time the look has ended.
    std::size_t unbeaten = 0;
    // The pair (j, k) scoring `score`, when `can_meet()`: asked only of a pair that would be
    // kept.
    const auto offer = [&](std::size_t k, int score, const auto& can_meet) {
      const matching::CandidateEdge edge{static_cast<std::uint32_t>(j),
                                         static_cast<std::uint32_t>(k), score};
      if (!kept.would_keep(edge) || !can_meet() || !rules_allow(j, k)) return;
      if (score >= unpreferred_score_[j]) ++unbeaten;
      kept.offer(edge);
    };
    for (std::size_t k = 0; k < places_.size() && unbeaten < kFirstCandidates; ++k)
      offer(k, unlisted_score(j, k), [&] { return unlisted_can_meet(j, k); });
    for_each_listed(j, [&](std::size_t k) {
      if (const auto score = score_if_they_can_meet(j, k)) offer(k, *score, [] { return true; });
    });
    auto best = std::move(kept).best_first();
    best.shrink_to_fit();
    return best;
  }

  // What local mentor k scores with local mentee j when k has a place and their calendars allow
  // the pair (a table), nullopt otherwise. The pair is eligible when rules_allow it too: the hard
  // rules cost more to check, so the searches ask them only of pairs they would keep.
  std::optional<int> score_if_they_can_meet(std::size_t j, std::size_t k) const {
    const auto mentor = cohort_.mentors[k];
    const auto mentee = cohort_.mentees[j];
    if (places_[k] == 0 || eligibility_.calendars(mentor, mentee) != Obstacle::none)
      return std::nullopt;
    return eligibility_.total_score(mentor, mentee);
  }

  // For a mentor j does not list: what they score (no rank), and whether k has a place and
  // their calendars allow the pair (false for a mentor j lists: the searches look at those on
  // their own). The searches score first, as most pairs they look at are not kept.
  int unlisted_score(std::size_t j, std::size_t k) const {
    return eligibility_.unlisted_score(cohort_.mentors[k], cohort_.mentees[j]);
  }
  bool unlisted_can_meet(std::size_t j, std::size_t k) const {
    const auto mentor = cohort_.mentors[k];
    const auto mentee = cohort_.mentees[j];
    const auto& prefers = program_.people[mentee].profile.prefers;
    return places_[k] != 0 &&
           eligibility_.calendars_of_classes(mentor_class_[k], eligibility_.class_of(mentee)) ==
               Obstacle::none &&
           std::find(prefers.begin(), prefers.end(), mentor) == prefers.end();
  }

  bool rules_allow(std::size_t j, std::size_t k) const {
    return eligibility_.rule_against(cohort_.mentors[k], cohort_.mentees[j]) == Obstacle::none;
  }

  // Calls visit(local mentor) for each mentor of the cohort whom local mentee j lists, once
  // each, in the mentee's order.
  template <typename Visit>
  void for_each_listed(std::size_t j, const Visit& visit) const {
    const auto& prefers = program_.people[cohort_.mentees[j]].profile.prefers;
    for (auto it = prefers.begin(); it != prefers.end(); ++it)
      if (const auto k = local_[*it]; k != kNotHere && std::find(prefers.begin(), it, *it) == it)
        visit(k);
  }

  const Cohort& cohort_;
  const Eligibility& eligibility_;
  int max_score_ = 0;
  static constexpr std::uint32_t kNotHere = UINT32_MAX;
  const Program& program_;
  std::vector<int> unpreferred_score_;  // per local mentee: no mentor they do not list scores more
  std::vector<std::uint32_t> local_;    // per person: their local mentor index, or kNotHere
  std::vector<int> places_;             // per local mentor
  std::vector<std::uint32_t> mentor_class_;  // per local mentor: their calendar class
  std::vector<std::vector<matching::CandidateEdge>> kept_;  // per local mentee
  std::optional<matching::Assignment> last_;  // the last round's optimum, where the next starts
};

// The words behind each unmatched mentee and each one not given their first choice.
class Explainer {
 public:
  Explainer(const Program& program, const Cohort& cohort, const Eligibility& eligibility,
            const std::vector<int>& places, const std::vector<std::size_t>& mentor_of)
      : program_(program),
        cohort_(cohort),
        eligibility_(eligibility),
        places_(places),
        mentor_of_(mentor_of),
        taken_by_(program.people.size()) {
    for (std::size_t i = 0; i < program.people.size(); ++i)
      if (program.people[i].role == Role::mentor) all_mentors_.push_back(i);
    for (const auto& pair : program.pairs) taken_by_[pair.mentor].push_back(pair.mentee);
    for (const auto e : cohort.mentees)
      if (mentor_of[e] != kNone) taken_by_[mentor_of[e]].push_back(e);
  }

  static constexpr std::size_t kNone = SIZE_MAX;

  // Why `mentee` is not with `mentor`, who is not their mentor.
  std::string why_not_with(std::size_t mentor, std::size_t mentee) const {
    const auto& m = program_.people[mentor];
    if (const auto obstacle = eligibility_.rule_against(mentor, mentee); obstacle != Obstacle::none)
      return eligibility_.why(obstacle, mentor, mentee);
    if (places_[mentor] == 0 && cohort_.places[mentor] == 0) return no_places(mentor);
    if (const auto obstacle = eligibility_.calendars(mentor, mentee); obstacle != Obstacle::none)
      return eligibility_.why(obstacle, mentor, mentee);
    const auto& taken = taken_by_[mentor];
    const int total = places_[mentor] + cohort_.pinned[mentor];
    if (static_cast<int>(taken.size()) >= total) {
      std::string text = who(m) + " has no place left: ";
      const bool all_first = std::all_of(taken.begin(), taken.end(), [&](std::size_t e) {
        const auto& prefers = program_.people[e].profile.prefers;
        return !prefers.empty() && prefers.front() == mentor && mentor_of_[e] == mentor;
      });
      text += taken.size() == 1 ? "their place goes to "
              : total == 2      ? "both places go to "
                                : "all " + places_text(total) + " go to ";
      if (all_first && taken.size() > 1) {
        text += "mentees who rank them first (";
      }
      for (std::size_t i = 0; i < taken.size(); ++i) {
        if (i > 0) text += i + 1 == taken.size() ? (all_first ? " and " : ", and ") : ", ";
        text += who(program_.people[taken[i]]);
        if (!all_first || taken.size() == 1) text += rank_note(mentor, taken[i]);
      }
      if (all_first && taken.size() > 1) text += ")";
      if (places_[mentor] < cohort_.places[mentor])
        text += "; a schedule pass placed only " + places_text(total) + " of their pairs together";
      return text;
    }
    const auto current = mentor_of_[mentee];
    const auto theirs = eligibility_.total_score(mentor, mentee);
    if (current == kNone) return who(m) + " has a place, but giving it to them leaves others out";
    const auto mine = eligibility_.total_score(current, mentee);
    return who(m) + " has a place, but the pairing with " + who(program_.people[current]) +
           " scores " + std::to_string(mine) + " against " + std::to_string(theirs) +
           (mine == theirs ? " (a tie, settled by id)" : "");
  }

  // Why no mentor took `mentee`.
  std::string why_unmatched(std::size_t mentee) const {
    const auto& prefers = program_.people[mentee].profile.prefers;
    // Each mentor's first obstacle counted, and the first mentor it stops kept; its words are
    // written once, for that mentor only. kNoPlace stands for "no place for a new mentee".
    constexpr auto kNoPlace = matching::kObstacles;
    struct Count {
      int count = 0;
      std::size_t first = kNone;
    };
    std::array<Count, kNoPlace + 1> counts{};
    int full = 0;
    std::size_t first_full = kNone;
    for (const auto mentor : all_mentors_) {
      auto obstacle = eligibility_.rule_against(mentor, mentee);
      if (obstacle == Obstacle::none && cohort_.places[mentor] != 0)
        obstacle = eligibility_.calendars(mentor, mentee);
      const auto kind = obstacle == Obstacle::none && cohort_.places[mentor] == 0
                            ? kNoPlace
                            : static_cast<std::size_t>(obstacle);
      if (kind == static_cast<std::size_t>(Obstacle::none)) {
        if (full++ == 0) first_full = mentor;
        continue;
      }
      if (counts[kind].count++ == 0) counts[kind].first = mentor;
    }
    struct Cause {
      int count = 0;
      std::string example;  // the first mentor's case, in full
    };
    std::map<std::string, Cause> causes;
    for (std::size_t kind = 0; kind < counts.size(); ++kind) {
      const auto& [count, mentor] = counts[kind];
      if (count == 0) continue;
      if (kind == kNoPlace) {
        causes["have no place for a new mentee"] = {count, no_places(mentor)};
      } else {
        const auto obstacle = static_cast<Obstacle>(kind);
        causes[cause_of(obstacle)] = {count, eligibility_.why(obstacle, mentor, mentee)};
      }
    }
    std::string text;
    if (!prefers.empty()) text = "first choice: " + why_not_with(prefers.front(), mentee) + "; ";
    if (full > 0) {
      text += full == 1 ? "the one mentor who could meet them, " +
                              who(program_.people[first_full]) + ", has no place left"
                        : "the " + std::to_string(full) +
                              " mentors who could meet them have no place left (e.g. " +
                              who(program_.people[first_full]) + ")";
      if (!causes.empty()) text += "; of the others, ";
    } else {
      text += causes.empty() ? "there is no mentor in the program" : "no mentor can take them: ";
    }
    // Most common cause first; equal counts in the order of their words.
    std::vector<std::pair<std::string, Cause>> sorted(causes.begin(), causes.end());
    std::stable_sort(sorted.begin(), sorted.end(),
                     [](const auto& a, const auto& b) { return a.second.count > b.second.count; });
    for (std::size_t i = 0; i < sorted.size(); ++i) {
      if (i > 0) text += "; ";
      text += std::to_string(sorted[i].second.count) + " " +
              (sorted[i].second.count == 1 ? singular(sorted[i].first) : sorted[i].first);
      if (i == 0) text += " (e.g. " + sorted[i].second.example + ")";
    }
    return text;
  }

 private:
  // The cause with its verb for one mentor: "are of their department" -> "is of ...".
  static std::string singular(const std::string& cause) {
    static const std::map<std::string, std::string> verbs{
        {"are", "is"}, {"avoid", "avoids"}, {"share", "shares"}, {"have", "has"}};
    const auto space = cause.find(' ');
    const auto it = verbs.find(cause.substr(0, space));
    return it == verbs.end() ? cause : it->second + cause.substr(space);
  }

  static std::string cause_of(Obstacle obstacle) {
    switch (obstacle) {
      case Obstacle::none:
        return {};
      case Obstacle::mentor_avoids:
        return "avoid them";
      case Obstacle::mentee_avoids:
        return "are on their avoid list";
      case Obstacle::same_department:
        return "are of their department";
      case Obstacle::no_common_language:
        return "share no language with them";
      case Obstacle::level_gap:
        return "are not min_level_gap levels above them";
      case Obstacle::no_shared_hour:
        return "share no working hour with them";
      case Obstacle::short_shared_hours:
        return "share too little working time with them";
      case Obstacle::shared_time_busy:
        return "share only busy time with them";
      case Obstacle::cannot_hold:
        return "could not hold min_held of a series with them";
    }
    return {};
  }

  std::string no_places(std::size_t mentor) const {
    const auto& m = program_.people[mentor];
    const int capacity = cohort_.capacity[mentor];
    if (capacity == 0) return who(m) + " takes no new mentee (capacity 0)";
    const int limit = cohort_.limit_places[mentor];
    const int pinned = cohort_.pinned[mentor];
    if (limit < capacity) {
      const auto& terms = program_.pair_defaults;
      std::string text = who(m) + "'s limits leave room for " +
                         (limit == 1 ? std::string("1 pair") : std::to_string(limit) + " pairs") +
                         " of " + std::to_string(terms.duration.count()) + " minutes " +
                         terms.cadence.to_string();
      return pinned > 0 ? text + ", all taken by pairs.csv" : text;
    }
    return who(m) + " has no capacity left: all " + places_text(capacity) +
           " go to pairs in pairs.csv";
  }

  std::string rank_note(std::size_t mentor, std::size_t mentee) const {
    if (mentor_of_[mentee] != mentor) return ", pinned in pairs.csv";
    const auto& prefers = program_.people[mentee].profile.prefers;
    const auto rank = static_cast<std::size_t>(std::find(prefers.begin(), prefers.end(), mentor) -
                                               prefers.begin());
    if (rank == prefers.size()) return ", who does not list them";
    return ", who ranks them " + (rank == 0 ? std::string("first") : ordinal(rank + 1));
  }

  const Program& program_;
  const Cohort& cohort_;
  const Eligibility& eligibility_;
  const std::vector<int>& places_;  // per person, after the schedule checks
  const std::vector<std::size_t>& mentor_of_;
  std::vector<std::vector<std::size_t>> taken_by_;  // per mentor: pinned, then proposed
  std::vector<std::size_t> all_mentors_;
};

}  // namespace

Pair proposed_pair(const Program& program, std::size_t mentor, std::size_t mentee) {
  Pair pair;
  pair.mentor = mentor;
  pair.mentee = mentee;
  pair.cadence = program.pair_defaults.cadence;
  pair.duration = program.pair_defaults.duration;
  pair.min_held = program.pair_defaults.min_held;
  return pair;
}

std::vector<int> places_left(const Program& program) {
  return Cohort(program).places;
}

std::vector<EligiblePair> eligible_pairs(const Program& program) {
  const Cohort cohort(program);
  const Eligibility eligibility(program, cohort.mentors, cohort.mentees);
  std::vector<EligiblePair> out;
  for (const auto e : cohort.mentees)
    for (const auto m : cohort.mentors)
      if (eligibility.obstacle(m, e) == Obstacle::none)
        out.push_back({m, e, eligibility.score(m, e)});
  return out;
}

Program with_proposals(const Program& program, const MatchResult& result) {
  std::vector<std::pair<std::size_t, std::size_t>> proposed;
  for (const auto& m : result.matched)
    if (!m.pinned) proposed.emplace_back(m.mentor, m.mentee);
  return program_with(program, proposed);
}

MatchResult match_program(const Program& program, const MatchOptions& options) {
  MatchResult result;
  const auto done = [&](const char* phase) {
    if (options.phase_done) options.phase_done(phase);
  };
  const Cohort cohort(program);
  const Eligibility eligibility(program, cohort.mentors, cohort.mentees);
  done("eligibility");
  result.calendar_classes = eligibility.calendar_classes();
  result.calendar_checks = eligibility.calendar_checks();
  Matcher matcher(program, cohort, eligibility);

  // Solve, then schedule the proposal; a mentor whose pairs the pass could not place together
  // loses the places it did not fill, and the assignment is solved again, until every proposed
  // pair is placed. Places only fall, so this ends.
  std::vector<std::size_t> mentor_of(program.people.size(), Explainer::kNone);
  std::vector<std::size_t> withdrawn;
  ScheduleChecks checks(program, options.should_stop);
  for (;;) {
    const auto assignment = matcher.solve(result.rounds);
    done("assignment");
    std::vector<std::pair<std::size_t, std::size_t>> proposed;
    for (std::size_t j = 0; j < cohort.mentees.size(); ++j) {
      const auto e = cohort.mentees[j];
      const auto k = assignment.mentor_of[j];
      mentor_of[e] = k < 0 ? Explainer::kNone : cohort.mentors[static_cast<std::size_t>(k)];
      if (k >= 0) proposed.emplace_back(mentor_of[e], e);
    }
    if (proposed.empty()) break;
    const auto check = checks.check(proposed);
    ++result.schedule_checks;
    done("schedule check");
    std::map<std::size_t, int> unplaced;  // mentor, proposed pairs not placed
    for (std::size_t i = 0; i < proposed.size(); ++i)
      if (!check.placed[i]) {
        ++unplaced[proposed[i].first];
        if (check.stopped) withdrawn.push_back(proposed[i].second);
      }
    if (unplaced.empty()) break;
    if (check.stopped) {
      result.stopped_by_time_limit = true;
      for (const auto e : withdrawn) mentor_of[e] = Explainer::kNone;
      break;
    }
    for (std::size_t k = 0; k < cohort.mentors.size(); ++k)
      if (const auto it = unplaced.find(cohort.mentors[k]); it != unplaced.end())
        matcher.places()[k] = std::max(0, matcher.places()[k] - it->second);
  }

  std::vector<int> places(program.people.size(), 0);
  for (std::size_t k = 0; k < cohort.mentors.size(); ++k)
    places[cohort.mentors[k]] = matcher.places()[k];
  const Explainer explain(program, cohort, eligibility, places, mentor_of);
  result.places = places;
  const auto first_choice_note = [&](std::size_t mentor, std::size_t mentee) -> std::string {
    const auto& prefers = program.people[mentee].profile.prefers;
    if (prefers.empty() || prefers.front() == mentor) return {};
    return explain.why_not_with(prefers.front(), mentee);
  };
  for (const auto& pair : program.pairs) {
    MatchedMentee m{
        pair.mentor, pair.mentee, eligibility.score(pair.mentor, pair.mentee), true, {}};
    const auto& prefers = program.people[pair.mentee].profile.prefers;
    if (!prefers.empty() && prefers.front() != pair.mentor)
      m.why_not_first = "pairs.csv pairs them with " + who(program.people[pair.mentor]);
    result.matched.push_back(std::move(m));
  }
  // Each mentee's words on every hardware thread (an unmatched mentee's look at every mentor),
  // then the results in people.csv order.
  std::vector<std::string> words(cohort.mentees.size());
  for_each_index_in_parallel(cohort.mentees.size(), [&](std::size_t j) {
    const auto e = cohort.mentees[j];
    const auto mentor = mentor_of[e];
    if (mentor != Explainer::kNone)
      words[j] = first_choice_note(mentor, e);
    else if (std::find(withdrawn.begin(), withdrawn.end(), e) != withdrawn.end())
      words[j] =
          "the time limit ended before a schedule pass could place their pair with their "
          "mentor's other pairs";
    else
      words[j] = explain.why_unmatched(e);
  });
  for (std::size_t j = 0; j < cohort.mentees.size(); ++j) {
    const auto e = cohort.mentees[j];
    const auto mentor = mentor_of[e];
    if (mentor == Explainer::kNone)
      result.unmatched.push_back({e, std::move(words[j])});
    else
      result.matched.push_back(
          {mentor, e, eligibility.score(mentor, e), false, std::move(words[j])});
  }
  done("explanations");
  return result;
}

}  // namespace mentorcal

#include "exact.hpp"

#include <algorithm>
#include <memory>
#include <unordered_map>

namespace mentorcal::engine {
namespace {

// The rule shapes of a pair whose occurrences fall in the same ISO weeks. For the first two
// terms of the objective they are one choice, since an occurrence may move anywhere in its
// week: which of them becomes the series time only decides what counts as moved.
struct RuleClass {
  std::vector<Placement> shapes;
  std::vector<std::pair<int, int>> weeks;  // the days of each occurrence's ISO week
};

// Only shapes the pair can meet on, at some time of one of its dates, are series times: a
// series on a day neither party works, every occurrence moved, is no series a coordinator wants,
// though it may have one occurrence fewer to hold when the term cuts that weekday short.
std::vector<RuleClass> classes_of(const PairSpace& space) {
  std::vector<RuleClass> out;
  const auto meets = [&](int day) {
    for (int s = 0; s < space.slots_per_day(); ++s)
      if (space.statically_free(day, s)) return true;
    return false;
  };
  for (const auto& shape : space.rule_shapes()) {
    const auto days = space.rule_days(shape);
    if (std::none_of(days.begin(), days.end(), meets)) continue;
    std::vector<std::pair<int, int>> weeks;
    for (const int d : days) weeks.push_back(space.week_of(d));
    const auto same =
        std::find_if(out.begin(), out.end(), [&](const RuleClass& c) { return c.weeks == weeks; });
    if (same != out.end())
      same->shapes.push_back(shape);
    else
      out.push_back({{shape}, std::move(weeks)});
  }
  return out;
}

struct Position {
  int day = 0;
  int slot = 0;
  friend bool operator==(const Position&, const Position&) = default;
};
using Choice = std::optional<Position>;  // nullopt: skipped

// Whether any slot of the days [first, last] is free of both parties' fixed commitments.
bool any_static_slot(const PairSpace& space, std::pair<int, int> week) {
  for (int d = week.first; d <= week.second; ++d)
    for (int s = 0; s < space.slots_per_day(); ++s)
      if (space.statically_free(d, s)) return true;
  return false;
}

struct VectorHash {
  std::size_t operator()(const std::vector<long>& v) const {
    std::size_t h = v.size();
    for (const long x : v) h ^= std::hash<long>{}(x) + 0x9e3779b97f4a7c15ULL + (h << 6) + (h >> 2);
    return h;
  }
};

// What the search knows of one rule class of one member before anything is booked.
struct ClassFacts {
  std::vector<Instant> week_starts;  // of each occurrence's week
  std::vector<bool> possible;        // some slot of the week is free of fixed commitments
  int need = 0;
  int forced = 0;  // occurrences with no such slot
  bool viable = false;
};

// One decision: a member's rule class, or what becomes of one of its occurrences.
struct Step {
  std::size_t member = 0;
  bool is_class = false;
  std::size_t value = 0;  // the class, or the occurrence
  Choice choice;          // for an occurrence: where it takes place, or skipped
};

// The decisions from a state to the end, shared between the results that end alike.
struct Path {
  Step step;
  std::shared_ptr<const Path> rest;
};

// The best found: a rule class for each member and what became of each occurrence.
struct Solution {
  std::vector<std::size_t> classes;
  std::vector<std::vector<Choice>> choices;  // by member, by occurrence
};

// A depth-first search over the decisions in time order: each member's rule class when its
// first possible week comes, each occurrence when its week comes. It is cut by bounds against
// the best score so far, and a memo of the states already searched: what is left to decide
// depends only on each member's progress and on the parties' sessions and tallies from the
// next decision's time on.
class Search {
 public:
  struct Result {
    Score score{-1, 0};
    bool exact = true;  // no branch was cut by a bound or the budget
    std::shared_ptr<const Path> suffix;
  };

  Search(std::vector<Member>& members, const std::vector<std::vector<RuleClass>>& classes,
         Score& incumbent, std::size_t budget)
      : members_(members), classes_(classes), incumbent_(incumbent), budget_(budget) {
    for (std::size_t m = 0; m < members_.size(); ++m) {
      const auto& space = members_[m].space;
      auto& facts = facts_.emplace_back();
      for (const auto& c : classes_[m]) {
        auto& f = facts.emplace_back();
        for (const auto& week : c.weeks) {
          f.week_starts.push_back(space.session(week.first, 0).start);
          f.possible.push_back(any_static_slot(space, week));
          f.forced += !f.possible.back();
        }
        f.need = std::max(1, needed(space.pair(), c.weeks.size()));
        f.viable = static_cast<int>(c.weeks.size()) - f.forced >= f.need;
      }
      auto& state = states_.emplace_back();
      state.dead = std::none_of(facts.begin(), facts.end(), [](const auto& f) { return f.viable; });
      booked_.emplace_back();
      auto& parties = members_[m].parties;
      for (const auto& person : {std::pair{&parties.anchor, &parties.anchor_load},
                                 std::pair{&parties.other, &parties.other_load}})
        if (std::none_of(people_.begin(), people_.end(),
                         [&](const auto& p) { return p.first == person.first; }))
          people_.push_back(person);
    }
  }

  Result run() { return search(); }
  bool aborted() const { return aborted_; }

 private:
  struct State {
    int cls = -1;  // not chosen yet
    std::size_t k = 0;
    int held = 0;
    int skipped = 0;
    bool dead = false;
  };

  const ClassFacts& facts(std::size_t m) const {
    return facts_[m][static_cast<std::size_t>(states_[m].cls)];
  }
  bool finished(std::size_t m) const {
    const auto& s = states_[m];
    return s.dead || (s.cls >= 0 && s.k == facts(m).week_starts.size());
  }
  Instant time_of(std::size_t m) const {
    const auto& s = states_[m];
    if (s.cls >= 0) return facts(m).week_starts[s.k];
    Instant earliest = Instant::max();
    for (const auto& f : facts_[m])
      if (f.viable) earliest = std::min(earliest, f.week_starts.front());
    return earliest;
  }
  int forced_after(std::size_t m) const {
    const auto& s = states_[m];
    if (s.cls < 0) {
      int least = std::numeric_limits<int>::max();
      for (const auto& f : facts_[m])
        if (f.viable) least = std::min(least, f.forced);
      return least;
    }
    const auto& p = facts(m).possible;
    return static_cast<int>(std::count(p.begin() + static_cast<long>(s.k), p.end(), false));
  }
  int possible_after(std::size_t m) const {
    const auto& p = facts(m).possible;
    return static_cast<int>(std::count(p.begin() + static_cast<long>(states_[m].k), p.end(), true));
  }

  // Every member still alive scheduled, skipping only the occurrences with no free slot at all.
  Score unbounded() const {
    Score score{0, 0};
    for (std::size_t m = 0; m < states_.size(); ++m) {
      if (states_[m].dead) continue;
      score.pairs += 1;
      score.skipped += states_[m].skipped + forced_after(m);
    }
    return score;
  }

  // What each member still needs to hold, and could hold, at best.
  std::pair<int, int> still_needed_and_possible(std::size_t m) const {
    const auto& s = states_[m];
    if (s.cls >= 0) return {std::max(0, facts(m).need - s.held), possible_after(m)};
    int need = std::numeric_limits<int>::max();
    int possible = 0;
    for (const auto& f : facts_[m]) {
      if (!f.viable) continue;
      need = std::min(need, f.need);
      possible = std::max(possible, static_cast<int>(f.possible.size()) - f.forced);
    }
    return {need, possible};
  }

  // A bound on the score: unbounded(), unless a person's weekly and monthly limits leave too few
  // sessions for what that person's members need (then some must go unscheduled), or for all
  // they could hold (then some must be skipped).
  Score optimistic(Instant from) const {
    auto score = unbounded();
    int must_go = 0;
    int must_skip = 0;
    for (const auto& [calendar, load] : people_) {
      std::vector<int> needs;
      int possible = 0;
      Minutes shortest = Minutes::max();
      for (std::size_t m = 0; m < states_.size(); ++m) {
        const auto& parties = members_[m].parties;
        if (states_[m].dead || (&parties.anchor != calendar && &parties.other != calendar))
          continue;
        const auto [need, could] = still_needed_and_possible(m);
        needs.push_back(need);
        possible += could;
        shortest = std::min(shortest, members_[m].space.pair().duration);
      }
      if (needs.empty()) continue;
      const int capacity = load->capacity(from, shortest, *calendar);
      std::sort(needs.begin(), needs.end());
      int fit = 0;
      long used = 0;
      for (const int need : needs) {
        if (used + need > capacity) break;
        used += need;
        ++fit;
      }
      must_go = std::max(must_go, static_cast<int>(needs.size()) - fit);
      must_skip = std::max(must_skip, possible - capacity);
    }
    if (must_go > 0) return Score{score.pairs - must_go, 0};  // whose skips count is open
    score.skipped += std::max(0, must_skip);
    return score;
  }

  std::vector<long> key(Instant from) const {
    std::vector<long> k;
    for (std::size_t m = 0; m < states_.size(); ++m) {
      const auto& s = states_[m];
      if (s.dead) {
        k.push_back(-1);
      } else if (s.cls < 0) {
        k.push_back(-2);
      } else if (finished(m)) {
        k.insert(k.end(), {-3, s.skipped});
      } else {
        k.insert(k.end(), {s.cls, static_cast<long>(s.k), s.held});
      }
    }
    for (const auto& [calendar, load] : people_) {
      k.push_back(-4);
      load->append_state(from, *calendar, k);
    }
    return k;
  }

  Interval session_of(std::size_t m, Position p) const {
    return members_[m].space.session(p.day, p.slot);
  }
  void book(std::size_t m, Position p) {
    auto& parties = members_[m].parties;
    const auto s = session_of(m, p);
    parties.anchor_load.book(s, parties.anchor);
    parties.other_load.book(s, parties.other);
  }
  void release(std::size_t m, Position p) {
    auto& parties = members_[m].parties;
    const auto s = session_of(m, p);
    parties.anchor_load.release(s, parties.anchor);
    parties.other_load.release(s, parties.other);
  }

  // Where the member's next occurrence may take place: on each day of its week the earliest and
  // the latest free slot, first the weekday and slot of its first session (fewer moves later).
  std::vector<Position> candidates(std::size_t m) const {
    const auto& member = members_[m];
    const auto& space = member.space;
    const auto week = classes_[m][static_cast<std::size_t>(states_[m].cls)].weeks[states_[m].k];
    std::optional<std::pair<unsigned, int>> first;
    for (const auto& b : booked_[m]) {
      if (!b) continue;
      first = {date::weekday{space.day(b->day)}.c_encoding(), b->slot};
      break;
    }
    std::vector<Position> out;
    const int n = space.slots_per_day();
    for (int d = week.first; d <= week.second; ++d) {
      if (first && date::weekday{space.day(d)}.c_encoding() == first->first &&
          fits_both(space, d, first->second, member.parties))
        out.insert(out.begin(), Position{d, first->second});
      int lo = 0;
      while (lo < n && !fits_both(space, d, lo, member.parties)) ++lo;
      if (lo == n) continue;
      int hi = n - 1;
      while (!fits_both(space, d, hi, member.parties)) --hi;
      for (const int s : {lo, hi})
        if (std::find(out.begin(), out.end(), Position{d, s}) == out.end()) out.push_back({d, s});
    }
    return out;
  }

  Result search() {
    std::optional<std::size_t> next;
    for (std::size_t m = 0; m < states_.size(); ++m)
      if (!finished(m) && (!next || time_of(m) < time_of(*next))) next = m;
    if (!next) {
      Result r;
      r.score = unbounded();  // every member decided: this is the score
      if (r.score.better_than(incumbent_)) incumbent_ = r.score;
      return r;
    }
    if (++steps_ > budget_) aborted_ = true;
    if (aborted_) return Result{{-1, 0}, false, {}};
    const auto m = *next;
    const auto bound = optimistic(time_of(m));
    if (!bound.better_than(incumbent_)) return Result{{-1, 0}, false, {}};

    const auto k = key(time_of(m));
    if (const auto it = memo_.find(k); it != memo_.end()) {
      const auto& entry = it->second;
      if (entry.exact) {
        if (entry.score.better_than(incumbent_)) incumbent_ = entry.score;
        return Result{entry.score, true, entry.suffix};
      }
      if (!entry.ceiling.better_than(incumbent_)) return Result{{-1, 0}, false, {}};
    }

    Result best;
    bool exact = true;
    const auto consider = [&](Result r, Step step) {
      exact = exact && r.exact;
      if (r.score.pairs >= 0 && (best.score.pairs < 0 || r.score.better_than(best.score))) {
        r.suffix = std::make_shared<const Path>(Path{step, std::move(r.suffix)});
        best = std::move(r);
      }
    };
    const auto enough = [&] {
      return aborted_ || (best.score.pairs >= 0 && !bound.better_than(best.score));
    };

    auto& state = states_[m];
    if (state.cls < 0) {
      for (std::size_t c = 0; c < facts_[m].size() && !enough(); ++c) {
        if (!facts_[m][c].viable) continue;
        state.cls = static_cast<int>(c);
        booked_[m].assign(facts_[m][c].week_starts.size(), std::nullopt);
        consider(search(), Step{m, true, c, std::nullopt});
        booked_[m].clear();
        state.cls = -1;
      }
    } else {
      const auto occurrence = state.k;
      const bool possible = facts(m).possible[occurrence];
      for (const auto& position : possible ? candidates(m) : std::vector<Position>{}) {
        book(m, position);
        booked_[m][occurrence] = position;
        state.held += 1;
        state.k += 1;
        consider(search(), Step{m, false, occurrence, position});
        state.k -= 1;
        state.held -= 1;
        booked_[m][occurrence].reset();
        release(m, position);
        if (enough()) break;
      }
      if (!enough()) {
        state.skipped += 1;
        state.k += 1;
        // Too many skipped: the pair is not scheduled, and what it booked is given back.
        const bool dies = state.held + possible_after(m) < facts(m).need;
        if (dies) {
          state.dead = true;
          for (const auto& b : booked_[m])
            if (b) release(m, *b);
        }
        consider(search(), Step{m, false, occurrence, std::nullopt});
        if (dies) {
          for (const auto& b : booked_[m])
            if (b) book(m, *b);
          state.dead = false;
        }
        state.k -= 1;
        state.skipped -= 1;
      }
    }

    exact = exact && !aborted_;
    // A branch cut by a bound could not beat the best score at the time, and that only grows.
    const auto ceiling =
        best.score.pairs >= 0 && best.score.better_than(incumbent_) ? best.score : incumbent_;
    memo_[k] = Entry{best.score, exact, ceiling, best.suffix};
    best.exact = exact;
    return best;
  }

  struct Entry {
    Score score;
    bool exact;
    Score ceiling;  // when not exact: nothing below scores better than this
    std::shared_ptr<const Path> suffix;
  };

  std::vector<Member>& members_;
  const std::vector<std::vector<RuleClass>>& classes_;
  Score& incumbent_;
  std::size_t budget_;
  std::size_t steps_ = 0;
  bool aborted_ = false;
  std::vector<std::vector<ClassFacts>> facts_;
  std::vector<State> states_;
  std::vector<std::vector<Choice>> booked_;  // by member, by occurrence
  std::vector<std::pair<const PersonCalendar*, Occupancy*>> people_;
  std::unordered_map<std::vector<long>, Entry, VectorHash> memo_;
};

// The member's ranked placements whose shape is one of the class's, best first.
std::vector<Placement> in_class(const Member& member, const RuleClass& rule_class) {
  std::vector<Placement> out;
  for (const auto& placement : ranked_placements(member.space, member.parties)) {
    const auto& shapes = rule_class.shapes;
    if (std::any_of(shapes.begin(), shapes.end(), [&](const Placement& s) {
          return s.weekday == placement.weekday && s.phase == placement.phase;
        }))
      out.push_back(placement);
  }
  return out;
}

// The plans of a solution, each member in turn: the series time among its class's shapes that
// moves fewest occurrences, every occurrence the solution takes placed by `evaluate`. Nullopt
// when some occurrence finds no room that way; nothing stays booked either way.
std::optional<std::vector<std::optional<Plan>>> plans_by_series_time(
    std::vector<Member>& members, const std::vector<std::vector<RuleClass>>& classes,
    const Solution& solution) {
  constexpr std::size_t kBreadth = 24;
  std::vector<std::optional<Plan>> plans(members.size());
  bool failed = false;
  for (std::size_t m = 0; m < members.size() && !failed; ++m) {
    const auto& choices = solution.choices[m];
    if (choices.empty()) continue;
    auto& member = members[m];
    std::vector<Decided> decided(choices.size());
    int skips = 0;
    for (std::size_t k = 0; k < choices.size(); ++k) {
      if (choices[k]) continue;
      decided[k].kind = Decided::Kind::skip;
      ++skips;
    }
    std::optional<Plan> best;
    const auto placements = in_class(member, classes[m][solution.classes[m]]);
    for (std::size_t i = 0; i < placements.size() && i < kBreadth; ++i) {
      const auto& placement = placements[i];
      Effort effort;
      effort.stop_when_unacceptable = false;
      effort.decided = &decided;
      auto plan = evaluate(member.space, placement, member.parties, effort);
      if (plan.skipped == skips && (!best || plan.better_than(*best))) best = std::move(plan);
    }
    if (!best) {
      failed = true;
      break;
    }
    book(*best, member.parties);
    plans[m] = std::move(best);
  }
  for (std::size_t m = 0; m < members.size(); ++m)
    if (plans[m]) unbook(*plans[m], members[m].parties);
  if (failed) return std::nullopt;
  return plans;
}

// The plans of a solution with every occurrence exactly where the search put it, the series
// time the best-ranked placement of its class that holds most of them.
std::vector<std::optional<Plan>> plans_as_found(std::vector<Member>& members,
                                                const std::vector<std::vector<RuleClass>>& classes,
                                                const Solution& solution) {
  std::vector<std::optional<Plan>> plans(members.size());
  for (std::size_t m = 0; m < members.size(); ++m) {
    const auto& choices = solution.choices[m];
    if (choices.empty()) continue;
    auto& member = members[m];
    std::vector<Decided> decided(choices.size());
    for (std::size_t k = 0; k < choices.size(); ++k)
      decided[k] = choices[k] ? Decided{Decided::Kind::at, choices[k]->day, choices[k]->slot}
                              : Decided{Decided::Kind::skip, 0, 0};
    std::optional<Placement> best;
    int best_count = -1;
    for (const auto& placement : in_class(member, classes[m][solution.classes[m]])) {
      const auto days = member.space.rule_days(placement);
      int count = 0;
      for (std::size_t k = 0; k < choices.size(); ++k)
        count += choices[k] && *choices[k] == Position{days[k], placement.slot};
      if (count > best_count) {
        best_count = count;
        best = placement;
      }
    }
    Effort effort;
    effort.stop_when_unacceptable = false;
    effort.decided = &decided;
    plans[m] = evaluate(member.space, *best, member.parties, effort);
    book(*plans[m], member.parties);
  }
  for (std::size_t m = 0; m < members.size(); ++m)
    if (plans[m]) unbook(*plans[m], members[m].parties);
  return plans;
}

// Where plan occurrence `k`, taken at `at`, sits on the pair's grid: in the week of its rule day.
Position position_of(const PairSpace& space, const Plan& plan, std::size_t k) {
  const auto days = space.rule_days(plan.placement);
  const auto [first, last] = space.week_of(days[k]);
  for (int d = first; d <= last; ++d)
    for (int s = 0; s < space.slots_per_day(); ++s)
      if (space.session(d, s) == plan.occurrences[k].at) return {d, s};
  return {days[k], plan.placement.slot};
}

// Each plan evaluated once more, the same occurrences where they are, with every other plan
// booked, so that each exception's reason names what stands at its series time.
void write_reasons(std::vector<Member>& members, std::vector<std::optional<Plan>>& plans) {
  for (std::size_t m = 0; m < members.size(); ++m) {
    if (!plans[m]) continue;
    auto& member = members[m];
    std::vector<Decided> decided;
    for (std::size_t k = 0; k < plans[m]->occurrences.size(); ++k) {
      if (plans[m]->occurrences[k].state == OccurrenceState::skipped) {
        decided.push_back({Decided::Kind::skip, 0, 0});
      } else {
        const auto at = position_of(member.space, *plans[m], k);
        decided.push_back({Decided::Kind::at, at.day, at.slot});
      }
    }
    for (std::size_t i = 0; i < members.size(); ++i)
      if (i != m && plans[i]) book(*plans[i], members[i].parties);
    Effort effort;
    effort.reasons = true;
    effort.stop_when_unacceptable = false;
    effort.decided = &decided;
    plans[m] = evaluate(member.space, plans[m]->placement, member.parties, effort);
    for (std::size_t i = 0; i < members.size(); ++i)
      if (i != m && plans[i]) unbook(*plans[i], members[i].parties);
  }
}

}  // namespace

std::optional<std::vector<std::optional<Plan>>> improve_exactly(std::vector<Member>& members,
                                                                const Score& baseline,
                                                                std::size_t budget) {
  std::vector<std::vector<RuleClass>> classes;
  for (const auto& m : members) classes.push_back(classes_of(m.space));

  Score incumbent = baseline;
  Search search(members, classes, incumbent, budget);
  const auto result = search.run();
  if (result.score.pairs < 0 || !result.score.better_than(baseline)) return std::nullopt;
  Solution found{std::vector<std::size_t>(members.size()),
                 std::vector<std::vector<Choice>>(members.size())};
  for (const auto* path = result.suffix.get(); path; path = path->rest.get()) {
    const auto& step = path->step;
    if (step.is_class) {
      found.classes[step.member] = step.value;
      found.choices[step.member].assign(classes[step.member][step.value].weeks.size(),
                                        std::nullopt);
    } else {
      found.choices[step.member][step.value] = step.choice;
    }
  }
  // A member whose occurrences are all skipped, or too many, is not scheduled.
  for (std::size_t m = 0; m < members.size(); ++m) {
    auto& c = found.choices[m];
    const auto held =
        std::count_if(c.begin(), c.end(), [](const Choice& x) { return x.has_value(); });
    const auto need = std::max(1, needed(members[m].space.pair(), c.size()));
    if (held < need) c.clear();
  }
  auto plans = plans_by_series_time(members, classes, found);
  if (!plans) plans = plans_as_found(members, classes, found);
  write_reasons(members, *plans);
  return plans;
}

}  // namespace mentorcal::engine

// The exact search (exact_search.hpp): a depth-first search over a few members' rule classes and
// occurrences, cut by bounds and a memo, and search_part, which runs it and makes plans of what
// it finds.
#include "exact_search.hpp"

#include <algorithm>
#include <array>
#include <bit>
#include <cstdint>
#include <limits>
#include <memory>
#include <numeric>
#include <span>
#include <unordered_map>

#include "exact_plans.hpp"

namespace mentorcal::engine {

FreeSlots free_slots_of(const PairSpace& space) {
  FreeSlots out(static_cast<std::size_t>(space.day_count()), {-1, -1});
  for (int d = 0; d < space.day_count(); ++d) {
    const int first = space.free_at_or_after(d, 0);
    if (first < space.slots_per_day())
      out[static_cast<std::size_t>(d)] = {first,
                                          space.free_at_or_before(d, space.slots_per_day() - 1)};
  }
  return out;
}

std::vector<RuleClass> classes_of(const PairSpace& space, const FreeSlots& free) {
  std::vector<RuleClass> out;
  const auto meets = [&](int day) { return free[static_cast<std::size_t>(day)].first >= 0; };
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

namespace {

bool shares_person(const Parties& a, const Parties& b) {
  return is_party(b, &a.anchor) || is_party(b, &a.other);
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
  // Some slot of the week is free of fixed commitments; bytes, not bits: the bound reads them at
  // every step.
  std::vector<std::uint8_t> possible;
  // Per occurrence k, and one past the last: how many of the occurrences from k on are possible,
  // which the bound asks at every step.
  std::vector<int> possible_from;
  // Of each occurrence, for the anchor and the other party, and for each Period: the person's
  // own ISO week, or month, that holds all of the occurrence's week; kNone when it spans two.
  std::vector<std::array<std::array<std::size_t, 2>, 2>> periods;
  int need = 0;
  int forced = 0;   // occurrences with no such slot
  int missing = 0;  // months of the term a monthly rule misses: skipped in effect
  bool viable = false;
};

constexpr std::size_t kNone = std::numeric_limits<std::size_t>::max();
enum Period : std::size_t { kWeek, kMonth };

// From the start of the first to the end of the last session of the days [first, last] free of
// both parties' fixed commitments; nullopt when there is none.
std::optional<Interval> free_span(const PairSpace& space, const FreeSlots& free,
                                  std::pair<int, int> week) {
  std::optional<Interval> span;
  for (int d = week.first; d <= week.second; ++d) {
    const auto [first, last] = free[static_cast<std::size_t>(d)];
    if (first < 0) continue;
    const auto end = space.session(d, last).end - Minutes{1};
    span = span ? Interval{span->start, end} : Interval{space.session(d, first).start, end};
  }
  return span;
}

// The person's ISO week and month holding every instant of `span`, where one does.
std::array<std::size_t, 2> periods_of(const PersonCalendar& calendar, Interval span) {
  const auto a = calendar.day_index(span.start);
  const auto b = calendar.day_index(span.end);
  if (a >= calendar.day_count || b >= calendar.day_count) return {kNone, kNone};
  const auto [week_a, month_a] = calendar.week_and_month(a);
  const auto [week_b, month_b] = calendar.week_and_month(b);
  return {week_a == week_b ? week_a : kNone, month_a == month_b ? month_a : kNone};
}

constexpr std::size_t kUnscheduled = std::numeric_limits<std::size_t>::max();

// One decision: a member's rule class, or what becomes of one of its occurrences.
struct Step {
  std::size_t member = 0;
  bool is_class = false;
  std::size_t value = 0;  // the class (kUnscheduled: none), or the occurrence
  Choice choice;          // for an occurrence: where it takes place, or skipped
};

// The decisions from a state to the end, shared between the results that end alike.
struct Path {
  Step step;
  std::shared_ptr<const Path> rest;
};
// A depth-first search over the decisions: first each member's rule class, or that it goes
// unscheduled, then each occurrence in time order, held at one of a few positions of its week
// or skipped. It is cut by bounds against the best score so far (each person's limits against
// what their members need, over the whole term and week by week and month by month), and by a
// memo of the states already searched: what is left to decide depends only on each member's
// progress and on each person's sessions and tallies from their next decision on. Positions
// that differ in neither the tallies they count in nor the later positions they rule out are
// searched once.
class Search {
 public:
  struct Result {
    Score score{-1, 0};
    bool exact = true;  // no branch was cut by a bound or the budget
    std::shared_ptr<const Path> suffix;
  };

  // Which members' rule classes the search chooses first, and which of their classes: the
  // members that need the most minutes, their classes with the most occurrences first; or the
  // members with the longest sessions, their classes with the fewest occurrences first.
  enum class Order { by_demand, by_length };

  Search(std::vector<Member>& members, const std::vector<std::vector<RuleClass>>& classes,
         const std::vector<FreeSlots>& free, Order order, Score& incumbent, std::size_t budget)
      : members_(members), classes_(classes), free_(free), incumbent_(incumbent), budget_(budget) {
    for (std::size_t m = 0; m < members_.size(); ++m) {
      const auto& space = members_[m].space;
      auto& facts = facts_.emplace_back();
      for (const auto& c : classes_[m]) {
        auto& f = facts.emplace_back();
        const auto& parties = members_[m].parties;
        for (const auto& week : c.weeks) {
          const auto span = free_span(space, free_[m], week);
          const auto anchor = span ? periods_of(parties.anchor, *span) : std::array{kNone, kNone};
          const auto other = span ? periods_of(parties.other, *span) : std::array{kNone, kNone};
          f.periods.push_back({{{anchor[kWeek], other[kWeek]}, {anchor[kMonth], other[kMonth]}}});
          f.week_starts.push_back(space.session(week.first, 0).start);
          f.possible.push_back(span.has_value() ? 1 : 0);
          f.forced += !f.possible.back();
        }
        f.possible_from.assign(f.possible.size() + 1, 0);
        for (auto k = f.possible.size(); k-- > 0;)
          f.possible_from[k] = f.possible_from[k + 1] + (f.possible[k] ? 1 : 0);
        f.need = std::max(1, needed(space, c.weeks.size()));
        f.missing = space.missing(c.weeks.size());
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
    // Each member's classes with the fewest occurrences that cannot take place first, and of
    // those, as the order says: the most occurrences first (the most sessions held when that
    // costs no skip), or the fewest (the fewest to fit, and to skip).
    for (const auto& facts : facts_) {
      auto& classes = class_order_.emplace_back(facts.size());
      std::iota(classes.begin(), classes.end(), std::size_t{0});
      const auto rank = [&](std::size_t c) {
        const auto n = static_cast<long>(facts[c].week_starts.size());
        return std::pair{facts[c].forced + facts[c].missing, order == Order::by_demand ? -n : n};
      };
      std::stable_sort(classes.begin(), classes.end(),
                       [&](std::size_t a, std::size_t b) { return rank(a) < rank(b); });
    }
    // The members whose rule class is chosen first: those that take the most of their people's
    // limits, by the minutes they need at the least (sessions times length) or by session length.
    member_order_.resize(members_.size());
    std::iota(member_order_.begin(), member_order_.end(), std::size_t{0});
    const auto weight = [&](std::size_t m) {
      const long minutes = members_[m].space.pair().duration.count();
      if (order == Order::by_length) return minutes;
      int need = std::numeric_limits<int>::max();
      for (const auto& f : facts_[m])
        if (f.viable) need = std::min(need, f.need);
      return need == std::numeric_limits<int>::max() ? 0 : need * minutes;
    };
    std::stable_sort(member_order_.begin(), member_order_.end(),
                     [&](std::size_t a, std::size_t b) { return weight(a) > weight(b); });
    neighbours_.resize(members_.size());
    for (std::size_t a = 0; a < members_.size(); ++a)
      for (std::size_t b = 0; b < members_.size(); ++b)
        if (a != b && shares_person(members_[a].parties, members_[b].parties))
          neighbours_[a].push_back(b);
  }

  Result run() { return search(); }
  // Whether the search ran to the end: its best is then the best there is.
  bool complete() const { return !aborted_; }
  std::size_t steps() const { return steps_; }

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
        if (f.viable) least = std::min(least, f.forced + f.missing);
      return least;
    }
    const auto& f = facts(m);
    return static_cast<int>(f.possible.size() - s.k) - f.possible_from[s.k];
  }
  int possible_after(std::size_t m) const { return facts(m).possible_from[states_[m].k]; }

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

  // What each member still needs to hold, and the fewest it could try to hold without a skip:
  // before its rule class is chosen, the least of any class, since a class with fewer
  // occurrences in the term has fewer to skip.
  std::pair<int, int> still_needed_and_possible(std::size_t m) const {
    const auto& s = states_[m];
    if (s.cls >= 0) return {std::max(0, facts(m).need - s.held), possible_after(m)};
    int need = std::numeric_limits<int>::max();
    int possible = std::numeric_limits<int>::max();
    for (const auto& f : facts_[m]) {
      if (!f.viable) continue;
      need = std::min(need, f.need);
      possible = std::min(possible, static_cast<int>(f.possible.size()) - f.forced);
    }
    return {need, possible};
  }

  // A bound on the score: `loose` (unbounded()), unless a person's weekly and monthly limits leave
  // too few sessions for what that person's members need (then some must go unscheduled), or for
  // all they could hold (then some must be skipped). People whose members are all different add
  // up: every mentor's, for one, since each pair has one mentor.
  Score optimistic(Score loose) const {
    std::size_t found = 0;  // the shortfalls_ in use
    for (const auto& [calendar, load] : people_) {
      const auto& limits = calendar->person->limits;
      const bool weekly = limits.max_sessions_per_week || limits.max_minutes_per_week;
      const bool monthly = limits.max_minutes_per_month.has_value();
      if (!weekly && !monthly) continue;
      const auto next = next_for(calendar);
      if (next == Instant::max()) continue;  // nothing of theirs is left to decide
      if (found == shortfalls_.size()) shortfalls_.emplace_back();
      auto& f = shortfalls_[found];
      f.members.clear();
      auto& needs = needs_;
      needs.clear();
      int possible = 0;
      Minutes shortest = Minutes::max();
      for (std::size_t m = 0; m < states_.size(); ++m) {
        if (states_[m].dead || !is_party(members_[m].parties, calendar)) continue;
        const auto [need, could] = still_needed_and_possible(m);
        f.members.push_back(m);
        needs.push_back(need);
        possible += could;
        shortest = std::min(shortest, members_[m].space.pair().duration);
      }
      if (needs.empty()) continue;
      const int capacity = load->capacity(next, shortest, *calendar);
      std::sort(needs.begin(), needs.end());
      int fit = 0;
      long used = 0;
      for (const int need : needs) {
        if (used + need > capacity) break;
        used += need;
        ++fit;
      }
      f.must_go = static_cast<int>(needs.size()) - fit;
      f.must_skip = std::max(0, possible - capacity);
      for (const auto period : {kWeek, kMonth}) {
        if (!(period == kWeek ? weekly : monthly)) continue;
        const auto [go, skip] = shortfall(*calendar, *load, f.members, shortest, period);
        f.must_go = std::max(f.must_go, go);
        f.must_skip = std::max(f.must_skip, skip);
      }
      if (f.must_go > 0 || f.must_skip > 0) ++found;
    }
    const auto shortfalls = std::span(shortfalls_.data(), found);
    std::sort(shortfalls.begin(), shortfalls.end(), [](const Shortfall& a, const Shortfall& b) {
      return std::pair{a.must_go, a.must_skip} > std::pair{b.must_go, b.must_skip};
    });
    int must_go = 0;
    int must_skip = 0;
    auto& counted = counted_;
    counted.assign(states_.size(), false);
    for (const auto& f : shortfalls) {
      if (std::any_of(f.members.begin(), f.members.end(), [&](auto m) { return counted[m]; }))
        continue;
      for (const auto m : f.members) counted[m] = true;
      must_go += f.must_go;
      must_skip += f.must_skip;
    }
    if (must_go > 0) return Score{loose.pairs - must_go, 0};  // whose skips count is open
    loose.skipped += must_skip;
    return loose;
  }

  // What the person's weekly, or monthly, limits alone force among the members whose rule class
  // is chosen: in each of the person's weeks (months) the occurrences beyond what the limits
  // leave must be skipped, and while the members cannot skip that many, some must go
  // unscheduled: the fewest whose going leaves no more to skip than the rest can.
  // Returns {must go, must skip}.
  std::pair<int, int> shortfall(const PersonCalendar& calendar, const Occupancy& load,
                                const std::vector<std::size_t>& members, Minutes shortest,
                                Period period) const {
    std::size_t used = 0;  // the chosen_ in use
    std::size_t first = kNone;
    std::size_t last = 0;
    for (const auto m : members) {
      const auto& s = states_[m];
      if (s.cls < 0) continue;
      const auto& f = facts(m);
      const auto side = &members_[m].parties.anchor == &calendar ? 0 : 1;
      if (used == chosen_.size()) chosen_.emplace_back();
      auto& w = chosen_[used++];
      w.weeks.clear();
      w.spare = s.held + possible_after(m) - f.need;
      for (auto k = s.k; k < f.week_starts.size(); ++k) {
        const auto week = f.periods[k][period][side];
        if (!f.possible[k] || week == kNone) continue;
        w.weeks.push_back(week);
        first = std::min(first, week);
        last = std::max(last, week);
      }
    }
    if (first == kNone) return {0, 0};
    const auto chosen = std::span(chosen_.data(), used);
    auto& left = left_;
    left.clear();
    for (auto week = first; week <= last; ++week)
      left.push_back(period == kWeek ? load.left_in_week(week, shortest, calendar)
                                     : load.left_in_month(week, shortest, calendar));
    // The occurrences over the limits when only the members in `kept` (a bit each) take place,
    // less what those members may skip.
    auto& demand = demand_;
    demand.resize(left.size());
    const auto excess = [&](std::uint32_t kept, int& overflow) {
      std::fill(demand.begin(), demand.end(), 0);
      int spare = 0;
      for (std::size_t i = 0; i < chosen.size(); ++i) {
        if (!(kept >> i & 1U)) continue;
        spare += chosen[i].spare;
        for (const auto week : chosen[i].weeks) demand[week - first] += 1;
      }
      overflow = 0;
      for (std::size_t w = 0; w < demand.size(); ++w) overflow += std::max(0, demand[w] - left[w]);
      return overflow - spare;
    };
    const auto all = static_cast<std::uint32_t>((std::uint64_t{1} << chosen.size()) - 1);
    int overflow = 0;
    if (excess(all, overflow) <= 0) return {0, overflow};
    const int must_skip = overflow;
    // Few members each: every set of them to drop, the smaller first.
    constexpr std::size_t kLargest = 10;
    if (chosen.size() > kLargest) return {1, must_skip};
    for (int going = 1; going < static_cast<int>(chosen.size()); ++going)
      for (std::uint32_t kept = all;; kept = (kept - 1) & all) {
        if (std::popcount(kept) == static_cast<int>(chosen.size()) - going &&
            excess(kept, overflow) <= 0)
          return {going, must_skip};
        if (kept == 0) break;
      }
    return {static_cast<int>(chosen.size()), must_skip};
  }

  // The earliest a later decision may place a session for the person: the next decision of an
  // undecided member of theirs; Instant::max() when none is left.
  Instant next_for(const PersonCalendar* calendar) const {
    auto next = Instant::max();
    for (std::size_t m = 0; m < states_.size(); ++m) {
      const auto& parties = members_[m].parties;
      if (!finished(m) && is_party(parties, calendar)) next = std::min(next, time_of(m));
    }
    return next;
  }

  // Whether the member has held as many occurrences as it needs: it stays scheduled whatever
  // comes next.
  bool settled(std::size_t m) const {
    const auto& s = states_[m];
    return !s.dead && s.cls >= 0 && s.held >= facts(m).need;
  }

  // The skips so far of the settled members. They count in every score below alike, so the memo
  // keeps scores without them, and states that differ only in them share an entry.
  int settled_skips() const {
    int skips = 0;
    for (std::size_t m = 0; m < states_.size(); ++m)
      if (settled(m)) skips += states_[m].skipped;
    return skips;
  }

  // What the rest of the search depends on: each member's progress (how many it has held only
  // while it still needs more), and of each person with a decision left, the sessions and
  // tallies from that person's next decision on.
  std::vector<long> key() const {
    std::vector<long> k;
    for (std::size_t m = 0; m < states_.size(); ++m) {
      const auto& s = states_[m];
      if (s.dead) {
        k.push_back(-1);
      } else if (s.cls < 0) {
        k.push_back(-2);
      } else if (finished(m)) {
        k.push_back(-3);
      } else {
        k.insert(k.end(), {s.cls, static_cast<long>(s.k), settled(m) ? -5 : s.held});
      }
    }
    for (const auto& [calendar, load] : people_) {
      k.push_back(-4);
      if (const auto next = next_for(calendar); next != Instant::max())
        load->append_state(next, *calendar, k);
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
    for (int d = week.first; d <= week.second; ++d) {
      if (first && date::weekday{space.day(d)}.c_encoding() == first->first &&
          fits_both(space, d, first->second, member.parties))
        out.insert(out.begin(), Position{d, first->second});
      auto [lo, hi] = free_[m][static_cast<std::size_t>(d)];
      if (lo < 0) continue;
      while (lo <= hi && !fits_both(space, d, lo, member.parties)) ++lo;
      if (lo > hi) continue;
      while (!fits_both(space, d, hi, member.parties)) --hi;
      for (const int s : {lo, hi})
        if (std::find(out.begin(), out.end(), Position{d, s}) == out.end()) out.push_back({d, s});
    }
    return distinct(m, std::move(out));
  }

  // The positions without those that would change nothing a later decision sees. A session
  // changes what is left in two ways: the tallies it counts in, and the later positions of the
  // members sharing one of its parties that it rules out by overlap or buffer. Of the positions
  // alike in both, only the first is kept.
  std::vector<Position> distinct(std::size_t m, const std::vector<Position>& positions) const {
    const auto& parties = members_[m].parties;
    // The kept positions' effects one after another, each ending where `ends` says: no vector
    // per position.
    auto& effects = effects_;
    auto& ends = effect_ends_;
    effects.clear();
    ends.clear();
    std::vector<Position> out;
    for (const auto& p : positions) {
      const auto session = session_of(m, p);
      const auto start = effects.size();
      Occupancy::append_tallies_of(session, parties.anchor, effects);
      effects.push_back(-1);
      Occupancy::append_tallies_of(session, parties.other, effects);
      for (const auto* person : {&parties.anchor, &parties.other})
        append_ruled_out(m, session, *person, effects);
      const auto at = [&](std::size_t i) {
        return effects.begin() + static_cast<std::ptrdiff_t>(i);
      };
      bool seen = false;
      for (std::size_t k = 0, from = 0; k < ends.size() && !seen; from = ends[k++])
        seen = std::equal(at(from), at(ends[k]), at(start), effects.end());
      if (seen) {
        effects.resize(start);
        continue;
      }
      ends.push_back(effects.size());
      out.push_back(p);
    }
    return out;
  }

  // Appends to `out` each later position, of the member's own next occurrences and of the
  // undecided members who share `person` with it, that `session` rules out for `person`.
  void append_ruled_out(std::size_t m, Interval session, const PersonCalendar& person,
                        std::vector<long>& out) const {
    const Minutes buffer{person.person->limits.buffer_minutes};
    const auto watch = [&](std::size_t w, Instant after) {
      const auto& space = members_[w].space;
      // A session of w starting in [from, to] comes within the buffer of this one.
      const auto from = session.start - buffer - space.pair().duration + Minutes{1};
      const auto to = session.end + buffer - Minutes{1};
      out.push_back(-2);
      for (int d = std::max(0, space.day_holding(from)); d <= space.day_holding(to); ++d) {
        const auto [lo, hi] = space.slots_starting_in(d, std::max(from, after), to);
        for (int s = lo; s <= hi; ++s)
          if (space.statically_free(d, s)) out.insert(out.end(), {static_cast<long>(w), d, s});
      }
    };
    const auto& starts = facts(m).week_starts;
    if (states_[m].k + 1 < starts.size()) watch(m, starts[states_[m].k + 1]);
    for (const auto w : neighbours_[m])
      if (!finished(w) && is_party(members_[w].parties, &person)) watch(w, time_of(w));
  }

  Result search() {
    // First each member's rule class, or that it goes unscheduled, so that the bounds know every
    // member's weeks from the start; then the occurrences in time order.
    std::optional<std::size_t> next;
    for (const auto m : member_order_)
      if (!next && !finished(m) && states_[m].cls < 0) next = m;
    if (!next)
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
    // optimistic() is never above unbounded(), which costs far less: when that cannot beat the
    // incumbent, neither can the bound (a third of the steps on large programs).
    const auto loose = unbounded();
    if (!loose.better_than(incumbent_)) return Result{{-1, 0}, false, {}};
    const auto bound = optimistic(loose);
    if (!bound.better_than(incumbent_)) return Result{{-1, 0}, false, {}};

    const auto k = key();
    const int offset = settled_skips();
    const auto shifted = [](Score score, int skips) {
      if (score.pairs >= 0) score.skipped += skips;
      return score;
    };
    if (const auto it = memo_.find(k); it != memo_.end()) {
      const auto& entry = it->second;
      if (entry.exact) {
        const auto score = shifted(entry.score, offset);
        if (score.better_than(incumbent_)) incumbent_ = score;
        return Result{score, true, entry.suffix};
      }
      if (!shifted(entry.ceiling, offset).better_than(incumbent_))
        return Result{{-1, 0}, false, {}};
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
      for (const auto c : class_order_[m]) {
        if (enough()) break;
        if (!facts_[m][c].viable) continue;
        state.cls = static_cast<int>(c);
        state.skipped = facts_[m][c].missing;
        booked_[m].assign(facts_[m][c].week_starts.size(), std::nullopt);
        consider(search(), Step{m, true, c, std::nullopt});
        booked_[m].clear();
        state.skipped = 0;
        state.cls = -1;
      }
      if (!enough()) {
        state.dead = true;
        consider(search(), Step{m, true, kUnscheduled, std::nullopt});
        state.dead = false;
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
    memo_[k] = Entry{shifted(best.score, -offset), exact, shifted(ceiling, -offset), best.suffix};
    best.exact = exact;
    return best;
  }

  // Scratch space of optimistic() and shortfall(), kept from step to step: allocated afresh at
  // every step, it was most of the search's allocations.
  struct Shortfall {
    std::vector<std::size_t> members;
    int must_go = 0;
    int must_skip = 0;
  };
  struct Weeks {
    std::vector<std::size_t> weeks;  // of its occurrences still to decide, with a free slot
    int spare = 0;                   // how many more it may skip
  };
  mutable std::vector<Shortfall> shortfalls_;
  mutable std::vector<int> needs_;
  mutable std::vector<bool> counted_;
  mutable std::vector<Weeks> chosen_;
  mutable std::vector<int> left_;
  mutable std::vector<int> demand_;
  // Scratch space of distinct().
  mutable std::vector<long> effects_;
  mutable std::vector<std::size_t> effect_ends_;

  struct Entry {
    Score score;
    bool exact;
    Score ceiling;  // when not exact: nothing below scores better than this
    std::shared_ptr<const Path> suffix;
  };

  std::vector<Member>& members_;
  const std::vector<std::vector<RuleClass>>& classes_;
  const std::vector<FreeSlots>& free_;
  Score& incumbent_;
  std::size_t budget_;
  std::size_t steps_ = 0;
  bool aborted_ = false;
  std::vector<std::vector<ClassFacts>> facts_;
  std::vector<State> states_;
  std::vector<std::vector<Choice>> booked_;  // by member, by occurrence
  std::vector<std::pair<const PersonCalendar*, Occupancy*>> people_;
  std::vector<std::vector<std::size_t>> neighbours_;
  std::vector<std::vector<std::size_t>> class_order_;
  std::vector<std::size_t> member_order_;  // the other members sharing a person
  std::unordered_map<std::vector<long>, Entry, VectorHash> memo_;
};

}  // namespace

Searched search_part(std::vector<Member>& members,
                     const std::vector<std::vector<RuleClass>>& classes,
                     const std::vector<FreeSlots>& free, const std::vector<std::size_t>& part,
                     const Score& baseline, std::size_t budget) {
  std::vector<Member> sub;
  std::vector<std::vector<RuleClass>> sub_classes;
  std::vector<FreeSlots> sub_free;
  for (const auto m : part) {
    sub.push_back(members[m]);
    sub_classes.push_back(classes[m]);
    sub_free.push_back(free[m]);
  }
  Searched out;
  Score incumbent = baseline;
  Search::Result result;
  for (const auto order : {Search::Order::by_demand, Search::Order::by_length}) {
    Search search(sub, sub_classes, sub_free, order, incumbent, budget / 2);
    auto found = search.run();
    out.complete = out.complete && search.complete();
    out.steps += search.steps();
    if (found.score.pairs >= 0 && found.score.better_than(baseline) &&
        (result.score.pairs < 0 || found.score.better_than(result.score)))
      result = std::move(found);
  }
  if (result.score.pairs < 0) return out;
  Solution found{std::vector<std::size_t>(sub.size()),
                 std::vector<std::vector<Choice>>(sub.size())};
  for (const auto* path = result.suffix.get(); path; path = path->rest.get()) {
    const auto& step = path->step;
    if (step.is_class && step.value == kUnscheduled) continue;
    if (step.is_class) {
      found.classes[step.member] = step.value;
      found.choices[step.member].assign(sub_classes[step.member][step.value].weeks.size(),
                                        std::nullopt);
    } else {
      found.choices[step.member][step.value] = step.choice;
    }
  }
  // A member whose occurrences are all skipped, or too many, is not scheduled.
  for (std::size_t m = 0; m < sub.size(); ++m) {
    auto& c = found.choices[m];
    const auto held =
        std::count_if(c.begin(), c.end(), [](const Choice& x) { return x.has_value(); });
    const auto need = std::max(1, needed(sub[m].space, c.size()));
    if (held < need) c.clear();
  }
  out.plans = plans_by_series_time(sub, sub_classes, found);
  if (!out.plans) out.plans = plans_as_found(sub, sub_classes, found);
  return out;
}

}  // namespace mentorcal::engine

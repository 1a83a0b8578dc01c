// The search's working parts: each person's open and free time (person_calendar.cpp), what each
// person has booked so far (occupancy.cpp), one pair's grid of start slots (pair_space.cpp), and
// how one pair's series is evaluated at one anchor (weekday, phase, start slot) (search.cpp).
// Private to the engine; docs/ALGORITHM.md tells how they fit together.
#pragma once

#include <algorithm>
#include <array>
#include <bit>
#include <cstdint>
#include <limits>
#include <optional>
#include <span>
#include <vector>

#include "mentorcal/program.hpp"
#include "mentorcal/schedule.hpp"
#include "zone_clock.hpp"

namespace mentorcal::engine {

// The interval of `sorted` (sorted, disjoint) that contains `inner`, if any.
const Interval* holder(const std::vector<Interval>& sorted, Interval inner);

// What the search knows of one person before any session is placed.
struct PersonCalendar {
  const Person* person = nullptr;
  ZoneClock clock;
  std::vector<Interval> open;  // working hours (or VAVAILABILITY), as instants
  std::vector<Interval> free;  // open, less busy time widened by the buffer, less blackout days

  LocalDay first_day;         // the local day the horizon starts on
  std::size_t day_count = 0;  // local days of the horizon, `first_day` included

  PersonCalendar(const Person& p, const Program& program, Interval horizon);
  // The ISO week and month of a local day of the horizon (an index from `first_day`), counted
  // from those of `first_day`.
  std::pair<std::size_t, std::size_t> week_and_month(std::size_t day) const {
    const auto month = std::upper_bound(month_starts_.begin(), month_starts_.end(), day);
    return {(day + days_after_monday_) / 7,
            static_cast<std::size_t>(month - month_starts_.begin())};
  }
  // Index of the local day of `t`, counted from `first_day`.
  std::size_t day_index(Instant t) const {
    return static_cast<std::size_t>((clock.local_day(t) - first_day).count());
  }
  // Whether `session` lies inside one free interval.
  bool is_free(Interval session) const;
  // How far `session` sits from the edges of the working window holding it, in minutes.
  Minutes margin(Interval session) const;

 private:
  // Computed rather than tabled by day: forty thousand people's calendars live through a
  // whole search, and a table would be the largest part of each.
  std::size_t days_after_monday_ = 0;      // of `first_day`
  std::vector<std::size_t> month_starts_;  // the day index of each month's 1st after the first
};

// The sessions booked for one person so far, and the counts the limits look at.
class Occupancy {
 public:
  // What one more session at `session` would collide with first.
  enum class Clash { none, session, day_sessions, week_sessions, week_minutes, month_minutes };
  Clash clash(Interval session, const PersonCalendar& calendar) const;
  // Whether the session keeps the person clear of their other sessions (by the buffer) and
  // inside every limit.
  bool fits(Interval session, const PersonCalendar& calendar) const {
    return clash(session, calendar) == Clash::none;
  }
  // What the person has booked in the local day, ISO week or month a limit clash of `kind` at
  // `session` counts by (sessions, minutes), and that limit; {0, 0, 0} for other clashes.
  struct Use {
    int sessions = 0;
    int minutes = 0;
    int limit = 0;
  };
  Use use_behind(Clash kind, Interval session, const PersonCalendar& calendar) const;
  // The clash as a sentence naming the limit or the other session; empty if it fits.
  std::string why_not(Interval session, const PersonCalendar& calendar) const;
  void book(Interval session, const PersonCalendar& calendar);
  void release(Interval session, const PersonCalendar& calendar);
  // Appends to `out` all that can decide whether a session starting at `from` or later fits:
  // the sessions within the buffer of it or after, and the tallies of its local day, ISO week
  // and month and of those after, each only when a limit counts by it. Two occupancies with the
  // same state decide alike.
  void append_state(Instant from, const PersonCalendar& calendar, std::vector<long>& out) const;
  // Appends to `out` which of the tallies the person's limits use the session counts in: its
  // local day, ISO week and month, each only when a limit counts by it.
  static void append_tallies_of(Interval session, const PersonCalendar& calendar,
                                std::vector<long>& out);
  // How many more sessions of at least `shortest` the weekly and monthly limits allow from
  // `from` on; INT_MAX when the person has none of those limits.
  int capacity(Instant from, Minutes shortest, const PersonCalendar& calendar) const;
  // How many more sessions of at least `shortest` the weekly limits allow in the person's week
  // `week` (an index into the calendar's weeks); INT_MAX when the person has no weekly limit.
  int left_in_week(std::size_t week, Minutes shortest, const PersonCalendar& calendar) const;
  // The same for the monthly limit and the person's month `month`.
  int left_in_month(std::size_t month, Minutes shortest, const PersonCalendar& calendar) const;

 private:
  struct Tally {
    int sessions = 0;
    int minutes = 0;
  };
  // Indices of the session's local day, ISO week and month, counted from the calendar's first
  // local day, so that tallies are plain vectors.
  struct Keys {
    std::size_t day;
    std::size_t week;
    std::size_t month;
  };
  static Keys keys_of(Interval session, const PersonCalendar& calendar);
  Tally tally(const std::vector<Tally>& v, std::size_t i) const {
    return i < v.size() ? v[i] : Tally{};
  }
  void add(Interval session, const PersonCalendar& calendar, int sign);

  std::vector<Interval> sessions_;  // sorted
  std::vector<Tally> days_;
  std::vector<Tally> weeks_;
  std::vector<Tally> months_;
};

// Where a series sits: for every-N-weeks cadences the weekday, the phase (which of the N weeks,
// counted from the program's first ISO week) and the start slot of the anchor's local day;
// for monthly ones the weekday, the ordinal (1..4) in `phase`, and the slot.
struct Placement {
  unsigned weekday = 1;  // date::weekday::c_encoding(), Sunday = 0
  int phase = 0;
  int slot = 0;
  friend bool operator==(const Placement&, const Placement&) = default;
};

// One pair's view of the term: the anchor party's local days, the grid of start slots, and for
// every day the slots where both parties are free for the whole session.
class PairSpace {
 public:
  PairSpace(const Program& program, const Pair& pair, const PersonCalendar& anchor,
            const PersonCalendar& other);

  int slots_per_day() const { return slots_per_day_; }
  int day_count() const { return static_cast<int>(days_.size()); }
  LocalDay day(int index) const { return days_[static_cast<std::size_t>(index)]; }
  bool statically_free(int day, int slot) const {
    return (words_of(day)[slot / 64] >> (slot % 64)) & 1U;
  }
  // The nearest statically free slot of `day` at or before `slot` (-1 when none), and at or
  // after it (slots_per_day() when none).
  int free_at_or_before(int day, int slot) const {
    if (slot < 0) return -1;
    const auto* words = words_of(day);
    int w = slot / 64;
    // Keep the bits at or below `slot` of its word.
    std::uint64_t word = words[w] & (~std::uint64_t{0} >> (63 - slot % 64));
    while (word == 0) {
      if (--w < 0) return -1;
      word = words[w];
    }
    return w * 64 + 63 - std::countl_zero(word);
  }
  int free_at_or_after(int day, int slot) const {
    if (slot >= slots_per_day_) return slots_per_day_;
    const auto* words = words_of(day);
    int w = slot / 64;
    std::uint64_t word = words[w] & (~std::uint64_t{0} << (slot % 64));
    while (word == 0) {
      if (++w == words_per_day_) return slots_per_day_;
      word = words[w];
    }
    // Bits past the last slot are never set, so this is a slot of the day.
    return w * 64 + std::countr_zero(word);
  }
  Interval session(int day, int slot) const {
    const auto d = static_cast<std::size_t>(day);
    const Instant start = steady_[d] ? day_starts_[d] + slot * granularity_
                                     : anchor_.clock.to_instant(local_start(day, slot));
    return {start, start + pair_.duration};
  }
  LocalMinute local_start(int day, int slot) const {
    return LocalMinute{days_[static_cast<std::size_t>(day)]} + slot * granularity_;
  }
  // Indices of the days a placement's rule produces, in order.
  std::span<const int> rule_days(const Placement& placement) const;
  // Every placement the cadence allows, weekday and phase only (slot 0).
  std::vector<Placement> rule_shapes() const;
  // For each slot, on how many of some days it is statically free, and the first of them it is
  // free on. The caller keeps one from call to call, so that counting again allocates nothing.
  struct FreeDays {
    std::vector<int> count;       // per slot
    std::vector<int> first_free;  // per slot, where count is not zero
    std::vector<std::uint64_t> planes;
    std::vector<std::uint64_t> seen;
  };
  void count_free(std::span<const int> days, FreeDays& out) const;
  // How many occurrences min_held is a share of, for a rule that makes `rule_instances`
  // (cadence_occurrences), and how many of those the rule has no instance for: the months of
  // the term a monthly rule misses, which count as skipped.
  std::size_t occurrences_in_term(std::size_t rule_instances) const {
    return pair_.cadence.kind == Cadence::Kind::monthly ? term_months_ : rule_instances;
  }
  int missing(std::size_t rule_instances) const {
    return static_cast<int>(occurrences_in_term(rule_instances) -
                            std::min(rule_instances, occurrences_in_term(rule_instances)));
  }
  // How many placements have every occurrence free of both parties' fixed commitments: the
  // pair's flexibility, before any other pair is placed.
  std::size_t fully_free_placements() const;
  // Days of the ISO week (anchor zone) that holds `day`, inside the term.
  std::pair<int, int> week_of(int day) const;
  // The last day whose first slot starts at or before `t`; -1 when `t` is before the term.
  int day_holding(Instant t) const;
  // Slots of `day` whose start lies in [from, to], as an inclusive range (empty: lo > hi).
  std::pair<int, int> slots_starting_in(int day, Instant from, Instant to) const;
  const Pair& pair() const { return pair_; }
  const Program& program() const { return program_; }
  Minutes granularity() const { return granularity_; }

 private:
  const Program& program_;
  const Pair& pair_;
  const PersonCalendar& anchor_;
  Minutes granularity_;
  int slots_per_day_;
  int words_per_day_;
  std::size_t term_months_;  // cadence_occurrences of a monthly cadence
  std::vector<LocalDay> days_;
  std::vector<Instant> day_starts_;   // instant of each day's 00:00
  std::vector<std::uint8_t> steady_;  // whether the day's offset is the same all day
  std::vector<std::uint64_t> bits_;   // the statically free slots, words_per_day_ words a day
  // Each rule shape's days, in shape_index order: those of shape i from rule_first_[i].
  std::vector<int> rule_days_;
  std::vector<std::size_t> rule_first_;

  std::size_t shape_index(const Placement& placement) const;
  std::vector<int> days_of_rule(const Placement& placement) const;

  const std::uint64_t* words_of(int day) const {
    return &bits_[static_cast<std::size_t>(day * words_per_day_)];
  }
};

// A series as it would be placed: every occurrence held, moved or skipped.
struct Plan {
  Placement placement;
  std::vector<Occurrence> occurrences;
  int held = 0;  // at the series time
  int moved = 0;
  int skipped = 0;
  int missing = 0;        // months of the term a monthly rule has no instance in: skipped in effect
  long comfort = 0;       // penalty: lower is better
  bool accepted = false;  // held + moved reaches min_held
  bool complete = false;  // every occurrence evaluated (an evaluation may stop early)

  // Lexicographic: accepted first, then fewest skipped (missing included), then fewest moved,
  // then comfort.
  bool better_than(const Plan& other) const;
};

}  // namespace mentorcal::engine

namespace mentorcal::engine {

// The two people of a pair as the search sees them: their calendars and what they have booked.
struct Parties {
  const PersonCalendar& anchor;
  const PersonCalendar& other;
  Occupancy& anchor_load;
  Occupancy& other_load;
  // The mentor's series so far by anchor weekday, to spread their sessions over the week.
  const std::array<int, 7>& mentor_weekdays;
};

// The placements worth evaluating, best first by what is known before booking anything:
// occurrences free at the series time, then comfort of the first occurrence. Only the first
// `wanted` are returned, as the full ranking would begin.
std::vector<Placement> ranked_placements(
    const PairSpace& space, const Parties& parties,
    std::size_t wanted = std::numeric_limits<std::size_t>::max());

// What an evaluation is told about one occurrence, when a search has already decided it.
struct Decided {
  enum class Kind { open, skip, at };
  Kind kind = Kind::open;
  int day = 0;  // with `at`: where it takes place, already checked by the caller
  int slot = 0;
};

// How much of an evaluation to do.
struct Effort {
  bool reasons = false;                // write each exception's reason (costs text)
  bool stop_when_unacceptable = true;  // stop once min_held can no longer be reached
  // Stop once more are skipped, the rule's missing months included.
  int max_skipped = std::numeric_limits<int>::max();
  // One entry per occurrence of the rule, or none: every occurrence open.
  const std::vector<Decided>* decided = nullptr;
};

// Places every occurrence of the rule at `placement`: held at the series time when all
// constraints allow, else moved within its ISO week, else skipped. An occurrence that `effort`
// says is decided is skipped, or taken where it says (held when that is the series time).
// Books nothing. A plan cut short by `effort` is not `complete`.
Plan evaluate(const PairSpace& space, const Placement& placement, Parties& parties,
              const Effort& effort = {});

// The best complete plan over the first `breadth` ranked placements (more when none is
// accepted yet), with reasons. With `keep_rejected`, plans that cannot be accepted are
// evaluated in full too, so that the least bad one can be described.
std::optional<Plan> best_plan(const PairSpace& space, Parties& parties, std::size_t breadth,
                              bool keep_rejected = false);
// The same over a ranking already made: the first placements_tried(breadth, keep_rejected) of
// ranked_placements(space, parties), or more of them.
std::optional<Plan> best_plan(const PairSpace& space, std::span<const Placement> ranked,
                              Parties& parties, std::size_t breadth, bool keep_rejected = false);
// How many ranked placements best_plan may evaluate at most.
std::size_t placements_tried(std::size_t breadth, bool keep_rejected);
// Whether best_plan(space, ranked, parties, breadth) would be accepted; cheaper, as it stops at
// the first acceptable plan and writes no reasons.
bool can_place(const PairSpace& space, std::span<const Placement> ranked, Parties& parties,
               std::size_t breadth);

void book(const Plan& plan, Parties& parties);
void unbook(const Plan& plan, Parties& parties);

// Whether the pair's session at (`day`, `slot`) is free for both parties and keeps both within
// the buffer and every limit, given what they have booked.
bool fits_both(const PairSpace& space, int day, int slot, const Parties& parties);

// Why a session at the series time cannot be held, in a coordinator's words.
std::string why_not_held(const PairSpace& space, int day, int slot, const Parties& parties);

// How many of `total` occurrences must take place under the pair's min_held.
int needed(const Pair& pair, std::size_t total);
// How many occurrences a rule making `rule_instances` must hold: min_held of the cadence's
// occurrences in the term.
inline int needed(const PairSpace& space, std::size_t rule_instances) {
  return needed(space.pair(), space.occurrences_in_term(rule_instances));
}

// The placement of an existing series, when it fits the pair's current cadence, duration,
// anchor zone and grid.
std::optional<Placement> placement_of(const Series& series, const PairSpace& space);

// Whether an occurrence that takes place is still valid where it is, given what both parties
// have booked: free for both, within every limit, and at the series time (held) or on the grid
// of its ISO week (moved). `day` is the day of its rule instance.
bool still_valid_at(const PairSpace& space, int day, const Occurrence& o, const Parties& parties);

// Another valid time in the ISO week of `day`, nearest first; nullopt when there is none.
std::optional<Interval> move_within_week(const PairSpace& space, int day, int slot,
                                         const Parties& parties);

}  // namespace mentorcal::engine

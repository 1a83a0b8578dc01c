// Evaluation (search.hpp): one pair's series placed at one anchor, the placements ranked, and the
// best plan among them.
#include "search.hpp"

#include <algorithm>
#include <cassert>
#include <cmath>
#include <limits>

namespace mentorcal::engine {

bool Plan::better_than(const Plan& other) const {
  if (accepted != other.accepted) return accepted;
  if (skipped + missing != other.skipped + other.missing)
    return skipped + missing < other.skipped + other.missing;
  if (moved != other.moved) return moved < other.moved;
  if (comfort != other.comfort) return comfort < other.comfort;
  if (placement.weekday != other.placement.weekday)
    return placement.weekday < other.placement.weekday;
  if (placement.phase != other.placement.phase) return placement.phase < other.placement.phase;
  return placement.slot < other.placement.slot;
}

namespace {

// Comfort: a session closer than this to the edge of either party's working window costs a
// penalty minute per minute, and the two parties' penalties are combined so that one party
// taking all the inconvenience costs more than both sharing it.
constexpr Minutes kComfortMargin{60};
// A mentor's second series on the same weekday costs this much per occurrence.
constexpr long kSameWeekdayPenalty = 20;

long occurrence_comfort(Interval session, const Parties& parties) {
  const auto penalty = [&](const PersonCalendar& c) {
    return std::max<long>(0, (kComfortMargin - c.margin(session)).count());
  };
  const long a = penalty(parties.anchor);
  const long b = penalty(parties.other);
  return a + b + std::abs(a - b);
}

// Another time in the same ISO week of the anchor zone: the same day first, nearest slot
// first (the earlier of two as near), then the nearest other day (the earlier of two as near).
std::optional<std::pair<int, int>> find_move(const PairSpace& space, int day, int slot,
                                             const Parties& parties) {
  const auto [first, last] = space.week_of(day);
  // A limit reached on a person's local day rules out every slot of that day, so each such
  // day is asked about once rather than once a slot. A week spans at most nine local days.
  struct FullDays {
    std::array<std::size_t, 9> days;
    std::size_t count = 0;
  };
  std::array<FullDays, 2> full;
  const auto fits = [&](Interval session, const PersonCalendar& c, const Occupancy& load,
                        FullDays& f) {
    const auto local = c.day_index(session.start);
    if (std::find(f.days.begin(), f.days.begin() + f.count, local) != f.days.begin() + f.count)
      return false;
    const auto clash = load.clash(session, c);
    if (clash != Occupancy::Clash::none && clash != Occupancy::Clash::session) {
      assert(f.count < f.days.size() && "a week spans more local days than expected");
      f.days[f.count++] = local;
    }
    return clash == Occupancy::Clash::none;
  };
  const auto fits_at = [&](int d, int s) {
    const auto session = space.session(d, s);
    return fits(session, parties.anchor, parties.anchor_load, full[0]) &&
           fits(session, parties.other, parties.other_load, full[1]);
  };
  const int n = space.slots_per_day();
  const auto move_on = [&](int d) -> std::optional<std::pair<int, int>> {
    // Only statically free slots can fit: walk them outwards from `slot`, down and up.
    int down = space.free_at_or_before(d, d == day ? slot - 1 : slot);
    int up = space.free_at_or_after(d, slot + 1);
    while (down >= 0 || up < n) {
      if (down >= 0 && (up >= n || slot - down <= up - slot)) {
        if (fits_at(d, down)) return std::pair{d, down};
        down = space.free_at_or_before(d, down - 1);
      } else {
        if (fits_at(d, up)) return std::pair{d, up};
        up = space.free_at_or_after(d, up + 1);
      }
    }
    return std::nullopt;
  };
  if (const auto move = move_on(day)) return move;
  for (int step = 1; step <= last - first; ++step)
    for (const int d : {day - step, day + step})
      if (d >= first && d <= last)
        if (const auto move = move_on(d)) return move;
  return std::nullopt;
}

}  // namespace

bool fits_both(const PairSpace& space, int day, int slot, const Parties& parties) {
  if (!space.statically_free(day, slot)) return false;
  const auto session = space.session(day, slot);
  return parties.anchor_load.fits(session, parties.anchor) &&
         parties.other_load.fits(session, parties.other);
}

std::vector<Placement> ranked_placements(const PairSpace& space, const Parties& parties,
                                         std::size_t wanted) {
  struct Ranked {
    Placement placement;
    int missing;
    int sample_day;  // the first of the rule's days the slot is free on
    long comfort;
  };
  std::vector<Ranked> ranked;
  const int n = space.slots_per_day();
  PairSpace::FreeDays free;
  for (const auto& shape : space.rule_shapes()) {
    const auto days = space.rule_days(shape);
    if (days.empty()) continue;
    space.count_free(days, free);
    for (int s = 0; s < n; ++s) {
      const auto c = free.count[static_cast<std::size_t>(s)];
      if (c == 0) continue;
      ranked.push_back({{shape.weekday, shape.phase, s},
                        static_cast<int>(days.size()) - c + space.missing(days.size()),
                        free.first_free[static_cast<std::size_t>(s)],
                        0});
    }
  }
  // Comfort costs two interval searches a party: it is worked out only for the placements
  // missing no more occurrences than the `wanted`-th fewest, as no other can rank before it.
  const auto first = ranked.begin() + static_cast<std::ptrdiff_t>(std::min(wanted, ranked.size()));
  auto contenders = ranked.end();
  if (first != ranked.begin() && first != ranked.end()) {
    const auto by_missing = [](const Ranked& a, const Ranked& b) { return a.missing < b.missing; };
    std::nth_element(ranked.begin(), first - 1, ranked.end(), by_missing);
    const int most = (first - 1)->missing;
    contenders = std::partition(ranked.begin(), ranked.end(),
                                [&](const Ranked& r) { return r.missing <= most; });
  }
  for (auto it = ranked.begin(); it != contenders; ++it) {
    const long spread = kSameWeekdayPenalty * parties.mentor_weekdays[it->placement.weekday];
    it->comfort =
        occurrence_comfort(space.session(it->sample_day, it->placement.slot), parties) + spread;
  }
  const auto before = [](const Ranked& a, const Ranked& b) {
    if (a.missing != b.missing) return a.missing < b.missing;
    if (a.comfort != b.comfort) return a.comfort < b.comfort;
    if (a.placement.weekday != b.placement.weekday)
      return a.placement.weekday < b.placement.weekday;
    if (a.placement.phase != b.placement.phase) return a.placement.phase < b.placement.phase;
    return a.placement.slot < b.placement.slot;
  };
  // The order is total, so the first `wanted` are those of a full sort.
  if (first != contenders) std::nth_element(ranked.begin(), first, contenders, before);
  std::sort(ranked.begin(), first, before);
  std::vector<Placement> out;
  out.reserve(static_cast<std::size_t>(first - ranked.begin()));
  for (auto it = ranked.begin(); it != first; ++it) out.push_back(it->placement);
  return out;
}

Plan evaluate(const PairSpace& space, const Placement& placement, Parties& parties,
              const Effort& effort) {
  Plan plan;
  plan.placement = placement;
  const auto days = space.rule_days(placement);
  plan.occurrences.reserve(days.size());
  const int need = needed(space, days.size());
  plan.missing = space.missing(days.size());
  // Skips past which the plan cannot be accepted, or cannot beat the plan `effort` knows of.
  const int max_skipped =
      std::min(effort.max_skipped - plan.missing, effort.stop_when_unacceptable
                                                      ? static_cast<int>(days.size()) - need
                                                      : std::numeric_limits<int>::max());
  const long spread = kSameWeekdayPenalty * parties.mentor_weekdays[placement.weekday];
  for (std::size_t k = 0; k < days.size(); ++k) {
    const int day = days[k];
    const Decided decided = effort.decided ? (*effort.decided)[k] : Decided{};
    Occurrence o;
    o.nominal = space.local_start(day, placement.slot);
    o.at = space.session(day, placement.slot);
    if (decided.kind == Decided::Kind::skip) {
      o.state = OccurrenceState::skipped;
      if (effort.reasons) {
        o.reason = why_not_held(space, day, placement.slot, parties);
        if (o.reason.empty()) o.reason = "left free so that more of the program fits";
      }
      ++plan.skipped;
    } else if (decided.kind == Decided::Kind::at) {
      o.at = space.session(decided.day, decided.slot);
      if (decided.day == day && decided.slot == placement.slot) {
        o.state = OccurrenceState::held;
        ++plan.held;
      } else {
        o.state = OccurrenceState::moved;
        if (effort.reasons) {
          o.reason = why_not_held(space, day, placement.slot, parties);
          if (o.reason.empty()) o.reason = "moved so that more of the program fits";
        }
        ++plan.moved;
      }
    } else if (fits_both(space, day, placement.slot, parties)) {
      o.state = OccurrenceState::held;
      ++plan.held;
    } else {
      if (effort.reasons) o.reason = why_not_held(space, day, placement.slot, parties);
      if (const auto move = find_move(space, day, placement.slot, parties)) {
        o.at = space.session(move->first, move->second);
        o.state = OccurrenceState::moved;
        ++plan.moved;
      } else {
        o.state = OccurrenceState::skipped;
        if (effort.reasons) o.reason += "; no other time that week";
        ++plan.skipped;
      }
    }
    if (o.state != OccurrenceState::skipped) {
      parties.anchor_load.book(o.at, parties.anchor);
      parties.other_load.book(o.at, parties.other);
      plan.comfort += occurrence_comfort(o.at, parties) + spread;
    }
    plan.occurrences.push_back(std::move(o));
    if (plan.skipped > max_skipped) break;
  }
  unbook(plan, parties);
  plan.complete = plan.occurrences.size() == days.size();
  plan.accepted = plan.complete && !days.empty() && plan.held + plan.moved >= need;
  return plan;
}

std::size_t placements_tried(std::size_t breadth, bool keep_rejected) {
  // Past `breadth`, go on only while nothing is accepted, and not forever: a pair that none
  // of the most promising placements can hold is left to the explanation.
  return keep_rejected ? breadth : breadth * 8;
}

std::optional<Plan> best_plan(const PairSpace& space, Parties& parties, std::size_t breadth,
                              bool keep_rejected) {
  const auto ranked = ranked_placements(space, parties, placements_tried(breadth, keep_rejected));
  return best_plan(space, ranked, parties, breadth, keep_rejected);
}

std::optional<Plan> best_plan(const PairSpace& space, std::span<const Placement> ranked,
                              Parties& parties, std::size_t breadth, bool keep_rejected) {
  std::optional<Plan> best;
  const std::size_t limit = std::min(ranked.size(), placements_tried(breadth, keep_rejected));
  for (std::size_t i = 0; i < limit; ++i) {
    if (i >= breadth && best && best->accepted) break;
    Effort effort;
    effort.stop_when_unacceptable = !keep_rejected;
    // A plan that skips more than the best accepted one so far cannot beat it.
    if (best && best->accepted) effort.max_skipped = best->skipped + best->missing;
    auto plan = evaluate(space, ranked[i], parties, effort);
    if (plan.complete && (!best || plan.better_than(*best))) best = std::move(plan);
  }
  // Reasons cost text; only the chosen plan gets them, by the same (deterministic) evaluation.
  // A plan that holds every occurrence where its series puts it has no reason to give.
  if (!best || best->held == static_cast<int>(best->occurrences.size())) return best;
  Effort full;
  full.reasons = true;
  full.stop_when_unacceptable = false;
  return evaluate(space, best->placement, parties, full);
}

bool can_place(const PairSpace& space, std::span<const Placement> ranked, Parties& parties,
               std::size_t breadth) {
  // best_plan's plan is accepted exactly when one it evaluates is, and until then it evaluates
  // each of these placements in turn with this same effort.
  const std::size_t limit = std::min(ranked.size(), placements_tried(breadth, false));
  for (std::size_t i = 0; i < limit; ++i)
    if (evaluate(space, ranked[i], parties).accepted) return true;
  return false;
}

void book(const Plan& plan, Parties& parties) {
  for (const auto& o : plan.occurrences) {
    if (o.state == OccurrenceState::skipped) continue;
    parties.anchor_load.book(o.at, parties.anchor);
    parties.other_load.book(o.at, parties.other);
  }
}

void unbook(const Plan& plan, Parties& parties) {
  for (const auto& o : plan.occurrences) {
    if (o.state == OccurrenceState::skipped) continue;
    parties.anchor_load.release(o.at, parties.anchor);
    parties.other_load.release(o.at, parties.other);
  }
}

std::string why_not_held(const PairSpace& space, int day, int slot, const Parties& parties) {
  const auto& program = space.program();
  const auto session = space.session(day, slot);
  const std::array<const PersonCalendar*, 2> both{&parties.anchor, &parties.other};
  for (const auto* c : both) {
    for (const auto t : {session.start, session.end - Minutes{1}}) {
      const auto local = c->clock.local_day(t);
      if (std::binary_search(program.blackouts.begin(), program.blackouts.end(), local))
        return format_day(local) + " is a blackout date for " + c->person->id;
    }
  }
  for (const auto* c : both) {
    if (!holder(c->open, session)) {
      const auto& p = *c->person;
      // No date: the same drift recurs week after week and reads best as one line.
      return date::format("%R", c->clock.to_local(session.start)) + "-" +
             date::format("%R", c->clock.to_local(session.end)) + " " + std::string(p.zone.name()) +
             " is outside " + p.id + "'s " +
             (p.availability ? std::string("availability")
                             : "working hours (" + p.working_hours.to_string() + ")");
    }
  }
  for (const auto* c : both)
    if (!c->is_free(session)) return c->person->id + " is busy then";
  if (auto why = parties.anchor_load.why_not(session, parties.anchor); !why.empty()) return why;
  return parties.other_load.why_not(session, parties.other);
}

int needed(const Pair& pair, std::size_t total) {
  // The smallest count whose share reaches min_held; the epsilon keeps 0.9 * 10 at 9.
  const double share = pair.min_held * static_cast<double>(total) - 1e-9;
  return std::max(0, static_cast<int>(std::ceil(share)));
}

std::optional<Placement> placement_of(const Series& s, const PairSpace& space) {
  const auto& program = space.program();
  const auto& pair = space.pair();
  if (s.zone != program.anchor_of(pair).zone.name() || !(s.cadence == pair.cadence) ||
      s.duration != pair.duration)
    return std::nullopt;
  const auto first_day = date::floor<date::days>(s.first);
  const auto time = s.first - LocalMinute{first_day};
  if (time % program.granularity != Minutes{0}) return std::nullopt;
  Placement p;
  p.weekday = s.weekday.c_encoding();
  p.slot = static_cast<int>(time / program.granularity);
  if (pair.cadence.kind == Cadence::Kind::monthly) {
    p.phase = s.monthly_ordinal;
  } else {
    const auto weeks = (iso_week_start(first_day) - iso_week_start(program.start)).count() / 7;
    const auto n = pair.cadence.weeks;
    p.phase = static_cast<int>(((weeks % n) + n) % n);
  }
  return p;
}

bool still_valid_at(const PairSpace& space, int day, const Occurrence& o, const Parties& parties) {
  if (!parties.anchor.is_free(o.at) || !parties.other.is_free(o.at) ||
      !parties.anchor_load.fits(o.at, parties.anchor) ||
      !parties.other_load.fits(o.at, parties.other))
    return false;
  const auto nominal_day = date::floor<date::days>(o.nominal);
  const auto slot = static_cast<int>((o.nominal - LocalMinute{nominal_day}) / space.granularity());
  if (o.state == OccurrenceState::held) return o.at == space.session(day, slot);
  const auto [first, last] = space.week_of(day);
  for (int d = first; d <= last; ++d)
    for (int s = 0; s < space.slots_per_day(); ++s)
      if (space.session(d, s) == o.at) return true;
  return false;
}

std::optional<Interval> move_within_week(const PairSpace& space, int day, int slot,
                                         const Parties& parties) {
  const auto move = find_move(space, day, slot, parties);
  if (!move) return std::nullopt;
  return space.session(move->first, move->second);
}

}  // namespace mentorcal::engine

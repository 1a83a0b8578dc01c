#include "search.hpp"

#include <algorithm>
#include <cassert>
#include <cmath>

namespace mentorcal::engine {
namespace {

int day_key(LocalDay d) {
  return d.time_since_epoch().count();
}

int month_key(LocalDay d) {
  const date::year_month_day ymd{d};
  return int{ymd.year()} * 12 + static_cast<int>(unsigned{ymd.month()});
}

std::string limit_text(int at, int limit, const char* what, const char* per) {
  return "at " + std::to_string(at) + " of " + std::to_string(limit) + " " + what + " a " + per;
}

}  // namespace

Interval search_horizon(const Program& program) {
  // Local days and UTC days differ by at most a day either way; two of margin is plenty.
  const auto utc_day = [](LocalDay d) { return date::sys_days{d.time_since_epoch()}; };
  return {utc_day(program.start - date::days{2}), utc_day(program.end + date::days{3})};
}

PersonCalendar::PersonCalendar(const Person& p, const Program& program, Interval horizon)
    : person(&p), clock(p.zone, horizon) {
  const auto first = date::floor<date::days>(clock.to_local(horizon.start));
  const auto last = date::floor<date::days>(clock.to_local(horizon.end));
  open = p.availability ? intersect(*p.availability, std::vector<Interval>{horizon})
                        : working_intervals(p.working_hours, p.zone, first, last);
  const Minutes buffer{p.limits.buffer_minutes};
  std::vector<Interval> blocked;
  blocked.reserve(p.busy.size() + program.blackouts.size());
  for (const auto& b : p.busy) blocked.push_back({b.start - buffer, b.end + buffer});
  for (const auto& day : program.blackouts)
    blocked.push_back(
        {clock.to_instant(LocalMinute{day}), clock.to_instant(LocalMinute{day + date::days{1}})});
  free = subtract(open, normalized(std::move(blocked)));
}

namespace {

// The interval of `sorted` (sorted, disjoint) that contains `inner`, if any.
const Interval* holder(const std::vector<Interval>& sorted, Interval inner) {
  auto it = std::upper_bound(sorted.begin(), sorted.end(), inner.start,
                             [](Instant t, const Interval& i) { return t < i.start; });
  if (it == sorted.begin()) return nullptr;
  --it;
  return it->contains(inner) ? &*it : nullptr;
}

}  // namespace

bool PersonCalendar::is_free(Interval session) const {
  return holder(free, session) != nullptr;
}

Minutes PersonCalendar::margin(Interval session) const {
  const auto* window = holder(open, session);
  if (!window) return Minutes{0};
  return std::min(session.start - window->start, window->end - session.end);
}

Occupancy::Keys Occupancy::keys_of(Interval session, const PersonCalendar& calendar) {
  const auto day = calendar.clock.local_day(session.start);
  return {day_key(day), day_key(iso_week_start(day)), month_key(day)};
}

std::string Occupancy::why_not(Interval session, const PersonCalendar& calendar) const {
  const auto& limits = calendar.person->limits;
  const Minutes buffer{limits.buffer_minutes};
  const Interval widened{session.start - buffer, session.end + buffer};
  auto it = std::lower_bound(sessions_.begin(), sessions_.end(), widened.start,
                             [](const Interval& s, Instant t) { return s.end <= t; });
  if (it != sessions_.end() && it->overlaps(widened))
    return "another session of " + calendar.person->id + " at " +
           format_local(calendar.clock.to_local(it->start)) + " (" +
           std::to_string(buffer.count()) + " min buffer)";
  const auto keys = keys_of(session, calendar);
  const auto tally = [](const auto& map, int key) {
    const auto found = map.find(key);
    return found == map.end() ? Tally{} : found->second;
  };
  const int minutes = static_cast<int>((session.end - session.start).count());
  const auto day = tally(days_, keys.day);
  const auto week = tally(weeks_, keys.week);
  const auto month = tally(months_, keys.month);
  const auto& who = calendar.person->id;
  if (limits.max_sessions_per_day && day.sessions + 1 > *limits.max_sessions_per_day)
    return who + " is " + limit_text(day.sessions, *limits.max_sessions_per_day, "sessions", "day");
  if (limits.max_sessions_per_week && week.sessions + 1 > *limits.max_sessions_per_week)
    return who + " is " +
           limit_text(week.sessions, *limits.max_sessions_per_week, "sessions", "week");
  if (limits.max_minutes_per_week && week.minutes + minutes > *limits.max_minutes_per_week)
    return who + " is " + limit_text(week.minutes, *limits.max_minutes_per_week, "minutes", "week");
  if (limits.max_minutes_per_month && month.minutes + minutes > *limits.max_minutes_per_month)
    return who + " is " +
           limit_text(month.minutes, *limits.max_minutes_per_month, "minutes", "month");
  return {};
}

bool Occupancy::fits(Interval session, const PersonCalendar& calendar) const {
  return why_not(session, calendar).empty();
}

void Occupancy::book(Interval session, const PersonCalendar& calendar) {
  sessions_.insert(std::upper_bound(sessions_.begin(), sessions_.end(), session), session);
  const auto keys = keys_of(session, calendar);
  const int minutes = static_cast<int>((session.end - session.start).count());
  for (auto* tally : {&days_[keys.day], &weeks_[keys.week], &months_[keys.month]}) {
    tally->sessions += 1;
    tally->minutes += minutes;
  }
}

void Occupancy::release(Interval session, const PersonCalendar& calendar) {
  const auto it = std::find(sessions_.begin(), sessions_.end(), session);
  assert(it != sessions_.end() && "released a session that was never booked");
  sessions_.erase(it);
  const auto keys = keys_of(session, calendar);
  const int minutes = static_cast<int>((session.end - session.start).count());
  for (auto* tally : {&days_[keys.day], &weeks_[keys.week], &months_[keys.month]}) {
    tally->sessions -= 1;
    tally->minutes -= minutes;
  }
}

PairSpace::PairSpace(const Program& program, const Pair& pair, const PersonCalendar& anchor,
                     const PersonCalendar& other)
    : program_(program),
      pair_(pair),
      anchor_(anchor),
      granularity_(program.granularity),
      slots_per_day_(static_cast<int>(date::days{1} / program.granularity)),
      words_per_day_((slots_per_day_ + 63) / 64) {
  for (LocalDay d = program.start; d <= program.end; d += date::days{1}) {
    days_.push_back(d);
    const bool steady = anchor.clock.steady_on(d);
    steady_.push_back(steady);
    day_starts_.push_back(anchor.clock.to_instant(LocalMinute{d}));
  }
  bits_.assign(days_.size() * static_cast<std::size_t>(words_per_day_), 0);

  // A slot is free when the whole session fits one free interval of each party. For each
  // party's free interval the feasible starts form one range [a, b - duration], so the slots
  // are found by walking both interval lists alongside the days rather than slot by slot.
  const auto duration = pair.duration;
  std::vector<std::uint64_t> mark(static_cast<std::size_t>(words_per_day_));
  for (std::size_t di = 0; di < days_.size(); ++di) {
    const auto first = session(static_cast<int>(di), 0).start;
    const auto last = session(static_cast<int>(di), slots_per_day_ - 1).start;
    std::uint64_t* day_bits = &bits_[di * static_cast<std::size_t>(words_per_day_)];
    bool first_party = true;
    for (const PersonCalendar* party : {&anchor, &other}) {
      std::fill(mark.begin(), mark.end(), 0);
      auto it = std::upper_bound(party->free.begin(), party->free.end(), first,
                                 [](Instant t, const Interval& i) { return t < i.end; });
      for (; it != party->free.end() && it->start <= last; ++it) {
        const auto [lo, hi] =
            slots_starting_in(static_cast<int>(di), it->start, it->end - duration);
        for (int slot = lo; slot <= hi; ++slot)
          mark[static_cast<std::size_t>(slot / 64)] |= std::uint64_t{1} << (slot % 64);
      }
      for (int w = 0; w < words_per_day_; ++w) {
        const auto wi = static_cast<std::size_t>(w);
        day_bits[wi] = first_party ? mark[wi] : (day_bits[wi] & mark[wi]);
      }
      first_party = false;
    }
  }
}

std::pair<int, int> PairSpace::slots_starting_in(int day, Instant from, Instant to) const {
  if (to < from) return {0, -1};
  const auto d = static_cast<std::size_t>(day);
  if (steady_[d]) {
    // Start times rise by one granularity a slot: the range is two divisions away.
    const auto g = granularity_.count();
    const auto after = (from - day_starts_[d]).count();
    const auto before = (to - day_starts_[d]).count();
    const auto lo = after <= 0 ? 0 : (after + g - 1) / g;
    const auto hi = before < 0 ? -1 : before / g;
    return {static_cast<int>(lo), static_cast<int>(std::min<long>(hi, slots_per_day_ - 1))};
  }
  int lo = slots_per_day_;
  int hi = -1;
  for (int slot = 0; slot < slots_per_day_; ++slot) {
    const auto start = session(day, slot).start;
    if (start >= from && start <= to) {
      lo = std::min(lo, slot);
      hi = slot;
    }
  }
  return {lo, hi};
}

bool PairSpace::statically_free(int day, int slot) const {
  const auto word = bits_[static_cast<std::size_t>(day * words_per_day_ + slot / 64)];
  return (word >> (slot % 64)) & 1U;
}

LocalMinute PairSpace::local_start(int day, int slot) const {
  return LocalMinute{days_[static_cast<std::size_t>(day)]} + slot * granularity_;
}

Interval PairSpace::session(int day, int slot) const {
  const auto d = static_cast<std::size_t>(day);
  const Instant start = steady_[d] ? day_starts_[d] + slot * granularity_
                                   : anchor_.clock.to_instant(local_start(day, slot));
  return {start, start + pair_.duration};
}

std::vector<Placement> PairSpace::rule_shapes() const {
  std::vector<Placement> out;
  const int phases = pair_.cadence.kind == Cadence::Kind::monthly ? 4 : pair_.cadence.weeks;
  for (unsigned wd = 0; wd < 7; ++wd)
    for (int phase = 0; phase < phases; ++phase)
      out.push_back({wd, pair_.cadence.kind == Cadence::Kind::monthly ? phase + 1 : phase, 0});
  return out;
}

std::vector<int> PairSpace::rule_days(const Placement& placement) const {
  std::vector<int> out;
  const date::weekday wd{placement.weekday};
  if (pair_.cadence.kind == Cadence::Kind::monthly) {
    const date::year_month_day first{program_.start};
    for (auto ym = first.year() / first.month();; ym += date::months{1}) {
      const LocalDay d{ym / wd[static_cast<unsigned>(placement.phase)]};
      if (d > program_.end) break;
      if (d >= program_.start) out.push_back(static_cast<int>((d - program_.start).count()));
    }
    return out;
  }
  const auto first_monday = iso_week_start(program_.start);
  const auto offset = (wd - date::Monday).count();
  for (LocalDay monday = first_monday + date::weeks{placement.phase}; monday <= program_.end;
       monday += date::weeks{pair_.cadence.weeks}) {
    const LocalDay d = monday + date::days{offset};
    if (d >= program_.start && d <= program_.end)
      out.push_back(static_cast<int>((d - program_.start).count()));
  }
  return out;
}

std::pair<int, int> PairSpace::week_of(int day) const {
  const auto monday = iso_week_start(days_[static_cast<std::size_t>(day)]);
  const auto index = [&](LocalDay d) { return static_cast<int>((d - program_.start).count()); };
  return {std::max(0, index(monday)), std::min(day_count() - 1, index(monday + date::days{6}))};
}

bool Plan::better_than(const Plan& other) const {
  if (accepted != other.accepted) return accepted;
  if (skipped != other.skipped) return skipped < other.skipped;
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

int needed(const Pair& pair, std::size_t total) {
  // The smallest count whose share reaches min_held; the epsilon keeps 0.9 * 10 at 9.
  const double share = pair.min_held * static_cast<double>(total) - 1e-9;
  return std::max(0, static_cast<int>(std::ceil(share)));
}

bool fits_both(const PairSpace& space, int day, int slot, const Parties& parties) {
  if (!space.statically_free(day, slot)) return false;
  const auto session = space.session(day, slot);
  return parties.anchor_load.fits(session, parties.anchor) &&
         parties.other_load.fits(session, parties.other);
}

// Another time in the same ISO week of the anchor zone: the same day first, nearest slot
// first, then the nearest other day.
std::optional<std::pair<int, int>> find_move(const PairSpace& space, int day, int slot,
                                             const Parties& parties) {
  const auto [first, last] = space.week_of(day);
  std::vector<int> days;
  for (int d = first; d <= last; ++d) days.push_back(d);
  std::stable_sort(days.begin(), days.end(),
                   [&](int a, int b) { return std::abs(a - day) < std::abs(b - day); });
  const int n = space.slots_per_day();
  for (const int d : days) {
    for (int distance = 0; distance < n; ++distance) {
      for (const int s : {slot - distance, slot + distance}) {
        if (s < 0 || s >= n || (d == day && s == slot)) continue;
        if (fits_both(space, d, s, parties)) return std::pair{d, s};
        if (distance == 0) break;
      }
    }
  }
  return std::nullopt;
}

}  // namespace

std::vector<Placement> ranked_placements(const PairSpace& space, const Parties& parties) {
  struct Ranked {
    Placement placement;
    int missing;
    long comfort;
  };
  std::vector<Ranked> ranked;
  const int n = space.slots_per_day();
  std::vector<int> count(static_cast<std::size_t>(n));
  std::vector<int> first_free(static_cast<std::size_t>(n));
  for (const auto& shape : space.rule_shapes()) {
    const auto days = space.rule_days(shape);
    if (days.empty()) continue;
    std::fill(count.begin(), count.end(), 0);
    std::fill(first_free.begin(), first_free.end(), -1);
    for (const int d : days) {
      for (int s = 0; s < n; ++s) {
        if (!space.statically_free(d, s)) continue;
        auto& c = count[static_cast<std::size_t>(s)];
        if (c++ == 0) first_free[static_cast<std::size_t>(s)] = d;
      }
    }
    const long spread = kSameWeekdayPenalty * parties.mentor_weekdays[shape.weekday];
    for (int s = 0; s < n; ++s) {
      const auto c = count[static_cast<std::size_t>(s)];
      if (c == 0) continue;
      const auto sample = space.session(first_free[static_cast<std::size_t>(s)], s);
      ranked.push_back({{shape.weekday, shape.phase, s},
                        static_cast<int>(days.size()) - c,
                        occurrence_comfort(sample, parties) + spread});
    }
  }
  std::sort(ranked.begin(), ranked.end(), [](const Ranked& a, const Ranked& b) {
    if (a.missing != b.missing) return a.missing < b.missing;
    if (a.comfort != b.comfort) return a.comfort < b.comfort;
    if (a.placement.weekday != b.placement.weekday)
      return a.placement.weekday < b.placement.weekday;
    if (a.placement.phase != b.placement.phase) return a.placement.phase < b.placement.phase;
    return a.placement.slot < b.placement.slot;
  });
  std::vector<Placement> out;
  out.reserve(ranked.size());
  for (const auto& r : ranked) out.push_back(r.placement);
  return out;
}

Plan evaluate(const PairSpace& space, const Placement& placement, Parties& parties) {
  Plan plan;
  plan.placement = placement;
  const auto days = space.rule_days(placement);
  const long spread = kSameWeekdayPenalty * parties.mentor_weekdays[placement.weekday];
  for (const int day : days) {
    Occurrence o;
    o.nominal = space.local_start(day, placement.slot);
    o.at = space.session(day, placement.slot);
    if (fits_both(space, day, placement.slot, parties)) {
      o.state = OccurrenceState::held;
      ++plan.held;
    } else {
      o.reason = why_not_held(space, day, placement.slot, parties, space.program());
      if (const auto move = find_move(space, day, placement.slot, parties)) {
        o.at = space.session(move->first, move->second);
        o.state = OccurrenceState::moved;
        ++plan.moved;
      } else {
        o.state = OccurrenceState::skipped;
        o.reason += "; no other time that week";
        ++plan.skipped;
      }
    }
    if (o.state != OccurrenceState::skipped) {
      parties.anchor_load.book(o.at, parties.anchor);
      parties.other_load.book(o.at, parties.other);
      plan.comfort += occurrence_comfort(o.at, parties) + spread;
    }
    plan.occurrences.push_back(std::move(o));
  }
  unbook(plan, parties);
  plan.accepted = !days.empty() && plan.held + plan.moved >= needed(space.pair(), days.size());
  return plan;
}

std::optional<Plan> best_plan(const PairSpace& space, Parties& parties, std::size_t breadth) {
  const auto ranked = ranked_placements(space, parties);
  std::optional<Plan> best;
  // Past `breadth`, go on only while nothing is accepted, and not forever: a pair that none
  // of the most promising placements can hold is left to the explanation.
  const std::size_t limit = std::min(ranked.size(), breadth * 8);
  for (std::size_t i = 0; i < limit; ++i) {
    if (i >= breadth && best && best->accepted) break;
    auto plan = evaluate(space, ranked[i], parties);
    if (!best || plan.better_than(*best)) best = std::move(plan);
  }
  return best;
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

std::string why_not_held(const PairSpace& space, int day, int slot, const Parties& parties,
                         const Program& program) {
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
      return format_local(c->clock.to_local(session.start)) + " is outside " + p.id + "'s " +
             (p.availability ? std::string("availability")
                             : "working hours (" + p.working_hours.to_string() + ")") +
             " in " + std::string(p.zone.name());
    }
  }
  for (const auto* c : both)
    if (!c->is_free(session)) return c->person->id + " is busy then";
  if (auto why = parties.anchor_load.why_not(session, parties.anchor); !why.empty()) return why;
  return parties.other_load.why_not(session, parties.other);
}

}  // namespace mentorcal::engine

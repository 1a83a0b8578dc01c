#include "search.hpp"

#include <algorithm>
#include <bit>
#include <cassert>
#include <cmath>
#include <limits>

namespace mentorcal::engine {
Interval search_horizon(const Program& program) {
  // Local days and UTC days differ by at most a day either way; two of margin is plenty.
  const auto utc_day = [](LocalDay d) { return date::sys_days{d.time_since_epoch()}; };
  return {utc_day(program.start - date::days{2}), utc_day(program.end + date::days{3})};
}

PersonCalendar::PersonCalendar(const Person& p, const Program& program, Interval horizon)
    : person(&p), clock(p.zone, horizon), first_day(clock.local_day(horizon.start)) {
  const auto first = first_day;
  const auto last = clock.local_day(horizon.end);
  const date::year_month_day first_ymd{first};
  for (auto day = first; day <= last; day += date::days{1}) {
    const date::year_month_day ymd{day};
    const auto months = (int{ymd.year()} - int{first_ymd.year()}) * 12 +
                        static_cast<int>(unsigned{ymd.month()}) -
                        static_cast<int>(unsigned{first_ymd.month()});
    week_and_month.emplace_back((iso_week_start(day) - iso_week_start(first)).count() / 7,
                                static_cast<std::size_t>(months));
  }
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
  const auto day = calendar.day_index(session.start);
  const auto& [week, month] = calendar.week_and_month[day];
  return {day, week, month};
}

// Limits come before other sessions: a limit rules out a whole day, week or month, so it is
// the clash worth naming, and the one find_move can use to pass over a day at once.
Occupancy::Clash Occupancy::clash(Interval session, const PersonCalendar& calendar) const {
  const auto& limits = calendar.person->limits;
  const Minutes buffer{limits.buffer_minutes};
  const auto overlaps_a_session = [&] {
    const auto it = std::lower_bound(sessions_.begin(), sessions_.end(), session.start - buffer,
                                     [](const Interval& s, Instant t) { return s.end <= t; });
    return it != sessions_.end() && it->start < session.end + buffer;
  };
  const bool limited = limits.max_sessions_per_day || limits.max_sessions_per_week ||
                       limits.max_minutes_per_week || limits.max_minutes_per_month;
  if (!limited) return overlaps_a_session() ? Clash::session : Clash::none;
  const auto keys = keys_of(session, calendar);
  const int minutes = static_cast<int>(session.length().count());
  const auto day = tally(days_, keys.day);
  const auto week = tally(weeks_, keys.week);
  const auto month = tally(months_, keys.month);
  if (limits.max_sessions_per_day && day.sessions + 1 > *limits.max_sessions_per_day)
    return Clash::day_sessions;
  if (limits.max_sessions_per_week && week.sessions + 1 > *limits.max_sessions_per_week)
    return Clash::week_sessions;
  if (limits.max_minutes_per_week && week.minutes + minutes > *limits.max_minutes_per_week)
    return Clash::week_minutes;
  if (limits.max_minutes_per_month && month.minutes + minutes > *limits.max_minutes_per_month)
    return Clash::month_minutes;
  return overlaps_a_session() ? Clash::session : Clash::none;
}

Occupancy::Use Occupancy::use_behind(Clash kind, Interval session,
                                     const PersonCalendar& calendar) const {
  const auto& limits = calendar.person->limits;
  const auto keys = keys_of(session, calendar);
  const auto use = [](Tally t, const std::optional<int>& limit) {
    return Use{t.sessions, t.minutes, limit.value_or(0)};
  };
  switch (kind) {
    case Clash::day_sessions:
      return use(tally(days_, keys.day), limits.max_sessions_per_day);
    case Clash::week_sessions:
      return use(tally(weeks_, keys.week), limits.max_sessions_per_week);
    case Clash::week_minutes:
      return use(tally(weeks_, keys.week), limits.max_minutes_per_week);
    case Clash::month_minutes:
      return use(tally(months_, keys.month), limits.max_minutes_per_month);
    case Clash::none:
    case Clash::session:
      break;
  }
  return {};
}

std::string Occupancy::why_not(Interval session, const PersonCalendar& calendar) const {
  const auto& limits = calendar.person->limits;
  const auto& who = calendar.person->id;
  const auto keys = keys_of(session, calendar);
  const auto at = [&](int value, int limit, const char* what, const char* per) {
    return who + " is at " + std::to_string(value) + " of " + std::to_string(limit) + " " + what +
           " a " + per;
  };
  switch (clash(session, calendar)) {
    case Clash::none:
      return {};
    case Clash::session:
      return who + " has another session within " + std::to_string(limits.buffer_minutes) +
             " minutes";
    case Clash::day_sessions:
      return at(tally(days_, keys.day).sessions, *limits.max_sessions_per_day, "sessions", "day");
    case Clash::week_sessions:
      return at(tally(weeks_, keys.week).sessions, *limits.max_sessions_per_week, "sessions",
                "week");
    case Clash::week_minutes:
      return at(tally(weeks_, keys.week).minutes, *limits.max_minutes_per_week, "minutes", "week");
    case Clash::month_minutes:
      return at(tally(months_, keys.month).minutes, *limits.max_minutes_per_month, "minutes",
                "month");
  }
  return {};
}

void Occupancy::add(Interval session, const PersonCalendar& calendar, int sign) {
  const auto keys = keys_of(session, calendar);
  const int minutes = static_cast<int>(session.length().count());
  const auto bump = [&](std::vector<Tally>& v, std::size_t i) {
    if (v.size() <= i) v.resize(i + 1);
    v[i].sessions += sign;
    v[i].minutes += sign * minutes;
  };
  bump(days_, keys.day);
  bump(weeks_, keys.week);
  bump(months_, keys.month);
}

void Occupancy::book(Interval session, const PersonCalendar& calendar) {
  sessions_.insert(std::upper_bound(sessions_.begin(), sessions_.end(), session), session);
  add(session, calendar, +1);
}

void Occupancy::release(Interval session, const PersonCalendar& calendar) {
  const auto it = std::lower_bound(sessions_.begin(), sessions_.end(), session);
  assert(it != sessions_.end() && *it == session && "released a session that was never booked");
  sessions_.erase(it);
  add(session, calendar, -1);
}

void Occupancy::append_state(Instant from, const PersonCalendar& calendar,
                             std::vector<long>& out) const {
  const Minutes buffer{calendar.person->limits.buffer_minutes};
  const auto first = std::lower_bound(sessions_.begin(), sessions_.end(), from - buffer,
                                      [](const Interval& s, Instant t) { return s.end <= t; });
  for (auto it = first; it != sessions_.end(); ++it)
    out.push_back(it->start.time_since_epoch().count());
  const auto keys = keys_of({from, from}, calendar);
  const auto tallies = [&](const std::vector<Tally>& v, std::size_t from_index) {
    out.push_back(-1);    // a separator: the lists differ in length
    auto end = v.size();  // released tallies stay behind as zeros
    while (end > from_index && v[end - 1].sessions == 0) --end;
    for (std::size_t i = from_index; i < end; ++i) {
      out.push_back(v[i].sessions);
      out.push_back(v[i].minutes);
    }
  };
  const auto& l = calendar.person->limits;
  if (l.max_sessions_per_day) tallies(days_, keys.day);
  if (l.max_sessions_per_week || l.max_minutes_per_week) tallies(weeks_, keys.week);
  if (l.max_minutes_per_month) tallies(months_, keys.month);
}

void Occupancy::append_tallies_of(Interval session, const PersonCalendar& calendar,
                                  std::vector<long>& out) {
  const auto& l = calendar.person->limits;
  const auto keys = keys_of(session, calendar);
  if (l.max_sessions_per_day) out.push_back(static_cast<long>(keys.day));
  if (l.max_sessions_per_week || l.max_minutes_per_week)
    out.push_back(static_cast<long>(keys.week));
  if (l.max_minutes_per_month) out.push_back(static_cast<long>(keys.month));
}

int Occupancy::capacity(Instant from, Minutes shortest, const PersonCalendar& calendar) const {
  const auto& l = calendar.person->limits;
  const auto first = keys_of({from, from}, calendar);
  const auto& [last_week, last_month] = calendar.week_and_month.back();
  long weekly = std::numeric_limits<int>::max();
  if (l.max_sessions_per_week || l.max_minutes_per_week) {
    weekly = 0;
    for (auto w = first.week; w <= last_week; ++w) weekly += left_in_week(w, shortest, calendar);
  }
  long monthly = std::numeric_limits<int>::max();
  if (l.max_minutes_per_month) {
    monthly = 0;
    for (auto m = first.month; m <= last_month; ++m)
      monthly += left_in_month(m, shortest, calendar);
  }
  return static_cast<int>(std::min<long>({weekly, monthly, std::numeric_limits<int>::max()}));
}

int Occupancy::left_in_month(std::size_t month, Minutes shortest,
                             const PersonCalendar& calendar) const {
  const auto& l = calendar.person->limits;
  if (!l.max_minutes_per_month) return std::numeric_limits<int>::max();
  return std::max(0, *l.max_minutes_per_month - tally(months_, month).minutes) /
         static_cast<int>(shortest.count());
}

int Occupancy::left_in_week(std::size_t week, Minutes shortest,
                            const PersonCalendar& calendar) const {
  const auto& l = calendar.person->limits;
  const auto t = tally(weeks_, week);
  int left = std::numeric_limits<int>::max();
  if (l.max_sessions_per_week) left = std::max(0, *l.max_sessions_per_week - t.sessions);
  if (l.max_minutes_per_week)
    left = std::min(left, std::max(0, *l.max_minutes_per_week - t.minutes) /
                              static_cast<int>(shortest.count()));
  return left;
}

PairSpace::PairSpace(const Program& program, const Pair& pair, const PersonCalendar& anchor,
                     const PersonCalendar& other)
    : program_(program),
      pair_(pair),
      anchor_(anchor),
      granularity_(program.granularity),
      slots_per_day_(static_cast<int>(date::days{1} / program.granularity)),
      words_per_day_((slots_per_day_ + 63) / 64),
      term_months_(cadence_occurrences(pair.cadence, program.start, program.end, 0)) {
  for (LocalDay d = program.start; d <= program.end; d += date::days{1}) {
    days_.push_back(d);
    steady_.push_back(anchor.clock.steady_on(d));
    day_starts_.push_back(anchor.clock.to_instant(LocalMinute{d}));
  }
  bits_.assign(days_.size() * static_cast<std::size_t>(words_per_day_), 0);

  // A slot is free when the whole session fits one free interval of each party. For each
  // party's free interval the feasible starts form one range [a, b - duration], so the slots
  // are found by walking both interval lists alongside the days rather than slot by slot.
  const auto duration = pair.duration;
  std::vector<std::uint64_t> mark(static_cast<std::size_t>(words_per_day_));
  const auto mark_slots = [&](int lo, int hi) {
    for (int w = lo / 64; w <= hi / 64; ++w) {
      const int from = w == lo / 64 ? lo % 64 : 0;
      const int to = w == hi / 64 ? hi % 64 : 63;
      mark[static_cast<std::size_t>(w)] |=
          (~std::uint64_t{0} >> (63 - to)) & (~std::uint64_t{0} << from);
    }
  };
  const std::array<const PersonCalendar*, 2> parties{&anchor, &other};
  // Per party, the first free interval ending after the current day's first start: days and
  // intervals both ascend, so it only moves forward.
  std::array<std::size_t, 2> next{0, 0};
  for (std::size_t di = 0; di < days_.size(); ++di) {
    const auto first = session(static_cast<int>(di), 0).start;
    const auto last = session(static_cast<int>(di), slots_per_day_ - 1).start;
    std::uint64_t* day_bits = &bits_[di * static_cast<std::size_t>(words_per_day_)];
    for (std::size_t p = 0; p < parties.size(); ++p) {
      const auto& free = parties[p]->free;
      while (next[p] < free.size() && free[next[p]].end <= first) ++next[p];
      std::fill(mark.begin(), mark.end(), 0);
      for (auto i = next[p]; i < free.size() && free[i].start <= last; ++i) {
        const auto [lo, hi] =
            slots_starting_in(static_cast<int>(di), free[i].start, free[i].end - duration);
        if (lo <= hi) mark_slots(lo, hi);
      }
      for (int w = 0; w < words_per_day_; ++w) {
        const auto wi = static_cast<std::size_t>(w);
        day_bits[wi] = p == 0 ? mark[wi] : (day_bits[wi] & mark[wi]);
      }
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

int PairSpace::day_holding(Instant t) const {
  // Each day's first slot starts at the day's 00:00 as to_instant reads it, steady or not.
  const auto after = std::upper_bound(day_starts_.begin(), day_starts_.end(), t);
  return static_cast<int>(after - day_starts_.begin()) - 1;
}

LocalMinute PairSpace::local_start(int day, int slot) const {
  return LocalMinute{days_[static_cast<std::size_t>(day)]} + slot * granularity_;
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

std::size_t PairSpace::fully_free_placements() const {
  std::size_t count = 0;
  std::vector<std::uint64_t> all(static_cast<std::size_t>(words_per_day_));
  for (const auto& shape : rule_shapes()) {
    const auto days = rule_days(shape);
    if (days.empty()) continue;
    std::fill(all.begin(), all.end(), ~std::uint64_t{0});
    for (const int d : days)
      for (int w = 0; w < words_per_day_; ++w)
        all[static_cast<std::size_t>(w)] &= bits_[static_cast<std::size_t>(d * words_per_day_ + w)];
    for (const auto word : all) count += static_cast<std::size_t>(std::popcount(word));
  }
  return count;
}

std::pair<int, int> PairSpace::week_of(int day) const {
  const auto monday = iso_week_start(days_[static_cast<std::size_t>(day)]);
  const auto index = [&](LocalDay d) { return static_cast<int>((d - program_.start).count()); };
  return {std::max(0, index(monday)), std::min(day_count() - 1, index(monday + date::days{6}))};
}

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
  std::vector<int> count(static_cast<std::size_t>(n));
  std::vector<int> first_free(static_cast<std::size_t>(n));
  for (const auto& shape : space.rule_shapes()) {
    const auto days = space.rule_days(shape);
    if (days.empty()) continue;
    std::fill(count.begin(), count.end(), 0);
    for (const int d : days) {
      for (int s = space.free_at_or_after(d, 0); s < n; s = space.free_at_or_after(d, s + 1)) {
        auto& c = count[static_cast<std::size_t>(s)];
        if (c++ == 0) first_free[static_cast<std::size_t>(s)] = d;
      }
    }
    for (int s = 0; s < n; ++s) {
      const auto c = count[static_cast<std::size_t>(s)];
      if (c == 0) continue;
      ranked.push_back({{shape.weekday, shape.phase, s},
                        static_cast<int>(days.size()) - c + space.missing(days.size()),
                        first_free[static_cast<std::size_t>(s)],
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
  if (!best) return best;
  // Reasons cost text; only the chosen plan gets them, by the same (deterministic) evaluation.
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

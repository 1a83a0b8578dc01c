// Pair space (search.hpp): one pair's grid of start slots over the term, and where both parties
// are free for a whole session.
#include <algorithm>
#include <array>
#include <bit>
#include <cassert>
#include <cstdint>

#include "search.hpp"

namespace mentorcal::engine {

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
  // Every shape's days, worked out once: the search asks for them again and again.
  for (const auto& shape : rule_shapes()) {
    assert(shape_index(shape) == rule_first_.size() && "rule_shapes' order is shape_index's");
    rule_first_.push_back(rule_days_.size());
    const auto days = days_of_rule(shape);
    rule_days_.insert(rule_days_.end(), days.begin(), days.end());
  }
  rule_first_.push_back(rule_days_.size());

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

std::vector<Placement> PairSpace::rule_shapes() const {
  std::vector<Placement> out;
  const int phases = pair_.cadence.kind == Cadence::Kind::monthly ? 4 : pair_.cadence.weeks;
  for (unsigned wd = 0; wd < 7; ++wd)
    for (int phase = 0; phase < phases; ++phase)
      out.push_back({wd, pair_.cadence.kind == Cadence::Kind::monthly ? phase + 1 : phase, 0});
  return out;
}

std::size_t PairSpace::shape_index(const Placement& placement) const {
  const bool monthly = pair_.cadence.kind == Cadence::Kind::monthly;
  const int phases = monthly ? 4 : pair_.cadence.weeks;
  const int phase = monthly ? placement.phase - 1 : placement.phase;
  assert(placement.weekday < 7 && phase >= 0 && phase < phases && "a placement of another cadence");
  return placement.weekday * static_cast<std::size_t>(phases) + static_cast<std::size_t>(phase);
}

std::span<const int> PairSpace::rule_days(const Placement& placement) const {
  const auto shape = shape_index(placement);
  return std::span(rule_days_)
      .subspan(rule_first_[shape], rule_first_[shape + 1] - rule_first_[shape]);
}

std::vector<int> PairSpace::days_of_rule(const Placement& placement) const {
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

// The counts are kept bit-sliced, a word of counters' bit b for every 64 slots (carry-save
// addition, one day's word at a time): a day costs a few operations a word instead of one a free
// slot, and the ranking asks this for every weekday and phase of every pair it places.
void PairSpace::count_free(std::span<const int> days, FreeDays& out) const {
  const auto words = static_cast<std::size_t>(words_per_day_);
  const auto planes = static_cast<std::size_t>(std::bit_width(days.size()));
  const auto slots = static_cast<std::size_t>(slots_per_day_);
  out.planes.assign(words * planes, 0);
  out.seen.assign(words, 0);
  out.count.assign(slots, 0);
  out.first_free.resize(slots);
  for (const int d : days) {
    const auto* day_bits = words_of(d);
    for (std::size_t w = 0; w < words; ++w) {
      const auto bits = day_bits[w];
      for (auto fresh = bits & ~out.seen[w]; fresh != 0; fresh &= fresh - 1)
        out.first_free[w * 64 + static_cast<std::size_t>(std::countr_zero(fresh))] = d;
      out.seen[w] |= bits;
      auto carry = bits;
      for (std::size_t p = 0; p < planes && carry != 0; ++p) {
        auto& counter = out.planes[p * words + w];
        const auto next = counter & carry;
        counter ^= carry;
        carry = next;
      }
    }
  }
  for (std::size_t w = 0; w < words; ++w)
    for (auto any = out.seen[w]; any != 0; any &= any - 1) {
      const auto bit = static_cast<unsigned>(std::countr_zero(any));
      int n = 0;
      for (std::size_t p = 0; p < planes; ++p)
        n |= static_cast<int>(out.planes[p * words + w] >> bit & 1U) << p;
      out.count[w * 64 + bit] = n;
    }
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

}  // namespace mentorcal::engine

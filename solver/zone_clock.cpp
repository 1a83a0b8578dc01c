#include "zone_clock.hpp"

#include <algorithm>

namespace mentorcal::engine {

ZoneClock::ZoneClock(const Zone& zone, Interval range) : zone_(zone) {
  const auto margin = date::days{3};
  auto t = date::floor<std::chrono::seconds>(range.start - margin);
  const auto stop = range.end + margin;
  for (;;) {
    const auto info = zone.period_at(t);
    periods_.push_back({date::floor<Minutes>(std::max(info.begin, t)),
                        std::chrono::duration_cast<Minutes>(info.offset)});
    if (info.end >= stop) break;
    t = info.end;
  }
}

Instant ZoneClock::to_instant(LocalMinute local) const {
  const auto local_begin = [](const Period& p) { return p.begin.time_since_epoch() + p.offset; };
  // Local starts rise from one period to the next, so the last period starting (in local time)
  // at or before `local` is found by bisection.
  auto it = std::upper_bound(periods_.begin(), periods_.end(), local.time_since_epoch(),
                             [&](Minutes x, const Period& p) { return x < local_begin(p); });
  if (it != periods_.begin()) --it;
  // Shown twice: the earlier period's reading is the first occurrence. In a gap, or in a
  // unique reading, `it` (the period in force before or at the time) gives the offset.
  if (it != periods_.begin()) {
    const auto previous = std::prev(it);
    if (local.time_since_epoch() < it->begin.time_since_epoch() + previous->offset)
      return Instant{local.time_since_epoch() - previous->offset};
  }
  return Instant{local.time_since_epoch() - it->offset};
}

bool ZoneClock::steady_on(LocalDay day) const {
  const auto first = to_instant(LocalMinute{day});
  const auto last = to_instant(LocalMinute{day + date::days{1}});
  return &period_at(first) == &period_at(last - Minutes{1}) && last - first == date::days{1};
}

}  // namespace mentorcal::engine

// A zone's offsets over a bounded range of time, precomputed for the search's hot loops.
// Answers exactly what Zone answers (tests/engine/zone_clock_test.cpp checks that minute by
// minute around transitions) without a tz database lookup per call.
#pragma once

#include <vector>

#include "mentorcal/time.hpp"

namespace mentorcal::engine {

class ZoneClock {
 public:
  // Valid for instants in `range` and local times within a day of it.
  ZoneClock(const Zone& zone, Interval range);

  Minutes offset(Instant t) const { return period_at(t).offset; }
  LocalMinute to_local(Instant t) const { return LocalMinute{t.time_since_epoch() + offset(t)}; }
  LocalDay local_day(Instant t) const { return date::floor<date::days>(to_local(t)); }
  // RFC 5545 §3.3.5, as Zone::to_instant.
  Instant to_instant(LocalMinute local) const;
  // Whether the offset is the same all through the local day `day`.
  bool steady_on(LocalDay day) const;
  const Zone& zone() const { return zone_; }

 private:
  struct Period {
    Instant begin;  // first instant with this offset
    Minutes offset;
  };
  const Period& period_at(Instant t) const {
    // A term holds few periods: a scan back from the last beats a bisection, and this is the
    // search's hottest lookup.
    auto i = periods_.size() - 1;
    while (i > 0 && t < periods_[i].begin) --i;
    return periods_[i];
  }

  Zone zone_;
  std::vector<Period> periods_;  // sorted by begin; the first covers everything before it
};

}  // namespace mentorcal::engine

// Wall clocks: how the local fields of a value map to the time line. Private to ical/.
#pragma once

#include <libical/ical.h>

#include <chrono>
#include <optional>

#include "mentorcal/time.hpp"

namespace mentorcal::detail {

using Seconds = std::chrono::seconds;
using SysSeconds = date::sys_seconds;
using LocalSeconds = date::local_seconds;

inline LocalSeconds local_of(const icaltimetype& t) {
  return date::local_days{date::year{t.year} / t.month / t.day} + std::chrono::hours{t.hour} +
         std::chrono::minutes{t.minute} + Seconds{t.second};
}

// The icaltimetype of `local`: a DATE when `is_date`, else a DATE-TIME without zone.
icaltimetype ical_of(LocalSeconds local, bool is_date);

// A zone of the tz database, or a VTIMEZONE defined in the file (which libical evaluates).
class WallClock {
 public:
  explicit WallClock(Zone zone) : zone_(zone) {}
  explicit WallClock(icaltimezone* custom) : custom_(custom) {}

  SysSeconds to_sys(LocalSeconds local) const {
    if (custom_ != nullptr) {
      return SysSeconds{Seconds{icaltime_as_timet_with_zone(ical_of(local, false), custom_)}};
    }
    const auto minute = date::floor<Minutes>(local);
    return SysSeconds{zone_->to_instant(minute).time_since_epoch()} + (local - minute);
  }

  LocalSeconds to_local(SysSeconds t) const {
    if (custom_ != nullptr) {
      return local_of(icaltime_from_timet_with_zone(t.time_since_epoch().count(), 0, custom_));
    }
    return LocalSeconds{t.time_since_epoch() + zone_->offset(date::floor<Minutes>(t))};
  }

 private:
  std::optional<Zone> zone_;
  icaltimezone* custom_ = nullptr;
};

// One DATE or DATE-TIME value as written: its local fields and, unless it is a date or floating,
// the clock it is read on.
struct TimeValue {
  LocalSeconds local;
  bool is_date = false;
  std::optional<WallClock> clock;

  // Floating values are read on `floating`; dates start at midnight on it.
  SysSeconds to_sys(const WallClock& floating) const {
    return (clock && !is_date ? *clock : floating).to_sys(local);
  }
  date::local_days day() const { return date::floor<date::days>(local); }
};

// How long an instance lasts: `days` nominal local days (so an all-day event is a whole day even
// on a DST change), then `exact` elapsed seconds.
struct Length {
  int days = 0;
  Seconds exact{0};
};

inline SysSeconds end_of(LocalSeconds local, SysSeconds start, const Length& length,
                         const WallClock& clock) {
  if (length.days == 0) return start + length.exact;
  return clock.to_sys(local + date::days{length.days}) + length.exact;
}

}  // namespace mentorcal::detail

// Instants and wall-clock readings for tests, written as dates:
//
//   utc(date::March / 1 / 2027, 15h)           // 2027-03-01T15:00Z
//   local(date::year{2027} / 3 / 14, 2h + 30min)  // 02:30 on a wall, in no zone yet
#pragma once

#include <date/date.h>

#include "mentorcal/time.hpp"

namespace mentorcal::testing {

// The instant `time` after 00:00 UTC of `day`.
inline Instant utc(date::year_month_day day, Minutes time) {
  return date::sys_days{day} + time;
}

// What a wall clock shows `time` after the midnight that starts `day`.
inline LocalMinute local(date::year_month_day day, Minutes time) {
  return LocalDay{day} + time;
}

}  // namespace mentorcal::testing

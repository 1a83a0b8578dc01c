// Wall clocks (wall_clock.hpp): a wall-clock reading as libical's icaltimetype.
#include "wall_clock.hpp"

namespace mentorcal::detail {

icaltimetype ical_of(LocalSeconds local, bool is_date) {
  const auto day = date::floor<date::days>(local);
  const date::year_month_day ymd{day};
  const date::hh_mm_ss<Seconds> clock{local - day};
  icaltimetype t = icaltime_null_time();
  t.year = static_cast<int>(ymd.year());
  t.month = static_cast<int>(static_cast<unsigned>(ymd.month()));
  t.day = static_cast<int>(static_cast<unsigned>(ymd.day()));
  t.is_date = is_date ? 1 : 0;
  if (!is_date) {
    t.hour = static_cast<int>(clock.hours().count());
    t.minute = static_cast<int>(clock.minutes().count());
    t.second = static_cast<int>(clock.seconds().count());
  }
  return t;
}

}  // namespace mentorcal::detail

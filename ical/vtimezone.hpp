// What the feed writer builds its libical components from: owning component pointers, the
// wall-clock and UTC values of DATE-TIME properties, and the VTIMEZONE for a zone.
#pragma once

#include <libical/ical.h>

#include <memory>

#include "mentorcal/time.hpp"

namespace mentorcal {

struct ComponentDeleter {
  void operator()(icalcomponent* component) const { icalcomponent_free(component); }
};
using ComponentPtr = std::unique_ptr<icalcomponent, ComponentDeleter>;

// A DATE-TIME without zone: the TZID parameter (or, in a VTIMEZONE, TZOFFSETFROM) says where.
icaltimetype wall_clock_value(date::local_seconds t);
// A DATE-TIME in UTC, written with a trailing Z.
icaltimetype utc_value(date::sys_seconds t);
// The BYDAY code of a weekday: "MO", "TU"...
const char* weekday_code(date::weekday weekday);

// The VTIMEZONE component that render_vtimezone (mentorcal/feed.hpp) writes.
ComponentPtr build_vtimezone(const Zone& zone, LocalDay first, LocalDay last);

}  // namespace mentorcal

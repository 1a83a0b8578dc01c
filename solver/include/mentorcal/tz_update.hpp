// Following a tz database update. A schedule records the tz database release it was computed
// under and what that release said of each zone of the program over the term
// (Schedule::tzdata, Schedule::zones). Under another release, every occurrence is checked again:
// a series keeps its wall-clock time in the anchor zone; an occurrence that now breaks a rule is
// re-planned as a block re-plans it (moved within its ISO week, else skipped); every series of a
// person whose zone changed is re-published with a higher SEQUENCE; and the change is described.
//
//   auto previous = *mentorcal::schedule_from_json(text, &error);  // made under 2025b
//   if (auto update = mentorcal::follow_tz_update(program, previous, now))
//     for (const auto& line : update->lines) std::cout << line << '\n';
#pragma once

#include <optional>
#include <vector>

#include "mentorcal/program.hpp"
#include "mentorcal/schedule.hpp"

namespace mentorcal {

// The offsets of every zone of `program`'s people over its term, from the tz database in use.
TermOffsets zone_offsets_of(const Program& program);

// Brings `schedule` onto the tz database in use and sets its tzdata, zones and tz_update.
// Returns nullopt and changes nothing when it was made under this release and no zone of the
// program's people has other offsets now; the people's busy time must be the program's now.
std::optional<TzUpdate> follow_tz_update(const Program& program, Schedule& schedule,
                                         Instant revision);

}  // namespace mentorcal

// schedule.json: a Schedule as JSON and back. The format is documented in docs/FORMAT.md; the
// text is byte-identical for equal schedules (keys in a fixed order, two-space indent).
//
//   auto text = mentorcal::schedule_to_json(schedule);
//   std::string error;
//   auto again = mentorcal::schedule_from_json(text, &error);  // == schedule
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "mentorcal/schedule.hpp"

namespace mentorcal {

std::string schedule_to_json(const Schedule& schedule);
// nullopt with `error` naming the JSON field (as a JSON pointer) when the text is not a
// schedule.json this version understands.
std::optional<Schedule> schedule_from_json(std::string_view text, std::string* error);

// "+01:00", "-03:30": an offset from UTC, as schedule.json and the tz update reports write it.
std::string format_offset(Minutes offset);

// "held", "moved" or "skipped", as schedule.json writes a state.
const char* occurrence_state_name(OccurrenceState state);

// "FREQ=WEEKLY;INTERVAL=2;BYDAY=TU;COUNT=13": the RRULE of a series, as feeds publish it.
std::string rrule_of(const Series& series);

// "Wednesday". And a series' rule in words, as feeds and reports show it: "Weekly on Monday",
// "Every 2 weeks on Wednesday", "Monthly on the 2nd Tuesday".
const char* weekday_name(date::weekday weekday);
std::string cadence_phrase(const Series& series);
// The same rule on another weekday (as another zone reads a series): `monthly_ordinal` 1..4.
std::string cadence_phrase(const Cadence& cadence, date::weekday weekday, int monthly_ordinal);

}  // namespace mentorcal

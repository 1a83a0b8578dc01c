// Busy time read from the calendar exports people hand in (Outlook/Exchange, Google, Apple...).
//
//   mentorcal::Diagnostics problems;
//   auto berlin = mentorcal::Zone::find("Europe/Berlin").value();
//   auto calendar = mentorcal::read_busy_calendar(text, berlin, window, "calendars/m-01.ics",
//                                                 problems);
//   // calendar.busy: every opaque event instance, free/busy period ... inside `window`,
//   // in UTC, sorted and disjoint. Problems name "calendars/m-01.ics:LINE".
//
// What counts as busy is the product contract's rule (PRODUCT.md, "calendars/<id>.ics"); how each
// exporter's quirks are read is in docs/ICAL.md, "Import".
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "mentorcal/diagnostics.hpp"
#include "mentorcal/program.hpp"
#include "mentorcal/time.hpp"

namespace mentorcal {

// What the VAVAILABILITY components (RFC 7953) of an export say, inside the window read.
struct Availability {
  // The time the VAVAILABILITY components speak for (their DTSTART-DTEND ranges; a component
  // without DTSTART or DTEND is open on that side). Sorted, disjoint.
  std::vector<Interval> covered;
  // Within `covered`, when the person can meet: what the AVAILABLE subcomponents of the
  // highest-priority VAVAILABILITY at each instant allow. Sorted, disjoint, inside `covered`.
  std::vector<Interval> available;
  friend bool operator==(const Availability&, const Availability&) = default;
};

struct BusyCalendar {
  // Busy instants inside the window read: sorted, disjoint, each start rounded down and each end
  // rounded up to the minute.
  std::vector<Interval> busy;
  // Present when the export has at least one VAVAILABILITY. Never part of `busy`.
  std::optional<Availability> availability;
};

// Reads one export. `owner` is the zone that all-day events and floating times are read in, and
// the fallback for a TZID that neither the tz database, the Windows zone names nor a VTIMEZONE
// in the file define (with a warning). Only instances that overlap `window` are kept, and every
// recurrence is expanded no further than the window needs. Problems go to `diagnostics` as
// "file:line: message"; an error means the busy time of the file is not to be trusted (the
// result then holds what could be read).
BusyCalendar read_busy_calendar(std::string_view ics, const Zone& owner, Interval window,
                                const std::string& file, Diagnostics& diagnostics);

// The zone an export declares for itself with X-WR-TIMEZONE (Google, Apple), resolved like a
// TZID. nullopt when it declares none, or (with a warning) one that cannot be resolved.
std::optional<Zone> declared_zone(std::string_view ics, const std::string& file,
                                  Diagnostics& diagnostics);

// A complete program from its files: program.toml, people.csv and pairs.csv read and checked
// (read_program), then every person's calendar read into Person::busy and Person::availability
// (attach_calendars). Every problem at once: when the files have errors, the calendars of the
// people that did load are read too, and their problems reported beside the others. `program` is
// present exactly when no problem is an error.
LoadedProgram load_program(const ProgramSources& sources);
// The same for the program directory DIR (program_dir_sources).
LoadedProgram load_program_dir(const std::filesystem::path& dir);

// Reads the calendar of every person with `calendar_text` into Person::busy and
// Person::availability, bounded by the program's dates widened by two days on each side (so that
// every zone's local days are covered). A VAVAILABILITY replaces the person's working hours
// inside the time it covers; outside it, `availability` holds the working hours' windows, so the
// engine can use `availability` alone whenever it is present. `label` prefixes the calendar file
// names in messages ("acme/"). The calendars are read on all hardware threads; the problems come
// in person order all the same. Each `calendar_text` is emptied once read.
void attach_calendars(Program& program, const std::string& label, Diagnostics& diagnostics);

// Sets libical up once for the process: its errors are reported, never fatal, and its UTC zone,
// which libical creates lazily and without a lock, exists before any thread renders a feed. The
// reading and rendering functions call it; a program that starts threads calls it first.
void prepare_libical();

}  // namespace mentorcal

// Time in mentorcal: instants and wall-clock readings are different types.
//
// An `Instant` is a point on the UTC time line, to the minute. A `LocalMinute` is what a clock on
// a wall shows; it means nothing until a `Zone` says where that wall is. The two never mix except
// through `Zone::to_instant` and `Zone::to_local`, and the one place that decides what a
// nonexistent or ambiguous wall-clock time means is `Zone::to_instant`.
//
// `Zone` is the only door to the tz database in both programs: it reads the compiled zone files
// of `TZDIR` when that is set, else /usr/share/zoneinfo, as the C library and Python's zoneinfo
// do (docs/ARCHITECTURE.md says why through abseil's cctz rather than date/tz).
//
//   auto ny = mentorcal::Zone::find("America/New_York").value();
//   auto t = ny.to_instant(date::local_days{2027_y / March / 14} + 2h + 30min);  // in the gap
//   // t is 07:30Z: the offset from before the gap (RFC 5545 §3.3.5), i.e. 03:30 EDT.
#pragma once

#include <date/date.h>

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace mentorcal {

using Minutes = std::chrono::minutes;
using Instant = date::sys_time<Minutes>;
using LocalMinute = date::local_time<Minutes>;
using LocalDay = date::local_days;

// A half-open interval [start, end) of instants. Empty when start >= end.
struct Interval {
  Instant start;
  Instant end;

  bool empty() const { return start >= end; }
  Minutes length() const { return empty() ? Minutes{0} : end - start; }
  bool contains(const Interval& other) const { return start <= other.start && other.end <= end; }
  bool overlaps(const Interval& other) const { return start < other.end && other.start < end; }
  friend bool operator==(const Interval&, const Interval&) = default;
  friend auto operator<=>(const Interval&, const Interval&) = default;
};

// How a wall-clock time maps to the time line, for the records and for tests.
enum class LocalKind {
  unique,       // exactly one instant
  nonexistent,  // skipped by a forward change (a DST gap)
  ambiguous,    // shown twice by a backward change (a DST overlap)
};

// One stretch of a zone's history, [begin, end), with one UTC offset and abbreviation.
struct ZonePeriod {
  date::sys_seconds begin;  // far in the past when nothing is known before it
  date::sys_seconds end;    // far in the future when no change is known after it
  std::chrono::seconds offset;
  std::string abbreviation;
};

namespace detail {
struct ZoneRules;
}

// An IANA time zone from the tz database. Cheap to copy; compares by identity (one per name).
class Zone {
 public:
  // Looks `name` up in the tz database ("Europe/Berlin", "UTC"). Returns nullopt for names the
  // database does not know, and for anything that is not a zone name (a path, "localtime"); the
  // caller reports that with its own file and line.
  static std::optional<Zone> find(std::string_view name);
  static Zone utc();

  std::string_view name() const;

  // The instant a wall clock in this zone shows `local` at. RFC 5545 §3.3.5: an ambiguous
  // time means its first occurrence; a nonexistent time is read with the offset in force
  // before the gap, so 02:30 on a spring-forward night in New York is 03:30 EDT.
  Instant to_instant(LocalMinute local) const;
  LocalMinute to_local(Instant t) const;
  LocalKind classify(LocalMinute local) const;
  // Offset from UTC in force at `t` (local = utc + offset), in whole minutes toward zero.
  Minutes offset(Instant t) const;
  // The period in force at `t`, to the second.
  ZonePeriod period_at(date::sys_seconds t) const;

  friend bool operator==(const Zone& a, const Zone& b) { return a.rules_ == b.rules_; }

 private:
  explicit Zone(const detail::ZoneRules* rules) : rules_(rules) {}
  const detail::ZoneRules* rules_;
};

// The tz database in use: the directory zones are read from (`TZDIR`, else
// /usr/share/zoneinfo) and its release ("2026f", from its tzdata.zi or +VERSION; "unknown" when
// it names none).
const std::string& tz_database_directory();
const std::string& tz_database_version();

// The local calendar day that `t` falls on in `zone`.
LocalDay local_day(const Zone& zone, Instant t);

// ISO 8601 week of a local day: the Monday that starts it.
LocalDay iso_week_start(LocalDay day);
// First day of the calendar month that `day` is in.
LocalDay month_start(LocalDay day);

// "2027-03-14", "2027-03-14T02:30", "2027-03-14T07:30:00Z".
std::string format_day(LocalDay day);
std::string format_local(LocalMinute t);
std::string format_utc(Instant t);
// "20270314T073000Z": the same instant in ISO 8601's basic format, as iCalendar writes a UTC
// DATE-TIME.
std::string format_utc_basic(Instant t);
// Parses "YYYY-MM-DD"; nullopt unless it is a real calendar date.
std::optional<LocalDay> parse_day(std::string_view text);

}  // namespace mentorcal

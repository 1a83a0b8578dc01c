// The answer to a Program: for each pair a recurring series, or the reasons it could not be
// placed. Plain data; schedule.json is its serialisation (docs/FORMAT.md) and the feeds are
// rendered from it.
//
//   for (const auto& r : schedule.pairs)
//     if (r.series) for (const auto& o : r.series->occurrences) use(o.at);  // UTC, as held
#pragma once

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "mentorcal/program.hpp"
#include "mentorcal/time.hpp"

namespace mentorcal {

// What happened to one instance of a series' rule.
enum class OccurrenceState {
  held,     // takes place at the series time
  moved,    // takes place at another time of the same ISO week (anchor zone): RECURRENCE-ID
  skipped,  // does not take place: EXDATE
};

struct Occurrence {
  // The instance the rule produces, as a wall-clock time in the series zone. This is the
  // RECURRENCE-ID of a moved occurrence and the EXDATE of a skipped one.
  LocalMinute nominal;
  // When it takes place, in UTC: the rule's time for `held`, the new time for `moved`, and the
  // rule's time (not taking place) for `skipped`.
  Interval at;
  OccurrenceState state = OccurrenceState::held;
  std::string reason;  // why it was moved or skipped, in a coordinator's words; empty if held
  friend bool operator==(const Occurrence&, const Occurrence&) = default;
};

// A recurrence at a fixed wall-clock time in the anchor party's zone.
struct Series {
  std::string uid;   // stable across passes
  int sequence = 0;  // rises whenever a pass changes the series
  Instant dtstamp;   // when this version of the series was made
  std::string mentor_id;
  std::string mentee_id;
  std::string zone;  // IANA name of the anchor zone: DTSTART;TZID=
  Cadence cadence;
  date::weekday weekday;    // BYDAY
  int monthly_ordinal = 0;  // for monthly cadences: 1..4, the Nth weekday of the month
  LocalMinute first;        // DTSTART, a wall-clock time in `zone`
  Minutes duration{0};
  // Every instance of the rule from `first` to the program's end, in order (RRULE COUNT is
  // their number), each with its state.
  std::vector<Occurrence> occurrences;

  int held_count() const;  // held or moved
  friend bool operator==(const Series&, const Series&) = default;
};

struct PairResult {
  std::string mentor_id;
  std::string mentee_id;
  std::string mentor_email;  // kept so that a later pass can cancel the series by mail too
  std::string mentee_email;
  std::optional<Series> series;  // absent when the pair could not be scheduled
  // Why the pair could not be scheduled, most decisive first, and the smallest change to the
  // input that would place it. Empty when scheduled.
  std::vector<std::string> reasons;
  std::string relaxation;
  // The ids of the people whose limits kept the pair out, if any did.
  std::vector<std::string> limited_by;
};

// A series that an earlier pass published and this pass dropped: published once more with
// STATUS:CANCELLED and a higher SEQUENCE, then forgotten by the next pass.
struct CancelledSeries {
  Series series;
  std::string organizer_email;
  std::string attendee_email;
};

// What the tz database said of one zone over a program's term: the offset in force from each
// instant on, the first entry from the start of the window.
struct ZoneOffsets {
  std::string zone;
  std::vector<std::pair<Instant, Minutes>> from;  // (from, offset), increasing, offsets differ
  friend bool operator==(const ZoneOffsets&, const ZoneOffsets&) = default;
};

// The offsets of every zone of a program's people over its term. Kept with a schedule so that a
// later pass, or mentorcald after an update, can tell which of its instants new rules move.
struct TermOffsets {
  Interval window;                 // the term in UTC, with a margin for every zone's local days
  std::vector<ZoneOffsets> zones;  // by name
  friend bool operator==(const TermOffsets&, const TermOffsets&) = default;
};

// One stretch of time in which a new tz database gives a zone another offset than the old did.
struct ZoneShift {
  std::string zone;
  Interval when;
  Minutes before{0};
  Minutes after{0};
};

// One occurrence that following a tz database update changed.
struct TzMove {
  std::string uid;
  std::string mentor_id;
  std::string mentee_id;
  LocalMinute nominal;  // in the series zone
  OccurrenceState state_before = OccurrenceState::held;
  OccurrenceState state_after = OccurrenceState::held;
  Interval before;
  Interval after;
  std::string reason;  // why it could not stay, empty when it was only re-timed
};

// What following a tz database update did to a published schedule (tz_update.hpp).
struct TzUpdate {
  std::string from;  // the release the schedule was made under; "unknown" when it does not say
  std::string to;
  std::vector<ZoneShift> shifts;         // by zone, then time
  std::vector<TzMove> moves;             // by series, then occurrence
  std::vector<std::string> below_min;    // UIDs of series now holding fewer than min_held needs
  std::vector<std::string> republished;  // UIDs given a higher SEQUENCE
  std::vector<std::string> lines;        // all of it in a coordinator's words, names beside ids
};

// What a pass did to a pair's series against the previous pass's result.
struct SeriesChange {
  enum class Kind {
    kept,       // byte for byte as before
    replanned,  // same series time, exceptions planned again: SEQUENCE + 1
    retimed,    // placed afresh at another series time, same UID: SEQUENCE + 1
    added,      // a series the previous pass did not have
    cancelled,  // published before, dropped now: in Schedule::cancelled
  };
  Kind kind = Kind::kept;
  std::string mentor_id;
  std::string mentee_id;
  std::string uid;
  std::string before;  // the series time before ("biweekly, Tue 10:00-10:45 Europe/London")
  std::string after;   // and now; empty when cancelled
  std::string why;     // for replanned, retimed and cancelled: why it had to change
  friend bool operator==(const SeriesChange&, const SeriesChange&) = default;
};

const char* change_kind_name(SeriesChange::Kind kind);  // "kept", "replanned", ... "new", ...
// A series' time in a reader's words: "biweekly, Tue 10:00-10:45 Europe/London"; for a monthly
// series "monthly, 2nd Tue 10:00-10:45 Europe/London".
std::string series_time_text(const Series& series);

enum class PassOutcome {
  complete,    // the search ran to its end
  time_limit,  // stopped by --time-limit; the result is valid but may be improvable
};

struct Schedule {
  std::string program_id;
  PassOutcome outcome = PassOutcome::complete;
  std::vector<PairResult> pairs;  // in pairs.csv order
  std::vector<CancelledSeries> cancelled;
  std::string tzdata;                 // the tz database release it was computed under: "2026f"
  TermOffsets zones;                  // what it said of the program's zones over the term
  std::optional<TzUpdate> tz_update;  // when this pass followed a tz database update

  // With a previous pass: every series of either pass, what became of it, in pairs.csv order
  // and then the cancelled ones. Absent on a first pass.
  std::optional<std::vector<SeriesChange>> changes;
};

}  // namespace mentorcal

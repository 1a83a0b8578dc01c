// When a person can meet: weekly working hours in their own zone, and the interval algebra that
// turns them (with busy time and blackouts) into instants.
//
//   auto hours = mentorcal::WorkingHours::parse("Mon-Thu 08:30-12:00,13:00-17:30; Fri
//   08:30-13:00"); auto open = mentorcal::working_intervals(*hours, berlin, first_day, last_day);
//   // open: every working window of those local days, as UTC instants, sorted and disjoint.
#pragma once

#include <array>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "mentorcal/time.hpp"

namespace mentorcal {

// One open window of a local day: [start, end) in minutes after local midnight, end <= 24:00.
struct DayWindow {
  Minutes start;
  Minutes end;
  friend bool operator==(const DayWindow&, const DayWindow&) = default;
};

// A weekly pattern of working windows in local wall-clock time. Windows of a day are sorted and
// disjoint; a day without windows is not a working day.
class WorkingHours {
 public:
  // Grammar: segments separated by ';', each "DAYS TIMES". DAYS is a comma list of day names
  // (Mon..Sun, any case) or ranges "Mon-Fri"; a range may wrap ("Fri-Mon"). TIMES is a comma list
  // of "HH:MM-HH:MM" with start < end and end at most 24:00. A day may appear in one segment only
  // and its windows may not overlap. On failure returns nullopt and sets `error` to a sentence
  // naming the offending part.
  static std::optional<WorkingHours> parse(std::string_view text, std::string* error);

  std::span<const DayWindow> on(date::weekday day) const { return days_[day.c_encoding()]; }
  // Length of the longest window of any day.
  Minutes longest_window() const;
  // The same week with every working day starting `earlier` sooner and ending `later` later
  // (within 00:00 and 24:00).
  WorkingHours widened(Minutes earlier, Minutes later) const;
  // Canonical text form, re-parseable: "Mon-Fri 09:00-17:00".
  std::string to_string() const;

  friend bool operator==(const WorkingHours&, const WorkingHours&) = default;

 private:
  std::array<std::vector<DayWindow>, 7> days_;  // indexed by weekday::c_encoding(), Sun = 0
};

// Every working window of the local days [first, last] in `zone`, as instants, sorted and
// disjoint. A window's ends go through Zone::to_instant, so a window that touches a DST gap is
// as long as the clock says it is, not as the nominal hours say.
std::vector<Interval> working_intervals(const WorkingHours& hours, const Zone& zone, LocalDay first,
                                        LocalDay last);

// The instants of the local days [first, last] in `zone`, as one interval.
Interval local_days_interval(const Zone& zone, LocalDay first, LocalDay last);

// Sorts and merges touching or overlapping intervals; drops empty ones.
std::vector<Interval> normalized(std::vector<Interval> intervals);
// Both inputs sorted and disjoint; so is the result.
std::vector<Interval> intersect(std::span<const Interval> a, std::span<const Interval> b);
std::vector<Interval> subtract(std::span<const Interval> from, std::span<const Interval> remove);
Minutes total_length(std::span<const Interval> intervals);

}  // namespace mentorcal

// Hand-made schedules for tests: occurrences at given instants, and a pair's result holding them.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "mentorcal/schedule.hpp"

namespace mentorcal::testing {

// An occurrence taking place (or not) at `start` for `length`, its nominal time the same wall
// clock reading as UTC.
inline Occurrence occurrence(OccurrenceState state, Instant start,
                             Minutes length = std::chrono::minutes{45}, std::string reason = "") {
  return {LocalMinute{start.time_since_epoch()}, {start, start + length}, state, std::move(reason)};
}

// The result of a scheduled pair: a 45-minute Sunday series in New York holding `occurrences`.
inline PairResult scheduled(const std::string& mentor, const std::string& mentee,
                            std::vector<Occurrence> occurrences) {
  PairResult r{mentor, mentee, "", "", Series{}, {}, "", {}};
  r.series->uid = "t-" + mentor + "-" + mentee + "@mentorcal";
  r.series->mentor_id = mentor;
  r.series->mentee_id = mentee;
  r.series->zone = "America/New_York";
  r.series->weekday = date::Sunday;
  r.series->duration = std::chrono::minutes{45};
  r.series->occurrences = std::move(occurrences);
  return r;
}

}  // namespace mentorcal::testing

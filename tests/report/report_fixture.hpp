// A small program and hand-made schedules for the report tests: a mentor in New York, mentees in
// Tokyo and London, and times chosen so that the parties' local dates differ.
#pragma once

#include <gtest/gtest.h>

#include "../engine/program_text.hpp"
#include "mentorcal/schedule.hpp"

namespace mentorcal::testing {

using namespace std::chrono_literals;

inline Instant utc(date::sys_days day, Minutes time) {
  return Instant{day} + time;
}

inline Occurrence occurrence(OccurrenceState state, Instant start, Minutes length = 45min,
                             std::string reason = "") {
  return {LocalMinute{start.time_since_epoch()}, {start, start + length}, state, std::move(reason)};
}

inline PairResult scheduled(const std::string& mentor, const std::string& mentee,
                            std::vector<Occurrence> occurrences) {
  PairResult r{mentor, mentee, "", "", Series{}, {}, "", {}};
  r.series->uid = "t-" + mentor + "-" + mentee + "@mentorcal";
  r.series->mentor_id = mentor;
  r.series->mentee_id = mentee;
  r.series->zone = "America/New_York";
  r.series->weekday = date::Sunday;
  r.series->duration = 45min;
  r.series->occurrences = std::move(occurrences);
  return r;
}

inline Program report_program() {
  return program_from(
      settings("2027-02-22", "2027-03-14",
               "[mentor]\nmax_minutes_per_week = 90\nmax_sessions_per_week = 2\n"),
      std::string(kPeopleHeader) +
          "m,\"Ng, \"\"Ana\"\"\",m@x.example,mentor,America/New_York,Sun-Sat 00:00-24:00\n"
          "t,Taro <Tokyo> & Co,t@x.example,mentee,Asia/Tokyo,Sun-Sat 00:00-24:00\n"
          "l,Lou,l@x.example,mentee,Europe/London,Mon-Fri 09:00-17:00\n",
      std::string(kPairsHeader) + "m,t,weekly,45,0\nm,l,weekly,45,0\n");
}

}  // namespace mentorcal::testing

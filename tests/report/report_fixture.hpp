// A small program for the report tests: a mentor in New York, mentees in Tokyo and London, and
// times chosen so that the parties' local dates differ. Schedules for it are made by hand with
// support/schedules.hpp.
#pragma once

#include "support/program_text.hpp"
#include "support/schedules.hpp"
#include "support/time.hpp"

namespace mentorcal::testing {

using namespace std::chrono_literals;

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

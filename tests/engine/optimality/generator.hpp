// Small random programs that an exact method can still solve: a few mentors with two to four
// mentees each (at most 30 pairs), tight executive limits, narrow working-hour overlaps across
// zones, terms of three to eight weeks around DST changes, a coarse grid, some busy time and
// blackouts. The same seed gives the same program on every platform.
#pragma once

#include <cstdint>
#include <string>

#include "mentorcal/program.hpp"

namespace mentorcal::optimality {

Program random_program(std::uint64_t seed);

// The program as the files of a program directory (program.toml, people.csv, pairs.csv and a
// calendars/<id>.ics of busy time per person who has any), each after a "==> name <==" line:
// a reproducer for `mentorcal schedule`.
std::string program_files(const Program& program);

}  // namespace mentorcal::optimality

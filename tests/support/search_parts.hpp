// The search's working parts for one program, set up as the solver sets them up: each person's
// calendar over the search horizon, an empty occupancy for each, and a pair's two parties and
// space. For the unit tests of the engine's private parts (engine/search.hpp and those on it).
#pragma once

#include <array>
#include <vector>

#include "search.hpp"

namespace mentorcal::testing {

struct SearchParts {
  explicit SearchParts(const Program& p) : program(p) {
    const auto horizon = term_window(program);
    calendars.reserve(program.people.size());
    for (const auto& person : program.people) calendars.emplace_back(person, program, horizon);
    load.resize(program.people.size());
  }
  SearchParts(const SearchParts&) = delete;
  SearchParts& operator=(const SearchParts&) = delete;

  // Indices of pair `i`'s anchor party and other party, as the program's anchor says.
  std::array<std::size_t, 2> ends_of(std::size_t i) const {
    const auto& pair = program.pairs[i];
    return program.anchor == Anchor::mentor ? std::array{pair.mentor, pair.mentee}
                                            : std::array{pair.mentee, pair.mentor};
  }
  engine::Parties parties_of(std::size_t i) {
    const auto [anchor, other] = ends_of(i);
    return {calendars[anchor], calendars[other], load[anchor], load[other], no_spread};
  }
  engine::PairSpace space_of(std::size_t i) const {
    const auto [anchor, other] = ends_of(i);
    return {program, program.pairs[i], calendars[anchor], calendars[other]};
  }

  const Program& program;
  std::vector<engine::PersonCalendar> calendars;
  std::vector<engine::Occupancy> load;
  std::array<int, 7> no_spread{};  // no mentor has a series on any weekday yet
};

}  // namespace mentorcal::testing

// Programs for tests, written as the files a coordinator would write.
#pragma once

#include <gtest/gtest.h>

#include <string>

#include "mentorcal/program.hpp"

namespace mentorcal::testing {

// Loads a program from the texts of program.toml, people.csv and pairs.csv; fails the test
// (and returns an empty program) when they do not load.
inline Program program_from(const std::string& toml, const std::string& people,
                            const std::string& pairs) {
  ProgramSources sources;
  sources.program_toml = toml;
  sources.people_csv = people;
  sources.pairs_csv = pairs;
  sources.read = [](const std::string&) -> std::optional<std::string> { return std::nullopt; };
  auto loaded = read_program(sources);
  for (const auto& d : loaded.diagnostics.all()) ADD_FAILURE() << d.to_string();
  return loaded.program.value_or(Program{});
}

// program.toml for a term, with the pair defaults given.
inline std::string settings(const std::string& start, const std::string& end,
                            const std::string& extra = "") {
  return "id = \"t\"\nstart = " + start + "\nend = " + end + "\ngranularity_minutes = 15\n" + extra;
}

inline constexpr const char* kPeopleHeader = "id,name,email,role,timezone,working_hours\n";
inline constexpr const char* kPairsHeader = "mentor,mentee,cadence,duration_minutes,min_held\n";

}  // namespace mentorcal::testing

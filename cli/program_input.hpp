// A program directory read for a command: the files, then the calendars in them. Every problem
// is printed to standard error as file:line: message; nullopt when any of them is an error.
#pragma once

#include <optional>
#include <string>

#include "mentorcal/program.hpp"

namespace mentorcal::cli {

// With `pairs_optional`, a missing pairs.csv reads as one without rows (for `match`).
std::optional<Program> load_program_input(const std::string& program_dir,
                                          bool pairs_optional = false);

// The same, printing nothing: the program (absent when any problem is an error) and every
// problem found.
LoadedProgram read_program_input(const std::string& program_dir, bool pairs_optional = false);

}  // namespace mentorcal::cli

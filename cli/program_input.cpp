#include "program_input.hpp"

#include <iostream>

#include "mentorcal/ical.hpp"

namespace mentorcal::cli {

LoadedProgram read_program_input(const std::string& program_dir, bool pairs_optional) {
  auto sources = program_dir_sources(program_dir);
  if (pairs_optional && !sources.pairs_csv) sources.pairs_csv = "mentor,mentee\n";
  return load_program(sources);
}

std::optional<Program> load_program_input(const std::string& program_dir, bool pairs_optional) {
  auto loaded = read_program_input(program_dir, pairs_optional);
  for (const auto& d : loaded.diagnostics.all()) std::cerr << d.to_string() << '\n';
  if (loaded.diagnostics.has_errors()) return std::nullopt;
  return std::move(loaded.program);
}

}  // namespace mentorcal::cli

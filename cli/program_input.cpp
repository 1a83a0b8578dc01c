#include "program_input.hpp"

#include <iostream>

#include "mentorcal/ical.hpp"

namespace mentorcal::cli {

LoadedProgram read_program_input(const std::string& program_dir, bool pairs_optional) {
  auto sources = program_dir_sources(program_dir);
  if (pairs_optional && !sources.pairs_csv) sources.pairs_csv = "mentor,mentee\n";
  auto loaded = load_program(sources);
  auto& diagnostics = loaded.diagnostics;
  auto label = std::filesystem::path(program_dir).generic_string();
  if (!label.empty() && label.back() != '/') label += '/';
  if (loaded.program) {
    attach_calendars(*loaded.program, label, diagnostics);
    if (diagnostics.has_errors()) loaded.program.reset();
  } else if (auto& partial = loaded.partial; partial.start != LocalDay{} &&
                                             partial.end != LocalDay{} &&
                                             partial.start <= partial.end) {
    // Every problem of a run at once: the calendars of the people that did load are read too.
    attach_calendars(partial, label, diagnostics);
  }
  return loaded;
}

std::optional<Program> load_program_input(const std::string& program_dir, bool pairs_optional) {
  auto loaded = read_program_input(program_dir, pairs_optional);
  for (const auto& d : loaded.diagnostics.all()) std::cerr << d.to_string() << '\n';
  if (loaded.diagnostics.has_errors()) return std::nullopt;
  return std::move(loaded.program);
}

}  // namespace mentorcal::cli

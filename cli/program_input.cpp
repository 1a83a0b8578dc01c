#include "program_input.hpp"

#include <iostream>

#include "mentorcal/ical.hpp"

namespace mentorcal::cli {

LoadedProgram read_program_input(const std::string& program_dir) {
  auto loaded = load_program_dir(program_dir);
  if (loaded.program) {
    auto label = std::filesystem::path(program_dir).generic_string();
    if (!label.empty() && label.back() != '/') label += '/';
    attach_calendars(*loaded.program, label, loaded.diagnostics);
    if (loaded.diagnostics.has_errors()) loaded.program.reset();
  }
  return loaded;
}

std::optional<Program> load_program_input(const std::string& program_dir) {
  auto loaded = read_program_input(program_dir);
  for (const auto& d : loaded.diagnostics.all()) std::cerr << d.to_string() << '\n';
  if (loaded.diagnostics.has_errors()) return std::nullopt;
  return std::move(loaded.program);
}

}  // namespace mentorcal::cli

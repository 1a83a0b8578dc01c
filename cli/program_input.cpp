#include "program_input.hpp"

#include <iostream>

#include "mentorcal/ical.hpp"

namespace mentorcal::cli {

std::optional<Program> load_program_input(const std::string& program_dir, bool pairs_optional) {
  auto sources = program_dir_sources(program_dir);
  if (pairs_optional && !sources.pairs_csv) sources.pairs_csv = "mentor,mentee\n";
  auto loaded = load_program(sources);
  auto& diagnostics = loaded.diagnostics;
  if (loaded.program) {
    auto label = std::filesystem::path(program_dir).generic_string();
    if (!label.empty() && label.back() != '/') label += '/';
    attach_calendars(*loaded.program, label, diagnostics);
  }
  for (const auto& d : diagnostics.all()) std::cerr << d.to_string() << '\n';
  if (diagnostics.has_errors()) return std::nullopt;
  return std::move(loaded.program);
}

}  // namespace mentorcal::cli

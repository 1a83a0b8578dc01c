#include "program_input.hpp"

#include <iostream>

#include "mentorcal/ical.hpp"

namespace mentorcal::cli {

std::optional<Program> load_program_input(const std::string& program_dir) {
  auto loaded = load_program_dir(program_dir);
  auto& diagnostics = loaded.diagnostics;
  auto label = std::filesystem::path(program_dir).generic_string();
  if (!label.empty() && label.back() != '/') label += '/';
  if (loaded.program) {
    attach_calendars(*loaded.program, label, diagnostics);
  } else if (auto& partial = loaded.partial; partial.start != LocalDay{} &&
                                             partial.end != LocalDay{} &&
                                             partial.start <= partial.end) {
    // Every problem of a run at once: the calendars of the people that did load are read too.
    attach_calendars(partial, label, diagnostics);
  }
  for (const auto& d : diagnostics.all()) std::cerr << d.to_string() << '\n';
  if (diagnostics.has_errors()) return std::nullopt;
  return std::move(loaded.program);
}

}  // namespace mentorcal::cli

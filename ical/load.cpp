#include "mentorcal/ical.hpp"

namespace mentorcal {

LoadedProgram load_program(const ProgramSources& sources) {
  auto loaded = read_program(sources);
  auto& diagnostics = loaded.diagnostics;
  if (loaded.program) {
    attach_calendars(*loaded.program, sources.label, diagnostics);
    if (diagnostics.has_errors()) loaded.program.reset();
  } else if (auto& partial = loaded.partial; partial.start != LocalDay{} &&
                                             partial.end != LocalDay{} &&
                                             partial.start <= partial.end) {
    attach_calendars(partial, sources.label, diagnostics);
  }
  return loaded;
}

LoadedProgram load_program_dir(const std::filesystem::path& dir) {
  return load_program(program_dir_sources(dir));
}

}  // namespace mentorcal

#include <CLI/CLI.hpp>
#include <iostream>

#include "commands.hpp"

int main(int argc, char** argv) {
  using namespace mentorcal::cli;
  CLI::App app{"mentorcal: schedules a mentorship program's recurring 1:1 sessions"};
  app.set_version_flag("--version", std::string("mentorcal ") + MENTORCAL_VERSION);
  app.require_subcommand(1);

  ValidateOptions validate;
  auto* v = app.add_subcommand("validate", "Check a program directory and show what it asks for");
  v->add_option("PROGRAM_DIR", validate.program_dir, "The program directory")->required();
  v->add_flag("--json", validate.json, "Print the report as JSON");

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    // CLI11 prints help and version through this path too (exit 0); usage errors exit 2.
    return app.exit(e) == 0 ? 0 : 2;
  }
  if (v->parsed()) return run_validate(validate);
  return 1;
}

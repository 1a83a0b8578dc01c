#include <CLI/CLI.hpp>
#include <iostream>

#include "commands.hpp"
#include "mentorcal/time.hpp"

int main(int argc, char** argv) {
  using namespace mentorcal::cli;
  CLI::App app{"mentorcal: schedules a mentorship program's recurring 1:1 sessions"};
  app.set_version_flag("--version", std::string("mentorcal ") + MENTORCAL_VERSION +
                                        " (tz database " + mentorcal::tz_database_version() + ", " +
                                        mentorcal::tz_database_directory() + ")");
  app.require_subcommand(1);

  ValidateOptions validate;
  auto* v = app.add_subcommand("validate", "Check a program directory and show what it asks for");
  v->add_option("PROGRAM_DIR", validate.program_dir, "The program directory")->required();
  v->add_flag("--json", validate.json, "Print the report as JSON");

  BusyOptions busy;
  auto* b =
      app.add_subcommand("busy", "Show the busy time the engine reads from a calendar export");
  b->add_option("FILE", busy.file, "The .ics file")->required();
  b->add_option("--from", busy.from, "First day shown, from 00:00Z (YYYY-MM-DD)")->required();
  b->add_option("--to", busy.to, "Day after the last one shown, until 00:00Z (YYYY-MM-DD)")
      ->required();
  b->add_option("--tz", busy.tz,
                "Zone of all-day events and floating times (default: X-WR-TIMEZONE, else UTC)");
  b->add_flag("--json", busy.json, "Print the intervals as JSON");

  ScheduleCommandOptions schedule;
  auto* s = app.add_subcommand("schedule",
                               "Run a schedule pass and write schedule.json, feeds and reports");
  s->add_option("PROGRAM_DIR", schedule.program_dir, "The program directory")->required();
  s->add_option("--out", schedule.out_dir, "Where to write schedule.json, feeds/ and the reports")
      ->required();
  s->add_option("--previous", schedule.previous,
                "The previous pass's output: keep what is still valid, with its UIDs");
  s->add_option("--time-limit", schedule.time_limit_seconds,
                "Stop improving after this many seconds (the result stays valid)")
      ->check(CLI::PositiveNumber);
  s->add_flag("--json", schedule.json, "Print the summary as JSON");
  s->add_flag("--timings", schedule.timings, "Print how long each phase took on standard error");

  PushOptions push;
  auto* p = app.add_subcommand("push", "Send a program to mentorcald, run a pass, list the feeds");
  p->add_option("PROGRAM_DIR", push.program_dir, "The program directory")->required();
  p->add_option("--server", push.server, "mentorcald's URL, e.g. http://127.0.0.1:8080")
      ->required();
  p->add_option("--token", push.token, "The coordinator token (default: $MENTORCAL_ADMIN_TOKEN)");
  p->add_flag("--no-publish", push.no_publish, "Run the pass without changing the feeds");
  p->add_flag("--json", push.json, "Print the import, the pass and the feed URLs as JSON");

  MatchCommandOptions match;
  auto* m = app.add_subcommand("match", "Propose who mentors whom, so that every pair can meet");
  m->add_option("PROGRAM_DIR", match.program_dir, "The program directory")->required();
  m->add_option("--out", match.out, "Write the complete pairs.csv here (pinned rows first)");
  m->add_flag("--json", match.json, "Print the matching as JSON");
  m->add_option("--time-limit", match.time_limit_seconds,
                "Stop checking the proposal by schedule passes after this many seconds")
      ->check(CLI::PositiveNumber);
  m->add_flag("--timings", match.timings, "Print how long each phase took on standard error");

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    // CLI11 prints help and version through this path too (exit 0); usage errors exit 2.
    return app.exit(e) == 0 ? 0 : 2;
  }
  if (v->parsed()) return run_validate(validate);
  if (s->parsed()) return run_schedule(schedule);
  if (b->parsed()) return run_busy(busy);
  if (p->parsed()) return run_push(push);
  if (m->parsed()) return run_match(match);
  return 1;
}

#include <cstdio>
#include <iostream>
#include <nlohmann/json.hpp>

#include "commands.hpp"
#include "mentorcal/overview.hpp"
#include "mentorcal/program.hpp"
#include "program_input.hpp"

namespace mentorcal::cli {
namespace {

std::string hours(Minutes m) {
  char text[32];
  std::snprintf(text, sizeof text, "%.2f", static_cast<double>(m.count()) / 60.0);
  return text;
}

void print_text(const Program& program, const ProgramOverview& overview) {
  int mentors = 0;
  for (const auto& p : program.people) mentors += p.role == Role::mentor ? 1 : 0;
  std::cout << "program " << program.id << " \"" << program.name
            << "\": " << format_day(program.start) << " to " << format_day(program.end)
            << ", anchor " << (program.anchor == Anchor::mentor ? "mentor" : "mentee") << ", "
            << program.granularity.count() << "-minute grid, " << program.blackouts.size()
            << " blackout date(s)\n";
  std::cout << "people: " << program.people.size() << " (" << mentors << " mentors, "
            << program.people.size() - static_cast<std::size_t>(mentors) << " mentees) in "
            << overview.zones.size() << " zones\n";
  for (const auto& z : overview.zones)
    std::cout << "  " << z.zone << ": " << z.mentors << " mentor(s), " << z.mentees
              << " mentee(s)\n";
  std::cout << "pairs: " << program.pairs.size()
            << " (shared working hours a week: first week / least in a full week)\n";
  for (const auto& o : overview.pairs) {
    const auto& pair = program.pairs[o.pair];
    const auto& m = program.mentor_of(pair);
    const auto& e = program.mentee_of(pair);
    std::cout << "  " << m.id << " (" << m.zone.name() << ") / " << e.id << " (" << e.zone.name()
              << "), " << pair.cadence.to_string() << ", " << pair.duration.count()
              << " min: " << hours(o.first_week.shared) << " h / " << hours(o.min_week.shared)
              << " h (week of " << format_day(o.min_week.week) << ")";
    if (o.first_week.shared == Minutes{0} || o.min_week.shared == Minutes{0})
      std::cout << "  << share no working hour";
    std::cout << '\n';
  }
  std::cout << overview.pairs_without_shared_hours
            << " pair(s) share no working hour in some week\n";
}

// Every problem found, errors and warnings, as JSON: on standard output with --json, whether or
// not the program is valid.
nlohmann::ordered_json problems_json(const Diagnostics& diagnostics) {
  auto problems = nlohmann::ordered_json::array();
  for (const auto& d : diagnostics.all())
    problems.push_back({{"severity", d.severity == Severity::error ? "error" : "warning"},
                        {"file", d.file},
                        {"line", d.line},
                        {"message", d.message}});
  return problems;
}

void print_json(const Program& program, const ProgramOverview& overview,
                const Diagnostics& diagnostics) {
  nlohmann::ordered_json out;
  out["valid"] = true;
  out["problems"] = problems_json(diagnostics);
  out["program"] = {{"id", program.id},
                    {"name", program.name},
                    {"start", format_day(program.start)},
                    {"end", format_day(program.end)},
                    {"people", program.people.size()},
                    {"pairs", program.pairs.size()}};
  out["zones"] = nlohmann::ordered_json::array();
  for (const auto& z : overview.zones)
    out["zones"].push_back({{"zone", z.zone}, {"mentors", z.mentors}, {"mentees", z.mentees}});
  out["pairs"] = nlohmann::ordered_json::array();
  for (const auto& o : overview.pairs) {
    const auto& pair = program.pairs[o.pair];
    out["pairs"].push_back({{"mentor", program.mentor_of(pair).id},
                            {"mentee", program.mentee_of(pair).id},
                            {"cadence", pair.cadence.to_string()},
                            {"duration_minutes", pair.duration.count()},
                            {"shared_minutes_first_week", o.first_week.shared.count()},
                            {"shared_minutes_least_week", o.min_week.shared.count()},
                            {"least_week", format_day(o.min_week.week)}});
  }
  out["pairs_without_shared_hours"] = overview.pairs_without_shared_hours;
  std::cout << out.dump(2) << '\n';
}

}  // namespace

int run_validate(const ValidateOptions& options) {
  if (options.json) {
    // The problems go to standard output as JSON, for a script to read, even when there are
    // errors; the exit status still says whether the program is valid.
    const auto loaded = read_program_input(options.program_dir);
    if (!loaded.program) {
      nlohmann::ordered_json out;
      out["valid"] = false;
      out["problems"] = problems_json(loaded.diagnostics);
      std::cout << out.dump(2) << '\n';
      return 2;
    }
    print_json(*loaded.program, describe(*loaded.program), loaded.diagnostics);
    return 0;
  }
  const auto program = load_program_input(options.program_dir);
  if (!program) return 2;
  print_text(*program, describe(*program));
  return 0;
}

}  // namespace mentorcal::cli

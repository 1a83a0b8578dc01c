// mentorcal-optimality-gap: the engine against the exact optimum (exact.hpp) of generated
// programs (generator.hpp), as a measurement rather than a test. For each program where the
// engine schedules fewer pairs than the optimum, or as many with more skips, it prints a line;
// then the totals and the time each side took.
//
//   mentorcal-optimality-gap [PROGRAMS]   (200 by default: seeds 1 to PROGRAMS)
//   mentorcal-optimality-gap --seed N     (one program: its files, then both schedules, a line
//                                          per pair: series weekday, cadence, and H/M/S for each
//                                          occurrence held, moved or skipped)
#include <chrono>
#include <cstdlib>
#include <iostream>
#include <string>

#include "exact.hpp"
#include "generator.hpp"
#include "mentorcal/solver.hpp"
#include "mentorcal/verify.hpp"

namespace {

using namespace mentorcal;

double seconds_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

void print_schedule(const char* title, const Program& program, const Schedule& schedule) {
  std::cout << "==> " << title << ": " << optimality::counts_of(program, schedule) << " <==\n";
  for (const auto& r : schedule.pairs) {
    std::cout << r.mentor_id << '/' << r.mentee_id << ": ";
    if (!r.series) {
      std::cout << "not scheduled\n";
      continue;
    }
    std::cout << r.series->weekday << ' ' << r.series->cadence.to_string() << ' ';
    for (const auto& o : r.series->occurrences)
      std::cout << (o.state == OccurrenceState::held    ? 'H'
                    : o.state == OccurrenceState::moved ? 'M'
                                                        : 'S');
    std::cout << '\n';
  }
}

ScheduleOptions engine_options() {
  ScheduleOptions options;
  options.revision = date::sys_days{date::year{2027} / 1 / 1};
  return options;
}

int show(std::uint64_t seed) {
  const auto program = optimality::random_program(seed);
  std::cout << optimality::program_files(program);
  const auto best = optimality::exact_optimum(program);
  print_schedule(best.proven ? "optimum" : "best found by GLPK, not proven", program,
                 best.schedule);
  print_schedule("engine", program, schedule_program(program, engine_options()));
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc == 3 && std::string(argv[1]) == "--seed" && std::atoi(argv[2]) > 0)
    return show(static_cast<std::uint64_t>(std::atoi(argv[2])));
  const int programs = argc == 2 ? std::atoi(argv[1]) : argc == 1 ? 200 : 0;
  if (programs <= 0) {
    std::cerr << "usage: mentorcal-optimality-gap [PROGRAMS] | --seed N\n";
    return 2;
  }
  int unproven = 0;
  int pair_gaps = 0;
  int missing_pairs = 0;
  int skip_gaps = 0;
  int extra_skips = 0;
  int invalid = 0;
  double exact_seconds = 0;
  double engine_seconds = 0;
  for (int seed = 1; seed <= programs; ++seed) {
    const auto program = optimality::random_program(static_cast<std::uint64_t>(seed));
    auto start = std::chrono::steady_clock::now();
    const auto best = optimality::exact_optimum(program);
    exact_seconds += seconds_since(start);
    start = std::chrono::steady_clock::now();
    const auto schedule = schedule_program(program, engine_options());
    engine_seconds += seconds_since(start);
    if (!verify_schedule(program, schedule).empty() ||
        !verify_schedule(program, best.schedule).empty()) {
      std::cout << "seed " << seed << ": a schedule fails the verifier\n";
      ++invalid;
    }
    const auto engine = optimality::counts_of(program, schedule);
    if (!best.proven) {
      std::cout << "seed " << seed << ": not proven by GLPK, whose best is " << best.counts
                << "; engine " << engine << '\n';
      ++unproven;
      continue;
    }
    if (engine.pairs == best.counts.pairs && engine.skipped == best.counts.skipped) continue;
    std::cout << "seed " << seed << " (" << program.pairs.size() << " pairs): optimum "
              << best.counts << ", engine " << engine << '\n';
    if (engine.pairs != best.counts.pairs) {
      ++pair_gaps;
      missing_pairs += best.counts.pairs - engine.pairs;
    } else {
      ++skip_gaps;
      extra_skips += engine.skipped - best.counts.skipped;
    }
  }
  std::cout << programs << " programs, " << unproven << " not proven optimal by GLPK; of the "
            << programs - unproven << " proven, the engine schedules fewer pairs in " << pair_gaps
            << " (" << missing_pairs << " pairs in all) and as many with more skips in "
            << skip_gaps << " (" << extra_skips << " skips in all); " << invalid
            << " invalid schedules; exact " << exact_seconds << " s, engine " << engine_seconds
            << " s\n";
  return invalid == 0 ? 0 : 1;
}

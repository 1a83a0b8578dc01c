#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <map>
#include <string>
#include <unordered_map>
#include <vector>

#include "commands.hpp"
#include "mentorcal/feed.hpp"
#include "mentorcal/parallel.hpp"
#include "mentorcal/pass.hpp"
#include "mentorcal/program.hpp"
#include "mentorcal/report.hpp"
#include "mentorcal/schedule_json.hpp"
#include "mentorcal/summary.hpp"
#include "output_dir.hpp"
#include "program_input.hpp"

namespace mentorcal::cli {
namespace {

namespace fs = std::filesystem;

// When this pass happens, as the DTSTAMP of new and changed series. The same input must give
// the same bytes, so no clock is read: SOURCE_DATE_EPOCH when set (the reproducible-builds
// convention), else 00:00Z of the program's first day. A re-pass still stamps a changed series
// later than its previous version (the engine keeps DTSTAMP rising).
std::optional<Instant> revision_of(const Program& program) {
  if (const char* epoch = std::getenv("SOURCE_DATE_EPOCH")) {
    char* end = nullptr;
    const auto seconds = std::strtoll(epoch, &end, 10);
    if (end == epoch || *end != '\0' || seconds < 0) return std::nullopt;
    return date::floor<Minutes>(date::sys_seconds{std::chrono::seconds{seconds}});
  }
  return Instant{program.start.time_since_epoch()};
}

void print_summary(const Program& program, const Schedule& schedule, const PassSummary& s) {
  std::unordered_map<std::string_view, const Person*> people;
  for (const auto& p : program.people) people.emplace(p.id, &p);
  // "Priya Raghunathan (m-04)": names beside ids.
  const auto who = [&](const std::string& id) {
    const auto it = people.find(id);
    return it == people.end() ? id : it->second->name + " (" + id + ")";
  };
  if (schedule.tz_update)
    for (const auto& line : schedule.tz_update->lines) std::cout << line << '\n';
  std::cout << "scheduled " << s.scheduled << " of " << s.pairs << " pairs";
  if (schedule.outcome == PassOutcome::time_limit) std::cout << " (stopped by --time-limit)";
  std::cout << "\noccurrences: " << s.held << " held, " << s.moved << " moved, " << s.skipped
            << " skipped";
  if (s.cancelled > 0) std::cout << "; " << s.cancelled << " series cancelled";
  std::cout << "\nat a weekly or monthly limit, or kept a pair out by one: "
            << s.mentors_at_limit.size();
  for (std::size_t i = 0; i < s.mentors_at_limit.size() && i < 10; ++i)
    std::cout << (i == 0 ? ": " : ", ") << who(s.mentors_at_limit[i]);
  if (s.mentors_at_limit.size() > 10) std::cout << ", ...";
  std::cout << "\nfairness by zone (each session once per party, in their zone; \"near an edge\": "
               "within an hour of the person's working day's start or end; \"mean margin\": the "
               "average minutes between a session and the nearer edge):\n";
  for (const auto& z : s.zones) {
    char line[160];
    std::snprintf(
        line, sizeof line, "  %-24s %5d sessions, %3d%% near an edge, mean margin %.0f min\n",
        z.zone.c_str(), z.sessions, z.sessions ? 100 * z.near_edge / z.sessions : 0, z.mean_margin);
    std::cout << line;
  }
  if (schedule.changes) {
    std::map<SeriesChange::Kind, int> count;
    for (const auto& c : *schedule.changes) count[c.kind] += 1;
    std::cout << "since the previous pass: " << count[SeriesChange::Kind::kept] << " kept, "
              << count[SeriesChange::Kind::replanned] << " with new exceptions, "
              << count[SeriesChange::Kind::retimed] << " re-timed, "
              << count[SeriesChange::Kind::added] << " new, "
              << count[SeriesChange::Kind::cancelled] << " cancelled\n";
    int shown = 0;
    for (const auto& c : *schedule.changes) {
      if (c.kind == SeriesChange::Kind::kept) continue;
      if (++shown > 20) continue;
      std::cout << "  " << change_kind_name(c.kind) << " " << c.mentor_id << " / " << c.mentee_id
                << ": " << (c.before.empty() ? "" : c.before + " -> ")
                << (c.after.empty() ? "cancelled" : c.after) << '\n';
      if (!c.why.empty()) std::cout << "      why: " << c.why << '\n';
    }
    if (shown > 20) std::cout << "  ... and " << shown - 20 << " more (see schedule.json)\n";
  }
  int listed = 0;
  for (const auto& r : schedule.pairs) {
    if (r.series) continue;
    if (listed++ == 0) std::cout << "not scheduled:\n";
    if (listed > 20) continue;
    std::cout << "  " << who(r.mentor_id) << " / " << who(r.mentee_id) << ": "
              << (r.reasons.empty() ? "" : r.reasons.front()) << '\n';
    for (std::size_t k = 1; k < r.reasons.size(); ++k)
      std::cout << "      " << r.reasons[k] << '\n';
    if (!r.relaxation.empty()) std::cout << "      would fit with: " << r.relaxation << '\n';
  }
  if (listed > 20) std::cout << "  ... and " << listed - 20 << " more (see schedule.json)\n";
}

// With --timings, how long each phase of the pass took, on standard error.
class PhaseTimer {
 public:
  explicit PhaseTimer(bool enabled) : enabled_(enabled) {}
  void done(const char* phase) {
    const auto now = std::chrono::steady_clock::now();
    if (enabled_)
      std::fprintf(stderr, "%-28s %8.3f s\n", phase,
                   std::chrono::duration<double>(now - last_).count());
    last_ = now;
  }

 private:
  bool enabled_;
  std::chrono::steady_clock::time_point last_ = std::chrono::steady_clock::now();
};

}  // namespace

int run_schedule(const ScheduleCommandOptions& options) {
  PhaseTimer timer(options.timings);
  auto input = load_program_input(options.program_dir);
  timer.done("read program and calendars");
  if (!input) return 2;
  auto& program = *input;

  std::optional<Schedule> previous;
  if (options.previous) {
    const auto path = fs::path(*options.previous) / "schedule.json";
    const auto text = read_text_file(path);
    std::string error;
    if (text) previous = schedule_from_json(*text, &error);
    if (!previous) {
      std::cerr << path.generic_string() << ": " << (text ? error : "cannot be read")
                << "; nothing was written\n";
      return 2;
    }
    if (previous->program_id != program.id) {
      std::cerr << path.generic_string() << ": is a schedule of program '" << previous->program_id
                << "', not of '" << program.id << "'; nothing was written\n";
      return 2;
    }
  }
  const auto revision = revision_of(program);
  if (!revision) {
    std::cerr << "SOURCE_DATE_EPOCH must be a whole number of seconds\n";
    return 2;
  }

  const bool had_previous = previous.has_value();
  PassOptions pass_options;
  pass_options.previous = std::move(previous);
  pass_options.revision = *revision;
  const auto deadline =
      std::chrono::steady_clock::now() + std::chrono::duration<double>(options.time_limit_seconds);
  if (options.time_limit_seconds > 0)
    pass_options.should_stop = [deadline] { return std::chrono::steady_clock::now() > deadline; };
  if (::isatty(STDERR_FILENO))
    pass_options.progress = [](std::size_t done, std::size_t total) {
      std::fprintf(stderr, "\rplaced %zu of %zu pairs", done, total);
      if (done == total) std::fputc('\n', stderr);
    };
  // The feeds are written as they are made, into a fresh directory beside OUT_DIR, while the
  // verifier checks the schedule: OUT_DIR itself changes only once it has passed it, and every
  // other file is written.
  std::string error;
  const auto out = StagedOutput::open(options.out_dir, &error);
  if (!out) {
    std::cerr << error << '\n';
    return 1;
  }
  // The reports are made from the same schedule as the feeds, beside them: the feeds first, the
  // largest part, then sessions.csv, then the others, which share the summary and the figures.
  PassSummary summary;
  std::vector<SeriesChange> changes;
  const auto pass = run_pass(program, std::move(pass_options), [&](const Schedule& schedule) {
    timer.done("search");
    changes = schedule.changes.value_or(std::vector<SeriesChange>{});
    out->write("schedule.json", schedule_to_json(schedule));
    for_each_index_in_parallel(3, [&](std::size_t part) {
      if (part == 0) {
        render_feeds_in_both_forms(
            program, schedule, {}, [&](const std::string& id, std::string feed, bool plain) {
              out->write((plain ? "feeds/plain/" : "feeds/") +
                             (id.empty() ? std::string("program") : id) + ".ics",
                         feed);
            });
      } else if (part == 1) {
        out->write("sessions.csv", sessions_csv(program, schedule));
      } else {
        summary = summarize(program, schedule);
        const auto figures = tally(program, schedule);
        out->write("load.csv", load_csv(figures));
        out->write("report.html",
                   report_html(program, schedule, summary, figures, changes, had_previous));
      }
    });
  });
  const auto& schedule = pass.schedule;
  const auto& violations = pass.violations;
  timer.done("verify, render and write feeds and reports");
  if (!violations.empty()) {
    std::cerr << "internal error: the schedule breaks " << violations.size()
              << " rule(s); nothing was written. This is a bug in mentorcal; please report it.\n";
    for (std::size_t i = 0; i < violations.size() && i < 20; ++i)
      std::cerr << "  " << violations[i] << '\n';
    return 1;
  }
  if (const auto error = out->commit(); !error.empty()) {
    std::cerr << error << '\n';
    return 1;
  }
  timer.done("swap into place");
  if (options.json)
    std::cout << summary_json(program, schedule, summary, changes);
  else
    print_summary(program, schedule, summary);
  return 0;
}

}  // namespace mentorcal::cli

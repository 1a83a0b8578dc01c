// A pass, as `mentorcal schedule` and mentorcald's POST /api/programs/{id}/passes both make it:
// the previous schedule brought onto the tz database in use, the search, then the verifier
// beside the rendering. What a pass renders is its caller's (files for the CLI, per-person feeds
// for the daemon); nothing of a pass the verifier refuses may be published.
//
//   mentorcal::PassOptions options;
//   options.previous = std::move(previous);  // or nullopt
//   options.revision = now;
//   auto pass = mentorcal::run_pass(program, options, [&](const mentorcal::Schedule& s) {
//     files = render(program, s);  // while the verifier checks `s`
//   });
//   if (!pass.violations.empty()) ...  // a bug: report it, publish nothing
#pragma once

#include <cstddef>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "mentorcal/program.hpp"
#include "mentorcal/schedule.hpp"

namespace mentorcal {

struct PassOptions {
  // The previous pass's schedule, if any. One made under another tz database release is brought
  // onto today's rules first (follow_tz_update), as a block re-plans; the pass's
  // Schedule::tz_update says what that changed.
  std::optional<Schedule> previous;
  // The DTSTAMP of every new or changed series.
  Instant revision;
  // As ScheduleOptions::should_stop and ::progress (mentorcal/solver.hpp).
  std::function<bool()> should_stop;
  std::function<void(std::size_t done, std::size_t total)> progress;
};

struct Pass {
  Schedule schedule;
  // The verifier's sentences, one per broken rule: empty when the schedule is valid.
  std::vector<std::string> violations;
};

// Searches `program`, then runs `render` on the finished schedule while the verifier checks it on
// another thread. `render` may be empty.
Pass run_pass(const Program& program, PassOptions options,
              const std::function<void(const Schedule&)>& render = {});

}  // namespace mentorcal

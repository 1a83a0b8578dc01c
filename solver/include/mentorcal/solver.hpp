// The search: a Program in, a Schedule out.
//
//   mentorcal::ScheduleOptions options;
//   options.revision = now;  // DTSTAMP of every new or changed series; the engine reads no clock
//   auto schedule = mentorcal::schedule_program(program, options);
//   auto violations = mentorcal::verify_schedule(program, schedule);  // verify.hpp: empty, or a
//   bug
//
// What a schedule must satisfy is the product contract's "What a schedule must satisfy";
// docs/ALGORITHM.md explains how the search meets it.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "mentorcal/program.hpp"
#include "mentorcal/schedule.hpp"

namespace mentorcal {

struct ScheduleOptions {
  // The previous pass's result. Every series in it that is still valid is kept exactly, UID,
  // SEQUENCE and DTSTAMP included; a pair's changed series keeps its UID with a higher SEQUENCE;
  // a series whose pair is gone or can no longer be placed is returned in Schedule::cancelled.
  const Schedule* previous = nullptr;
  // When this pass happens: the DTSTAMP of every new or changed series.
  Instant revision;
  // Polled before each independent group of pairs; returning true ends the search early with a
  // valid schedule (PassOutcome::time_limit): the remaining pairs are placed greedily, without
  // the improvement steps. Groups are searched on all hardware threads, so it is called from
  // several threads at once.
  std::function<bool()> should_stop;
  // Called now and then with the number of pairs settled so far and the total, from the
  // searching threads, one call at a time.
  std::function<void(std::size_t done, std::size_t total)> progress;
  // The steps the exact search may take in each group it searches; 0 for
  // exact_steps_for(program.pairs.size()).
  std::size_t exact_steps = 0;
};

Schedule schedule_program(const Program& program, const ScheduleOptions& options);

// The pairs that share people, transitively, as indices into `pairs`: each group in order, the
// groups in the order of their first pair. The pass searches each group on its own, and a
// group's schedule depends on nothing but its pairs, their people, the program's term and
// settings, and the exact search's steps; so a pass over some of a program's groups (part_of
// them, model/program.hpp), given the steps of a pass over the whole (exact_steps_for(all its
// pairs)), gives each of their pairs the series and reasons the whole program's pass does. Not
// with a `previous` pass (series of pairs left out would be cancelled), and a relaxation that
// suggests another mentor looks among the part's people only.
std::vector<std::vector<std::size_t>> pair_groups(const std::vector<Pair>& pairs,
                                                  std::size_t people);

// The exact search's steps per group in a pass over `pairs` pairs: fewer as programs grow, so
// that a pass takes about the same number in all (docs/ALGORITHM.md, "The exact search").
std::size_t exact_steps_for(std::size_t pairs);

// Re-plans, after a change to some people's busy time (a block added or removed), the series
// those people take part in: an occurrence whose series time is valid again is held there;
// one that is no longer valid where it is moves within its ISO week, else is skipped. Nothing
// else changes. Returns what changed, one line per occurrence, in a coordinator's words.
struct Replanned {
  std::string uid;
  LocalMinute nominal;
  OccurrenceState before = OccurrenceState::held;
  OccurrenceState after = OccurrenceState::held;
  Interval at;                  // where it now takes place (or would have, when skipped)
  bool below_min_held = false;  // the series now holds fewer occurrences than its pair needs
};
std::vector<Replanned> replan_people(const Program& program, Schedule& schedule,
                                     const std::vector<std::string>& person_ids, Instant revision);

}  // namespace mentorcal

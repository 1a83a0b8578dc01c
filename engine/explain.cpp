#include "explain.hpp"

#include <algorithm>
#include <cmath>
#include <functional>
#include <map>

namespace mentorcal::engine {
namespace {

const char* role_name(Role r) {
  return r == Role::mentor ? "mentor" : "mentee";
}

std::string describe_hours(const Person& p) {
  return std::string(role_name(p.role)) + " " + p.id + " " + std::string(p.zone.name()) + " " +
         (p.availability ? std::string("(calendar availability)") : p.working_hours.to_string());
}

std::string weekday_name(unsigned wd) {
  constexpr std::array<const char*, 7> names{"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
  return names[wd];
}

std::string share_text(double share) {
  char text[16];
  std::snprintf(text, sizeof text, "%.2f", share);
  std::string out = text;
  while (out.back() == '0') out.pop_back();
  if (out.back() == '.') out.pop_back();
  return out;
}

// How many ranked placements a try may evaluate: those of the search of the pair as it is, and
// those of each try.
constexpr std::size_t kFirstBreadth = 16;
constexpr std::size_t kTryBreadth = 8;

}  // namespace

Explanation explain_unplaced(const Program& program, std::size_t pair_index,
                             const std::vector<PersonCalendar>& calendars,
                             std::vector<Occupancy>& load) {
  const auto& pair = program.pairs[pair_index];
  const auto& mentor = program.mentor_of(pair);
  const auto& mentee = program.mentee_of(pair);
  const auto& cm = calendars[pair.mentor];
  const auto& ce = calendars[pair.mentee];
  Explanation out;

  const auto shared = intersect(cm.open, ce.open);
  Minutes longest{0};
  for (const auto& s : shared) longest = std::max(longest, s.length());
  const auto free_together = intersect(cm.free, ce.free);
  Minutes longest_free{0};
  for (const auto& s : free_together) longest_free = std::max(longest_free, s.length());

  // Each search is of the pair against everyone else's bookings, with the mentor's and the
  // mentee's calendars standing in for the program's own (each possibly changed by one
  // relaxation).
  const bool mentor_anchors = program.anchor == Anchor::mentor;
  const std::array<int, 7> no_spread{};
  const auto parties_of = [&](const PersonCalendar& m, const PersonCalendar& e) {
    return Parties{mentor_anchors ? m : e, mentor_anchors ? e : m,
                   load[mentor_anchors ? pair.mentor : pair.mentee],
                   load[mentor_anchors ? pair.mentee : pair.mentor], no_spread};
  };
  auto parties = parties_of(cm, ce);
  const PairSpace space(program, pair, parties.anchor, parties.other);
  const auto ranked = ranked_placements(
      space, parties,
      std::max(placements_tried(kFirstBreadth, true), placements_tried(kTryBreadth, false)));
  const auto best = best_plan(space, ranked, parties, kFirstBreadth, true);
  if (shared.empty()) {
    out.reasons.push_back(describe_hours(mentor) + " and " + describe_hours(mentee) +
                          " share no hour");
  } else if (longest < pair.duration) {
    out.reasons.push_back(describe_hours(mentor) + " and " + describe_hours(mentee) +
                          " share at most " + std::to_string(longest.count()) +
                          " minutes at a time; a session takes " +
                          std::to_string(pair.duration.count()));
  } else if (longest_free < pair.duration) {
    out.reasons.push_back("every shared working hour long enough for a " +
                          std::to_string(pair.duration.count()) +
                          "-minute session is taken by busy time or blackout dates");
  } else if (!best) {
    out.reasons.push_back("no start time on the " + std::to_string(program.granularity.count()) +
                          "-minute grid fits both calendars on any occurrence");
  } else {
    const auto total = best->occurrences.size();
    const auto need =
        static_cast<int>(std::ceil(pair.min_held * static_cast<double>(total) - 1e-9));
    const auto& first = best->occurrences.front().nominal;
    const auto time = date::format("%R", first);
    out.reasons.push_back("the best time, " + weekday_name(best->placement.weekday) + " " + time +
                          " " + std::string(program.anchor_of(pair).zone.name()) + ", holds " +
                          std::to_string(best->held + best->moved) + " of " +
                          std::to_string(total) + " occurrences; min_held " +
                          share_text(pair.min_held) + " needs " + std::to_string(need));
    std::map<std::string, int> why;
    for (const auto& o : best->occurrences)
      if (o.state == OccurrenceState::skipped) why[o.reason.substr(0, o.reason.find(';'))] += 1;
    std::vector<std::pair<int, std::string>> ranked;
    for (const auto& [reason, count] : why) ranked.emplace_back(-count, reason);
    std::sort(ranked.begin(), ranked.end());
    for (std::size_t k = 0; k < ranked.size() && k < 3; ++k)
      out.reasons.push_back(std::to_string(-ranked[k].first) + " of " + std::to_string(total) +
                            " occurrences: " + ranked[k].second);
  }

  // Each relaxation is one change to the input, tried for real, smallest first. A try returns
  // the change in words when the pair is then placed.
  using Try = std::function<std::optional<std::string>()>;
  std::vector<Try> tries;
  const auto horizon = search_horizon(program);
  const auto placed = [&](const Pair& p, const PersonCalendar& m, const PersonCalendar& e) {
    auto changed = parties_of(m, e);
    const PairSpace changed_space(program, p, changed.anchor, changed.other);
    return can_place(
        changed_space,
        ranked_placements(changed_space, changed, placements_tried(kTryBreadth, false)), changed,
        kTryBreadth);
  };
  const auto placed_with = [&](const Person& who, const Person& changed) {
    const PersonCalendar calendar(changed, program, horizon);
    return &who == &mentor ? placed(pair, calendar, ce) : placed(pair, cm, calendar);
  };
  // A limit is not part of a calendar's times, so the pair's space and ranking stay those of
  // the pair as it is.
  const auto placed_with_limits = [&](const Person& who, const Person& changed) {
    auto calendar = &who == &mentor ? cm : ce;
    calendar.person = &changed;
    auto changed_parties = &who == &mentor ? parties_of(calendar, ce) : parties_of(cm, calendar);
    return can_place(space, ranked, changed_parties, kTryBreadth);
  };
  const auto who_text = [](const Person& p) {
    return std::string(role_name(p.role)) + " " + p.id + "'s ";
  };
  const auto hours_tries = [&](Minutes widen) {
    for (const Person* who : {&mentee, &mentor}) {
      if (who->availability) continue;
      for (const bool earlier : {true, false}) {
        Person changed = *who;
        changed.working_hours =
            who->working_hours.widened(earlier ? widen : Minutes{0}, earlier ? Minutes{0} : widen);
        if (changed.working_hours == who->working_hours) continue;
        tries.push_back([&, who, changed]() -> std::optional<std::string> {
          if (!placed_with(*who, changed)) return std::nullopt;
          return who_text(*who) + "working hours " + changed.working_hours.to_string() +
                 " instead of " + who->working_hours.to_string() + " (" +
                 std::string(who->zone.name()) + ")";
        });
      }
    }
  };
  // A limit is tried at its most generous value first; when that places the pair, the smallest
  // value that still does is found by bisection (placing only gets easier as a limit grows).
  const auto limit_tries = [&] {
    const int g = static_cast<int>(program.granularity.count());
    const int d = static_cast<int>(pair.duration.count());
    for (const Person* who : {&mentor, &mentee}) {
      const auto add = [&](const char* name, std::optional<int> Limits::*field, int step,
                           int steps) {
        if (!(who->limits.*field)) return;
        tries.push_back([&, who, name, field, step, steps]() -> std::optional<std::string> {
          const int current = *(who->limits.*field);
          const auto works = [&](int k) {
            Person changed = *who;
            changed.limits.*field = current + k * step;
            return placed_with_limits(*who, changed);
          };
          if (!works(steps)) return std::nullopt;
          int low = 0;       // fails
          int high = steps;  // works
          while (high - low > 1) {
            const int mid = (low + high) / 2;
            (works(mid) ? high : low) = mid;
          }
          return who_text(*who) + name + " " + std::to_string(current + high * step) +
                 " instead of " + std::to_string(current);
        });
      };
      add("max_minutes_per_week", &Limits::max_minutes_per_week, g, 2 * d / g);
      add("max_sessions_per_week", &Limits::max_sessions_per_week, 1, 2);
      add("max_sessions_per_day", &Limits::max_sessions_per_day, 1, 2);
      add("max_minutes_per_month", &Limits::max_minutes_per_month, g, 4 * d / g);
    }
  };
  hours_tries(Minutes{30});
  limit_tries();
  hours_tries(Minutes{60});
  if (best && !best->occurrences.empty()) {
    const double achieved = static_cast<double>(best->held + best->moved) /
                            static_cast<double>(best->occurrences.size());
    const double share = std::floor(achieved * 100) / 100;
    if (share >= 0.5 && share < pair.min_held)
      tries.push_back([&, share]() -> std::optional<std::string> {
        Pair changed = pair;
        changed.min_held = share;
        if (!placed(changed, cm, ce)) return std::nullopt;
        return "min_held " + share_text(share) + " instead of " + share_text(pair.min_held);
      });
  }
  if (pair.cadence.kind == Cadence::Kind::every_weeks) {
    const Cadence sparser = pair.cadence.weeks == 1 ? Cadence{Cadence::Kind::every_weeks, 2}
                                                    : Cadence{Cadence::Kind::monthly, 0};
    tries.push_back([&, sparser]() -> std::optional<std::string> {
      Pair changed = pair;
      changed.cadence = sparser;
      if (!placed(changed, cm, ce)) return std::nullopt;
      return sparser.to_string() + " instead of " + pair.cadence.to_string();
    });
  }
  hours_tries(Minutes{120});
  hours_tries(Minutes{180});
  if (pair.duration > Minutes{30})
    tries.push_back([&]() -> std::optional<std::string> {
      Pair changed = pair;
      changed.duration = Minutes{30};
      if (!placed(changed, cm, ce)) return std::nullopt;
      return "30-minute sessions instead of " + std::to_string(pair.duration.count());
    });
  for (const auto& t : tries) {
    if (auto text = t()) {
      out.relaxation = std::move(*text);
      break;
    }
  }
  return out;
}

}  // namespace mentorcal::engine

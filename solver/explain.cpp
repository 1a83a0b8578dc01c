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
  return std::string(role_name(p.role)) + " " + named(p) + " " + std::string(p.zone.name()) + " " +
         (p.availability ? std::string("(calendar availability)") : p.working_hours.to_string());
}

// The shortest time between an interval of `a` and one of `b` (both sorted and disjoint); zero
// when they overlap or touch, Minutes::max() when either is empty.
Minutes gap_between(const std::vector<Interval>& a, const std::vector<Interval>& b) {
  Minutes gap = Minutes::max();
  std::size_t i = 0;
  std::size_t j = 0;
  while (i < a.size() && j < b.size()) {
    if (a[i].end <= b[j].start) {
      gap = std::min(gap, b[j].start - a[i].end);
      ++i;
    } else if (b[j].end <= a[i].start) {
      gap = std::min(gap, a[i].start - b[j].end);
      ++j;
    } else {
      return Minutes{0};
    }
  }
  return gap;
}

bool is_limit(Occupancy::Clash c) {
  return c == Occupancy::Clash::day_sessions || c == Occupancy::Clash::week_sessions ||
         c == Occupancy::Clash::week_minutes || c == Occupancy::Clash::month_minutes;
}

// Whether two instants fall in the same local day, ISO week or month of the person, as the
// limit behind `kind` counts.
bool same_period(Occupancy::Clash kind, const PersonCalendar& c, Instant a, Instant b) {
  const auto i = c.day_index(a);
  const auto j = c.day_index(b);
  if (kind == Occupancy::Clash::day_sessions) return i == j;
  if (i >= c.day_count || j >= c.day_count) return false;
  return kind == Occupancy::Clash::month_minutes
             ? c.week_and_month(i).second == c.week_and_month(j).second
             : c.week_and_month(i).first == c.week_and_month(j).first;
}

// The occurrences one person's limit keeps from the series time, and by how much at the most.
struct LimitBlock {
  std::size_t person = 0;
  Occupancy::Clash kind = Occupancy::Clash::none;
  int count = 0;
  int needs = 0;  // more minutes or sessions the limit would have to allow
  Occupancy::Use use;
  std::vector<std::string> users;  // the other parties of the sessions that use the limit

  std::string text(const Person& who) const {
    const bool minutes =
        kind == Occupancy::Clash::week_minutes || kind == Occupancy::Clash::month_minutes;
    const char* per = kind == Occupancy::Clash::day_sessions    ? "a day"
                      : kind == Occupancy::Clash::month_minutes ? "a month"
                                                                : "a week";
    const int used = minutes ? use.minutes : use.sessions;
    const std::string unit = minutes ? "minutes" : needs == 1 ? "session" : "sessions";
    std::string out = std::string(role_name(who.role)) + " " + named(who) + " needs " +
                      std::to_string(needs) + " more " + unit + " " + per + ": ";
    if (users.empty())
      return out + "their limit is " + std::to_string(use.limit) + " " +
             (minutes ? "minutes" : "sessions");
    out += (used >= use.limit ? "their " : std::to_string(used) + " of their ") +
           std::to_string(use.limit) + (used == 1 && !minutes ? " is" : " are") + " used by ";
    constexpr std::size_t kShown = 3;
    for (std::size_t k = 0; k < users.size() && k < kShown; ++k)
      out += (k == 0                                        ? ""
              : k + 1 == std::min(users.size(), kShown + 1) ? " and "
                                                            : ", ") +
             users[k];
    if (users.size() > kShown) out += " and " + std::to_string(users.size() - kShown) + " others";
    return out;
  }
};

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

std::string named(const Person& p) {
  return p.name.empty() || p.name == p.id ? p.id : p.id + " (" + p.name + ")";
}

Explanation explain_unplaced(const Program& program, std::size_t pair_index,
                             const std::vector<PersonCalendar>& calendars,
                             std::vector<Occupancy>& load, const Placed& placed) {
  const auto& pair = program.pairs[pair_index];
  const auto& mentor = program.mentor_of(pair);
  const auto& mentee = program.mentee_of(pair);
  const auto& cm = calendars[pair.mentor];
  const auto& ce = calendars[pair.mentee];
  Explanation out;

  const auto shared = intersect(cm.open, ce.open);
  Minutes longest{0};
  for (const auto& s : shared) longest = std::max(longest, s.length());
  // Free time on each one's own days of the term: the calendars reach two days past its ends.
  const auto free_in_term = [&](const PersonCalendar& c) {
    const Interval term{c.clock.to_instant(LocalMinute{program.start}),
                        c.clock.to_instant(LocalMinute{program.end + date::days{1}})};
    return intersect(c.free, std::vector<Interval>{term});
  };
  const auto free_together = intersect(free_in_term(cm), free_in_term(ce));
  Minutes longest_free{0};
  for (const auto& s : free_together) longest_free = std::max(longest_free, s.length());
  // A pair whose hours never meet is placed by no change but one of those hours: only a
  // widening that brings the two a session's length together can, and nothing else is tried.
  out.shares_no_hour = shared.empty();
  const auto gap = out.shares_no_hour ? gap_between(cm.open, ce.open) : Minutes{0};

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
  std::optional<PairSpace> space;
  std::vector<Placement> ranked;
  std::optional<Plan> best;
  if (!out.shares_no_hour) {
    space.emplace(program, pair, parties.anchor, parties.other);
    ranked = ranked_placements(
        *space, parties,
        std::max(placements_tried(kFirstBreadth, true), placements_tried(kTryBreadth, false)));
    best = best_plan(*space, ranked, parties, kFirstBreadth, true);
  }
  if (out.shares_no_hour) {
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
    const auto days = space->rule_days(best->placement);
    const auto total = space->occurrences_in_term(days.size());
    const auto need = needed(*space, days.size());
    const int taking_place = best->held + best->moved;
    const auto when = weekday_name(best->placement.weekday) + " " +
                      date::format("%R", best->occurrences.front().nominal) + " " +
                      std::string(program.anchor_of(pair).zone.name());
    const auto needs_text =
        "min_held " + share_text(pair.min_held) + " needs " + std::to_string(need);
    // A time that holds nothing is no best time: what blocks the nearest one is said instead.
    out.reasons.push_back(
        taking_place > 0 ? "the best time, " + when + ", holds " + std::to_string(taking_place) +
                               " of " + std::to_string(total) + " occurrences; " + needs_text
                         : "no time holds any of the " + std::to_string(total) + " occurrences (" +
                               needs_text + "); at the nearest, " + when + ":");

    // Each skipped occurrence's reason; where it is a limit, whose, by how much and used by
    // whom. The pair's own earlier sessions are booked as the evaluation booked them.
    std::map<std::string, int> why;
    std::vector<LimitBlock> blocks;
    const std::array<std::pair<const PersonCalendar*, std::size_t>, 2> both{
        std::pair{&parties.anchor, mentor_anchors ? pair.mentor : pair.mentee},
        std::pair{&parties.other, mentor_anchors ? pair.mentee : pair.mentor}};
    const std::array<Occupancy*, 2> loads{&parties.anchor_load, &parties.other_load};
    for (std::size_t k = 0; k < best->occurrences.size(); ++k) {
      const auto& o = best->occurrences[k];
      if (o.state != OccurrenceState::skipped) {
        for (std::size_t p = 0; p < 2; ++p) loads[p]->book(o.at, *both[p].first);
        continue;
      }
      const auto session = space->session(days[k], best->placement.slot);
      bool limited = false;
      for (std::size_t p = 0; p < 2 && space->statically_free(days[k], best->placement.slot); ++p) {
        const auto& calendar = *both[p].first;
        const auto clash = loads[p]->clash(session, calendar);
        if (clash == Occupancy::Clash::none) continue;
        if (!is_limit(clash)) break;
        limited = true;
        const auto use = loads[p]->use_behind(clash, session, calendar);
        const bool minutes =
            clash == Occupancy::Clash::week_minutes || clash == Occupancy::Clash::month_minutes;
        const int needs = minutes
                              ? use.minutes + static_cast<int>(pair.duration.count()) - use.limit
                              : use.sessions + 1 - use.limit;
        const auto person = both[p].second;
        auto block = std::find_if(blocks.begin(), blocks.end(), [&](const LimitBlock& b) {
          return b.person == person && b.kind == clash;
        });
        if (block == blocks.end()) {
          LimitBlock fresh;
          fresh.person = person;
          fresh.kind = clash;
          block = blocks.insert(blocks.end(), std::move(fresh));
        }
        block->count += 1;
        if (needs > block->needs) {
          block->needs = needs;
          block->use = use;
        }
        const auto add_user = [&](const Person& other) {
          if (std::find(block->users.begin(), block->users.end(), named(other)) ==
              block->users.end())
            block->users.push_back(named(other));
        };
        for (const auto q : placed.pairs_of[person]) {
          const auto& plan = q == pair_index ? best : placed.plans[q];
          if (!plan) continue;
          const auto& qp = program.pairs[q];
          const auto& other = program.people[qp.mentor == person ? qp.mentee : qp.mentor];
          for (std::size_t j = 0; j < plan->occurrences.size(); ++j) {
            const auto& x = plan->occurrences[j];
            if (x.state == OccurrenceState::skipped || (q == pair_index && j >= k)) continue;
            if (same_period(clash, calendar, x.at.start, session.start)) {
              add_user(other);
              break;
            }
          }
        }
        break;
      }
      if (!limited) why[o.reason.substr(0, o.reason.find(';'))] += 1;
    }
    for (std::size_t k = 0; k < best->occurrences.size(); ++k) {
      const auto& o = best->occurrences[k];
      if (o.state != OccurrenceState::skipped)
        for (std::size_t p = 0; p < 2; ++p) loads[p]->release(o.at, *both[p].first);
    }
    for (const auto& b : blocks) {
      why[b.text(program.people[b.person])] += b.count;
      out.limited_by.push_back(b.person);
    }
    std::vector<std::pair<int, std::string>> commonest;
    for (const auto& [reason, count] : why) commonest.emplace_back(-count, reason);
    std::sort(commonest.begin(), commonest.end());
    for (std::size_t k = 0; k < commonest.size() && k < 3; ++k)
      out.reasons.push_back(std::to_string(-commonest[k].first) + " of " + std::to_string(total) +
                            " occurrences: " + commonest[k].second);
  }

  // Each relaxation is one change to the input, tried for real, smallest first. A try returns
  // the change in words when the pair is then placed.
  using Try = std::function<std::optional<std::string>()>;
  std::vector<Try> tries;
  const auto horizon = term_window(program);
  const auto placed_pair = [&](const Pair& p, const PersonCalendar& m, const PersonCalendar& e) {
    auto changed = parties_of(m, e);
    const PairSpace changed_space(program, p, changed.anchor, changed.other);
    return can_place(
        changed_space,
        ranked_placements(changed_space, changed, placements_tried(kTryBreadth, false)), changed,
        kTryBreadth);
  };
  const auto placed_with = [&](const Person& who, const Person& changed) {
    const PersonCalendar calendar(changed, program, horizon);
    return &who == &mentor ? placed_pair(pair, calendar, ce) : placed_pair(pair, cm, calendar);
  };
  // A limit is not part of a calendar's times, so the pair's space and ranking stay those of
  // the pair as it is.
  const auto placed_with_limits = [&](const Person& who, const Person& changed) {
    auto calendar = &who == &mentor ? cm : ce;
    calendar.person = &changed;
    auto changed_parties = &who == &mentor ? parties_of(calendar, ce) : parties_of(cm, calendar);
    return can_place(*space, ranked, changed_parties, kTryBreadth);
  };
  const auto who_text = [](const Person& p) {
    return std::string(role_name(p.role)) + " " + p.id + "'s ";
  };
  const auto hours_tries = [&](Minutes widen) {
    if (widen < gap + pair.duration) return;
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
  if (!out.shares_no_hour) limit_tries();
  hours_tries(Minutes{60});
  if (best && !best->occurrences.empty()) {
    const double achieved =
        static_cast<double>(best->held + best->moved) /
        static_cast<double>(space->occurrences_in_term(best->occurrences.size()));
    const double share = std::floor(achieved * 100) / 100;
    if (share >= 0.5 && share < pair.min_held)
      tries.push_back([&, share]() -> std::optional<std::string> {
        Pair changed = pair;
        changed.min_held = share;
        if (!placed_pair(changed, cm, ce)) return std::nullopt;
        return "min_held " + share_text(share) + " instead of " + share_text(pair.min_held);
      });
  }
  if (pair.cadence.kind == Cadence::Kind::every_weeks && !out.shares_no_hour) {
    const Cadence sparser = pair.cadence.weeks == 1 ? Cadence{Cadence::Kind::every_weeks, 2}
                                                    : Cadence{Cadence::Kind::monthly, 0};
    tries.push_back([&, sparser]() -> std::optional<std::string> {
      Pair changed = pair;
      changed.cadence = sparser;
      if (!placed_pair(changed, cm, ce)) return std::nullopt;
      return sparser.to_string() + " instead of " + pair.cadence.to_string();
    });
  }
  hours_tries(Minutes{120});
  hours_tries(Minutes{180});
  if (pair.duration > Minutes{30} && !out.shares_no_hour)
    tries.push_back([&]() -> std::optional<std::string> {
      Pair changed = pair;
      changed.duration = Minutes{30};
      if (!placed_pair(changed, cm, ce)) return std::nullopt;
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

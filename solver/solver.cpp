#include "mentorcal/solver.hpp"

#include <algorithm>
#include <array>
#include <atomic>
#include <cstdint>
#include <cstdio>
#include <map>
#include <memory>
#include <mutex>
#include <numeric>
#include <optional>
#include <set>

#include "exact.hpp"
#include "explain.hpp"
#include "mentorcal/parallel.hpp"
#include "mentorcal/tz_update.hpp"
#include "search.hpp"

namespace mentorcal {
namespace {

using engine::Occupancy;
using engine::PairSpace;
using engine::Parties;
using engine::PersonCalendar;
using engine::Placement;
using engine::Plan;

// How many ranked placements each pair evaluates in full: the first pass, and the repair pass
// that makes room for a pair by re-placing a neighbour.
constexpr std::size_t kBreadth = 6;
constexpr std::size_t kBreadthWhenStopping = 2;
// Groups of at most this many open pairs whose greedy schedule leaves a pair out or skips an
// occurrence are searched exactly (exact.hpp), each within a number of steps that shrinks as
// the program grows, so that the whole pass stays within about kExactStepsPerPass: a small
// program is searched to the end, a large one where the greedy schedule is furthest off.
constexpr std::size_t kExactPairs = 32;
constexpr std::size_t kExactStepsPerPass = 12'000'000;
constexpr std::size_t kExactStepsPerGroup = 400'000;
constexpr std::size_t kExactStepsAtLeast = 500;

class Solver {
 public:
  Solver(const Program& program, const ScheduleOptions& options)
      : program_(program),
        options_(options),
        load_(program.people.size()),
        weekdays_(program.people.size()),
        plans_(program.pairs.size()),
        why_changed_(program.pairs.size()),
        changes_(program.pairs.size()),
        pairs_of_(program.people.size()),
        needs_other_mentor_(program.pairs.size()) {
    for (std::size_t i = 0; i < program.pairs.size(); ++i) {
      pairs_of_[program.pairs[i].mentor].push_back(i);
      pairs_of_[program.pairs[i].mentee].push_back(i);
    }
    const auto horizon = term_window(program);
    std::vector<std::optional<PersonCalendar>> calendars(program.people.size());
    for_each_index_in_parallel(calendars.size(), [&](std::size_t i) {
      calendars[i].emplace(program.people[i], program, horizon);
    });
    calendars_.reserve(calendars.size());
    for (auto& c : calendars) calendars_.push_back(std::move(*c));
    if (options.previous)
      for (const auto& r : options.previous->pairs)
        if (r.series) previous_[{r.mentor_id, r.mentee_id}] = &r;
  }

  Schedule run() {
    Schedule out;
    out.program_id = program_.id;
    keep_previous_series();
    // Groups share no person, so each touches only its own pairs' plans and its own people's
    // bookings: they are searched, and their results written, on all hardware threads at once.
    // Each group's search is the same whichever thread runs it, so the output is too.
    const auto groups = pair_groups(program_.pairs, program_.people.size());
    out.pairs.resize(program_.pairs.size());
    std::atomic<bool> stopped{false};
    std::mutex progress_lock;
    std::size_t done = 0;
    for_each_index_in_parallel(groups.size(), [&](std::size_t g) {
      const bool stopping = options_.should_stop && options_.should_stop();
      if (stopping) stopped = true;
      search_group(groups[g], stopping);
      for (const auto i : groups[g]) out.pairs[i] = result_of(i);
      if (!options_.progress) return;
      const std::lock_guard lock(progress_lock);
      done += groups[g].size();
      options_.progress(done, program_.pairs.size());
    });
    if (stopped) out.outcome = PassOutcome::time_limit;
    suggest_other_mentors(out);
    cancel_dropped(out);
    if (options_.previous) {
      out.changes.emplace();
      for (auto& c : changes_)
        if (c) out.changes->push_back(std::move(*c));
      out.changes->insert(out.changes->end(), cancelled_changes_.begin(), cancelled_changes_.end());
    }
    return out;
  }

 private:
  Parties parties_of(std::size_t pair_index) {
    const auto& pair = program_.pairs[pair_index];
    const bool mentor_anchors = program_.anchor == Anchor::mentor;
    const auto a = mentor_anchors ? pair.mentor : pair.mentee;
    const auto b = mentor_anchors ? pair.mentee : pair.mentor;
    return Parties{calendars_[a], calendars_[b], load_[a], load_[b], weekdays_[pair.mentor]};
  }

  std::unique_ptr<PairSpace> space_of(std::size_t pair_index) {
    auto parties = parties_of(pair_index);
    return std::make_unique<PairSpace>(program_, program_.pairs[pair_index], parties.anchor,
                                       parties.other);
  }

  void commit(std::size_t pair_index, Plan plan) {
    auto parties = parties_of(pair_index);
    engine::book(plan, parties);
    weekdays_[program_.pairs[pair_index].mentor][plan.placement.weekday] += 1;
    plans_[pair_index] = std::move(plan);
  }

  void withdraw(std::size_t pair_index) {
    auto parties = parties_of(pair_index);
    engine::unbook(*plans_[pair_index], parties);
    weekdays_[program_.pairs[pair_index].mentor][plans_[pair_index]->placement.weekday] -= 1;
    plans_[pair_index].reset();
  }

  // ---- the previous pass ----

  const PairResult* previous_of(std::size_t pair_index) const {
    const auto& pair = program_.pairs[pair_index];
    const auto it = previous_.find({program_.mentor_of(pair).id, program_.mentee_of(pair).id});
    return it == previous_.end() ? nullptr : it->second;
  }

  // A previous series stays exactly as it was when its rule still produces the same instances
  // and every occurrence that takes place is still valid where it is.
  bool still_valid(const PairSpace& space, const Placement& placement, const Series& s,
                   Parties& parties, Plan& kept) {
    const auto days = space.rule_days(placement);
    if (days.size() != s.occurrences.size()) return false;
    kept = Plan{};
    kept.placement = placement;
    for (std::size_t i = 0; i < days.size(); ++i) {
      const auto& o = s.occurrences[i];
      if (space.local_start(days[i], placement.slot) != o.nominal) return false;
      kept.occurrences.push_back(o);
      if (o.state == OccurrenceState::skipped) {
        ++kept.skipped;
        continue;
      }
      if (!engine::still_valid_at(space, days[i], o, parties)) {
        kept.occurrences.pop_back();
        engine::unbook(kept, parties);
        return false;
      }
      (o.state == OccurrenceState::held ? kept.held : kept.moved) += 1;
      parties.anchor_load.book(o.at, parties.anchor);
      parties.other_load.book(o.at, parties.other);
    }
    engine::unbook(kept, parties);
    kept.missing = space.missing(days.size());
    kept.accepted = kept.held + kept.moved >= engine::needed(space, days.size());
    return kept.accepted;
  }

  // Each previous series stays byte for byte when every occurrence is still valid where it is.
  // Else it keeps its series time, its exceptions planned again, when that time itself still
  // holds min_held of its occurrences; else the search places the pair afresh. Either way the
  // series keeps its UID at a higher SEQUENCE (result_of), and why it changed is kept.
  void keep_previous_series() {
    if (!options_.previous) return;
    for (std::size_t i = 0; i < program_.pairs.size(); ++i) {
      const auto* prev = previous_of(i);
      if (!prev) continue;
      const auto space = space_of(i);
      const auto placement = engine::placement_of(*prev->series, *space);
      if (!placement) {
        why_changed_[i] = setting_changed(*prev->series, program_.pairs[i]);
        continue;
      }
      auto parties = parties_of(i);
      Plan kept;
      if (still_valid(*space, *placement, *prev->series, parties, kept)) {
        commit(i, std::move(kept));
        unchanged_.insert(i);
        held_over_.insert(i);
        continue;
      }
      engine::Effort effort;
      effort.reasons = true;
      effort.stop_when_unacceptable = false;
      auto plan = engine::evaluate(*space, *placement, parties, effort);
      const auto total = space->occurrences_in_term(plan.occurrences.size());
      const int need = engine::needed(*space, plan.occurrences.size());
      if (plan.accepted && plan.held >= need) {
        why_changed_[i] = exceptions_changed(*prev->series, plan);
        commit(i, std::move(plan));
        held_over_.insert(i);
        continue;
      }
      why_changed_[i] = "its time now holds " + std::to_string(plan.held) + " of " +
                        std::to_string(total) + " occurrences, min_held needs " +
                        std::to_string(need) + commonest_reason(plan.occurrences, nullptr);
    }
  }

  // Why a previous series cannot keep its rule: the pair's settings changed.
  std::string setting_changed(const Series& s, const Pair& pair) const {
    const auto zone = std::string(program_.anchor_of(pair).zone.name());
    if (s.zone != zone) return "the series' zone is now " + zone + " (was " + s.zone + ")";
    if (!(s.cadence == pair.cadence))
      return "the cadence is now " + pair.cadence.to_string() + " (was " + s.cadence.to_string() +
             ")";
    if (s.duration != pair.duration)
      return "sessions now last " + std::to_string(pair.duration.count()) + " minutes (was " +
             std::to_string(s.duration.count()) + ")";
    return "its time is off the " + std::to_string(program_.granularity.count()) + "-minute grid";
  }

  // "; 5 of them: e-03 is busy then", the reason most of the occurrences that are not held at
  // the series time (and, with `before`, changed since) give; empty when none gives one.
  static std::string commonest_reason(const std::vector<Occurrence>& occurrences,
                                      const std::vector<Occurrence>* before) {
    std::map<std::string, int> count;
    for (std::size_t k = 0; k < occurrences.size(); ++k) {
      const auto& o = occurrences[k];
      if (o.state == OccurrenceState::held || o.reason.empty()) continue;
      if (before && k < before->size() && (*before)[k] == o) continue;
      count[o.reason.substr(0, o.reason.find(';'))] += 1;
    }
    const auto most =
        std::max_element(count.begin(), count.end(),
                         [](const auto& a, const auto& b) { return a.second < b.second; });
    if (most == count.end()) return {};
    return "; " + std::to_string(most->second) + " of them: " + most->first;
  }

  static std::string exceptions_changed(const Series& before, const Plan& plan) {
    int changed = 0;
    for (std::size_t k = 0; k < plan.occurrences.size(); ++k)
      changed += k >= before.occurrences.size() || !(before.occurrences[k] == plan.occurrences[k]);
    return std::to_string(changed) + " of " + std::to_string(plan.occurrences.size()) +
           " occurrences changed" + commonest_reason(plan.occurrences, &before.occurrences);
  }

  // ---- the search ----

  void search_group(const std::vector<std::size_t>& group, bool stopping) {
    std::vector<std::size_t> open;
    for (const auto i : group)
      if (!plans_[i]) open.push_back(i);
    if (open.empty()) return;
    std::map<std::size_t, std::unique_ptr<PairSpace>> spaces;
    for (const auto i : open) spaces[i] = space_of(i);

    // Most constrained first: fewest placements free at every occurrence.
    std::vector<std::pair<std::size_t, std::size_t>> order;
    for (const auto i : open) order.emplace_back(spaces[i]->fully_free_placements(), i);
    std::sort(order.begin(), order.end());

    const auto breadth = stopping ? kBreadthWhenStopping : kBreadth;
    std::vector<std::size_t> unplaced;
    for (const auto& [flexibility, i] : order) {
      auto parties = parties_of(i);
      auto plan = engine::best_plan(*spaces[i], parties, breadth);
      if (plan && plan->accepted)
        commit(i, std::move(*plan));
      else
        unplaced.push_back(i);
    }
    if (stopping) return;
    for (const auto u : unplaced) make_room(u, group, spaces);
    if (open.size() <= kExactPairs) search_exactly(open, spaces);
  }

  // The greedy schedule of the open pairs, unless the exact search finds a better one.
  void search_exactly(const std::vector<std::size_t>& open,
                      std::map<std::size_t, std::unique_ptr<PairSpace>>& spaces) {
    // Every pair placed and nothing skipped (no month missed either): nothing can score better.
    if (std::all_of(open.begin(), open.end(), [&](std::size_t i) {
          return plans_[i] && plans_[i]->skipped + plans_[i]->missing == 0;
        }))
      return;
    std::vector<std::optional<Plan>> kept;
    for (const auto i : open) {
      kept.push_back(plans_[i]);
      if (plans_[i]) withdraw(i);
    }
    std::vector<engine::Member> members;
    for (const auto i : open) {
      if (!spaces[i]) spaces[i] = space_of(i);
      members.push_back({*spaces[i], parties_of(i)});
    }
    const auto budget =
        options_.exact_steps ? options_.exact_steps : exact_steps_for(program_.pairs.size());
    auto better = engine::improve_exactly(members, kept, budget);
    auto& chosen = better ? *better : kept;
    for (std::size_t k = 0; k < open.size(); ++k)
      if (chosen[k]) commit(open[k], std::move(*chosen[k]));
  }

  // Tries to place `u` by moving one placed pair that shares a person with it: withdraw that
  // pair, place `u`, place the neighbour again elsewhere; undone unless both end up placed.
  void make_room(std::size_t u, const std::vector<std::size_t>& group,
                 std::map<std::size_t, std::unique_ptr<PairSpace>>& spaces) {
    const auto& pu = program_.pairs[u];
    for (const auto v : group) {
      // A series kept from the previous pass stays as it was: only what must change changes.
      if (v == u || !plans_[v] || held_over_.contains(v)) continue;
      const auto& pv = program_.pairs[v];
      if (pv.mentor != pu.mentor && pv.mentee != pu.mentee && pv.mentor != pu.mentee &&
          pv.mentee != pu.mentor)
        continue;
      if (!spaces[v]) spaces[v] = space_of(v);
      auto old = *plans_[v];
      withdraw(v);
      auto parties_u = parties_of(u);
      auto plan_u = engine::best_plan(*spaces[u], parties_u, kBreadth);
      if (plan_u && plan_u->accepted) {
        commit(u, std::move(*plan_u));
        auto parties_v = parties_of(v);
        auto plan_v = engine::best_plan(*spaces[v], parties_v, kBreadth);
        if (plan_v && plan_v->accepted) {
          commit(v, std::move(*plan_v));
          return;
        }
        withdraw(u);
      }
      commit(v, std::move(old));
    }
  }

  // ---- the answer ----

  std::string uid_for(const Pair& pair) const {
    const auto base =
        program_.id + "-" + program_.mentor_of(pair).id + "-" + program_.mentee_of(pair).id;
    std::set<std::string> taken;
    if (options_.previous) {
      for (const auto& c : options_.previous->cancelled) taken.insert(c.series.uid);
      for (const auto& r : options_.previous->pairs)
        if (r.series) taken.insert(r.series->uid);
    }
    for (int generation = 1;; ++generation) {
      auto uid = base + (generation == 1 ? "" : "-" + std::to_string(generation)) + "@mentorcal";
      if (!taken.contains(uid)) return uid;
    }
  }

  PairResult result_of(std::size_t i) {
    const auto& pair = program_.pairs[i];
    PairResult r;
    r.mentor_id = program_.mentor_of(pair).id;
    r.mentee_id = program_.mentee_of(pair).id;
    r.mentor_email = program_.mentor_of(pair).email;
    r.mentee_email = program_.mentee_of(pair).email;
    const auto* prev = previous_of(i);
    if (!plans_[i]) {
      auto explanation =
          engine::explain_unplaced(program_, i, calendars_, load_, {plans_, pairs_of_});
      r.reasons = std::move(explanation.reasons);
      r.relaxation = std::move(explanation.relaxation);
      for (const auto person : explanation.limited_by)
        r.limited_by.push_back(program_.people[person].id);
      needs_other_mentor_[i] = explanation.shares_no_hour && r.relaxation.empty();
      return r;
    }
    if (unchanged_.contains(i)) {
      r.series = *prev->series;
      note_change(i, SeriesChange::Kind::kept, &*prev->series, *r.series);
      return r;
    }
    const auto& plan = *plans_[i];
    Series s;
    s.mentor_id = r.mentor_id;
    s.mentee_id = r.mentee_id;
    s.zone = program_.anchor_of(pair).zone.name();
    s.cadence = pair.cadence;
    s.weekday = date::weekday{plan.placement.weekday};
    s.monthly_ordinal = pair.cadence.kind == Cadence::Kind::monthly ? plan.placement.phase : 0;
    s.first = plan.occurrences.front().nominal;
    s.duration = pair.duration;
    s.occurrences = plan.occurrences;
    s.dtstamp = options_.revision;
    if (prev) {
      s.uid = prev->series->uid;
      s.sequence = prev->series->sequence + 1;
      // Re-planned to the very same series (same rule, same exceptions): nothing changed.
      auto same = *prev->series;
      if (same.occurrences == s.occurrences && same.first == s.first && same.zone == s.zone &&
          same.cadence == s.cadence && same.duration == s.duration) {
        r.series = same;
        note_change(i, SeriesChange::Kind::kept, &same, *r.series);
        return r;
      }
      s.dtstamp = std::max(options_.revision, prev->series->dtstamp + Minutes{1});
      const bool same_time = series_time_text(*prev->series) == series_time_text(s);
      note_change(i, same_time ? SeriesChange::Kind::replanned : SeriesChange::Kind::retimed,
                  &*prev->series, s);
    } else {
      s.uid = uid_for(pair);
      note_change(i, SeriesChange::Kind::added, nullptr, s);
    }
    r.series = std::move(s);
    return r;
  }

  void note_change(std::size_t i, SeriesChange::Kind kind, const Series* before,
                   const Series& after) {
    if (!options_.previous) return;
    SeriesChange c;
    c.kind = kind;
    c.mentor_id = after.mentor_id;
    c.mentee_id = after.mentee_id;
    c.uid = after.uid;
    if (before) c.before = series_time_text(*before);
    c.after = series_time_text(after);
    if (kind == SeriesChange::Kind::replanned || kind == SeriesChange::Kind::retimed)
      c.why =
          why_changed_[i].empty() ? "placed again to make room for another pair" : why_changed_[i];
    changes_[i] = std::move(c);
  }

  // A pair whose people's hours never meet, and that no widening of them places, is told of
  // another mentor: the first in people.csv whose working week shares a session's length with
  // the mentee's and whose weekly and monthly limits leave room for what the pair needs. Hours
  // are compared as 15-minute slots of the term's second ISO week in UTC (a whole week), so each
  // candidate costs a few word operations; this runs after every group is searched, as the
  // candidate may be of any group.
  void suggest_other_mentors(Schedule& out) {
    std::vector<std::size_t> asking;
    for (std::size_t i = 0; i < needs_other_mentor_.size(); ++i)
      if (needs_other_mentor_[i]) asking.push_back(i);
    if (asking.empty()) return;
    constexpr Minutes kSlot{15};
    constexpr int kSlots = 7 * 24 * 4;
    using Week = std::array<std::uint64_t, (kSlots + 63) / 64>;
    const Instant from{(iso_week_start(program_.start) + date::days{7}).time_since_epoch()};
    const Instant to = from + date::days{7};
    std::vector<Week> weeks(program_.people.size());
    std::vector<std::size_t> mentors;
    for (std::size_t p = 0; p < program_.people.size(); ++p)
      if (program_.people[p].role == Role::mentor) mentors.push_back(p);
    const auto week_of = [&](std::size_t p) {
      Week w{};
      for (const auto& open : calendars_[p].open) {
        if (open.end <= from || open.start >= to) continue;
        const auto first = (std::max(open.start, from) - from + kSlot - Minutes{1}) / kSlot;
        const auto last = (std::min(open.end, to) - from) / kSlot;
        for (auto slot = first; slot < last; ++slot)
          w[static_cast<std::size_t>(slot / 64)] |= std::uint64_t{1} << (slot % 64);
      }
      return w;
    };
    for_each_index_in_parallel(mentors.size(),
                               [&](std::size_t k) { weeks[mentors[k]] = week_of(mentors[k]); });
    const long term_weeks = (program_.end - iso_week_start(program_.start)).count() / 7 + 1;
    for_each_index_in_parallel(asking.size(), [&](std::size_t k) {
      const auto i = asking[k];
      const auto& pair = program_.pairs[i];
      const auto mentee_week = week_of(pair.mentee);
      const auto run = static_cast<int>((pair.duration + kSlot - Minutes{1}) / kSlot);
      const auto occurrences =
          cadence_occurrences(pair.cadence, program_.start, program_.end,
                              static_cast<std::size_t>((term_weeks + pair.cadence.weeks - 1) /
                                                       std::max(1, pair.cadence.weeks)));
      const int need = std::max(1, engine::needed(pair, occurrences));
      const auto shares = [&](const Week& a) {
        bool any = false;
        for (std::size_t w = 0; w < a.size(); ++w) any = any || (a[w] & mentee_week[w]) != 0;
        if (!any) return false;
        int length = 0;
        for (int slot = 0; slot < kSlots; ++slot) {
          const auto bit = std::uint64_t{1} << (slot % 64);
          const auto word = static_cast<std::size_t>(slot / 64);
          length = (a[word] & mentee_week[word] & bit) ? length + 1 : 0;
          if (length >= run) return true;
        }
        return false;
      };
      const auto paired = [&](std::size_t m) {
        return std::any_of(pairs_of_[m].begin(), pairs_of_[m].end(),
                           [&](std::size_t q) { return program_.pairs[q].mentee == pair.mentee; });
      };
      const Instant start{program_.start.time_since_epoch()};
      // From the mentor after the pair's own, wrapping round, so that the pairs of one mentor
      // are not all sent to the same other one.
      const auto own = static_cast<std::size_t>(
          std::lower_bound(mentors.begin(), mentors.end(), pair.mentor) - mentors.begin());
      for (std::size_t step = 1; step <= mentors.size(); ++step) {
        const auto m = mentors[(own + step) % mentors.size()];
        if (m == pair.mentor || !shares(weeks[m]) || paired(m)) continue;
        if (load_[m].capacity(start, pair.duration, calendars_[m]) < need) continue;
        const auto& mentor = program_.people[m];
        out.pairs[i].relaxation = "mentor " + engine::named(mentor) + ", " +
                                  std::string(mentor.zone.name()) + ", shares working hours with " +
                                  engine::named(program_.mentee_of(pair)) +
                                  " and has room: pair them instead";
        return;
      }
    });
  }

  void cancel_dropped(Schedule& out) {
    if (!options_.previous) return;
    std::set<std::pair<std::string, std::string>> live;
    std::map<std::pair<std::string, std::string>, const PairResult*> unplaced;
    for (const auto& r : out.pairs)
      if (r.series)
        live.insert({r.mentor_id, r.mentee_id});
      else
        unplaced[{r.mentor_id, r.mentee_id}] = &r;
    for (const auto& r : options_.previous->pairs) {
      if (!r.series || live.contains({r.mentor_id, r.mentee_id})) continue;
      SeriesChange change;
      change.kind = SeriesChange::Kind::cancelled;
      change.mentor_id = r.mentor_id;
      change.mentee_id = r.mentee_id;
      change.uid = r.series->uid;
      change.before = series_time_text(*r.series);
      const auto still = unplaced.find({r.mentor_id, r.mentee_id});
      change.why = still == unplaced.end() ? "the pair is no longer in pairs.csv"
                   : still->second->reasons.empty()
                       ? "the pair can no longer be placed"
                       : "the pair can no longer be placed: " + still->second->reasons.front();
      cancelled_changes_.push_back(std::move(change));
      CancelledSeries c;
      c.series = *r.series;
      c.series.sequence += 1;
      c.series.dtstamp = std::max(options_.revision, r.series->dtstamp + Minutes{1});
      c.organizer_email = r.mentor_email;
      c.attendee_email = r.mentee_email;
      out.cancelled.push_back(std::move(c));
    }
  }

  const Program& program_;
  const ScheduleOptions& options_;
  std::vector<PersonCalendar> calendars_;
  std::vector<Occupancy> load_;
  std::vector<std::array<int, 7>> weekdays_;
  std::vector<std::optional<Plan>> plans_;
  std::set<std::size_t> unchanged_;  // kept byte for byte
  std::set<std::size_t> held_over_;  // kept at their previous series time, changed or not
  std::vector<std::string> why_changed_;
  std::vector<std::optional<SeriesChange>> changes_;
  std::vector<SeriesChange> cancelled_changes_;
  std::vector<std::vector<std::size_t>> pairs_of_;  // each person's pairs
  std::vector<std::uint8_t> needs_other_mentor_;    // by pair: suggest_other_mentors' work
  std::map<std::pair<std::string, std::string>, const PairResult*> previous_;
};

}  // namespace

std::vector<std::vector<std::size_t>> pair_groups(const std::vector<Pair>& pairs,
                                                  std::size_t people) {
  std::vector<std::size_t> parent(people);
  std::iota(parent.begin(), parent.end(), std::size_t{0});
  const auto root = [&](std::size_t x) {
    while (parent[x] != x) x = parent[x] = parent[parent[x]];
    return x;
  };
  for (const auto& pair : pairs) parent[root(pair.mentor)] = root(pair.mentee);
  std::vector<std::vector<std::size_t>> groups;
  std::vector<std::size_t> group_of_root(people, SIZE_MAX);
  for (std::size_t i = 0; i < pairs.size(); ++i) {
    const auto r = root(pairs[i].mentor);
    if (group_of_root[r] == SIZE_MAX) {
      group_of_root[r] = groups.size();
      groups.emplace_back();
    }
    groups[group_of_root[r]].push_back(i);
  }
  return groups;
}

std::size_t exact_steps_for(std::size_t pairs) {
  return std::clamp(kExactStepsPerPass / std::max<std::size_t>(1, pairs), kExactStepsAtLeast,
                    kExactStepsPerGroup);
}

Schedule schedule_program(const Program& program, const ScheduleOptions& options) {
  auto schedule = Solver(program, options).run();
  schedule.tzdata = tz_database_version();
  schedule.zones = zone_offsets_of(program);
  return schedule;
}

}  // namespace mentorcal

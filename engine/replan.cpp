// Re-planning after a block: only the series of the people whose busy time changed, and in
// them only the occurrences that must change. Everyone else's sessions stay booked as they are.
#include <algorithm>
#include <map>
#include <memory>

#include "mentorcal/solver.hpp"
#include "search.hpp"

namespace mentorcal {

std::vector<Replanned> replan_people(const Program& program, Schedule& schedule,
                                     const std::vector<std::string>& person_ids, Instant revision) {
  using engine::Occupancy;
  using engine::PersonCalendar;
  std::map<std::string, std::size_t> person_index;
  for (std::size_t i = 0; i < program.people.size(); ++i) person_index[program.people[i].id] = i;
  std::map<std::pair<std::string, std::string>, std::size_t> pair_index;
  for (std::size_t i = 0; i < program.pairs.size(); ++i)
    pair_index[{program.mentor_of(program.pairs[i]).id, program.mentee_of(program.pairs[i]).id}] =
        i;

  const auto named = [&](const std::string& id) {
    return std::find(person_ids.begin(), person_ids.end(), id) != person_ids.end();
  };
  std::vector<std::size_t> affected;                                 // indices into schedule.pairs
  std::map<std::size_t, std::unique_ptr<PersonCalendar>> calendars;  // by person index
  const auto horizon = engine::search_horizon(program);
  for (std::size_t r = 0; r < schedule.pairs.size(); ++r) {
    const auto& result = schedule.pairs[r];
    if (!result.series || !(named(result.mentor_id) || named(result.mentee_id))) continue;
    if (!pair_index.contains({result.mentor_id, result.mentee_id})) continue;
    affected.push_back(r);
    for (const auto& id : {result.mentor_id, result.mentee_id}) {
      const auto p = person_index.at(id);
      if (!calendars.contains(p))
        calendars[p] = std::make_unique<PersonCalendar>(program.people[p], program, horizon);
    }
  }

  // Everything these people have booked, the affected series included: each of those is taken
  // out only while it is re-planned, so that it never moves onto another's occurrence.
  std::map<std::size_t, Occupancy> load;
  for (const auto& result : schedule.pairs) {
    if (!result.series) continue;
    for (const auto& id : {result.mentor_id, result.mentee_id}) {
      const auto it = person_index.find(id);
      if (it == person_index.end() || !calendars.contains(it->second)) continue;
      for (const auto& o : result.series->occurrences)
        if (o.state != OccurrenceState::skipped)
          load[it->second].book(o.at, *calendars[it->second]);
    }
  }

  std::vector<Replanned> changes;
  for (const auto r : affected) {
    auto& series = *schedule.pairs[r].series;
    const auto& pair = program.pairs[pair_index.at({series.mentor_id, series.mentee_id})];
    const bool mentor_anchors = program.anchor == Anchor::mentor;
    const auto a = mentor_anchors ? pair.mentor : pair.mentee;
    const auto b = mentor_anchors ? pair.mentee : pair.mentor;
    const std::array<int, 7> no_spread{};
    engine::Parties parties{*calendars[a], *calendars[b], load[a], load[b], no_spread};
    const engine::PairSpace space(program, pair, parties.anchor, parties.other);
    const auto placement = engine::placement_of(series, space);
    const auto days = placement ? space.rule_days(*placement) : std::vector<int>{};
    if (days.size() != series.occurrences.size())
      continue;  // the series no longer fits: a pass decides

    for (const auto& o : series.occurrences)
      if (o.state != OccurrenceState::skipped) {
        parties.anchor_load.release(o.at, parties.anchor);
        parties.other_load.release(o.at, parties.other);
      }
    const auto first_change = changes.size();
    for (std::size_t k = 0; k < days.size(); ++k) {
      auto& o = series.occurrences[k];
      const auto before = o;
      Occurrence held = o;
      held.state = OccurrenceState::held;
      held.at = space.session(days[k], placement->slot);
      if (engine::still_valid_at(space, days[k], held, parties)) {
        o = held;
        o.reason.clear();
      } else if (o.state == OccurrenceState::moved &&
                 engine::still_valid_at(space, days[k], o, parties)) {
        // Stays where an earlier plan moved it.
      } else {
        o.reason = engine::why_not_held(space, days[k], placement->slot, parties);
        if (const auto moved = engine::move_within_week(space, days[k], placement->slot, parties)) {
          o.state = OccurrenceState::moved;
          o.at = *moved;
        } else {
          o.state = OccurrenceState::skipped;
          o.at = held.at;
          o.reason += "; no other time that week";
        }
      }
      if (o.state != OccurrenceState::skipped) {
        parties.anchor_load.book(o.at, parties.anchor);
        parties.other_load.book(o.at, parties.other);
      }
      if (o.state != before.state || o.at != before.at)
        changes.push_back({series.uid, o.nominal, before.state, o.state, o.at, false});
    }
    if (changes.size() == first_change) continue;
    series.sequence += 1;
    series.dtstamp = std::max(revision, series.dtstamp + Minutes{1});
    const bool below = series.held_count() < engine::needed(pair, days.size());
    for (auto c = first_change; c < changes.size(); ++c) changes[c].below_min_held = below;
  }
  return changes;
}

}  // namespace mentorcal

// Re-planning after a block: only the series of the people whose busy time changed, and in
// them only the occurrences that must change. Everyone else's sessions stay booked as they are.
#include "mentorcal/replan.hpp"

#include <algorithm>
#include <map>
#include <memory>

#include "mentorcal/solver.hpp"
#include "search.hpp"

namespace mentorcal {

ReplanIndex::ReplanIndex(const Program& program, const Schedule& schedule) {
  person_index_.reserve(program.people.size());
  for (std::size_t i = 0; i < program.people.size(); ++i)
    person_index_.insert_or_assign(program.people[i].id, i);
  // Pairs by their parties' person indices; of two pairs with the same parties, the last.
  std::map<std::pair<std::size_t, std::size_t>, std::size_t> pair_index;
  for (std::size_t i = 0; i < program.pairs.size(); ++i)
    pair_index[{person_index_.at(program.mentor_of(program.pairs[i]).id),
                person_index_.at(program.mentee_of(program.pairs[i]).id)}] = i;

  const auto person = [&](const std::string& id) {
    const auto it = person_index_.find(id);
    return it == person_index_.end() ? kNone : it->second;
  };
  results_.reserve(schedule.pairs.size());
  results_of_.resize(program.people.size());
  for (std::size_t r = 0; r < schedule.pairs.size(); ++r) {
    Result result{person(schedule.pairs[r].mentor_id), person(schedule.pairs[r].mentee_id)};
    if (const auto it = pair_index.find({result.mentor, result.mentee}); it != pair_index.end())
      result.pair = it->second;
    for (const auto p : {result.mentor, result.mentee})
      if (p != kNone) results_of_[p].push_back(r);
    results_.push_back(result);
  }
}

const std::vector<std::size_t>& ReplanIndex::results_of(std::string_view person_id) const {
  static const std::vector<std::size_t> none;
  const auto it = person_index_.find(person_id);
  return it == person_index_.end() ? none : results_of_[it->second];
}

std::vector<Replanned> ReplanIndex::replan(const Program& program, Schedule& schedule,
                                           const std::vector<std::string>& person_ids,
                                           Instant revision) const {
  using engine::Occupancy;
  using engine::PersonCalendar;
  std::vector<std::size_t> affected;  // indices into schedule.pairs, increasing
  for (const auto& id : person_ids)
    for (const auto r : results_of(id))
      if (schedule.pairs[r].series && results_[r].pair != kNone) affected.push_back(r);
  std::sort(affected.begin(), affected.end());
  affected.erase(std::unique(affected.begin(), affected.end()), affected.end());

  std::map<std::size_t, std::unique_ptr<PersonCalendar>> calendars;  // by person index
  const auto horizon = term_window(program);
  for (const auto r : affected)
    for (const auto p : {results_[r].mentor, results_[r].mentee})
      if (!calendars.contains(p))
        calendars[p] = std::make_unique<PersonCalendar>(program.people[p], program, horizon);

  // Everything these people have booked, the affected series included: each of those is taken
  // out only while it is re-planned, so that it never moves onto another's occurrence.
  std::map<std::size_t, Occupancy> load;
  for (const auto& [p, calendar] : calendars)
    for (const auto r : results_of_[p]) {
      const auto& result = schedule.pairs[r];
      if (!result.series) continue;
      for (const auto& o : result.series->occurrences)
        if (o.state != OccurrenceState::skipped) load[p].book(o.at, *calendar);
    }

  std::vector<Replanned> changes;
  for (const auto r : affected) {
    auto& series = *schedule.pairs[r].series;
    const auto& pair = program.pairs[results_[r].pair];
    const bool mentor_anchors = program.anchor == Anchor::mentor;
    const auto a = mentor_anchors ? pair.mentor : pair.mentee;
    const auto b = mentor_anchors ? pair.mentee : pair.mentor;
    const std::array<int, 7> no_spread{};
    engine::Parties parties{*calendars[a], *calendars[b], load[a], load[b], no_spread};
    const engine::PairSpace space(program, pair, parties.anchor, parties.other);
    const auto placement = engine::placement_of(series, space);
    const auto days = placement ? space.rule_days(*placement) : std::span<const int>{};
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
    const bool below = series.held_count() < engine::needed(space, days.size());
    for (auto c = first_change; c < changes.size(); ++c) changes[c].below_min_held = below;
  }
  return changes;
}

std::vector<Replanned> replan_people(const Program& program, Schedule& schedule,
                                     const std::vector<std::string>& person_ids, Instant revision) {
  return ReplanIndex(program, schedule).replan(program, schedule, person_ids, revision);
}

}  // namespace mentorcal

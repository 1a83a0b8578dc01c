#include "mentorcal/tz_update.hpp"

#include <algorithm>
#include <map>
#include <set>
#include <string>

#include "mentorcal/schedule_json.hpp"
#include "mentorcal/solver.hpp"

namespace mentorcal {
namespace {

ZoneOffsets offsets_of(const Zone& zone, Interval window) {
  ZoneOffsets offsets{std::string(zone.name()), {}};
  for (date::sys_seconds t = window.start; t < window.end;) {
    const auto period = zone.period_at(t);
    const auto offset = std::chrono::duration_cast<Minutes>(period.offset);
    if (offsets.from.empty() || offsets.from.back().second != offset)
      offsets.from.emplace_back(date::floor<Minutes>(t), offset);
    t = period.end;
  }
  return offsets;
}

Minutes offset_at(const ZoneOffsets& offsets, Instant t) {
  auto it = std::upper_bound(offsets.from.begin(), offsets.from.end(), t,
                             [](Instant x, const auto& entry) { return x < entry.first; });
  return it == offsets.from.begin() ? offsets.from.front().second : std::prev(it)->second;
}

// Where `after` gives other offsets than `before`, over `window`: stretches between the
// instants either table changes at.
std::vector<ZoneShift> shifts_between(const ZoneOffsets& before, const ZoneOffsets& after,
                                      Interval window) {
  std::set<Instant> cuts{window.start, window.end};
  for (const auto* table : {&before, &after})
    for (const auto& [from, offset] : table->from)
      if (from > window.start && from < window.end) cuts.insert(from);
  std::vector<ZoneShift> shifts;
  for (auto it = cuts.begin(); std::next(it) != cuts.end(); ++it) {
    const Interval stretch{*it, *std::next(it)};
    const auto old_offset = offset_at(before, stretch.start);
    const auto new_offset = offset_at(after, stretch.start);
    if (old_offset == new_offset) continue;
    if (!shifts.empty() && shifts.back().when.end == stretch.start &&
        shifts.back().before == old_offset && shifts.back().after == new_offset) {
      shifts.back().when.end = stretch.end;
      continue;
    }
    shifts.push_back({after.zone, stretch, old_offset, new_offset});
  }
  return shifts;
}

// "2026-09-20 02:00" in `zone`.
std::string local_text(const Zone& zone, Instant t) {
  auto text = format_local(zone.to_local(t));
  text[10] = ' ';
  return text;
}

std::string person_text(const Person& person) {
  return person.name + " (" + person.id + ")";
}

class Describer {
 public:
  Describer(const Program& program, const TzUpdate& update, Interval window)
      : program_(program), update_(update), window_(window) {
    for (const auto& person : program.people) people_[person.id] = &person;
  }

  std::vector<std::string> lines() const {
    std::vector<std::string> lines;
    lines.push_back("tz database " + update_.from + " → " + update_.to + ": " +
                    std::to_string(update_.moves.size()) + " session(s) changed, " +
                    std::to_string(update_.republished.size()) + " series re-published");
    for (const auto& shift : update_.shifts) lines.push_back(shift_line(shift));
    for (const auto& move : update_.moves) lines.push_back(move_line(move));
    for (const auto& uid : update_.below_min)
      lines.push_back(uid + " now holds fewer sessions than its pair's min_held needs");
    return lines;
  }

 private:
  std::string shift_line(const ZoneShift& shift) const {
    const auto zone = Zone::find(shift.zone).value();
    std::string line = "tz database " + update_.from + " → " + update_.to + ": " + shift.zone +
                       " is at " + format_offset(shift.after) + " from " +
                       local_text(zone, shift.when.start);
    if (shift.when.end < window_.end) line += " until " + local_text(zone, shift.when.end);
    line += " (" + update_.from + ": " + format_offset(shift.before) + ")";
    std::vector<std::string> whose;
    for (const auto& person : program_.people)
      if (person.zone.name() == shift.zone) whose.push_back(person_text(person));
    if (!whose.empty()) {
      line += "; for ";
      for (std::size_t i = 0; i < whose.size(); ++i) line += (i ? ", " : "") + whose[i];
    }
    return line;
  }

  std::string move_line(const TzMove& move) const {
    const auto mentor_it = people_.find(move.mentor_id);
    const auto mentee_it = people_.find(move.mentee_id);
    if (mentor_it == people_.end() || mentee_it == people_.end())
      return move.uid + " " + format_local(move.nominal) + ": " +
             occurrence_state_name(move.state_after) + " at " + format_utc(move.after.start);
    const auto& mentor = *mentor_it->second;
    const auto& mentee = *mentee_it->second;
    const auto& anchor = program_.anchor == Anchor::mentor ? mentor : mentee;
    const auto& other = program_.anchor == Anchor::mentor ? mentee : mentor;
    auto nominal = format_local(move.nominal);
    nominal[10] = ' ';
    std::string line = person_text(mentor) + " with " + person_text(mentee) + ", session of " +
                       nominal + " " + std::string(anchor.zone.name()) + ": ";
    switch (move.state_after) {
      case OccurrenceState::held:
        line += "stays at that time, which is now " + local_text(other.zone, move.after.start) +
                " for " + other.name + " in " + std::string(other.zone.name()) + " (" +
                format_utc(move.after.start) + ", was " + format_utc(move.before.start) + ")";
        break;
      case OccurrenceState::moved:
        line += "moved to " + local_text(anchor.zone, move.after.start) + " (" +
                local_text(other.zone, move.after.start) + " for " + other.name + ")";
        break;
      case OccurrenceState::skipped:
        line += "skipped";
        break;
    }
    if (!move.reason.empty()) line += ": " + move.reason;
    return line;
  }

  const Program& program_;
  const TzUpdate& update_;
  Interval window_;
  std::map<std::string, const Person*, std::less<>> people_;
};

}  // namespace

TermOffsets zone_offsets_of(const Program& program) {
  std::map<std::string_view, const Zone*> zones;
  for (const auto& person : program.people) zones.emplace(person.zone.name(), &person.zone);
  TermOffsets offsets{term_window(program), {}};
  for (const auto& [name, zone] : zones) offsets.zones.push_back(offsets_of(*zone, offsets.window));
  return offsets;
}

std::optional<TzUpdate> follow_tz_update(const Program& program, Schedule& schedule,
                                         Instant revision) {
  const auto now = zone_offsets_of(program);
  const auto& version = tz_database_version();
  if (schedule.tzdata == version && schedule.zones == now) return std::nullopt;

  const bool new_release = schedule.tzdata != version;
  TzUpdate update{
      schedule.tzdata.empty() ? "unknown" : schedule.tzdata, version, {}, {}, {}, {}, {}};
  // Compared where both schedules know the offsets: a term that grew is no tz change. Under a
  // new release, a zone the schedule recorded nothing of is checked as if it had changed; under
  // the same release it is a zone new to the program.
  const Interval both{std::max(now.window.start, schedule.zones.window.start),
                      std::min(now.window.end, schedule.zones.window.end)};
  std::set<std::string, std::less<>> changed;
  for (const auto& zone : now.zones) {
    const auto old = std::find_if(schedule.zones.zones.begin(), schedule.zones.zones.end(),
                                  [&](const ZoneOffsets& z) { return z.zone == zone.zone; });
    if (old == schedule.zones.zones.end() || old->from.empty() || both.empty()) {
      if (new_release) changed.insert(zone.zone);
      continue;
    }
    auto shifts = shifts_between(*old, zone, both);
    if (shifts.empty()) continue;
    changed.insert(zone.zone);
    update.shifts.insert(update.shifts.end(), shifts.begin(), shifts.end());
  }
  if (changed.empty() && !new_release) {
    schedule.zones = now;
    return std::nullopt;
  }

  std::vector<std::string> people;
  for (const auto& person : program.people)
    if (changed.contains(person.zone.name())) people.push_back(person.id);
  std::vector<std::optional<Series>> before;
  for (const auto& result : schedule.pairs) before.push_back(result.series);
  const auto replanned = replan_people(program, schedule, people, revision);

  std::set<std::string> below;
  for (const auto& change : replanned)
    if (change.below_min_held) below.insert(change.uid);
  update.below_min.assign(below.begin(), below.end());
  const std::set<std::string> moved_people(people.begin(), people.end());
  for (std::size_t r = 0; r < schedule.pairs.size(); ++r) {
    auto& result = schedule.pairs[r];
    if (!result.series || !before[r]) continue;
    auto& series = *result.series;
    const auto& old = *before[r];
    for (std::size_t k = 0; k < series.occurrences.size() && k < old.occurrences.size(); ++k) {
      const auto& was = old.occurrences[k];
      const auto& is = series.occurrences[k];
      if (was.state == is.state && was.at == is.at) continue;
      update.moves.push_back({series.uid, series.mentor_id, series.mentee_id, is.nominal, was.state,
                              is.state, was.at, is.at,
                              is.state == OccurrenceState::held ? std::string() : is.reason});
    }
    // Its VTIMEZONE, or the other party's local times it describes, come from a changed zone.
    if (!moved_people.contains(series.mentor_id) && !moved_people.contains(series.mentee_id))
      continue;
    if (series.sequence == old.sequence) {
      series.sequence += 1;
      series.dtstamp = std::max(revision, series.dtstamp + Minutes{1});
    }
    update.republished.push_back(series.uid);
  }
  update.lines = Describer(program, update, both).lines();
  schedule.tzdata = version;
  schedule.zones = now;
  schedule.tz_update = update;
  return update;
}

}  // namespace mentorcal

#include <cassert>
#include <unordered_map>

#include "mentorcal/report.hpp"

namespace mentorcal {

ReportFigures tally(const Program& program, const Schedule& schedule) {
  assert(schedule.pairs.size() == program.pairs.size() &&
         "a schedule has one result per pair, in pairs.csv order");
  std::vector<PersonLoad> load(program.people.size());
  std::map<std::string, ZoneHours> zones;
  for (std::size_t i = 0; i < schedule.pairs.size(); ++i) {
    const auto& result = schedule.pairs[i];
    if (!result.series) continue;
    const auto& pair = program.pairs[i];
    for (const std::size_t party : {pair.mentor, pair.mentee}) {
      const Person& person = program.people[party];
      PersonLoad& person_load = load[party];
      person_load.person = &person;
      ZoneHours* zone = nullptr;
      for (const auto& occurrence : result.series->occurrences) {
        if (occurrence.state == OccurrenceState::skipped) continue;
        const LocalMinute start = person.zone.to_local(occurrence.at.start);
        const LocalDay day = date::floor<date::days>(start);
        const Minutes minutes = occurrence.at.length();
        for (Tally* t : {&person_load.weeks[iso_week_start(day)],
                         &person_load.months[month_start(day)], &person_load.term}) {
          t->sessions += 1;
          t->minutes += minutes;
        }
        if (!zone) {
          zone = &zones[std::string(person.zone.name())];
          zone->zone = person.zone.name();
        }
        zone->by_weekday[date::weekday{day}.iso_encoding() - 1] += 1;
        zone->by_hour[static_cast<std::size_t>(
            std::chrono::duration_cast<std::chrono::hours>(start - LocalMinute{day}).count())] += 1;
      }
    }
  }
  ReportFigures figures;
  for (auto& person_load : load)
    if (person_load.term.sessions > 0) figures.people.push_back(std::move(person_load));
  for (auto& [name, zone] : zones) figures.zones.push_back(zone);
  return figures;
}

namespace {

bool same_time(const Series& a, const Series& b) {
  return a.zone == b.zone && a.cadence == b.cadence && a.weekday == b.weekday &&
         a.monthly_ordinal == b.monthly_ordinal && a.first == b.first && a.duration == b.duration;
}

}  // namespace

std::vector<SeriesChange> changes_since(const Schedule* previous, const Schedule& current) {
  std::vector<SeriesChange> changes;
  if (!previous) return changes;
  std::unordered_map<std::string_view, const Series*> before;
  for (const auto& result : previous->pairs)
    if (result.series) before.emplace(result.series->uid, &*result.series);
  std::unordered_map<std::string_view, bool> present;
  for (const auto& result : current.pairs) {
    if (!result.series) continue;
    const Series& after = *result.series;
    present.emplace(after.uid, true);
    const auto it = before.find(after.uid);
    SeriesChange change{SeriesChange::Kind::added, after.uid, after.mentor_id,
                        after.mentee_id,           nullptr,   &after};
    if (it != before.end()) {
      change.before = it->second;
      change.kind =
          same_time(*it->second, after) ? SeriesChange::Kind::kept : SeriesChange::Kind::retimed;
    }
    changes.push_back(change);
  }
  for (const auto& result : previous->pairs) {
    if (!result.series || present.contains(result.series->uid)) continue;
    const Series& gone = *result.series;
    changes.push_back(
        {SeriesChange::Kind::cancelled, gone.uid, gone.mentor_id, gone.mentee_id, &gone, nullptr});
  }
  return changes;
}

const char* change_kind_name(SeriesChange::Kind kind) {
  switch (kind) {
    case SeriesChange::Kind::kept:
      return "kept";
    case SeriesChange::Kind::retimed:
      return "retimed";
    case SeriesChange::Kind::added:
      return "new";
    case SeriesChange::Kind::cancelled:
      return "cancelled";
  }
  return "";
}

}  // namespace mentorcal

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

namespace {}  // namespace

}  // namespace mentorcal

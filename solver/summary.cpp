#include "mentorcal/summary.hpp"

#include <algorithm>
#include <map>
#include <set>
#include <vector>

#include "search.hpp"

namespace mentorcal {
namespace {

// Minutes from the session to the nearest edge of the working window holding it, in the
// person's own zone; 0 when no single window holds it (availability from a calendar).
Minutes margin_of(const Person& p, Interval at) {
  if (p.availability) {
    for (const auto& a : *p.availability)
      if (a.contains(at)) return std::min(at.start - a.start, a.end - at.end);
    return Minutes{0};
  }
  const auto from = p.zone.to_local(at.start);
  const auto day = date::floor<date::days>(from);
  const auto start = from - LocalMinute{day};
  const auto end = start + (at.end - at.start);
  for (const auto& w : p.working_hours.on(date::weekday{day}))
    if (w.start <= start && end <= w.end) return std::min(start - w.start, w.end - end);
  return Minutes{0};
}

}  // namespace

PassSummary summarize(const Program& program, const Schedule& schedule) {
  PassSummary out;
  out.pairs = static_cast<int>(schedule.pairs.size());
  out.cancelled = static_cast<int>(schedule.cancelled.size());
  std::map<std::string, const Person*> people;
  for (const auto& p : program.people) people[p.id] = &p;
  std::map<std::string, ZoneFairness> zones;
  std::map<std::string, std::map<LocalDay, long>> week_minutes;
  std::map<std::string, std::map<LocalDay, long>> month_minutes;
  std::map<std::string, std::map<LocalDay, int>> week_sessions;
  // Everything looked up by a person's id is looked up once per pair, not per occurrence: an L
  // schedule has 360,000 occurrences.
  struct Party {
    const Person* person;
    ZoneFairness* zone;
    std::map<LocalDay, long>* week_minutes = nullptr;
    std::map<LocalDay, int>* week_sessions = nullptr;
    std::map<LocalDay, long>* month_minutes = nullptr;
  };
  std::vector<Party> parties;
  for (const auto& r : schedule.pairs) {
    if (!r.series) continue;
    ++out.scheduled;
    const auto& occurrences = r.series->occurrences;
    // A zone is listed only when one of its people attends a session.
    const bool attended = std::any_of(occurrences.begin(), occurrences.end(), [](const auto& o) {
      return o.state != OccurrenceState::skipped;
    });
    parties.clear();
    for (const auto& id : {r.mentor_id, r.mentee_id}) {
      const auto it = people.find(id);
      if (!attended || it == people.end()) continue;
      const auto& p = *it->second;
      auto& z = zones[std::string(p.zone.name())];
      z.zone = p.zone.name();
      Party party{&p, &z};
      if (p.role == Role::mentor) {
        party.week_minutes = &week_minutes[id];
        party.week_sessions = &week_sessions[id];
        party.month_minutes = &month_minutes[id];
      }
      parties.push_back(party);
    }
    for (const auto& o : occurrences) {
      if (o.state == OccurrenceState::skipped) {
        ++out.skipped;
        continue;
      }
      ++(o.state == OccurrenceState::held ? out.held : out.moved);
      for (const auto& party : parties) {
        const auto& p = *party.person;
        const auto m = margin_of(p, o.at);
        party.zone->mean_margin += static_cast<double>(m.count());
        party.zone->sessions += 1;
        party.zone->near_edge += m < Minutes{60};
        if (party.week_minutes) {
          const auto day = local_day(p.zone, o.at.start);
          (*party.week_minutes)[iso_week_start(day)] += (o.at.end - o.at.start).count();
          (*party.week_sessions)[iso_week_start(day)] += 1;
          (*party.month_minutes)[month_start(day)] += (o.at.end - o.at.start).count();
        }
      }
    }
  }
  for (auto& [name, z] : zones) {
    if (z.sessions > 0) z.mean_margin /= z.sessions;
    out.zones.push_back(z);
  }
  // Mentors who reach a limit, and anyone whose limit kept a pair out, though it was not reached
  // (45 of 60 minutes used, a 30-minute session to place).
  std::set<std::string> blocked;
  for (const auto& r : schedule.pairs) blocked.insert(r.limited_by.begin(), r.limited_by.end());
  for (const auto& p : program.people) {
    const auto reaches = [](const auto& tally, const std::optional<int>& limit) {
      return limit && std::any_of(tally.begin(), tally.end(),
                                  [&](const auto& kv) { return kv.second >= *limit; });
    };
    if (blocked.contains(p.id) ||
        (p.role == Role::mentor && (reaches(week_minutes[p.id], p.limits.max_minutes_per_week) ||
                                    reaches(week_sessions[p.id], p.limits.max_sessions_per_week) ||
                                    reaches(month_minutes[p.id], p.limits.max_minutes_per_month))))
      out.mentors_at_limit.push_back(p.id);
  }
  return out;
}

bool below_min_held(const Pair& pair, const Series& series) {
  return series.held_count() < engine::needed(pair, series.occurrences.size());
}

}  // namespace mentorcal

#include "mentorcal/summary.hpp"

#include <algorithm>
#include <map>

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
  for (const auto& r : schedule.pairs) {
    if (!r.series) continue;
    ++out.scheduled;
    for (const auto& o : r.series->occurrences) {
      if (o.state == OccurrenceState::skipped) {
        ++out.skipped;
        continue;
      }
      ++(o.state == OccurrenceState::held ? out.held : out.moved);
      for (const auto& id : {r.mentor_id, r.mentee_id}) {
        const auto it = people.find(id);
        if (it == people.end()) continue;
        const auto& p = *it->second;
        auto& z = zones[std::string(p.zone.name())];
        z.zone = p.zone.name();
        const auto m = margin_of(p, o.at);
        z.mean_margin += static_cast<double>(m.count());
        z.sessions += 1;
        z.near_edge += m < Minutes{60};
        if (p.role == Role::mentor) {
          const auto day = local_day(p.zone, o.at.start);
          week_minutes[id][iso_week_start(day)] += (o.at.end - o.at.start).count();
          week_sessions[id][iso_week_start(day)] += 1;
          month_minutes[id][month_start(day)] += (o.at.end - o.at.start).count();
        }
      }
    }
  }
  for (auto& [name, z] : zones) {
    if (z.sessions > 0) z.mean_margin /= z.sessions;
    out.zones.push_back(z);
  }
  for (const auto& p : program.people) {
    if (p.role != Role::mentor) continue;
    const auto reaches = [](const auto& tally, const std::optional<int>& limit) {
      return limit && std::any_of(tally.begin(), tally.end(),
                                  [&](const auto& kv) { return kv.second >= *limit; });
    };
    if (reaches(week_minutes[p.id], p.limits.max_minutes_per_week) ||
        reaches(week_sessions[p.id], p.limits.max_sessions_per_week) ||
        reaches(month_minutes[p.id], p.limits.max_minutes_per_month))
      out.mentors_at_limit.push_back(p.id);
  }
  return out;
}

}  // namespace mentorcal

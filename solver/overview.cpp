#include "mentorcal/overview.hpp"

#include <algorithm>
#include <map>

namespace mentorcal {
namespace {

// People share zones and hours far more often than not, so intervals are computed once per
// (zone, hours) and shared.
class OpenTime {
 public:
  OpenTime(LocalDay first, LocalDay last) : first_(first), last_(last) {}

  const std::vector<Interval>& of(const Person& p) {
    if (p.availability) return *p.availability;
    const auto key = std::string(p.zone.name()) + '|' + p.working_hours.to_string();
    auto it = cache_.find(key);
    if (it == cache_.end())
      it = cache_.emplace(key, working_intervals(p.working_hours, p.zone, first_, last_)).first;
    return it->second;
  }

 private:
  LocalDay first_;
  LocalDay last_;
  std::map<std::string, std::vector<Interval>> cache_;
};

}  // namespace

ProgramOverview describe(const Program& program) {
  ProgramOverview out;
  std::map<std::string, ZoneHeadcount> zones;
  for (const auto& p : program.people) {
    auto& z = zones[std::string(p.zone.name())];
    z.zone = p.zone.name();
    (p.role == Role::mentor ? z.mentors : z.mentees) += 1;
  }
  for (auto& [name, count] : zones) out.zones.push_back(count);

  // A day of margin on each side: the other party's local days may begin before the anchor's.
  OpenTime open(program.start - date::days{1}, program.end + date::days{1});
  const auto first_monday = iso_week_start(program.start);
  for (std::size_t i = 0; i < program.pairs.size(); ++i) {
    const auto& pair = program.pairs[i];
    const auto& anchor = program.anchor_of(pair);
    const auto shared =
        intersect(open.of(program.mentor_of(pair)), open.of(program.mentee_of(pair)));
    const auto term = local_days_interval(anchor.zone, program.start, program.end);

    PairOverview overview;
    overview.pair = i;
    bool have_full_week = false;
    for (LocalDay monday = first_monday; monday <= program.end; monday += date::weeks{1}) {
      const Interval week{anchor.zone.to_instant(LocalMinute{monday}),
                          anchor.zone.to_instant(LocalMinute{monday + date::weeks{1}})};
      const Interval inside{std::max(week.start, term.start), std::min(week.end, term.end)};
      Minutes minutes{0};
      for (const auto& s : shared)
        minutes += Interval{std::max(s.start, inside.start), std::min(s.end, inside.end)}.length();
      const WeekShare share{monday, minutes};
      if (monday == first_monday) overview.first_week = share;
      const bool full = monday >= program.start && monday + date::days{6} <= program.end;
      if (full && (!have_full_week || minutes < overview.min_week.shared)) {
        overview.min_week = share;
        have_full_week = true;
      }
    }
    if (!have_full_week) overview.min_week = overview.first_week;
    if (overview.min_week.shared == Minutes{0} || overview.first_week.shared == Minutes{0})
      ++out.pairs_without_shared_hours;
    out.pairs.push_back(overview);
  }
  return out;
}

}  // namespace mentorcal

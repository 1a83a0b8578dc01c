// Person calendars (search.hpp): each person's open and free time over the search horizon.
#include <algorithm>

#include "search.hpp"

namespace mentorcal::engine {

PersonCalendar::PersonCalendar(const Person& p, const Program& program, Interval horizon)
    : person(&p), clock(p.zone, horizon), first_day(clock.local_day(horizon.start)) {
  const auto first = first_day;
  const auto last = clock.local_day(horizon.end);
  const date::year_month_day first_ymd{first};
  for (auto day = first; day <= last; day += date::days{1}) {
    const date::year_month_day ymd{day};
    const auto months = (int{ymd.year()} - int{first_ymd.year()}) * 12 +
                        static_cast<int>(unsigned{ymd.month()}) -
                        static_cast<int>(unsigned{first_ymd.month()});
    week_and_month.emplace_back((iso_week_start(day) - iso_week_start(first)).count() / 7,
                                static_cast<std::size_t>(months));
  }
  open = p.availability ? intersect(*p.availability, std::vector<Interval>{horizon})
                        : working_intervals(p.working_hours, p.zone, first, last);
  const Minutes buffer{p.limits.buffer_minutes};
  std::vector<Interval> blocked;
  blocked.reserve(p.busy.size() + program.blackouts.size());
  for (const auto& b : p.busy) blocked.push_back({b.start - buffer, b.end + buffer});
  for (const auto& day : program.blackouts)
    blocked.push_back(
        {clock.to_instant(LocalMinute{day}), clock.to_instant(LocalMinute{day + date::days{1}})});
  free = subtract(open, normalized(std::move(blocked)));
}

const Interval* holder(const std::vector<Interval>& sorted, Interval inner) {
  auto it = std::upper_bound(sorted.begin(), sorted.end(), inner.start,
                             [](Instant t, const Interval& i) { return t < i.start; });
  if (it == sorted.begin()) return nullptr;
  --it;
  return it->contains(inner) ? &*it : nullptr;
}

bool PersonCalendar::is_free(Interval session) const {
  return holder(free, session) != nullptr;
}

Minutes PersonCalendar::margin(Interval session) const {
  const auto* window = holder(open, session);
  if (!window) return Minutes{0};
  return std::min(session.start - window->start, window->end - session.end);
}

}  // namespace mentorcal::engine

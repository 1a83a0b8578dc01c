// Person calendars (search.hpp): each person's open and free time over the search horizon.
#include <algorithm>

#include "search.hpp"

namespace mentorcal::engine {

PersonCalendar::PersonCalendar(const Person& p, const Program& program, Interval horizon)
    : person(&p), clock(p.zone, horizon), first_day(clock.local_day(horizon.start)) {
  const auto first = first_day;
  const auto last = clock.local_day(horizon.end);
  day_count = static_cast<std::size_t>((last - first).count()) + 1;
  days_after_monday_ = static_cast<std::size_t>((first - iso_week_start(first)).count());
  const date::year_month_day first_ymd{first};
  for (auto month = first_ymd.year() / first_ymd.month() + date::months{1};
       LocalDay{month / 1} <= last; month += date::months{1})
    month_starts_.push_back(static_cast<std::size_t>((LocalDay{month / 1} - first).count()));
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
  // Forty thousand people's calendars live through the whole search: keep no spare capacity.
  open.shrink_to_fit();
  free.shrink_to_fit();
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

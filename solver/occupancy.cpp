// Occupancy (search.hpp): the sessions a person has booked so far, and the tallies their limits
// count.
#include <algorithm>
#include <cassert>
#include <limits>
#include <string>

#include "search.hpp"

namespace mentorcal::engine {

Occupancy::Keys Occupancy::keys_of(Interval session, const PersonCalendar& calendar) {
  const auto day = calendar.day_index(session.start);
  const auto [week, month] = calendar.week_and_month(day);
  return {day, week, month};
}

// Limits come before other sessions: a limit rules out a whole day, week or month, so it is
// the clash worth naming, and the one find_move can use to pass over a day at once.
Occupancy::Clash Occupancy::clash(Interval session, const PersonCalendar& calendar) const {
  const auto& limits = calendar.person->limits;
  const Minutes buffer{limits.buffer_minutes};
  const auto overlaps_a_session = [&] {
    const auto it = std::lower_bound(sessions_.begin(), sessions_.end(), session.start - buffer,
                                     [](const Interval& s, Instant t) { return s.end <= t; });
    return it != sessions_.end() && it->start < session.end + buffer;
  };
  const bool limited = limits.max_sessions_per_day || limits.max_sessions_per_week ||
                       limits.max_minutes_per_week || limits.max_minutes_per_month;
  if (!limited) return overlaps_a_session() ? Clash::session : Clash::none;
  const auto keys = keys_of(session, calendar);
  const int minutes = static_cast<int>(session.length().count());
  const auto day = tally(days_, keys.day);
  const auto week = tally(weeks_, keys.week);
  const auto month = tally(months_, keys.month);
  if (limits.max_sessions_per_day && day.sessions + 1 > *limits.max_sessions_per_day)
    return Clash::day_sessions;
  if (limits.max_sessions_per_week && week.sessions + 1 > *limits.max_sessions_per_week)
    return Clash::week_sessions;
  if (limits.max_minutes_per_week && week.minutes + minutes > *limits.max_minutes_per_week)
    return Clash::week_minutes;
  if (limits.max_minutes_per_month && month.minutes + minutes > *limits.max_minutes_per_month)
    return Clash::month_minutes;
  return overlaps_a_session() ? Clash::session : Clash::none;
}

Occupancy::Use Occupancy::use_behind(Clash kind, Interval session,
                                     const PersonCalendar& calendar) const {
  const auto& limits = calendar.person->limits;
  const auto keys = keys_of(session, calendar);
  const auto use = [](Tally t, const std::optional<int>& limit) {
    return Use{t.sessions, t.minutes, limit.value_or(0)};
  };
  switch (kind) {
    case Clash::day_sessions:
      return use(tally(days_, keys.day), limits.max_sessions_per_day);
    case Clash::week_sessions:
      return use(tally(weeks_, keys.week), limits.max_sessions_per_week);
    case Clash::week_minutes:
      return use(tally(weeks_, keys.week), limits.max_minutes_per_week);
    case Clash::month_minutes:
      return use(tally(months_, keys.month), limits.max_minutes_per_month);
    case Clash::none:
    case Clash::session:
      break;
  }
  return {};
}

std::string Occupancy::why_not(Interval session, const PersonCalendar& calendar) const {
  const auto& limits = calendar.person->limits;
  const auto& who = calendar.person->id;
  const auto keys = keys_of(session, calendar);
  const auto at = [&](int value, int limit, const char* what, const char* per) {
    return who + " is at " + std::to_string(value) + " of " + std::to_string(limit) + " " + what +
           " a " + per;
  };
  switch (clash(session, calendar)) {
    case Clash::none:
      return {};
    case Clash::session:
      return who + " has another session within " + std::to_string(limits.buffer_minutes) +
             " minutes";
    case Clash::day_sessions:
      return at(tally(days_, keys.day).sessions, *limits.max_sessions_per_day, "sessions", "day");
    case Clash::week_sessions:
      return at(tally(weeks_, keys.week).sessions, *limits.max_sessions_per_week, "sessions",
                "week");
    case Clash::week_minutes:
      return at(tally(weeks_, keys.week).minutes, *limits.max_minutes_per_week, "minutes", "week");
    case Clash::month_minutes:
      return at(tally(months_, keys.month).minutes, *limits.max_minutes_per_month, "minutes",
                "month");
  }
  return {};
}

void Occupancy::add(Interval session, const PersonCalendar& calendar, int sign) {
  const auto keys = keys_of(session, calendar);
  const int minutes = static_cast<int>(session.length().count());
  const auto bump = [&](std::vector<Tally>& v, std::size_t i) {
    if (v.size() <= i) v.resize(i + 1);
    v[i].sessions += sign;
    v[i].minutes += sign * minutes;
  };
  bump(days_, keys.day);
  bump(weeks_, keys.week);
  bump(months_, keys.month);
}

void Occupancy::book(Interval session, const PersonCalendar& calendar) {
  sessions_.insert(std::upper_bound(sessions_.begin(), sessions_.end(), session), session);
  add(session, calendar, +1);
}

void Occupancy::release(Interval session, const PersonCalendar& calendar) {
  const auto it = std::lower_bound(sessions_.begin(), sessions_.end(), session);
  assert(it != sessions_.end() && *it == session && "released a session that was never booked");
  sessions_.erase(it);
  add(session, calendar, -1);
}

void Occupancy::append_state(Instant from, const PersonCalendar& calendar,
                             std::vector<long>& out) const {
  const Minutes buffer{calendar.person->limits.buffer_minutes};
  const auto first = std::lower_bound(sessions_.begin(), sessions_.end(), from - buffer,
                                      [](const Interval& s, Instant t) { return s.end <= t; });
  for (auto it = first; it != sessions_.end(); ++it)
    out.push_back(it->start.time_since_epoch().count());
  const auto keys = keys_of({from, from}, calendar);
  const auto tallies = [&](const std::vector<Tally>& v, std::size_t from_index) {
    out.push_back(-1);    // a separator: the lists differ in length
    auto end = v.size();  // released tallies stay behind as zeros
    while (end > from_index && v[end - 1].sessions == 0) --end;
    for (std::size_t i = from_index; i < end; ++i) {
      out.push_back(v[i].sessions);
      out.push_back(v[i].minutes);
    }
  };
  const auto& l = calendar.person->limits;
  if (l.max_sessions_per_day) tallies(days_, keys.day);
  if (l.max_sessions_per_week || l.max_minutes_per_week) tallies(weeks_, keys.week);
  if (l.max_minutes_per_month) tallies(months_, keys.month);
}

void Occupancy::append_tallies_of(Interval session, const PersonCalendar& calendar,
                                  std::vector<long>& out) {
  const auto& l = calendar.person->limits;
  const auto keys = keys_of(session, calendar);
  if (l.max_sessions_per_day) out.push_back(static_cast<long>(keys.day));
  if (l.max_sessions_per_week || l.max_minutes_per_week)
    out.push_back(static_cast<long>(keys.week));
  if (l.max_minutes_per_month) out.push_back(static_cast<long>(keys.month));
}

int Occupancy::capacity(Instant from, Minutes shortest, const PersonCalendar& calendar) const {
  const auto& l = calendar.person->limits;
  const auto first = keys_of({from, from}, calendar);
  const auto [last_week, last_month] = calendar.week_and_month(calendar.day_count - 1);
  long weekly = std::numeric_limits<int>::max();
  if (l.max_sessions_per_week || l.max_minutes_per_week) {
    weekly = 0;
    for (auto w = first.week; w <= last_week; ++w) weekly += left_in_week(w, shortest, calendar);
  }
  long monthly = std::numeric_limits<int>::max();
  if (l.max_minutes_per_month) {
    monthly = 0;
    for (auto m = first.month; m <= last_month; ++m)
      monthly += left_in_month(m, shortest, calendar);
  }
  return static_cast<int>(std::min<long>({weekly, monthly, std::numeric_limits<int>::max()}));
}

int Occupancy::left_in_month(std::size_t month, Minutes shortest,
                             const PersonCalendar& calendar) const {
  const auto& l = calendar.person->limits;
  if (!l.max_minutes_per_month) return std::numeric_limits<int>::max();
  return std::max(0, *l.max_minutes_per_month - tally(months_, month).minutes) /
         static_cast<int>(shortest.count());
}

int Occupancy::left_in_week(std::size_t week, Minutes shortest,
                            const PersonCalendar& calendar) const {
  const auto& l = calendar.person->limits;
  const auto t = tally(weeks_, week);
  int left = std::numeric_limits<int>::max();
  if (l.max_sessions_per_week) left = std::max(0, *l.max_sessions_per_week - t.sessions);
  if (l.max_minutes_per_week)
    left = std::min(left, std::max(0, *l.max_minutes_per_week - t.minutes) /
                              static_cast<int>(shortest.count()));
  return left;
}

}  // namespace mentorcal::engine

// The verifier: every rule of the contract checked again, occurrence by occurrence, from the
// program's own data and the tz database, sharing no code with the search (no calendars, no
// slot grid, no occupancy). Anything it finds is a bug in the search.
#include "mentorcal/verify.hpp"

#include <algorithm>
#include <cmath>
#include <map>

namespace mentorcal {
namespace {

// RFC 5545 §3.3.5 worked out from offsets alone, not through Zone::to_instant: a reading is
// valid under an offset in force a day before or after it when the zone has that offset at the
// instant it gives; the first valid reading of a repeated time counts, and a skipped time is
// read with the offset before the gap.
Instant wall_to_instant(const Zone& zone, LocalMinute local) {
  const Instant as_utc{local.time_since_epoch()};
  const auto before = zone.offset(as_utc - date::days{1});
  const auto after = zone.offset(as_utc + date::days{1});
  const Instant under_before{local.time_since_epoch() - before};
  const Instant under_after{local.time_since_epoch() - after};
  const bool before_valid = zone.offset(under_before) == before;
  const bool after_valid = zone.offset(under_after) == after;
  if (before_valid && after_valid) return std::min(under_before, under_after);
  if (after_valid) return under_after;
  return under_before;
}

LocalMinute instant_to_wall(const Zone& zone, Instant t) {
  return LocalMinute{t.time_since_epoch() + zone.offset(t)};
}

LocalDay day_of(LocalMinute t) {
  return date::floor<date::days>(t);
}

// Whether every minute of [from, to) is inside the person's working windows (adjacent windows,
// and a window ending at 24:00 followed by one at 00:00, count as one stretch).
bool inside_working_hours(const WorkingHours& hours, LocalMinute from, LocalMinute to) {
  auto at = from;
  while (at < to) {
    const auto day = day_of(at);
    const auto minute = at - LocalMinute{day};
    const auto windows = hours.on(date::weekday{day});
    const auto w = std::find_if(windows.begin(), windows.end(), [&](const DayWindow& window) {
      return window.start <= minute && minute < window.end;
    });
    if (w == windows.end()) return false;
    at = LocalMinute{day} + w->end;
  }
  return true;
}

struct Booking {
  Interval at;
  std::string what;
};

class Verifier {
 public:
  explicit Verifier(const Program& program) : program_(program) {
    for (std::size_t i = 0; i < program.people.size(); ++i) index_[program.people[i].id] = i;
  }

  std::vector<std::string> run(const Schedule& schedule) {
    if (schedule.pairs.size() != program_.pairs.size())
      fail("the schedule has " + std::to_string(schedule.pairs.size()) + " pairs, the program " +
           std::to_string(program_.pairs.size()));
    for (std::size_t i = 0; i < std::min(schedule.pairs.size(), program_.pairs.size()); ++i)
      check_pair(program_.pairs[i], schedule.pairs[i]);
    check_people();
    return problems_;
  }

 private:
  void fail(std::string message) { problems_.push_back(std::move(message)); }

  void check_pair(const Pair& pair, const PairResult& result) {
    const auto& mentor = program_.mentor_of(pair);
    const auto& mentee = program_.mentee_of(pair);
    const auto name = mentor.id + "/" + mentee.id;
    if (result.mentor_id != mentor.id || result.mentee_id != mentee.id)
      return fail(name + ": result names " + result.mentor_id + "/" + result.mentee_id);
    if (!result.series) return;
    const auto& s = *result.series;
    const auto& anchor = program_.anchor_of(pair);
    if (s.zone != anchor.zone.name())
      fail(name + ": series zone " + s.zone + " is not the anchor's");
    if (!(s.cadence == pair.cadence) || s.duration != pair.duration)
      fail(name + ": series cadence or duration differs from the pair's");
    const auto& tz = anchor.zone;

    const auto nominals = rule_instances(s, pair);
    if (nominals.size() != s.occurrences.size()) {
      fail(name + ": " + std::to_string(s.occurrences.size()) + " occurrences, the rule makes " +
           std::to_string(nominals.size()));
      return;
    }
    int taking_place = 0;
    for (std::size_t k = 0; k < nominals.size(); ++k) {
      const auto& o = s.occurrences[k];
      const auto where = name + " " + format_local(o.nominal);
      if (o.nominal != nominals[k]) fail(where + ": not an instance of the rule");
      if (o.state == OccurrenceState::skipped) continue;
      ++taking_place;
      if (o.at.end - o.at.start != pair.duration)
        fail(where + ": lasts other than the pair's duration");
      const auto local = instant_to_wall(tz, o.at.start);
      if (o.state == OccurrenceState::held && o.at.start != wall_to_instant(tz, o.nominal))
        fail(where + ": held but not at the series time");
      if (o.state == OccurrenceState::moved &&
          iso_week_start(day_of(local)) != iso_week_start(day_of(o.nominal)))
        fail(where + ": moved out of its ISO week");
      if (day_of(local) < program_.start || day_of(local) > program_.end)
        fail(where + ": outside the program's dates");
      if ((local - LocalMinute{day_of(local)}) % program_.granularity != Minutes{0})
        fail(where + ": not on the " + std::to_string(program_.granularity.count()) +
             "-minute grid");
      for (const Person* p : {&mentor, &mentee}) {
        check_person_at(*p, o.at, where);
        bookings_[index_[p->id]].push_back({o.at, where});
      }
    }
    const auto total =
        cadence_occurrences(pair.cadence, program_.start, program_.end, nominals.size());
    const auto need = std::ceil(pair.min_held * static_cast<double>(total) - 1e-9);
    if (taking_place < static_cast<int>(need))
      fail(name + ": holds " + std::to_string(taking_place) + " of " + std::to_string(total) +
           ", below min_held");
  }

  // The instances of the series' rule from its first date to the program's end.
  std::vector<LocalMinute> rule_instances(const Series& s, const Pair& pair) const {
    std::vector<LocalMinute> out;
    const auto first_day = day_of(s.first);
    const auto time = s.first - LocalMinute{first_day};
    if (date::weekday{first_day} != s.weekday) return out;
    if (pair.cadence.kind == Cadence::Kind::monthly) {
      const date::year_month_day ymd{first_day};
      for (auto ym = ymd.year() / ymd.month();; ym += date::months{1}) {
        const LocalDay d{ym / s.weekday[static_cast<unsigned>(s.monthly_ordinal)]};
        if (d > program_.end) break;
        out.push_back(LocalMinute{d} + time);
      }
    } else {
      for (auto d = first_day; d <= program_.end; d += date::weeks{pair.cadence.weeks})
        out.push_back(LocalMinute{d} + time);
    }
    return out;
  }

  void check_person_at(const Person& p, Interval at, const std::string& where) {
    const auto& tz = p.zone;
    const auto from = instant_to_wall(tz, at.start);
    const auto to = instant_to_wall(tz, at.end);
    if (p.availability) {
      const bool inside = std::any_of(p.availability->begin(), p.availability->end(),
                                      [&](const Interval& a) { return a.contains(at); });
      if (!inside) fail(where + ": outside " + p.id + "'s availability");
    } else if (!inside_working_hours(p.working_hours, from, to)) {
      fail(where + ": outside " + p.id + "'s working hours");
    }
    const Minutes buffer{p.limits.buffer_minutes};
    for (const auto& b : p.busy)
      if (b.start < at.end + buffer && at.start - buffer < b.end)
        fail(where + ": " + p.id + " is busy " + format_utc(b.start) + " to " + format_utc(b.end));
    for (const auto day : {day_of(from), day_of(to - Minutes{1})})
      if (std::binary_search(program_.blackouts.begin(), program_.blackouts.end(), day))
        fail(where + ": on blackout date " + format_day(day) + " for " + p.id);
  }

  void check_people() {
    for (auto& [person, list] : bookings_) {
      const auto& p = program_.people[person];
      const auto& tz = p.zone;
      std::sort(list.begin(), list.end(),
                [](const Booking& a, const Booking& b) { return a.at.start < b.at.start; });
      const Minutes buffer{p.limits.buffer_minutes};
      for (std::size_t k = 1; k < list.size(); ++k)
        if (list[k].at.start < list[k - 1].at.end + buffer)
          fail(list[k].what + ": " + p.id + " has another session within the buffer (" +
               list[k - 1].what + ")");
      std::map<LocalDay, int> day_sessions;
      std::map<LocalDay, int> week_sessions;
      std::map<LocalDay, long> week_minutes;
      std::map<LocalDay, long> month_minutes;
      for (const auto& b : list) {
        const auto day = day_of(instant_to_wall(tz, b.at.start));
        const auto minutes = (b.at.end - b.at.start).count();
        day_sessions[day] += 1;
        week_sessions[iso_week_start(day)] += 1;
        week_minutes[iso_week_start(day)] += minutes;
        month_minutes[month_start(day)] += minutes;
      }
      const auto over = [&](const auto& tally, const std::optional<int>& limit, const char* what) {
        if (!limit) return;
        for (const auto& [start, value] : tally)
          if (value > *limit)
            fail(p.id + ": " + std::to_string(value) + " " + what + " from " + format_day(start) +
                 ", limit " + std::to_string(*limit));
      };
      over(day_sessions, p.limits.max_sessions_per_day, "sessions in the day");
      over(week_sessions, p.limits.max_sessions_per_week, "sessions in the week");
      over(week_minutes, p.limits.max_minutes_per_week, "minutes in the week");
      over(month_minutes, p.limits.max_minutes_per_month, "minutes in the month");
    }
  }

  const Program& program_;
  std::map<std::string, std::size_t> index_;
  std::map<std::size_t, std::vector<Booking>> bookings_;
  std::vector<std::string> problems_;
};

}  // namespace

std::vector<std::string> verify_schedule(const Program& program, const Schedule& schedule) {
  return Verifier(program).run(schedule);
}

}  // namespace mentorcal

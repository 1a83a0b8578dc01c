// VTIMEZONEs from the tz database the engine schedules with.
//
// Outlook keeps one yearly STANDARD rule and one yearly DAYLIGHT rule of a VTIMEZONE and drops
// the rest, so a zone is published in that form whenever it is exact: its offset changes are
// read from tzdata, a rule (month, Nth or last weekday, wall-clock time) is inferred from one
// year, and the rule is accepted only if it reproduces every change of every year the program
// touches, and of the year before and after, so that a coincidence (Morocco's Ramadan dates
// falling on the same Sunday twice) is not taken for a rule. Zones that fail the test are
// published as one observance per offset change with RDATEs, exact for the program's years.
#include "vtimezone.hpp"

#include <algorithm>
#include <cstdlib>
#include <optional>
#include <string>
#include <vector>

#include "mentorcal/feed.hpp"

namespace mentorcal {
namespace {

using Seconds = std::chrono::seconds;

// One change of a zone's UTC offset.
struct OffsetChange {
  date::sys_seconds at;
  Seconds from;
  Seconds to;
  std::string abbreviation;  // in force after the change

  // RFC 5545 §3.6.5 names an onset by the wall-clock time just before it (in TZOFFSETFROM).
  date::local_seconds onset() const { return date::local_seconds{at.time_since_epoch() + from}; }
  // Clients expect the larger of two offsets to be daylight time. tzdata's own flag says
  // otherwise for Europe/Dublin (winter GMT is its "negative DST") and Morocco, and Outlook and
  // Windows would show those zones' summer time as standard time.
  bool to_daylight() const { return to > from; }
};

std::vector<OffsetChange> offset_changes(const Zone& tz, date::sys_seconds begin,
                                         date::sys_seconds end) {
  std::vector<OffsetChange> changes;
  auto info = tz.period_at(begin);
  while (info.end < end) {
    const auto next = tz.period_at(info.end);
    // tzdata starts a new period when only the abbreviation or the DST flag changes too; a
    // calendar client sees nothing of those.
    if (next.offset != info.offset) {
      changes.push_back({next.begin, info.offset, next.offset, next.abbreviation});
    }
    info = next;
  }
  return changes;
}

// The day and time of an offset change in each year, as an RRULE can say it.
struct YearlyRule {
  date::month month;
  date::weekday weekday;
  int ordinal = 0;  // 1..4: the Nth `weekday` of the month; -1: the last; 0: `day_of_month`
  date::day day_of_month;
  Seconds time_of_day{0};  // wall-clock time before the change

  date::local_seconds in_year(date::year y) const {
    date::local_days day;
    if (ordinal == -1) {
      day = date::local_days{y / month / weekday[date::last]};
    } else if (ordinal > 0) {
      day = date::local_days{y / month / weekday[static_cast<unsigned>(ordinal)]};
    } else {
      day = date::local_days{y / month / day_of_month};
    }
    return day + time_of_day;
  }

  // A single BYDAY or BYMONTHDAY with BYMONTH: what [MS-OXCICAL] 2.1.3.1.1.19.2.2 accepts.
  std::string rrule() const {
    std::string text = "FREQ=YEARLY;BYMONTH=" + std::to_string(static_cast<unsigned>(month));
    if (ordinal == 0)
      return text + ";BYMONTHDAY=" + std::to_string(static_cast<unsigned>(day_of_month));
    return text + ";BYDAY=" + std::to_string(ordinal) + weekday_code(weekday);
  }
};

// Every rule that `onset` satisfies, weekday rules first: the last weekday of the month (the
// common rule), the Nth weekday, then the fixed day of the month.
std::vector<YearlyRule> rules_through(date::local_seconds onset) {
  const auto day = date::floor<date::days>(onset);
  const date::year_month_day ymd{day};
  const date::weekday weekday{day};
  const YearlyRule base{ymd.month(), weekday, 0, ymd.day(), onset - day};
  const auto day_number = static_cast<unsigned>(ymd.day());
  const auto month_length = static_cast<unsigned>((ymd.year() / ymd.month() / date::last).day());

  std::vector<YearlyRule> rules;
  if (day_number + 7 > month_length) {
    rules.push_back(base);
    rules.back().ordinal = -1;
  }
  if (day_number <= 28) {
    rules.push_back(base);
    rules.back().ordinal = static_cast<int>((day_number - 1) / 7 + 1);
  }
  rules.push_back(base);
  return rules;
}

// A VTIMEZONE sub-component: DAYLIGHT or STANDARD, its first onset, and a yearly rule or the
// list of its onsets.
struct Observance {
  bool daylight = false;
  Seconds from{0};
  Seconds to{0};
  std::string abbreviation;
  date::local_seconds start;
  std::optional<YearlyRule> rule;
  // Every onset, `start` included: ical.js (2.2) reads an observance that has RDATEs from its
  // RDATEs alone and would miss the first one; RFC 5545 counts a repeated onset once.
  std::vector<date::local_seconds> onsets;
};

constexpr date::local_days kEpoch = date::local_days{date::year{1970} / 1 / 1};

// The yearly rule that gives exactly `onsets`, one per year from `first`, if there is one.
std::optional<YearlyRule> rule_for(const std::vector<date::local_seconds>& onsets,
                                   date::year first) {
  for (const auto& rule : rules_through(onsets.front())) {
    bool reproduces = true;
    for (std::size_t i = 0; i < onsets.size() && reproduces; ++i) {
      reproduces = rule.in_year(first + date::years{static_cast<int>(i)}) == onsets[i];
    }
    if (reproduces) return rule;
  }
  return std::nullopt;
}

// The 1970-based STANDARD/DAYLIGHT pair, when one yearly rule for each direction reproduces
// `changes`, which cover the years [first, last] exactly.
std::optional<std::vector<Observance>> yearly_observances(const std::vector<OffsetChange>& changes,
                                                          date::year first, date::year last) {
  const auto year_count = static_cast<std::size_t>((last - first).count() + 1);
  std::vector<const OffsetChange*> daylight;
  std::vector<const OffsetChange*> standard;
  for (const auto& change : changes)
    (change.to_daylight() ? daylight : standard).push_back(&change);
  if (daylight.size() != year_count || standard.size() != year_count) return std::nullopt;

  const OffsetChange& spring = *daylight.front();
  const OffsetChange& autumn = *standard.front();
  if (spring.from != autumn.to || spring.to != autumn.from) return std::nullopt;

  std::vector<Observance> observances;
  for (const auto* kind : {&standard, &daylight}) {
    const OffsetChange& model = *kind->front();
    std::vector<date::local_seconds> onsets;
    for (const auto* change : *kind) {
      if (change->from != model.from || change->to != model.to) return std::nullopt;
      onsets.push_back(change->onset());
    }
    const auto rule = rule_for(onsets, first);
    if (!rule) return std::nullopt;
    observances.push_back({kind == &daylight,
                           model.from,
                           model.to,
                           model.abbreviation,
                           rule->in_year(date::year{1970}),
                           rule,
                           {}});
  }
  return observances;
}

// One observance per distinct change (direction, offsets, abbreviation), listing the onsets of
// the years [first, last] and the onset of the offset in force when they begin.
std::vector<Observance> listed_observances(const Zone& tz, date::year first, date::year last) {
  // A day either side, so that the first and last local days in zones far from UTC are covered.
  const date::sys_seconds begin = date::sys_days{first / 1 / 1} - date::days{1};
  const date::sys_seconds end = date::sys_days{(last + date::years{1}) / 1 / 1} + date::days{1};

  const auto in_force = tz.period_at(begin);
  std::vector<OffsetChange> changes;
  if (in_force.begin < date::sys_days{kEpoch.time_since_epoch()}) {
    changes.push_back({date::sys_seconds{kEpoch.time_since_epoch() - in_force.offset},
                       in_force.offset, in_force.offset, in_force.abbreviation});
  } else {
    const auto before = tz.period_at(in_force.begin - Seconds{1});
    changes.push_back({in_force.begin, before.offset, in_force.offset, in_force.abbreviation});
  }
  for (auto& change : offset_changes(tz, begin, end)) changes.push_back(std::move(change));

  std::vector<Observance> observances;
  for (const auto& change : changes) {
    auto same = std::find_if(observances.begin(), observances.end(), [&](const Observance& o) {
      return o.daylight == change.to_daylight() && o.from == change.from && o.to == change.to &&
             o.abbreviation == change.abbreviation;
    });
    if (same == observances.end()) {
      observances.push_back({change.to_daylight(),
                             change.from,
                             change.to,
                             change.abbreviation,
                             change.onset(),
                             std::nullopt,
                             {change.onset()}});
    } else {
      same->onsets.push_back(change.onset());
    }
  }
  return observances;
}

std::vector<Observance> observances_of(const Zone& tz, LocalDay first, LocalDay last) {
  const date::year first_year = date::year_month_day{first}.year() - date::years{1};
  const date::year last_year = date::year_month_day{last}.year() + date::years{1};
  const auto changes = offset_changes(tz, date::sys_days{first_year / 1 / 1},
                                      date::sys_days{(last_year + date::years{1}) / 1 / 1});
  if (changes.empty()) {
    const auto info = tz.period_at(date::sys_days{first_year / 1 / 1});
    return {{false, info.offset, info.offset, info.abbreviation, kEpoch, std::nullopt, {}}};
  }
  if (auto yearly = yearly_observances(changes, first_year, last_year)) return *yearly;
  return listed_observances(tz, first_year + date::years{1}, last_year - date::years{1});
}

int seconds_of(Seconds offset) {
  return static_cast<int>(offset.count());
}

}  // namespace

icaltimetype wall_clock_value(date::local_seconds t) {
  const auto day = date::floor<date::days>(t);
  const date::year_month_day ymd{day};
  const date::hh_mm_ss time{t - day};
  icaltimetype value = icaltime_null_time();
  value.year = static_cast<int>(ymd.year());
  value.month = static_cast<int>(static_cast<unsigned>(ymd.month()));
  value.day = static_cast<int>(static_cast<unsigned>(ymd.day()));
  value.hour = static_cast<int>(time.hours().count());
  value.minute = static_cast<int>(time.minutes().count());
  value.second = static_cast<int>(time.seconds().count());
  return value;
}

const char* weekday_code(date::weekday weekday) {
  static constexpr const char* kCodes[] = {"SU", "MO", "TU", "WE", "TH", "FR", "SA"};
  return kCodes[weekday.c_encoding()];
}

icaltimetype utc_value(date::sys_seconds t) {
  icaltimetype value = wall_clock_value(date::local_seconds{t.time_since_epoch()});
  value.zone = icaltimezone_get_utc_timezone();
  return value;
}

ComponentPtr build_vtimezone(const Zone& zone, LocalDay first, LocalDay last) {
  ComponentPtr vtimezone{icalcomponent_new_vtimezone()};
  icalcomponent_add_property(vtimezone.get(),
                             icalproperty_new_tzid(std::string{zone.name()}.c_str()));
  for (const auto& observance : observances_of(zone, first, last)) {
    icalcomponent* part =
        observance.daylight ? icalcomponent_new_xdaylight() : icalcomponent_new_xstandard();
    icalcomponent_add_property(part, icalproperty_new_dtstart(wall_clock_value(observance.start)));
    icalcomponent_add_property(part, icalproperty_new_tzoffsetfrom(seconds_of(observance.from)));
    icalcomponent_add_property(part, icalproperty_new_tzoffsetto(seconds_of(observance.to)));
    icalcomponent_add_property(part, icalproperty_new_tzname(observance.abbreviation.c_str()));
    if (observance.rule) {
      icalcomponent_add_property(
          part,
          icalproperty_new_rrule(icalrecurrencetype_from_string(observance.rule->rrule().c_str())));
    }
    for (const auto& onset : observance.onsets) {
      icaldatetimeperiodtype rdate{wall_clock_value(onset), icalperiodtype_null_period()};
      icalcomponent_add_property(part, icalproperty_new_rdate(rdate));
    }
    icalcomponent_add_component(vtimezone.get(), part);
  }
  return vtimezone;
}

std::string render_vtimezone(const Zone& zone, LocalDay first, LocalDay last) {
  const auto vtimezone = build_vtimezone(zone, first, last);
  char* text = icalcomponent_as_ical_string_r(vtimezone.get());
  std::string result{text};
  std::free(text);
  return result;
}

}  // namespace mentorcal

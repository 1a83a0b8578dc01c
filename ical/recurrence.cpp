// Recurrence rules, bounded (recurrence.hpp): what libical's iterator cannot be left to do alone.
#include "recurrence.hpp"

#include <algorithm>
#include <cstdlib>

namespace mentorcal::detail {
namespace {

bool listed(const short* by, int value) {
  for (int i = 0; by[i] != ICAL_RECURRENCE_ARRAY_MAX; ++i) {
    if (by[i] == value) return true;
  }
  return false;
}

long count(const short* by) {
  long n = 0;
  while (by[n] != ICAL_RECURRENCE_ARRAY_MAX) ++n;
  return n;
}

}  // namespace

long period_size_bound(const icalrecurrencetype& rule) {
  const auto either = [](const short* by, long fallback) { return has(by) ? count(by) : fallback; };
  const long per_day =
      either(rule.by_hour, 1) * either(rule.by_minute, 1) * either(rule.by_second, 1);
  const long week_days = either(rule.by_day, 1);
  const long month_days = has(rule.by_month_day) ? count(rule.by_month_day)
                          : has(rule.by_day)     ? 5 * count(rule.by_day)
                                                 : 1;
  switch (rule.freq) {
    case ICAL_DAILY_RECURRENCE:
      return per_day;
    case ICAL_WEEKLY_RECURRENCE:
      return week_days * per_day;
    case ICAL_MONTHLY_RECURRENCE:
      return month_days * per_day;
    case ICAL_YEARLY_RECURRENCE:
      if (has(rule.by_year_day)) return count(rule.by_year_day) * per_day;
      if (has(rule.by_week_no)) return 7 * count(rule.by_week_no) * per_day;
      if (has(rule.by_month)) return count(rule.by_month) * month_days * per_day;
      if (has(rule.by_month_day)) return 12 * count(rule.by_month_day) * per_day;
      return (has(rule.by_day) ? 53 * count(rule.by_day) : 1) * per_day;
    default:
      return 0;
  }
}

bool day_matches(const icalrecurrencetype& rule, date::sys_days d) {
  const date::year_month_day ymd{d};
  const int month = static_cast<int>(static_cast<unsigned>(ymd.month()));
  if (has(rule.by_month) && !listed(rule.by_month, month)) return false;
  if (has(rule.by_month_day)) {
    const int mday = static_cast<int>(static_cast<unsigned>(ymd.day()));
    const int month_length =
        static_cast<int>(static_cast<unsigned>((ymd.year() / ymd.month() / date::last).day()));
    if (!listed(rule.by_month_day, mday) && !listed(rule.by_month_day, mday - month_length - 1)) {
      return false;
    }
  }
  if (has(rule.by_year_day)) {
    const int yday = static_cast<int>((d - date::sys_days{ymd.year() / 1 / 1}).count()) + 1;
    const int year_length = ymd.year().is_leap() ? 366 : 365;
    if (!listed(rule.by_year_day, yday) && !listed(rule.by_year_day, yday - year_length - 1)) {
      return false;
    }
  }
  const date::weekday wd{d};
  if (has(rule.by_day)) {
    bool any = false;
    for (int i = 0; rule.by_day[i] != ICAL_RECURRENCE_ARRAY_MAX; ++i) {
      // libical numbers weekdays Sunday = 1.
      any = any || static_cast<unsigned>(icalrecurrencetype_day_day_of_week(rule.by_day[i])) ==
                       wd.c_encoding() + 1;
    }
    if (!any) return false;
  }
  if (has(rule.by_week_no) && rule.week_start == ICAL_MONDAY_WEEKDAY) {
    const date::sys_days thursday = d - (wd - date::Thursday);
    const date::year iso_year = date::year_month_day{thursday}.year();
    const date::sys_days iso_jan1{iso_year / 1 / 1};
    const int week = static_cast<int>((thursday - iso_jan1).count()) / 7 + 1;
    const date::sys_days dec28{iso_year / 12 / 28};
    const date::sys_days last_thursday = dec28 - (date::weekday{dec28} - date::Thursday);
    const int weeks = static_cast<int>((last_thursday - iso_jan1).count()) / 7 + 1;
    if (!listed(rule.by_week_no, week) && !listed(rule.by_week_no, week - weeks - 1)) return false;
  }
  return true;
}

bool rule_can_match(const icalrecurrencetype& rule) {
  if (const long bound = period_size_bound(rule); bound > 0 && has(rule.by_set_pos)) {
    bool fits = false;
    for (int i = 0; rule.by_set_pos[i] != ICAL_RECURRENCE_ARRAY_MAX; ++i) {
      fits = fits || (rule.by_set_pos[i] != 0 && std::abs(rule.by_set_pos[i]) <= bound);
    }
    if (!fits) return false;
  }
  if (!has(rule.by_month_day) && !has(rule.by_year_day) && !has(rule.by_week_no)) return true;
  const date::sys_days first{date::year{2000} / 1 / 1};
  for (date::sys_days d = first; d < first + date::days{146'097}; d += date::days{1}) {
    if (day_matches(rule, d)) return true;
  }
  return false;
}

icalrecurrencetype lift_day_filters(icalrecurrencetype& rule) {
  icalrecurrencetype filter;
  icalrecurrencetype_clear(&filter);
  const bool limits = rule.freq == ICAL_WEEKLY_RECURRENCE || rule.freq == ICAL_DAILY_RECURRENCE ||
                      rule.freq == ICAL_HOURLY_RECURRENCE;
  // BYSETPOS picks among the filtered instances, so it must see them filtered: leave it to libical.
  if (!limits || has(rule.by_set_pos)) return filter;
  const auto lift = [](short* from, short* to) {
    std::copy(from, from + count(from) + 1, to);
    from[0] = ICAL_RECURRENCE_ARRAY_MAX;
  };
  lift(rule.by_month_day, filter.by_month_day);
  lift(rule.by_year_day, filter.by_year_day);
  if (rule.week_start == ICAL_MONDAY_WEEKDAY) lift(rule.by_week_no, filter.by_week_no);
  return filter;
}
bool SimpleRuleSteps::handles(const icalrecurrencetype& rule) {
  if (rule.freq != ICAL_DAILY_RECURRENCE &&
      !(rule.freq == ICAL_WEEKLY_RECURRENCE && rule.interval == 1)) {
    return false;
  }
  if (has(rule.by_second) || has(rule.by_minute) || has(rule.by_hour) || has(rule.by_month_day) ||
      has(rule.by_year_day) || has(rule.by_week_no) || has(rule.by_month) || has(rule.by_set_pos) ||
      rule.rscale != nullptr) {
    return false;
  }
  for (int i = 0; rule.by_day[i] != ICAL_RECURRENCE_ARRAY_MAX; ++i) {
    if (icalrecurrencetype_day_position(rule.by_day[i]) != 0) return false;
  }
  return true;
}

SimpleRuleSteps::SimpleRuleSteps(const icalrecurrencetype& rule, LocalSeconds start,
                                 std::optional<LocalSeconds> until)
    : from_(start), until_(until) {
  const date::local_days day = date::floor<date::days>(start);
  time_of_day_ = start - day;
  const auto weekday_of = [](short by_day) {  // libical numbers weekdays Sunday = 1
    return date::weekday{static_cast<unsigned>(icalrecurrencetype_day_day_of_week(by_day)) - 1};
  };
  if (rule.freq == ICAL_DAILY_RECURRENCE) {
    period_ = day;
    step_ = date::days{rule.interval};
    offsets_.push_back(date::days{0});
    if (has(rule.by_day)) {
      on_.fill(false);
      for (int i = 0; rule.by_day[i] != ICAL_RECURRENCE_ARRAY_MAX; ++i) {
        on_[weekday_of(rule.by_day[i]).c_encoding()] = true;
      }
    }
    return;
  }
  const date::weekday week_start =
      rule.week_start == ICAL_NO_WEEKDAY ? date::Monday : weekday_of(rule.week_start);
  period_ = day - (date::weekday{day} - week_start);
  step_ = date::days{7};
  if (!has(rule.by_day)) offsets_.push_back(date::weekday{day} - week_start);
  for (int i = 0; rule.by_day[i] != ICAL_RECURRENCE_ARRAY_MAX; ++i) {
    offsets_.push_back(weekday_of(rule.by_day[i]) - week_start);
  }
  std::sort(offsets_.begin(), offsets_.end());
}

}  // namespace mentorcal::detail

// Recurrence rules, bounded: what the reader checks and steps through itself before, or instead
// of, libical's iterator. Private to ical/.
#pragma once

#include <libical/ical.h>

#include <algorithm>
#include <array>
#include <optional>
#include <vector>

#include "wall_clock.hpp"

namespace mentorcal::detail {

// Whether the BY part `by` of a rule lists any value.
inline bool has(const short* by) {
  return by[0] != ICAL_RECURRENCE_ARRAY_MAX;
}

// An upper bound of the instances one period of `rule` (a day, week, month or year) can hold
// before BYSETPOS picks among them; 0 when there is no simple bound (finer frequencies).
long period_size_bound(const icalrecurrencetype& rule);

// Whether day `d` satisfies the day-level BY parts of `rule` (BYMONTH, BYMONTHDAY, BYYEARDAY,
// BYDAY without its ordinal, and BYWEEKNO when weeks start on Monday, as ISO weeks do).
bool day_matches(const icalrecurrencetype& rule, date::sys_days d);

// Whether `rule` can ever produce an instance: some day of the 400-year Gregorian cycle satisfies
// every day-level BY part (for other WKST values than Monday BYWEEKNO is not checked, which is
// safe: this only has to reject rules that cannot match), and some BYSETPOS fits in a period.
// libical's iterator searches up to the year 2582 (20000 for its first instance), step by step,
// before it gives up on a rule that can never match (BYMONTH=4;BYMONTHDAY=31, BYDAY=MO;BYSETPOS=6):
// we do not let it start.
bool rule_can_match(const icalrecurrencetype& rule);

// For WEEKLY, DAILY and HOURLY rules, BYMONTHDAY, BYYEARDAY and BYWEEKNO only filter instances
// (RFC 5545 §3.3.10, "limit"). libical compares their values as written, so BYMONTHDAY=-1 never
// matches, and it steps through every hour or day until the year 2582 looking for a rare match.
// They are taken out of the rule given to libical and applied by `day_matches` instead; the
// returned rule holds them (nothing to filter: no BY part set).
icalrecurrencetype lift_day_filters(icalrecurrencetype& rule);

// The instances of a DAILY rule, or of a WEEKLY one with INTERVAL=1, whose only BY part is BYDAY
// without ordinals: the rules calendar applications write for meetings. libical steps through
// them on ICU calendars, which made most of the time of reading such exports; this gives the same
// instances in the same order (duplicates of a day listed twice included, as COUNT counts them),
// and like libical stops after the year 2582. A WEEKLY rule with a longer INTERVAL is left to
// libical: it does not group its weeks by WKST.
class SimpleRuleSteps {
 public:
  // Whether `rule` is one of those.
  static bool handles(const icalrecurrencetype& rule);

  // `until` as libical compares it: on the wall clock of `start`.
  SimpleRuleSteps(const icalrecurrencetype& rule, LocalSeconds start,
                  std::optional<LocalSeconds> until);

  // What icalrecur_iterator_set_start does: go on from `from`, in the period holding it.
  void skip_to(LocalSeconds from) {
    const auto periods = (date::floor<date::days>(from) - period_) / step_;
    if (periods > 0) period_ += periods * step_;
    from_ = std::max(from_, from);
  }

  std::optional<LocalSeconds> next() {
    for (;;) {
      if (index_ == offsets_.size()) {
        index_ = 0;
        period_ += step_;
      }
      const date::local_days day = period_ + offsets_[index_++];
      const LocalSeconds t = day + time_of_day_;
      if ((until_ && t > *until_) || date::year_month_day{day}.year() > kLastYear) {
        return std::nullopt;
      }
      if (t >= from_ && on_[date::weekday{day}.c_encoding()]) return t;
    }
  }

 private:
  static constexpr date::year kLastYear{2582};
  LocalSeconds from_;  // no instance before it
  std::optional<LocalSeconds> until_;
  Seconds time_of_day_{0};
  date::local_days period_;          // first day of the current day or week
  date::days step_{1};               // from one period to the next
  std::vector<date::days> offsets_;  // of the instances in a period, sorted
  std::size_t index_ = 0;            // into offsets_
  std::array<bool, 7> on_{true, true, true, true, true, true, true};  // by c_encoding()
};

}  // namespace mentorcal::detail

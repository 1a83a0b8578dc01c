// Reads busy time and availability from calendar exports, on libical 3.0. libical parses; the
// rules of what is busy, the time zones, the recurrence overrides and every bound on expansion are
// ours, because libical's own helpers get them wrong for real exports (docs/ICAL.md, "Import").
#include <libical/ical.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <charconv>
#include <cstdlib>
#include <map>
#include <memory>
#include <numeric>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "mentorcal/availability.hpp"
#include "mentorcal/csv.hpp"
#include "mentorcal/ical.hpp"
#include "mentorcal/parallel.hpp"
#include "mentorcal/zone_names.hpp"

namespace mentorcal {
namespace {

using Seconds = std::chrono::seconds;
using SysSeconds = date::sys_seconds;
using LocalSeconds = date::local_seconds;

// When the text libical parses carries line numbers, each content line carries its own as this
// parameter, and each component as a property of this name right after its BEGIN line.
constexpr std::string_view kLineTag = "X-MENTORCAL-LINE";
// An expansion that yields this many instances of one rule inside the window is cut off.
constexpr int kMaxInstancesPerRule = 100'000;
// A VTIMEZONE rule yielding more changes a year than this is not a time zone.
constexpr long kMaxChangesPerYear = 64;
// Nothing a calendar means lasts longer; it also keeps date arithmetic far from overflow.
constexpr int kMaxLengthDays = 36'525;

struct ComponentFree {
  void operator()(icalcomponent* c) const { icalcomponent_free(c); }
};
using ComponentPtr = std::unique_ptr<icalcomponent, ComponentFree>;

struct IteratorFree {
  void operator()(icalrecur_iterator* i) const { icalrecur_iterator_free(i); }
};

char upper(char c) {
  return c >= 'a' && c <= 'z' ? static_cast<char>(c - 'a' + 'A') : c;
}

std::string upper(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = upper(c);
  return out;
}

bool equals_ignoring_case(std::string_view a, std::string_view b) {
  return std::equal(a.begin(), a.end(), b.begin(), b.end(),
                    [](char x, char y) { return upper(x) == upper(y); });
}

bool contains_ignoring_case(std::string_view text, std::string_view part) {
  return std::search(text.begin(), text.end(), part.begin(), part.end(),
                     [](char x, char y) { return upper(x) == upper(y); }) != text.end();
}

// ---------------------------------------------------------------------------------------------
// Source lines: libical keeps no line numbers. To report a problem at its line, the text it
// parses carries them as kLineTag parameters and properties; libical parses those like any other
// (an allocation each, a case-insensitive name lookup), which cost a fifth of the reading. So a
// file is read without them first, and read again with them only when there is something to
// report.

enum class LineTags { absent, present };

struct ContentLine {
  int line = 0;            // 1-based physical line where the content line starts
  int component_line = 0;  // line of the BEGIN of the component the content line belongs to
  std::string_view name;   // property name as written ("RRULE", "begin"...)
};

struct Source {
  LineTags tags = LineTags::absent;
  std::string text;                // what libical parses
  std::vector<ContentLine> lines;  // every content line, in order; only with tags
  // Without tags: whether libical makes of `text` the tree it makes of the tagged text, less the
  // tags. A tag changes how libical reads the few content lines `tag_is_neutral` rejects.
  bool same_as_tagged = true;
};

std::size_t name_length(std::string_view line) {
  std::size_t n = 0;
  while (n < line.size() && (std::isalnum(static_cast<unsigned char>(line[n])) || line[n] == '-')) {
    ++n;
  }
  return n;
}

void append_number(std::string& text, int number) {
  std::array<char, 16> digits{};
  const auto end = std::to_chars(digits.data(), digits.data() + digits.size(), number).ptr;
  text.append(digits.data(), end);
}

// Whether libical reads the parameters and value of the unfolded content line `line`, whose
// name of length `n` is followed by ';', the same when the tag parameter comes first. Its parser
// (3.0.16, icalparser_add_line) reads the same parameters and value after the tag unless
// - no ':' ends the parameters (it looks for one the way parser_get_next_char does: not quoted,
//   not after a backslash): the value is then all that follows the name, tag included;
// - a TZID parameter ends at a ':' and another ':' follows (Google's "TZID=GMT+05:30"): it then
//   takes the TZID from a fixed offset into the line, which the tag shifts.
bool tag_is_neutral(std::string_view line, std::size_t n) {
  bool quoted = false;
  bool ends_parameters = false;
  int colons = 0;
  for (std::size_t i = n + 1; i < line.size(); ++i) {
    if (line[i] == ':') ++colons;
    if (line[i - 1] == '\\') continue;
    if (line[i] == '"') {
      quoted = !quoted;
    } else if (line[i] == ':' && !quoted) {
      ends_parameters = true;
    }
  }
  return ends_parameters && !(colons >= 2 && contains_ignoring_case(line, "TZID="));
}

// Text properties nothing reads. Written without parameters and with a value that is not blank,
// libical 3.0.16 parses them without fail: TEXT takes any string, and only an empty value (after
// it trims blanks) is an X-LIC-ERROR. Every 1- and 2-byte value of each, and 800,000 random ones,
// were tried. So the text without tags leaves them out, for libical's sake: a twelfth of the lines
// of a typical export. Their continuation lines go with them.
// `rest` is the line after the name.
bool unread_text(std::string_view name, std::string_view rest) {
  static constexpr std::array<std::string_view, 4> kNames = {"SUMMARY", "DESCRIPTION", "LOCATION",
                                                             "COMMENT"};
  return rest.starts_with(':') &&
         rest.find_first_not_of(" \t\n\v\f\r", 1) != std::string_view::npos &&
         std::any_of(kNames.begin(), kNames.end(),
                     [&](std::string_view known) { return equals_ignoring_case(name, known); });
}

// Checks that BEGIN and END lines nest and that the file is a VCALENDAR, and writes the text
// libical parses: its content lines without empty lines, with bare line feeds. With `tags` every
// property gets its line number as a kLineTag parameter, every component a kLineTag property;
// without, the lines `unread_text` accepts are left out. Returns nullopt after reporting an error.
std::optional<Source> prepare(std::string_view ics, LineTags tags, const std::string& file,
                              Diagnostics& diagnostics) {
  if (ics.starts_with("\xEF\xBB\xBF")) ics.remove_prefix(3);
  if (ics.find('\0') != std::string_view::npos) {
    diagnostics.error(file, 0, "not an iCalendar file: it contains NUL bytes");
    return std::nullopt;
  }
  const bool tagged = tags == LineTags::present;
  Source out;
  out.tags = tags;
  out.text.reserve(tagged ? ics.size() + ics.size() / 2 : ics.size() + 1);
  std::vector<std::pair<std::string_view, int>> open;  // component name, line of its BEGIN
  bool any = false;                                    // a content line was seen
  // Without tags: the content line with parameters whose continuation lines may still follow,
  // unfolded into `unfolded` once one does.
  std::string_view pending;
  std::string unfolded;
  bool folded = false;
  bool after_begin = false;
  bool left_out = false;  // the content line is not in the text
  const auto settle = [&] {
    if (!pending.empty() && !tag_is_neutral(folded ? unfolded : pending, name_length(pending))) {
      out.same_as_tagged = false;
    }
    pending = {};
    folded = false;
  };
  int number = 0;
  std::size_t pos = 0;
  while (pos < ics.size()) {
    std::size_t end = ics.find('\n', pos);
    if (end == std::string_view::npos) end = ics.size();
    std::string_view line = ics.substr(pos, end - pos);
    pos = end + 1;
    ++number;
    if (line.ends_with('\r')) line.remove_suffix(1);
    if (line.empty()) continue;
    if (line.front() == ' ' || line.front() == '\t') {  // a folded continuation
      if (left_out) continue;
      out.text.append(line).push_back('\n');
      if (tagged) continue;
      // With tags, the line after a BEGIN is the component's kLineTag property: it would take
      // this continuation instead of the BEGIN line.
      if (after_begin) out.same_as_tagged = false;
      if (!pending.empty()) {
        if (!folded) unfolded.assign(pending);
        folded = true;
        // libical unfolds by dropping the line break (one '\r' too) and the leading blank.
        if (unfolded.ends_with('\r')) unfolded.pop_back();
        unfolded.append(line.substr(1));
      }
      continue;
    }
    settle();
    after_begin = false;
    left_out = false;
    const std::size_t n = name_length(line);
    const std::string_view name = line.substr(0, n);
    const char separator = n < line.size() ? line[n] : '\0';
    const bool begin = separator == ':' && equals_ignoring_case(name, "BEGIN");
    const bool end_line = separator == ':' && equals_ignoring_case(name, "END");
    // Only a BEGIN or END line's value is looked at: the component it names.
    const std::string_view value = begin || end_line ? line.substr(n + 1) : std::string_view();
    if (!any && !(begin && equals_ignoring_case(value, "VCALENDAR"))) {
      diagnostics.error(file, number,
                        "not an iCalendar file: it must begin with BEGIN:VCALENDAR, not '" +
                            std::string(line.substr(0, 40)) + "'");
      return std::nullopt;
    }
    any = true;
    if (begin) {
      open.emplace_back(value, number);
      out.text.append(line).push_back('\n');
      if (tagged) {
        out.lines.push_back({number, number, name});
        out.text.append(kLineTag).push_back(':');
        append_number(out.text, number);
        out.text.push_back('\n');
      }
      after_begin = true;
      continue;
    }
    if (end_line) {
      if (open.empty() || !equals_ignoring_case(open.back().first, value)) {
        diagnostics.error(
            file, number,
            "END:" + upper(value) +
                (open.empty() ? " closes no component"
                              : " does not close BEGIN:" + upper(open.back().first) + " at line " +
                                    std::to_string(open.back().second)));
        return std::nullopt;
      }
      if (tagged) out.lines.push_back({number, open.back().second, name});
      open.pop_back();
      out.text.append(line).push_back('\n');
      continue;
    }
    const bool carries_tag = n > 0 && (separator == ';' || separator == ':');
    if (!tagged) {
      left_out = unread_text(name, line.substr(n));
      if (left_out) continue;
      out.text.append(line).push_back('\n');
      // libical takes any line named BEGIN or END for one, whatever follows the name.
      if (carries_tag &&
          (equals_ignoring_case(name, "BEGIN") || equals_ignoring_case(name, "END"))) {
        out.same_as_tagged = false;
      } else if (separator == ';') {
        pending = line;
      }
      continue;
    }
    out.lines.push_back({number, open.empty() ? 0 : open.back().second, name});
    if (carries_tag) {
      out.text.append(name).push_back(';');
      out.text.append(kLineTag).push_back('=');
      append_number(out.text, number);
      out.text.append(line.substr(n)).push_back('\n');
    } else {
      out.text.append(line).push_back('\n');
    }
  }
  settle();
  if (!any) {
    diagnostics.error(file, 0, "not an iCalendar file: it is empty");
    return std::nullopt;
  }
  if (!open.empty()) {
    const std::string component = upper(open.back().first);
    diagnostics.error(file, number,
                      "the file ends inside " + component + " begun at line " +
                          std::to_string(open.back().second) +
                          ": it is truncated or lacks END:" + component);
    return std::nullopt;
  }
  return out;
}

int parse_line_number(const char* text) {
  int value = 0;
  if (text == nullptr) return 0;
  const std::string_view s{text};
  const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), value);
  return ec == std::errc{} && end == s.data() + s.size() ? value : 0;
}

// Reads the parameter itself: icalproperty_get_parameter_as_string_r serialises every parameter
// it passes and copies the result, which made this a tenth of the reading.
int property_line(icalproperty* property) {
  for (icalparameter* p = icalproperty_get_first_parameter(property, ICAL_X_PARAMETER); p;
       p = icalproperty_get_next_parameter(property, ICAL_X_PARAMETER)) {
    const char* name = icalparameter_get_xname(p);
    if (name != nullptr && name == kLineTag) return parse_line_number(icalparameter_get_xvalue(p));
  }
  return 0;
}

int component_line(icalcomponent* component) {
  for (icalproperty* p = icalcomponent_get_first_property(component, ICAL_X_PROPERTY); p;
       p = icalcomponent_get_next_property(component, ICAL_X_PROPERTY)) {
    const char* name = icalproperty_get_x_name(p);
    if (name != nullptr && name == kLineTag) return parse_line_number(icalproperty_get_x(p));
  }
  return 0;
}

// ---------------------------------------------------------------------------------------------
// Wall clocks: how the local fields of a value map to the time line.

LocalSeconds local_of(const icaltimetype& t) {
  return date::local_days{date::year{t.year} / t.month / t.day} + std::chrono::hours{t.hour} +
         std::chrono::minutes{t.minute} + Seconds{t.second};
}

icaltimetype ical_of(LocalSeconds local, bool is_date) {
  const auto day = date::floor<date::days>(local);
  const date::year_month_day ymd{day};
  const date::hh_mm_ss<Seconds> clock{local - day};
  icaltimetype t = icaltime_null_time();
  t.year = static_cast<int>(ymd.year());
  t.month = static_cast<int>(static_cast<unsigned>(ymd.month()));
  t.day = static_cast<int>(static_cast<unsigned>(ymd.day()));
  t.is_date = is_date ? 1 : 0;
  if (!is_date) {
    t.hour = static_cast<int>(clock.hours().count());
    t.minute = static_cast<int>(clock.minutes().count());
    t.second = static_cast<int>(clock.seconds().count());
  }
  return t;
}

// A zone of the tz database, or a VTIMEZONE defined in the file (which libical evaluates).
class WallClock {
 public:
  explicit WallClock(Zone zone) : zone_(zone) {}
  explicit WallClock(icaltimezone* custom) : custom_(custom) {}

  SysSeconds to_sys(LocalSeconds local) const {
    if (custom_ != nullptr) {
      return SysSeconds{Seconds{icaltime_as_timet_with_zone(ical_of(local, false), custom_)}};
    }
    const auto minute = date::floor<Minutes>(local);
    return SysSeconds{zone_->to_instant(minute).time_since_epoch()} + (local - minute);
  }

  LocalSeconds to_local(SysSeconds t) const {
    if (custom_ != nullptr) {
      return local_of(icaltime_from_timet_with_zone(t.time_since_epoch().count(), 0, custom_));
    }
    return LocalSeconds{t.time_since_epoch() + zone_->offset(date::floor<Minutes>(t))};
  }

 private:
  std::optional<Zone> zone_;
  icaltimezone* custom_ = nullptr;
};

// One DATE or DATE-TIME value as written: its local fields and, unless it is a date or floating,
// the clock it is read on.
struct TimeValue {
  LocalSeconds local;
  bool is_date = false;
  std::optional<WallClock> clock;

  // Floating values are read on `floating`; dates start at midnight on it.
  SysSeconds to_sys(const WallClock& floating) const {
    return (clock && !is_date ? *clock : floating).to_sys(local);
  }
  date::local_days day() const { return date::floor<date::days>(local); }
};

// How long an instance lasts: `days` nominal local days (so an all-day event is a whole day even
// on a DST change), then `exact` elapsed seconds.
struct Length {
  int days = 0;
  Seconds exact{0};
};

SysSeconds end_of(LocalSeconds local, SysSeconds start, const Length& length,
                  const WallClock& clock) {
  if (length.days == 0) return start + length.exact;
  return clock.to_sys(local + date::days{length.days}) + length.exact;
}

// ---------------------------------------------------------------------------------------------
// Recurrence rules, bounded.

bool has(const short* by) {
  return by[0] != ICAL_RECURRENCE_ARRAY_MAX;
}

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

// An upper bound of the instances one period of `rule` (a day, week, month or year) can hold
// before BYSETPOS picks among them; 0 when there is no simple bound (finer frequencies).
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

// Whether day `d` satisfies the day-level BY parts of `rule` (BYMONTH, BYMONTHDAY, BYYEARDAY,
// BYDAY without its ordinal, and BYWEEKNO when weeks start on Monday, as ISO weeks do).
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

// Whether `rule` can ever produce an instance: some day of the 400-year Gregorian cycle satisfies
// every day-level BY part (for other WKST values than Monday BYWEEKNO is not checked, which is
// safe: this only has to reject rules that cannot match), and some BYSETPOS fits in a period.
// libical's iterator searches up to the year 2582 (20000 for its first instance), step by step,
// before it gives up on a rule that can never match (BYMONTH=4;BYMONTHDAY=31, BYDAY=MO;BYSETPOS=6):
// we do not let it start.
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

// For WEEKLY, DAILY and HOURLY rules, BYMONTHDAY, BYYEARDAY and BYWEEKNO only filter instances
// (RFC 5545 §3.3.10, "limit"). libical compares their values as written, so BYMONTHDAY=-1 never
// matches, and it steps through every hour or day until the year 2582 looking for a rare match.
// They are taken out of the rule given to libical and applied by `day_matches` instead; the
// returned rule holds them (nothing to filter: no BY part set).
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

// The instances of a DAILY rule, or of a WEEKLY one with INTERVAL=1, whose only BY part is BYDAY
// without ordinals: the rules calendar applications write for meetings. libical steps through
// them on ICU calendars, which made most of the time of reading such exports; this gives the same
// instances in the same order (duplicates of a day listed twice included, as COUNT counts them),
// and like libical stops after the year 2582. A WEEKLY rule with a longer INTERVAL is left to
// libical: it does not group its weeks by WKST.
class SimpleRuleSteps {
 public:
  static bool handles(const icalrecurrencetype& rule) {
    if (rule.freq != ICAL_DAILY_RECURRENCE &&
        !(rule.freq == ICAL_WEEKLY_RECURRENCE && rule.interval == 1)) {
      return false;
    }
    if (has(rule.by_second) || has(rule.by_minute) || has(rule.by_hour) || has(rule.by_month_day) ||
        has(rule.by_year_day) || has(rule.by_week_no) || has(rule.by_month) ||
        has(rule.by_set_pos) || rule.rscale != nullptr) {
      return false;
    }
    for (int i = 0; rule.by_day[i] != ICAL_RECURRENCE_ARRAY_MAX; ++i) {
      if (icalrecurrencetype_day_position(rule.by_day[i]) != 0) return false;
    }
    return true;
  }

  // `until` as libical compares it: on the wall clock of `start`.
  SimpleRuleSteps(const icalrecurrencetype& rule, LocalSeconds start,
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

// ---------------------------------------------------------------------------------------------
// The reader.

struct Record {
  icalcomponent* component = nullptr;
  std::string uid;
  int sequence = 0;
  std::optional<TimeValue> recurrence_id;
  bool this_and_future = false;
  bool busy = true;
};

struct Instance {
  SysSeconds start;
  SysSeconds end;
};

// Reads the tree libical made of `source`. Without line tags it reports nothing: it only notes
// that there is something to report (lines_needed), and the caller reads the tagged text again.
// Nothing else it decides depends on line numbers, so that both reads find the same busy time.
class CalendarReader {
 public:
  CalendarReader(const Zone& owner, Interval window, const std::string& file, const Source& source,
                 Diagnostics& diagnostics)
      : owner_(owner),
        window_{SysSeconds{window.start.time_since_epoch()},
                SysSeconds{window.end.time_since_epoch()}},
        file_(file),
        source_(source),
        diagnostics_(diagnostics) {}

  bool lines_needed() const { return lines_needed_; }

  BusyCalendar read(icalcomponent* root) {
    std::vector<icalcomponent*> calendars;
    if (icalcomponent_isa(root) == ICAL_XROOT_COMPONENT) {
      for (icalcomponent* c = icalcomponent_get_first_component(root, ICAL_VCALENDAR_COMPONENT); c;
           c = icalcomponent_get_next_component(root, ICAL_VCALENDAR_COMPONENT)) {
        calendars.push_back(c);
      }
    } else {
      calendars.push_back(root);
    }
    std::vector<Instance> busy;
    std::vector<icalcomponent*> availabilities;
    for (icalcomponent* calendar : calendars) {
      calendar_ = calendar;
      clocks_.clear();
      report_parse_errors(calendar, ICAL_VCALENDAR_COMPONENT);
      if (lines_needed_) return {};
      std::vector<Record> events;
      for (icalcomponent* c = icalcomponent_get_first_component(calendar, ICAL_ANY_COMPONENT); c;
           c = icalcomponent_get_next_component(calendar, ICAL_ANY_COMPONENT)) {
        switch (icalcomponent_isa(c)) {
          case ICAL_VEVENT_COMPONENT:
            events.push_back(record_of(c, event_is_busy(c)));
            break;
          case ICAL_VFREEBUSY_COMPONENT:
            read_free_busy(c, busy);
            break;
          case ICAL_VAVAILABILITY_COMPONENT:
            availabilities.push_back(c);
            break;
          default:
            break;
        }
      }
      expand_records(events, busy);
    }
    BusyCalendar result;
    result.busy = to_intervals(busy);
    if (!availabilities.empty()) result.availability = read_availability(availabilities);
    return result;
  }

 private:
  // --- diagnostics -------------------------------------------------------------------------

  bool tagged() const { return source_.tags == LineTags::present; }

  // Some properties are read twice (a THISANDFUTURE override's DTSTART: once for the instances
  // it moves, once for its own); each problem is reported once.
  void warn(int line, std::string message) { report(Severity::warning, line, std::move(message)); }
  void fail(int line, std::string message) { report(Severity::error, line, std::move(message)); }
  void report(Severity severity, int line, std::string message) {
    if (!tagged()) {
      lines_needed_ = true;
    } else if (reported_.emplace(line, message).second) {
      if (severity == Severity::error) {
        diagnostics_.error(file_, line, std::move(message));
      } else {
        diagnostics_.warning(file_, line, std::move(message));
      }
    }
  }

  // Without tags every line is 0, and is not looked for.
  int line_of(icalproperty* property) const { return tagged() ? property_line(property) : 0; }
  int line_of(icalcomponent* component) const { return tagged() ? component_line(component) : 0; }

  // The content line after `after` that belongs to the component begun at `component`.
  const ContentLine* next_line(int component, int after) const {
    const auto& lines = source_.lines;
    auto it = std::upper_bound(lines.begin(), lines.end(), after,
                               [](int line, const ContentLine& c) { return line < c.line; });
    for (; it != lines.end(); ++it) {
      if (it->component_line == component) return &*it;
    }
    return nullptr;
  }

  // libical replaces each line it cannot read with an X-LIC-ERROR property in its place. Errors
  // in what decides busy time are errors; the rest (an alarm's TRIGGER, a malformed ATTENDEE)
  // cannot change busy time and are warnings.
  // Without tags, any X-LIC-ERROR means the lines are needed: even whether to say nothing about
  // it depends on the name of its line.
  void report_parse_errors(icalcomponent* component, icalcomponent_kind kind) {
    static constexpr std::array<std::string_view, 19> kTimeProperties = {
        "DTSTART",
        "DTEND",
        "DURATION",
        "RRULE",
        "RDATE",
        "EXDATE",
        "RECURRENCE-ID",
        "TRANSP",
        "STATUS",
        "FREEBUSY",
        "UID",
        "SEQUENCE",
        "PRIORITY",
        "TZOFFSETFROM",
        "TZOFFSETTO",
        "TZID",
        "X-MICROSOFT-CDO-BUSYSTATUS",
        "BEGIN",
        "END"};
    const auto named = [](const ContentLine* at, auto names) {
      return std::any_of(names.begin(), names.end(), [&](std::string_view name) {
        return equals_ignoring_case(at->name, name);
      });
    };
    const bool decides_busy_time =
        kind == ICAL_VCALENDAR_COMPONENT || kind == ICAL_VEVENT_COMPONENT ||
        kind == ICAL_VFREEBUSY_COMPONENT || kind == ICAL_VAVAILABILITY_COMPONENT ||
        kind == ICAL_XAVAILABLE_COMPONENT || kind == ICAL_VTIMEZONE_COMPONENT ||
        kind == ICAL_XSTANDARD_COMPONENT || kind == ICAL_XDAYLIGHT_COMPONENT;
    const int begin = line_of(component);
    int cursor = begin;
    for (icalproperty* p = icalcomponent_get_first_property(component, ICAL_ANY_PROPERTY); p;
         p = icalcomponent_get_next_property(component, ICAL_ANY_PROPERTY)) {
      if (icalproperty_isa(p) != ICAL_XLICERROR_PROPERTY) {
        if (const int line = line_of(p); line > 0) cursor = line;
        continue;
      }
      if (!tagged()) {
        lines_needed_ = true;
        return;
      }
      const ContentLine* at = begin > 0 ? next_line(begin, cursor) : nullptr;
      const int line = at != nullptr ? at->line : begin;
      if (at != nullptr) cursor = at->line;
      const char* error = icalproperty_get_xlicerror(p);
      const std::string text = error != nullptr ? error : "";
      std::string message = "cannot read this line: " + text;
      const bool empty = text.starts_with("No value for");
      const bool decides = decides_busy_time && (at == nullptr || named(at, kTimeProperties));
      // Google writes empty LOCATION and DESCRIPTION lines; they say nothing.
      if (empty && !decides) continue;
      // An empty RRULE, RDATE or EXDATE (some holiday feeds write "RRULE:") adds nothing either.
      const bool empty_recurrence =
          empty && at != nullptr &&
          named(at, std::array<std::string_view, 3>{"RRULE", "RDATE", "EXDATE"});
      if (decides && !empty_recurrence) {
        fail(line, std::move(message));
      } else {
        warn(line, message + " (ignored: it does not change busy time)");
      }
    }
    for (icalcomponent* c = icalcomponent_get_first_component(component, ICAL_ANY_COMPONENT); c;
         c = icalcomponent_get_next_component(component, ICAL_ANY_COMPONENT)) {
      report_parse_errors(c, icalcomponent_isa(c));
    }
  }

  // --- values ------------------------------------------------------------------------------

  WallClock clock_of_tzid(const std::string& tzid, int line) {
    if (auto it = clocks_.find(tzid); it != clocks_.end()) return it->second;
    std::optional<WallClock> clock;
    if (auto zone = find_tzid_zone(tzid)) {
      clock.emplace(*zone);
    } else if (icaltimezone* custom = icalcomponent_get_timezone(calendar_, tzid.c_str());
               custom != nullptr && zone_rules_are_bounded(custom)) {
      clock.emplace(custom);
    } else if (custom != nullptr) {
      warn(line, "the VTIMEZONE of TZID '" + tzid +
                     "' has a rule that is not a yearly change (RRULE FREQ=YEARLY with a few "
                     "dates a year); its times are read in " +
                     std::string(owner_.name()) + ", the owner's zone");
      clock.emplace(owner_);
    } else {
      // Guessing a zone could put a session on top of a real meeting: the file is wrong.
      const auto near = nearest_zone_name(tzid);
      fail(line, "TZID '" + tzid +
                     "' is neither an IANA nor a Windows zone name and the file has no VTIMEZONE "
                     "for it" +
                     (near ? "; did you mean " + *near + "?" : std::string()));
      clock.emplace(owner_);
    }
    return clocks_.emplace(tzid, *clock).first->second;
  }

  // libical expands a VTIMEZONE's rules into every change from its DTSTART on: a rule of a few
  // changes a year is what a zone is, and anything else (FREQ=MINUTELY) expands without end.
  static bool zone_rules_are_bounded(icaltimezone* zone) {
    icalcomponent* definition = icaltimezone_get_component(zone);
    for (icalcomponent* c = icalcomponent_get_first_component(definition, ICAL_ANY_COMPONENT); c;
         c = icalcomponent_get_next_component(definition, ICAL_ANY_COMPONENT)) {
      for (icalproperty* p = icalcomponent_get_first_property(c, ICAL_RRULE_PROPERTY); p;
           p = icalcomponent_get_next_property(c, ICAL_RRULE_PROPERTY)) {
        const icalrecurrencetype rule = icalproperty_get_rrule(p);
        if (rule.freq != ICAL_YEARLY_RECURRENCE || period_size_bound(rule) > kMaxChangesPerYear ||
            !rule_can_match(rule)) {
          return false;
        }
      }
    }
    return true;
  }

  std::optional<TimeValue> value_of(const icaltimetype& t, icalproperty* property) {
    if (icaltime_is_null_time(t) || t.year < 1 || t.year > 9999) return std::nullopt;
    const date::year_month_day ymd{date::year{t.year}, date::month(static_cast<unsigned>(t.month)),
                                   date::day(static_cast<unsigned>(t.day))};
    if (!ymd.ok() || t.hour < 0 || t.hour > 23 || t.minute < 0 || t.minute > 59 || t.second < 0 ||
        t.second > 60) {
      return std::nullopt;
    }
    TimeValue value{local_of(t), t.is_date != 0, std::nullopt};
    if (value.is_date) return value;
    if (icaltime_is_utc(t)) {
      value.clock.emplace(Zone::utc());
    } else if (icalparameter* tzid =
                   icalproperty_get_first_parameter(property, ICAL_TZID_PARAMETER)) {
      const char* name = icalparameter_get_tzid(tzid);
      if (name != nullptr) value.clock = clock_of_tzid(name, line_of(property));
    }
    return value;
  }

  // The one property `kind` of `component`; reports a second one as an error.
  icalproperty* single(icalcomponent* component, icalproperty_kind kind, const char* name) {
    icalproperty* first = icalcomponent_get_first_property(component, kind);
    if (first == nullptr) return nullptr;
    if (icalproperty* second = icalcomponent_get_next_property(component, kind)) {
      fail(line_of(second), std::string("a second ") + name + " in " +
                                icalcomponent_kind_to_string(icalcomponent_isa(component)) +
                                " begun at line " + std::to_string(line_of(component)));
    }
    return first;
  }

  std::optional<TimeValue> time_property(icalcomponent* component, icalproperty_kind kind,
                                         const char* name) {
    icalproperty* p = single(component, kind, name);
    if (p == nullptr) return std::nullopt;
    auto value = value_of(icalvalue_get_datetime(icalproperty_get_value(p)), p);
    if (!value) fail(line_of(p), std::string(name) + " is not a valid date or date-time");
    return value;
  }

  static std::optional<std::string> x_property(icalcomponent* component, std::string_view name) {
    for (icalproperty* p = icalcomponent_get_first_property(component, ICAL_X_PROPERTY); p;
         p = icalcomponent_get_next_property(component, ICAL_X_PROPERTY)) {
      const char* x = icalproperty_get_x_name(p);
      const char* value = icalproperty_get_x(p);
      if (x != nullptr && value != nullptr && equals_ignoring_case(x, name)) return value;
    }
    return std::nullopt;
  }

  // --- what is busy ------------------------------------------------------------------------

  bool event_is_busy(icalcomponent* event) {
    icalproperty* status = icalcomponent_get_first_property(event, ICAL_STATUS_PROPERTY);
    if (status != nullptr && icalproperty_get_status(status) == ICAL_STATUS_CANCELLED) return false;
    if (auto cdo = x_property(event, "X-MICROSOFT-CDO-BUSYSTATUS")) {
      const std::string state = upper(*cdo);
      if (state == "FREE" || state == "WORKINGELSEWHERE") return false;
      if (state == "BUSY" || state == "TENTATIVE" || state == "OOF") return true;
      warn(line_of(event), "X-MICROSOFT-CDO-BUSYSTATUS '" + *cdo +
                               "' is not FREE, WORKINGELSEWHERE, BUSY, TENTATIVE or OOF; "
                               "TRANSP decides instead");
    }
    icalproperty* transp = icalcomponent_get_first_property(event, ICAL_TRANSP_PROPERTY);
    return transp == nullptr || icalproperty_get_transp(transp) != ICAL_TRANSP_TRANSPARENT;
  }

  Record record_of(icalcomponent* component, bool busy) {
    Record r;
    r.component = component;
    r.busy = busy;
    if (icalproperty* uid = icalcomponent_get_first_property(component, ICAL_UID_PROPERTY)) {
      if (const char* text = icalproperty_get_uid(uid)) r.uid = text;
    }
    if (icalproperty* seq = icalcomponent_get_first_property(component, ICAL_SEQUENCE_PROPERTY)) {
      r.sequence = icalproperty_get_sequence(seq);
    }
    if (icalproperty* rid = single(component, ICAL_RECURRENCEID_PROPERTY, "RECURRENCE-ID")) {
      r.recurrence_id = value_of(icalproperty_get_recurrenceid(rid), rid);
      if (!r.recurrence_id) fail(line_of(rid), "RECURRENCE-ID is not a valid date-time");
      icalparameter* range = icalproperty_get_first_parameter(rid, ICAL_RANGE_PARAMETER);
      r.this_and_future =
          range != nullptr && icalparameter_get_range(range) == ICAL_RANGE_THISANDFUTURE;
    }
    return r;
  }

  // --- lengths and instances ---------------------------------------------------------------

  // The length of every instance of `component` starting at `start` (instant `start_sys`).
  Length length_of(icalcomponent* component, const TimeValue& start, SysSeconds start_sys) {
    Length length;
    icalproperty* dtend = single(component, ICAL_DTEND_PROPERTY, "DTEND");
    icalproperty* duration = single(component, ICAL_DURATION_PROPERTY, "DURATION");
    if (dtend != nullptr && duration != nullptr) {
      warn(line_of(duration), "both DTEND and DURATION; DTEND is used");
    }
    const int line = line_of(dtend != nullptr ? dtend : duration);
    if (dtend != nullptr) {
      const auto end = value_of(icalvalue_get_datetime(icalproperty_get_value(dtend)), dtend);
      if (!end) {
        fail(line, "DTEND is not a valid date or date-time");
      } else if (start.is_date && end->is_date) {
        length.days = static_cast<int>(
            std::clamp<long long>((end->day() - start.day()).count(), -1, kMaxLengthDays));
      } else {
        length.exact = std::min<Seconds>(end->to_sys(floating_clock(start)) - start_sys,
                                         date::days{kMaxLengthDays});
      }
    } else if (duration != nullptr) {
      const icaldurationtype d = icalproperty_get_duration(duration);
      const long long days = 7LL * d.weeks + d.days;
      length.days = static_cast<int>(std::min<long long>(days, kMaxLengthDays));
      length.exact = std::min<Seconds>(
          std::chrono::hours{d.hours} + std::chrono::minutes{d.minutes} + Seconds{d.seconds},
          date::days{kMaxLengthDays});
      if (d.is_neg && (days > 0 || length.exact > Seconds{0})) length.days = -1;
    } else if (start.is_date) {
      length.days = 1;
    }
    if (length.days < 0 || length.exact < Seconds{0}) {
      warn(line, std::string(dtend != nullptr ? "DTEND" : "DURATION") +
                     " puts the end before DTSTART; the event is read as taking no time");
      return Length{};
    }
    return length;
  }

  // The clock floating times of an event are read on: its DTSTART's clock when it has one (an
  // EXDATE written without the TZID of its DTSTART means the same wall clock), else the owner's.
  WallClock floating_clock(const TimeValue& start) const {
    return start.clock && !start.is_date ? *start.clock : WallClock(owner_);
  }

  struct Candidate {
    LocalSeconds local;             // start on the event's clock
    std::optional<SysSeconds> end;  // from an RDATE period
  };

  void add_rule_instances(icalproperty* property, const TimeValue& start, const WallClock& clock,
                          LocalSeconds lo, LocalSeconds hi, std::map<SysSeconds, Candidate>& out) {
    icalrecurrencetype rule = icalproperty_get_rrule(property);
    const int line = line_of(property);
    if (rule.freq == ICAL_NO_RECURRENCE) return;
    if (rule.freq == ICAL_SECONDLY_RECURRENCE || rule.freq == ICAL_MINUTELY_RECURRENCE) {
      warn(line,
           "RRULE repeats more often than hourly, which no calendar application offers; "
           "only DTSTART and RDATE count");
      return;
    }
    if (rule.interval < 1) rule.interval = 1;
    if (!rule_can_match(rule) || !hours_can_match(rule, start)) {
      warn(line, "RRULE matches no date; only DTSTART and RDATE count");
      return;
    }
    const icalrecurrencetype filter = lift_day_filters(rule);
    const bool filtering =
        has(filter.by_month_day) || has(filter.by_year_day) || has(filter.by_week_no);
    // COUNT counts the instances that pass the filter, so it is counted here.
    const int count = rule.count;
    if (filtering) rule.count = 0;
    if (!icaltime_is_null_time(rule.until)) {
      // libical compares UNTIL with the wall-clock instances field by field: give it UNTIL on
      // the same wall clock, and as a date-time through the end of its day for a date.
      const auto until = value_of(rule.until, property);
      if (!until) return;
      if (start.is_date) {
        rule.until = ical_of(until->local, true);
      } else if (until->is_date) {
        rule.until = ical_of(until->local + date::days{1} - Seconds{1}, false);
      } else {
        rule.until = ical_of(clock.to_local(until->to_sys(clock)), false);
      }
    }
    // Instants of the rule's wall clock, in order, from libical's iterator or SimpleRuleSteps.
    const bool skip = count == 0 && lo > start.local;
    std::optional<SimpleRuleSteps> simple;
    std::unique_ptr<icalrecur_iterator, IteratorFree> it;
    if (SimpleRuleSteps::handles(rule)) {
      simple.emplace(
          rule, start.local,
          icaltime_is_null_time(rule.until) ? std::nullopt : std::optional(local_of(rule.until)));
      if (skip) simple->skip_to(local_of(ical_of(lo, start.is_date)));
    } else {
      it.reset(icalrecur_iterator_new(rule, ical_of(start.local, start.is_date)));
      if (!it) return;
      if (skip) icalrecur_iterator_set_start(it.get(), ical_of(lo, start.is_date));
    }
    const auto next = [&]() -> std::optional<LocalSeconds> {
      if (simple) return simple->next();
      const icaltimetype t = icalrecur_iterator_next(it.get());
      if (icaltime_is_null_time(t)) return std::nullopt;
      return local_of(t);
    };
    int produced = 0;
    for (int n = 0;; ++n) {
      const auto instance = next();
      if (!instance) return;
      const LocalSeconds local = *instance;
      if (local > hi) return;
      if (n == kMaxInstancesPerRule) {
        warn(line, "RRULE stopped after " + std::to_string(kMaxInstancesPerRule) + " steps");
        return;
      }
      if (filtering &&
          !day_matches(filter, date::sys_days{date::floor<date::days>(local).time_since_epoch()})) {
        continue;
      }
      if (count > 0 && ++produced > count) return;
      if (local >= lo) out.emplace(instance_start(local, start, clock), Candidate{local, {}});
    }
  }

  // HOURLY rules step through the hours h0 + k * INTERVAL of the day; when BYHOUR lists none of
  // them, libical would search until the year 2582.
  static bool hours_can_match(const icalrecurrencetype& rule, const TimeValue& start) {
    if (rule.freq != ICAL_HOURLY_RECURRENCE || !has(rule.by_hour)) return true;
    const int step = std::gcd(rule.interval, 24);
    const int h0 =
        static_cast<int>(date::hh_mm_ss<Seconds>{start.local - date::floor<date::days>(start.local)}
                             .hours()
                             .count());
    for (int i = 0; rule.by_hour[i] != ICAL_RECURRENCE_ARRAY_MAX; ++i) {
      if (((rule.by_hour[i] - h0) % step + step) % step == 0) return true;
    }
    return false;
  }

  SysSeconds instance_start(LocalSeconds local, const TimeValue& start,
                            const WallClock& clock) const {
    return start.is_date ? WallClock(owner_).to_sys(local) : clock.to_sys(local);
  }

  // Expands one recurring component (a VEVENT or an AVAILABLE with RRULE/RDATE/EXDATE) together
  // with the overrides that share its UID.
  void expand_master(const Record& master, const std::vector<const Record*>& overrides,
                     std::vector<Instance>& out) {
    icalcomponent* c = master.component;
    const auto start = time_property(c, ICAL_DTSTART_PROPERTY, "DTSTART");
    if (!start) {
      if (!icalcomponent_get_first_property(c, ICAL_DTSTART_PROPERTY)) {
        warn(line_of(c), std::string(icalcomponent_kind_to_string(icalcomponent_isa(c))) +
                             " without DTSTART is ignored");
      }
      for (const Record* o : overrides) add_override(*o, out);
      return;
    }
    const WallClock clock = start->is_date ? WallClock(owner_) : floating_clock(*start);
    const SysSeconds start_sys = instance_start(start->local, *start, clock);
    const Length length = length_of(c, *start, start_sys);

    // Exact overrides replace the instance they name; THISANDFUTURE ones change every instance
    // from theirs on: moved by as much as they move theirs, with their length and busy state.
    struct Future {
      SysSeconds from;
      Seconds shift;
      Length length;
      bool busy;
    };
    std::set<SysSeconds> replaced;
    std::set<date::local_days> replaced_days;
    std::vector<Future> futures;
    Seconds reach{0};
    for (const Record* o : overrides) {
      const TimeValue& rid = *o->recurrence_id;
      if (rid.is_date) {
        replaced_days.insert(rid.day());
      } else {
        replaced.insert(rid.to_sys(clock));
      }
      if (!o->this_and_future) continue;
      const auto moved = time_property(o->component, ICAL_DTSTART_PROPERTY, "DTSTART");
      const SysSeconds from = rid.is_date ? WallClock(owner_).to_sys(rid.local) : rid.to_sys(clock);
      const SysSeconds to =
          moved ? instance_start(moved->local, *moved, floating_clock(*moved)) : from;
      futures.push_back(
          {from, to - from, moved ? length_of(o->component, *moved, to) : length, o->busy});
      reach = std::max(reach, date::abs(to - from));
    }
    std::sort(futures.begin(), futures.end(),
              [](const Future& a, const Future& b) { return a.from < b.from; });

    const Seconds longest = date::days{length.days + 1} + length.exact + reach;
    const LocalSeconds lo{(window_.start - longest - date::days{2}).time_since_epoch()};
    const LocalSeconds hi{(window_.end + reach + date::days{2}).time_since_epoch()};

    std::map<SysSeconds, Candidate> candidates;
    candidates.emplace(start_sys, Candidate{start->local, {}});
    for (icalproperty* p = icalcomponent_get_first_property(c, ICAL_RRULE_PROPERTY); p;
         p = icalcomponent_get_next_property(c, ICAL_RRULE_PROPERTY)) {
      add_rule_instances(p, *start, clock, lo, hi, candidates);
    }
    for (icalproperty* p = icalcomponent_get_first_property(c, ICAL_RDATE_PROPERTY); p;
         p = icalcomponent_get_next_property(c, ICAL_RDATE_PROPERTY)) {
      add_rdate(p, *start, clock, candidates);
    }
    std::set<SysSeconds> excluded;
    std::set<date::local_days> excluded_days;
    for (icalproperty* p = icalcomponent_get_first_property(c, ICAL_EXDATE_PROPERTY); p;
         p = icalcomponent_get_next_property(c, ICAL_EXDATE_PROPERTY)) {
      const auto ex = value_of(icalproperty_get_exdate(p), p);
      if (!ex) {
        fail(line_of(p), "EXDATE is not a valid date or date-time");
      } else if (ex->is_date) {
        excluded_days.insert(ex->day());
      } else {
        excluded.insert(ex->to_sys(clock));
      }
    }

    for (const auto& [instance, candidate] : candidates) {
      const auto day = date::floor<date::days>(candidate.local);
      if (excluded.contains(instance) || excluded_days.contains(day)) continue;
      if (replaced.contains(instance) || replaced_days.contains(day)) continue;
      auto future = std::upper_bound(futures.begin(), futures.end(), instance,
                                     [](SysSeconds t, const Future& f) { return t < f.from; });
      if (future == futures.begin()) {
        if (!master.busy) continue;
        out.push_back(
            {instance, candidate.end.value_or(end_of(candidate.local, instance, length, clock))});
        continue;
      }
      --future;
      if (!future->busy) continue;
      const SysSeconds moved = instance + future->shift;
      out.push_back({moved, end_of(candidate.local + future->shift, moved, future->length, clock)});
    }
    for (const Record* o : overrides) add_override(*o, out);
  }

  void add_rdate(icalproperty* p, const TimeValue& start, const WallClock& clock,
                 std::map<SysSeconds, Candidate>& out) {
    const icaldatetimeperiodtype rdate = icalproperty_get_rdate(p);
    const bool is_period = !icaltime_is_null_time(rdate.period.start);
    const auto value = value_of(is_period ? rdate.period.start : rdate.time, p);
    if (!value) {
      fail(line_of(p), "RDATE is not a valid date, date-time or period");
      return;
    }
    const SysSeconds at =
        value->is_date ? WallClock(owner_).to_sys(value->local) : value->to_sys(clock);
    Candidate candidate{value->is_date || start.is_date ? value->local : clock.to_local(at), {}};
    if (is_period) {
      if (const auto end = value_of(rdate.period.end, p)) {
        candidate.end = std::max(at, end->to_sys(clock));
      } else {
        const icaldurationtype d = rdate.period.duration;
        const Seconds length = date::days{7LL * d.weeks + d.days} + std::chrono::hours{d.hours} +
                               std::chrono::minutes{d.minutes} + Seconds{d.seconds};
        candidate.end = at + std::clamp<Seconds>(length, Seconds{0}, date::days{kMaxLengthDays});
      }
    }
    out.insert_or_assign(at, candidate);
  }

  void add_override(const Record& o, std::vector<Instance>& out) {
    if (!o.busy) return;
    icalcomponent* c = o.component;
    auto start = time_property(c, ICAL_DTSTART_PROPERTY, "DTSTART");
    if (!start) start = o.recurrence_id;  // an override that keeps its time may omit DTSTART
    if (!start) return;
    const WallClock clock = start->is_date ? WallClock(owner_) : floating_clock(*start);
    const SysSeconds at = instance_start(start->local, *start, clock);
    out.push_back({at, end_of(start->local, at, length_of(c, *start, at), clock)});
  }

  // Groups records by UID: one master (the version with the highest SEQUENCE; the later one on a
  // tie) and its overrides (likewise one per RECURRENCE-ID), then expands each group.
  void expand_records(std::vector<Record>& records, std::vector<Instance>& out) {
    struct Group {
      const Record* master = nullptr;
      std::vector<const Record*> overrides;
    };
    std::map<std::string, Group> groups;
    std::vector<std::string> order;
    for (const Record& r : records) {
      if (r.uid.empty()) {
        if (r.recurrence_id) {
          add_override(r, out);
        } else {
          expand_master(r, {}, out);
        }
        continue;
      }
      auto [it, inserted] = groups.try_emplace(r.uid);
      if (inserted) order.push_back(r.uid);
      Group& g = it->second;
      if (!r.recurrence_id) {
        if (g.master == nullptr || r.sequence >= g.master->sequence) g.master = &r;
        continue;
      }
      const auto same = std::find_if(g.overrides.begin(), g.overrides.end(), [&](const Record* o) {
        return o->recurrence_id->is_date == r.recurrence_id->is_date &&
               o->recurrence_id->local == r.recurrence_id->local;
      });
      if (same == g.overrides.end()) {
        g.overrides.push_back(&r);
      } else if (r.sequence >= (*same)->sequence) {
        *same = &r;
      }
    }
    for (const std::string& uid : order) {
      const Group& g = groups[uid];
      if (g.master != nullptr) {
        expand_master(*g.master, g.overrides, out);
      } else {
        for (const Record* o : g.overrides) add_override(*o, out);
      }
    }
  }

  // --- free/busy and availability ----------------------------------------------------------

  void read_free_busy(icalcomponent* c, std::vector<Instance>& out) {
    for (icalproperty* p = icalcomponent_get_first_property(c, ICAL_FREEBUSY_PROPERTY); p;
         p = icalcomponent_get_next_property(c, ICAL_FREEBUSY_PROPERTY)) {
      icalparameter* type = icalproperty_get_first_parameter(p, ICAL_FBTYPE_PARAMETER);
      if (type != nullptr && icalparameter_get_fbtype(type) == ICAL_FBTYPE_FREE) continue;
      const icalperiodtype period = icalproperty_get_freebusy(p);
      const auto start = value_of(period.start, p);
      if (!start) {
        fail(line_of(p), "FREEBUSY is not a valid period");
        continue;
      }
      const WallClock owner(owner_);
      const SysSeconds at = start->to_sys(owner);
      SysSeconds end = at;
      if (const auto until = value_of(period.end, p)) {
        end = until->to_sys(owner);
      } else {
        const icaldurationtype d = period.duration;
        end = at +
              std::clamp<Seconds>(date::days{7LL * d.weeks + d.days} + std::chrono::hours{d.hours} +
                                      std::chrono::minutes{d.minutes} + Seconds{d.seconds},
                                  Seconds{0}, date::days{kMaxLengthDays});
      }
      out.push_back({at, end});
    }
  }

  // RFC 7953: inside a VAVAILABILITY's range the person is available only when one of its
  // AVAILABLE subcomponents says so; where ranges overlap, the higher PRIORITY (1 highest, 0 or
  // none lowest) decides, and equal priorities add their AVAILABLE time together.
  Availability read_availability(const std::vector<icalcomponent*>& blocks) {
    // By rank (1 first, 10 for no priority): the ranges covered, and the available time in them.
    std::map<int, std::pair<std::vector<Instance>, std::vector<Instance>>> by_rank;
    for (icalcomponent* block : blocks) {
      int priority = 0;
      if (icalproperty* p = icalcomponent_get_first_property(block, ICAL_PRIORITY_PROPERTY)) {
        priority = icalproperty_get_priority(p);
      }
      const int rank = priority >= 1 && priority <= 9 ? priority : 10;
      Instance range{window_.start, window_.end};
      const auto start = time_property(block, ICAL_DTSTART_PROPERTY, "DTSTART");
      if (start) {
        range.start = instance_start(start->local, *start, floating_clock(*start));
        const Length length = length_of(block, *start, range.start);
        const bool open_end = !icalcomponent_get_first_property(block, ICAL_DTEND_PROPERTY) &&
                              !icalcomponent_get_first_property(block, ICAL_DURATION_PROPERTY);
        range.end = open_end ? std::max(window_.end, range.start)
                             : end_of(start->local, range.start, length,
                                      start->is_date ? WallClock(owner_) : floating_clock(*start));
      } else if (icalcomponent_get_first_property(block, ICAL_DTEND_PROPERTY)) {
        if (auto end = time_property(block, ICAL_DTEND_PROPERTY, "DTEND")) {
          range.end = end->to_sys(WallClock(owner_));
        }
      }
      std::vector<Record> available;
      for (icalcomponent* a = icalcomponent_get_first_component(block, ICAL_XAVAILABLE_COMPONENT);
           a; a = icalcomponent_get_next_component(block, ICAL_XAVAILABLE_COMPONENT)) {
        available.push_back(record_of(a, true));
      }
      auto& [covered, open] = by_rank[rank];
      covered.push_back(range);
      std::vector<Instance> instances;
      expand_records(available, instances);
      for (Instance i : instances) {
        i.start = std::max(i.start, range.start);
        i.end = std::min(i.end, range.end);
        if (i.start < i.end) open.push_back(i);
      }
    }
    Availability result;
    for (auto rank = by_rank.rbegin(); rank != by_rank.rend(); ++rank) {
      const auto covered = to_intervals(rank->second.first);
      result.available = normalized([&] {
        auto kept = subtract(result.available, covered);
        const auto open = to_intervals(rank->second.second);
        kept.insert(kept.end(), open.begin(), open.end());
        return kept;
      }());
      auto all = result.covered;
      all.insert(all.end(), covered.begin(), covered.end());
      result.covered = normalized(std::move(all));
    }
    return result;
  }

  // Instants to minutes (starts down, ends up), inside the window, sorted and merged.
  std::vector<Interval> to_intervals(const std::vector<Instance>& instances) const {
    std::vector<Interval> out;
    out.reserve(instances.size());
    for (const Instance& i : instances) {
      const SysSeconds start = std::max(i.start, window_.start);
      const SysSeconds end = std::min(i.end, window_.end);
      if (start < end) out.push_back({date::floor<Minutes>(start), date::ceil<Minutes>(end)});
    }
    return normalized(std::move(out));
  }

  const Zone owner_;
  const Instance window_;
  const std::string& file_;
  const Source& source_;
  Diagnostics& diagnostics_;
  bool lines_needed_ = false;
  icalcomponent* calendar_ = nullptr;
  std::map<std::string, WallClock> clocks_;  // by TZID, for the current VCALENDAR
  std::set<std::pair<int, std::string>> reported_;
};

struct Tree {
  Source source;
  ComponentPtr root;
};

// Parses `ics` into libical's tree, or reports why it cannot (nullopt). Without tags the tree is
// null when libical would not make the tagged text's tree of it, or finds no VCALENDAR: the
// tagged text then decides, and names the problem.
std::optional<Tree> parse(std::string_view ics, LineTags tags, const std::string& file,
                          Diagnostics& diagnostics) {
  prepare_libical();
  auto source = prepare(ics, tags, file, diagnostics);
  if (!source) return std::nullopt;
  Tree tree{std::move(*source), nullptr};
  if (!tree.source.same_as_tagged) return tree;
  tree.root.reset(icalparser_parse_string(tree.source.text.c_str()));
  const icalcomponent_kind kind =
      tree.root ? icalcomponent_isa(tree.root.get()) : ICAL_NO_COMPONENT;
  if (kind == ICAL_VCALENDAR_COMPONENT || kind == ICAL_XROOT_COMPONENT) return tree;
  if (tags == LineTags::absent) {
    tree.root.reset();
    return tree;
  }
  diagnostics.error(file, 0, "not an iCalendar file: libical finds no VCALENDAR in it");
  return std::nullopt;
}

}  // namespace

BusyCalendar read_busy_calendar(std::string_view ics, const Zone& owner, Interval window,
                                const std::string& file, Diagnostics& diagnostics) {
  if (std::size_t bad = 0; !is_valid_utf8(ics, &bad)) {
    const auto line = 1 + std::count(ics.begin(), ics.begin() + static_cast<long>(bad), '\n');
    diagnostics.error(file, static_cast<int>(line),
                      "invalid UTF-8 (a calendar export is UTF-8; export it again, or save it as "
                      "UTF-8)");
  }
  auto tree = parse(ics, LineTags::absent, file, diagnostics);
  if (!tree) return {};
  if (tree->root) {
    CalendarReader reader(owner, window, file, tree->source, diagnostics);
    BusyCalendar calendar = reader.read(tree->root.get());
    if (!reader.lines_needed()) return calendar;
  }
  tree = parse(ics, LineTags::present, file, diagnostics);
  if (!tree) return {};
  return CalendarReader(owner, window, file, tree->source, diagnostics).read(tree->root.get());
}

std::optional<Zone> declared_zone(std::string_view ics, const std::string& file,
                                  Diagnostics& diagnostics) {
  // The zone the first X-WR-TIMEZONE of `root` names; `unknown` is that property when it names
  // none.
  const auto declared = [](icalcomponent* root, icalproperty*& unknown) -> std::optional<Zone> {
    icalcomponent* calendar = root;
    if (icalcomponent_isa(calendar) == ICAL_XROOT_COMPONENT) {
      calendar = icalcomponent_get_first_component(calendar, ICAL_VCALENDAR_COMPONENT);
    }
    for (icalproperty* p = icalcomponent_get_first_property(calendar, ICAL_X_PROPERTY); p;
         p = icalcomponent_get_next_property(calendar, ICAL_X_PROPERTY)) {
      const char* name = icalproperty_get_x_name(p);
      const char* value = icalproperty_get_x(p);
      if (name == nullptr || value == nullptr || !equals_ignoring_case(name, "X-WR-TIMEZONE")) {
        continue;
      }
      if (auto zone = find_tzid_zone(value)) return zone;
      unknown = p;
      return std::nullopt;
    }
    return std::nullopt;
  };
  Diagnostics ignored;  // read_busy_calendar reports what is wrong with the file
  auto tree = parse(ics, LineTags::absent, file, ignored);
  if (!tree) return std::nullopt;
  icalproperty* unknown = nullptr;
  if (tree->root) {
    auto zone = declared(tree->root.get(), unknown);
    if (unknown == nullptr) return zone;
  }
  // The warning names the line, which only the tagged text gives.
  tree = parse(ics, LineTags::present, file, ignored);
  if (!tree) return std::nullopt;
  unknown = nullptr;
  auto zone = declared(tree->root.get(), unknown);
  if (unknown != nullptr) {
    diagnostics.warning(
        file, property_line(unknown),
        "X-WR-TIMEZONE '" + std::string(icalproperty_get_x(unknown)) + "' is not a known zone");
  }
  return zone;
}

void prepare_libical() {
  static std::once_flag once;
  std::call_once(once, [] {
    icalerror_set_errors_are_fatal(0);
    icaltimezone_get_utc_timezone();
  });
}

void attach_calendars(Program& program, const std::string& label, Diagnostics& diagnostics) {
  const LocalDay first = program.start - date::days{2};
  const LocalDay last = program.end + date::days{2};
  const Interval window{Instant{first.time_since_epoch()},
                        Instant{(last + date::days{1}).time_since_epoch()}};
  const auto attach = [&](Person& person, Diagnostics& found) {
    auto calendar = read_busy_calendar(person.calendar_text, person.zone, window,
                                       label + person.calendar_file, found);
    // The text is not needed any more; with tens of thousands of people it is most of the memory.
    std::string().swap(person.calendar_text);
    person.busy = std::move(calendar.busy);
    if (!calendar.availability) return;
    auto open = subtract(working_intervals(person.working_hours, person.zone, first, last),
                         calendar.availability->covered);
    open.insert(open.end(), calendar.availability->available.begin(),
                calendar.availability->available.end());
    person.availability = normalized(std::move(open));
  };

  std::vector<Person*> readers;
  for (Person& person : program.people) {
    if (!person.calendar_file.empty()) readers.push_back(&person);
  }
  // Each person's problems are collected apart and appended in person order, so that the output
  // does not depend on which thread read which calendar.
  std::vector<Diagnostics> found(readers.size());
  for_each_index_in_parallel(readers.size(), [&](std::size_t i) { attach(*readers[i], found[i]); });
  for (const Diagnostics& d : found) diagnostics.append(d);
}

}  // namespace mentorcal

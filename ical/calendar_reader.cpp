// Reads busy time and availability from calendar exports, on libical 3.0. libical parses; the
// rules of what is busy, the time zones, the recurrence overrides and every bound on expansion are
// ours, because libical's own helpers get them wrong for real exports (docs/ICAL.md, "Import").
#include "calendar_reader.hpp"

#include <algorithm>
#include <array>
#include <memory>
#include <mutex>
#include <numeric>

#include "mentorcal/availability.hpp"
#include "mentorcal/csv.hpp"
#include "mentorcal/text.hpp"
#include "mentorcal/zone_names.hpp"
#include "recurrence.hpp"

namespace mentorcal::detail {
namespace {

// An expansion that yields this many instances of one rule inside the window is cut off.
constexpr int kMaxInstancesPerRule = 100'000;
// A VTIMEZONE rule yielding more changes a year than this is not a time zone.
constexpr long kMaxChangesPerYear = 64;
// Nothing a calendar means lasts longer; it also keeps date arithmetic far from overflow.
constexpr int kMaxLengthDays = 36'525;

struct IteratorFree {
  void operator()(icalrecur_iterator* i) const { icalrecur_iterator_free(i); }
};

}  // namespace

BusyCalendar CalendarReader::read(icalcomponent* root) {
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

// --- diagnostics -------------------------------------------------------------------------

void CalendarReader::report(Severity severity, int line, std::string message) {
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

const ContentLine* CalendarReader::next_line(int component, int after) const {
  const auto& lines = source_.lines;
  auto it = std::upper_bound(lines.begin(), lines.end(), after,
                             [](int line, const ContentLine& c) { return line < c.line; });
  for (; it != lines.end(); ++it) {
    if (it->component_line == component) return &*it;
  }
  return nullptr;
}

void CalendarReader::report_parse_errors(icalcomponent* component, icalcomponent_kind kind) {
  static constexpr std::array<std::string_view, 19> kTimeProperties = {"DTSTART",
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
    return std::any_of(names.begin(), names.end(),
                       [&](std::string_view name) { return equals_ignoring_case(at->name, name); });
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

WallClock CalendarReader::clock_of_tzid(const std::string& tzid, int line) {
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

bool CalendarReader::zone_rules_are_bounded(icaltimezone* zone) {
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

std::optional<TimeValue> CalendarReader::value_of(const icaltimetype& t, icalproperty* property) {
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

icalproperty* CalendarReader::single(icalcomponent* component, icalproperty_kind kind,
                                     const char* name) {
  icalproperty* first = icalcomponent_get_first_property(component, kind);
  if (first == nullptr) return nullptr;
  if (icalproperty* second = icalcomponent_get_next_property(component, kind)) {
    fail(line_of(second), std::string("a second ") + name + " in " +
                              icalcomponent_kind_to_string(icalcomponent_isa(component)) +
                              " begun at line " + std::to_string(line_of(component)));
  }
  return first;
}

std::optional<TimeValue> CalendarReader::time_property(icalcomponent* component,
                                                       icalproperty_kind kind, const char* name) {
  icalproperty* p = single(component, kind, name);
  if (p == nullptr) return std::nullopt;
  auto value = value_of(icalvalue_get_datetime(icalproperty_get_value(p)), p);
  if (!value) fail(line_of(p), std::string(name) + " is not a valid date or date-time");
  return value;
}

std::optional<std::string> CalendarReader::x_property(icalcomponent* component,
                                                      std::string_view name) {
  for (icalproperty* p = icalcomponent_get_first_property(component, ICAL_X_PROPERTY); p;
       p = icalcomponent_get_next_property(component, ICAL_X_PROPERTY)) {
    const char* x = icalproperty_get_x_name(p);
    const char* value = icalproperty_get_x(p);
    if (x != nullptr && value != nullptr && equals_ignoring_case(x, name)) return value;
  }
  return std::nullopt;
}

// --- what is busy ------------------------------------------------------------------------

bool CalendarReader::event_is_busy(icalcomponent* event) {
  icalproperty* status = icalcomponent_get_first_property(event, ICAL_STATUS_PROPERTY);
  if (status != nullptr && icalproperty_get_status(status) == ICAL_STATUS_CANCELLED) return false;
  if (auto cdo = x_property(event, "X-MICROSOFT-CDO-BUSYSTATUS")) {
    const std::string state = ascii_upper(*cdo);
    if (state == "FREE" || state == "WORKINGELSEWHERE") return false;
    if (state == "BUSY" || state == "TENTATIVE" || state == "OOF") return true;
    warn(line_of(event), "X-MICROSOFT-CDO-BUSYSTATUS '" + *cdo +
                             "' is not FREE, WORKINGELSEWHERE, BUSY, TENTATIVE or OOF; "
                             "TRANSP decides instead");
  }
  icalproperty* transp = icalcomponent_get_first_property(event, ICAL_TRANSP_PROPERTY);
  return transp == nullptr || icalproperty_get_transp(transp) != ICAL_TRANSP_TRANSPARENT;
}

Record CalendarReader::record_of(icalcomponent* component, bool busy) {
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

Length CalendarReader::length_of(icalcomponent* component, const TimeValue& start,
                                 SysSeconds start_sys) {
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

WallClock CalendarReader::floating_clock(const TimeValue& start) const {
  return start.clock && !start.is_date ? *start.clock : WallClock(owner_);
}

void CalendarReader::add_rule_instances(icalproperty* property, const TimeValue& start,
                                        const WallClock& clock, LocalSeconds lo, LocalSeconds hi,
                                        std::map<SysSeconds, Candidate>& out) {
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

bool CalendarReader::hours_can_match(const icalrecurrencetype& rule, const TimeValue& start) {
  if (rule.freq != ICAL_HOURLY_RECURRENCE || !has(rule.by_hour)) return true;
  const int step = std::gcd(rule.interval, 24);
  const int h0 = static_cast<int>(
      date::hh_mm_ss<Seconds>{start.local - date::floor<date::days>(start.local)}.hours().count());
  for (int i = 0; rule.by_hour[i] != ICAL_RECURRENCE_ARRAY_MAX; ++i) {
    if (((rule.by_hour[i] - h0) % step + step) % step == 0) return true;
  }
  return false;
}

SysSeconds CalendarReader::instance_start(LocalSeconds local, const TimeValue& start,
                                          const WallClock& clock) const {
  return start.is_date ? WallClock(owner_).to_sys(local) : clock.to_sys(local);
}

void CalendarReader::expand_master(const Record& master,
                                   const std::vector<const Record*>& overrides,
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

void CalendarReader::add_rdate(icalproperty* p, const TimeValue& start, const WallClock& clock,
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

void CalendarReader::add_override(const Record& o, std::vector<Instance>& out) {
  if (!o.busy) return;
  icalcomponent* c = o.component;
  auto start = time_property(c, ICAL_DTSTART_PROPERTY, "DTSTART");
  if (!start) start = o.recurrence_id;  // an override that keeps its time may omit DTSTART
  if (!start) return;
  const WallClock clock = start->is_date ? WallClock(owner_) : floating_clock(*start);
  const SysSeconds at = instance_start(start->local, *start, clock);
  out.push_back({at, end_of(start->local, at, length_of(c, *start, at), clock)});
}

void CalendarReader::expand_records(std::vector<Record>& records, std::vector<Instance>& out) {
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

void CalendarReader::read_free_busy(icalcomponent* c, std::vector<Instance>& out) {
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

std::vector<Interval> CalendarReader::to_intervals(const std::vector<Instance>& instances) const {
  std::vector<Interval> out;
  out.reserve(instances.size());
  for (const Instance& i : instances) {
    const SysSeconds start = std::max(i.start, window_.start);
    const SysSeconds end = std::min(i.end, window_.end);
    if (start < end) out.push_back({date::floor<Minutes>(start), date::ceil<Minutes>(end)});
  }
  return normalized(std::move(out));
}

}  // namespace mentorcal::detail

namespace mentorcal {
namespace {

using detail::CalendarReader;
using detail::LineTags;
using detail::prepare;
using detail::property_line;
using detail::Source;

struct ComponentFree {
  void operator()(icalcomponent* c) const { icalcomponent_free(c); }
};
using ComponentPtr = std::unique_ptr<icalcomponent, ComponentFree>;

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

}  // namespace mentorcal

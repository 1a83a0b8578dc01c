// The reader: what one calendar export says is busy (and available), from the tree libical made
// of it. Its VAVAILABILITY part is in vavailability.cpp. Private to ical/.
#pragma once

#include <libical/ical.h>

#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "mentorcal/diagnostics.hpp"
#include "mentorcal/ical.hpp"
#include "mentorcal/time.hpp"
#include "source_lines.hpp"
#include "wall_clock.hpp"

namespace mentorcal::detail {

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

  BusyCalendar read(icalcomponent* root);

 private:
  // --- diagnostics -------------------------------------------------------------------------

  bool tagged() const { return source_.tags == LineTags::present; }

  // Some properties are read twice (a THISANDFUTURE override's DTSTART: once for the instances
  // it moves, once for its own); each problem is reported once.
  void warn(int line, std::string message) { report(Severity::warning, line, std::move(message)); }
  void fail(int line, std::string message) { report(Severity::error, line, std::move(message)); }
  void report(Severity severity, int line, std::string message);

  // Without tags every line is 0, and is not looked for.
  int line_of(icalproperty* property) const { return tagged() ? property_line(property) : 0; }
  int line_of(icalcomponent* component) const { return tagged() ? component_line(component) : 0; }

  // The content line after `after` that belongs to the component begun at `component`.
  const ContentLine* next_line(int component, int after) const;

  // libical replaces each line it cannot read with an X-LIC-ERROR property in its place. Errors
  // in what decides busy time are errors; the rest (an alarm's TRIGGER, a malformed ATTENDEE)
  // cannot change busy time and are warnings.
  // Without tags, any X-LIC-ERROR means the lines are needed: even whether to say nothing about
  // it depends on the name of its line.
  void report_parse_errors(icalcomponent* component, icalcomponent_kind kind);

  // --- values ------------------------------------------------------------------------------

  WallClock clock_of_tzid(const std::string& tzid, int line);

  // libical expands a VTIMEZONE's rules into every change from its DTSTART on: a rule of a few
  // changes a year is what a zone is, and anything else (FREQ=MINUTELY) expands without end.
  static bool zone_rules_are_bounded(icaltimezone* zone);

  std::optional<TimeValue> value_of(const icaltimetype& t, icalproperty* property);

  // The one property `kind` of `component`; reports a second one as an error.
  icalproperty* single(icalcomponent* component, icalproperty_kind kind, const char* name);

  std::optional<TimeValue> time_property(icalcomponent* component, icalproperty_kind kind,
                                         const char* name);

  static std::optional<std::string> x_property(icalcomponent* component, std::string_view name);

  // --- what is busy ------------------------------------------------------------------------

  bool event_is_busy(icalcomponent* event);

  Record record_of(icalcomponent* component, bool busy);

  // --- lengths and instances ---------------------------------------------------------------

  // The length of every instance of `component` starting at `start` (instant `start_sys`).
  Length length_of(icalcomponent* component, const TimeValue& start, SysSeconds start_sys);

  // The clock floating times of an event are read on: its DTSTART's clock when it has one (an
  // EXDATE written without the TZID of its DTSTART means the same wall clock), else the owner's.
  WallClock floating_clock(const TimeValue& start) const;

  struct Candidate {
    LocalSeconds local;             // start on the event's clock
    std::optional<SysSeconds> end;  // from an RDATE period
  };

  void add_rule_instances(icalproperty* property, const TimeValue& start, const WallClock& clock,
                          LocalSeconds lo, LocalSeconds hi, std::map<SysSeconds, Candidate>& out);

  // HOURLY rules step through the hours h0 + k * INTERVAL of the day; when BYHOUR lists none of
  // them, libical would search until the year 2582.
  static bool hours_can_match(const icalrecurrencetype& rule, const TimeValue& start);

  SysSeconds instance_start(LocalSeconds local, const TimeValue& start,
                            const WallClock& clock) const;

  // Expands one recurring component (a VEVENT or an AVAILABLE with RRULE/RDATE/EXDATE) together
  // with the overrides that share its UID.
  void expand_master(const Record& master, const std::vector<const Record*>& overrides,
                     std::vector<Instance>& out);

  void add_rdate(icalproperty* p, const TimeValue& start, const WallClock& clock,
                 std::map<SysSeconds, Candidate>& out);

  void add_override(const Record& o, std::vector<Instance>& out);

  // Groups records by UID: one master (the version with the highest SEQUENCE; the later one on a
  // tie) and its overrides (likewise one per RECURRENCE-ID), then expands each group.
  void expand_records(std::vector<Record>& records, std::vector<Instance>& out);

  // --- free/busy and availability ----------------------------------------------------------

  void read_free_busy(icalcomponent* c, std::vector<Instance>& out);

  // RFC 7953: inside a VAVAILABILITY's range the person is available only when one of its
  // AVAILABLE subcomponents says so; where ranges overlap, the higher PRIORITY (1 highest, 0 or
  // none lowest) decides, and equal priorities add their AVAILABLE time together.
  Availability read_availability(const std::vector<icalcomponent*>& blocks);

  // Instants to minutes (starts down, ends up), inside the window, sorted and merged.
  std::vector<Interval> to_intervals(const std::vector<Instance>& instances) const;

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

}  // namespace mentorcal::detail

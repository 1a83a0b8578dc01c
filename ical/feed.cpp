// Feeds: a Schedule as a VCALENDAR, built as libical components so that escaping, quoting and
// folding (75 octets, never inside a UTF-8 sequence) are libical's, and serialised in the order
// the components are added: the output depends on the inputs only.
#include "mentorcal/feed.hpp"

#include <libical/ical.h>

#include <algorithm>
#include <cassert>
#include <cstdlib>
#include <map>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "vtimezone.hpp"

namespace mentorcal {
namespace {

// libical's `_r` serialisers return memory the caller frees.
std::string take(char* text) {
  std::string result{text};
  std::free(text);
  return result;
}

// One series of the feed with the people and the pair it belongs to.
struct Session {
  const Series* series = nullptr;
  // The pair, for focus and location; null for a cancelled series, whose pair may be gone.
  const Pair* pair = nullptr;
  // Null only for a cancelled series whose person has left the program.
  const Person* mentor = nullptr;
  const Person* mentee = nullptr;
  // The party whose wall clock does not fix the series; null for a cancelled series.
  const Person* other = nullptr;
  std::string mentor_email;
  std::string mentee_email;
  bool cancelled = false;
};

// Every session of the schedule, indexed by person once, so that rendering all feeds costs
// no more than reading the schedule once more.
class SessionIndex {
 public:
  SessionIndex(const Program& program, const Schedule& schedule) {
    assert(schedule.pairs.size() == program.pairs.size() &&
           "a schedule has one result per pair, in pairs.csv order");
    for (const auto& person : program.people) people_[person.id] = &person;
    for (std::size_t i = 0; i < schedule.pairs.size(); ++i) {
      const auto& result = schedule.pairs[i];
      if (!result.series) continue;
      const Pair& pair = program.pairs[i];
      const Person& mentor = program.mentor_of(pair);
      const Person& mentee = program.mentee_of(pair);
      assert(mentor.id == result.mentor_id && mentee.id == result.mentee_id &&
             "a schedule has one result per pair, in pairs.csv order");
      add({&*result.series, &pair, &mentor, &mentee, &program.other_of(pair), mentor.email,
           mentee.email, false});
    }
    for (const auto& dropped : schedule.cancelled)
      add({&dropped.series, nullptr, person(dropped.series.mentor_id),
           person(dropped.series.mentee_id), nullptr, dropped.organizer_email,
           dropped.attendee_email, true});
  }

  // A person's sessions, or with an empty id every session: series first, in pair order, then
  // the cancelled ones.
  const std::vector<Session>& of(std::string_view person_id) const {
    if (person_id.empty()) return all_;
    const auto it = by_person_.find(person_id);
    return it == by_person_.end() ? none_ : it->second;
  }

  const Person* person(std::string_view id) const {
    const auto it = people_.find(id);
    return it == people_.end() ? nullptr : it->second;
  }

 private:
  void add(const Session& session) {
    all_.push_back(session);
    by_person_[session.series->mentor_id].push_back(session);
    if (session.series->mentee_id != session.series->mentor_id)
      by_person_[session.series->mentee_id].push_back(session);
  }

  std::map<std::string, const Person*, std::less<>> people_;
  std::map<std::string, std::vector<Session>, std::less<>> by_person_;
  std::vector<Session> all_;
  std::vector<Session> none_;
};

Zone zone_of(const Series& series) {
  const auto zone = Zone::find(series.zone);
  assert(zone && "a series' zone is a person's zone, which the loader has checked");
  return zone.value();
}

// The dates each zone's VTIMEZONE must cover: the program's, and those of every occurrence of
// the feed, which a cancelled series from an earlier pass may have outside them.
std::map<std::string, std::pair<LocalDay, LocalDay>> zone_spans(
    const Program& program, const std::vector<Session>& sessions) {
  std::map<std::string, std::pair<LocalDay, LocalDay>> spans;
  for (const auto& session : sessions) {
    const Series& series = *session.series;
    const Zone zone = zone_of(series);
    const auto span = spans.try_emplace(series.zone, program.start, program.end).first;
    for (const auto& occurrence : series.occurrences) {
      for (const LocalDay day :
           {date::floor<date::days>(occurrence.nominal), local_day(zone, occurrence.at.start)}) {
        span->second.first = std::min(span->second.first, day);
        span->second.second = std::max(span->second.second, day);
      }
    }
  }
  return spans;
}

void add_x_property(icalcomponent* component, const char* name, const std::string& value) {
  icalproperty* property = icalproperty_new_x(value.c_str());
  icalproperty_set_x_name(property, name);
  icalcomponent_add_property(component, property);
}

icalproperty* with_tzid(icalproperty* property, std::string_view tzid) {
  icalproperty_add_parameter(property, icalparameter_new_tzid(std::string{tzid}.c_str()));
  return property;
}

// `t` as a wall-clock time of the series zone, unless `t` is the second of two instants that
// read alike (in the hour a backward change repeats): a TZID time means the first (RFC 5545
// §3.3.5), so that one is written in UTC.
icalproperty* zoned(icalproperty* (*make)(icaltimetype), const Zone& zone, Instant t) {
  const LocalMinute local = zone.to_local(t);
  if (zone.to_instant(local) != t) return make(utc_value(t));
  return with_tzid(make(wall_clock_value(local)), zone.name());
}

// A parameter value has no escapes (RFC 5545 §3.2): a double quote or a line break in a name
// would end it.
std::string parameter_text(std::string text) {
  for (char& c : text) {
    if (c == '"') c = '\'';
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) c = ' ';
  }
  return text;
}

void add_party(icalcomponent* event, bool organizer, const Person* person,
               const std::string& email) {
  if (email.empty()) return;
  const std::string address = "mailto:" + email;
  icalproperty* property = organizer ? icalproperty_new_organizer(address.c_str())
                                     : icalproperty_new_attendee(address.c_str());
  if (person) {
    icalproperty_add_parameter(property,
                               icalparameter_new_cn(parameter_text(person->name).c_str()));
  }
  if (!organizer) {
    icalproperty_add_parameter(property, icalparameter_new_role(ICAL_ROLE_REQPARTICIPANT));
  }
  icalcomponent_add_property(event, property);
}

const char* weekday_name(date::weekday weekday) {
  static constexpr const char* kNames[] = {"Sunday",   "Monday", "Tuesday", "Wednesday",
                                           "Thursday", "Friday", "Saturday"};
  return kNames[weekday.c_encoding()];
}

std::string clock(LocalMinute t) {
  return date::format("%H:%M", t);
}

std::string day_and_time(LocalMinute t) {
  const LocalDay day = date::floor<date::days>(t);
  return std::string{weekday_name(date::weekday{day})} + " " + format_day(day) + " " + clock(t);
}

// "Every 2 weeks on Monday", "Monthly on the 2nd Tuesday".
std::string cadence_phrase(const Series& series) {
  const std::string day = weekday_name(series.weekday);
  if (series.cadence.kind == Cadence::Kind::monthly) {
    static constexpr const char* kOrdinals[] = {"", "1st", "2nd", "3rd", "4th"};
    assert(series.monthly_ordinal >= 1 && series.monthly_ordinal <= 4);
    return std::string{"Monthly on the "} + kOrdinals[series.monthly_ordinal] + " " + day;
  }
  if (series.cadence.weeks == 1) return "Weekly on " + day;
  return "Every " + std::to_string(series.cadence.weeks) + " weeks on " + day;
}

std::string rrule(const Series& series) {
  const std::string count = std::to_string(series.occurrences.size());
  const std::string day = weekday_code(series.weekday);
  if (series.cadence.kind == Cadence::Kind::monthly) {
    return "FREQ=MONTHLY;BYDAY=" + std::to_string(series.monthly_ordinal) + day + ";COUNT=" + count;
  }
  return "FREQ=WEEKLY;INTERVAL=" + std::to_string(series.cadence.weeks) + ";BYDAY=" + day +
         ";COUNT=" + count;
}

// What the other party's clock shows for `at`: "Monday 14:00-14:45".
std::string other_reading(const Zone& zone, const Interval& at) {
  const LocalMinute start = zone.to_local(at.start);
  return std::string{weekday_name(date::weekday{date::floor<date::days>(start)})} + " " +
         clock(start) + "-" + clock(zone.to_local(at.end));
}

std::string other_label(const Person& other) {
  return other.name + "'s time (" + std::string{other.zone.name()} + "): ";
}

// The other party's time for the held occurrences. A series fixed in one zone drifts in
// another for the weeks between their DST changes; those weeks are named, by the other
// party's date.
std::string other_times(const Series& series, const Person& other) {
  std::vector<std::pair<std::string, std::vector<LocalDay>>> readings;  // in first-seen order
  for (const auto& occurrence : series.occurrences) {
    if (occurrence.state != OccurrenceState::held) continue;
    const std::string reading = other_reading(other.zone, occurrence.at);
    auto same = std::find_if(readings.begin(), readings.end(),
                             [&](const auto& r) { return r.first == reading; });
    if (same == readings.end()) same = readings.insert(readings.end(), {reading, {}});
    same->second.push_back(local_day(other.zone, occurrence.at.start));
  }
  if (readings.empty()) return "";
  const auto usual = std::max_element(
      readings.begin(), readings.end(),
      [](const auto& a, const auto& b) { return a.second.size() < b.second.size(); });
  std::string text = other_label(other) + usual->first;
  for (const auto& [reading, days] : readings) {
    if (reading == usual->first) continue;
    text += "; " + reading + " on";
    for (std::size_t i = 0; i < days.size(); ++i) text += (i ? ", " : " ") + format_day(days[i]);
  }
  return text;
}

std::string join_lines(const std::vector<std::string>& lines) {
  std::string text;
  for (const auto& line : lines) {
    if (line.empty()) continue;
    if (!text.empty()) text += '\n';
    text += line;
  }
  return text;
}

constexpr const char* kCancelled = "This mentoring series is cancelled and no longer takes place.";

std::string series_description(const Session& session, const Zone& zone) {
  const Series& series = *session.series;
  if (session.cancelled) return kCancelled;
  std::vector<std::string> lines;
  if (!session.pair->focus.empty()) lines.push_back("Focus: " + session.pair->focus);
  const LocalMinute last =
      series.occurrences.empty() ? series.first : series.occurrences.back().nominal;
  lines.push_back(cadence_phrase(series) + ", " + clock(series.first) + "-" +
                  clock(series.first + series.duration) + " " + std::string{zone.name()} +
                  ", from " + format_day(date::floor<date::days>(series.first)) + " to " +
                  format_day(date::floor<date::days>(last)));
  lines.push_back(other_times(series, *session.other));
  std::string skipped;
  for (const auto& occurrence : series.occurrences) {
    if (occurrence.state != OccurrenceState::skipped) continue;
    skipped += (skipped.empty() ? "Not taking place on " : ", ") +
               format_day(date::floor<date::days>(occurrence.nominal));
  }
  lines.push_back(skipped);
  return join_lines(lines);
}

std::string moved_description(const Session& session, const Zone& zone,
                              const Occurrence& occurrence) {
  const Series& series = *session.series;
  if (session.cancelled) return kCancelled;
  const LocalMinute other_start = session.other->zone.to_local(occurrence.at.start);
  return join_lines({
      session.pair->focus.empty() ? "" : "Focus: " + session.pair->focus,
      "Moved from " + day_and_time(occurrence.nominal) + " " + std::string{zone.name()},
      other_label(*session.other) + day_and_time(other_start) + "-" +
          clock(session.other->zone.to_local(occurrence.at.end)),
      "Series: " + cadence_phrase(series),
  });
}

std::string display_name(const Person* person, const std::string& email) {
  return person ? person->name : email;
}

// The properties a series' master event and its moved occurrences share, after their times.
void add_common(icalcomponent* event, const Session& session, const std::string& description) {
  const Series& series = *session.series;
  icalcomponent_add_property(event, icalproperty_new_sequence(series.sequence));
  const std::string summary = "Mentoring: " + display_name(session.mentor, session.mentor_email) +
                              " / " + display_name(session.mentee, session.mentee_email);
  icalcomponent_add_property(event, icalproperty_new_summary(summary.c_str()));
  icalcomponent_add_property(event, icalproperty_new_description(description.c_str()));
  if (session.pair && !session.pair->location.empty()) {
    icalcomponent_add_property(event, icalproperty_new_location(session.pair->location.c_str()));
  }
  add_party(event, true, session.mentor, session.mentor_email);
  add_party(event, false, session.mentee, session.mentee_email);
  icalcomponent_add_property(
      event,
      icalproperty_new_status(session.cancelled ? ICAL_STATUS_CANCELLED : ICAL_STATUS_CONFIRMED));
}

icalcomponent* new_event(const Series& series) {
  icalcomponent* event = icalcomponent_new_vevent();
  icalcomponent_add_property(event, icalproperty_new_uid(series.uid.c_str()));
  icalcomponent_add_property(event, icalproperty_new_dtstamp(utc_value(series.dtstamp)));
  return event;
}

void add_session(icalcomponent* calendar, const Session& session) {
  const Series& series = *session.series;
  const Zone zone = zone_of(series);

  icalcomponent* master = new_event(series);
  icalcomponent_add_property(
      master, with_tzid(icalproperty_new_dtstart(wall_clock_value(series.first)), zone.name()));
  icalcomponent_add_property(
      master, zoned(icalproperty_new_dtend, zone, zone.to_instant(series.first) + series.duration));
  icalcomponent_add_property(
      master, icalproperty_new_rrule(icalrecurrencetype_from_string(rrule(series).c_str())));
  for (const auto& occurrence : series.occurrences) {
    if (occurrence.state != OccurrenceState::skipped) continue;
    icalcomponent_add_property(
        master,
        with_tzid(icalproperty_new_exdate(wall_clock_value(occurrence.nominal)), zone.name()));
  }
  add_common(master, session, series_description(session, zone));
  icalcomponent_add_component(calendar, master);

  for (const auto& occurrence : series.occurrences) {
    if (occurrence.state != OccurrenceState::moved) continue;
    icalcomponent* moved = new_event(series);
    icalcomponent_add_property(
        moved, with_tzid(icalproperty_new_recurrenceid(wall_clock_value(occurrence.nominal)),
                         zone.name()));
    icalcomponent_add_property(moved, zoned(icalproperty_new_dtstart, zone, occurrence.at.start));
    icalcomponent_add_property(moved, zoned(icalproperty_new_dtend, zone, occurrence.at.end));
    add_common(moved, session, moved_description(session, zone, occurrence));
    icalcomponent_add_component(calendar, moved);
  }
}

// Renders the feeds of one schedule. VTIMEZONEs are built once per zone and span and cloned
// into each feed: inferring a zone's rules is the costly part of a small feed.
class FeedRenderer {
 public:
  FeedRenderer(const Program& program, const Schedule& schedule, const FeedOptions& options)
      : program_(program), index_(program, schedule), options_(options) {
    assert(options.refresh > Minutes{0});
  }

  std::string render(std::string_view person_id) {
    const auto& sessions = index_.of(person_id);
    const ComponentPtr calendar{icalcomponent_new_vcalendar()};
    icalcomponent* vcalendar = calendar.get();
    icalcomponent_add_property(
        vcalendar, icalproperty_new_prodid("-//mentorcal//mentorcal " MENTORCAL_VERSION "//EN"));
    icalcomponent_add_property(vcalendar, icalproperty_new_version("2.0"));
    icalcomponent_add_property(vcalendar, icalproperty_new_calscale("GREGORIAN"));
    icalcomponent_add_property(vcalendar, icalproperty_new_method(ICAL_METHOD_PUBLISH));
    const std::string name = calendar_name(person_id);
    icalcomponent_add_property(vcalendar, icalproperty_new_name(name.c_str()));
    // libical escapes backslashes and line breaks in X- properties but leaves commas alone,
    // which is what clients that read X-WR-CALNAME verbatim show best.
    add_x_property(vcalendar, "X-WR-CALNAME", name);
    const auto refresh = icaldurationtype_from_int(static_cast<int>(
        std::chrono::duration_cast<std::chrono::seconds>(options_.refresh).count()));
    icalproperty* refresh_interval = icalproperty_new_refreshinterval(refresh);
    icalproperty_add_parameter(refresh_interval, icalparameter_new_value(ICAL_VALUE_DURATION));
    icalcomponent_add_property(vcalendar, refresh_interval);
    add_x_property(vcalendar, "X-PUBLISHED-TTL", take(icaldurationtype_as_ical_string_r(refresh)));

    // libical writes a calendar's VTIMEZONEs before its other components, the last added
    // first: adding them in reverse order of TZID lists them in order.
    const auto spans = zone_spans(program_, sessions);
    for (auto span = spans.rbegin(); span != spans.rend(); ++span)
      icalcomponent_add_component(vcalendar, icalcomponent_new_clone(vtimezone(*span)));
    for (const auto& session : sessions) add_session(vcalendar, session);
    return take(icalcomponent_as_ical_string_r(vcalendar));
  }

 private:
  using Span = std::pair<const std::string, std::pair<LocalDay, LocalDay>>;

  icalcomponent* vtimezone(const Span& span) {
    const auto key = std::make_tuple(span.first, span.second.first, span.second.second);
    auto it = vtimezones_.find(key);
    if (it == vtimezones_.end()) {
      const Zone zone = Zone::find(span.first).value();
      it = vtimezones_.emplace(key, build_vtimezone(zone, span.second.first, span.second.second))
               .first;
    }
    return it->second.get();
  }

  std::string calendar_name(std::string_view person_id) const {
    if (!options_.calendar_name.empty()) return options_.calendar_name;
    const Person* person = person_id.empty() ? nullptr : index_.person(person_id);
    return person ? program_.name + ": " + person->name : program_.name;
  }

  const Program& program_;
  SessionIndex index_;
  const FeedOptions& options_;
  std::map<std::tuple<std::string, LocalDay, LocalDay>, ComponentPtr> vtimezones_;
};

}  // namespace

std::string render_feed(const Program& program, const Schedule& schedule,
                        std::string_view person_id, const FeedOptions& options) {
  return FeedRenderer(program, schedule, options).render(person_id);
}

std::map<std::string, std::string> render_feeds(const Program& program, const Schedule& schedule,
                                                const FeedOptions& options) {
  FeedRenderer renderer(program, schedule, options);
  std::map<std::string, std::string> feeds;
  for (const auto& result : schedule.pairs)
    if (result.series)
      for (const auto& id : {result.mentor_id, result.mentee_id})
        if (!feeds.contains(id)) feeds[id] = renderer.render(id);
  for (const auto& dropped : schedule.cancelled)
    for (const auto& id : {dropped.series.mentor_id, dropped.series.mentee_id})
      if (!feeds.contains(id)) feeds[id] = renderer.render(id);
  feeds[""] = renderer.render("");
  return feeds;
}

}  // namespace mentorcal

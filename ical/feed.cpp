// Feeds: a Schedule as a VCALENDAR, built as libical components so that escaping, quoting and
// folding (75 octets, never inside a UTF-8 sequence) are libical's, and serialised in the order
// the components are added: the output depends on the inputs only.
//
// libical writes a component as its BEGIN line, each property, each sub-component and its END
// line, every part serialised on its own (icalcomponent_as_ical_string_r). A feed is assembled
// the same way from parts serialised once: a session's VEVENTs for all the feeds that show it, a
// VTIMEZONE per zone and span, the calendar's fixed properties per renderer.
#include "mentorcal/feed.hpp"

#include <libical/ical.h>

#include <algorithm>
#include <array>
#include <cassert>
#include <cstdlib>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "mentorcal/ical.hpp"
#include "mentorcal/parallel.hpp"
#include "mentorcal/schedule_json.hpp"
#include "vtimezone.hpp"

namespace mentorcal {
namespace {

// libical's `_r` serialisers return memory the caller frees.
std::string take(char* text) {
  std::string result{text};
  std::free(text);
  return result;
}

std::string text_of(const ComponentPtr& component) {
  return take(icalcomponent_as_ical_string_r(component.get()));
}

// Serialises `property` and frees it.
std::string text_of(icalproperty* property) {
  std::string text = take(icalproperty_as_ical_string_r(property));
  icalproperty_free(property);
  return text;
}

// Who a feed speaks to: the program feed is neutral, a person's feed speaks to that person.
enum class Reader { program, mentor, mentee };
constexpr std::size_t kReaders = 3;
// The readers a session's events are made for, [first, end): every reader for the feeds with
// recurrence, whose sessions are shared; for a plain feed only the person whose feed it is, since
// the plain form is made for people's feeds only (PRODUCT.md, "Plain feeds").
struct Readers {
  std::size_t first = 0;
  std::size_t end = kReaders;
};
Readers only(Reader reader) {
  const auto r = static_cast<std::size_t>(reader);
  return {r, r + 1};
}

// Who reads `person_id`'s feed ("" for the program feed) in a session of `mentor_id`.
Reader reader_of(std::string_view person_id, std::string_view mentor_id) {
  if (person_id.empty()) return Reader::program;
  return mentor_id == person_id ? Reader::mentor : Reader::mentee;
}

// Each reader's SUMMARY and DESCRIPTION lines, serialised.
using ReaderTexts = std::array<std::string, kReaders>;

// A VEVENT's text, built from properties serialised one by one as libical serialises a component
// (its BEGIN line, each property in the order added, its END line): the parts around SUMMARY and
// DESCRIPTION are made once, and only those two are made for each reader. What every event of a
// series shares comes in already serialised (add_serialised), made once for the series.
class EventText {
 public:
  EventText() : head_("BEGIN:VEVENT\r\n") {}
  void add(icalproperty* property) { add_serialised(text_of(property)); }
  void add_serialised(std::string_view text) { (texts_ ? tail_ : head_) += text; }
  void add_texts(const ReaderTexts& texts) { texts_ = &texts; }
  // Appends the event for each of `readers`.
  void append_to(std::array<std::string, kReaders>& events, Readers readers = {}) const {
    assert(texts_);
    for (std::size_t r = readers.first; r < readers.end; ++r)
      events[r].append(head_).append((*texts_)[r]).append(tail_).append(kEnd);
  }

 private:
  static constexpr const char* kEnd = "END:VEVENT\r\n";
  std::string head_;
  const ReaderTexts* texts_ = nullptr;  // outlives the event
  std::string tail_;
};

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

  // Every session: series first, in pair order, then the cancelled ones.
  const std::vector<Session>& sessions() const { return all_; }

  // The positions in sessions() of a person's sessions, or with an empty id of every session.
  const std::vector<std::size_t>& of(std::string_view person_id) const {
    if (person_id.empty()) return every_;
    const auto it = by_person_.find(person_id);
    return it == by_person_.end() ? none_ : it->second;
  }

  // Everyone with a session, by id.
  const std::map<std::string, std::vector<std::size_t>, std::less<>>& by_person() const {
    return by_person_;
  }

  const Person* person(std::string_view id) const {
    const auto it = people_.find(id);
    return it == people_.end() ? nullptr : it->second;
  }

 private:
  void add(const Session& session) {
    every_.push_back(all_.size());
    by_person_[session.series->mentor_id].push_back(all_.size());
    if (session.series->mentee_id != session.series->mentor_id)
      by_person_[session.series->mentee_id].push_back(all_.size());
    all_.push_back(session);
  }

  std::map<std::string, const Person*, std::less<>> people_;
  std::map<std::string, std::vector<std::size_t>, std::less<>> by_person_;
  std::vector<Session> all_;
  std::vector<std::size_t> every_;
  std::vector<std::size_t> none_;
};

Zone zone_of(const Series& series) {
  const auto zone = Zone::find(series.zone);
  assert(zone && "a series' zone is a person's zone, which the loader has checked");
  return zone.value();
}

icalproperty* x_property(const char* name, const std::string& value) {
  icalproperty* property = icalproperty_new_x(value.c_str());
  icalproperty_set_x_name(property, name);
  return property;
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

void add_party(EventText& event, bool organizer, const Person* person, const std::string& email) {
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
  event.add(property);
}

// "09:05". Written by hand: date::format sets up a stream for each call, and the feeds of a
// large cohort show millions of times.
std::string clock(LocalMinute t) {
  const auto minutes = (t - date::floor<date::days>(t)).count();
  const auto digit = [](long long n) { return static_cast<char>('0' + n); };
  return {digit(minutes / 600), digit(minutes / 60 % 10), ':', digit(minutes % 60 / 10),
          digit(minutes % 10)};
}

std::string day_and_time(LocalMinute t) {
  const LocalDay day = date::floor<date::days>(t);
  return std::string{weekday_name(date::weekday{day})} + " " + format_day(day) + " " + clock(t);
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

// How one party's clock shows a series' held occurrences: a weekday and times ("Wednesday",
// "16:00-16:45") with that party's dates. A series fixed in one zone drifts in another for the
// weeks between their DST changes, and may fall on another weekday there.
struct Reading {
  date::weekday weekday;
  std::string times;
  std::vector<LocalDay> days;
};

struct Readings {
  Reading usual;                // the reading most held occurrences have (the first such)
  std::vector<Reading> others;  // the rest, in date order of their first day
};

Reading reading_at(const Zone& zone, const Interval& at) {
  const LocalMinute start = zone.to_local(at.start);
  const LocalDay day = date::floor<date::days>(start);
  return {date::weekday{day}, clock(start) + "-" + clock(zone.to_local(at.end)), {day}};
}

// `party`'s readings of `series`. A series with no held occurrence reads as its rule's first one.
Readings readings_of(const Series& series, const Zone& series_zone, const Zone& party) {
  std::vector<Reading> all;
  for (const auto& occurrence : series.occurrences) {
    if (occurrence.state != OccurrenceState::held) continue;
    Reading reading = reading_at(party, occurrence.at);
    const auto same = std::find_if(all.begin(), all.end(), [&](const Reading& r) {
      return r.weekday == reading.weekday && r.times == reading.times;
    });
    if (same == all.end())
      all.push_back(std::move(reading));
    else
      same->days.push_back(reading.days.front());
  }
  if (all.empty()) {
    const Instant first = series_zone.to_instant(series.first);
    all.push_back(reading_at(party, {first, first + series.duration}));
  }
  const auto usual = std::max_element(all.begin(), all.end(), [](const auto& a, const auto& b) {
    return a.days.size() < b.days.size();
  });
  Readings readings{std::move(*usual), {}};
  all.erase(usual);
  readings.others = std::move(all);
  return readings;
}

// One party as a feed names them: the reader of their own feed is "you".
struct Party {
  const Person* person = nullptr;
  const Readings* readings = nullptr;
  bool reader = false;

  // "(your time, Europe/Berlin)" or "for Ana Ruiz in America/New_York".
  std::string label() const {
    const std::string zone{person->zone.name()};
    return reader ? "(your time, " + zone + ")" : "for " + person->name + " in " + zone;
  }
  // "your time" or "for Ana Ruiz".
  std::string short_label() const { return reader ? "your time" : "for " + person->name; }
};

// "Every 2 weeks on Wednesday", on the weekday the first party reads; a monthly series whose
// weekday differs there names the rule's weekday in the series zone too.
std::string cadence_for(const Series& series, const Reading& usual) {
  if (usual.weekday == series.weekday || series.cadence.kind != Cadence::Kind::monthly)
    return cadence_phrase(series.cadence, usual.weekday, series.monthly_ordinal);
  // "Monthly on the 2nd Monday" without its first two words: "the 2nd Monday".
  const std::string rule = cadence_phrase(series);
  return "Monthly, on " + std::string{weekday_name(usual.weekday)} + " (" +
         rule.substr(rule.find("the ")) + " in " + series.zone + ")";
}

std::string dates(const std::vector<LocalDay>& days) {
  std::string text;
  for (std::size_t i = 0; i < days.size(); ++i) text += (i ? ", " : "") + format_day(days[i]);
  return text;
}

// The lines naming the dates on which a party's clock shows another time than usual.
void add_other_readings(std::vector<std::string>& lines, const Party& party) {
  for (const auto& r : party.readings->others) {
    const bool other_day = r.weekday != party.readings->usual.weekday;
    lines.push_back("On " + dates(r.days) + ": " +
                    (other_day ? std::string{weekday_name(r.weekday)} + " " : "") + r.times + " " +
                    party.short_label());
  }
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

// The series in words, the first party's time first: the reader's in their own feed, the anchor
// party's in the program feed.
std::string series_description(const Session& session, const Party& first, const Party& second) {
  const Series& series = *session.series;
  if (session.cancelled) return kCancelled;
  std::vector<std::string> lines;
  if (!session.pair->focus.empty()) lines.push_back("Focus: " + session.pair->focus);
  const Reading& mine = first.readings->usual;
  const Reading& theirs = second.readings->usual;
  lines.push_back(
      cadence_for(series, mine) + ", " + mine.times + " " + first.label() + "; " +
      (theirs.weekday != mine.weekday ? std::string{weekday_name(theirs.weekday)} + " " : "") +
      theirs.times + " " + second.label());
  std::vector<LocalDay> days;
  std::string skipped;
  for (const auto& occurrence : series.occurrences) {
    const LocalDay day = local_day(first.person->zone, occurrence.at.start);
    if (occurrence.state == OccurrenceState::skipped)
      skipped += (skipped.empty() ? "Not taking place on " : ", ") + format_day(day);
    else
      days.push_back(day);
  }
  if (!days.empty())
    lines.push_back("From " + format_day(days.front()) + " to " + format_day(days.back()));
  add_other_readings(lines, first);
  add_other_readings(lines, second);
  lines.push_back(skipped);
  return join_lines(lines);
}

std::string moved_description(const Session& session, const Zone& zone,
                              const Occurrence& occurrence, const Party& first,
                              const Party& second) {
  if (session.cancelled) return kCancelled;
  const auto at = [&](const Party& party) {
    const Zone& z = party.person->zone;
    return day_and_time(z.to_local(occurrence.at.start)) + "-" +
           clock(z.to_local(occurrence.at.end)) + " " + party.label();
  };
  return join_lines({
      session.pair->focus.empty() ? "" : "Focus: " + session.pair->focus,
      "Moved to " + at(first) + "; " + at(second),
      "Instead of " +
          day_and_time(first.person->zone.to_local(zone.to_instant(occurrence.nominal))) + " " +
          first.short_label(),
      "Series: " + cadence_for(*session.series, first.readings->usual),
  });
}

std::string display_name(const Person* person, const std::string& email) {
  return person ? person->name : email;
}

// "Mentoring: Ana Ruiz / Jo Lee" in the program feed; in a person's own feed, the other party:
// "Mentoring Jo Lee" for the mentor, "Mentoring with Ana Ruiz" for the mentee.
std::string summary_for(const Session& session, Reader reader) {
  const std::string mentor = display_name(session.mentor, session.mentor_email);
  const std::string mentee = display_name(session.mentee, session.mentee_email);
  switch (reader) {
    case Reader::mentor:
      return "Mentoring " + mentee;
    case Reader::mentee:
      return "Mentoring with " + mentor;
    case Reader::program:
      break;
  }
  return "Mentoring: " + mentor + " / " + mentee;
}

// The properties every event of a series shares, after its times, serialised once: SEQUENCE
// before the reader's SUMMARY and DESCRIPTION, LOCATION, ORGANIZER, ATTENDEE and STATUS after.
struct SharedProperties {
  std::string before_texts;
  std::string after_texts;
};

SharedProperties shared_properties(const Session& session) {
  const Series& series = *session.series;
  EventText before, after;
  before.add(icalproperty_new_sequence(series.sequence));
  const ReaderTexts none;
  after.add_texts(none);
  if (session.pair && !session.pair->location.empty())
    after.add(icalproperty_new_location(session.pair->location.c_str()));
  add_party(after, true, session.mentor, session.mentor_email);
  add_party(after, false, session.mentee, session.mentee_email);
  after.add(
      icalproperty_new_status(session.cancelled ? ICAL_STATUS_CANCELLED : ICAL_STATUS_CONFIRMED));
  std::array<std::string, kReaders> b, a;
  before.add_texts(none);
  before.append_to(b);
  after.append_to(a);
  const auto strip = [](const std::string& event) {
    constexpr std::string_view begin = "BEGIN:VEVENT\r\n", end = "END:VEVENT\r\n";
    return event.substr(begin.size(), event.size() - begin.size() - end.size());
  };
  return {strip(b[0]), strip(a[0])};
}

void add_common(EventText& event, const SharedProperties& shared, const ReaderTexts& texts) {
  event.add_serialised(shared.before_texts);
  event.add_texts(texts);
  event.add_serialised(shared.after_texts);
}

EventText new_event(const Series& series) {
  EventText event;
  event.add(icalproperty_new_uid(series.uid.c_str()));
  event.add(icalproperty_new_dtstamp(utc_value(series.dtstamp)));
  return event;
}

// A session's part of every feed that shows it: its VEVENTs, serialised for each reader, and the
// dates its zone's VTIMEZONE must cover for it: the program's, and those of every occurrence,
// which a cancelled series from an earlier pass may have outside them.
struct RenderedSession {
  std::string_view mentor_id;
  std::string_view zone;
  LocalDay first;
  LocalDay last;
  std::array<std::string, kReaders> events;
};

// The UID of one occurrence in a plain feed: the series' UID with the occurrence's date in the
// series zone before the '@', a date that moving the occurrence does not change.
std::string occurrence_uid(const Series& series, const Occurrence& occurrence) {
  const auto at = series.uid.rfind('@');
  const auto day = format_day(date::floor<date::days>(occurrence.nominal));  // "2027-01-13"
  const std::string digits = day.substr(0, 4) + day.substr(5, 2) + day.substr(8, 2);
  return series.uid.substr(0, at) + "-" + digits + series.uid.substr(at);
}

// Each reader's SUMMARY and DESCRIPTION of one event of a session: the program feed's from the
// anchor party's side, each person's from their own. A cancelled series says only that it is
// cancelled.
class SessionVoices {
 public:
  // The texts of `readers`; the others stay empty.
  SessionVoices(const Session& session, const Zone& zone, Readers readers = {})
      : session_(session), readers_(readers) {
    if (session.cancelled) return;
    mentor_readings_ = readings_of(*session.series, zone, session.mentor->zone);
    mentee_readings_ = readings_of(*session.series, zone, session.mentee->zone);
    const Party mentor{session.mentor, &*mentor_readings_, false};
    const Party mentee{session.mentee, &*mentee_readings_, false};
    const bool mentor_anchors = session.other == session.mentee;
    voices_[0] = mentor_anchors ? std::pair{mentor, mentee} : std::pair{mentee, mentor};
    voices_[1] = {Party{mentor.person, mentor.readings, true}, mentee};
    voices_[2] = {Party{mentee.person, mentee.readings, true}, mentor};
  }

  // The texts of the series' usual event.
  ReaderTexts series() const {
    return texts([&](const Party& first, const Party& second) {
      return series_description(session_, first, second);
    });
  }
  // The texts of a moved occurrence.
  ReaderTexts moved(const Zone& zone, const Occurrence& occurrence) const {
    return texts([&](const Party& first, const Party& second) {
      return moved_description(session_, zone, occurrence, first, second);
    });
  }

 private:
  template <typename Describe>
  ReaderTexts texts(const Describe& describe) const {
    ReaderTexts out;
    for (std::size_t r = readers_.first; r < readers_.end; ++r)
      out[r] =
          text_of(icalproperty_new_summary(summary_for(session_, static_cast<Reader>(r)).c_str())) +
          text_of(
              icalproperty_new_description(describe(voices_[r].first, voices_[r].second).c_str()));
    return out;
  }

  const Session& session_;
  Readers readers_;
  std::optional<Readings> mentor_readings_, mentee_readings_;
  std::array<std::pair<Party, Party>, kReaders> voices_;
};

// "DTSTART:20270113T150000Z\r\n": a property whose value is a UTC DATE-TIME (RFC 5545 3.3.5,
// form #2), written here rather than through libical because a plain feed has two for every
// occurrence (1.2 million on the L benchmark) and the line has one shape that needs neither
// escaping nor folding. Byte for byte what libical writes (tests/ical/feed_test.cpp).
std::string utc_line(std::string_view name, Instant t) {
  return std::string(name).append(":").append(format_utc_basic(t)).append("\r\n");
}

// "UID:...\r\n", written here when the UID needs neither escaping nor folding (letters, digits
// and "-._@+" only, on a line libical leaves whole: at most 72 octets), as utc_line is and for the
// same reason: a plain feed has one for every occurrence. Any other UID goes through libical.
std::string uid_line(const std::string& uid) {
  constexpr std::string_view kName = "UID:";
  constexpr std::size_t kLongestWhole = 72;
  const bool as_is =
      kName.size() + uid.size() <= kLongestWhole && std::all_of(uid.begin(), uid.end(), [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
               std::string_view("-._@+").find(c) != std::string_view::npos;
      });
  if (!as_is) return text_of(icalproperty_new_uid(uid.c_str()));
  return std::string(kName).append(uid).append("\r\n");
}

// What both forms of a session's events say to `readers`: the texts of its usual event and of
// each moved occurrence, and the properties all its events share. Made once for both forms when
// both are rendered: the readings behind the texts are a large part of the feeds' work.
struct SessionWords {
  SharedProperties shared;
  ReaderTexts usual;
  std::vector<ReaderTexts> moved;  // per moved occurrence, in the series' order
};

SessionWords words_of(const Session& session, Readers readers) {
  const Series& series = *session.series;
  const Zone zone = zone_of(series);
  const SessionVoices voices(session, zone, readers);
  SessionWords words{shared_properties(session), voices.series(), {}};
  for (const auto& occurrence : series.occurrences)
    if (occurrence.state == OccurrenceState::moved)
      words.moved.push_back(voices.moved(zone, occurrence));
  return words;
}

// A series in the plain form: each occurrence that takes place a VEVENT of its own, in UTC.
void render_plain_session(const Session& session, const SessionWords& words, Readers readers,
                          RenderedSession& rendered) {
  const Series& series = *session.series;
  const auto dtstamp = text_of(icalproperty_new_dtstamp(utc_value(series.dtstamp)));
  auto moved = words.moved.begin();
  for (const auto& occurrence : series.occurrences) {
    if (occurrence.state == OccurrenceState::skipped) continue;
    EventText event;
    event.add_serialised(uid_line(occurrence_uid(series, occurrence)));
    event.add_serialised(dtstamp);
    event.add_serialised(utc_line("DTSTART", occurrence.at.start));
    event.add_serialised(utc_line("DTEND", occurrence.at.end));
    add_common(event, words.shared,
               occurrence.state == OccurrenceState::moved ? *moved++ : words.usual);
    event.append_to(rendered.events, readers);
  }
}

// A session's events for `readers`, in the plain form when `plain`, from its words.
RenderedSession render_session(const Program& program, const Session& session,
                               const SessionWords& words, bool plain, Readers readers = {}) {
  const Series& series = *session.series;
  RenderedSession rendered{series.mentor_id, series.zone, program.start, program.end, {}};
  if (plain) {
    render_plain_session(session, words, readers, rendered);
    return rendered;
  }
  const Zone zone = zone_of(series);
  for (const auto& occurrence : series.occurrences) {
    for (const LocalDay day :
         {date::floor<date::days>(occurrence.nominal), local_day(zone, occurrence.at.start)}) {
      rendered.first = std::min(rendered.first, day);
      rendered.last = std::max(rendered.last, day);
    }
  }

  EventText master = new_event(series);
  master.add(with_tzid(icalproperty_new_dtstart(wall_clock_value(series.first)), zone.name()));
  master.add(zoned(icalproperty_new_dtend, zone, zone.to_instant(series.first) + series.duration));
  master.add(icalproperty_new_rrule(icalrecurrencetype_from_string(rrule(series).c_str())));
  for (const auto& occurrence : series.occurrences) {
    if (occurrence.state != OccurrenceState::skipped) continue;
    master.add(
        with_tzid(icalproperty_new_exdate(wall_clock_value(occurrence.nominal)), zone.name()));
  }
  add_common(master, words.shared, words.usual);
  master.append_to(rendered.events, readers);

  auto texts = words.moved.begin();
  for (const auto& occurrence : series.occurrences) {
    if (occurrence.state != OccurrenceState::moved) continue;
    EventText moved = new_event(series);
    moved.add(with_tzid(icalproperty_new_recurrenceid(wall_clock_value(occurrence.nominal)),
                        zone.name()));
    moved.add(zoned(icalproperty_new_dtstart, zone, occurrence.at.start));
    moved.add(zoned(icalproperty_new_dtend, zone, occurrence.at.end));
    add_common(moved, words.shared, *texts++);
    moved.append_to(rendered.events, readers);
  }
  return rendered;
}

RenderedSession render_session(const Program& program, const Session& session, bool plain,
                               Readers readers = {}) {
  return render_session(program, session, words_of(session, readers), plain, readers);
}

// Renders the feeds of one schedule, from any number of threads at once.
class FeedRenderer {
 public:
  FeedRenderer(const Program& program, const Schedule& schedule, const FeedOptions& options)
      : program_(program), index_(program, schedule), options_(options) {
    assert(options.refresh > Minutes{0});
    prepare_libical();
    head_ = "BEGIN:VCALENDAR\r\n" +
            text_of(icalproperty_new_prodid("-//mentorcal//mentorcal " MENTORCAL_VERSION "//EN")) +
            text_of(icalproperty_new_version("2.0")) +
            text_of(icalproperty_new_calscale("GREGORIAN")) +
            text_of(icalproperty_new_method(ICAL_METHOD_PUBLISH));
    const auto refresh = icaldurationtype_from_int(static_cast<int>(
        std::chrono::duration_cast<std::chrono::seconds>(options_.refresh).count()));
    icalproperty* refresh_interval = icalproperty_new_refreshinterval(refresh);
    icalproperty_add_parameter(refresh_interval, icalparameter_new_value(ICAL_VALUE_DURATION));
    refresh_ =
        text_of(refresh_interval) +
        text_of(x_property("X-PUBLISHED-TTL", take(icaldurationtype_as_ical_string_r(refresh))));
  }

  const SessionIndex& index() const { return index_; }

  // The feed of `person_id` alone, in the plain form when `plain`, each of its sessions rendered
  // for that reader only: from `words`, when given, each session's words for every reader in
  // index().sessions() order.
  std::string render_alone(std::string_view person_id, bool plain,
                           const std::vector<SessionWords>* words = nullptr) {
    std::vector<RenderedSession> rendered;
    for (const std::size_t i : index_.of(person_id)) {
      const Session& session = index_.sessions()[i];
      const auto readers = only(reader_of(person_id, session.series->mentor_id));
      rendered.push_back(words ? render_session(program_, session, (*words)[i], plain, readers)
                               : render_session(program_, session, plain, readers));
    }
    std::vector<const RenderedSession*> sessions;
    for (const auto& session : rendered) sessions.push_back(&session);
    return render(person_id, sessions, plain);
  }

  // The feed of `person_id` from its sessions, rendered, in the order index().of gives them.
  std::string render(std::string_view person_id,
                     const std::vector<const RenderedSession*>& sessions, bool plain) {
    std::map<std::string_view, std::pair<LocalDay, LocalDay>> spans;
    for (const auto* session : sessions) {
      const auto [span, added] = spans.try_emplace(session->zone, session->first, session->last);
      if (added) continue;
      span->second.first = std::min(span->second.first, session->first);
      span->second.second = std::max(span->second.second, session->last);
    }
    const std::string name = calendar_name(person_id);
    // libical writes a calendar's properties in the order they are added, then its VTIMEZONEs
    // (the feeds add them in order of TZID), then its events.
    // libical escapes backslashes and line breaks in X- properties but leaves commas alone,
    // which is what clients that read X-WR-CALNAME verbatim show best.
    std::string properties = head_ + text_of(icalproperty_new_name(name.c_str())) +
                             text_of(x_property("X-WR-CALNAME", name)) + refresh_;
    std::vector<const std::string*> parts{&properties};
    if (!plain)
      for (const auto& span : spans) parts.push_back(&vtimezone(span.first, span.second));
    for (const auto* session : sessions) {
      const Reader reader = reader_of(person_id, session->mentor_id);
      parts.push_back(&session->events[static_cast<std::size_t>(reader)]);
    }
    static const std::string end = "END:VCALENDAR\r\n";
    parts.push_back(&end);

    std::size_t size = 0;
    for (const auto* part : parts) size += part->size();
    std::string feed;
    feed.reserve(size);
    for (const auto* part : parts) feed += *part;
    return feed;
  }

 private:
  const std::string& vtimezone(std::string_view zone_name, std::pair<LocalDay, LocalDay> span) {
    const std::lock_guard lock{vtimezones_mutex_};
    const auto key = std::make_tuple(std::string{zone_name}, span.first, span.second);
    auto it = vtimezones_.find(key);
    if (it == vtimezones_.end()) {
      const Zone zone = Zone::find(zone_name).value();
      it = vtimezones_.emplace(key, text_of(build_vtimezone(zone, span.first, span.second))).first;
    }
    return it->second;
  }

  std::string calendar_name(std::string_view person_id) const {
    if (!options_.calendar_name.empty()) return options_.calendar_name;
    const Person* person = person_id.empty() ? nullptr : index_.person(person_id);
    return person ? program_.name + ": " + person->name : program_.name;
  }

  const Program& program_;
  SessionIndex index_;
  const FeedOptions& options_;
  // The calendar's properties before its name, and its refresh properties after it.
  std::string head_;
  std::string refresh_;
  // VTIMEZONEs by zone and span: inferring a zone's rules is the costly part of a small feed.
  std::mutex vtimezones_mutex_;
  std::map<std::tuple<std::string, LocalDay, LocalDay>, std::string> vtimezones_;
};

}  // namespace

std::string render_feed(const Program& program, const Schedule& schedule,
                        std::string_view person_id, const FeedOptions& options) {
  FeedRenderer renderer(program, schedule, options);
  return renderer.render_alone(person_id, options.plain);
}

namespace {

enum class Forms { usual, plain, both };

void render_forms(const Program& program, const Schedule& schedule, const FeedOptions& options,
                  Forms forms, const FeedsInBothForms& each) {
  FeedRenderer renderer(program, schedule, options);
  const SessionIndex& index = renderer.index();
  const auto& sessions = index.sessions();
  std::vector<std::string_view> people;
  for (const auto& person : index.by_person()) people.push_back(person.first);
  // Each session's words for every reader, made with its usual events, when both forms use them.
  std::vector<SessionWords> words(forms == Forms::both ? sessions.size() : 0);
  if (forms != Forms::plain) {
    // The program feed first: the largest, it should not be the one left at the end.
    std::vector<std::string_view> ids{""};
    ids.insert(ids.end(), people.begin(), people.end());
    std::vector<RenderedSession> rendered(sessions.size());
    for_each_index_in_parallel(rendered.size(), [&](std::size_t i) {
      if (words.empty()) {
        rendered[i] = render_session(program, sessions[i], false);
        return;
      }
      words[i] = words_of(sessions[i], {});
      rendered[i] = render_session(program, sessions[i], words[i], false);
    });
    for_each_index_in_parallel(ids.size(), [&](std::size_t i) {
      std::vector<const RenderedSession*> shown;
      for (const std::size_t session : index.of(ids[i])) shown.push_back(&rendered[session]);
      each(std::string(ids[i]), renderer.render(ids[i], shown, false), false);
    });
  }
  // A plain feed shares no event with another feed (each person reads their sessions in their
  // own words): each is rendered alone, its memory used again for the next, rather than every
  // session's events made first and held at once. It has no program feed.
  if (forms != Forms::usual)
    for_each_index_in_parallel(people.size(), [&](std::size_t i) {
      each(std::string(people[i]),
           renderer.render_alone(people[i], true, words.empty() ? nullptr : &words), true);
    });
}

}  // namespace

void render_feeds(const Program& program, const Schedule& schedule, const FeedOptions& options,
                  const std::function<void(const std::string& id, std::string feed)>& each) {
  render_forms(program, schedule, options, options.plain ? Forms::plain : Forms::usual,
               [&](const std::string& id, std::string feed, bool) { each(id, std::move(feed)); });
}

void render_feeds_in_both_forms(const Program& program, const Schedule& schedule,
                                const FeedOptions& options, const FeedsInBothForms& each) {
  render_forms(program, schedule, options, Forms::both, each);
}

std::map<std::string, std::string> render_feeds(const Program& program, const Schedule& schedule,
                                                const FeedOptions& options) {
  std::map<std::string, std::string> by_id;
  std::mutex lock;
  render_feeds(program, schedule, options, [&](const std::string& id, std::string feed) {
    const std::lock_guard hold(lock);
    by_id.emplace(id, std::move(feed));
  });
  return by_id;
}

}  // namespace mentorcal

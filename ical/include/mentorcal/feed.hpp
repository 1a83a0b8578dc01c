// Feeds: a Schedule as the iCalendar text that Outlook, Google, Apple and Thunderbird subscribe
// to. One VEVENT per series with its RRULE, EXDATEs for skipped occurrences, an overriding VEVENT
// per moved occurrence, and a VTIMEZONE for every zone the series use, built from the tz database
// the engine schedules with. The same inputs always give the same bytes: nothing reads the clock.
//
//   std::string all = mentorcal::render_feed(program, schedule, "", {});
//   std::string ana = mentorcal::render_feed(program, schedule, "m-01", {.refresh = 30min});
//
// docs/ICAL.md ("Feeds") says what each client makes of these choices.
#pragma once

#include <functional>
#include <map>
#include <string>
#include <string_view>

#include "mentorcal/program.hpp"
#include "mentorcal/schedule.hpp"
#include "mentorcal/time.hpp"

namespace mentorcal {

struct FeedOptions {
  // X-WR-CALNAME and NAME. Empty: the program's name, followed by the person's name in a
  // person's feed ("Acme Senior Mentorship 2027: Ana Souza").
  std::string calendar_name;
  // How often clients should poll: REFRESH-INTERVAL and X-PUBLISHED-TTL. Positive.
  Minutes refresh{60};
  // The plain form, for clients that ignore TZID or recurrence: each occurrence that takes
  // place its own VEVENT in UTC, without RRULE, EXDATE, RECURRENCE-ID or VTIMEZONE, its UID the
  // series' with the occurrence's date in the series zone
  // ("acme-2027-m-01-e-01-20270113@mentorcal"). The same instants, SUMMARY, DESCRIPTION, LOCATION,
  // ORGANIZER and ATTENDEE as the usual form. People's feeds only: render_feeds gives no program
  // feed in this form, and render_feed's program feed is empty of events.
  bool plain = false;
};

// The feed of person `person_id`: the sessions where they are mentor or mentee, including the
// series that this pass cancelled. With `person_id` empty, the program feed with every session.
// An id that is in no session gives a valid calendar without events.
//
// `schedule.pairs` must be in `program.pairs` order (as the engine makes it); the pair supplies
// focus and location, the people their names, emails and zones.
std::string render_feed(const Program& program, const Schedule& schedule,
                        std::string_view person_id, const FeedOptions& options);

// Every feed of the schedule at once: each person with a session (or a cancelled one) by id,
// and the program feed under the empty id. Same bytes as render_feed for each, in a fraction of
// the time for a large cohort: each session is serialised once for all the feeds that show it,
// and the work is spread over the hardware threads.
std::map<std::string, std::string> render_feeds(const Program& program, const Schedule& schedule,
                                                const FeedOptions& options);
// The same feeds, each handed to `each` as soon as it is made, so that a caller that writes them
// never holds them all: called from the rendering threads, several at once.
void render_feeds(const Program& program, const Schedule& schedule, const FeedOptions& options,
                  const std::function<void(const std::string& id, std::string feed)>& each);

// Every feed in both forms: those of render_feeds without options.plain, then those of
// render_feeds with it (options.plain is not read), each handed to `each` with `plain` saying its
// form, as soon as it is made and from several threads at once. The same bytes as the two calls,
// with less work: what a session's events say (the readings of its times, SUMMARY, DESCRIPTION,
// the properties its events share) is made once for both forms.
using FeedsInBothForms = std::function<void(const std::string& id, std::string feed, bool plain)>;
void render_feeds_in_both_forms(const Program& program, const Schedule& schedule,
                                const FeedOptions& options, const FeedsInBothForms& each);

// The VTIMEZONE for `zone`, exact for every instant of the calendar years that [first, last]
// touches. Zones whose offsets follow one yearly rule there get a 1970-based STANDARD/DAYLIGHT
// pair of yearly RRULEs (the only form Outlook reads); zones without changes one STANDARD; other
// zones one observance per offset change, listed with RDATEs. Its TZID is the bare IANA name.
std::string render_vtimezone(const Zone& zone, LocalDay first, LocalDay last);

}  // namespace mentorcal

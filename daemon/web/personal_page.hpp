// A person's page (/me): their sessions in their own zone with the other party's time, their
// load against their limits, subscribe links, their blocks with undo, and the form to block
// time with Preview and Block. Rendering is a function of plain data: the service gathers it
// under its locks and sends the text.
//
//   web::PersonalPage page{.program = program, .me = person, ...};
//   std::string html = web::render_personal_page(page);
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "mentorcal/program.hpp"
#include "mentorcal/schedule.hpp"
#include "mentorcal/solver.hpp"
#include "store.hpp"

namespace mentorcal::daemon::web {

// One series of the person's, with the other party.
struct SessionSeries {
  const Series* series = nullptr;
  const Pair* pair = nullptr;
  const Person* other = nullptr;
};

// A series that a block would leave (or left) below its pair's min_held.
struct BelowMinHeld {
  std::string uid;
  int held = 0;
  std::size_t occurrences = 0;
  double min_held = 0;  // share of the occurrences that must be held
};

// The block form as the person filled it in, what was wrong with it, and what Preview found.
struct BlockForm {
  std::string from, from_time, to, to_time, reason;  // as typed: dates YYYY-MM-DD, times HH:MM
  std::vector<std::pair<std::string, std::string>> errors;  // field id, what to do
  bool previewed = false;
  std::vector<Replanned> changes;  // of a preview
  std::vector<BelowMinHeld> below;
  bool replanned = true;  // false while the schedule waits for a pass
};

struct PersonalPage {
  const Program* program = nullptr;
  const Person* me = nullptr;
  std::vector<SessionSeries> sessions;  // empty before the first pass
  std::vector<StoredBlock> blocks;      // the person's
  std::string feed_url;                 // http(s)://.../feeds/<token>.ics
  std::string csrf;
  LocalDay today;              // in the person's zone
  bool month = false;          // the month view instead of the week view
  std::optional<LocalDay> at;  // the day the week or month view shows; else today's
  std::string notice;          // what the last action did, in words
  BlockForm form;
};

std::string render_personal_page(const PersonalPage& page);

// The block the form asks for, in `zone`: From's day (at its time, else its start) to To's day
// (at its time, else its end), both inclusive. nullopt with `form.errors` filled when the dates
// or times are missing, malformed or out of order.
std::optional<Interval> block_interval(BlockForm& form, const Zone& zone);

}  // namespace mentorcal::daemon::web

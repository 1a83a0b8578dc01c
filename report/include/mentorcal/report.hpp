// Reports: what a coordinator reads, keeps and sends on after a pass, made from the same Schedule
// as the feeds. One tally of the sessions that take place gives every figure; sessions.csv,
// load.csv and report.html are three views of it (docs/FORMAT.md, "Reports").
//
//   const auto figures = mentorcal::tally(program, schedule);
//   files["load.csv"] = mentorcal::load_csv(figures);
//   files["sessions.csv"] = mentorcal::sessions_csv(program, schedule);
//   files["report.html"] = mentorcal::report_html(program, schedule, summarize(program, schedule),
//                                                 figures, changes_since(previous, schedule),
//                                                 true);
#pragma once

#include <array>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "mentorcal/program.hpp"
#include "mentorcal/schedule.hpp"
#include "mentorcal/summary.hpp"

namespace mentorcal {

// Sessions that take place (held or moved; a skipped one does not) and their minutes.
struct Tally {
  int sessions = 0;
  Minutes minutes{0};
  friend bool operator==(const Tally&, const Tally&) = default;
};

// One person's sessions, by ISO week (its Monday) and calendar month (its first day) of their
// own zone, and over the whole term.
struct PersonLoad {
  const Person* person = nullptr;
  std::map<LocalDay, Tally> weeks;
  std::map<LocalDay, Tally> months;
  Tally term;
};

// When the sessions of a zone's people take place, by their own clock: a session counts once for
// each party, in each party's zone.
struct ZoneHours {
  std::string zone;
  std::array<int, 7> by_weekday{};  // Monday first
  std::array<int, 24> by_hour{};    // by the local hour the session starts in
};

struct ReportFigures {
  std::vector<PersonLoad> people;  // everyone with a session that takes place, program order
  std::vector<ZoneHours> zones;    // sorted by zone name
};

ReportFigures tally(const Program& program, const Schedule& schedule);

// One row per occurrence of every scheduled pair (RFC 4180, CRLF), pairs.csv order.
std::string sessions_csv(const Program& program, const Schedule& schedule);
// One row per person and ISO week of their own zone in which they have a session.
std::string load_csv(const ReportFigures& figures);

// The summary as JSON: the counts, the mentors at a limit, fairness by zone, the unplaced pairs
// and the changes since the previous pass, with names beside ids.
std::string summary_json(const Program& program, const Schedule& schedule,
                         const PassSummary& summary, const std::vector<SeriesChange>& changes);

// report.html: one self-contained page (inline CSS and SVG, no script, nothing fetched).
// `summary` is summarize(program, schedule), `figures` tally(program, schedule), `changes`
// changes_since(previous, schedule); `had_previous` says whether there was a previous pass.
std::string report_html(const Program& program, const Schedule& schedule,
                        const PassSummary& summary, const ReportFigures& figures,
                        const std::vector<SeriesChange>& changes, bool had_previous);

// `text` with &, <, >, " and ' replaced by entities: every program text reaches HTML this way.
std::string html_escape(std::string_view text);

}  // namespace mentorcal

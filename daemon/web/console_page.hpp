// The coordinator's console: the sign-in form, the list of programs, and each program's state:
// the pass summary, unplaced pairs with reasons and relaxations, alerts, each mentor's load
// against their limits as charts, a pass to run, and each person's feed URL and personal link.
// Functions of plain data, like personal_page.hpp.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "mentorcal/program.hpp"
#include "mentorcal/schedule.hpp"
#include "mentorcal/summary.hpp"

namespace mentorcal::daemon::web {

std::string render_sign_in(const std::string& error);

struct ProgramListEntry {
  std::string id;
  std::string name;  // empty when the stored program no longer loads
  std::size_t people = 0;
  std::size_t pairs = 0;
  bool published = false;
};
std::string render_program_list(const std::vector<ProgramListEntry>& programs,
                                const std::string& csrf);

struct PersonLinks {
  const Person* person = nullptr;
  std::string feed_url;
  std::string manage_url;
};

struct ConsolePage {
  // People are shown a page at a time (links and load charts): a program of 40,000 people would
  // otherwise make a page of tens of megabytes.
  static constexpr std::size_t kPeoplePerPage = 100;

  const Program* program = nullptr;
  const Schedule* schedule = nullptr;    // published and current; null otherwise
  const PassSummary* summary = nullptr;  // summarize(*program, *schedule) when there is one
  bool waits_for_pass = false;           // the files changed after the published pass
  std::optional<std::int64_t> published_pass;
  std::size_t blocks = 0;
  std::size_t first_person = 0;     // index into program->people of the page's first person
  std::vector<PersonLinks> people;  // from first_person on, at most kPeoplePerPage
  std::string csrf;
  std::string notice;  // what the last action did
  // The last proposal (a pass run with publish: false), summarised beside the published one,
  // and what it would change for whom: by pair, in words ("3 of 26 sessions at other times").
  std::optional<PassSummary> proposal;
  std::optional<std::int64_t> proposal_pass;
  struct PairChange {
    std::string mentor_id, mentee_id, what;
  };
  std::vector<PairChange> proposal_changes;
};
std::string render_console(const ConsolePage& page);

}  // namespace mentorcal::daemon::web

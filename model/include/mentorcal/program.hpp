// A mentorship program: the people, their hours and limits, the pairs and how often they meet.
// This is the problem the solver solves. `load_program` (mentorcal/ical.hpp) builds a complete
// one, calendars included, from a program directory or the same files held in memory, and
// reports every problem in them at once:
//
//   auto loaded = mentorcal::load_program_dir("samples/acme-2027");
//   for (const auto& d : loaded.diagnostics.all()) std::cerr << d.to_string() << '\n';
//   if (loaded.program) schedule(*loaded.program, ...);
#pragma once

#include <filesystem>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "mentorcal/availability.hpp"
#include "mentorcal/diagnostics.hpp"
#include "mentorcal/time.hpp"

namespace mentorcal {

enum class Role { mentor, mentee };
enum class Anchor { mentor, mentee };

// Executive limits. An absent limit does not constrain. Days, weeks (ISO, Monday first) and
// months are the person's own local ones.
struct Limits {
  std::optional<int> max_sessions_per_day;
  std::optional<int> max_sessions_per_week;
  std::optional<int> max_minutes_per_week;
  std::optional<int> max_minutes_per_month;
  int buffer_minutes = 0;  // free time kept before and after each session, >= 0
  friend bool operator==(const Limits&, const Limits&) = default;
};

// What `mentorcal match` reads of a person: people.csv's profile columns (docs/FORMAT.md). Lists
// keep their items as written, trimmed; matching compares them case-insensitively.
struct Profile {
  std::optional<int> capacity;      // mentors: most mentees; nullopt: [matching] capacity
  std::vector<std::string> skills;  // mentors: what they can help with
  std::vector<std::string> goals;   // mentees: what they want help with
  std::vector<std::string> languages;
  std::string department;
  std::optional<int> level;          // seniority grade, for min_level_gap
  std::vector<std::size_t> prefers;  // mentees: mentors (indices into Program::people), first best
  std::vector<std::size_t> avoid;    // indices into Program::people: never paired with these
  friend bool operator==(const Profile&, const Profile&) = default;
};

struct Person {
  std::string id;  // unique in the program
  std::string name;
  std::string email;
  Role role = Role::mentee;
  Zone zone = Zone::utc();
  WorkingHours working_hours;
  Limits limits;
  // Relative path of the person's calendar export inside the program, empty when none; and
  // its text as read. Busy time and availability come from it through the ical library.
  std::string calendar_file;
  std::string calendar_text;
  // Filled by the ical library from `calendar_text`, bounded by the program's dates: busy
  // intervals (sorted, disjoint), and, when the export has a VAVAILABILITY, the intervals it
  // makes available, which then replace `working_hours`.
  std::vector<Interval> busy;
  std::optional<std::vector<Interval>> availability;
  Profile profile;
  int line = 0;  // row in people.csv, for messages
};

// How often a pair meets. `every_weeks` N: one session every N weeks on a fixed weekday
// (weekly N = 1, biweekly N = 2). `monthly`: once a month on the Nth weekday of the month
// (N in 1..4, so that every month has it), e.g. the 2nd Tuesday; RRULE FREQ=MONTHLY;BYDAY=2TU.
struct Cadence {
  enum class Kind { every_weeks, monthly };
  Kind kind = Kind::every_weeks;
  int weeks = 2;  // for every_weeks, 1..52

  static std::optional<Cadence> parse(std::string_view text);
  std::string to_string() const;  // "weekly", "biweekly", "every 3 weeks", "monthly"
  friend bool operator==(const Cadence&, const Cadence&) = default;
};

// How many occurrences min_held is a share of, for a series whose rule makes `rule_instances`
// between `start` and `end`: those instances for every-N-weeks cadences; for monthly ones, the
// calendar months of which at least seven days (so every weekday) lie between `start` and
// `end`, whichever weekday rule the series uses (2027-01-11 to 2027-06-30: six).
std::size_t cadence_occurrences(const Cadence& cadence, LocalDay start, LocalDay end,
                                std::size_t rule_instances);

// A pair's terms when pairs.csv does not say: program.toml's [pair].
struct PairTerms {
  Cadence cadence;
  Minutes duration{45};
  double min_held = 0.9;
};

// program.toml's [matching]: how `mentorcal match` scores and restricts mentor-mentee pairs.
struct MatchingSettings {
  int capacity = 3;         // mentor capacity when people.csv gives none, 0..100
  int goal_weight = 10;     // per mentee goal that is one of the mentor's skills
  int language_weight = 5;  // when the two share a language
  std::vector<int> preference_weights{30, 20, 10};  // the mentee's 1st, 2nd... choice
  bool require_common_language = false;             // hard: no pair without a shared language
  bool avoid_same_department = false;               // hard: never two people of one department
  std::optional<int> min_level_gap;  // hard when present: mentor level - mentee level >= it
};

struct Pair {
  std::size_t mentor = 0;  // index into Program::people, role mentor
  std::size_t mentee = 0;  // index into Program::people, role mentee
  Cadence cadence;
  Minutes duration{45};
  double min_held = 0.9;  // share of the cadence's occurrences in the term that must be held
  std::string focus;
  std::string location;
  int line = 0;  // row in pairs.csv
};

struct Program {
  std::string id;  // [a-z0-9-]+
  std::string name;
  LocalDay start;           // first local date a session may take place (anchor party's zone)
  LocalDay end;             // last local date, inclusive
  Minutes granularity{15};  // divides 60
  Anchor anchor = Anchor::mentor;
  std::vector<LocalDay> blackouts;  // sorted, unique; each party's own local date
  std::vector<Person> people;
  std::vector<Pair> pairs;
  PairTerms pair_defaults;
  MatchingSettings matching;

  const Person& mentor_of(const Pair& p) const { return people[p.mentor]; }
  const Person& mentee_of(const Pair& p) const { return people[p.mentee]; }
  const Person& anchor_of(const Pair& p) const {
    return anchor == Anchor::mentor ? mentor_of(p) : mentee_of(p);
  }
  const Person& other_of(const Pair& p) const {
    return anchor == Anchor::mentor ? mentee_of(p) : mentor_of(p);
  }
};

// `program` without its people and pairs: its term and settings, for a part of it to which the
// caller adds some people and the pairs between them.
Program without_people(const Program& program);

// The program with just `pairs` (their people indices into program.people) and their people, in
// the order of program.people: everything a schedule pass reads of them. A person keeps all but
// their profile (its ids index the whole program) and their calendar's text (its busy time and
// availability are kept).
Program part_of(const Program& program, std::span<const Pair> pairs);

// The time the solver and the calendars look at: the program's dates widened by two days on each
// side, from 00:00 UTC of `start` - 2 days to 00:00 UTC of `end` + 3 days. Local days and UTC
// days differ by at most a day either way, so every zone's local days of the term lie inside.
inline Interval term_window(const Program& program) {
  const auto utc_day = [](LocalDay d) { return date::sys_days{d.time_since_epoch()}; };
  return {utc_day(program.start - date::days{2}), utc_day(program.end + date::days{3})};
}

// The files of a program directory, wherever they are kept (a directory, a JSON body). `read`
// returns the text of a calendar file named relative to the program ("calendars/m-01.ics"), or
// nullopt when there is none; the loader calls it from several threads at once, one call per
// calendar. `label` prefixes file names in messages ("acme/").
struct ProgramSources {
  std::string label;
  std::optional<std::string> program_toml;
  std::optional<std::string> people_csv;
  std::optional<std::string> pairs_csv;
  std::function<std::optional<std::string>(const std::string& relative)> read;
};

struct LoadedProgram {
  std::optional<Program> program;  // present exactly when diagnostics has no error
  Diagnostics diagnostics;
  // When there are errors: what did load (the people whose rows read, the dates when valid),
  // so that their calendars can be checked in the same run.
  Program partial;
};

// Reads and checks program.toml, people.csv and pairs.csv, and fetches the calendar files they
// name into Person::calendar_text, unread: the model knows no iCalendar. A program to schedule
// comes from `load_program` (mentorcal/ical.hpp), which reads the calendars too.
LoadedProgram read_program(const ProgramSources& sources);
// A program id: 1 to 64 of a-z, 0-9 and '-' (it names URLs and files).
bool is_program_id(std::string_view id);
// A path that stays inside the program directory, as a `calendar` cell or a file of a program
// sent over HTTP: relative, '/'-separated, no empty, "." or ".." segment, no '\\' or NUL.
bool is_path_inside_program(std::string_view path);
// The whole text of a regular file, or nullopt when there is none or it cannot be read.
std::optional<std::string> read_text_file(const std::filesystem::path& path);
// The files of PROGRAM_DIR: program.toml, people.csv and pairs.csv read, the calendars read when
// asked for.
ProgramSources program_dir_sources(const std::filesystem::path& dir);

}  // namespace mentorcal

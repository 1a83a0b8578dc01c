// mentorcal-generate: writes a synthetic program directory in the format of the product contract
// (program.toml, people.csv, pairs.csv, calendars/<id>.ics), for benchmarks and load tests.
//
//   mentorcal-generate --out /tmp/L --mentors 10000 --mentees-per-mentor 3 --weeks 26 --seed 1
//
// The same arguments give byte-identical files on every platform. std::mt19937_64 is the only
// source of randomness: the standard fixes its output, but not that of
// std::uniform_int_distribution and friends, so the mapping to ranges is our own. The zone rules
// are built in too, because the machine's tz database differs from host to host.
#include <CLI/CLI.hpp>
#include <algorithm>
#include <array>
#include <cerrno>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <initializer_list>
#include <iostream>
#include <optional>
#include <random>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;
using std::chrono::days;
using std::chrono::minutes;
using std::chrono::weekday;
using LocalDay = std::chrono::local_days;
using LocalMinute = std::chrono::local_time<minutes>;
using Instant = std::chrono::sys_time<minutes>;

// Maps a std::mt19937_64 stream onto ranges, identically everywhere.
class Draw {
 public:
  explicit Draw(std::uint64_t seed) : engine_(seed) {}

  // Uniform in [0, n), n > 0. Values below 2^64 mod n are redrawn so that every result is equally
  // likely.
  std::uint64_t below(std::uint64_t n) {
    const std::uint64_t threshold = (0 - n) % n;
    for (;;) {
      const std::uint64_t r = engine_();
      if (r >= threshold) return r % n;
    }
  }
  int between(int low, int high) {  // inclusive
    return low + static_cast<int>(below(static_cast<std::uint64_t>(high - low) + 1));
  }
  bool one_in(int n) { return below(static_cast<std::uint64_t>(n)) == 0; }
  bool percent(int p) { return below(100) < static_cast<std::uint64_t>(p); }

  // An index into `weights`, each chosen in proportion to its weight.
  std::size_t weighted(std::span<const int> weights) {
    int total = 0;
    for (int w : weights) total += w;
    int r = static_cast<int>(below(static_cast<std::uint64_t>(total)));
    std::size_t i = 0;
    while (r >= weights[i]) r -= weights[i++];
    return i;
  }
  template <class T, std::size_t N>
  const T& among(const std::array<T, N>& items) {
    return items[below(N)];
  }

 private:
  std::mt19937_64 engine_;
};

// Independent streams for the cohort and for each calendar, so that another --busy-per-week
// leaves people and pairs as they were. splitmix64, which spreads neighbouring stream numbers.
std::uint64_t stream_seed(std::uint64_t seed, std::uint64_t stream) {
  std::uint64_t z = seed + (stream + 1) * 0x9E3779B97F4A7C15ULL;
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
  return z ^ (z >> 31);
}

// A yearly clock change as the tz database writes it ("Sun>=8"): on the first `day` on or after
// `on_or_after` of `month`, at `at` on the clock before the change.
struct ClockChange {
  unsigned month = 0;
  unsigned on_or_after = 0;
  weekday day;
  minutes at{0};
};

// A zone's rules in force in 2027: enough to place daytime events in UTC and to write the zone's
// VTIMEZONE.
struct ZoneRules {
  std::string_view name;
  minutes standard;  // UTC offset
  std::string_view standard_abbrev;
  minutes daylight;  // UTC offset in summer time; equal to `standard` where there is none
  std::string_view daylight_abbrev;
  ClockChange to_daylight;
  ClockChange to_standard;
  bool sunday_week = false;  // the working week is Sunday to Thursday

  bool has_daylight() const { return daylight != standard; }
};

constexpr ClockChange kUsSpring{3, 8, std::chrono::Sunday, 2h};
constexpr ClockChange kUsFall{11, 1, std::chrono::Sunday, 2h};
constexpr ClockChange kUkSpring{3, 25, std::chrono::Sunday, 1h};
constexpr ClockChange kUkFall{10, 25, std::chrono::Sunday, 2h};
constexpr ClockChange kEuSpring{3, 25, std::chrono::Sunday, 2h};
constexpr ClockChange kEuFall{10, 25, std::chrono::Sunday, 3h};
constexpr ClockChange kIsraelSpring{3, 23, std::chrono::Friday, 2h};
constexpr ClockChange kIsraelFall{10, 25, std::chrono::Sunday, 2h};
constexpr ClockChange kAuSpring{10, 1, std::chrono::Sunday, 2h};
constexpr ClockChange kAuFall{4, 1, std::chrono::Sunday, 3h};
constexpr ClockChange kLordHoweFall{4, 1, std::chrono::Sunday, 2h};
constexpr ClockChange kNoChange{};

constexpr std::array kZones = {
    ZoneRules{"America/New_York", -5h, "EST", -4h, "EDT", kUsSpring, kUsFall},
    ZoneRules{"America/Chicago", -6h, "CST", -5h, "CDT", kUsSpring, kUsFall},
    ZoneRules{"America/Los_Angeles", -8h, "PST", -7h, "PDT", kUsSpring, kUsFall},
    ZoneRules{"America/Sao_Paulo", -3h, "-03", -3h, "", kNoChange, kNoChange},
    ZoneRules{"America/Toronto", -5h, "EST", -4h, "EDT", kUsSpring, kUsFall},
    ZoneRules{"Europe/London", 0h, "GMT", 1h, "BST", kUkSpring, kUkFall},
    ZoneRules{"Europe/Berlin", 1h, "CET", 2h, "CEST", kEuSpring, kEuFall},
    ZoneRules{"Europe/Paris", 1h, "CET", 2h, "CEST", kEuSpring, kEuFall},
    ZoneRules{"Asia/Jerusalem", 2h, "IST", 3h, "IDT", kIsraelSpring, kIsraelFall, true},
    ZoneRules{"Asia/Kolkata", 5h + 30min, "IST", 5h + 30min, "", kNoChange, kNoChange},
    ZoneRules{"Asia/Kathmandu", 5h + 45min, "+0545", 5h + 45min, "", kNoChange, kNoChange},
    ZoneRules{"Asia/Singapore", 8h, "+08", 8h, "", kNoChange, kNoChange},
    ZoneRules{"Asia/Tokyo", 9h, "JST", 9h, "", kNoChange, kNoChange},
    ZoneRules{"Australia/Sydney", 10h, "AEST", 11h, "AEDT", kAuSpring, kAuFall},
    ZoneRules{"Australia/Lord_Howe", 10h + 30min, "+1030", 11h, "+11", kAuSpring, kLordHoweFall},
};
// Relative share of people in each zone of kZones, like a multinational's workforce: most in
// New York, London and Bangalore, a handful in Kathmandu and on Lord Howe Island.
constexpr std::array<int, kZones.size()> kZoneWeights = {140, 60,  80, 50, 40, 120, 80, 60,
                                                         30,  120, 8,  60, 50, 50,  2};

LocalDay change_day(const ClockChange& change, std::chrono::year year) {
  const LocalDay from{year / std::chrono::month{change.month} /
                      std::chrono::day{change.on_or_after}};
  return from + (change.day - weekday{from});
}

// The UTC offset during the working hours of `date`. Clocks change at night, so the date alone
// decides, and a daytime reading is never in a gap or an overlap.
minutes offset_on(const ZoneRules& zone, LocalDay date) {
  if (!zone.has_daylight()) return zone.standard;
  const auto year = std::chrono::year_month_day{date}.year();
  const LocalDay on = change_day(zone.to_daylight, year);
  const LocalDay off = change_day(zone.to_standard, year);
  // Southern zones begin summer time late in the year and end it early in the next.
  const bool summer = on < off ? on <= date && date < off : date >= on || date < off;
  return summer ? zone.daylight : zone.standard;
}

Instant to_utc(const ZoneRules& zone, LocalMinute local) {
  return Instant{local.time_since_epoch() - offset_on(zone, std::chrono::floor<days>(local))};
}

// Minutes after local midnight.
struct Window {
  int start;
  int end;
};

// A person's working week: the text for people.csv (empty for the program default) and each
// weekday's windows, Sunday first, which busy events are placed in.
struct WorkingWeek {
  std::string text;
  std::array<std::vector<Window>, 7> days;
};

constexpr std::array<std::string_view, 7> kDayNames = {"Sun", "Mon", "Tue", "Wed",
                                                       "Thu", "Fri", "Sat"};
constexpr std::array<std::string_view, 7> kRuleDays = {"SU", "MO", "TU", "WE", "TH", "FR", "SA"};
constexpr std::string_view kDefaultHours = "Mon-Fri 09:00-17:00";

void append_digits(std::string& out, long value, int width) {
  char buffer[24];
  int n = 0;
  do {
    buffer[n++] = static_cast<char>('0' + value % 10);
    value /= 10;
  } while (value > 0);
  for (int i = n; i < width; ++i) out += '0';
  while (n > 0) out += buffer[--n];
}

std::string clock_text(int minutes_after_midnight) {
  std::string text;
  append_digits(text, minutes_after_midnight / 60, 2);
  text += ':';
  append_digits(text, minutes_after_midnight % 60, 2);
  return text;
}

std::string windows_text(std::span<const Window> windows) {
  std::string text;
  for (const Window& w : windows) {
    if (!text.empty()) text += ',';
    text += clock_text(w.start) + '-' + clock_text(w.end);
  }
  return text;
}

enum class HoursPattern { standard, early, late, short_last_day, lunch_break };
constexpr std::array<int, 5> kHoursPatternWeights = {70, 8, 8, 7, 7};

// Five working days from Monday, or from Sunday where the week is Sunday to Thursday.
WorkingWeek working_week(HoursPattern pattern, bool sunday_week) {
  const unsigned first = sunday_week ? 0 : 1;
  const unsigned last = first + 4;
  std::vector<Window> day;
  switch (pattern) {
    case HoursPattern::standard:
    case HoursPattern::short_last_day:
      day = {{9 * 60, 17 * 60}};
      break;
    case HoursPattern::early:
      day = {{8 * 60, 16 * 60}};
      break;
    case HoursPattern::late:
      day = {{10 * 60, 18 * 60}};
      break;
    case HoursPattern::lunch_break:
      day = {{9 * 60, 12 * 60 + 30}, {13 * 60 + 30, 17 * 60 + 30}};
  }
  WorkingWeek week;
  for (unsigned d = first; d <= last; ++d) week.days[d] = day;
  const std::string all_days = std::string(kDayNames[first]) + '-' + std::string(kDayNames[last]);
  if (pattern == HoursPattern::short_last_day) {
    week.days[last] = {{9 * 60, 13 * 60}};
    week.text = std::string(kDayNames[first]) + '-' + std::string(kDayNames[last - 1]) + ' ' +
                windows_text(day) + "; " + std::string(kDayNames[last]) + ' ' +
                windows_text(week.days[last]);
  } else {
    week.text = all_days + ' ' + windows_text(day);
  }
  if (week.text == kDefaultHours) week.text.clear();
  return week;
}

// Hours two people in these zones share on a day when both work 09:00-17:00, by standard time.
// Summer time moves it by up to an hour either way.
minutes shared_hours(const ZoneRules& a, const ZoneRules& b) {
  minutes apart = a.standard - b.standard;
  if (apart > 12h) apart -= 24h;
  if (apart < -12h) apart += 24h;
  return 8h - std::chrono::abs(apart);
}

struct Name {
  std::string_view shown;
  std::string_view ascii;  // for the email address
};
constexpr std::array<Name, 28> kGivenNames = {{
    {"Aarav", "aarav"},     {"Amélie", "amelie"},   {"Chen", "chen"},     {"Chloé", "chloe"},
    {"Daniel", "daniel"},   {"Emma", "emma"},       {"Fatima", "fatima"}, {"Freya", "freya"},
    {"Hiroshi", "hiroshi"}, {"Isabela", "isabela"}, {"Jakub", "jakub"},   {"João", "joao"},
    {"Kavya", "kavya"},     {"Liam", "liam"},       {"Lucía", "lucia"},   {"Mateo", "mateo"},
    {"Mei", "mei"},         {"Noa", "noa"},         {"Olivia", "olivia"}, {"Priya", "priya"},
    {"Rafael", "rafael"},   {"Sakura", "sakura"},   {"Søren", "soren"},   {"Tariq", "tariq"},
    {"Wei", "wei"},         {"Yuki", "yuki"},       {"Zanele", "zanele"}, {"Ömer", "omer"},
}};
constexpr std::array<Name, 28> kFamilyNames = {{
    {"Anderson", "anderson"}, {"Bianchi", "bianchi"},   {"Cohen", "cohen"},
    {"Dubois", "dubois"},     {"García", "garcia"},     {"Gupta", "gupta"},
    {"Hoffmann", "hoffmann"}, {"Ito", "ito"},           {"Kowalski", "kowalski"},
    {"Kumar", "kumar"},       {"Lee", "lee"},           {"Martins", "martins"},
    {"Müller", "muller"},     {"Nakamura", "nakamura"}, {"Nguyen", "nguyen"},
    {"O'Brien", "obrien"},    {"Okafor", "okafor"},     {"Patel", "patel"},
    {"Rossi", "rossi"},       {"Schmidt", "schmidt"},   {"Silva", "silva"},
    {"Singh", "singh"},       {"Smith", "smith"},       {"Tanaka", "tanaka"},
    {"Walsh", "walsh"},       {"Wang", "wang"},         {"Yılmaz", "yilmaz"},
    {"Zhang", "zhang"},
}};

struct Person {
  std::string id;
  std::string name;
  std::string email;
  bool mentor = false;
  const ZoneRules* zone = nullptr;
  WorkingWeek week;
  std::optional<int> max_minutes_per_week;  // overrides of the program defaults
  std::optional<int> buffer_minutes;
  bool has_calendar = false;
  // With --profiles: people.csv's profile columns, as written.
  std::string capacity;
  std::string skills;  // skills for a mentor, goals for a mentee
  std::string languages;
  std::string department;
  std::string level;
  std::string prefers;
};

enum class Cadence { weekly, biweekly, every_3_weeks, monthly };
constexpr std::array<int, 4> kCadenceWeights = {10, 60, 15, 15};

struct Pair {
  std::size_t mentor = 0;
  std::size_t mentee = 0;
  Cadence cadence = Cadence::biweekly;
  int duration = 45;
  std::string_view focus;
  std::string location;
};

constexpr std::array<std::string_view, 10> kFocus = {
    "",
    "Leading distributed teams",
    "First 90 days as a people manager",
    "Finance for non-finance leaders: P&L, budgets, forecasts",
    "Executive presence in \"big room\" meetings",
    "Career planning",
    "Influencing without authority",
    "Building a data-driven culture",
    "Hiring, onboarding and growing senior engineers",
    "Customer success in new markets",
};

struct Options {
  fs::path out;
  int mentors = 0;
  int mentees_per_mentor = 0;
  int weeks = 0;
  std::uint64_t seed = 0;
  int busy_per_week = 3;
  int calendar_mentees_percent = 50;
  std::string start = "2027-01-11";
  // How mentees' zones are drawn: "matched" as coordinators match them (near their mentor's),
  // or "global" from the whole workforce whatever the mentor's zone.
  std::string zone_mix = "matched";
  // For `mentorcal match`: profiles and [matching], mentees in any zone, and only one pair in a
  // hundred written to pairs.csv (pinned); the rest is for match to propose.
  bool profiles = false;
};

struct Term {
  LocalDay start;
  int weeks;
  LocalDay end() const { return start + days{7 * weeks - 1}; }
};

// Mentors' weekly limits: the executive limits of a cohort with three mentees each (3 sessions
// and 120 minutes a week, 360 minutes a month), grown in step for more mentees.
int sessions_per_week(const Options& o) {
  return std::max(3, o.mentees_per_mentor);
}
int minutes_per_week(const Options& o) {
  return 40 * sessions_per_week(o);
}

std::string id_of(char role, int number, int count) {
  int width = 2;
  for (int c = count; c >= 100; c /= 10) ++width;
  std::string id{role, '-'};
  append_digits(id, number, width);
  return id;
}

Person draw_person(char role, int number, int count, const ZoneRules& zone, Draw& draw) {
  Person p;
  p.id = id_of(role, number, count);
  p.mentor = role == 'm';
  p.zone = &zone;
  const Name& given = draw.among(kGivenNames);
  const Name& family = draw.among(kFamilyNames);
  p.name = std::string(given.shown) + ' ' + std::string(family.shown);
  if (draw.one_in(200)) p.name += ", Jr.";
  p.email =
      std::string(given.ascii) + '.' + std::string(family.ascii) + '.' + p.id + "@bench.example";
  p.week = working_week(static_cast<HoursPattern>(draw.weighted(kHoursPatternWeights)),
                        zone.sunday_week);
  return p;
}

const ZoneRules& any_zone(Draw& draw) {
  return kZones[draw.weighted(kZoneWeights)];
}

// Most mentees share at least two working hours with their mentor, as coordinators match them;
// one in twenty is drawn from anywhere, which gives the cohort a few pairs that cannot meet.
// With the global mix every mentee is drawn from anywhere: many pairs cannot meet at all.
const ZoneRules& mentee_zone(const ZoneRules& mentor, bool global, Draw& draw) {
  if (global || draw.one_in(20)) return any_zone(draw);
  for (;;) {
    const ZoneRules& zone = any_zone(draw);
    if (shared_hours(mentor, zone) >= 2h) return zone;
  }
}

Pair draw_pair(const std::vector<Person>& people, std::size_t mentor, std::size_t mentee,
               Draw& draw) {
  Pair pair;
  pair.mentor = mentor;
  pair.mentee = mentee;
  pair.cadence = static_cast<Cadence>(draw.weighted(kCadenceWeights));
  // Executives keep weekly sessions short and rare ones long.
  switch (pair.cadence) {
    case Cadence::weekly:
      pair.duration = 30;
      break;
    case Cadence::biweekly:
      pair.duration = std::array{30, 45, 45, 45, 60}[draw.below(5)];
      break;
    case Cadence::every_3_weeks:
    case Cadence::monthly:
      pair.duration = draw.percent(50) ? 45 : 60;
      break;
  }
  pair.focus = draw.among(kFocus);
  const int where = draw.between(1, 10);
  if (where <= 7) {
    pair.location = "https://meet.bench.example/" + people[mentor].id + '/' + people[mentee].id;
  } else if (where == 8) {
    // Two statements: the operands of + are unsequenced, and compilers draw them in different
    // orders.
    const int level = draw.between(2, 9);
    const int room = draw.between(1, 20);
    pair.location = "HQ, Level " + std::to_string(level) + " – Room " + std::to_string(room);
  }
  return pair;
}

struct Cohort {
  std::vector<Person> people;  // mentors first, then mentees
  std::vector<Pair> pairs;
};

constexpr std::array<std::string_view, 16> kTopics = {
    "strategy",        "finance",           "hiring",           "product management",
    "public speaking", "negotiation",       "data science",     "architecture",
    "sales",           "marketing",         "operations",       "change management",
    "career growth",   "people management", "customer success", "design"};
constexpr std::array<std::string_view, 8> kLanguages = {
    "English", "Spanish", "French", "German", "Hindi", "Mandarin", "Japanese", "Portuguese"};
constexpr std::array<int, 8> kLanguageWeights = {60, 10, 6, 6, 8, 5, 3, 2};
constexpr std::array<std::string_view, 8> kDepartments = {
    "Engineering", "Sales", "Finance", "Marketing", "Operations", "Legal", "Product", "People"};

// `count` distinct items of `items`, ';'-separated.
template <std::size_t N>
std::string some_of(const std::array<std::string_view, N>& items, int count, Draw& draw) {
  std::vector<std::size_t> chosen;
  while (static_cast<int>(chosen.size()) < count) {
    const auto i = draw.below(N);
    if (std::find(chosen.begin(), chosen.end(), i) == chosen.end()) chosen.push_back(i);
  }
  std::string text;
  for (const auto i : chosen) text += (text.empty() ? "" : "; ") + std::string(items[i]);
  return text;
}

// Profiles from a stream of their own, so that the rest of the cohort is as without them.
void draw_profiles(Cohort& cohort, const Options& o) {
  Draw draw(stream_seed(o.seed, 1u << 31));
  for (auto& p : cohort.people) {
    if (p.mentor && draw.one_in(5)) p.capacity = std::to_string(draw.between(1, 5));
    p.skills = some_of(kTopics, p.mentor ? draw.between(2, 4) : draw.between(1, 3), draw);
    p.languages = std::string(kLanguages[draw.weighted(kLanguageWeights)]);
    if (draw.percent(40)) {
      const auto other = kLanguages[draw.weighted(kLanguageWeights)];
      if (p.languages != other) p.languages += "; " + std::string(other);
    }
    p.department = std::string(kDepartments[draw.below(kDepartments.size())]);
    p.level = std::to_string(p.mentor ? draw.between(6, 9) : draw.between(2, 6));
    // Half the mentees name up to three mentors they have heard of, anywhere in the world.
    if (!p.mentor && draw.percent(50))
      for (int k = draw.between(1, 3); k > 0; --k) {
        const auto mentor = cohort.people[draw.below(static_cast<std::uint64_t>(o.mentors))].id;
        if (p.prefers.find(mentor) == std::string::npos)
          p.prefers += (p.prefers.empty() ? "" : ";") + mentor;
      }
  }
}

Cohort draw_cohort(const Options& o) {
  Draw draw(stream_seed(o.seed, 0));
  const int mentee_count = o.mentors * o.mentees_per_mentor;
  Cohort cohort;
  cohort.people.reserve(static_cast<std::size_t>(o.mentors + mentee_count));
  for (int m = 1; m <= o.mentors; ++m) {
    Person mentor = draw_person('m', m, o.mentors, any_zone(draw), draw);
    // Some chiefs of staff allow less time than the program asks; some executives want room to
    // breathe between meetings, others none.
    if (draw.one_in(10)) mentor.max_minutes_per_week = minutes_per_week(o) - 30;
    if (draw.one_in(10)) mentor.buffer_minutes = draw.percent(70) ? 30 : 0;
    mentor.has_calendar = o.busy_per_week > 0;
    cohort.people.push_back(std::move(mentor));
  }
  for (int m = 0; m < o.mentors; ++m) {
    for (int k = 0; k < o.mentees_per_mentor; ++k) {
      const int number = m * o.mentees_per_mentor + k + 1;
      const ZoneRules& zone = o.profiles
                                  ? any_zone(draw)
                                  : mentee_zone(*cohort.people[static_cast<std::size_t>(m)].zone,
                                                o.zone_mix == "global", draw);
      Person mentee = draw_person('e', number, mentee_count, zone, draw);
      // Drawn even without busy time, so that --busy-per-week 0 leaves the cohort as it was.
      const bool shares_calendar = draw.percent(o.calendar_mentees_percent);
      mentee.has_calendar = o.busy_per_week > 0 && shares_calendar;
      cohort.people.push_back(std::move(mentee));
      auto pair =
          draw_pair(cohort.people, static_cast<std::size_t>(m), cohort.people.size() - 1, draw);
      if (!o.profiles || number % 100 == 0) cohort.pairs.push_back(std::move(pair));
    }
  }
  if (o.profiles) draw_profiles(cohort, o);
  return cohort;
}

std::string iso_date(LocalDay day) {
  const std::chrono::year_month_day ymd{day};
  std::string text;
  append_digits(text, static_cast<int>(ymd.year()), 4);
  text += '-';
  append_digits(text, static_cast<unsigned>(ymd.month()), 2);
  text += '-';
  append_digits(text, static_cast<unsigned>(ymd.day()), 2);
  return text;
}

std::string program_toml(const Options& o, const Term& term) {
  std::string blackouts;
  // A company holiday on the fifth day of week 7, and every 13 weeks after it.
  for (LocalDay day = term.start + days{7 * 6 + 4}; day <= term.end(); day += days{7 * 13}) {
    if (!blackouts.empty()) blackouts += ", ";
    blackouts += iso_date(day);
  }
  const std::string mentors = std::to_string(o.mentors);
  const std::string mentees = std::to_string(o.mentees_per_mentor);
  const std::string weeks = std::to_string(o.weeks);
  const std::string seed = std::to_string(o.seed);
  std::string toml = "# Written by mentorcal-generate (bench/README.md) with seed " + seed +
                     " and " + std::to_string(o.busy_per_week) + " busy events a week.\n";
  toml += "id = \"bench-n" + mentors + "-k" + mentees + "-w" + weeks + "-s" + seed + "\"\n";
  toml += "name = \"Synthetic program: " + mentors + " mentors × " + mentees + " mentees, " +
          weeks + " weeks\"\n";
  toml += "start = " + iso_date(term.start) + '\n';
  toml += "end = " + iso_date(term.end()) + '\n';
  toml += "granularity_minutes = 15\n";
  toml += "anchor = \"mentor\"\n";
  toml += "blackouts = [" + blackouts + "]\n\n";
  toml += "[mentor]\n";
  toml += "working_hours = \"" + std::string(kDefaultHours) + "\"\n";
  toml += "max_sessions_per_day = 2\n";
  toml += "max_sessions_per_week = " + std::to_string(sessions_per_week(o)) + '\n';
  toml += "max_minutes_per_week = " + std::to_string(minutes_per_week(o)) + '\n';
  toml += "max_minutes_per_month = " + std::to_string(3 * minutes_per_week(o)) + '\n';
  toml += "buffer_minutes = 15\n\n";
  toml += "[mentee]\n";
  toml += "working_hours = \"" + std::string(kDefaultHours) + "\"\n";
  toml += "max_sessions_per_week = 1\n\n";
  toml += "[pair]\n";
  toml += "cadence = \"biweekly\"\n";
  toml += "duration_minutes = 45\n";
  toml += "min_held = 0.9\n";
  if (o.profiles) {
    toml += "\n[matching]\n";
    toml += "same_department = \"avoid\"\n";
    toml += "min_level_gap = 1\n";
  }
  return toml;
}

// RFC 4180: quoted when it holds a comma, a quote or a line break, quotes doubled.
void append_csv_field(std::string& out, std::string_view field) {
  if (field.find_first_of(",\"\r\n") == std::string_view::npos) {
    out += field;
    return;
  }
  out += '"';
  for (char c : field) {
    if (c == '"') out += '"';
    out += c;
  }
  out += '"';
}

void append_csv_row(std::string& out, std::initializer_list<std::string_view> fields) {
  bool first = true;
  for (std::string_view f : fields) {
    if (!first) out += ',';
    append_csv_field(out, f);
    first = false;
  }
  out += '\n';
}

std::string optional_text(const std::optional<int>& value) {
  return value ? std::to_string(*value) : std::string();
}

std::string people_csv(const Cohort& cohort, bool profiles) {
  std::string csv;
  if (profiles)
    append_csv_row(csv, {"id", "name", "email", "role", "timezone", "working_hours",
                         "max_minutes_per_week", "buffer_minutes", "capacity", "skills", "goals",
                         "languages", "department", "level", "prefers"});
  else
    append_csv_row(csv, {"id", "name", "email", "role", "timezone", "working_hours",
                         "max_minutes_per_week", "buffer_minutes"});
  for (const Person& p : cohort.people) {
    const std::string limit = optional_text(p.max_minutes_per_week);
    const std::string buffer = optional_text(p.buffer_minutes);
    const std::string_view role = p.mentor ? "mentor" : "mentee";
    if (profiles)
      append_csv_row(csv, {p.id, p.name, p.email, role, p.zone->name, p.week.text, limit, buffer,
                           p.capacity, p.mentor ? p.skills : "", p.mentor ? "" : p.skills,
                           p.languages, p.department, p.level, p.prefers});
    else
      append_csv_row(csv, {p.id, p.name, p.email, role, p.zone->name, p.week.text, limit, buffer});
  }
  return csv;
}

std::string pairs_csv(const Cohort& cohort) {
  constexpr std::array<std::string_view, 4> kCadenceText = {"weekly", "",  // biweekly: default
                                                            "every 3 weeks", "monthly"};
  std::string csv;
  append_csv_row(csv, {"mentor", "mentee", "cadence", "duration_minutes", "focus", "location"});
  for (const Pair& pair : cohort.pairs) {
    const std::string duration = pair.duration == 45 ? "" : std::to_string(pair.duration);
    append_csv_row(csv, {cohort.people[pair.mentor].id, cohort.people[pair.mentee].id,
                         kCadenceText[static_cast<std::size_t>(pair.cadence)], duration, pair.focus,
                         pair.location});
  }
  return csv;
}

// Builds an iCalendar text: CRLF line ends, lines folded at 75 octets, never inside a UTF-8
// character (RFC 5545 §3.1).
class IcsText {
 public:
  void line(std::string_view content) {
    std::size_t limit = 75;
    while (content.size() > limit) {
      std::size_t cut = limit;
      while ((static_cast<unsigned char>(content[cut]) & 0xC0) == 0x80) --cut;
      text_ += content.substr(0, cut);
      text_ += "\r\n ";
      content.remove_prefix(cut);
      limit = 74;  // the leading space of a continuation line counts
    }
    text_ += content;
    text_ += "\r\n";
  }
  void property(std::string_view name, std::string_view value) {
    line(std::string(name) + ':' + std::string(value));
  }
  const std::string& text() const { return text_; }

 private:
  std::string text_;
};

std::string basic_date(LocalDay day) {
  std::string text = iso_date(day);
  std::erase(text, '-');
  return text;
}

std::string basic_local(LocalMinute t) {
  const LocalDay day = std::chrono::floor<days>(t);
  const auto minute = (t - day).count();
  std::string text = basic_date(day) + 'T';
  append_digits(text, minute / 60, 2);
  append_digits(text, minute % 60, 2);
  return text + "00";
}

// A UTC time reads like a wall clock at UTC, with a Z.
std::string basic_utc(Instant t) {
  return basic_local(LocalMinute{t.time_since_epoch()}) + 'Z';
}

std::string utc_offset_text(minutes offset) {
  std::string text(1, offset < 0min ? '-' : '+');
  const auto m = std::chrono::abs(offset).count();
  append_digits(text, m / 60, 2);
  append_digits(text, m % 60, 2);
  return text;
}

std::string yearly_rule(const ClockChange& change) {
  const std::string day{kRuleDays[change.day.c_encoding()]};
  std::string rule = "FREQ=YEARLY;BYMONTH=" + std::to_string(change.month) + ";BYDAY=";
  const unsigned month_length = static_cast<unsigned>(std::chrono::year_month_day_last{
      std::chrono::year{1970} / std::chrono::month{change.month} / std::chrono::last}
                                                          .day());
  if (change.on_or_after % 7 == 1) return rule + std::to_string(change.on_or_after / 7 + 1) + day;
  if (change.on_or_after == month_length - 6) return rule + "-1" + day;
  rule += day + ";BYMONTHDAY=";
  for (unsigned d = change.on_or_after; d < change.on_or_after + 7; ++d) {
    if (d != change.on_or_after) rule += ',';
    rule += std::to_string(d);
  }
  return rule;
}

// Google's form: each observance from its first change in 1970, repeated yearly.
void append_vtimezone(IcsText& ics, const ZoneRules& zone) {
  ics.line("BEGIN:VTIMEZONE");
  ics.property("TZID", zone.name);
  if (!zone.has_daylight()) {
    ics.line("BEGIN:STANDARD");
    ics.property("TZOFFSETFROM", utc_offset_text(zone.standard));
    ics.property("TZOFFSETTO", utc_offset_text(zone.standard));
    ics.property("TZNAME", zone.standard_abbrev);
    ics.property("DTSTART", "19700101T000000");
    ics.line("END:STANDARD");
  } else {
    const auto observance = [&](std::string_view kind, const ClockChange& change, minutes from,
                                minutes to, std::string_view abbrev) {
      ics.line("BEGIN:" + std::string(kind));
      ics.property("TZOFFSETFROM", utc_offset_text(from));
      ics.property("TZOFFSETTO", utc_offset_text(to));
      ics.property("TZNAME", abbrev);
      ics.property("DTSTART", basic_local(change_day(change, std::chrono::year{1970}) + change.at));
      ics.property("RRULE", yearly_rule(change));
      ics.line("END:" + std::string(kind));
    };
    observance("DAYLIGHT", zone.to_daylight, zone.standard, zone.daylight, zone.daylight_abbrev);
    observance("STANDARD", zone.to_standard, zone.daylight, zone.standard, zone.standard_abbrev);
  }
  ics.line("END:VTIMEZONE");
}

constexpr std::array<std::string_view, 4> kStandingMeetings = {"Staff meeting", "1:1 with manager",
                                                               "Leadership sync", "Team planning"};
constexpr std::array<std::string_view, 8> kMeetings = {
    "Customer call",  "Budget review",   "Interview",
    "Design review",  "Vendor meeting",  "Quarterly business review",
    "All hands prep", "Project check-in"};

// A working day of the person's week, and a slot of `length` minutes in it on the 15-minute grid
// (shorter when the window is).
struct Slot {
  unsigned weekday;
  int start;
  int length;
};

Slot working_slot(const WorkingWeek& week, int length, Draw& draw) {
  std::vector<unsigned> working;
  for (unsigned d = 0; d < 7; ++d)
    if (!week.days[d].empty()) working.push_back(d);
  const unsigned day = working[draw.below(working.size())];
  const auto& windows = week.days[day];
  const Window& w = windows[draw.below(windows.size())];
  const int fitted = std::min(length, w.end - w.start);
  const int start = w.start + 15 * draw.between(0, (w.end - w.start - fitted) / 15);
  return {day, start, fitted};
}

// The first day on or after `from` that is `day` of the week.
LocalDay next(LocalDay from, unsigned day) {
  return from + (weekday{day} - weekday{from});
}

// A person's calendar export: `busy_per_week` events a week. One or two weekly series (a staff
// meeting, a standing 1:1), two in three with TZID and a VTIMEZONE as Google and Apple write
// them, the others in UTC as some tools do; the rest single events in UTC. Now and then an
// all-day absence, and a few events that are not busy: transparent, or cancelled.
std::string busy_calendar(const Person& person, const Term& term, int busy_per_week,
                          std::uint64_t seed) {
  Draw draw(seed);
  const ZoneRules& zone = *person.zone;
  // Exported four weeks before the term: a fixed DTSTAMP, not the clock, keeps output reproducible.
  const std::string stamp = basic_utc(Instant{term.start.time_since_epoch()} - days{28});
  const std::string in_zone = ";TZID=" + std::string(zone.name);
  IcsText events;
  int uid = 0;
  const auto begin_event = [&](std::string_view summary) {
    events.line("BEGIN:VEVENT");
    events.property("UID", person.id + '-' + std::to_string(++uid) + "@bench.mentorcal.example");
    events.property("DTSTAMP", stamp);
    events.property("SUMMARY", summary);
  };

  const int series = busy_per_week >= 3 ? 2 : std::min(busy_per_week, 1);
  bool uses_tzid = false;
  for (int s = 0; s < series; ++s) {
    const Slot slot = working_slot(person.week, draw.percent(60) ? 60 : 30, draw);
    const LocalMinute first = next(term.start, slot.weekday) + minutes{slot.start};
    const int skipped_week =
        term.weeks > 1 && draw.percent(50) ? draw.between(1, term.weeks - 1) : 0;
    begin_event(draw.among(kStandingMeetings));
    if (draw.one_in(3)) {
      // A UTC series keeps its UTC time, so it drifts an hour on the person's clock at a change.
      const Instant at = to_utc(zone, first);
      events.property("DTSTART", basic_utc(at));
      events.property("DTEND", basic_utc(at + minutes{slot.length}));
      events.property("RRULE", "FREQ=WEEKLY;COUNT=" + std::to_string(term.weeks));
      if (skipped_week > 0) events.property("EXDATE", basic_utc(at + days{7 * skipped_week}));
    } else {
      uses_tzid = true;
      events.property("DTSTART" + in_zone, basic_local(first));
      events.property("DTEND" + in_zone, basic_local(first + minutes{slot.length}));
      std::string rule = "FREQ=WEEKLY;BYDAY=" + std::string(kRuleDays[slot.weekday]);
      if (draw.percent(50)) rule += ";UNTIL=" + basic_date(term.end()) + "T235959Z";
      events.property("RRULE", rule);
      if (skipped_week > 0) {
        events.property("EXDATE" + in_zone, basic_local(first + days{7 * skipped_week}));
      }
    }
    events.property("TRANSP", "OPAQUE");
    events.line("END:VEVENT");
  }

  constexpr std::array<int, 4> kLengths = {30, 45, 60, 90};
  constexpr std::array<int, 4> kLengthWeights = {35, 25, 30, 10};
  for (int week = 0; week < term.weeks; ++week) {
    const LocalDay week_start = term.start + days{7 * week};
    for (int e = series; e < busy_per_week; ++e) {
      const Slot slot = working_slot(person.week, kLengths[draw.weighted(kLengthWeights)], draw);
      const LocalDay day = next(week_start, slot.weekday);
      if (draw.one_in(40)) {
        const bool holiday = draw.one_in(4);  // shown as free, like most calendars' holidays
        begin_event(holiday ? "Public holiday" : "Out of office");
        events.property("DTSTART;VALUE=DATE", basic_date(day));
        events.property("DTEND;VALUE=DATE", basic_date(day + days{1}));
        events.property("TRANSP", holiday ? "TRANSPARENT" : "OPAQUE");
      } else {
        const Instant at = to_utc(zone, day + minutes{slot.start});
        begin_event(draw.among(kMeetings));
        events.property("DTSTART", basic_utc(at));
        events.property("DTEND", basic_utc(at + minutes{slot.length}));
        events.property("TRANSP", draw.one_in(20) ? "TRANSPARENT" : "OPAQUE");
        if (draw.one_in(30)) events.property("STATUS", "CANCELLED");
      }
      events.line("END:VEVENT");
    }
  }

  IcsText ics;
  ics.line("BEGIN:VCALENDAR");
  ics.property("PRODID", "-//mentorcal//bench generator//EN");
  ics.property("VERSION", "2.0");
  ics.property("CALSCALE", "GREGORIAN");
  ics.property("METHOD", "PUBLISH");
  ics.property("X-WR-CALNAME", person.name);
  ics.property("X-WR-TIMEZONE", zone.name);
  if (uses_tzid) append_vtimezone(ics, zone);
  return ics.text() + events.text() + "END:VCALENDAR\r\n";
}

bool write_file(const fs::path& path, const std::string& content) {
  std::FILE* file = std::fopen(path.c_str(), "wb");
  bool ok =
      file != nullptr && std::fwrite(content.data(), 1, content.size(), file) == content.size();
  const int error = errno;
  if (file != nullptr && std::fclose(file) != 0) ok = false;
  if (!ok)
    std::cerr << "mentorcal-generate: cannot write " << path << ": " << std::strerror(error)
              << '\n';
  return ok;
}

std::optional<LocalDay> parse_date(const std::string& text) {
  int y = 0, m = 0, d = 0;
  char tail = 0;
  if (text.size() != 10 || std::sscanf(text.c_str(), "%4d-%2d-%2d%c", &y, &m, &d, &tail) != 3)
    return std::nullopt;
  const std::chrono::year_month_day ymd{std::chrono::year{y}, std::chrono::month(m),
                                        std::chrono::day(d)};
  if (!ymd.ok()) return std::nullopt;
  return LocalDay{ymd};
}

int generate(const Options& o) {
  const std::optional<LocalDay> start = parse_date(o.start);
  if (!start) {
    std::cerr << "mentorcal-generate: --start " << o.start << " is not a date YYYY-MM-DD\n";
    return 2;
  }
  std::error_code ec;
  if (fs::exists(o.out, ec) && !fs::is_empty(o.out, ec)) {
    std::cerr << "mentorcal-generate: " << o.out << " is not empty; give a new directory\n";
    return 2;
  }
  fs::create_directories(o.out / "calendars", ec);
  if (ec) {
    std::cerr << "mentorcal-generate: cannot create " << o.out / "calendars"
              << ": " << ec.message() << '\n';
    return 1;
  }
  const Term term{*start, o.weeks};
  const Cohort cohort = draw_cohort(o);
  if (!write_file(o.out / "program.toml", program_toml(o, term)) ||
      !write_file(o.out / "people.csv", people_csv(cohort, o.profiles)) ||
      !write_file(o.out / "pairs.csv", pairs_csv(cohort)))
    return 1;
  int calendars = 0;
  for (std::size_t i = 0; i < cohort.people.size(); ++i) {
    const Person& p = cohort.people[i];
    if (!p.has_calendar) continue;
    if (!write_file(o.out / "calendars" / (p.id + ".ics"),
                    busy_calendar(p, term, o.busy_per_week, stream_seed(o.seed, i + 1))))
      return 1;
    ++calendars;
  }
  std::cout << "wrote " << o.out.string() << ": " << o.mentors << " mentors, "
            << cohort.people.size() - static_cast<std::size_t>(o.mentors) << " mentees, "
            << cohort.pairs.size() << " pairs, " << calendars << " calendars, "
            << iso_date(term.start) << " to " << iso_date(term.end()) << '\n';
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"mentorcal-generate: writes a synthetic mentorship program for benchmarks"};
  Options o;
  app.add_option("--out", o.out, "Directory to write; must be new or empty")->required();
  app.add_option("--mentors", o.mentors, "Number of mentors")
      ->required()
      ->check(CLI::Range(1, 1000000));
  app.add_option("--mentees-per-mentor", o.mentees_per_mentor, "Distinct mentees of each mentor")
      ->required()
      ->check(CLI::Range(1, 50));
  app.add_option("--weeks", o.weeks, "Length of the term in weeks")
      ->required()
      ->check(CLI::Range(1, 104));
  app.add_option("--seed", o.seed, "Seed; the same arguments give the same files")->required();
  app.add_option("--busy-per-week", o.busy_per_week,
                 "Busy events a week in each calendar; 0 writes none")
      ->check(CLI::Range(0, 40))
      ->capture_default_str();
  app.add_option("--calendar-mentees", o.calendar_mentees_percent,
                 "Percentage of mentees with a calendar (every mentor has one)")
      ->check(CLI::Range(0, 100))
      ->capture_default_str();
  app.add_option("--start", o.start, "First day of the term, YYYY-MM-DD")->capture_default_str();
  app.add_option("--zone-mix", o.zone_mix,
                 "Mentees' zones: matched (near their mentor's) or global (from anywhere)")
      ->check(CLI::IsMember({"matched", "global"}))
      ->capture_default_str();
  app.add_flag("--profiles", o.profiles,
               "For mentorcal match: profiles and [matching], mentees in any zone, one pair in a "
               "hundred kept in pairs.csv");
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e) == 0 ? 0 : 2;
  }
  return generate(o);
}

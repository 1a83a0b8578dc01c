#include "generator.hpp"

#include <algorithm>
#include <array>
#include <random>
#include <sstream>
#include <string_view>
#include <vector>

namespace mentorcal::optimality {
namespace {

using namespace std::chrono_literals;

// mt19937_64's sequence is fixed by the standard; the distributions are not, so they are ours.
class Random {
 public:
  explicit Random(std::uint64_t seed) : engine_(seed) {}
  int below(int n) { return static_cast<int>(engine_() % static_cast<std::uint64_t>(n)); }
  int between(int lo, int hi) { return lo + below(hi - lo + 1); }
  bool chance(int percent) { return below(100) < percent; }
  template <typename T, std::size_t N>
  const T& pick(const std::array<T, N>& items) {
    return items[static_cast<std::size_t>(below(static_cast<int>(N)))];
  }

 private:
  std::mt19937_64 engine_;
};

// Terms around the DST changes of their zones: New York and London disagree from 14 to 28 March
// and from 31 October to 7 November 2027; Sydney and Lord Howe leave DST on 4 April and Berlin
// enters it on 28 March; Jerusalem works Sunday to Thursday.
struct Scenario {
  LocalDay earliest_start;  // the term starts in the two weeks from here
  std::array<std::string_view, 5> zones;
};

constexpr date::year k2027{2027};
const std::array<Scenario, 4> kScenarios = {{
    {LocalDay{k2027 / date::March / 1},
     {"America/New_York", "Europe/London", "Europe/Berlin", "America/Chicago", "Asia/Kolkata"}},
    {LocalDay{k2027 / date::October / 18},
     {"America/New_York", "Europe/London", "Asia/Jerusalem", "America/Sao_Paulo", "Europe/Berlin"}},
    {LocalDay{k2027 / date::March / 22},
     {"Australia/Sydney", "Europe/Berlin", "Asia/Tokyo", "Australia/Lord_Howe", "Asia/Kathmandu"}},
    {LocalDay{k2027 / date::June / 7},
     {"America/Los_Angeles", "America/New_York", "Europe/London", "Asia/Jerusalem", "Asia/Dubai"}},
}};

std::string clock(Minutes t) {
  const auto h = t.count() / 60;
  const auto m = t.count() % 60;
  return std::string{static_cast<char>('0' + h / 10), static_cast<char>('0' + h % 10), ':',
                     static_cast<char>('0' + m / 10), static_cast<char>('0' + m % 10)};
}

WorkingHours random_hours(Random& random, std::string_view zone, Minutes granularity) {
  const std::string days = zone == "Asia/Jerusalem" ? "Sun-Thu"
                           : random.chance(15)      ? "Mon-Thu"
                                                    : "Mon-Fri";
  const Minutes step = granularity == 30min && random.chance(30) ? 30min : 0min;
  const Minutes start = random.between(7, 10) * 60min + step;
  const Minutes end = std::min<Minutes>(start + random.between(4, 7) * 60min, 20h);
  std::string times = clock(start) + "-" + clock(end);
  if (start < 12h && end > 14h && random.chance(25))
    times = clock(start) + "-12:00,13:00-" + clock(end);
  std::string error;
  return WorkingHours::parse(days + " " + times, &error).value();
}

Person random_person(Random& random, const Program& program, const Scenario& scenario, Role role,
                     int number) {
  Person p;
  const bool mentor = role == Role::mentor;
  p.id = (mentor ? "m-" : "e-") + std::to_string(number);
  p.name = (mentor ? "Mentor " : "Mentee ") + std::to_string(number);
  p.email = p.id + "@example.org";
  p.role = role;
  const auto zone = random.pick(scenario.zones);
  p.zone = Zone::find(zone).value();
  p.working_hours = random_hours(random, zone, program.granularity);
  auto& l = p.limits;
  if (mentor) {
    if (random.chance(60)) l.max_sessions_per_week = random.between(1, 3);
    if (random.chance(50)) l.max_minutes_per_week = random.pick(std::array{60, 90, 120, 150});
    if (random.chance(50)) l.max_sessions_per_day = random.between(1, 2);
    if (random.chance(30)) l.max_minutes_per_month = random.pick(std::array{120, 180, 240, 360});
    l.buffer_minutes = random.pick(std::array{0, 15, 30});
  } else {
    if (random.chance(50)) l.max_sessions_per_week = 1;
    if (random.chance(30)) l.max_sessions_per_day = 1;
    l.buffer_minutes = random.pick(std::array{0, 15});
  }
  const auto term_days = static_cast<int>((program.end - program.start).count()) + 1;
  std::vector<Interval> busy;
  for (int n = random.between(0, 3); n > 0; --n) {
    const LocalDay day = program.start + date::days{random.below(term_days)};
    if (random.chance(15)) {  // a trip: whole days
      busy.push_back({p.zone.to_instant(LocalMinute{day}),
                      p.zone.to_instant(LocalMinute{day + date::days{random.between(1, 3)}})});
    } else {
      const auto start = p.zone.to_instant(LocalMinute{day} + random.between(8, 16) * 60min);
      busy.push_back({start, start + random.between(1, 4) * 45min});
    }
  }
  p.busy = normalized(std::move(busy));
  return p;
}

Pair random_pair(Random& random, std::size_t mentor, std::size_t mentee) {
  Pair pair;
  pair.mentor = mentor;
  pair.mentee = mentee;
  pair.cadence = *Cadence::parse(
      random.pick(std::array{"weekly", "weekly", "weekly", "weekly", "biweekly", "biweekly",
                             "biweekly", "every 3 weeks", "monthly", "monthly"}));
  pair.duration = Minutes{random.pick(std::array{30, 45, 60})};
  pair.min_held = random.pick(std::array{0.5, 0.6, 0.75, 0.8, 0.9, 1.0});
  return pair;
}

}  // namespace

Program random_program(std::uint64_t seed) {
  Random random(seed);
  const auto& scenario = kScenarios[static_cast<std::size_t>(random.below(4))];
  Program program;
  program.id = "opt-" + std::to_string(seed);
  program.name = "Generated program " + std::to_string(seed);
  program.start = scenario.earliest_start + date::days{random.below(14)};
  // Two draws, sequenced: the operands of one expression are evaluated in an unspecified order
  // (GCC draws the right one first, clang the left), which gave each compiler other programs.
  const auto cut = date::days{1 + random.below(3)};
  program.end = program.start + date::weeks{random.between(3, 8)} - cut;
  program.granularity = random.chance(75) ? 60min : 30min;
  program.anchor = random.chance(75) ? Anchor::mentor : Anchor::mentee;
  const auto term_days = static_cast<int>((program.end - program.start).count()) + 1;
  if (random.chance(25)) {
    for (int n = random.between(1, 2); n > 0; --n)
      program.blackouts.push_back(program.start + date::days{random.below(term_days)});
    std::sort(program.blackouts.begin(), program.blackouts.end());
    program.blackouts.erase(std::unique(program.blackouts.begin(), program.blackouts.end()),
                            program.blackouts.end());
  }

  int mentors = 0;
  std::vector<std::size_t> mentees;
  const int mentor_count = random.between(1, 8);
  for (int m = 0; m < mentor_count && program.pairs.size() < 30; ++m) {
    program.people.push_back(random_person(random, program, scenario, Role::mentor, ++mentors));
    const auto mentor = program.people.size() - 1;
    for (int k = random.between(2, 4); k > 0 && program.pairs.size() < 30; --k) {
      // Now and then a mentee who already has a mentor takes a second one.
      if (!mentees.empty() && random.chance(15)) {
        const auto mentee =
            mentees[static_cast<std::size_t>(random.below(static_cast<int>(mentees.size())))];
        const bool paired =
            std::any_of(program.pairs.begin(), program.pairs.end(),
                        [&](const Pair& p) { return p.mentor == mentor && p.mentee == mentee; });
        if (!paired) {
          program.pairs.push_back(random_pair(random, mentor, mentee));
          continue;
        }
      }
      program.people.push_back(random_person(random, program, scenario, Role::mentee,
                                             static_cast<int>(mentees.size()) + 1));
      mentees.push_back(program.people.size() - 1);
      program.pairs.push_back(random_pair(random, mentor, mentees.back()));
    }
  }
  return program;
}

std::string program_files(const Program& program) {
  std::ostringstream out;
  out << "==> program.toml <==\nid = \"" << program.id
      << "\"\nstart = " << format_day(program.start) << "\nend = " << format_day(program.end)
      << "\ngranularity_minutes = " << program.granularity.count() << "\nanchor = \""
      << (program.anchor == Anchor::mentor ? "mentor" : "mentee") << "\"\nblackouts = [";
  for (std::size_t i = 0; i < program.blackouts.size(); ++i)
    out << (i ? ", " : "") << format_day(program.blackouts[i]);
  out << "]\n==> people.csv <==\nid,name,email,role,timezone,working_hours,max_sessions_per_day,"
         "max_sessions_per_week,max_minutes_per_week,max_minutes_per_month,buffer_minutes\n";
  const auto limit = [](const std::optional<int>& v) {
    return v ? std::to_string(*v) : std::string{};
  };
  for (const auto& p : program.people) {
    const auto& l = p.limits;
    out << p.id << ',' << p.name << ',' << p.email << ','
        << (p.role == Role::mentor ? "mentor" : "mentee") << ',' << p.zone.name() << ",\""
        << p.working_hours.to_string() << "\"," << limit(l.max_sessions_per_day) << ','
        << limit(l.max_sessions_per_week) << ',' << limit(l.max_minutes_per_week) << ','
        << limit(l.max_minutes_per_month) << ',' << l.buffer_minutes << '\n';
  }
  out << "==> pairs.csv <==\nmentor,mentee,cadence,duration_minutes,min_held\n";
  for (const auto& pair : program.pairs)
    out << program.mentor_of(pair).id << ',' << program.mentee_of(pair).id << ','
        << pair.cadence.to_string() << ',' << pair.duration.count() << ',' << pair.min_held << '\n';
  for (const auto& p : program.people) {
    if (p.busy.empty()) continue;
    out << "==> calendars/" << p.id << ".ics <==\nBEGIN:VCALENDAR\r\nVERSION:2.0\r\n"
        << "PRODID:-//mentorcal//optimality test//EN\r\n";
    for (std::size_t i = 0; i < p.busy.size(); ++i)
      out << "BEGIN:VEVENT\r\nUID:busy-" << i << '-' << p.id << "\r\nDTSTAMP:20270101T000000Z\r\n"
          << date::format("DTSTART:%Y%m%dT%H%M00Z\r\n", p.busy[i].start)
          << date::format("DTEND:%Y%m%dT%H%M00Z\r\n", p.busy[i].end) << "END:VEVENT\r\n";
    out << "END:VCALENDAR\r\n";
  }
  return out.str();
}

}  // namespace mentorcal::optimality

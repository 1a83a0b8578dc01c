#include "eligibility.hpp"

#include <algorithm>
#include <array>
#include <atomic>
#include <bit>
#include <memory>
#include <set>
#include <unordered_map>

#include "mentorcal/parallel.hpp"
#include "mentorcal/text.hpp"
#include "search.hpp"

namespace mentorcal::matching {
namespace {

// Everything the pair search reads of a person: two people with the same key are
// interchangeable in it.
std::string calendar_key(const Person& p) {
  std::string key{p.zone.name()};
  key += '\n' + p.working_hours.to_string() + '\n';
  for (const auto& limit : {p.limits.max_sessions_per_day, p.limits.max_sessions_per_week,
                            p.limits.max_minutes_per_week, p.limits.max_minutes_per_month})
    key += (limit ? std::to_string(*limit) : "-") + ',';
  key += std::to_string(p.limits.buffer_minutes) + '\n';
  const auto intervals = [&](const std::vector<Interval>& list) {
    for (const auto& i : list)
      key += std::to_string(i.start.time_since_epoch().count()) + '-' +
             std::to_string(i.end.time_since_epoch().count()) + ' ';
    key += '\n';
  };
  if (p.availability) intervals(*p.availability);
  key += '|';
  intervals(p.busy);
  return key;
}

// A person's time folded onto one week of UTC, in 15-minute buckets: a bucket is set when any
// minute of it is in the time in any week of the term.
constexpr int kBucket = 15;
constexpr int kBuckets = 7 * 24 * 60 / kBucket;
using WeekMask = std::array<std::uint64_t, (kBuckets + 63) / 64>;

WeekMask fold(const std::vector<Interval>& intervals) {
  WeekMask mask{};
  constexpr long kWeek = 7 * 24 * 60;
  for (const auto& i : intervals) {
    const long start = i.start.time_since_epoch().count();
    const long length = (i.end - i.start).count();
    if (length <= 0) continue;
    if (length >= kWeek) {
      mask.fill(~std::uint64_t{0});
      continue;
    }
    const long first = ((start % kWeek) + kWeek) % kWeek / kBucket;
    const long last = first + ((start % kBucket + kWeek) % kBucket + length - 1) / kBucket;
    for (long b = first; b <= last; ++b) {
      const auto bucket = static_cast<std::size_t>(b % kBuckets);
      mask[bucket / 64] |= std::uint64_t{1} << (bucket % 64);
    }
  }
  return mask;
}

// The longest run of buckets set in both, around the week's end too.
int longest_common_run(const WeekMask& a, const WeekMask& b) {
  const auto set = [&](int i) {
    const auto k = static_cast<std::size_t>(i % kBuckets);
    return ((a[k / 64] & b[k / 64]) >> (k % 64)) & 1U;
  };
  int best = 0;
  int run = 0;
  for (int i = 0; i < 2 * kBuckets && best < kBuckets; ++i) {
    run = set(i) ? run + 1 : 0;
    best = std::max(best, run);
  }
  return std::min(best, kBuckets);
}

// What the pair search needs of one calendar class, built once from its first person.
struct ClassCalendar {
  std::size_t person;
  engine::PersonCalendar calendar;
  WeekMask open;
  WeekMask free;
};

// Whether the scheduler could give this pair alone a series meeting min_held: the engine's own
// evaluation of each rule shape (weekday and phase) at its best-ranked series time, every
// occurrence held there, moved within its ISO week or skipped, nothing else booked.
bool pair_alone_can_meet(const Program& program, const ClassCalendar& mentor,
                         const ClassCalendar& mentee) {
  const auto pair = proposed_pair(program, mentor.person, mentee.person);
  const bool mentor_anchors = program.anchor == Anchor::mentor;
  const auto& anchor = mentor_anchors ? mentor.calendar : mentee.calendar;
  const auto& other = mentor_anchors ? mentee.calendar : mentor.calendar;
  const engine::PairSpace space(program, pair, anchor, other);
  engine::Occupancy anchor_load;
  engine::Occupancy other_load;
  const std::array<int, 7> no_series{};
  engine::Parties parties{anchor, other, anchor_load, other_load, no_series};
  std::set<std::pair<unsigned, int>> shapes_tried;
  for (const auto& placement : engine::ranked_placements(space, parties)) {
    if (!shapes_tried.emplace(placement.weekday, placement.phase).second) continue;
    if (engine::evaluate(space, placement, parties).accepted) return true;
  }
  return false;
}

}  // namespace

std::string who(const Person& person) {
  return person.id + " (" + person.name + ")";
}

Eligibility::Eligibility(const Program& program, std::span<const std::size_t> mentors,
                         std::span<const std::size_t> mentees)
    : program_(program), class_of_(program.people.size(), 0) {
  // Calendar classes, each role on its own, numbered in order of first appearance.
  std::vector<std::size_t> representatives;
  const auto classify = [&](std::span<const std::size_t> people) {
    std::unordered_map<std::string, std::size_t> seen;
    for (const auto i : people) {
      const auto [it, fresh] = seen.emplace(calendar_key(program.people[i]), seen.size());
      if (fresh) representatives.push_back(i);
      class_of_[i] = static_cast<std::uint32_t>(it->second);
    }
    return seen.size();
  };
  mentor_classes_ = classify(mentors);
  mentee_classes_ = classify(mentees);

  const auto horizon = term_window(program);
  std::vector<std::unique_ptr<ClassCalendar>> classes(representatives.size());
  for_each_index_in_parallel(representatives.size(), [&](std::size_t c) {
    const auto person = representatives[c];
    engine::PersonCalendar calendar(program.people[person], program, horizon);
    const auto open = fold(calendar.open);
    const auto free = fold(calendar.free);
    classes[c] =
        std::make_unique<ClassCalendar>(ClassCalendar{person, std::move(calendar), open, free});
  });

  // The prune, then the search, for each pair of classes.
  const int need =
      static_cast<int>((program.pair_defaults.duration.count() + kBucket - 1) / kBucket);
  table_.assign(mentee_classes_ * mentor_classes_, Obstacle::none);
  std::atomic<std::size_t> checks{0};
  for_each_index_in_parallel(mentee_classes_, [&](std::size_t e) {
    const auto& mentee = *classes[mentor_classes_ + e];
    std::size_t searched = 0;
    for (std::size_t m = 0; m < mentor_classes_; ++m) {
      const auto& mentor = *classes[m];
      auto& verdict = table_[e * mentor_classes_ + m];
      if (const auto run = longest_common_run(mentor.open, mentee.open); run < need) {
        verdict = run == 0 ? Obstacle::no_shared_hour : Obstacle::short_shared_hours;
      } else if (longest_common_run(mentor.free, mentee.free) < need) {
        verdict = Obstacle::shared_time_busy;
      } else {
        ++searched;
        if (!pair_alone_can_meet(program, mentor, mentee)) verdict = Obstacle::cannot_hold;
      }
    }
    checks += searched;
  });
  calendar_checks_ = checks;

  // Lists as bit sets over the distinct items of the program.
  std::unordered_map<std::string, std::size_t> topics;
  std::unordered_map<std::string, std::size_t> languages;
  std::unordered_map<std::string, int> departments;
  for (const auto& p : program.people) {
    for (const auto* list : {&p.profile.skills, &p.profile.goals})
      for (const auto& item : *list) topics.emplace(ascii_lower(item), topics.size());
    for (const auto& item : p.profile.languages)
      languages.emplace(ascii_lower(item), languages.size());
  }
  topic_words_ = (topics.size() + 63) / 64;
  language_words_ = (languages.size() + 63) / 64;
  const auto n = program.people.size();
  skills_.assign(n * topic_words_, 0);
  goals_.assign(n * topic_words_, 0);
  languages_.assign(n * language_words_, 0);
  department_.assign(n, -1);
  avoids_.assign(n, 0);
  level_.assign(n, kNoLevel);
  const auto set_bits = [](std::vector<std::uint64_t>& bits, std::size_t base,
                           const std::vector<std::string>& items,
                           const std::unordered_map<std::string, std::size_t>& ids) {
    for (const auto& item : items) {
      const auto id = ids.at(ascii_lower(item));
      bits[base + id / 64] |= std::uint64_t{1} << (id % 64);
    }
  };
  for (std::size_t i = 0; i < n; ++i) {
    const auto& profile = program.people[i].profile;
    set_bits(skills_, i * topic_words_, profile.skills, topics);
    set_bits(goals_, i * topic_words_, profile.goals, topics);
    set_bits(languages_, i * language_words_, profile.languages, languages);
    avoids_[i] = !profile.avoid.empty();
    if (profile.level) level_[i] = *profile.level;
    if (!profile.department.empty())
      department_[i] =
          departments.emplace(ascii_lower(profile.department), static_cast<int>(departments.size()))
              .first->second;
  }
}

Obstacle Eligibility::rule_against(std::size_t mentor, std::size_t mentee) const {
  const auto& settings = program_.matching;
  const auto lists = [&](std::size_t person, std::size_t who) {
    if (!avoids_[person]) return false;
    const auto& list = program_.people[person].profile.avoid;
    return std::find(list.begin(), list.end(), who) != list.end();
  };
  if (lists(mentor, mentee)) return Obstacle::mentor_avoids;
  if (lists(mentee, mentor)) return Obstacle::mentee_avoids;
  if (settings.avoid_same_department && department_[mentor] >= 0 &&
      department_[mentor] == department_[mentee])
    return Obstacle::same_department;
  if (settings.require_common_language && !shares(languages_, language_words_, mentor, mentee))
    return Obstacle::no_common_language;
  if (settings.min_level_gap &&
      (level_[mentor] == kNoLevel || level_[mentee] == kNoLevel ||
       static_cast<long long>(level_[mentor]) - level_[mentee] < *settings.min_level_gap))
    return Obstacle::level_gap;
  return Obstacle::none;
}

std::string Eligibility::why(Obstacle obstacle, std::size_t mentor, std::size_t mentee) const {
  const auto& m = program_.people[mentor];
  const auto& e = program_.people[mentee];
  const auto hours = [](const Person& p) {
    return std::string(p.zone.name()) + ' ' +
           (p.availability ? std::string("availability from their calendar")
                           : p.working_hours.to_string());
  };
  const auto both = who(m) + " and " + who(e);
  switch (obstacle) {
    case Obstacle::none:
      return {};
    case Obstacle::mentor_avoids:
      return who(m) + " avoids " + who(e);
    case Obstacle::mentee_avoids:
      return who(e) + " avoids " + who(m);
    case Obstacle::same_department:
      return both + " are of one department (" + m.profile.department +
             "), and same_department is avoid";
    case Obstacle::no_common_language:
      return both + " share no language, and require_common_language is true";
    case Obstacle::level_gap: {
      const auto level = [](const Person& p) {
        return p.profile.level ? std::to_string(*p.profile.level) : std::string("none");
      };
      return who(m) + " is level " + level(m) + " and " + who(e) + " level " + level(e) +
             "; min_level_gap is " + std::to_string(*program_.matching.min_level_gap);
    }
    case Obstacle::no_shared_hour:
      return both + " share no working hour: " + hours(m) + " and " + hours(e);
    case Obstacle::short_shared_hours:
      return both + " share no " + std::to_string(program_.pair_defaults.duration.count()) +
             " minutes of working time: " + hours(m) + " and " + hours(e);
    case Obstacle::shared_time_busy:
      return "the working hours " + both + " share are all busy or blackout days";
    case Obstacle::cannot_hold:
      return both + " cannot hold " +
             std::to_string(static_cast<int>(program_.pair_defaults.min_held * 100 + 0.5)) +
             "% of a " + program_.pair_defaults.cadence.to_string() + " series (min_held) in the " +
             "time they share, with their busy time, blackouts and limits";
  }
  return {};
}

}  // namespace mentorcal::matching

// The prepared re-planning index (solver/include/mentorcal/replan.hpp) against replan_people, block
// after block on the sample: the same changes, the same schedule.
#include "mentorcal/replan.hpp"

#include <gtest/gtest.h>

#include <array>

#include "mentorcal/availability.hpp"
#include "mentorcal/ical.hpp"
#include "mentorcal/schedule_json.hpp"
#include "mentorcal/solver.hpp"
#include "mentorcal/verify.hpp"

namespace mentorcal {
namespace {

Program sample() {
  auto loaded = load_program_dir(MENTORCAL_SOURCE_DIR "/samples/acme-2027");
  EXPECT_FALSE(loaded.diagnostics.has_errors());
  return std::move(*loaded.program);
}

void expect_same(const std::vector<Replanned>& a, const std::vector<Replanned>& b) {
  ASSERT_EQ(a.size(), b.size());
  for (std::size_t i = 0; i < a.size(); ++i) {
    EXPECT_EQ(a[i].uid, b[i].uid);
    EXPECT_EQ(a[i].nominal, b[i].nominal);
    EXPECT_EQ(a[i].before, b[i].before);
    EXPECT_EQ(a[i].after, b[i].after);
    EXPECT_EQ(a[i].at, b[i].at);
    EXPECT_EQ(a[i].below_min_held, b[i].below_min_held);
  }
}

TEST(ReplanIndex, GivesTheChangesAndScheduleOfReplanPeopleBlockAfterBlock) {
  auto program = sample();
  ScheduleOptions options;
  options.revision = Instant{program.start.time_since_epoch()};
  auto by_scan = schedule_program(program, options);
  auto by_index = by_scan;
  const ReplanIndex index(program, by_index);

  // A week away for each of a few mentors and mentees in turn, then their return, all on the
  // one index: it must stay valid while re-planning changes the schedule. The verifier, which
  // shares no code with either, checks every step; the returns must undo what the weeks away did.
  const auto calendars = program.people;
  std::array<std::size_t, 2> changed{};
  std::size_t held_again = 0;
  const auto week = date::days{7};
  for (std::size_t round = 0; round < 2; ++round)
    for (std::size_t p = 0; p < program.people.size(); p += 5) {
      auto& person = program.people[p];
      if (round == 0) {
        const auto from = Instant{program.start.time_since_epoch()} + week * (p % 8);
        person.busy.push_back({from, from + week});
        person.busy = normalized(std::move(person.busy));
      } else {
        person.busy = calendars[p].busy;
      }
      const auto revision = options.revision + Minutes{static_cast<int>(round * 100 + p + 1)};
      const auto expected = replan_people(program, by_scan, {person.id}, revision);
      const auto actual = index.replan(program, by_index, {person.id}, revision);
      expect_same(expected, actual);
      EXPECT_EQ(schedule_to_json(by_scan), schedule_to_json(by_index));
      // A block may leave a series below min_held: re-planning flags it rather than failing.
      for (const auto& v : verify_schedule(program, by_index))
        if (v.find("below min_held") == std::string::npos)
          ADD_FAILURE() << "round " << round << ", " << person.id << ": " << v;
      changed[round] += !actual.empty();
      for (const auto& r : actual) held_again += round == 1 && r.after == OccurrenceState::held;
    }
  EXPECT_GT(changed[0], 0u);
  EXPECT_GT(changed[1], 0u) << "a return re-plans what the week away moved";
  EXPECT_GT(held_again, 0u);
}

TEST(ReplanIndex, ListsTheResultsNamingAPerson) {
  const auto program = sample();
  ScheduleOptions options;
  options.revision = Instant{program.start.time_since_epoch()};
  const auto schedule = schedule_program(program, options);
  const ReplanIndex index(program, schedule);
  for (const auto& person : program.people) {
    std::vector<std::size_t> expected;
    for (std::size_t r = 0; r < schedule.pairs.size(); ++r)
      if (schedule.pairs[r].mentor_id == person.id || schedule.pairs[r].mentee_id == person.id)
        expected.push_back(r);
    EXPECT_EQ(index.results_of(person.id), expected) << person.id;
  }
  EXPECT_TRUE(index.results_of("nobody").empty());
}

}  // namespace
}  // namespace mentorcal

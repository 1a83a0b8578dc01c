// Plans of a solution of the exact search (exact_plans.hpp).
#include "exact_plans.hpp"

#include <algorithm>

namespace mentorcal::engine {
namespace {

// The member's ranked placements whose shape is one of the class's, best first.
std::vector<Placement> in_class(const Member& member, const RuleClass& rule_class) {
  std::vector<Placement> out;
  for (const auto& placement : ranked_placements(member.space, member.parties)) {
    const auto& shapes = rule_class.shapes;
    if (std::any_of(shapes.begin(), shapes.end(), [&](const Placement& s) {
          return s.weekday == placement.weekday && s.phase == placement.phase;
        }))
      out.push_back(placement);
  }
  return out;
}

// Where plan occurrence `k`, taken at `at`, sits on the pair's grid: in the week of its rule day.
Position position_of(const PairSpace& space, const Plan& plan, std::size_t k) {
  const auto days = space.rule_days(plan.placement);
  const auto [first, last] = space.week_of(days[k]);
  for (int d = first; d <= last; ++d)
    for (int s = 0; s < space.slots_per_day(); ++s)
      if (space.session(d, s) == plan.occurrences[k].at) return {d, s};
  return {days[k], plan.placement.slot};
}

}  // namespace

std::optional<std::vector<std::optional<Plan>>> plans_by_series_time(
    std::vector<Member>& members, const std::vector<std::vector<RuleClass>>& classes,
    const Solution& solution) {
  constexpr std::size_t kBreadth = 24;
  std::vector<std::optional<Plan>> plans(members.size());
  bool failed = false;
  for (std::size_t m = 0; m < members.size() && !failed; ++m) {
    const auto& choices = solution.choices[m];
    if (choices.empty()) continue;
    auto& member = members[m];
    std::vector<Decided> decided(choices.size());
    int skips = 0;
    for (std::size_t k = 0; k < choices.size(); ++k) {
      if (choices[k]) continue;
      decided[k].kind = Decided::Kind::skip;
      ++skips;
    }
    std::optional<Plan> best;
    const auto placements = in_class(member, classes[m][solution.classes[m]]);
    for (std::size_t i = 0; i < placements.size() && i < kBreadth; ++i) {
      const auto& placement = placements[i];
      Effort effort;
      effort.stop_when_unacceptable = false;
      effort.decided = &decided;
      auto plan = evaluate(member.space, placement, member.parties, effort);
      if (plan.skipped == skips && (!best || plan.better_than(*best))) best = std::move(plan);
    }
    if (!best) {
      failed = true;
      break;
    }
    book(*best, member.parties);
    plans[m] = std::move(best);
  }
  for (std::size_t m = 0; m < members.size(); ++m)
    if (plans[m]) unbook(*plans[m], members[m].parties);
  if (failed) return std::nullopt;
  return plans;
}

std::vector<std::optional<Plan>> plans_as_found(std::vector<Member>& members,
                                                const std::vector<std::vector<RuleClass>>& classes,
                                                const Solution& solution) {
  std::vector<std::optional<Plan>> plans(members.size());
  for (std::size_t m = 0; m < members.size(); ++m) {
    const auto& choices = solution.choices[m];
    if (choices.empty()) continue;
    auto& member = members[m];
    std::vector<Decided> decided(choices.size());
    for (std::size_t k = 0; k < choices.size(); ++k)
      decided[k] = choices[k] ? Decided{Decided::Kind::at, choices[k]->day, choices[k]->slot}
                              : Decided{Decided::Kind::skip, 0, 0};
    std::optional<Placement> best;
    int best_count = -1;
    for (const auto& placement : in_class(member, classes[m][solution.classes[m]])) {
      const auto days = member.space.rule_days(placement);
      int count = 0;
      for (std::size_t k = 0; k < choices.size(); ++k)
        count += choices[k] && *choices[k] == Position{days[k], placement.slot};
      if (count > best_count) {
        best_count = count;
        best = placement;
      }
    }
    Effort effort;
    effort.stop_when_unacceptable = false;
    effort.decided = &decided;
    plans[m] = evaluate(member.space, *best, member.parties, effort);
    book(*plans[m], member.parties);
  }
  for (std::size_t m = 0; m < members.size(); ++m)
    if (plans[m]) unbook(*plans[m], members[m].parties);
  return plans;
}

void write_reasons(std::vector<Member>& members, std::vector<std::optional<Plan>>& plans) {
  for (std::size_t m = 0; m < members.size(); ++m) {
    if (!plans[m]) continue;
    auto& member = members[m];
    std::vector<Decided> decided;
    for (std::size_t k = 0; k < plans[m]->occurrences.size(); ++k) {
      if (plans[m]->occurrences[k].state == OccurrenceState::skipped) {
        decided.push_back({Decided::Kind::skip, 0, 0});
      } else {
        const auto at = position_of(member.space, *plans[m], k);
        decided.push_back({Decided::Kind::at, at.day, at.slot});
      }
    }
    for (std::size_t i = 0; i < members.size(); ++i)
      if (i != m && plans[i]) book(*plans[i], members[i].parties);
    Effort effort;
    effort.reasons = true;
    effort.stop_when_unacceptable = false;
    effort.decided = &decided;
    plans[m] = evaluate(member.space, plans[m]->placement, member.parties, effort);
    for (std::size_t i = 0; i < members.size(); ++i)
      if (i != m && plans[i]) unbook(*plans[i], members[i].parties);
  }
}

}  // namespace mentorcal::engine

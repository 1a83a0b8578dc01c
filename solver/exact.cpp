// Exact search inside one small group (exact.hpp): the whole group first, then, when it is too
// large to search to the end, its parts in turn.
#include "exact.hpp"

#include <algorithm>
#include <numeric>

#include "exact_plans.hpp"
#include "exact_search.hpp"

namespace mentorcal::engine {
namespace {

// The score of the plans of the members in `part`.
Score score_of(const std::vector<std::optional<Plan>>& plans,
               const std::vector<std::size_t>& part) {
  Score score{0, 0};
  for (const auto m : part) {
    if (!plans[m]) continue;
    score.pairs += 1;
    score.skipped += plans[m]->skipped + plans[m]->missing;
  }
  return score;
}

// The parts searched on their own when the whole group is too large to search to the end: for
// each person, the members they are a party of, then those of the people those members meet,
// nearest first, as long as each person's members fit whole in kPartMembers.
constexpr std::size_t kPartMembers = 8;

std::vector<std::vector<std::size_t>> parts_of(const std::vector<Member>& members) {
  std::vector<const PersonCalendar*> people;
  for (const auto& m : members)
    for (const auto* p : {&m.parties.anchor, &m.parties.other})
      if (std::find(people.begin(), people.end(), p) == people.end()) people.push_back(p);
  const auto members_of = [&](const PersonCalendar* p) {
    std::vector<std::size_t> out;
    for (std::size_t m = 0; m < members.size(); ++m)
      if (is_party(members[m].parties, p)) out.push_back(m);
    return out;
  };
  std::vector<std::vector<std::size_t>> parts;
  for (const auto* start : people) {
    std::vector<std::size_t> part;
    std::vector<const PersonCalendar*> reached{start};
    for (std::size_t i = 0; i < reached.size(); ++i) {
      auto own = members_of(reached[i]);
      std::erase_if(
          own, [&](std::size_t m) { return std::find(part.begin(), part.end(), m) != part.end(); });
      if (part.size() + own.size() > kPartMembers) continue;
      for (const auto m : own) {
        part.push_back(m);
        for (const auto* p : {&members[m].parties.anchor, &members[m].parties.other})
          if (std::find(reached.begin(), reached.end(), p) == reached.end()) reached.push_back(p);
      }
    }
    std::sort(part.begin(), part.end());
    if (!part.empty() && part.size() < members.size() &&
        std::find(parts.begin(), parts.end(), part) == parts.end())
      parts.push_back(std::move(part));
  }
  return parts;
}

// Searches each part in turn, everyone else held where `plans` has them, and keeps what scores
// better, until a round over all parts finds nothing or the steps run out. Returns whether any
// part improved.
bool improve_by_parts(std::vector<Member>& members,
                      const std::vector<std::vector<RuleClass>>& classes,
                      const std::vector<FreeSlots>& free,
                      const std::vector<std::vector<std::size_t>>& parts,
                      std::vector<std::optional<Plan>>& plans, std::size_t budget) {
  if (parts.empty()) return false;
  const auto each = std::max<std::size_t>(budget / parts.size(), 2);
  bool improved = false;
  std::size_t spent = 0;
  for (bool again = true; again && spent < budget;) {
    again = false;
    for (const auto& part : parts) {
      if (spent >= budget) break;
      std::vector<bool> inside(members.size(), false);
      for (const auto m : part) inside[m] = true;
      for (std::size_t m = 0; m < members.size(); ++m)
        if (!inside[m] && plans[m]) book(*plans[m], members[m].parties);
      auto found = search_part(members, classes, free, part, score_of(plans, part),
                               std::min(each, budget - spent));
      for (std::size_t m = 0; m < members.size(); ++m)
        if (!inside[m] && plans[m]) unbook(*plans[m], members[m].parties);
      spent += found.steps;
      if (!found.plans) continue;
      for (std::size_t i = 0; i < part.size(); ++i) plans[part[i]] = std::move((*found.plans)[i]);
      improved = again = true;
    }
  }
  return improved;
}

}  // namespace

std::optional<std::vector<std::optional<Plan>>> improve_exactly(
    std::vector<Member>& members, const std::vector<std::optional<Plan>>& current,
    std::size_t budget) {
  std::vector<FreeSlots> free;
  std::vector<std::vector<RuleClass>> classes;
  for (const auto& m : members) {
    free.push_back(free_slots_of(m.space));
    classes.push_back(classes_of(m.space, free.back()));
  }
  std::vector<std::size_t> everyone(members.size());
  std::iota(everyone.begin(), everyone.end(), std::size_t{0});
  // A member without a rule class meets on no day its cadence can use, so it is never placed;
  // when every other member already holds all its occurrences, nothing can score better.
  const auto settled = [&](std::size_t m) {
    return classes[m].empty() || (current[m] && current[m]->skipped + current[m]->missing == 0);
  };
  if (std::all_of(everyone.begin(), everyone.end(), settled)) return std::nullopt;
  auto plans = current;
  // Half the steps for the whole group, the rest for its parts if it is not searched to the end.
  const auto parts = parts_of(members);
  auto whole = search_part(members, classes, free, everyone, score_of(plans, everyone),
                           parts.empty() ? budget : budget / 2);
  const bool improved = whole.plans.has_value();
  if (improved) plans = std::move(*whole.plans);
  // A search may take a step or two past its budget before it stops.
  const auto left = budget - std::min(budget, whole.steps);
  const bool by_parts =
      !whole.complete && improve_by_parts(members, classes, free, parts, plans, left);
  if (!improved && !by_parts) return std::nullopt;
  write_reasons(members, plans);
  return plans;
}

}  // namespace mentorcal::engine

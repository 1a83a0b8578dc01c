#include "mentorcal/program.hpp"

#include <limits>

namespace mentorcal {

Program without_people(const Program& program) {
  Program out;
  out.id = program.id;
  out.name = program.name;
  out.start = program.start;
  out.end = program.end;
  out.granularity = program.granularity;
  out.anchor = program.anchor;
  out.blackouts = program.blackouts;
  out.pair_defaults = program.pair_defaults;
  out.matching = program.matching;
  return out;
}

Program part_of(const Program& program, std::span<const Pair> pairs) {
  constexpr auto kOut = std::numeric_limits<std::size_t>::max();
  auto out = without_people(program);
  std::vector<std::size_t> index(program.people.size(), kOut);
  for (const auto& pair : pairs) index[pair.mentor] = index[pair.mentee] = 0;
  for (std::size_t p = 0; p < program.people.size(); ++p) {
    if (index[p] == kOut) continue;
    index[p] = out.people.size();
    auto& person = out.people.emplace_back(program.people[p]);
    person.profile = {};
    person.calendar_text.clear();
  }
  for (const auto& pair : pairs) {
    auto& copy = out.pairs.emplace_back(pair);
    copy.mentor = index[pair.mentor];
    copy.mentee = index[pair.mentee];
  }
  return out;
}

}  // namespace mentorcal

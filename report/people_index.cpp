#include "people_index.hpp"

#include "mentorcal/schedule_json.hpp"

namespace mentorcal {

PeopleIndex::PeopleIndex(const Program& program) {
  for (const auto& p : program.people) by_id_.emplace(p.id, &p);
}

const Person* PeopleIndex::find(std::string_view id) const {
  const auto it = by_id_.find(id);
  return it == by_id_.end() ? nullptr : it->second;
}

std::string PeopleIndex::name(std::string_view id) const {
  const Person* p = find(id);
  return p ? p->name : std::string{};
}

}  // namespace mentorcal

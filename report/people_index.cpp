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

std::string series_time_text(const Series& series) {
  const auto start = format_local(series.first);
  const auto end = format_local(series.first + series.duration);
  return cadence_phrase(series) + ", " + start.substr(11) + "-" + end.substr(11) + " " +
         series.zone + ", from " + start.substr(0, 10);
}

}  // namespace mentorcal

// What the report's views share: people by id, and a series' time in words.
#pragma once

#include <string>
#include <string_view>
#include <unordered_map>

#include "mentorcal/program.hpp"
#include "mentorcal/schedule.hpp"

namespace mentorcal {

// A program's people by id. A series cancelled by this pass may name someone who has left the
// program: their name is empty.
class PeopleIndex {
 public:
  explicit PeopleIndex(const Program& program);
  const Person* find(std::string_view id) const;
  std::string name(std::string_view id) const;

 private:
  std::unordered_map<std::string_view, const Person*> by_id_;
};

// "Every 2 weeks on Wednesday, 10:00-10:45 America/New_York, from 2027-01-13".

}  // namespace mentorcal

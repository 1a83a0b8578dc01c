// VAVAILABILITY (RFC 7953): when a person can meet, as their calendar export says. A member of
// the reader (calendar_reader.hpp), which reads the components and their AVAILABLE times.
#include <algorithm>
#include <map>
#include <utility>
#include <vector>

#include "calendar_reader.hpp"
#include "mentorcal/availability.hpp"

namespace mentorcal::detail {

Availability CalendarReader::read_availability(const std::vector<icalcomponent*>& blocks) {
  // By rank (1 first, 10 for no priority): the ranges covered, and the available time in them.
  std::map<int, std::pair<std::vector<Instance>, std::vector<Instance>>> by_rank;
  for (icalcomponent* block : blocks) {
    int priority = 0;
    if (icalproperty* p = icalcomponent_get_first_property(block, ICAL_PRIORITY_PROPERTY)) {
      priority = icalproperty_get_priority(p);
    }
    const int rank = priority >= 1 && priority <= 9 ? priority : 10;
    Instance range{window_.start, window_.end};
    const auto start = time_property(block, ICAL_DTSTART_PROPERTY, "DTSTART");
    if (start) {
      range.start = instance_start(start->local, *start, floating_clock(*start));
      const Length length = length_of(block, *start, range.start);
      const bool open_end = !icalcomponent_get_first_property(block, ICAL_DTEND_PROPERTY) &&
                            !icalcomponent_get_first_property(block, ICAL_DURATION_PROPERTY);
      range.end = open_end ? std::max(window_.end, range.start)
                           : end_of(start->local, range.start, length,
                                    start->is_date ? WallClock(owner_) : floating_clock(*start));
    } else if (icalcomponent_get_first_property(block, ICAL_DTEND_PROPERTY)) {
      if (auto end = time_property(block, ICAL_DTEND_PROPERTY, "DTEND")) {
        range.end = end->to_sys(WallClock(owner_));
      }
    }
    std::vector<Record> available;
    for (icalcomponent* a = icalcomponent_get_first_component(block, ICAL_XAVAILABLE_COMPONENT); a;
         a = icalcomponent_get_next_component(block, ICAL_XAVAILABLE_COMPONENT)) {
      available.push_back(record_of(a, true));
    }
    auto& [covered, open] = by_rank[rank];
    covered.push_back(range);
    std::vector<Instance> instances;
    expand_records(available, instances);
    for (Instance i : instances) {
      i.start = std::max(i.start, range.start);
      i.end = std::min(i.end, range.end);
      if (i.start < i.end) open.push_back(i);
    }
  }
  Availability result;
  for (auto rank = by_rank.rbegin(); rank != by_rank.rend(); ++rank) {
    const auto covered = to_intervals(rank->second.first);
    result.available = normalized([&] {
      auto kept = subtract(result.available, covered);
      const auto open = to_intervals(rank->second.second);
      kept.insert(kept.end(), open.begin(), open.end());
      return kept;
    }());
    auto all = result.covered;
    all.insert(all.end(), covered.begin(), covered.end());
    result.covered = normalized(std::move(all));
  }
  return result;
}

}  // namespace mentorcal::detail

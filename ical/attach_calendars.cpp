// Attaching calendars: every person's export read into their busy time and availability.
#include <string>
#include <vector>

#include "mentorcal/availability.hpp"
#include "mentorcal/ical.hpp"
#include "mentorcal/parallel.hpp"

namespace mentorcal {

void attach_calendars(Program& program, const std::string& label, Diagnostics& diagnostics) {
  const Interval window = term_window(program);
  const LocalDay first{date::floor<date::days>(window.start).time_since_epoch()};
  const LocalDay last =
      LocalDay{date::floor<date::days>(window.end).time_since_epoch()} - date::days{1};
  const auto attach = [&](Person& person, Diagnostics& found) {
    auto calendar = read_busy_calendar(person.calendar_text, person.zone, window,
                                       label + person.calendar_file, found);
    // The text is not needed any more; with tens of thousands of people it is most of the memory.
    std::string().swap(person.calendar_text);
    person.busy = std::move(calendar.busy);
    if (!calendar.availability) return;
    auto open = subtract(working_intervals(person.working_hours, person.zone, first, last),
                         calendar.availability->covered);
    open.insert(open.end(), calendar.availability->available.begin(),
                calendar.availability->available.end());
    person.availability = normalized(std::move(open));
  };

  std::vector<Person*> readers;
  for (Person& person : program.people) {
    if (!person.calendar_file.empty()) readers.push_back(&person);
  }
  // Each person's problems are collected apart and appended in person order, so that the output
  // does not depend on which thread read which calendar.
  std::vector<Diagnostics> found(readers.size());
  for_each_index_in_parallel(readers.size(), [&](std::size_t i) { attach(*readers[i], found[i]); });
  for (const Diagnostics& d : found) diagnostics.append(d);
}

}  // namespace mentorcal

// libFuzzer target for the import path: any bytes given as a calendar export must produce
// diagnostics or busy time, never a crash, a hang or a sanitizer report, and the busy time must
// keep its invariants. Built with -DMENTORCAL_FUZZ=ON and clang; fuzz/run.sh runs it.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "mentorcal/ical.hpp"

namespace {

void check(bool condition) {
  if (!condition) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace mentorcal;
  static const Zone owner = Zone::find("Europe/Berlin").value();
  static const Interval window{Instant{parse_day("2027-01-01")->time_since_epoch()},
                               Instant{parse_day("2027-07-01")->time_since_epoch()}};
  const std::string_view text{reinterpret_cast<const char*>(data), size};
  Diagnostics diagnostics;
  const BusyCalendar calendar = read_busy_calendar(text, owner, window, "fuzz.ics", diagnostics);
  for (std::size_t i = 0; i < calendar.busy.size(); ++i) {
    check(!calendar.busy[i].empty() && window.contains(calendar.busy[i]));
    check(i == 0 || calendar.busy[i - 1].end < calendar.busy[i].start);
  }
  if (calendar.availability) {
    const auto& a = *calendar.availability;
    check(subtract(a.available, a.covered).empty());
  }
  for (const Diagnostic& d : diagnostics.all()) check(d.file == "fuzz.ics" && d.line >= 0);
  declared_zone(text, "fuzz.ics", diagnostics);
  return 0;
}

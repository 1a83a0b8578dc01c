// `mentorcal busy FILE.ics --from DATE --to DATE [--tz ZONE] [--json]`: the busy time the engine
// reads from one calendar export, so that a coordinator can see why a time was not used.
#include <cerrno>
#include <cstring>
#include <iostream>
#include <nlohmann/json.hpp>

#include "commands.hpp"
#include "mentorcal/ical.hpp"

namespace mentorcal::cli {
namespace {

void print(const Diagnostics& diagnostics) {
  for (const Diagnostic& d : diagnostics.all()) std::cerr << d.to_string() << '\n';
}

}  // namespace

int run_busy(const BusyOptions& options) {
  try {
    const auto from = parse_day(options.from);
    const auto to = parse_day(options.to);
    if (!from || !to) {
      std::cerr << "mentorcal busy: --" << (from ? "to" : "from") << " '"
                << (from ? options.to : options.from) << "' is not a date (YYYY-MM-DD)\n";
      return 2;
    }
    if (*to <= *from) {
      std::cerr << "mentorcal busy: --to " << options.to << " is not after --from " << options.from
                << '\n';
      return 2;
    }
    std::optional<Zone> owner;
    if (options.tz) {
      owner = Zone::find(*options.tz);
      if (!owner) {
        std::cerr << "mentorcal busy: --tz '" << *options.tz << "' is not a known IANA zone\n";
        return 2;
      }
    }
    errno = 0;
    const auto text = read_text_file(options.file);
    if (!text) {
      std::cerr << options.file << ": cannot be read"
                << (errno != 0 ? std::string(": ") + std::strerror(errno) : std::string()) << '\n';
      return 2;
    }
    Diagnostics diagnostics;
    if (!owner) owner = declared_zone(*text, options.file, diagnostics).value_or(Zone::utc());
    const Interval window{Instant{from->time_since_epoch()}, Instant{to->time_since_epoch()}};
    const BusyCalendar calendar =
        read_busy_calendar(*text, *owner, window, options.file, diagnostics);
    print(diagnostics);
    if (diagnostics.has_errors()) return 2;

    if (calendar.availability) {
      std::cerr << options.file << ": note: its VAVAILABILITY limits when the owner can meet ("
                << calendar.availability->available.size()
                << " available intervals in the window); that is not busy time and is not listed\n";
    }
    if (options.json) {
      auto out = nlohmann::ordered_json::array();  // "start" before "end", as documented
      for (const Interval& i : calendar.busy) {
        out.push_back({{"start", format_utc(i.start)}, {"end", format_utc(i.end)}});
      }
      std::cout << out.dump(2) << '\n';
    } else {
      for (const Interval& i : calendar.busy) {
        std::cout << format_utc(i.start) << ' ' << format_utc(i.end) << '\n';
      }
    }
    std::cout.flush();
    return std::cout ? 0 : 1;
  } catch (const std::exception& e) {
    std::cerr << "mentorcal busy: " << e.what() << '\n';
    return 1;
  }
}

}  // namespace mentorcal::cli

#include "mentorcal/zone_names.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <cstdlib>
#include <fstream>
#include <mutex>
#include <sstream>
#include <vector>

#include "mentorcal/text.hpp"

namespace mentorcal {
namespace {

// The legacy names people write for a city's time, and that city. The tz database keeps these
// as fixed offsets or as one country's rules (CET follows Brussels), never the writer's city.
struct Legacy {
  std::string_view name;
  std::string_view city;
};
constexpr std::array kLegacy = std::to_array<Legacy>({
    {"EST", "America/New_York"},
    {"EST5EDT", "America/New_York"},
    {"CST6CDT", "America/Chicago"},
    {"MST", "America/Denver (America/Phoenix in Arizona)"},
    {"MST7MDT", "America/Denver"},
    {"PST8PDT", "America/Los_Angeles"},
    {"HST", "Pacific/Honolulu"},
    {"CET", "Europe/Berlin, Europe/Paris or another city"},
    {"MET", "Europe/Berlin, Europe/Paris or another city"},
    {"EET", "Europe/Athens, Europe/Helsinki or another city"},
    {"WET", "Europe/Lisbon"},
    {"GMT", "Europe/London"},
});

// Levenshtein distance: the zone list is a few hundred short names, so the plain dynamic
// programme over two rows is quick enough and needs no library.
std::size_t distance(std::string_view a, std::string_view b) {
  std::vector<std::size_t> row(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    std::size_t diagonal = row[0];
    row[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const auto above = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diagonal = above;
    }
  }
  return row[b.size()];
}

// Every zone and link name of tzdata.zi in TZDIR ("Z NAME ..." and "L TARGET NAME" lines), and
// each link's target; read once.
struct TzNames {
  std::vector<std::string> names;
  std::vector<std::pair<std::string, std::string>> links;  // name, target
};

const TzNames& tz_names() {
  static TzNames out;
  static std::once_flag once;
  std::call_once(once, [] {
    const char* dir = std::getenv("TZDIR");
    std::ifstream in(std::string(dir && *dir ? dir : "/usr/share/zoneinfo") + "/tzdata.zi");
    std::string line;
    while (std::getline(in, line)) {
      std::istringstream words(line);
      std::string kind, first, second;
      words >> kind >> first >> second;
      if (kind == "Z") out.names.push_back(first);
      if (kind == "L") {
        out.names.push_back(second);
        out.links.emplace_back(second, first);
      }
    }
  });
  return out;
}

}  // namespace

std::optional<std::string> legacy_zone_hint(std::string_view name) {
  for (const auto& l : kLegacy)
    if (l.name == name)
      return "is a legacy name that follows no city's clock; people who write it usually mean " +
             std::string(l.city);
  if (name.starts_with("Etc/GMT") && name.size() > 7) {
    // POSIX style: Etc/GMT+5 is five hours behind UTC.
    const auto hours = std::string(name.substr(8));
    const char sign = name[7] == '+' ? '-' : '+';
    return "is a fixed offset, UTC" + std::string(1, sign) + hours +
           " all year (the sign is inverted), with no daylight saving time; write the city zone "
           "where the person is";
  }
  for (const std::string_view region : {"US/", "Canada/", "Mexico/", "Brazil/", "Chile/"}) {
    if (!name.starts_with(region)) continue;
    for (const auto& [link, target] : tz_names().links)
      if (link == name) return "is a legacy name for " + target + "; write " + target;
  }
  return std::nullopt;
}

std::optional<std::string> nearest_zone_name(std::string_view name) {
  const auto wanted = ascii_lower(name);
  if (wanted.empty()) return std::nullopt;
  std::optional<std::string> best;
  std::size_t best_distance = std::max<std::size_t>(2, wanted.size() / 3) + 1;
  const auto consider = [&](const std::string& candidate) {
    const auto full = ascii_lower(candidate);
    const auto slash = full.rfind('/');
    auto d = distance(wanted, full);
    if (slash != std::string::npos) d = std::min(d, distance(wanted, full.substr(slash + 1)));
    if (d < best_distance) {
      best_distance = d;
      best = candidate;
    }
  };
  for (const auto& n : tz_names().names) consider(n);
  const auto best_tz = best;
  for (const auto& n : windows_zone_names()) consider(std::string(n));
  // A near Windows name is answered with the IANA name it stands for.
  if (best != best_tz) return iana_of_windows_zone(*best);
  return best;
}

}  // namespace mentorcal

// TZIDs as exports write them: IANA names, and the Windows zone names Outlook and Exchange use,
// mapped by CLDR's windowsZones table (generated at build time from Debian's unicode-cldr-core,
// see generate_windows_zones.cmake), so that nothing is read at run time. Part of the
// model, which names them in people.csv's messages too.
#include <array>
#include <string_view>

#include "mentorcal/zone_names.hpp"

namespace mentorcal {
namespace {

struct WindowsZone {
  std::string_view windows;
  std::string_view iana;
};

constexpr std::array kWindowsZones = std::to_array<WindowsZone>({
#include "windows_zones_table.inc"
});

}  // namespace

std::optional<Zone> find_tzid_zone(std::string_view tzid) {
  if (auto zone = Zone::find(tzid)) return zone;
  for (const auto& entry : kWindowsZones) {
    // CLDR's names for zones that have since been renamed ("America/Buenos_Aires") are links in
    // the tz database, which Zone::find follows.
    if (entry.windows == tzid) return Zone::find(entry.iana);
  }
  return std::nullopt;
}

std::optional<std::string> iana_of_windows_zone(std::string_view name) {
  for (const auto& entry : kWindowsZones)
    if (entry.windows == name) return std::string(entry.iana);
  return std::nullopt;
}

std::vector<std::string_view> windows_zone_names() {
  std::vector<std::string_view> out;
  for (const auto& entry : kWindowsZones) out.push_back(entry.windows);
  return out;
}

}  // namespace mentorcal

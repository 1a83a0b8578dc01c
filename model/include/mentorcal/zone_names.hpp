// Help with the zone names people write: the city zone behind a legacy or fixed-offset name, and
// the nearest real name to one the tz database does not know.
//
//   if (auto hint = mentorcal::legacy_zone_hint("EST")) warn(*hint);
//   if (auto near = mentorcal::nearest_zone_name("Europe/Londn")) say("did you mean " + *near);
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "mentorcal/time.hpp"

namespace mentorcal {

// For a zone name that the tz database knows but that is a legacy or fixed-offset name ("EST",
// "CET", "EST5EDT", "GMT", "Etc/GMT+5", "US/Eastern"), what it means and the city zone to write
// instead, as the end of a sentence: "is a fixed offset, UTC-05:00 all year; people who write it
// usually mean America/New_York". nullopt for a city zone, and for UTC.
std::optional<std::string> legacy_zone_hint(std::string_view name);

// A TZID as exports write it: an IANA name or alias ("America/Buenos_Aires"), or a Windows zone
// name ("W. Europe Standard Time") mapped by the CLDR windowsZones table (its territory 001 row).
// nullopt for anything else.
std::optional<Zone> find_tzid_zone(std::string_view tzid);

// The IANA name for a Windows zone name ("W. Europe Standard Time" -> "Europe/Berlin"), by
// CLDR's windowsZones table; nullopt for anything else.
std::optional<std::string> iana_of_windows_zone(std::string_view name);

// Every Windows zone name of that table.
std::vector<std::string_view> windows_zone_names();

// The zone name nearest to `name` that the tz database has (zones and links, from tzdata.zi in
// the directory TZDIR names, default /usr/share/zoneinfo), or a Windows zone name: by edit
// distance, ignoring case, against the whole name or its city ("London" -> "Europe/London").
// nullopt when nothing is near enough to be a likely typo.
std::optional<std::string> nearest_zone_name(std::string_view name);

}  // namespace mentorcal

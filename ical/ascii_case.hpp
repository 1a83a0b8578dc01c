// ASCII case folding for the names iCalendar compares without case (RFC 5545 §3.1: property,
// parameter and component names are case-insensitive). Private to ical/.
#pragma once

#include <algorithm>
#include <string>
#include <string_view>

namespace mentorcal::detail {

inline char upper(char c) {
  return c >= 'a' && c <= 'z' ? static_cast<char>(c - 'a' + 'A') : c;
}

inline std::string upper(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = upper(c);
  return out;
}

inline bool equals_ignoring_case(std::string_view a, std::string_view b) {
  return std::equal(a.begin(), a.end(), b.begin(), b.end(),
                    [](char x, char y) { return upper(x) == upper(y); });
}

}  // namespace mentorcal::detail

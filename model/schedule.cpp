#include "mentorcal/schedule.hpp"

#include <algorithm>
#include <array>
#include <cstdio>

namespace mentorcal {
namespace {

constexpr std::array<const char*, 7> kWeekdayNames{"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};

}  // namespace

const char* change_kind_name(SeriesChange::Kind kind) {
  switch (kind) {
    case SeriesChange::Kind::kept:
      return "kept";
    case SeriesChange::Kind::replanned:
      return "replanned";
    case SeriesChange::Kind::retimed:
      return "retimed";
    case SeriesChange::Kind::added:
      return "new";
    case SeriesChange::Kind::cancelled:
      return "cancelled";
  }
  return "kept";
}

std::string series_time_text(const Series& s) {
  constexpr std::array<const char*, 5> kOrdinals{"", "1st ", "2nd ", "3rd ", "4th "};
  const auto start = s.first - LocalMinute{date::floor<date::days>(s.first)};
  const auto hhmm = [](Minutes m) {
    char text[8];
    std::snprintf(text, sizeof text, "%02d:%02d", static_cast<int>(m.count() / 60) % 100,
                  static_cast<int>(m.count() % 60));
    return std::string(text);
  };
  const auto ordinal =
      s.cadence.kind == Cadence::Kind::monthly && s.monthly_ordinal >= 1 && s.monthly_ordinal <= 4
          ? kOrdinals[static_cast<std::size_t>(s.monthly_ordinal)]
          : "";
  return s.cadence.to_string() + ", " + ordinal + kWeekdayNames[s.weekday.c_encoding()] + " " +
         hhmm(start) + "-" + hhmm(start + s.duration) + " " + s.zone;
}

int Series::held_count() const {
  return static_cast<int>(std::count_if(occurrences.begin(), occurrences.end(), [](const auto& o) {
    return o.state != OccurrenceState::skipped;
  }));
}

}  // namespace mentorcal

#include "mentorcal/time.hpp"

#include <charconv>
#include <optional>
#include <stdexcept>
#include <string>

namespace mentorcal {

std::optional<Zone> Zone::find(std::string_view name) {
  if (name.empty()) return std::nullopt;
  try {
    return Zone{date::locate_zone(name)};
  } catch (const std::runtime_error&) {
    return std::nullopt;
  }
}

Zone Zone::utc() {
  return Zone{date::locate_zone("UTC")};
}

std::string_view Zone::name() const {
  return tz_->name();
}

Instant Zone::to_instant(LocalMinute local) const {
  // For a unique time `first` is the only reading; for an ambiguous one it is the earlier
  // (pre-transition) reading, and for a nonexistent one it is the offset before the gap. So one
  // rule gives RFC 5545 §3.3.5 in all three cases.
  const auto info = tz_->get_info(local);
  return Instant{local.time_since_epoch() - std::chrono::duration_cast<Minutes>(info.first.offset)};
}

LocalMinute Zone::to_local(Instant t) const {
  return LocalMinute{t.time_since_epoch() + offset(t)};
}

LocalKind Zone::classify(LocalMinute local) const {
  switch (tz_->get_info(local).result) {
    case date::local_info::nonexistent:
      return LocalKind::nonexistent;
    case date::local_info::ambiguous:
      return LocalKind::ambiguous;
    default:
      return LocalKind::unique;
  }
}

Minutes Zone::offset(Instant t) const {
  return std::chrono::duration_cast<Minutes>(tz_->get_info(t).offset);
}

LocalDay local_day(const Zone& zone, Instant t) {
  return date::floor<date::days>(zone.to_local(t));
}

LocalDay iso_week_start(LocalDay day) {
  const date::weekday wd{day};
  return day - (wd - date::Monday);
}

LocalDay month_start(LocalDay day) {
  const date::year_month_day ymd{day};
  return LocalDay{ymd.year() / ymd.month() / 1};
}

std::string format_day(LocalDay day) {
  return date::format("%F", day);
}

namespace {

// "YYYY-MM-DDTHH:MM" of the minute `since_epoch` after 1970-01-01T00:00, as date::format's
// "%FT%R" writes it, without a stream: a schedule of L formats over a million of these. Years
// outside 1000..9999 are left to date::format.
std::optional<std::string> minute_text(Minutes since_epoch) {
  const auto day = date::floor<date::days>(date::sys_time<Minutes>{since_epoch});
  const date::year_month_day ymd{day};
  const int year{ymd.year()};
  if (year < 1000 || year > 9999) return std::nullopt;
  const auto minute = static_cast<int>((since_epoch - day.time_since_epoch()).count());
  std::string text = "YYYY-MM-DDTHH:MM";
  const auto two = [&](std::size_t at, int value) {
    text[at] = static_cast<char>('0' + value / 10);
    text[at + 1] = static_cast<char>('0' + value % 10);
  };
  two(0, year / 100);
  two(2, year % 100);
  two(5, static_cast<int>(unsigned{ymd.month()}));
  two(8, static_cast<int>(unsigned{ymd.day()}));
  two(11, minute / 60);
  two(14, minute % 60);
  return text;
}

}  // namespace

std::string format_local(LocalMinute t) {
  if (auto text = minute_text(t.time_since_epoch())) return std::move(*text);
  return date::format("%FT%R", t);
}

std::string format_utc(Instant t) {
  if (auto text = minute_text(t.time_since_epoch())) return *text + ":00Z";
  return date::format("%FT%TZ", t);
}

std::optional<LocalDay> parse_day(std::string_view text) {
  if (text.size() != 10 || text[4] != '-' || text[7] != '-') return std::nullopt;
  int y = 0;
  unsigned m = 0;
  unsigned d = 0;
  const auto number = [&](std::size_t pos, std::size_t len, auto& out) {
    const char* first = text.data() + pos;
    const auto [end, ec] = std::from_chars(first, first + len, out);
    return ec == std::errc{} && end == first + len;
  };
  if (!number(0, 4, y) || !number(5, 2, m) || !number(8, 2, d)) return std::nullopt;
  const date::year_month_day ymd{date::year{y}, date::month{m}, date::day{d}};
  if (!ymd.ok()) return std::nullopt;
  return LocalDay{ymd};
}

}  // namespace mentorcal

#include "mentorcal/time.hpp"

#include <absl/time/civil_time.h>
#include <absl/time/time.h>

#include <algorithm>
#include <charconv>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace mentorcal {

namespace {

const absl::CivilSecond kCivilEpoch(1970, 1, 1, 0, 0, 0);

absl::Time absl_time(date::sys_seconds t) {
  return absl::FromUnixSeconds(t.time_since_epoch().count());
}

date::sys_seconds sys_seconds_of(absl::CivilSecond civil, std::chrono::seconds offset) {
  return date::sys_seconds{std::chrono::seconds{civil - kCivilEpoch} - offset};
}

}  // namespace

namespace detail {

// A zone's rules, and its offsets over the years programs use, looked up without cctz: reading
// an offset through cctz breaks the instant into a civil time first, and a pass reads millions
// (every occurrence in each party's zone, for the feeds, the reports and the verifier).
struct ZoneRules {
  ZoneRules(std::string zone_name, absl::TimeZone zone) : name(std::move(zone_name)), tz(zone) {}

  std::string name;
  absl::TimeZone tz;

  // The offset in force at `unix_seconds`: from the table within [kFirst, kEnd), else from cctz.
  std::chrono::seconds offset(std::int64_t unix_seconds) const {
    if (unix_seconds < kFirst || unix_seconds >= kEnd)
      return std::chrono::seconds{tz.At(absl::FromUnixSeconds(unix_seconds)).offset};
    std::call_once(table_made_, [this] { make_table(); });
    const auto after = std::upper_bound(change_at_.begin(), change_at_.end(), unix_seconds);
    return std::chrono::seconds{
        after == change_at_.begin()
            ? offset_at_first_
            : offset_from_[static_cast<std::size_t>(after - change_at_.begin() - 1)]};
  }

 private:
  static constexpr std::int64_t kFirst = 0;            // 1970-01-01T00:00:00Z
  static constexpr std::int64_t kEnd = 4'102'444'800;  // 2100-01-01T00:00:00Z

  // Every change of [kFirst, kEnd) cctz knows: the instant, and the offset it brings in.
  void make_table() const {
    offset_at_first_ = tz.At(absl::FromUnixSeconds(kFirst)).offset;
    auto at = absl::FromUnixSeconds(kFirst);
    absl::TimeZone::CivilTransition change;
    int offset = offset_at_first_;
    while (tz.NextTransition(at, &change)) {
      // The change's civil time as the clocks read it before it, in the offset it ends.
      const auto instant = sys_seconds_of(change.from, std::chrono::seconds{offset});
      if (instant.time_since_epoch().count() >= kEnd) break;
      at = absl_time(instant);
      offset = tz.At(at).offset;
      change_at_.push_back(instant.time_since_epoch().count());
      offset_from_.push_back(offset);
    }
  }

  mutable std::once_flag table_made_;
  mutable int offset_at_first_ = 0;
  mutable std::vector<std::int64_t> change_at_;  // ascending
  mutable std::vector<int> offset_from_;         // per change: the offset from it on
};

}  // namespace detail

namespace {

// A name as the tz database writes one: ASCII letters, digits, '_', '-' and '+', in segments
// separated by single slashes. Keeps out what cctz would read otherwise: a path or a "file:"
// name, "localtime" (the TZ variable), and "Fixed/UTC+hh:mm" offsets.
bool is_zone_name(std::string_view name) {
  if (name.empty() || name.size() > 128 || name == "localtime") return false;
  if (name.front() == '/' || name.back() == '/' || name.find("//") != std::string_view::npos)
    return false;
  return std::all_of(name.begin(), name.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
           c == '-' || c == '+' || c == '/';
  });
}

// Every zone loaded, once per name, never freed: a Zone is a pointer into this registry.
class ZoneRegistry {
 public:
  const detail::ZoneRules* find(std::string_view name) {
    const std::lock_guard lock(mutex_);
    if (const auto known = zones_.find(name); known != zones_.end()) return known->second.get();
    std::unique_ptr<detail::ZoneRules> rules;
    absl::TimeZone tz;
    if (is_zone_name(name) && absl::LoadTimeZone(std::string(name), &tz))
      rules = std::make_unique<detail::ZoneRules>(std::string(name), tz);
    return zones_.emplace(std::string(name), std::move(rules)).first->second.get();
  }

 private:
  std::mutex mutex_;
  std::map<std::string, std::unique_ptr<detail::ZoneRules>, std::less<>> zones_;
};

ZoneRegistry& registry() {
  static ZoneRegistry zones;
  return zones;
}

// Whole minutes of an offset, toward zero: how date/tz and the feeds have always rounded the
// local mean times of the 19th century.
Minutes whole_minutes(std::chrono::seconds offset) {
  return std::chrono::duration_cast<Minutes>(offset);
}

}  // namespace

std::optional<Zone> Zone::find(std::string_view name) {
  if (const auto* rules = registry().find(name)) return Zone{rules};
  return std::nullopt;
}

Zone Zone::utc() {
  static const Zone zone = find("UTC").value();
  return zone;
}

std::string_view Zone::name() const {
  return rules_->name;
}

Instant Zone::to_instant(LocalMinute local) const {
  // cctz's `pre` is the reading with the offset in force before a transition: for a unique time
  // the only one, for an ambiguous one the earlier, for a nonexistent one the offset before the
  // gap. So one rule gives RFC 5545 §3.3.5 in all three cases.
  const auto local_seconds = std::chrono::seconds{local.time_since_epoch()};
  const auto reading = rules_->tz.At(kCivilEpoch + local_seconds.count());
  const auto offset = local_seconds - std::chrono::seconds{absl::ToUnixSeconds(reading.pre)};
  return Instant{local.time_since_epoch() - whole_minutes(offset)};
}

LocalMinute Zone::to_local(Instant t) const {
  return LocalMinute{t.time_since_epoch() + offset(t)};
}

LocalKind Zone::classify(LocalMinute local) const {
  const auto local_seconds = std::chrono::seconds{local.time_since_epoch()};
  switch (rules_->tz.At(kCivilEpoch + local_seconds.count()).kind) {
    case absl::TimeZone::TimeInfo::SKIPPED:
      return LocalKind::nonexistent;
    case absl::TimeZone::TimeInfo::REPEATED:
      return LocalKind::ambiguous;
    default:
      return LocalKind::unique;
  }
}

Minutes Zone::offset(Instant t) const {
  return whole_minutes(rules_->offset(std::chrono::seconds{t.time_since_epoch()}.count()));
}

ZonePeriod Zone::period_at(date::sys_seconds t) const {
  static constexpr date::sys_seconds kFarPast = date::sys_days{date::year{-32767} / 1 / 1};
  static constexpr date::sys_seconds kFarFuture = date::sys_days{date::year{32767} / 12 / 31};
  const auto at = absl_time(t);
  const auto info = rules_->tz.At(at);
  const std::chrono::seconds offset{info.offset};
  ZonePeriod period{kFarPast, kFarFuture, offset, info.zone_abbr};
  absl::TimeZone::CivilTransition change;
  // The last change at or before `t`, read in the offset it brought in; the next one after
  // `t`, read in the offset it ends.
  if (rules_->tz.PrevTransition(at + absl::Seconds(1), &change))
    period.begin = sys_seconds_of(change.to, offset);
  if (rules_->tz.NextTransition(at, &change)) period.end = sys_seconds_of(change.from, offset);
  return period;
}

const std::string& tz_database_directory() {
  static const std::string directory = [] {
    const char* tzdir = std::getenv("TZDIR");
    return std::string(tzdir != nullptr && *tzdir != '\0' ? tzdir : "/usr/share/zoneinfo");
  }();
  return directory;
}

const std::string& tz_database_version() {
  static const std::string version = [] {
    const std::filesystem::path directory = tz_database_directory();
    // tzdata.zi opens with "# version 2026f"; older layouts ship a +VERSION file.
    std::string line;
    if (std::ifstream zi(directory / "tzdata.zi"); std::getline(zi, line)) {
      constexpr std::string_view prefix = "# version ";
      if (line.starts_with(prefix)) return line.substr(prefix.size());
    }
    if (std::ifstream plus(directory / "+VERSION"); std::getline(plus, line) && !line.empty())
      return line;
    return std::string("unknown");
  }();
  return version;
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

namespace {

// "YYYY-MM-DDTHH:MM" of the minute `since_epoch` after 1970-01-01T00:00, as date::format's
// "%FT%R" writes it, without a stream: a schedule of L formats over a million of these, and as
// many days (format_day). Years outside 1000..9999 are left to date::format.
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

std::string format_day(LocalDay day) {
  if (auto text = minute_text(day.time_since_epoch())) return text->substr(0, 10);
  return date::format("%F", day);
}

std::string format_local(LocalMinute t) {
  if (auto text = minute_text(t.time_since_epoch())) return std::move(*text);
  return date::format("%FT%R", t);
}

std::string format_utc(Instant t) {
  if (auto text = minute_text(t.time_since_epoch())) return *text + ":00Z";
  return date::format("%FT%TZ", t);
}

std::string format_utc_basic(Instant t) {
  if (auto text = minute_text(t.time_since_epoch())) {  // "2027-03-14T07:30"
    for (const std::size_t separator : {13, 7, 4}) text->erase(separator, 1);
    return std::move(*text) + "00Z";
  }
  return date::format("%Y%m%dT%H%M00Z", t);
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

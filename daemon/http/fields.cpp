#include "http/fields.hpp"

#include <algorithm>
#include <cctype>
#include <sstream>

namespace mentorcal::daemon {
namespace {

// Whether `text` is as long as `shape`, with a digit where it has '#', a letter where it has
// 'A', and its other characters where it has them: the fixed widths of a date on the wire, which
// date::parse reads more loosely (it takes "6" for a day and "Sunday" for "Sun").
bool has_shape(std::string_view text, std::string_view shape) {
  return text.size() == shape.size() &&
         std::equal(text.begin(), text.end(), shape.begin(), [](char c, char s) {
           const auto u = static_cast<unsigned char>(c);
           if (s == '#') return std::isdigit(u) != 0;
           if (s == 'A') return std::isalpha(u) != 0;
           return c == s;
         });
}

// Reads `text` (a date and a time of day) by `format` into UTC. A leap second, "60" at
// `second`, is read as the second before it: date::parse refuses it, and the tz database's
// clock has none.
std::optional<date::sys_seconds> parse_utc(std::string text, std::size_t second,
                                           const char* format) {
  if (text.compare(second, 2, "60") == 0) text.replace(second, 2, "59");
  std::istringstream in(std::move(text));
  date::sys_seconds t;
  in >> date::parse(format, t);
  if (in.fail()) return std::nullopt;
  return t;
}

}  // namespace

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

bool is_plain_target(std::string_view target) {
  static constexpr std::string_view kAllowed = "-._~!$&'()*+,;=:@/?%";
  return target.starts_with('/') && std::all_of(target.begin(), target.end(), [](char c) {
           return std::isalnum(static_cast<unsigned char>(c)) ||
                  kAllowed.find(c) != std::string_view::npos;
         });
}

bool is_plain_host(std::string_view host) {
  if (host.empty()) return true;
  const auto all = [](std::string_view text, auto allowed) {
    return std::all_of(text.begin(), text.end(),
                       [&](char c) { return allowed(static_cast<unsigned char>(c)); });
  };
  std::string_view name, rest;
  bool name_ok = false;
  if (host.front() == '[') {
    const auto close = host.find(']');
    if (close == std::string_view::npos) return false;
    name = host.substr(1, close - 1);
    rest = host.substr(close + 1);
    name_ok = all(name, [](unsigned char c) { return std::isxdigit(c) || c == ':' || c == '.'; });
  } else {
    const auto colon = host.find(':');
    name = host.substr(0, colon);
    rest = colon == std::string_view::npos ? std::string_view() : host.substr(colon);
    name_ok = name.size() <= 253 &&
              all(name, [](unsigned char c) { return std::isalnum(c) || c == '.' || c == '-'; });
  }
  if (!name_ok || name.empty()) return false;
  if (rest.empty()) return true;
  const auto port = rest.substr(1);
  return rest.front() == ':' && !port.empty() && port.size() <= 5 &&
         all(port, [](unsigned char c) { return c >= '0' && c <= '9'; });
}

std::string log_quoted(std::string_view text, std::size_t limit) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  for (std::size_t i = 0; i < text.size() && i < limit; ++i) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (c >= 0x20 && c < 0x7f && c != '\\' && c != '"') {
      out += static_cast<char>(c);
    } else {
      out += "\\x";
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
  if (text.size() > limit) out += "...";
  return out;
}

bool has_control_character(std::string_view text) {
  for (std::size_t i = 0; i < text.size(); ++i) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (c < 0x20 || c == 0x7f) return true;
    if (c == 0xc2 && i + 1 < text.size() && static_cast<unsigned char>(text[i + 1]) < 0xa0 &&
        static_cast<unsigned char>(text[i + 1]) >= 0x80)
      return true;
  }
  return false;
}

std::optional<std::int64_t> parse_id(std::string_view text) {
  if (text.empty() || text.size() > 18) return std::nullopt;
  std::int64_t value = 0;
  for (const char c : text) {
    if (c < '0' || c > '9') return std::nullopt;
    value = value * 10 + (c - '0');
  }
  return value;
}

std::int64_t unix_seconds(std::chrono::system_clock::time_point t) {
  return std::chrono::duration_cast<std::chrono::seconds>(t.time_since_epoch()).count();
}

std::string http_date(std::int64_t seconds) {
  return date::format("%a, %d %b %Y %H:%M:%S GMT",
                      date::sys_seconds{std::chrono::seconds{seconds}});
}

std::optional<std::int64_t> parse_http_date(std::string_view text) {
  text = trim(text);
  if (!has_shape(text, "AAA, ## AAA #### ##:##:## GMT")) return std::nullopt;
  const auto t = parse_utc(std::string(text), 23, "%a, %d %b %Y %H:%M:%S GMT");
  if (!t) return std::nullopt;
  return t->time_since_epoch().count();
}

std::optional<date::sys_seconds> parse_rfc3339(std::string_view text) {
  // date::parse reads the date and the time of day. What it reads more loosely or not at all is
  // checked here: the fixed widths, a lower-case 't' or 'z', a fraction of any length (it reads
  // only as many digits as its type holds), a leap second (it refuses ":60") and the offset's
  // range (its %Ez takes "+24:00" and "+01:60").
  if (text.size() < 20 || !has_shape(text.substr(0, 10), "####-##-##") ||
      (text[10] != 'T' && text[10] != 't') || !has_shape(text.substr(11, 8), "##:##:##"))
    return std::nullopt;
  if (text.substr(17, 2) == "60" && text.substr(14, 2) != "59") return std::nullopt;
  auto civil = std::string(text.substr(0, 19));
  civil[10] = 'T';
  const auto t = parse_utc(std::move(civil), 17, "%Y-%m-%dT%H:%M:%S");
  if (!t) return std::nullopt;
  auto rest = text.substr(19);
  if (rest.starts_with('.')) {
    const auto end = rest.find_first_not_of("0123456789", 1);
    if (end == 1) return std::nullopt;
    rest.remove_prefix(std::min(end, rest.size()));
  }
  if (rest == "Z" || rest == "z") return t;
  if (rest.empty() || (rest[0] != '+' && rest[0] != '-') || !has_shape(rest.substr(1), "##:##"))
    return std::nullopt;
  const int hours = (rest[1] - '0') * 10 + (rest[2] - '0');
  const int minutes = (rest[4] - '0') * 10 + (rest[5] - '0');
  if (hours > 23 || minutes > 59) return std::nullopt;
  const auto offset = std::chrono::hours{hours} + std::chrono::minutes{minutes};
  return rest[0] == '-' ? *t + offset : *t - offset;
}

}  // namespace mentorcal::daemon

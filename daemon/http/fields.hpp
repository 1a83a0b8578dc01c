// The wire's small pieces, knowing nothing of programs or routes: header values, request targets
// and Host, times as HTTP and the API write them, and what a log line may quote.
//
//   if (!is_plain_target(request.target)) ...                      // 400
//   any_part(header, ',', [](std::string_view item) { ... });      // each item of a list
//   parse_http_date("Sun, 06 Nov 1994 08:49:37 GMT");              // 784111777
//   parse_rfc3339("2027-03-08T09:00:00+01:00");                    // 08:00 UTC
#pragma once

#include <date/date.h>

#include <boost/beast/core/string.hpp>
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace mentorcal::daemon {

// Whether `a` and `b` are equal but for the case of ASCII letters, as header names and tokens
// compare (RFC 9110 §5.1): Beast's iequals, whose string_view in Boost 1.74 is Boost's own and
// takes no std::string_view.
inline bool iequals(std::string_view a, std::string_view b) {
  return boost::beast::iequals({a.data(), a.size()}, {b.data(), b.size()});
}

// `s` without leading and trailing spaces and tabs (a header value's optional whitespace).
std::string_view trim(std::string_view s);

// Calls `found` with each part of `s` between the `by`s, in order, until it returns true;
// returns whether it did. Feed requests pass here: it allocates nothing.
template <class Found>
bool any_part(std::string_view s, char by, Found found) {
  while (true) {
    const auto end = s.find(by);
    if (found(s.substr(0, end))) return true;
    if (end == std::string_view::npos) return false;
    s.remove_prefix(end + 1);
  }
}

// Whether `target` is an origin-form request target of the characters RFC 3986 allows in a path
// and a query (unreserved, sub-delims, ":", "@", "/", "?", "%"): no raw byte past ASCII, no
// control character, so that nothing unexpected reaches a route, an error message or the log.
bool is_plain_target(std::string_view target);

// Whether a Host value is a plain host and optional port (RFC 9110 §7.2): a DNS name or IPv4
// address of letters, digits, '.' and '-', or an IPv6 address in brackets; feed URLs are built
// from it when there is no --public-url. Empty is allowed (RFC 9112 §3.2).
bool is_plain_host(std::string_view host);

// `text` as a log line may quote it: printable ASCII as it is, every other byte (and '\\' and
// '"') as \xNN, at most `limit` bytes of it followed by "...".
std::string log_quoted(std::string_view text, std::size_t limit);

// Whether `text` holds a control character: C0 (U+0000 to U+001F, so NUL, tab and line ends
// too), DEL or C1 (U+0080 to U+009F, "\xC2\x80" to "\xC2\x9F" in UTF-8).
bool has_control_character(std::string_view text);

// A decimal id of a path (a pass, a block): 1 to 18 digits.
std::optional<std::int64_t> parse_id(std::string_view text);

// ---- time on the wire ----

std::int64_t unix_seconds(std::chrono::system_clock::time_point t);

// IMF-fixdate (RFC 9110 §5.6.7): "Sun, 06 Nov 1994 08:49:37 GMT". The Date header and
// Last-Modified.
std::string http_date(std::int64_t seconds);

// IMF-fixdate only, in Unix seconds: the form every HTTP/1.1 client sends back (RFC 9110 §5.6.7
// lets a recipient ignore the obsolete RFC 850 and asctime forms, which then just mean "no
// validator"). Its weekday must be the date's. A leap second (":60") is read as the second
// before it.
std::optional<std::int64_t> parse_http_date(std::string_view text);

// RFC 3339 date-time with a required offset: "2027-03-08T09:00:00+01:00", "...Z", optional
// fraction of a second (dropped). A leap second (":60", in the last minute of an hour in the
// offset's time) is read as the second before it: the tz database's clock has no leap seconds.
std::optional<date::sys_seconds> parse_rfc3339(std::string_view text);

}  // namespace mentorcal::daemon

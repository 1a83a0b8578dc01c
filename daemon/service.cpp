#include "service.hpp"

#include <algorithm>
#include <array>
#include <atomic>
#include <cmath>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <shared_mutex>
#include <sstream>
#include <unordered_map>

#include "mentorcal/feed.hpp"
#include "mentorcal/ical.hpp"
#include "mentorcal/program_files.hpp"
#include "mentorcal/replan.hpp"
#include "mentorcal/report.hpp"
#include "mentorcal/schedule_json.hpp"
#include "mentorcal/solver.hpp"
#include "mentorcal/store.hpp"
#include "mentorcal/summary.hpp"
#include "mentorcal/tz_update.hpp"
#include "mentorcal/verify.hpp"
#include "secrets.hpp"
#include "web/assets.hpp"
#include "web/console_page.hpp"
#include "web/html.hpp"
#include "web/personal_page.hpp"
#include "web/sessions.hpp"

namespace mentorcal::daemon {
namespace {

using nlohmann::json;
using Clock = std::chrono::steady_clock;

constexpr std::size_t kMaxReasonBytes = 500;
constexpr auto kMaxBlockLength = date::days{366};
constexpr double kMaxPassSeconds = 3600;
// The first and last instants with a four-digit year, to the minute.
constexpr auto kFirstInstant = Instant{date::sys_days{date::year{1} / 1 / 1}};
constexpr auto kLastInstant =
    Instant{date::sys_days{date::year{9999} / 12 / 31} + std::chrono::minutes{23 * 60 + 59}};

bool equal_without_case(std::string_view a, std::string_view b) {
  return std::equal(a.begin(), a.end(), b.begin(), b.end(), [](char x, char y) {
    return std::tolower(static_cast<unsigned char>(x)) ==
           std::tolower(static_cast<unsigned char>(y));
  });
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

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
bool is_plain_target(std::string_view target) {
  static constexpr std::string_view kAllowed = "-._~!$&'()*+,;=:@/?%";
  return target.starts_with('/') && std::all_of(target.begin(), target.end(), [](char c) {
           return std::isalnum(static_cast<unsigned char>(c)) ||
                  kAllowed.find(c) != std::string_view::npos;
         });
}

// Whether a Host value is a plain host and optional port (RFC 9110 §7.2): a DNS name or IPv4
// address of letters, digits, '.' and '-', or an IPv6 address in brackets; feed URLs are built
// from it when there is no --public-url. Empty is allowed (RFC 9112 §3.2).
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

// `text` as a log line may quote it: printable ASCII as it is, every other byte (and '\\' and
// '"') as \xNN, at most `limit` bytes of it followed by "...".
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

// ---- time on the wire ----

std::int64_t unix_seconds(std::chrono::system_clock::time_point t) {
  return std::chrono::duration_cast<std::chrono::seconds>(t.time_since_epoch()).count();
}

// IMF-fixdate (RFC 9110 §5.6.7): "Sun, 06 Nov 1994 08:49:37 GMT".
std::string http_date(std::int64_t seconds) {
  return date::format("%a, %d %b %Y %H:%M:%S GMT",
                      date::sys_seconds{std::chrono::seconds{seconds}});
}

std::optional<int> digits(std::string_view s, std::size_t at, std::size_t n) {
  if (at + n > s.size()) return std::nullopt;
  int value = 0;
  for (std::size_t i = at; i < at + n; ++i) {
    if (s[i] < '0' || s[i] > '9') return std::nullopt;
    value = value * 10 + (s[i] - '0');
  }
  return value;
}

// IMF-fixdate only: the form every HTTP/1.1 client sends back (RFC 9110 §5.6.7 lets a
// recipient ignore the obsolete forms, which then just mean "no validator").
std::optional<std::int64_t> parse_http_date(std::string_view text) {
  static constexpr std::string_view kMonths = "JanFebMarAprMayJunJulAugSepOctNovDec";
  text = trim(text);
  if (text.size() != 29 || text.substr(3, 2) != ", " || text.substr(25) != " GMT")
    return std::nullopt;
  const auto month = kMonths.find(text.substr(8, 3));
  const auto day = digits(text, 5, 2), year = digits(text, 12, 4);
  const auto hour = digits(text, 17, 2), minute = digits(text, 20, 2), second = digits(text, 23, 2);
  if (month == std::string_view::npos || month % 3 != 0 || !day || !year || !hour || !minute ||
      !second || *hour > 23 || *minute > 59 || *second > 60)
    return std::nullopt;
  const date::year_month_day ymd{date::year{*year},
                                 date::month(static_cast<unsigned>(month / 3 + 1)),
                                 date::day(static_cast<unsigned>(*day))};
  if (!ymd.ok()) return std::nullopt;
  const auto t = date::sys_days{ymd} + std::chrono::hours{*hour} + std::chrono::minutes{*minute} +
                 std::chrono::seconds{*second};
  return t.time_since_epoch().count();
}

// RFC 3339 date-time with a required offset: "2027-03-08T09:00:00+01:00", "...Z", optional
// fraction of a second. A leap second (":60", in the last minute of an hour in the offset's
// time) is read as the second before it: the tz database's clock has no leap seconds.
std::optional<date::sys_seconds> parse_rfc3339(std::string_view s) {
  const auto year = digits(s, 0, 4), month = digits(s, 5, 2), day = digits(s, 8, 2);
  const auto hour = digits(s, 11, 2), minute = digits(s, 14, 2), second = digits(s, 17, 2);
  if (!year || !month || !day || !hour || !minute || !second || s[4] != '-' || s[7] != '-' ||
      (s[10] != 'T' && s[10] != 't') || s[13] != ':' || s[16] != ':')
    return std::nullopt;
  const date::year_month_day ymd{date::year{*year}, date::month(static_cast<unsigned>(*month)),
                                 date::day(static_cast<unsigned>(*day))};
  if (!ymd.ok() || *hour > 23 || *minute > 59 || *second > 60 || (*second == 60 && *minute != 59))
    return std::nullopt;
  std::size_t at = 19;
  if (at < s.size() && s[at] == '.') {
    ++at;
    const auto first = at;
    while (at < s.size() && s[at] >= '0' && s[at] <= '9') ++at;
    if (at == first) return std::nullopt;
  }
  std::chrono::minutes offset{0};
  if (at < s.size() && (s[at] == 'Z' || s[at] == 'z')) {
    ++at;
  } else if (at < s.size() && (s[at] == '+' || s[at] == '-')) {
    const auto oh = digits(s, at + 1, 2), om = digits(s, at + 4, 2);
    if (!oh || !om || at + 3 >= s.size() || s[at + 3] != ':' || *oh > 23 || *om > 59)
      return std::nullopt;
    offset = std::chrono::hours{*oh} + std::chrono::minutes{*om};
    if (s[at] == '-') offset = -offset;
    at += 6;
  } else {
    return std::nullopt;
  }
  if (at != s.size()) return std::nullopt;
  return date::sys_days{ymd} + std::chrono::hours{*hour} + std::chrono::minutes{*minute} +
         std::chrono::seconds{std::min(*second, 59)} - offset;
}

// Whether `text` holds a control character: C0 (U+0000 to U+001F, so NUL, tab and line ends
// too), DEL or C1 (U+0080 to U+009F, "\xC2\x80" to "\xC2\x9F" in UTF-8).
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

// ---- responses ----

Response json_response(int status, const json& body) {
  Response r;
  r.status = status;
  r.headers.emplace_back("Content-Type", "application/json");
  // Bytes that are not UTF-8 (from a path, say) become U+FFFD rather than an exception.
  r.body = std::make_shared<const std::string>(
      body.dump(2, ' ', false, json::error_handler_t::replace) + "\n");
  return r;
}

Response error_response(int status, std::string message, std::string field = {}) {
  json body = {{"error", std::move(message)}};
  if (!field.empty()) body["field"] = std::move(field);
  return json_response(status, body);
}

// ---- feeds as served ----

struct Feed {
  std::shared_ptr<const std::string> body;
  std::shared_ptr<const std::string> gzip;
  std::string etag;       // "\"<hex>\"", of the identity bytes
  std::string etag_gzip;  // "\"<hex>-gz\"": a strong validator differs per encoding
  std::int64_t last_modified = 0;
  // The answer's header lines (Response::formatted_headers), made once: by encoding (identity,
  // gzip), for a 200 and for a 304, which describes the stored response and has no body.
  std::array<std::shared_ptr<const std::string>, 2> full_headers;
  std::array<std::shared_ptr<const std::string>, 2> not_modified_headers;
};

// Header lines of a feed's answer in `etag`'s encoding.
std::shared_ptr<const std::string> feed_headers(const std::string& etag,
                                                const std::string& last_modified, bool gzip,
                                                bool not_modified) {
  std::string lines;
  if (!not_modified) lines += "Content-Type: text/calendar; charset=utf-8\r\n";
  lines += "ETag: " + etag + "\r\nLast-Modified: " + last_modified +
           "\r\nCache-Control: private, max-age=300\r\nVary: Accept-Encoding\r\n";
  if (gzip && !not_modified) lines += "Content-Encoding: gzip\r\n";
  return std::make_shared<const std::string>(std::move(lines));
}

std::shared_ptr<const Feed> make_feed(std::string body, std::string gzip_body, std::string etag,
                                      std::int64_t last_modified) {
  auto feed = std::make_shared<Feed>();
  feed->body = std::make_shared<const std::string>(std::move(body));
  feed->gzip = std::make_shared<const std::string>(std::move(gzip_body));
  feed->etag = std::move(etag);
  feed->etag_gzip = feed->etag.substr(0, feed->etag.size() - 1) + "-gz\"";
  feed->last_modified = last_modified;
  const auto modified = http_date(last_modified);
  for (const bool gzip : {false, true}) {
    const auto& etag = gzip ? feed->etag_gzip : feed->etag;
    feed->full_headers[gzip] = feed_headers(etag, modified, gzip, false);
    feed->not_modified_headers[gzip] = feed_headers(etag, modified, gzip, true);
  }
  return feed;
}

// The feed for `body`: the previous one when the bytes did not change, so that ETag and
// Last-Modified keep telling clients their copy is current.
std::shared_ptr<const Feed> next_feed(std::string body, const std::shared_ptr<const Feed>& previous,
                                      std::int64_t now) {
  if (previous && *previous->body == body) return previous;
  auto compressed = gzip(body);
  auto etag = "\"" + to_hex(sha256(body)).substr(0, 32) + "\"";
  return make_feed(std::move(body), std::move(compressed), std::move(etag), now);
}

StoredFeed stored(const std::string& person_id, const Feed& feed) {
  return {person_id, *feed.body, *feed.gzip, feed.etag, feed.last_modified};
}

// Whether If-None-Match names `etag` (weak comparison, RFC 9110 §13.1.2).
bool none_match_hits(std::string_view header, const Feed& feed) {
  return any_part(header, ',', [&](std::string_view tag) {
    tag = trim(tag);
    if (tag.starts_with("W/")) tag.remove_prefix(2);
    return tag == "*" || tag == feed.etag || tag == feed.etag_gzip;
  });
}

// Accept-Encoding names gzip (or x-gzip) with a non-zero q.
bool accepts_gzip(std::string_view header) {
  std::optional<double> q;  // of the first gzip item
  any_part(header, ',', [&](std::string_view item) {
    const auto semicolon = item.find(';');
    const auto coding = trim(item.substr(0, semicolon));
    if (!equal_without_case(coding, "gzip") && !equal_without_case(coding, "x-gzip")) return false;
    q = 1;
    if (semicolon != std::string_view::npos)
      any_part(item.substr(semicolon + 1), ';', [&](std::string_view param) {
        param = trim(param);
        if (param.size() > 2 && (param[0] == 'q' || param[0] == 'Q') && param[1] == '=')
          q = std::strtod(std::string(param.substr(2)).c_str(), nullptr);
        return false;
      });
    return true;
  });
  return q && *q > 0;
}

// The feed of someone without a session: a calendar with their name and no events, rendered
// from their entry alone rather than by indexing the whole schedule again.
std::string empty_feed(const Program& program, const Person& person, const FeedOptions& options) {
  Program alone;
  alone.id = program.id;
  alone.name = program.name;
  alone.start = program.start;
  alone.end = program.end;
  alone.people.push_back(person);
  Schedule nothing;
  nothing.program_id = program.id;
  return render_feed(alone, nothing, person.id, options);
}

// ---- routes ----

enum class RouteKind {
  healthz,
  metrics,
  feed,
  program,
  passes,
  pass,
  feed_list,
  blocks,
  block,
  token,
  link,
  // Pages (web/): signed in by a session cookie, not a bearer token.
  home,
  sign_in,
  sign_out,
  personal_link,
  personal_page,
  personal_block,
  personal_undo,
  console_program,
  console_pass,
  console_rotate,
  console_download,
  asset,
  unknown,
};

struct Route {
  RouteKind kind = RouteKind::unknown;
  const char* pattern = "other";            // what metrics and logs show: never a token
  std::array<std::string_view, 2> methods;  // an empty one is no method
  Audience audience = Audience::anyone;
  std::string program;
  std::string person;
  std::string_view item;  // feed token, pass id or block id: a part of the request's target
};

Route route_of(std::string_view target) {
  const auto path = target.substr(0, target.find('?'));
  if (!path.starts_with('/')) return {};
  // The segments after the first '/'; no route has more than 7.
  std::array<std::string_view, 8> parts;
  std::size_t n = 0;
  if (any_part(path.substr(1), '/', [&](std::string_view part) {
        if (n == parts.size()) return true;
        parts[n++] = part;
        return false;
      }))
    return {};
  Route r;
  const auto is = [&](std::size_t i, std::string_view s) { return i < n && parts[i] == s; };
  if (n == 1 && parts[0].empty()) {
    r.kind = RouteKind::home, r.pattern = "/", r.methods = {"GET"};
  } else if (n == 1 && is(0, "signin")) {
    r.kind = RouteKind::sign_in, r.pattern = "/signin", r.methods = {"POST"};
  } else if (n == 1 && is(0, "signout")) {
    r.kind = RouteKind::sign_out, r.pattern = "/signout", r.methods = {"POST"};
  } else if (n == 1 && is(0, "me")) {
    r.kind = RouteKind::personal_page, r.pattern = "/me", r.methods = {"GET"};
  } else if (n == 2 && is(0, "me") && is(1, "blocks")) {
    r.kind = RouteKind::personal_block, r.pattern = "/me/blocks", r.methods = {"POST"};
  } else if (n == 4 && is(0, "me") && is(1, "blocks") && is(3, "undo")) {
    r.kind = RouteKind::personal_undo, r.pattern = "/me/blocks/{block}/undo", r.methods = {"POST"},
    r.item = parts[2];
  } else if (n == 2 && is(0, "me") && !parts[1].empty()) {
    r.kind = RouteKind::personal_link, r.pattern = "/me/{secret}", r.methods = {"GET"},
    r.item = parts[1];
  } else if (n == 2 && is(0, "assets")) {
    r.kind = RouteKind::asset, r.pattern = "/assets/{name}", r.methods = {"GET"}, r.item = parts[1];
  } else if (n == 2 && is(0, "programs") && !parts[1].empty()) {
    r.kind = RouteKind::console_program, r.pattern = "/programs/{id}", r.methods = {"GET"};
    r.program = parts[1];
  } else if (n == 3 && is(0, "programs") && is(2, "passes")) {
    r.kind = RouteKind::console_pass, r.pattern = "/programs/{id}/passes", r.methods = {"POST"};
    r.program = parts[1];
  } else if (n == 3 && is(0, "programs") &&
             (is(2, "report.html") || is(2, "sessions.csv") || is(2, "load.csv"))) {
    r.kind = RouteKind::console_download, r.pattern = "/programs/{id}/{report}",
    r.methods = {"GET"}, r.item = parts[2];
    r.program = parts[1];
  } else if (n == 5 && is(0, "programs") && is(2, "people") && is(4, "rotate")) {
    r.kind = RouteKind::console_rotate, r.pattern = "/programs/{id}/people/{person}/rotate",
    r.methods = {"POST"};
    r.program = parts[1];
    r.person = parts[3];
  } else if (n == 1 && is(0, "healthz")) {
    r.kind = RouteKind::healthz, r.pattern = "/healthz", r.methods = {"GET"};
  } else if (n == 1 && is(0, "metrics")) {
    r.kind = RouteKind::metrics, r.pattern = "/metrics", r.methods = {"GET"};
  } else if (n == 2 && is(0, "feeds") && parts[1].ends_with(".ics")) {
    r.kind = RouteKind::feed, r.pattern = "/feeds/{token}.ics", r.methods = {"GET"};
    r.item = parts[1].substr(0, parts[1].size() - 4);
  } else if (n >= 3 && is(0, "api") && is(1, "programs") && !parts[2].empty()) {
    r.program = parts[2];
    r.audience = Audience::coordinator;
    if (n == 3) {
      r.kind = RouteKind::program, r.pattern = "/api/programs/{id}", r.methods = {"GET", "PUT"};
    } else if (n == 4 && is(3, "passes")) {
      r.kind = RouteKind::passes, r.pattern = "/api/programs/{id}/passes", r.methods = {"POST"};
    } else if (n == 5 && is(3, "passes")) {
      r.kind = RouteKind::pass, r.pattern = "/api/programs/{id}/passes/{pass}", r.methods = {"GET"},
      r.item = parts[4];
    } else if (n == 4 && is(3, "feeds")) {
      r.kind = RouteKind::feed_list, r.pattern = "/api/programs/{id}/feeds", r.methods = {"GET"};
    } else if (n >= 6 && is(3, "people") && !parts[4].empty()) {
      r.person = parts[4];
      r.audience = Audience::person;
      if (n == 6 && is(5, "blocks")) {
        r.kind = RouteKind::blocks, r.pattern = "/api/programs/{id}/people/{person}/blocks",
        r.methods = {"GET", "POST"};
      } else if (n == 7 && is(5, "blocks")) {
        r.kind = RouteKind::block, r.pattern = "/api/programs/{id}/people/{person}/blocks/{block}",
        r.methods = {"DELETE"}, r.item = parts[6];
      } else if (n == 6 && is(5, "token")) {
        r.kind = RouteKind::token, r.pattern = "/api/programs/{id}/people/{person}/token",
        r.methods = {"POST"};
      } else if (n == 6 && is(5, "link")) {
        r.kind = RouteKind::link, r.pattern = "/api/programs/{id}/people/{person}/link",
        r.methods = {"POST"};
      }
    }
  }
  // A page's form that writes is read only from a browser signed in by its session cookie.
  switch (r.kind) {
    case RouteKind::sign_out:
    case RouteKind::personal_block:
    case RouteKind::personal_undo:
    case RouteKind::console_pass:
    case RouteKind::console_rotate:
      r.audience = Audience::signed_in;
      break;
    default:
      break;
  }
  return r;
}

// What `next` would change of `now`, pair by pair (both in one program's pair order), in words.
std::vector<web::ConsolePage::PairChange> changes_between(const Schedule& now,
                                                          const Schedule& next) {
  std::vector<web::ConsolePage::PairChange> changes;
  for (std::size_t i = 0; i < now.pairs.size() && i < next.pairs.size(); ++i) {
    const auto& a = now.pairs[i].series;
    const auto& b = next.pairs[i].series;
    std::string what;
    if (a && !b) {
      what = "would no longer be placed";
    } else if (!a && b) {
      what = "would be placed, " + std::to_string(b->held_count()) + " sessions";
    } else if (a && b) {
      // The instants each series takes place at, in order: what the two calendars show.
      const auto held = [](const Series& s) {
        std::vector<Interval> at;
        for (const auto& o : s.occurrences)
          if (o.state != OccurrenceState::skipped) at.push_back(o.at);
        std::sort(at.begin(), at.end());
        return at;
      };
      const auto before = held(*a), after = held(*b);
      std::size_t differ = 0;
      for (const auto& t : after) differ += !std::binary_search(before.begin(), before.end(), t);
      if (differ > 0 || before.size() != after.size())
        what = std::to_string(differ) + " of " + std::to_string(after.size()) +
               " sessions at other times (" + std::to_string(before.size()) + " now)";
    }
    if (!what.empty()) changes.push_back({now.pairs[i].mentor_id, now.pairs[i].mentee_id, what});
  }
  return changes;
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

// ---- the neighbourhood a block touches ----

// The part of `program` and `schedule` that a change to `person_id`'s busy time can affect: the
// person, their partners, and every pair of any of them. Checking it is as strict as checking
// the whole program for these people (all their sessions are in it), and costs a few pairs
// instead of all of them. Third parties appear with only some of their sessions, which can hide
// no violation of the people that changed. Their feeds rendered from it are the same bytes as
// from the whole schedule, at the cost of their own sessions. A block may leave a series below its
// min_held (the response flags it and the coordinator decides), so that one rule is not checked
// here.
//
// `results` indexes `schedule`, `pairs_of` gives each person's pairs by person index and
// `person_index` each person's index: the neighbourhood costs the people in it, not the program.
std::pair<Program, Schedule> neighbourhood(const Program& program, const Schedule& schedule,
                                           const ReplanIndex& results,
                                           const std::vector<std::vector<std::size_t>>& pairs_of,
                                           const std::map<std::string, std::size_t>& person_index,
                                           const std::string& person_id) {
  std::set<std::string> involved{person_id};
  for (const auto r : results.results_of(person_id))
    if (schedule.pairs[r].series) {
      involved.insert(schedule.pairs[r].mentor_id);
      involved.insert(schedule.pairs[r].mentee_id);
    }
  std::vector<std::size_t> pairs;  // indices into program.pairs, increasing
  for (const auto& id : involved)
    if (const auto it = person_index.find(id); it != person_index.end())
      pairs.insert(pairs.end(), pairs_of[it->second].begin(), pairs_of[it->second].end());
  std::sort(pairs.begin(), pairs.end());
  pairs.erase(std::unique(pairs.begin(), pairs.end()), pairs.end());
  Program part;
  part.id = program.id;
  part.name = program.name;
  part.start = program.start;
  part.end = program.end;
  part.granularity = program.granularity;
  part.anchor = program.anchor;
  part.blackouts = program.blackouts;
  Schedule schedule_part;
  schedule_part.program_id = schedule.program_id;
  schedule_part.outcome = schedule.outcome;
  std::map<std::size_t, std::size_t> index;
  const auto person_in_part = [&](std::size_t p) {
    const auto [it, added] = index.emplace(p, part.people.size());
    if (added) part.people.push_back(program.people[p]);
    return it->second;
  };
  for (const auto i : pairs) {
    const auto& pair = program.pairs[i];
    Pair copy = pair;
    copy.min_held = 0;
    copy.mentor = person_in_part(pair.mentor);
    copy.mentee = person_in_part(pair.mentee);
    part.pairs.push_back(copy);
    schedule_part.pairs.push_back(schedule.pairs[i]);
  }
  for (const auto& c : schedule.cancelled)
    if (involved.contains(c.series.mentor_id) || involved.contains(c.series.mentee_id))
      schedule_part.cancelled.push_back(c);
  return {std::move(part), std::move(schedule_part)};
}

// One pair as a schedule.json of its own, for the replanned_pairs table.
std::string pair_json(const Schedule& schedule, std::size_t index) {
  Schedule one;
  one.program_id = schedule.program_id;
  one.outcome = schedule.outcome;
  one.pairs.push_back(schedule.pairs[index]);
  return schedule_to_json(one);
}

json diagnostics_json(const Diagnostics& diagnostics, Severity severity) {
  json list = json::array();
  for (const auto& d : diagnostics.all())
    if (d.severity == severity)
      list.push_back({{"field", d.file}, {"line", d.line}, {"message", d.message}});
  return list;
}

}  // namespace

std::string_view Request::header(std::string_view name) const {
  for (const auto& [key, value] : headers)
    if (equal_without_case(key, name)) return value;
  return {};
}

std::string_view Response::header(std::string_view name) const {
  std::string_view found;
  if (formatted_headers && any_part(*formatted_headers, '\n', [&](std::string_view line) {
        const auto colon = line.find(':');
        if (colon == std::string_view::npos || !equal_without_case(line.substr(0, colon), name))
          return false;
        found = trim(line.substr(colon + 1, line.size() - colon - 2));  // less the "\r"
        return true;
      }))
    return found;
  for (const auto& [key, value] : headers)
    if (equal_without_case(key, name)) return value;
  return {};
}

// ---- state ----

struct Service::State {
  // One program as the daemon holds it.
  struct ProgramState {
    std::mutex writing;  // one import, pass or block at a time

    // Guarded by `writing`.
    std::optional<Program> program;  // people's busy = their calendar's plus their blocks
    std::map<std::string, std::size_t> person_index;
    std::map<std::string, std::vector<Interval>> calendar_busy;  // by person, without blocks
    std::vector<StoredBlock> blocks;
    std::optional<Schedule> published;
    std::optional<std::int64_t> published_pass;
    bool schedule_current = false;  // `published` was made from `program`'s files
    // By person index, the indices of their pairs in `program`.
    std::vector<std::vector<std::size_t>> pairs_of;

    // `published` indexed for blocks: made once per published schedule (and per program, since
    // it holds the people's indices); each block's re-planning reuses it.
    const ReplanIndex& replan_index() {
      if (!replan_index_) replan_index_.emplace(*program, *published);
      return *replan_index_;
    }
    void forget_replan_index() { replan_index_.reset(); }

    // summarize(*program, *published), for the console and the report: made at the first view
    // after `published` or `program` changes, and forgotten at each such change (a pass, an
    // import, a block re-planned, previewed or undone). The summary of the L program takes a
    // few hundred milliseconds (docs/PERFORMANCE.md).
    const PassSummary& published_summary() {
      if (!published_summary_) published_summary_.emplace(summarize(*program, *published));
      return *published_summary_;
    }
    void forget_published_summary() { published_summary_.reset(); }

    // Guarded by `feeds_mutex`, which a feed request holds only to copy a pointer. The plain
    // form (FeedOptions::plain) is kept in memory only: made with every feed, and again from
    // the published schedule when mentorcald starts.
    std::mutex feeds_mutex;
    std::unordered_map<std::string, std::shared_ptr<const Feed>> feeds;
    std::unordered_map<std::string, std::shared_ptr<const Feed>> plain_feeds;

    std::shared_ptr<const Feed> feed_of(const std::string& person, bool plain = false) {
      std::lock_guard lock(feeds_mutex);
      const auto& map = plain ? plain_feeds : feeds;
      const auto it = map.find(person);
      return it == map.end() ? nullptr : it->second;
    }

   private:
    std::optional<ReplanIndex> replan_index_;       // guarded by `writing`
    std::optional<PassSummary> published_summary_;  // guarded by `writing`
  };

  struct TokenEntry {
    std::shared_ptr<ProgramState> program;
    std::string program_id;
    std::string person_id;
    std::string salt;
    TokenKind kind = TokenKind::feed;
  };

  ServiceConfig config;
  std::unique_ptr<Store> store;
  std::string admin_hash;
  Metrics metrics;
  std::atomic<bool> finishing{false};

  // Guards `programs` and `tokens`; a feed request holds it shared, briefly.
  std::shared_mutex registry;
  std::map<std::string, std::shared_ptr<ProgramState>> programs;
  std::unordered_map<std::string, TokenEntry> tokens;  // by SHA-256 of the token, either kind
  // By (program, person): the hash of their feed token, and of their personal link's secret.
  std::map<std::pair<std::string, std::string>, std::string> token_hash_of;
  std::map<std::pair<std::string, std::string>, std::string> link_hash_of;

  std::map<std::pair<std::string, std::string>, std::string>& hashes_of(TokenKind kind) {
    return kind == TokenKind::feed ? token_hash_of : link_hash_of;
  }

  // A person's secret of `kind` under a fresh salt, as stored, and the secret itself.
  std::pair<StoredToken, std::string> issue(TokenKind kind, const std::string& program,
                                            const std::string& person) const {
    auto salt = random_bytes(16);
    auto secret = kind == TokenKind::feed ? feed_token(config.feed_key, salt)
                                          : personal_secret(config.feed_key, salt);
    return {{sha256(secret), std::move(salt), program, person, kind}, std::move(secret)};
  }

  void remember(const StoredToken& token, std::shared_ptr<ProgramState> program) {
    hashes_of(token.kind)[{token.program_id, token.person_id}] = token.hash;
    tokens[token.hash] = {std::move(program), token.program_id, token.person_id, token.salt,
                          token.kind};
  }

  FeedOptions feed_options(bool plain = false) const {
    FeedOptions options;
    options.refresh = config.refresh;
    options.plain = plain;
    return options;
  }

  // Every person's feed in the usual or the plain form; someone without a session gets a
  // calendar without events.
  std::vector<std::pair<std::string, std::shared_ptr<const Feed>>> people_feeds(
      ProgramState& state, const Program& program, const Schedule& schedule, bool plain,
      std::int64_t now) const {
    auto rendered = render_feeds(program, schedule, feed_options(plain));
    std::vector<std::pair<std::string, std::shared_ptr<const Feed>>> feeds;
    for (const auto& person : program.people) {
      auto text = rendered.extract(person.id);
      feeds.emplace_back(person.id,
                         next_feed(text ? std::move(text.mapped())
                                        : empty_feed(program, person, feed_options(plain)),
                                   state.feed_of(person.id, plain), now));
    }
    return feeds;
  }

  Instant revision() const { return date::floor<Minutes>(config.clock()); }
  std::int64_t now_seconds() const { return unix_seconds(config.clock()); }

  // Where the daemon's URLs start: --public-url, else http:// and the request's Host.
  std::string base_url(const Request& request) const {
    auto base = config.public_url;
    if (base.empty() && !request.header("host").empty())
      base = "http://" + std::string(request.header("host"));
    while (!base.empty() && base.back() == '/') base.pop_back();
    return base;
  }

  std::string feed_url(const Request& request, const std::string& salt) const {
    return base_url(request) + "/feeds/" + feed_token(config.feed_key, salt) + ".ics";
  }

  std::string manage_url(const Request& request, const std::string& salt) const {
    return base_url(request) + "/me/" + personal_secret(config.feed_key, salt);
  }

  std::shared_ptr<ProgramState> find_program(const std::string& id) {
    std::shared_lock lock(registry);
    const auto it = programs.find(id);
    return it == programs.end() ? nullptr : it->second;
  }

  // Who is asking, from the request's headers.
  Caller authenticate(const Request& head) {
    Caller caller;
    const auto token = bearer_token(head.header("authorization"));
    if (!token) return cookie_caller(head);
    const auto hash = sha256(*token);
    caller.log_id = to_hex(hash).substr(0, 8);
    if (same_secret(hash, admin_hash)) {
      caller.kind = Caller::Kind::coordinator;
      return caller;
    }
    std::shared_lock lock(registry);
    if (const auto it = tokens.find(hash); it != tokens.end()) {
      caller.kind =
          it->second.kind == TokenKind::personal ? Caller::Kind::person : Caller::Kind::feed_reader;
      caller.program_id = it->second.program_id;
      caller.person_id = it->second.person_id;
    }
    return caller;
  }

  // See Service::admit.
  Admission admit(const Request& head, const Route& route) {
    Admission admission;
    auto& refusal = admission.refusal;
    if (!is_plain_target(head.target)) {
      refusal = error_response(400,
                               "the request target may hold only ASCII letters, digits and "
                               "-._~!$&'()*+,;=:@/?%",
                               "target");
      return admission;
    }
    if (!is_plain_host(head.header("host"))) {
      refusal =
          error_response(400, "Host must be a host name or address and an optional port", "Host");
      return admission;
    }
    if (route.kind == RouteKind::unknown) {
      refusal = error_response(404, "no such resource");
      return admission;
    }
    const std::string_view method =
        head.method == "HEAD" ? std::string_view("GET") : std::string_view(head.method);
    const auto takes = [&](std::string_view m) {
      return !m.empty() &&
             std::find(route.methods.begin(), route.methods.end(), m) != route.methods.end();
    };
    if (!takes(method)) {
      std::string allow;
      for (const auto m : route.methods)
        if (!m.empty()) allow += std::string(allow.empty() ? "" : ", ") + std::string(m);
      if (takes("GET")) allow += ", HEAD";
      refusal = error_response(405, head.method + " is not allowed here; use " + allow);
      refusal->headers.emplace_back("Allow", allow);
      return admission;
    }
    if (route.audience == Audience::signed_in)
      admission.caller = cookie_caller(head, false);
    else if (route.audience != Audience::anyone)
      admission.caller = authenticate(head);
    switch (authorise(admission.caller, route.audience, route.program, route.person)) {
      case Verdict::allowed:
        break;
      case Verdict::unauthenticated:
        if (route.audience == Audience::signed_in) {
          refusal = message_page(401, "Please sign in again",
                                 "Open your personal link again, or sign in as the coordinator.");
          return admission;
        }
        refusal = error_response(401, "a valid bearer token is required", "Authorization");
        refusal->headers.emplace_back("WWW-Authenticate", "Bearer");
        return admission;
      case Verdict::forbidden:
        refusal = error_response(403, "this token does not allow that", "Authorization");
        return admission;
      case Verdict::feed_token:
        refusal = error_response(403,
                                 "a feed token only reads its feed; use the secret of the "
                                 "personal link (manage_url)",
                                 "Authorization");
        return admission;
      case Verdict::no_csrf_token:
        refusal = error_response(
            403, "a session cookie needs its page's CSRF token in X-CSRF-Token", "X-CSRF-Token");
        return admission;
    }
    if (route.kind == RouteKind::program && method == "PUT")
      admission.body_limit = Admission::BodyLimit::program;
    return admission;
  }

  // The program and person the path names, as a log line may show them: each whole when the
  // daemon knows it; else only its first bytes and its length, since it may be a secret pasted in
  // the wrong place.
  std::string logged_ids(const Route& route) {
    bool known_program = false, known_person = false;
    {
      std::shared_lock lock(registry);
      known_program = programs.contains(route.program);
      known_person = token_hash_of.contains(std::make_pair(route.program, route.person));
    }
    const auto shown = [](const std::string& id, bool known) {
      if (known) return log_quoted(id, 64);
      return "\"" + log_quoted(std::string_view(id).substr(0, 4), 4) + "...\"(" +
             std::to_string(id.size()) + " bytes)";
    };
    std::string out;
    if (!route.program.empty()) out += " program=" + shown(route.program, known_program);
    if (!route.person.empty()) out += " person=" + shown(route.person, known_person);
    return out;
  }

  // A browser signed in by its session cookie. Calling the API, anything but GET also sends the
  // page's CSRF token in X-CSRF-Token; a page's form carries it in the body, which the page checks.
  Caller cookie_caller(const Request& head, bool csrf_in_header = true) {
    Caller caller;
    const auto who = signed_in(head);
    if (!who) return caller;
    caller.kind = who->kind == web::SignedIn::Kind::coordinator ? Caller::Kind::coordinator
                                                                : Caller::Kind::person;
    caller.program_id = who->program_id;
    caller.person_id = who->person_id;
    caller.log_id = "session";
    const bool reads = head.method == "GET" || head.method == "HEAD";
    caller.without_csrf = csrf_in_header && !reads &&
                          !web::WebSessions::csrf_matches(*who, head.header("x-csrf-token"));
    return caller;
  }

  // ---- restoring ----

  void restore() {
    for (auto& stored : store->load_programs()) {
      auto state = std::make_shared<ProgramState>();
      ProgramFilesProblem problem;
      auto files = program_files_from_json(stored.files_json, &problem);
      std::optional<Program> program;
      Diagnostics diagnostics;
      if (files) {
        auto loaded = load_program(sources_of(std::move(*files), "files/"));
        diagnostics = std::move(loaded.diagnostics);
        program = std::move(loaded.program);
      }
      if (!program) {
        // The tz database or the loader may have changed under a stored program: keep its feeds
        // serving and say why it cannot be changed until it is imported again.
        config.log("program " + stored.id + " no longer loads (" +
                   (files ? diagnostics.front().to_string() : problem.message) +
                   "); its feeds are served as they were; PUT it again");
      } else {
        install_program(*state, std::move(*program), std::move(stored.blocks));
      }
      state->schedule_current = stored.schedule_current;
      state->published_pass = stored.published_pass;
      if (stored.published_schedule) {
        std::string error;
        state->published = schedule_from_json(*stored.published_schedule, &error);
        for (const auto& [index, text] : stored.replanned_pairs) {
          auto one = schedule_from_json(text, &error);
          if (state->published && one && one->pairs.size() == 1 &&
              index < state->published->pairs.size())
            state->published->pairs[index] = std::move(one->pairs.front());
        }
      }
      for (auto& feed : stored.feeds)
        state->feeds[feed.person_id] = make_feed(std::move(feed.body), std::move(feed.gzip),
                                                 std::move(feed.etag), feed.last_modified);
      if (state->program && state->published && state->schedule_current) {
        follow_tz_update_on_start(*state);
        state->replan_index();
        if (state->plain_feeds.empty())
          for (auto& [person, feed] :
               people_feeds(*state, *state->program, *state->published, true, now_seconds()))
            state->plain_feeds[person] = std::move(feed);
      }
      programs[stored.id] = std::move(state);
    }
    for (auto& token : store->load_tokens()) {
      const auto program = programs.find(token.program_id);
      if (program == programs.end()) continue;
      remember(token, program->second);
    }
    // People stored before personal links existed keep their feed token and get a link.
    std::vector<StoredToken> links;
    for (const auto& [key, hash] : token_hash_of)
      if (!link_hash_of.contains(key))
        links.push_back(issue(TokenKind::personal, key.first, key.second).first);
    if (links.empty()) return;
    store->add_tokens(links);
    for (const auto& link : links) remember(link, programs.at(link.program_id));
    config.log("issued personal links to " + std::to_string(links.size()) +
               " people stored before personal links existed");
  }

  // Makes `program` the state's program, with the blocks of the people it still has.
  static void install_program(ProgramState& state, Program program,
                              std::vector<StoredBlock> blocks) {
    state.person_index.clear();
    state.calendar_busy.clear();
    state.forget_replan_index();
    state.forget_published_summary();
    for (std::size_t i = 0; i < program.people.size(); ++i) {
      state.person_index[program.people[i].id] = i;
      state.calendar_busy[program.people[i].id] = program.people[i].busy;
    }
    state.pairs_of.assign(program.people.size(), {});
    for (std::size_t i = 0; i < program.pairs.size(); ++i) {
      state.pairs_of[program.pairs[i].mentor].push_back(i);
      if (program.pairs[i].mentee != program.pairs[i].mentor)
        state.pairs_of[program.pairs[i].mentee].push_back(i);
    }
    std::erase_if(blocks,
                  [&](const StoredBlock& b) { return !state.person_index.contains(b.person_id); });
    state.blocks = std::move(blocks);
    state.program = std::move(program);
    for (const auto& [id, index] : state.person_index)
      state.program->people[index].busy = busy_with_blocks(state, id, nullptr, std::nullopt);
  }

  // A person's busy time: their calendar's, their blocks' (less `without`), and `extra`.
  static std::vector<Interval> busy_with_blocks(const ProgramState& state, const std::string& id,
                                                const StoredBlock* without,
                                                std::optional<Interval> extra) {
    auto busy = state.calendar_busy.at(id);
    for (const auto& b : state.blocks)
      if (b.person_id == id && &b != without) busy.push_back(b.at);
    if (extra) busy.push_back(*extra);
    return normalized(std::move(busy));
  }

  // ---- handlers ----

  Response health() {
    std::shared_lock lock(registry);
    return json_response(200, {{"status", "ok"}, {"programs", programs.size()}});
  }

  Response metrics_text() {
    Response r;
    r.headers.emplace_back("Content-Type", "text/plain; version=0.0.4; charset=utf-8");
    r.body = std::make_shared<const std::string>(metrics.render());
    return r;
  }

  Response feed(const Request& request, const Route& route) {
    // Every token, known or not, costs one hash and one lookup before the answer, so the time
    // to answer says nothing about how close a guess was.
    const auto hash = sha256(route.item);
    std::shared_ptr<ProgramState> program;
    std::string person;
    {
      std::shared_lock lock(registry);
      if (const auto it = tokens.find(hash);
          it != tokens.end() && it->second.kind == TokenKind::feed) {
        program = it->second.program;
        person = it->second.person_id;
      }
    }
    const auto query = request.target.find('?');
    const bool plain = query != std::string::npos &&
                       any_part(std::string_view(request.target).substr(query + 1), '&',
                                [](std::string_view parameter) { return parameter == "plain=1"; });
    const auto found = program ? program->feed_of(person, plain) : nullptr;
    if (!found && plain && program && program->feed_of(person))
      return error_response(404,
                            "the plain form of this feed returns with the next pass (the program "
                            "was replaced and mentorcald restarted since the last one)",
                            "plain");
    if (!found) return error_response(404, "no such feed", "token");

    const bool gzip_it = accepts_gzip(request.header("accept-encoding"));
    Response r;
    bool current = false;
    if (const auto tags = request.header("if-none-match"); !tags.empty()) {
      current = none_match_hits(tags, *found);
    } else if (const auto since = request.header("if-modified-since"); !since.empty()) {
      const auto t = parse_http_date(since);
      current = t && found->last_modified <= *t;
    }
    metrics.record_feed(gzip_it, current);
    if (current) {
      r.status = 304;
      r.omit_body = true;
      r.formatted_headers = found->not_modified_headers[gzip_it];
      return r;
    }
    r.formatted_headers = found->full_headers[gzip_it];
    r.body = gzip_it ? found->gzip : found->body;
    return r;
  }

  Response put_program(const Request& request, const Route& route) {
    if (!is_program_id(route.program))
      return error_response(400, "a program id is 1 to 64 of a-z, 0-9 and -", "id");
    ProgramFilesProblem problem;
    auto files = program_files_from_json(request.body, &problem);
    if (!files) return error_response(400, problem.message, problem.field);
    const auto files_json = program_files_to_json(*files);
    auto loaded = load_program(sources_of(std::move(*files), "files/"));
    auto& diagnostics = loaded.diagnostics;
    if (diagnostics.has_errors()) {
      std::size_t errors = 0;
      for (const auto& d : diagnostics.all()) errors += d.severity == Severity::error;
      return json_response(422, {{"error", "the program has " + std::to_string(errors) +
                                               " problem(s); nothing was stored"},
                                 {"problems", diagnostics_json(diagnostics, Severity::error)},
                                 {"warnings", diagnostics_json(diagnostics, Severity::warning)}});
    }
    auto& program = *loaded.program;
    if (program.id != route.program)
      return error_response(422,
                            "files/program.toml has id \"" + program.id +
                                "\" but the URL names \"" + route.program + "\"",
                            "id");

    std::shared_ptr<ProgramState> state;
    bool created = false;
    {
      std::unique_lock lock(registry);
      auto& slot = programs[route.program];
      if (!slot) {
        slot = std::make_shared<ProgramState>();
        created = true;
      }
      state = slot;
    }
    std::lock_guard writing(state->writing);
    created = created || !state->program;

    std::set<std::string> people;
    for (const auto& p : program.people) people.insert(p.id);
    std::vector<std::string> removed;
    std::vector<StoredToken> issued;
    {
      std::shared_lock lock(registry);
      for (const auto& [key, hash] : token_hash_of)
        if (key.first == route.program && !people.contains(key.second))
          removed.push_back(key.second);
      for (const auto& id : people)
        for (const auto kind : {TokenKind::feed, TokenKind::personal})
          if (!hashes_of(kind).contains({route.program, id}))
            issued.push_back(issue(kind, route.program, id).first);
    }
    store->save_program(route.program, files_json, removed, issued);

    install_program(*state, std::move(program), std::move(state->blocks));
    state->schedule_current = false;
    {
      std::lock_guard lock(state->feeds_mutex);
      for (const auto& id : removed) {
        state->feeds.erase(id);
        state->plain_feeds.erase(id);
      }
    }
    {
      std::unique_lock lock(registry);
      for (const auto& id : removed) {
        const auto key = std::make_pair(route.program, id);
        for (const auto kind : {TokenKind::feed, TokenKind::personal}) {
          auto& hashes = hashes_of(kind);
          if (const auto it = hashes.find(key); it != hashes.end()) {
            tokens.erase(it->second);
            hashes.erase(it);
          }
        }
      }
      for (const auto& t : issued) remember(t, state);
    }
    const auto& installed = *state->program;
    return json_response(created ? 201 : 200,
                         {{"id", installed.id},
                          {"name", installed.name},
                          {"people", installed.people.size()},
                          {"pairs", installed.pairs.size()},
                          {"warnings", diagnostics_json(diagnostics, Severity::warning)},
                          {"schedule_current", false}});
  }

  Response get_program(const Route& route) {
    const auto state = find_program(route.program);
    if (!state) return error_response(404, "no program \"" + route.program + "\"", "id");
    std::lock_guard writing(state->writing);
    if (!state->program)
      return error_response(409, "the stored program no longer loads; PUT it again", "id");
    const auto& program = *state->program;
    json body = {{"id", program.id},
                 {"name", program.name},
                 {"people", program.people.size()},
                 {"pairs", program.pairs.size()},
                 {"blocks", state->blocks.size()},
                 {"schedule_current", state->schedule_current},
                 {"published_pass", nullptr}};
    if (state->published_pass) body["published_pass"] = *state->published_pass;
    body["tzdata"] = tz_database_version();
    if (state->published && state->published->tz_update) {
      const auto& update = *state->published->tz_update;
      body["tz_update"] = {{"from", update.from},
                           {"to", update.to},
                           {"sessions_changed", update.moves.size()},
                           {"republished", update.republished.size()},
                           {"below_min_held", update.below_min},
                           {"summary", update.lines}};
    }
    return json_response(200, body);
  }

  // Every person's feed of a schedule about to be published, in the usual and the plain form,
  // each following the one served now.
  struct RenderedFeeds {
    std::vector<std::pair<std::string, std::shared_ptr<const Feed>>> feeds;
    std::vector<std::pair<std::string, std::shared_ptr<const Feed>>> plain;
    std::vector<StoredFeed> stored;
  };
  RenderedFeeds render_all_feeds(ProgramState& state, const Program& program,
                                 const Schedule& schedule) const {
    RenderedFeeds out;
    const auto now = now_seconds();
    out.feeds = people_feeds(state, program, schedule, false, now);
    out.plain = people_feeds(state, program, schedule, true, now);
    for (const auto& [person, feed] : out.feeds) out.stored.push_back(stored(person, *feed));
    return out;
  }

  // Makes a stored, published schedule's feeds the ones served (the schedule is in place).
  static void adopt_all_feeds(ProgramState& state, RenderedFeeds feeds) {
    state.forget_replan_index();
    state.forget_published_summary();
    state.replan_index();
    std::lock_guard lock(state.feeds_mutex);
    state.feeds.clear();
    state.plain_feeds.clear();
    for (auto& [person, feed] : feeds.feeds) state.feeds[person] = std::move(feed);
    for (auto& [person, feed] : feeds.plain) state.plain_feeds[person] = std::move(feed);
  }

  // A published schedule made under another tz database (PRODUCT.md, "The tz database"): brought
  // onto today's rules, verified, stored as a pass of its own and served, then reported in the
  // log and, through the schedule's tz_update, by GET /api/programs/{id}. On any failure the
  // schedule stays as it was, and the next pass follows the update instead.
  void follow_tz_update_on_start(ProgramState& state) {
    const auto& program = *state.program;
    auto schedule = *state.published;
    const auto started = Clock::now();
    const auto update = follow_tz_update(program, schedule, revision());
    if (!update) return;
    if (const auto violations = verify_schedule(program, schedule); !violations.empty()) {
      config.log("internal error: following the tz database update breaks " +
                 std::to_string(violations.size()) + " rule(s) of program " + program.id + ": " +
                 violations.front() + "; its feeds are served as they were");
      return;
    }
    auto feeds = render_all_feeds(state, program, schedule);
    const auto elapsed = Clock::now() - started;
    StoredPass pass;
    pass.program_id = program.id;
    pass.started = now_seconds();
    pass.duration_ms = std::chrono::duration_cast<std::chrono::milliseconds>(elapsed).count();
    pass.outcome = "tz_update";
    pass.published = true;
    pass.schedule_json = schedule_to_json(schedule);
    try {
      pass.id = store->save_pass(pass, feeds.stored);
    } catch (const std::exception& e) {
      config.log("program " + program.id + ": the tz database update could not be stored (" +
                 e.what() + "); its feeds are served as they were");
      return;
    }
    state.published = std::move(schedule);
    state.published_pass = pass.id;
    adopt_all_feeds(state, std::move(feeds));
    for (const auto& line : update->lines) config.log("program " + program.id + ": " + line);
  }

  Response run_pass(const Request& request, const Route& route) {
    bool publish = true;
    double time_limit = 0;
    if (!trim(request.body).empty()) {
      const auto body = json::parse(request.body, nullptr, false);
      if (body.is_discarded() || !body.is_object())
        return error_response(400, "the body must be a JSON object (or empty)");
      for (auto it = body.begin(); it != body.end(); ++it) {
        if (it.key() == "publish") {
          if (!it->is_boolean()) return error_response(400, "must be true or false", "publish");
          publish = it->get<bool>();
        } else if (it.key() == "time_limit_seconds") {
          if (!it->is_number() || it->get<double>() <= 0 || it->get<double>() > kMaxPassSeconds)
            return error_response(422, "must be a number of seconds in (0, 3600]",
                                  "time_limit_seconds");
          time_limit = it->get<double>();
        } else {
          return error_response(400, "unknown member \"" + it.key() + "\"", it.key());
        }
      }
    }
    const auto state = find_program(route.program);
    if (!state) return error_response(404, "no program \"" + route.program + "\"", "id");
    std::lock_guard writing(state->writing);
    if (!state->program)
      return error_response(409, "the stored program no longer loads; PUT it again", "id");
    const auto& program = *state->program;

    const auto started = Clock::now();
    const auto deadline = started + std::chrono::duration<double>(time_limit);
    // A published schedule that did not follow a tz database update on start (it no longer
    // matched its program then) follows it now, as `mentorcal schedule --previous` does.
    std::optional<Schedule> previous = state->published;
    const auto tz_update =
        previous ? follow_tz_update(program, *previous, revision()) : std::nullopt;
    ScheduleOptions options;
    options.previous = previous ? &*previous : nullptr;
    options.revision = revision();
    options.should_stop = [&] {
      return finishing.load() || (time_limit > 0 && Clock::now() > deadline);
    };
    auto schedule = schedule_program(program, options);
    schedule.tz_update = tz_update;
    if (const auto violations = verify_schedule(program, schedule); !violations.empty()) {
      json list = json::array();
      for (std::size_t i = 0; i < violations.size() && i < 20; ++i) list.push_back(violations[i]);
      config.log("internal error: pass on " + program.id + " breaks " +
                 std::to_string(violations.size()) + " rule(s): " + violations.front());
      return json_response(
          500, {{"error", "internal error: the schedule breaks " +
                              std::to_string(violations.size()) + " rule(s); nothing was stored"},
                {"violations", list}});
    }

    RenderedFeeds feeds;
    if (publish) feeds = render_all_feeds(*state, program, schedule);
    const auto elapsed = Clock::now() - started;
    StoredPass pass;
    pass.program_id = program.id;
    pass.started =
        now_seconds() - std::chrono::duration_cast<std::chrono::seconds>(elapsed).count();
    pass.duration_ms = std::chrono::duration_cast<std::chrono::milliseconds>(elapsed).count();
    pass.outcome = schedule.outcome == PassOutcome::complete ? "complete" : "time_limit";
    pass.published = publish;
    pass.schedule_json = schedule_to_json(schedule);
    pass.id = store->save_pass(pass, feeds.stored);
    metrics.record_pass(elapsed, publish);

    const auto summary = summarize(program, schedule);
    json unscheduled = json::array();
    for (const auto& r : schedule.pairs)
      if (!r.series)
        unscheduled.push_back({{"mentor", r.mentor_id},
                               {"mentee", r.mentee_id},
                               {"reasons", r.reasons},
                               {"relaxation", r.relaxation}});
    if (publish) {
      state->published = std::move(schedule);
      state->published_pass = pass.id;
      state->schedule_current = true;
      adopt_all_feeds(*state, std::move(feeds));
    }
    auto r = json_response(201, {{"pass", pass.id},
                                 {"outcome", pass.outcome},
                                 {"published", publish},
                                 {"duration_ms", pass.duration_ms},
                                 {"summary",
                                  {{"pairs", summary.pairs},
                                   {"scheduled", summary.scheduled},
                                   {"held", summary.held},
                                   {"moved", summary.moved},
                                   {"skipped", summary.skipped},
                                   {"cancelled", summary.cancelled},
                                   {"mentors_at_limit", summary.mentors_at_limit}}},
                                 {"unscheduled", unscheduled}});
    r.headers.emplace_back("Location",
                           "/api/programs/" + program.id + "/passes/" + std::to_string(pass.id));
    return r;
  }

  Response get_pass(const Route& route) {
    const auto id = parse_id(route.item);
    if (!id) return error_response(404, "no pass \"" + std::string(route.item) + "\"", "pass");
    const auto pass = store->load_pass(route.program, *id);
    if (!pass) return error_response(404, "no pass \"" + std::string(route.item) + "\"", "pass");
    return json_response(
        200, {{"pass", pass->id},
              {"started",
               format_utc(Instant{date::floor<Minutes>(std::chrono::seconds{pass->started})})},
              {"duration_ms", pass->duration_ms},
              {"outcome", pass->outcome},
              {"published", pass->published},
              {"schedule", json::parse(pass->schedule_json)}});
  }

  Response list_feeds(const Request& request, const Route& route) {
    const auto state = find_program(route.program);
    if (!state) return error_response(404, "no program \"" + route.program + "\"", "id");
    std::lock_guard writing(state->writing);
    if (!state->program)
      return error_response(409, "the stored program no longer loads; PUT it again", "id");
    json list = json::array();
    std::shared_lock lock(registry);
    for (const auto& person : state->program->people) {
      const auto hash = token_hash_of.find({route.program, person.id});
      const auto link = link_hash_of.find({route.program, person.id});
      if (hash == token_hash_of.end() || link == link_hash_of.end()) continue;
      list.push_back({{"person", person.id},
                      {"name", person.name},
                      {"role", person.role == Role::mentor ? "mentor" : "mentee"},
                      {"published", state->feed_of(person.id) != nullptr},
                      {"url", feed_url(request, tokens.at(hash->second).salt)},
                      {"manage_url", manage_url(request, tokens.at(link->second).salt)}});
    }
    return json_response(200, {{"program", route.program}, {"feeds", list}});
  }

  // Rotates the person's secret of `kind`: the old one stops working at once.
  Response rotate(const Request& request, const Route& route, TokenKind kind) {
    const auto state = find_program(route.program);
    if (!state) return error_response(404, "no program \"" + route.program + "\"", "id");
    std::lock_guard writing(state->writing);
    std::string old_hash;
    {
      std::shared_lock lock(registry);
      const auto& hashes = hashes_of(kind);
      const auto it = hashes.find({route.program, route.person});
      if (it == hashes.end())
        return error_response(404, "no person \"" + route.person + "\"", "person");
      old_hash = it->second;
    }
    const auto [fresh, secret] = issue(kind, route.program, route.person);
    store->replace_token(old_hash, fresh);
    {
      std::unique_lock lock(registry);
      tokens.erase(old_hash);
      remember(fresh, state);
    }
    const bool feed = kind == TokenKind::feed;
    config.log(std::string(feed ? "feed token" : "personal link") + " of " + route.program + "/" +
               route.person + " rotated, now " + token_log_id(secret));
    if (feed)
      return json_response(
          201,
          {{"person", route.person}, {"token", secret}, {"url", feed_url(request, fresh.salt)}});
    return json_response(
        201, {{"person", route.person}, {"manage_url", manage_url(request, fresh.salt)}});
  }

  // Everything below about blocks runs with `writing` held.
  std::optional<Response> unknown_person(const ProgramState& state, const Route& route) {
    if (!state.program)
      return error_response(409, "the stored program no longer loads; PUT it again", "id");
    if (!state.person_index.contains(route.person))
      return error_response(404, "no person \"" + route.person + "\" in " + route.program,
                            "person");
    return std::nullopt;
  }

  static json block_json(const StoredBlock& b) {
    return {{"id", b.id},
            {"person", b.person_id},
            {"start", format_utc(b.at.start)},
            {"end", format_utc(b.at.end)},
            {"reason", b.reason}};
  }

  Response list_blocks(const Route& route) {
    const auto state = find_program(route.program);
    if (!state) return error_response(404, "no program \"" + route.program + "\"", "id");
    std::lock_guard writing(state->writing);
    if (auto refusal = unknown_person(*state, route)) return *refusal;
    json list = json::array();
    for (const auto& b : state->blocks)
      if (b.person_id == route.person) list.push_back(block_json(b));
    return json_response(200, {{"blocks", list}});
  }

  // What re-planning one person's series did: the changes and the pairs and feeds to store,
  // and what `undo` needs to put the program and schedule back if storing fails.
  struct Replan {
    bool replanned = false;  // false while the schedule waits for a pass (after a PUT)
    std::vector<Replanned> changes;
    std::map<std::size_t, std::string> pairs_json;
    std::vector<std::pair<std::string, std::shared_ptr<const Feed>>> feeds, plain_feeds;
    std::vector<StoredFeed> stored_feeds;
    json changes_json = json::array();
    json below_min_held = json::array();
    std::vector<Interval> old_busy;
    std::map<std::size_t, PairResult> old_pairs;
  };

  // Gives `person` the busy time `busy` and re-plans their series. A 500 (with everything put
  // back) when the result fails verification. A preview (`dry_run`) renders no feeds, and its
  // caller puts everything back with undo().
  std::optional<Response> replan(ProgramState& state, const std::string& person,
                                 std::vector<Interval> busy, Replan& out, bool dry_run = false) {
    auto& program = *state.program;
    auto& me = program.people[state.person_index.at(person)];
    out.old_busy = std::exchange(me.busy, std::move(busy));
    out.replanned = state.schedule_current && state.published.has_value();
    if (!out.replanned) return std::nullopt;
    auto& schedule = *state.published;
    const auto& index = state.replan_index();
    for (const auto i : index.results_of(person)) out.old_pairs.emplace(i, schedule.pairs[i]);
    out.changes = index.replan(program, schedule, {person}, revision());
    state.forget_published_summary();
    if (out.changes.empty()) return std::nullopt;

    const auto [part, part_schedule] =
        neighbourhood(program, schedule, index, state.pairs_of, state.person_index, person);
    if (const auto violations = verify_schedule(part, part_schedule); !violations.empty()) {
      undo(state, person, out);
      config.log("internal error: re-planning " + person + " breaks " +
                 std::to_string(violations.size()) + " rule(s): " + violations.front());
      return error_response(500, "internal error: the re-planned schedule breaks " +
                                     std::to_string(violations.size()) +
                                     " rule(s); nothing was stored");
    }
    std::map<std::string, std::size_t> index_of_uid;
    for (const auto& [i, r] : out.old_pairs)
      if (r.series) index_of_uid[r.series->uid] = i;
    std::set<std::string> people;
    std::set<std::size_t> below;
    for (const auto& c : out.changes) {
      const auto i = index_of_uid.at(c.uid);
      const auto& r = schedule.pairs[i];
      out.pairs_json.emplace(i, std::string());
      people.insert(r.mentor_id);
      people.insert(r.mentee_id);
      if (c.below_min_held) below.insert(i);
      out.changes_json.push_back({{"series", c.uid},
                                  {"mentor", r.mentor_id},
                                  {"mentee", r.mentee_id},
                                  {"occurrence", format_local(c.nominal)},
                                  {"zone", r.series->zone},
                                  {"before", occurrence_state_name(c.before)},
                                  {"after", occurrence_state_name(c.after)},
                                  {"start", format_utc(c.at.start)},
                                  {"end", format_utc(c.at.end)},
                                  {"below_min_held", c.below_min_held}});
    }
    for (const auto i : below) {
      const auto& series = *schedule.pairs[i].series;
      out.below_min_held.push_back({{"series", series.uid},
                                    {"mentor", series.mentor_id},
                                    {"mentee", series.mentee_id},
                                    {"held", series.held_count()},
                                    {"occurrences", series.occurrences.size()},
                                    {"min_held", program.pairs[i].min_held}});
    }
    if (dry_run) return std::nullopt;
    for (auto& [i, text] : out.pairs_json) text = pair_json(schedule, i);
    const auto now = now_seconds();
    for (const auto& id : people) {
      auto feed =
          next_feed(render_feed(part, part_schedule, id, feed_options()), state.feed_of(id), now);
      out.stored_feeds.push_back(stored(id, *feed));
      out.feeds.emplace_back(id, std::move(feed));
      out.plain_feeds.emplace_back(
          id, next_feed(render_feed(part, part_schedule, id, feed_options(true)),
                        state.feed_of(id, true), now));
    }
    return std::nullopt;
  }

  static void undo(ProgramState& state, const std::string& person, Replan& replan) {
    state.program->people[state.person_index.at(person)].busy = std::move(replan.old_busy);
    for (auto& [i, r] : replan.old_pairs) state.published->pairs[i] = std::move(r);
    state.forget_published_summary();
  }

  // Makes a stored re-plan visible: both parties' feeds change before the response is sent.
  static json adopt(ProgramState& state, Replan& replan, const StoredBlock& block) {
    {
      std::lock_guard lock(state.feeds_mutex);
      for (auto& [person, feed] : replan.feeds) state.feeds[person] = std::move(feed);
      for (auto& [person, feed] : replan.plain_feeds) state.plain_feeds[person] = std::move(feed);
    }
    return {{"block", block_json(block)},
            {"replanned", replan.replanned},
            {"changes", std::move(replan.changes_json)},
            {"below_min_held", std::move(replan.below_min_held)}};
  }

  Response add_block(const Request& request, const Route& route) {
    const auto body = json::parse(request.body, nullptr, false);
    if (body.is_discarded() || !body.is_object())
      return error_response(400, "the body must be a JSON object with start, end and reason");
    std::optional<date::sys_seconds> start, end;
    std::string reason;
    for (auto it = body.begin(); it != body.end(); ++it) {
      const auto& key = it.key();
      if (key == "start" || key == "end") {
        auto& t = key == "start" ? start : end;
        if (it->is_string()) t = parse_rfc3339(it->get<std::string>());
        if (!t)
          return error_response(
              400, "must be an RFC 3339 time with an offset, such as 2027-03-08T09:00:00+01:00",
              key);
      } else if (key == "reason") {
        if (!it->is_string()) return error_response(400, "must be a string", key);
        reason = it->get<std::string>();
        if (reason.size() > kMaxReasonBytes)
          return error_response(422, "is longer than 500 bytes", key);
        if (has_control_character(reason))
          return error_response(400,
                                "must not hold control characters (U+0000 to U+001F, U+007F "
                                "to U+009F)",
                                key);
      } else {
        return error_response(400, "unknown member \"" + key + "\"", key);
      }
    }
    if (!start) return error_response(400, "start is required", "start");
    if (!end) return error_response(400, "end is required", "end");
    if (*end <= *start) return error_response(422, "must be after start", "end");
    if (*end - *start > kMaxBlockLength)
      return error_response(422, "a block lasts at most 366 days", "end");
    // Busy time is kept to the minute: widen, never narrow, what the person asked for. Answers
    // give times as four-digit years, so a widened time must still have one.
    const Interval at{date::floor<Minutes>(*start), date::ceil<Minutes>(*end)};
    if (at.start < kFirstInstant)
      return error_response(422, "must not be before 0001-01-01T00:00:00Z", "start");
    if (at.end > kLastInstant)
      return error_response(422, "must not be after 9999-12-31T23:59:00Z", "end");

    const auto state = find_program(route.program);
    if (!state) return error_response(404, "no program \"" + route.program + "\"", "id");
    std::lock_guard writing(state->writing);
    if (auto refusal = unknown_person(*state, route)) return *refusal;

    StoredBlock block{0, route.person, at, reason, now_seconds()};
    Replan out;
    if (auto failure = place_block(*state, route.program, block, false, out)) return *failure;
    auto r = json_response(201, adopt(*state, out, block));
    r.headers.emplace_back("Location", "/api/programs/" + route.program + "/people/" +
                                           route.person + "/blocks/" + std::to_string(block.id));
    return r;
  }

  // Re-plans `block.person_id`'s series around `block` and, unless `dry_run`, stores it (its id
  // set) with what it changed; a preview puts everything back. `writing` held.
  std::optional<Response> place_block(ProgramState& state, const std::string& program_id,
                                      StoredBlock& block, bool dry_run, Replan& out) {
    const auto& person = block.person_id;
    if (auto failure =
            replan(state, person, busy_with_blocks(state, person, nullptr, block.at), out, dry_run))
      return failure;
    if (dry_run) {
      undo(state, person, out);
      return std::nullopt;
    }
    try {
      block.id = store->save_block(program_id, block, out.pairs_json, out.stored_feeds);
    } catch (...) {
      undo(state, person, out);
      throw;
    }
    state.blocks.push_back(block);
    metrics.record_block("created");
    return std::nullopt;
  }

  // Removes the block `id` of `person` (into `removed`) and re-plans their series. nullopt when
  // they have no such block. `writing` held.
  std::optional<Response> lift_block(ProgramState& state, const std::string& program_id,
                                     const std::string& person, std::optional<std::int64_t> id,
                                     Replan& out, StoredBlock& removed) {
    const auto found = std::find_if(state.blocks.begin(), state.blocks.end(), [&](const auto& b) {
      return id && b.id == *id && b.person_id == person;
    });
    if (found == state.blocks.end())
      return error_response(404, "no block of " + person + " with that id", "block");
    if (auto failure =
            replan(state, person, busy_with_blocks(state, person, &*found, std::nullopt), out))
      return failure;
    try {
      store->delete_block(program_id, found->id, out.pairs_json, out.stored_feeds);
    } catch (...) {
      undo(state, person, out);
      throw;
    }
    removed = *found;
    state.blocks.erase(found);
    metrics.record_block("deleted");
    return std::nullopt;
  }

  Response delete_block(const Route& route) {
    const auto id = parse_id(route.item);
    const auto state = find_program(route.program);
    if (!state) return error_response(404, "no program \"" + route.program + "\"", "id");
    std::lock_guard writing(state->writing);
    if (auto refusal = unknown_person(*state, route)) return *refusal;
    Replan out;
    StoredBlock block;
    if (auto failure = lift_block(*state, route.program, route.person, id, out, block)) {
      if (failure->status == 404)
        return error_response(
            404, "no block \"" + std::string(route.item) + "\" of " + route.person, "block");
      return *failure;
    }
    return json_response(200, adopt(*state, out, block));
  }

  // ---- pages (web/) ----
  //
  // Signed in by a session cookie (web/sessions.hpp); every POST carries the session's CSRF
  // token. Handlers gather what a page shows under the program's `writing` lock and hand it to
  // web/'s renderers.

  web::WebSessions web_sessions;

  bool secure_cookies() const { return config.public_url.starts_with("https://"); }

  static Response html_response(int status, std::string html,
                                const char* csp = web::kContentSecurityPolicy) {
    Response r;
    r.status = status;
    r.headers = {{"Content-Type", "text/html; charset=utf-8"},
                 {"Content-Security-Policy", csp},
                 {"Referrer-Policy", "no-referrer"},
                 {"X-Content-Type-Options", "nosniff"},
                 {"Cache-Control", "no-store"}};
    r.body = std::make_shared<const std::string>(std::move(html));
    return r;
  }

  static Response see_other(const std::string& location) {
    Response r;
    r.status = 303;
    r.headers = {
        {"Location", location}, {"Referrer-Policy", "no-referrer"}, {"Cache-Control", "no-store"}};
    return r;
  }

  static Response message_page(int status, const std::string& title, const std::string& text) {
    return html_response(status, web::page_document(title, "<h1>" + html_escape(title) +
                                                               "</h1>\n<p>" + html_escape(text) +
                                                               "</p>\n<p><a href=\"/\">Start "
                                                               "page</a></p>\n"));
  }

  // A parameter of the request's query string, decoded; empty when absent or malformed.
  static std::string query_value(const Request& request, const std::string& name) {
    const auto q = request.target.find('?');
    if (q == std::string::npos) return {};
    const auto fields = web::parse_form(std::string_view(request.target).substr(q + 1));
    if (!fields) return {};
    const auto it = fields->find(name);
    return it == fields->end() ? std::string() : it->second;
  }

  // Who the session cookie signs in, while the credential it was opened with still works.
  std::optional<web::SignedIn> signed_in(const Request& request) {
    auto who = web_sessions.find(web::cookie(request.header("cookie"), web::kSessionCookie),
                                 config.clock());
    if (!who) return std::nullopt;
    if (who->kind == web::SignedIn::Kind::coordinator)
      return same_secret(who->credential_hash, admin_hash) ? who : std::nullopt;
    std::shared_lock lock(registry);
    const auto it = tokens.find(who->credential_hash);
    if (it == tokens.end() || it->second.kind != TokenKind::personal) return std::nullopt;
    return who;
  }

  Response start_session(web::SignedIn who, const std::string& location) {
    const auto id = web_sessions.start(std::move(who), config.clock());
    auto r = see_other(location);
    r.headers.emplace_back("Set-Cookie", web::WebSessions::cookie(id, secure_cookies()));
    return r;
  }

  // /me/{secret}: the secret leaves the address bar for a session cookie.
  Response open_personal_link(const Route& route) {
    const auto hash = sha256(route.item);
    web::SignedIn who;
    {
      std::shared_lock lock(registry);
      const auto it = tokens.find(hash);
      if (it == tokens.end() || it->second.kind != TokenKind::personal)
        return message_page(404, "This link does not work",
                            "It may have been replaced by a newer one. Ask your program's "
                            "coordinator for your current personal link.");
      who.program_id = it->second.program_id;
      who.person_id = it->second.person_id;
    }
    who.credential_hash = hash;
    return start_session(std::move(who), "/me");
  }

  Response sign_in(const Request& request) {
    const auto form = web::parse_form(request.body);
    const auto token = form && form->contains("token") ? form->at("token") : std::string();
    if (token.empty() || !same_secret(sha256(token), admin_hash))
      return html_response(401, web::render_sign_in("That is not the coordinator token. It is in "
                                                    "DATA_DIR/admin.token or "
                                                    "MENTORCAL_ADMIN_TOKEN."));
    web::SignedIn who;
    who.kind = web::SignedIn::Kind::coordinator;
    who.credential_hash = admin_hash;
    return start_session(std::move(who), "/");
  }

  Response page(const Request& request, const Route& route) {
    if (route.kind == RouteKind::personal_link) return open_personal_link(route);
    if (route.kind == RouteKind::sign_in) return sign_in(request);
    const auto who = signed_in(request);
    const bool coordinator = who && who->kind == web::SignedIn::Kind::coordinator;
    if (route.kind == RouteKind::home && !coordinator) {
      if (who) return see_other("/me");
      return html_response(200, web::render_sign_in(""));
    }
    if (!who)
      return message_page(401, "Please sign in again",
                          "Open your personal link again, or sign in as the coordinator.");
    std::map<std::string, std::string> form;
    if (request.method == "POST") {
      auto fields = web::parse_form(request.body);
      if (!fields)
        return message_page(400, "That form could not be read", "Go back and send it again.");
      form = std::move(*fields);
      if (!web::WebSessions::csrf_matches(*who, form["csrf"]))
        return message_page(403, "This form has expired",
                            "Nothing was changed. Go back, reload the page and try again.");
    }
    switch (route.kind) {
      case RouteKind::sign_out: {
        web_sessions.end(web::cookie(request.header("cookie"), web::kSessionCookie));
        auto r = see_other("/");
        r.headers.emplace_back("Set-Cookie", web::WebSessions::cookie("", secure_cookies()));
        return r;
      }
      case RouteKind::personal_page:
      case RouteKind::personal_block:
      case RouteKind::personal_undo:
        if (coordinator) return see_other("/");
        return personal(request, route, *who, form);
      default:
        if (!coordinator)
          return message_page(403, "This page is the coordinator's", "Your own page is at /me.");
        return console(request, route, *who, form);
    }
  }

  // The person's page, with `writing` held.
  Response render_person(ProgramState& state, const Request& request, const web::SignedIn& who,
                         web::BlockForm form, std::string notice, int status) {
    if (!state.program)
      return message_page(409, "This program is being updated",
                          "Your coordinator is re-importing it. Please try again later.");
    const auto me = state.person_index.find(who.person_id);
    if (me == state.person_index.end())
      return message_page(404, "You are no longer in this program",
                          "Ask your program's coordinator.");
    const auto& program = *state.program;
    web::PersonalPage page;
    page.program = &program;
    page.me = &program.people[me->second];
    if (state.published && state.schedule_current)
      for (const auto i : state.pairs_of[me->second]) {
        const auto& result = state.published->pairs[i];
        if (!result.series) continue;
        const auto& pair = program.pairs[i];
        const auto& other =
            pair.mentor == me->second ? program.mentee_of(pair) : program.mentor_of(pair);
        page.sessions.push_back({&*result.series, &pair, &other});
      }
    for (const auto& b : state.blocks)
      if (b.person_id == who.person_id) page.blocks.push_back(b);
    {
      std::shared_lock lock(registry);
      if (const auto hash = token_hash_of.find({who.program_id, who.person_id});
          hash != token_hash_of.end())
        page.feed_url = feed_url(request, tokens.at(hash->second).salt);
    }
    page.csrf = who.csrf;
    page.today = local_day(page.me->zone, date::floor<Minutes>(config.clock()));
    page.month = query_value(request, "view") == "month";
    page.at = parse_day(query_value(request, "at"));
    page.notice = std::move(notice);
    page.form = std::move(form);
    return html_response(status, web::render_personal_page(page));
  }

  Response personal(const Request& request, const Route& route, const web::SignedIn& who,
                    std::map<std::string, std::string>& fields) {
    const auto state = find_program(who.program_id);
    if (!state) return message_page(404, "This program no longer exists", "Ask your coordinator.");
    std::lock_guard writing(state->writing);
    if (!state->program || !state->person_index.contains(who.person_id))
      return render_person(*state, request, who, {}, "", 200);
    if (route.kind == RouteKind::personal_page) {
      std::string notice;
      if (const auto id = parse_id(query_value(request, "blocked"))) {
        for (const auto& b : state->blocks)
          if (b.id == *id && b.person_id == who.person_id)
            notice =
                "Your block is stored. Your calendar and your partners' calendars show it "
                "now.";
      } else if (query_value(request, "undone") == "1") {
        notice =
            "The block is removed. Sessions it had moved or skipped are back where they "
            "can be.";
      }
      return render_person(*state, request, who, {}, std::move(notice), 200);
    }
    if (route.kind == RouteKind::personal_undo) {
      Replan out;
      StoredBlock removed;
      if (auto failure =
              lift_block(*state, who.program_id, who.person_id, parse_id(route.item), out, removed))
        return failure->status == 404
                   ? message_page(404, "That block is already removed", "Nothing was changed.")
                   : message_page(failure->status, "The block could not be removed",
                                  "Nothing was changed. Please try again later.");
      adopt(*state, out, removed);
      return see_other("/me?undone=1");
    }
    const auto& me = state->program->people[state->person_index.at(who.person_id)];
    web::BlockForm form;
    form.from = fields["from"];
    form.from_time = fields["from_time"];
    form.to = fields["to"];
    form.to_time = fields["to_time"];
    form.reason = fields["reason"];
    const auto at = web::block_interval(form, me.zone);
    const auto action = fields["action"];
    if (!at) return render_person(*state, request, who, std::move(form), "", 422);
    if (action != "preview" && action != "block")
      return message_page(400, "Press Preview or Block", "Go back and press one of the buttons.");
    StoredBlock block{0, who.person_id, *at, form.reason, now_seconds()};
    Replan out;
    const bool preview = action == "preview";
    if (auto failure = place_block(*state, who.program_id, block, preview, out))
      return message_page(failure->status, "The block could not be stored",
                          "Nothing was stored. Please try again later.");
    if (!preview) {
      adopt(*state, out, block);
      return see_other("/me?blocked=" + std::to_string(block.id));
    }
    form.previewed = true;
    form.replanned = out.replanned;
    form.changes = std::move(out.changes);
    for (const auto& b : out.below_min_held)
      form.below.push_back({b["series"].get<std::string>(), b["held"].get<int>(),
                            b["occurrences"].get<std::size_t>(), b["min_held"].get<double>()});
    return render_person(*state, request, who, std::move(form), "", 200);
  }

  // The latest pass run with publish: false, per program, for the console to show.
  std::mutex proposals_mutex;
  std::map<std::string, std::pair<std::int64_t, PassSummary>> proposals;

  Response console(const Request& request, const Route& route, const web::SignedIn& who,
                   std::map<std::string, std::string>& fields) {
    if (route.kind == RouteKind::home) {
      std::vector<std::pair<std::string, std::shared_ptr<ProgramState>>> all;
      {
        std::shared_lock lock(registry);
        all.assign(programs.begin(), programs.end());
      }
      std::vector<web::ProgramListEntry> list;
      for (const auto& [id, state] : all) {
        std::lock_guard writing(state->writing);
        web::ProgramListEntry entry;
        entry.id = id;
        if (state->program) {
          entry.name = state->program->name;
          entry.people = state->program->people.size();
          entry.pairs = state->program->pairs.size();
        }
        entry.published = state->published.has_value();
        list.push_back(std::move(entry));
      }
      return html_response(200, web::render_program_list(list, who.csrf));
    }
    const auto state = find_program(route.program);
    if (!state)
      return message_page(404, "No such program", "There is no program " + route.program + ".");
    const auto base = "/programs/" + route.program;
    if (route.kind == RouteKind::console_pass) {
      const bool publish = fields["action"] == "publish";
      const Route api{RouteKind::passes, "", {}, Audience::coordinator, route.program, "", {}};
      const auto answer = run_pass({"POST", "", {}, json{{"publish", publish}}.dump()}, api);
      if (answer.status != 201) {
        const auto body = json::parse(*answer.body, nullptr, false);
        return message_page(answer.status, "The pass did not run",
                            body.is_object() ? body.value("error", "") : "");
      }
      const auto pass = json::parse(*answer.body)["pass"].get<std::int64_t>();
      return see_other(base + (publish ? "?published=" : "?proposal=") + std::to_string(pass));
    }
    if (route.kind == RouteKind::console_rotate) {
      const auto kind = fields["kind"] == "link" ? TokenKind::personal : TokenKind::feed;
      const auto answer = rotate(request, route, kind);
      if (answer.status != 201)
        return message_page(answer.status, "Nothing was rotated", "No such person.");
      return see_other(base + "?rotated=" + web::url_encode(route.person));
    }
    std::lock_guard writing(state->writing);
    if (!state->program)
      return message_page(409, "The stored program no longer loads",
                          "Import it again (mentorcal push).");
    const auto& program = *state->program;
    if (route.kind == RouteKind::console_download) return download(*state, route);
    web::ConsolePage page;
    page.program = &program;
    const bool current = state->published && state->schedule_current;
    page.schedule = current ? &*state->published : nullptr;
    page.summary = current ? &state->published_summary() : nullptr;
    page.waits_for_pass = state->published && !state->schedule_current;
    page.published_pass = state->published_pass;
    page.blocks = state->blocks.size();
    page.csrf = who.csrf;
    // ?people=N: the N-th page of people, from 1; anything else the first.
    const auto people_page = parse_id(query_value(request, "people")).value_or(1);
    if (people_page >= 1 && static_cast<std::size_t>(people_page - 1) <
                                program.people.size() / web::ConsolePage::kPeoplePerPage + 1)
      page.first_person =
          static_cast<std::size_t>(people_page - 1) * web::ConsolePage::kPeoplePerPage;
    if (page.first_person >= program.people.size()) page.first_person = 0;
    {
      std::shared_lock lock(registry);
      const auto end =
          std::min(program.people.size(), page.first_person + web::ConsolePage::kPeoplePerPage);
      for (std::size_t i = page.first_person; i < end; ++i) {
        const auto& person = program.people[i];
        const auto feed = token_hash_of.find({route.program, person.id});
        const auto link = link_hash_of.find({route.program, person.id});
        if (feed == token_hash_of.end() || link == link_hash_of.end()) continue;
        page.people.push_back({&person, feed_url(request, tokens.at(feed->second).salt),
                               manage_url(request, tokens.at(link->second).salt)});
      }
    }
    if (const auto id = parse_id(query_value(request, "proposal"))) {
      if (const auto pass = store->load_pass(route.program, *id); pass && !pass->published) {
        std::string error;
        if (const auto proposed = schedule_from_json(pass->schedule_json, &error);
            proposed && proposed->pairs.size() == program.pairs.size()) {
          page.proposal = summarize(program, *proposed);
          page.proposal_pass = *id;
          if (page.schedule) page.proposal_changes = changes_between(*page.schedule, *proposed);
        }
      }
    } else if (const auto published = parse_id(query_value(request, "published"))) {
      page.notice = "Pass " + std::to_string(*published) + " is published: every feed shows it.";
    } else if (const auto rotated = query_value(request, "rotated"); !rotated.empty()) {
      page.notice = "New secret issued for " + rotated +
                    "; the old one no longer works. Send them "
                    "the new address below.";
    }
    return html_response(200, web::render_console(page));
  }

  // report.html, sessions.csv or load.csv of the published schedule, as `mentorcal schedule`
  // writes them, with `writing` held and the program loaded.
  static Response download(ProgramState& state, const Route& route) {
    if (!state.published)
      return message_page(404, "Nothing is published yet",
                          "Run a pass and publish it: the report and the CSV files are of the "
                          "published schedule.");
    if (!state.schedule_current)
      return message_page(409, "The published schedule is out of date",
                          "The program was imported again after it. Run a pass and publish it.");
    const auto& program = *state.program;
    const auto& schedule = *state.published;
    if (route.item == "report.html") {
      const auto changes = schedule.changes.value_or(std::vector<SeriesChange>{});
      return html_response(
          200,
          report_html(program, schedule, state.published_summary(), tally(program, schedule),
                      changes, schedule.changes.has_value()),
          web::kReportContentSecurityPolicy);
    }
    const bool sessions = route.item == "sessions.csv";
    Response r;
    r.status = 200;
    // A program id is a-z, 0-9 and -: nothing to quote in the file name.
    r.headers = {{"Content-Type", "text/csv; charset=utf-8"},
                 {"Content-Disposition",
                  "attachment; filename=\"" + program.id + "-" + std::string(route.item) + "\""},
                 {"Referrer-Policy", "no-referrer"},
                 {"X-Content-Type-Options", "nosniff"},
                 {"Cache-Control", "no-store"}};
    r.body = std::make_shared<const std::string>(sessions ? sessions_csv(program, schedule)
                                                          : load_csv(tally(program, schedule)));
    return r;
  }

  Response asset(const Request& request, const Route& route) {
    for (const auto& a : web::assets()) {
      if (a.name != route.item) continue;
      Response r;
      const bool current = request.header("if-none-match") == a.etag;
      r.status = current ? 304 : 200;
      r.omit_body = current;
      r.headers = {{"Content-Type", std::string(a.content_type)},
                   {"ETag", std::string(a.etag)},
                   {"Cache-Control", "no-cache"},
                   {"X-Content-Type-Options", "nosniff"}};
      if (!current) r.body = std::make_shared<const std::string>(a.body);
      return r;
    }
    return error_response(404, "no such asset", "name");
  }

  // Answers an admitted request.
  Response dispatch(const Request& request, const Route& route) {
    const std::string method = request.method == "HEAD" ? "GET" : request.method;
    switch (route.kind) {
      case RouteKind::healthz:
        return health();
      case RouteKind::metrics:
        return metrics_text();
      case RouteKind::feed:
        return feed(request, route);
      case RouteKind::asset:
        return asset(request, route);
      case RouteKind::home:
      case RouteKind::sign_in:
      case RouteKind::sign_out:
      case RouteKind::personal_link:
      case RouteKind::personal_page:
      case RouteKind::personal_block:
      case RouteKind::personal_undo:
      case RouteKind::console_program:
      case RouteKind::console_pass:
      case RouteKind::console_rotate:
      case RouteKind::console_download:
        return page(request, route);
      case RouteKind::program:
        return method == "PUT" ? put_program(request, route) : get_program(route);
      case RouteKind::passes:
        return run_pass(request, route);
      case RouteKind::pass:
        return get_pass(route);
      case RouteKind::feed_list:
        return list_feeds(request, route);
      case RouteKind::blocks:
        return method == "POST" ? add_block(request, route) : list_blocks(route);
      case RouteKind::block:
        return delete_block(route);
      case RouteKind::token:
        return rotate(request, route, TokenKind::feed);
      case RouteKind::link:
        return rotate(request, route, TokenKind::personal);
      default:
        return error_response(404, "no such resource");
    }
  }
};

Service::Service(std::unique_ptr<State> state) : state_(std::move(state)) {}
Service::~Service() = default;

std::unique_ptr<Service> Service::open(ServiceConfig config, std::string* error) {
  auto state = std::make_unique<State>();
  state->store = Store::open(config.database, error);
  if (!state->store) return nullptr;
  state->admin_hash = sha256(config.admin_token);
  state->config = std::move(config);
  try {
    state->restore();
  } catch (const StoreError& e) {
    *error = e.what();
    return nullptr;
  }
  return std::unique_ptr<Service>(new Service(std::move(state)));
}

Admission Service::admit(const Request& head) {
  try {
    return state_->admit(head, route_of(head.target));
  } catch (const std::exception& e) {
    state_->config.log(std::string("internal error: ") + log_quoted(e.what(), 200));
    Admission admission;
    admission.refusal = error_response(500, "internal error");
    return admission;
  }
}

Response Service::handle(const Request& request) {
  return handle(request, admit(request));
}

Response Service::handle(const Request& request, const Admission& admitted) {
  const auto started = Clock::now();
  const auto route = route_of(request.target);
  Response response;
  if (admitted.refusal) {
    response = *admitted.refusal;
  } else {
    try {
      response = state_->dispatch(request, route);
    } catch (const StoreError& e) {
      state_->config.log(std::string("database error: ") + log_quoted(e.what(), 200));
      response = error_response(500, "the change could not be stored; nothing was changed");
    } catch (const std::exception& e) {
      state_->config.log(std::string("internal error: ") + log_quoted(e.what(), 200));
      response = error_response(500, "internal error");
    }
  }
  if (request.method == "HEAD") response.omit_body = true;
  const auto elapsed = Clock::now() - started;
  state_->metrics.record_request(route.pattern, response.status, elapsed);
  // Feeds are the daemon's bulk traffic and their path is a secret: /metrics counts them, the
  // log does not list them.
  if (route.kind != RouteKind::feed && route.kind != RouteKind::healthz &&
      route.kind != RouteKind::metrics) {
    const auto& caller = admitted.caller;
    std::ostringstream line;
    line << log_quoted(request.method, 16) << ' ' << route.pattern << state_->logged_ids(route)
         << " status=" << response.status
         << " ms=" << std::chrono::duration_cast<std::chrono::milliseconds>(elapsed).count();
    if (caller.kind == Caller::Kind::coordinator) line << " caller=coordinator";
    if (caller.kind == Caller::Kind::person) line << " caller=" << caller.person_id;
    if (!caller.log_id.empty()) line << " token=" << caller.log_id;
    state_->config.log(line.str());
  }
  return response;
}

bool Service::takes_long(const Request& request) {
  // Every write: the API's, and the pages' forms (a block, a pass from the console).
  return request.method != "GET" && request.method != "HEAD";
}

void Service::finish_passes_early() {
  state_->finishing = true;
}

Metrics& Service::metrics() {
  return state_->metrics;
}

}  // namespace mentorcal::daemon

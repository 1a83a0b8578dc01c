#include "feed_cache.hpp"

#include <optional>

#include "http/fields.hpp"
#include "secrets.hpp"

namespace mentorcal::daemon {
namespace {

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

}  // namespace

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

bool none_match_hits(std::string_view header, const Feed& feed) {
  return any_part(header, ',', [&](std::string_view tag) {
    tag = trim(tag);
    if (tag.starts_with("W/")) tag.remove_prefix(2);
    return tag == "*" || tag == feed.etag || tag == feed.etag_gzip;
  });
}

bool accepts_gzip(std::string_view header) {
  std::optional<double> q;  // of the first gzip item
  any_part(header, ',', [&](std::string_view item) {
    const auto semicolon = item.find(';');
    const auto coding = trim(item.substr(0, semicolon));
    if (!iequals(coding, "gzip") && !iequals(coding, "x-gzip")) return false;
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

}  // namespace mentorcal::daemon

// A person's feed as served: its bytes, their gzip, the validators and the answer's header
// lines, made once when the feed is rendered and shared by every request that reads it. Knows
// nothing of routes, tokens or the store's schema beyond StoredFeed.
//
//   auto feed = next_feed(render_feed(program, schedule, "m-01", options), previous, now);
//   if (none_match_hits(request.header("if-none-match"), *feed)) ...  // 304
//   response.body = accepts_gzip(request.header("accept-encoding")) ? feed->gzip : feed->body;
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "mentorcal/feed.hpp"
#include "mentorcal/program.hpp"
#include "store.hpp"

namespace mentorcal::daemon {

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

// A feed of stored bytes and validators (as the store keeps it).
std::shared_ptr<const Feed> make_feed(std::string body, std::string gzip_body, std::string etag,
                                      std::int64_t last_modified);

// The feed for `body`: the previous one when the bytes did not change, so that ETag and
// Last-Modified keep telling clients their copy is current.
std::shared_ptr<const Feed> next_feed(std::string body, const std::shared_ptr<const Feed>& previous,
                                      std::int64_t now);

// `feed` as the store keeps it.
StoredFeed stored(const std::string& person_id, const Feed& feed);

// Whether If-None-Match names `feed`'s ETag in either encoding (weak comparison, RFC 9110
// §13.1.2).
bool none_match_hits(std::string_view header, const Feed& feed);

// Accept-Encoding names gzip (or x-gzip) with a non-zero q.
bool accepts_gzip(std::string_view header);

// The feed of someone without a session: a calendar with their name and no events, rendered
// from their entry alone rather than by indexing the whole schedule again.
std::string empty_feed(const Program& program, const Person& person, const FeedOptions& options);

}  // namespace mentorcal::daemon

// Who may call what: the callers mentorcald knows, the audience each route admits, and the one
// decision between them. Pure: the service finds out who is calling (from the request's headers,
// never its body) and asks here whether that caller may go on.
//
//   Caller caller{.kind = Caller::Kind::person, .program_id = "acme-2027", .person_id = "m-01"};
//   authorise(caller, Audience::person, "acme-2027", "m-01");  // Verdict::allowed
//   authorise(caller, Audience::coordinator, "acme-2027", "");  // Verdict::forbidden (403)
//   caller.kind = Caller::Kind::feed_reader;
//   authorise(caller, Audience::person, "acme-2027", "m-01");   // Verdict::feed_token (403)
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace mentorcal::daemon {

// Who is asking, as the request's credentials show.
struct Caller {
  enum class Kind {
    anyone,       // no credentials, or none that the daemon knows
    feed_reader,  // a person's feed token: it reads their feed and nothing else
    person,       // a person of a program, by the secret of their personal link or its session
    coordinator,  // the coordinator token, or a session opened with it
  };
  Kind kind = Kind::anyone;
  std::string program_id;  // a person's program and id; empty otherwise
  std::string person_id;
  std::string log_id;  // what the log may say of the credential: a hash prefix, never the secret
  // A browser's session cookie on a write without the page's CSRF token in X-CSRF-Token.
  bool without_csrf = false;
};

// Who a route lets in.
enum class Audience {
  anyone,       // health, metrics, feeds (a feed's secret is its URL), sign-in, assets
  signed_in,    // a page that writes: a browser with a session cookie (the page checks whose)
  person,       // the person the path names, or the coordinator
  coordinator,  // the coordinator only
};

enum class Verdict {
  allowed,
  unauthenticated,  // 401: no credentials the daemon knows
  forbidden,        // 403: known, but not for this
  feed_token,       // 403: a feed token, which only reads its feed
  no_csrf_token,    // 403: a session cookie on a write without its CSRF token
};

// Whether `caller` may call a route for `audience` about `person` of `program` (both from the
// path; empty where the route names none).
Verdict authorise(const Caller& caller, Audience audience, std::string_view program,
                  std::string_view person);

// The credentials of an `Authorization: Bearer TOKEN` value (scheme compared without case,
// RFC 9110 §11.1), none when the value is of another scheme or empty.
std::optional<std::string_view> bearer_token(std::string_view authorization);

}  // namespace mentorcal::daemon

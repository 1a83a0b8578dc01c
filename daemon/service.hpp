// mentorcald's HTTP API as a function: a request in, a response out. It knows nothing of
// sockets, so every endpoint is testable without a network; server.hpp carries the bytes.
//
//   auto service = mentorcal::daemon::Service::open(config, &error);
//   Response r = service->handle({.method = "GET", .target = "/healthz"});
//   assert(r.status == 200);
//
// The endpoints and their errors are documented in docs/API.md.
#pragma once

#include <chrono>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "access.hpp"
#include "mentorcal/time.hpp"
#include "metrics.hpp"

namespace mentorcal::daemon {

struct ServiceState;  // service_state.hpp

struct Request {
  std::string method;  // "GET", "HEAD", "PUT", "POST", "DELETE"...
  std::string target;  // origin-form: "/feeds/abc.ics?x=1"
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;

  // The value of header `name` (compared without case), empty when absent.
  std::string_view header(std::string_view name) const;
};

// The body of an answer that has none: owned by nobody, so that making a Response allocates
// nothing and counts no references.
inline const std::string kNoBody;

struct Response {
  int status = 200;
  // Header lines formatted once, "Name: value\r\n" each, sent before `headers`: a feed's are
  // made when it is rendered and shared by every answer that serves it.
  std::shared_ptr<const std::string> formatted_headers;
  std::vector<std::pair<std::string, std::string>> headers;
  // Never null. Shared with the feed cache, so that serving a feed copies no bytes.
  std::shared_ptr<const std::string> body{std::shared_ptr<const std::string>(), &kNoBody};
  // An answer to HEAD: Content-Length is body->size(), but the body is not sent.
  bool omit_body = false;

  // The value of header `name` in `formatted_headers` or `headers`, empty when absent.
  std::string_view header(std::string_view name) const;
};

// What a request's head (method, target, headers) decides before a byte of its body is read.
struct Admission {
  // Set: the final answer, sent without reading the body; the server closes the connection after
  // it when a body was announced. Unset: read the body, then `Service::handle`.
  std::optional<Response> refusal;
  enum class BodyLimit {
    small,   // the server's small limit (64 KiB by default)
    program  // a program import's (--max-program-mb)
  } body_limit = BodyLimit::small;
  Caller caller;
};

struct ServiceConfig {
  std::filesystem::path database;  // the SQLite file
  std::string admin_token;         // the coordinator's bearer token
  std::string feed_key;            // 32 bytes: derives each person's feed token (secrets.hpp)
  // Where feed URLs point ("https://cal.example.com"); empty: http:// and the request's Host.
  std::string public_url;
  Minutes refresh{60};  // REFRESH-INTERVAL of the feeds
  std::function<std::chrono::system_clock::time_point()> clock = std::chrono::system_clock::now;
  std::function<void(const std::string& line)> log = [](const std::string&) {};
};

class Service {
 public:
  // Opens the database and restores every program, its schedule, blocks, tokens and feeds.
  static std::unique_ptr<Service> open(ServiceConfig config, std::string* error);
  ~Service();

  // The route, who is calling and whether they may, the body limit, or an early answer (400 for
  // a target or Host the daemon does not take, 404, 405, 401, 403), from `head`'s method, target
  // and headers alone: its body is not looked at. The server calls it once a request's header is
  // in, before it reads the body. Never throws.
  Admission admit(const Request& head);

  // Answers `request`, admitted by `admit` (a refusal is answered as it is). Never throws: a
  // failure inside becomes a 500 with a JSON error.
  Response handle(const Request& request, const Admission& admitted);
  // handle(request, admit(request)): for callers that have the whole request at once.
  Response handle(const Request& request);

  // Requests that may take long (every write: imports, passes, blocks, forms): the server runs them
  // off the threads that serve feeds.
  static bool takes_long(const Request& request);
  // Passes running now end early with a valid schedule (PassOutcome::time_limit), as when the
  // server drains on SIGTERM.
  void finish_passes_early();

  Metrics& metrics();

 private:
  explicit Service(std::unique_ptr<ServiceState> state);
  std::unique_ptr<ServiceState> state_;
};

}  // namespace mentorcal::daemon

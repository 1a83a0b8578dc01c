// A request's way through mentorcald: its route (routes.cpp), then admission from its head
// alone (404, 405, who may call: access.hpp), then its handler (handlers/), then /metrics and the
// log. The handlers and what they share are elsewhere; see docs/ARCHITECTURE.md.
#include "service.hpp"

#include <sstream>

#include "handlers/handlers.hpp"
#include "http/fields.hpp"
#include "http/responses.hpp"
#include "routes.hpp"
#include "secrets.hpp"
#include "service_state.hpp"

namespace mentorcal::daemon {
namespace {

using Clock = std::chrono::steady_clock;

// See Service::admit.
Admission admit(ServiceState& s, const Request& head, const Route& route) {
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
  if (!route.entry) {
    refusal = error_response(404, "no such resource");
    return admission;
  }
  const auto* method = route.method(head.method);
  if (!method) {
    std::string allow;
    for (const auto& m : route.entry->methods)
      if (!m.name.empty()) allow += std::string(allow.empty() ? "" : ", ") + std::string(m.name);
    if (route.method("GET")) allow += ", HEAD";
    refusal = error_response(405, head.method + " is not allowed here; use " + allow);
    refusal->headers.emplace_back("Allow", allow);
    return admission;
  }
  const auto audience = route.entry->audience;
  if (audience == Audience::signed_in)
    admission.caller = s.registry.cookie_caller(head, false);
  else if (audience != Audience::anyone)
    admission.caller = s.registry.authenticate(head);
  switch (authorise(admission.caller, audience, route.program, route.person)) {
    case Verdict::allowed:
      break;
    case Verdict::unauthenticated:
      if (audience == Audience::signed_in) {
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
      refusal = error_response(403, "a session cookie needs its page's CSRF token in X-CSRF-Token",
                               "X-CSRF-Token");
      return admission;
  }
  admission.body_limit = method->body_limit;
  return admission;
}

// The program and person the path names, as a log line may show them: each whole when the
// daemon knows it; else only its first bytes and its length, since it may be a secret pasted in
// the wrong place.
std::string logged_ids(ServiceState& s, const Route& route) {
  bool known_program = false, known_person = false;
  {
    std::shared_lock lock(s.registry.mutex);
    known_program = s.registry.programs.contains(route.program);
    known_person = s.registry.token_hash_of.contains(std::make_pair(route.program, route.person));
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

}  // namespace

Service::Service(std::unique_ptr<ServiceState> state) : state_(std::move(state)) {}
Service::~Service() = default;

std::unique_ptr<Service> Service::open(ServiceConfig config, std::string* error) {
  auto state = std::make_unique<ServiceState>();
  state->store = Store::open(config.database, error);
  if (!state->store) return nullptr;
  state->registry.admin_hash = sha256(config.admin_token);
  state->registry.feed_key = config.feed_key;
  state->registry.clock = config.clock;
  state->config = std::move(config);
  try {
    handlers::restore_programs(*state);
  } catch (const StoreError& e) {
    *error = e.what();
    return nullptr;
  }
  return std::unique_ptr<Service>(new Service(std::move(state)));
}

Admission Service::admit(const Request& head) {
  try {
    return daemon::admit(*state_, head, route_of(head.target));
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
      const auto* method = route.method(request.method);
      response = method ? method->handler(*state_, request, route)
                        : error_response(404, "no such resource");
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
  if (!route.entry || route.entry->logged) {
    const auto& caller = admitted.caller;
    std::ostringstream line;
    line << log_quoted(request.method, 16) << ' ' << route.pattern << logged_ids(*state_, route)
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

#include "service_state.hpp"

#include "http/fields.hpp"
#include "http/responses.hpp"
#include "secrets.hpp"

namespace mentorcal::daemon {

FeedOptions ServiceState::feed_options(bool plain) const {
  FeedOptions options;
  options.refresh = config.refresh;
  options.plain = plain;
  return options;
}

Instant ServiceState::revision() const {
  return date::floor<Minutes>(config.clock());
}

std::int64_t ServiceState::now_seconds() const {
  return unix_seconds(config.clock());
}

std::string ServiceState::base_url(const Request& request) const {
  auto base = config.public_url;
  if (base.empty() && !request.header("host").empty())
    base = "http://" + std::string(request.header("host"));
  while (!base.empty() && base.back() == '/') base.pop_back();
  return base;
}

std::string ServiceState::feed_url(const Request& request, const std::string& salt) const {
  return base_url(request) + "/feeds/" + feed_token(config.feed_key, salt) + ".ics";
}

std::string ServiceState::manage_url(const Request& request, const std::string& salt) const {
  return base_url(request) + "/me/" + personal_secret(config.feed_key, salt);
}

HeldProgram ServiceState::hold_program(const Route& route, bool loaded_or_not) {
  HeldProgram held;
  held.state = registry.find_program(route.program);
  if (!held.state) {
    held.refusal = error_response(404, "no program \"" + route.program + "\"", "id");
    return held;
  }
  held.writing = std::unique_lock(held.state->writing);
  if (!loaded_or_not && !held.state->program) held.refusal = program_no_longer_loads();
  return held;
}

Response program_no_longer_loads() {
  return error_response(409, "the stored program no longer loads; PUT it again", "id");
}

}  // namespace mentorcal::daemon

// POST /api/programs/{id}/people/{person}/token and .../link: a person's feed token or
// personal link replaced by a fresh one.
#include "handlers/handlers.hpp"
#include "http/responses.hpp"
#include "secrets.hpp"
#include "service_state.hpp"

namespace mentorcal::daemon::handlers {

Response rotate(ServiceState& s, const Request& request, const Route& route, TokenKind kind) {
  const auto held = s.hold_program(route, true);
  if (held.refusal) return *held.refusal;
  auto& registry = s.registry;
  std::string old_hash;
  {
    std::shared_lock lock(registry.mutex);
    const auto& hashes = registry.hashes_of(kind);
    const auto it = hashes.find({route.program, route.person});
    if (it == hashes.end())
      return error_response(404, "no person \"" + route.person + "\"", "person");
    old_hash = it->second;
  }
  const auto [fresh, secret] = registry.issue(kind, route.program, route.person);
  s.store->replace_token(old_hash, fresh);
  {
    std::unique_lock lock(registry.mutex);
    registry.tokens.erase(old_hash);
    registry.remember(fresh, held.state);
  }
  const bool feed = kind == TokenKind::feed;
  s.config.log(std::string(feed ? "feed token" : "personal link") + " of " + route.program + "/" +
               route.person + " rotated, now " + token_log_id(secret));
  if (feed)
    return json_response(
        201,
        {{"person", route.person}, {"token", secret}, {"url", s.feed_url(request, fresh.salt)}});
  return json_response(
      201, {{"person", route.person}, {"manage_url", s.manage_url(request, fresh.salt)}});
}

Response rotate_token(ServiceState& s, const Request& request, const Route& route) {
  return rotate(s, request, route, TokenKind::feed);
}

Response rotate_link(ServiceState& s, const Request& request, const Route& route) {
  return rotate(s, request, route, TokenKind::personal);
}

}  // namespace mentorcal::daemon::handlers

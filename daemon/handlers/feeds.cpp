// GET /feeds/{token}.ics, a person's calendar from the feed cache (with ETag, Last-Modified and
// gzip), and GET /api/programs/{id}/feeds, every person's feed and personal link.
#include "feed_cache.hpp"
#include "handlers/handlers.hpp"
#include "http/fields.hpp"
#include "http/responses.hpp"
#include "secrets.hpp"
#include "service_state.hpp"

namespace mentorcal::daemon::handlers {

using nlohmann::json;

Response feed(ServiceState& s, const Request& request, const Route& route) {
  // Every token, known or not, costs one hash and one lookup before the answer, so the time
  // to answer says nothing about how close a guess was.
  const auto hash = sha256(route.item);
  std::shared_ptr<ProgramState> program;
  std::string person;
  {
    std::shared_lock lock(s.registry.mutex);
    if (const auto it = s.registry.tokens.find(hash);
        it != s.registry.tokens.end() && it->second.kind == TokenKind::feed) {
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
  s.metrics.record_feed(gzip_it, current);
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

Response list_feeds(ServiceState& s, const Request& request, const Route& route) {
  const auto held = s.hold_program(route);
  if (held.refusal) return *held.refusal;
  const auto& state = held.state;
  json list = json::array();
  auto& registry = s.registry;
  std::shared_lock lock(registry.mutex);
  for (const auto& person : state->program->people) {
    const auto* feed = registry.salt_of(TokenKind::feed, route.program, person.id);
    const auto* link = registry.salt_of(TokenKind::personal, route.program, person.id);
    if (!feed || !link) continue;
    list.push_back({{"person", person.id},
                    {"name", person.name},
                    {"role", person.role == Role::mentor ? "mentor" : "mentee"},
                    {"published", state->feed_of(person.id) != nullptr},
                    {"url", s.feed_url(request, *feed)},
                    {"manage_url", s.manage_url(request, *link)}});
  }
  return json_response(200, {{"program", route.program}, {"feeds", list}});
}

}  // namespace mentorcal::daemon::handlers

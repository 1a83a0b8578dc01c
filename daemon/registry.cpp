#include "registry.hpp"

#include "secrets.hpp"
#include "web/html.hpp"

namespace mentorcal::daemon {

void ProgramState::install(Program loaded, std::vector<StoredBlock> kept) {
  person_index.clear();
  calendar_busy.clear();
  forget_replan_index();
  forget_published_summary();
  for (std::size_t i = 0; i < loaded.people.size(); ++i) {
    person_index[loaded.people[i].id] = i;
    calendar_busy[loaded.people[i].id] = loaded.people[i].busy;
  }
  pairs_of.assign(loaded.people.size(), {});
  for (std::size_t i = 0; i < loaded.pairs.size(); ++i) {
    pairs_of[loaded.pairs[i].mentor].push_back(i);
    if (loaded.pairs[i].mentee != loaded.pairs[i].mentor)
      pairs_of[loaded.pairs[i].mentee].push_back(i);
  }
  std::erase_if(kept, [&](const StoredBlock& b) { return !person_index.contains(b.person_id); });
  blocks = std::move(kept);
  program = std::move(loaded);
  for (const auto& [id, index] : person_index)
    program->people[index].busy = busy_with_blocks(id, nullptr, std::nullopt);
}

std::vector<Interval> ProgramState::busy_with_blocks(const std::string& id,
                                                     const StoredBlock* without,
                                                     std::optional<Interval> extra) const {
  auto busy = calendar_busy.at(id);
  for (const auto& b : blocks)
    if (b.person_id == id && &b != without) busy.push_back(b.at);
  if (extra) busy.push_back(*extra);
  return normalized(std::move(busy));
}

const std::string* Registry::salt_of(TokenKind kind, const std::string& program,
                                     const std::string& person) const {
  const auto& hashes = kind == TokenKind::feed ? token_hash_of : link_hash_of;
  const auto hash = hashes.find({program, person});
  return hash == hashes.end() ? nullptr : &tokens.at(hash->second).salt;
}

std::pair<StoredToken, std::string> Registry::issue(TokenKind kind, const std::string& program,
                                                    const std::string& person) const {
  auto salt = random_bytes(16);
  auto secret =
      kind == TokenKind::feed ? feed_token(feed_key, salt) : personal_secret(feed_key, salt);
  return {{sha256(secret), std::move(salt), program, person, kind}, std::move(secret)};
}

void Registry::remember(const StoredToken& token, std::shared_ptr<ProgramState> program) {
  hashes_of(token.kind)[{token.program_id, token.person_id}] = token.hash;
  tokens[token.hash] = {std::move(program), token.program_id, token.person_id, token.salt,
                        token.kind};
}

std::shared_ptr<ProgramState> Registry::find_program(const std::string& id) {
  std::shared_lock lock(mutex);
  const auto it = programs.find(id);
  return it == programs.end() ? nullptr : it->second;
}

Caller Registry::authenticate(const Request& head) {
  Caller caller;
  const auto token = bearer_token(head.header("authorization"));
  if (!token) return cookie_caller(head);
  const auto hash = sha256(*token);
  caller.log_id = to_hex(hash).substr(0, 8);
  if (same_secret(hash, admin_hash)) {
    caller.kind = Caller::Kind::coordinator;
    return caller;
  }
  std::shared_lock lock(mutex);
  if (const auto it = tokens.find(hash); it != tokens.end()) {
    caller.kind =
        it->second.kind == TokenKind::personal ? Caller::Kind::person : Caller::Kind::feed_reader;
    caller.program_id = it->second.program_id;
    caller.person_id = it->second.person_id;
  }
  return caller;
}

Caller Registry::cookie_caller(const Request& head, bool csrf_in_header) {
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

std::optional<web::SignedIn> Registry::signed_in(const Request& request) {
  auto who = sessions.find(web::cookie(request.header("cookie"), web::kSessionCookie), clock());
  if (!who) return std::nullopt;
  if (who->kind == web::SignedIn::Kind::coordinator)
    return same_secret(who->credential_hash, admin_hash) ? who : std::nullopt;
  std::shared_lock lock(mutex);
  const auto it = tokens.find(who->credential_hash);
  if (it == tokens.end() || it->second.kind != TokenKind::personal) return std::nullopt;
  return who;
}

}  // namespace mentorcal::daemon

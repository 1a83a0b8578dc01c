// What mentorcald holds in memory: each program as loaded (with its people's blocks, its
// published schedule and the feeds served from it), and the registry of programs and secrets
// that finds them: feed tokens, personal links, the coordinator token and the pages' sessions.
// Who is calling is decided here, from a request's headers alone; whether they may is access.hpp's.
//
//   auto state = registry.find_program("acme-2027");
//   Caller caller = registry.authenticate(head);  // bearer token, else session cookie
#pragma once

#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <shared_mutex>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "access.hpp"
#include "feed_cache.hpp"
#include "mentorcal/program.hpp"
#include "mentorcal/replan.hpp"
#include "mentorcal/schedule.hpp"
#include "mentorcal/summary.hpp"
#include "service.hpp"
#include "store.hpp"
#include "web/sessions.hpp"

namespace mentorcal::daemon {

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

  // Makes `program` the state's program, with the blocks of the people it still has.
  void install(Program program, std::vector<StoredBlock> blocks);

  // A person's busy time: their calendar's, their blocks' (less `without`), and `extra`.
  std::vector<Interval> busy_with_blocks(const std::string& id, const StoredBlock* without,
                                         std::optional<Interval> extra) const;

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

// The programs by id and every secret that names a person of one: what a request's credentials
// are looked up in.
struct Registry {
  struct TokenEntry {
    std::shared_ptr<ProgramState> program;
    std::string program_id;
    std::string person_id;
    std::string salt;
    TokenKind kind = TokenKind::feed;
  };

  std::string admin_hash;  // SHA-256 of the coordinator token
  std::string feed_key;    // derives each person's secrets (secrets.hpp)
  std::function<std::chrono::system_clock::time_point()> clock;

  // Guards `programs` and `tokens`; a feed request holds it shared, briefly.
  std::shared_mutex mutex;
  std::map<std::string, std::shared_ptr<ProgramState>> programs;
  std::unordered_map<std::string, TokenEntry> tokens;  // by SHA-256 of the token, either kind
  // By (program, person): the hash of their feed token, and of their personal link's secret.
  std::map<std::pair<std::string, std::string>, std::string> token_hash_of;
  std::map<std::pair<std::string, std::string>, std::string> link_hash_of;

  // The pages' sessions, each opened with a personal link or the coordinator token.
  web::WebSessions sessions;

  std::map<std::pair<std::string, std::string>, std::string>& hashes_of(TokenKind kind) {
    return kind == TokenKind::feed ? token_hash_of : link_hash_of;
  }

  // The salt of `person`'s secret of `kind` in `program` (what their feed URL or personal link
  // is derived from), or null when they have none. With `mutex` held.
  const std::string* salt_of(TokenKind kind, const std::string& program,
                             const std::string& person) const;

  // A person's secret of `kind` under a fresh salt, as stored, and the secret itself.
  std::pair<StoredToken, std::string> issue(TokenKind kind, const std::string& program,
                                            const std::string& person) const;

  // Makes `token` a credential of its person of `program`. With `mutex` held exclusively.
  void remember(const StoredToken& token, std::shared_ptr<ProgramState> program);

  std::shared_ptr<ProgramState> find_program(const std::string& id);

  // Who is asking, from the request's headers: a bearer token, else a session cookie.
  Caller authenticate(const Request& head);

  // A browser signed in by its session cookie. Calling the API, anything but GET also sends the
  // page's CSRF token in X-CSRF-Token; a page's form carries it in the body, which the page
  // checks.
  Caller cookie_caller(const Request& head, bool csrf_in_header = true);

  // Who the session cookie signs in, while the credential it was opened with still works.
  std::optional<web::SignedIn> signed_in(const Request& request);
};

}  // namespace mentorcal::daemon

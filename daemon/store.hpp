// mentorcald's storage: one SQLite database (WAL, synchronous=FULL) under the data directory.
// Every write is one transaction, committed and on disk when the call returns, so that the
// daemon acknowledges only what survives a crash. Schema changes are numbered migrations
// recorded in PRAGMA user_version.
//
//   std::string error;
//   auto store = mentorcal::Store::open("/var/lib/mentorcal/mentorcal.db", &error);
//   for (const auto& program : store->load_programs()) restore(program);
//
// Failures after opening throw StoreError; the caller answers 500 and keeps its old state.
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "mentorcal/time.hpp"

struct sqlite3;

namespace mentorcal {

struct StoreError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// Time a person cannot meet, as they said it: busy time added to their calendar's.
struct StoredBlock {
  std::int64_t id = 0;  // unique in the database, never reused
  std::string person_id;
  Interval at;
  std::string reason;
  std::int64_t created = 0;  // Unix seconds
};

// A person's feed as served: the bytes, their gzip, and the validators.
struct StoredFeed {
  std::string person_id;
  std::string body;
  std::string gzip;
  std::string etag;                // quoted, strong: "\"3fa1...\""
  std::int64_t last_modified = 0;  // Unix seconds: when `body` last changed
};

// What a person's secret lets its holder do.
enum class TokenKind {
  feed,      // read their feed: /feeds/{token}.ics
  personal,  // their personal link /me/{secret}: their page, blocks and rotation
};

// A person's secret, as kept: its SHA-256 and the salt it is derived from (secrets.hpp). Each
// person has one of each kind.
struct StoredToken {
  std::string hash;  // 32 bytes
  std::string salt;  // 16 bytes
  std::string program_id;
  std::string person_id;
  TokenKind kind = TokenKind::feed;
};

struct StoredPass {
  std::int64_t id = 0;
  std::string program_id;
  std::int64_t started = 0;  // Unix seconds
  std::int64_t duration_ms = 0;
  std::string outcome;  // "complete" or "time_limit"
  bool published = false;
  std::string schedule_json;
};

// Everything the daemon keeps of one program.
struct StoredProgram {
  std::string id;
  std::string files_json;  // the JSON form of the program directory (program_files.hpp)
  // schedule.json of the published pass, absent before the first; and, by pair index, the
  // pairs that blocks have re-planned since, each as a schedule.json of that one pair.
  std::optional<std::string> published_schedule;
  std::optional<std::int64_t> published_pass;
  std::map<std::size_t, std::string> replanned_pairs;
  // False when the files were replaced after the published pass: its schedule then belongs to
  // the previous files and blocks wait for the next pass.
  bool schedule_current = false;
  std::vector<StoredBlock> blocks;
  std::vector<StoredFeed> feeds;
};

class Store {
 public:
  // Opens or creates the database and brings its schema up to date. nullptr with `error` set
  // when that fails (unwritable directory, a database from a newer mentorcald...).
  static std::unique_ptr<Store> open(const std::filesystem::path& file, std::string* error);
  ~Store();
  Store(const Store&) = delete;
  Store& operator=(const Store&) = delete;

  std::vector<StoredProgram> load_programs();
  std::vector<StoredToken> load_tokens();
  std::optional<StoredPass> load_pass(const std::string& program_id, std::int64_t pass_id);

  // Imports or replaces a program's files. The people in `removed_people` lose their tokens,
  // personal links, blocks and feeds; `new_tokens` (of either kind) are issued.
  void save_program(const std::string& program_id, const std::string& files_json,
                    const std::vector<std::string>& removed_people,
                    const std::vector<StoredToken>& new_tokens);
  // Records a pass; when `pass.published`, it becomes the program's schedule and `feeds`
  // replace every feed of the program. Returns the pass id.
  std::int64_t save_pass(const StoredPass& pass, const std::vector<StoredFeed>& feeds);
  // Adds a block (returns its id) or removes one, with the pairs and feeds it changed.
  std::int64_t save_block(const std::string& program_id, const StoredBlock& block,
                          const std::map<std::size_t, std::string>& replanned_pairs,
                          const std::vector<StoredFeed>& feeds);
  void delete_block(const std::string& program_id, std::int64_t block_id,
                    const std::map<std::size_t, std::string>& replanned_pairs,
                    const std::vector<StoredFeed>& feeds);
  // Replaces the secret `old_hash` of `token`'s kind by `token`.
  void replace_token(const std::string& old_hash, const StoredToken& token);
  // Issues secrets outside an import: the personal links of people from before they existed.
  void add_tokens(const std::vector<StoredToken>& tokens);

 private:
  explicit Store(sqlite3* db) : db_(db) {}
  class Statement;
  class Transaction;
  void put_feeds(const std::string& program_id, const std::vector<StoredFeed>& feeds);
  void put_replanned(const std::string& program_id,
                     const std::map<std::size_t, std::string>& replanned_pairs);
  void insert_tokens(const std::vector<StoredToken>& tokens);

  std::mutex mutex_;  // one connection, used by one thread at a time
  sqlite3* db_;
};

}  // namespace mentorcal

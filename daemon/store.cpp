#include "store.hpp"

#include <sqlite3.h>

#include <array>
#include <string_view>

namespace mentorcal {
namespace {

// Each entry moves the schema from version i to i + 1. Append only: a released migration is
// never edited, since databases in the field have already run it.
constexpr std::array<std::string_view, 2> kMigrations = {
    R"sql(
CREATE TABLE programs (
  id TEXT PRIMARY KEY,
  files TEXT NOT NULL,
  imported_at INTEGER NOT NULL,
  published_pass INTEGER,
  schedule_current INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE passes (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  program_id TEXT NOT NULL REFERENCES programs(id),
  started_at INTEGER NOT NULL,
  duration_ms INTEGER NOT NULL,
  outcome TEXT NOT NULL,
  published INTEGER NOT NULL,
  schedule TEXT NOT NULL
);
CREATE INDEX passes_by_program ON passes(program_id);
CREATE TABLE replanned_pairs (
  program_id TEXT NOT NULL REFERENCES programs(id),
  pair_index INTEGER NOT NULL,
  schedule TEXT NOT NULL,
  PRIMARY KEY (program_id, pair_index)
) WITHOUT ROWID;
CREATE TABLE blocks (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  program_id TEXT NOT NULL REFERENCES programs(id),
  person_id TEXT NOT NULL,
  start_at INTEGER NOT NULL,
  end_at INTEGER NOT NULL,
  reason TEXT NOT NULL,
  created_at INTEGER NOT NULL
);
CREATE INDEX blocks_by_person ON blocks(program_id, person_id);
CREATE TABLE tokens (
  hash BLOB PRIMARY KEY,
  salt BLOB NOT NULL,
  program_id TEXT NOT NULL REFERENCES programs(id),
  person_id TEXT NOT NULL,
  UNIQUE (program_id, person_id)
) WITHOUT ROWID;
CREATE TABLE feeds (
  program_id TEXT NOT NULL REFERENCES programs(id),
  person_id TEXT NOT NULL,
  body BLOB NOT NULL,
  gzip BLOB NOT NULL,
  etag TEXT NOT NULL,
  last_modified INTEGER NOT NULL,
  PRIMARY KEY (program_id, person_id)
) WITHOUT ROWID;
)sql",
    // Personal links, apart from feed tokens: a feed URL only reads. The people already stored
    // get theirs from mentorcald when it starts (the salts come from getrandom, not SQLite).
    R"sql(
CREATE TABLE personal_links (
  hash BLOB PRIMARY KEY,
  salt BLOB NOT NULL,
  program_id TEXT NOT NULL REFERENCES programs(id),
  person_id TEXT NOT NULL,
  UNIQUE (program_id, person_id)
) WITHOUT ROWID;
)sql",
};

std::string table_of(TokenKind kind) {
  return kind == TokenKind::feed ? "tokens" : "personal_links";
}

// Instants are kept as Unix seconds, which sqlite3's datetime(x, 'unixepoch') shows readably.
std::int64_t unix_seconds(Instant t) {
  return t.time_since_epoch().count() * 60;
}
Instant from_unix_seconds(std::int64_t s) {
  return Instant{Minutes{s / 60}};
}

}  // namespace

class Store::Statement {
 public:
  Statement(sqlite3* db, std::string_view sql) : db_(db) {
    if (sqlite3_prepare_v2(db, sql.data(), static_cast<int>(sql.size()), &stmt_, nullptr) !=
        SQLITE_OK)
      throw StoreError(std::string("SQLite: ") + sqlite3_errmsg(db));
  }
  ~Statement() { sqlite3_finalize(stmt_); }
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;

  Statement& bind(int i, std::string_view text) {
    check(
        sqlite3_bind_text(stmt_, i, text.data(), static_cast<int>(text.size()), SQLITE_TRANSIENT));
    return *this;
  }
  Statement& bind_blob(int i, std::string_view bytes) {
    check(sqlite3_bind_blob(stmt_, i, bytes.data(), static_cast<int>(bytes.size()),
                            SQLITE_TRANSIENT));
    return *this;
  }
  Statement& bind(int i, std::int64_t value) {
    check(sqlite3_bind_int64(stmt_, i, value));
    return *this;
  }
  // True while there is a row to read.
  bool step() {
    const int status = sqlite3_step(stmt_);
    if (status == SQLITE_ROW) return true;
    if (status == SQLITE_DONE) return false;
    throw StoreError(std::string("SQLite: ") + sqlite3_errmsg(db_));
  }
  void run() {
    while (step()) {
    }
    sqlite3_reset(stmt_);
  }
  std::int64_t integer(int column) const { return sqlite3_column_int64(stmt_, column); }
  bool is_null(int column) const { return sqlite3_column_type(stmt_, column) == SQLITE_NULL; }
  std::string text(int column) const {
    const auto* data = static_cast<const char*>(sqlite3_column_blob(stmt_, column));
    return data ? std::string(data, static_cast<std::size_t>(sqlite3_column_bytes(stmt_, column)))
                : std::string();
  }

 private:
  void check(int status) {
    if (status != SQLITE_OK) throw StoreError(std::string("SQLite: ") + sqlite3_errmsg(db_));
  }
  sqlite3* db_;
  sqlite3_stmt* stmt_ = nullptr;
};

// BEGIN IMMEDIATE takes the write lock at once; the destructor rolls back what was not
// committed, so an exception leaves the database as it was.
class Store::Transaction {
 public:
  explicit Transaction(sqlite3* db) : db_(db) { Statement(db_, "BEGIN IMMEDIATE").run(); }
  ~Transaction() {
    if (!committed_) sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
  }
  Transaction(const Transaction&) = delete;
  Transaction& operator=(const Transaction&) = delete;
  void commit() {
    Statement(db_, "COMMIT").run();
    committed_ = true;
  }

 private:
  sqlite3* db_;
  bool committed_ = false;
};

std::unique_ptr<Store> Store::open(const std::filesystem::path& file, std::string* error) {
  sqlite3* db = nullptr;
  if (sqlite3_open_v2(file.c_str(), &db,
                      SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_FULLMUTEX,
                      nullptr) != SQLITE_OK) {
    *error = "cannot open " + file.string() + ": " + (db ? sqlite3_errmsg(db) : "out of memory");
    sqlite3_close(db);
    return nullptr;
  }
  std::unique_ptr<Store> store(new Store(db));
  try {
    // WAL lets the one writer commit with a single fsync of the log; FULL makes that fsync part
    // of every commit, which is what "acknowledged means durable" needs.
    Statement(db, "PRAGMA journal_mode=WAL").run();
    Statement(db, "PRAGMA synchronous=FULL").run();
    Statement(db, "PRAGMA foreign_keys=ON").run();
    sqlite3_busy_timeout(db, 5000);
    Statement version(db, "PRAGMA user_version");
    version.step();
    const auto current = version.integer(0);
    if (current > static_cast<std::int64_t>(kMigrations.size())) {
      *error = file.string() + " has schema version " + std::to_string(current) +
               ", newer than this mentorcald knows (" + std::to_string(kMigrations.size()) + ")";
      return nullptr;
    }
    for (auto v = static_cast<std::size_t>(current); v < kMigrations.size(); ++v) {
      Transaction transaction(db);
      if (sqlite3_exec(db, std::string(kMigrations[v]).c_str(), nullptr, nullptr, nullptr) !=
          SQLITE_OK)
        throw StoreError(std::string("SQLite: ") + sqlite3_errmsg(db));
      Statement(db, "PRAGMA user_version=" + std::to_string(v + 1)).run();
      transaction.commit();
    }
  } catch (const StoreError& e) {
    *error = file.string() + ": " + e.what();
    return nullptr;
  }
  return store;
}

Store::~Store() {
  sqlite3_close(db_);
}

std::vector<StoredProgram> Store::load_programs() {
  std::lock_guard lock(mutex_);
  std::vector<StoredProgram> programs;
  Statement rows(db_,
                 "SELECT p.id, p.files, p.schedule_current, s.schedule, s.id FROM programs p "
                 "LEFT JOIN passes s ON s.id = p.published_pass ORDER BY p.id");
  while (rows.step()) {
    StoredProgram program;
    program.id = rows.text(0);
    program.files_json = rows.text(1);
    program.schedule_current = rows.integer(2) != 0;
    if (!rows.is_null(3)) {
      program.published_schedule = rows.text(3);
      program.published_pass = rows.integer(4);
    }

    Statement pairs(db_, "SELECT pair_index, schedule FROM replanned_pairs WHERE program_id = ?");
    pairs.bind(1, program.id);
    while (pairs.step())
      program.replanned_pairs[static_cast<std::size_t>(pairs.integer(0))] = pairs.text(1);

    Statement blocks(db_,
                     "SELECT id, person_id, start_at, end_at, reason, created_at FROM blocks "
                     "WHERE program_id = ? ORDER BY id");
    blocks.bind(1, program.id);
    while (blocks.step())
      program.blocks.push_back(
          {blocks.integer(0),
           blocks.text(1),
           {from_unix_seconds(blocks.integer(2)), from_unix_seconds(blocks.integer(3))},
           blocks.text(4),
           blocks.integer(5)});

    Statement feeds(db_,
                    "SELECT person_id, body, gzip, etag, last_modified FROM feeds "
                    "WHERE program_id = ?");
    feeds.bind(1, program.id);
    while (feeds.step())
      program.feeds.push_back(
          {feeds.text(0), feeds.text(1), feeds.text(2), feeds.text(3), feeds.integer(4)});
    programs.push_back(std::move(program));
  }
  return programs;
}

std::vector<StoredToken> Store::load_tokens() {
  std::lock_guard lock(mutex_);
  std::vector<StoredToken> tokens;
  for (const auto kind : {TokenKind::feed, TokenKind::personal}) {
    Statement rows(db_, "SELECT hash, salt, program_id, person_id FROM " + table_of(kind));
    while (rows.step())
      tokens.push_back({rows.text(0), rows.text(1), rows.text(2), rows.text(3), kind});
  }
  return tokens;
}

std::optional<StoredPass> Store::load_pass(const std::string& program_id, std::int64_t pass_id) {
  std::lock_guard lock(mutex_);
  Statement row(db_,
                "SELECT started_at, duration_ms, outcome, published, schedule FROM passes "
                "WHERE id = ? AND program_id = ?");
  row.bind(1, pass_id).bind(2, program_id);
  if (!row.step()) return std::nullopt;
  return StoredPass{pass_id,     program_id,          row.integer(0), row.integer(1),
                    row.text(2), row.integer(3) != 0, row.text(4)};
}

void Store::save_program(const std::string& program_id, const std::string& files_json,
                         const std::vector<std::string>& removed_people,
                         const std::vector<StoredToken>& new_tokens) {
  std::lock_guard lock(mutex_);
  Transaction transaction(db_);
  Statement(db_,
            "INSERT INTO programs (id, files, imported_at) VALUES (?, ?, unixepoch()) "
            "ON CONFLICT (id) DO UPDATE SET files = excluded.files, "
            "imported_at = excluded.imported_at, schedule_current = 0")
      .bind(1, program_id)
      .bind(2, files_json)
      .run();
  for (const auto& table : {"tokens", "personal_links", "blocks", "feeds"}) {
    Statement remove(
        db_, std::string("DELETE FROM ") + table + " WHERE program_id = ? AND person_id = ?");
    for (const auto& person : removed_people) remove.bind(1, program_id).bind(2, person).run();
  }
  insert_tokens(new_tokens);
  transaction.commit();
}

void Store::insert_tokens(const std::vector<StoredToken>& tokens) {
  for (const auto& token : tokens)
    Statement(db_, "INSERT INTO " + table_of(token.kind) +
                       " (hash, salt, program_id, person_id) VALUES (?, ?, ?, ?)")
        .bind_blob(1, token.hash)
        .bind_blob(2, token.salt)
        .bind(3, token.program_id)
        .bind(4, token.person_id)
        .run();
}

void Store::add_tokens(const std::vector<StoredToken>& tokens) {
  std::lock_guard lock(mutex_);
  Transaction transaction(db_);
  insert_tokens(tokens);
  transaction.commit();
}

void Store::put_feeds(const std::string& program_id, const std::vector<StoredFeed>& feeds) {
  Statement put(db_,
                "INSERT OR REPLACE INTO feeds (program_id, person_id, body, gzip, etag, "
                "last_modified) VALUES (?, ?, ?, ?, ?, ?)");
  for (const auto& feed : feeds)
    put.bind(1, program_id)
        .bind(2, feed.person_id)
        .bind_blob(3, feed.body)
        .bind_blob(4, feed.gzip)
        .bind(5, feed.etag)
        .bind(6, feed.last_modified)
        .run();
}

void Store::put_replanned(const std::string& program_id,
                          const std::map<std::size_t, std::string>& replanned_pairs) {
  Statement put(db_,
                "INSERT OR REPLACE INTO replanned_pairs (program_id, pair_index, schedule) "
                "VALUES (?, ?, ?)");
  for (const auto& [index, schedule] : replanned_pairs)
    put.bind(1, program_id).bind(2, static_cast<std::int64_t>(index)).bind(3, schedule).run();
}

std::int64_t Store::save_pass(const StoredPass& pass, const std::vector<StoredFeed>& feeds) {
  std::lock_guard lock(mutex_);
  Transaction transaction(db_);
  Statement(db_,
            "INSERT INTO passes (program_id, started_at, duration_ms, outcome, published, "
            "schedule) VALUES (?, ?, ?, ?, ?, ?)")
      .bind(1, pass.program_id)
      .bind(2, pass.started)
      .bind(3, pass.duration_ms)
      .bind(4, pass.outcome)
      .bind(5, std::int64_t{pass.published})
      .bind(6, pass.schedule_json)
      .run();
  const auto id = sqlite3_last_insert_rowid(db_);
  if (pass.published) {
    Statement(db_, "UPDATE programs SET published_pass = ?, schedule_current = 1 WHERE id = ?")
        .bind(1, id)
        .bind(2, pass.program_id)
        .run();
    Statement(db_, "DELETE FROM replanned_pairs WHERE program_id = ?")
        .bind(1, pass.program_id)
        .run();
    Statement(db_, "DELETE FROM feeds WHERE program_id = ?").bind(1, pass.program_id).run();
    put_feeds(pass.program_id, feeds);
  }
  transaction.commit();
  return id;
}

std::int64_t Store::save_block(const std::string& program_id, const StoredBlock& block,
                               const std::map<std::size_t, std::string>& replanned_pairs,
                               const std::vector<StoredFeed>& feeds) {
  std::lock_guard lock(mutex_);
  Transaction transaction(db_);
  Statement(db_,
            "INSERT INTO blocks (program_id, person_id, start_at, end_at, reason, created_at) "
            "VALUES (?, ?, ?, ?, ?, ?)")
      .bind(1, program_id)
      .bind(2, block.person_id)
      .bind(3, unix_seconds(block.at.start))
      .bind(4, unix_seconds(block.at.end))
      .bind(5, block.reason)
      .bind(6, block.created)
      .run();
  const auto id = sqlite3_last_insert_rowid(db_);
  put_replanned(program_id, replanned_pairs);
  put_feeds(program_id, feeds);
  transaction.commit();
  return id;
}

void Store::delete_block(const std::string& program_id, std::int64_t block_id,
                         const std::map<std::size_t, std::string>& replanned_pairs,
                         const std::vector<StoredFeed>& feeds) {
  std::lock_guard lock(mutex_);
  Transaction transaction(db_);
  Statement(db_, "DELETE FROM blocks WHERE program_id = ? AND id = ?")
      .bind(1, program_id)
      .bind(2, block_id)
      .run();
  put_replanned(program_id, replanned_pairs);
  put_feeds(program_id, feeds);
  transaction.commit();
}

void Store::replace_token(const std::string& old_hash, const StoredToken& token) {
  std::lock_guard lock(mutex_);
  Transaction transaction(db_);
  Statement(db_, "DELETE FROM " + table_of(token.kind) + " WHERE hash = ?")
      .bind_blob(1, old_hash)
      .run();
  insert_tokens({token});
  transaction.commit();
}

}  // namespace mentorcal

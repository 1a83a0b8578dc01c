#include "store.hpp"

#include <gtest/gtest.h>
#include <sqlite3.h>

#include <random>

namespace mentorcal {
namespace {

namespace fs = std::filesystem;

class StoreTest : public testing::Test {
 protected:
  void SetUp() override {
    dir_ =
        fs::temp_directory_path() / ("mentorcal-store-" + std::to_string(std::random_device{}()));
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }
  std::unique_ptr<Store> open() {
    std::string error;
    auto store = Store::open(dir_ / "mentorcal.db", &error);
    EXPECT_TRUE(store) << error;
    return store;
  }
  std::string pragma(const char* name) {
    sqlite3* db = nullptr;
    sqlite3_open((dir_ / "mentorcal.db").c_str(), &db);
    sqlite3_stmt* stmt = nullptr;
    sqlite3_prepare_v2(db, (std::string("PRAGMA ") + name).c_str(), -1, &stmt, nullptr);
    sqlite3_step(stmt);
    std::string value = reinterpret_cast<const char*>(sqlite3_column_text(stmt, 0));
    sqlite3_finalize(stmt);
    sqlite3_close(db);
    return value;
  }
  fs::path dir_;
};

const Interval kMorning{Instant{Minutes{28'000'000}}, Instant{Minutes{28'000'060}}};

TEST_F(StoreTest, CreatesTheSchemaInWalMode) {
  open();
  EXPECT_EQ(pragma("user_version"), "2");
  EXPECT_EQ(pragma("journal_mode"), "wal");
}

TEST_F(StoreTest, RefusesADatabaseFromANewerVersion) {
  open();
  sqlite3* db = nullptr;
  sqlite3_open((dir_ / "mentorcal.db").c_str(), &db);
  sqlite3_exec(db, "PRAGMA user_version=99", nullptr, nullptr, nullptr);
  sqlite3_close(db);
  std::string error;
  EXPECT_FALSE(Store::open(dir_ / "mentorcal.db", &error));
  EXPECT_NE(error.find("newer"), std::string::npos) << error;
}

TEST_F(StoreTest, KeepsProgramsPassesBlocksTokensAndFeeds) {
  {
    auto store = open();
    store->save_program("p", "{\"files\":{}}", {},
                        {{"h1", "s1", "p", "a"}, {"h2", "s2", "p", "b"}});
    StoredPass pass{0, "p", 100, 5, "complete", true, "{\"pairs\":[]}"};
    const auto id = store->save_pass(pass, {{"a", "BEGIN", "gz", "\"e\"", 100}});
    EXPECT_EQ(id, 1);
    store->save_block("p", {0, "a", kMorning, "trip", 200}, {{3, "{\"pair\":3}"}},
                      {{"a", "BEGIN2", "gz2", "\"f\"", 200}});
  }
  auto store = open();
  const auto programs = store->load_programs();
  ASSERT_EQ(programs.size(), 1u);
  const auto& p = programs[0];
  EXPECT_EQ(p.files_json, "{\"files\":{}}");
  EXPECT_TRUE(p.schedule_current);
  EXPECT_EQ(p.published_schedule, "{\"pairs\":[]}");
  EXPECT_EQ(p.published_pass, 1);
  EXPECT_EQ(p.replanned_pairs.at(3), "{\"pair\":3}");
  ASSERT_EQ(p.blocks.size(), 1u);
  EXPECT_EQ(p.blocks[0].at, kMorning);
  EXPECT_EQ(p.blocks[0].reason, "trip");
  ASSERT_EQ(p.feeds.size(), 1u);
  EXPECT_EQ(p.feeds[0].body, "BEGIN2");
  EXPECT_EQ(store->load_tokens().size(), 2u);
  EXPECT_EQ(store->load_pass("p", 1)->outcome, "complete");
  EXPECT_FALSE(store->load_pass("other", 1));
}

TEST_F(StoreTest, ReimportDropsRemovedPeopleAndMarksTheScheduleStale) {
  auto store = open();
  store->save_program("p", "{}", {}, {{"h1", "s1", "p", "a"}, {"h2", "s2", "p", "b"}});
  store->save_pass({0, "p", 1, 1, "complete", true, "{}"}, {{"b", "x", "y", "\"z\"", 1}});
  store->save_block("p", {0, "b", kMorning, "", 1}, {}, {});
  store->save_program("p", "{\"v\":2}", {"b"}, {});
  const auto p = store->load_programs().at(0);
  EXPECT_FALSE(p.schedule_current);
  EXPECT_TRUE(p.blocks.empty());
  EXPECT_TRUE(p.feeds.empty());
  EXPECT_EQ(store->load_tokens().size(), 1u);
}

TEST_F(StoreTest, AFailedWriteLeavesNothingBehind) {
  auto store = open();
  store->save_program("p", "{}", {}, {{"h1", "s1", "p", "a"}});
  // A token hash that is already taken fails the whole import, the program row included.
  EXPECT_THROW(store->save_program("q", "{}", {}, {{"h1", "s9", "q", "z"}}), StoreError);
  EXPECT_EQ(store->load_programs().size(), 1u);
}

TEST_F(StoreTest, ReplacingATokenRemovesTheOldHash) {
  auto store = open();
  store->save_program("p", "{}", {}, {{"h1", "s1", "p", "a"}});
  store->replace_token("h1", {"h9", "s9", "p", "a"});
  const auto tokens = store->load_tokens();
  ASSERT_EQ(tokens.size(), 1u);
  EXPECT_EQ(tokens[0].hash, "h9");
}

TEST_F(StoreTest, KeepsAPersonalLinkBesideTheFeedTokenAndDropsBothWithThePerson) {
  auto store = open();
  store->save_program("p", "{}", {},
                      {{"h1", "s1", "p", "a"}, {"l1", "t1", "p", "a", TokenKind::personal}});
  store->add_tokens({{"l2", "t2", "p", "b", TokenKind::personal}});
  store->replace_token("l1", {"l9", "t9", "p", "a", TokenKind::personal});
  auto tokens = store->load_tokens();
  ASSERT_EQ(tokens.size(), 3u);
  EXPECT_EQ(tokens[0].hash, "h1");
  EXPECT_EQ(tokens[0].kind, TokenKind::feed);
  EXPECT_EQ(tokens[1].hash, "l2");
  EXPECT_EQ(tokens[2].hash, "l9");
  EXPECT_EQ(tokens[2].kind, TokenKind::personal);
  // One personal link per person.
  EXPECT_THROW(store->add_tokens({{"l3", "t3", "p", "a", TokenKind::personal}}), StoreError);
  store->save_program("p", "{}", {"a"}, {});
  tokens = store->load_tokens();
  ASSERT_EQ(tokens.size(), 1u);
  EXPECT_EQ(tokens[0].person_id, "b");
}

}  // namespace
}  // namespace mentorcal

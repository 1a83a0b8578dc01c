// `mentorcal match` run as a process on the helios-2027 sample: the JSON the contract fixes, the
// pairs.csv it writes, and its exit statuses.
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <random>
#include <sstream>
#include <string>

namespace {

namespace fs = std::filesystem;

struct Run {
  int status = -1;
  std::string out;
};

Run run(const std::string& arguments) {
  const auto command = std::string(MENTORCAL_PATH) + " match " + arguments + " 2>/dev/null";
  Run r;
  FILE* pipe = ::popen(command.c_str(), "r");
  char buffer[4096];
  for (std::size_t n; (n = std::fread(buffer, 1, sizeof buffer, pipe)) > 0;)
    r.out.append(buffer, n);
  const int status = ::pclose(pipe);
  r.status = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return r;
}

std::string read(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

const std::string kSample = MENTORCAL_SOURCE_DIR "/samples/helios-2027";

class MatchCommand : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ =
        fs::temp_directory_path() / ("mentorcal-match-" + std::to_string(std::random_device{}()));
    fs::create_directories(root_);
  }
  void TearDown() override { fs::remove_all(root_); }
  fs::path root_;
};

TEST_F(MatchCommand, PrintsTheContractsJson) {
  const auto r = run(kSample + " --json");
  ASSERT_EQ(r.status, 0);
  const auto json = nlohmann::json::parse(r.out);
  ASSERT_EQ(json.size(), 2u);
  ASSERT_EQ(json["matched"].size(), 18u);
  for (const auto& m : json["matched"]) {
    for (const auto& key : m.items())
      EXPECT_TRUE(key.key() == "mentor" || key.key() == "mentee" || key.key() == "score" ||
                  key.key() == "terms" || key.key() == "pinned" || key.key() == "why_not_first")
          << key.key();
    const auto& t = m["terms"];
    EXPECT_EQ(t.size(), 3u);
    EXPECT_EQ(m["score"],
              t["goals"].get<int>() + t["language"].get<int>() + t["preference"].get<int>());
  }
  EXPECT_EQ(json["matched"][0]["mentor"], "m-01");
  EXPECT_EQ(json["matched"][0]["mentee"], "e-01");
  EXPECT_EQ(json["matched"][0]["pinned"], true);
  EXPECT_EQ(json["matched"][2]["pinned"], false);
  ASSERT_EQ(json["unmatched"].size(), 1u);
  EXPECT_EQ(json["unmatched"][0]["mentee"], "e-19");
  EXPECT_NE(json["unmatched"][0]["reason"].get<std::string>().find("same_department"),
            std::string::npos);
}

TEST_F(MatchCommand, WritesACompletePairsCsvWithThePinnedRowsFirstUnchanged) {
  const auto out = root_ / "pairs.csv";
  ASSERT_EQ(run(kSample + " --out " + out.string()).status, 0);
  const auto original = read(kSample + "/pairs.csv");
  const auto written = read(out);
  ASSERT_EQ(written.substr(0, original.size()), original);
  EXPECT_EQ(std::count(written.begin(), written.end(), '\n'), 1 + 18);
  EXPECT_NE(written.find("\nm-04,e-09,,\n"), std::string::npos);
}

TEST_F(MatchCommand, WorksWithoutPairsCsvAndRejectsBadInputWithStatus2) {
  const auto dir = root_ / "program";
  fs::copy(kSample, dir, fs::copy_options::recursive);
  fs::remove(dir / "pairs.csv");
  const auto r = run(dir.string() + " --json");
  ASSERT_EQ(r.status, 0);
  EXPECT_EQ(nlohmann::json::parse(r.out)["matched"].size(), 18u);

  std::ofstream(dir / "people.csv", std::ios::app)
      << "e-20,Ana Ruiz,ana@helios.example,mentee,Europe/Madrid,,,,,,,x,m-99,\n";
  EXPECT_EQ(run(dir.string() + " --out " + (root_ / "p.csv").string()).status, 2);
  EXPECT_FALSE(fs::exists(root_ / "p.csv"));
}

}  // namespace

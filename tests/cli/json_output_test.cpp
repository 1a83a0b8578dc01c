// `mentorcal validate --json` and `mentorcal schedule --json`, run as processes: what a script
// reads on standard output, and the exit status beside it.
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <cstdio>
#include <cstdlib>
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

// Runs `arguments` after the mentorcal binary; standard error goes to /dev/null.
Run mentorcal(const std::string& arguments) {
  const std::string command = std::string(MENTORCAL_PATH) + " " + arguments + " 2>/dev/null";
  Run run;
  FILE* pipe = ::popen(command.c_str(), "r");
  if (!pipe) return run;
  char buffer[4096];
  for (std::size_t n; (n = std::fread(buffer, 1, sizeof buffer, pipe)) > 0;)
    run.out.append(buffer, n);
  const int status = ::pclose(pipe);
  run.status = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return run;
}

class JsonOutput : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ =
        fs::temp_directory_path() / ("mentorcal-json-" + std::to_string(std::random_device{}()));
    fs::create_directories(root_);
    fs::copy(fs::path(MENTORCAL_SOURCE_DIR) / "samples/acme-2027", root_ / "program",
             fs::copy_options::recursive);
  }
  void TearDown() override { fs::remove_all(root_); }

  // Replaces the first `from` in the program's file `name` with `to`.
  void edit(const std::string& name, const std::string& from, const std::string& to) {
    std::ifstream in(root_ / "program" / name, std::ios::binary);
    std::ostringstream text;
    text << in.rdbuf();
    auto s = text.str();
    const auto at = s.find(from);
    ASSERT_NE(at, std::string::npos) << from;
    s.replace(at, from.size(), to);
    std::ofstream(root_ / "program" / name, std::ios::binary) << s;
  }

  fs::path root_;
};

TEST_F(JsonOutput, ValidatePrintsItsProblemsAsJsonWhenTheProgramHasErrors) {
  edit("people.csv", "Europe/London", "Europe/Londn");
  edit("pairs.csv", "m-01,e-01", "m-01,e-99");
  const auto run = mentorcal("validate --json " + (root_ / "program").string());
  EXPECT_EQ(run.status, 2);
  const auto json = nlohmann::json::parse(run.out);
  EXPECT_EQ(json["valid"], false);
  ASSERT_GE(json["problems"].size(), 2u) << run.out;
  const auto& first = json["problems"][0];
  EXPECT_EQ(first["severity"], "error");
  EXPECT_TRUE(first["file"].get<std::string>().ends_with("people.csv")) << first;
  EXPECT_EQ(first["line"], 3);
  EXPECT_NE(first["message"].get<std::string>().find("Europe/Londn"), std::string::npos);
  EXPECT_FALSE(json.contains("program"));
}

TEST_F(JsonOutput, ValidatePrintsTheProgramAndNoProblemsWhenItIsValid) {
  const auto run = mentorcal("validate --json " + (root_ / "program").string());
  EXPECT_EQ(run.status, 0);
  const auto json = nlohmann::json::parse(run.out);
  EXPECT_EQ(json["valid"], true);
  EXPECT_TRUE(json["problems"].empty());
  EXPECT_EQ(json["program"]["id"], "acme-2027");
}

TEST_F(JsonOutput, SchedulePrintsTheSummaryWithNamesAndTheChangesSinceThePreviousPass) {
  const auto first = root_ / "first";
  auto run =
      mentorcal("schedule --json " + (root_ / "program").string() + " --out " + first.string());
  ASSERT_EQ(run.status, 0);
  auto json = nlohmann::json::parse(run.out);
  EXPECT_EQ(json["program"], "acme-2027");
  EXPECT_EQ(json["pairs"], 41);
  EXPECT_EQ(json["scheduled"].get<int>() + json["unscheduled"].size(), 41u);
  for (const auto& u : json["unscheduled"]) {
    EXPECT_FALSE(u["mentor_name"].get<std::string>().empty()) << u;
    EXPECT_FALSE(u["reasons"].empty()) << u;
  }
  EXPECT_TRUE(json["changes"].empty());

  // The same program again: every series is kept.
  run = mentorcal("schedule --json " + (root_ / "program").string() + " --out " +
                  (root_ / "second").string() + " --previous " + first.string());
  ASSERT_EQ(run.status, 0);
  json = nlohmann::json::parse(run.out);
  ASSERT_EQ(json["changes"].size(), json["scheduled"].get<std::size_t>());
  for (const auto& c : json["changes"]) EXPECT_EQ(c["change"], "kept") << c;
  EXPECT_EQ(json["changes"][0]["mentor_name"], "Eleanor Whitfield");
}

}  // namespace

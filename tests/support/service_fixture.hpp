// A Service on a temporary database, called without a network: the fixture of the daemon's
// endpoint and page tests. `publish` imports a program's files and publishes a pass, as a
// coordinator would with PUT and POST .../passes.
#pragma once

#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <random>
#include <string>
#include <utility>
#include <vector>

#include "mentorcal/program_files.hpp"
#include "service.hpp"

namespace mentorcal::testing {

inline constexpr const char* kAdmin = "coordinator-secret";
inline constexpr const char* kProgram = "/api/programs/acme-2027";

// The sample program's files as the JSON body of PUT /api/programs/acme-2027.
inline std::string sample_body() {
  std::string error;
  const auto files = read_program_files(MENTORCAL_SAMPLE_DIR, &error);
  EXPECT_TRUE(files) << error;
  return program_files_to_json(files.value_or(ProgramFiles{}));
}

class ServiceFixture : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("mentorcal-service-" + std::to_string(std::random_device{}()));
    std::filesystem::create_directories(dir_);
    open();
  }
  void TearDown() override {
    service_.reset();
    std::filesystem::remove_all(dir_);
  }

  // Opens the service on the fixture's database, closing the one open before: a restart.
  void open() {
    service_.reset();
    daemon::ServiceConfig config;
    config.database = dir_ / "mentorcal.db";
    config.admin_token = kAdmin;
    config.feed_key = "feed-key-for-tests";
    config.clock = [this] { return now_; };
    config.log = [this](const std::string& line) { log_ += line + "\n"; };
    std::string error;
    service_ = daemon::Service::open(config, &error);
    ASSERT_TRUE(service_) << error;
  }

  // `method` `target` with `headers`, then Host cal.test:8080, `token` as the bearer token and
  // `cookie` as the session cookie, each unless empty.
  daemon::Response request(std::string method, std::string target, std::string body,
                           const std::string& token,
                           std::vector<std::pair<std::string, std::string>> headers,
                           const std::string& cookie = {}) {
    daemon::Request r{std::move(method), std::move(target), std::move(headers), std::move(body)};
    r.headers.emplace_back("Host", "cal.test:8080");
    if (!token.empty()) r.headers.emplace_back("Authorization", "Bearer " + token);
    if (!cookie.empty()) r.headers.emplace_back("Cookie", "mentorcal_session=" + cookie);
    return service_->handle(r);
  }

  // Imports `files_json` as acme-2027 (a new program: 201) and publishes a pass; keeps each
  // person's feed path ("/feeds/<token>.ics") in `feeds_` and personal link ("/me/<secret>") in
  // `links_`.
  void publish(const std::string& files_json) {
    ASSERT_EQ(request("PUT", kProgram, files_json, kAdmin, {}).status, 201);
    ASSERT_EQ(request("POST", std::string(kProgram) + "/passes", "", kAdmin, {}).status, 201);
    const auto r = request("GET", std::string(kProgram) + "/feeds", "", kAdmin, {});
    ASSERT_EQ(r.status, 200);
    const auto list = nlohmann::json::parse(*r.body);
    for (const auto& f : list["feeds"]) {
      const auto url = f["url"].get<std::string>();
      const auto link = f["manage_url"].get<std::string>();
      const auto person = f["person"].get<std::string>();
      feeds_[person] = url.substr(url.find("/feeds/"));
      links_[person] = link.substr(link.find("/me/"));
    }
  }

  std::filesystem::path dir_;
  std::chrono::system_clock::time_point now_ =
      date::sys_days{date::year{2026} / 12 / 1} + std::chrono::hours{9};
  std::string log_;
  std::unique_ptr<daemon::Service> service_;
  std::map<std::string, std::string> feeds_, links_;  // by person: paths
};

}  // namespace mentorcal::testing

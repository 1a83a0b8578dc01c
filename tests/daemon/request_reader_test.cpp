// A request's head from bytes (request_reader.hpp): the answers it gives before the service sees
// the request are JSON that any client can read.
#include "request_reader.hpp"

#include <gtest/gtest.h>

#include <boost/asio/buffer.hpp>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <random>

namespace mentorcal::daemon {
namespace {

namespace fs = std::filesystem;

class RequestReaderTest : public testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("mentorcal-request-reader-" + std::to_string(std::random_device{}()));
    fs::create_directories(dir_);
    ServiceConfig config;
    config.database = dir_ / "mentorcal.db";
    config.admin_token = "admin-token-for-tests";
    config.feed_key = "feed-key-for-tests";
    std::string error;
    service_ = Service::open(config, &error);
    ASSERT_TRUE(service_) << error;
  }
  void TearDown() override {
    service_.reset();
    fs::remove_all(dir_);
  }

  // The answer to `head`, a request's header, given before any body is read.
  std::optional<Response> answer_to(const std::string& head) {
    RequestReader reader(*service_, HttpLimits{});
    auto& parser = reader.start();
    boost::beast::error_code ec;
    parser.put(boost::asio::buffer(head), ec);
    if (ec) return reader.on_error(ec);
    EXPECT_TRUE(parser.is_header_done());
    return reader.on_header().answer;
  }

  fs::path dir_;
  std::unique_ptr<Service> service_;
};

TEST_F(RequestReaderTest, AnErrorWhoseMessageQuotesIsValidJson) {
  const auto answer = answer_to(
      "POST /api/programs/x/passes HTTP/1.1\r\nHost: cal.test\r\nTransfer-Encoding: gzip\r\n\r\n");
  ASSERT_TRUE(answer);
  EXPECT_EQ(answer->status, 400);
  EXPECT_EQ(answer->header("Content-Type"), "application/json");
  const auto body = nlohmann::json::parse(*answer->body, nullptr, false);
  ASSERT_FALSE(body.is_discarded()) << *answer->body;
  EXPECT_EQ(body["error"], "malformed HTTP request: Transfer-Encoding must be exactly \"chunked\"");
}

TEST_F(RequestReaderTest, AnErrorFromTheParserIsValidJson) {
  const auto answer = answer_to("GET /healthz HTTP/1.1\r\nHost: cal.test\r\nBad Header: x\r\n\r\n");
  ASSERT_TRUE(answer);
  EXPECT_EQ(answer->status, 400);
  const auto body = nlohmann::json::parse(*answer->body, nullptr, false);
  ASSERT_FALSE(body.is_discarded()) << *answer->body;
  EXPECT_TRUE(body["error"].get<std::string>().starts_with("malformed HTTP request: "));
}

}  // namespace
}  // namespace mentorcal::daemon

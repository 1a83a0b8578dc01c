// libFuzzer target for the HTTP path: any bytes as what one client sends on one connection,
// through what a session of the server does with them (RequestReader: Beast's parser, the
// framing rules, Service::admit before any body byte, the route's body limit) and then
// Service::handle, on a small program imported and published once. Every answer must be a
// well-formed one below 500: a 500 here is a request the daemon did not expect, which is a
// finding. Built with -DMENTORCAL_FUZZ=ON and clang; fuzz/run.sh runs it.
#include <unistd.h>

#include <boost/asio/buffer.hpp>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <string_view>

#include "request_reader.hpp"
#include "service.hpp"

namespace {

namespace fs = std::filesystem;
namespace http = boost::beast::http;
using namespace mentorcal::daemon;

void check(bool condition) {
  if (!condition) std::abort();
}

// Two people, one pair: a pass and a block take a few milliseconds.
constexpr std::string_view kProgram = R"({"files": {
  "program.toml": "id = \"fuzz\"\nname = \"Fuzz\"\nstart = 2027-01-11\nend = 2027-03-31\n[pair]\ncadence = \"weekly\"\nduration_minutes = 30\n",
  "people.csv": "id,name,email,role,timezone,working_hours\nm-01,Ada,ada@x.example,mentor,Europe/Berlin,Mon-Fri 09:00-17:00\ne-01,Bo,bo@x.example,mentee,America/New_York,Mon-Fri 09:00-17:00\n",
  "pairs.csv": "mentor,mentee\nm-01,e-01\n"}})";

// The service for the next input, on a fresh database every kInputsPerService inputs: what inputs
// store (blocks, programs) stays bounded, so that an input's time is its own and not that of every
// block before it, and a finding can be reproduced from its input alone most of the time.
constexpr int kInputsPerService = 100;

Service& fuzzed_service() {
  // On /dev/shm where there is one: every acknowledged write is synced.
  static const fs::path dir =
      (fs::is_directory("/dev/shm") ? fs::path("/dev/shm") : fs::temp_directory_path()) /
      ("mentorcal-http-fuzzer-" + std::to_string(::getpid()));
  static std::unique_ptr<Service> service;
  static int inputs = 0;
  if (service && ++inputs < kInputsPerService) return *service;
  if (!service)
    std::atexit([] {
      service.reset();
      std::error_code ignored;
      fs::remove_all(dir, ignored);
    });
  service.reset();
  inputs = 0;
  fs::remove_all(dir);
  fs::create_directories(dir);
  ServiceConfig config;
  config.database = dir / "mentorcal.db";
  config.admin_token = "fuzz-coordinator-token";
  config.feed_key = "fuzz-feed-key";
  std::string error;
  service = Service::open(config, &error);
  check(service != nullptr);
  const std::vector<std::pair<std::string, std::string>> coordinator = {
      {"Authorization", "Bearer fuzz-coordinator-token"}};
  check(service->handle({"PUT", "/api/programs/fuzz", coordinator, std::string(kProgram)}).status ==
        201);
  check(service->handle({"POST", "/api/programs/fuzz/passes", coordinator, ""}).status == 201);
  return *service;
}

void check_answer(const Response& r) {
  check(r.status >= 200 && r.status < 500);
  check(r.body != nullptr);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const HttpLimits limits{.header = 4096, .body = 4096, .program_body = 8192};
  auto& service = fuzzed_service();
  RequestReader reader(service, limits);
  std::string_view input{reinterpret_cast<const char*>(data), size};
  // As a session: request after request on the connection, until one closes it or the bytes
  // run out.
  for (int pipelined = 0; pipelined < 8; ++pipelined) {
    auto& parser = reader.start();
    const auto put = [&] {
      boost::beast::error_code ec;
      const auto used = parser.put(boost::asio::buffer(input.data(), input.size()), ec);
      input.remove_prefix(used);
      return ec;
    };
    while (!parser.is_header_done()) {
      const auto ec = put();
      if (ec == http::error::need_more) return 0;  // the client has not finished: no answer
      if (ec) {
        if (const auto answer = reader.on_error(ec)) check_answer(*answer);
        return 0;
      }
    }
    auto next = reader.on_header();
    if (next.answer) {
      check_answer(*next.answer);
      if (next.close || !parser.get().keep_alive()) return 0;
      continue;
    }
    while (!parser.is_done()) {
      const auto before = input.size();
      auto ec = put();
      if (ec == http::error::need_more) ec = {};
      // Nothing more was taken (Beast takes an empty buffer as no error): the client stopped.
      if (!ec && input.size() == before) parser.put_eof(ec);
      if (ec) {
        if (const auto answer = reader.on_error(ec)) check_answer(*answer);
        return 0;
      }
    }
    const bool keep_alive = parser.get().keep_alive();
    check_answer(service.handle(reader.request(), reader.admission()));
    if (!keep_alive) return 0;
  }
  return 0;
}

// The network side of mentorcald: HTTP/1.1 on Boost.Beast, shaped like Beast's
// advanced_server example. Each connection is a session on its own strand, kept alive by
// shared_from_this; every read has a deadline; headers, bodies, pipelined requests and
// connections are capped. Requests go to Service::handle; imports, passes and blocks run on a
// worker pool so that feeds keep being served meanwhile.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>

#include "service.hpp"

namespace mentorcal::daemon {

struct ServerConfig {
  std::string address = "127.0.0.1";
  unsigned short port = 8080;  // 0: any free port (the one bound is logged)
  int io_threads = 2;
  int workers = 2;
  std::size_t max_connections = 1024;
  std::uint32_t header_limit = 16 * 1024;
  std::uint64_t body_limit = 64 * 1024;                     // every body but a program's
  std::uint64_t program_body_limit = 512ull * 1024 * 1024;  // PUT /api/programs/{id}
  std::chrono::seconds read_timeout{30};  // for a whole request, and for an idle connection
  std::size_t pipeline_limit = 8;         // responses queued on one connection
  std::chrono::seconds drain_timeout{30};
};

// Serves until SIGTERM or SIGINT, then stops accepting, lets the requests in flight finish (at
// most `drain_timeout`), and returns 0. Returns 1 when the address cannot be bound. `log` gets
// one line at a time and is called from several threads.
int serve(Service& service, const ServerConfig& config,
          const std::function<void(const std::string&)>& log);

}  // namespace mentorcal::daemon

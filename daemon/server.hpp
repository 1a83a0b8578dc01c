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

#include "request_reader.hpp"
#include "service.hpp"

namespace mentorcal::daemon {

struct ServerConfig {
  std::string address = "127.0.0.1";
  unsigned short port = 8080;  // 0: any free port (the one bound is logged)
  int io_threads = 2;
  int workers = 2;
  std::size_t max_connections = 1024;
  // Connections open at once from one client address; 0: no cap. Clients behind one NAT share
  // an address, so this is far above what one person's calendar apps open.
  std::size_t max_connections_per_address = 64;
  HttpLimits limits;
  // For a new connection's first request header: silent connections give their place back soon.
  std::chrono::seconds first_header_timeout{10};
  std::chrono::seconds read_timeout{30};  // for a whole request, and for an idle connection
  std::size_t pipeline_limit = 8;         // responses queued on one connection
  std::chrono::seconds drain_timeout{30};
};

// Serves until SIGTERM or SIGINT, then stops accepting, cuts the connections without a whole
// request, lets the requests received whole finish (at most `drain_timeout`), and returns 0.
// Returns 1 when the address cannot be bound. `log` gets one line at a time and is called from
// several threads.
int serve(Service& service, const ServerConfig& config,
          const std::function<void(const std::string&)>& log);

}  // namespace mentorcal::daemon

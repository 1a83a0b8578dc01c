// Everything a handler may reach: the configuration, the store, the registry and the metrics,
// and the few things many handlers ask of them (URLs, the time, a route's program). Private to
// the daemon: service.hpp's Service holds one.
#pragma once

#include <atomic>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include "mentorcal/feed.hpp"
#include "metrics.hpp"
#include "registry.hpp"
#include "routes.hpp"
#include "service.hpp"
#include "store.hpp"

namespace mentorcal::daemon {

// The program a route names with its `writing` lock held, or the answer why not.
struct HeldProgram {
  std::shared_ptr<ProgramState> state;  // null when `refusal` is set
  std::unique_lock<std::mutex> writing;
  std::optional<Response> refusal;
};

struct ServiceState {
  ServiceConfig config;
  std::unique_ptr<Store> store;
  Registry registry;
  Metrics metrics;
  std::atomic<bool> finishing{false};

  FeedOptions feed_options(bool plain = false) const;

  Instant revision() const;
  std::int64_t now_seconds() const;

  // Where the daemon's URLs start: --public-url, else http:// and the request's Host.
  std::string base_url(const Request& request) const;
  std::string feed_url(const Request& request, const std::string& salt) const;
  std::string manage_url(const Request& request, const std::string& salt) const;

  // The program `route` names, its `writing` lock held. Refused with a 404 when there is no such
  // program and, unless `loaded_or_not`, with a 409 when the stored program no longer loads.
  HeldProgram hold_program(const Route& route, bool loaded_or_not = false);
};

// 409: a program is stored but does not load under today's loader or tz database.
Response program_no_longer_loads();

}  // namespace mentorcal::daemon

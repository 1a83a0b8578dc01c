// GET /healthz and GET /metrics: how the daemon is, for probes and Prometheus.
#include "handlers/handlers.hpp"
#include "http/responses.hpp"
#include "service_state.hpp"

namespace mentorcal::daemon::handlers {

Response health(ServiceState& s, const Request&, const Route&) {
  std::shared_lock lock(s.registry.mutex);
  return json_response(200, {{"status", "ok"}, {"programs", s.registry.programs.size()}});
}

Response metrics(ServiceState& s, const Request&, const Route&) {
  Response r;
  r.headers.emplace_back("Content-Type", "text/plain; version=0.0.4; charset=utf-8");
  r.body = std::make_shared<const std::string>(s.metrics.render());
  return r;
}

}  // namespace mentorcal::daemon::handlers

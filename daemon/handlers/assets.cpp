// GET /assets/{name}: the pages' CSS and JS, compiled in (web/assets.hpp).
#include "web/assets.hpp"

#include "handlers/handlers.hpp"
#include "http/responses.hpp"

namespace mentorcal::daemon::handlers {

Response asset(ServiceState&, const Request& request, const Route& route) {
  for (const auto& a : web::assets()) {
    if (a.name != route.item) continue;
    Response r;
    const bool current = request.header("if-none-match") == a.etag;
    r.status = current ? 304 : 200;
    r.omit_body = current;
    r.headers = {{"Content-Type", std::string(a.content_type)},
                 {"ETag", std::string(a.etag)},
                 {"Cache-Control", "no-cache"},
                 {"X-Content-Type-Options", "nosniff"}};
    if (!current) r.body = std::make_shared<const std::string>(a.body);
    return r;
  }
  return error_response(404, "no such asset", "name");
}

}  // namespace mentorcal::daemon::handlers

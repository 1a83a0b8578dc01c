// The pages' stylesheet and script, compiled into mentorcald from daemon/web/assets/ (see
// embed_assets.cmake), so that no page asks another host for anything.
#pragma once

#include <string_view>
#include <vector>

namespace mentorcal::daemon::web {

struct Asset {
  std::string_view name;          // "site.css": served at /assets/site.css
  std::string_view content_type;  // "text/css; charset=utf-8"
  std::string_view etag;          // "\"<128 bits of the content's SHA-256, hex>\""
  std::string_view body;
};

const std::vector<Asset>& assets();

}  // namespace mentorcal::daemon::web

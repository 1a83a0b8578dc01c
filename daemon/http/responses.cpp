#include "http/responses.hpp"

#include "http/fields.hpp"
#include "mentorcal/report.hpp"

namespace mentorcal::daemon {

using nlohmann::json;

std::string_view Request::header(std::string_view name) const {
  for (const auto& [key, value] : headers)
    if (iequals(key, name)) return value;
  return {};
}

std::string_view Response::header(std::string_view name) const {
  std::string_view found;
  if (formatted_headers && any_part(*formatted_headers, '\n', [&](std::string_view line) {
        const auto colon = line.find(':');
        if (colon == std::string_view::npos || !iequals(line.substr(0, colon), name)) return false;
        found = trim(line.substr(colon + 1, line.size() - colon - 2));  // less the "\r"
        return true;
      }))
    return found;
  for (const auto& [key, value] : headers)
    if (iequals(key, name)) return value;
  return {};
}

Response json_response(int status, const json& body) {
  Response r;
  r.status = status;
  r.headers.emplace_back("Content-Type", "application/json");
  r.body = std::make_shared<const std::string>(
      body.dump(2, ' ', false, json::error_handler_t::replace) + "\n");
  return r;
}

Response error_response(int status, std::string message, std::string field) {
  json body = {{"error", std::move(message)}};
  if (!field.empty()) body["field"] = std::move(field);
  return json_response(status, body);
}

Response html_response(int status, std::string html, const char* csp) {
  Response r;
  r.status = status;
  r.headers = {{"Content-Type", "text/html; charset=utf-8"},
               {"Content-Security-Policy", csp},
               {"Referrer-Policy", "no-referrer"},
               {"X-Content-Type-Options", "nosniff"},
               {"Cache-Control", "no-store"}};
  r.body = std::make_shared<const std::string>(std::move(html));
  return r;
}

Response see_other(const std::string& location) {
  Response r;
  r.status = 303;
  r.headers = {
      {"Location", location}, {"Referrer-Policy", "no-referrer"}, {"Cache-Control", "no-store"}};
  return r;
}

Response message_page(int status, const std::string& title, const std::string& text) {
  return html_response(status, web::page_document(title, "<h1>" + html_escape(title) +
                                                             "</h1>\n<p>" + html_escape(text) +
                                                             "</p>\n<p><a href=\"/\">Start "
                                                             "page</a></p>\n"));
}

}  // namespace mentorcal::daemon

// How mentorcald's answers look, one function per kind: JSON (an error is {"error", "field"}),
// a page's HTML with its security headers, a redirect after a form. Every handler answers
// through these, so that the same failure reads the same everywhere.
//
//   return error_response(404, "no program \"" + id + "\"", "id");
//   return message_page(404, "No such program", "There is no program " + id + ".");
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "service.hpp"
#include "web/html.hpp"

namespace mentorcal::daemon {

// `body` as indented JSON and a line end. Bytes that are not UTF-8 (from a path, say) become
// U+FFFD rather than an exception.
Response json_response(int status, const nlohmann::json& body);

// {"error": message} and, where one field is at fault, {"field": field}.
Response error_response(int status, std::string message, std::string field = {});

// A page, with the headers every page has (no caching, no referrer, its CSP).
Response html_response(int status, std::string html, const char* csp = web::kContentSecurityPolicy);

// 303 to `location`: the answer to a form that worked.
Response see_other(const std::string& location);

// A page of a title and a sentence, with a link to the start page.
Response message_page(int status, const std::string& title, const std::string& text);

}  // namespace mentorcal::daemon

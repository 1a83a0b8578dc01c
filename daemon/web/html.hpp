// The small parts of HTML pages and forms that mentorcald's pages share: the body of a submitted
// form, cookies, and the headers every page carries. Text reaches a page through
// mentorcal::html_escape (mentorcal/report.hpp), as it reaches report.html.
//
//   std::string row = "<td>" + html_escape(person.name) + "</td>";  // "<script>" shows as text
//   auto form = web::parse_form("from=2027-03-01&reason=Board+week");  // {"from": ..., ...}
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "mentorcal/report.hpp"

namespace mentorcal::daemon::web {

// An application/x-www-form-urlencoded body (what a browser posts for a <form>): each name's
// value, '+' and %XX decoded. nullopt for a malformed escape, a repeated name or invalid UTF-8.
// Written here rather than taken from a library: Debian's Boost (1.74) has no Boost.URL, and a
// form of a few fields needs only this.
std::optional<std::map<std::string, std::string>> parse_form(std::string_view body);

// The value of cookie `name` in a Cookie header ("a=1; mentorcal_session=xyz"), empty if absent.
std::string_view cookie(std::string_view header, std::string_view name);

// A whole page: the document around `body` (HTML, already escaped), titled `title` (text), with
// the stylesheet and script mentorcald serves from its binary.
std::string page_document(std::string_view title, std::string_view body);

// `text` as a URL query component (RFC 3986 unreserved characters kept, the rest %XX).
std::string url_encode(std::string_view text);

// The Content-Security-Policy of every page: nothing from another host, no inline script or
// style, forms post only to mentorcald, no framing.
inline constexpr const char* kContentSecurityPolicy =
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; "
    "form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

// The Content-Security-Policy of report.html, the self-contained page `mentorcal schedule` also
// writes: its <style> and style attributes are inline, it has no script, fetches nothing and
// has no form.
inline constexpr const char* kReportContentSecurityPolicy =
    "default-src 'none'; style-src 'unsafe-inline'; form-action 'none'; frame-ancestors 'none'; "
    "base-uri 'none'";

}  // namespace mentorcal::daemon::web

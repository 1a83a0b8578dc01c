#include "routes.hpp"

#include <algorithm>

#include "handlers/handlers.hpp"
#include "handlers/pages.hpp"
#include "http/fields.hpp"

namespace mentorcal::daemon {
namespace {

// The pages behind a session answer through page_route (handlers/pages.hpp): who may see each
// is its PageFor.
using namespace handlers;
using Body = Admission::BodyLimit;

constexpr auto kAnyone = Audience::anyone;
constexpr auto kSignedIn = Audience::signed_in;  // a page's form that writes
constexpr auto kPerson = Audience::person;
constexpr auto kCoordinator = Audience::coordinator;

// In order: the first entry whose pattern a target matches is its route. Feeds, the bulk of the
// traffic, come first: no other pattern matches theirs.
constexpr RouteEntry kRoutes[] = {
    {"/feeds/{token}.ics", kAnyone, {{{"GET", feed}}}, false, false},
    {"/healthz", kAnyone, {{{"GET", health}}}, false, false},
    {"/metrics", kAnyone, {{{"GET", metrics}}}, false, false},
    // Pages (web/): signed in by a session cookie, not a bearer token.
    {"/", kAnyone, {{{"GET", page_route<PageFor::start, program_list>}}}},
    {"/signin", kAnyone, {{{"POST", sign_in}}}},
    {"/signout", kSignedIn, {{{"POST", page_route<PageFor::anyone_signed_in, end_session>}}}},
    {"/me", kAnyone, {{{"GET", page_route<PageFor::person, show_personal_page>}}}},
    {"/me/blocks", kSignedIn, {{{"POST", page_route<PageFor::person, place_personal_block>}}}},
    {"/me/blocks/{block}/undo",
     kSignedIn,
     {{{"POST", page_route<PageFor::person, undo_personal_block>}}}},
    {"/me/{secret}", kAnyone, {{{"GET", open_personal_link}}}},
    {"/assets/{name}", kAnyone, {{{"GET", asset}}}},
    {"/programs/{id}", kAnyone, {{{"GET", page_route<PageFor::coordinator, console_page>}}}},
    {"/programs/{id}/passes",
     kSignedIn,
     {{{"POST", page_route<PageFor::coordinator, run_pass_page>}}},
     true},
    {"/programs/{id}/{report}",
     kAnyone,
     {{{"GET", page_route<PageFor::coordinator, download>}}},
     true},
    {"/programs/{id}/people/{person}/rotate",
     kSignedIn,
     {{{"POST", page_route<PageFor::coordinator, rotate_page>}}},
     true},
    // The API.
    {"/api/programs/{id}",
     kCoordinator,
     {{{"GET", get_program}, {"PUT", put_program, Body::program}}}},
    {"/api/programs/{id}/passes", kCoordinator, {{{"POST", run_pass}}}},
    {"/api/programs/{id}/passes/{pass}", kCoordinator, {{{"GET", get_pass}}}},
    {"/api/programs/{id}/feeds", kCoordinator, {{{"GET", list_feeds}}}},
    {"/api/programs/{id}/people/{person}/blocks",
     kPerson,
     {{{"GET", list_blocks}, {"POST", add_block}}}},
    {"/api/programs/{id}/people/{person}/blocks/{block}", kPerson, {{{"DELETE", delete_block}}}},
    {"/api/programs/{id}/people/{person}/token", kPerson, {{{"POST", rotate_token}}}},
    {"/api/programs/{id}/people/{person}/link", kPerson, {{{"POST", rotate_link}}}},
};

// The files a console's {report} may name.
constexpr std::string_view kReports[] = {"report.html", "sessions.csv", "load.csv"};

// The segments of a path after its first '/'; no route has more than 7.
using Parts = std::array<std::string_view, 8>;

// Whether the `n` `parts` match `entry`'s pattern; sets `route`'s names when they do.
bool matches(const RouteEntry& entry, const Parts& parts, std::size_t n, Route& route) {
  std::size_t i = 0;
  std::string_view program, person, item;
  const bool differs =
      any_part(std::string_view(entry.pattern).substr(1), '/', [&](std::string_view want) {
        if (i == n) return true;
        auto part = parts[i++];
        if (!want.starts_with('{')) return part != want;
        const auto close = want.find('}');
        const auto name = want.substr(1, close - 1);
        const auto suffix = want.substr(close + 1);
        if (!part.ends_with(suffix)) return true;
        part.remove_suffix(suffix.size());
        if (name == "report" &&
            std::find(std::begin(kReports), std::end(kReports), part) == std::end(kReports))
          return true;
        const bool named = name == "id" || name == "person" || name == "secret";
        if (named && part.empty() && !entry.names_may_be_empty) return true;
        (name == "id" ? program : name == "person" ? person : item) = part;
        return false;
      });
  if (differs || i != n) return false;
  route.entry = &entry;
  route.pattern = entry.pattern;
  route.program = program;
  route.person = person;
  route.item = item;
  return true;
}

}  // namespace

const RouteMethod* Route::method(std::string_view method) const {
  if (!entry) return nullptr;
  if (method == "HEAD") method = "GET";
  for (const auto& m : entry->methods)
    if (!m.name.empty() && m.name == method) return &m;
  return nullptr;
}

Route route_of(std::string_view target) {
  Route route;
  const auto path = target.substr(0, target.find('?'));
  if (!path.starts_with('/')) return route;
  Parts parts;
  std::size_t n = 0;
  if (any_part(path.substr(1), '/', [&](std::string_view part) {
        if (n == parts.size()) return true;
        parts[n++] = part;
        return false;
      }))
    return route;
  for (const auto& entry : kRoutes)
    if (matches(entry, parts, n, route)) break;
  return route;
}

}  // namespace mentorcal::daemon

#include "routes.hpp"

#include <algorithm>

#include "handlers/handlers.hpp"
#include "http/fields.hpp"

namespace mentorcal::daemon {
namespace {

using Body = Admission::BodyLimit;
constexpr auto kAnyone = Audience::anyone;
constexpr auto kSignedIn = Audience::signed_in;  // a page's form that writes
constexpr auto kPerson = Audience::person;
constexpr auto kCoordinator = Audience::coordinator;

// In order: the first entry whose pattern a target matches is its route.
constexpr RouteEntry kRoutes[] = {
    // Pages (web/): signed in by a session cookie, not a bearer token.
    {"/", kAnyone, {{{"GET", handlers::home}}}},
    {"/signin", kAnyone, {{{"POST", handlers::sign_in}}}},
    {"/signout", kSignedIn, {{{"POST", handlers::sign_out}}}},
    {"/me", kAnyone, {{{"GET", handlers::personal_page}}}},
    {"/me/blocks", kSignedIn, {{{"POST", handlers::personal_block}}}},
    {"/me/blocks/{block}/undo", kSignedIn, {{{"POST", handlers::personal_undo}}}},
    {"/me/{secret}", kAnyone, {{{"GET", handlers::open_personal_link}}}},
    {"/assets/{name}", kAnyone, {{{"GET", handlers::asset}}}},
    {"/programs/{id}", kAnyone, {{{"GET", handlers::console_program}}}},
    {"/programs/{id}/passes", kSignedIn, {{{"POST", handlers::console_pass}}}, true},
    {"/programs/{id}/{report}", kAnyone, {{{"GET", handlers::console_download}}}, true},
    {"/programs/{id}/people/{person}/rotate",
     kSignedIn,
     {{{"POST", handlers::console_rotate}}},
     true},
    // The API.
    {"/healthz", kAnyone, {{{"GET", handlers::health}}}, false, false},
    {"/metrics", kAnyone, {{{"GET", handlers::metrics}}}, false, false},
    {"/feeds/{token}.ics", kAnyone, {{{"GET", handlers::feed}}}, false, false},
    {"/api/programs/{id}",
     kCoordinator,
     {{{"GET", handlers::get_program}, {"PUT", handlers::put_program, Body::program}}}},
    {"/api/programs/{id}/passes", kCoordinator, {{{"POST", handlers::run_pass}}}},
    {"/api/programs/{id}/passes/{pass}", kCoordinator, {{{"GET", handlers::get_pass}}}},
    {"/api/programs/{id}/feeds", kCoordinator, {{{"GET", handlers::list_feeds}}}},
    {"/api/programs/{id}/people/{person}/blocks",
     kPerson,
     {{{"GET", handlers::list_blocks}, {"POST", handlers::add_block}}}},
    {"/api/programs/{id}/people/{person}/blocks/{block}",
     kPerson,
     {{{"DELETE", handlers::delete_block}}}},
    {"/api/programs/{id}/people/{person}/token", kPerson, {{{"POST", handlers::rotate_token}}}},
    {"/api/programs/{id}/people/{person}/link", kPerson, {{{"POST", handlers::rotate_link}}}},
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

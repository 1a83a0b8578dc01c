// What every page (web/) does before its own work: who is signed in by the session cookie, a
// POST's form read and its CSRF token checked, and whose page it is. pages.cpp, console.cpp and
// downloads.cpp gather what a page shows under the program's `writing` lock and hand it to
// web/'s renderers.
#pragma once

#include <map>
#include <string>

#include "http/responses.hpp"
#include "service_state.hpp"
#include "web/sessions.hpp"

namespace mentorcal::daemon::handlers {

// A POST's form fields; empty for a GET.
using Form = std::map<std::string, std::string>;

// A page's own work, once `signed_in_page` let its caller in.
using PageHandler = Response (*)(ServiceState& s, const Request& request, const Route& route,
                                 const web::SignedIn& who, Form& form);

enum class PageFor {
  start,             // "/": the coordinator's; a person goes to /me, anyone else signs in
  anyone_signed_in,  // a person or the coordinator
  person,            // a person's own; the coordinator goes to "/"
  coordinator,       // the coordinator's; a person gets a 403 page
};

// Lets the caller of a page in (401, 400 and 403 pages otherwise) and answers with `page`.
Response signed_in_page(ServiceState& s, const Request& request, const Route& route,
                        PageFor page_for, PageHandler page);

// A page route's handler: `page`, once `signed_in_page` let its caller in for `page_for`.
template <PageFor page_for, PageHandler page>
Response page_route(ServiceState& s, const Request& request, const Route& route) {
  return signed_in_page(s, request, route, page_for, page);
}

// The pages behind a session, each a PageHandler.
// pages.cpp: signing out, and a person's own page and its forms.
Response end_session(ServiceState& s, const Request& request, const Route& route,
                     const web::SignedIn& who, Form& form);
Response show_personal_page(ServiceState& s, const Request& request, const Route& route,
                            const web::SignedIn& who, Form& form);
Response place_personal_block(ServiceState& s, const Request& request, const Route& route,
                              const web::SignedIn& who, Form& form);
Response undo_personal_block(ServiceState& s, const Request& request, const Route& route,
                             const web::SignedIn& who, Form& form);
// console.cpp: the coordinator's list of programs, a program's console and its forms.
Response program_list(ServiceState& s, const Request& request, const Route& route,
                      const web::SignedIn& who, Form& form);
Response console_page(ServiceState& s, const Request& request, const Route& route,
                      const web::SignedIn& who, Form& form);
Response run_pass_page(ServiceState& s, const Request& request, const Route& route,
                       const web::SignedIn& who, Form& form);
Response rotate_page(ServiceState& s, const Request& request, const Route& route,
                     const web::SignedIn& who, Form& form);
// downloads.cpp: report.html, sessions.csv or load.csv of the published schedule.
Response download(ServiceState& s, const Request& request, const Route& route,
                  const web::SignedIn& who, Form& form);

// A parameter of the request's query string, decoded; empty when absent or malformed.
std::string query_value(const Request& request, const std::string& name);

// The 404 page of a coordinator's page whose program does not exist.
Response no_such_program_page(const Route& route);

// The program a coordinator's page names, `writing` held and the program loaded, for `then`;
// the 404 or 409 page otherwise.
template <class Then>
Response with_console_program(ServiceState& s, const Route& route, Then then) {
  const auto state = s.registry.find_program(route.program);
  if (!state) return no_such_program_page(route);
  std::lock_guard writing(state->writing);
  if (!state->program)
    return message_page(409, "The stored program no longer loads",
                        "Import it again (mentorcal push).");
  return then(*state);
}

}  // namespace mentorcal::daemon::handlers

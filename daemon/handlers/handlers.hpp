// The handlers of routes.cpp's table, one file per resource. Each answers an admitted request:
// the table has matched its target and method, and its caller may call it.
#pragma once

#include "routes.hpp"
#include "service.hpp"
#include "store.hpp"

namespace mentorcal::daemon {

struct ServiceState;

namespace handlers {

// health.cpp: GET /healthz, GET /metrics.
Response health(ServiceState& s, const Request& request, const Route& route);
Response metrics(ServiceState& s, const Request& request, const Route& route);

// feeds.cpp: GET /feeds/{token}.ics, GET /api/programs/{id}/feeds.
Response feed(ServiceState& s, const Request& request, const Route& route);
Response list_feeds(ServiceState& s, const Request& request, const Route& route);

// programs.cpp: /api/programs/{id} and its passes.
Response get_program(ServiceState& s, const Request& request, const Route& route);
Response put_program(ServiceState& s, const Request& request, const Route& route);
Response run_pass(ServiceState& s, const Request& request, const Route& route);
Response get_pass(ServiceState& s, const Request& request, const Route& route);
// Loads every stored program with its schedule, blocks, tokens and feeds (Service::open).
void restore_programs(ServiceState& s);

// tokens.cpp: a person's feed token and personal link, rotated.
Response rotate_token(ServiceState& s, const Request& request, const Route& route);
Response rotate_link(ServiceState& s, const Request& request, const Route& route);
// Rotates the person's secret of `kind`: the old one stops working at once.
Response rotate(ServiceState& s, const Request& request, const Route& route, TokenKind kind);

// blocks.cpp: /api/programs/{id}/people/{person}/blocks.
Response list_blocks(ServiceState& s, const Request& request, const Route& route);
Response add_block(ServiceState& s, const Request& request, const Route& route);
Response delete_block(ServiceState& s, const Request& request, const Route& route);

// pages.cpp: signing in with a personal link or the coordinator token. The pages behind a
// session are in pages.hpp.
Response sign_in(ServiceState& s, const Request& request, const Route& route);
Response open_personal_link(ServiceState& s, const Request& request, const Route& route);

// assets.cpp: the pages' CSS and JS.
Response asset(ServiceState& s, const Request& request, const Route& route);

}  // namespace handlers
}  // namespace mentorcal::daemon

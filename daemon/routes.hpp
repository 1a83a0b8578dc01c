// mentorcald's one route table: for each kind of target, what it looks like, who may call it
// and which handler answers each method. Admission (Service::admit: 404, 405 with Allow, who
// may call), dispatch and the metrics' and log's route names all read it.
//
//   const auto route = route_of("/api/programs/acme-2027/people/m-01/blocks");
//   route.pattern;                   // "/api/programs/{id}/people/{person}/blocks"
//   route.program, route.person;     // "acme-2027", "m-01"
//   route.method("POST")->handler;   // handlers::add_block
#pragma once

#include <array>
#include <string>
#include <string_view>

#include "access.hpp"
#include "service.hpp"

namespace mentorcal::daemon {

struct ServiceState;
struct Route;

// Answers an admitted request of its route.
using Handler = Response (*)(ServiceState&, const Request&, const Route&);

struct RouteMethod {
  std::string_view name;  // "GET" (which HEAD takes too), "PUT"...; empty: no method
  Handler handler = nullptr;
  Admission::BodyLimit body_limit = Admission::BodyLimit::small;
};

struct RouteEntry {
  // What metrics and logs show (never a secret), and what a target's path matches, segment by
  // segment: a literal, or a {name} with an optional literal suffix ("{token}.ics") that takes
  // any segment. {id} is the program, {person} the person, {report} one of the downloads, any
  // other name the route's item.
  const char* pattern;
  Audience audience;
  std::array<RouteMethod, 2> methods;
  // Whether {id}, {person} and {secret} may be empty: the console's forms have always taken an
  // empty id, and answer it with their own page.
  bool names_may_be_empty = false;
  // Whether the log lists the route's requests: not feeds (their path is a secret), health and
  // metrics, the daemon's bulk traffic, which /metrics counts.
  bool logged = true;
};

// A target as the table reads it.
struct Route {
  const RouteEntry* entry = nullptr;  // none: no such resource
  const char* pattern = "other";      // entry->pattern, or "other"
  std::string program;
  std::string person;
  std::string_view item;  // feed token, pass id, block id...: a part of the request's target

  // What answers `method` (HEAD as GET) here, or null.
  const RouteMethod* method(std::string_view method) const;
};

Route route_of(std::string_view target);

}  // namespace mentorcal::daemon

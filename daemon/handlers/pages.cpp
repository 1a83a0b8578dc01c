// The pages of signing in and out and a person's own page (/me): their sessions, blocks and
// the form that places one. Every POST carries the session's CSRF token (pages.hpp).
#include "handlers/pages.hpp"

#include "handlers/blocks.hpp"
#include "handlers/handlers.hpp"
#include "http/fields.hpp"
#include "http/responses.hpp"
#include "secrets.hpp"
#include "web/console_page.hpp"
#include "web/personal_page.hpp"

namespace mentorcal::daemon::handlers {
namespace {

bool secure_cookies(const ServiceState& s) {
  return s.config.public_url.starts_with("https://");
}

Response start_session(ServiceState& s, web::SignedIn who, const std::string& location) {
  const auto id = s.registry.sessions.start(std::move(who), s.config.clock());
  auto r = see_other(location);
  r.headers.emplace_back("Set-Cookie", web::WebSessions::cookie(id, secure_cookies(s)));
  return r;
}

// The person's page, with `writing` held.
Response render_person(ServiceState& s, ProgramState& state, const Request& request,
                       const web::SignedIn& who, web::BlockForm form, std::string notice,
                       int status) {
  if (!state.program)
    return message_page(409, "This program is being updated",
                        "Your coordinator is re-importing it. Please try again later.");
  const auto me = state.person_index.find(who.person_id);
  if (me == state.person_index.end())
    return message_page(404, "You are no longer in this program",
                        "Ask your program's coordinator.");
  const auto& program = *state.program;
  web::PersonalPage page;
  page.program = &program;
  page.me = &program.people[me->second];
  if (state.published && state.schedule_current)
    for (const auto i : state.pairs_of[me->second]) {
      const auto& result = state.published->pairs[i];
      if (!result.series) continue;
      const auto& pair = program.pairs[i];
      const auto& other =
          pair.mentor == me->second ? program.mentee_of(pair) : program.mentor_of(pair);
      page.sessions.push_back({&*result.series, &pair, &other});
    }
  for (const auto& b : state.blocks)
    if (b.person_id == who.person_id) page.blocks.push_back(b);
  {
    std::shared_lock lock(s.registry.mutex);
    if (const auto* salt = s.registry.salt_of(TokenKind::feed, who.program_id, who.person_id))
      page.feed_url = s.feed_url(request, *salt);
  }
  page.csrf = who.csrf;
  page.today = local_day(page.me->zone, date::floor<Minutes>(s.config.clock()));
  page.month = query_value(request, "view") == "month";
  page.at = parse_day(query_value(request, "at"));
  page.notice = std::move(notice);
  page.form = std::move(form);
  return html_response(status, web::render_personal_page(page));
}

// The signed-in person's program, `writing` held, for `then`; their page without a form when
// the program no longer loads or no longer has them (render_person says why).
template <class Then>
Response with_own_program(ServiceState& s, const Request& request, const web::SignedIn& who,
                          Then then) {
  const auto state = s.registry.find_program(who.program_id);
  if (!state) return message_page(404, "This program no longer exists", "Ask your coordinator.");
  std::lock_guard writing(state->writing);
  if (!state->program || !state->person_index.contains(who.person_id))
    return render_person(s, *state, request, who, {}, "", 200);
  return then(*state);
}

}  // namespace

Response show_personal_page(ServiceState& s, const Request& request, const Route&,
                            const web::SignedIn& who, Form&) {
  return with_own_program(s, request, who, [&](ProgramState& state) {
    std::string notice;
    if (const auto id = parse_id(query_value(request, "blocked"))) {
      for (const auto& b : state.blocks)
        if (b.id == *id && b.person_id == who.person_id)
          notice =
              "Your block is stored. Your calendar and your partners' calendars show it "
              "now.";
    } else if (query_value(request, "undone") == "1") {
      notice =
          "The block is removed. Sessions it had moved or skipped are back where they "
          "can be.";
    }
    return render_person(s, state, request, who, {}, std::move(notice), 200);
  });
}

Response undo_personal_block(ServiceState& s, const Request& request, const Route& route,
                             const web::SignedIn& who, Form&) {
  return with_own_program(s, request, who, [&](ProgramState& state) {
    Replan out;
    StoredBlock removed;
    if (auto failure =
            lift_block(s, state, who.program_id, who.person_id, parse_id(route.item), out, removed))
      return failure->status == 404
                 ? message_page(404, "That block is already removed", "Nothing was changed.")
                 : message_page(failure->status, "The block could not be removed",
                                "Nothing was changed. Please try again later.");
    adopt(state, out, removed);
    return see_other("/me?undone=1");
  });
}

Response place_personal_block(ServiceState& s, const Request& request, const Route&,
                              const web::SignedIn& who, Form& fields) {
  return with_own_program(s, request, who, [&](ProgramState& state) {
    const auto& me = state.program->people[state.person_index.at(who.person_id)];
    web::BlockForm form;
    form.from = fields["from"];
    form.from_time = fields["from_time"];
    form.to = fields["to"];
    form.to_time = fields["to_time"];
    form.reason = fields["reason"];
    const auto at = web::block_interval(form, me.zone);
    const auto action = fields["action"];
    if (!at) return render_person(s, state, request, who, std::move(form), "", 422);
    if (action != "preview" && action != "block")
      return message_page(400, "Press Preview or Block", "Go back and press one of the buttons.");
    StoredBlock block{0, who.person_id, *at, form.reason, s.now_seconds()};
    Replan out;
    const bool preview = action == "preview";
    if (auto failure = place_block(s, state, who.program_id, block, preview, out))
      return message_page(failure->status, "The block could not be stored",
                          "Nothing was stored. Please try again later.");
    if (!preview) {
      adopt(state, out, block);
      return see_other("/me?blocked=" + std::to_string(block.id));
    }
    form.previewed = true;
    form.replanned = out.replanned;
    form.changes = std::move(out.changes);
    for (const auto& b : out.below_min_held)
      form.below.push_back({b["series"].get<std::string>(), b["held"].get<int>(),
                            b["occurrences"].get<std::size_t>(), b["min_held"].get<double>()});
    return render_person(s, state, request, who, std::move(form), "", 200);
  });
}

Response end_session(ServiceState& s, const Request& request, const Route&, const web::SignedIn&,
                     Form&) {
  s.registry.sessions.end(web::cookie(request.header("cookie"), web::kSessionCookie));
  auto r = see_other("/");
  r.headers.emplace_back("Set-Cookie", web::WebSessions::cookie("", secure_cookies(s)));
  return r;
}

// A parameter of the request's query string, decoded; empty when absent or malformed.
std::string query_value(const Request& request, const std::string& name) {
  const auto q = request.target.find('?');
  if (q == std::string::npos) return {};
  const auto fields = web::parse_form(std::string_view(request.target).substr(q + 1));
  if (!fields) return {};
  const auto it = fields->find(name);
  return it == fields->end() ? std::string() : it->second;
}

// /me/{secret}: the secret leaves the address bar for a session cookie.
Response open_personal_link(ServiceState& s, const Request&, const Route& route) {
  const auto hash = sha256(route.item);
  web::SignedIn who;
  {
    std::shared_lock lock(s.registry.mutex);
    const auto it = s.registry.tokens.find(hash);
    if (it == s.registry.tokens.end() || it->second.kind != TokenKind::personal)
      return message_page(404, "This link does not work",
                          "It may have been replaced by a newer one. Ask your program's "
                          "coordinator for your current personal link.");
    who.program_id = it->second.program_id;
    who.person_id = it->second.person_id;
  }
  who.credential_hash = hash;
  return start_session(s, std::move(who), "/me");
}

Response sign_in(ServiceState& s, const Request& request, const Route&) {
  const auto form = web::parse_form(request.body);
  const auto token = form && form->contains("token") ? form->at("token") : std::string();
  if (token.empty() || !same_secret(sha256(token), s.registry.admin_hash))
    return html_response(401, web::render_sign_in("That is not the coordinator token. It is in "
                                                  "DATA_DIR/admin.token or "
                                                  "MENTORCAL_ADMIN_TOKEN."));
  web::SignedIn who;
  who.kind = web::SignedIn::Kind::coordinator;
  who.credential_hash = s.registry.admin_hash;
  return start_session(s, std::move(who), "/");
}

Response no_such_program_page(const Route& route) {
  return message_page(404, "No such program", "There is no program " + route.program + ".");
}

Response signed_in_page(ServiceState& s, const Request& request, const Route& route,
                        PageFor page_for, PageHandler page) {
  const auto who = s.registry.signed_in(request);
  const bool coordinator = who && who->kind == web::SignedIn::Kind::coordinator;
  if (page_for == PageFor::start && !coordinator) {
    if (who) return see_other("/me");
    return html_response(200, web::render_sign_in(""));
  }
  if (!who)
    return message_page(401, "Please sign in again",
                        "Open your personal link again, or sign in as the coordinator.");
  Form form;
  if (request.method == "POST") {
    auto fields = web::parse_form(request.body);
    if (!fields)
      return message_page(400, "That form could not be read", "Go back and send it again.");
    form = std::move(*fields);
    if (!web::WebSessions::csrf_matches(*who, form["csrf"]))
      return message_page(403, "This form has expired",
                          "Nothing was changed. Go back, reload the page and try again.");
  }
  if (page_for == PageFor::person && coordinator) return see_other("/");
  if ((page_for == PageFor::start || page_for == PageFor::coordinator) && !coordinator)
    return message_page(403, "This page is the coordinator's", "Your own page is at /me.");
  return page(s, request, route, *who, form);
}

}  // namespace mentorcal::daemon::handlers

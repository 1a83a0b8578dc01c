// The coordinator's pages: the list of programs ("/"), a program's console with its people,
// published schedule and a proposal beside it, and the console's forms that run a pass and
// rotate a person's secret (through the API's handlers).
#include <algorithm>

#include "handlers/handlers.hpp"
#include "handlers/pages.hpp"
#include "http/fields.hpp"
#include "mentorcal/schedule_json.hpp"
#include "mentorcal/summary.hpp"
#include "web/console_page.hpp"

namespace mentorcal::daemon::handlers {
namespace {

using nlohmann::json;

// What `next` would change of `now`, pair by pair (both in one program's pair order), in words.
std::vector<web::ConsolePage::PairChange> changes_between(const Schedule& now,
                                                          const Schedule& next) {
  std::vector<web::ConsolePage::PairChange> changes;
  for (std::size_t i = 0; i < now.pairs.size() && i < next.pairs.size(); ++i) {
    const auto& a = now.pairs[i].series;
    const auto& b = next.pairs[i].series;
    std::string what;
    if (a && !b) {
      what = "would no longer be placed";
    } else if (!a && b) {
      what = "would be placed, " + std::to_string(b->held_count()) + " sessions";
    } else if (a && b) {
      // The instants each series takes place at, in order: what the two calendars show.
      const auto held = [](const Series& s) {
        std::vector<Interval> at;
        for (const auto& o : s.occurrences)
          if (o.state != OccurrenceState::skipped) at.push_back(o.at);
        std::sort(at.begin(), at.end());
        return at;
      };
      const auto before = held(*a), after = held(*b);
      std::size_t differ = 0;
      for (const auto& t : after) differ += !std::binary_search(before.begin(), before.end(), t);
      if (differ > 0 || before.size() != after.size())
        what = std::to_string(differ) + " of " + std::to_string(after.size()) +
               " sessions at other times (" + std::to_string(before.size()) + " now)";
    }
    if (!what.empty()) changes.push_back({now.pairs[i].mentor_id, now.pairs[i].mentee_id, what});
  }
  return changes;
}

}  // namespace

Response program_list(ServiceState& s, const Request&, const Route&, const web::SignedIn& who,
                      Form&) {
  std::vector<std::pair<std::string, std::shared_ptr<ProgramState>>> all;
  {
    std::shared_lock lock(s.registry.mutex);
    all.assign(s.registry.programs.begin(), s.registry.programs.end());
  }
  std::vector<web::ProgramListEntry> list;
  for (const auto& [id, state] : all) {
    std::lock_guard writing(state->writing);
    web::ProgramListEntry entry;
    entry.id = id;
    if (state->program) {
      entry.name = state->program->name;
      entry.people = state->program->people.size();
      entry.pairs = state->program->pairs.size();
    }
    entry.published = state->published.has_value();
    list.push_back(std::move(entry));
  }
  return html_response(200, web::render_program_list(list, who.csrf));
}

Response run_pass_page(ServiceState& s, const Request&, const Route& route, const web::SignedIn&,
                       Form& fields) {
  if (!s.registry.find_program(route.program)) return no_such_program_page(route);
  const auto base = "/programs/" + route.program;
  const bool publish = fields["action"] == "publish";
  Route api;
  api.program = route.program;
  const auto answer = run_pass(s, {"POST", "", {}, json{{"publish", publish}}.dump()}, api);
  if (answer.status != 201) {
    const auto body = json::parse(*answer.body, nullptr, false);
    return message_page(answer.status, "The pass did not run",
                        body.is_object() ? body.value("error", "") : "");
  }
  const auto pass = json::parse(*answer.body)["pass"].get<std::int64_t>();
  return see_other(base + (publish ? "?published=" : "?proposal=") + std::to_string(pass));
}

Response rotate_page(ServiceState& s, const Request& request, const Route& route,
                     const web::SignedIn&, Form& fields) {
  if (!s.registry.find_program(route.program)) return no_such_program_page(route);
  const auto base = "/programs/" + route.program;
  const auto kind = fields["kind"] == "link" ? TokenKind::personal : TokenKind::feed;
  const auto answer = rotate(s, request, route, kind);
  if (answer.status != 201)
    return message_page(answer.status, "Nothing was rotated", "No such person.");
  return see_other(base + "?rotated=" + web::url_encode(route.person));
}

Response console_page(ServiceState& s, const Request& request, const Route& route,
                      const web::SignedIn& who, Form&) {
  return with_console_program(s, route, [&](ProgramState& state_) {
    auto* state = &state_;
    const auto& program = *state->program;
    web::ConsolePage page;
    page.program = &program;
    const bool current = state->published && state->schedule_current;
    page.schedule = current ? &*state->published : nullptr;
    page.summary = current ? &state->published_summary() : nullptr;
    page.waits_for_pass = state->published && !state->schedule_current;
    page.published_pass = state->published_pass;
    page.blocks = state->blocks.size();
    page.csrf = who.csrf;
    // ?people=N: the N-th page of people, from 1; anything else the first.
    const auto people_page = parse_id(query_value(request, "people")).value_or(1);
    if (people_page >= 1 && static_cast<std::size_t>(people_page - 1) <
                                program.people.size() / web::ConsolePage::kPeoplePerPage + 1)
      page.first_person =
          static_cast<std::size_t>(people_page - 1) * web::ConsolePage::kPeoplePerPage;
    if (page.first_person >= program.people.size()) page.first_person = 0;
    {
      std::shared_lock lock(s.registry.mutex);
      const auto end =
          std::min(program.people.size(), page.first_person + web::ConsolePage::kPeoplePerPage);
      for (std::size_t i = page.first_person; i < end; ++i) {
        const auto& person = program.people[i];
        const auto* feed = s.registry.salt_of(TokenKind::feed, route.program, person.id);
        const auto* link = s.registry.salt_of(TokenKind::personal, route.program, person.id);
        if (!feed || !link) continue;
        page.people.push_back({&person, s.feed_url(request, *feed), s.manage_url(request, *link)});
      }
    }
    if (const auto id = parse_id(query_value(request, "proposal"))) {
      if (const auto pass = s.store->load_pass(route.program, *id); pass && !pass->published) {
        std::string error;
        if (const auto proposed = schedule_from_json(pass->schedule_json, &error);
            proposed && proposed->pairs.size() == program.pairs.size()) {
          page.proposal = summarize(program, *proposed);
          page.proposal_pass = *id;
          if (page.schedule) page.proposal_changes = changes_between(*page.schedule, *proposed);
        }
      }
    } else if (const auto published = parse_id(query_value(request, "published"))) {
      page.notice = "Pass " + std::to_string(*published) + " is published: every feed shows it.";
    } else if (const auto rotated = query_value(request, "rotated"); !rotated.empty()) {
      page.notice = "New secret issued for " + rotated +
                    "; the old one no longer works. Send them "
                    "the new address below.";
    }
    return html_response(200, web::render_console(page));
  });
}

}  // namespace mentorcal::daemon::handlers

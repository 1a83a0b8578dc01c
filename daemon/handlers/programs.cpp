// /api/programs/{id} and its passes: a program imported (PUT) and shown (GET), a pass run
// (load → schedule → verify → render → store → serve) and shown, and every stored program
// loaded again when mentorcald starts. The two places that load a program (put_program and
// restore_programs) and the pass pipeline are here, whole.
#include <chrono>
#include <map>
#include <mutex>
#include <set>

#include "feed_cache.hpp"
#include "handlers/handlers.hpp"
#include "http/fields.hpp"
#include "http/responses.hpp"
#include "mentorcal/ical.hpp"
#include "mentorcal/pass.hpp"
#include "mentorcal/program_files.hpp"
#include "mentorcal/schedule_json.hpp"
#include "mentorcal/solver.hpp"
#include "mentorcal/summary.hpp"
#include "mentorcal/tz_update.hpp"
#include "mentorcal/verify.hpp"
#include "service_state.hpp"

namespace mentorcal::daemon::handlers {
namespace {

using nlohmann::json;
using Clock = std::chrono::steady_clock;

constexpr double kMaxPassSeconds = 3600;

json diagnostics_json(const Diagnostics& diagnostics, Severity severity) {
  json list = json::array();
  for (const auto& d : diagnostics.all())
    if (d.severity == severity)
      list.push_back({{"field", d.file}, {"line", d.line}, {"message", d.message}});
  return list;
}

// Every person's feed in the usual or the plain form, from those `rendered` in that form by id;
// someone without a session gets a calendar without events.
std::vector<std::pair<std::string, std::shared_ptr<const Feed>>> people_feeds(
    const ServiceState& s, ProgramState& state, const Program& program,
    std::map<std::string, std::string> rendered, bool plain, std::int64_t now) {
  std::vector<std::pair<std::string, std::shared_ptr<const Feed>>> feeds;
  for (const auto& person : program.people) {
    auto text = rendered.extract(person.id);
    feeds.emplace_back(person.id,
                       next_feed(text ? std::move(text.mapped())
                                      : empty_feed(program, person, s.feed_options(plain)),
                                 state.feed_of(person.id, plain), now));
  }
  return feeds;
}

std::vector<std::pair<std::string, std::shared_ptr<const Feed>>> people_feeds(
    const ServiceState& s, ProgramState& state, const Program& program, const Schedule& schedule,
    bool plain, std::int64_t now) {
  return people_feeds(s, state, program, render_feeds(program, schedule, s.feed_options(plain)),
                      plain, now);
}

// Every person's feed of a schedule about to be published, in the usual and the plain form,
// each following the one served now.
struct RenderedFeeds {
  std::vector<std::pair<std::string, std::shared_ptr<const Feed>>> feeds;
  std::vector<std::pair<std::string, std::shared_ptr<const Feed>>> plain;
  std::vector<StoredFeed> stored;
};
RenderedFeeds render_all_feeds(const ServiceState& s, ProgramState& state, const Program& program,
                               const Schedule& schedule) {
  RenderedFeeds out;
  const auto now = s.now_seconds();
  std::map<std::string, std::string> usual, plain;
  std::mutex lock;
  render_feeds_in_both_forms(program, schedule, s.feed_options(false),
                             [&](const std::string& id, std::string feed, bool is_plain) {
                               const std::lock_guard hold(lock);
                               (is_plain ? plain : usual).emplace(id, std::move(feed));
                             });
  out.feeds = people_feeds(s, state, program, std::move(usual), false, now);
  out.plain = people_feeds(s, state, program, std::move(plain), true, now);
  for (const auto& [person, feed] : out.feeds) out.stored.push_back(stored(person, *feed));
  return out;
}

// Makes a stored, published schedule's feeds the ones served (the schedule is in place).
void adopt_all_feeds(ProgramState& state, RenderedFeeds feeds) {
  state.forget_replan_index();
  state.forget_published_summary();
  state.replan_index();
  std::lock_guard lock(state.feeds_mutex);
  state.feeds.clear();
  state.plain_feeds.clear();
  for (auto& [person, feed] : feeds.feeds) state.feeds[person] = std::move(feed);
  for (auto& [person, feed] : feeds.plain) state.plain_feeds[person] = std::move(feed);
}

// A published schedule made under another tz database (PRODUCT.md, "The tz database"): brought
// onto today's rules, verified, stored as a pass of its own and served, then reported in the
// log and, through the schedule's tz_update, by GET /api/programs/{id}. On any failure the
// schedule stays as it was, and the next pass follows the update instead.
void follow_tz_update_on_start(ServiceState& s, ProgramState& state) {
  const auto& program = *state.program;
  auto schedule = *state.published;
  const auto started = Clock::now();
  const auto update = follow_tz_update(program, schedule, s.revision());
  if (!update) return;
  if (const auto violations = verify_schedule(program, schedule); !violations.empty()) {
    s.config.log("internal error: following the tz database update breaks " +
                 std::to_string(violations.size()) + " rule(s) of program " + program.id + ": " +
                 violations.front() + "; its feeds are served as they were");
    return;
  }
  auto feeds = render_all_feeds(s, state, program, schedule);
  const auto elapsed = Clock::now() - started;
  StoredPass pass;
  pass.program_id = program.id;
  pass.started = s.now_seconds();
  pass.duration_ms = std::chrono::duration_cast<std::chrono::milliseconds>(elapsed).count();
  pass.outcome = "tz_update";
  pass.published = true;
  pass.schedule_json = schedule_to_json(schedule);
  try {
    pass.id = s.store->save_pass(pass, feeds.stored);
  } catch (const std::exception& e) {
    s.config.log("program " + program.id + ": the tz database update could not be stored (" +
                 e.what() + "); its feeds are served as they were");
    return;
  }
  state.published = std::move(schedule);
  state.published_pass = pass.id;
  adopt_all_feeds(state, std::move(feeds));
  for (const auto& line : update->lines) s.config.log("program " + program.id + ": " + line);
}

}  // namespace

Response run_pass(ServiceState& s, const Request& request, const Route& route) {
  bool publish = true;
  double time_limit = 0;
  if (!trim(request.body).empty()) {
    const auto body = json::parse(request.body, nullptr, false);
    if (body.is_discarded() || !body.is_object())
      return error_response(400, "the body must be a JSON object (or empty)");
    for (auto it = body.begin(); it != body.end(); ++it) {
      if (it.key() == "publish") {
        if (!it->is_boolean()) return error_response(400, "must be true or false", "publish");
        publish = it->get<bool>();
      } else if (it.key() == "time_limit_seconds") {
        if (!it->is_number() || it->get<double>() <= 0 || it->get<double>() > kMaxPassSeconds)
          return error_response(422, "must be a number of seconds in (0, 3600]",
                                "time_limit_seconds");
        time_limit = it->get<double>();
      } else {
        return error_response(400, "unknown member \"" + it.key() + "\"", it.key());
      }
    }
  }
  const auto held = s.hold_program(route);
  if (held.refusal) return *held.refusal;
  const auto& state = held.state;
  const auto& program = *state->program;

  const auto started = Clock::now();
  const auto deadline = started + std::chrono::duration<double>(time_limit);
  // The pass `mentorcal schedule --previous` makes: a published schedule that did not follow a
  // tz database update on start (it no longer matched its program then) follows it now. The
  // feeds are rendered while the verifier runs, and dropped if it refuses the schedule.
  PassOptions options;
  options.previous = state->published;
  options.revision = s.revision();
  options.should_stop = [&] {
    return s.finishing.load() || (time_limit > 0 && Clock::now() > deadline);
  };
  RenderedFeeds feeds;
  auto made = mentorcal::run_pass(program, std::move(options), [&](const Schedule& schedule) {
    if (publish) feeds = render_all_feeds(s, *state, program, schedule);
  });
  auto& schedule = made.schedule;
  if (const auto& violations = made.violations; !violations.empty()) {
    json list = json::array();
    for (std::size_t i = 0; i < violations.size() && i < 20; ++i) list.push_back(violations[i]);
    s.config.log("internal error: pass on " + program.id + " breaks " +
                 std::to_string(violations.size()) + " rule(s): " + violations.front());
    return json_response(
        500, {{"error", "internal error: the schedule breaks " + std::to_string(violations.size()) +
                            " rule(s); nothing was stored"},
              {"violations", list}});
  }

  const auto elapsed = Clock::now() - started;
  StoredPass pass;
  pass.program_id = program.id;
  pass.started =
      s.now_seconds() - std::chrono::duration_cast<std::chrono::seconds>(elapsed).count();
  pass.duration_ms = std::chrono::duration_cast<std::chrono::milliseconds>(elapsed).count();
  pass.outcome = schedule.outcome == PassOutcome::complete ? "complete" : "time_limit";
  pass.published = publish;
  pass.schedule_json = schedule_to_json(schedule);
  pass.id = s.store->save_pass(pass, feeds.stored);
  s.metrics.record_pass(elapsed, publish);

  const auto summary = summarize(program, schedule);
  json unscheduled = json::array();
  for (const auto& r : schedule.pairs)
    if (!r.series)
      unscheduled.push_back({{"mentor", r.mentor_id},
                             {"mentee", r.mentee_id},
                             {"reasons", r.reasons},
                             {"relaxation", r.relaxation}});
  if (publish) {
    state->published = std::move(schedule);
    state->published_pass = pass.id;
    state->schedule_current = true;
    adopt_all_feeds(*state, std::move(feeds));
  }
  auto r = json_response(201, {{"pass", pass.id},
                               {"outcome", pass.outcome},
                               {"published", publish},
                               {"duration_ms", pass.duration_ms},
                               {"summary",
                                {{"pairs", summary.pairs},
                                 {"scheduled", summary.scheduled},
                                 {"held", summary.held},
                                 {"moved", summary.moved},
                                 {"skipped", summary.skipped},
                                 {"cancelled", summary.cancelled},
                                 {"mentors_at_limit", summary.mentors_at_limit}}},
                               {"unscheduled", unscheduled}});
  r.headers.emplace_back("Location",
                         "/api/programs/" + program.id + "/passes/" + std::to_string(pass.id));
  return r;
}

void restore_programs(ServiceState& s) {
  for (auto& stored : s.store->load_programs()) {
    auto state = std::make_shared<ProgramState>();
    ProgramFilesProblem problem;
    auto files = program_files_from_json(stored.files_json, &problem);
    std::optional<Program> program;
    Diagnostics diagnostics;
    if (files) {
      auto loaded = load_program(sources_of(std::move(*files), "files/"));
      diagnostics = std::move(loaded.diagnostics);
      program = std::move(loaded.program);
    }
    if (!program) {
      // The tz database or the loader may have changed under a stored program: keep its feeds
      // serving and say why it cannot be changed until it is imported again.
      s.config.log("program " + stored.id + " no longer loads (" +
                   (files ? diagnostics.front().to_string() : problem.message) +
                   "); its feeds are served as they were; PUT it again");
    } else {
      state->install(std::move(*program), std::move(stored.blocks));
    }
    state->schedule_current = stored.schedule_current;
    state->published_pass = stored.published_pass;
    if (stored.published_schedule) {
      std::string error;
      state->published = schedule_from_json(*stored.published_schedule, &error);
      for (const auto& [index, text] : stored.replanned_pairs) {
        auto one = schedule_from_json(text, &error);
        if (state->published && one && one->pairs.size() == 1 &&
            index < state->published->pairs.size())
          state->published->pairs[index] = std::move(one->pairs.front());
      }
    }
    for (auto& feed : stored.feeds)
      state->feeds[feed.person_id] = make_feed(std::move(feed.body), std::move(feed.gzip),
                                               std::move(feed.etag), feed.last_modified);
    if (state->program && state->published && state->schedule_current) {
      follow_tz_update_on_start(s, *state);
      state->replan_index();
      if (state->plain_feeds.empty())
        for (auto& [person, feed] :
             people_feeds(s, *state, *state->program, *state->published, true, s.now_seconds()))
          state->plain_feeds[person] = std::move(feed);
    }
    s.registry.programs[stored.id] = std::move(state);
  }
  for (auto& token : s.store->load_tokens()) {
    const auto program = s.registry.programs.find(token.program_id);
    if (program == s.registry.programs.end()) continue;
    s.registry.remember(token, program->second);
  }
  // People stored before personal links existed keep their feed token and get a link.
  std::vector<StoredToken> links;
  for (const auto& [key, hash] : s.registry.token_hash_of)
    if (!s.registry.link_hash_of.contains(key))
      links.push_back(s.registry.issue(TokenKind::personal, key.first, key.second).first);
  if (links.empty()) return;
  s.store->add_tokens(links);
  for (const auto& link : links) s.registry.remember(link, s.registry.programs.at(link.program_id));
  s.config.log("issued personal links to " + std::to_string(links.size()) +
               " people stored before personal links existed");
}

Response put_program(ServiceState& s, const Request& request, const Route& route) {
  if (!is_program_id(route.program))
    return error_response(400, "a program id is 1 to 64 of a-z, 0-9 and -", "id");
  ProgramFilesProblem problem;
  auto files = program_files_from_json(request.body, &problem);
  if (!files) return error_response(400, problem.message, problem.field);
  const auto files_json = program_files_to_json(*files);
  auto loaded = load_program(sources_of(std::move(*files), "files/"));
  auto& diagnostics = loaded.diagnostics;
  if (diagnostics.has_errors()) {
    std::size_t errors = 0;
    for (const auto& d : diagnostics.all()) errors += d.severity == Severity::error;
    return json_response(422, {{"error", "the program has " + std::to_string(errors) +
                                             " problem(s); nothing was stored"},
                               {"problems", diagnostics_json(diagnostics, Severity::error)},
                               {"warnings", diagnostics_json(diagnostics, Severity::warning)}});
  }
  auto& program = *loaded.program;
  if (program.id != route.program)
    return error_response(422,
                          "files/program.toml has id \"" + program.id + "\" but the URL names \"" +
                              route.program + "\"",
                          "id");

  std::shared_ptr<ProgramState> state;
  bool created = false;
  {
    std::unique_lock lock(s.registry.mutex);
    auto& slot = s.registry.programs[route.program];
    if (!slot) {
      slot = std::make_shared<ProgramState>();
      created = true;
    }
    state = slot;
  }
  std::lock_guard writing(state->writing);
  created = created || !state->program;

  std::set<std::string> people;
  for (const auto& p : program.people) people.insert(p.id);
  std::vector<std::string> removed;
  std::vector<StoredToken> issued;
  {
    std::shared_lock lock(s.registry.mutex);
    for (const auto& [key, hash] : s.registry.token_hash_of)
      if (key.first == route.program && !people.contains(key.second)) removed.push_back(key.second);
    for (const auto& id : people)
      for (const auto kind : {TokenKind::feed, TokenKind::personal})
        if (!s.registry.hashes_of(kind).contains({route.program, id}))
          issued.push_back(s.registry.issue(kind, route.program, id).first);
  }
  s.store->save_program(route.program, files_json, removed, issued);

  state->install(std::move(program), std::move(state->blocks));
  state->schedule_current = false;
  {
    std::lock_guard lock(state->feeds_mutex);
    for (const auto& id : removed) {
      state->feeds.erase(id);
      state->plain_feeds.erase(id);
    }
  }
  {
    std::unique_lock lock(s.registry.mutex);
    for (const auto& id : removed) {
      const auto key = std::make_pair(route.program, id);
      for (const auto kind : {TokenKind::feed, TokenKind::personal}) {
        auto& hashes = s.registry.hashes_of(kind);
        if (const auto it = hashes.find(key); it != hashes.end()) {
          s.registry.tokens.erase(it->second);
          hashes.erase(it);
        }
      }
    }
    for (const auto& t : issued) s.registry.remember(t, state);
  }
  const auto& installed = *state->program;
  return json_response(created ? 201 : 200,
                       {{"id", installed.id},
                        {"name", installed.name},
                        {"people", installed.people.size()},
                        {"pairs", installed.pairs.size()},
                        {"warnings", diagnostics_json(diagnostics, Severity::warning)},
                        {"schedule_current", false}});
}

Response get_program(ServiceState& s, const Request&, const Route& route) {
  const auto held = s.hold_program(route);
  if (held.refusal) return *held.refusal;
  const auto& state = held.state;
  const auto& program = *state->program;
  json body = {{"id", program.id},
               {"name", program.name},
               {"people", program.people.size()},
               {"pairs", program.pairs.size()},
               {"blocks", state->blocks.size()},
               {"schedule_current", state->schedule_current},
               {"published_pass", nullptr}};
  if (state->published_pass) body["published_pass"] = *state->published_pass;
  body["tzdata"] = tz_database_version();
  if (state->published && state->published->tz_update) {
    const auto& update = *state->published->tz_update;
    body["tz_update"] = {{"from", update.from},
                         {"to", update.to},
                         {"sessions_changed", update.moves.size()},
                         {"republished", update.republished.size()},
                         {"below_min_held", update.below_min},
                         {"summary", update.lines}};
  }
  return json_response(200, body);
}

// Every person's feed of a schedule about to be published, in the usual and the plain form,

Response get_pass(ServiceState& s, const Request&, const Route& route) {
  const auto id = parse_id(route.item);
  if (!id) return error_response(404, "no pass \"" + std::string(route.item) + "\"", "pass");
  const auto pass = s.store->load_pass(route.program, *id);
  if (!pass) return error_response(404, "no pass \"" + std::string(route.item) + "\"", "pass");
  return json_response(
      200,
      {{"pass", pass->id},
       {"started", format_utc(Instant{date::floor<Minutes>(std::chrono::seconds{pass->started})})},
       {"duration_ms", pass->duration_ms},
       {"outcome", pass->outcome},
       {"published", pass->published},
       {"schedule", json::parse(pass->schedule_json)}});
}

}  // namespace mentorcal::daemon::handlers

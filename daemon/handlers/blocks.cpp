// /api/programs/{id}/people/{person}/blocks: time a person cannot meet, stored, and their series
// re-planned around it (or around its removal) at once; both parties' feeds change before the
// answer is sent. The personal page's forms (pages.cpp) place and lift blocks through the same
// functions (blocks.hpp).
#include "handlers/blocks.hpp"

#include <set>

#include "feed_cache.hpp"
#include "handlers/handlers.hpp"
#include "http/fields.hpp"
#include "http/responses.hpp"
#include "mentorcal/schedule_json.hpp"
#include "mentorcal/solver.hpp"
#include "mentorcal/verify.hpp"

namespace mentorcal::daemon::handlers {
namespace {

using nlohmann::json;

constexpr std::size_t kMaxReasonBytes = 500;
constexpr auto kMaxBlockLength = date::days{366};
// The first and last instants with a four-digit year, to the minute.
constexpr auto kFirstInstant = Instant{date::sys_days{date::year{1} / 1 / 1}};
constexpr auto kLastInstant =
    Instant{date::sys_days{date::year{9999} / 12 / 31} + std::chrono::minutes{23 * 60 + 59}};

// The part of `program` and `schedule` that a change to `person_id`'s busy time can affect: the
// person, their partners, and every pair of any of them. Checking it is as strict as checking
// the whole program for these people (all their sessions are in it), and costs a few pairs
// instead of all of them. Third parties appear with only some of their sessions, which can hide
// no violation of the people that changed. Their feeds rendered from it are the same bytes as
// from the whole schedule, at the cost of their own sessions. A block may leave a series below its
// min_held (the response flags it and the coordinator decides), so that one rule is not checked
// here.
//
// `results` indexes `schedule`, `pairs_of` gives each person's pairs by person index and
// `person_index` each person's index: the neighbourhood costs the people in it, not the program.
std::pair<Program, Schedule> neighbourhood(const Program& program, const Schedule& schedule,
                                           const ReplanIndex& results,
                                           const std::vector<std::vector<std::size_t>>& pairs_of,
                                           const std::map<std::string, std::size_t>& person_index,
                                           const std::string& person_id) {
  std::set<std::string> involved{person_id};
  for (const auto r : results.results_of(person_id))
    if (schedule.pairs[r].series) {
      involved.insert(schedule.pairs[r].mentor_id);
      involved.insert(schedule.pairs[r].mentee_id);
    }
  std::vector<std::size_t> pairs;  // indices into program.pairs, increasing
  for (const auto& id : involved)
    if (const auto it = person_index.find(id); it != person_index.end())
      pairs.insert(pairs.end(), pairs_of[it->second].begin(), pairs_of[it->second].end());
  std::sort(pairs.begin(), pairs.end());
  pairs.erase(std::unique(pairs.begin(), pairs.end()), pairs.end());
  auto part = without_people(program);
  Schedule schedule_part;
  schedule_part.program_id = schedule.program_id;
  schedule_part.outcome = schedule.outcome;
  std::map<std::size_t, std::size_t> index;
  const auto person_in_part = [&](std::size_t p) {
    const auto [it, added] = index.emplace(p, part.people.size());
    if (added) part.people.push_back(program.people[p]);
    return it->second;
  };
  for (const auto i : pairs) {
    const auto& pair = program.pairs[i];
    Pair copy = pair;
    copy.min_held = 0;
    copy.mentor = person_in_part(pair.mentor);
    copy.mentee = person_in_part(pair.mentee);
    part.pairs.push_back(copy);
    schedule_part.pairs.push_back(schedule.pairs[i]);
  }
  for (const auto& c : schedule.cancelled)
    if (involved.contains(c.series.mentor_id) || involved.contains(c.series.mentee_id))
      schedule_part.cancelled.push_back(c);
  return {std::move(part), std::move(schedule_part)};
}

// One pair as a schedule.json of its own, for the replanned_pairs table.
std::string pair_json(const Schedule& schedule, std::size_t index) {
  Schedule one;
  one.program_id = schedule.program_id;
  one.outcome = schedule.outcome;
  one.pairs.push_back(schedule.pairs[index]);
  return schedule_to_json(one);
}

// The 404 of a person the route names and the program does not have. Everything below runs with
// `writing` held.
std::optional<Response> unknown_person(const ProgramState& state, const Route& route) {
  if (!state.person_index.contains(route.person))
    return error_response(404, "no person \"" + route.person + "\" in " + route.program, "person");
  return std::nullopt;
}

json block_json(const StoredBlock& b) {
  return {{"id", b.id},
          {"person", b.person_id},
          {"start", format_utc(b.at.start)},
          {"end", format_utc(b.at.end)},
          {"reason", b.reason}};
}

// Puts back what replan() changed of the program and the schedule.
void undo(ProgramState& state, const std::string& person, Replan& replan) {
  state.program->people[state.person_index.at(person)].busy = std::move(replan.old_busy);
  for (auto& [i, r] : replan.old_pairs) state.published->pairs[i] = std::move(r);
  state.forget_published_summary();
}

// Gives `person` the busy time `busy` and re-plans their series. A 500 (with everything put
// back) when the result fails verification. A preview (`dry_run`) renders no feeds, and its
// caller puts everything back with undo().
std::optional<Response> replan(ServiceState& s, ProgramState& state, const std::string& person,
                               std::vector<Interval> busy, Replan& out, bool dry_run = false) {
  auto& program = *state.program;
  auto& me = program.people[state.person_index.at(person)];
  out.old_busy = std::exchange(me.busy, std::move(busy));
  out.replanned = state.schedule_current && state.published.has_value();
  if (!out.replanned) return std::nullopt;
  auto& schedule = *state.published;
  const auto& index = state.replan_index();
  for (const auto i : index.results_of(person)) out.old_pairs.emplace(i, schedule.pairs[i]);
  out.changes = index.replan(program, schedule, {person}, s.revision());
  state.forget_published_summary();
  if (out.changes.empty()) return std::nullopt;

  const auto [part, part_schedule] =
      neighbourhood(program, schedule, index, state.pairs_of, state.person_index, person);
  if (const auto violations = verify_schedule(part, part_schedule); !violations.empty()) {
    undo(state, person, out);
    s.config.log("internal error: re-planning " + person + " breaks " +
                 std::to_string(violations.size()) + " rule(s): " + violations.front());
    return error_response(500, "internal error: the re-planned schedule breaks " +
                                   std::to_string(violations.size()) +
                                   " rule(s); nothing was stored");
  }
  std::map<std::string, std::size_t> index_of_uid;
  for (const auto& [i, r] : out.old_pairs)
    if (r.series) index_of_uid[r.series->uid] = i;
  std::set<std::string> people;
  std::set<std::size_t> below;
  for (const auto& c : out.changes) {
    const auto i = index_of_uid.at(c.uid);
    const auto& r = schedule.pairs[i];
    out.pairs_json.emplace(i, std::string());
    people.insert(r.mentor_id);
    people.insert(r.mentee_id);
    if (c.below_min_held) below.insert(i);
    out.changes_json.push_back({{"series", c.uid},
                                {"mentor", r.mentor_id},
                                {"mentee", r.mentee_id},
                                {"occurrence", format_local(c.nominal)},
                                {"zone", r.series->zone},
                                {"before", occurrence_state_name(c.before)},
                                {"after", occurrence_state_name(c.after)},
                                {"start", format_utc(c.at.start)},
                                {"end", format_utc(c.at.end)},
                                {"below_min_held", c.below_min_held}});
  }
  for (const auto i : below) {
    const auto& series = *schedule.pairs[i].series;
    out.below_min_held.push_back({{"series", series.uid},
                                  {"mentor", series.mentor_id},
                                  {"mentee", series.mentee_id},
                                  {"held", series.held_count()},
                                  {"occurrences", series.occurrences.size()},
                                  {"min_held", program.pairs[i].min_held}});
  }
  if (dry_run) return std::nullopt;
  for (auto& [i, text] : out.pairs_json) text = pair_json(schedule, i);
  const auto now = s.now_seconds();
  for (const auto& id : people) {
    auto feed =
        next_feed(render_feed(part, part_schedule, id, s.feed_options()), state.feed_of(id), now);
    out.stored_feeds.push_back(stored(id, *feed));
    out.feeds.emplace_back(id, std::move(feed));
    out.plain_feeds.emplace_back(
        id, next_feed(render_feed(part, part_schedule, id, s.feed_options(true)),
                      state.feed_of(id, true), now));
  }
  return std::nullopt;
}

}  // namespace

// Makes a stored re-plan visible: both parties' feeds change before the response is sent.
json adopt(ProgramState& state, Replan& replan, const StoredBlock& block) {
  {
    std::lock_guard lock(state.feeds_mutex);
    for (auto& [person, feed] : replan.feeds) state.feeds[person] = std::move(feed);
    for (auto& [person, feed] : replan.plain_feeds) state.plain_feeds[person] = std::move(feed);
  }
  return {{"block", block_json(block)},
          {"replanned", replan.replanned},
          {"changes", std::move(replan.changes_json)},
          {"below_min_held", std::move(replan.below_min_held)}};
}

// Re-plans `block.person_id`'s series around `block` and, unless `dry_run`, stores it (its id
// set) with what it changed; a preview puts everything back. `writing` held.
std::optional<Response> place_block(ServiceState& s, ProgramState& state,
                                    const std::string& program_id, StoredBlock& block, bool dry_run,
                                    Replan& out) {
  const auto& person = block.person_id;
  if (auto failure =
          replan(s, state, person, state.busy_with_blocks(person, nullptr, block.at), out, dry_run))
    return failure;
  if (dry_run) {
    undo(state, person, out);
    return std::nullopt;
  }
  try {
    block.id = s.store->save_block(program_id, block, out.pairs_json, out.stored_feeds);
  } catch (...) {
    undo(state, person, out);
    throw;
  }
  state.blocks.push_back(block);
  s.metrics.record_block("created");
  return std::nullopt;
}

// Removes the block `id` of `person` (into `removed`) and re-plans their series. nullopt when
// they have no such block. `writing` held.
std::optional<Response> lift_block(ServiceState& s, ProgramState& state,
                                   const std::string& program_id, const std::string& person,
                                   std::optional<std::int64_t> id, Replan& out,
                                   StoredBlock& removed) {
  const auto found = std::find_if(state.blocks.begin(), state.blocks.end(), [&](const auto& b) {
    return id && b.id == *id && b.person_id == person;
  });
  if (found == state.blocks.end())
    return error_response(404, "no block of " + person + " with that id", "block");
  if (auto failure =
          replan(s, state, person, state.busy_with_blocks(person, &*found, std::nullopt), out))
    return failure;
  try {
    s.store->delete_block(program_id, found->id, out.pairs_json, out.stored_feeds);
  } catch (...) {
    undo(state, person, out);
    throw;
  }
  removed = *found;
  state.blocks.erase(found);
  s.metrics.record_block("deleted");
  return std::nullopt;
}

Response list_blocks(ServiceState& s, const Request&, const Route& route) {
  const auto held = s.hold_program(route);
  if (held.refusal) return *held.refusal;
  const auto& state = held.state;
  if (auto refusal = unknown_person(*state, route)) return *refusal;
  json list = json::array();
  for (const auto& b : state->blocks)
    if (b.person_id == route.person) list.push_back(block_json(b));
  return json_response(200, {{"blocks", list}});
}

Response add_block(ServiceState& s, const Request& request, const Route& route) {
  const auto body = json::parse(request.body, nullptr, false);
  if (body.is_discarded() || !body.is_object())
    return error_response(400, "the body must be a JSON object with start, end and reason");
  std::optional<date::sys_seconds> start, end;
  std::string reason;
  for (auto it = body.begin(); it != body.end(); ++it) {
    const auto& key = it.key();
    if (key == "start" || key == "end") {
      auto& t = key == "start" ? start : end;
      if (it->is_string()) t = parse_rfc3339(it->get<std::string>());
      if (!t)
        return error_response(
            400, "must be an RFC 3339 time with an offset, such as 2027-03-08T09:00:00+01:00", key);
    } else if (key == "reason") {
      if (!it->is_string()) return error_response(400, "must be a string", key);
      reason = it->get<std::string>();
      if (reason.size() > kMaxReasonBytes)
        return error_response(422, "is longer than 500 bytes", key);
      if (has_control_character(reason))
        return error_response(400,
                              "must not hold control characters (U+0000 to U+001F, U+007F "
                              "to U+009F)",
                              key);
    } else {
      return error_response(400, "unknown member \"" + key + "\"", key);
    }
  }
  if (!start) return error_response(400, "start is required", "start");
  if (!end) return error_response(400, "end is required", "end");
  if (*end <= *start) return error_response(422, "must be after start", "end");
  if (*end - *start > kMaxBlockLength)
    return error_response(422, "a block lasts at most 366 days", "end");
  // Busy time is kept to the minute: widen, never narrow, what the person asked for. Answers
  // give times as four-digit years, so a widened time must still have one.
  const Interval at{date::floor<Minutes>(*start), date::ceil<Minutes>(*end)};
  if (at.start < kFirstInstant)
    return error_response(422, "must not be before 0001-01-01T00:00:00Z", "start");
  if (at.end > kLastInstant)
    return error_response(422, "must not be after 9999-12-31T23:59:00Z", "end");

  const auto held = s.hold_program(route);
  if (held.refusal) return *held.refusal;
  const auto& state = held.state;
  if (auto refusal = unknown_person(*state, route)) return *refusal;

  StoredBlock block{0, route.person, at, reason, s.now_seconds()};
  Replan out;
  if (auto failure = place_block(s, *state, route.program, block, false, out)) return *failure;
  auto r = json_response(201, adopt(*state, out, block));
  r.headers.emplace_back("Location", "/api/programs/" + route.program + "/people/" + route.person +
                                         "/blocks/" + std::to_string(block.id));
  return r;
}

Response delete_block(ServiceState& s, const Request&, const Route& route) {
  const auto id = parse_id(route.item);
  const auto held = s.hold_program(route);
  if (held.refusal) return *held.refusal;
  const auto& state = held.state;
  if (auto refusal = unknown_person(*state, route)) return *refusal;
  Replan out;
  StoredBlock block;
  if (auto failure = lift_block(s, *state, route.program, route.person, id, out, block)) {
    if (failure->status == 404)
      return error_response(404, "no block \"" + std::string(route.item) + "\" of " + route.person,
                            "block");
    return *failure;
  }
  return json_response(200, adopt(*state, out, block));
}

}  // namespace mentorcal::daemon::handlers

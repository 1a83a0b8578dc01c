// Placing and lifting a block, shared by the API (blocks.cpp) and the personal page's forms
// (pages.cpp). Each runs with the program's `writing` lock held and the program loaded.
//
//   Replan out;
//   if (auto failure = place_block(s, state, program_id, block, false, out)) return *failure;
//   auto answer = adopt(state, out, block);  // the feeds change; the answer's JSON
#pragma once

#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "mentorcal/replan.hpp"
#include "service_state.hpp"

namespace mentorcal::daemon::handlers {

// What re-planning one person's series did: the changes and the pairs and feeds to store,
// and what `undo` needs to put the program and schedule back if storing fails.
struct Replan {
  bool replanned = false;  // false while the schedule waits for a pass (after a PUT)
  std::vector<Replanned> changes;
  std::map<std::size_t, std::string> pairs_json;
  std::vector<std::pair<std::string, std::shared_ptr<const Feed>>> feeds, plain_feeds;
  std::vector<StoredFeed> stored_feeds;
  nlohmann::json changes_json = nlohmann::json::array();
  nlohmann::json below_min_held = nlohmann::json::array();
  std::vector<Interval> old_busy;
  std::map<std::size_t, PairResult> old_pairs;
};

// Re-plans `block.person_id`'s series around `block` and, unless `dry_run`, stores it (its id
// set) with what it changed; a preview puts everything back. `writing` held.
std::optional<Response> place_block(ServiceState& s, ProgramState& state,
                                    const std::string& program_id, StoredBlock& block, bool dry_run,
                                    Replan& out);

// Removes the block `id` of `person` (into `removed`) and re-plans their series. A 404 when
// they have no such block. `writing` held.
std::optional<Response> lift_block(ServiceState& s, ProgramState& state,
                                   const std::string& program_id, const std::string& person,
                                   std::optional<std::int64_t> id, Replan& out,
                                   StoredBlock& removed);

// Makes a stored re-plan visible: both parties' feeds change before the response is sent.
nlohmann::json adopt(ProgramState& state, Replan& replan, const StoredBlock& block);

}  // namespace mentorcal::daemon::handlers

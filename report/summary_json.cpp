#include <nlohmann/json.hpp>

#include "mentorcal/report.hpp"
#include "people_index.hpp"

namespace mentorcal {

std::string summary_json(const Program& program, const Schedule& schedule,
                         const PassSummary& summary, const std::vector<SeriesChange>& changes) {
  using Json = nlohmann::ordered_json;
  const PeopleIndex people(program);
  Json out;
  out["program"] = program.id;
  out["name"] = program.name;
  out["outcome"] = schedule.outcome == PassOutcome::complete ? "complete" : "time_limit";
  out["pairs"] = summary.pairs;
  out["scheduled"] = summary.scheduled;
  out["held"] = summary.held;
  out["moved"] = summary.moved;
  out["skipped"] = summary.skipped;
  out["cancelled"] = summary.cancelled;
  out["mentors_at_limit"] = Json::array();
  for (const auto& id : summary.mentors_at_limit)
    out["mentors_at_limit"].push_back({{"id", id}, {"name", people.name(id)}});
  out["zones"] = Json::array();
  for (const auto& z : summary.zones)
    out["zones"].push_back({{"zone", z.zone},
                            {"sessions", z.sessions},
                            {"near_edge", z.near_edge},
                            {"mean_margin_minutes", z.mean_margin}});
  out["unscheduled"] = Json::array();
  for (const auto& r : schedule.pairs) {
    if (r.series) continue;
    out["unscheduled"].push_back({{"mentor", r.mentor_id},
                                  {"mentor_name", people.name(r.mentor_id)},
                                  {"mentee", r.mentee_id},
                                  {"mentee_name", people.name(r.mentee_id)},
                                  {"reasons", r.reasons},
                                  {"relaxation", r.relaxation}});
  }
  out["changes"] = Json::array();
  for (const auto& c : changes) {
    Json change{{"change", change_kind_name(c.kind)},
                {"uid", c.uid},
                {"mentor", c.mentor_id},
                {"mentor_name", people.name(c.mentor_id)},
                {"mentee", c.mentee_id},
                {"mentee_name", people.name(c.mentee_id)}};
    if (!c.before.empty()) change["before"] = c.before;
    if (!c.after.empty()) change["after"] = c.after;
    if (!c.why.empty()) change["why"] = c.why;
    out["changes"].push_back(change);
  }
  return out.dump(2) + "\n";
}

}  // namespace mentorcal

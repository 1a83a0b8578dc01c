// GET /programs/{id}/report.html, sessions.csv and load.csv: the published schedule's report and
// CSV files, as `mentorcal schedule` writes them, for the coordinator.
#include "handlers/handlers.hpp"
#include "handlers/pages.hpp"
#include "mentorcal/report.hpp"

namespace mentorcal::daemon::handlers {
namespace {

// report.html, sessions.csv or load.csv of the published schedule, as `mentorcal schedule`
// writes them, with `writing` held and the program loaded.
Response published_file(ProgramState& state, const Route& route) {
  if (!state.published)
    return message_page(404, "Nothing is published yet",
                        "Run a pass and publish it: the report and the CSV files are of the "
                        "published schedule.");
  if (!state.schedule_current)
    return message_page(409, "The published schedule is out of date",
                        "The program was imported again after it. Run a pass and publish it.");
  const auto& program = *state.program;
  const auto& schedule = *state.published;
  if (route.item == "report.html") {
    const auto changes = schedule.changes.value_or(std::vector<SeriesChange>{});
    return html_response(
        200,
        report_html(program, schedule, state.published_summary(), tally(program, schedule), changes,
                    schedule.changes.has_value()),
        web::kReportContentSecurityPolicy);
  }
  const bool sessions = route.item == "sessions.csv";
  Response r;
  r.status = 200;
  // A program id is a-z, 0-9 and -: nothing to quote in the file name.
  r.headers = {{"Content-Type", "text/csv; charset=utf-8"},
               {"Content-Disposition",
                "attachment; filename=\"" + program.id + "-" + std::string(route.item) + "\""},
               {"Referrer-Policy", "no-referrer"},
               {"X-Content-Type-Options", "nosniff"},
               {"Cache-Control", "no-store"}};
  r.body = std::make_shared<const std::string>(sessions ? sessions_csv(program, schedule)
                                                        : load_csv(tally(program, schedule)));
  return r;
}

}  // namespace

Response download(ServiceState& s, const Request&, const Route& route, const web::SignedIn&,
                  Form&) {
  return with_console_program(s, route,
                              [&](ProgramState& state) { return published_file(state, route); });
}

}  // namespace mentorcal::daemon::handlers

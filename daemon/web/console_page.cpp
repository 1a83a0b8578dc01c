#include "console_page.hpp"

#include <algorithm>
#include <array>
#include <map>
#include <string_view>
#include <unordered_map>

#include "html.hpp"

namespace mentorcal::daemon::web {
namespace {

std::string csrf_field(const std::string& csrf) {
  return "<input type=\"hidden\" name=\"csrf\" value=\"" + html_escape(csrf) + "\">";
}

std::string sign_out(const std::string& csrf) {
  return "<form method=\"post\" action=\"/signout\" class=\"signout\">" + csrf_field(csrf) +
         "<button type=\"submit\" class=\"link\">Sign out</button></form>";
}

std::string summary_table(const PassSummary& s) {
  std::string html = "<table class=\"summary\"><tbody>\n";
  const auto row = [&](const char* label, long long value) {
    html += std::string("<tr><th scope=\"row\">") + label + "</th><td>" + std::to_string(value) +
            "</td></tr>\n";
  };
  row("Pairs", s.pairs);
  row("Pairs scheduled", s.scheduled);
  row("Sessions held at their series time", s.held);
  row("Sessions moved within their week", s.moved);
  row("Sessions skipped", s.skipped);
  row("Series cancelled since the previous pass", s.cancelled);
  row("Mentors at a limit", static_cast<long long>(s.mentors_at_limit.size()));
  return html + "</tbody></table>\n";
}

// The program's people by id, made once per page.
using PeopleById = std::unordered_map<std::string_view, const Person*>;

PeopleById people_by_id(const Program& program) {
  PeopleById people;
  for (const auto& p : program.people) people.emplace(p.id, &p);
  return people;
}

std::string name_and_id(const PeopleById& people, const std::string& id) {
  const auto it = people.find(id);
  return it != people.end() ? html_escape(it->second->name) + " <span class=\"hint\">(" +
                                  html_escape(id) + ")</span>"
                            : html_escape(id);
}

// Rows of a list longer than a page can usefully show are cut here, with a line saying so.
constexpr std::size_t kMaxRows = 200;

std::string unplaced_section(const ConsolePage& page, const PeopleById& people) {
  std::string html =
      "<section aria-labelledby=\"unplaced\"><h2 id=\"unplaced\">Unplaced pairs</h2>\n";
  std::string rows;
  std::size_t unplaced = 0;
  for (const auto& r : page.schedule->pairs) {
    if (r.series || ++unplaced > kMaxRows) continue;
    rows += "<tr><td>" + name_and_id(people, r.mentor_id) + "</td><td>" +
            name_and_id(people, r.mentee_id) + "</td><td><ul>";
    for (const auto& reason : r.reasons) rows += "<li>" + html_escape(reason) + "</li>";
    rows += "</ul></td><td>" + html_escape(r.relaxation) + "</td></tr>\n";
  }
  if (rows.empty()) return html + "<p>Every pair is placed.</p>\n</section>\n";
  return html +
         "<table class=\"unplaced\"><thead><tr><th scope=\"col\">Mentor</th><th "
         "scope=\"col\">Mentee</th><th scope=\"col\">Why not</th><th scope=\"col\">What "
         "would place it</th></tr></thead><tbody>\n" +
         rows + "</tbody></table>\n" +
         (unplaced > kMaxRows
              ? "<p>The first " + std::to_string(kMaxRows) + " of " + std::to_string(unplaced) +
                    " unplaced pairs; the pass's schedule.json lists them all.</p>\n"
              : std::string()) +
         "</section>\n";
}

std::string alerts_section(const ConsolePage& page, const PeopleById& people) {
  const auto& program = *page.program;
  std::string items;
  for (std::size_t i = 0; i < page.schedule->pairs.size(); ++i) {
    const auto& r = page.schedule->pairs[i];
    if (!r.series || !below_min_held(program.pairs[i], *r.series)) continue;
    items += "<li class=\"alert\">" + name_and_id(people, r.mentor_id) + " and " +
             name_and_id(people, r.mentee_id) + " hold " + std::to_string(r.series->held_count()) +
             " of " + std::to_string(r.series->occurrences.size()) +
             " sessions, below the pair's minimum; blocks took the rest.</li>\n";
  }
  std::string html = "<section aria-labelledby=\"alerts\"><h2 id=\"alerts\">Alerts</h2>\n";
  if (items.empty()) return html + "<p>No series is below its minimum.</p>\n</section>\n";
  return html + "<ul class=\"alerts\">\n" + items + "</ul>\n</section>\n";
}

// One mentor's minutes per ISO week (their zone) as bars, with their weekly limit as a line.
std::string load_chart(const Person& mentor, const std::map<LocalDay, long long>& weeks) {
  constexpr int kBar = 14, kGap = 4, kHeight = 90, kLeft = 34, kTop = 8, kBottom = 18;
  long long top = 60;
  for (const auto& [week, minutes] : weeks) top = std::max(top, minutes);
  const auto limit = mentor.limits.max_minutes_per_week;
  if (limit) top = std::max<long long>(top, *limit);
  const int width = kLeft + static_cast<int>(weeks.size()) * (kBar + kGap) + kGap;
  const auto y = [&](long long minutes) {
    return kTop + kHeight - static_cast<int>(minutes * kHeight / top);
  };
  std::string svg =
      "<svg class=\"chart\" role=\"img\" width=\"" + std::to_string(width) + "\" height=\"" +
      std::to_string(kTop + kHeight + kBottom) + "\" viewBox=\"0 0 " + std::to_string(width) + " " +
      std::to_string(kTop + kHeight + kBottom) + "\" aria-label=\"" + html_escape(mentor.name) +
      ": minutes per week" + (limit ? ", limit " + std::to_string(*limit) : std::string()) + "\">";
  svg += "<text x=\"0\" y=\"" + std::to_string(kTop + 8) + "\">" + std::to_string(top) +
         "</text><text x=\"0\" y=\"" + std::to_string(kTop + kHeight) + "\">0</text>";
  int x = kLeft + kGap;
  for (const auto& [week, minutes] : weeks) {
    const bool over = limit && minutes > *limit;
    svg += "<rect class=\"" + std::string(over ? "over" : "bar") + "\" x=\"" + std::to_string(x) +
           "\" y=\"" + std::to_string(y(minutes)) + "\" width=\"" + std::to_string(kBar) +
           "\" height=\"" + std::to_string(kTop + kHeight - y(minutes)) + "\"><title>Week of " +
           format_day(week) + ": " + std::to_string(minutes) + " min</title></rect>";
    x += kBar + kGap;
  }
  if (limit)
    svg += "<line class=\"limit\" x1=\"" + std::to_string(kLeft) + "\" x2=\"" +
           std::to_string(width) + "\" y1=\"" + std::to_string(y(*limit)) + "\" y2=\"" +
           std::to_string(y(*limit)) + "\"/>";
  svg += "<text x=\"" + std::to_string(kLeft) + "\" y=\"" +
         std::to_string(kTop + kHeight + kBottom - 4) + "\">" +
         (weeks.empty() ? std::string() : format_day(weeks.begin()->first)) + "</text>";
  return svg + "</svg>";
}

// "People 101 to 200 of 40000", with links to the pages before and after, when there are more
// people than one page holds.
std::string people_pages(const ConsolePage& page) {
  const auto total = page.program->people.size();
  constexpr auto per = ConsolePage::kPeoplePerPage;
  if (total <= per) return {};
  const auto last = std::min(total, page.first_person + per);
  std::string html = "<nav class=\"views\"><span>People " + std::to_string(page.first_person + 1) +
                     " to " + std::to_string(last) + " of " + std::to_string(total) + "</span> ";
  const auto link = [&](std::size_t first, const char* label) {
    html += "<a href=\"/programs/" + html_escape(page.program->id) +
            "?people=" + std::to_string(first / per + 1) + "\">" + label + "</a> ";
  };
  if (page.first_person > 0) link(page.first_person - per, "Previous people");
  if (last < total) link(last, "Next people");
  return html + "</nav>\n";
}

std::string load_section(const ConsolePage& page) {
  const auto& program = *page.program;
  std::map<std::size_t, std::map<LocalDay, long long>> by_mentor;  // person index → week → min
  const auto shown = [&](std::size_t person) {
    return person >= page.first_person && person < page.first_person + ConsolePage::kPeoplePerPage;
  };
  for (std::size_t i = 0; i < page.schedule->pairs.size(); ++i) {
    const auto& r = page.schedule->pairs[i];
    const auto mentor = program.pairs[i].mentor;
    if (!r.series || !shown(mentor)) continue;
    auto& weeks = by_mentor[mentor];
    for (const auto& o : r.series->occurrences)
      if (o.state != OccurrenceState::skipped)
        weeks[iso_week_start(local_day(program.people[mentor].zone, o.at.start))] +=
            o.at.length().count();
  }
  std::string html =
      "<section aria-labelledby=\"load\"><h2 id=\"load\">Mentors' load</h2>\n"
      "<p class=\"hint\">Minutes of sessions per week (Monday first, in the "
      "mentor's zone); the dashed line is the mentor's weekly limit, red bars go "
      "over it.</p>\n" +
      people_pages(page) + "<div class=\"charts\">\n";
  for (const auto& [mentor, weeks] : by_mentor) {
    const auto& person = program.people[mentor];
    html += "<figure><figcaption>" + html_escape(person.name) + " <span class=\"hint\">(" +
            html_escape(person.id) + ")</span></figcaption>" + load_chart(person, weeks) +
            "</figure>\n";
  }
  return html + "</div>\n</section>\n";
}

std::string people_section(const ConsolePage& page) {
  std::string html =
      "<section aria-labelledby=\"people\"><h2 id=\"people\">Links to send</h2>\n"
      "<p class=\"hint\">The calendar address only reads; the personal link opens "
      "the person's page, where they block time. Send each person their own.</p>\n" +
      people_pages(page) +
      "<table class=\"people\"><thead><tr><th scope=\"col\">Person</th><th "
      "scope=\"col\">Calendar address</th><th scope=\"col\">Personal link</th><th "
      "scope=\"col\">Replace</th></tr></thead><tbody>\n";
  const auto base = "/programs/" + page.program->id + "/people/";
  for (const auto& p : page.people) {
    const auto action = base + url_encode(p.person->id) + "/rotate";
    html +=
        "<tr><td>" + html_escape(p.person->name) + " <span class=\"hint\">(" +
        html_escape(p.person->id) + ", " + (p.person->role == Role::mentor ? "mentor" : "mentee") +
        ")</span></td><td class=\"mono\">" + html_escape(p.feed_url) + "</td><td class=\"mono\">" +
        html_escape(p.manage_url) + "</td><td><form method=\"post\" action=\"" +
        html_escape(action) + "\">" + csrf_field(page.csrf) +
        "<button type=\"submit\" name=\"kind\" value=\"feed\" class=\"secondary\">Calendar "
        "address</button> <button type=\"submit\" name=\"kind\" value=\"link\" "
        "class=\"secondary\">Personal link</button></form></td></tr>\n";
  }
  return html + "</tbody></table>\n</section>\n";
}

std::string pass_section(const ConsolePage& page, const PeopleById& people) {
  const auto action = "/programs/" + page.program->id + "/passes";
  std::string html = "<section aria-labelledby=\"pass\"><h2 id=\"pass\">Run a pass</h2>\n";
  if (page.proposal) {
    html += "<div class=\"preview\" id=\"preview\" tabindex=\"-1\"><h3>Proposal (pass " +
            std::to_string(*page.proposal_pass) +
            ")</h3><p>Stored, not published: no feed has changed.</p>" +
            summary_table(*page.proposal);
    if (page.proposal_changes.empty()) {
      html += "<p>It would change no one's sessions.</p>";
    } else {
      html += "<h4>What it would change, for whom</h4><ul>";
      for (std::size_t i = 0; i < page.proposal_changes.size() && i < kMaxRows; ++i) {
        const auto& c = page.proposal_changes[i];
        html += "<li>" + name_and_id(people, c.mentor_id) + " and " +
                name_and_id(people, c.mentee_id) + ": " + html_escape(c.what) + "</li>";
      }
      html += "</ul>";
      if (page.proposal_changes.size() > kMaxRows)
        html += "<p>The first " + std::to_string(kMaxRows) + " of " +
                std::to_string(page.proposal_changes.size()) + " pairs that would change.</p>";
    }
    html += "</div>\n";
  }
  html += "<form method=\"post\" action=\"" + html_escape(action) + "\">" + csrf_field(page.csrf) +
          "<p>A proposal schedules the program again and shows the result here without changing "
          "anyone's calendar. Publishing runs the pass again and sends it to every feed.</p>"
          "<div class=\"actions\"><button type=\"submit\" name=\"action\" value=\"proposal\" "
          "class=\"secondary\">Run a proposal</button> <button type=\"submit\" name=\"action\" "
          "value=\"publish\">Run and publish</button>";
  if (page.proposal)
    html += " <a class=\"button secondary\" href=\"/programs/" + html_escape(page.program->id) +
            "\">Discard the proposal</a>";
  return html + "</div></form>\n</section>\n";
}

}  // namespace

std::string render_sign_in(const std::string& error) {
  std::string body = "<h1>Sign in</h1>\n";
  if (!error.empty())
    body +=
        "<div class=\"error-summary\" role=\"alert\" tabindex=\"-1\"><h2>There is a "
        "problem</h2><ul><li><a href=\"#token\">" +
        html_escape(error) + "</a></li></ul></div>\n";
  body +=
      "<p>Mentors and mentees: open the personal link your coordinator sent you.</p>\n"
      "<form method=\"post\" action=\"/signin\"><div class=\"field" +
      std::string(error.empty() ? "" : " invalid") +
      "\"><label for=\"token\">Coordinator token</label><input id=\"token\" name=\"token\" "
      "type=\"password\" autocomplete=\"current-password\"></div><div class=\"actions\">"
      "<button type=\"submit\">Sign in</button></div></form>\n";
  return page_document("Sign in", body);
}

std::string render_program_list(const std::vector<ProgramListEntry>& programs,
                                const std::string& csrf) {
  std::string body = "<header><h1>Programs</h1>" + sign_out(csrf) + "</header>\n";
  if (programs.empty())
    return page_document("Programs", body +
                                         "<p>No program yet: import one with <code>mentorcal "
                                         "push</code>.</p>\n");
  body += "<ul class=\"sessions\">\n";
  for (const auto& p : programs) {
    body += "<li><a href=\"/programs/" + html_escape(p.id) + "\">" +
            html_escape(p.name.empty() ? p.id : p.name) + "</a> <span class=\"hint\">" +
            html_escape(p.id) + " · " + std::to_string(p.people) + " people · " +
            std::to_string(p.pairs) + " pairs · " +
            (p.published ? "published" : "no pass published yet") + "</span></li>\n";
  }
  return page_document("Programs", body + "</ul>\n");
}

std::string render_console(const ConsolePage& page) {
  const auto& program = *page.program;
  std::string body = "<header><p class=\"program\"><a href=\"/\">Programs</a></p><h1>" +
                     html_escape(program.name) + "</h1><p class=\"hint\">" +
                     html_escape(program.id) + " · " + format_day(program.start) + " to " +
                     format_day(program.end) + " · " + std::to_string(program.people.size()) +
                     " people · " + std::to_string(program.pairs.size()) + " pairs · " +
                     std::to_string(page.blocks) + " blocks</p>" + sign_out(page.csrf) +
                     "</header>\n";
  if (!page.notice.empty())
    body += "<div class=\"notice\" role=\"status\">" + html_escape(page.notice) + "</div>\n";
  body += "<section aria-labelledby=\"summary\"><h2 id=\"summary\">Published schedule</h2>\n";
  if (page.schedule) {
    body += "<p>Pass " + std::to_string(page.published_pass.value_or(0)) +
            ", with the blocks since.</p>\n" + summary_table(*page.summary) + "</section>\n";
  } else {
    body += page.waits_for_pass ? "<p>The program was re-imported after the published pass: "
                                  "feeds show the old schedule until the next pass.</p>\n"
                                : "<p>No pass is published yet.</p>\n";
    body += "</section>\n";
  }
  const auto people = people_by_id(program);
  body += pass_section(page, people);
  if (page.schedule)
    body += alerts_section(page, people) + unplaced_section(page, people) + load_section(page);
  body += people_section(page);
  body += "<section aria-labelledby=\"downloads\"><h2 id=\"downloads\">Reports and downloads</h2>";
  if (page.schedule) {
    body +=
        "<p>Of the published schedule with the blocks since: the files <code>mentorcal "
        "schedule</code> writes.</p><ul>\n";
    // File, link text, what it holds; the CSV files download, the report opens.
    constexpr std::array<std::array<std::string_view, 3>, 3> files{{
        {"report.html", "The report",
         "load, when sessions take place, unplaced pairs, hours held: a page to send on"},
        {"sessions.csv", "sessions.csv", "one row per session"},
        {"load.csv", "load.csv", "one row per person and week"},
    }};
    for (const auto& [file, text, what] : files)
      body += "<li><a href=\"/programs/" + html_escape(program.id) + "/" + std::string(file) +
              "\"" + (file.ends_with(".csv") ? " download" : "") + ">" + std::string(text) +
              "</a> <span class=\"hint\">" + std::string(what) + "</span></li>\n";
    body += "</ul>";
  } else {
    body += "<p class=\"hint\">The report and the CSV files are of the published schedule.</p>";
  }
  body += "</section>\n";
  return page_document(program.name, body);
}

}  // namespace mentorcal::daemon::web

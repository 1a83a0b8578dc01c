// report.html: one page a coordinator can send on. Everything it needs is inside it: the CSS in
// a <style>, the charts as inline SVG drawn from the same tally as load.csv, no script and no
// reference to anything outside the file, so that it reads the same from a mail attachment, a
// file share or mentorcald. Every text from the program goes through html_escape.
#include <algorithm>
#include <array>
#include <cassert>
#include <cstdio>
#include <unordered_set>

#include "mentorcal/report.hpp"
#include "mentorcal/schedule_json.hpp"
#include "people_index.hpp"

namespace mentorcal {

std::string html_escape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (const char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&#39;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

namespace {

// Above this many mentors, the load charts show those closest to their weekly limit; load.csv
// has everyone. A chart per mentor of a cohort of thousands is a page nobody reads.
constexpr std::size_t kMostLoadCharts = 150;

constexpr const char* kStyle = R"(
body{font:15px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,Helvetica,Arial,sans-serif;
color:#1f2933;margin:0;background:#f6f7f9}
main{max-width:1100px;margin:0 auto;padding:24px 32px 48px;background:#fff}
h1{font-size:26px;margin:0 0 4px}h2{font-size:20px;margin:36px 0 8px;padding-top:8px;
border-top:2px solid #e4e7eb}h3{font-size:15px;margin:16px 0 4px}
.meta,.note{color:#52606d}.note{font-size:13px}
nav ul{list-style:none;padding:0;margin:12px 0;display:flex;flex-wrap:wrap;gap:6px 18px}
nav a{color:#1d4ed8}
.cards{display:flex;flex-wrap:wrap;gap:12px;margin:12px 0}
.card{flex:1 1 0;border:1px solid #d9dee4;border-radius:6px;padding:10px 14px;min-width:130px}
.card b{display:block;font-size:24px}
table{border-collapse:collapse;margin:8px 0;width:100%}
th,td{text-align:left;vertical-align:top;padding:5px 8px;border-bottom:1px solid #e4e7eb}
th{background:#f1f3f5;font-weight:600}td.n,th.n{text-align:right;white-space:nowrap}
.id{color:#52606d;font-size:13px}
.mentor{display:grid;grid-template-columns:230px 1fr auto;gap:8px 16px;align-items:center;
padding:8px 0;border-bottom:1px solid #eef0f2}
.zone{display:grid;grid-template-columns:230px auto 1fr;gap:8px 16px;align-items:center;
padding:8px 0;border-bottom:1px solid #eef0f2}
svg{display:block}svg text{font:11px system-ui,sans-serif;fill:#52606d}
.legend{font-size:13px;color:#52606d}.sw{display:inline-block;width:10px;height:10px;
margin:0 4px 0 12px;vertical-align:baseline}
ul.reasons{margin:0;padding-left:18px}
table.unplaced td:nth-child(-n+2){width:15%}table.unplaced td:nth-child(4){width:27%}
@media print{body{background:#fff}main{padding:0}h2{break-after:avoid}
.mentor,.zone,tr{break-inside:avoid}}
)";

constexpr const char* kBar = "#3b82f6";
constexpr const char* kFull = "#d97706";
constexpr const char* kLimit = "#dc2626";

// "1 session", "2 sessions".
std::string sessions_text(int n) {
  return std::to_string(n) + (n == 1 ? " session" : " sessions");
}

std::string number(double value, int decimals) {
  char text[32];
  std::snprintf(text, sizeof text, "%.*f", decimals, value);
  return text;
}

// "12 h 45 min", "45 min", "3 h": exact, as the CSV's minutes are.
std::string duration_text(Minutes m) {
  const auto h = m.count() / 60;
  const auto rest = m.count() % 60;
  if (h == 0) return std::to_string(rest) + " min";
  return std::to_string(h) + " h" + (rest ? " " + std::to_string(rest) + " min" : "");
}

// "Ana Ruiz <span class=id>m-01</span>", or the id alone for someone no longer in the program.
std::string person_html(const PeopleIndex& people, std::string_view id) {
  const Person* p = people.find(id);
  if (!p) return "<span class=id>" + html_escape(id) + "</span>";
  return html_escape(p->name) + " <span class=id>" + html_escape(id) + "</span>";
}

// A bar chart: one bar per value, an optional dashed limit line, a label under some bars and a
// tooltip (<title>) on each. Values and limit share one scale.
struct Bars {
  std::vector<double> values;
  std::vector<std::string> labels;    // under the bar; empty for none
  std::vector<std::string> tooltips;  // one per bar
  std::optional<double> limit;
  int width = 520;
  int height = 90;
  std::string description;  // aria-label
};

std::string bar_chart(const Bars& chart) {
  const int bottom = chart.height - 16;
  const int top = 6;
  double scale = chart.limit.value_or(0);
  for (const double v : chart.values) scale = std::max(scale, v);
  if (scale <= 0) scale = 1;
  const double slot =
      static_cast<double>(chart.width - 30) / std::max<std::size_t>(1, chart.values.size());
  const double bar = std::max(2.0, slot * 0.72);
  const auto y_of = [&](double v) { return bottom - (bottom - top) * v / scale; };
  std::string svg = "<svg width=\"" + std::to_string(chart.width) + "\" height=\"" +
                    std::to_string(chart.height) + "\" role=\"img\" aria-label=\"" +
                    html_escape(chart.description) + "\">";
  svg += "<line x1=\"30\" x2=\"" + std::to_string(chart.width) + "\" y1=\"" +
         std::to_string(bottom) + "\" y2=\"" + std::to_string(bottom) + "\" stroke=\"#9aa5b1\"/>";
  svg += "<text x=\"26\" y=\"" + number(top + 8, 0) + "\" text-anchor=\"end\">" + number(scale, 0) +
         "</text>";
  for (std::size_t i = 0; i < chart.values.size(); ++i) {
    const double v = chart.values[i];
    const double x = 30 + slot * static_cast<double>(i) + (slot - bar) / 2;
    const bool full = chart.limit && v >= *chart.limit && v > 0;
    svg += "<rect x=\"" + number(x, 1) + "\" y=\"" + number(y_of(v), 1) + "\" width=\"" +
           number(bar, 1) + "\" height=\"" + number(bottom - y_of(v), 1) + "\" fill=\"" +
           (full ? kFull : kBar) + "\"><title>" + html_escape(chart.tooltips[i]) +
           "</title></rect>";
    if (!chart.labels[i].empty())
      svg += "<text x=\"" + number(x + bar / 2, 1) + "\" y=\"" + std::to_string(chart.height - 3) +
             "\" text-anchor=\"middle\">" + html_escape(chart.labels[i]) + "</text>";
  }
  if (chart.limit) {
    const auto y = number(y_of(*chart.limit), 1);
    svg += "<line x1=\"30\" x2=\"" + std::to_string(chart.width) + "\" y1=\"" + y + "\" y2=\"" + y +
           "\" stroke=\"" + kLimit + "\" stroke-dasharray=\"4 3\"/>";
  }
  return svg + "</svg>";
}

const char* const kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                               "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};

// The ISO weeks and months the term touches.
std::vector<LocalDay> term_weeks(const Program& program) {
  std::vector<LocalDay> weeks;
  for (LocalDay w = iso_week_start(program.start); w <= program.end; w += date::weeks{1})
    weeks.push_back(w);
  return weeks;
}

std::vector<LocalDay> term_months(const Program& program) {
  std::vector<LocalDay> months;
  for (date::year_month m{date::year_month_day{program.start}.year(),
                          date::year_month_day{program.start}.month()};
       LocalDay{m / 1} <= program.end; m += date::months{1})
    months.push_back(LocalDay{m / 1});
  return months;
}

Tally tally_at(const std::map<LocalDay, Tally>& tallies, LocalDay key) {
  const auto it = tallies.find(key);
  return it == tallies.end() ? Tally{} : it->second;
}

std::string limit_words(const std::optional<int>& limit, const char* unit) {
  return limit ? " of " + std::to_string(*limit) + unit : std::string{unit};
}

// The highest share of their weekly minutes limit a mentor reaches (their minutes when they
// have no limit), to pick the charts of a large cohort.
double peak_weekly_share(const PersonLoad& load) {
  Minutes most{0};
  for (const auto& [week, t] : load.weeks) most = std::max(most, t.minutes);
  const auto& limit = load.person->limits.max_minutes_per_week;
  return limit && *limit > 0 ? static_cast<double>(most.count()) / *limit
                             : static_cast<double>(most.count()) / 1e6;
}

class Page {
 public:
  Page(const Program& program, const Schedule& schedule, const PassSummary& summary,
       const ReportFigures& figures, const std::vector<SeriesChange>& changes, bool had_previous)
      : program_(program),
        schedule_(schedule),
        figures_(figures),
        changes_(changes),
        had_previous_(had_previous),
        people_(program),
        summary_(summary) {}

  std::string render() {
    out_ += "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">";
    out_ += "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">";
    out_ += "<title>" + html_escape(program_.name) + ": schedule report</title>";
    out_ += "<style>" + std::string{kStyle} + "</style></head><body><main>\n";
    out_ += "<h1>" + html_escape(program_.name) + "</h1>";
    out_ += "<p class=meta>Schedule report for program <span class=id>" + html_escape(program_.id) +
            "</span>, " + format_day(program_.start) + " to " + format_day(program_.end) +
            ". Made by mentorcal " MENTORCAL_VERSION
            " from the same pass as the calendar feeds; sessions.csv and load.csv beside this "
            "page hold the same figures.</p>\n";
    out_ +=
        "<nav><ul><li><a href=\"#summary\">Summary</a><li><a href=\"#load\">Mentors' load</a>"
        "<li><a href=\"#when\">When sessions take place</a><li><a href=\"#unplaced\">Pairs not "
        "scheduled</a><li><a href=\"#changes\">Changes since the previous pass</a><li><a "
        "href=\"#hours\">Mentoring hours</a></ul></nav>\n";
    summary();
    load();
    when();
    unplaced();
    changes();
    hours();
    out_ += "</main></body></html>\n";
    return std::move(out_);
  }

 private:
  void card(const std::string& figure, const std::string& words) {
    out_ += "<div class=card><b>" + figure + "</b>" + words + "</div>";
  }

  void summary() {
    const auto& s = summary_;
    out_ += "<h2 id=summary>Summary</h2><div class=cards>";
    card(std::to_string(s.scheduled) + " of " + std::to_string(s.pairs), "pairs scheduled");
    card(std::to_string(s.held + s.moved),
         "sessions take place (" + std::to_string(s.moved) + " of them moved)");
    card(std::to_string(s.skipped), "sessions skipped");
    card(std::to_string(s.cancelled), "series cancelled");
    card(std::to_string(s.mentors_at_limit.size()), "mentors at a weekly or monthly limit");
    out_ += "</div>";
    if (schedule_.outcome == PassOutcome::time_limit)
      out_ +=
          "<p><strong>The pass was stopped by its time limit.</strong> The schedule is valid; a "
          "longer pass may place more.</p>";
    if (!s.mentors_at_limit.empty()) {
      out_ += "<p>Mentors who reach a weekly or monthly limit in at least one week or month: ";
      for (std::size_t i = 0; i < s.mentors_at_limit.size(); ++i)
        out_ += (i ? ", " : "") + person_html(people_, s.mentors_at_limit[i]);
      out_ += ".</p>";
    }
    out_ +=
        "<h3>Comfort by zone</h3><p class=note>Each session counts once for each party, in "
        "their own zone. <em>Near an edge</em>: the session starts within an hour of that "
        "person's working day's start or ends within an hour of its end. <em>Mean margin</em>: "
        "on average, how many minutes lie between the session and the nearer edge of the "
        "person's working day; more is more comfortable.</p>";
    out_ +=
        "<table><tr><th>Zone<th class=n>Attendances<th class=n>Near an edge<th class=n>Mean "
        "margin</tr>";
    for (const auto& z : s.zones)
      out_ += "<tr><td>" + html_escape(z.zone) + "<td class=n>" + std::to_string(z.sessions) +
              "<td class=n>" + (z.sessions ? std::to_string(100 * z.near_edge / z.sessions) : "0") +
              "%<td class=n>" + number(z.mean_margin, 0) + " min</tr>";
    out_ += "</table>\n";
  }

  void load() {
    const auto weeks = term_weeks(program_);
    const auto months = term_months(program_);
    // Each mentor with their peak_weekly_share, worked out once rather than at every comparison.
    std::vector<std::pair<double, const PersonLoad*>> mentors;
    for (const auto& l : figures_.people)
      if (l.person->role == Role::mentor) mentors.emplace_back(peak_weekly_share(l), &l);
    out_ += "<h2 id=load>Mentors' load against their limits</h2>";
    out_ +=
        "<p class=note>Minutes of mentoring each week (ISO weeks, Monday first) and each "
        "month, in the mentor's own zone. <span class=sw style=\"background:" +
        std::string{kBar} + "\"></span>below the limit<span class=sw style=\"background:" + kFull +
        "\"></span>at the limit<span class=sw style=\"background:" + kLimit +
        ";height:2px\"></span>the limit (max_minutes_per_week, max_minutes_per_month). Hover "
        "a bar for its figures.</p>";
    if (mentors.size() > kMostLoadCharts) {
      std::stable_sort(mentors.begin(), mentors.end(),
                       [](const auto& a, const auto& b) { return a.first > b.first; });
      out_ += "<p>The " + std::to_string(kMostLoadCharts) + " of " +
              std::to_string(mentors.size()) +
              " mentors closest to their weekly limit; load.csv has every mentor's weeks.</p>";
      mentors.resize(kMostLoadCharts);
    }
    for (const auto& ranked : mentors) {
      const auto* m = ranked.second;
      const Person& p = *m->person;
      Bars week_bars;
      week_bars.limit = p.limits.max_minutes_per_week;
      week_bars.description = "Minutes a week of " + p.name;
      for (std::size_t i = 0; i < weeks.size(); ++i) {
        const Tally t = tally_at(m->weeks, weeks[i]);
        week_bars.values.push_back(static_cast<double>(t.minutes.count()));
        const date::year_month_day ymd{weeks[i]};
        week_bars.labels.push_back(
            i % 4 == 0 ? std::string{kMonths[static_cast<unsigned>(ymd.month()) - 1]} + " " +
                             std::to_string(static_cast<unsigned>(ymd.day()))
                       : "");
        week_bars.tooltips.push_back(
            "Week of " + format_day(weeks[i]) + ": " + std::to_string(t.minutes.count()) +
            limit_words(p.limits.max_minutes_per_week, " min") + ", " + std::to_string(t.sessions) +
            limit_words(p.limits.max_sessions_per_week, " sessions"));
      }
      Bars month_bars;
      month_bars.limit = p.limits.max_minutes_per_month;
      month_bars.width = 200;
      month_bars.description = "Minutes a month of " + p.name;
      for (const auto month : months) {
        const Tally t = tally_at(m->months, month);
        const auto name = kMonths[static_cast<unsigned>(date::year_month_day{month}.month()) - 1];
        month_bars.values.push_back(static_cast<double>(t.minutes.count()));
        month_bars.labels.push_back(name);
        month_bars.tooltips.push_back(std::string{name} + ": " + std::to_string(t.minutes.count()) +
                                      limit_words(p.limits.max_minutes_per_month, " min") + ", " +
                                      sessions_text(t.sessions));
      }
      out_ += "<div class=mentor><div>" + person_html(people_, p.id) + "<br><span class=note>" +
              html_escape(p.zone.name()) + "<br>" + duration_text(m->term.minutes) + " in " +
              sessions_text(m->term.sessions) + "</span></div>" + bar_chart(week_bars) +
              bar_chart(month_bars) + "</div>\n";
    }
    std::unordered_set<const Person*> busy;
    for (const auto& l : figures_.people) busy.insert(l.person);
    std::vector<std::string> idle;
    for (const auto& p : program_.people)
      if (p.role == Role::mentor && !busy.contains(&p)) idle.push_back(person_html(people_, p.id));
    if (!idle.empty()) {
      out_ += "<p>Mentors without a session: ";
      for (std::size_t i = 0; i < idle.size(); ++i) out_ += (i ? ", " : "") + idle[i];
      out_ += ".</p>";
    }
  }

  void when() {
    static constexpr const char* kDays[] = {"Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"};
    out_ += "<h2 id=when>When sessions take place</h2>";
    out_ +=
        "<p class=note>By each party's own clock: a session counts once for the mentor's zone "
        "and once for the mentee's. Left, by weekday; right, by the hour it starts in.</p>";
    for (const auto& z : figures_.zones) {
      Bars days;
      days.width = 220;
      days.description = "Sessions by weekday in " + z.zone;
      for (std::size_t d = 0; d < 7; ++d) {
        days.values.push_back(z.by_weekday[d]);
        days.labels.push_back(kDays[d]);
        days.tooltips.push_back(std::string{kDays[d]} + ": " + sessions_text(z.by_weekday[d]));
      }
      Bars hours;
      hours.width = 560;
      hours.description = "Sessions by local starting hour in " + z.zone;
      for (std::size_t h = 0; h < 24; ++h) {
        hours.values.push_back(z.by_hour[h]);
        hours.labels.push_back(h % 3 == 0 ? (h < 10 ? "0" : "") + std::to_string(h) : "");
        hours.tooltips.push_back((h < 10 ? "0" : "") + std::to_string(h) + ":00-" +
                                 (h < 9 ? "0" : "") + std::to_string(h + 1) +
                                 ":00: " + sessions_text(z.by_hour[h]));
      }
      int total = 0;
      for (const int n : z.by_weekday) total += n;
      out_ += "<div class=zone><div>" + html_escape(z.zone) + "<br><span class=note>" +
              std::to_string(total) + " attendances</span></div>" + bar_chart(days) +
              bar_chart(hours) + "</div>\n";
    }
  }

  void unplaced() {
    out_ += "<h2 id=unplaced>Pairs not scheduled</h2>";
    std::string rows;
    int count = 0;
    for (const auto& r : schedule_.pairs) {
      if (r.series) continue;
      ++count;
      rows += "<tr><td>" + person_html(people_, r.mentor_id) + "<td>" +
              person_html(people_, r.mentee_id) + "<td><ul class=reasons>";
      for (const auto& reason : r.reasons) rows += "<li>" + html_escape(reason);
      rows += "</ul><td>" +
              (r.relaxation.empty() ? std::string{"<span class=note>no single change found</span>"}
                                    : html_escape(r.relaxation)) +
              "</tr>";
    }
    if (count == 0) {
      out_ += "<p>Every pair is scheduled.</p>";
      return;
    }
    out_ += "<p>" + std::to_string(count) + (count == 1 ? " pair" : " pairs") +
            " could not be placed. Each reason is what stood in the way, most decisive first; "
            "the last column is the smallest change to the program that places the pair.</p>";
    out_ +=
        "<table><tr><th>Mentor<th>Mentee<th>Why<th>What would place it</tr>" + rows + "</table>\n";
  }

  void changes() {
    out_ += "<h2 id=changes>Changes since the previous pass</h2>";
    if (!had_previous_) {
      out_ +=
          "<p>This pass was not given a previous one (<code>--previous</code>): every series is "
          "new.</p>";
      return;
    }
    std::array<int, 5> counts{};
    std::string rows;
    for (const auto& c : changes_) {
      ++counts[static_cast<std::size_t>(c.kind)];
      if (c.kind == SeriesChange::Kind::kept) continue;
      rows +=
          std::string{"<tr><td>"} + change_kind_name(c.kind) + "<td>" +
          person_html(people_, c.mentor_id) + " / " + person_html(people_, c.mentee_id) + "<td>" +
          (c.before.empty() ? std::string{"<span class=note>none</span>"} : html_escape(c.before)) +
          "<td>" +
          (c.after.empty() ? std::string{"<span class=note>no longer scheduled</span>"}
                           : html_escape(c.after)) +
          "<td>" + html_escape(c.why) + "</tr>";
    }
    out_ += "<p>" + std::to_string(counts[0]) + " series kept as they were, " +
            std::to_string(counts[1]) + " with exceptions planned again, " +
            std::to_string(counts[2]) + " re-timed, " + std::to_string(counts[3]) + " new, " +
            std::to_string(counts[4]) + " cancelled.</p>";
    if (!rows.empty())
      out_ += "<table><tr><th>Change<th>Pair<th>Before<th>Now<th>Why</tr>" + rows + "</table>\n";
  }

  void hours() {
    std::vector<const PersonLoad*> mentors;
    for (const auto& l : figures_.people)
      if (l.person->role == Role::mentor) mentors.push_back(&l);
    std::stable_sort(mentors.begin(), mentors.end(), [](const auto* a, const auto* b) {
      return a->term.minutes > b->term.minutes;
    });
    out_ += "<h2 id=hours>Mentoring hours held</h2>";
    out_ +=
        "<p class=note>Each mentor's sessions that take place in the term (held or moved), for "
        "recognition. The sum of the sessions' lengths in the mentor's own calendar feed.</p>";
    if (mentors.empty()) {
      out_ += "<p>No session takes place.</p>";
      return;
    }
    const int row = 22;
    const int label = 300;
    const int width = 1000;
    const double most = static_cast<double>(mentors.front()->term.minutes.count());
    out_ += "<svg width=\"" + std::to_string(width) + "\" height=\"" +
            std::to_string(row * static_cast<int>(mentors.size()) + 4) +
            "\" role=\"img\" aria-label=\"Mentoring hours held per mentor\">";
    for (std::size_t i = 0; i < mentors.size(); ++i) {
      const auto& m = *mentors[i];
      const int y = row * static_cast<int>(i);
      const double length =
          most > 0 ? (width - label - 170) * static_cast<double>(m.term.minutes.count()) / most : 0;
      const std::string who = m.person->name + " (" + m.person->id + ")";
      out_ += "<text x=\"" + std::to_string(label - 8) + "\" y=\"" + std::to_string(y + 15) +
              "\" text-anchor=\"end\" style=\"font-size:13px;fill:#1f2933\">" + html_escape(who) +
              "</text>";
      out_ += "<rect x=\"" + std::to_string(label) + "\" y=\"" + std::to_string(y + 4) +
              "\" width=\"" + number(length, 1) + "\" height=\"15\" fill=\"" + kBar + "\"><title>" +
              html_escape(who) + ": " + duration_text(m.term.minutes) + "</title></rect>";
      out_ += "<text x=\"" + number(label + length + 6, 1) + "\" y=\"" + std::to_string(y + 15) +
              "\" style=\"font-size:13px\">" + duration_text(m.term.minutes) + ", " +
              sessions_text(m.term.sessions) + "</text>";
    }
    out_ += "</svg>\n";
  }

  const Program& program_;
  const Schedule& schedule_;
  const ReportFigures& figures_;
  const std::vector<SeriesChange>& changes_;
  bool had_previous_;
  PeopleIndex people_;
  const PassSummary& summary_;
  std::string out_;
};

}  // namespace

std::string report_html(const Program& program, const Schedule& schedule,
                        const PassSummary& summary, const ReportFigures& figures,
                        const std::vector<SeriesChange>& changes, bool had_previous) {
  return Page(program, schedule, summary, figures, changes, had_previous).render();
}

}  // namespace mentorcal

#include "personal_page.hpp"

#include <algorithm>
#include <cmath>
#include <map>

#include "html.hpp"

namespace mentorcal::daemon::web {
namespace {

constexpr const char* kWeekdays[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
constexpr const char* kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                   "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};

// "Mon 1 Mar 2027".
std::string day_text(LocalDay day) {
  const date::year_month_day ymd{day};
  return std::string(kWeekdays[date::weekday{day}.c_encoding()]) + " " +
         std::to_string(static_cast<unsigned>(ymd.day())) + " " +
         kMonths[static_cast<unsigned>(ymd.month()) - 1] + " " +
         std::to_string(static_cast<int>(ymd.year()));
}

// "09:05".
std::string clock_text(LocalMinute t) {
  const auto minutes = (t - date::floor<date::days>(t)).count();
  const auto two = [](long long n) { return std::string{char('0' + n / 10), char('0' + n % 10)}; };
  return two(minutes / 60) + ":" + two(minutes % 60);
}

std::string when_text(const Zone& zone, Instant t) {
  const auto local = zone.to_local(t);
  return day_text(date::floor<date::days>(local)) + " " + clock_text(local);
}

// "Tue 15:00 (Europe/London)": the other party's reading of the same instant.
std::string their_time(const Person& other, Instant t) {
  const auto local = other.zone.to_local(t);
  const LocalDay day = date::floor<date::days>(local);
  return std::string(kWeekdays[date::weekday{day}.c_encoding()]) + " " + clock_text(local) + " (" +
         std::string(other.zone.name()) + ")";
}

// One occurrence that takes place, as the page lists it.
struct Item {
  Interval at;
  const SessionSeries* session = nullptr;
  bool moved = false;
};

std::vector<Item> upcoming(const PersonalPage& page, LocalDay from) {
  std::vector<Item> items;
  for (const auto& s : page.sessions)
    for (const auto& o : s.series->occurrences) {
      if (o.state == OccurrenceState::skipped) continue;
      if (local_day(page.me->zone, o.at.start) < from) continue;
      items.push_back({o.at, &s, o.state == OccurrenceState::moved});
    }
  std::sort(items.begin(), items.end(),
            [](const Item& a, const Item& b) { return a.at.start < b.at.start; });
  return items;
}

const SessionSeries* series_of(const PersonalPage& page, const std::string& uid) {
  for (const auto& s : page.sessions)
    if (s.series->uid == uid) return &s;
  return nullptr;
}

std::string with_whom(const SessionSeries& s) {
  return "<span class=\"who\">" + html_escape(s.other->name) + "</span>";
}

std::string session_line(const PersonalPage& page, const Item& item) {
  const auto& zone = page.me->zone;
  std::string html = "<li><time>" + html_escape(when_text(zone, item.at.start)) + "–" +
                     html_escape(clock_text(zone.to_local(item.at.end))) + "</time> with " +
                     with_whom(*item.session) + " <span class=\"their\">their time " +
                     html_escape(their_time(*item.session->other, item.at.start)) + "</span>";
  if (item.moved) html += " <span class=\"tag\">moved</span>";
  if (!item.session->pair->focus.empty())
    html += "<br><span class=\"focus\">" + html_escape(item.session->pair->focus) + "</span>";
  return html + "</li>\n";
}

std::string sessions_section(const PersonalPage& page, const std::vector<Item>& items,
                             LocalDay from) {
  std::string html =
      "<section aria-labelledby=\"sessions\">\n<h2 id=\"sessions\">Your sessions</h2>\n";
  html += "<p class=\"hint\">From " + html_escape(day_text(from)) + ", in your time zone (" +
          html_escape(page.me->zone.name()) + ").</p>\n";
  if (items.empty()) return html + "<p>No sessions from today on.</p>\n</section>\n";
  html += "<ul class=\"sessions\">\n";
  for (const auto& item : items) html += session_line(page, item);
  return html + "</ul>\n</section>\n";
}

// The week or month view: a grid of days, Monday first, each with its sessions.
std::string calendar_section(const PersonalPage& page, const std::vector<Item>& items,
                             LocalDay today) {
  const LocalDay from = page.at.value_or(today);
  const auto& zone = page.me->zone;
  LocalDay first, last;
  std::string title;
  LocalDay previous, next;
  if (page.month) {
    const auto start = month_start(from);
    const date::year_month_day ymd{start};
    first = iso_week_start(start);
    const LocalDay after = LocalDay{ymd.year() / ymd.month() / date::last} + date::days{1};
    last = iso_week_start(after - date::days{1}) + date::days{7};
    title = std::string(kMonths[static_cast<unsigned>(ymd.month()) - 1]) + " " +
            std::to_string(static_cast<int>(ymd.year()));
    previous = month_start(start - date::days{1});
    next = after;
  } else {
    first = iso_week_start(from);
    last = first + date::days{7};
    title = "Week of " + day_text(first);
    previous = first - date::days{7};
    next = last;
  }
  const std::string view = page.month ? "month" : "week";
  std::string html = "<section aria-labelledby=\"calendar\">\n<h2 id=\"calendar\">" +
                     html_escape(title) + "</h2>\n<nav class=\"views\">";
  html += "<a href=\"/me?view=" + view + "&amp;at=" + format_day(previous) + "\">Previous</a> ";
  html += "<a href=\"/me?view=" + view + "&amp;at=" + format_day(next) + "\">Next</a> ";
  html += page.month ? "<a href=\"/me?view=week&amp;at=" + format_day(from) + "\">Week view</a>"
                     : "<a href=\"/me?view=month&amp;at=" + format_day(from) + "\">Month view</a>";
  html += "</nav>\n<table class=\"grid\">\n<thead><tr>";
  for (int d = 1; d <= 7; ++d)
    html += std::string("<th scope=\"col\">") + kWeekdays[d % 7] + "</th>";
  html += "</tr></thead>\n<tbody>\n";
  std::map<LocalDay, std::vector<const Item*>> by_day;
  for (const auto& item : items) by_day[local_day(zone, item.at.start)].push_back(&item);
  for (LocalDay week = first; week < last; week += date::days{7}) {
    html += "<tr>";
    for (int d = 0; d < 7; ++d) {
      const LocalDay day = week + date::days{d};
      const date::year_month_day ymd{day};
      html +=
          "<td><span class=\"day\">" + std::to_string(static_cast<unsigned>(ymd.day())) + "</span>";
      if (const auto it = by_day.find(day); it != by_day.end())
        for (const auto* item : it->second)
          html += "<span class=\"slot\">" + clock_text(zone.to_local(item->at.start)) + " " +
                  html_escape(item->session->other->name) + "</span>";
      html += "</td>";
    }
    html += "</tr>\n";
  }
  return html + "</tbody>\n</table>\n</section>\n";
}

std::string meter(long long value, std::optional<int> limit, const std::string& unit) {
  std::string html = std::to_string(value) + " " + unit;
  if (!limit) return html;
  html += " of " + std::to_string(*limit) + " <meter min=\"0\" max=\"" + std::to_string(*limit) +
          "\" high=\"" + std::to_string(*limit) + "\" value=\"" + std::to_string(value) + "\">" +
          std::to_string(value) + "/" + std::to_string(*limit) + "</meter>";
  return html;
}

// The held sessions per ISO week and per month, in the person's zone, against their limits.
std::string load_section(const PersonalPage& page, const std::vector<Item>& items) {
  const auto& limits = page.me->limits;
  struct Load {
    int sessions = 0;
    long long minutes = 0;
  };
  std::map<LocalDay, Load> weeks, months;
  for (const auto& item : items) {
    const auto day = local_day(page.me->zone, item.at.start);
    for (auto* load : {&weeks[iso_week_start(day)], &months[month_start(day)]}) {
      ++load->sessions;
      load->minutes += item.at.length().count();
    }
  }
  std::string html = "<section aria-labelledby=\"load\">\n<h2 id=\"load\">Your load</h2>\n";
  if (weeks.empty()) return html + "<p>No sessions ahead.</p>\n</section>\n";
  html +=
      "<table class=\"load\">\n<thead><tr><th scope=\"col\">Week of</th><th scope=\"col\">"
      "Sessions</th><th scope=\"col\">Minutes</th></tr></thead>\n<tbody>\n";
  for (const auto& [week, load] : weeks)
    html += "<tr><th scope=\"row\">" + html_escape(day_text(week)) + "</th><td>" +
            meter(load.sessions, limits.max_sessions_per_week, "") + "</td><td>" +
            meter(load.minutes, limits.max_minutes_per_week, "min") + "</td></tr>\n";
  html +=
      "</tbody>\n</table>\n<table class=\"load\">\n<thead><tr><th scope=\"col\">Month</th>"
      "<th scope=\"col\">Minutes</th></tr></thead>\n<tbody>\n";
  for (const auto& [month, load] : months) {
    const date::year_month_day ymd{month};
    html += "<tr><th scope=\"row\">" +
            std::string(kMonths[static_cast<unsigned>(ymd.month()) - 1]) + " " +
            std::to_string(static_cast<int>(ymd.year())) + "</th><td>" +
            meter(load.minutes, limits.max_minutes_per_month, "min") + "</td></tr>\n";
  }
  return html + "</tbody>\n</table>\n</section>\n";
}

std::string subscribe_section(const PersonalPage& page) {
  const auto& url = page.feed_url;
  const auto scheme_end = url.find("://");
  const std::string webcal =
      "webcal" + (scheme_end == std::string::npos ? "://" + url : url.substr(scheme_end));
  std::string html =
      "<section aria-labelledby=\"subscribe\">\n<h2 id=\"subscribe\">Subscribe to "
      "your calendar</h2>\n<p>Your calendar app keeps these sessions up to date. "
      "This address only reads your calendar: you can share it with an assistant.</p>\n"
      "<p><label for=\"feed-url\">Calendar address</label> <input id=\"feed-url\" "
      "type=\"text\" readonly value=\"" +
      html_escape(url) + "\"></p>\n<ul class=\"buttons\">\n";
  html += "<li><a class=\"button\" href=\"" + html_escape(webcal) +
          "\">Subscribe (Apple Calendar, Outlook)</a></li>\n";
  html += "<li><a class=\"button\" href=\"https://calendar.google.com/calendar/r?cid=" +
          html_escape(url_encode(webcal)) +
          "\" rel=\"noreferrer noopener\">Add to Google Calendar</a></li>\n";
  html += "<li><a class=\"button\" href=\"" + html_escape(url) +
          "\">Download the calendar file</a></li>\n";
  return html + "</ul>\n</section>\n";
}

std::string csrf_field(const PersonalPage& page) {
  return "<input type=\"hidden\" name=\"csrf\" value=\"" + html_escape(page.csrf) + "\">";
}

// A block as the form takes it: "Mon 1 Mar 2027 to Fri 5 Mar 2027" for whole days (both
// included), else both instants with their times.
std::string block_span(const Zone& zone, const Interval& at) {
  const auto start = zone.to_local(at.start), end = zone.to_local(at.end);
  const LocalDay first = date::floor<date::days>(start), after = date::floor<date::days>(end);
  if (start == LocalMinute{first} && end == LocalMinute{after} && after > first)
    return day_text(first) + " to " + day_text(after - date::days{1});
  return when_text(zone, at.start) + " to " + when_text(zone, at.end);
}

std::string blocks_section(const PersonalPage& page) {
  const auto& zone = page.me->zone;
  std::string html =
      "<section aria-labelledby=\"blocks\">\n<h2 id=\"blocks\">Your blocked time</h2>\n";
  if (page.blocks.empty()) return html + "<p>You have blocked no time.</p>\n</section>\n";
  html += "<ul class=\"blocks\">\n";
  for (const auto& b : page.blocks) {
    html += "<li><form method=\"post\" action=\"/me/blocks/" + std::to_string(b.id) + "/undo\">" +
            csrf_field(page) + html_escape(block_span(zone, b.at));
    if (!b.reason.empty()) html += " <q>" + html_escape(b.reason) + "</q>";
    html += " <button type=\"submit\">Undo</button></form></li>\n";
  }
  return html + "</ul>\n</section>\n";
}

std::string error_of(const BlockForm& form, std::string_view field) {
  for (const auto& [id, message] : form.errors)
    if (id == field) return message;
  return {};
}

std::string field(const BlockForm& form, const char* id, const char* label, const char* type,
                  const std::string& value, const char* hint) {
  const auto error = error_of(form, id);
  std::string html = std::string("<div class=\"field") + (error.empty() ? "" : " invalid") +
                     "\"><label for=\"" + id + "\">" + label + "</label>";
  if (*hint) html += std::string("<span class=\"hint\" id=\"") + id + "-hint\">" + hint + "</span>";
  if (!error.empty())
    html += std::string("<span class=\"error\" id=\"") + id + "-error\">" + html_escape(error) +
            "</span>";
  html += std::string("<input id=\"") + id + "\" name=\"" + id + "\" type=\"" + type +
          "\" value=\"" + html_escape(value) + "\"";
  if (*hint || !error.empty()) {
    html += " aria-describedby=\"";
    if (*hint) html += std::string(id) + "-hint";
    if (!error.empty()) html += std::string(*hint ? " " : "") + id + "-error";
    html += "\"";
  }
  return html + "></div>\n";
}

std::string preview_section(const PersonalPage& page) {
  const auto& form = page.form;
  const auto& zone = page.me->zone;
  std::string html = "<div class=\"preview\" id=\"preview\" tabindex=\"-1\">\n<h3>Preview</h3>\n";
  if (!form.replanned)
    return html +
           "<p>The schedule waits for the coordinator's next pass: this block will be "
           "taken into account then. Nothing moves now.</p>\n</div>\n";
  if (form.changes.empty())
    html += "<p>No session would move or be skipped.</p>\n";
  else
    html += "<ul>\n";
  for (const auto& c : form.changes) {
    const auto* s = series_of(page, c.uid);
    if (!s) continue;
    // `nominal` is a wall-clock time of the series zone, which may not be the reader's.
    const Instant was = Zone::find(s->series->zone).value_or(zone).to_instant(c.nominal);
    html += "<li>Your session with " + with_whom(*s) + " on " + html_escape(when_text(zone, was));
    if (c.after == OccurrenceState::skipped)
      html += " <strong>would be skipped</strong>";
    else
      html += " <strong>would move to " + html_escape(when_text(zone, c.at.start)) +
              "</strong> (their time " + html_escape(their_time(*s->other, c.at.start)) + ")";
    html += "</li>\n";
  }
  if (!form.changes.empty()) html += "</ul>\n";
  for (const auto& b : form.below) {
    const auto* s = series_of(page, b.uid);
    if (!s) continue;
    html += "<p class=\"warning\">Your series with " + with_whom(*s) + " would hold " +
            std::to_string(b.held) + " of " + std::to_string(b.occurrences) +
            " sessions, fewer than the program's minimum of " +
            std::to_string(static_cast<int>(std::lround(b.min_held * 100))) +
            "%. The coordinator will be told.</p>\n";
  }
  return html + "<p>Nothing is stored until you press Block.</p>\n</div>\n";
}

std::string block_form_section(const PersonalPage& page) {
  const auto& form = page.form;
  std::string html = "<section aria-labelledby=\"block\">\n<h2 id=\"block\">Block time</h2>\n";
  if (!form.errors.empty()) {
    html +=
        "<div class=\"error-summary\" role=\"alert\" tabindex=\"-1\"><h3>There is a "
        "problem</h3><ul>";
    for (const auto& [id, message] : form.errors)
      html += "<li><a href=\"#" + html_escape(id) + "\">" + html_escape(message) + "</a></li>";
    html += "</ul></div>\n";
  }
  html += "<form method=\"post\" action=\"/me/blocks\" novalidate>\n" + csrf_field(page) + "\n";
  html += "<p class=\"hint\">Dates and times in your time zone (" +
          html_escape(page.me->zone.name()) +
          "). Both days are included; leave the times empty to block whole days.</p>\n";
  html += "<div class=\"row\">" + field(form, "from", "From", "date", form.from, "") +
          field(form, "from_time", "From time (optional)", "time", form.from_time, "") + "</div>\n";
  html += "<div class=\"row\">" + field(form, "to", "To", "date", form.to, "") +
          field(form, "to_time", "To time (optional)", "time", form.to_time, "") + "</div>\n";
  html += field(form, "reason", "Reason", "text", form.reason,
                "Shown to the coordinator, not to your partners.");
  if (form.previewed && form.errors.empty()) html += preview_section(page);
  html +=
      "<div class=\"actions\"><button type=\"submit\" name=\"action\" value=\"preview\" "
      "class=\"secondary\">Preview</button> <button type=\"submit\" name=\"action\" "
      "value=\"block\">Block</button></div>\n</form>\n</section>\n";
  return html;
}

std::optional<int> parse_clock(const std::string& text) {
  if (text.size() != 5 || text[2] != ':') return std::nullopt;
  for (const int i : {0, 1, 3, 4})
    if (text[i] < '0' || text[i] > '9') return std::nullopt;
  const int h = (text[0] - '0') * 10 + (text[1] - '0'), m = (text[3] - '0') * 10 + (text[4] - '0');
  if (h > 23 || m > 59) return std::nullopt;
  return h * 60 + m;
}

}  // namespace

std::optional<Interval> block_interval(BlockForm& form, const Zone& zone) {
  const auto from = parse_day(form.from), to = parse_day(form.to);
  std::optional<int> from_time, to_time;
  if (form.from.empty())
    form.errors.emplace_back("from", "Enter the first day to block");
  else if (!from)
    form.errors.emplace_back("from", "Enter the first day as a date, like 2027-03-01");
  if (!form.from_time.empty() && !(from_time = parse_clock(form.from_time)))
    form.errors.emplace_back("from_time", "Enter the start time as hours and minutes, like 09:00");
  if (form.to.empty())
    form.errors.emplace_back("to", "Enter the last day to block");
  else if (!to)
    form.errors.emplace_back("to", "Enter the last day as a date, like 2027-03-05");
  if (!form.to_time.empty() && !(to_time = parse_clock(form.to_time)))
    form.errors.emplace_back("to_time", "Enter the end time as hours and minutes, like 17:00");
  if (form.reason.size() > 500)
    form.errors.emplace_back("reason", "Keep the reason under 500 characters");
  if (!form.errors.empty()) return std::nullopt;
  const Interval at{zone.to_instant(LocalMinute{*from} + Minutes{from_time.value_or(0)}),
                    to_time ? zone.to_instant(LocalMinute{*to} + Minutes{*to_time})
                            : zone.to_instant(LocalMinute{*to + date::days{1}})};
  if (at.end <= at.start) {
    form.errors.emplace_back("to", "The end must be after the start");
    return std::nullopt;
  }
  if (at.end - at.start > date::days{366}) {
    form.errors.emplace_back("to", "Block at most 366 days at a time");
    return std::nullopt;
  }
  return at;
}

std::string render_personal_page(const PersonalPage& page) {
  const auto& me = *page.me;
  const LocalDay from = std::max(page.today, page.program->start);
  const auto items = upcoming(page, from);
  std::string body = "<header><p class=\"program\">" + html_escape(page.program->name) +
                     "</p><h1>" + html_escape(me.name) + "</h1><p class=\"hint\">" +
                     (me.role == Role::mentor ? "Mentor" : "Mentee") + " · times in " +
                     html_escape(me.zone.name()) +
                     "</p><form method=\"post\" action=\"/signout\" class=\"signout\">" +
                     csrf_field(page) +
                     "<button type=\"submit\" class=\"link\">Sign out</button>"
                     "</form></header>\n";
  if (!page.notice.empty())
    body += "<div class=\"notice\" role=\"status\">" + html_escape(page.notice) + "</div>\n";
  body += block_form_section(page);
  body += blocks_section(page);
  body += calendar_section(page, upcoming(page, page.at.value_or(from)), from);
  body += sessions_section(page, items, from);
  body += load_section(page, items);
  body += subscribe_section(page);
  return page_document(me.name, body);
}

}  // namespace mentorcal::daemon::web

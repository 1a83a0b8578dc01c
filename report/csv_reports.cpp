// sessions.csv and load.csv: RFC 4180 (CRLF line ends, a field quoted when it holds a comma, a
// double quote or a line break, its quotes doubled), UTF-8 without a BOM. A field that a
// spreadsheet would read as a formula (it starts with = + - @, a tab or a carriage return: a
// person named "=HYPERLINK(...)") starts with a ' instead, as OWASP advises for CSV files that
// are opened in Excel or Google Sheets; nothing mentorcal writes itself starts so.
#include <algorithm>
#include <cassert>

#include "mentorcal/parallel.hpp"
#include "mentorcal/report.hpp"
#include "mentorcal/schedule_json.hpp"

namespace mentorcal {
namespace {

// One record, field by field; end() closes it.
class Record {
 public:
  explicit Record(std::string& out) : out_(out) {}
  void field(std::string_view text) {
    if (!first_) out_ += ',';
    first_ = false;
    append_field(out_, text);
  }
  // Fields already joined by joined(): the part of a record that many records repeat.
  void fields(std::string_view joined_fields) {
    if (!first_) out_ += ',';
    first_ = false;
    out_ += joined_fields;
  }
  void end() { out_ += "\r\n"; }

 private:
  static void append_field(std::string& out, std::string_view text);
  std::string& out_;
  bool first_ = true;
};

void Record::append_field(std::string& out, std::string_view text) {
  const bool formula =
      !text.empty() && std::string_view("=+-@\t\r").find(text.front()) != std::string_view::npos;
  // A plain loop: find_first_of looks each character up in the set with a call of its own.
  const auto special = [](char c) { return c == ',' || c == '"' || c == '\r' || c == '\n'; };
  if (std::none_of(text.begin(), text.end(), special)) {
    if (formula) out += '\'';
    out += text;
    return;
  }
  out += '"';
  if (formula) out += '\'';
  for (const char c : text) {
    if (c == '"') out += '"';
    out += c;
  }
  out += '"';
}

std::string joined(std::initializer_list<std::string_view> fields) {
  std::string out;
  Record record(out);
  for (const auto f : fields) record.field(f);
  return out;
}

void row(std::string& out, std::initializer_list<std::string_view> fields) {
  Record record(out);
  for (const auto f : fields) record.field(f);
  record.end();
}

// "2027-01-11": format_local's text, made without a stream (format_day's date::format sets one up
// for each call, and a large cohort's load.csv has a million rows).
std::string day_text(LocalDay day) {
  return format_local(LocalMinute{day}).substr(0, 10);
}

std::string limit_text(const std::optional<int>& limit) {
  return limit ? std::to_string(*limit) : std::string{};
}

// The ISO 8601 week of its Monday: "2027-W02".
std::string iso_week_name(LocalDay monday) {
  const date::year_month_day thursday{monday + date::days{3}};
  const LocalDay january_first{thursday.year() / date::January / 1};
  const auto week = (LocalDay{thursday} - january_first).count() / 7 + 1;
  const auto year = static_cast<int>(thursday.year());
  return std::to_string(year) + (week < 10 ? "-W0" : "-W") + std::to_string(week);
}

}  // namespace

std::string sessions_csv(const Program& program, const Schedule& schedule) {
  assert(schedule.pairs.size() == program.pairs.size() &&
         "a schedule has one result per pair, in pairs.csv order");
  // Rows are made per pair on the machine's threads (a large cohort has hundreds of thousands
  // of occurrences), then joined in pair order.
  std::vector<std::string> parts(schedule.pairs.size());
  for_each_index_in_parallel(parts.size(), [&](std::size_t i) {
    const auto& result = schedule.pairs[i];
    if (!result.series) return;
    const Person& mentor = program.mentor_of(program.pairs[i]);
    const Person& mentee = program.mentee_of(program.pairs[i]);
    std::string& out = parts[i];
    const std::string pair =
        joined({result.series->uid, mentor.id, mentor.name, mentee.id, mentee.name});
    for (const auto& occurrence : result.series->occurrences) {
      Record record(out);
      record.fields(pair);
      record.field(occurrence_state_name(occurrence.state));
      record.field(format_utc(occurrence.at.start));
      record.field(format_utc(occurrence.at.end));
      record.field(std::to_string(occurrence.at.length().count()));
      for (const Person* party : {&mentor, &mentee}) {
        const auto local = format_local(party->zone.to_local(occurrence.at.start));
        record.field(party->zone.name());
        record.field(std::string_view{local}.substr(0, 10));
        record.field(std::string_view{local}.substr(11));
      }
      record.field(occurrence.reason);
      record.end();
    }
  });
  std::string out;
  row(out, {"uid", "mentor", "mentor_name", "mentee", "mentee_name", "state", "start_utc",
            "end_utc", "minutes", "mentor_zone", "mentor_date", "mentor_time", "mentee_zone",
            "mentee_date", "mentee_time", "reason"});
  std::size_t size = out.size();
  for (const auto& part : parts) size += part.size();
  out.reserve(size);
  for (const auto& part : parts) out += part;
  return out;
}

std::string load_csv(const ReportFigures& figures) {
  // Rows are made per person on the machine's threads, then joined in people.csv order.
  std::vector<std::string> parts(figures.people.size());
  for_each_index_in_parallel(parts.size(), [&](std::size_t i) {
    const auto& load = figures.people[i];
    const Person& p = *load.person;
    const std::string who =
        joined({p.id, p.name, p.role == Role::mentor ? "mentor" : "mentee", p.zone.name()});
    const std::string limits = joined(
        {limit_text(p.limits.max_sessions_per_week), limit_text(p.limits.max_minutes_per_week)});
    for (const auto& [monday, week] : load.weeks) {
      Record record(parts[i]);
      record.fields(who);
      record.field(iso_week_name(monday));
      record.field(day_text(monday));
      record.field(std::to_string(week.sessions));
      record.field(std::to_string(week.minutes.count()));
      record.fields(limits);
      record.end();
    }
  });
  std::string out;
  row(out, {"person", "name", "role", "zone", "week", "week_start", "sessions", "minutes",
            "max_sessions_per_week", "max_minutes_per_week"});
  std::size_t size = out.size();
  for (const auto& part : parts) size += part.size();
  out.reserve(size);
  for (const auto& part : parts) out += part;
  return out;
}

}  // namespace mentorcal

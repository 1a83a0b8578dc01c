#include "mentorcal/schedule_json.hpp"

#include <algorithm>
#include <array>
#include <cassert>
#include <charconv>
#include <nlohmann/json.hpp>
#include <vector>

#include "mentorcal/parallel.hpp"

namespace mentorcal {
namespace {

using Json = nlohmann::ordered_json;

constexpr std::string_view kFormat = "mentorcal-schedule/1";
constexpr std::array<const char*, 7> kDays{"SU", "MO", "TU", "WE", "TH", "FR", "SA"};

// schedule.json's text is written directly, laid out exactly as nlohmann's dump(2) lays out the
// same values (a schedule.json runs to tens of megabytes, and a tree of it costs seconds).

// Appends `s` as a JSON string: plain printable ASCII as it is, anything else through nlohmann,
// which escapes it as dump does and rejects invalid UTF-8.
void append_string(std::string& out, std::string_view s) {
  const bool plain = std::all_of(
      s.begin(), s.end(), [](char c) { return c >= 0x20 && c < 0x7f && c != '"' && c != '\\'; });
  if (!plain) {
    out += Json(std::string(s)).dump();
    return;
  }
  out += '"';
  out += s;
  out += '"';
}

// An object `depth` levels below the root, one member per call; close() ends it.
class ObjectText {
 public:
  ObjectText(std::string& out, int depth) : out_(out), depth_(depth) { out_ += '{'; }

  // Starts the member `key`; its value is appended to the text returned.
  std::string& member(std::string_view key) {
    out_ += first_ ? "\n" : ",\n";
    first_ = false;
    out_.append(2 * static_cast<std::size_t>(depth_ + 1), ' ');
    append_string(out_, key);
    out_ += ": ";
    return out_;
  }
  void text(std::string_view key, std::string_view value) { append_string(member(key), value); }
  void number(std::string_view key, long long value) { member(key) += std::to_string(value); }
  void close() {
    if (!first_) {
      out_ += '\n';
      out_.append(2 * static_cast<std::size_t>(depth_), ' ');
    }
    out_ += '}';
  }

 private:
  std::string& out_;
  int depth_;
  bool first_ = true;
};

// An array `depth` levels below the root whose element(i), for i in [0, count), appends itself.
template <typename Element>
void append_array(std::string& out, int depth, std::size_t count, const Element& element) {
  if (count == 0) {
    out += "[]";
    return;
  }
  out += '[';
  for (std::size_t i = 0; i < count; ++i) {
    out += i == 0 ? "\n" : ",\n";
    out.append(2 * static_cast<std::size_t>(depth + 1), ' ');
    element(i);
  }
  out += '\n';
  out.append(2 * static_cast<std::size_t>(depth), ' ');
  out += ']';
}

void append_series(std::string& out, const Series& s, int depth) {
  ObjectText j(out, depth);
  j.text("uid", s.uid);
  j.text("mentor", s.mentor_id);
  j.text("mentee", s.mentee_id);
  j.number("sequence", s.sequence);
  j.text("dtstamp", format_utc(s.dtstamp));
  j.text("zone", s.zone);
  j.text("cadence", s.cadence.to_string());
  j.text("weekday", kDays[s.weekday.c_encoding()]);
  if (s.cadence.kind == Cadence::Kind::monthly) j.number("monthly_ordinal", s.monthly_ordinal);
  j.text("first", format_local(s.first));
  j.number("duration_minutes", s.duration.count());
  j.text("rrule", rrule_of(s));
  j.number("taking_place", s.held_count());
  append_array(j.member("occurrences"), depth + 1, s.occurrences.size(), [&](std::size_t k) {
    const auto& o = s.occurrences[k];
    ObjectText jo(out, depth + 2);
    jo.text("nominal", format_local(o.nominal));
    jo.text("state", occurrence_state_name(o.state));
    jo.text("start", format_utc(o.at.start));
    jo.text("end", format_utc(o.at.end));
    if (!o.reason.empty()) jo.text("reason", o.reason);
    jo.close();
  });
  j.close();
}

// Appends an array that is a member of the root object, with element(i), the text of an object
// two levels below the root, for i in [0, count); the elements are written on the machine's
// threads. The whole text is built in `out`: each copy of tens of megabytes costs page faults.
template <typename Element>
void append_top_level_array(std::string& out, std::size_t count, const Element& element) {
  if (count == 0) {
    out += "[]";
    return;
  }
  std::vector<std::string> items(count);
  for_each_index_in_parallel(count, [&](std::size_t i) { items[i] = element(i); });
  std::size_t size = 0;
  for (const auto& item : items) size += item.size() + 6;
  out.reserve(out.size() + size + 64);  // and what follows the array
  out += "[\n";
  for (std::size_t i = 0; i < count; ++i) {
    if (i > 0) out += ",\n";
    out += "    ";
    out += items[i];
    std::string().swap(items[i]);
  }
  out += "\n  ]";
}

// "YYYY-MM-DDTHH:MM", as format_local writes it.
std::optional<LocalMinute> parse_wall(std::string_view s) {
  if (s.size() != 16 || s[10] != 'T' || s[13] != ':') return std::nullopt;
  const auto day = parse_day(s.substr(0, 10));
  int h = -1;
  int m = -1;
  const auto two = [&](std::size_t at, int& out) {
    return std::from_chars(s.data() + at, s.data() + at + 2, out).ptr == s.data() + at + 2;
  };
  if (!day || !two(11, h) || !two(14, m) || h < 0 || h > 23 || m < 0 || m > 59) return std::nullopt;
  return LocalMinute{*day} + Minutes{h * 60 + m};
}

std::optional<Minutes> parse_offset(std::string_view s) {
  if (s.size() != 6 || (s[0] != '+' && s[0] != '-') || s[3] != ':') return std::nullopt;
  const auto wall = parse_wall("1970-01-01T" + std::string(s.substr(1)));
  if (!wall) return std::nullopt;
  const auto magnitude = wall->time_since_epoch();
  return s[0] == '-' ? -magnitude : magnitude;
}

Json zones_json(const TermOffsets& offsets) {
  Json zones = Json::object();
  for (const auto& zone : offsets.zones) {
    Json& list = zones[zone.zone] = Json::array();
    for (const auto& [from, offset] : zone.from)
      list.push_back({{"from", format_utc(from)}, {"offset", format_offset(offset)}});
  }
  Json json;
  json["from"] = format_utc(offsets.window.start);
  json["until"] = format_utc(offsets.window.end);
  json["offsets"] = std::move(zones);
  return json;
}

Json tz_update_json(const TzUpdate& update) {
  Json json;
  json["from"] = update.from;
  json["to"] = update.to;
  json["zones"] = Json::array();
  for (const auto& shift : update.shifts)
    json["zones"].push_back({{"zone", shift.zone},
                             {"from", format_utc(shift.when.start)},
                             {"until", format_utc(shift.when.end)},
                             {"offset_before", format_offset(shift.before)},
                             {"offset_after", format_offset(shift.after)}});
  json["occurrences"] = Json::array();
  for (const auto& move : update.moves) {
    Json o = {{"uid", move.uid},
              {"mentor", move.mentor_id},
              {"mentee", move.mentee_id},
              {"nominal", format_local(move.nominal)},
              {"state_before", occurrence_state_name(move.state_before)},
              {"state_after", occurrence_state_name(move.state_after)},
              {"start_before", format_utc(move.before.start)},
              {"end_before", format_utc(move.before.end)},
              {"start_after", format_utc(move.after.start)},
              {"end_after", format_utc(move.after.end)}};
    if (!move.reason.empty()) o["reason"] = move.reason;
    json["occurrences"].push_back(std::move(o));
  }
  json["below_min_held"] = update.below_min;
  json["republished"] = update.republished;
  json["summary"] = update.lines;
  return json;
}

// Reading: every accessor names the field it failed on, as a JSON pointer.
class Reader {
 public:
  explicit Reader(std::string* error) : error_(error) {}

  bool failed() const { return failed_; }

  void fail(const std::string& where, const std::string& what) {
    if (!failed_ && error_) *error_ = where + ": " + what;
    failed_ = true;
  }

  const Json* field(const Json& parent, const std::string& where, const char* key) {
    if (!parent.is_object() || !parent.contains(key)) {
      fail(where + "/" + key, "missing");
      return nullptr;
    }
    return &parent[key];
  }

  std::string text(const Json& parent, const std::string& where, const char* key) {
    const auto* v = field(parent, where, key);
    if (!v) return {};
    if (!v->is_string()) fail(where + "/" + key, "must be a string");
    return v->is_string() ? v->get<std::string>() : std::string{};
  }

  long number(const Json& parent, const std::string& where, const char* key) {
    const auto* v = field(parent, where, key);
    if (!v) return 0;
    if (!v->is_number_integer()) fail(where + "/" + key, "must be an integer");
    return v->is_number_integer() ? v->get<long>() : 0;
  }

  Instant utc(const Json& parent, const std::string& where, const char* key) {
    const auto s = text(parent, where, key);
    const auto t =
        s.size() == 20 && s.ends_with(":00Z") ? parse_wall(s.substr(0, 16)) : std::nullopt;
    if (!t) fail(where + "/" + key, "'" + s + "' is not YYYY-MM-DDTHH:MM:00Z");
    return Instant{t.value_or(LocalMinute{}).time_since_epoch()};
  }

  LocalMinute local(const Json& parent, const std::string& where, const char* key) {
    const auto s = text(parent, where, key);
    const auto t = parse_wall(s);
    if (!t) fail(where + "/" + key, "'" + s + "' is not YYYY-MM-DDTHH:MM");
    return t.value_or(LocalMinute{});
  }

  TermOffsets zones(const Json& j) {
    TermOffsets zones{{utc(j, "/zones", "from"), utc(j, "/zones", "until")}, {}};
    const auto* offsets = field(j, "/zones", "offsets");
    if (!offsets || !offsets->is_object()) {
      fail("/zones/offsets", "must be an object");
      return zones;
    }
    for (const auto& [name, list] : offsets->items()) {
      const auto where = (Json::json_pointer("/zones/offsets") / name).to_string();
      ZoneOffsets zone{name, {}};
      if (!list.is_array()) fail(where, "must be an array");
      for (std::size_t k = 0; list.is_array() && k < list.size(); ++k) {
        const auto at = where + "/" + std::to_string(k);
        const auto from = utc(list[k], at, "from");
        const auto offset = parse_offset(text(list[k], at, "offset"));
        if (!offset) fail(at + "/offset", "not +HH:MM or -HH:MM");
        zone.from.emplace_back(from, offset.value_or(Minutes{0}));
      }
      zones.zones.push_back(std::move(zone));
    }
    return zones;
  }

  OccurrenceState state(const Json& j, const std::string& where, const char* key) {
    const auto name = text(j, where, key);
    for (const auto s : {OccurrenceState::held, OccurrenceState::moved, OccurrenceState::skipped})
      if (name == occurrence_state_name(s)) return s;
    fail(where + "/" + key, "'" + name + "' is not held, moved or skipped");
    return OccurrenceState::held;
  }

  std::vector<std::string> texts(const Json& j, const std::string& where, const char* key) {
    std::vector<std::string> out;
    const auto* list = field(j, where, key);
    if (list && !list->is_array()) fail(where + "/" + key, "must be an array");
    for (std::size_t k = 0; list && list->is_array() && k < list->size(); ++k) {
      if (!(*list)[k].is_string())
        fail(where + "/" + key + "/" + std::to_string(k), "must be a string");
      else
        out.push_back((*list)[k].get<std::string>());
    }
    return out;
  }

  TzUpdate tz_update(const Json& j, const std::string& where) {
    TzUpdate update;
    update.from = text(j, where, "from");
    update.to = text(j, where, "to");
    const auto* shifts = field(j, where, "zones");
    for (std::size_t k = 0; shifts && shifts->is_array() && k < shifts->size(); ++k) {
      const auto at = where + "/zones/" + std::to_string(k);
      const auto& js = (*shifts)[k];
      ZoneShift shift{text(js, at, "zone"), {utc(js, at, "from"), utc(js, at, "until")}, {}, {}};
      const auto before = parse_offset(text(js, at, "offset_before"));
      const auto after = parse_offset(text(js, at, "offset_after"));
      if (!before || !after) fail(at, "offsets must be +HH:MM or -HH:MM");
      shift.before = before.value_or(Minutes{0});
      shift.after = after.value_or(Minutes{0});
      update.shifts.push_back(std::move(shift));
    }
    const auto* moves = field(j, where, "occurrences");
    for (std::size_t k = 0; moves && moves->is_array() && k < moves->size(); ++k) {
      const auto at = where + "/occurrences/" + std::to_string(k);
      const auto& jm = (*moves)[k];
      TzMove move;
      move.uid = text(jm, at, "uid");
      move.mentor_id = text(jm, at, "mentor");
      move.mentee_id = text(jm, at, "mentee");
      move.nominal = local(jm, at, "nominal");
      move.state_before = state(jm, at, "state_before");
      move.state_after = state(jm, at, "state_after");
      move.before = {utc(jm, at, "start_before"), utc(jm, at, "end_before")};
      move.after = {utc(jm, at, "start_after"), utc(jm, at, "end_after")};
      if (jm.contains("reason")) move.reason = text(jm, at, "reason");
      update.moves.push_back(std::move(move));
    }
    update.below_min = texts(j, where, "below_min_held");
    update.republished = texts(j, where, "republished");
    update.lines = texts(j, where, "summary");
    return update;
  }

  std::optional<Series> series(const Json& j, const std::string& where) {
    Series s;
    s.uid = text(j, where, "uid");
    s.mentor_id = text(j, where, "mentor");
    s.mentee_id = text(j, where, "mentee");
    s.sequence = static_cast<int>(number(j, where, "sequence"));
    s.dtstamp = utc(j, where, "dtstamp");
    s.zone = text(j, where, "zone");
    if (!failed_ && !Zone::find(s.zone))
      fail(where + "/zone", "'" + s.zone + "' is not a known zone");
    const auto cadence = Cadence::parse(text(j, where, "cadence"));
    if (!cadence) fail(where + "/cadence", "not a cadence");
    s.cadence = cadence.value_or(Cadence{});
    const auto day = text(j, where, "weekday");
    const auto it = std::find(kDays.begin(), kDays.end(), day);
    if (it == kDays.end()) fail(where + "/weekday", "'" + day + "' is not SU..SA");
    s.weekday = date::weekday{static_cast<unsigned>(it - kDays.begin()) % 7};
    if (s.cadence.kind == Cadence::Kind::monthly) {
      s.monthly_ordinal = static_cast<int>(number(j, where, "monthly_ordinal"));
      if (s.monthly_ordinal < 1 || s.monthly_ordinal > 4)
        fail(where + "/monthly_ordinal", "must be 1..4");
    }
    s.first = local(j, where, "first");
    s.duration = Minutes{number(j, where, "duration_minutes")};
    const auto* list = field(j, where, "occurrences");
    if (list && !list->is_array()) fail(where + "/occurrences", "must be an array");
    if (list && list->is_array()) {
      for (std::size_t k = 0; k < list->size(); ++k) {
        const auto at = where + "/occurrences/" + std::to_string(k);
        const auto& jo = (*list)[k];
        Occurrence o;
        o.nominal = local(jo, at, "nominal");
        o.state = state(jo, at, "state");
        o.at = {utc(jo, at, "start"), utc(jo, at, "end")};
        if (jo.contains("reason")) o.reason = text(jo, at, "reason");
        s.occurrences.push_back(std::move(o));
      }
    }
    if (failed_) return std::nullopt;
    return s;
  }

 private:
  std::string* error_;
  bool failed_ = false;
};

}  // namespace

std::string format_offset(Minutes offset) {
  const auto magnitude = offset < Minutes{0} ? -offset : offset;
  return date::format(offset < Minutes{0} ? "-%R" : "+%R", magnitude);
}

const char* occurrence_state_name(OccurrenceState s) {
  switch (s) {
    case OccurrenceState::held:
      return "held";
    case OccurrenceState::moved:
      return "moved";
    case OccurrenceState::skipped:
      return "skipped";
  }
  return "held";
}

const char* weekday_name(date::weekday weekday) {
  static constexpr const char* kNames[] = {"Sunday",   "Monday", "Tuesday", "Wednesday",
                                           "Thursday", "Friday", "Saturday"};
  return kNames[weekday.c_encoding()];
}

std::string cadence_phrase(const Cadence& cadence, date::weekday weekday, int monthly_ordinal) {
  const std::string day = weekday_name(weekday);
  if (cadence.kind == Cadence::Kind::monthly) {
    static constexpr const char* kOrdinals[] = {"", "1st", "2nd", "3rd", "4th"};
    assert(monthly_ordinal >= 1 && monthly_ordinal <= 4);
    return std::string{"Monthly on the "} + kOrdinals[monthly_ordinal] + " " + day;
  }
  if (cadence.weeks == 1) return "Weekly on " + day;
  return "Every " + std::to_string(cadence.weeks) + " weeks on " + day;
}

std::string cadence_phrase(const Series& series) {
  return cadence_phrase(series.cadence, series.weekday, series.monthly_ordinal);
}

std::string rrule_of(const Series& s) {
  std::string rule;
  if (s.cadence.kind == Cadence::Kind::monthly) {
    rule =
        "FREQ=MONTHLY;BYDAY=" + std::to_string(s.monthly_ordinal) + kDays[s.weekday.c_encoding()];
  } else {
    rule = "FREQ=WEEKLY;";
    if (s.cadence.weeks > 1) rule += "INTERVAL=" + std::to_string(s.cadence.weeks) + ";";
    rule += std::string("BYDAY=") + kDays[s.weekday.c_encoding()];
  }
  return rule + ";COUNT=" + std::to_string(s.occurrences.size());
}

std::string schedule_to_json(const Schedule& schedule) {
  Json head;
  head["format"] = kFormat;
  head["program"] = schedule.program_id;
  head["outcome"] = schedule.outcome == PassOutcome::complete ? "complete" : "time_limit";
  head["tzdata"] = schedule.tzdata;
  int scheduled = 0;
  int held = 0;
  int moved = 0;
  int skipped = 0;
  for (const auto& r : schedule.pairs) {
    if (!r.series) continue;
    ++scheduled;
    for (const auto& o : r.series->occurrences) {
      held += o.state == OccurrenceState::held;
      moved += o.state == OccurrenceState::moved;
      skipped += o.state == OccurrenceState::skipped;
    }
  }
  head["summary"] = {{"pairs", schedule.pairs.size()},
                     {"scheduled", scheduled},
                     {"held", held},
                     {"moved", moved},
                     {"skipped", skipped},
                     {"cancelled", schedule.cancelled.size()}};
  if (schedule.tz_update) head["tz_update"] = tz_update_json(*schedule.tz_update);
  head["zones"] = zones_json(schedule.zones);
  const auto pair_text = [&](std::size_t i) {
    const auto& r = schedule.pairs[i];
    std::string out;
    ObjectText j(out, 2);
    j.text("mentor", r.mentor_id);
    j.text("mentee", r.mentee_id);
    j.text("mentor_email", r.mentor_email);
    j.text("mentee_email", r.mentee_email);
    j.text("status", r.series ? "scheduled" : "unscheduled");
    if (r.series) {
      append_series(j.member("series"), *r.series, 3);
    } else {
      append_array(j.member("reasons"), 3, r.reasons.size(),
                   [&](std::size_t k) { append_string(out, r.reasons[k]); });
      j.text("relaxation", r.relaxation);
      if (!r.limited_by.empty())
        append_array(j.member("limited_by"), 3, r.limited_by.size(),
                     [&](std::size_t k) { append_string(out, r.limited_by[k]); });
    }
    j.close();
    return out;
  };
  const auto cancelled_text = [&](std::size_t i) {
    const auto& c = schedule.cancelled[i];
    std::string out;
    ObjectText j(out, 2);
    j.text("organizer_email", c.organizer_email);
    j.text("attendee_email", c.attendee_email);
    append_series(j.member("series"), c.series, 3);
    j.close();
    return out;
  };
  // The head is dumped as an object of its own and reopened ("\n}" dropped) for the two arrays.
  auto text = head.dump(2);
  text.resize(text.size() - 2);
  text += ",\n  \"pairs\": ";
  append_top_level_array(text, schedule.pairs.size(), pair_text);
  text += ",\n  \"cancelled\": ";
  append_top_level_array(text, schedule.cancelled.size(), cancelled_text);
  if (schedule.changes) {
    const auto& changes = *schedule.changes;
    text += ",\n  \"changes\": ";
    append_array(text, 1, changes.size(), [&](std::size_t i) {
      const auto& c = changes[i];
      ObjectText j(text, 2);
      j.text("change", change_kind_name(c.kind));
      j.text("mentor", c.mentor_id);
      j.text("mentee", c.mentee_id);
      j.text("uid", c.uid);
      if (!c.before.empty()) j.text("before", c.before);
      if (!c.after.empty()) j.text("after", c.after);
      if (!c.why.empty()) j.text("why", c.why);
      j.close();
    });
  }
  text += "\n}\n";
  return text;
}

std::optional<Schedule> schedule_from_json(std::string_view text, std::string* error) {
  const auto root = Json::parse(text, nullptr, false);
  Reader r(error);
  if (root.is_discarded()) {
    r.fail("", "not valid JSON");
    return std::nullopt;
  }
  if (r.text(root, "", "format") != kFormat) {
    if (!r.failed()) r.fail("/format", "not " + std::string(kFormat));
    return std::nullopt;
  }
  Schedule s;
  s.program_id = r.text(root, "", "program");
  s.outcome =
      r.text(root, "", "outcome") == "time_limit" ? PassOutcome::time_limit : PassOutcome::complete;
  // Written since the tz database is followed; a schedule.json from before says nothing of it.
  if (root.contains("tzdata")) s.tzdata = r.text(root, "", "tzdata");
  if (root.contains("zones")) s.zones = r.zones(root["zones"]);
  if (root.contains("tz_update")) s.tz_update = r.tz_update(root["tz_update"], "/tz_update");
  const auto* pairs = r.field(root, "", "pairs");
  if (pairs && pairs->is_array()) {
    for (std::size_t i = 0; i < pairs->size(); ++i) {
      const auto where = "/pairs/" + std::to_string(i);
      const auto& j = (*pairs)[i];
      PairResult p;
      p.mentor_id = r.text(j, where, "mentor");
      p.mentee_id = r.text(j, where, "mentee");
      p.mentor_email = r.text(j, where, "mentor_email");
      p.mentee_email = r.text(j, where, "mentee_email");
      if (j.contains("series")) {
        p.series = r.series(j["series"], where + "/series");
      } else {
        if (j.contains("reasons") && j["reasons"].is_array())
          for (const auto& reason : j["reasons"])
            if (reason.is_string()) p.reasons.push_back(reason.get<std::string>());
        if (j.contains("relaxation")) p.relaxation = r.text(j, where, "relaxation");
        if (j.contains("limited_by") && j["limited_by"].is_array())
          for (const auto& id : j["limited_by"])
            if (id.is_string()) p.limited_by.push_back(id.get<std::string>());
      }
      s.pairs.push_back(std::move(p));
    }
  } else if (pairs) {
    r.fail("/pairs", "must be an array");
  }
  const auto* cancelled = r.field(root, "", "cancelled");
  if (cancelled && cancelled->is_array()) {
    for (std::size_t i = 0; i < cancelled->size(); ++i) {
      const auto where = "/cancelled/" + std::to_string(i);
      const auto& j = (*cancelled)[i];
      CancelledSeries c;
      c.organizer_email = r.text(j, where, "organizer_email");
      c.attendee_email = r.text(j, where, "attendee_email");
      if (const auto* js = r.field(j, where, "series"))
        if (auto series = r.series(*js, where + "/series")) c.series = std::move(*series);
      s.cancelled.push_back(std::move(c));
    }
  }
  if (r.failed()) return std::nullopt;
  return s;
}

}  // namespace mentorcal

#include "mentorcal/schedule_json.hpp"

#include <array>
#include <charconv>
#include <nlohmann/json.hpp>
#include <vector>

#include "mentorcal/parallel.hpp"

namespace mentorcal {
namespace {

using Json = nlohmann::ordered_json;

constexpr std::string_view kFormat = "mentorcal-schedule/1";
constexpr std::array<const char*, 7> kDays{"SU", "MO", "TU", "WE", "TH", "FR", "SA"};

Json series_json(const Series& s) {
  Json j;
  j["uid"] = s.uid;
  j["mentor"] = s.mentor_id;
  j["mentee"] = s.mentee_id;
  j["sequence"] = s.sequence;
  j["dtstamp"] = format_utc(s.dtstamp);
  j["zone"] = s.zone;
  j["cadence"] = s.cadence.to_string();
  j["weekday"] = kDays[s.weekday.c_encoding()];
  if (s.cadence.kind == Cadence::Kind::monthly) j["monthly_ordinal"] = s.monthly_ordinal;
  j["first"] = format_local(s.first);
  j["duration_minutes"] = s.duration.count();
  j["rrule"] = rrule_of(s);
  j["taking_place"] = s.held_count();
  j["occurrences"] = Json::array();
  for (const auto& o : s.occurrences) {
    Json jo;
    jo["nominal"] = format_local(o.nominal);
    jo["state"] = occurrence_state_name(o.state);
    jo["start"] = format_utc(o.at.start);
    jo["end"] = format_utc(o.at.end);
    if (!o.reason.empty()) jo["reason"] = o.reason;
    j["occurrences"].push_back(std::move(jo));
  }
  return j;
}

// An array that is a member of the root object, as root.dump(2) writes it, with element(i) for
// i in [0, count). Each element is built and dumped on the machine's threads (a schedule.json
// runs to tens of megabytes), then indented by the four spaces of its depth: a dump has no raw
// newline inside strings, so each newline in it starts a line.
template <typename Element>
std::string top_level_array(std::size_t count, const Element& element) {
  if (count == 0) return "[]";
  std::vector<std::string> items(count);
  for_each_index_in_parallel(count, [&](std::size_t i) {
    const auto dumped = element(i).dump(2);
    std::string& out = items[i];
    out.reserve(dumped.size() + dumped.size() / 4);
    out += "    ";
    for (const char c : dumped) {
      out.push_back(c);
      if (c == '\n') out += "    ";
    }
  });
  std::size_t size = 0;
  for (const auto& item : items) size += item.size() + 2;
  std::string text;
  text.reserve(size + 4);
  text += "[\n";
  for (std::size_t i = 0; i < count; ++i) {
    if (i > 0) text += ",\n";
    text += items[i];
    std::string().swap(items[i]);
  }
  return text + "\n  ]";
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
        const auto state = text(jo, at, "state");
        if (state == "held")
          o.state = OccurrenceState::held;
        else if (state == "moved")
          o.state = OccurrenceState::moved;
        else if (state == "skipped")
          o.state = OccurrenceState::skipped;
        else
          fail(at + "/state", "'" + state + "' is not held, moved or skipped");
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
  const auto pair_json = [&](std::size_t i) {
    const auto& r = schedule.pairs[i];
    Json j;
    j["mentor"] = r.mentor_id;
    j["mentee"] = r.mentee_id;
    j["mentor_email"] = r.mentor_email;
    j["mentee_email"] = r.mentee_email;
    j["status"] = r.series ? "scheduled" : "unscheduled";
    if (r.series) {
      j["series"] = series_json(*r.series);
    } else {
      j["reasons"] = r.reasons;
      j["relaxation"] = r.relaxation;
    }
    return j;
  };
  const auto cancelled_json = [&](std::size_t i) {
    const auto& c = schedule.cancelled[i];
    return Json{{"organizer_email", c.organizer_email},
                {"attendee_email", c.attendee_email},
                {"series", series_json(c.series)}};
  };
  // The head is dumped as an object of its own and reopened ("\n}" dropped) for the two arrays.
  auto text = head.dump(2);
  text.resize(text.size() - 2);
  text += ",\n  \"pairs\": ";
  text += top_level_array(schedule.pairs.size(), pair_json);
  text += ",\n  \"cancelled\": ";
  text += top_level_array(schedule.cancelled.size(), cancelled_json);
  return text + "\n}\n";
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

#include <toml++/toml.h>

#include <algorithm>
#include <charconv>
#include <fstream>
#include <iterator>
#include <map>
#include <set>
#include <sstream>
#include <unordered_map>
#include <vector>

#include "mentorcal/csv.hpp"
#include "mentorcal/parallel.hpp"
#include "mentorcal/program.hpp"
#include "mentorcal/text.hpp"
#include "mentorcal/zone_names.hpp"

namespace mentorcal {
namespace {

// The default when neither the role nor the person says: a plain office week.
constexpr std::string_view kDefaultWorkingHours = "Mon-Fri 09:00-17:00";

struct IntRange {
  std::string_view key;
  long long min;
  long long max;
};

// Every integer setting with the values it may take. Limits stay far below what a week or a
// month holds so that a typo of an extra digit is caught rather than silently unconstrained.
constexpr IntRange kMaxSessionsPerDay{"max_sessions_per_day", 1, 24};
constexpr IntRange kMaxSessionsPerWeek{"max_sessions_per_week", 1, 100};
constexpr IntRange kMaxMinutesPerWeek{"max_minutes_per_week", 1, 7 * 24 * 60};
constexpr IntRange kMaxMinutesPerMonth{"max_minutes_per_month", 1, 31 * 24 * 60};
constexpr IntRange kBufferMinutes{"buffer_minutes", 0, 240};
constexpr IntRange kDurationMinutes{"duration_minutes", 5, 480};

std::string in_quotes(std::string_view value) {
  return "'" + std::string(value) + "'";
}

std::optional<long long> parse_integer(std::string_view text) {
  long long value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc{} || end != text.data() + text.size()) return std::nullopt;
  return value;
}

std::optional<double> parse_share(std::string_view text) {
  std::istringstream in{std::string(text)};
  in.imbue(std::locale::classic());
  double value = 0;
  if (!(in >> value) || !in.eof()) return std::nullopt;
  return value;
}

// Person ids name feed files and URLs: letters, digits, '.', '_', '-', not starting with '.'.
bool is_person_id(std::string_view id) {
  return !id.empty() && id.front() != '.' && std::all_of(id.begin(), id.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
           c == '_' || c == '.';
  });
}

std::string trim_cell(const std::string& s) {
  const auto first = s.find_first_not_of(" \t");
  if (first == std::string::npos) return {};
  return s.substr(first, s.find_last_not_of(" \t") - first + 1);
}

// Returns a reader of trimmed cells by column name; absent columns read as empty.
auto cell_reader(const CsvTable& table) {
  return [&table](const CsvRecord& row, std::string_view name) -> std::string {
    const auto col = table.column(name);
    if (!col) return {};
    return trim_cell(row.fields[*col]);
  };
}

// The settings of one role or of pairs, as program.toml gives them, with the line of each.
struct RoleDefaults {
  std::optional<WorkingHours> working_hours;
  Limits limits;
};

using PairDefaults = PairTerms;

// people.csv's profile columns and the ranges of their numbers (docs/FORMAT.md).
constexpr IntRange kCapacity{"capacity", 0, 100};
constexpr IntRange kLevel{"level", -1000, 1000};
constexpr IntRange kWeight{"weight", 0, 1000};
constexpr IntRange kLevelGap{"min_level_gap", -1000, 1000};

// A ';'-separated list cell: its items trimmed, empty ones dropped.
std::vector<std::string> list_items(const std::string& cell) {
  std::vector<std::string> items;
  std::size_t from = 0;
  while (from <= cell.size()) {
    const auto to = std::min(cell.find(';', from), cell.size());
    if (auto item = trim_cell(cell.substr(from, to - from)); !item.empty())
      items.push_back(std::move(item));
    from = to + 1;
  }
  return items;
}

class Loader {
 public:
  explicit Loader(const ProgramSources& sources) : sources_(sources) {
    toml_file_ = sources.label + "program.toml";
    people_file_ = sources.label + "people.csv";
    pairs_file_ = sources.label + "pairs.csv";
  }

  LoadedProgram load() {
    load_settings();
    // Without a readable people.csv every pair would be reported as naming unknown people.
    if (load_people()) {
      load_pairs();
      check_levels();
    }
    LoadedProgram out;
    out.diagnostics = std::move(d_);
    if (out.diagnostics.has_errors())
      out.partial = std::move(program_);
    else
      out.program = std::move(program_);
    return out;
  }

 private:
  // ---- program.toml ----

  void load_settings() {
    if (!sources_.program_toml) {
      d_.error(toml_file_, 0, "file not found");
      return;
    }
    toml::table root;
    try {
      root = toml::parse(*sources_.program_toml, toml_file_);
    } catch (const toml::parse_error& e) {
      const auto line = static_cast<int>(e.source().begin.line);
      d_.error(toml_file_, line, impossible_date(line, e.description()));
      return;
    }
    check_keys(root,
               {"id", "name", "start", "end", "granularity_minutes", "anchor", "blackouts",
                "mentor", "mentee", "pair", "matching"},
               "");

    const auto id = string_setting(root, "id", true);
    if (id && !is_program_id(*id))
      error_at(root.get("id"), "id " + in_quotes(*id) + " must be 1 to 64 of a-z, 0-9 and -");
    program_.id = id.value_or("");
    program_.name = string_setting(root, "name", false).value_or(program_.id);

    const auto start = date_setting(root, "start");
    const auto end = date_setting(root, "end");
    if (start && end && *end < *start)
      error_at(root.get("end"),
               "end " + format_day(*end) + " is before start " + format_day(*start));
    program_.start = start.value_or(LocalDay{});
    program_.end = end.value_or(LocalDay{});

    if (const auto* node = root.get("granularity_minutes")) {
      const auto g = node->value<long long>();
      if (!g || !node->is_integer() || *g <= 0 || *g > 60 || 60 % *g != 0)
        error_at(node,
                 "granularity_minutes " + node_text(*node) + " must divide 60 (5, 10, 15, 30...)");
      else
        program_.granularity = Minutes{*g};
    }
    if (const auto anchor = string_setting(root, "anchor", false)) {
      if (*anchor == "mentor")
        program_.anchor = Anchor::mentor;
      else if (*anchor == "mentee")
        program_.anchor = Anchor::mentee;
      else
        error_at(root.get("anchor"), "anchor " + in_quotes(*anchor) + " must be mentor or mentee");
    }
    if (const auto* node = root.get("blackouts")) {
      if (const auto* list = node->as_array()) {
        for (const auto& item : *list) {
          if (const auto day = as_day(item))
            program_.blackouts.push_back(*day);
          else
            error_at(&item, "blackouts: " + node_text(item) + " is not a date like 2027-04-02");
        }
      } else {
        error_at(node, "blackouts must be a list of dates, e.g. [2027-04-02]");
      }
      std::sort(program_.blackouts.begin(), program_.blackouts.end());
      program_.blackouts.erase(std::unique(program_.blackouts.begin(), program_.blackouts.end()),
                               program_.blackouts.end());
    }

    role_defaults_[Role::mentor] = role_section(root, "mentor");
    role_defaults_[Role::mentee] = role_section(root, "mentee");
    pair_section(root);
    program_.pair_defaults = pair_defaults_;
    matching_section(root);
  }

  RoleDefaults role_section(const toml::table& root, std::string_view name) {
    RoleDefaults out;
    const auto* node = root.get(name);
    if (!node) return out;
    const auto* table = node->as_table();
    if (!table) {
      error_at(node, "[" + std::string(name) + "] must be a table");
      return out;
    }
    const std::string prefix = std::string(name) + ".";
    check_keys(*table,
               {"working_hours", kMaxSessionsPerDay.key, kMaxSessionsPerWeek.key,
                kMaxMinutesPerWeek.key, kMaxMinutesPerMonth.key, kBufferMinutes.key},
               prefix);
    if (const auto text = string_setting(*table, "working_hours", false, prefix)) {
      std::string why;
      out.working_hours = WorkingHours::parse(*text, &why);
      if (!out.working_hours)
        error_at(table->get("working_hours"),
                 prefix + "working_hours " + in_quotes(*text) + ": " + why);
    }
    const auto limit = [&](const IntRange& range) -> std::optional<int> {
      const auto* v = table->get(range.key);
      if (!v) return std::nullopt;
      const auto value = v->value<long long>();
      if (!v->is_integer() || !value || *value < range.min || *value > range.max) {
        error_at(v, prefix + std::string(range.key) + " " + node_text(*v) + " is out of range " +
                        std::to_string(range.min) + ".." + std::to_string(range.max));
        return std::nullopt;
      }
      return static_cast<int>(*value);
    };
    out.limits.max_sessions_per_day = limit(kMaxSessionsPerDay);
    out.limits.max_sessions_per_week = limit(kMaxSessionsPerWeek);
    out.limits.max_minutes_per_week = limit(kMaxMinutesPerWeek);
    out.limits.max_minutes_per_month = limit(kMaxMinutesPerMonth);
    out.limits.buffer_minutes = limit(kBufferMinutes).value_or(0);
    return out;
  }

  // A [name] table of program.toml; nullptr when absent, or reported when it is not a table.
  const toml::table* section(const toml::table& root, std::string_view name) {
    const auto* node = root.get(name);
    if (!node) return nullptr;
    const auto* table = node->as_table();
    if (!table) error_at(node, "[" + std::string(name) + "] must be a table");
    return table;
  }

  void pair_section(const toml::table& root) {
    const auto* table = section(root, "pair");
    if (!table) return;
    check_keys(*table, {"cadence", kDurationMinutes.key, "min_held"}, "pair.");
    if (const auto text = string_setting(*table, "cadence", false, "pair.")) {
      if (const auto c = Cadence::parse(*text))
        pair_defaults_.cadence = *c;
      else
        error_at(table->get("cadence"), "pair.cadence " + in_quotes(*text) + " " + kCadenceHint);
    }
    if (const auto* v = table->get(kDurationMinutes.key)) {
      const auto value = v->value<long long>();
      if (!v->is_integer() || !value || *value < kDurationMinutes.min ||
          *value > kDurationMinutes.max)
        error_at(v, "pair.duration_minutes " + node_text(*v) + " is out of range 5..480");
      else
        pair_defaults_.duration = Minutes{*value};
    }
    if (const auto* v = table->get("min_held")) {
      const auto value = v->value<double>();
      if (!value || (!v->is_floating_point() && !v->is_integer()) || *value < 0 || *value > 1)
        error_at(v, "pair.min_held " + node_text(*v) + " must be a share from 0 to 1");
      else
        pair_defaults_.min_held = *value;
    }
  }

  void matching_section(const toml::table& root) {
    const auto* table = section(root, "matching");
    if (!table) return;
    auto& m = program_.matching;
    check_keys(*table,
               {kCapacity.key, "goal_weight", "language_weight", "preference_weights",
                "require_common_language", "same_department", kLevelGap.key},
               "matching.");
    const auto integer = [&](const toml::node& v, std::string_view key,
                             const IntRange& range) -> std::optional<int> {
      const auto value = v.value<long long>();
      if (!v.is_integer() || !value || *value < range.min || *value > range.max) {
        error_at(&v, "matching." + std::string(key) + " " + node_text(v) +
                         " must be an integer from " + std::to_string(range.min) + " to " +
                         std::to_string(range.max));
        return std::nullopt;
      }
      return static_cast<int>(*value);
    };
    const auto setting = [&](std::string_view key, const IntRange& range, int& slot) {
      if (const auto* v = table->get(key))
        if (const auto value = integer(*v, key, range)) slot = *value;
    };
    setting(kCapacity.key, kCapacity, m.capacity);
    setting("goal_weight", kWeight, m.goal_weight);
    setting("language_weight", kWeight, m.language_weight);
    if (const auto* v = table->get(kLevelGap.key))
      m.min_level_gap = integer(*v, kLevelGap.key, kLevelGap);
    if (const auto* v = table->get("preference_weights")) {
      if (const auto* list = v->as_array()) {
        m.preference_weights.clear();
        for (const auto& item : *list)
          if (const auto w = integer(item, "preference_weights", kWeight))
            m.preference_weights.push_back(*w);
      } else {
        error_at(v, "matching.preference_weights must be a list of integers, e.g. [30, 20, 10]");
      }
    }
    if (const auto* v = table->get("require_common_language")) {
      if (const auto flag = v->as_boolean())
        m.require_common_language = flag->get();
      else
        error_at(v, "matching.require_common_language " + node_text(*v) + " must be true or false");
    }
    if (const auto text = string_setting(*table, "same_department", false, "matching.")) {
      if (*text == "avoid")
        m.avoid_same_department = true;
      else if (*text != "allow")
        error_at(table->get("same_department"),
                 "matching.same_department " + in_quotes(*text) + " must be allow or avoid");
    }
  }

  static constexpr const char* kCadenceHint =
      "is not a cadence: weekly, biweekly, every N weeks (N 1..52) or monthly";

  void check_keys(const toml::table& table, std::initializer_list<std::string_view> known,
                  const std::string& prefix) {
    for (const auto& [key, value] : table) {
      if (std::find(known.begin(), known.end(), key.str()) == known.end())
        error_at(&value, "unknown setting " + in_quotes(prefix + std::string(key.str())));
    }
  }

  std::optional<std::string> string_setting(const toml::table& table, std::string_view key,
                                            bool required, const std::string& prefix = "") {
    const auto* node = table.get(key);
    if (!node) {
      if (required)
        d_.error(toml_file_, 0, "missing setting " + in_quotes(prefix + std::string(key)));
      return std::nullopt;
    }
    if (const auto* s = node->as_string()) return s->get();
    error_at(node, prefix + std::string(key) + " must be a string");
    return std::nullopt;
  }

  std::optional<LocalDay> date_setting(const toml::table& table, std::string_view key) {
    const auto* node = table.get(key);
    if (!node) {
      d_.error(toml_file_, 0, "missing setting " + in_quotes(key));
      return std::nullopt;
    }
    const auto day = as_day(*node);
    if (day) return day;
    if (const auto* text = node->as_string(); text && parse_day(text->get()))
      error_at(node, std::string(key) + " \"" + text->get() +
                         "\" is text in quotes; TOML writes a date without them: " +
                         std::string(key) + " = " + text->get());
    else
      error_at(node, std::string(key) + " " + node_text(*node) + " is not a date like 2027-01-11");
    return day;
  }

  // toml++ rejects a date that is not in the calendar (2027-02-30) as a syntax error ("expected
  // day between 1 and 28"): named here with its setting and value, any other as TOML syntax.
  std::string impossible_date(int line, std::string_view description) const {
    std::string_view text = *sources_.program_toml;
    for (int l = 1; l < line; ++l) {
      const auto next = text.find('\n');
      if (next == std::string_view::npos) break;
      text.remove_prefix(next + 1);
    }
    text = text.substr(0, text.find('\n'));
    const auto equals = text.find('=');
    for (std::size_t at = 0; equals != std::string_view::npos && at + 10 <= text.size(); ++at) {
      const auto token = text.substr(at, 10);
      const bool shaped = std::all_of(token.begin(), token.end(),
                                      [](char c) { return c == '-' || (c >= '0' && c <= '9'); }) &&
                          token[4] == '-' && token[7] == '-';
      if (!shaped || parse_day(token)) continue;
      auto key = std::string(text.substr(0, equals));
      key.erase(0, key.find_first_not_of(" \t"));
      key.erase(key.find_last_not_of(" \t") + 1);
      return key + " " + std::string(token) + " is not a date in the calendar (" +
             std::string(description) + ")";
    }
    return "TOML syntax: " + std::string(description);
  }

  static std::optional<LocalDay> as_day(const toml::node& node) {
    const auto* d = node.as_date();
    if (!d) return std::nullopt;
    const date::year_month_day ymd{date::year{d->get().year}, date::month{d->get().month},
                                   date::day{d->get().day}};
    if (!ymd.ok()) return std::nullopt;
    return LocalDay{ymd};
  }

  static std::string node_text(const toml::node& node) {
    std::ostringstream out;
    node.visit([&](const auto& v) { out << v; });
    return out.str();
  }

  void error_at(const toml::node* node, std::string message) {
    d_.error(toml_file_, node ? static_cast<int>(node->source().begin.line) : 0,
             std::move(message));
  }

  // ---- people.csv ----

  bool load_people() {
    const auto table = read_table(
        sources_.people_csv, people_file_, {"id", "name", "email", "role", "timezone"},
        {"working_hours", kMaxSessionsPerDay.key, kMaxSessionsPerWeek.key, kMaxMinutesPerWeek.key,
         kMaxMinutesPerMonth.key, kBufferMinutes.key, "calendar", "capacity", "skills", "goals",
         "languages", "department", "level", "prefers", "avoid"});
    if (!table) return false;
    const auto cell = cell_reader(*table);
    // A row that did not read (a comma outside quotes) is reported once, at that row: the pairs
    // that name its id are not reported again as naming someone missing.
    if (const auto id = table->column("id"))
      for (const auto& row : table->misshapen)
        if (*id < row.fields.size()) misread_people_.insert(row.fields[*id]);
    // The calendars, tens of thousands of files in a large program, are read first on the
    // machine's threads; each row's is then checked and attached in row order.
    std::vector<std::optional<std::string>> calendar_paths;
    calendar_paths.reserve(table->rows.size());
    for (const auto& row : table->rows)
      calendar_paths.push_back(calendar_path(cell(row, "calendar"), cell(row, "id")));
    std::vector<std::optional<std::string>> calendar_texts(table->rows.size());
    if (sources_.read)
      for_each_index_in_parallel(table->rows.size(), [&](std::size_t i) {
        if (calendar_paths[i]) calendar_texts[i] = sources_.read(*calendar_paths[i]);
      });
    for (std::size_t index = 0; index < table->rows.size(); ++index) {
      const auto& row = table->rows[index];
      const auto at = [&](std::string message) {
        d_.error(people_file_, row.line, std::move(message));
      };
      Person p;
      p.line = row.line;
      p.id = cell(row, "id");
      p.name = cell(row, "name");
      p.email = cell(row, "email");
      bool ok = true;
      if (!is_person_id(p.id)) {
        at("id " + in_quotes(p.id) + " must be letters, digits, '.', '_' or '-'");
        ok = false;
      } else if (p.id == "program") {
        at("id 'program' is reserved: feeds/program.ics is the program's feed");
        ok = false;
      } else if (const auto [it, fresh] = person_index_.emplace(p.id, program_.people.size());
                 !fresh) {
        at("id " + in_quotes(p.id) + " is used twice (first on line " +
           std::to_string(program_.people[it->second].line) + ")");
        ok = false;
      }
      if (p.name.empty()) at("name is empty for " + in_quotes(p.id));
      if (p.email.find('@') == std::string::npos ||
          p.email.find_first_of(" \t,;<>") != std::string::npos)
        at("email " + in_quotes(p.email) + " is not an email address");
      const auto role = cell(row, "role");
      if (role == "mentor")
        p.role = Role::mentor;
      else if (role == "mentee")
        p.role = Role::mentee;
      else {
        at("role " + in_quotes(role) + " must be mentor or mentee");
        ok = false;  // so that the pairs naming this person are not reported for it again
      }
      const auto zone_name = cell(row, "timezone");
      if (const auto zone = Zone::find(zone_name)) {
        p.zone = *zone;
        if (const auto hint = legacy_zone_hint(zone_name))
          d_.warning(people_file_, row.line, "timezone " + in_quotes(zone_name) + " " + *hint);
      } else if (const auto iana = iana_of_windows_zone(zone_name)) {
        at("timezone " + in_quotes(zone_name) + " is a Windows zone name; write its IANA name, " +
           *iana);
      } else if (const auto near = nearest_zone_name(zone_name)) {
        at("timezone " + in_quotes(zone_name) + " is not a known IANA zone; did you mean " + *near +
           "?");
      } else {
        at("timezone " + in_quotes(zone_name) +
           " is not a known IANA zone (Region/City, e.g. Europe/Berlin)");
      }

      const auto& defaults = role_defaults_[p.role];
      p.limits = defaults.limits;
      // Hours that do not parse are reported, and the default stands in for them so that
      // the pairs of this person are not reported a second time for the same mistake.
      std::optional<WorkingHours> own;
      if (const auto text = cell(row, "working_hours"); !text.empty()) {
        std::string why;
        own = WorkingHours::parse(text, &why);
        if (!own) at("working_hours " + in_quotes(text) + ": " + why);
      }
      p.working_hours = own ? *own
                        : defaults.working_hours
                            ? *defaults.working_hours
                            : *WorkingHours::parse(kDefaultWorkingHours, nullptr);
      const auto limit = [&](const IntRange& range, std::optional<int>& slot) {
        const auto text = cell(row, range.key);
        if (text.empty()) return;
        const auto value = parse_integer(text);
        if (!value || *value < range.min || *value > range.max)
          at(std::string(range.key) + " " + in_quotes(text) + " is out of range " +
             std::to_string(range.min) + ".." + std::to_string(range.max));
        else
          slot = static_cast<int>(*value);
      };
      limit(kMaxSessionsPerDay, p.limits.max_sessions_per_day);
      limit(kMaxSessionsPerWeek, p.limits.max_sessions_per_week);
      limit(kMaxMinutesPerWeek, p.limits.max_minutes_per_week);
      limit(kMaxMinutesPerMonth, p.limits.max_minutes_per_month);
      std::optional<int> buffer;
      limit(kBufferMinutes, buffer);
      if (buffer) p.limits.buffer_minutes = *buffer;

      const auto named = cell(row, "calendar");
      if (!named.empty() && !is_path_inside_program(named)) {
        at("calendar " + in_quotes(named) + " must be a path inside the program directory");
      } else if (!named.empty() && !calendar_texts[index]) {
        at("calendar file " + in_quotes(named) + " not found");
      } else if (calendar_texts[index]) {
        p.calendar_file = std::move(*calendar_paths[index]);
        p.calendar_text = std::move(*calendar_texts[index]);
      }
      read_profile(row, cell, p, at);
      if (ok) {
        links_.push_back({cell(row, "prefers"), cell(row, "avoid")});
        program_.people.push_back(std::move(p));
      } else {
        // A row that did not read leaves no index behind: it would name the next person's place.
        if (const auto it = person_index_.find(p.id);
            it != person_index_.end() && it->second == program_.people.size())
          person_index_.erase(it);
        misread_people_.insert(p.id);
      }
    }
    resolve_links();
    return true;
  }

  // The profile columns of one row, all but the ids in `prefers` and `avoid`, which name rows
  // that may come later and are resolved by resolve_links.
  template <typename Cell, typename Report>
  void read_profile(const CsvRecord& row, const Cell& cell, Person& p, const Report& at) {
    auto& profile = p.profile;
    const bool mentor = p.role == Role::mentor;
    const auto only_for = [&](std::string_view column, Role role) {
      if (cell(row, column).empty() || p.role == role) return;
      at(std::string(column) + " is for " + (role == Role::mentor ? "mentors" : "mentees") + ": " +
         in_quotes(p.id) + " is a " + (mentor ? "mentor" : "mentee"));
    };
    only_for("capacity", Role::mentor);
    only_for("skills", Role::mentor);
    only_for("goals", Role::mentee);
    only_for("prefers", Role::mentee);
    const auto number = [&](const IntRange& range) -> std::optional<int> {
      const auto text = cell(row, range.key);
      if (text.empty()) return std::nullopt;
      const auto value = parse_integer(text);
      if (!value || *value < range.min || *value > range.max) {
        at(std::string(range.key) + " " + in_quotes(text) + " must be an integer from " +
           std::to_string(range.min) + " to " + std::to_string(range.max));
        return std::nullopt;
      }
      return static_cast<int>(*value);
    };
    if (mentor) profile.capacity = number(kCapacity);
    profile.level = number(kLevel);
    profile.skills = list_items(cell(row, "skills"));
    profile.goals = list_items(cell(row, "goals"));
    profile.languages = list_items(cell(row, "languages"));
    profile.department = cell(row, "department");
  }

  // Resolves each person's `prefers` and `avoid` ids, compared case-insensitively, once every
  // row is read.
  void resolve_links() {
    std::unordered_map<std::string, std::size_t> by_lowercase_id;
    for (std::size_t i = 0; i < program_.people.size(); ++i)
      by_lowercase_id.emplace(ascii_lower(program_.people[i].id), i);
    for (std::size_t i = 0; i < program_.people.size(); ++i) {
      auto& p = program_.people[i];
      const auto at = [&](std::string message) {
        d_.error(people_file_, p.line, std::move(message));
      };
      const auto resolve = [&](const std::string& text, std::string_view column, bool mentors_only,
                               std::vector<std::size_t>& out) {
        for (const auto& id : list_items(text)) {
          const auto it = by_lowercase_id.find(ascii_lower(id));
          const std::string what = std::string(column) + " " + in_quotes(id);
          if (it == by_lowercase_id.end()) {
            at(what + " is not in people.csv");
          } else if (it->second == i) {
            at(what + " is " + p.id + "'s own id");
          } else if (mentors_only && program_.people[it->second].role != Role::mentor) {
            at(what + " is a mentee (line " + std::to_string(program_.people[it->second].line) +
               "); " + std::string(column) + " lists mentors");
          } else if (std::find(out.begin(), out.end(), it->second) != out.end()) {
            at(what + " is listed twice");
          } else {
            out.push_back(it->second);
          }
        }
      };
      resolve(links_[i].prefers, "prefers", true, p.profile.prefers);
      resolve(links_[i].avoid, "avoid", false, p.profile.avoid);
    }
  }

  // With min_level_gap, everyone `match` could pair needs a level: every mentor who can take a
  // mentee and every mentee not already in pairs.csv.
  void check_levels() {
    if (!program_.matching.min_level_gap) return;
    std::vector<bool> paired(program_.people.size(), false);
    for (const auto& pair : program_.pairs) paired[pair.mentee] = true;
    for (std::size_t i = 0; i < program_.people.size(); ++i) {
      const auto& p = program_.people[i];
      if (p.profile.level) continue;
      const bool matchable = p.role == Role::mentor
                                 ? p.profile.capacity.value_or(program_.matching.capacity) > 0
                                 : !paired[i];
      if (matchable)
        d_.error(people_file_, p.line,
                 "level is empty for " + in_quotes(p.id) +
                     ", and [matching] min_level_gap needs everyone's level");
    }
  }

  // The file a row's calendar is read from: the one its `calendar` column names, else
  // calendars/ID.ics when there is one; nullopt when the row names no file it may read.
  static std::optional<std::string> calendar_path(const std::string& named, const std::string& id) {
    if (!named.empty()) return is_path_inside_program(named) ? std::optional(named) : std::nullopt;
    if (!is_person_id(id)) return std::nullopt;
    return "calendars/" + id + ".ics";
  }

  // ---- pairs.csv ----

  void load_pairs() {
    const auto table =
        read_table(sources_.pairs_csv, pairs_file_, {"mentor", "mentee"},
                   {"cadence", kDurationMinutes.key, "min_held", "focus", "location"});
    if (!table) return;
    const auto cell = cell_reader(*table);
    std::map<std::pair<std::string, std::string>, int> seen;
    for (const auto& row : table->rows) {
      const auto at = [&](std::string message) {
        d_.error(pairs_file_, row.line, std::move(message));
      };
      Pair pair;
      pair.line = row.line;
      pair.cadence = pair_defaults_.cadence;
      pair.duration = pair_defaults_.duration;
      pair.min_held = pair_defaults_.min_held;
      pair.focus = cell(row, "focus");
      pair.location = cell(row, "location");
      const auto mentor = person(cell(row, "mentor"), Role::mentor, "mentor", at);
      const auto mentee = person(cell(row, "mentee"), Role::mentee, "mentee", at);
      if (const auto text = cell(row, "cadence"); !text.empty()) {
        if (const auto c = Cadence::parse(text))
          pair.cadence = *c;
        else
          at("cadence " + in_quotes(text) + " " + kCadenceHint);
      }
      if (const auto text = cell(row, kDurationMinutes.key); !text.empty()) {
        const auto value = parse_integer(text);
        if (!value || *value < kDurationMinutes.min || *value > kDurationMinutes.max)
          at("duration_minutes " + in_quotes(text) + " is out of range 5..480");
        else
          pair.duration = Minutes{*value};
      }
      if (const auto text = cell(row, "min_held"); !text.empty()) {
        const auto value = parse_share(text);
        if (!value || *value < 0 || *value > 1)
          at("min_held " + in_quotes(text) + " must be a share from 0 to 1");
        else
          pair.min_held = *value;
      }
      if (!mentor || !mentee) continue;
      pair.mentor = *mentor;
      pair.mentee = *mentee;
      const auto& m = program_.people[*mentor];
      const auto& e = program_.people[*mentee];
      const auto key = std::make_pair(m.id, e.id);
      if (const auto [it, fresh] = seen.emplace(key, row.line); !fresh) {
        at("pair " + m.id + " / " + e.id + " is listed twice (first on line " +
           std::to_string(it->second) + ")");
        continue;
      }
      for (const Person* who : {&m, &e}) {
        if (pair.duration > who->working_hours.longest_window())
          at("duration_minutes " + std::to_string(pair.duration.count()) + " is longer than " +
             who->id + "'s longest working window (" + who->working_hours.to_string() + ")");
      }
      program_.pairs.push_back(pair);
    }
  }

  template <typename Report>
  std::optional<std::size_t> person(const std::string& id, Role role, const char* column,
                                    Report&& at) {
    const auto it = person_index_.find(id);
    if (id.empty()) {
      at(std::string(column) + " is empty");
      return std::nullopt;
    }
    if (it == person_index_.end()) {
      if (!misread_people_.contains(id))
        at(std::string(column) + " " + in_quotes(id) + " is not in people.csv");
      return std::nullopt;
    }
    const auto& p = program_.people[it->second];
    if (p.role != role) {
      at(std::string(column) + " " + in_quotes(id) + " has role " +
         (p.role == Role::mentor ? "mentor" : "mentee") + " in people.csv (line " +
         std::to_string(p.line) + ")");
      return std::nullopt;
    }
    return it->second;
  }

  // ---- shared CSV checks ----

  std::optional<CsvTable> read_table(const std::optional<std::string>& text,
                                     const std::string& file,
                                     std::initializer_list<std::string_view> required,
                                     std::initializer_list<std::string_view> optional) {
    if (!text) {
      d_.error(file, 0, "file not found");
      return std::nullopt;
    }
    // A spreadsheet set to a European locale saves "CSV" with semicolons: a header of one
    // column whose name holds the real ones. Said once, rather than as every column missing
    // and every row misshapen.
    const auto header = std::string_view(*text).substr(0, text->find('\n'));
    if (header.find(';') != std::string_view::npos && header.find(',') == std::string_view::npos &&
        header.find(*required.begin()) != std::string_view::npos) {
      d_.error(file, 1,
               "the columns are separated by ';', not ','; save the sheet as \"CSV UTF-8 (comma "
               "delimited)\" or export it with ',' as the separator");
      return std::nullopt;
    }
    auto table = read_csv(*text, file, d_);
    if (!table) return std::nullopt;
    bool ok = true;
    for (const auto name : required) {
      if (!table->column(name)) {
        d_.error(file, 1, "missing column " + in_quotes(name));
        ok = false;
      }
    }
    std::set<std::string> names;
    for (const auto& name : table->header) {
      if (std::find(required.begin(), required.end(), name) == required.end() &&
          std::find(optional.begin(), optional.end(), name) == optional.end()) {
        d_.error(file, 1, "unknown column " + in_quotes(name));
        ok = false;
      }
      if (!names.insert(name).second) {
        d_.error(file, 1, "column " + in_quotes(name) + " appears twice");
        ok = false;
      }
    }
    if (!ok) return std::nullopt;
    return table;
  }

  const ProgramSources& sources_;
  std::string toml_file_;
  std::string people_file_;
  std::string pairs_file_;
  Diagnostics d_;
  std::set<std::string> misread_people_;  // ids of people.csv rows that did not read
  Program program_;
  std::map<Role, RoleDefaults> role_defaults_;
  PairDefaults pair_defaults_;
  std::unordered_map<std::string, std::size_t> person_index_;
  // The `prefers` and `avoid` cells of each person in program_.people, resolved once all are read.
  struct Links {
    std::string prefers;
    std::string avoid;
  };
  std::vector<Links> links_;
};

}  // namespace

std::size_t cadence_occurrences(const Cadence& cadence, LocalDay start, LocalDay end,
                                std::size_t rule_instances) {
  if (cadence.kind != Cadence::Kind::monthly) return rule_instances;
  std::size_t months = 0;
  const date::year_month_day first{start};
  for (auto ym = first.year() / first.month(); LocalDay{ym / 1} <= end; ym += date::months{1}) {
    const LocalDay from = std::max(start, LocalDay{ym / 1});
    const LocalDay to = std::min(end, LocalDay{ym / date::last});
    if ((to - from).count() + 1 >= 7) ++months;
  }
  return months;
}

std::optional<Cadence> Cadence::parse(std::string_view text) {
  if (text == "weekly") return Cadence{Kind::every_weeks, 1};
  if (text == "biweekly") return Cadence{Kind::every_weeks, 2};
  if (text == "monthly") return Cadence{Kind::monthly, 0};
  constexpr std::string_view prefix = "every ";
  constexpr std::string_view suffix = " weeks";
  if (text.starts_with(prefix) && text.ends_with(suffix) &&
      text.size() > prefix.size() + suffix.size()) {
    const auto n =
        parse_integer(text.substr(prefix.size(), text.size() - prefix.size() - suffix.size()));
    if (n && *n >= 1 && *n <= 52) return Cadence{Kind::every_weeks, static_cast<int>(*n)};
  }
  return std::nullopt;
}

std::string Cadence::to_string() const {
  if (kind == Kind::monthly) return "monthly";
  if (weeks == 1) return "weekly";
  if (weeks == 2) return "biweekly";
  return "every " + std::to_string(weeks) + " weeks";
}

bool is_program_id(std::string_view id) {
  return !id.empty() && id.size() <= 64 && std::all_of(id.begin(), id.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-';
  });
}

bool is_path_inside_program(std::string_view path) {
  if (path.empty() || path.front() == '/' || path.find('\\') != std::string_view::npos ||
      path.find('\0') != std::string_view::npos)
    return false;
  std::size_t begin = 0;
  while (begin <= path.size()) {
    const auto end = std::min(path.find('/', begin), path.size());
    const auto segment = path.substr(begin, end - begin);
    if (segment.empty() || segment == "." || segment == "..") return false;
    begin = end + 1;
  }
  return true;
}

std::optional<std::string> read_text_file(const std::filesystem::path& path) {
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec)) return std::nullopt;
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  // One read of the size the file has; the rest, should it have grown since.
  const auto size = std::filesystem::file_size(path, ec);
  std::string text(ec ? 0 : size, '\0');
  in.read(text.data(), static_cast<std::streamsize>(text.size()));
  text.resize(static_cast<std::size_t>(in.gcount()));
  if (in) text.append(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  return text;
}

LoadedProgram read_program(const ProgramSources& sources) {
  return Loader(sources).load();
}

ProgramSources program_dir_sources(const std::filesystem::path& dir) {
  ProgramSources sources;
  auto label = dir.generic_string();
  if (!label.empty() && label.back() != '/') label += '/';
  sources.label = label;
  sources.program_toml = read_text_file(dir / "program.toml");
  sources.people_csv = read_text_file(dir / "people.csv");
  sources.pairs_csv = read_text_file(dir / "pairs.csv");
  sources.read = [dir](const std::string& relative) { return read_text_file(dir / relative); };
  return sources;
}

}  // namespace mentorcal

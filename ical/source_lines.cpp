// How a calendar's text becomes the text libical parses, with or without line numbers
// (source_lines.hpp), and how the numbers are read back from libical's tree.
#include "source_lines.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <charconv>

#include "mentorcal/text.hpp"

namespace mentorcal::detail {
namespace {

// When the text libical parses carries line numbers, each content line carries its own as this
// parameter, and each component as a property of this name right after its BEGIN line.
constexpr std::string_view kLineTag = "X-MENTORCAL-LINE";

bool contains_ignoring_case(std::string_view text, std::string_view part) {
  return std::search(text.begin(), text.end(), part.begin(), part.end(),
                     [](char x, char y) { return ascii_upper(x) == ascii_upper(y); }) != text.end();
}

std::size_t name_length(std::string_view line) {
  std::size_t n = 0;
  while (n < line.size() && (std::isalnum(static_cast<unsigned char>(line[n])) || line[n] == '-')) {
    ++n;
  }
  return n;
}

void append_number(std::string& text, int number) {
  std::array<char, 16> digits{};
  const auto end = std::to_chars(digits.data(), digits.data() + digits.size(), number).ptr;
  text.append(digits.data(), end);
}

// Whether libical reads the parameters and value of the unfolded content line `line`, whose
// name of length `n` is followed by ';', the same when the tag parameter comes first. Its parser
// (3.0.16, icalparser_add_line) reads the same parameters and value after the tag unless
// - no ':' ends the parameters (it looks for one the way parser_get_next_char does: not quoted,
//   not after a backslash): the value is then all that follows the name, tag included;
// - a TZID parameter ends at a ':' and another ':' follows (Google's "TZID=GMT+05:30"): it then
//   takes the TZID from a fixed offset into the line, which the tag shifts (the tagged text puts
//   such a TZID in quotes).
bool tag_is_neutral(std::string_view line, std::size_t n) {
  bool quoted = false;
  bool ends_parameters = false;
  int colons = 0;
  for (std::size_t i = n + 1; i < line.size(); ++i) {
    if (line[i] == ':') ++colons;
    if (line[i - 1] == '\\') continue;
    if (line[i] == '"') {
      quoted = !quoted;
    } else if (line[i] == ':' && !quoted) {
      ends_parameters = true;
    }
  }
  return ends_parameters && !(colons >= 2 && contains_ignoring_case(line, "TZID="));
}

// Whether `name` is one of `names`, as property names compare: whatever the case.
template <std::size_t N>
bool one_of(std::string_view name, const std::array<std::string_view, N>& names) {
  return std::any_of(names.begin(), names.end(),
                     [&](std::string_view known) { return equals_ignoring_case(name, known); });
}

// Text properties nothing reads. Written without parameters and with a value that is not blank,
// libical 3.0.16 parses them without fail: TEXT takes any string, and only an empty value (after
// it trims blanks) is an X-LIC-ERROR. Every 1- and 2-byte value of each, and 800,000 random ones,
// were tried. So the text without tags leaves them out, for libical's sake: a twelfth of the lines
// of a typical export. Their continuation lines go with them.
// `rest` is the line after the name.
bool unread_text(std::string_view name, std::string_view rest) {
  static constexpr std::array<std::string_view, 4> kNames = {"SUMMARY", "DESCRIPTION", "LOCATION",
                                                             "COMMENT"};
  return rest.starts_with(':') &&
         rest.find_first_not_of(" \t\n\v\f\r", 1) != std::string_view::npos && one_of(name, kNames);
}

// Date-time properties nothing reads, written without parameters as a basic date-time
// ("20261214T000000Z"; 8 digits, 'T', 6 digits, 'Z' or not): libical 3.0.16 reads every such value
// without fail, whatever the digits (900,000 random ones were tried for each name). An export
// has one on every event. One that a continuation line follows is another value and stays.
bool unread_stamp(std::string_view name, std::string_view rest) {
  static constexpr std::array<std::string_view, 3> kNames = {"DTSTAMP", "CREATED", "LAST-MODIFIED"};
  const auto digits = [&](std::size_t from, std::size_t count) {
    return std::all_of(rest.begin() + static_cast<long>(from),
                       rest.begin() + static_cast<long>(from + count),
                       [](char c) { return c >= '0' && c <= '9'; });
  };
  return (rest.size() == 16 || (rest.size() == 17 && rest.back() == 'Z')) && rest[0] == ':' &&
         digits(1, 8) && rest[9] == 'T' && digits(10, 6) && one_of(name, kNames);
}

// "TRANSP:OPAQUE" says what an event without TRANSP says, and libical looks its value up by two
// scans of every enumerated value it knows: a tenth of the reading of an export that writes it on
// every event. It is left out too; since the first TRANSP of an event decides, a TRANSP after
// one left out makes the text other than the tagged text, which then decides.
bool is_transp(std::string_view name) {
  return equals_ignoring_case(name, "TRANSP");
}
bool unread_opaque(std::string_view name, std::string_view rest) {
  return is_transp(name) && rest.starts_with(':') && equals_ignoring_case(rest.substr(1), "OPAQUE");
}

// Appends `parameters` (a content line after its name, up to and with its value) with an
// unquoted TZID value that holds a ':' put in quotes, as RFC 5545 asks of such a value: Google
// writes "DTSTART;TZID=GMT+05:30:20270301T090000". The value runs to the next ';' or to the line's
// last ':', since no property that takes a TZID has a ':' in its value. libical reads the quoted
// form wherever the parameter stands, which the line tag, put first, would otherwise break.
void append_with_tzid_quoted(std::string& text, std::string_view parameters) {
  const auto last_colon = parameters.rfind(':');
  bool quoted = false;
  for (std::size_t at = 0; last_colon != std::string_view::npos && at < last_colon; ++at) {
    if (parameters[at] == '"') quoted = !quoted;
    if (quoted || parameters[at] != ';' ||
        !equals_ignoring_case(parameters.substr(at + 1, 5), "TZID="))
      continue;
    const auto begin = at + 6;
    const auto end = std::min(parameters.find(';', begin), last_colon);
    if (begin >= end || parameters[begin] == '"') continue;
    const auto value = parameters.substr(begin, end - begin);
    if (value.find(':') == std::string_view::npos || value.find('"') != std::string_view::npos)
      continue;
    text.append(parameters.substr(0, begin)).push_back('"');
    text.append(value).push_back('"');
    text.append(parameters.substr(end));
    return;
  }
  text.append(parameters);
}

int parse_line_number(const char* text) {
  int value = 0;
  if (text == nullptr) return 0;
  const std::string_view s{text};
  const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), value);
  return ec == std::errc{} && end == s.data() + s.size() ? value : 0;
}

}  // namespace

std::optional<Source> prepare(std::string_view ics, LineTags tags, const std::string& file,
                              Diagnostics& diagnostics) {
  if (ics.starts_with("\xEF\xBB\xBF")) ics.remove_prefix(3);
  if (ics.find('\0') != std::string_view::npos) {
    diagnostics.error(file, 0, "not an iCalendar file: it contains NUL bytes");
    return std::nullopt;
  }
  const bool tagged = tags == LineTags::present;
  Source out;
  out.tags = tags;
  out.text.reserve(tagged ? ics.size() + ics.size() / 2 : ics.size() + 1);
  std::vector<std::pair<std::string_view, int>> open;  // component name, line of its BEGIN
  bool any = false;                                    // a content line was seen
  // Without tags: the content line with parameters whose continuation lines may still follow,
  // unfolded into `unfolded` once one does.
  std::string_view pending;
  std::string unfolded;
  bool folded = false;
  bool after_begin = false;
  bool left_out = false;  // the content line is not in the text
  // For each open component, whether a TRANSP:OPAQUE of its own is not in the text.
  std::vector<bool> opaque_left_out;
  const auto settle = [&] {
    if (!pending.empty() && !tag_is_neutral(folded ? unfolded : pending, name_length(pending))) {
      out.same_as_tagged = false;
    }
    pending = {};
    folded = false;
  };
  int number = 0;
  std::size_t pos = 0;
  while (pos < ics.size()) {
    std::size_t end = ics.find('\n', pos);
    if (end == std::string_view::npos) end = ics.size();
    std::string_view line = ics.substr(pos, end - pos);
    pos = end + 1;
    ++number;
    if (line.ends_with('\r')) line.remove_suffix(1);
    if (line.empty()) continue;
    if (line.front() == ' ' || line.front() == '\t') {  // a folded continuation
      if (left_out) continue;
      out.text.append(line).push_back('\n');
      if (tagged) continue;
      // With tags, the line after a BEGIN is the component's kLineTag property: it would take
      // this continuation instead of the BEGIN line.
      if (after_begin) out.same_as_tagged = false;
      if (!pending.empty()) {
        if (!folded) unfolded.assign(pending);
        folded = true;
        // libical unfolds by dropping the line break (one '\r' too) and the leading blank.
        if (unfolded.ends_with('\r')) unfolded.pop_back();
        unfolded.append(line.substr(1));
      }
      continue;
    }
    settle();
    after_begin = false;
    left_out = false;
    const std::size_t n = name_length(line);
    const std::string_view name = line.substr(0, n);
    const char separator = n < line.size() ? line[n] : '\0';
    const bool begin = separator == ':' && equals_ignoring_case(name, "BEGIN");
    const bool end_line = separator == ':' && equals_ignoring_case(name, "END");
    // Only a BEGIN or END line's value is looked at: the component it names.
    const std::string_view value = begin || end_line ? line.substr(n + 1) : std::string_view();
    if (!any && !(begin && equals_ignoring_case(value, "VCALENDAR"))) {
      diagnostics.error(file, number,
                        "not an iCalendar file: it must begin with BEGIN:VCALENDAR, not '" +
                            std::string(line.substr(0, 40)) + "'");
      return std::nullopt;
    }
    any = true;
    if (begin) {
      open.emplace_back(value, number);
      opaque_left_out.push_back(false);
      out.text.append(line).push_back('\n');
      if (tagged) {
        out.lines.push_back({number, number, name});
        out.text.append(kLineTag).push_back(':');
        append_number(out.text, number);
        out.text.push_back('\n');
      }
      after_begin = true;
      continue;
    }
    if (end_line) {
      if (open.empty() || !equals_ignoring_case(open.back().first, value)) {
        diagnostics.error(
            file, number,
            "END:" + ascii_upper(value) +
                (open.empty() ? " closes no component"
                              : " does not close BEGIN:" + ascii_upper(open.back().first) +
                                    " at line " + std::to_string(open.back().second)));
        return std::nullopt;
      }
      if (tagged) out.lines.push_back({number, open.back().second, name});
      open.pop_back();
      opaque_left_out.pop_back();
      out.text.append(line).push_back('\n');
      continue;
    }
    const bool carries_tag = n > 0 && (separator == ';' || separator == ':');
    if (!tagged) {
      const std::string_view rest = line.substr(n);
      // Whether a later physical line continues this one: the next that is not empty, since
      // empty lines are left out of the text libical reads.
      const auto next = ics.find_first_not_of("\r\n", pos);
      const bool continued =
          next != std::string_view::npos && (ics[next] == ' ' || ics[next] == '\t');
      // (A line between two VCALENDARs is in no component.)
      const bool inside = !opaque_left_out.empty();
      if (inside && opaque_left_out.back() && is_transp(name)) out.same_as_tagged = false;
      const bool opaque = inside && !continued && unread_opaque(name, rest);
      if (opaque) opaque_left_out.back() = true;
      left_out = unread_text(name, rest) || opaque || (!continued && unread_stamp(name, rest));
      if (left_out) continue;
      out.text.append(line).push_back('\n');
      // libical takes any line named BEGIN or END for one, whatever follows the name.
      if (carries_tag &&
          (equals_ignoring_case(name, "BEGIN") || equals_ignoring_case(name, "END"))) {
        out.same_as_tagged = false;
      } else if (separator == ';') {
        pending = line;
      }
      continue;
    }
    out.lines.push_back({number, open.empty() ? 0 : open.back().second, name});
    if (carries_tag) {
      out.text.append(name).push_back(';');
      out.text.append(kLineTag).push_back('=');
      append_number(out.text, number);
      append_with_tzid_quoted(out.text, line.substr(n));
      out.text.push_back('\n');
    } else {
      out.text.append(line).push_back('\n');
    }
  }
  settle();
  if (!any) {
    diagnostics.error(file, 0, "not an iCalendar file: it is empty");
    return std::nullopt;
  }
  if (!open.empty()) {
    const std::string component = ascii_upper(open.back().first);
    diagnostics.error(file, number,
                      "the file ends inside " + component + " begun at line " +
                          std::to_string(open.back().second) +
                          ": it is truncated or lacks END:" + component);
    return std::nullopt;
  }
  return out;
}

// Reads the parameter itself: icalproperty_get_parameter_as_string_r serialises every parameter
// it passes and copies the result, which made this a tenth of the reading.
int property_line(icalproperty* property) {
  for (icalparameter* p = icalproperty_get_first_parameter(property, ICAL_X_PARAMETER); p;
       p = icalproperty_get_next_parameter(property, ICAL_X_PARAMETER)) {
    const char* name = icalparameter_get_xname(p);
    if (name != nullptr && name == kLineTag) return parse_line_number(icalparameter_get_xvalue(p));
  }
  return 0;
}

int component_line(icalcomponent* component) {
  for (icalproperty* p = icalcomponent_get_first_property(component, ICAL_X_PROPERTY); p;
       p = icalcomponent_get_next_property(component, ICAL_X_PROPERTY)) {
    const char* name = icalproperty_get_x_name(p);
    if (name != nullptr && name == kLineTag) return parse_line_number(icalproperty_get_x(p));
  }
  return 0;
}

}  // namespace mentorcal::detail

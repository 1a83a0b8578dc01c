#include "mentorcal/availability.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>

#include "mentorcal/text.hpp"

namespace mentorcal {
namespace {

constexpr std::array<std::string_view, 7> kDayNames = {"Sun", "Mon", "Tue", "Wed",
                                                       "Thu", "Fri", "Sat"};

std::string_view trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return s;
}

std::vector<std::string_view> split(std::string_view s, char sep) {
  std::vector<std::string_view> parts;
  for (;;) {
    const auto at = s.find(sep);
    parts.push_back(trim(s.substr(0, at)));
    if (at == std::string_view::npos) return parts;
    s.remove_prefix(at + 1);
  }
}

std::optional<unsigned> parse_day_name(std::string_view name) {
  for (unsigned i = 0; i < kDayNames.size(); ++i) {
    const auto& d = kDayNames[i];
    if (equals_ignoring_case(name, d)) return i;
  }
  return std::nullopt;
}

// "HH:MM" with HH 00..24 and MM 00..59; 24:00 is the only time past 23:59.
std::optional<Minutes> parse_clock(std::string_view s) {
  if (s.size() != 5 || s[2] != ':') return std::nullopt;
  int h = 0;
  int m = 0;
  if (std::from_chars(s.data(), s.data() + 2, h).ptr != s.data() + 2) return std::nullopt;
  if (std::from_chars(s.data() + 3, s.data() + 5, m).ptr != s.data() + 5) return std::nullopt;
  if (h < 0 || m < 0 || m > 59 || h > 24 || (h == 24 && m != 0)) return std::nullopt;
  return Minutes{h * 60 + m};
}

std::string format_clock(Minutes t) {
  const auto v = t.count();
  std::string out(5, ':');
  out[0] = static_cast<char>('0' + v / 600);
  out[1] = static_cast<char>('0' + v / 60 % 10);
  out[3] = static_cast<char>('0' + v % 60 / 10);
  out[4] = static_cast<char>('0' + v % 10);
  return out;
}

}  // namespace

std::optional<WorkingHours> WorkingHours::parse(std::string_view text, std::string* error) {
  const auto fail = [&](std::string message) -> std::optional<WorkingHours> {
    if (error) *error = std::move(message);
    return std::nullopt;
  };
  WorkingHours hours;
  std::array<bool, 7> seen{};
  if (trim(text).empty()) return fail("working hours are empty");
  for (const auto segment : split(text, ';')) {
    if (segment.empty()) return fail("empty segment between ';'");
    // Days are names, times start with a digit: the first digit ends the day list.
    const auto space = segment.find_first_of("0123456789");
    if (space == std::string_view::npos || space == 0)
      return fail("segment '" + std::string(segment) +
                  "' needs days then times, e.g. 'Mon-Fri 09:00-17:00'");
    const auto days_text = trim(segment.substr(0, space));
    const auto times_text = trim(segment.substr(space));

    std::vector<unsigned> days;
    for (const auto item : split(days_text, ',')) {
      const auto dash = item.find('-');
      const auto first = parse_day_name(item.substr(0, dash));
      const auto last =
          dash == std::string_view::npos ? first : parse_day_name(item.substr(dash + 1));
      if (!first || !last)
        return fail(std::string("'").append(item).append(
            "' is not a day or day range (Mon, Tue, ... Sun)"));
      for (unsigned d = *first;; d = (d + 1) % 7) {
        days.push_back(d);
        if (d == *last) break;
      }
    }

    std::vector<DayWindow> windows;
    for (const auto item : split(times_text, ',')) {
      const auto dash = item.find('-');
      const auto from = parse_clock(item.substr(0, dash));
      const auto to =
          dash == std::string_view::npos ? std::nullopt : parse_clock(item.substr(dash + 1));
      if (!from || !to) return fail("'" + std::string(item) + "' is not a time range HH:MM-HH:MM");
      if (*from >= *to || *from == Minutes{24 * 60})
        return fail("time range '" + std::string(item) + "' ends before it starts");
      windows.push_back({*from, *to});
    }
    std::sort(windows.begin(), windows.end(),
              [](const DayWindow& a, const DayWindow& b) { return a.start < b.start; });
    for (std::size_t i = 1; i < windows.size(); ++i)
      if (windows[i].start < windows[i - 1].end)
        return fail("time ranges " + format_clock(windows[i - 1].start) + "-" +
                    format_clock(windows[i - 1].end) + " and " + format_clock(windows[i].start) +
                    "-" + format_clock(windows[i].end) + " overlap");

    for (const unsigned d : days) {
      if (seen[d]) return fail(std::string(kDayNames[d]) + " appears in more than one segment");
      seen[d] = true;
      hours.days_[d] = windows;
    }
  }
  return hours;
}

Minutes WorkingHours::longest_window() const {
  Minutes longest{0};
  for (const auto& day : days_)
    for (const auto& w : day) longest = std::max(longest, w.end - w.start);
  return longest;
}

WorkingHours WorkingHours::widened(Minutes earlier, Minutes later) const {
  WorkingHours out = *this;
  for (auto& day : out.days_) {
    if (day.empty()) continue;
    day.front().start = std::max(Minutes{0}, day.front().start - earlier);
    day.back().end = std::min(Minutes{24 * 60}, day.back().end + later);
  }
  return out;
}

std::string WorkingHours::to_string() const {
  // Days with identical windows are grouped into ranges of consecutive days, starting the week
  // at a day whose eve differs so that a range like Sun-Thu is not cut at Monday.
  constexpr std::array<unsigned, 7> kOrder = {1, 2, 3, 4, 5, 6, 0};  // Monday first
  const auto day = [&](std::size_t i) -> const std::vector<DayWindow>& {
    return days_[kOrder[i % kOrder.size()]];
  };
  std::size_t first = 0;
  while (first < kOrder.size() && day(first + kOrder.size() - 1) == day(first)) ++first;
  if (first == kOrder.size()) first = 0;
  std::string out;
  for (std::size_t i = first; i < first + kOrder.size();) {
    const auto& windows = day(i);
    std::size_t j = i + 1;
    while (j < first + kOrder.size() && day(j) == windows) ++j;
    if (!windows.empty()) {
      if (!out.empty()) out += "; ";
      out += kDayNames[kOrder[i % kOrder.size()]];
      if (j - i > 1) out.append("-").append(kDayNames[kOrder[(j - 1) % kOrder.size()]]);
      out += ' ';
      for (std::size_t w = 0; w < windows.size(); ++w) {
        if (w > 0) out += ',';
        out += format_clock(windows[w].start) + "-" + format_clock(windows[w].end);
      }
    }
    i = j;
  }
  return out;
}

namespace {

// Zone::to_instant over many local times of one zone, asking the tz database only near a change
// of offset. A reading whose instant under the offset last found lies more than two days inside
// that offset's period maps to that period alone, as offsets differ by less than two days, so
// the database would answer the same.
class LocalReader {
 public:
  explicit LocalReader(const Zone& zone) : zone_(zone) {}

  Instant to_instant(LocalMinute local) {
    const Instant t{local.time_since_epoch() - offset_};
    if (t >= safe_from_ && t < safe_until_) return t;
    const auto instant = zone_.to_instant(local);
    const auto period = zone_.period_at(instant);
    offset_ = std::chrono::duration_cast<Minutes>(period.offset);
    safe_from_ = date::ceil<Minutes>(period.begin) + kMargin;
    safe_until_ = date::floor<Minutes>(period.end) - kMargin;
    return instant;
  }

 private:
  static constexpr date::days kMargin{2};
  const Zone& zone_;
  Minutes offset_{0};
  Instant safe_from_ = Instant::max();  // empty until the first reading
  Instant safe_until_ = Instant::min();
};

}  // namespace

std::vector<Interval> working_intervals(const WorkingHours& hours, const Zone& zone, LocalDay first,
                                        LocalDay last) {
  std::vector<Interval> out;
  LocalReader reader(zone);
  for (LocalDay day = first; day <= last; day += date::days{1}) {
    for (const auto& w : hours.on(date::weekday{day})) {
      const Interval i{reader.to_instant(day + w.start), reader.to_instant(day + w.end)};
      if (!i.empty()) out.push_back(i);
    }
  }
  return normalized(std::move(out));
}

Interval local_days_interval(const Zone& zone, LocalDay first, LocalDay last) {
  return {zone.to_instant(LocalMinute{first}), zone.to_instant(LocalMinute{last + date::days{1}})};
}

std::vector<Interval> normalized(std::vector<Interval> intervals) {
  std::erase_if(intervals, [](const Interval& i) { return i.empty(); });
  std::sort(intervals.begin(), intervals.end());
  std::vector<Interval> out;
  for (const auto& i : intervals) {
    if (!out.empty() && i.start <= out.back().end)
      out.back().end = std::max(out.back().end, i.end);
    else
      out.push_back(i);
  }
  return out;
}

std::vector<Interval> intersect(std::span<const Interval> a, std::span<const Interval> b) {
  std::vector<Interval> out;
  std::size_t i = 0;
  std::size_t j = 0;
  while (i < a.size() && j < b.size()) {
    const Interval both{std::max(a[i].start, b[j].start), std::min(a[i].end, b[j].end)};
    if (!both.empty()) out.push_back(both);
    if (a[i].end < b[j].end)
      ++i;
    else
      ++j;
  }
  return out;
}

std::vector<Interval> subtract(std::span<const Interval> from, std::span<const Interval> remove) {
  std::vector<Interval> out;
  std::size_t j = 0;
  for (auto rest : from) {
    while (j < remove.size() && remove[j].end <= rest.start) ++j;
    for (std::size_t k = j; k < remove.size() && remove[k].start < rest.end; ++k) {
      if (remove[k].start > rest.start) out.push_back({rest.start, remove[k].start});
      rest.start = std::max(rest.start, remove[k].end);
    }
    if (!rest.empty()) out.push_back(rest);
  }
  return out;
}

Minutes total_length(std::span<const Interval> intervals) {
  Minutes total{0};
  for (const auto& i : intervals) total += i.length();
  return total;
}

}  // namespace mentorcal

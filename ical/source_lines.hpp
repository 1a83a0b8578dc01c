// Source lines: libical keeps no line numbers. To report a problem at its line, the text it
// parses carries them as kLineTag parameters and properties (source_lines.cpp); libical parses
// those like any other (an allocation each, a case-insensitive name lookup), which cost a fifth of
// the reading. So a file is read without them first, and read again with them only when there is
// something to report. Private to ical/.
#pragma once

#include <libical/ical.h>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "mentorcal/diagnostics.hpp"

namespace mentorcal::detail {

enum class LineTags { absent, present };

struct ContentLine {
  int line = 0;            // 1-based physical line where the content line starts
  int component_line = 0;  // line of the BEGIN of the component the content line belongs to
  std::string_view name;   // property name as written ("RRULE", "begin"...)
};

struct Source {
  LineTags tags = LineTags::absent;
  std::string text;                // what libical parses
  std::vector<ContentLine> lines;  // every content line, in order; only with tags
  // Without tags: whether libical makes of `text` the tree it makes of the tagged text, less the
  // tags. A tag changes how libical reads the few content lines `tag_is_neutral` rejects.
  bool same_as_tagged = true;
};

// Checks that BEGIN and END lines nest and that the file is a VCALENDAR, and writes the text
// libical parses: its content lines without empty lines, with bare line feeds. With `tags` every
// property gets its line number as a kLineTag parameter, every component a kLineTag property;
// without, the lines `unread_text`, `unread_stamp` and `unread_opaque` accept are left out. Returns
// nullopt after reporting an error.
std::optional<Source> prepare(std::string_view ics, LineTags tags, const std::string& file,
                              Diagnostics& diagnostics);

// The line number a property carries as its kLineTag parameter, or a component as its kLineTag
// property; 0 without one.
int property_line(icalproperty* property);
int component_line(icalcomponent* component);

}  // namespace mentorcal::detail

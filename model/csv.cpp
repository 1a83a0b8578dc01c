#include "mentorcal/csv.hpp"

#include <algorithm>

namespace mentorcal {
namespace {

std::string trimmed(std::string_view s) {
  const auto first = s.find_first_not_of(" \t");
  if (first == std::string_view::npos) return {};
  return std::string(s.substr(first, s.find_last_not_of(" \t") - first + 1));
}

// One pass over the text, record by record. `line` counts newlines seen so far, including
// those inside quoted fields, so that each record and each field knows where it started.
class Reader {
 public:
  Reader(std::string_view text, const std::string& file, Diagnostics& diagnostics)
      : text_(text), file_(file), diagnostics_(diagnostics) {}

  bool done() const { return pos_ >= text_.size(); }

  // Reads the next record. Returns false when the record is malformed (reported, skipped).
  bool next(CsvRecord& record) {
    record.line = line_;
    record.fields.clear();
    for (;;) {
      std::string field;
      if (!read_field(field)) return false;
      record.fields.push_back(std::move(field));
      if (done()) return true;
      const char c = text_[pos_];
      if (c == ',') {
        ++pos_;
        continue;
      }
      end_of_line();
      return true;
    }
  }

  bool at_blank_line() const {
    return pos_ < text_.size() && (text_[pos_] == '\n' || text_[pos_] == '\r');
  }
  void skip_blank_line() { end_of_line(); }

 private:
  bool read_field(std::string& field) {
    if (!done() && text_[pos_] == '"') return read_quoted(field);
    const auto start = pos_;
    while (!done() && text_[pos_] != ',' && text_[pos_] != '\n' && text_[pos_] != '\r') {
      if (text_[pos_] == '"') {
        diagnostics_.error(file_, line_, "quote inside an unquoted field (quote the whole field)");
        skip_rest_of_record();
        return false;
      }
      ++pos_;
    }
    field.assign(text_.substr(start, pos_ - start));
    return true;
  }

  bool read_quoted(std::string& field) {
    const int started = line_;
    ++pos_;
    for (;;) {
      if (done()) {
        diagnostics_.error(file_, started, "quoted field is never closed");
        return false;
      }
      const char c = text_[pos_++];
      if (c == '"') {
        if (!done() && text_[pos_] == '"') {
          field += '"';
          ++pos_;
          continue;
        }
        if (!done() && text_[pos_] != ',' && text_[pos_] != '\n' && text_[pos_] != '\r') {
          diagnostics_.error(file_, line_, "text after the closing quote of a field");
          skip_rest_of_record();
          return false;
        }
        return true;
      }
      if (c == '\n') ++line_;
      field += c;
    }
  }

  void end_of_line() {
    if (!done() && text_[pos_] == '\r') ++pos_;
    if (!done() && text_[pos_] == '\n') ++pos_;
    ++line_;
  }

  // After an error, resynchronise at the next line end outside quotes is not knowable; the
  // next physical line is the best guess a coordinator can act on.
  void skip_rest_of_record() {
    while (!done() && text_[pos_] != '\n') ++pos_;
    if (!done()) ++pos_;
    ++line_;
  }

  std::string_view text_;
  const std::string& file_;
  Diagnostics& diagnostics_;
  std::size_t pos_ = 0;
  int line_ = 1;
};

}  // namespace

std::optional<std::size_t> CsvTable::column(std::string_view name) const {
  const auto it = std::find(header.begin(), header.end(), name);
  if (it == header.end()) return std::nullopt;
  return static_cast<std::size_t>(it - header.begin());
}

bool is_valid_utf8(std::string_view text, std::size_t* bad_offset) {
  std::size_t i = 0;
  const auto fail = [&] {
    if (bad_offset) *bad_offset = i;
    return false;
  };
  while (i < text.size()) {
    const auto c = static_cast<unsigned char>(text[i]);
    int extra = 0;
    unsigned min = 0;
    if (c < 0x80) {
      ++i;
      continue;
    } else if ((c & 0xE0) == 0xC0) {
      extra = 1;
      min = 0x80;
    } else if ((c & 0xF0) == 0xE0) {
      extra = 2;
      min = 0x800;
    } else if ((c & 0xF8) == 0xF0) {
      extra = 3;
      min = 0x10000;
    } else {
      return fail();
    }
    if (text.size() - i <= static_cast<std::size_t>(extra)) return fail();
    unsigned code = c & (0x3F >> extra);
    for (int k = 1; k <= extra; ++k) {
      const auto cc = static_cast<unsigned char>(text[i + static_cast<std::size_t>(k)]);
      if ((cc & 0xC0) != 0x80) return fail();
      code = (code << 6) | (cc & 0x3F);
    }
    // Overlong forms, UTF-16 surrogates and code points past U+10FFFF are not UTF-8.
    if (code < min || (code >= 0xD800 && code <= 0xDFFF) || code > 0x10FFFF) return fail();
    i += static_cast<std::size_t>(extra) + 1;
  }
  return true;
}

std::optional<CsvTable> read_csv(std::string_view text, const std::string& file,
                                 Diagnostics& diagnostics) {
  if (text.starts_with("\xEF\xBB\xBF")) text.remove_prefix(3);
  if (std::size_t bad = 0; !is_valid_utf8(text, &bad)) {
    const auto line = 1 + std::count(text.begin(), text.begin() + static_cast<long>(bad), '\n');
    diagnostics.error(file, static_cast<int>(line), "invalid UTF-8 (the file must be UTF-8)");
    return std::nullopt;
  }
  Reader reader(text, file, diagnostics);
  while (reader.at_blank_line()) reader.skip_blank_line();
  if (reader.done()) {
    diagnostics.error(file, 1, "the file is empty; it needs a header row");
    return std::nullopt;
  }
  CsvTable table;
  CsvRecord record;
  if (!reader.next(record)) return std::nullopt;
  for (auto& name : record.fields) table.header.push_back(trimmed(name));
  while (!reader.done()) {
    if (reader.at_blank_line()) {
      reader.skip_blank_line();
      continue;
    }
    if (!reader.next(record)) continue;
    if (record.fields.size() != table.header.size()) {
      diagnostics.error(
          file, record.line,
          "record has " + std::to_string(record.fields.size()) + " fields, the header has " +
              std::to_string(table.header.size()) +
              (record.fields.size() > table.header.size()
                   ? " (a comma in a field that is not in double quotes? write \"Mon-Fri "
                     "09:00-12:00,13:00-17:00\")"
                   : ""));
      table.misshapen.push_back(record);
      continue;
    }
    table.rows.push_back(record);
  }
  return table;
}

}  // namespace mentorcal

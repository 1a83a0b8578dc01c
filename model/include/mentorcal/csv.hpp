// RFC 4180 CSV, read strictly, with the line each record starts on.
//
//   Diagnostics d;
//   auto table = mentorcal::read_csv("id,name\r\nm-01,\"Ng, Ana\"\r\n", "people.csv", d);
//   // table->rows[0].fields == {"m-01", "Ng, Ana"}, table->rows[0].line == 2
//
// Written here rather than taken from a library because the contract fixes where errors are
// reported (an unclosed quote at the line its field begins; a quote inside an unquoted field),
// and the CSV libraries Debian ships (libcsv, fast-cpp-csv-parser) report neither position.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "mentorcal/diagnostics.hpp"

namespace mentorcal {

struct CsvRecord {
  int line = 0;  // 1-based line the record starts on
  std::vector<std::string> fields;
};

struct CsvTable {
  std::vector<std::string> header;  // names as written, trimmed of surrounding blanks
  std::vector<CsvRecord> rows;      // records after the header, blank lines skipped
  // Records whose field count differs from the header's: reported, and not in `rows`. Kept so
  // that what they name is not reported again as missing.
  std::vector<CsvRecord> misshapen;

  // Index of the column named `name`, or nullopt.
  std::optional<std::size_t> column(std::string_view name) const;
};

// Reads `text` (UTF-8, optional BOM, CRLF or LF). Syntax errors, invalid UTF-8 and records
// whose field count differs from the header's go to `diagnostics` as errors with `file` and
// line; such records are left out. Returns nullopt when there is no header at all.
std::optional<CsvTable> read_csv(std::string_view text, const std::string& file,
                                 Diagnostics& diagnostics);

// Whether `text` is well-formed UTF-8. On failure `bad_offset` is the first bad byte's offset.
bool is_valid_utf8(std::string_view text, std::size_t* bad_offset = nullptr);

}  // namespace mentorcal

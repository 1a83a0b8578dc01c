// The JSON form of a program directory: the text of each file by its path relative to the
// directory, so that a program travels over HTTP and is read exactly as `load_program_dir` reads
// the directory, with the same `file:line: message` problems.
//
//   {"files": {"program.toml": "...", "people.csv": "...", "pairs.csv": "...",
//              "calendars/m-01.ics": "..."}}
//
//   auto files = mentorcal::read_program_files("samples/acme-2027", &error);   // mentorcal push
//   auto body = mentorcal::program_files_to_json(*files);
//   auto again = mentorcal::program_files_from_json(body, &problem);          // mentorcald
//   auto loaded = mentorcal::load_program(mentorcal::sources_of(*again, "files/"));
#pragma once

#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "mentorcal/program.hpp"

namespace mentorcal {

// Relative path ("calendars/m-01.ics") -> the file's text.
using ProgramFiles = std::map<std::string, std::string>;

// Why a JSON body is not a program's files: the JSON field at fault (a JSON pointer such as
// "/files/calendars~1m-01.ics", or "" for the whole body) and a sentence.
struct ProgramFilesProblem {
  std::string field;
  std::string message;
};

std::string program_files_to_json(const ProgramFiles& files);

// nullopt, with `problem` set, unless `text` is an object with a "files" object whose every
// member is a string and whose every name is a relative path inside the directory (no "..", no
// leading "/", no backslash, no empty segment).
std::optional<ProgramFiles> program_files_from_json(std::string_view text,
                                                    ProgramFilesProblem* problem);

// The sources `read_program` and `load_program` read: the three files and a `read` of everything
// else. `label` prefixes file names in messages ("files/").
ProgramSources sources_of(ProgramFiles files, std::string label);

// The files `load_program_dir` would read from `dir`: program.toml, people.csv, pairs.csv, every
// calendars/*.ics and each calendar a `calendar` column names. Files that are absent are left
// out (the loader then reports them); nullopt with `error` set when `dir` cannot be read.
std::optional<ProgramFiles> read_program_files(const std::filesystem::path& dir,
                                               std::string* error);

}  // namespace mentorcal

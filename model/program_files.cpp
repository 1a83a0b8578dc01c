#include "mentorcal/program_files.hpp"

#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <set>

namespace mentorcal {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

// The JSON pointer (RFC 6901) of file `name` in the request body.
std::string pointer_to_file(const std::string& name) {
  return (json::json_pointer("/files") / name).to_string();
}

}  // namespace

std::string program_files_to_json(const ProgramFiles& files) {
  json body = json::object();
  body["files"] = json::object();
  for (const auto& [name, text] : files) body["files"][name] = text;
  // A file that is not UTF-8 still travels; the server then reads U+FFFD where the bad bytes
  // were, which the loader reports like any other unexpected character.
  return body.dump(-1, ' ', false, json::error_handler_t::replace);
}

std::optional<ProgramFiles> program_files_from_json(std::string_view text,
                                                    ProgramFilesProblem* problem) {
  const auto fail = [&](std::string field, std::string message) -> std::optional<ProgramFiles> {
    *problem = {std::move(field), std::move(message)};
    return std::nullopt;
  };
  const auto body = json::parse(text, nullptr, false);
  if (body.is_discarded()) return fail("", "the body is not valid JSON");
  if (!body.is_object()) return fail("", "the body must be a JSON object");
  const auto files = body.find("files");
  if (files == body.end()) return fail("/files", "\"files\" is missing");
  if (!files->is_object()) return fail("/files", "\"files\" must be an object of file texts");
  for (auto it = body.begin(); it != body.end(); ++it)
    if (it.key() != "files") return fail("/" + it.key(), "unknown member \"" + it.key() + "\"");
  ProgramFiles result;
  for (auto it = files->begin(); it != files->end(); ++it) {
    if (!is_path_inside_program(it.key()))
      return fail(pointer_to_file(it.key()),
                  "\"" + it.key() + "\" must be a relative path inside the program directory");
    if (!it->is_string())
      return fail(pointer_to_file(it.key()), "the text of \"" + it.key() + "\" must be a string");
    result.emplace(it.key(), it->get<std::string>());
  }
  return result;
}

ProgramSources sources_of(ProgramFiles files, std::string label) {
  const auto held = std::make_shared<const ProgramFiles>(std::move(files));
  ProgramSources sources;
  sources.label = std::move(label);
  sources.read = [held](const std::string& relative) -> std::optional<std::string> {
    const auto it = held->find(relative);
    if (it == held->end()) return std::nullopt;
    return it->second;
  };
  sources.program_toml = sources.read("program.toml");
  sources.people_csv = sources.read("people.csv");
  sources.pairs_csv = sources.read("pairs.csv");
  return sources;
}

std::optional<ProgramFiles> read_program_files(const fs::path& dir, std::string* error) {
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) {
    *error = dir.generic_string() + " is not a directory";
    return std::nullopt;
  }
  ProgramFiles files;
  for (const auto* name : {"program.toml", "people.csv", "pairs.csv"})
    if (auto text = read_text_file(dir / name)) files.emplace(name, std::move(*text));

  const auto calendars = dir / "calendars";
  if (fs::is_directory(calendars, ec)) {
    for (const auto& entry : fs::directory_iterator(calendars, ec)) {
      if (!entry.is_regular_file() || entry.path().extension() != ".ics") continue;
      if (auto text = read_text_file(entry.path()))
        files.emplace("calendars/" + entry.path().filename().string(), std::move(*text));
    }
    if (ec) {
      *error = "cannot list " + calendars.generic_string() + ": " + ec.message();
      return std::nullopt;
    }
  }

  // The `calendar` column may name files anywhere in the directory: let the loader say which
  // ones it reads, so that the server sees exactly the files the CLI would.
  std::set<std::string> named;
  std::mutex named_lock;  // the loader reads calendars on several threads
  auto sources = sources_of(files, "");
  sources.read = [&](const std::string& relative) -> std::optional<std::string> {
    if (!is_path_inside_program(relative)) return std::nullopt;
    auto text = read_text_file(dir / relative);
    if (text) {
      const std::lock_guard lock(named_lock);
      named.insert(relative);
    }
    return text;
  };
  read_program(sources);
  for (const auto& relative : named)
    if (!files.contains(relative))
      if (auto text = read_text_file(dir / relative)) files.emplace(relative, std::move(*text));
  return files;
}

}  // namespace mentorcal

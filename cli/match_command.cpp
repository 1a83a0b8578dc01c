#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>

#include "commands.hpp"
#include "mentorcal/csv.hpp"
#include "mentorcal/match.hpp"
#include "program_input.hpp"

namespace mentorcal::cli {
namespace {

namespace fs = std::filesystem;

std::string person_text(const Person& p) {
  return p.id + " (" + p.name + ")";
}

// pairs.csv as it was, each pinned row unchanged, then a row per proposal with the mentor and
// mentee and the other columns empty (the [pair] defaults).
std::string pairs_csv(const std::string& program_dir, const Program& program,
                      const MatchResult& result) {
  auto text = read_text_file(fs::path(program_dir) / "pairs.csv").value_or("mentor,mentee\n");
  Diagnostics ignored;
  const auto table = read_csv(text, "pairs.csv", ignored);
  const std::string newline = text.find("\r\n") != std::string::npos ? "\r\n" : "\n";
  if (!text.empty() && text.back() != '\n') text += newline;
  const auto mentor_column = table->column("mentor");
  const auto mentee_column = table->column("mentee");
  for (const auto& m : result.matched) {
    if (m.pinned) continue;
    for (std::size_t c = 0; c < table->header.size(); ++c) {
      if (c > 0) text += ',';
      if (c == mentor_column) text += program.people[m.mentor].id;
      if (c == mentee_column) text += program.people[m.mentee].id;
    }
    text += newline;
  }
  return text;
}

// Written beside the target and renamed over it, so that a reader sees the old file or the new.
std::string write_atomically(const std::string& path, const std::string& text) {
  const auto temporary = path + ".partial";
  {
    std::ofstream out(temporary, std::ios::binary | std::ios::trunc);
    out << text;
    if (!out.flush()) return "cannot write " + temporary;
  }
  std::error_code ec;
  fs::rename(temporary, path, ec);
  if (ec) {
    fs::remove(temporary, ec);
    return "cannot write " + path;
  }
  return {};
}

nlohmann::ordered_json to_json(const Program& program, const MatchResult& result) {
  auto matched = nlohmann::ordered_json::array();
  for (const auto& m : result.matched) {
    nlohmann::ordered_json item;
    item["mentor"] = program.people[m.mentor].id;
    item["mentee"] = program.people[m.mentee].id;
    item["score"] = m.terms.total();
    item["terms"] = {{"goals", m.terms.goals},
                     {"language", m.terms.language},
                     {"preference", m.terms.preference}};
    item["pinned"] = m.pinned;
    if (!m.why_not_first.empty()) item["why_not_first"] = m.why_not_first;
    matched.push_back(std::move(item));
  }
  auto unmatched = nlohmann::ordered_json::array();
  for (const auto& u : result.unmatched)
    unmatched.push_back({{"mentee", program.people[u.mentee].id}, {"reason", u.reason}});
  return {{"matched", std::move(matched)}, {"unmatched", std::move(unmatched)}};
}

void print_summary(const Program& program, const MatchResult& result) {
  int pinned = 0;
  long total = 0;
  for (const auto& m : result.matched) {
    pinned += m.pinned ? 1 : 0;
    total += m.terms.total();
  }
  const auto mentees = result.matched.size() + result.unmatched.size();
  std::cout << "matched " << result.matched.size() << " of " << mentees << " mentees (" << pinned
            << " pinned in pairs.csv, " << result.matched.size() - pinned
            << " proposed); total score " << total;
  if (result.stopped_by_time_limit) std::cout << " (stopped by --time-limit)";
  std::cout << '\n';
  for (const auto& m : result.matched) {
    std::cout << "  " << person_text(program.people[m.mentee]) << " <- "
              << person_text(program.people[m.mentor]) << ": "
              << (m.pinned ? "pinned, score " : "score ") << m.terms.total() << " = goals "
              << m.terms.goals << " + language " << m.terms.language << " + preference "
              << m.terms.preference << '\n';
    if (!m.why_not_first.empty())
      std::cout << "      not their first choice: " << m.why_not_first << '\n';
  }
  if (!result.unmatched.empty()) std::cout << "unmatched:\n";
  for (const auto& u : result.unmatched)
    std::cout << "  " << person_text(program.people[u.mentee]) << ": " << u.reason << '\n';
}

}  // namespace

int run_match(const MatchCommandOptions& options) {
  const auto start = std::chrono::steady_clock::now();
  auto input = load_program_input(options.program_dir, true);
  if (!input) return 2;
  if (options.timings)
    std::fprintf(stderr, "%-28s %8.3f s\n", "read program",
                 std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
  const auto& program = *input;

  MatchOptions match;
  const auto deadline =
      std::chrono::steady_clock::now() + std::chrono::duration<double>(options.time_limit_seconds);
  if (options.time_limit_seconds > 0)
    match.should_stop = [deadline] { return std::chrono::steady_clock::now() > deadline; };
  auto last = std::chrono::steady_clock::now();
  if (options.timings)
    match.phase_done = [&last](const char* phase) {
      const auto now = std::chrono::steady_clock::now();
      std::fprintf(stderr, "%-28s %8.3f s\n", phase,
                   std::chrono::duration<double>(now - last).count());
      last = now;
    };
  const auto result = match_program(program, match);
  if (options.timings)
    std::fprintf(stderr, "%zu calendar classes, %zu class pairs searched, %zu rounds, %zu checks\n",
                 result.calendar_classes, result.calendar_checks, result.rounds,
                 result.schedule_checks);

  if (options.out) {
    if (const auto error =
            write_atomically(*options.out, pairs_csv(options.program_dir, program, result));
        !error.empty()) {
      std::cerr << error << '\n';
      return 1;
    }
  }
  if (options.json)
    std::cout << to_json(program, result).dump(2) << '\n';
  else
    print_summary(program, result);
  return 0;
}

}  // namespace mentorcal::cli

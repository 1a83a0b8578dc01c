// The subcommands of `mentorcal`, one source file each. Each returns the process exit status:
// 0 done, 2 invalid input (every problem printed as file:line: message), 1 anything else.
#pragma once

#include <optional>
#include <string>

namespace mentorcal::cli {

struct ValidateOptions {
  std::string program_dir;
  bool json = false;
};
int run_validate(const ValidateOptions& options);

struct ScheduleCommandOptions {
  std::string program_dir;
  std::string out_dir;
  std::optional<std::string> previous;
  double time_limit_seconds = 0;  // 0: no limit
  bool timings = false;           // print each phase's duration on standard error
  bool json = false;              // print the summary as JSON
};
int run_schedule(const ScheduleCommandOptions& options);

struct BusyOptions {
  std::string file;
  std::string from;  // YYYY-MM-DD
  std::string to;    // YYYY-MM-DD, exclusive at 00:00Z
  std::optional<std::string> tz;
  bool json = false;
};
int run_busy(const BusyOptions& options);

struct PushOptions {
  std::string program_dir;
  std::string server;                // http://HOST:PORT of mentorcald
  std::optional<std::string> token;  // default: $MENTORCAL_ADMIN_TOKEN
  bool no_publish = false;
  bool json = false;
};
int run_push(const PushOptions& options);

struct MatchCommandOptions {
  std::string program_dir;
  std::optional<std::string> out;  // PAIRS.csv to write
  bool json = false;
  double time_limit_seconds = 0;  // 0: no limit
  bool timings = false;           // print each phase's duration on standard error
};
int run_match(const MatchCommandOptions& options);

}  // namespace mentorcal::cli

// mentorcald: keeps programs, runs passes, takes blocks and serves feeds (docs/OPERATIONS.md).
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "mentorcal/ical.hpp"
#include "mentorcal/time.hpp"
#include "secrets.hpp"
#include "server.hpp"
#include "service.hpp"

namespace {

namespace fs = std::filesystem;
using namespace mentorcal::daemon;

void log_line(const std::string& line) {
  const auto now = std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now());
  const auto text = date::format("%FT%TZ", now) + " mentorcald: " + line + "\n";
  std::fwrite(text.data(), 1, text.size(), stderr);  // one write: lines from threads stay whole
}

// The secret kept in `path`, created (mode 0600, flushed) with a fresh 256-bit value when the file
// does not exist yet.
std::optional<std::string> read_or_create_secret(const fs::path& path, std::string* error) {
  if (std::ifstream in{path}) {
    std::string secret;
    std::getline(in, secret);
    while (!secret.empty() && (secret.back() == '\r' || secret.back() == ' ')) secret.pop_back();
    if (secret.empty()) {
      *error = path.string() + " is empty";
      return std::nullopt;
    }
    struct stat info {};
    if (::stat(path.c_str(), &info) == 0 && (info.st_mode & 077) != 0)
      log_line("warning: " + path.string() + " is readable by others than its owner; chmod 600 it");
    return secret;
  }
  const auto secret = new_admin_token();
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) {
    *error = "cannot create " + path.string() + ": " + std::strerror(errno);
    return std::nullopt;
  }
  const auto line = secret + "\n";
  const bool written = ::write(fd, line.data(), line.size()) == static_cast<ssize_t>(line.size()) &&
                       ::fsync(fd) == 0;
  ::close(fd);
  if (!written) {
    *error = "cannot write " + path.string() + ": " + std::strerror(errno);
    return std::nullopt;
  }
  return secret;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"mentorcald: keeps mentorship programs, runs passes, takes blocks, serves feeds"};
  app.set_version_flag("--version", std::string("mentorcald ") + MENTORCAL_VERSION +
                                        " (tz database " + mentorcal::tz_database_version() + ", " +
                                        mentorcal::tz_database_directory() + ")");
  std::string data;
  std::string listen = "127.0.0.1:8080";
  std::string public_url;
  int refresh_minutes = 60;
  int read_timeout = 30;
  int first_header_timeout = 10;
  int drain_timeout = 30;
  std::uint64_t max_program_mb = 512;
  ServerConfig server;
  app.add_option("--data", data, "Directory of the database and the secrets (created if absent)")
      ->required();
  app.add_option("--listen", listen, "Address and port to listen on (HOST:PORT; port 0: any)");
  app.add_option("--public-url", public_url,
                 "Base of the feed URLs handed out, e.g. https://cal.example.com "
                 "(default: http:// and the request's Host)");
  app.add_option("--threads", server.io_threads, "Threads serving connections")
      ->check(CLI::Range(1, 64));
  app.add_option("--workers", server.workers, "Threads running imports, passes and blocks")
      ->check(CLI::Range(1, 64));
  app.add_option("--max-connections", server.max_connections, "Connections open at once")
      ->check(CLI::Range(1, 1000000));
  app.add_option("--max-connections-per-address", server.max_connections_per_address,
                 "Connections open at once from one client address (0: no cap)")
      ->check(CLI::Range(0, 1000000));
  app.add_option("--first-header-timeout", first_header_timeout,
                 "Seconds a new connection has to send its first whole request header")
      ->check(CLI::Range(1, 3600));
  app.add_option("--read-timeout", read_timeout,
                 "Seconds a client has to send a whole request, and an idle connection stays")
      ->check(CLI::Range(1, 3600));
  app.add_option("--drain-timeout", drain_timeout, "Seconds SIGTERM waits for requests in flight")
      ->check(CLI::Range(0, 3600));
  app.add_option("--max-program-mb", max_program_mb, "Largest program import, in MiB")
      ->check(CLI::Range(1, 4096));
  app.add_option("--refresh-minutes", refresh_minutes,
                 "How often feeds ask clients to poll (REFRESH-INTERVAL)")
      ->check(CLI::Range(1, 10080));
  CLI11_PARSE(app, argc, argv);

  const auto colon = listen.rfind(':');
  if (colon == std::string::npos) {
    std::fprintf(stderr, "--listen must be HOST:PORT, not %s\n", listen.c_str());
    return 2;
  }
  server.address = listen.substr(0, colon);
  if (server.address.size() > 2 && server.address.front() == '[')
    server.address = server.address.substr(1, server.address.size() - 2);
  try {
    const auto port = std::stoul(listen.substr(colon + 1));
    if (port > 65535) throw std::out_of_range("port");
    server.port = static_cast<unsigned short>(port);
  } catch (const std::exception&) {
    std::fprintf(stderr, "--listen: %s is not a port\n", listen.substr(colon + 1).c_str());
    return 2;
  }
  server.first_header_timeout = std::chrono::seconds(first_header_timeout);
  server.read_timeout = std::chrono::seconds(read_timeout);
  server.drain_timeout = std::chrono::seconds(drain_timeout);
  server.limits.program_body = max_program_mb * 1024 * 1024;

  // Everything the daemon creates under DIR (the database, its -wal and -shm, the secrets) is
  // its owner's alone; files that an older version left readable by others are made so.
  ::umask(077);
  const fs::path dir = data;
  std::error_code ec;
  if (fs::create_directories(dir, ec))
    fs::permissions(dir, fs::perms::owner_all, fs::perm_options::replace, ec);
  if (ec) {
    log_line("cannot create " + dir.string() + ": " + ec.message());
    return 1;
  }
  for (const auto* name : {"mentorcal.db", "mentorcal.db-wal", "mentorcal.db-shm"}) {
    std::error_code ignored;
    if (fs::exists(dir / name, ignored))
      fs::permissions(dir / name, fs::perms::owner_read | fs::perms::owner_write,
                      fs::perm_options::replace, ignored);
  }

  log_line(std::string("mentorcald ") + MENTORCAL_VERSION + ", tz database " +
           mentorcal::tz_database_version() + " from " + mentorcal::tz_database_directory());
  ServiceConfig config;
  config.database = dir / "mentorcal.db";
  config.public_url = public_url;
  config.refresh = mentorcal::Minutes{refresh_minutes};
  config.log = log_line;
  std::string error;
  if (const char* token = std::getenv("MENTORCAL_ADMIN_TOKEN"); token && *token) {
    config.admin_token = token;
    log_line("coordinator token from MENTORCAL_ADMIN_TOKEN (" + token_log_id(token) + ")");
  } else if (auto stored = read_or_create_secret(dir / "admin.token", &error)) {
    config.admin_token = *stored;
    log_line("coordinator token in " + (dir / "admin.token").string() + " (" +
             token_log_id(*stored) + ")");
  } else {
    log_line(error);
    return 1;
  }
  if (auto key = read_or_create_secret(dir / "feed.key", &error)) {
    config.feed_key = *key;
  } else {
    log_line(error);
    return 1;
  }

  mentorcal::prepare_libical();

  auto service = Service::open(std::move(config), &error);
  if (!service) {
    log_line(error);
    return 1;
  }
  return serve(*service, server, log_line);
}

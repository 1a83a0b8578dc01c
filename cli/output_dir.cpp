#include "output_dir.hpp"

#include <fcntl.h>
#include <stdio.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <random>

namespace mentorcal::cli {
namespace {

namespace fs = std::filesystem;

std::string errno_text(const std::string& what, const fs::path& path) {
  return what + " " + path.generic_string() + ": " + std::strerror(errno);
}

std::string write_file(const fs::path& path, const std::string& text) {
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) return errno_text("cannot create", path);
  std::size_t done = 0;
  while (done < text.size()) {
    const auto n = ::write(fd, text.data() + done, text.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      const auto error = errno_text("cannot write", path);
      ::close(fd);
      return error;
    }
    done += static_cast<std::size_t>(n);
  }
  if (::close(fd) != 0) return errno_text("cannot write", path);
  return {};
}

}  // namespace

std::string write_output_dir(const std::string& out_dir, const OutputFiles& files) {
  const fs::path target = fs::absolute(out_dir).lexically_normal();
  const fs::path parent = target.parent_path();
  std::error_code ec;
  fs::create_directories(parent, ec);
  if (ec) return "cannot create " + parent.generic_string() + ": " + ec.message();
  if (fs::exists(target, ec) && !fs::is_directory(target, ec))
    return target.generic_string() + " exists and is not a directory";

  std::random_device entropy;
  const fs::path staging =
      parent / ("." + target.filename().string() + ".new-" + std::to_string(entropy()));
  fs::create_directory(staging, ec);
  if (ec) return "cannot create " + staging.generic_string() + ": " + ec.message();
  const auto abandon = [&](std::string error) {
    fs::remove_all(staging, ec);
    return error;
  };
  for (const auto& [name, text] : files) {
    const auto path = staging / name;
    fs::create_directories(path.parent_path(), ec);
    if (ec) return abandon("cannot create " + path.parent_path().generic_string());
    if (auto error = write_file(path, text); !error.empty()) return abandon(error);
  }

  if (fs::exists(target, ec)) {
    // One atomic step: readers see the old tree or the new one, never a mixture.
    if (::renameat2(AT_FDCWD, staging.c_str(), AT_FDCWD, target.c_str(), RENAME_EXCHANGE) != 0)
      return abandon(errno_text("cannot replace", target));
    fs::remove_all(staging, ec);
  } else if (::rename(staging.c_str(), target.c_str()) != 0) {
    return abandon(errno_text("cannot create", target));
  }
  return {};
}

}  // namespace mentorcal::cli

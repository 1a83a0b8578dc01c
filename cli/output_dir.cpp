#include "output_dir.hpp"

#include <fcntl.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <filesystem>
#include <mutex>
#include <optional>
#include <random>
#include <set>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

#include "mentorcal/parallel.hpp"

namespace mentorcal::cli {
namespace {

namespace fs = std::filesystem;

// Files are written on several threads: std::strerror need not be thread-safe, the category is.
std::string errno_text(const std::string& what, const fs::path& path) {
  return what + " " + path.generic_string() + ": " + std::generic_category().message(errno);
}

// Writes `text` to `name` in `staging`, which is open as `dir`.
std::string write_file(int dir, const fs::path& staging, const std::string& name,
                       const std::string& text) {
  const int fd = ::openat(dir, name.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) return errno_text("cannot create", staging / name);
  std::size_t done = 0;
  while (done < text.size()) {
    const auto n = ::write(fd, text.data() + done, text.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      const auto error = errno_text("cannot write", staging / name);
      ::close(fd);
      return error;
    }
    done += static_cast<std::size_t>(n);
  }
  if (::close(fd) != 0) return errno_text("cannot write", staging / name);
  return {};
}

// At most `limit` bytes of the file open as `fd`, or nullopt when it cannot be read.
std::optional<std::string> read_up_to(int fd, std::size_t limit) {
  std::string out(limit, '\0');
  std::size_t done = 0;
  while (done < limit) {
    const auto n = ::read(fd, out.data() + done, limit - done);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return std::nullopt;
    if (n == 0) break;
    done += static_cast<std::size_t>(n);
  }
  out.resize(done);
  return out;
}

// Whether `name` in the earlier output, open as `old_dir` (or -1 when there is none), is a
// regular file holding exactly `text`; if so it is hard-linked into `staging`, open as `dir`.
// A re-pass changes few feeds: linking the others spares writing them and, above all, freeing
// their blocks when the earlier tree is removed. A file is never written in place, so the two
// trees sharing it cannot tell. Any failure (a symbolic link, another file system, no /proc)
// means false: the file is written.
bool link_unchanged(int old_dir, int dir, const std::string& name, const std::string& text) {
  if (old_dir < 0) return false;
  const int fd = ::openat(old_dir, name.c_str(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
  if (fd < 0) return false;
  struct stat st {};
  const bool same_size = ::fstat(fd, &st) == 0 && S_ISREG(st.st_mode) &&
                         static_cast<std::size_t>(st.st_size) == text.size();
  // One byte more than expected is asked for, so that a file that grew since is seen.
  const auto held = same_size ? read_up_to(fd, text.size() + 1) : std::nullopt;
  // The link is made from the open file, through /proc, so that it is the file just compared
  // even if the name was replaced since.
  const auto open_file = "/proc/self/fd/" + std::to_string(fd);
  const bool linked = held == text && ::linkat(AT_FDCWD, open_file.c_str(), dir, name.c_str(),
                                               AT_SYMLINK_FOLLOW) == 0;
  ::close(fd);
  return linked;
}

// Removes the tree at `path`, best effort, unlinking its files on the machine's threads first: on
// ext4 mounted with `discard`, each unlink of a file already flushed to disk waits for the
// device, and a replaced output holds tens of thousands of them.
void remove_tree(const fs::path& path) {
  std::vector<fs::path> files;
  std::error_code ec;
  for (fs::recursive_directory_iterator it(path, ec), end; !ec && it != end; it.increment(ec))
    if (!it->is_directory(ec)) files.push_back(it->path());
  for_each_index_in_parallel(files.size(), [&](std::size_t i) { ::unlink(files[i].c_str()); });
  fs::remove_all(path, ec);
}

}  // namespace

struct StagedOutput::State {
  fs::path target;
  fs::path staging;
  int dir = -1;                // the staging directory, open
  int old_dir = -1;            // the earlier output, open, or -1 when there is none
  bool committed = false;      // swapped into place: nothing to remove
  std::mutex lock;             // guards what follows
  std::set<std::string> made;  // folders made in the staging directory
  std::string error;           // the first failure
  std::atomic<bool> failed{false};

  ~State() {
    if (old_dir >= 0) ::close(old_dir);
    if (dir >= 0) ::close(dir);
    if (!committed && !staging.empty()) remove_tree(staging);
  }

  void fail(std::string sentence) {
    const std::lock_guard hold(lock);
    if (error.empty()) error = std::move(sentence);
    failed = true;
  }
};

StagedOutput::StagedOutput(std::unique_ptr<State> state) : state_(std::move(state)) {}
StagedOutput::~StagedOutput() = default;

std::unique_ptr<StagedOutput> StagedOutput::open(const std::string& out_dir, std::string* error) {
  auto state = std::make_unique<State>();
  state->target = fs::absolute(out_dir).lexically_normal();
  const fs::path parent = state->target.parent_path();
  std::error_code ec;
  fs::create_directories(parent, ec);
  if (ec) {
    *error = "cannot create " + parent.generic_string() + ": " + ec.message();
    return nullptr;
  }
  if (fs::exists(state->target, ec) && !fs::is_directory(state->target, ec)) {
    *error = state->target.generic_string() + " exists and is not a directory";
    return nullptr;
  }
  std::random_device entropy;
  const auto staging =
      parent / ("." + state->target.filename().string() + ".new-" + std::to_string(entropy()));
  fs::create_directory(staging, ec);
  if (ec) {
    *error = "cannot create " + staging.generic_string() + ": " + ec.message();
    return nullptr;
  }
  state->staging = staging;
  // Files are opened relative to the staging directory: a pass writes tens of thousands of feeds
  // into one folder.
  state->dir = ::open(staging.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (state->dir < 0) {
    *error = errno_text("cannot open", staging);
    return nullptr;
  }
  state->old_dir = ::open(state->target.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  return std::unique_ptr<StagedOutput>(new StagedOutput(std::move(state)));
}

void StagedOutput::write(const std::string& name, const std::string& text) {
  auto& s = *state_;
  if (s.failed) return;
  if (const auto slash = name.rfind('/'); slash != std::string::npos) {
    const auto folder = name.substr(0, slash);
    const std::lock_guard hold(s.lock);
    if (!s.made.contains(folder)) {
      std::error_code ec;
      fs::create_directories(s.staging / folder, ec);
      if (ec) {
        if (s.error.empty()) s.error = "cannot create " + (s.staging / folder).generic_string();
        s.failed = true;
        return;
      }
      s.made.insert(folder);
    }
  }
  if (link_unchanged(s.old_dir, s.dir, name, text)) return;
  if (auto error = write_file(s.dir, s.staging, name, text); !error.empty())
    s.fail(std::move(error));
}

std::string StagedOutput::commit() {
  auto& s = *state_;
  if (s.failed) return s.error;
  std::error_code ec;
  if (fs::exists(s.target, ec)) {
    // One atomic step: readers see the old tree or the new one, never a mixture.
    if (::renameat2(AT_FDCWD, s.staging.c_str(), AT_FDCWD, s.target.c_str(), RENAME_EXCHANGE) != 0)
      return errno_text("cannot replace", s.target);
    remove_tree(s.staging);  // the earlier tree, now
    s.committed = true;
    return {};
  }
  if (::rename(s.staging.c_str(), s.target.c_str()) != 0)
    return errno_text("cannot create", s.target);
  s.committed = true;
  return {};
}

}  // namespace mentorcal::cli

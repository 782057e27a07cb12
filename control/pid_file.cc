// PidFile: atomic creation through link(), stale detection, removal.
#include "control/pid_file.h"

#include <fcntl.h>
#include <signal.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <fstream>
#include <string>
#include <system_error>
#include <utility>

namespace keel::ctl {

namespace {

std::string read_first_line(const std::filesystem::path& path) {
  std::ifstream in(path);
  std::string line;
  std::getline(in, line);
  return line;
}

// Writes "<pid>\n" to a fresh temporary file beside `target`.
std::expected<std::filesystem::path, Error> write_temporary(const std::filesystem::path& target, pid_t pid) {
  std::filesystem::path temporary = target;
  temporary += fmt::format(".{}.tmp", pid);
  const int fd = ::open(temporary.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0644);
  if (fd < 0) return std::unexpected(errno_error(fmt::format("cannot create {}", temporary.string())));
  const std::string text = fmt::format("{}\n", pid);
  const ssize_t written = ::write(fd, text.data(), text.size());
  const int write_errno = errno;
  ::close(fd);
  if (written != static_cast<ssize_t>(text.size())) {
    ::unlink(temporary.c_str());
    return std::unexpected(Error{.message = fmt::format("cannot write {}", temporary.string()),
                                 .errno_value = written < 0 ? write_errno : EIO});
  }
  return temporary;
}

// State field of /proc/PID/stat: the third field, after "(comm)" — comm may itself
// contain spaces and parentheses, so search from the last ')'.
bool is_zombie(pid_t pid) {
  const std::string stat = read_first_line(fmt::format("/proc/{}/stat", pid));
  const auto close = stat.rfind(')');
  return close != std::string::npos && close + 2 < stat.size() && stat[close + 2] == 'Z';
}

}  // namespace

std::optional<pid_t> read_pid_file(const std::filesystem::path& path) {
  const std::string line = read_first_line(path);
  pid_t pid = 0;
  const auto [end, ec] = std::from_chars(line.data(), line.data() + line.size(), pid);
  if (ec != std::errc{} || end != line.data() + line.size() || pid <= 0) return std::nullopt;
  return pid;
}

bool is_live_instance(pid_t pid) {
  if (pid <= 0 || pid == getpid()) return false;
  if (::kill(pid, 0) != 0 && errno != EPERM) return false;  // ESRCH: gone
  // A killed keeld whose parent has not reaped it yet is a zombie: it still answers
  // kill(0) but will never run again, so it must not block a restart.
  if (is_zombie(pid)) return false;
  // After a crash the pid may have been reused by another program; compare the
  // command names so that a pid file left by keeld does not block it forever.
  const std::string theirs = read_first_line(fmt::format("/proc/{}/comm", pid));
  const std::string ours = read_first_line("/proc/self/comm");
  return theirs.empty() || ours.empty() || theirs == ours;
}

std::expected<PidFile, Error> PidFile::create(std::filesystem::path path, pid_t pid) {
  std::error_code ec;
  if (path.has_parent_path()) {
    std::filesystem::create_directories(path.parent_path(), ec);
    if (ec) {
      return std::unexpected(Error{.message = fmt::format("cannot create directory {}", path.parent_path().string()),
                                   .errno_value = ec.value()});
    }
  }
  auto temporary = write_temporary(path, pid);
  if (!temporary) return std::unexpected(temporary.error());

  std::optional<pid_t> replaced;
  int failure = EEXIST;
  // Two rounds: the first may find a stale file, the second must then succeed
  // unless another instance won the race in between.
  for (int attempt = 0; attempt < 2; ++attempt) {
    if (::link(temporary->c_str(), path.c_str()) == 0) {
      ::unlink(temporary->c_str());
      return PidFile{std::move(path), pid, replaced};
    }
    if (errno != EEXIST) {
      failure = errno;
      break;
    }
    const std::optional<pid_t> owner = read_pid_file(path);
    if (owner && is_live_instance(*owner)) {
      ::unlink(temporary->c_str());
      return std::unexpected(Error{
          .message = fmt::format("pid file {}: keeld is already running with pid {}", path.string(), *owner)});
    }
    replaced = owner.value_or(0);
    if (::unlink(path.c_str()) != 0 && errno != ENOENT) {
      failure = errno;
      break;
    }
    failure = EEXIST;
  }
  Error error{.message = fmt::format("cannot create pid file {}", path.string()), .errno_value = failure};
  if (failure == EEXIST) error.message += " (another instance is starting at the same time)";
  ::unlink(temporary->c_str());
  return std::unexpected(std::move(error));
}

PidFile::PidFile(PidFile&& other) noexcept
    : path_(std::exchange(other.path_, {})), pid_(other.pid_), replaced_stale_pid_(other.replaced_stale_pid_) {}

PidFile& PidFile::operator=(PidFile&& other) noexcept {
  if (this != &other) {
    remove();
    path_ = std::exchange(other.path_, {});
    pid_ = other.pid_;
    replaced_stale_pid_ = other.replaced_stale_pid_;
  }
  return *this;
}

void PidFile::remove() {
  if (path_.empty()) return;
  if (read_pid_file(path_) == pid_) ::unlink(path_.c_str());
  path_.clear();
}

}  // namespace keel::ctl

#include "vrrp/service/notify_fifo.h"

#include <fcntl.h>
#include <fmt/core.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace keel::vrrp {

NotifyFifo::NotifyFifo(const config::Script& fifo, const std::optional<config::Script>& script, ScriptRunner& scripts,
                       Log& log)
    : path_(fifo.command.empty() ? std::string{} : fifo.command.front()), log_(log) {
  if (path_.empty()) return;
  struct stat status{};
  if (::stat(path_.c_str(), &status) != 0) {
    if (errno != ENOENT || ::mkfifo(path_.c_str(), 0600) != 0) {
      log_.write(LogLevel::kError, fmt::format("notify_fifo {}: {}", path_, std::strerror(errno)));
      return;
    }
  } else if (!S_ISFIFO(status.st_mode)) {
    log_.write(LogLevel::kError, fmt::format("notify_fifo {}: exists and is not a FIFO", path_));
    return;
  }
  fd_ = ::open(path_.c_str(), O_RDWR | O_NONBLOCK | O_CLOEXEC);
  if (fd_ < 0) {
    log_.write(LogLevel::kError, fmt::format("notify_fifo {}: open: {}", path_, std::strerror(errno)));
    return;
  }
  if (script) {
    // keepalived starts the reader once, with the FIFO as its argument, and stops it at exit.
    script_ = scripts.run(*script, {path_}, std::nullopt, [this](const ScriptExit& exit) {
      log_.write(LogLevel::kWarning, fmt::format("notify_fifo {}: script ended (status {}, signal {})", path_,
                                                 exit.exit_status, exit.signal));
    });
  }
}

NotifyFifo::~NotifyFifo() {
  script_.reset();
  if (fd_ >= 0) ::close(fd_);
}

void NotifyFifo::instance(std::string_view name, std::string_view state, int priority) {
  write_line(fmt::format("INSTANCE \"{}\" {} {}\n", name, state, priority));
}

void NotifyFifo::group(std::string_view name, std::string_view state) {
  write_line(fmt::format("GROUP \"{}\" {}\n", name, state));
}

void NotifyFifo::write_line(const std::string& line) {
  if (fd_ < 0) {
    ++dropped_;
    return;
  }
  // One write() of a line below PIPE_BUF is atomic: readers never see half a line.
  const ssize_t written = ::write(fd_, line.data(), line.size());
  if (written == static_cast<ssize_t>(line.size())) {
    ++written_;
    return;
  }
  ++dropped_;
  // Log the first drop and then every 100th: a stalled reader must not flood the log.
  if (dropped_ == 1 || dropped_ % 100 == 0)
    log_.write(LogLevel::kWarning, fmt::format("notify_fifo {}: line dropped ({}; {} dropped so far)", path_,
                                               written < 0 ? std::strerror(errno) : "short write", dropped_));
}

}  // namespace keel::vrrp

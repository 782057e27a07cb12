// pidfd helpers, exit descriptions and post-fork clean-up.
#include "control/child_process.h"

#include <signal.h>
// glibc 2.36's header lacks __BEGIN_DECLS, so C++ would mangle the names (fixed in 2.37).
extern "C" {
#include <sys/pidfd.h>
}
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace keel::ctl {

std::string signal_name(int signo) {
  const char* abbreviation = sigabbrev_np(signo);
  return abbreviation != nullptr ? fmt::format("SIG{}", abbreviation) : fmt::format("signal {}", signo);
}

std::string ProcessExit::to_string() const {
  switch (how) {
    case How::kExited:
      return fmt::format("exited with status {}", value);
    case How::kKilled:
      return fmt::format("killed by signal {} ({})", value, signal_name(value));
    case How::kDumped:
      return fmt::format("killed by signal {} ({}), core dumped", value, signal_name(value));
  }
  return "ended";
}

std::expected<UniqueFd, Error> open_pidfd(pid_t pid) {
  UniqueFd fd{::pidfd_open(pid, 0)};
  if (!fd.valid()) return std::unexpected(errno_error(fmt::format("pidfd_open({})", pid)));
  // pidfd_open sets O_CLOEXEC itself (man 2 pidfd_open); children close the rest.
  return fd;
}

std::expected<std::optional<ProcessExit>, Error> reap_pidfd(int pidfd, bool block) {
  siginfo_t info{};
  int rc = 0;
  do {
    rc = ::waitid(static_cast<idtype_t>(P_PIDFD), static_cast<id_t>(pidfd), &info, WEXITED | (block ? 0 : WNOHANG));
  } while (rc != 0 && errno == EINTR);
  if (rc != 0) return std::unexpected(errno_error("waitid(P_PIDFD)"));
  if (info.si_pid == 0) return std::optional<ProcessExit>{};  // WNOHANG: still running
  switch (info.si_code) {
    case CLD_EXITED:
      return ProcessExit::exited(info.si_status);
    case CLD_DUMPED:
      return ProcessExit::killed(info.si_status, true);
    default:
      return ProcessExit::killed(info.si_status);
  }
}

std::expected<void, Error> signal_pidfd(int pidfd, int signo) {
  if (::pidfd_send_signal(pidfd, signo, nullptr, 0) != 0) {
    return std::unexpected(errno_error(fmt::format("pidfd_send_signal({})", signal_name(signo))));
  }
  return {};
}

void close_descriptors_from_3(int keep) {
  if (keep < 3) {
    ::close_range(3, ~0U, 0);
    return;
  }
  if (keep > 3) ::close_range(3, static_cast<unsigned>(keep - 1), 0);
  ::close_range(static_cast<unsigned>(keep + 1), ~0U, 0);
}

void reset_signal_state() {
  struct sigaction default_action {};
  default_action.sa_handler = SIG_DFL;
  sigemptyset(&default_action.sa_mask);
  for (int signo = 1; signo < NSIG; ++signo) {
    if (signo == SIGKILL || signo == SIGSTOP) continue;
    ::sigaction(signo, &default_action, nullptr);  // EINVAL for glibc's reserved RT signals: fine
  }
  sigset_t none;
  sigemptyset(&none);
  ::sigprocmask(SIG_SETMASK, &none, nullptr);
}

}  // namespace keel::ctl

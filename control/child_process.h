// Child processes without SIGCHLD: a pidfd per child, watched on the event loop, reaped
// with waitid(P_PIDFD, WNOHANG) once it is readable. Shared by the script runner and the
// supervisor; also the post-fork clean-up every child of keeld needs.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <expected>
#include <optional>
#include <string>

#include "control/event_loop.h"
#include "control/logger.h"

namespace keel::ctl {

// How a process ended, as waitid() reports it.
struct ProcessExit {
  enum class How : std::uint8_t { kExited, kKilled, kDumped };
  How how = How::kExited;
  int value = 0;  // the exit status (kExited) or the signal number (kKilled, kDumped)

  static ProcessExit exited(int status) { return {How::kExited, status}; }
  static ProcessExit killed(int signo, bool dumped = false) { return {dumped ? How::kDumped : How::kKilled, signo}; }
  bool is_exit() const { return how == How::kExited; }
  // "exited with status 3", "killed by signal 9 (SIGKILL)", "killed by signal 11 (SIGSEGV), core dumped"
  std::string to_string() const;
  friend bool operator==(const ProcessExit&, const ProcessExit&) = default;
};

// "SIGTERM", or "signal 64" for numbers without a name.
std::string signal_name(int signo);

// pidfd_open(2). The caller must be the parent and must not have reaped `pid` yet, so
// the pid cannot have been recycled and the descriptor names our child.
std::expected<UniqueFd, Error> open_pidfd(pid_t pid);

// Reaps the child behind `pidfd` if it has exited; nullopt while it is still running.
// Never blocks, unless `block` is set (only for a child already sent SIGKILL).
std::expected<std::optional<ProcessExit>, Error> reap_pidfd(int pidfd, bool block = false);

// pidfd_send_signal(2); unlike kill() it cannot hit a recycled pid.
std::expected<void, Error> signal_pidfd(int pidfd, int signo);

// --- in a freshly forked child (async-signal-safe; nothing allocates) ------------------

// Closes every descriptor from 3 up except `keep` (-1: none). keeld's descriptors are
// O_CLOEXEC, but a child that does not exec (the vrrp and lb children) must still drop
// the parent's epoll, signalfd, pidfds and the other child's socket.
void close_descriptors_from_3(int keep);

// Unblocks every signal and sets every disposition back to SIG_DFL: keeld keeps its
// signals blocked for signalfd and ignores SIGPIPE, and both survive exec.
void reset_signal_state();

}  // namespace keel::ctl

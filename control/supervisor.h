// The supervisor: keeld's main process (DESIGN.md "Runtime"). It owns the validated
// configuration, starts the vrrp and lb children (only vrrp with -P, only lb with -C),
// writes their pid files, respawns a child that dies with a growing back-off, relays
// SIGHUP as ReloadConfig and SIGUSR1 as SIGUSR1, and on SIGTERM/SIGINT stops the
// children (SIGKILL after child_wait_time) before it exits.
//
// Children are watched through pidfds on the loop: no SIGCHLD handler, no blocking wait.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <cstdint>
#include <expected>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "config/model.h"
#include "control/child_process.h"
#include "control/child_runtime.h"
#include "control/cmdline.h"
#include "control/event_loop.h"
#include "control/logger.h"
#include "control/pid_file.h"

namespace keel::ctl {

// global_defs child_wait_time when not configured (keepalived's default).
inline constexpr Duration kDefaultChildWaitTime = std::chrono::seconds{5};

// How soon a dead child is started again: `initial`, doubling per consecutive crash up to
// `max`. A child that ran for `stable_after` before dying starts the count afresh.
struct RestartPolicy {
  Duration initial = std::chrono::seconds{1};
  Duration max = std::chrono::seconds{30};
  Duration stable_after = std::chrono::seconds{60};
};

// The delay before the respawn that follows the `crashes`-th consecutive crash (≥ 1).
Duration restart_delay(const RestartPolicy& policy, unsigned crashes);
// The consecutive-crash count after a child that ran for `ran_for` died.
unsigned crashes_after(const RestartPolicy& policy, unsigned previous, Duration ran_for);

enum class ChildExitAction : std::uint8_t {
  kNone,        // it was asked to stop
  kRespawn,     // it died or exited unasked
  kStopDaemon,  // it exited with kChildExitFatal: respawning cannot help
};
struct ChildExitVerdict {
  ChildExitAction action = ChildExitAction::kNone;
  std::string reason;  // "killed by signal 9 (SIGKILL)", "exited with a fatal error (status 4)"
  friend bool operator==(const ChildExitVerdict&, const ChildExitVerdict&) = default;
};
// `stopping`: the supervisor sent the stop, so any exit is expected.
ChildExitVerdict classify_child_exit(const ProcessExit& exit, bool stopping);

// The children -P / -C ask for (neither, or both: all of them).
std::vector<ChildKind> children_to_run(const Options& options);

class Supervisor {
 public:
  // Everything given must outlive the supervisor. `logger_options` are the children's
  // (each child changes only the ident).
  Supervisor(const Options& options, const LoggerOptions& logger_options, Logger& logger, EventLoop& loop,
             config::Config config, const ServiceRegistry& services, RestartPolicy restart = {});
  // Any child still running (only after a loop failure) is killed and reaped.
  ~Supervisor();
  Supervisor(const Supervisor&) = delete;
  Supervisor& operator=(const Supervisor&) = delete;

  // Installs the signal handlers, starts the children and writes their pid files.
  std::expected<void, Error> start();
  // Dispatches until a stop was requested and every child has been reaped.
  std::expected<void, Error> run();
  // 0, or 1 when the daemon stopped because a child failed fatally.
  int exit_status() const { return exit_status_; }

  // SIGHUP: re-read and validate the file; on success tell the children (ReloadConfig),
  // on any error keep the running configuration.
  void reload();
  // SIGUSR1: the supervisor's state, then the same signal to each child.
  void dump_state() const;
  // SIGTERM/SIGINT (or a fatal child): SIGTERM to the children, SIGKILL after child_wait_time.
  void request_stop(std::string_view why);

  const config::Config& config() const { return config_; }
  std::uint64_t generation() const { return generation_; }
  std::optional<pid_t> child_pid(ChildKind kind) const;

 private:
  struct Child;

  std::expected<void, Error> spawn(Child& child);
  std::expected<void, Error> write_pid_file(Child& child);
  void on_child_exit(Child& child);
  void on_child_message(Child& child, const Message& message);
  void schedule_restart(Child& child);
  void finish_if_done();
  Duration child_wait_time() const;

  const Options& options_;
  const LoggerOptions& logger_options_;
  Logger& logger_;
  EventLoop& loop_;
  config::Config config_;
  const ServiceRegistry& services_;
  RestartPolicy restart_;
  std::uint64_t generation_ = 1;                  // +1 per successful reload
  std::vector<std::unique_ptr<Child>> children_;  // stable addresses: callbacks hold Child&
  std::vector<SignalWatch> signal_watches_;
  Timer kill_timer_;  // child_wait_time after the stop
  bool stopping_ = false;
  int exit_status_ = 0;
};

}  // namespace keel::ctl

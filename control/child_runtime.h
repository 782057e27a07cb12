// The vrrp and lb children of the supervisor (DESIGN.md "Runtime"): what runs in each
// after fork — its own logger and event loop, its signals, the socket to the supervisor,
// and one Component built by a factory registered under the child's service name.
//
// A VRRP or checker service plugs in by registering a ComponentFactory in keeld_main.cc:
//   services.add(std::string{kVrrpService}, make_vrrp_component);
// Until one is registered, the child runs a placeholder that only logs.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <expected>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "config/model.h"
#include "control/cmdline.h"
#include "control/daemon.h"
#include "control/event_loop.h"
#include "control/logger.h"
#include "control/messages.h"

namespace keel::ctl {

enum class ChildKind : std::uint8_t { kVrrp, kChecker };

inline constexpr std::string_view kVrrpService = "vrrp";
inline constexpr std::string_view kCheckerService = "checker";

std::string_view service_name(ChildKind kind);  // the registry key: "vrrp", "checker"
std::string_view display_name(ChildKind kind);  // in log lines: "VRRP", "checker"
std::string_view log_ident(ChildKind kind);     // syslog ident: "keeld_vrrp", "keeld_checkers"

// Exit statuses of a child, read by the supervisor (classify_child_exit).
inline constexpr int kChildExitOk = 0;
inline constexpr int kChildExitFailed = 1;  // start-up failed; respawned after a back-off
inline constexpr int kChildExitFatal = 4;   // retrying cannot help: the daemon stops (keepalived's EXIT_FATAL)

// What a child's component is given. Everything here outlives the component.
struct ChildContext {
  ChildKind kind;
  const Options& options;
  EventLoop& loop;
  Logger& logger;
  // To the supervisor (e.g. VrrpStateChanged). Fails only once the supervisor is gone.
  std::function<std::expected<void, Error>(const Message&)> send_to_supervisor;
};

// Builds a child's component, once per child process; the child then calls
// apply_config() with the configuration it was forked with, and again after each reload.
// An error ends the child: errno EPERM/EACCES as kChildExitFatal (stops the daemon, as a
// missing capability will not come back), anything else as kChildExitFailed (respawned).
using ComponentFactory = std::function<std::expected<std::unique_ptr<Component>, Error>(ChildContext& context)>;

// Component factories by service name, built in main() and passed down (no global registry).
class ServiceRegistry {
 public:
  void add(std::string name, ComponentFactory factory);
  const ComponentFactory* find(std::string_view name) const;

 private:
  std::map<std::string, ComponentFactory, std::less<>> factories_;
};

// Stands in for a service that is not written yet: logs what it was given.
class PlaceholderComponent final : public Component {
 public:
  PlaceholderComponent(ChildKind kind, Logger& logger) : kind_(kind), logger_(logger) {}
  std::string_view name() const override { return display_name(kind_); }
  void apply_config(const config::Config& config) override;
  void dump_state(Logger& logger) const override;
  void stop() override;

 private:
  std::string describe(const config::Config& config) const;  // "1 instance", "3 virtual servers"

  ChildKind kind_;
  Logger& logger_;
  bool started_ = false;
  std::string last_;
};

// One child's run time. Also usable in-process (tests): nothing here forks.
class ChildRuntime {
 public:
  // `options`, `logger` and `loop` must outlive the runtime.
  ChildRuntime(ChildKind kind, const Options& options, Logger& logger, EventLoop& loop);
  ~ChildRuntime();
  ChildRuntime(const ChildRuntime&) = delete;
  ChildRuntime& operator=(const ChildRuntime&) = delete;

  // Installs the signal handlers, builds the component (`factory` null: the placeholder),
  // applies `config` (validated by the supervisor as `generation`) and sends Ready.
  // The error's exit status is kChildExitFailed or kChildExitFatal.
  struct StartError {
    Error error;
    int exit_status = kChildExitFailed;
  };
  std::expected<void, StartError> start(UniqueFd supervisor, config::Config config, std::uint64_t generation,
                                        const ComponentFactory* factory);
  // Dispatches until SIGTERM (SIGINT is ignored) or until the supervisor goes away, then stops the
  // component. Returns the process exit status.
  int run();

  // ReloadConfig from the supervisor (or SIGHUP sent to the child directly): read the
  // file again; on any error keep the running configuration.
  void reload(std::uint64_t generation);
  void dump_state() const;
  void request_stop(std::string_view why);

  std::uint64_t generation() const { return generation_; }
  const config::Config& config() const { return *config_; }

 private:
  void on_message(const Message& message);
  std::expected<void, Error> handle_signals();

  ChildKind kind_;
  const Options& options_;
  Logger& logger_;
  EventLoop& loop_;
  std::unique_ptr<config::Config> config_;  // a component may keep references into it
  std::uint64_t generation_ = 0;
  std::unique_ptr<MessageSocket> supervisor_;
  std::unique_ptr<ChildContext> context_;
  std::unique_ptr<Component> component_;
  std::vector<SignalWatch> signal_watches_;
  bool stopping_ = false;
};

// Everything a freshly forked child needs from the supervisor.
struct ChildLaunch {
  ChildKind kind;
  const Options& options;
  const LoggerOptions& logger_options;
  const config::Config& config;
  std::uint64_t generation;
  const ServiceRegistry& services;
  int supervisor_fd;     // the child's end of the socket pair
  pid_t supervisor_pid;  // to detect a supervisor that died before PR_SET_PDEATHSIG
};

// In the child, right after fork: drops the supervisor's descriptors, opens its own
// logger and loop, runs a ChildRuntime, and exits. Never returns into the caller's stack.
[[noreturn]] void run_child_process(const ChildLaunch& launch);

}  // namespace keel::ctl

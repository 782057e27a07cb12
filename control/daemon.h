// The daemon's root object and its run mode: it owns the running configuration and
// the (future) components, and reacts to the signals keepalived users know:
// SIGTERM/SIGINT stop, SIGHUP reloads, SIGUSR1 logs a state summary.
#pragma once

#include <cstdint>
#include <expected>
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "config/load.h"
#include "control/cmdline.h"
#include "control/event_loop.h"
#include "control/logger.h"

namespace keel::ctl {

inline constexpr std::string_view kProgramName = "keeld";

// What a configuration holds, in the numbers an operator checks after a reload.
struct ConfigSummary {
  std::size_t vrrp_instances = 0;
  std::size_t vrrp_sync_groups = 0;
  std::size_t virtual_servers = 0;
  std::size_t real_servers = 0;

  // "2 vrrp instances, 1 sync group, 3 virtual servers, 12 real servers"
  std::string to_string() const;
};

ConfigSummary summarize(const config::Config& config);

// Checks that the top-level configuration file can be opened, so that a missing file
// is reported as exactly one line: "cannot open configuration file PATH: REASON".
std::expected<void, std::string> check_config_readable(const std::filesystem::path& path);

// Loads options.config_file with options.config_id.
config::LoadResult load_config(const Options& options);

// Enters /run/netns/NAME (keepalived --namespace); call before anything else.
std::expected<void, Error> enter_network_namespace(const std::string& name);

// A part of the daemon with its own state: later the vrrp and lb children of the
// supervisor (DESIGN.md "Runtime"). None exists yet; the interface fixes where they go.
class Component {
 public:
  virtual ~Component() = default;
  virtual std::string_view name() const = 0;
  // Called with every configuration that validated, after start-up and each reload.
  virtual void apply_config(const config::Config& config) = 0;
  virtual void dump_state(Logger& logger) const = 0;
  virtual void stop() = 0;
};

class Daemon {
 public:
  // `options`, `logger` and `loop` must outlive the daemon.
  Daemon(const Options& options, Logger& logger, EventLoop& loop, config::Config config);

  // Installs the signal handlers and starts the components.
  std::expected<void, Error> start();
  // Runs the loop until SIGTERM/SIGINT, then stops the components.
  std::expected<void, Error> run();

  // SIGHUP: re-read and validate the file; on any error keep the running configuration.
  void reload();
  // SIGUSR1: one log line per component plus the configuration and timer figures.
  void dump_state() const;
  void request_stop(int signo);

  const config::Config& config() const { return config_; }
  std::uint64_t generation() const { return generation_; }

 private:
  const Options& options_;
  Logger& logger_;
  EventLoop& loop_;
  config::Config config_;
  std::uint64_t generation_ = 1;  // +1 per successful reload
  std::vector<std::unique_ptr<Component>> components_;
  std::vector<SignalWatch> signal_watches_;
};

// The whole run mode: logging, configuration, detaching (unless -n), pid file, event
// loop, until a stop signal. Returns the process exit code.
int run_daemon(const Options& options);

}  // namespace keel::ctl

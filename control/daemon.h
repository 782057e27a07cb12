// keeld's run mode and what its processes share: configuration loading and summary, the
// Component interface of the children, detaching. The process model itself (supervisor,
// vrrp and lb children) is control/supervisor.h and control/child_runtime.h.
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

// The state of one child process of the supervisor (DESIGN.md "Runtime"): the VRRP
// service in the vrrp child, the checkers and the table in the lb child. Built by a
// ComponentFactory registered under the child's name (control/child_runtime.h).
class Component {
 public:
  virtual ~Component() = default;
  virtual std::string_view name() const = 0;
  // Called with every configuration that validated: the one the child was forked with,
  // then after each reload. The reference stays valid until the next apply_config()
  // has returned, so a component that keeps references into it must switch over here.
  virtual void apply_config(const config::Config& config) = 0;
  virtual void dump_state(Logger& logger) const = 0;
  // SIGTERM: leave nothing behind (VRRP: resign with priority 0, remove VIPs). Called
  // once, with the loop still alive but no longer running; the component is then destroyed.
  virtual void stop() = 0;
};

class ServiceRegistry;

// "1 vrrp instance", "2 errors".
std::string counted(std::size_t n, std::string_view singular, std::string_view plural);

// Every diagnostic as one log line: errors at error level, the rest as warnings.
void log_diagnostics(Logger& logger, const config::Diagnostics& diagnostics);

// The whole run mode: logging, configuration, detaching (unless -n), pid file, then the
// supervisor and its children until a stop signal. `services` are the children's
// component factories (none registered: placeholders). Returns the process exit code.
int run_daemon(const Options& options, const ServiceRegistry& services);

}  // namespace keel::ctl

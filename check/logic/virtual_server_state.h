// A virtual server's view of its real servers, as keepalived's ipwrapper.c keeps it: a
// real server is alive while none of its checkers is down; the weights of the alive ones
// are summed against `quorum`, with `hysteresis` as a dead band around it; below quorum a
// `sorry_server` replaces the pool; `inhibit_on_failure` keeps a dead server in the table
// with weight 0 instead of removing it; `omega` runs the down notifiers at shutdown.
//
// Pure: inputs are checker transitions and weight changes, outputs are events (log lines,
// notify scripts) and the desired destinations of the virtual server for the table.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "check/logic/checker_retry.h"
#include "config/model_lvs.h"

namespace keel::check {

struct RealServerSpec {
  std::string name;  // "[198.18.1.11]:tcp:80", as keepalived's log lines print it
  std::int64_t weight = 1;
  bool inhibit_on_failure = false;
  std::size_t alpha_checkers = 0;  // checkers that start down (alpha)
};

struct SorryServerSpec {
  std::string name;
  std::int64_t weight = 1;
  bool inhibit = false;  // sorry_server_inhibit
};

struct VirtualServerSpec {
  std::string name;  // "[198.18.0.100]:tcp:80", "FWM 7", ...
  std::uint32_t quorum = 1;
  std::uint32_t hysteresis = 0;
  bool omega = false;
  std::optional<SorryServerSpec> sorry_server;
  std::vector<RealServerSpec> real_servers;
};

// The spec of a validated virtual server: names in keepalived's "[addr]:proto:port" form.
VirtualServerSpec virtual_server_spec(const config::VirtualServer& server);

// ---- Events

// A real server entered or left the pool (log: "Adding service ... to VS ...").
struct RealServerChanged {
  std::size_t real_server = 0;
  bool alive = false;
  std::string reason;  // the checker's, for a server that went down
  friend bool operator==(const RealServerChanged&, const RealServerChanged&) = default;
};

// Run the real server's notify_up / notify_down.
struct RealServerNotify {
  std::size_t real_server = 0;
  bool up = false;
  friend bool operator==(const RealServerNotify&, const RealServerNotify&) = default;
};

// The effective weight of a real server changed (misc_dynamic, FILE_CHECK).
struct WeightChanged {
  std::size_t real_server = 0;
  std::int64_t old_weight = 0;
  std::int64_t new_weight = 0;
  bool alive = false;
  friend bool operator==(const WeightChanged&, const WeightChanged&) = default;
};

// Quorum gained or lost; `at_start` for the evaluation when the service is set up.
struct QuorumChanged {
  bool up = false;
  bool at_start = false;
  std::int64_t threshold = 0;
  std::int64_t weight_sum = 0;
  friend bool operator==(const QuorumChanged&, const QuorumChanged&) = default;
};

// Run quorum_up / quorum_down.
struct QuorumNotify {
  bool up = false;
  friend bool operator==(const QuorumNotify&, const QuorumNotify&) = default;
};

// The sorry server replaced the pool (active) or gave it back.
struct SorryServerChanged {
  bool active = false;
  friend bool operator==(const SorryServerChanged&, const SorryServerChanged&) = default;
};

// keeld is stopping: the real server leaves the table.
struct RealServerShutdown {
  std::size_t real_server = 0;
  friend bool operator==(const RealServerShutdown&, const RealServerShutdown&) = default;
};

using VirtualServerEvent = std::variant<RealServerChanged, RealServerNotify, WeightChanged, QuorumChanged, QuorumNotify,
                                        SorryServerChanged, RealServerShutdown>;

// One destination the virtual server should have in the forwarding table.
struct Destination {
  std::optional<std::size_t> real_server;  // nullopt: the sorry server
  std::int64_t weight = 0;                 // 0: inhibited (kept, given no new connections)
  friend bool operator==(const Destination&, const Destination&) = default;
};

class VirtualServerState {
 public:
  explicit VirtualServerState(VirtualServerSpec spec);

  // Sets the service up: real servers without alpha checkers are alive, then quorum is
  // evaluated (keepalived init_service_vs: "Starting with quorum down" and the sorry server).
  std::vector<VirtualServerEvent> start();

  // A checker of real server `real_server` changed state (CheckerRetry's transition).
  std::vector<VirtualServerEvent> checker_changed(std::size_t real_server, CheckerTransition transition,
                                                  std::string_view reason = {});

  // A new effective weight (misc_dynamic exit status, FILE_CHECK value).
  std::vector<VirtualServerEvent> set_weight(std::size_t real_server, std::int64_t weight);

  // keeld is stopping: everything leaves the table; with omega the down notifiers run.
  std::vector<VirtualServerEvent> shutdown();

  std::vector<Destination> desired_destinations() const;

  bool quorum_up() const { return quorum_up_; }
  bool sorry_server_active() const { return sorry_active_; }
  bool alive(std::size_t real_server) const { return servers_.at(real_server).failed_checkers == 0; }
  std::int64_t live_weight() const;
  const VirtualServerSpec& spec() const { return spec_; }

  // The line keepalived users know for an event, e.g. "Removing service [198.18.1.11]:tcp:80
  // from VS [198.18.0.100]:tcp:80 (bad status 503)"; empty for events that are not logged.
  std::string log_line(const VirtualServerEvent& event) const;

 private:
  struct Server {
    std::size_t failed_checkers = 0;
    std::int64_t effective_weight = 1;
  };

  void update_quorum(bool at_start, std::vector<VirtualServerEvent>& events);
  bool in_use(std::size_t real_server) const;

  VirtualServerSpec spec_;
  std::vector<Server> servers_;
  bool quorum_up_ = true;  // keepalived starts "up" and lets the first evaluation decide
  bool sorry_active_ = false;
  bool stopped_ = false;
};

// IPVS weights are 0..INT32_MAX; keepalived's real_weight() clamps the effective weight.
std::int64_t ipvs_weight(std::int64_t effective_weight);

}  // namespace keel::check

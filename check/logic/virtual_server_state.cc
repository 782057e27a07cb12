// keepalived's ipwrapper.c rules: update_svr_checker_state, perform_svr_state,
// update_quorum_state, clear_service_rs (shutdown), expressed as events and a desired
// destination list instead of ipvs_cmd calls. Events are built in place: a temporary
// variant holding a std::string trips g++ 12's -Wmaybe-uninitialized (control/messages.cc).
#include "check/logic/virtual_server_state.h"

#include <algorithm>
#include <limits>
#include <utility>

namespace keel::check {

namespace {

std::string_view protocol_name(const std::optional<config::LvsProtocol>& protocol) {
  switch (protocol.value_or(config::LvsProtocol::kTcp)) {
    case config::LvsProtocol::kTcp:
      return "tcp";
    case config::LvsProtocol::kUdp:
      return "udp";
    case config::LvsProtocol::kSctp:
      return "sctp";
  }
  return "tcp";
}

// keepalived's inet_sockaddrtotrio: "[198.18.1.11]:tcp:80", "[2001:db8::1]:tcp:80".
std::string endpoint_name(const config::IpAddress& address, std::string_view protocol, std::uint16_t port) {
  return "[" + address.to_string() + "]:" + std::string{protocol} + ":" + std::to_string(port);
}

}  // namespace

std::int64_t ipvs_weight(std::int64_t effective_weight) {
  return std::clamp<std::int64_t>(effective_weight, 0, std::numeric_limits<std::int32_t>::max());
}

VirtualServerSpec virtual_server_spec(const config::VirtualServer& server) {
  const std::string_view protocol = protocol_name(server.protocol);
  VirtualServerSpec spec{.quorum = server.quorum, .hysteresis = server.hysteresis, .omega = server.omega};
  switch (server.kind) {
    case config::VirtualServerKind::kAddress:
      spec.name = endpoint_name(server.address, protocol, server.port);
      break;
    case config::VirtualServerKind::kFwmark:
      spec.name = "FWM " + std::to_string(server.fwmark);
      break;
    case config::VirtualServerKind::kGroup:
      spec.name = "[" + server.group + "]:" + std::to_string(server.port);
      break;
  }
  if (server.sorry_server) {
    const auto& sorry = *server.sorry_server;
    spec.sorry_server = SorryServerSpec{
        .name = endpoint_name(sorry.address, protocol, sorry.port), .weight = server.weight, .inhibit = sorry.inhibit};
  }
  for (const config::RealServer& real : server.real_servers) {
    const bool real_alpha = real.alpha.value_or(server.alpha);
    const auto alpha_checkers = std::ranges::count_if(real.checkers, [&](const config::Checker& checker) {
      return checker.type != config::CheckerType::kFile && checker.alpha.value_or(real_alpha);
    });
    spec.real_servers.push_back({
        .name = endpoint_name(real.address, protocol, real.port),
        .weight = real.weight.value_or(server.weight),
        .inhibit_on_failure = real.inhibit_on_failure.value_or(server.inhibit_on_failure),
        .alpha_checkers = static_cast<std::size_t>(alpha_checkers),
    });
  }
  return spec;
}

VirtualServerState::VirtualServerState(VirtualServerSpec spec) : spec_(std::move(spec)) {
  servers_.reserve(spec_.real_servers.size());
  for (const RealServerSpec& real : spec_.real_servers) {
    servers_.push_back({.failed_checkers = real.alpha_checkers, .effective_weight = real.weight});
  }
}

std::int64_t VirtualServerState::live_weight() const {
  std::int64_t sum = 0;
  for (const Server& server : servers_) {
    if (server.failed_checkers == 0) sum += ipvs_weight(server.effective_weight);
  }
  return sum;
}

bool VirtualServerState::in_use(std::size_t real_server) const {
  return !stopped_ && alive(real_server) && !sorry_active_;
}

std::vector<VirtualServerEvent> VirtualServerState::start() {
  std::vector<VirtualServerEvent> events;
  update_quorum(true, events);
  return events;
}

// update_quorum_state(): the threshold moves by `hysteresis` away from the current state,
// so a pool hovering at `quorum` does not flap.
void VirtualServerState::update_quorum(bool at_start, std::vector<VirtualServerEvent>& events) {
  const std::int64_t weight_sum = live_weight();
  const std::int64_t hysteresis = spec_.hysteresis;
  const std::int64_t threshold = std::int64_t{spec_.quorum} + (quorum_up_ ? -hysteresis : hysteresis);
  if (!quorum_up_ && weight_sum >= threshold) {
    quorum_up_ = true;
    events.emplace_back(
        std::in_place_type<QuorumChanged>,
        QuorumChanged{.up = true, .at_start = at_start, .threshold = threshold, .weight_sum = weight_sum});
    if (sorry_active_) {
      sorry_active_ = false;
      events.emplace_back(std::in_place_type<SorryServerChanged>, SorryServerChanged{.active = false});
    }
    events.emplace_back(std::in_place_type<QuorumNotify>, QuorumNotify{.up = true});
    return;
  }
  // keepalived loses quorum at a weight sum of 0 even with "quorum 0".
  const bool lost = quorum_up_ && (weight_sum == 0 || weight_sum < threshold);
  const bool start_with_sorry = at_start && !quorum_up_ && spec_.sorry_server && !sorry_active_;
  if (lost || start_with_sorry) {
    quorum_up_ = false;
    events.emplace_back(
        std::in_place_type<QuorumChanged>,
        QuorumChanged{.up = false, .at_start = at_start, .threshold = threshold, .weight_sum = weight_sum});
    if (spec_.sorry_server && !sorry_active_) {
      sorry_active_ = true;
      events.emplace_back(std::in_place_type<SorryServerChanged>, SorryServerChanged{.active = true});
    }
    events.emplace_back(std::in_place_type<QuorumNotify>, QuorumNotify{.up = false});
  }
}

std::vector<VirtualServerEvent> VirtualServerState::checker_changed(std::size_t real_server,
                                                                    CheckerTransition transition,
                                                                    std::string_view reason) {
  std::vector<VirtualServerEvent> events;
  if (stopped_) return events;
  Server& server = servers_.at(real_server);
  switch (transition) {
    case CheckerTransition::kStartedDown:
      // update_svr_checker_state(): the first result of an alpha checker agrees with its
      // start state; only the notifier runs.
      events.emplace_back(std::in_place_type<RealServerNotify>,
                          RealServerNotify{.real_server = real_server, .up = false});
      return events;
    case CheckerTransition::kUp:
      if (server.failed_checkers == 0) return events;  // not a checker we counted down
      if (--server.failed_checkers > 0) return events;
      events.emplace_back(std::in_place_type<RealServerChanged>,
                          RealServerChanged{.real_server = real_server, .alive = true});
      events.emplace_back(std::in_place_type<RealServerNotify>,
                          RealServerNotify{.real_server = real_server, .up = true});
      break;
    case CheckerTransition::kDown:
      if (server.failed_checkers++ > 0) return events;
      events.emplace_back(std::in_place_type<RealServerChanged>,
                          RealServerChanged{.real_server = real_server, .alive = false, .reason = std::string{reason}});
      events.emplace_back(std::in_place_type<RealServerNotify>,
                          RealServerNotify{.real_server = real_server, .up = false});
      break;
  }
  update_quorum(false, events);
  return events;
}

std::vector<VirtualServerEvent> VirtualServerState::set_weight(std::size_t real_server, std::int64_t weight) {
  std::vector<VirtualServerEvent> events;
  if (stopped_) return events;
  Server& server = servers_.at(real_server);
  const std::int64_t old_weight = ipvs_weight(server.effective_weight);
  server.effective_weight = weight;
  if (ipvs_weight(weight) == old_weight) return events;
  events.emplace_back(std::in_place_type<WeightChanged>, WeightChanged{.real_server = real_server,
                                                                       .old_weight = old_weight,
                                                                       .new_weight = ipvs_weight(weight),
                                                                       .alive = alive(real_server)});
  update_quorum(false, events);
  return events;
}

// clear_service_rs() and update_vs_notifies() with stopping set: every destination goes;
// notifiers run only in omega mode.
std::vector<VirtualServerEvent> VirtualServerState::shutdown() {
  std::vector<VirtualServerEvent> events;
  if (stopped_) return events;
  for (std::size_t i = 0; i < servers_.size(); ++i) {
    const bool in_table = in_use(i) || spec_.real_servers[i].inhibit_on_failure;
    if (in_table) events.emplace_back(std::in_place_type<RealServerShutdown>, RealServerShutdown{.real_server = i});
    if (alive(i) && spec_.omega)
      events.emplace_back(std::in_place_type<RealServerNotify>, RealServerNotify{.real_server = i, .up = false});
  }
  stopped_ = true;
  sorry_active_ = false;
  quorum_up_ = false;
  if (spec_.omega) events.emplace_back(std::in_place_type<QuorumNotify>, QuorumNotify{.up = false});
  return events;
}

std::vector<Destination> VirtualServerState::desired_destinations() const {
  std::vector<Destination> out;
  if (stopped_) return out;
  for (std::size_t i = 0; i < servers_.size(); ++i) {
    if (in_use(i)) {
      out.push_back({.real_server = i, .weight = ipvs_weight(servers_[i].effective_weight)});
    } else if (spec_.real_servers[i].inhibit_on_failure) {
      out.push_back({.real_server = i, .weight = 0});
    }
  }
  if (spec_.sorry_server) {
    if (sorry_active_) {
      out.push_back({.real_server = std::nullopt, .weight = ipvs_weight(spec_.sorry_server->weight)});
    } else if (spec_.sorry_server->inhibit) {
      out.push_back({.real_server = std::nullopt, .weight = 0});
    }
  }
  return out;
}

std::string VirtualServerState::log_line(const VirtualServerEvent& event) const {
  const std::string& vs = spec_.name;
  struct Describe {
    const VirtualServerState& self;
    const std::string& vs;

    std::string operator()(const RealServerChanged& e) const {
      const RealServerSpec& real = self.spec_.real_servers.at(e.real_server);
      std::string line;
      if (real.inhibit_on_failure) {
        line = std::string{e.alive ? "Enabling" : "Disabling"} + " service " + real.name + " of VS " + vs;
      } else {
        line = std::string{e.alive ? "Adding service " + real.name + " to VS "
                                   : "Removing service " + real.name + " from VS "} +
               vs;
      }
      if (!e.reason.empty()) line += " (" + e.reason + ")";
      return line;
    }
    std::string operator()(const RealServerNotify&) const { return {}; }
    std::string operator()(const WeightChanged& e) const {
      return "Changing weight from " + std::to_string(e.old_weight) + " to " + std::to_string(e.new_weight) + " for " +
             (e.alive ? "" : "in") + "active service " + self.spec_.real_servers.at(e.real_server).name + " of VS " +
             vs;
    }
    std::string operator()(const QuorumChanged& e) const {
      const std::string numbers = std::to_string(self.spec_.quorum) + (e.up ? "+" : "-") +
                                  std::to_string(self.spec_.hysteresis) + "=" + std::to_string(e.threshold) +
                                  (e.up ? " <= " : " > ") + std::to_string(e.weight_sum);
      const char* what = e.up ? "Gained quorum " : e.at_start ? "Starting with quorum down " : "Lost quorum ";
      return what + numbers + " for VS " + vs;
    }
    std::string operator()(const QuorumNotify&) const { return {}; }
    std::string operator()(const SorryServerChanged& e) const {
      const SorryServerSpec& sorry = *self.spec_.sorry_server;
      if (e.active)
        return std::string{sorry.inhibit ? "Enabling" : "Adding"} + " sorry server " + sorry.name + " to VS " + vs;
      return std::string{sorry.inhibit ? "Disabling" : "Removing"} + " sorry server " + sorry.name + " from VS " + vs;
    }
    std::string operator()(const RealServerShutdown& e) const {
      const RealServerSpec& real = self.spec_.real_servers.at(e.real_server);
      return "Shutting down service " + real.name + " from VS " + vs;
    }
  };
  return std::visit(Describe{*this, vs}, event);
}

}  // namespace keel::check

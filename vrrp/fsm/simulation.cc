// The in-memory LAN: executes routers' actions the way vrrp/instance does, in virtual time.
#include "vrrp/fsm/simulation.h"

#include <algorithm>
#include <stdexcept>
#include <tuple>
#include <utility>

namespace keel::vrrp {
namespace {

template <class... F>
struct Overloaded : F... {
  using F::operator()...;
};
template <class... F>
Overloaded(F...) -> Overloaded<F...>;

}  // namespace

Simulation::Simulation(SimulationOptions options)
    : start_(options.start), now_(options.start), latency_(options.latency) {}

std::size_t Simulation::add_router(RouterConfig config) {
  nodes_.emplace_back(std::move(config));
  return nodes_.size() - 1;
}

std::size_t Simulation::add_sync_group(std::string name, const std::vector<std::size_t>& members) {
  std::vector<std::string> names;
  for (std::size_t member = 0; member < members.size(); ++member) {
    Node& node = nodes_.at(members[member]);
    if (node.running) throw std::logic_error("add_sync_group: router already started");
    RouterConfig config = node.router.config();
    config.sync_group_member = true;
    node.router = Router(std::move(config));
    node.group = groups_.size();
    node.member = member;
    names.push_back(node.router.config().name);
  }
  groups_.push_back(Group{.group = SyncGroup(std::move(name), std::move(names)), .nodes = members});
  return groups_.size() - 1;
}

void Simulation::start(std::size_t id) {
  nodes_.at(id).running = true;
  feed(id, Startup{});
}

void Simulation::shutdown(std::size_t id) {
  feed(id, Shutdown{});
  Node& node = nodes_.at(id);
  node.running = false;
  node.timers.clear();
}

void Simulation::kill(std::size_t id) {
  Node& node = nodes_.at(id);
  node.running = false;
  node.vips = false;  // the host is gone, and its addresses with it
  node.timers.clear();
}

void Simulation::set_link(std::size_t id, bool up) { nodes_.at(id).link_up = up; }

void Simulation::raise_fault(std::size_t id, const std::string& reason) {
  const Node& node = nodes_.at(id);
  if (node.group)
    apply(*node.group, groups_[*node.group].group.fault_raised(node.member, reason));
  else
    feed(id, FaultRaised{reason});
}

void Simulation::clear_fault(std::size_t id) {
  const Node& node = nodes_.at(id);
  if (node.group)
    apply(*node.group, groups_[*node.group].group.fault_cleared(node.member));
  else
    feed(id, FaultCleared{});
}

void Simulation::inject(std::size_t id, const Input& input) { feed(id, input); }

void Simulation::run_until(TimePoint until) {
  while (step(until)) {
  }
  now_ = std::max(now_, until);
}

bool Simulation::run_until(const std::function<bool()>& done, std::chrono::nanoseconds limit) {
  const TimePoint until = now_ + limit;
  if (done()) return true;
  while (step(until))
    if (done()) return true;
  now_ = std::max(now_, until);
  return done();
}

std::vector<std::size_t> Simulation::masters(int vrid) const {
  std::vector<std::size_t> out;
  for (std::size_t id = 0; id < nodes_.size(); ++id)
    if (nodes_[id].running && nodes_[id].router.config().vrid == vrid &&
        nodes_[id].router.state() == RouterState::kMaster)
      out.push_back(id);
  return out;
}

std::vector<std::size_t> Simulation::vip_holders(int vrid) const {
  std::vector<std::size_t> out;
  for (std::size_t id = 0; id < nodes_.size(); ++id)
    if (nodes_[id].vips && nodes_[id].router.config().vrid == vrid) out.push_back(id);
  return out;
}

void Simulation::feed(std::size_t id, const Input& input) {
  Node& node = nodes_.at(id);
  if (!node.running) return;
  execute(id, node.router.handle(input, now_));
}

void Simulation::execute(std::size_t id, const Actions& actions) {
  Node& node = nodes_[id];
  for (const auto& action : actions) {
    std::visit(Overloaded{
                   [&](const SendAdvert& a) { send(id, a.priority); },
                   [&](const ArmTimer& a) { node.timers[a.kind] = a.deadline; },
                   [&](const CancelTimer& a) { node.timers.erase(a.kind); },
                   [&](const AddVips& a) {
                     node.vips = true;
                     node.accept = a.accept;
                   },
                   [&](const RemoveVips&) { node.vips = false; },
                   [&](const SendAnnouncements& a) { node.announcements += a.count; },
                   [&](const Notify& a) { node.notifies.push_back(a); },
                   [&](const NotifyMasterRxLowerPriority&) { ++node.rx_lower_priority_notifies; },
                   [&](const PriorityChanged&) {},
                   [&](const WantsMaster&) {},
                   [&](const StateChanged& a) {
                     node.transitions.push_back(a);
                     node.transition_times.push_back(now_);
                   },
                   [&](const LogLine& a) { node.log.push_back(a.text); },
               },
               action);
  }
  // The host shows its sync group what the member did (StateChanged, WantsMaster).
  if (nodes_[id].group) {
    const std::size_t group = *nodes_[id].group;
    apply(group, groups_[group].group.observe(nodes_[id].member, actions));
  }
}

void Simulation::apply(std::size_t group, const SyncResult& result) {
  for (const auto& action : result.actions)
    if (const auto* line = std::get_if<LogLine>(&action)) groups_[group].log.push_back(line->text);
  for (const auto& input : result.inputs) feed(groups_[group].nodes.at(input.member), input.input);
}

void Simulation::send(std::size_t from, int priority) {
  Node& sender = nodes_[from];
  sender.adverts_sent.push_back(priority);
  if (!sender.running || !sender.link_up) return;
  const RouterConfig& config = sender.router.config();
  for (std::size_t to = 0; to < nodes_.size(); ++to) {
    const RouterConfig& peer = nodes_[to].router.config();
    // Same VRID and version on this wire; a router never hears its own advert.
    if (to == from || peer.vrid != config.vrid || peer.version != config.version) continue;
    in_flight_.push_back(
        Packet{.at = now_ + latency_,
               .sequence = next_sequence_++,
               .to = to,
               .advert = AdvertReceived{
                   .priority = priority, .advert_interval = config.advert_interval, .source = config.primary_address}});
  }
}

bool Simulation::step(TimePoint until) {
  // Earliest event: a packet arriving, else a timer (packets first on a tie: an advert
  // arriving exactly at the deadline is in time). Ties among timers go by router id.
  auto packet = std::min_element(in_flight_.begin(), in_flight_.end(), [](const Packet& a, const Packet& b) {
    return std::tie(a.at, a.sequence) < std::tie(b.at, b.sequence);
  });
  std::optional<std::tuple<TimePoint, std::size_t, TimerKind>> timer;
  for (std::size_t id = 0; id < nodes_.size(); ++id) {
    if (!nodes_[id].running) continue;
    for (const auto& [kind, deadline] : nodes_[id].timers)
      if (!timer || std::tie(deadline, id) < std::tie(std::get<0>(*timer), std::get<1>(*timer)))
        timer = std::make_tuple(deadline, id, kind);
  }
  const bool have_packet = packet != in_flight_.end() && packet->at <= until;
  const bool have_timer = timer && std::get<0>(*timer) <= until;
  if (!have_packet && !have_timer) return false;

  if (have_packet && (!have_timer || packet->at <= std::get<0>(*timer))) {
    const Packet delivered = *packet;
    in_flight_.erase(packet);
    now_ = std::max(now_, delivered.at);
    if (nodes_[delivered.to].link_up) feed(delivered.to, delivered.advert);
    return true;
  }
  const auto [deadline, id, kind] = *timer;
  now_ = std::max(now_, deadline);
  nodes_[id].timers.erase(kind);
  feed(id, TimerFired{kind});
  return true;
}

}  // namespace keel::vrrp

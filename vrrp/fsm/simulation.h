// A deterministic in-memory LAN for the pure state machine: routers on one wire, adverts
// delivered after a fixed latency to every router of the same VRID, timers fired in
// deadline order, sync groups wired to their members. Virtual time only — it is what the
// unit tests run elections on, and what a what-if tool can replay a configuration with.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "vrrp/fsm/events.h"
#include "vrrp/fsm/router.h"
#include "vrrp/fsm/sync_group.h"

namespace keel::vrrp {

struct SimulationOptions {
  TimePoint start{};                                                  // virtual time zero
  std::chrono::nanoseconds latency = std::chrono::microseconds{100};  // one advert on the wire
};

class Simulation {
 public:
  // One router and what its host did with the router's actions.
  struct Node {
    explicit Node(RouterConfig config) : router(std::move(config)) {}
    Router router;
    bool running = false;  // started, not stopped or killed
    bool link_up = true;
    bool vips = false;              // AddVips executed, RemoveVips not since
    bool accept = false;            // accept mode of the installed VIPs
    std::vector<int> adverts_sent;  // priority of every advert sent
    int announcements = 0;          // GARP / NA messages sent
    int rx_lower_priority_notifies = 0;
    std::vector<StateChanged> transitions;
    std::vector<TimePoint> transition_times;
    std::vector<Notify> notifies;
    std::vector<std::string> log;
    std::map<TimerKind, TimePoint> timers;  // as armed by ArmTimer / CancelTimer
    std::optional<std::size_t> group;       // index of its sync group
    std::size_t member = 0;                 // its index within that group
  };

  explicit Simulation(SimulationOptions options = {});

  std::size_t add_router(RouterConfig config);
  // Members on the same host; marks their configs as sync-group members.
  std::size_t add_sync_group(std::string name, const std::vector<std::size_t>& members);

  TimePoint now() const { return now_; }
  std::chrono::nanoseconds elapsed() const { return now_ - start_; }

  void start(std::size_t id);
  void shutdown(std::size_t id);           // graceful: the router resigns
  void kill(std::size_t id);               // the host dies: nothing more is sent, timers and VIPs are gone
  void set_link(std::size_t id, bool up);  // cut a router off the wire, both directions
  // A tracker fault of the router's own, routed through its sync group if it has one.
  void raise_fault(std::size_t id, const std::string& reason);
  void clear_fault(std::size_t id);
  void inject(std::size_t id, const Input& input);  // any other input, at now()

  void run_for(std::chrono::nanoseconds duration) { run_until(now_ + duration); }
  void run_until(TimePoint until);
  // Runs until `done()` holds (checked after every event) or `limit` passed.
  bool run_until(const std::function<bool()>& done, std::chrono::nanoseconds limit);

  const Node& node(std::size_t id) const { return nodes_.at(id); }
  const Router& router(std::size_t id) const { return nodes_.at(id).router; }
  const SyncGroup& group(std::size_t id) const { return groups_.at(id).group; }
  const std::vector<std::string>& group_log(std::size_t id) const { return groups_.at(id).log; }
  // Running routers of this VRID in MASTER / holding the VIPs.
  std::vector<std::size_t> masters(int vrid) const;
  std::vector<std::size_t> vip_holders(int vrid) const;

 private:
  struct Packet {
    TimePoint at;
    std::uint64_t sequence = 0;
    std::size_t to = 0;
    AdvertReceived advert;
  };
  struct Group {
    SyncGroup group;
    std::vector<std::size_t> nodes;  // member index → node id
    std::vector<std::string> log;
  };

  void feed(std::size_t id, const Input& input);
  void execute(std::size_t id, const Actions& actions);
  void apply(std::size_t group, const SyncResult& result);
  void send(std::size_t from, int priority);
  bool step(TimePoint until);

  TimePoint start_;
  TimePoint now_;
  std::chrono::nanoseconds latency_;
  std::vector<Node> nodes_;
  std::vector<Group> groups_;
  std::vector<Packet> in_flight_;
  std::uint64_t next_sequence_ = 0;
};

}  // namespace keel::vrrp

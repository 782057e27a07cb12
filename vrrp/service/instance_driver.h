// One vrrp_instance at run time: its pure Router plus everything the router's actions
// touch — the advert channel, timers, VIPs/routes/rules, GARP/NA, notify scripts, and
// the trackers whose states make its effective priority. The only code that turns the
// state machine's actions into I/O.
#pragma once

#include <array>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "config/model.h"
#include "vrrp/fsm/router.h"
#include "vrrp/fsm/tracking.h"
#include "vrrp/io/ports.h"
#include "vrrp/packet/drop.h"
#include "vrrp/packet/receive_check.h"

namespace keel::vrrp {

// What a driver needs from the process, all owned elsewhere and outliving the driver.
struct VrrpPorts {
  Reactor& reactor;
  AddressProgrammer& addresses;
  Announcer& announcer;
  LinkMonitor& links;
  ScriptRunner& scripts;
  Log& log;
};

// How late timers fire: late master-down timers cause false failovers on busy hosts.
struct TimerLateness {
  std::uint64_t fired = 0;
  std::chrono::nanoseconds last{0};
  std::chrono::nanoseconds max{0};
};

class InstanceDriver {
 public:
  // `on_actions` sees every action list the router produced (the sync group listens).
  InstanceDriver(const config::Config& config, const config::VrrpInstance& instance, VrrpPorts ports,
                 std::function<void(InstanceDriver&, const Actions&)> on_actions);
  ~InstanceDriver();
  InstanceDriver(const InstanceDriver&) = delete;
  InstanceDriver& operator=(const InstanceDriver&) = delete;

  const std::string& name() const { return instance_.name; }
  const config::VrrpInstance& instance() const { return instance_; }
  const Router& router() const { return router_; }
  config::Family family() const { return family_; }
  std::uint8_t vrid() const { return static_cast<std::uint8_t>(instance_.virtual_router_id); }

  // The channel adverts go out on and come in from; set before start().
  void attach(AdvertChannel* channel, const InterfaceInfo& interface);
  // The channel was re-opened (the interface was re-created).
  void attach_channel(AdvertChannel* channel) { channel_ = channel; }
  // The interface as the link monitor sees it now (nullopt: it disappeared).
  void interface_changed(const std::optional<InterfaceInfo>& interface);

  void start();
  void shutdown();
  void handle(const Input& input);

  // A decoded advert for this VRID: runs the RFC 5798 §7.1 checks, then the router.
  // `ah_packet`: the whole received IPv4 packet when it came with an AH header (its ICV
  // and sequence number are checked before anything else, as keepalived does).
  void receive(const Advert& advert, const RxMeta& meta, std::span<const std::byte> ah_packet = {});
  // auth_type AH (VRRPv2 over IPv4 only): adverts carry an IPsec AH header.
  bool uses_ah() const;

  // A tracked object changed: recompute the effective priority / fault.
  void tracker_changed(TrackerKind kind, const std::string& name, TrackerStatus status, std::int64_t file_value = 0);
  bool tracks(TrackerKind kind, const std::string& name) const;

  // Members of a vrrp_sync_group hand their tracking faults to the group, which decides
  // for every member (sync_group.h); others fault themselves.
  void set_fault_sink(std::function<void(InstanceDriver&, const std::optional<std::string>& fault)> sink) {
    fault_sink_ = std::move(sink);
  }

  const DropCounters& drops() const { return drops_; }
  const TimerLateness& lateness() const { return lateness_; }
  std::string status_line() const;

 private:
  void execute(const Actions& actions);
  void send_advert(int priority);
  void send_ah_advert(const Advert& advert);
  void add_vips(bool accept);
  void remove_vips();
  void announce(int count);
  std::string vip_interface() const;
  std::string vmac_name() const;
  void send_next_announcements();
  config::Duration announce_interval(const InterfaceInfo& interface, config::Family family) const;
  void notify(RouterState state, int priority);
  void arm(TimerKind kind, TimePoint deadline);
  void recompute_tracking();
  InstanceView view() const;
  Advert build_advert(int priority) const;
  std::vector<IpAddress> destinations() const;
  void log(LogLevel level, const std::string& text) const;

  const config::Config& config_;
  const config::VrrpInstance& instance_;
  VrrpPorts ports_;
  std::function<void(InstanceDriver&, const Actions&)> on_actions_;
  config::Family family_;
  Router router_;
  AdvertChannel* channel_ = nullptr;
  std::optional<InterfaceInfo> interface_;
  IpAddress source_;
  std::vector<IpAddress> vip_addresses_;  // in the advert and in InstanceView
  AuthData auth_key_{};
  // keepalived's ipsecah_counter: one sequence per instance, raised by every AH advert
  // sent and by every one accepted, so a backup that becomes master continues above the
  // sequence its peers last accepted (RFC 2402 §3.4.3 anti-replay on their side).
  std::uint32_t ah_sequence_ = 0;
  std::uint16_t ip_id_ = 0;  // IP_HDRINCL: an id of 0 would be filled in after the ICV
  std::array<std::unique_ptr<Handle>, kTimerKindCount> timers_;
  std::vector<TrackerState> trackers_;
  std::optional<std::string> tracking_fault_;
  std::function<void(InstanceDriver&, const std::optional<std::string>&)> fault_sink_;
  bool vips_installed_ = false;
  std::optional<InterfaceInfo> vmac_;  // use_vmac: the macvlan the VIPs live on, once created
  // GARP / NA messages waiting for their turn: garp_interval / gna_interval (global_defs
  // vrrp_garp_interval / vrrp_gna_interval, or the interface's garp_group) apart.
  struct PendingAnnouncement {
    InterfaceInfo interface;
    IpAddress address;
  };
  std::vector<PendingAnnouncement> announcements_;
  std::size_t next_announcement_ = 0;
  std::unique_ptr<Handle> announce_timer_;
  struct RunningScript {
    std::unique_ptr<Handle> handle;
    std::shared_ptr<bool> done;
  };
  void run_script(const config::Script& script, std::vector<std::string> args);
  std::vector<RunningScript> running_scripts_;
  DropCounters drops_;
  TimerLateness lateness_;
};

}  // namespace keel::vrrp

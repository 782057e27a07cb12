// Every VRRP instance of a configuration at run time: opens one advert channel per
// (interface, family, multicast/unicast), demultiplexes received adverts by VRID, runs
// the vrrp_script and track_file trackers, follows interface changes, and moves sync
// groups together. The VRRP child process owns one of these per configuration.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "config/model.h"
#include "vrrp/fsm/sync_group.h"
#include "vrrp/fsm/tracking.h"
#include "vrrp/io/ports.h"
#include "vrrp/service/instance_driver.h"
#include "vrrp/service/notify_fifo.h"

namespace keel::vrrp {

// What the socket adapter needs to open a channel (vrrp/io/advert_socket.h maps it).
struct ChannelSpec {
  std::string interface;
  int ifindex = 0;
  config::Family family = config::Family::kIpv4;
  bool unicast = false;
  IpAddress multicast_group;        // multicast mode: joined on the interface
  std::optional<IpAddress> source;  // mcast_src_ip / unicast_src_ip
  std::optional<int> unicast_ttl;
  // VRRPv2 auth_type AH: an IP protocol 51, IP_HDRINCL socket (AdvertSocketOptions::for_ah)
  // that takes and returns whole IPv4 packets.
  bool ah = false;
  friend bool operator==(const ChannelSpec&, const ChannelSpec&) = default;
};
using ChannelOpener = std::function<IoResult<std::unique_ptr<AdvertChannel>>(const ChannelSpec&)>;

class VrrpService {
 public:
  VrrpService(const config::Config& config, VrrpPorts ports, ChannelOpener open_channel);
  ~VrrpService();
  VrrpService(const VrrpService&) = delete;
  VrrpService& operator=(const VrrpService&) = delete;

  void start();
  // SIGTERM: every master resigns (priority 0) and removes its VIPs, routes and rules.
  void shutdown();

  InstanceDriver* find(std::string_view instance);
  std::vector<std::string> status() const;  // one line per instance, for SIGUSR1

 private:
  struct Channel {
    ChannelSpec spec;
    std::unique_ptr<AdvertChannel> channel;
    std::unique_ptr<Handle> watch;
    std::vector<InstanceDriver*> instances;
    DropCounters drops;  // packets no instance could take (unparsable, unknown VRID)
  };
  struct ScriptCheck {
    const config::VrrpScript* script = nullptr;
    ScriptTracker tracker;
    std::unique_ptr<Handle> timer;
    std::unique_ptr<Handle> running;
  };
  struct FileCheck {
    const config::TrackFile* file = nullptr;
    std::optional<std::int64_t> value;
    std::unique_ptr<Handle> timer;
  };
  struct Group {
    SyncGroup group;
    std::vector<InstanceDriver*> members;
  };

  Channel* channel_for(InstanceDriver& driver, const std::optional<InterfaceInfo>& interface);
  IoResult<> open(Channel& channel);
  void on_readable(Channel& channel);
  void on_actions(InstanceDriver& driver, const Actions& actions);
  void on_group_fault(InstanceDriver& driver, const std::optional<std::string>& fault);
  void apply(Group& group, const SyncResult& result);
  void on_link_change(const InterfaceInfo& interface, bool removed);
  void schedule_script(ScriptCheck& check, TimePoint when);
  void run_script(ScriptCheck& check);
  void poll_file(FileCheck& check);
  void broadcast(TrackerKind kind, const std::string& name, TrackerStatus status, std::int64_t value = 0);
  Group* group_of(const InstanceDriver& driver, std::size_t* index);
  void log(LogLevel level, const std::string& text) const { ports_.log.write(level, text); }

  const config::Config& config_;
  VrrpPorts ports_;
  ChannelOpener open_channel_;
  std::vector<std::unique_ptr<InstanceDriver>> drivers_;
  std::vector<std::unique_ptr<Channel>> channels_;
  std::vector<std::unique_ptr<ScriptCheck>> scripts_;
  std::vector<std::unique_ptr<FileCheck>> files_;
  std::vector<std::unique_ptr<Group>> groups_;
  std::vector<std::unique_ptr<NotifyFifo>> fifos_;  // notify_fifo, vrrp_notify_fifo
  int group_depth_ = 0;  // guards against sync-group feedback loops
};

}  // namespace keel::vrrp

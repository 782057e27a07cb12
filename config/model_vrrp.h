// The VRRP part of the model: addresses/routes/rules as keepalived writes them,
// trackers, scripts, sync groups and instances (keepalived.conf(5), "VRRPD CONFIGURATION").
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "config/model_common.h"

namespace keel::config {

enum class AddressScope : std::uint8_t { kGlobal, kSite, kLink, kHost, kNowhere };

// One line of virtual_ipaddress / virtual_ipaddress_excluded / static_ipaddress.
struct AddressSpec {
  IpPrefix prefix;
  std::optional<IpAddress> broadcast;
  enum class BroadcastAuto : std::uint8_t { kNone, kClearHostBits, kSetHostBits } broadcast_auto = BroadcastAuto::kNone;
  std::optional<std::string> device;
  std::optional<AddressScope> scope;
  std::optional<std::string> label;
  std::optional<IpPrefix> peer;
  bool home = false;
  bool no_dad = false;
  bool mngtmpaddr = false;
  bool noprefixroute = false;
  bool autojoin = false;
  bool no_track = false;
  bool use_vmac = false;
  std::optional<std::string> track_group;
  std::optional<std::uint32_t> preferred_lft;  // nullopt with preferred_lft_forever
  bool preferred_lft_forever = false;
  SourceLocation location;
  friend bool operator==(const AddressSpec& a, const AddressSpec& b) {
    return a.prefix == b.prefix && a.broadcast == b.broadcast && a.broadcast_auto == b.broadcast_auto &&
           a.device == b.device && a.scope == b.scope && a.label == b.label && a.peer == b.peer && a.home == b.home &&
           a.no_dad == b.no_dad && a.mngtmpaddr == b.mngtmpaddr && a.noprefixroute == b.noprefixroute &&
           a.autojoin == b.autojoin && a.no_track == b.no_track && a.use_vmac == b.use_vmac &&
           a.track_group == b.track_group && a.preferred_lft == b.preferred_lft &&
           a.preferred_lft_forever == b.preferred_lft_forever;
  }
};

enum class RouteType : std::uint8_t {
  kUnicast,
  kBlackhole,
  kUnreachable,
  kProhibit,
  kThrow,
  kLocal,
  kBroadcast,
  kMulticast
};

struct Nexthop {
  std::optional<IpAddress> via;
  std::optional<std::string> device;
  std::optional<std::uint32_t> weight;
  bool onlink = false;
  friend bool operator==(const Nexthop&, const Nexthop&) = default;
};

// One line of static_routes / virtual_routes, `ip route` syntax. Options that Keel does
// not interpret individually are kept as (name, value) pairs in `metrics`.
struct RouteSpec {
  RouteType type = RouteType::kUnicast;
  IpPrefix destination;
  std::optional<IpPrefix> source;  // "src" before the destination (keepalived's form) or "from"
  std::optional<IpAddress> preferred_source;
  std::optional<IpAddress> via;
  std::optional<std::string> device;
  std::optional<AddressScope> scope;
  std::optional<std::string> table;     // number or name from rt_tables
  std::optional<std::uint32_t> metric;  // metric / priority / preference
  std::optional<std::string> protocol;
  std::optional<std::uint8_t> tos;
  std::optional<std::uint32_t> mtu;
  std::optional<std::string> vrf;
  std::vector<Nexthop> nexthops;
  std::vector<std::pair<std::string, std::string>> metrics;  // advmss, rtt, cwnd, realms, features...
  bool onlink = false;
  bool append = false;
  bool no_track = false;
  bool inet6 = false;
  std::optional<std::string> track_group;
  SourceLocation location;
  friend bool operator==(const RouteSpec& a, const RouteSpec& b) {
    return a.type == b.type && a.destination == b.destination && a.source == b.source &&
           a.preferred_source == b.preferred_source && a.via == b.via && a.device == b.device && a.scope == b.scope &&
           a.table == b.table && a.metric == b.metric && a.protocol == b.protocol && a.tos == b.tos && a.mtu == b.mtu &&
           a.vrf == b.vrf && a.nexthops == b.nexthops && a.metrics == b.metrics && a.onlink == b.onlink &&
           a.append == b.append && a.no_track == b.no_track && a.inet6 == b.inet6 && a.track_group == b.track_group;
  }
};

// One line of static_rules / virtual_rules, `ip rule` syntax.
struct RuleSpec {
  std::optional<IpPrefix> from;
  std::optional<IpPrefix> to;
  std::optional<std::string> table;
  std::optional<std::uint32_t> preference;
  std::optional<std::string> iif;
  std::optional<std::string> oif;
  std::optional<std::uint8_t> tos;
  std::optional<std::uint32_t> fwmark;
  std::optional<std::uint32_t> fwmask;
  std::optional<std::uint32_t> goto_target;
  std::optional<std::string> action;                         // "blackhole", "unreachable", "prohibit" ...
  std::vector<std::pair<std::string, std::string>> options;  // realms, uidrange, sport, dport, ip_proto...
  bool invert = false;                                       // "not"
  bool no_track = false;
  bool inet6 = false;
  std::optional<std::string> track_group;
  SourceLocation location;
  friend bool operator==(const RuleSpec& a, const RuleSpec& b) {
    return a.from == b.from && a.to == b.to && a.table == b.table && a.preference == b.preference && a.iif == b.iif &&
           a.oif == b.oif && a.tos == b.tos && a.fwmark == b.fwmark && a.fwmask == b.fwmask &&
           a.goto_target == b.goto_target && a.action == b.action && a.options == b.options && a.invert == b.invert &&
           a.no_track == b.no_track && a.inet6 == b.inet6 && a.track_group == b.track_group;
  }
};

// A reference from an instance or sync group to a tracked object, with its weight.
struct TrackRef {
  std::string name;
  std::optional<int> weight;  // unset: the tracked object's own weight
  bool reverse = false;
  SourceLocation location;
  friend bool operator==(const TrackRef& a, const TrackRef& b) {
    return a.name == b.name && a.weight == b.weight && a.reverse == b.reverse;
  }
};

struct VrrpScript {
  std::string name;
  Script script;
  Duration interval = std::chrono::seconds{1};
  std::optional<Duration> timeout;
  int weight = 0;
  bool weight_reverse = false;
  int rise = 1;
  int fall = 1;
  bool init_fail = false;
  SourceLocation location;
};

struct TrackFile {
  std::string name;
  std::string file;
  int weight = 1;
  bool weight_reverse = false;
  std::optional<std::int64_t> init_value;  // init_file [VALUE]
  bool init_file = false;
  bool init_overwrite = false;
  SourceLocation location;
};

struct TrackProcess {
  std::string name;
  std::vector<std::string> process;  // name and optional parameters
  enum class ParamMatch : std::uint8_t { kExact, kInitial, kPartial } param_match = ParamMatch::kExact;
  int weight = 0;
  bool weight_reverse = false;
  int quorum = 1;
  std::optional<int> quorum_max;
  std::optional<Duration> fork_delay;
  std::optional<Duration> terminate_delay;
  std::optional<Duration> delay;
  bool full_command = false;
  SourceLocation location;
};

struct GarpGroup {
  std::optional<Duration> garp_interval;
  std::optional<Duration> gna_interval;
  std::optional<std::string> interface;
  std::vector<std::string> interfaces;
  SourceLocation location;
};

struct TrackGroup {
  std::string name;
  std::vector<std::string> instances;
  SourceLocation location;
};

struct LinkbeatInterface {
  std::string name;
  std::optional<std::string> polling;  // MII | ETHTOOL | IOCTL
};

struct InterfaceDelays {
  std::string name;
  Duration down_delay{0};
  Duration up_delay{0};
};

// Notify scripts shared by instances and sync groups.
struct NotifyScripts {
  std::optional<Script> master;
  std::optional<Script> backup;
  std::optional<Script> fault;
  std::optional<Script> stop;
  std::optional<Script> deleted;
  bool notify_deleted = false;
  std::optional<Script> any;  // "notify"
  std::optional<Script> master_rx_lower_pri;
  std::optional<bool> notify_priority_changes;
  std::optional<bool> smtp_alert;
};

struct VrrpSyncGroup {
  std::string name;
  std::vector<std::string> members;  // vrrp_instance names, from group { }
  std::vector<TrackRef> track_interfaces;
  std::vector<TrackRef> track_scripts;
  std::vector<TrackRef> track_files;
  std::vector<TrackRef> track_processes;
  std::vector<TrackRef> track_bfds;
  NotifyScripts notify;
  bool global_tracking = false;
  bool sync_group_tracking_weight = false;
  SourceLocation location;
};

enum class VrrpState : std::uint8_t { kBackup, kMaster };
enum class AuthType : std::uint8_t { kNone, kPass, kAh };

struct UnicastPeer {
  IpAddress address;
  std::optional<int> min_ttl;
  std::optional<int> max_ttl;
  friend bool operator==(const UnicastPeer&, const UnicastPeer&) = default;
};

struct VrrpInstance {
  std::string name;
  SourceLocation location;
  std::optional<VrrpState> initial_state;  // unset: BACKUP (MASTER only when priority 255)
  std::optional<std::string> interface;
  std::optional<std::string> vrf;
  int virtual_router_id = 0;  // required, 1..255
  int priority = 100;         // 1..255; 255 is the address owner
  bool priority_set = false;
  Duration advert_int = std::chrono::seconds{1};
  std::optional<int> version;  // unset: global vrrp_version
  bool native_ipv6 = false;

  // use_vmac [NAME] [MAC]
  bool use_vmac = false;
  std::optional<std::string> vmac_name;
  std::optional<std::string> vmac_mac;
  bool use_vmac_addr = false;
  bool vmac_xmit_base = false;
  bool use_ipvlan = false;
  std::vector<std::string> ipvlan_args;

  bool dont_track_primary = false;
  std::vector<TrackRef> track_interfaces;
  std::vector<TrackRef> track_scripts;
  std::vector<TrackRef> track_files;
  std::vector<TrackRef> track_processes;
  std::vector<TrackRef> track_bfds;

  std::optional<IpAddress> mcast_src_ip;
  std::optional<IpAddress> unicast_src_ip;
  std::optional<IpAddress> mcast_dst_ip;
  bool track_src_ip = false;
  bool check_unicast_src = false;
  std::vector<UnicastPeer> unicast_peers;
  bool unicast_peer_block = false;  // "unicast_peer { }" given, even if empty
  bool unicast_fault_no_peer = false;
  std::optional<int> unicast_ttl;
  bool old_unicast_checksum = false;
  bool old_unicast_checksum_never = false;

  std::optional<Duration> garp_master_delay;
  std::optional<int> garp_master_repeat;
  std::optional<Duration> garp_lower_prio_delay;
  std::optional<int> garp_lower_prio_repeat;
  std::optional<Duration> garp_master_refresh;
  std::optional<int> garp_master_refresh_repeat;
  std::optional<Duration> garp_extra_if;
  bool garp_extra_if_all = false;
  std::optional<int> down_timer_adverts;
  std::optional<bool> lower_prio_no_advert;
  std::optional<bool> higher_prio_send_advert;

  AuthType auth_type = AuthType::kNone;
  std::string auth_pass;  // PASS: at most 8 octets are used on the wire

  std::vector<AddressSpec> virtual_ipaddress;
  std::vector<AddressSpec> virtual_ipaddress_excluded;
  std::vector<RouteSpec> virtual_routes;
  std::vector<RuleSpec> virtual_rules;
  bool promote_secondaries = false;

  std::optional<bool> accept;  // accept / no_accept; unset: accept unless strict mode
  bool nopreempt = false;
  Duration preempt_delay{0};
  std::optional<bool> skip_check_adv_addr;
  std::optional<bool> strict_mode;
  int debug = 0;
  NotifyScripts notify;
  std::optional<std::uint32_t> kernel_rx_buf_size;
  bool linkbeat_use_polling = false;

  // Per-instance lvs_sync_daemon_interface (deprecated; global lvs_sync_daemon replaces it).
  std::optional<std::string> lvs_sync_daemon_interface;
};

}  // namespace keel::config

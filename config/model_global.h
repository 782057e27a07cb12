// global_defs (keepalived.conf(5), "Global definitions") and Keel's own global keywords.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "config/model_common.h"

namespace keel::config {

// Keel's forwarding engine choice (DESIGN.md: lb_engine ipvs|xdp|dpdk|none).
enum class LbEngine : std::uint8_t { kIpvs, kXdp, kDpdk, kNone };
enum class XdpMode : std::uint8_t { kNative, kGeneric };

struct XdpInterface {
  std::string name;
  XdpMode mode = XdpMode::kNative;
  friend bool operator==(const XdpInterface&, const XdpInterface&) = default;
};

struct LvsSyncDaemon {
  std::string interface;
  std::optional<std::string> instance;  // [inst] VRRP_INSTANCE
  std::optional<int> sync_id;
  std::optional<int> maxlen;
  std::optional<int> port;
  std::optional<int> ttl;
  std::optional<IpAddress> group;
  friend bool operator==(const LvsSyncDaemon&, const LvsSyncDaemon&) = default;
};

struct LvsTimeouts {
  std::optional<Duration> tcp;
  std::optional<Duration> tcpfin;
  std::optional<Duration> udp;
  friend bool operator==(const LvsTimeouts&, const LvsTimeouts&) = default;
};

struct GlobalDefs {
  // Keel's own keywords.
  LbEngine lb_engine = LbEngine::kIpvs;
  std::vector<XdpInterface> xdp_interfaces;
  std::string dpdk_socket = "/run/keel/dataplane.sock";
  std::uint32_t maglev_table_size = 65537;

  // Namespaces, instance names, process control.
  std::optional<std::string> net_namespace;
  std::optional<std::string> net_namespace_ipvs;
  bool namespace_with_ipsets = false;
  std::optional<std::string> instance;
  bool use_pid_dir = false;
  bool linkbeat_use_polling = false;
  std::optional<Duration> child_wait_time;
  std::optional<std::string> tmp_config_directory;
  std::optional<std::string> config_save_dir;
  bool process_names = false;
  std::optional<std::string> process_name;
  std::optional<std::string> vrrp_process_name;
  std::optional<std::string> checker_process_name;
  std::optional<std::string> bfd_process_name;
  std::optional<Script> startup_script;
  std::optional<Duration> startup_script_timeout;
  std::optional<Script> shutdown_script;
  std::optional<Duration> shutdown_script_timeout;

  // Notification e-mail.
  std::vector<std::string> notification_email;
  std::optional<std::string> notification_email_from;
  std::optional<std::string> smtp_server;
  std::optional<std::uint16_t> smtp_server_port;
  std::optional<std::string> smtp_helo_name;
  std::optional<Duration> smtp_connect_timeout;
  std::optional<bool> smtp_alert;
  std::optional<bool> smtp_alert_vrrp;
  std::optional<bool> smtp_alert_checker;
  bool checker_log_all_failures = false;
  bool no_email_faults = false;
  std::optional<std::string> router_id;

  // VRRP defaults.
  std::optional<IpAddress> vrrp_mcast_group4;
  std::optional<IpAddress> vrrp_mcast_group6;
  std::optional<std::string> default_interface;
  std::optional<LvsSyncDaemon> lvs_sync_daemon;
  std::optional<LvsTimeouts> lvs_timeouts;
  bool lvs_flush = false;
  bool lvs_flush_on_stop = false;
  bool lvs_flush_on_stop_vs = false;
  Duration vrrp_garp_master_delay = std::chrono::seconds{5};
  int vrrp_garp_master_repeat = 5;
  std::optional<Duration> vrrp_garp_lower_prio_delay;
  std::optional<int> vrrp_garp_lower_prio_repeat;
  std::optional<int> vrrp_down_timer_adverts;
  Duration vrrp_garp_master_refresh{0};
  int vrrp_garp_master_refresh_repeat = 1;
  Duration vrrp_garp_interval{0};
  Duration vrrp_gna_interval{0};
  bool vrrp_min_garp = false;
  std::optional<Duration> vrrp_garp_extra_if;
  bool vrrp_garp_extra_if_all = false;
  std::optional<bool> vrrp_lower_prio_no_advert;
  std::optional<bool> vrrp_higher_prio_send_advert;
  int vrrp_version = 2;
  bool vrrp_check_unicast_src = false;
  bool vrrp_skip_check_adv_addr = false;
  bool vrrp_strict = false;
  std::optional<bool> vrrp_notify_priority_changes;
  std::optional<Duration> vrrp_startup_delay;
  bool log_unknown_vrids = false;
  std::optional<std::string> vmac_prefix;
  std::optional<std::string> vmac_addr_prefix;

  // Firewalling.
  std::optional<std::string> nftables;
  bool nftables_set = false;
  std::optional<int> nftables_priority;
  bool nftables_counters = false;
  bool nftables_ifindex = false;
  std::optional<std::string> nftables_ipvs;
  bool nftables_ipvs_set = false;
  std::optional<int> nftables_ipvs_priority;
  std::optional<std::uint32_t> nftables_ipvs_start_fwmark;
  std::vector<std::string> vrrp_iptables;
  bool vrrp_iptables_set = false;
  std::vector<std::string> vrrp_ipsets;
  bool vrrp_ipsets_set = false;
  bool disable_local_igmp = false;

  // Scheduling of the child processes.
  std::optional<int> max_auto_priority;
  std::optional<int> min_auto_priority_delay;
  std::optional<int> vrrp_priority;
  std::optional<int> checker_priority;
  std::optional<int> bfd_priority;
  bool vrrp_no_swap = false;
  bool checker_no_swap = false;
  bool bfd_no_swap = false;
  std::vector<std::string> vrrp_cpu_affinity;
  std::vector<std::string> checker_cpu_affinity;
  std::vector<std::string> bfd_cpu_affinity;
  std::optional<int> vrrp_rt_priority;
  std::optional<int> checker_rt_priority;
  std::optional<int> bfd_rt_priority;
  std::optional<int> vrrp_rlimit_rttime;
  std::optional<int> checker_rlimit_rttime;
  std::optional<int> bfd_rlimit_rttime;

  // SNMP and D-Bus.
  std::optional<std::string> snmp_socket;
  bool enable_snmp_vrrp = false;
  bool enable_snmp_checker = false;
  bool enable_snmp_rfc = false;
  bool enable_snmp_rfcv2 = false;
  bool enable_snmp_rfcv3 = false;
  bool enable_traps = false;
  bool enable_dbus = false;
  std::optional<std::string> dbus_service_name;

  // Scripts and FIFOs.
  std::optional<std::string> script_user;
  std::optional<std::string> script_group;
  bool enable_script_security = false;
  std::optional<Script> notify_fifo;
  std::optional<Script> notify_fifo_script;
  std::optional<Script> vrrp_notify_fifo;
  std::optional<Script> vrrp_notify_fifo_script;
  std::optional<Script> lvs_notify_fifo;
  std::optional<Script> lvs_notify_fifo_script;
  bool fifo_write_vrrp_states_on_reload = false;
  bool dynamic_interfaces = false;
  bool dynamic_interfaces_allow_if_changes = false;

  // Netlink and socket buffers.
  std::optional<std::uint32_t> vrrp_netlink_cmd_rcv_bufs;
  bool vrrp_netlink_cmd_rcv_bufs_force = false;
  std::optional<std::uint32_t> vrrp_netlink_monitor_rcv_bufs;
  bool vrrp_netlink_monitor_rcv_bufs_force = false;
  std::optional<std::uint32_t> lvs_netlink_cmd_rcv_bufs;
  bool lvs_netlink_cmd_rcv_bufs_force = false;
  std::optional<std::uint32_t> lvs_netlink_monitor_rcv_bufs;
  bool lvs_netlink_monitor_rcv_bufs_force = false;
  std::optional<std::uint32_t> process_monitor_rcv_bufs;
  bool process_monitor_rcv_bufs_force = false;
  std::vector<std::string> vrrp_rx_bufs_policy;
  std::optional<int> vrrp_rx_bufs_multiplier;

  // Miscellaneous.
  bool rs_init_notifies = false;
  bool no_checker_emails = false;
  std::optional<std::string> umask;
  std::optional<std::uint32_t> random_seed;
  bool reload_check_config = false;
  std::optional<std::string> reload_check_config_log;
  std::vector<std::string> include_check;
  bool include_check_set = false;
  std::optional<std::string> reload_time_file;
  bool reload_repeat = false;
  bool reload_file_set = false;
  std::optional<std::string> reload_file;
  std::optional<bool> data_use_instance;

  SourceLocation location;
};

}  // namespace keel::config

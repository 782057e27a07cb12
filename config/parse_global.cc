// global_defs (keepalived.conf(5), "Global definitions") and Keel's global keywords
// lb_engine, xdp_interface, dpdk_socket, maglev_table_size (DESIGN.md).
#include <array>

#include "config/parse_sections.h"

namespace keel::config {
namespace {

using G = GlobalDefs;
constexpr std::int64_t kSecond = 1'000'000;

constexpr std::array<std::pair<std::string_view, LbEngine>, 4> kEngines{
    {{"ipvs", LbEngine::kIpvs}, {"xdp", LbEngine::kXdp}, {"dpdk", LbEngine::kDpdk}, {"none", LbEngine::kNone}}};

std::string_view engine_name(LbEngine engine) {
  for (const auto& [name, value] : kEngines)
    if (value == engine) return name;
  return "ipvs";
}

bool is_prime(std::uint64_t n) {
  if (n < 2) return false;
  for (std::uint64_t d = 2; d * d <= n; ++d)
    if (n % d == 0) return false;
  return true;
}

// "KEYWORD [NAME]": presence sets a flag, the optional word names something.
template <bool G::*Flag, std::optional<std::string> G::*Name>
Keyword<G> flag_with_optional_name(std::string_view keyword) {
  return {keyword,
          [](const Node& at, G& g, ParseContext& context) {
            if (!context.expect_args(at, 0, 1)) return;
            g.*Flag = true;
            if (!at.args.empty()) g.*Name = at.args[0];
          },
          [](std::string_view name, const G& g, DumpWriter& out) {
            if (!(g.*Flag)) return;
            if (g.*Name)
              out.line(name, {*(g.*Name)});
            else
              out.line(name);
          }};
}

// "KEYWORD [WORD...]": presence sets a flag, the words are kept.
template <bool G::*Flag, std::vector<std::string> G::*Words>
Keyword<G> flag_with_words(std::string_view keyword, std::size_t max_words) {
  return {keyword,
          [](const Node& at, G& g, ParseContext&) {
            g.*Flag = true;
            g.*Words = at.args;
          },
          [](std::string_view name, const G& g, DumpWriter& out) {
            if (g.*Flag) out.line(name, g.*Words);
          }};
  (void)max_words;
}

void parse_lb_engine(const Node& at, G& g, ParseContext& context) {
  if (!context.expect_args(at, 1, 1)) return;
  for (const auto& [name, value] : kEngines) {
    if (at.args[0] == name) {
      g.lb_engine = value;
      return;
    }
  }
  context.error(at, "'lb_engine' value '" + at.args[0] + "' is not one of ipvs xdp dpdk none");
}

void parse_xdp_interface(const Node& at, G& g, ParseContext& context) {
  if (!context.expect_args(at, 1, 2)) return;
  XdpInterface entry{.name = at.args[0]};
  if (at.args.size() == 2) {
    if (at.args[1] == "native")
      entry.mode = XdpMode::kNative;
    else if (at.args[1] == "generic")
      entry.mode = XdpMode::kGeneric;
    else
      return context.error(at, "'xdp_interface' mode '" + at.args[1] + "' is not one of native generic");
  }
  for (const auto& existing : g.xdp_interfaces)
    if (existing.name == entry.name) return context.error(at, "'xdp_interface' " + entry.name + " is listed twice");
  g.xdp_interfaces.push_back(entry);
}

void dump_xdp_interfaces(std::string_view name, const G& g, DumpWriter& out) {
  for (const auto& entry : g.xdp_interfaces)
    out.line(name, {entry.name, entry.mode == XdpMode::kNative ? "native" : "generic"});
}

void parse_maglev_table_size(const Node& at, G& g, ParseContext& context) {
  if (!context.expect_args(at, 1, 1)) return;
  // Maglev needs a prime table size (Eisenbud et al., NSDI'16 §3.4); 65537 is the default.
  const auto value = context.integer(at, 0, 251, 16'777'213);
  if (!value) return;
  if (!is_prime(static_cast<std::uint64_t>(*value)))
    return context.error(at, "'maglev_table_size' value '" + at.args[0] + "' is not a prime number");
  g.maglev_table_size = static_cast<std::uint32_t>(*value);
}

void parse_smtp_server(const Node& at, G& g, ParseContext& context) {
  if (!context.expect_args(at, 1, 2)) return;
  g.smtp_server = at.args[0];
  if (at.args.size() == 2) {
    if (auto port = context.integer(at, 1, 1, 65535)) g.smtp_server_port = static_cast<std::uint16_t>(*port);
  }
}

void dump_smtp_server(std::string_view name, const G& g, DumpWriter& out) {
  if (!g.smtp_server) return;
  if (g.smtp_server_port)
    out.line(name, {*g.smtp_server, std::to_string(*g.smtp_server_port)});
  else
    out.line(name, {*g.smtp_server});
}

// lvs_sync_daemon <INTERFACE> [[inst] <VRRP_INSTANCE>] [id <SYNC_ID>] [maxlen <LEN>]
//                 [port <PORT>] [ttl <TTL>] [group <IP ADDR>]
void parse_lvs_sync_daemon(const Node& at, G& g, ParseContext& context) {
  if (!context.expect_args(at, 1, 13)) return;
  LvsSyncDaemon daemon{.interface = at.args[0]};
  for (std::size_t i = 1; i < at.args.size(); ++i) {
    const std::string& word = at.args[i];
    const bool has_value = i + 1 < at.args.size();
    auto number = [&](std::optional<int>& field, std::int64_t min, std::int64_t max) {
      if (auto value = context.integer(at, "lvs_sync_daemon " + word, at.args[++i], min, max))
        field = static_cast<int>(*value);
    };
    if (word == "inst" && has_value)
      daemon.instance = at.args[++i];
    else if (word == "id" && has_value)
      number(daemon.sync_id, 0, 255);
    else if (word == "maxlen" && has_value)
      number(daemon.maxlen, 1, 65507);
    else if (word == "port" && has_value)
      number(daemon.port, 1, 65535);
    else if (word == "ttl" && has_value)
      number(daemon.ttl, 1, 255);
    else if (word == "group" && has_value)
      daemon.group = context.address(at, "lvs_sync_daemon group", at.args[++i]);
    else if (i == 1)
      daemon.instance = word;  // "inst" may be omitted (backward compatibility)
    else
      return context.error(at, "'lvs_sync_daemon' does not understand '" + word + "'");
  }
  g.lvs_sync_daemon = daemon;
}

void dump_lvs_sync_daemon(std::string_view name, const G& g, DumpWriter& out) {
  if (!g.lvs_sync_daemon) return;
  const auto& d = *g.lvs_sync_daemon;
  std::vector<std::string> args{d.interface};
  if (d.instance) args.insert(args.end(), {"inst", *d.instance});
  if (d.sync_id) args.insert(args.end(), {"id", std::to_string(*d.sync_id)});
  if (d.maxlen) args.insert(args.end(), {"maxlen", std::to_string(*d.maxlen)});
  if (d.port) args.insert(args.end(), {"port", std::to_string(*d.port)});
  if (d.ttl) args.insert(args.end(), {"ttl", std::to_string(*d.ttl)});
  if (d.group) args.insert(args.end(), {"group", d.group->to_string()});
  out.line(name, args);
}

void parse_lvs_timeouts(const Node& at, G& g, ParseContext& context) {
  if (at.args.empty() || at.args.size() % 2 != 0)
    return context.error(at, "'lvs_timeouts' expects pairs of tcp|tcpfin|udp SECONDS");
  LvsTimeouts timeouts = g.lvs_timeouts.value_or(LvsTimeouts{});
  for (std::size_t i = 0; i + 1 < at.args.size(); i += 2) {
    const auto value = context.timer(at, "lvs_timeouts " + at.args[i], at.args[i + 1], Duration{kSecond},
                                     Duration{86400 * 31 * kSecond});
    if (!value) return;
    if (at.args[i] == "tcp")
      timeouts.tcp = value;
    else if (at.args[i] == "tcpfin")
      timeouts.tcpfin = value;
    else if (at.args[i] == "udp")
      timeouts.udp = value;
    else
      return context.error(at, "'lvs_timeouts' does not understand '" + at.args[i] + "'");
  }
  g.lvs_timeouts = timeouts;
}

void dump_lvs_timeouts(std::string_view name, const G& g, DumpWriter& out) {
  if (!g.lvs_timeouts) return;
  std::vector<std::string> args;
  if (g.lvs_timeouts->tcp) args.insert(args.end(), {"tcp", format_seconds(*g.lvs_timeouts->tcp)});
  if (g.lvs_timeouts->tcpfin) args.insert(args.end(), {"tcpfin", format_seconds(*g.lvs_timeouts->tcpfin)});
  if (g.lvs_timeouts->udp) args.insert(args.end(), {"udp", format_seconds(*g.lvs_timeouts->udp)});
  out.line(name, args);
}

void parse_lvs_flush_on_stop(const Node& at, G& g, ParseContext& context) {
  if (!context.expect_args(at, 0, 1)) return;
  g.lvs_flush_on_stop = true;
  if (at.args.size() == 1) {
    if (at.args[0] != "VS") return context.error(at, "'lvs_flush_on_stop' value '" + at.args[0] + "' is not VS");
    g.lvs_flush_on_stop_vs = true;
  }
}

void dump_lvs_flush_on_stop(std::string_view name, const G& g, DumpWriter& out) {
  if (g.lvs_flush_on_stop_vs)
    out.line(name, {"VS"});
  else if (g.lvs_flush_on_stop)
    out.line(name);
}

void parse_garp_extra_if(const Node& at, G& g, ParseContext& context) {
  if (!context.expect_args(at, 1, 2)) return;
  const bool all = at.args[0] == "all";
  if (all && at.args.size() != 2) return context.error(at, "'vrrp_garp_extra_if all' needs a time in seconds");
  if (auto value = context.timer(at, at.keyword, at.args.back(), Duration{0}, Duration{86400 * kSecond})) {
    g.vrrp_garp_extra_if = value;
    g.vrrp_garp_extra_if_all = all;
  }
}

void dump_garp_extra_if(std::string_view name, const G& g, DumpWriter& out) {
  if (!g.vrrp_garp_extra_if) return;
  if (g.vrrp_garp_extra_if_all)
    out.line(name, {"all", format_seconds(*g.vrrp_garp_extra_if)});
  else
    out.line(name, {format_seconds(*g.vrrp_garp_extra_if)});
}

void parse_script_user(const Node& at, G& g, ParseContext& context) {
  if (!context.expect_args(at, 1, 2)) return;
  g.script_user = at.args[0];
  if (at.args.size() == 2) g.script_group = at.args[1];
}

void dump_script_user(std::string_view name, const G& g, DumpWriter& out) {
  if (!g.script_user) return;
  if (g.script_group)
    out.line(name, {*g.script_user, *g.script_group});
  else
    out.line(name, {*g.script_user});
}

void parse_dynamic_interfaces(const Node& at, G& g, ParseContext& context) {
  if (!context.expect_args(at, 0, 1)) return;
  g.dynamic_interfaces = true;
  if (at.args.size() == 1) {
    if (at.args[0] != "allow_if_changes")
      return context.error(at, "'dynamic_interfaces' value '" + at.args[0] + "' is not allow_if_changes");
    g.dynamic_interfaces_allow_if_changes = true;
  }
}

void dump_dynamic_interfaces(std::string_view name, const G& g, DumpWriter& out) {
  if (g.dynamic_interfaces_allow_if_changes)
    out.line(name, {"allow_if_changes"});
  else if (g.dynamic_interfaces)
    out.line(name);
}

void parse_vrrp_version(const Node& at, G& g, ParseContext& context) {
  if (!context.expect_args(at, 1, 1)) return;
  if (auto value = context.integer(at, 0, 2, 3)) g.vrrp_version = static_cast<int>(*value);
}

void parse_deprecated_lvs_sync_daemon_interface(const Node& at, G& g, ParseContext& context) {
  if (!context.expect_args(at, 1, 1)) return;
  if (!g.lvs_sync_daemon) g.lvs_sync_daemon = LvsSyncDaemon{.interface = at.args[0]};
}

void parse_deprecated_lvs_id(const Node& at, G& g, ParseContext& context) {
  if (context.expect_args(at, 1, 1)) g.router_id = at.args[0];
}

}  // namespace

const KeywordTable<GlobalDefs>& global_keywords() {
  static const KeywordTable<GlobalDefs> table{
      // Keel's own keywords.
      {"lb_engine", parse_lb_engine,
       [](std::string_view name, const G& g, DumpWriter& out) {
         if (g.lb_engine != LbEngine::kIpvs) out.line(name, {engine_name(g.lb_engine)});
       }},
      {"xdp_interface", parse_xdp_interface, dump_xdp_interfaces},
      text<&G::dpdk_socket>("dpdk_socket"),
      {"maglev_table_size", parse_maglev_table_size,
       [](std::string_view name, const G& g, DumpWriter& out) {
         if (g.maglev_table_size != 65537) out.line(name, {std::to_string(g.maglev_table_size)});
       }},
      // Process control.
      text<&G::tmp_config_directory>("tmp_config_directory"),
      text<&G::config_save_dir>("config_save_dir"),
      flag<&G::process_names>("process_names"),
      text<&G::process_name>("process_name"),
      text<&G::vrrp_process_name>("vrrp_process_name"),
      text<&G::checker_process_name>("checker_process_name"),
      text<&G::bfd_process_name>("bfd_process_name"),
      script<&G::startup_script>("startup_script"),
      timer<&G::startup_script_timeout, kSecond, 1000 * kSecond>("startup_script_timeout"),
      script<&G::shutdown_script>("shutdown_script"),
      timer<&G::shutdown_script_timeout, kSecond, 1000 * kSecond>("shutdown_script_timeout"),
      // E-mail.
      block_words<&G::notification_email>("notification_email"),
      text<&G::notification_email_from>("notification_email_from"),
      {"smtp_server", parse_smtp_server, dump_smtp_server},
      text<&G::smtp_helo_name>("smtp_helo_name"),
      timer<&G::smtp_connect_timeout, 0, 3600 * kSecond>("smtp_connect_timeout"),
      flag<&G::smtp_alert>("smtp_alert"),
      flag<&G::smtp_alert_vrrp>("smtp_alert_vrrp"),
      flag<&G::smtp_alert_checker>("smtp_alert_checker"),
      flag<&G::checker_log_all_failures>("checker_log_all_failures"),
      flag<&G::no_email_faults>("no_email_faults"),
      text<&G::router_id>("router_id"),
      {"lvs_id", parse_deprecated_lvs_id, nullptr, "router_id"},
      // VRRP defaults.
      address<&G::vrrp_mcast_group4>("vrrp_mcast_group4"),
      address<&G::vrrp_mcast_group6>("vrrp_mcast_group6"),
      text<&G::default_interface>("default_interface"),
      {"lvs_sync_daemon", parse_lvs_sync_daemon, dump_lvs_sync_daemon},
      {"lvs_sync_daemon_interface", parse_deprecated_lvs_sync_daemon_interface, nullptr, "lvs_sync_daemon"},
      {"lvs_timeouts", parse_lvs_timeouts, dump_lvs_timeouts},
      flag<&G::lvs_flush>("lvs_flush"),
      {"lvs_flush_on_stop", parse_lvs_flush_on_stop, dump_lvs_flush_on_stop},
      timer<&G::vrrp_garp_master_delay, 0, 1000 * kSecond>("vrrp_garp_master_delay"),
      integer<&G::vrrp_garp_master_repeat, 1, 255>("vrrp_garp_master_repeat"),
      timer<&G::vrrp_garp_lower_prio_delay, 0, 1000 * kSecond>("vrrp_garp_lower_prio_delay"),
      integer<&G::vrrp_garp_lower_prio_repeat, 0, 255>("vrrp_garp_lower_prio_repeat"),
      integer<&G::vrrp_down_timer_adverts, 1, 100>("vrrp_down_timer_adverts"),
      timer<&G::vrrp_garp_master_refresh, 0, 86400 * kSecond>("vrrp_garp_master_refresh"),
      integer<&G::vrrp_garp_master_refresh_repeat, 1, 255>("vrrp_garp_master_refresh_repeat"),
      timer<&G::vrrp_garp_interval, 0, 1 * kSecond>("vrrp_garp_interval"),
      timer<&G::vrrp_gna_interval, 0, 1 * kSecond>("vrrp_gna_interval"),
      flag<&G::vrrp_min_garp>("vrrp_min_garp"),
      {"vrrp_garp_extra_if", parse_garp_extra_if, dump_garp_extra_if},
      flag<&G::vrrp_lower_prio_no_advert>("vrrp_lower_prio_no_advert"),
      flag<&G::vrrp_higher_prio_send_advert>("vrrp_higher_prio_send_advert"),
      {"vrrp_version", parse_vrrp_version,
       [](std::string_view name, const G& g, DumpWriter& out) {
         if (g.vrrp_version != 2) out.line(name, {std::to_string(g.vrrp_version)});
       }},
      flag<&G::vrrp_check_unicast_src>("vrrp_check_unicast_src"),
      flag<&G::vrrp_skip_check_adv_addr>("vrrp_skip_check_adv_addr"),
      flag<&G::vrrp_strict>("vrrp_strict"),
      flag<&G::vrrp_notify_priority_changes>("vrrp_notify_priority_changes"),
      timer<&G::vrrp_startup_delay, 0, 3600 * kSecond>("vrrp_startup_delay"),
      flag<&G::log_unknown_vrids>("log_unknown_vrids"),
      text<&G::vmac_prefix>("vmac_prefix"),
      text<&G::vmac_addr_prefix>("vmac_addr_prefix"),
      // Firewalling.
      flag_with_optional_name<&G::nftables_set, &G::nftables>("nftables"),
      integer<&G::nftables_priority, -32768, 32767>("nftables_priority"),
      flag<&G::nftables_counters>("nftables_counters"),
      flag<&G::nftables_ifindex>("nftables_ifindex"),
      flag_with_optional_name<&G::nftables_ipvs_set, &G::nftables_ipvs>("nftables_ipvs"),
      integer<&G::nftables_ipvs_priority, -32768, 32767>("nftables_ipvs_priority"),
      integer<&G::nftables_ipvs_start_fwmark, 1, 0xffffffffLL>("nftables_ipvs_start_fwmark"),
      flag_with_words<&G::vrrp_iptables_set, &G::vrrp_iptables>("vrrp_iptables", 2),
      flag_with_words<&G::vrrp_ipsets_set, &G::vrrp_ipsets>("vrrp_ipsets", 5),
      flag<&G::disable_local_igmp>("disable_local_igmp"),
      // Scheduling.
      integer<&G::max_auto_priority, -1, 99>("max_auto_priority"),
      integer<&G::min_auto_priority_delay, 1, 100'000'000>("min_auto_priority_delay"),
      integer<&G::vrrp_priority, -20, 19>("vrrp_priority"),
      integer<&G::checker_priority, -20, 19>("checker_priority"),
      integer<&G::bfd_priority, -20, 19>("bfd_priority"),
      flag<&G::vrrp_no_swap>("vrrp_no_swap"),
      flag<&G::checker_no_swap>("checker_no_swap"),
      flag<&G::bfd_no_swap>("bfd_no_swap"),
      words<&G::vrrp_cpu_affinity>("vrrp_cpu_affinity"),
      words<&G::checker_cpu_affinity>("checker_cpu_affinity"),
      words<&G::bfd_cpu_affinity>("bfd_cpu_affinity"),
      integer<&G::vrrp_rt_priority, 1, 99>("vrrp_rt_priority"),
      integer<&G::checker_rt_priority, 1, 99>("checker_rt_priority"),
      integer<&G::bfd_rt_priority, 1, 99>("bfd_rt_priority"),
      integer<&G::vrrp_rlimit_rttime, 2, 0x7fffffff>("vrrp_rlimit_rttime"),
      integer<&G::checker_rlimit_rttime, 2, 0x7fffffff>("checker_rlimit_rttime"),
      integer<&G::bfd_rlimit_rttime, 2, 0x7fffffff>("bfd_rlimit_rttime"),
      // SNMP, D-Bus.
      text<&G::snmp_socket>("snmp_socket"),
      flag<&G::enable_snmp_vrrp>("enable_snmp_vrrp"),
      {"enable_snmp_keepalived", [](const Node&, G& g, ParseContext&) { g.enable_snmp_vrrp = true; }, nullptr,
       "enable_snmp_vrrp"},
      flag<&G::enable_snmp_checker>("enable_snmp_checker"),
      flag<&G::enable_snmp_rfc>("enable_snmp_rfc"),
      flag<&G::enable_snmp_rfcv2>("enable_snmp_rfcv2"),
      flag<&G::enable_snmp_rfcv3>("enable_snmp_rfcv3"),
      flag<&G::enable_traps>("enable_traps"),
      flag<&G::enable_dbus>("enable_dbus"),
      text<&G::dbus_service_name>("dbus_service_name"),
      // Scripts and FIFOs.
      {"script_user", parse_script_user, dump_script_user},
      flag<&G::enable_script_security>("enable_script_security"),
      script<&G::notify_fifo>("notify_fifo"),
      script<&G::notify_fifo_script>("notify_fifo_script"),
      script<&G::vrrp_notify_fifo>("vrrp_notify_fifo"),
      script<&G::vrrp_notify_fifo_script>("vrrp_notify_fifo_script"),
      script<&G::lvs_notify_fifo>("lvs_notify_fifo"),
      script<&G::lvs_notify_fifo_script>("lvs_notify_fifo_script"),
      flag<&G::fifo_write_vrrp_states_on_reload>("fifo_write_vrrp_states_on_reload"),
      {"dynamic_interfaces", parse_dynamic_interfaces, dump_dynamic_interfaces},
      // Netlink and socket buffers.
      integer<&G::vrrp_netlink_cmd_rcv_bufs, 0, 0xffffffffLL>("vrrp_netlink_cmd_rcv_bufs"),
      flag<&G::vrrp_netlink_cmd_rcv_bufs_force>("vrrp_netlink_cmd_rcv_bufs_force"),
      integer<&G::vrrp_netlink_monitor_rcv_bufs, 0, 0xffffffffLL>("vrrp_netlink_monitor_rcv_bufs"),
      flag<&G::vrrp_netlink_monitor_rcv_bufs_force>("vrrp_netlink_monitor_rcv_bufs_force"),
      integer<&G::lvs_netlink_cmd_rcv_bufs, 0, 0xffffffffLL>("lvs_netlink_cmd_rcv_bufs"),
      flag<&G::lvs_netlink_cmd_rcv_bufs_force>("lvs_netlink_cmd_rcv_bufs_force"),
      integer<&G::lvs_netlink_monitor_rcv_bufs, 0, 0xffffffffLL>("lvs_netlink_monitor_rcv_bufs"),
      flag<&G::lvs_netlink_monitor_rcv_bufs_force>("lvs_netlink_monitor_rcv_bufs_force"),
      integer<&G::process_monitor_rcv_bufs, 0, 0xffffffffLL>("process_monitor_rcv_bufs"),
      flag<&G::process_monitor_rcv_bufs_force>("process_monitor_rcv_bufs_force"),
      words<&G::vrrp_rx_bufs_policy>("vrrp_rx_bufs_policy"),
      integer<&G::vrrp_rx_bufs_multiplier, 1, 1000>("vrrp_rx_bufs_multiplier"),
      // Miscellaneous.
      flag<&G::rs_init_notifies>("rs_init_notifies"),
      flag<&G::no_checker_emails>("no_checker_emails"),
      text<&G::umask>("umask"),
      integer<&G::random_seed, 0, 0xffffffffLL>("random_seed"),
      flag_with_optional_name<&G::reload_check_config, &G::reload_check_config_log>("reload_check_config"),
      flag_with_words<&G::include_check_set, &G::include_check>("include_check", 5),
      text<&G::reload_time_file>("reload_time_file"),
      flag<&G::reload_repeat>("reload_repeat"),
      flag_with_optional_name<&G::reload_file_set, &G::reload_file>("reload_file"),
      flag<&G::data_use_instance>("data_use_instance"),
  };
  return table;
}

// keepalived reads these outside global_defs only ("Following are global daemon
// facilities for running keepalived in a separate network namespace").
const KeywordTable<GlobalDefs>& top_level_global_keywords() {
  static const KeywordTable<GlobalDefs> table{
      text<&G::net_namespace>("net_namespace"),
      text<&G::net_namespace_ipvs>("net_namespace_ipvs"),
      flag<&G::namespace_with_ipsets>("namespace_with_ipsets"),
      text<&G::instance>("instance"),
      flag<&G::use_pid_dir>("use_pid_dir"),
      flag<&G::linkbeat_use_polling>("linkbeat_use_polling"),
      timer<&G::child_wait_time, 0, 1000 * kSecond>("child_wait_time"),
  };
  return table;
}

void parse_global_defs(const Node& statement, Config& config, ParseContext& context) {
  if (!context.expect_block(statement)) return;
  config.global.location = statement.location;
  global_keywords().parse(statement.children, config.global, context, "global_defs");
}

void dump_global_defs(const Config& config, DumpWriter& out) {
  // Only print the block when something differs from the defaults.
  top_level_global_keywords().dump(config.global, out);
  DumpWriter probe;
  global_keywords().dump(config.global, probe);
  if (probe.take().empty()) return;
  out.open("global_defs");
  global_keywords().dump(config.global, out);
  out.close();
}

}  // namespace keel::config

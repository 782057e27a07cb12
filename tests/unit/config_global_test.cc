// global_defs, Keel's own global keywords, static addresses/routes/rules and the
// other global blocks: values land in the model, mistakes are reported with lines.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "tests/unit/config_test_util.h"

namespace keel::config {
namespace {

using ::testing::ElementsAre;
using testing::errors;
using ::testing::IsEmpty;
using testing::load;
using testing::messages;
using testing::warnings;

TEST(GlobalDefs, CommonKeywordsLandInTheModel) {
  const auto result = load(R"(global_defs {
    notification_email {
        ops@example.com
        noc@example.com
    }
    notification_email_from keel@example.com
    smtp_server 198.18.0.25 2525
    smtp_connect_timeout 30
    router_id LB_1
    vrrp_mcast_group4 224.0.0.18
    vrrp_version 3
    vrrp_strict
    vrrp_garp_master_delay 10
    vrrp_garp_master_repeat 1
    vrrp_garp_interval 0.001
    vrrp_garp_extra_if all 100
    script_user keel_script keel
    enable_script_security
    lvs_sync_daemon veth1 inst VI_1 id 7 port 8848 group 224.0.0.81
    lvs_timeouts tcp 900 udp 30
    lvs_flush_on_stop VS
    dynamic_interfaces allow_if_changes
    notify_fifo /run/keel.fifo nobody
    vrrp_rt_priority 50
    checker_priority -5
}
)");
  EXPECT_THAT(messages(result), IsEmpty());
  const GlobalDefs& g = result.config.global;
  EXPECT_EQ(g.notification_email, (std::vector<std::string>{"ops@example.com", "noc@example.com"}));
  EXPECT_EQ(g.notification_email_from, "keel@example.com");
  EXPECT_EQ(g.smtp_server, "198.18.0.25");
  EXPECT_EQ(g.smtp_server_port, 2525);
  EXPECT_EQ(g.smtp_connect_timeout, std::chrono::seconds{30});
  EXPECT_EQ(g.router_id, "LB_1");
  EXPECT_EQ(g.vrrp_mcast_group4->to_string(), "224.0.0.18");
  EXPECT_EQ(g.vrrp_version, 3);
  EXPECT_TRUE(g.vrrp_strict);
  EXPECT_EQ(g.vrrp_garp_master_delay, std::chrono::seconds{10});
  EXPECT_EQ(g.vrrp_garp_master_repeat, 1);
  EXPECT_EQ(g.vrrp_garp_interval, Duration{1000});
  EXPECT_EQ(g.vrrp_garp_extra_if, std::chrono::seconds{100});
  EXPECT_TRUE(g.vrrp_garp_extra_if_all);
  EXPECT_EQ(g.script_user, "keel_script");
  EXPECT_EQ(g.script_group, "keel");
  EXPECT_TRUE(g.enable_script_security);
  ASSERT_TRUE(g.lvs_sync_daemon);
  EXPECT_EQ(g.lvs_sync_daemon->interface, "veth1");
  EXPECT_EQ(g.lvs_sync_daemon->instance, "VI_1");
  EXPECT_EQ(g.lvs_sync_daemon->sync_id, 7);
  EXPECT_EQ(g.lvs_sync_daemon->port, 8848);
  EXPECT_EQ(g.lvs_sync_daemon->group->to_string(), "224.0.0.81");
  EXPECT_EQ(g.lvs_timeouts->tcp, std::chrono::seconds{900});
  EXPECT_EQ(g.lvs_timeouts->udp, std::chrono::seconds{30});
  EXPECT_FALSE(g.lvs_timeouts->tcpfin);
  EXPECT_TRUE(g.lvs_flush_on_stop_vs);
  EXPECT_TRUE(g.dynamic_interfaces_allow_if_changes);
  EXPECT_EQ(g.notify_fifo->command.at(0), "/run/keel.fifo");
  EXPECT_EQ(g.notify_fifo->user, "nobody");
  EXPECT_EQ(g.vrrp_rt_priority, 50);
  EXPECT_EQ(g.checker_priority, -5);
}

TEST(GlobalDefs, KeelEngineKeywords) {
  const auto result = load(R"(global_defs {
    lb_engine xdp
    xdp_interface veth0
    xdp_interface veth1 generic
    dpdk_socket /run/keel/dp.sock
    maglev_table_size 65521
}
)");
  EXPECT_THAT(messages(result), IsEmpty());
  const GlobalDefs& g = result.config.global;
  EXPECT_EQ(g.lb_engine, LbEngine::kXdp);
  ASSERT_EQ(g.xdp_interfaces.size(), 2u);
  EXPECT_EQ(g.xdp_interfaces[0].mode, XdpMode::kNative);
  EXPECT_EQ(g.xdp_interfaces[1].name, "veth1");
  EXPECT_EQ(g.xdp_interfaces[1].mode, XdpMode::kGeneric);
  EXPECT_EQ(g.dpdk_socket, "/run/keel/dp.sock");
  EXPECT_EQ(g.maglev_table_size, 65521u);
}

TEST(GlobalDefs, KeelEngineDefaults) {
  const auto result = load("");
  EXPECT_EQ(result.config.global.lb_engine, LbEngine::kIpvs);
  EXPECT_EQ(result.config.global.maglev_table_size, 65537u);
  EXPECT_EQ(result.config.global.dpdk_socket, "/run/keel/dataplane.sock");
}

TEST(GlobalDefs, BadKeelEngineValuesAreErrors) {
  const auto result = load(R"(global_defs {
    lb_engine lvs
    xdp_interface veth0 turbo
    xdp_interface veth1
    xdp_interface veth1
    maglev_table_size 65536
    maglev_table_size 7
}
)");
  EXPECT_THAT(errors(result),
              ElementsAre("t.conf:2: error: 'lb_engine' value 'lvs' is not one of ipvs xdp dpdk none",
                          "t.conf:3: error: 'xdp_interface' mode 'turbo' is not one of native generic",
                          "t.conf:5: error: 'xdp_interface' veth1 is listed twice",
                          "t.conf:6: error: 'maglev_table_size' value '65536' is not a prime number",
                          "t.conf:7: error: 'maglev_table_size' value '7' is out of range 251..16777213"));
}

TEST(GlobalDefs, UnknownKeywordWarnsAndDeprecatedOnesNameTheirReplacement) {
  const auto result =
      load("global_defs {\n    router_idd X\n    lvs_id LVS_1\n    lvs_sync_daemon_interface veth1\n}\n");
  EXPECT_THAT(errors(result), IsEmpty());
  EXPECT_THAT(warnings(result),
              ElementsAre("t.conf:2: warning: unknown keyword 'router_idd' in global_defs",
                          "t.conf:3: warning: 'lvs_id' is deprecated, use 'router_id' instead",
                          "t.conf:4: warning: 'lvs_sync_daemon_interface' is deprecated, use 'lvs_sync_daemon' "
                          "instead"));
  EXPECT_EQ(result.config.global.router_id, "LVS_1");
  EXPECT_EQ(result.config.global.lvs_sync_daemon->interface, "veth1");
}

TEST(GlobalDefs, OutOfRangeAndMalformedValuesAreErrors) {
  const auto result = load(R"(global_defs {
    vrrp_version 4
    vrrp_mcast_group4 224.0.0.
    smtp_server 198.18.0.25 70000
    vrrp_garp_interval soon
    lvs_timeouts tcp
}
)");
  EXPECT_THAT(errors(result), ElementsAre("t.conf:2: error: 'vrrp_version' value '4' is out of range 2..3",
                                          "t.conf:3: error: 'vrrp_mcast_group4' has an invalid address '224.0.0.'",
                                          "t.conf:4: error: 'smtp_server' value '70000' is out of range 1..65535",
                                          "t.conf:5: error: 'vrrp_garp_interval' value 'soon' is not a time in seconds",
                                          "t.conf:6: error: 'lvs_timeouts' expects pairs of tcp|tcpfin|udp SECONDS"));
}

TEST(TopLevel, NamespaceKeywordsAreAcceptedOutsideGlobalDefs) {
  const auto result = load("net_namespace blue\ninstance lb1\nuse_pid_dir\n");
  EXPECT_THAT(messages(result), IsEmpty());
  EXPECT_EQ(result.config.global.net_namespace, "blue");
  EXPECT_EQ(result.config.global.instance, "lb1");
  EXPECT_TRUE(result.config.global.use_pid_dir);
}

TEST(TopLevel, UnknownBlockWarnsAndTheRestIsRead) {
  const auto result = load("vrrp_instanse VI {\n}\nglobal_defs {\n router_id R\n}\n");
  EXPECT_THAT(warnings(result), ElementsAre("t.conf:1: warning: unknown keyword 'vrrp_instanse' in the top level"));
  EXPECT_EQ(result.config.global.router_id, "R");
}

TEST(TopLevel, BlockKeywordWithoutBlockIsAnError) {
  const auto result = load("global_defs\n");
  EXPECT_THAT(errors(result), ElementsAre("t.conf:1: error: 'global_defs' needs a { } block"));
}

TEST(StaticIpaddress, AllAddressOptions) {
  const auto result = load(R"(static_ipaddress {
    198.18.5.1/24 brd 198.18.5.255 dev veth0 scope link label veth0:5 track_group TG
    2001:db8:5::1/64 dev veth0 -nodad noprefixroute preferred_lft forever home mngtmpaddr autojoin
    198.18.6.1 peer 198.18.6.2/32 dev veth0
}
)");
  EXPECT_THAT(messages(result), IsEmpty());
  ASSERT_EQ(result.config.static_ipaddress.size(), 3u);
  const auto& a = result.config.static_ipaddress[0];
  EXPECT_EQ(a.broadcast->to_string(), "198.18.5.255");
  EXPECT_EQ(a.scope, AddressScope::kLink);
  EXPECT_EQ(a.label, "veth0:5");
  EXPECT_EQ(a.track_group, "TG");
  const auto& b = result.config.static_ipaddress[1];
  EXPECT_TRUE(b.no_dad && b.noprefixroute && b.preferred_lft_forever && b.home && b.mngtmpaddr && b.autojoin);
  EXPECT_EQ(result.config.static_ipaddress[2].peer->to_string(), "198.18.6.2/32");
}

TEST(StaticRoutes, KeepalivedAndIpRouteForms) {
  const auto result = load(R"(static_routes {
    src 198.18.0.1 198.19.9.0/24 via 198.18.0.254 dev veth0
    198.19.10.0/24 dev veth0 scope link table 6909 protocol bird metric 12 mtu lock 1400 advmss 101 onlink
    198.19.11.0/24 table 6909 nexthop via 198.18.0.1 dev veth0 weight 1 nexthop via 198.18.0.2 dev veth1 weight 2
    unreachable 198.19.12.0/24
    2001:db8:9::/64 via 2001:db8::1 dev veth0 append
}
)");
  EXPECT_THAT(messages(result), IsEmpty());
  const auto& routes = result.config.static_routes;
  ASSERT_EQ(routes.size(), 5u);
  EXPECT_EQ(routes[0].preferred_source->to_string(), "198.18.0.1");
  EXPECT_EQ(routes[0].destination.to_string(), "198.19.9.0/24");
  EXPECT_EQ(routes[1].scope, AddressScope::kLink);
  EXPECT_EQ(routes[1].protocol, "bird");
  EXPECT_EQ(routes[1].mtu, 1400u);
  EXPECT_TRUE(routes[1].onlink);
  ASSERT_EQ(routes[2].nexthops.size(), 2u);
  EXPECT_EQ(routes[2].nexthops[1].via->to_string(), "198.18.0.2");
  EXPECT_EQ(routes[2].nexthops[1].weight, 2u);
  EXPECT_EQ(routes[3].type, RouteType::kUnreachable);
  EXPECT_TRUE(routes[4].append);
}

TEST(StaticRoutes, GwAndOrAreDeprecatedSpellings) {
  const auto result =
      load("static_routes {\n 198.19.0.0/24 gw 198.18.0.1\n 198.19.1.0/24 via 198.18.0.1 or 198.18.0.2\n}\n");
  EXPECT_THAT(errors(result), IsEmpty());
  EXPECT_THAT(warnings(result), ElementsAre("t.conf:2: warning: 'gw' is deprecated, use 'via' instead",
                                            "t.conf:3: warning: 'or' is deprecated, use 'nexthop' instead"));
  EXPECT_EQ(result.config.static_routes[0].via->to_string(), "198.18.0.1");
  ASSERT_EQ(result.config.static_routes[1].nexthops.size(), 2u);
  EXPECT_FALSE(result.config.static_routes[1].via);
}

TEST(StaticRoutes, UnknownOptionAndMissingValueAreErrors) {
  const auto result = load("static_routes {\n 198.19.0.0/24 via\n 198.19.1.0/24 sideways 3\n}\n");
  EXPECT_THAT(errors(result), ElementsAre("t.conf:2: error: 'static_routes' option 'via' is missing its value",
                                          "t.conf:3: error: 'static_routes' does not understand 'sideways'"));
}

TEST(StaticRules, AllRuleOptions) {
  const auto result = load(R"(static_rules {
    from 198.18.2.0/24 table 1 track_group TG
    from 198.18.28.0/24 to 198.18.29.0/26 table small iif veth0 oif veth1 tos 22 fwmark 24/12 preference 39 realms 30/20 goto 40
    to 2001:db8:1::/112 from 2001:db8:2::/96 table 6908 uidrange 10000-19999
    not from all fwmark 0x10 blackhole
}
)");
  EXPECT_THAT(errors(result), IsEmpty());
  // Without a preference the kernel order of rules depends on history; keepalived warns too.
  EXPECT_THAT(warnings(result),
              ElementsAre("t.conf:2: warning: 'static_rules' rule has no 'preference'; the kernel order will depend "
                          "on when it was added",
                          "t.conf:4: warning: 'static_rules' rule has no 'preference'; the kernel order will depend "
                          "on when it was added",
                          "t.conf:5: warning: 'static_rules' rule has no 'preference'; the kernel order will depend "
                          "on when it was added"));
  const auto& rules = result.config.static_rules;
  ASSERT_EQ(rules.size(), 4u);
  EXPECT_EQ(rules[1].to->to_string(), "198.18.29.0/26");
  EXPECT_EQ(rules[1].fwmark, 24u);
  EXPECT_EQ(rules[1].fwmask, 12u);
  EXPECT_EQ(rules[1].goto_target, 40u);
  EXPECT_EQ(rules[1].preference, 39u);
  EXPECT_EQ(rules[2].options.at(0), (std::pair<std::string, std::string>{"uidrange", "10000-19999"}));
  EXPECT_TRUE(rules[3].invert);
  EXPECT_FALSE(rules[3].from);
  EXPECT_EQ(rules[3].action, "blackhole");
}

TEST(StaticRules, InvalidPrefixIsAnErrorWithItsLine) {
  const auto result = load("static_rules {\n    from 198.18.100.0/24 table 1\n    to 198.18.100./24 table 1\n}\n");
  EXPECT_THAT(errors(result), ElementsAre("t.conf:3: error: 'static_rules' has an invalid address '198.18.100./24'"));
  EXPECT_EQ(result.config.static_rules.size(), 1u);
}

TEST(GlobalBlocks, LinkbeatDelaysAndTrackGroups) {
  const auto result = load(R"(linkbeat_interfaces {
    veth0
    veth1 ETHTOOL
}
interface_up_down_delays {
    veth0 0.5
    veth1 1 2
}
track_group TG {
    group {
        VI_1
    }
}
)");
  EXPECT_THAT(messages(result), IsEmpty());
  ASSERT_EQ(result.config.linkbeat_interfaces.size(), 2u);
  EXPECT_EQ(result.config.linkbeat_interfaces[1].polling, "ETHTOOL");
  ASSERT_EQ(result.config.interface_up_down_delays.size(), 2u);
  EXPECT_EQ(result.config.interface_up_down_delays[0].up_delay, Duration{500'000});
  EXPECT_EQ(result.config.interface_up_down_delays[1].up_delay, std::chrono::seconds{2});
  ASSERT_EQ(result.config.track_groups.size(), 1u);
  EXPECT_EQ(result.config.track_groups[0].instances, std::vector<std::string>{"VI_1"});
}

}  // namespace
}  // namespace keel::config

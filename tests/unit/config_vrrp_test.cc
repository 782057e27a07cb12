// vrrp_instance, vrrp_sync_group, vrrp_script, track_file, vrrp_track_process and
// garp_group: values land in the model, and every mistake is reported with its line.
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

constexpr std::string_view kFullInstance = R"(vrrp_instance VI_1 {
    state BACKUP
    interface veth0
    use_vmac vrrp.51 00:00:5e:00:01
    vmac_xmit_base
    dont_track_primary
    track_interface {
        veth1
        veth2 weight -20 reverse
    }
    track_script {
        chk_nginx weight 10
    }
    mcast_src_ip 198.18.0.1
    version 3
    virtual_router_id 51
    priority 150
    advert_int 0.5
    virtual_ipaddress {
        198.18.0.100/24 dev veth0 label veth0:1 scope global
        198.18.0.101 brd + dev veth0
    }
    virtual_ipaddress_excluded {
        2001:db8::100/64 dev veth0 no_track
    }
    virtual_routes {
        198.19.0.0/24 via 198.18.0.254 dev veth0 table 100 metric 5
        blackhole 198.19.1.0/24
    }
    virtual_rules {
        from 198.18.0.0/24 table 100 preference 10
    }
    no_accept
    nopreempt
    preempt_delay 30
    strict_mode off
    garp_master_delay 2
    garp_master_repeat 3
    notify_master "/usr/local/bin/notify.sh master" nobody
    notify /usr/local/bin/notify-any.sh
    notify_priority_changes true
}
vrrp_script chk_nginx {
    script "pidof nginx"
    interval 2
    weight -5
    fall 2
    rise 3
}
)";

TEST(VrrpInstance, EveryCommonKeywordLandsInTheModel) {
  const auto result = load(kFullInstance);
  EXPECT_THAT(messages(result), IsEmpty());
  ASSERT_EQ(result.config.vrrp_instances.size(), 1u);
  const VrrpInstance& vi = result.config.vrrp_instances[0];
  EXPECT_EQ(vi.name, "VI_1");
  EXPECT_EQ(vi.initial_state, VrrpState::kBackup);
  EXPECT_EQ(vi.interface, "veth0");
  EXPECT_TRUE(vi.use_vmac);
  EXPECT_EQ(vi.vmac_name, "vrrp.51");
  EXPECT_EQ(vi.vmac_mac, "00:00:5e:00:01");
  EXPECT_TRUE(vi.vmac_xmit_base);
  EXPECT_TRUE(vi.dont_track_primary);
  ASSERT_EQ(vi.track_interfaces.size(), 2u);
  EXPECT_EQ(vi.track_interfaces[1].name, "veth2");
  EXPECT_EQ(vi.track_interfaces[1].weight, -20);
  EXPECT_TRUE(vi.track_interfaces[1].reverse);
  ASSERT_EQ(vi.track_scripts.size(), 1u);
  EXPECT_EQ(vi.track_scripts[0].weight, 10);
  EXPECT_EQ(vi.mcast_src_ip->to_string(), "198.18.0.1");
  EXPECT_EQ(vi.version, 3);
  EXPECT_EQ(vi.virtual_router_id, 51);
  EXPECT_EQ(vi.priority, 150);
  EXPECT_EQ(vi.advert_int, Duration{500'000});
  ASSERT_EQ(vi.virtual_ipaddress.size(), 2u);
  EXPECT_EQ(vi.virtual_ipaddress[0].prefix.to_string(), "198.18.0.100/24");
  EXPECT_EQ(vi.virtual_ipaddress[0].device, "veth0");
  EXPECT_EQ(vi.virtual_ipaddress[0].label, "veth0:1");
  EXPECT_EQ(vi.virtual_ipaddress[0].scope, AddressScope::kGlobal);
  EXPECT_EQ(vi.virtual_ipaddress[1].broadcast_auto, AddressSpec::BroadcastAuto::kSetHostBits);
  EXPECT_EQ(vi.virtual_ipaddress[1].location.line, 21u);
  ASSERT_EQ(vi.virtual_ipaddress_excluded.size(), 1u);
  EXPECT_TRUE(vi.virtual_ipaddress_excluded[0].prefix.address.is_v6());
  EXPECT_TRUE(vi.virtual_ipaddress_excluded[0].no_track);
  ASSERT_EQ(vi.virtual_routes.size(), 2u);
  EXPECT_EQ(vi.virtual_routes[0].via->to_string(), "198.18.0.254");
  EXPECT_EQ(vi.virtual_routes[0].table, "100");
  EXPECT_EQ(vi.virtual_routes[0].metric, 5u);
  EXPECT_EQ(vi.virtual_routes[1].type, RouteType::kBlackhole);
  ASSERT_EQ(vi.virtual_rules.size(), 1u);
  EXPECT_EQ(vi.virtual_rules[0].from->to_string(), "198.18.0.0/24");
  EXPECT_EQ(vi.virtual_rules[0].preference, 10u);
  EXPECT_EQ(vi.accept, false);
  EXPECT_TRUE(vi.nopreempt);
  EXPECT_EQ(vi.preempt_delay, std::chrono::seconds{30});
  EXPECT_EQ(vi.strict_mode, false);
  EXPECT_EQ(vi.garp_master_delay, std::chrono::seconds{2});
  EXPECT_EQ(vi.garp_master_repeat, 3);
  ASSERT_TRUE(vi.notify.master);
  EXPECT_EQ(vi.notify.master->command, (std::vector<std::string>{"/usr/local/bin/notify.sh", "master"}));
  EXPECT_EQ(vi.notify.master->user, "nobody");
  ASSERT_TRUE(vi.notify.any);
  EXPECT_EQ(vi.notify.notify_priority_changes, true);

  ASSERT_EQ(result.config.vrrp_scripts.size(), 1u);
  const VrrpScript& script = result.config.vrrp_scripts[0];
  EXPECT_EQ(script.script.command, (std::vector<std::string>{"pidof", "nginx"}));
  EXPECT_EQ(script.interval, std::chrono::seconds{2});
  EXPECT_EQ(script.weight, -5);
  EXPECT_EQ(script.fall, 2);
  EXPECT_EQ(script.rise, 3);
}

TEST(VrrpInstance, AuthenticationAndUnicastPeers) {
  const auto result = load(R"(vrrp_instance VI_2 {
    interface veth0
    virtual_router_id 52
    unicast_src_ip 198.18.0.1
    unicast_peer {
        198.18.0.2
        198.18.0.3 min_ttl 250 max_ttl 255
    }
    authentication {
        auth_type PASS
        auth_pass secret1
    }
    virtual_ipaddress {
        198.18.0.100
    }
}
)");
  EXPECT_THAT(messages(result), IsEmpty());
  const VrrpInstance& vi = result.config.vrrp_instances.at(0);
  EXPECT_EQ(vi.auth_type, AuthType::kPass);
  EXPECT_EQ(vi.auth_pass, "secret1");
  EXPECT_EQ(vi.unicast_src_ip->to_string(), "198.18.0.1");
  ASSERT_EQ(vi.unicast_peers.size(), 2u);
  EXPECT_EQ(vi.unicast_peers[1].min_ttl, 250);
  EXPECT_EQ(vi.unicast_peers[1].max_ttl, 255);
  EXPECT_EQ(vi.priority, 100);
}

TEST(VrrpInstance, VridZeroAndTwoHundredFiftySixAreErrors) {
  const auto zero =
      load("vrrp_instance A {\n interface veth0\n virtual_router_id 0\n virtual_ipaddress {\n 198.18.0.1\n }\n}\n");
  EXPECT_THAT(errors(zero), ElementsAre("t.conf:3: error: 'virtual_router_id' value '0' is out of range 1..255",
                                        "t.conf:1: error: vrrp_instance A has no virtual_router_id"));
  const auto high =
      load("vrrp_instance A {\n interface veth0\n virtual_router_id 256\n virtual_ipaddress {\n 198.18.0.1\n }\n}\n");
  EXPECT_THAT(errors(high), ElementsAre("t.conf:3: error: 'virtual_router_id' value '256' is out of range 1..255",
                                        "t.conf:1: error: vrrp_instance A has no virtual_router_id"));
}

TEST(VrrpInstance, PriorityZeroIsReservedForResigningMasters) {
  const auto result = load(
      "vrrp_instance A {\n interface veth0\n virtual_router_id 9\n priority 0\n virtual_ipaddress {\n 198.18.0.1\n "
      "}\n}\n");
  EXPECT_THAT(errors(result), ElementsAre("t.conf:4: error: 'priority' value '0' is out of range 1..255"));
}

TEST(VrrpInstance, BadVirtualAddressIsAnErrorNamingTheBlock) {
  const auto result =
      load("vrrp_instance A {\n interface veth0\n virtual_router_id 9\n virtual_ipaddress {\n 198.18.0./24\n }\n}\n");
  EXPECT_THAT(errors(result),
              ElementsAre("t.conf:5: error: 'virtual_ipaddress' has an invalid address '198.18.0./24'"));
}

TEST(VrrpInstance, UnknownKeywordWarnsNamingItsBlockAndParsingGoesOn) {
  const auto result = load(
      "vrrp_instance A {\n interface veth0\n frobnicate 3\n virtual_router_id 9\n virtual_ipaddress {\n 198.18.0.1\n "
      "}\n}\n");
  EXPECT_THAT(errors(result), IsEmpty());
  EXPECT_THAT(warnings(result), ElementsAre("t.conf:3: warning: unknown keyword 'frobnicate' in vrrp_instance A"));
  EXPECT_EQ(result.config.vrrp_instances.at(0).virtual_router_id, 9);
}

TEST(VrrpInstance, BadStateAndAuthTypeAreErrors) {
  const auto result = load(R"(vrrp_instance A {
 state PRIMARY
 interface veth0
 virtual_router_id 9
 authentication {
  auth_type MD5
 }
 virtual_ipaddress {
  198.18.0.1
 }
}
)");
  EXPECT_THAT(errors(result), ElementsAre("t.conf:2: error: 'state' value 'PRIMARY' is not one of MASTER BACKUP",
                                          "t.conf:6: error: 'auth_type' value 'MD5' is not one of PASS AH"));
}

TEST(VrrpInstance, MissingInterfaceAndDuplicateVridAreErrors) {
  const auto result = load(R"(vrrp_instance A {
 virtual_router_id 9
 virtual_ipaddress {
  198.18.0.1
 }
}
vrrp_instance B {
 interface veth0
 virtual_router_id 9
 virtual_ipaddress {
  198.18.0.2
 }
}
vrrp_instance C {
 interface veth0
 virtual_router_id 9
 virtual_ipaddress {
  198.18.0.3
 }
}
)");
  EXPECT_THAT(errors(result),
              ElementsAre("t.conf:1: error: vrrp_instance A has no interface (only unicast instances may omit it)",
                          "t.conf:14: error: vrrp_instance C: virtual_router_id 9 on veth0 is already used by "
                          "vrrp_instance B"));
}

TEST(VrrpInstance, StateMasterWithNopreemptIsWarnedAbout) {
  const auto result = load(
      "vrrp_instance A {\n state MASTER\n nopreempt\n interface veth0\n virtual_router_id 9\n virtual_ipaddress {\n "
      "198.18.0.1\n }\n}\n");
  EXPECT_THAT(warnings(result),
              ElementsAre("t.conf:1: warning: vrrp_instance A: 'nopreempt' has no effect with 'state MASTER'; use "
                          "'state BACKUP' for non-preemptive behaviour"));
}

TEST(VrrpInstance, VersionTwoRoundsFractionalAdvertIntLikeKeepalived) {
  const auto result = load(
      "vrrp_instance A {\n interface veth0\n virtual_router_id 9\n advert_int 1.4\n virtual_ipaddress {\n "
      "198.18.0.1\n }\n}\n");
  EXPECT_THAT(warnings(result),
              ElementsAre("t.conf:1: warning: vrrp_instance A: VRRPv2 advert_int is whole seconds; 1.4 rounded to 1"));
  EXPECT_EQ(result.config.vrrp_instances.at(0).advert_int, std::chrono::seconds{1});
}

TEST(VrrpInstance, VersionThreeAdvertIntAboveFortyPointNineFiveIsAnError) {
  const auto result = load(
      "vrrp_instance A {\n interface veth0\n version 3\n virtual_router_id 9\n advert_int 41\n virtual_ipaddress {\n "
      "198.18.0.1\n }\n}\n");
  EXPECT_THAT(errors(result), ElementsAre("t.conf:1: error: vrrp_instance A: advert_int 41 is above 40.95 seconds, "
                                          "the VRRPv3 maximum"));
}

TEST(VrrpInstance, MixedFamiliesInVirtualIpaddressAreAnError) {
  const auto result = load(
      "vrrp_instance A {\n interface veth0\n virtual_router_id 9\n virtual_ipaddress {\n 198.18.0.1\n 2001:db8::1\n "
      "}\n}\n");
  EXPECT_THAT(errors(result), ElementsAre("t.conf:6: error: vrrp_instance A: virtual_ipaddress 2001:db8::1 is not of "
                                          "the instance's address family; put it in virtual_ipaddress_excluded"));
}

TEST(VrrpInstance, Ipv6InstanceUsesVersionThree) {
  const auto result = load(
      "vrrp_instance A {\n interface veth0\n version 2\n virtual_router_id 9\n virtual_ipaddress {\n 2001:db8::1/64\n "
      "}\n}\n");
  EXPECT_THAT(warnings(result),
              ElementsAre("t.conf:1: warning: vrrp_instance A: IPv6 needs VRRP version 3; using version 3"));
}

TEST(VrrpInstance, DeprecatedKeywordsNameTheirReplacement) {
  const auto result = load(R"(vrrp_instance A {
 interface veth0
 virtual_router_id 9
 lvs_sync_daemon_interface veth1
 vrrp_unicast_bind 198.18.0.1
 vrrp_unicast_peer {
  198.18.0.2
 }
 virtual_ipaddress {
  198.18.0.1
 }
}
)");
  EXPECT_THAT(errors(result), IsEmpty());
  EXPECT_THAT(warnings(result),
              ElementsAre("t.conf:4: warning: 'lvs_sync_daemon_interface' is deprecated, use 'global_defs "
                          "lvs_sync_daemon' instead",
                          "t.conf:5: warning: 'vrrp_unicast_bind' is deprecated, use 'unicast_src_ip' instead",
                          "t.conf:6: warning: 'vrrp_unicast_peer' is deprecated, use 'unicast_peer' instead"));
  ASSERT_TRUE(result.config.global.lvs_sync_daemon);
  EXPECT_EQ(result.config.global.lvs_sync_daemon->interface, "veth1");
  EXPECT_EQ(result.config.global.lvs_sync_daemon->instance, "A");
  EXPECT_EQ(result.config.vrrp_instances[0].unicast_peers.size(), 1u);
}

TEST(VrrpInstance, UnknownTrackScriptIsIgnoredWithAWarning) {
  const auto result = load(
      "vrrp_instance A {\n interface veth0\n virtual_router_id 9\n track_script {\n nope\n }\n virtual_ipaddress {\n "
      "198.18.0.1\n }\n}\n");
  EXPECT_THAT(warnings(result),
              ElementsAre("t.conf:5: warning: vrrp_instance A: track_script 'nope' is not a defined vrrp_script, "
                          "ignored"));
}

TEST(VrrpInstance, TrackWeightOutOfRangeIsAnError) {
  const auto result = load(
      "vrrp_instance A {\n interface veth0\n virtual_router_id 9\n track_interface {\n veth1 weight 300\n }\n "
      "virtual_ipaddress {\n 198.18.0.1\n }\n}\n");
  EXPECT_THAT(errors(result),
              ElementsAre("t.conf:5: error: 'track_interface weight' value '300' is out of range -253..253"));
}

TEST(VrrpInstance, StrictModeRefusesAuthenticationAndUnicast) {
  const auto result = load(R"(global_defs {
 vrrp_strict
}
vrrp_instance A {
 interface veth0
 virtual_router_id 9
 authentication {
  auth_type PASS
  auth_pass x
 }
 unicast_peer {
  198.18.0.2
 }
 virtual_ipaddress {
  198.18.0.1
 }
}
)");
  EXPECT_THAT(
      errors(result),
      ElementsAre("t.conf:4: error: vrrp_instance A: authentication is not allowed with strict_mode / vrrp_strict",
                  "t.conf:4: error: vrrp_instance A: unicast_peer is not allowed with strict_mode / vrrp_strict"));
}

TEST(VrrpSyncGroup, MembersTrackingAndNotifyLandInTheModel) {
  const auto result = load(R"(vrrp_sync_group VG_1 {
    group {
        VI_1
        VI_2
    }
    track_interface {
        veth9 weight 10
    }
    notify_master /bin/master.sh
    notify_deleted
    sync_group_tracking_weight
}
vrrp_instance VI_1 {
    interface veth0
    virtual_router_id 1
    virtual_ipaddress {
        198.18.0.1
    }
}
vrrp_instance VI_2 {
    interface veth1
    virtual_router_id 2
    virtual_ipaddress {
        198.18.1.1
    }
}
)");
  EXPECT_THAT(messages(result), IsEmpty());
  ASSERT_EQ(result.config.vrrp_sync_groups.size(), 1u);
  const VrrpSyncGroup& group = result.config.vrrp_sync_groups[0];
  EXPECT_EQ(group.members, (std::vector<std::string>{"VI_1", "VI_2"}));
  EXPECT_EQ(group.track_interfaces.at(0).weight, 10);
  EXPECT_EQ(group.notify.master->command.at(0), "/bin/master.sh");
  EXPECT_TRUE(group.notify.notify_deleted);
  EXPECT_TRUE(group.sync_group_tracking_weight);
}

TEST(VrrpSyncGroup, MembersOutsideGroupBlockAreErrorsWithTheirLines) {
  const auto result = load("vrrp_sync_group VG1 {\n  VI_2\n  VI_3\n}\n");
  EXPECT_THAT(errors(result),
              ElementsAre("t.conf:2: error: 'VI_2' in vrrp_sync_group VG1 is not a keyword; list member instances "
                          "inside 'group { }'",
                          "t.conf:3: error: 'VI_3' in vrrp_sync_group VG1 is not a keyword; list member instances "
                          "inside 'group { }'",
                          "t.conf:1: error: vrrp_sync_group VG1 has no member instances in 'group { }'"));
}

TEST(VrrpSyncGroup, UndefinedOrDoublyGroupedInstancesAreErrors) {
  const auto result = load(R"(vrrp_sync_group G1 {
 group {
  A
  GHOST
 }
}
vrrp_sync_group G2 {
 group {
  A
 }
}
vrrp_instance A {
 interface veth0
 virtual_router_id 1
 virtual_ipaddress {
  198.18.0.1
 }
}
)");
  EXPECT_THAT(errors(result),
              ElementsAre("t.conf:1: error: vrrp_sync_group G1: vrrp_instance 'GHOST' is not defined",
                          "t.conf:7: error: vrrp_sync_group G2: vrrp_instance 'A' is already in vrrp_sync_group G1"));
}

TEST(VrrpScript, MissingScriptLineIsAnError) {
  const auto result = load("vrrp_script chk {\n interval 2\n}\n");
  EXPECT_THAT(errors(result), ElementsAre("t.conf:1: error: vrrp_script chk has no 'script'"));
}

TEST(VrrpScript, UserGroupTimeoutAndInitFail) {
  const auto result = load(
      "vrrp_script chk {\n script /bin/true\n timeout 3\n user nobody nogroup\n init_fail\n weight 20 reverse\n}\n");
  EXPECT_THAT(messages(result), IsEmpty());
  const VrrpScript& script = result.config.vrrp_scripts.at(0);
  EXPECT_EQ(script.timeout, std::chrono::seconds{3});
  EXPECT_EQ(script.script.user, "nobody");
  EXPECT_EQ(script.script.group, "nogroup");
  EXPECT_TRUE(script.init_fail);
  EXPECT_EQ(script.weight, 20);
  EXPECT_TRUE(script.weight_reverse);
}

TEST(TrackFile, FileWeightAndInitFile) {
  const auto result = load(
      "track_file tf {\n file \"/run/keel/tf\"\n weight -10\n init_file 5 overwrite\n}\n"
      "vrrp_track_file old {\n file /run/old\n}\n");
  EXPECT_THAT(warnings(result),
              ElementsAre("t.conf:6: warning: 'vrrp_track_file' is deprecated, use 'track_file' instead"));
  ASSERT_EQ(result.config.track_files.size(), 2u);
  EXPECT_EQ(result.config.track_files[0].file, "/run/keel/tf");
  EXPECT_EQ(result.config.track_files[0].weight, -10);
  EXPECT_EQ(result.config.track_files[0].init_value, 5);
  EXPECT_TRUE(result.config.track_files[0].init_overwrite);
}

TEST(TrackProcess, AllKeywords) {
  const auto result = load(
      "vrrp_track_process nginx {\n process nginx -g daemon\n param_match initial\n weight 5\n quorum 2\n quorum_max "
      "4\n delay 1.5\n full_command\n}\n");
  EXPECT_THAT(messages(result), IsEmpty());
  const TrackProcess& process = result.config.track_processes.at(0);
  EXPECT_EQ(process.process, (std::vector<std::string>{"nginx", "-g", "daemon"}));
  EXPECT_EQ(process.param_match, TrackProcess::ParamMatch::kInitial);
  EXPECT_EQ(process.quorum, 2);
  EXPECT_EQ(process.quorum_max, 4);
  EXPECT_EQ(process.delay, Duration{1'500'000});
  EXPECT_TRUE(process.full_command);
}

TEST(GarpGroup, IntervalsAndInterfaces) {
  const auto result =
      load("garp_group {\n garp_interval 0.001\n gna_interval 0.002\n interfaces {\n veth0\n veth1\n }\n}\n");
  EXPECT_THAT(messages(result), IsEmpty());
  const GarpGroup& group = result.config.garp_groups.at(0);
  EXPECT_EQ(group.garp_interval, Duration{1000});
  EXPECT_EQ(group.interfaces, (std::vector<std::string>{"veth0", "veth1"}));
}

}  // namespace
}  // namespace keel::config

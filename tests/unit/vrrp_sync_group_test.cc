// Sync groups (vrrp/fsm/sync_group.h) and the tracking arithmetic that feeds them
// (vrrp/fsm/tracking.h): the pure rules first, then two hosts with a sync group each on
// the simulated wire.
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <string>
#include <string_view>
#include <vector>

#include "config/model.h"
#include "vrrp/fsm/simulation.h"
#include "vrrp/fsm/sync_group.h"
#include "vrrp/fsm/tracking.h"

namespace keel::vrrp {
namespace {

using namespace std::chrono_literals;
using config::IpAddress;

IpAddress ip(std::string_view text) { return *IpAddress::parse(text); }

template <class T>
std::vector<std::size_t> receivers(const SyncResult& result) {
  std::vector<std::size_t> out;
  for (const auto& input : result.inputs)
    if (std::holds_alternative<T>(input.input)) out.push_back(input.member);
  return out;
}

SyncGroup two_members() { return SyncGroup("VG_1", {"VI_A", "VI_B"}); }

// ---- Tracking arithmetic --------------------------------------------------------------

TrackerState interface(std::string name, int weight, bool up, bool reverse = false) {
  return {.kind = TrackerKind::kInterface,
          .name = std::move(name),
          .weight = weight,
          .reverse = reverse,
          .status = up ? TrackerStatus::kUp : TrackerStatus::kDown};
}

TrackerState file(std::string name, int weight, std::int64_t value) {
  return {.kind = TrackerKind::kFile, .name = std::move(name), .weight = weight, .file_value = value};
}

TEST(VrrpTracking, PositiveWeightAddsWhileUp) {
  const std::vector<TrackerState> up{interface("eth1", 20, true)};
  const std::vector<TrackerState> down{interface("eth1", 20, false)};
  EXPECT_EQ(effective_priority(100, up), (TrackingResult{.priority = 120}));
  EXPECT_EQ(effective_priority(100, down), (TrackingResult{.priority = 100}));
}

TEST(VrrpTracking, NegativeWeightSubtractsWhileDown) {
  const std::vector<TrackerState> up{interface("eth1", -30, true)};
  const std::vector<TrackerState> down{interface("eth1", -30, false)};
  EXPECT_EQ(effective_priority(100, up).priority, 100);
  EXPECT_EQ(effective_priority(100, down).priority, 70);
}

TEST(VrrpTracking, ReverseFlipsTheAdjustment) {
  const std::vector<TrackerState> down{interface("eth1", -30, false, true)};
  const std::vector<TrackerState> up{interface("eth1", 20, true, true)};
  EXPECT_EQ(effective_priority(100, down).priority, 130);  // "increase priority if an interface is down"
  EXPECT_EQ(effective_priority(100, up).priority, 80);
}

TEST(VrrpTracking, UnweightedFailureMeansFault) {
  const std::vector<TrackerState> trackers{interface("eth1", 0, false)};
  const auto result = effective_priority(100, trackers);
  ASSERT_TRUE(result.fault);
  EXPECT_EQ(*result.fault, "track_interface eth1 is down");
}

TEST(VrrpTracking, UnweightedReverseFaultsWhileUp) {
  const std::vector<TrackerState> up{{.kind = TrackerKind::kScript, .name = "chk", .reverse = true}};
  const std::vector<TrackerState> down{
      {.kind = TrackerKind::kScript, .name = "chk", .reverse = true, .status = TrackerStatus::kDown}};
  EXPECT_EQ(effective_priority(100, up).fault, "track_script chk succeeded");
  EXPECT_FALSE(effective_priority(100, down).fault);
}

TEST(VrrpTracking, UnweightedScriptWithoutAResultYetKeepsTheInstanceInFault) {
  const std::vector<TrackerState> trackers{
      {.kind = TrackerKind::kScript, .name = "chk", .status = TrackerStatus::kUnknown},
      {.kind = TrackerKind::kScript, .name = "weighted", .weight = 10, .status = TrackerStatus::kUnknown}};
  const auto result = effective_priority(100, trackers);
  EXPECT_EQ(result.fault, "track_script chk has not reported yet");
  EXPECT_EQ(result.priority, 100);
}

TEST(VrrpTracking, FileValueIsMultipliedByWeight) {
  const std::vector<TrackerState> trackers{file("prio", 5, -4), file("boost", 1, 30)};
  EXPECT_EQ(effective_priority(100, trackers).priority, 110);
}

TEST(VrrpTracking, FileWithWeightZeroFaultsOnAnyNonZeroValue) {
  const std::vector<TrackerState> failing{file("status", 0, 3)};
  const std::vector<TrackerState> ok{file("status", 0, 0)};
  EXPECT_TRUE(effective_priority(100, failing).fault);
  EXPECT_FALSE(effective_priority(100, ok).fault);
}

TEST(VrrpTracking, FileResultBelowMinus253Faults) {
  const std::vector<TrackerState> faulting{file("prio", 1, -254)};
  const std::vector<TrackerState> lowest{file("prio", 1, -253)};
  EXPECT_EQ(effective_priority(100, faulting).fault, "track_file prio value -254 × weight 1 is below -253");
  const auto result = effective_priority(100, lowest);
  EXPECT_FALSE(result.fault);
  EXPECT_EQ(result.priority, 1);  // clamped
}

TEST(VrrpTracking, EffectivePriorityStaysWithinOneTo254) {
  const std::vector<TrackerState> many{interface("a", 100, true), interface("b", 100, true)};
  const std::vector<TrackerState> drop{interface("a", -200, false)};
  EXPECT_EQ(effective_priority(200, many).priority, 254);
  EXPECT_EQ(effective_priority(100, drop).priority, 1);
}

TEST(VrrpTracking, OwnerPriorityIsUnaffectedButStillFaults) {
  const std::vector<TrackerState> trackers{interface("eth1", -50, false), interface("eth2", 0, false)};
  const auto result = effective_priority(255, trackers);
  EXPECT_EQ(result.priority, 255);
  EXPECT_TRUE(result.fault);
}

TEST(VrrpTracking, ScriptNeedsRiseSuccessesAndFallFailures) {
  ScriptTracker script(/*rise=*/2, /*fall=*/3, /*init_fail=*/true);
  EXPECT_EQ(script.status(), TrackerStatus::kDown);
  EXPECT_EQ(script.record(true), std::nullopt);
  EXPECT_EQ(script.record(true), TrackerStatus::kUp);
  EXPECT_EQ(script.record(false), std::nullopt);
  EXPECT_EQ(script.record(false), std::nullopt);
  EXPECT_EQ(script.record(true), std::nullopt);  // a success restarts the count
  EXPECT_EQ(script.record(false), std::nullopt);
  EXPECT_EQ(script.record(false), std::nullopt);
  EXPECT_EQ(script.record(false), TrackerStatus::kDown);
}

TEST(VrrpTracking, ScriptFirstResultDecidesAtOnce) {
  ScriptTracker ok(3, 3);
  EXPECT_EQ(ok.status(), TrackerStatus::kUnknown);
  EXPECT_EQ(ok.record(true), TrackerStatus::kUp);  // keepalived: "one success is enough"
  ScriptTracker failing(3, 3);
  EXPECT_EQ(failing.record(false), TrackerStatus::kDown);
}

TEST(VrrpTracking, SyncGroupMembersTrackWithoutWeights) {
  config::Config config;
  config.vrrp_scripts.push_back({.name = "chk", .weight = -20});
  config::VrrpInstance instance{.name = "VI_A", .interface = "eth0", .virtual_router_id = 1};
  instance.track_scripts.push_back({.name = "chk"});
  instance.track_interfaces.push_back({.name = "eth1", .weight = 10});
  config.vrrp_sync_groups.push_back({.name = "VG_1", .members = {"VI_A", "VI_B"}});
  config.vrrp_sync_groups.back().track_interfaces.push_back({.name = "eth9", .weight = -5});

  const auto trackers = trackers_from_config(config, instance);
  ASSERT_EQ(trackers.size(), 4u);  // eth0 (own interface), eth1, chk, the group's eth9
  EXPECT_EQ(trackers[0].name, "eth0");
  for (std::size_t i = 0; i < 3; ++i) EXPECT_EQ(trackers[i].weight, 0) << trackers[i].name;
  EXPECT_EQ(trackers[3].weight, -5);

  config.vrrp_sync_groups.back().sync_group_tracking_weight = true;
  EXPECT_EQ(trackers_from_config(config, instance)[2].weight, -20);  // the script's own weight
}

TEST(VrrpTracking, OwnerIgnoresWeightedTrackers) {
  config::Config config;
  config.track_files.push_back({.name = "f"});  // weight 1 by default
  config::VrrpInstance instance{.name = "VI_A", .virtual_router_id = 1, .priority = 255};
  instance.dont_track_primary = true;
  instance.track_interfaces.push_back({.name = "eth1", .weight = 10});
  instance.track_interfaces.push_back({.name = "eth2"});
  instance.track_files.push_back({.name = "f"});
  const auto trackers = trackers_from_config(config, instance);
  ASSERT_EQ(trackers.size(), 2u);
  EXPECT_EQ(trackers[0].name, "eth2");
  EXPECT_EQ(trackers[1].name, "f");
  EXPECT_EQ(trackers[1].weight, 0);
}

// ---- The group's rules ----------------------------------------------------------------

TEST(VrrpSyncGroup, MemberBecomingMasterForcesTheOthersMaster) {
  SyncGroup group = two_members();
  group.state_changed(0, RouterState::kInit, RouterState::kBackup);
  group.state_changed(1, RouterState::kInit, RouterState::kBackup);
  const auto result = group.state_changed(0, RouterState::kBackup, RouterState::kMaster);
  EXPECT_EQ(group.state(), RouterState::kMaster);
  EXPECT_EQ(receivers<ForceMaster>(result), std::vector<std::size_t>{1});
}

TEST(VrrpSyncGroup, MemberLeavingMasterForcesTheOtherMastersToBackup) {
  SyncGroup group = two_members();
  group.state_changed(0, RouterState::kInit, RouterState::kMaster);
  group.state_changed(1, RouterState::kBackup, RouterState::kMaster);
  const auto result = group.state_changed(1, RouterState::kMaster, RouterState::kBackup);
  EXPECT_EQ(group.state(), RouterState::kBackup);
  EXPECT_EQ(receivers<ForceBackup>(result), std::vector<std::size_t>{0});
}

TEST(VrrpSyncGroup, GoesMasterOnlyWhenEveryMemberWantsTo) {
  SyncGroup group = two_members();
  group.state_changed(0, RouterState::kInit, RouterState::kBackup);
  group.state_changed(1, RouterState::kInit, RouterState::kBackup);
  EXPECT_TRUE(group.wants_master(0, true).inputs.empty());
  group.wants_master(0, false);  // it heard its master again
  EXPECT_TRUE(group.wants_master(1, true).inputs.empty());
  const auto result = group.wants_master(0, true);
  EXPECT_EQ(group.state(), RouterState::kMaster);
  EXPECT_EQ(receivers<ForceMaster>(result), (std::vector<std::size_t>{0, 1}));
}

TEST(VrrpSyncGroup, MemberFaultFaultsEveryMemberUntilEveryOwnFaultClears) {
  SyncGroup group = SyncGroup("VG_1", {"VI_A", "VI_B", "VI_C"});
  const auto first = group.fault_raised(0, "track_interface eth0 is down");
  EXPECT_EQ(group.state(), RouterState::kFault);
  ASSERT_EQ(first.inputs.size(), 3u);
  EXPECT_EQ(first.inputs[0], (MemberInput{0, FaultRaised{"track_interface eth0 is down"}}));
  EXPECT_EQ(std::get<FaultRaised>(first.inputs[1].input).source, FaultSource::kSyncGroup);

  EXPECT_EQ(group.fault_raised(2, "track_script chk failed").inputs.size(), 1u);
  EXPECT_EQ(receivers<FaultCleared>(group.fault_cleared(0)), std::vector<std::size_t>{0});
  EXPECT_EQ(group.state(), RouterState::kFault);
  const auto last = group.fault_cleared(2);
  EXPECT_EQ(group.state(), RouterState::kBackup);
  EXPECT_EQ(receivers<FaultCleared>(last), (std::vector<std::size_t>{2, 0, 1, 2}));
}

TEST(VrrpSyncGroup, ObserveReadsTheMembersActions) {
  SyncGroup group = two_members();
  group.state_changed(1, RouterState::kInit, RouterState::kBackup);
  const Actions actions{LogLine{"VI_A: entering MASTER"}, StateChanged{RouterState::kBackup, RouterState::kMaster, ""}};
  EXPECT_EQ(receivers<ForceMaster>(group.observe(0, actions)), std::vector<std::size_t>{1});
}

// ---- Two hosts, two instances each ----------------------------------------------------

struct TwoHosts {
  Simulation sim;
  std::size_t a1, b1, a2, b2;  // host 1 (priority 150) and host 2 (priority 100)

  TwoHosts() {
    a1 = sim.add_router({.name = "VI_A", .vrid = 1, .priority = 150, .primary_address = ip("10.0.1.1")});
    b1 = sim.add_router({.name = "VI_B", .vrid = 2, .priority = 150, .primary_address = ip("10.0.2.1")});
    a2 = sim.add_router({.name = "VI_A", .vrid = 1, .priority = 100, .primary_address = ip("10.0.1.2")});
    b2 = sim.add_router({.name = "VI_B", .vrid = 2, .priority = 100, .primary_address = ip("10.0.2.2")});
    sim.add_sync_group("VG_1", {a1, b1});
    sim.add_sync_group("VG_1", {a2, b2});
    for (auto id : {a1, b1, a2, b2}) sim.start(id);
  }

  void expect_masters(std::size_t a, std::size_t b) const {
    EXPECT_EQ(sim.masters(1), std::vector<std::size_t>{a});
    EXPECT_EQ(sim.vip_holders(1), std::vector<std::size_t>{a});
    EXPECT_EQ(sim.masters(2), std::vector<std::size_t>{b});
    EXPECT_EQ(sim.vip_holders(2), std::vector<std::size_t>{b});
  }
};

TEST(VrrpSyncGroupElection, GroupOfTwoInstancesFailsOverTogetherAndBack) {
  TwoHosts hosts;
  hosts.sim.run_for(10s);
  hosts.expect_masters(hosts.a1, hosts.b1);
  EXPECT_EQ(hosts.sim.group(0).state(), RouterState::kMaster);
  EXPECT_EQ(hosts.sim.group(1).state(), RouterState::kBackup);

  // One member's interface fails: the whole group faults and resigns, host 2 takes both.
  hosts.sim.raise_fault(hosts.a1, "track_interface eth0 is down");
  EXPECT_EQ(hosts.sim.router(hosts.b1).state(), RouterState::kFault);
  EXPECT_NE(hosts.sim.router(hosts.b1).fault_reason().find("VI_A is in FAULT"), std::string::npos);
  hosts.sim.run_for(5s);
  hosts.expect_masters(hosts.a2, hosts.b2);
  // Both resigned with priority 0: host 2 agrees as soon as both skew timers ran out.
  const TimePoint takeover = TimePoint{} + 10s + 100us + 609'375us;
  EXPECT_EQ(hosts.sim.node(hosts.a2).transition_times.back(), takeover);
  EXPECT_EQ(hosts.sim.node(hosts.b2).transition_times.back(), takeover);

  // Recovery: host 1 preempts both back.
  hosts.sim.clear_fault(hosts.a1);
  EXPECT_EQ(hosts.sim.router(hosts.b1).state(), RouterState::kBackup);
  hosts.sim.run_for(10s);
  hosts.expect_masters(hosts.a1, hosts.b1);
  EXPECT_EQ(hosts.sim.group(1).state(), RouterState::kBackup);
}

TEST(VrrpSyncGroupElection, GroupStaysBackupWhileOneMemberStillHearsItsMaster) {
  TwoHosts hosts;
  hosts.sim.run_for(10s);
  // Only VI_A's adverts stop reaching host 2 (a one-way failure, no fault on host 1).
  hosts.sim.kill(hosts.a1);
  hosts.sim.run_for(10s);
  EXPECT_TRUE(hosts.sim.router(hosts.a2).wants_master());
  EXPECT_EQ(hosts.sim.router(hosts.a2).state(), RouterState::kBackup);  // "prefer backup to avoid thrashing"
  EXPECT_EQ(hosts.sim.masters(2), std::vector<std::size_t>{hosts.b1});

  // Once VI_B's master is gone as well, the group agrees and takes both.
  hosts.sim.kill(hosts.b1);
  hosts.sim.run_for(10s);
  EXPECT_EQ(hosts.sim.masters(1), std::vector<std::size_t>{hosts.a2});
  EXPECT_EQ(hosts.sim.masters(2), std::vector<std::size_t>{hosts.b2});
  EXPECT_EQ(hosts.sim.vip_holders(1), std::vector<std::size_t>{hosts.a2});
}

TEST(VrrpSyncGroupElection, MemberLosingMastershipTakesItsGroupToBackup) {
  TwoHosts hosts;
  hosts.sim.run_for(10s);
  // Host 2's VI_A gains priority above host 1: it preempts, and host 1's group follows.
  hosts.sim.inject(hosts.a2, EffectivePriorityChanged{200});
  hosts.sim.inject(hosts.b2, EffectivePriorityChanged{200});
  hosts.sim.run_for(10s);
  hosts.expect_masters(hosts.a2, hosts.b2);
  EXPECT_EQ(hosts.sim.group(0).state(), RouterState::kBackup);
}

}  // namespace
}  // namespace keel::vrrp

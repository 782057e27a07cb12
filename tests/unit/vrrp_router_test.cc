// The VRRP state machine (vrrp/fsm/router.h): single-router action sequences with exact
// deadlines, then elections between several routers on the simulated wire with virtual time.
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <string>
#include <string_view>
#include <vector>

#include "config/model.h"
#include "vrrp/fsm/router.h"
#include "vrrp/fsm/router_config.h"
#include "vrrp/fsm/simulation.h"
#include "vrrp/fsm/tracking.h"

namespace keel::vrrp {
namespace {

using namespace std::chrono_literals;
using config::IpAddress;

constexpr auto kLatency = 100us;  // Simulation's default time on the wire

IpAddress ip(std::string_view text) { return *IpAddress::parse(text); }
TimePoint at(std::chrono::nanoseconds since_start) { return TimePoint{} + since_start; }

RouterConfig make_config(std::string name, int priority, std::string_view address, int version = 2) {
  return RouterConfig{
      .name = std::move(name), .vrid = 51, .version = version, .priority = priority, .primary_address = ip(address)};
}

std::string describe_all(const Actions& actions) {
  std::string text;
  for (const auto& action : actions) text += "\n  " + describe(action);
  return text;
}

template <class T>
std::vector<T> all_of_type(const Actions& actions) {
  std::vector<T> out;
  for (const auto& action : actions)
    if (const auto* typed = std::get_if<T>(&action)) out.push_back(*typed);
  return out;
}

std::ptrdiff_t position(const Actions& actions, const Action& wanted) {
  const auto it = std::find(actions.begin(), actions.end(), wanted);
  return it == actions.end() ? -1 : it - actions.begin();
}

bool has_log(const std::vector<std::string>& log, std::string_view fragment) {
  return std::any_of(log.begin(), log.end(), [&](const std::string& line) { return line.find(fragment) != line.npos; });
}

// The time of the router's last transition into `state`.
TimePoint entered(const Simulation& sim, std::size_t id, RouterState state) {
  const auto& node = sim.node(id);
  for (std::size_t i = node.transitions.size(); i-- > 0;)
    if (node.transitions[i].to == state) return node.transition_times[i];
  ADD_FAILURE() << "router " << id << " never entered " << to_string(state);
  return TimePoint::max();
}

void expect_single_master(const Simulation& sim, std::size_t expected, int vrid = 51) {
  EXPECT_EQ(sim.masters(vrid), std::vector<std::size_t>{expected});
  EXPECT_EQ(sim.vip_holders(vrid), std::vector<std::size_t>{expected});
}

// ---- RFC timer formulas ---------------------------------------------------------------

TEST(VrrpTimers, V2SkewIsAFractionOfASecondWhateverTheInterval) {
  EXPECT_EQ(skew_time(2, 100, 1s), 609'375us);  // (256 - 100) / 256 s
  EXPECT_EQ(skew_time(2, 100, 5s), 609'375us);
  EXPECT_EQ(skew_time(2, 254, 1s), 7'812'500ns);
}

TEST(VrrpTimers, V3SkewScalesWithMasterAdverInterval) {
  EXPECT_EQ(skew_time(3, 100, 1s), 609'375us);
  EXPECT_EQ(skew_time(3, 100, 500ms), 304'687'500ns);
  EXPECT_EQ(master_down_interval(3, 200, 100ms), 321'875us);  // 3 × 0.1 + 56 × 0.1 / 256
}

TEST(VrrpTimers, MasterDownIntervalHonoursDownTimerAdverts) {
  EXPECT_EQ(master_down_interval(2, 100, 1s), 3'609'375us);
  EXPECT_EQ(master_down_interval(2, 100, 1s, 5), 5'609'375us);
}

// ---- One router ------------------------------------------------------------------------

TEST(VrrpRouter, OwnerGoesStraightToMasterAtStartup) {
  Router router(make_config("VI_1", 255, "10.0.0.1"));
  const Actions actions = router.handle(Startup{}, at(0s));
  SCOPED_TRACE(describe_all(actions));
  EXPECT_EQ(router.state(), RouterState::kMaster);
  const auto advert = position(actions, SendAdvert{255});
  const auto vips = position(actions, AddVips{.accept = true});
  ASSERT_GE(advert, 0);
  EXPECT_GT(vips, advert);  // RFC 5798 §6.4.1: advertise, then announce the addresses
  EXPECT_GT(position(actions, SendAnnouncements{5}), vips);
  EXPECT_GE(position(actions, ArmTimer{TimerKind::kAdvert, at(1s)}), 0);
  EXPECT_GE(position(actions, ArmTimer{TimerKind::kGarpRepeat, at(5s)}), 0);
  EXPECT_GE(position(actions, Notify{RouterState::kMaster, 255}), 0);
}

TEST(VrrpRouter, BackupArmsMasterDownTimerAtThreeIntervalsPlusSkew) {
  Router router(make_config("VI_1", 100, "10.0.0.2"));
  const Actions actions = router.handle(Startup{}, at(0s));
  EXPECT_EQ(router.state(), RouterState::kBackup);
  EXPECT_GE(position(actions, ArmTimer{TimerKind::kMasterDown, at(3'609'375us)}), 0) << describe_all(actions);
  EXPECT_EQ(router.deadline(TimerKind::kMasterDown), at(3'609'375us));
}

TEST(VrrpRouter, BackupBecomesMasterWhenMasterDownTimerExpires) {
  Router router(make_config("VI_1", 100, "10.0.0.2"));
  router.handle(Startup{}, at(0s));
  const Actions actions = router.handle(TimerFired{TimerKind::kMasterDown}, at(3'609'375us));
  EXPECT_EQ(router.state(), RouterState::kMaster);
  EXPECT_GE(position(actions, LogLine{"VI_1: entering MASTER: master down timer expired (no advert for 3.61 s)"}), 0)
      << describe_all(actions);
  EXPECT_FALSE(router.deadline(TimerKind::kMasterDown));
}

TEST(VrrpRouter, TimerExpiryBeforeItsDeadlineIsIgnored) {
  Router router(make_config("VI_1", 100, "10.0.0.2"));
  router.handle(Startup{}, at(0s));
  EXPECT_TRUE(router.handle(TimerFired{TimerKind::kMasterDown}, at(3s)).empty());
  EXPECT_TRUE(router.handle(TimerFired{TimerKind::kAdvert}, at(5s)).empty());
  EXPECT_EQ(router.state(), RouterState::kBackup);
}

TEST(VrrpRouter, StateMasterBelowOwnerWaitsLikeABackup) {
  auto config = make_config("VI_1", 100, "10.0.0.2");
  config.initial_state = RouterState::kMaster;
  Router router(config);
  router.handle(Startup{}, at(0s));
  EXPECT_EQ(router.state(), RouterState::kBackup);
  EXPECT_EQ(router.deadline(TimerKind::kMasterDown), at(3'609'375us));
}

TEST(VrrpRouter, ResigningAdvertShortensMasterDownToSkewTime) {
  Router router(make_config("VI_1", 100, "10.0.0.2"));
  router.handle(Startup{}, at(0s));
  router.handle(AdvertReceived{150, 1s, ip("10.0.0.1")}, at(1s));
  router.handle(AdvertReceived{0, 1s, ip("10.0.0.1")}, at(2s));
  EXPECT_EQ(router.deadline(TimerKind::kMasterDown), at(2s + 609'375us));
}

TEST(VrrpRouter, ShutdownAsMasterResignsBeforeRemovingVips) {
  Router router(make_config("VI_1", 255, "10.0.0.1"));
  router.handle(Startup{}, at(0s));
  const Actions actions = router.handle(Shutdown{}, at(10s));
  SCOPED_TRACE(describe_all(actions));
  EXPECT_EQ(router.state(), RouterState::kStop);
  const auto resign = position(actions, SendAdvert{0});
  ASSERT_GE(resign, 0);
  EXPECT_GT(position(actions, RemoveVips{}), resign);
  EXPECT_GE(position(actions, CancelTimer{TimerKind::kAdvert}), 0);
  EXPECT_GE(position(actions, Notify{RouterState::kStop, 255}), 0);
}

TEST(VrrpRouter, MasterAnswersAResigningAdvertAtOnce) {
  Router router(make_config("VI_1", 255, "10.0.0.1"));
  router.handle(Startup{}, at(0s));
  const Actions actions = router.handle(AdvertReceived{0, 1s, ip("10.0.0.9")}, at(500ms));
  EXPECT_GE(position(actions, SendAdvert{255}), 0) << describe_all(actions);
  EXPECT_EQ(router.deadline(TimerKind::kAdvert), at(1500ms));
}

TEST(VrrpRouter, MasterYieldsToEqualPriorityFromHigherAddress) {
  Router router(make_config("VI_1", 100, "10.0.0.1"));
  router.handle(Startup{}, at(0s));
  router.handle(TimerFired{TimerKind::kMasterDown}, at(3'609'375us));
  router.handle(AdvertReceived{100, 1s, ip("10.0.0.0")}, at(4s));
  EXPECT_EQ(router.state(), RouterState::kMaster);  // lower address: we win
  const Actions actions = router.handle(AdvertReceived{100, 1s, ip("10.0.0.2")}, at(5s));
  EXPECT_EQ(router.state(), RouterState::kBackup);
  EXPECT_GE(position(actions, RemoveVips{}), 0) << describe_all(actions);
  EXPECT_EQ(router.deadline(TimerKind::kMasterDown), at(5s + 3'609'375us));
}

TEST(VrrpRouter, V3BackupLearnsTheMastersAdvertInterval) {
  Router router(make_config("VI_1", 100, "10.0.0.2", 3));
  router.handle(Startup{}, at(0s));
  const Actions actions = router.handle(AdvertReceived{200, 500ms, ip("10.0.0.1")}, at(1s));
  EXPECT_EQ(router.master_adver_interval(), 500ms);
  // 3 × 0.5 s + (256 − 100) × 0.5 s / 256
  EXPECT_EQ(router.deadline(TimerKind::kMasterDown), at(1s + 1'804'687'500ns));
  EXPECT_FALSE(all_of_type<LogLine>(actions).empty());
}

TEST(VrrpRouter, V2BackupKeepsItsOwnInterval) {
  Router router(make_config("VI_1", 100, "10.0.0.2", 2));
  router.handle(Startup{}, at(0s));
  router.handle(AdvertReceived{200, 2s, ip("10.0.0.1")}, at(1s));
  EXPECT_EQ(router.master_adver_interval(), 1s);
}

TEST(VrrpRouter, FaultAsMasterResignsAndRecoveryReturnsToBackup) {
  Router router(make_config("VI_1", 100, "10.0.0.1"));
  router.handle(Startup{}, at(0s));
  router.handle(TimerFired{TimerKind::kMasterDown}, at(3'609'375us));
  const Actions fault = router.handle(FaultRaised{"track_interface eth1 is down"}, at(5s));
  EXPECT_EQ(router.state(), RouterState::kFault);
  EXPECT_LT(position(fault, SendAdvert{0}), position(fault, RemoveVips{})) << describe_all(fault);
  EXPECT_GE(position(fault, SendAdvert{0}), 0);
  EXPECT_GE(position(fault, LogLine{"VI_1: entering FAULT: track_interface eth1 is down"}), 0);

  router.handle(FaultCleared{}, at(8s));
  EXPECT_EQ(router.state(), RouterState::kBackup);
  EXPECT_EQ(router.deadline(TimerKind::kMasterDown), at(8s + 3'609'375us));
}

TEST(VrrpRouter, FaultBeforeStartupStartsInFault) {
  Router router(make_config("VI_1", 255, "10.0.0.1"));
  router.handle(FaultRaised{"track_script chk has not reported yet"}, at(0s));
  router.handle(Startup{}, at(0s));
  EXPECT_EQ(router.state(), RouterState::kFault);
  router.handle(FaultCleared{}, at(1s));
  EXPECT_EQ(router.state(), RouterState::kMaster);  // the owner recovers straight to MASTER
}

TEST(VrrpRouter, EffectivePriorityIsClampedBelowTheOwner) {
  Router router(make_config("VI_1", 100, "10.0.0.2"));
  const Actions actions = router.handle(EffectivePriorityChanged{300}, at(0s));
  EXPECT_EQ(router.priority(), 254);
  EXPECT_GE(position(actions, PriorityChanged{100, 254}), 0);
  router.handle(EffectivePriorityChanged{-5}, at(0s));
  EXPECT_EQ(router.priority(), 1);
}

TEST(VrrpRouter, OwnerPriorityIgnoresTracking) {
  Router router(make_config("VI_1", 255, "10.0.0.1"));
  EXPECT_TRUE(router.handle(EffectivePriorityChanged{100}, at(0s)).empty());
  EXPECT_EQ(router.priority(), 255);
}

TEST(VrrpRouter, PriorityChangeMovesARunningMasterDownTimerBySkewDifference) {
  Router router(make_config("VI_1", 100, "10.0.0.2"));
  router.handle(Startup{}, at(0s));
  router.handle(EffectivePriorityChanged{228}, at(1s));  // skew 156/256 → 28/256 s
  EXPECT_EQ(router.deadline(TimerKind::kMasterDown), at(3s + 109'375us));
}

TEST(VrrpRouter, MasterRepeatsAnnouncementsAfterGarpDelayAndRefreshesThem) {
  auto config = make_config("VI_1", 255, "10.0.0.1");
  config.garp_master_refresh = 60s;
  config.garp_master_refresh_repeat = 2;
  Router router(config);
  router.handle(Startup{}, at(0s));
  EXPECT_EQ(router.handle(TimerFired{TimerKind::kGarpRepeat}, at(5s)), (Actions{SendAnnouncements{5}}));
  const Actions refresh = router.handle(TimerFired{TimerKind::kGarpRefresh}, at(60s));
  EXPECT_EQ(refresh, (Actions{SendAnnouncements{2}, ArmTimer{TimerKind::kGarpRefresh, at(120s)}}));
}

TEST(VrrpRouter, HigherPrioSendAdvertAnswersBeforeYielding) {
  auto config = make_config("VI_1", 255, "10.0.0.1");
  config.priority = 200;
  config.initial_state = RouterState::kMaster;
  config.higher_prio_send_advert = true;
  Router router(config);
  router.handle(Startup{}, at(0s));
  router.handle(TimerFired{TimerKind::kMasterDown}, at(10s));
  const Actions actions = router.handle(AdvertReceived{220, 1s, ip("10.0.0.9")}, at(11s));
  EXPECT_EQ(position(actions, SendAdvert{200}), 0) << describe_all(actions);
  EXPECT_EQ(router.state(), RouterState::kBackup);
}

TEST(VrrpRouter, ForcedBackupResignsWithPriorityZero) {
  Router router(make_config("VI_1", 255, "10.0.0.1"));
  router.handle(Startup{}, at(0s));
  const Actions actions = router.handle(ForceBackup{"VG_1: VI_2 left MASTER"}, at(1s));
  EXPECT_EQ(router.state(), RouterState::kBackup);
  EXPECT_LT(position(actions, SendAdvert{0}), position(actions, RemoveVips{})) << describe_all(actions);
  EXPECT_GE(position(actions, SendAdvert{0}), 0);
}

TEST(VrrpRouter, SyncGroupMemberAsksItsGroupInsteadOfTakingOver) {
  auto config = make_config("VI_1", 100, "10.0.0.2");
  config.sync_group_member = true;
  Router router(config);
  router.handle(Startup{}, at(0s));
  const Actions expired = router.handle(TimerFired{TimerKind::kMasterDown}, at(3'609'375us));
  EXPECT_EQ(router.state(), RouterState::kBackup);
  EXPECT_GE(position(expired, WantsMaster{true}), 0) << describe_all(expired);
  EXPECT_EQ(router.deadline(TimerKind::kMasterDown), at(7'218'750us));  // asks again later
  const Actions heard = router.handle(AdvertReceived{150, 1s, ip("10.0.0.1")}, at(4s));
  EXPECT_GE(position(heard, WantsMaster{false}), 0) << describe_all(heard);
  router.handle(ForceMaster{"VG_1: every member wants MASTER"}, at(4s));
  EXPECT_EQ(router.state(), RouterState::kMaster);
}

// ---- From keepalived.conf --------------------------------------------------------------

TEST(VrrpRouterConfig, DefaultsFollowKeepalived) {
  config::VrrpInstance instance{.name = "VI_1", .virtual_router_id = 51};
  const RouterConfig config = from_config(instance, config::GlobalDefs{});
  EXPECT_EQ(config.version, 2);
  EXPECT_EQ(config.priority, 100);
  EXPECT_EQ(config.initial_state, RouterState::kBackup);
  EXPECT_TRUE(config.preempt);
  EXPECT_TRUE(config.accept);
  EXPECT_EQ(config.down_timer_adverts, 3);
  EXPECT_EQ(config.garp_master_repeat, 5);
  EXPECT_EQ(config.garp_master_delay, 5s);
  EXPECT_EQ(config.garp_lower_prio_repeat, 5);
  EXPECT_FALSE(config.lower_prio_no_advert);
}

TEST(VrrpRouterConfig, OwnerStartsMasterAndAlwaysAccepts) {
  config::VrrpInstance instance{.name = "VI_1", .virtual_router_id = 51, .priority = 255, .nopreempt = true};
  config::GlobalDefs global;
  global.vrrp_strict = true;
  const RouterConfig config = from_config(instance, global);
  EXPECT_EQ(config.initial_state, RouterState::kMaster);
  EXPECT_TRUE(config.accept);
  EXPECT_TRUE(config.preempt);  // keepalived: nopreempt is incompatible with priority 255
}

TEST(VrrpRouterConfig, StrictModeDropsAcceptForV2AndRepeatsForLowerPriority) {
  config::VrrpInstance instance{.name = "VI_1", .virtual_router_id = 51};
  config::GlobalDefs global;
  global.vrrp_strict = true;
  const RouterConfig config = from_config(instance, global);
  EXPECT_FALSE(config.accept);
  EXPECT_TRUE(config.lower_prio_no_advert);
  EXPECT_EQ(config.garp_lower_prio_repeat, 0);
}

TEST(VrrpRouterConfig, StateMasterClearsNopreemptAndPreemptDelay) {
  config::VrrpInstance instance{.name = "VI_1", .initial_state = config::VrrpState::kMaster, .virtual_router_id = 51};
  instance.nopreempt = true;
  instance.preempt_delay = 10s;
  const RouterConfig config = from_config(instance, config::GlobalDefs{});
  EXPECT_TRUE(config.preempt);
  EXPECT_EQ(config.preempt_delay, 0s);
}

TEST(VrrpRouterConfig, Ipv6InstanceRunsVersion3AndSourceAddressComesFromConfig) {
  config::VrrpInstance instance{.name = "VI_6", .virtual_router_id = 51};
  instance.virtual_ipaddress.push_back(config::AddressSpec{.prefix = *config::IpPrefix::parse("fe80::1/64")});
  instance.mcast_src_ip = ip("fe80::2");
  config::GlobalDefs global;
  global.vrrp_min_garp = true;
  const RouterConfig config = from_config(instance, global);
  EXPECT_EQ(config.version, 3);
  EXPECT_EQ(config.primary_address, ip("fe80::2"));
  EXPECT_EQ(config.garp_master_repeat, 1);
  EXPECT_EQ(config.garp_master_delay, 0s);
}

// ---- Elections on the simulated wire ---------------------------------------------------

TEST(VrrpElection, OwnerHoldsTheVipsAndTheBackupFollows) {
  Simulation sim;
  const auto owner = sim.add_router(make_config("VI_1", 255, "10.0.0.1"));
  const auto backup = sim.add_router(make_config("VI_1", 100, "10.0.0.2"));
  sim.start(owner);
  sim.start(backup);
  EXPECT_EQ(sim.router(owner).state(), RouterState::kMaster);
  sim.run_for(20s);
  EXPECT_EQ(sim.router(backup).state(), RouterState::kBackup);
  EXPECT_EQ(sim.router(backup).master_address(), ip("10.0.0.1"));
  expect_single_master(sim, owner);
}

TEST(VrrpElection, LoneBackupBecomesMasterAfterExactlyMasterDownInterval) {
  Simulation sim;
  const auto router = sim.add_router(make_config("VI_1", 100, "10.0.0.2"));
  sim.start(router);
  sim.run_for(10s);
  EXPECT_EQ(entered(sim, router, RouterState::kMaster), at(3'609'375us));
  expect_single_master(sim, router);
}

TEST(VrrpElection, BackupTakesOverWhenTheMasterStopsSending) {
  Simulation sim;
  const auto master = sim.add_router(make_config("VI_1", 150, "10.0.0.1"));
  const auto backup = sim.add_router(make_config("VI_1", 100, "10.0.0.2"));
  sim.start(master);
  sim.start(backup);
  sim.run_until(at(10s));
  expect_single_master(sim, master);
  // Master since 3.4140625 s (skew 106/256), adverts every second: the last one left at
  // 9.4140625 s. The backup waits 3 × 1 s + 156/256 s after it arrived.
  sim.kill(master);
  sim.run_for(10s);
  EXPECT_EQ(entered(sim, backup, RouterState::kMaster), at(9'414'062'500ns + kLatency + 3'609'375us));
  expect_single_master(sim, backup);
  EXPECT_TRUE(has_log(sim.node(backup).log, "master down timer expired (no advert from 10.0.0.1 for 3.61 s)"));
}

TEST(VrrpElection, GracefulResignHandsOverAfterSkewTimeOnly) {
  Simulation sim;
  const auto master = sim.add_router(make_config("VI_1", 150, "10.0.0.1"));
  const auto backup = sim.add_router(make_config("VI_1", 100, "10.0.0.2"));
  sim.start(master);
  sim.start(backup);
  sim.run_until(at(10s));
  sim.shutdown(master);
  EXPECT_FALSE(sim.node(master).vips);
  EXPECT_EQ(sim.node(master).adverts_sent.back(), 0);
  sim.run_for(5s);
  EXPECT_EQ(entered(sim, backup, RouterState::kMaster), at(10s + kLatency + 609'375us));
  expect_single_master(sim, backup);
}

TEST(VrrpElection, BackupPreemptsLowerPriorityMaster) {
  Simulation sim;
  const auto low = sim.add_router(make_config("VI_1", 100, "10.0.0.2"));
  const auto high = sim.add_router(make_config("VI_1", 150, "10.0.0.1"));
  sim.start(low);
  sim.run_until(at(10s));
  expect_single_master(sim, low);
  sim.start(high);
  sim.run_for(20s);
  // It discards the lower-priority adverts, so its startup master-down timer runs out.
  EXPECT_EQ(entered(sim, high, RouterState::kMaster), at(10s + 3'414'062'500ns));
  EXPECT_EQ(sim.router(low).state(), RouterState::kBackup);
  expect_single_master(sim, high);
}

TEST(VrrpElection, NopreemptBackupLeavesALowerPriorityMasterInPlace) {
  Simulation sim;
  auto high_config = make_config("VI_1", 150, "10.0.0.1");
  high_config.preempt = false;
  const auto low = sim.add_router(make_config("VI_1", 100, "10.0.0.2"));
  const auto high = sim.add_router(high_config);
  sim.start(low);
  sim.run_until(at(10s));
  sim.start(high);
  sim.run_for(60s);
  EXPECT_EQ(sim.router(high).state(), RouterState::kBackup);
  expect_single_master(sim, low);
  // nopreempt still fails over.
  sim.kill(low);
  sim.run_for(10s);
  expect_single_master(sim, high);
}

TEST(VrrpElection, PreemptDelayPostponesTakeoverByTheDelay) {
  Simulation sim;
  auto high_config = make_config("VI_1", 150, "10.0.0.1");
  high_config.preempt_delay = 5s;
  const auto low = sim.add_router(make_config("VI_1", 100, "10.0.0.2"));
  const auto high = sim.add_router(high_config);
  sim.start(low);
  sim.run_until(at(10s));
  sim.start(high);
  sim.run_for(30s);
  // low advertises at 3.609375 s + k. Adverts arriving before 10 s + 5 s are followed; the
  // last one (14.609375 s + latency) starts the master-down timer that preempts.
  EXPECT_EQ(entered(sim, high, RouterState::kMaster), at(14'609'375us + kLatency + 3'414'062'500ns));
  expect_single_master(sim, high);
}

TEST(VrrpElection, EqualPrioritiesElectTheHigherAddress) {
  Simulation sim({.latency = 1ms});
  const auto lower = sim.add_router(make_config("VI_1", 100, "10.0.0.1"));
  const auto higher = sim.add_router(make_config("VI_1", 100, "10.0.0.2"));
  sim.start(lower);
  sim.start(higher);
  sim.run_until(at(3'609'375us));
  EXPECT_EQ(sim.masters(51).size(), 2u);  // same timers: both take over, adverts cross
  sim.run_for(10s);
  expect_single_master(sim, higher);
  EXPECT_TRUE(has_log(sim.node(lower).log, "equal priority 100 from higher address 10.0.0.2"));
}

TEST(VrrpElection, TrackingWeightDropMovesMastershipAndRecoveryMovesItBack) {
  Simulation sim;
  const auto first = sim.add_router(make_config("VI_1", 150, "10.0.0.1"));
  const auto second = sim.add_router(make_config("VI_1", 100, "10.0.0.2"));
  sim.start(first);
  sim.start(second);
  sim.run_until(at(10s));
  expect_single_master(sim, first);

  std::vector<TrackerState> trackers{
      {.kind = TrackerKind::kScript, .name = "chk_haproxy", .weight = -60, .status = TrackerStatus::kDown}};
  const int lowered = effective_priority(150, trackers).priority;
  ASSERT_EQ(lowered, 90);
  sim.inject(first, EffectivePriorityChanged{lowered});
  sim.run_for(10s);
  // The last advert at 150 left at 9.4140625 s; later ones (90) are discarded.
  EXPECT_EQ(entered(sim, second, RouterState::kMaster), at(9'414'062'500ns + kLatency + 3'609'375us));
  expect_single_master(sim, second);

  trackers[0].status = TrackerStatus::kUp;
  sim.inject(first, EffectivePriorityChanged{effective_priority(150, trackers).priority});
  sim.run_for(10s);
  expect_single_master(sim, first);
}

TEST(VrrpElection, FaultHandsOverAfterSkewAndRecoveryPreemptsBack) {
  Simulation sim;
  const auto first = sim.add_router(make_config("VI_1", 150, "10.0.0.1"));
  const auto second = sim.add_router(make_config("VI_1", 100, "10.0.0.2"));
  sim.start(first);
  sim.start(second);
  sim.run_until(at(10s));
  sim.raise_fault(first, "track_interface eth1 is down");
  EXPECT_EQ(sim.router(first).state(), RouterState::kFault);
  EXPECT_TRUE(has_log(sim.node(first).log, "entering FAULT: track_interface eth1 is down"));
  sim.run_for(5s);
  EXPECT_EQ(entered(sim, second, RouterState::kMaster), at(10s + kLatency + 609'375us));
  expect_single_master(sim, second);

  sim.clear_fault(first);
  EXPECT_EQ(sim.router(first).state(), RouterState::kBackup);
  sim.run_for(10s);
  EXPECT_EQ(entered(sim, first, RouterState::kMaster), at(15s + 3'414'062'500ns));
  expect_single_master(sim, first);
}

TEST(VrrpElection, V3BackupTimesOutOnTheLearnedInterval) {
  Simulation sim;
  auto master_config = make_config("VI_1", 150, "10.0.0.1", 3);
  master_config.advert_interval = 500ms;
  const auto master = sim.add_router(master_config);
  const auto backup = sim.add_router(make_config("VI_1", 100, "10.0.0.2", 3));
  sim.start(master);
  sim.start(backup);
  sim.run_until(at(10s));
  EXPECT_EQ(sim.router(backup).master_adver_interval(), 500ms);
  // Master at 3 × 0.5 + 106 × 0.5 / 256 = 1.70703125 s, adverts every 0.5 s: the last
  // before 10 s left at 9.70703125 s.
  sim.kill(master);
  sim.run_for(5s);
  EXPECT_EQ(entered(sim, backup, RouterState::kMaster), at(9'707'031'250ns + kLatency + 1'804'687'500ns));
  expect_single_master(sim, backup);
}

TEST(VrrpElection, HealedSplitBrainLeavesTheWinnerReannouncing) {
  Simulation sim;
  const auto first = sim.add_router(make_config("VI_1", 150, "10.0.0.1"));
  const auto second = sim.add_router(make_config("VI_1", 100, "10.0.0.2"));
  sim.start(first);
  sim.start(second);
  sim.run_until(at(10s));
  sim.set_link(first, false);
  sim.run_for(10s);
  EXPECT_EQ(sim.masters(51).size(), 2u);  // partitioned: both hold the VIPs
  const int announcements_before = sim.node(first).announcements;

  sim.set_link(first, true);
  sim.run_for(5s);
  expect_single_master(sim, first);
  EXPECT_GT(sim.node(first).announcements, announcements_before);
  EXPECT_EQ(sim.node(first).rx_lower_priority_notifies, 1);
  EXPECT_TRUE(has_log(sim.node(first).log, "two masters, staying MASTER and re-announcing"));
}

}  // namespace
}  // namespace keel::vrrp

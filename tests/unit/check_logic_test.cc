// check/logic: a checker's retry / delay_before_retry / delay_loop / warmup / alpha rules
// (keepalived's check_*.c epilogues) and a virtual server's quorum, hysteresis, sorry
// server, inhibit_on_failure and omega rules (ipwrapper.c), driven by a fake clock.
#include <gtest/gtest.h>

#include <chrono>
#include <string>
#include <vector>

#include "check/logic/checker_retry.h"
#include "check/logic/virtual_server_state.h"

namespace keel::check {
namespace {

using namespace std::chrono_literals;

// A fake clock: tests move time by hand; nothing here ever sleeps.
const TimePoint kStart = TimePoint{} + 1000s;

RetryPolicy policy(std::uint32_t retry, bool alpha = false) {
  return {.retry = retry, .delay_loop = 10s, .delay_before_retry = 2s, .warmup = 6s, .alpha = alpha};
}

TEST(CheckerRetry, SuccessSchedulesTheNextCheckOneDelayLoopLater) {
  CheckerRetry checker{policy(1)};
  EXPECT_TRUE(checker.is_up()) << "without alpha a checker starts up";
  const CheckerStep step = checker.on_result(true, kStart);
  EXPECT_EQ(step.next_check_at, kStart + 10s);
  EXPECT_EQ(step.transition, std::nullopt) << "already up: nothing to report";
  EXPECT_FALSE(step.retrying);
}

TEST(CheckerRetry, FailingUpCheckerIsRetriedThenGoesDown) {
  CheckerRetry checker{policy(2)};
  TimePoint now = kStart;
  checker.on_result(true, now);
  now += 10s;
  CheckerStep step = checker.on_result(false, now);
  EXPECT_TRUE(step.retrying);
  EXPECT_EQ(step.next_check_at, now + 2s);
  EXPECT_EQ(step.transition, std::nullopt);
  now += 2s;
  step = checker.on_result(false, now);
  EXPECT_TRUE(step.retrying);
  EXPECT_EQ(checker.retries_so_far(), 2u);
  now += 2s;
  step = checker.on_result(false, now);
  EXPECT_EQ(step.transition, CheckerTransition::kDown);
  EXPECT_EQ(step.retries_used, 2u);
  EXPECT_FALSE(step.retrying);
  EXPECT_EQ(step.next_check_at, now + 10s);
  EXPECT_FALSE(checker.is_up());
}

TEST(CheckerRetry, SuccessDuringRetriesStartsTheCountAgain) {
  CheckerRetry checker{policy(1)};
  checker.on_result(false, kStart);
  EXPECT_EQ(checker.retries_so_far(), 1u);
  checker.on_result(true, kStart + 2s);
  EXPECT_EQ(checker.retries_so_far(), 0u);
  EXPECT_TRUE(checker.on_result(false, kStart + 12s).retrying) << "a fresh failure is retried again";
}

TEST(CheckerRetry, DownCheckerIsNotRetriedAndComesBackOnOneSuccess) {
  CheckerRetry checker{policy(0)};
  checker.on_result(true, kStart);
  EXPECT_EQ(checker.on_result(false, kStart + 10s).transition, CheckerTransition::kDown);
  const CheckerStep still_down = checker.on_result(false, kStart + 20s);
  EXPECT_EQ(still_down.transition, std::nullopt);
  EXPECT_FALSE(still_down.retrying);
  EXPECT_EQ(still_down.next_check_at, kStart + 30s);
  EXPECT_EQ(checker.on_result(true, kStart + 30s).transition, CheckerTransition::kUp);
}

TEST(CheckerRetry, FirstFailureOfANonAlphaCheckerIsRetriedToo) {
  CheckerRetry checker{policy(1)};
  EXPECT_TRUE(checker.on_result(false, kStart).retrying);
  const CheckerStep step = checker.on_result(false, kStart + 2s);
  EXPECT_EQ(step.transition, CheckerTransition::kDown);
  EXPECT_EQ(step.retries_used, 1u);
}

TEST(CheckerRetry, AlphaCheckerStartsDownAndNeedsOneSuccess) {
  CheckerRetry checker{policy(3, true)};
  EXPECT_FALSE(checker.is_up());
  EXPECT_EQ(checker.on_result(true, kStart).transition, CheckerTransition::kUp);
}

TEST(CheckerRetry, AlphaFirstFailureIsConfirmedOnlyWithoutRetries) {
  CheckerRetry no_retry{policy(0, true)};
  EXPECT_EQ(no_retry.on_result(false, kStart).transition, CheckerTransition::kStartedDown);
  CheckerRetry with_retry{policy(1, true)};
  const CheckerStep step = with_retry.on_result(false, kStart);
  EXPECT_EQ(step.transition, std::nullopt) << "keepalived neither retries nor notifies here";
  EXPECT_FALSE(step.retrying);
  EXPECT_EQ(step.next_check_at, kStart + 10s);
}

TEST(CheckerRetry, WarmupSpreadsTheFirstCheck) {
  const CheckerRetry checker{policy(1)};
  EXPECT_EQ(checker.first_check_at(kStart, 0.0), kStart);
  EXPECT_EQ(checker.first_check_at(kStart, 0.5), kStart + 3s);
  EXPECT_LE(checker.first_check_at(kStart, 1.0), kStart + 6s);
  const CheckerRetry no_warmup{{.warmup = 0s}};
  EXPECT_EQ(no_warmup.first_check_at(kStart, 0.9), kStart);
}

TEST(CheckerRetry, PolicyComesFromTheValidatedChecker) {
  config::Checker checker{.alpha = true, .retry = 3, .delay_before_retry = 4s, .warmup = 0s, .delay_loop = 7s};
  const RetryPolicy p = retry_policy(checker);
  EXPECT_EQ(p.retry, 3u);
  EXPECT_EQ(p.delay_before_retry, 4s);
  EXPECT_EQ(p.delay_loop, 7s);
  EXPECT_EQ(p.warmup, 0s);
  EXPECT_TRUE(p.alpha);
  EXPECT_EQ(retry_policy(config::Checker{.delay_loop = 5s}).warmup, 5s) << "warmup defaults to delay_loop";
}

// ---- virtual server

VirtualServerSpec pool(int servers, std::uint32_t quorum = 1, std::uint32_t hysteresis = 0) {
  VirtualServerSpec spec{.name = "[198.18.0.100]:tcp:80", .quorum = quorum, .hysteresis = hysteresis};
  for (int i = 0; i < servers; ++i) {
    spec.real_servers.push_back({.name = "[198.18.1." + std::to_string(11 + i) + "]:tcp:80", .weight = 1});
  }
  return spec;
}

std::vector<std::string> log_lines(const VirtualServerState& vs, const std::vector<VirtualServerEvent>& events) {
  std::vector<std::string> lines;
  for (const auto& event : events) {
    if (auto line = vs.log_line(event); !line.empty()) lines.push_back(line);
  }
  return lines;
}

TEST(VirtualServerState, StartsWithEveryNonAlphaServerInThePool) {
  VirtualServerState vs{pool(2)};
  EXPECT_TRUE(vs.start().empty());
  EXPECT_TRUE(vs.quorum_up());
  EXPECT_EQ(vs.desired_destinations(), (std::vector<Destination>{{0, 1}, {1, 1}}));
}

TEST(VirtualServerState, FailedServerIsRemovedWithKeepalivedsLogLine) {
  VirtualServerState vs{pool(2)};
  vs.start();
  const auto events = vs.checker_changed(0, CheckerTransition::kDown, "bad status 503");
  EXPECT_EQ(events, (std::vector<VirtualServerEvent>{RealServerChanged{0, false, "bad status 503"},
                                                     RealServerNotify{0, false}}));
  EXPECT_EQ(
      log_lines(vs, events),
      std::vector<std::string>{"Removing service [198.18.1.11]:tcp:80 from VS [198.18.0.100]:tcp:80 (bad status 503)"});
  EXPECT_EQ(vs.desired_destinations(), (std::vector<Destination>{{1, 1}}));
  const auto back = vs.checker_changed(0, CheckerTransition::kUp);
  EXPECT_EQ(log_lines(vs, back),
            std::vector<std::string>{"Adding service [198.18.1.11]:tcp:80 to VS [198.18.0.100]:tcp:80"});
}

TEST(VirtualServerState, ServerIsAliveOnlyWhileNoCheckerIsDown) {
  VirtualServerState vs{pool(1, 0)};
  vs.start();
  EXPECT_FALSE(vs.checker_changed(0, CheckerTransition::kDown).empty());
  EXPECT_TRUE(vs.checker_changed(0, CheckerTransition::kDown).empty()) << "second checker down: no change";
  EXPECT_TRUE(vs.checker_changed(0, CheckerTransition::kUp).empty()) << "one checker still down";
  EXPECT_FALSE(vs.alive(0));
  EXPECT_FALSE(vs.checker_changed(0, CheckerTransition::kUp).empty());
  EXPECT_TRUE(vs.alive(0));
}

TEST(VirtualServerState, InhibitOnFailureKeepsTheServerAtWeightZero) {
  VirtualServerSpec spec = pool(2);
  spec.real_servers[0].inhibit_on_failure = true;
  spec.real_servers[0].weight = 5;
  VirtualServerState vs{spec};
  vs.start();
  const auto events = vs.checker_changed(0, CheckerTransition::kDown, "timeout");
  EXPECT_EQ(log_lines(vs, events),
            std::vector<std::string>{"Disabling service [198.18.1.11]:tcp:80 of VS [198.18.0.100]:tcp:80 (timeout)"});
  EXPECT_EQ(vs.desired_destinations(), (std::vector<Destination>{{0, 0}, {1, 1}}));
  EXPECT_EQ(log_lines(vs, vs.checker_changed(0, CheckerTransition::kUp)),
            std::vector<std::string>{"Enabling service [198.18.1.11]:tcp:80 of VS [198.18.0.100]:tcp:80"});
  EXPECT_EQ(vs.desired_destinations(), (std::vector<Destination>{{0, 5}, {1, 1}}));
}

TEST(VirtualServerState, HysteresisWidensTheQuorumBandBothWays) {
  VirtualServerState vs{pool(4, 3, 1)};  // up until the sum drops below 2; back up at 4
  vs.start();
  EXPECT_TRUE(vs.checker_changed(0, CheckerTransition::kDown).size() == 2) << "sum 3: no quorum event";
  vs.checker_changed(1, CheckerTransition::kDown);
  EXPECT_TRUE(vs.quorum_up()) << "sum 2 >= 3-1";
  const auto lost = vs.checker_changed(2, CheckerTransition::kDown);
  EXPECT_FALSE(vs.quorum_up());
  EXPECT_EQ(log_lines(vs, lost).back(), "Lost quorum 3-1=2 > 1 for VS [198.18.0.100]:tcp:80");
  EXPECT_NE(std::find(lost.begin(), lost.end(), VirtualServerEvent{QuorumNotify{false}}), lost.end());
  vs.checker_changed(2, CheckerTransition::kUp);
  vs.checker_changed(1, CheckerTransition::kUp);
  EXPECT_FALSE(vs.quorum_up()) << "sum 3 < 3+1";
  const auto gained = vs.checker_changed(0, CheckerTransition::kUp);
  EXPECT_TRUE(vs.quorum_up());
  EXPECT_EQ(log_lines(vs, gained).back(), "Gained quorum 3+1=4 <= 4 for VS [198.18.0.100]:tcp:80");
  EXPECT_EQ(gained.back(), VirtualServerEvent{QuorumNotify{true}});
}

TEST(VirtualServerState, SorryServerReplacesThePoolBelowQuorum) {
  VirtualServerSpec spec = pool(2, 2);
  spec.sorry_server = SorryServerSpec{.name = "[198.18.1.99]:tcp:80", .weight = 1};
  VirtualServerState vs{spec};
  vs.start();
  EXPECT_FALSE(vs.sorry_server_active());
  const auto lost = vs.checker_changed(1, CheckerTransition::kDown, "connection refused");
  EXPECT_TRUE(vs.sorry_server_active());
  EXPECT_EQ(log_lines(vs, lost),
            (std::vector<std::string>{
                "Removing service [198.18.1.12]:tcp:80 from VS [198.18.0.100]:tcp:80 (connection refused)",
                "Lost quorum 2-0=2 > 1 for VS [198.18.0.100]:tcp:80",
                "Adding sorry server [198.18.1.99]:tcp:80 to VS [198.18.0.100]:tcp:80"}));
  EXPECT_EQ(vs.desired_destinations(), (std::vector<Destination>{{std::nullopt, 1}}))
      << "the alive server leaves the pool too";
  const auto gained = vs.checker_changed(1, CheckerTransition::kUp);
  EXPECT_EQ(log_lines(vs, gained).back(), "Removing sorry server [198.18.1.99]:tcp:80 from VS [198.18.0.100]:tcp:80");
  EXPECT_EQ(vs.desired_destinations(), (std::vector<Destination>{{0, 1}, {1, 1}}));
}

TEST(VirtualServerState, AlphaServersStartDownAndTheSorryServerStartsIn) {
  VirtualServerSpec spec = pool(2);
  for (auto& real : spec.real_servers) real.alpha_checkers = 1;
  spec.sorry_server = SorryServerSpec{.name = "[198.18.1.99]:tcp:80", .weight = 1, .inhibit = true};
  VirtualServerState vs{spec};
  const auto events = vs.start();
  EXPECT_EQ(log_lines(vs, events),
            (std::vector<std::string>{"Starting with quorum down 1-0=1 > 0 for VS [198.18.0.100]:tcp:80",
                                      "Enabling sorry server [198.18.1.99]:tcp:80 to VS [198.18.0.100]:tcp:80"}));
  EXPECT_EQ(vs.desired_destinations(), (std::vector<Destination>{{std::nullopt, 1}}));
  vs.checker_changed(0, CheckerTransition::kUp);
  EXPECT_EQ(vs.desired_destinations(), (std::vector<Destination>{{0, 1}, {std::nullopt, 0}}))
      << "sorry_server_inhibit keeps it at weight 0";
}

TEST(VirtualServerState, StartedDownOnlyRunsTheNotifier) {
  VirtualServerSpec spec = pool(1, 0);
  spec.real_servers[0].alpha_checkers = 1;
  VirtualServerState vs{spec};
  vs.start();
  EXPECT_EQ(vs.checker_changed(0, CheckerTransition::kStartedDown),
            (std::vector<VirtualServerEvent>{RealServerNotify{0, false}}));
}

TEST(VirtualServerState, ZeroLiveWeightLosesQuorumEvenWithQuorumZero) {
  VirtualServerState vs{pool(1, 0)};
  vs.start();
  vs.checker_changed(0, CheckerTransition::kDown);
  EXPECT_FALSE(vs.quorum_up());
}

TEST(VirtualServerState, WeightChangesAreClampedAndMoveTheQuorum) {
  VirtualServerState vs{pool(2, 2)};
  vs.start();
  const auto events = vs.set_weight(0, 5);
  EXPECT_EQ(log_lines(vs, events),
            std::vector<std::string>{
                "Changing weight from 1 to 5 for active service [198.18.1.11]:tcp:80 of VS [198.18.0.100]:tcp:80"});
  EXPECT_EQ(vs.live_weight(), 6);
  EXPECT_TRUE(vs.set_weight(0, 5).empty()) << "same weight, no event";
  const auto negative = vs.set_weight(0, -3);
  EXPECT_EQ(std::get<WeightChanged>(negative.front()).new_weight, 0);
  EXPECT_FALSE(vs.quorum_up()) << "sum 1 < 2";
}

TEST(VirtualServerState, ShutdownEmptiesTheTableAndNotifiesOnlyInOmegaMode) {
  VirtualServerSpec spec = pool(2);
  VirtualServerState plain{spec};
  plain.start();
  plain.checker_changed(1, CheckerTransition::kDown);
  EXPECT_EQ(plain.shutdown(), (std::vector<VirtualServerEvent>{RealServerShutdown{0}}));
  EXPECT_TRUE(plain.desired_destinations().empty());
  EXPECT_TRUE(plain.checker_changed(1, CheckerTransition::kUp).empty()) << "nothing happens after shutdown";

  spec.omega = true;
  VirtualServerState omega{spec};
  omega.start();
  const auto events = omega.shutdown();
  EXPECT_EQ(events,
            (std::vector<VirtualServerEvent>{RealServerShutdown{0}, RealServerNotify{0, false}, RealServerShutdown{1},
                                             RealServerNotify{1, false}, QuorumNotify{false}}));
  EXPECT_EQ(omega.log_line(events.front()), "Shutting down service [198.18.1.11]:tcp:80 from VS [198.18.0.100]:tcp:80");
}

TEST(VirtualServerState, SpecComesFromTheValidatedModelWithInheritance) {
  config::VirtualServer server{.address = *config::IpAddress::parse("198.18.0.100"), .port = 80};
  server.alpha = true;
  server.inhibit_on_failure = true;
  server.weight = 3;
  server.quorum = 4;
  server.hysteresis = 1;
  server.sorry_server = config::SorryServer{.address = *config::IpAddress::parse("2001:db8::9"), .port = 8080};
  config::RealServer first{.address = *config::IpAddress::parse("198.18.1.11"), .port = 80};
  first.checkers.push_back(config::Checker{.type = config::CheckerType::kTcp});
  first.checkers.push_back(config::Checker{.type = config::CheckerType::kHttp, .alpha = false});
  config::RealServer second{.address = *config::IpAddress::parse("198.18.1.12"), .port = 81, .weight = 7};
  second.inhibit_on_failure = false;
  server.real_servers = {first, second};

  const VirtualServerSpec spec = virtual_server_spec(server);
  EXPECT_EQ(spec.name, "[198.18.0.100]:tcp:80");
  EXPECT_EQ(spec.quorum, 4u);
  EXPECT_EQ(spec.hysteresis, 1u);
  ASSERT_TRUE(spec.sorry_server);
  EXPECT_EQ(spec.sorry_server->name, "[2001:db8::9]:tcp:8080");
  ASSERT_EQ(spec.real_servers.size(), 2u);
  EXPECT_EQ(spec.real_servers[0].weight, 3);
  EXPECT_TRUE(spec.real_servers[0].inhibit_on_failure);
  EXPECT_EQ(spec.real_servers[0].alpha_checkers, 1u) << "the TCP_CHECK inherits alpha, the HTTP_GET turns it off";
  EXPECT_EQ(spec.real_servers[1].name, "[198.18.1.12]:tcp:81");
  EXPECT_EQ(spec.real_servers[1].weight, 7);
  EXPECT_FALSE(spec.real_servers[1].inhibit_on_failure);
}

// Checker and virtual server together on the fake clock: the time from the first failed
// check to the removal is retry * delay_before_retry.
TEST(CheckerAndVirtualServer, ServerIsRemovedAfterItsRetries) {
  VirtualServerState vs{pool(1, 0)};
  vs.start();
  CheckerRetry checker{policy(2)};
  TimePoint now = checker.first_check_at(kStart, 0.0);
  const TimePoint failed_at = now + 10s;
  std::vector<std::string> lines;
  for (bool healthy : {true, false, false, false}) {
    const CheckerStep step = checker.on_result(healthy, now);
    if (step.transition) {
      for (auto& line : log_lines(vs, vs.checker_changed(0, *step.transition, "timeout"))) lines.push_back(line);
      EXPECT_EQ(now - failed_at, 4s);
    }
    now = step.next_check_at;
  }
  EXPECT_EQ(lines.front(), "Removing service [198.18.1.11]:tcp:80 from VS [198.18.0.100]:tcp:80 (timeout)");
  EXPECT_TRUE(vs.desired_destinations().empty());
}

}  // namespace
}  // namespace keel::check

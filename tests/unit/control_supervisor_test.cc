// The supervisor's pure parts and the child's run time without forking: the message
// codec (round trips, golden bytes, every decode error), MessageSocket on a socket
// pair, the respawn back-off, child-exit classification, which children -P/-C run, and
// a ChildRuntime driven over its socket (Ready, ReloadConfig, bad reloads, shutdown).
#include "control/supervisor.h"

#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <functional>
#include <string>
#include <vector>

#include <gtest/gtest.h>

namespace keel::ctl {
namespace {

using namespace std::chrono_literals;
namespace fs = std::filesystem;

std::vector<std::byte> bytes(std::initializer_list<int> values) {
  std::vector<std::byte> out;
  for (int v : values) out.push_back(static_cast<std::byte>(v));
  return out;
}

// --- message codec -------------------------------------------------------------------

TEST(Messages, EveryMessageRoundTrips) {
  const std::vector<Message> messages = {
      ReloadConfig{.generation = 0},
      ReloadConfig{.generation = 0xfedcba9876543210},
      Ready{},
      VrrpStateChanged{.instance = "VI_1", .state = vrrp::RouterState::kMaster},
      VrrpStateChanged{.instance = "", .state = vrrp::RouterState::kStop},
      VrrpStateChanged{.instance = std::string(kMaxStringLength, 'x'), .state = vrrp::RouterState::kFault},
  };
  for (const Message& message : messages) {
    const auto encoded = encode(message);
    ASSERT_TRUE(encoded.has_value()) << to_string(message);
    EXPECT_LE(encoded->size(), kMaxMessageSize);
    const auto decoded = decode(*encoded);
    ASSERT_TRUE(decoded.has_value()) << to_string(message) << ": " << to_string(decoded.error());
    EXPECT_EQ(*decoded, message) << to_string(message);
  }
}

TEST(Messages, WireFormatIsVersionTypeThenBigEndianFields) {
  EXPECT_EQ(encode(ReloadConfig{.generation = 0x0102030405060708}).value(),
            bytes({1, 1, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08}));
  EXPECT_EQ(encode(Ready{}).value(), bytes({1, 2}));
  EXPECT_EQ(encode(VrrpStateChanged{.instance = "VI", .state = vrrp::RouterState::kMaster}).value(),
            bytes({1, 3, 0x00, 0x02, 'V', 'I', 2}));
}

TEST(Messages, DecodeRejectsMalformedInput) {
  EXPECT_EQ(decode({}).error(), DecodeError::kTruncated);
  EXPECT_EQ(decode(bytes({1})).error(), DecodeError::kTruncated);
  EXPECT_EQ(decode(bytes({2, 2})).error(), DecodeError::kBadVersion);
  EXPECT_EQ(decode(bytes({1, 0})).error(), DecodeError::kUnknownType);
  EXPECT_EQ(decode(bytes({1, 99})).error(), DecodeError::kUnknownType);
  EXPECT_EQ(decode(bytes({1, 1, 0, 0, 0})).error(), DecodeError::kTruncated);  // 3 of 8 generation bytes
  EXPECT_EQ(decode(bytes({1, 2, 0})).error(), DecodeError::kTrailingBytes);
  EXPECT_EQ(decode(bytes({1, 3, 0, 5, 'V', 'I'})).error(), DecodeError::kTruncated);    // string says 5, has 2
  EXPECT_EQ(decode(bytes({1, 3, 0, 2, 'V', 'I'})).error(), DecodeError::kTruncated);    // no state byte
  EXPECT_EQ(decode(bytes({1, 3, 0, 2, 'V', 'I', 5})).error(), DecodeError::kBadValue);  // no state 5
  EXPECT_EQ(decode(bytes({1, 3, 0x04, 0x01})).error(), DecodeError::kBadValue);         // 1025 > kMaxStringLength
  EXPECT_EQ(decode(std::vector<std::byte>(kMaxMessageSize + 1, std::byte{1})).error(), DecodeError::kTooLong);
}

TEST(Messages, EncodingRefusesAnOverlongInstanceName) {
  const auto encoded = encode(VrrpStateChanged{.instance = std::string(kMaxStringLength + 1, 'x')});
  EXPECT_FALSE(encoded.has_value());
}

TEST(Messages, ToStringNamesTypeAndFields) {
  EXPECT_EQ(to_string(Message{ReloadConfig{.generation = 7}}), "ReloadConfig{generation=7}");
  EXPECT_EQ(to_string(Message{Ready{}}), "Ready{}");
  EXPECT_EQ(to_string(Message{VrrpStateChanged{.instance = "VI_1", .state = vrrp::RouterState::kBackup}}),
            "VrrpStateChanged{instance=VI_1, state=BACKUP}");
}

// --- MessageSocket -------------------------------------------------------------------

class SocketPairTest : public ::testing::Test {
 protected:
  void turn() { ASSERT_TRUE(loop_->run_once(0ms).has_value()); }

  std::unique_ptr<EventLoop> loop_ = EventLoop::create().value();
};

TEST_F(SocketPairTest, MessagesArriveOnePerDatagramInOrder) {
  auto [a, b] = MessageSocket::make_pair().value();
  std::vector<Message> received;
  auto left = MessageSocket::open(*loop_, std::move(a), {}).value();
  auto right = MessageSocket::open(*loop_, std::move(b), {.on_message = [&](const Message& m) {
                 received.push_back(m);
               }}).value();
  ASSERT_TRUE(left->send(Ready{}).has_value());
  ASSERT_TRUE(left->send(ReloadConfig{.generation = 2}).has_value());
  ASSERT_TRUE(left->send(VrrpStateChanged{.instance = "VI_1", .state = vrrp::RouterState::kMaster}).has_value());
  turn();
  EXPECT_EQ(received,
            (std::vector<Message>{Ready{}, ReloadConfig{.generation = 2},
                                  VrrpStateChanged{.instance = "VI_1", .state = vrrp::RouterState::kMaster}}));
}

TEST_F(SocketPairTest, InvalidDatagramIsReportedAndTheNextOneStillArrives) {
  auto [a, b] = MessageSocket::make_pair().value();
  std::vector<DecodeError> invalid;
  std::vector<Message> received;
  const int raw = a.get();
  auto right = MessageSocket::open(*loop_, std::move(b),
                                   {.on_message = [&](const Message& m) { received.push_back(m); },
                                    .on_invalid = [&](DecodeError e) { invalid.push_back(e); }})
                   .value();
  const auto garbage = bytes({9, 9, 9});
  ASSERT_EQ(::send(raw, garbage.data(), garbage.size(), 0), 3);
  const auto ready = encode(Ready{}).value();
  ASSERT_EQ(::send(raw, ready.data(), ready.size(), 0), 2);
  turn();
  EXPECT_EQ(invalid, (std::vector<DecodeError>{DecodeError::kBadVersion}));
  EXPECT_EQ(received, (std::vector<Message>{Ready{}}));
}

TEST_F(SocketPairTest, ClosingOneEndTellsTheOtherAndItMayDestroyItself) {
  auto [a, b] = MessageSocket::make_pair().value();
  std::unique_ptr<MessageSocket> right;
  int closed = 0;
  right = MessageSocket::open(*loop_, std::move(b), {.on_closed = [&] {
            ++closed;
            right.reset();
          }}).value();
  a.reset();
  turn();
  turn();
  EXPECT_EQ(closed, 1);
  EXPECT_EQ(right, nullptr);
}

TEST_F(SocketPairTest, SendAfterThePeerClosedIsAnError) {
  auto [a, b] = MessageSocket::make_pair().value();
  auto left = MessageSocket::open(*loop_, std::move(a), {}).value();
  b.reset();
  EXPECT_FALSE(left->send(Ready{}).has_value());
}

// --- respawn policy ------------------------------------------------------------------

TEST(RestartPolicy, DelayDoublesFromOneSecondUpToThirty) {
  const RestartPolicy policy;
  std::vector<Duration> delays;
  for (unsigned crashes = 1; crashes <= 8; ++crashes) delays.push_back(restart_delay(policy, crashes));
  EXPECT_EQ(delays, (std::vector<Duration>{1s, 2s, 4s, 8s, 16s, 30s, 30s, 30s}));
}

TEST(RestartPolicy, HugeCrashCountsStayAtTheCap) {
  const RestartPolicy policy;
  EXPECT_EQ(restart_delay(policy, 1000), 30s);
  EXPECT_EQ(restart_delay(policy, ~0U), 30s);
  EXPECT_EQ(restart_delay(policy, 0), 1s);
}

TEST(RestartPolicy, OtherPoliciesScaleTheSameWay) {
  const RestartPolicy policy{.initial = 100ms, .max = 1s, .stable_after = 5s};
  EXPECT_EQ(restart_delay(policy, 1), 100ms);
  EXPECT_EQ(restart_delay(policy, 4), 800ms);
  EXPECT_EQ(restart_delay(policy, 5), 1s);
}

TEST(RestartPolicy, ACrashSoonAfterStartingCountsAndALongRunResetsTheCount) {
  const RestartPolicy policy;  // stable after 60 s
  EXPECT_EQ(crashes_after(policy, 0, 1s), 1u);
  EXPECT_EQ(crashes_after(policy, 3, 10s), 4u);
  EXPECT_EQ(crashes_after(policy, 5, 59s), 6u);
  EXPECT_EQ(crashes_after(policy, 5, 60s), 1u);
  EXPECT_EQ(crashes_after(policy, 5, 3600s), 1u);
}

// --- child exits ---------------------------------------------------------------------

TEST(ChildExit, AnyExitIsExpectedWhileStopping) {
  for (const ProcessExit& exit : {ProcessExit::exited(0), ProcessExit::exited(1), ProcessExit::killed(SIGKILL),
                                  ProcessExit::exited(kChildExitFatal)}) {
    EXPECT_EQ(classify_child_exit(exit, true).action, ChildExitAction::kNone) << exit.to_string();
  }
}

TEST(ChildExit, DeathBySignalIsRespawnedAndNamesTheSignal) {
  EXPECT_EQ(classify_child_exit(ProcessExit::killed(SIGKILL), false),
            (ChildExitVerdict{ChildExitAction::kRespawn, "killed by signal 9 (SIGKILL)"}));
  EXPECT_EQ(classify_child_exit(ProcessExit::killed(SIGSEGV, true), false),
            (ChildExitVerdict{ChildExitAction::kRespawn, "killed by signal 11 (SIGSEGV), core dumped"}));
}

TEST(ChildExit, FailureStatusIsRespawned) {
  EXPECT_EQ(classify_child_exit(ProcessExit::exited(kChildExitFailed), false),
            (ChildExitVerdict{ChildExitAction::kRespawn, "exited with status 1"}));
}

TEST(ChildExit, CleanExitWithoutBeingAskedIsRespawned) {
  EXPECT_EQ(classify_child_exit(ProcessExit::exited(0), false).action, ChildExitAction::kRespawn);
}

TEST(ChildExit, FatalStatusStopsTheDaemon) {
  const ChildExitVerdict verdict = classify_child_exit(ProcessExit::exited(kChildExitFatal), false);
  EXPECT_EQ(verdict.action, ChildExitAction::kStopDaemon);
  EXPECT_EQ(verdict.reason, "exited with a fatal error (status 4)");
}

TEST(ChildSelection, DashPAndDashCChooseTheChildren) {
  const auto with = [](bool vrrp, bool check) {
    Options options;
    options.vrrp_only = vrrp;
    options.check_only = check;
    return children_to_run(options);
  };
  EXPECT_EQ(with(false, false), (std::vector<ChildKind>{ChildKind::kVrrp, ChildKind::kChecker}));
  EXPECT_EQ(with(true, false), (std::vector<ChildKind>{ChildKind::kVrrp}));
  EXPECT_EQ(with(false, true), (std::vector<ChildKind>{ChildKind::kChecker}));
  EXPECT_EQ(with(true, true), (std::vector<ChildKind>{ChildKind::kVrrp, ChildKind::kChecker}));
}

TEST(ServiceRegistry, FindsFactoriesByName) {
  ServiceRegistry services;
  EXPECT_EQ(services.find(kVrrpService), nullptr);
  services.add(std::string{kVrrpService}, [](ChildContext&) -> std::expected<std::unique_ptr<Component>, Error> {
    return std::unexpected(Error{.message = "unused"});
  });
  EXPECT_NE(services.find("vrrp"), nullptr);
  EXPECT_EQ(services.find(kCheckerService), nullptr);
}

// --- ChildRuntime, in-process --------------------------------------------------------

// Records what the runtime gives it.
class RecordingComponent final : public Component {
 public:
  explicit RecordingComponent(std::vector<std::string>& events) : events_(events) {}
  std::string_view name() const override { return "recording"; }
  void apply_config(const config::Config& config) override {
    events_.push_back(fmt::format("apply {}", config.vrrp_instances.size()));
  }
  void dump_state(Logger&) const override { events_.push_back("dump"); }
  void stop() override { events_.push_back("stop"); }

 private:
  std::vector<std::string>& events_;
};

constexpr std::string_view kOneInstance = R"(
vrrp_instance VI_1 {
  state BACKUP
  interface veth0
  virtual_router_id 51
  priority 100
}
)";
constexpr std::string_view kTwoInstances = R"(
vrrp_instance VI_1 {
  state BACKUP
  interface veth0
  virtual_router_id 51
  priority 100
}
vrrp_instance VI_2 {
  state BACKUP
  interface veth0
  virtual_router_id 52
  priority 100
}
)";
constexpr std::string_view kBroken = "vrrp_instance VI_1 {\n  virtual_router_id 300\n}\n";

class ChildRuntimeTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / fmt::format("keel-child-test-{}", ::getpid());
    fs::create_directories(dir_);
    options_.config_file = dir_ / "keepalived.conf";
    write_config(kOneInstance);
    log_ = std::tmpfile();
    logger_ = std::make_unique<Logger>(LoggerOptions{.console = true, .syslog = false, .console_stream = log_});
  }
  void TearDown() override {
    runtime_.reset();
    std::fclose(log_);
    std::error_code ignored;
    fs::remove_all(dir_, ignored);
  }

  void write_config(std::string_view text) { std::ofstream(options_.config_file) << text; }
  void turn() { ASSERT_TRUE(loop_->run_once(0ms).has_value()); }
  std::string log_text() {
    std::fflush(log_);
    std::rewind(log_);
    std::string text;
    char buffer[512];
    while (std::fgets(buffer, sizeof buffer, log_) != nullptr) text += buffer;
    return text;
  }

  // Starts the runtime with `factory` (null: placeholder); the test holds the supervisor end.
  void start(const ComponentFactory* factory) {
    auto [supervisor, child] = MessageSocket::make_pair().value();
    supervisor_ = MessageSocket::open(*loop_, std::move(supervisor), {.on_message = [this](const Message& m) {
                    from_child_.push_back(m);
                  }}).value();
    runtime_ = std::make_unique<ChildRuntime>(ChildKind::kVrrp, options_, *logger_, *loop_);
    auto loaded = load_config(options_);
    ASSERT_TRUE(loaded.ok());
    auto started = runtime_->start(std::move(child), std::move(loaded.config), 1, factory);
    ASSERT_TRUE(started.has_value()) << started.error().error.to_string();
  }

  ComponentFactory recording_factory() {
    return [this](ChildContext& context) -> std::expected<std::unique_ptr<Component>, Error> {
      EXPECT_EQ(context.kind, ChildKind::kVrrp);
      return std::make_unique<RecordingComponent>(events_);
    };
  }

  fs::path dir_;
  Options options_;
  std::FILE* log_ = nullptr;
  std::unique_ptr<Logger> logger_;
  std::unique_ptr<EventLoop> loop_ = EventLoop::create().value();
  std::unique_ptr<MessageSocket> supervisor_;
  std::vector<Message> from_child_;
  std::vector<std::string> events_;
  std::unique_ptr<ChildRuntime> runtime_;
};

TEST_F(ChildRuntimeTest, StartAppliesTheForkedConfigurationAndSendsReady) {
  const ComponentFactory factory = recording_factory();
  start(&factory);
  turn();
  EXPECT_EQ(events_, (std::vector<std::string>{"apply 1"}));
  EXPECT_EQ(from_child_, (std::vector<Message>{Ready{}}));
}

TEST_F(ChildRuntimeTest, ReloadConfigReadsTheFileAgain) {
  const ComponentFactory factory = recording_factory();
  start(&factory);
  write_config(kTwoInstances);
  ASSERT_TRUE(supervisor_->send(ReloadConfig{.generation = 2}).has_value());
  turn();
  EXPECT_EQ(events_, (std::vector<std::string>{"apply 1", "apply 2"}));
  EXPECT_EQ(runtime_->generation(), 2u);
  EXPECT_EQ(runtime_->config().vrrp_instances.size(), 2u);
  EXPECT_NE(log_text().find("Reloaded configuration " + options_.config_file.string() + " (generation 2)"),
            std::string::npos);
}

TEST_F(ChildRuntimeTest, BrokenFileKeepsTheRunningConfiguration) {
  const ComponentFactory factory = recording_factory();
  start(&factory);
  write_config(kBroken);
  ASSERT_TRUE(supervisor_->send(ReloadConfig{.generation = 2}).has_value());
  turn();
  EXPECT_EQ(events_, (std::vector<std::string>{"apply 1"}));
  EXPECT_EQ(runtime_->generation(), 1u);
  EXPECT_NE(log_text().find("keeping the running configuration"), std::string::npos);
}

TEST_F(ChildRuntimeTest, SupervisorGoingAwayStopsTheChild) {
  const ComponentFactory factory = recording_factory();
  start(&factory);
  supervisor_.reset();
  EXPECT_EQ(runtime_->run(), kChildExitOk);  // returns: the closed socket stopped the loop
  EXPECT_EQ(events_, (std::vector<std::string>{"apply 1", "stop"}));
}

TEST_F(ChildRuntimeTest, PlaceholderLogsWhatItWasGiven) {
  start(nullptr);
  write_config(kTwoInstances);
  ASSERT_TRUE(supervisor_->send(ReloadConfig{.generation = 2}).has_value());
  turn();
  const std::string log = log_text();
  EXPECT_NE(log.find("VRRP child started (1 instance)"), std::string::npos) << log;
  EXPECT_NE(log.find("VRRP child applied the new configuration (2 instances)"), std::string::npos) << log;
}

TEST_F(ChildRuntimeTest, FactoryFailingWithEpermIsFatalAndOtherwiseRetried) {
  const auto exit_status_for = [this](int errno_value) {
    auto [unused_supervisor, child] = MessageSocket::make_pair().value();
    ChildRuntime runtime(ChildKind::kChecker, options_, *logger_, *loop_);
    const ComponentFactory failing = [errno_value](ChildContext&) -> std::expected<std::unique_ptr<Component>, Error> {
      return std::unexpected(Error{.message = "cannot open", .errno_value = errno_value});
    };
    auto started = runtime.start(std::move(child), config::Config{}, 1, &failing);
    EXPECT_FALSE(started.has_value());
    EXPECT_EQ(started.error().error.message, "cannot open");  // the factory's error, not another
    return started ? kChildExitOk : started.error().exit_status;
  };
  EXPECT_EQ(exit_status_for(EPERM), kChildExitFatal);
  EXPECT_EQ(exit_status_for(EACCES), kChildExitFatal);
  EXPECT_EQ(exit_status_for(EADDRINUSE), kChildExitFailed);
}

}  // namespace
}  // namespace keel::ctl

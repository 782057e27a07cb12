// LoopReactor and LoggerLog: vrrp's ports on keeld's loop and logger. Timers run on a
// manual clock, so deadlines and the reported firing time are exact.
#include "control/reactor.h"

#include <unistd.h>

#include <cstdio>
#include <string>
#include <vector>

#include <gtest/gtest.h>

namespace keel::ctl {
namespace {

using namespace std::chrono_literals;

class ManualClock final : public MonotonicClock {
 public:
  TimePoint now() const override { return now_; }
  void advance(Duration by) { now_ += by; }

 private:
  TimePoint now_{std::chrono::seconds{1000}};
};

class ReactorTest : public ::testing::Test {
 protected:
  void turn() { ASSERT_TRUE(loop_->run_once(0ms).has_value()); }

  ManualClock clock_;
  std::unique_ptr<EventLoop> loop_ = EventLoop::create(&clock_).value();
  LoopReactor reactor_{*loop_};
};

TEST_F(ReactorTest, NowIsTheLoopsClock) { EXPECT_EQ(reactor_.now(), clock_.now()); }

TEST_F(ReactorTest, TimerReportsWhenItActuallyRan) {
  const vrrp::TimePoint deadline = reactor_.now() + 10ms;
  std::vector<vrrp::TimePoint> fired;
  auto handle = reactor_.at(deadline, [&](vrrp::TimePoint when) { fired.push_back(when); });
  clock_.advance(5ms);
  turn();
  EXPECT_TRUE(fired.empty());
  clock_.advance(8ms);  // 3 ms late
  turn();
  ASSERT_EQ(fired.size(), 1u);
  EXPECT_EQ(fired[0] - deadline, 3ms);
}

TEST_F(ReactorTest, DestroyingTheTimerHandleCancelsIt) {
  bool fired = false;
  auto handle = reactor_.at(reactor_.now() + 1ms, [&](vrrp::TimePoint) { fired = true; });
  handle.reset();
  clock_.advance(5ms);
  turn();
  EXPECT_FALSE(fired);
}

TEST_F(ReactorTest, TimerMayDestroyItsOwnHandle) {
  std::unique_ptr<vrrp::Handle> handle;
  int fired = 0;
  handle = reactor_.at(reactor_.now() + 1ms, [&](vrrp::TimePoint) {
    ++fired;
    handle.reset();
  });
  clock_.advance(2ms);
  turn();
  EXPECT_EQ(fired, 1);
  EXPECT_EQ(handle, nullptr);
}

TEST_F(ReactorTest, ReadableFdCallsBackUntilTheHandleIsDropped) {
  int fds[2];
  ASSERT_EQ(::pipe(fds), 0);
  int calls = 0;
  auto handle = reactor_.on_readable(fds[0], [&] { ++calls; });
  turn();
  EXPECT_EQ(calls, 0);
  ASSERT_EQ(::write(fds[1], "x", 1), 1);
  turn();
  EXPECT_EQ(calls, 1);
  handle.reset();
  turn();  // still readable, but no longer watched
  EXPECT_EQ(calls, 1);
  ::close(fds[0]);
  ::close(fds[1]);
}

TEST_F(ReactorTest, WatchingAClosedDescriptorThrows) {
  int fds[2];
  ASSERT_EQ(::pipe(fds), 0);
  ::close(fds[0]);
  ::close(fds[1]);
  EXPECT_THROW(reactor_.on_readable(fds[0], [] {}), std::system_error);
}

TEST(LoggerLog, MapsLevelsAndPrefixes) {
  std::FILE* stream = std::tmpfile();
  {
    Logger logger(LoggerOptions{.console = true, .syslog = false, .detail = false, .console_stream = stream});
    LoggerLog log(logger, "VI_1: ");
    log.write(vrrp::LogLevel::kNotice, "entering MASTER state");
    log.write(vrrp::LogLevel::kDetail, "not shown without -D");
  }
  std::rewind(stream);
  char line[512] = {};
  ASSERT_NE(std::fgets(line, sizeof line, stream), nullptr);
  EXPECT_NE(std::string{line}.find("VI_1: entering MASTER state"), std::string::npos) << line;
  EXPECT_EQ(std::fgets(line, sizeof line, stream), nullptr) << "a detail line leaked: " << line;
  std::fclose(stream);
  EXPECT_EQ(to_logger_level(vrrp::LogLevel::kError), LogLevel::kError);
  EXPECT_EQ(to_logger_level(vrrp::LogLevel::kDetail), LogLevel::kDetail);
}

}  // namespace
}  // namespace keel::ctl

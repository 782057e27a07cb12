// EventLoop: timer order, cancellation by handle, lateness, fd readiness, signalfd, stop.
// Timer tests drive a manual clock, so "due" and "late" are exact; the few tests on
// the real clock wait a millisecond and only check that something happened.
#include "control/event_loop.h"

#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <unistd.h>

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

class ManualClockLoop : public ::testing::Test {
 protected:
  // Processes whatever is ready without waiting; timers are due per the manual clock.
  void turn() { ASSERT_TRUE(loop_->run_once(0ms).has_value()); }

  ManualClock clock_;
  std::unique_ptr<EventLoop> loop_ = EventLoop::create(&clock_).value();
};

TEST_F(ManualClockLoop, TimersFireInDeadlineOrderAndEqualDeadlinesInInsertionOrder) {
  std::vector<std::string> fired;
  const TimePoint start = clock_.now();
  Timer late = loop_->add_timer_at(start + 30ms, [&] { fired.push_back("30"); });
  Timer first = loop_->add_timer_at(start + 10ms, [&] { fired.push_back("10a"); });
  Timer middle = loop_->add_timer_at(start + 20ms, [&] { fired.push_back("20"); });
  Timer tie = loop_->add_timer_at(start + 10ms, [&] { fired.push_back("10b"); });

  clock_.advance(50ms);
  turn();

  EXPECT_EQ(fired, (std::vector<std::string>{"10a", "10b", "20", "30"}));
  EXPECT_EQ(loop_->pending_timers(), 0u);
}

TEST_F(ManualClockLoop, TimersNotYetDueWait) {
  int fired = 0;
  Timer soon = loop_->add_timer(10ms, [&] { ++fired; });
  Timer later = loop_->add_timer(40ms, [&] { ++fired; });

  clock_.advance(15ms);
  turn();
  EXPECT_EQ(fired, 1);
  EXPECT_FALSE(soon.pending());
  EXPECT_TRUE(later.pending());

  clock_.advance(30ms);
  turn();
  EXPECT_EQ(fired, 2);
}

TEST_F(ManualClockLoop, DestroyingTheHandleCancelsTheTimer) {
  bool fired = false;
  {
    Timer dropped = loop_->add_timer(5ms, [&] { fired = true; });
    EXPECT_TRUE(dropped.pending());
  }
  EXPECT_EQ(loop_->pending_timers(), 0u);
  clock_.advance(10ms);
  turn();
  EXPECT_FALSE(fired);
}

TEST_F(ManualClockLoop, CancelAndReassignmentStopThePreviousTimer) {
  std::vector<int> fired;
  Timer timer = loop_->add_timer(5ms, [&] { fired.push_back(1); });
  timer = loop_->add_timer(6ms, [&] { fired.push_back(2); });  // replaces, cancelling 1
  Timer other = loop_->add_timer(7ms, [&] { fired.push_back(3); });
  other.cancel();
  EXPECT_FALSE(other.pending());

  clock_.advance(10ms);
  turn();
  EXPECT_EQ(fired, std::vector<int>{2});
}

TEST_F(ManualClockLoop, LatenessIsHowLongAfterItsDeadlineATimerFired) {
  Timer a = loop_->add_timer(10ms, [] {});
  clock_.advance(25ms);
  turn();
  EXPECT_EQ(loop_->timer_stats().fired, 1u);
  EXPECT_EQ(loop_->timer_stats().last_lateness, 15ms);
  EXPECT_EQ(loop_->timer_stats().max_lateness, 15ms);

  Timer b = loop_->add_timer(5ms, [] {});
  clock_.advance(7ms);
  turn();
  EXPECT_EQ(loop_->timer_stats().fired, 2u);
  EXPECT_EQ(loop_->timer_stats().last_lateness, 2ms);
  EXPECT_EQ(loop_->timer_stats().max_lateness, 15ms);
}

TEST_F(ManualClockLoop, CallbacksCanRearmTheirOwnTimer) {
  int ticks = 0;
  Timer periodic;
  std::function<void()> tick = [&] {
    ++ticks;
    periodic = loop_->add_timer(10ms, tick);  // assigning over the firing handle is safe
  };
  periodic = loop_->add_timer(10ms, tick);
  for (int i = 0; i < 3; ++i) {
    clock_.advance(10ms);
    turn();
  }
  EXPECT_EQ(ticks, 3);
  EXPECT_TRUE(periodic.pending());
}

TEST_F(ManualClockLoop, TimerAddedByACallbackWaitsForTheNextRoundEvenIfDue) {
  int nested = 0;
  Timer inner;
  Timer outer = loop_->add_timer(1ms, [&] { inner = loop_->add_timer(0ms, [&] { ++nested; }); });
  clock_.advance(1ms);
  turn();
  EXPECT_EQ(nested, 0);
  EXPECT_TRUE(inner.pending());
  turn();
  EXPECT_EQ(nested, 1);
}

TEST_F(ManualClockLoop, CallbackCanCancelALaterDueTimerOfTheSameRound) {
  std::vector<int> fired;
  Timer second;
  Timer first = loop_->add_timer(1ms, [&] {
    fired.push_back(1);
    second.cancel();
  });
  second = loop_->add_timer(2ms, [&] { fired.push_back(2); });
  clock_.advance(5ms);
  turn();
  EXPECT_EQ(fired, std::vector<int>{1});
}

TEST(EventLoop, TimerFiresThroughTheTimerfdOnTheRealClock) {
  auto loop = EventLoop::create().value();
  bool fired = false;
  Timer timer = loop->add_timer(1ms, [&] { fired = true; });
  for (int i = 0; i < 100 && !fired; ++i) ASSERT_TRUE(loop->run_once(50ms).has_value());
  EXPECT_TRUE(fired);
  EXPECT_GE(loop->timer_stats().last_lateness, Duration::zero());
}

TEST(EventLoop, StopMakesRunReturn) {
  auto loop = EventLoop::create().value();
  int fired = 0;
  Timer first = loop->add_timer(0ms, [&] {
    ++fired;
    loop->stop();
  });
  ASSERT_TRUE(loop->run().has_value());
  EXPECT_EQ(fired, 1);
}

class PipeLoop : public ::testing::Test {
 protected:
  void SetUp() override {
    int fds[2];
    ASSERT_EQ(::pipe2(fds, O_NONBLOCK | O_CLOEXEC), 0);
    read_end_.reset(fds[0]);
    write_end_.reset(fds[1]);
  }
  void write_byte() { ASSERT_EQ(::write(write_end_.get(), "x", 1), 1); }

  std::unique_ptr<EventLoop> loop_ = EventLoop::create().value();
  UniqueFd read_end_;
  UniqueFd write_end_;
};

TEST_F(PipeLoop, ReadableFdCallsItsCallback) {
  std::uint32_t seen = 0;
  char byte = 0;
  auto watch = loop_->add_fd(read_end_.get(), EPOLLIN, [&](std::uint32_t events) {
    seen = events;
    ASSERT_EQ(::read(read_end_.get(), &byte, 1), 1);
  });
  ASSERT_TRUE(watch.has_value());
  write_byte();
  ASSERT_TRUE(loop_->run_once(1000ms).has_value());
  EXPECT_TRUE(seen & EPOLLIN);
  EXPECT_EQ(byte, 'x');
}

TEST_F(PipeLoop, DestroyedWatchNoLongerCalls) {
  int calls = 0;
  {
    auto watch = loop_->add_fd(read_end_.get(), EPOLLIN, [&](std::uint32_t) { ++calls; });
    ASSERT_TRUE(watch.has_value());
  }
  write_byte();
  ASSERT_TRUE(loop_->run_once(0ms).has_value());
  EXPECT_EQ(calls, 0);
}

TEST_F(PipeLoop, ModifyChangesTheEventMask) {
  std::uint32_t seen = 0;
  auto watch = loop_->add_fd(write_end_.get(), EPOLLIN, [&](std::uint32_t events) { seen |= events; });
  ASSERT_TRUE(watch.has_value());
  ASSERT_TRUE(loop_->run_once(0ms).has_value());
  EXPECT_EQ(seen, 0u);
  ASSERT_TRUE(watch->modify(EPOLLOUT).has_value());
  ASSERT_TRUE(loop_->run_once(1000ms).has_value());
  EXPECT_TRUE(seen & EPOLLOUT);
}

TEST_F(PipeLoop, WatchResetByAnEarlierCallbackOfTheBatchIsSkipped) {
  int fds[2];
  ASSERT_EQ(::pipe2(fds, O_NONBLOCK | O_CLOEXEC), 0);
  UniqueFd other_read{fds[0]};
  UniqueFd other_write{fds[1]};
  int calls = 0;
  FdWatch a;
  FdWatch b;
  a = loop_->add_fd(read_end_.get(), EPOLLIN, [&](std::uint32_t) {
    ++calls;
    b.reset();
  }).value();
  b = loop_->add_fd(other_read.get(), EPOLLIN, [&](std::uint32_t) {
    ++calls;
    a.reset();
  }).value();
  write_byte();
  ASSERT_EQ(::write(other_write.get(), "y", 1), 1);
  ASSERT_TRUE(loop_->run_once(1000ms).has_value());
  EXPECT_EQ(calls, 1);  // whichever ran first unregistered the other
}

TEST_F(PipeLoop, AddingAnInvalidFdIsAnError) {
  auto watch = loop_->add_fd(-1, EPOLLIN, [](std::uint32_t) {});
  ASSERT_FALSE(watch.has_value());
  EXPECT_EQ(watch.error().errno_value, EBADF);
}

bool signal_blocked(int signo) {
  sigset_t current;
  pthread_sigmask(SIG_BLOCK, nullptr, &current);
  return sigismember(&current, signo) == 1;
}

TEST(EventLoopSignals, RaisedSignalIsDeliveredThroughTheSignalfd) {
  auto loop = EventLoop::create().value();
  ASSERT_FALSE(signal_blocked(SIGUSR2));
  int received = 0;
  {
    auto watch = loop->on_signal(SIGUSR2, [&](const signalfd_siginfo& info) {
      received = static_cast<int>(info.ssi_signo);
    });
    ASSERT_TRUE(watch.has_value());
    EXPECT_TRUE(signal_blocked(SIGUSR2));
    ASSERT_EQ(::raise(SIGUSR2), 0);
    for (int i = 0; i < 10 && received == 0; ++i) ASSERT_TRUE(loop->run_once(100ms).has_value());
  }
  EXPECT_EQ(received, SIGUSR2);
  EXPECT_FALSE(signal_blocked(SIGUSR2));  // the handle restored the mask it found
}

TEST(EventLoopSignals, UnhandleableOrDuplicateSignalIsAnError) {
  auto loop = EventLoop::create().value();
  EXPECT_FALSE(loop->on_signal(SIGKILL, [](const signalfd_siginfo&) {}).has_value());
  EXPECT_FALSE(loop->on_signal(0, [](const signalfd_siginfo&) {}).has_value());
  auto first = loop->on_signal(SIGUSR2, [](const signalfd_siginfo&) {});
  ASSERT_TRUE(first.has_value());
  auto second = loop->on_signal(SIGUSR2, [](const signalfd_siginfo&) {});
  EXPECT_FALSE(second.has_value());
}

TEST(EventLoop, HandlesOutlivingTheLoopAreInert) {
  auto loop = EventLoop::create().value();
  Timer timer = loop->add_timer(1s, [] {});
  auto signal = loop->on_signal(SIGUSR2, [](const signalfd_siginfo&) {});
  ASSERT_TRUE(signal.has_value());
  loop.reset();
  EXPECT_FALSE(timer.pending());
  EXPECT_FALSE(signal_blocked(SIGUSR2));
  timer.cancel();
  signal->reset();
}

}  // namespace
}  // namespace keel::ctl

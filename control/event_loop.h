// The one event loop of a keeld process (DESIGN.md "One event loop per process"):
// epoll for file descriptors, a timer queue driven by a single timerfd, and signals
// through a signalfd. Everything is single-threaded; callbacks must be short.
//
// Registrations are RAII handles (FdWatch, Timer, SignalWatch): destroying one
// unregisters it. A handle may outlive its loop (it then does nothing), and may be
// destroyed from inside any callback, including its own.
#pragma once

#include <sys/epoll.h>
#include <sys/signalfd.h>
#include <signal.h>

#include <chrono>
#include <compare>
#include <cstdint>
#include <expected>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <unordered_map>
#include <utility>

#include "control/logger.h"

namespace keel::ctl {

using Duration = std::chrono::nanoseconds;
using TimePoint = std::chrono::time_point<std::chrono::steady_clock, Duration>;

// The loop's notion of "now". Production reads CLOCK_MONOTONIC; tests inject a
// manual clock so that deadlines and lateness are exact numbers.
class MonotonicClock {
 public:
  virtual ~MonotonicClock() = default;
  virtual TimePoint now() const = 0;
};

class SteadyClock final : public MonotonicClock {
 public:
  TimePoint now() const override { return std::chrono::steady_clock::now(); }
};

// Owns a file descriptor; closes it on destruction.
class UniqueFd {
 public:
  UniqueFd() = default;
  explicit UniqueFd(int fd) : fd_(fd) {}
  UniqueFd(UniqueFd&& other) noexcept : fd_(std::exchange(other.fd_, -1)) {}
  UniqueFd& operator=(UniqueFd&& other) noexcept;
  ~UniqueFd() { reset(); }

  int get() const { return fd_; }
  bool valid() const { return fd_ >= 0; }
  int release() { return std::exchange(fd_, -1); }
  void reset(int fd = -1);

 private:
  int fd_ = -1;
};

class EventLoop;

namespace detail {
// Lets handles find their loop, or learn that it is gone.
using LoopToken = std::weak_ptr<EventLoop*>;
}  // namespace detail

// Registration of a file descriptor. Destroy it *before* closing the descriptor:
// a closed number can be reused and the unregistration would hit the new file.
class FdWatch {
 public:
  FdWatch() = default;
  FdWatch(FdWatch&& other) noexcept = default;
  FdWatch& operator=(FdWatch&& other) noexcept;
  ~FdWatch() { reset(); }

  // Changes the epoll event mask (EPOLLIN, EPOLLOUT, ...).
  std::expected<void, Error> modify(std::uint32_t events);
  void reset();
  bool active() const { return !loop_.expired() && id_ != 0; }

 private:
  friend class EventLoop;
  FdWatch(detail::LoopToken loop, std::uint64_t id) : loop_(std::move(loop)), id_(id) {}
  detail::LoopToken loop_;
  std::uint64_t id_ = 0;
};

// A one-shot timer. Destroying or resetting it cancels the callback if still pending.
class Timer {
 public:
  Timer() = default;
  Timer(Timer&& other) noexcept = default;
  Timer& operator=(Timer&& other) noexcept;
  ~Timer() { cancel(); }

  void cancel();
  bool pending() const;
  TimePoint deadline() const { return deadline_; }

 private:
  friend class EventLoop;
  Timer(detail::LoopToken loop, TimePoint deadline, std::uint64_t seq)
      : loop_(std::move(loop)), deadline_(deadline), seq_(seq) {}
  detail::LoopToken loop_;
  TimePoint deadline_{};
  std::uint64_t seq_ = 0;
};

// A signal handled through the loop. While registered the signal is blocked for
// the process; on destruction the previous blocked state is restored.
class SignalWatch {
 public:
  SignalWatch() = default;
  SignalWatch(SignalWatch&& other) noexcept = default;
  SignalWatch& operator=(SignalWatch&& other) noexcept;
  ~SignalWatch() { reset(); }

  void reset();

 private:
  friend class EventLoop;
  SignalWatch(detail::LoopToken loop, int signo) : loop_(std::move(loop)), signo_(signo) {}
  detail::LoopToken loop_;
  int signo_ = 0;
};

// How late timers fired: "now" when the callback was called minus its deadline.
// VRRP reads this to tell a slow host from a dead peer.
struct TimerStats {
  std::uint64_t fired = 0;
  Duration last_lateness{0};
  Duration max_lateness{0};
};

class EventLoop {
 public:
  using FdCallback = std::function<void(std::uint32_t events)>;
  using TimerCallback = std::function<void()>;
  using SignalCallback = std::function<void(const signalfd_siginfo& info)>;

  // `clock` must outlive the loop; nullptr means CLOCK_MONOTONIC.
  static std::expected<std::unique_ptr<EventLoop>, Error> create(const MonotonicClock* clock = nullptr);
  ~EventLoop();
  EventLoop(const EventLoop&) = delete;
  EventLoop& operator=(const EventLoop&) = delete;

  std::expected<FdWatch, Error> add_fd(int fd, std::uint32_t events, FdCallback callback);

  Timer add_timer_at(TimePoint deadline, TimerCallback callback);
  Timer add_timer(Duration delay, TimerCallback callback) {
    return add_timer_at(now() + delay, std::move(callback));
  }

  // Blocks `signo` and delivers it to `callback`. One handler per signal.
  std::expected<SignalWatch, Error> on_signal(int signo, SignalCallback callback);

  // Dispatches until stop(). Returns an error only if epoll itself fails.
  std::expected<void, Error> run();
  // Waits at most `timeout` (-1: no limit) for one batch of events, dispatches
  // them and every due timer. Useful for tests and for embedding.
  std::expected<void, Error> run_once(std::chrono::milliseconds timeout);
  // Makes run() return after the current callback.
  void stop() { stop_requested_ = true; }

  TimePoint now() const { return clock_->now(); }
  const TimerStats& timer_stats() const { return timer_stats_; }
  std::size_t pending_timers() const { return timers_.size(); }

 private:
  friend class FdWatch;
  friend class Timer;
  friend class SignalWatch;

  struct TimerKey {
    TimePoint deadline;
    std::uint64_t seq;  // insertion order breaks ties between equal deadlines
    auto operator<=>(const TimerKey&) const = default;
  };
  struct FdEntry {
    int fd;
    FdCallback callback;
  };
  struct SignalEntry {
    bool was_blocked;  // restore the process mask as we found it
    std::shared_ptr<SignalCallback> callback;
  };

  EventLoop(const MonotonicClock* clock, UniqueFd epoll, UniqueFd timer, UniqueFd signal);

  void remove_fd(std::uint64_t id);
  std::expected<void, Error> modify_fd(std::uint64_t id, std::uint32_t events);
  void cancel_timer(const TimerKey& key) { timers_.erase(key); }
  bool timer_pending(const TimerKey& key) const { return timers_.contains(key); }
  void remove_signal(int signo);

  void dispatch(const epoll_event& event);
  void read_timerfd();
  void read_signalfd();
  void fire_due_timers();
  void arm_timerfd();
  std::expected<void, Error> update_signalfd();

  static constexpr std::uint64_t kTimerFdId = 1;
  static constexpr std::uint64_t kSignalFdId = 2;

  SteadyClock steady_clock_;
  const MonotonicClock* clock_;
  UniqueFd epoll_fd_;
  UniqueFd timer_fd_;
  UniqueFd signal_fd_;
  std::shared_ptr<EventLoop*> token_;  // handles hold weak references to it

  std::unordered_map<std::uint64_t, std::shared_ptr<FdEntry>> fds_;
  std::uint64_t next_fd_id_ = 16;

  std::map<TimerKey, TimerCallback> timers_;
  std::uint64_t next_timer_seq_ = 1;
  std::optional<TimePoint> armed_deadline_;  // what the timerfd is set to, if anything
  TimerStats timer_stats_;

  std::unordered_map<int, SignalEntry> signals_;
  sigset_t signal_mask_{};

  bool stop_requested_ = false;
};

}  // namespace keel::ctl

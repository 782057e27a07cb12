// EventLoop: epoll + one timerfd + one signalfd.
#include "control/event_loop.h"

#include <pthread.h>
#include <sys/timerfd.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <system_error>
#include <vector>

namespace keel::ctl {

using namespace std::chrono_literals;

UniqueFd& UniqueFd::operator=(UniqueFd&& other) noexcept {
  if (this != &other) reset(other.release());
  return *this;
}

void UniqueFd::reset(int fd) {
  if (fd_ >= 0) ::close(fd_);
  fd_ = fd;
}

// --- handles -------------------------------------------------------------------------

FdWatch& FdWatch::operator=(FdWatch&& other) noexcept {
  if (this != &other) {
    reset();
    loop_ = std::move(other.loop_);
    id_ = std::exchange(other.id_, 0);
  }
  return *this;
}

void FdWatch::reset() {
  if (auto loop = loop_.lock()) (*loop)->remove_fd(id_);
  loop_.reset();
  id_ = 0;
}

std::expected<void, Error> FdWatch::modify(std::uint32_t events) {
  auto loop = loop_.lock();
  if (!loop) return std::unexpected(Error{.message = "modify on an inactive fd watch"});
  return (*loop)->modify_fd(id_, events);
}

Timer& Timer::operator=(Timer&& other) noexcept {
  if (this != &other) {
    cancel();
    loop_ = std::move(other.loop_);
    deadline_ = other.deadline_;
    seq_ = std::exchange(other.seq_, 0);
  }
  return *this;
}

void Timer::cancel() {
  if (auto loop = loop_.lock()) (*loop)->cancel_timer({deadline_, seq_});
  loop_.reset();
}

bool Timer::pending() const {
  auto loop = loop_.lock();
  return loop && (*loop)->timer_pending({deadline_, seq_});
}

SignalWatch& SignalWatch::operator=(SignalWatch&& other) noexcept {
  if (this != &other) {
    reset();
    loop_ = std::move(other.loop_);
    signo_ = std::exchange(other.signo_, 0);
  }
  return *this;
}

void SignalWatch::reset() {
  if (auto loop = loop_.lock()) (*loop)->remove_signal(signo_);
  loop_.reset();
  signo_ = 0;
}

// --- the loop ------------------------------------------------------------------------

std::expected<std::unique_ptr<EventLoop>, Error> EventLoop::create(const MonotonicClock* clock) {
  UniqueFd epoll{epoll_create1(EPOLL_CLOEXEC)};
  if (!epoll.valid()) return std::unexpected(errno_error("epoll_create1"));
  UniqueFd timer{timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC)};
  if (!timer.valid()) return std::unexpected(errno_error("timerfd_create"));
  sigset_t empty;
  sigemptyset(&empty);
  UniqueFd signal{signalfd(-1, &empty, SFD_NONBLOCK | SFD_CLOEXEC)};
  if (!signal.valid()) return std::unexpected(errno_error("signalfd"));

  for (auto [fd, id] : {std::pair{timer.get(), kTimerFdId}, std::pair{signal.get(), kSignalFdId}}) {
    epoll_event event{};
    event.events = EPOLLIN;
    event.data.u64 = id;
    if (epoll_ctl(epoll.get(), EPOLL_CTL_ADD, fd, &event) != 0) {
      return std::unexpected(errno_error("epoll_ctl(ADD) for the loop's own descriptors"));
    }
  }
  return std::unique_ptr<EventLoop>(
      new EventLoop(clock, std::move(epoll), std::move(timer), std::move(signal)));
}

EventLoop::EventLoop(const MonotonicClock* clock, UniqueFd epoll, UniqueFd timer, UniqueFd signal)
    : clock_(clock != nullptr ? clock : &steady_clock_),
      epoll_fd_(std::move(epoll)),
      timer_fd_(std::move(timer)),
      signal_fd_(std::move(signal)),
      token_(std::make_shared<EventLoop*>(this)) {
  sigemptyset(&signal_mask_);
}

EventLoop::~EventLoop() {
  token_.reset();  // every handle is inert from here on
  for (const auto& [signo, entry] : signals_) {
    if (entry.was_blocked) continue;
    sigset_t one;
    sigemptyset(&one);
    sigaddset(&one, signo);
    pthread_sigmask(SIG_UNBLOCK, &one, nullptr);
  }
}

std::expected<FdWatch, Error> EventLoop::add_fd(int fd, std::uint32_t events, FdCallback callback) {
  const std::uint64_t id = next_fd_id_++;
  epoll_event event{};
  event.events = events;
  event.data.u64 = id;
  if (epoll_ctl(epoll_fd_.get(), EPOLL_CTL_ADD, fd, &event) != 0) {
    return std::unexpected(errno_error(fmt::format("cannot watch file descriptor {}", fd)));
  }
  fds_.emplace(id, std::make_shared<FdEntry>(FdEntry{fd, std::move(callback)}));
  return FdWatch{token_, id};
}

void EventLoop::remove_fd(std::uint64_t id) {
  const auto it = fds_.find(id);
  if (it == fds_.end()) return;
  // Fails harmlessly (EBADF) if the owner already closed the descriptor.
  epoll_ctl(epoll_fd_.get(), EPOLL_CTL_DEL, it->second->fd, nullptr);
  fds_.erase(it);
}

std::expected<void, Error> EventLoop::modify_fd(std::uint64_t id, std::uint32_t events) {
  const auto it = fds_.find(id);
  if (it == fds_.end()) return std::unexpected(Error{.message = "modify on an unknown fd watch"});
  epoll_event event{};
  event.events = events;
  event.data.u64 = id;
  if (epoll_ctl(epoll_fd_.get(), EPOLL_CTL_MOD, it->second->fd, &event) != 0) {
    return std::unexpected(errno_error(fmt::format("cannot modify watch of file descriptor {}", it->second->fd)));
  }
  return {};
}

Timer EventLoop::add_timer_at(TimePoint deadline, TimerCallback callback) {
  const TimerKey key{deadline, next_timer_seq_++};
  timers_.emplace(key, std::move(callback));
  arm_timerfd();
  return Timer{token_, key.deadline, key.seq};
}

std::expected<SignalWatch, Error> EventLoop::on_signal(int signo, SignalCallback callback) {
  if (signo <= 0 || signo >= NSIG || signo == SIGKILL || signo == SIGSTOP) {
    return std::unexpected(Error{.message = fmt::format("signal {} cannot be handled", signo)});
  }
  if (signals_.contains(signo)) {
    return std::unexpected(Error{.message = fmt::format("signal {} already has a handler", signo)});
  }
  sigset_t one;
  sigset_t previous;
  sigemptyset(&one);
  sigaddset(&one, signo);
  if (const int rc = pthread_sigmask(SIG_BLOCK, &one, &previous); rc != 0) {
    return std::unexpected(Error{.message = fmt::format("cannot block signal {}", signo), .errno_value = rc});
  }
  const bool was_blocked = sigismember(&previous, signo) == 1;
  sigaddset(&signal_mask_, signo);
  if (auto updated = update_signalfd(); !updated) {
    sigdelset(&signal_mask_, signo);
    if (!was_blocked) pthread_sigmask(SIG_UNBLOCK, &one, nullptr);
    return std::unexpected(updated.error());
  }
  signals_.emplace(signo, SignalEntry{was_blocked, std::make_shared<SignalCallback>(std::move(callback))});
  return SignalWatch{token_, signo};
}

void EventLoop::remove_signal(int signo) {
  const auto it = signals_.find(signo);
  if (it == signals_.end()) return;
  const bool was_blocked = it->second.was_blocked;
  signals_.erase(it);
  sigdelset(&signal_mask_, signo);
  (void)update_signalfd();  // can only fail on a bad descriptor; nothing to undo
  if (!was_blocked) {
    sigset_t one;
    sigemptyset(&one);
    sigaddset(&one, signo);
    pthread_sigmask(SIG_UNBLOCK, &one, nullptr);
  }
}

std::expected<void, Error> EventLoop::update_signalfd() {
  if (signalfd(signal_fd_.get(), &signal_mask_, 0) < 0) return std::unexpected(errno_error("signalfd"));
  return {};
}

std::expected<void, Error> EventLoop::run() {
  while (!stop_requested_) {
    if (auto done = run_once(-1ms); !done) return done;
  }
  stop_requested_ = false;  // the loop can be run again
  return {};
}

std::expected<void, Error> EventLoop::run_once(std::chrono::milliseconds timeout) {
  std::array<epoll_event, 64> events{};
  const int count = epoll_wait(epoll_fd_.get(), events.data(), static_cast<int>(events.size()),
                               static_cast<int>(timeout.count()));
  if (count < 0) {
    if (errno == EINTR) return {};
    return std::unexpected(errno_error("epoll_wait"));
  }
  for (int i = 0; i < count; ++i) dispatch(events[static_cast<std::size_t>(i)]);
  // Checked on every wake-up, not only when the timerfd fired: a timer may come due
  // while other callbacks ran, and an injected clock may move without the timerfd.
  fire_due_timers();
  arm_timerfd();
  return {};
}

void EventLoop::dispatch(const epoll_event& event) {
  switch (event.data.u64) {
    case kTimerFdId: read_timerfd(); return;
    case kSignalFdId: read_signalfd(); return;
    default: break;
  }
  const auto it = fds_.find(event.data.u64);
  if (it == fds_.end()) return;  // unregistered by an earlier callback in this batch
  const std::shared_ptr<FdEntry> entry = it->second;  // survives the callback resetting its watch
  entry->callback(event.events);
}

void EventLoop::read_timerfd() {
  std::uint64_t expirations = 0;
  if (::read(timer_fd_.get(), &expirations, sizeof expirations) == sizeof expirations) {
    armed_deadline_.reset();
  }
}

void EventLoop::read_signalfd() {
  signalfd_siginfo info{};
  while (::read(signal_fd_.get(), &info, sizeof info) == static_cast<ssize_t>(sizeof info)) {
    const auto it = signals_.find(static_cast<int>(info.ssi_signo));
    if (it == signals_.end()) continue;
    const std::shared_ptr<SignalCallback> callback = it->second.callback;
    (*callback)(info);
  }
}

void EventLoop::fire_due_timers() {
  if (timers_.empty()) return;
  // Snapshot what is due now: timers that callbacks add (even already due) wait for
  // the next round, so a callback re-arming itself with zero delay cannot spin here.
  const TimePoint round_start = clock_->now();
  std::vector<TimerKey> due;
  for (auto it = timers_.begin(); it != timers_.end() && it->first.deadline <= round_start; ++it) {
    due.push_back(it->first);
  }
  for (const TimerKey& key : due) {
    auto node = timers_.extract(key);
    if (node.empty()) continue;  // cancelled by an earlier callback of this round
    const Duration lateness = std::max(Duration::zero(), clock_->now() - key.deadline);
    ++timer_stats_.fired;
    timer_stats_.last_lateness = lateness;
    timer_stats_.max_lateness = std::max(timer_stats_.max_lateness, lateness);
    node.mapped()();
  }
}

void EventLoop::arm_timerfd() {
  // With no timer left, a stale arming costs one spurious wake-up at most.
  if (timers_.empty()) return;
  const TimePoint next = timers_.begin()->first.deadline;
  if (armed_deadline_ && *armed_deadline_ <= next) return;
  // Relative arming: the deadline is in the injected clock's time, which need not
  // be CLOCK_MONOTONIC. The timerfd may wake us a little late, never early.
  const Duration delay = std::max(Duration{1}, next - clock_->now());
  itimerspec spec{};
  spec.it_value.tv_sec = static_cast<time_t>(delay / 1s);
  spec.it_value.tv_nsec = static_cast<long>((delay % 1s).count());
  if (timerfd_settime(timer_fd_.get(), 0, &spec, nullptr) != 0) {
    // Only EBADF/EINVAL are possible here, both programming errors.
    throw std::system_error(errno, std::generic_category(), "timerfd_settime");
  }
  armed_deadline_ = next;
}

}  // namespace keel::ctl

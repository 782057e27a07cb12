// LoopReactor and LoggerLog: thin adapters from vrrp/io/ports.h to control/.
#include "control/reactor.h"

#include <system_error>
#include <type_traits>

namespace keel::ctl {

// Both sides name steady_clock time in nanoseconds, so deadlines pass through unchanged.
static_assert(std::is_same_v<vrrp::TimePoint, TimePoint>);

namespace {

class TimerHandle final : public vrrp::Handle {
 public:
  explicit TimerHandle(Timer timer) : timer_(std::move(timer)) {}

 private:
  Timer timer_;
};

class WatchHandle final : public vrrp::Handle {
 public:
  explicit WatchHandle(FdWatch watch) : watch_(std::move(watch)) {}

 private:
  FdWatch watch_;
};

}  // namespace

std::unique_ptr<vrrp::Handle> LoopReactor::at(vrrp::TimePoint deadline,
                                              std::function<void(vrrp::TimePoint fired)> callback) {
  EventLoop* loop = &loop_;  // the timer cannot fire once the loop is gone
  return std::make_unique<TimerHandle>(
      loop_.add_timer_at(deadline, [loop, callback = std::move(callback)] { callback(loop->now()); }));
}

std::unique_ptr<vrrp::Handle> LoopReactor::on_readable(int fd, std::function<void()> callback) {
  auto watch = loop_.add_fd(fd, EPOLLIN, [callback = std::move(callback)](std::uint32_t) { callback(); });
  if (!watch) throw std::system_error(watch.error().errno_value, std::generic_category(), watch.error().message);
  return std::make_unique<WatchHandle>(std::move(*watch));
}

LogLevel to_logger_level(vrrp::LogLevel level) {
  switch (level) {
    case vrrp::LogLevel::kError:
      return LogLevel::kError;
    case vrrp::LogLevel::kWarning:
      return LogLevel::kWarning;
    case vrrp::LogLevel::kNotice:
      return LogLevel::kNotice;
    case vrrp::LogLevel::kInfo:
      return LogLevel::kInfo;
    case vrrp::LogLevel::kDetail:
      return LogLevel::kDetail;
  }
  return LogLevel::kInfo;
}

void LoggerLog::write(vrrp::LogLevel level, std::string_view text) {
  const LogLevel mapped = to_logger_level(level);
  if (!logger_.enabled(mapped)) return;
  if (prefix_.empty()) {
    logger_.log(mapped, text);
  } else {
    logger_.log(mapped, fmt::format("{}{}", prefix_, text));
  }
}

}  // namespace keel::ctl

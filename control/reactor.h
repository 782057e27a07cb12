// VRRP's process boundaries (vrrp/io/ports.h) implemented on keeld's own pieces: the
// Reactor on the EventLoop, the Log on the Logger. vrrp/ never includes control/, so the
// adapters live here and the VRRP child hands them to the service.
#pragma once

#include <functional>
#include <memory>
#include <string>

#include "control/event_loop.h"
#include "control/logger.h"
#include "vrrp/io/ports.h"

namespace keel::ctl {

// Timers and fd watches of one EventLoop, as RAII vrrp::Handles: destroying the handle
// (even from inside its own callback) cancels the timer or removes the watch.
class LoopReactor final : public vrrp::Reactor {
 public:
  // `loop` must outlive the reactor; handles may outlive both (they then do nothing).
  explicit LoopReactor(EventLoop& loop) : loop_(loop) {}

  vrrp::TimePoint now() const override { return loop_.now(); }
  // The callback receives the loop's clock when it ran, so lateness = fired − deadline.
  std::unique_ptr<vrrp::Handle> at(vrrp::TimePoint deadline,
                                   std::function<void(vrrp::TimePoint fired)> callback) override;
  // Level-triggered EPOLLIN. A descriptor the loop refuses (closed, already watched) is a
  // programming error: it throws std::system_error rather than leaving a channel deaf.
  std::unique_ptr<vrrp::Handle> on_readable(int fd, std::function<void()> callback) override;

 private:
  EventLoop& loop_;
};

// vrrp::Log lines written through the daemon's Logger, with an optional prefix.
class LoggerLog final : public vrrp::Log {
 public:
  explicit LoggerLog(Logger& logger, std::string prefix = {}) : logger_(logger), prefix_(std::move(prefix)) {}
  void write(vrrp::LogLevel level, std::string_view text) override;

 private:
  Logger& logger_;
  std::string prefix_;
};

LogLevel to_logger_level(vrrp::LogLevel level);

}  // namespace keel::ctl

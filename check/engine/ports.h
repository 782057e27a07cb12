// The checker engine's boundaries (DESIGN.md "Pure cores, thin I/O"): the event loop it
// runs on and the log it writes to. check/ never includes control/, so keeld implements
// these on its EventLoop and Logger (control/checker_component.cc) and tests with fakes
// or a real loop.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string_view>

namespace keel::check::engine {

using TimePoint = std::chrono::steady_clock::time_point;

// Destroying a handle cancels what it stands for (a timer, an fd watch).
class Handle {
 public:
  virtual ~Handle() = default;
};

// What a socket is waited for. Level-triggered, as epoll without EPOLLET.
enum class Interest : std::uint8_t { kReadable, kWritable };

class Reactor {
 public:
  virtual ~Reactor() = default;
  virtual TimePoint now() const = 0;
  virtual std::unique_ptr<Handle> at(TimePoint deadline, std::function<void()> callback) = 0;
  // Calls `callback` while `fd` is ready for `interest` (or has an error / hang-up, so
  // that the owner finds out on its next read or write). Watching an fd twice is an error.
  virtual std::unique_ptr<Handle> watch(int fd, Interest interest, std::function<void()> callback) = 0;
};

enum class LogLevel : std::uint8_t { kError, kWarning, kNotice, kInfo, kDetail };

class Log {
 public:
  virtual ~Log() = default;
  virtual void write(LogLevel level, std::string_view text) = 0;
};

}  // namespace keel::check::engine

// Logging for keeld: syslog (ident "keeld") and/or stderr, chosen on the command line
// as keepalived does (-l/--log-console, -G/--no-syslog, -D/--log-detail). A Logger is
// created once by the daemon's root and passed by reference; there is no global one.
//
// Also home of ctl::Error, the error value every control/ module returns, because the
// logger is the bottom of control/ and everything else already includes it.
#pragma once

#include <cstdio>
#include <string>
#include <string_view>
#include <utility>

#include <fmt/core.h>

namespace keel::ctl {

// A run-time failure: what was being done (naming the object) and errno if any.
struct Error {
  std::string message;  // e.g. "cannot create pid file /run/keel/keeld.pid"
  int errno_value = 0;  // 0 when the failure did not come from a system call

  // "message: strerror(errno)" or just the message.
  std::string to_string() const;
};

// Builds an Error from the current errno; call it right after the failing syscall.
Error errno_error(std::string message);

// Ordered from most to least important. kDetail and kDebug are shown only with -D.
enum class LogLevel { kError, kWarning, kNotice, kInfo, kDetail, kDebug };

struct LoggerOptions {
  bool console = false;           // -l: write each line to `console_stream`
  bool syslog = true;             // cleared by -G
  bool detail = false;            // -D: also emit kDetail and kDebug lines
  std::string ident = "keeld";    // syslog ident and console prefix
  std::FILE* console_stream = stderr;
};

class Logger {
 public:
  explicit Logger(LoggerOptions options);
  ~Logger();
  // openlog() keeps a pointer to the ident string, so a Logger never moves.
  Logger(const Logger&) = delete;
  Logger& operator=(const Logger&) = delete;

  bool enabled(LogLevel level) const;
  void log(LogLevel level, std::string_view message);

  template <typename... Args>
  void error(fmt::format_string<Args...> format, Args&&... args) {
    emit(LogLevel::kError, format, std::forward<Args>(args)...);
  }
  template <typename... Args>
  void warning(fmt::format_string<Args...> format, Args&&... args) {
    emit(LogLevel::kWarning, format, std::forward<Args>(args)...);
  }
  template <typename... Args>
  void notice(fmt::format_string<Args...> format, Args&&... args) {
    emit(LogLevel::kNotice, format, std::forward<Args>(args)...);
  }
  template <typename... Args>
  void info(fmt::format_string<Args...> format, Args&&... args) {
    emit(LogLevel::kInfo, format, std::forward<Args>(args)...);
  }
  template <typename... Args>
  void detail(fmt::format_string<Args...> format, Args&&... args) {
    emit(LogLevel::kDetail, format, std::forward<Args>(args)...);
  }
  template <typename... Args>
  void debug(fmt::format_string<Args...> format, Args&&... args) {
    emit(LogLevel::kDebug, format, std::forward<Args>(args)...);
  }

 private:
  template <typename... Args>
  void emit(LogLevel level, fmt::format_string<Args...> format, Args&&... args) {
    // Formatting is skipped entirely for levels that are filtered out.
    if (enabled(level)) log(level, fmt::format(format, std::forward<Args>(args)...));
  }
  void write_console(std::string_view message);

  LoggerOptions options_;
};

}  // namespace keel::ctl

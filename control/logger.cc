// Logger: syslog and console sinks, level filtering.
#include "control/logger.h"

#include <syslog.h>
#include <time.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>

namespace keel::ctl {

std::string Error::to_string() const {
  if (errno_value == 0) return message;
  return message + ": " + std::strerror(errno_value);
}

Error errno_error(std::string message) {
  const int saved = errno;
  return Error{.message = std::move(message), .errno_value = saved};
}

namespace {

int syslog_priority(LogLevel level) {
  switch (level) {
    case LogLevel::kError: return LOG_ERR;
    case LogLevel::kWarning: return LOG_WARNING;
    case LogLevel::kNotice: return LOG_NOTICE;
    case LogLevel::kInfo: return LOG_INFO;
    // keepalived's -D lines go out at INFO too; only debug output is LOG_DEBUG.
    case LogLevel::kDetail: return LOG_INFO;
    case LogLevel::kDebug: return LOG_DEBUG;
  }
  return LOG_INFO;
}

// Local wall-clock time with milliseconds, for the console only (syslog stamps its own).
std::string console_timestamp() {
  const auto now = std::chrono::system_clock::now();
  const std::time_t seconds = std::chrono::system_clock::to_time_t(now);
  const auto millis =
      std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count() % 1000;
  std::tm local{};
  localtime_r(&seconds, &local);
  char text[32];
  std::strftime(text, sizeof text, "%Y-%m-%d %H:%M:%S", &local);
  return fmt::format("{}.{:03}", text, millis);
}

}  // namespace

Logger::Logger(LoggerOptions options) : options_(std::move(options)) {
  if (options_.syslog) openlog(options_.ident.c_str(), LOG_PID | LOG_NDELAY, LOG_DAEMON);
}

Logger::~Logger() {
  if (options_.syslog) closelog();
}

bool Logger::enabled(LogLevel level) const {
  if (!options_.console && !options_.syslog) return false;
  return options_.detail || level < LogLevel::kDetail;
}

void Logger::log(LogLevel level, std::string_view message) {
  if (!enabled(level)) return;
  if (options_.syslog) {
    syslog(syslog_priority(level), "%.*s", static_cast<int>(message.size()), message.data());
  }
  if (options_.console) write_console(message);
}

void Logger::write_console(std::string_view message) {
  // One fwrite per line so that lines from a future child process do not interleave.
  // getpid() per line: the pid changes when the daemon detaches.
  const std::string line =
      fmt::format("{} {}[{}]: {}\n", console_timestamp(), options_.ident, getpid(), message);
  std::fwrite(line.data(), 1, line.size(), options_.console_stream);
  std::fflush(options_.console_stream);
}

}  // namespace keel::ctl

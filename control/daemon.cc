// keeld's run mode: configuration, detaching from the terminal, pid file, supervisor.
#include "control/daemon.h"

#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <system_error>

#include "control/pid_file.h"
#include "control/supervisor.h"
#include "keel_build_config.h"

namespace keel::ctl {

namespace {

// The signals the daemon handles through the loop. They stay blocked for the whole
// life of the process, so one arriving during start-up or shutdown is never lost
// and never kills the process before the pid file is removed. The vrrp and lb children
// inherit the mask and handle them through their own loops; scripts get every signal
// unblocked and reset before exec (reset_signal_state()).
constexpr int kHandledSignals[] = {SIGTERM, SIGINT, SIGHUP, SIGUSR1};

// A start-up failure: logged, and on stderr too unless the log already goes there.
void report_fatal(Logger& logger, const Options& options, std::string_view message) {
  logger.error("{}", message);
  if (!options.log_console) fmt::print(stderr, "{}: {}\n", kProgramName, message);
}

// Tells the process that started us whether start-up succeeded; that process exits
// with the code we send, so `keeld` without -n fails visibly (pid file in use...).
class StartupReport {
 public:
  StartupReport() = default;
  explicit StartupReport(UniqueFd fd) : fd_(std::move(fd)) {}

  void done(int exit_code) {
    if (!fd_.valid()) return;
    const auto code = static_cast<unsigned char>(exit_code);
    while (::write(fd_.get(), &code, 1) < 0 && errno == EINTR) {
    }
    fd_.reset();
    if (exit_code == 0) detach_stdio();
  }

 private:
  static void detach_stdio() {
    UniqueFd null{::open("/dev/null", O_RDWR | O_CLOEXEC)};
    if (!null.valid()) return;
    for (int fd : {STDIN_FILENO, STDOUT_FILENO, STDERR_FILENO}) ::dup2(null.get(), fd);
  }

  UniqueFd fd_;
};

// fork, setsid, fork: the daemon is no session leader and can never regain a
// terminal. Returns in the daemon; the original process waits for its report.
std::expected<StartupReport, Error> detach() {
  int pipe_fds[2];
  if (::pipe2(pipe_fds, O_CLOEXEC) != 0) return std::unexpected(errno_error("pipe2"));
  UniqueFd read_end{pipe_fds[0]};
  UniqueFd write_end{pipe_fds[1]};
  std::fflush(nullptr);  // nothing buffered may be written twice

  const pid_t child = ::fork();
  if (child < 0) return std::unexpected(errno_error("fork"));
  if (child > 0) {
    write_end.reset();
    unsigned char code = 1;  // EOF without a report: the daemon died during start-up
    while (::read(read_end.get(), &code, 1) < 0 && errno == EINTR) {
    }
    ::waitpid(child, nullptr, 0);
    ::_exit(code);
  }

  read_end.reset();
  ::setsid();
  const pid_t daemon = ::fork();
  if (daemon < 0) {
    const unsigned char code = 1;
    (void)::write(write_end.get(), &code, 1);
    ::_exit(1);
  }
  if (daemon > 0) ::_exit(0);
  ::umask(022);
  if (::chdir("/") != 0) return std::unexpected(errno_error("chdir /"));
  return StartupReport{std::move(write_end)};
}

}  // namespace

std::string counted(std::size_t n, std::string_view singular, std::string_view plural) {
  return fmt::format("{} {}", n, n == 1 ? singular : plural);
}

void log_diagnostics(Logger& logger, const config::Diagnostics& diagnostics) {
  for (const config::Diagnostic& diagnostic : diagnostics.all()) {
    if (diagnostic.severity == config::Severity::kError) {
      logger.error("{}", diagnostic.to_string());
    } else {
      logger.warning("{}", diagnostic.to_string());
    }
  }
}

std::string ConfigSummary::to_string() const {
  return fmt::format("{}, {}, {}, {}", counted(vrrp_instances, "vrrp instance", "vrrp instances"),
                     counted(vrrp_sync_groups, "sync group", "sync groups"),
                     counted(virtual_servers, "virtual server", "virtual servers"),
                     counted(real_servers, "real server", "real servers"));
}

ConfigSummary summarize(const config::Config& config) {
  ConfigSummary summary{.vrrp_instances = config.vrrp_instances.size(),
                        .vrrp_sync_groups = config.vrrp_sync_groups.size(),
                        .virtual_servers = config.virtual_servers.size()};
  for (const auto& virtual_server : config.virtual_servers) {
    summary.real_servers += virtual_server.real_servers.size();
  }
  return summary;
}

std::expected<void, std::string> check_config_readable(const std::filesystem::path& path) {
  // O_NONBLOCK: a FIFO named as the config must not hang the check.
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK);
  int error = fd < 0 ? errno : 0;
  if (fd >= 0) {
    struct stat status {};
    if (::fstat(fd, &status) == 0 && S_ISDIR(status.st_mode)) error = EISDIR;
    ::close(fd);
  }
  if (error == 0) return {};
  return std::unexpected(fmt::format("cannot open configuration file {}: {}", path.string(), std::strerror(error)));
}

config::LoadResult load_config(const Options& options) {
  return config::load_config_file(options.config_file, config::ReadOptions{.config_id = options.config_id});
}

std::expected<void, Error> enter_network_namespace(const std::string& name) {
  const std::string path = "/run/netns/" + name;
  UniqueFd fd{::open(path.c_str(), O_RDONLY | O_CLOEXEC)};
  if (!fd.valid()) return std::unexpected(errno_error(fmt::format("cannot open network namespace {}", path)));
  if (::setns(fd.get(), CLONE_NEWNET) != 0) {
    return std::unexpected(errno_error(fmt::format("cannot enter network namespace {}", name)));
  }
  return {};
}

// --- run mode --------------------------------------------------------------------------

namespace {

void log_start(Logger& logger, const Options& options) {
  logger.notice("Starting Keel {} v{}", kProgramName, KEEL_VERSION);
  if (!options.network_namespace.empty()) logger.info("Running in network namespace {}", options.network_namespace);
  if (!options.config_id.empty()) logger.info("Configuration id {}", options.config_id);
  logger.detail("Configuration file {}, pid files {}, {} (VRRP), {} (checkers){}", options.config_file.string(),
                options.pid_file.string(), options.vrrp_pid_file.string(), options.checkers_pid_file.string(),
                options.dont_fork ? ", not detaching (-n)" : "");
  if (options.vrrp_only != options.check_only) {
    logger.info("Running only the {} child ({})", options.vrrp_only ? "VRRP" : "checker",
                options.vrrp_only ? "-P" : "-C");
  }
}

}  // namespace

int run_daemon(const Options& given, const ServiceRegistry& services) {
  // Detaching changes directory to /, so relative paths are resolved first; reloads
  // then read the same file the operator named.
  Options options = given;
  for (std::filesystem::path* path :
       {&options.config_file, &options.pid_file, &options.vrrp_pid_file, &options.checkers_pid_file}) {
    std::error_code ignored;  // on failure the path stays as given
    if (auto absolute = std::filesystem::absolute(*path, ignored); !ignored) *path = std::move(absolute);
  }
  if (auto readable = check_config_readable(options.config_file); !readable) {
    fmt::print(stderr, "{}: {}\n", kProgramName, readable.error());
    return 1;
  }
  sigset_t handled;
  sigemptyset(&handled);
  for (int signo : kHandledSignals) sigaddset(&handled, signo);
  pthread_sigmask(SIG_BLOCK, &handled, nullptr);
  ::signal(SIGPIPE, SIG_IGN);  // a peer closing a socket is an error value, not a death

  const LoggerOptions logger_options{
      .console = options.log_console, .syslog = !options.no_syslog, .detail = options.log_detail};
  Logger logger(logger_options);
  log_start(logger, options);

  config::LoadResult loaded = load_config(options);
  log_diagnostics(logger, loaded.diagnostics);
  if (!loaded.ok()) {
    if (!options.log_console) {
      for (const auto& diagnostic : loaded.diagnostics.all()) fmt::print(stderr, "{}\n", diagnostic.to_string());
    }
    report_fatal(logger, options,
                 fmt::format("configuration {}: {}; not starting", options.config_file.string(),
                             counted(loaded.diagnostics.error_count(), "error", "errors")));
    return 1;
  }
  logger.info("Loaded configuration {}: {}; {}", options.config_file.string(), summarize(loaded.config).to_string(),
              counted(loaded.diagnostics.warning_count(), "warning", "warnings"));

  StartupReport report;
  if (!options.dont_fork) {
    auto detached = detach();
    if (!detached) {
      report_fatal(logger, options, detached.error().to_string());
      return 1;
    }
    report = std::move(*detached);
  }
  // Written after detaching, so that it names the daemon and not its parent.
  auto pid_file = PidFile::create(options.pid_file, ::getpid());
  if (!pid_file) {
    report_fatal(logger, options, pid_file.error().to_string());
    report.done(1);
    return 1;
  }
  if (const auto stale = pid_file->replaced_stale_pid()) {
    logger.warning("Replaced stale pid file {} (pid {} is not running)", options.pid_file.string(), *stale);
  }
  auto loop = EventLoop::create();
  if (!loop) {
    report_fatal(logger, options, loop.error().to_string());
    report.done(1);
    return 1;
  }
  Supervisor supervisor(options, logger_options, logger, **loop, std::move(loaded.config), services);
  if (auto started = supervisor.start(); !started) {
    report_fatal(logger, options, started.error().to_string());
    report.done(1);
    return 1;  // ~Supervisor kills and reaps any child already started
  }
  report.done(0);

  const auto ran = supervisor.run();
  if (!ran) logger.error("Event loop failed: {}", ran.error().to_string());
  pid_file->remove();
  logger.notice("Stopped Keel {} v{}", kProgramName, KEEL_VERSION);
  return ran ? supervisor.exit_status() : 1;
}

}  // namespace keel::ctl

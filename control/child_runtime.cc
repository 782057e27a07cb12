// ChildRuntime: a vrrp or lb child's signals, supervisor socket, component and reloads.
#include "control/child_runtime.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/prctl.h>
#include <syslog.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>

#include "control/child_process.h"

namespace keel::ctl {

std::string_view service_name(ChildKind kind) { return kind == ChildKind::kVrrp ? kVrrpService : kCheckerService; }
std::string_view display_name(ChildKind kind) { return kind == ChildKind::kVrrp ? "VRRP" : "checker"; }
std::string_view log_ident(ChildKind kind) { return kind == ChildKind::kVrrp ? "keeld_vrrp" : "keeld_checkers"; }

void ServiceRegistry::add(std::string name, ComponentFactory factory) {
  factories_.insert_or_assign(std::move(name), std::move(factory));
}

const ComponentFactory* ServiceRegistry::find(std::string_view name) const {
  const auto it = factories_.find(name);
  return it == factories_.end() ? nullptr : &it->second;
}

// --- PlaceholderComponent ------------------------------------------------------------

std::string PlaceholderComponent::describe(const config::Config& config) const {
  if (kind_ == ChildKind::kVrrp) return counted(config.vrrp_instances.size(), "instance", "instances");
  return counted(config.virtual_servers.size(), "virtual server", "virtual servers");
}

void PlaceholderComponent::apply_config(const config::Config& config) {
  last_ = describe(config);
  logger_.notice("{} child {} ({})", display_name(kind_), started_ ? "applied the new configuration" : "started",
                 last_);
  started_ = true;
}

void PlaceholderComponent::dump_state(Logger& logger) const {
  logger.notice("State: {} child placeholder ({}); no service registered", display_name(kind_), last_);
}

void PlaceholderComponent::stop() { logger_.info("{} child stopping", display_name(kind_)); }

// --- ChildRuntime --------------------------------------------------------------------

ChildRuntime::ChildRuntime(ChildKind kind, const Options& options, Logger& logger, EventLoop& loop)
    : kind_(kind), options_(options), logger_(logger), loop_(loop) {}

ChildRuntime::~ChildRuntime() {
  component_.reset();  // before the context and socket it may hold references to
}

std::expected<void, Error> ChildRuntime::handle_signals() {
  const auto handle = [this](int signo, auto action) -> std::expected<void, Error> {
    auto watch = loop_.on_signal(signo, [this, action](const signalfd_siginfo& info) {
      logger_.detail("Received {} from pid {}", signal_name(static_cast<int>(info.ssi_signo)), info.ssi_pid);
      action(info);
    });
    if (!watch) return std::unexpected(watch.error());
    signal_watches_.push_back(std::move(*watch));
    return {};
  };
  const auto stop = [this](const signalfd_siginfo& info) {
    request_stop(signal_name(static_cast<int>(info.ssi_signo)));
  };
  // ^C in a terminal (-n) reaches the whole process group; the supervisor then stops the
  // children itself, and a child that quit first would only be respawned for nothing.
  const auto ignore = [this](const signalfd_siginfo&) {
    logger_.detail("SIGINT ignored: the supervisor stops children");
  };
  // keepalived's children reload on a SIGHUP of their own; the supervisor sends ReloadConfig.
  for (auto installed : {handle(SIGTERM, stop), handle(SIGINT, ignore),
                         handle(SIGHUP, [this](const signalfd_siginfo&) { reload(generation_); }),
                         handle(SIGUSR1, [this](const signalfd_siginfo&) { dump_state(); })}) {
    if (!installed) return installed;
  }
  return {};
}

std::expected<void, ChildRuntime::StartError> ChildRuntime::start(UniqueFd supervisor, config::Config config,
                                                                  std::uint64_t generation,
                                                                  const ComponentFactory* factory) {
  config_ = std::make_unique<config::Config>(std::move(config));
  generation_ = generation;
  if (auto handled = handle_signals(); !handled) return std::unexpected(StartError{handled.error()});

  auto socket =
      MessageSocket::open(loop_, std::move(supervisor),
                          MessageSocket::Callbacks{
                              .on_message = [this](const Message& message) { on_message(message); },
                              .on_invalid =
                                  [this](DecodeError error) {
                                    logger_.warning("Dropped a message from the supervisor: {}", to_string(error));
                                  },
                              .on_closed = [this] { request_stop("the supervisor has gone"); },
                          });
  if (!socket) return std::unexpected(StartError{socket.error()});
  supervisor_ = std::move(*socket);

  context_ = std::make_unique<ChildContext>(ChildContext{
      .kind = kind_,
      .options = options_,
      .loop = loop_,
      .logger = logger_,
      .send_to_supervisor = [this](const Message& message) -> std::expected<void, Error> {
        if (!supervisor_) return std::unexpected(Error{.message = "no supervisor socket"});
        return supervisor_->send(message);
      },
  });
  if (factory != nullptr) {
    auto component = (*factory)(*context_);
    if (!component) {
      const int errno_value = component.error().errno_value;
      const bool fatal = errno_value == EPERM || errno_value == EACCES;
      return std::unexpected(StartError{component.error(), fatal ? kChildExitFatal : kChildExitFailed});
    }
    component_ = std::move(*component);
  } else {
    component_ = std::make_unique<PlaceholderComponent>(kind_, logger_);
  }
  component_->apply_config(*config_);
  // The same line whatever the component, for operators and tests alike.
  logger_.info("{} child ready (configuration generation {})", display_name(kind_), generation_);
  if (auto sent = supervisor_->send(Ready{}); !sent) logger_.warning("{}", sent.error().to_string());
  return {};
}

int ChildRuntime::run() {
  const auto ran = loop_.run();
  if (!ran) logger_.error("Event loop failed: {}", ran.error().to_string());
  if (component_) component_->stop();
  component_.reset();  // while the loop lives: its handles unregister cleanly
  return ran ? kChildExitOk : kChildExitFailed;
}

void ChildRuntime::request_stop(std::string_view why) {
  if (stopping_) return;
  stopping_ = true;
  logger_.notice("Stopping {} child ({})", display_name(kind_), why);
  loop_.stop();
}

void ChildRuntime::on_message(const Message& message) {
  logger_.debug("From the supervisor: {}", to_string(message));
  if (const auto* reload_request = std::get_if<ReloadConfig>(&message)) {
    reload(reload_request->generation);
  } else {
    logger_.warning("Unexpected message from the supervisor: {}", to_string(message));
  }
}

void ChildRuntime::reload(std::uint64_t generation) {
  const std::string path = options_.config_file.string();
  logger_.notice("Reloading configuration {} (generation {})", path, generation);
  if (auto readable = check_config_readable(options_.config_file); !readable) {
    logger_.error("Reload failed: {}; keeping the running configuration", readable.error());
    return;
  }
  // The file is read again here, as keepalived's children do; the supervisor validated it
  // a moment ago, but it may have changed since, so it is validated again.
  config::LoadResult loaded = load_config(options_);
  if (!loaded.ok()) {
    log_diagnostics(logger_, loaded.diagnostics);
    logger_.error("Reload failed: {} in {}; keeping the running configuration",
                  counted(loaded.diagnostics.error_count(), "error", "errors"), path);
    return;
  }
  auto next = std::make_unique<config::Config>(std::move(loaded.config));
  if (component_) component_->apply_config(*next);
  config_ = std::move(next);  // the old model lives until the component let go of it
  generation_ = generation;
  logger_.notice("Reloaded configuration {} (generation {}): {}", path, generation_, summarize(*config_).to_string());
}

void ChildRuntime::dump_state() const {
  const TimerStats& timers = loop_.timer_stats();
  const auto micros = [](Duration d) { return std::chrono::duration_cast<std::chrono::microseconds>(d).count(); };
  logger_.notice("State: {} child, configuration generation {}: {}", display_name(kind_), generation_,
                 summarize(*config_).to_string());
  logger_.notice("State: timers: {} fired, {} pending, lateness last {} us, max {} us", timers.fired,
                 loop_.pending_timers(), micros(timers.last_lateness), micros(timers.max_lateness));
  if (component_) component_->dump_state(logger_);
}

// --- after fork ----------------------------------------------------------------------

namespace {

int child_main(const ChildLaunch& launch) {
  LoggerOptions logger_options = launch.logger_options;
  logger_options.ident = std::string{log_ident(launch.kind)};
  Logger logger(logger_options);
  auto loop = EventLoop::create();
  if (!loop) {
    logger.error("{} child: {}", display_name(launch.kind), loop.error().to_string());
    return kChildExitFailed;
  }
  ChildRuntime runtime(launch.kind, launch.options, logger, **loop);
  auto started = runtime.start(UniqueFd{launch.supervisor_fd}, launch.config, launch.generation,
                               launch.services.find(service_name(launch.kind)));
  if (!started) {
    logger.error("{} child cannot start: {}", display_name(launch.kind), started.error().error.to_string());
    return started.error().exit_status;
  }
  return runtime.run();
}

}  // namespace

void run_child_process(const ChildLaunch& launch) {
  // Never outlive the supervisor. Checked after setting it: the supervisor may have died
  // between fork and prctl, and then no signal would ever come.
  ::prctl(PR_SET_PDEATHSIG, SIGTERM);
  if (::getppid() != launch.supervisor_pid) ::_exit(kChildExitOk);
  close_descriptors_from_3(launch.supervisor_fd);
  // glibc's syslog still holds the number of the descriptor just closed; forget it before
  // any new descriptor can reuse that number, so the child's Logger opens its own.
  ::closelog();
  if (!launch.options.dont_fork) {
    // Forked before the supervisor detached its own stdio: a child holding the caller's
    // terminal or pipe would keep `out=$(keeld)` waiting forever.
    const int null = ::open("/dev/null", O_RDWR | O_CLOEXEC);
    if (null >= 0) {
      for (int fd : {STDIN_FILENO, STDOUT_FILENO, STDERR_FILENO}) ::dup2(null, fd);
      ::close(null);
    }
  }
  const int status = child_main(launch);
  std::fflush(nullptr);
  // _exit: the supervisor's objects copied by fork (loop, pid file, logger) must not run
  // their destructors here.
  ::_exit(status);
}

}  // namespace keel::ctl

// Supervisor: starting, watching, respawning and stopping the vrrp and lb children.
#include "control/supervisor.h"

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>

#include "keel_build_config.h"

namespace keel::ctl {

using namespace std::chrono_literals;

namespace {

// "1 s", "0.25 s", "1.53 s", "3600 s".
std::string seconds_text(Duration duration) {
  const double seconds = std::chrono::duration<double>(duration).count();
  return seconds >= 10 ? fmt::format("{:.0f} s", seconds) : fmt::format("{:.3g} s", seconds);
}

}  // namespace

// --- pure policy ---------------------------------------------------------------------

Duration restart_delay(const RestartPolicy& policy, unsigned crashes) {
  Duration delay = policy.initial;
  for (unsigned i = 1; i < crashes && delay < policy.max; ++i) delay *= 2;  // no overflow: stops at max
  return std::min(delay, policy.max);
}

unsigned crashes_after(const RestartPolicy& policy, unsigned previous, Duration ran_for) {
  return ran_for >= policy.stable_after ? 1 : previous + 1;
}

ChildExitVerdict classify_child_exit(const ProcessExit& exit, bool stopping) {
  if (stopping) return {ChildExitAction::kNone, exit.to_string()};
  if (exit.is_exit() && exit.value == kChildExitFatal) {
    return {ChildExitAction::kStopDaemon, fmt::format("exited with a fatal error (status {})", exit.value)};
  }
  if (exit.is_exit() && exit.value == kChildExitOk) {
    return {ChildExitAction::kRespawn, "exited with status 0 without being asked to"};
  }
  return {ChildExitAction::kRespawn, exit.to_string()};
}

std::vector<ChildKind> children_to_run(const Options& options) {
  if (options.vrrp_only == options.check_only) return {ChildKind::kVrrp, ChildKind::kChecker};
  return {options.vrrp_only ? ChildKind::kVrrp : ChildKind::kChecker};
}

// --- Supervisor ----------------------------------------------------------------------

struct Supervisor::Child {
  ChildKind kind;
  std::filesystem::path pid_path;
  pid_t pid = 0;  // 0: not running
  UniqueFd pidfd;
  FdWatch exit_watch;  // declared after pidfd: unregistered before it closes
  std::unique_ptr<MessageSocket> socket;
  std::optional<PidFile> pid_file;
  TimePoint started_at{};
  unsigned crashes = 0;
  Timer restart_timer;
  bool ready = false;
};

Supervisor::Supervisor(const Options& options, const LoggerOptions& logger_options, Logger& logger, EventLoop& loop,
                       config::Config config, const ServiceRegistry& services, RestartPolicy restart)
    : options_(options),
      logger_options_(logger_options),
      logger_(logger),
      loop_(loop),
      config_(std::move(config)),
      services_(services),
      restart_(restart) {
  for (ChildKind kind : children_to_run(options_)) {
    auto child = std::make_unique<Child>();
    child->kind = kind;
    child->pid_path = kind == ChildKind::kVrrp ? options_.vrrp_pid_file : options_.checkers_pid_file;
    children_.push_back(std::move(child));
  }
}

Supervisor::~Supervisor() {
  for (const auto& child : children_) {
    if (child->pid == 0) continue;
    (void)signal_pidfd(child->pidfd.get(), SIGKILL);
    (void)reap_pidfd(child->pidfd.get(), true);  // short: SIGKILL cannot be caught
    child->pid_file.reset();
  }
}

std::optional<pid_t> Supervisor::child_pid(ChildKind kind) const {
  for (const auto& child : children_) {
    if (child->kind == kind && child->pid != 0) return child->pid;
  }
  return std::nullopt;
}

Duration Supervisor::child_wait_time() const {
  const auto& configured = config_.global.child_wait_time;
  return configured ? Duration{*configured} : kDefaultChildWaitTime;
}

std::expected<void, Error> Supervisor::start() {
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
  for (auto installed :
       {handle(SIGTERM, stop), handle(SIGINT, stop), handle(SIGHUP, [this](const signalfd_siginfo&) { reload(); }),
        handle(SIGUSR1, [this](const signalfd_siginfo&) { dump_state(); })}) {
    if (!installed) return installed;
  }
  logger_.info("Supervisor running as pid {}", ::getpid());
  for (const auto& child : children_) {
    if (auto spawned = spawn(*child); !spawned) return spawned;
    // At start-up a pid file in use means another keeld runs with the same files.
    if (auto written = write_pid_file(*child); !written) return written;
  }
  return {};
}

std::expected<void, Error> Supervisor::run() {
  if (!stopping_ || std::any_of(children_.begin(), children_.end(), [](const auto& c) { return c->pid != 0; })) {
    return loop_.run();
  }
  return {};
}

std::expected<void, Error> Supervisor::spawn(Child& child) {
  auto sockets = MessageSocket::make_pair();
  if (!sockets) return std::unexpected(sockets.error());
  std::fflush(nullptr);  // nothing buffered may be written twice
  const pid_t supervisor = ::getpid();
  const pid_t pid = ::fork();
  if (pid < 0) return std::unexpected(errno_error(fmt::format("cannot fork the {} child", display_name(child.kind))));
  if (pid == 0) {
    run_child_process(ChildLaunch{.kind = child.kind,
                                  .options = options_,
                                  .logger_options = logger_options_,
                                  .config = config_,
                                  .generation = generation_,
                                  .services = services_,
                                  .supervisor_fd = sockets->second.get(),
                                  .supervisor_pid = supervisor});
  }
  sockets->second.reset();
  auto pidfd = open_pidfd(pid);
  auto watch = pidfd ? loop_.add_fd(pidfd->get(), EPOLLIN, [this, &child](std::uint32_t) { on_child_exit(child); })
                     : std::expected<FdWatch, Error>{std::unexpected(pidfd.error())};
  if (!watch) {
    // Unwatched, it could neither be reaped nor respawned: end it now.
    ::kill(pid, SIGKILL);
    ::waitpid(pid, nullptr, 0);
    return std::unexpected(watch.error());
  }
  child.pid = pid;
  child.pidfd = std::move(*pidfd);
  child.exit_watch = std::move(*watch);
  child.started_at = loop_.now();
  child.ready = false;
  logger_.info("Starting {} child process, pid={}", display_name(child.kind), pid);

  auto socket = MessageSocket::open(
      loop_, std::move(sockets->first),
      MessageSocket::Callbacks{
          .on_message = [this, &child](const Message& message) { on_child_message(child, message); },
          .on_invalid =
              [this, &child](DecodeError error) {
                logger_.warning("Dropped a message from the {} child: {}", display_name(child.kind), to_string(error));
              },
          .on_closed = [this, &child] { logger_.detail("{} child closed its socket", display_name(child.kind)); },
      });
  if (socket) {
    child.socket = std::move(*socket);
  } else {
    logger_.error("{} child: {}; it will not hear of reloads", display_name(child.kind), socket.error().to_string());
  }
  return {};
}

std::expected<void, Error> Supervisor::write_pid_file(Child& child) {
  // Written here rather than in the child: one process owns every pid file, rewrites it
  // on each respawn and removes it when it reaps the child.
  auto pid_file = PidFile::create(child.pid_path, child.pid);
  if (!pid_file) return std::unexpected(pid_file.error());
  if (const auto stale = pid_file->replaced_stale_pid()) {
    logger_.detail("Replaced stale pid file {} (pid {})", child.pid_path.string(), *stale);
  }
  child.pid_file = std::move(*pid_file);
  return {};
}

void Supervisor::on_child_message(Child& child, const Message& message) {
  logger_.debug("From the {} child: {}", display_name(child.kind), to_string(message));
  if (std::holds_alternative<Ready>(message)) {
    child.ready = true;
    logger_.detail("{} child process({}) is ready", display_name(child.kind), child.pid);
  } else if (const auto* changed = std::get_if<VrrpStateChanged>(&message)) {
    // The IPVS sync daemon follows these (lvs_sync_daemon); nothing runs it yet.
    logger_.info("VRRP instance {} is now {}", changed->instance, vrrp::to_string(changed->state));
  } else {
    logger_.warning("Unexpected message from the {} child: {}", display_name(child.kind), to_string(message));
  }
}

void Supervisor::on_child_exit(Child& child) {
  auto reaped = reap_pidfd(child.pidfd.get());
  if (!reaped) {
    logger_.error("Cannot reap the {} child process({}): {}", display_name(child.kind), child.pid,
                  reaped.error().to_string());
    child.exit_watch.reset();  // a level-triggered watch would spin on the error
    return;
  }
  if (!*reaped) return;
  const pid_t pid = std::exchange(child.pid, 0);
  child.exit_watch.reset();
  child.pidfd.reset();
  child.socket.reset();
  child.pid_file.reset();  // removes the file: it names a process that is gone

  const ChildExitVerdict verdict = classify_child_exit(**reaped, stopping_);
  switch (verdict.action) {
    case ChildExitAction::kNone:
      logger_.info("{} child process({}) {}", display_name(child.kind), pid, verdict.reason);
      break;
    case ChildExitAction::kRespawn:
      child.crashes = crashes_after(restart_, child.crashes, loop_.now() - child.started_at);
      logger_.error("{} child process({}) died: {}; respawning in {}", display_name(child.kind), pid, verdict.reason,
                    seconds_text(restart_delay(restart_, child.crashes)));
      schedule_restart(child);
      break;
    case ChildExitAction::kStopDaemon:
      logger_.error("{} child process({}) died: {}; not respawning", display_name(child.kind), pid, verdict.reason);
      exit_status_ = 1;
      request_stop(fmt::format("the {} child failed", display_name(child.kind)));
      break;
  }
  finish_if_done();
}

void Supervisor::schedule_restart(Child& child) {
  child.restart_timer = loop_.add_timer(restart_delay(restart_, child.crashes), [this, &child] {
    if (stopping_) return;
    if (auto spawned = spawn(child); !spawned) {
      ++child.crashes;
      logger_.error("Cannot respawn the {} child: {}; next attempt in {}", display_name(child.kind),
                    spawned.error().to_string(), seconds_text(restart_delay(restart_, child.crashes)));
      schedule_restart(child);
    } else if (auto written = write_pid_file(child); !written) {
      logger_.error("{} child: {}", display_name(child.kind), written.error().to_string());
    }
  });
}

void Supervisor::request_stop(std::string_view why) {
  if (stopping_) {
    logger_.info("Already stopping ({})", why);
    return;
  }
  stopping_ = true;
  logger_.notice("Stopping Keel {} v{} ({})", kProgramName, KEEL_VERSION, why);
  bool any = false;
  for (const auto& child : children_) {
    child->restart_timer.cancel();
    if (child->pid == 0) continue;
    any = true;
    if (auto sent = signal_pidfd(child->pidfd.get(), SIGTERM); !sent) logger_.warning("{}", sent.error().to_string());
  }
  if (!any) {
    loop_.stop();
    return;
  }
  const Duration wait = child_wait_time();
  kill_timer_ = loop_.add_timer(wait, [this, wait] {
    for (const auto& child : children_) {
      if (child->pid == 0) continue;
      logger_.warning("{} child process({}) did not stop within {}; sending SIGKILL", display_name(child->kind),
                      child->pid, seconds_text(wait));
      (void)signal_pidfd(child->pidfd.get(), SIGKILL);
    }
  });
}

void Supervisor::finish_if_done() {
  if (!stopping_) return;
  for (const auto& child : children_) {
    if (child->pid != 0) return;
  }
  kill_timer_.cancel();
  loop_.stop();
}

void Supervisor::reload() {
  const std::string path = options_.config_file.string();
  logger_.notice("Reloading configuration {}", path);
  if (auto readable = check_config_readable(options_.config_file); !readable) {
    logger_.error("Reload failed: {}; keeping the running configuration", readable.error());
    return;
  }
  config::LoadResult loaded = load_config(options_);
  log_diagnostics(logger_, loaded.diagnostics);
  if (!loaded.ok()) {
    logger_.error("Reload failed: {} in {}; keeping the running configuration",
                  counted(loaded.diagnostics.error_count(), "error", "errors"), path);
    return;
  }
  config_ = std::move(loaded.config);
  ++generation_;
  logger_.notice("Reloaded configuration {} (generation {}): {}; {}", path, generation_, summarize(config_).to_string(),
                 counted(loaded.diagnostics.warning_count(), "warning", "warnings"));
  // A child waiting to be respawned will be forked with the new configuration.
  for (const auto& child : children_) {
    if (child->pid == 0 || !child->socket) continue;
    if (auto sent = child->socket->send(ReloadConfig{.generation = generation_}); !sent) {
      logger_.error("{} child process({}): {}", display_name(child->kind), child->pid, sent.error().to_string());
    }
  }
}

void Supervisor::dump_state() const {
  logger_.notice("State: configuration {} (generation {}): {}", options_.config_file.string(), generation_,
                 summarize(config_).to_string());
  for (const auto& child : children_) {
    if (child->pid == 0) {
      logger_.notice("State: {} child not running{}", display_name(child->kind),
                     child->restart_timer.pending() ? " (waiting to respawn)" : "");
      continue;
    }
    logger_.notice("State: {} child process({}) up {}, {}, {} consecutive crashes", display_name(child->kind),
                   child->pid, seconds_text(loop_.now() - child->started_at), child->ready ? "ready" : "starting",
                   child->crashes);
    (void)signal_pidfd(child->pidfd.get(), SIGUSR1);  // each child logs its own state
  }
}

}  // namespace keel::ctl

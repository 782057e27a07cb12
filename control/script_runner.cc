// ChildScriptRunner: fork + exec, pidfd watch, timeout escalation, reaping.
#include "control/script_runner.h"

#include <fcntl.h>
#include <grp.h>
#include <pwd.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>

#include "control/child_process.h"

namespace keel::ctl {

using namespace std::chrono_literals;

namespace {

// Exit statuses as a shell reports them, so operators read them the same way.
constexpr int kExitNotFound = 127;
constexpr int kExitCannotRun = 126;
constexpr int kExitNotStarted = -1;

std::vector<char> nss_buffer(int which) {
  const long size = ::sysconf(which);
  return std::vector<char>(size > 0 ? static_cast<std::size_t>(size) : 16384);
}

std::optional<passwd> find_user(const std::string& name, std::vector<char>& buffer) {
  passwd entry{};
  passwd* found = nullptr;
  buffer = nss_buffer(_SC_GETPW_R_SIZE_MAX);
  while (::getpwnam_r(name.c_str(), &entry, buffer.data(), buffer.size(), &found) == ERANGE) {
    buffer.resize(buffer.size() * 2);
  }
  if (found == nullptr) return std::nullopt;
  return entry;
}

std::optional<passwd> find_user(uid_t uid, std::vector<char>& buffer) {
  passwd entry{};
  passwd* found = nullptr;
  buffer = nss_buffer(_SC_GETPW_R_SIZE_MAX);
  while (::getpwuid_r(uid, &entry, buffer.data(), buffer.size(), &found) == ERANGE) {
    buffer.resize(buffer.size() * 2);
  }
  if (found == nullptr) return std::nullopt;
  return entry;
}

std::optional<gid_t> find_group(const std::string& name) {
  group entry{};
  group* found = nullptr;
  std::vector<char> buffer = nss_buffer(_SC_GETGR_R_SIZE_MAX);
  while (::getgrnam_r(name.c_str(), &entry, buffer.data(), buffer.size(), &found) == ERANGE) {
    buffer.resize(buffer.size() * 2);
  }
  if (found == nullptr) return std::nullopt;
  return found->gr_gid;
}

std::string command_line(const config::Script& script) {
  std::string text;
  for (const std::string& word : script.command) {
    if (!text.empty()) text += ' ';
    text += word;
  }
  return text;
}

// Everything the forked child needs, prepared before fork so the child only makes
// system calls (no allocation, no NSS) between fork and exec.
struct ExecPlan {
  std::vector<std::string> words;
  std::vector<char*> argv;
  // Where the program may be: itself if it names a path, else each $PATH entry. The
  // search is ours, not execvp's, so that "not found" (127) is told apart from "found
  // but not executable" (126) even when a $PATH directory is closed to the script user.
  std::vector<std::string> candidates;
  std::string shell = "/bin/sh";
  std::vector<char*> shell_argv;  // shell CANDIDATE args...: for a script without "#!"
  ScriptCredentials credentials;
  std::vector<gid_t> groups;  // supplementary groups of credentials.user

  // Points argv and shell_argv into the strings above; call once the plan stays put.
  void bind() {
    argv.clear();
    for (std::string& word : words) argv.push_back(word.data());
    argv.push_back(nullptr);
    shell_argv = {shell.data(), nullptr};  // [1] is set to the candidate in the child
    shell_argv.insert(shell_argv.end(), argv.begin() + 1, argv.end());
  }
};

std::vector<gid_t> supplementary_groups(const ScriptCredentials& credentials) {
  int count = 32;
  std::vector<gid_t> groups(static_cast<std::size_t>(count));
  while (::getgrouplist(credentials.user.c_str(), credentials.gid, groups.data(), &count) < 0) {
    groups.resize(static_cast<std::size_t>(count) + 1);
  }
  groups.resize(static_cast<std::size_t>(count));
  return groups;
}

std::vector<std::string> program_candidates(const std::string& program) {
  if (program.find('/') != std::string::npos) return {program};
  const char* path = std::getenv("PATH");
  const std::string_view directories = path != nullptr ? path : "/usr/local/bin:/usr/bin:/bin";
  std::vector<std::string> candidates;
  std::size_t start = 0;
  while (start <= directories.size()) {
    const std::size_t end = std::min(directories.find(':', start), directories.size());
    const std::string_view directory = directories.substr(start, end - start);
    candidates.push_back(fmt::format("{}/{}", directory.empty() ? "." : directory, program));
    start = end + 1;
  }
  return candidates;
}

ExecPlan make_plan(const config::Script& script, const std::vector<std::string>& extra_args,
                   ScriptCredentials credentials) {
  ExecPlan plan{.words = script.command, .credentials = std::move(credentials)};
  plan.words.insert(plan.words.end(), extra_args.begin(), extra_args.end());
  plan.candidates = program_candidates(plan.words.front());
  if (::geteuid() == 0) plan.groups = supplementary_groups(plan.credentials);
  return plan;
}

// In the child: tries every candidate as execvp() would. Returns only on failure, with
// errno ENOENT if no candidate exists (for this user) or the error of one that does.
void exec_program(ExecPlan& plan) {
  int failure = ENOENT;
  for (const std::string& candidate : plan.candidates) {
    ::execv(candidate.c_str(), plan.argv.data());
    int error = errno;
    if (error == ENOEXEC) {                                       // no "#!": run it with the shell, as execvp does
      plan.shell_argv[1] = const_cast<char*>(candidate.c_str());  // execv's argv is char* const[]
      ::execv(plan.shell_argv[0], plan.shell_argv.data());
      error = errno;
    }
    if (error == ENOENT || error == ENOTDIR) continue;
    if (error == EACCES && ::access(candidate.c_str(), F_OK) != 0) continue;  // unreachable: as if missing
    failure = error;
    if (error != EACCES) break;  // execvp also goes on after EACCES
  }
  errno = failure;
}

// In the child. Returns only if exec failed; the caller reports errno and exits.
void exec_child(ExecPlan& plan, pid_t parent, int error_pipe) {
  ::setpgid(0, 0);  // its own group, so a timeout kills the script and its children
  reset_signal_state();
  const int null = ::open("/dev/null", O_RDWR);
  if (null >= 0) {
    for (int fd : {STDIN_FILENO, STDOUT_FILENO, STDERR_FILENO}) ::dup2(null, fd);
  }
  close_descriptors_from_3(error_pipe);

  const ScriptCredentials& who = plan.credentials;
  if (::geteuid() == 0) {
    // Groups first: once the uid is dropped, setgroups/setgid are no longer allowed.
    if (::setgroups(plan.groups.size(), plan.groups.data()) != 0 || ::setgid(who.gid) != 0 || ::setuid(who.uid) != 0) {
      return;
    }
  } else if (who.uid != ::geteuid() || who.gid != ::getegid()) {
    errno = EPERM;
    return;
  }
  // After the credential change, which clears it (kernel commit_creds()). The parent may
  // have died before this call; then nobody would deliver the signal.
  ::prctl(PR_SET_PDEATHSIG, SIGTERM);
  if (::getppid() != parent) ::_exit(kExitCannotRun);
  exec_program(plan);
}

}  // namespace

ScriptRunnerOptions script_runner_options(const config::GlobalDefs& global) {
  return ScriptRunnerOptions{.user = global.script_user, .group = global.script_group};
}

std::expected<ScriptCredentials, std::string> resolve_script_credentials(const std::optional<std::string>& user,
                                                                         const std::optional<std::string>& group) {
  std::vector<char> buffer;
  std::optional<passwd> entry;
  if (user) {
    entry = find_user(*user, buffer);
    if (!entry) return std::unexpected(fmt::format("unknown script user '{}'", *user));
  } else if (::geteuid() != 0) {
    // Without root nothing can be switched; the default then means "as ourselves".
    entry = find_user(::geteuid(), buffer);
    return ScriptCredentials{.user = entry ? entry->pw_name : std::string{}, .uid = ::geteuid(), .gid = ::getegid()};
  } else {
    entry = find_user(std::string{kDefaultScriptUser}, buffer);  // keepalived's default...
    if (!entry) entry = find_user("root", buffer);               // ...else root
    if (!entry) return ScriptCredentials{.user = "root", .uid = 0, .gid = 0};
  }
  ScriptCredentials credentials{.user = entry->pw_name, .uid = entry->pw_uid, .gid = entry->pw_gid};
  if (group) {
    const std::optional<gid_t> gid = find_group(*group);
    if (!gid) return std::unexpected(fmt::format("unknown script group '{}'", *group));
    credentials.gid = *gid;
  }
  return credentials;
}

// --- the runner ----------------------------------------------------------------------

struct ChildScriptRunner::Child {
  std::uint64_t id = 0;
  std::string name;  // the command line, for log lines
  pid_t pid = 0;     // 0: never started (a failure is reported through `report`)
  UniqueFd pidfd;
  UniqueFd exec_error;  // read end: the child writes errno here when exec fails
  FdWatch watch;        // declared after pidfd: unregistered before it is closed
  Timer timeout;
  Timer kill_timer;  // SIGKILL after the grace period
  Timer report;      // delivers a failure to start
  bool timed_out = false;
  bool terminating = false;
  std::function<void(const vrrp::ScriptExit&)> on_exit;  // empty once the handle is dropped
};

class ChildScriptRunner::RunHandle final : public vrrp::Handle {
 public:
  RunHandle(std::weak_ptr<ChildScriptRunner*> runner, std::uint64_t id) : runner_(std::move(runner)), id_(id) {}
  ~RunHandle() override {
    if (auto runner = runner_.lock()) (*runner)->abandon(id_);
  }

 private:
  std::weak_ptr<ChildScriptRunner*> runner_;
  std::uint64_t id_;
};

ChildScriptRunner::ChildScriptRunner(EventLoop& loop, Logger& logger, ScriptRunnerOptions options)
    : loop_(loop), logger_(logger), options_(std::move(options)), token_(std::make_shared<ChildScriptRunner*>(this)) {}

ChildScriptRunner::~ChildScriptRunner() {
  token_.reset();
  for (auto& [id, child] : children_) {
    if (child->pid == 0) continue;
    ::kill(-child->pid, SIGKILL);
    (void)signal_pidfd(child->pidfd.get(), SIGKILL);
    // SIGKILL cannot be caught, so this wait is short: it only collects the zombie.
    (void)reap_pidfd(child->pidfd.get(), true);
  }
}

std::expected<ScriptCredentials, std::string> ChildScriptRunner::credentials_for(const config::Script& script) {
  // A script's own "user" overrides the global script_user (and then its group with it).
  CredentialKey key =
      script.user ? CredentialKey{script.user, script.group} : CredentialKey{options_.user, options_.group};
  if (const auto it = credentials_.find(key); it != credentials_.end()) return it->second;
  auto resolved = resolve_script_credentials(std::get<0>(key), std::get<1>(key));
  if (resolved) credentials_.emplace(std::move(key), *resolved);
  return resolved;
}

std::unique_ptr<vrrp::Handle> ChildScriptRunner::run(const config::Script& script, std::vector<std::string> extra_args,
                                                     std::optional<config::Duration> timeout,
                                                     std::function<void(const vrrp::ScriptExit&)> on_exit) {
  const std::uint64_t id = next_id_++;
  auto child = std::make_unique<Child>();
  child->id = id;
  child->name = command_line(script);
  child->on_exit = std::move(on_exit);
  if (auto started = start(*child, script, extra_args); !started) {
    logger_.warning("Cannot run script '{}': {}", child->name, started.error());
  } else if (timeout) {
    child->timeout = loop_.add_timer(*timeout, [this, id] { on_timeout(id); });
  }
  children_.emplace(id, std::move(child));
  return std::make_unique<RunHandle>(token_, id);
}

std::expected<void, std::string> ChildScriptRunner::start(Child& child, const config::Script& script,
                                                          const std::vector<std::string>& extra_args) {
  if (script.command.empty()) {
    fail_later(child, kExitNotFound);
    return std::unexpected("empty command");
  }
  auto credentials = credentials_for(script);
  if (!credentials) {
    fail_later(child, kExitCannotRun);
    return std::unexpected(credentials.error());
  }
  ExecPlan plan = make_plan(script, extra_args, *credentials);
  plan.bind();

  int pipe_fds[2];
  if (::pipe2(pipe_fds, O_CLOEXEC | O_NONBLOCK) != 0) {
    fail_later(child, kExitNotStarted);
    return std::unexpected(errno_error("pipe2").to_string());
  }
  UniqueFd error_read{pipe_fds[0]};
  UniqueFd error_write{pipe_fds[1]};
  const pid_t parent = ::getpid();
  const pid_t pid = ::fork();
  if (pid < 0) {
    fail_later(child, kExitNotStarted);
    return std::unexpected(errno_error("fork").to_string());
  }
  if (pid == 0) {
    exec_child(plan, parent, error_write.get());
    const int error = errno;
    (void)!::write(error_write.get(), &error, sizeof error);
    ::_exit(error == ENOENT ? kExitNotFound : kExitCannotRun);
  }
  ::setpgid(pid, pid);  // also from here: a timeout may come before the child runs
  child.pid = pid;
  child.exec_error = std::move(error_read);
  auto pidfd = open_pidfd(pid);
  auto watch = pidfd ? loop_.add_fd(pidfd->get(), EPOLLIN, [this, id = child.id](std::uint32_t) { reap(id); })
                     : std::expected<FdWatch, Error>{std::unexpected(pidfd.error())};
  if (!watch) {
    // Without a pidfd we could never reap it without blocking: end it now.
    ::kill(-pid, SIGKILL);
    ::kill(pid, SIGKILL);
    siginfo_t ignored{};
    ::waitid(P_PID, static_cast<id_t>(pid), &ignored, WEXITED);
    child.pid = 0;
    fail_later(child, kExitNotStarted);
    return std::unexpected(watch.error().to_string());
  }
  child.pidfd = std::move(*pidfd);
  child.watch = std::move(*watch);
  logger_.detail("Running script '{}' as {} (pid {})", child.name, plan.credentials.user, pid);
  return {};
}

void ChildScriptRunner::fail_later(Child& child, int exit_status) {
  child.report = loop_.add_timer(0ns, [this, id = child.id, exit_status] {
    const auto it = children_.find(id);
    if (it == children_.end()) return;
    auto on_exit = std::move(it->second->on_exit);
    children_.erase(it);
    if (on_exit) on_exit(vrrp::ScriptExit{.exit_status = exit_status});
  });
}

void ChildScriptRunner::on_timeout(std::uint64_t id) {
  const auto it = children_.find(id);
  if (it == children_.end()) return;
  Child& child = *it->second;
  child.timed_out = true;
  logger_.warning("Script '{}' (pid {}) timed out; sending SIGTERM", child.name, child.pid);
  terminate(child);
}

void ChildScriptRunner::terminate(Child& child) {
  if (child.pid == 0 || child.terminating) return;
  child.terminating = true;
  // The group reaches what the script started; the pidfd reaches the script even if it
  // left the group. Both are safe until we reap the leader: its pid cannot be reused.
  ::kill(-child.pid, SIGTERM);
  (void)signal_pidfd(child.pidfd.get(), SIGTERM);
  child.kill_timer = loop_.add_timer(options_.kill_grace, [this, id = child.id] {
    const auto it = children_.find(id);
    if (it == children_.end()) return;
    logger_.warning("Script '{}' (pid {}) ignored SIGTERM; sending SIGKILL", it->second->name, it->second->pid);
    ::kill(-it->second->pid, SIGKILL);
    (void)signal_pidfd(it->second->pidfd.get(), SIGKILL);
  });
}

void ChildScriptRunner::reap(std::uint64_t id) {
  const auto it = children_.find(id);
  if (it == children_.end()) return;
  Child& child = *it->second;
  auto reaped = reap_pidfd(child.pidfd.get());
  if (!reaped) {
    logger_.error("Cannot reap script '{}' (pid {}): {}", child.name, child.pid, reaped.error().to_string());
    child.watch.reset();  // a level-triggered watch would spin on the error
    return;
  }
  if (!*reaped) return;  // not exited yet
  const ProcessExit& exit = **reaped;
  int exec_errno = 0;
  if (::read(child.exec_error.get(), &exec_errno, sizeof exec_errno) == sizeof exec_errno) {
    logger_.warning("Cannot run script '{}': {}", child.name, std::strerror(exec_errno));
  }
  const vrrp::ScriptExit result{.timed_out = child.timed_out,
                                .exit_status = exit.is_exit() ? exit.value : -1,
                                .signal = exit.is_exit() ? 0 : exit.value};
  logger_.detail("Script '{}' (pid {}) {}{}", child.name, child.pid, exit.to_string(),
                 child.timed_out ? " after timing out" : "");
  auto on_exit = std::move(child.on_exit);
  children_.erase(it);  // before the callback, which may start or drop other scripts
  if (on_exit) on_exit(result);
}

void ChildScriptRunner::abandon(std::uint64_t id) {
  const auto it = children_.find(id);
  if (it == children_.end()) return;  // finished and reported already
  Child& child = *it->second;
  child.on_exit = nullptr;
  if (child.pid == 0) {
    children_.erase(it);
    return;
  }
  child.timeout.cancel();
  terminate(child);  // stays in children_ until reaped
}

}  // namespace keel::ctl

// ChildScriptRunner with real processes (/bin/sh, sleep): exit statuses, timeouts with
// SIGTERM then SIGKILL, a missing executable, appended arguments, what the script
// inherits, dropped handles, and that no process or zombie is left behind. Nothing
// asserts on time; waits only have a generous upper bound so a hang fails the test.
#include "control/script_runner.h"

#include <pwd.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <functional>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

namespace keel::ctl {
namespace {

using namespace std::chrono_literals;
namespace fs = std::filesystem;

constexpr auto kBound = 20s;  // a hang, not a slow machine

std::string read_file(const fs::path& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

bool process_exists(pid_t pid) { return fs::exists(fmt::format("/proc/{}", pid)); }

// Our children that are zombies: what a runner that forgot to reap would leave.
std::vector<pid_t> zombie_children() {
  std::vector<pid_t> zombies;
  for (const auto& entry : fs::directory_iterator("/proc")) {
    const std::string name = entry.path().filename();
    if (name.find_first_not_of("0123456789") != std::string::npos) continue;
    std::ifstream status(entry.path() / "status");
    std::string line;
    bool zombie = false;
    pid_t parent = 0;
    while (std::getline(status, line)) {
      if (line.starts_with("State:")) zombie = line.find('Z') != std::string::npos;
      if (line.starts_with("PPid:")) parent = std::stoi(line.substr(5));
    }
    if (zombie && parent == ::getpid()) zombies.push_back(std::stoi(name));
  }
  return zombies;
}

config::Script shell(std::string code) { return config::Script{.command = {"/bin/sh", "-c", std::move(code)}}; }

class ScriptRunnerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / fmt::format("keel-script-test-{}-{}", ::getpid(), counter_++);
    fs::create_directories(dir_);
  }
  void TearDown() override {
    runner_.reset();
    std::error_code ignored;
    fs::remove_all(dir_, ignored);
    EXPECT_TRUE(zombie_children().empty());
  }

  // Turns the loop until `done` holds; false after kBound.
  bool run_until(const std::function<bool()>& done) {
    const auto give_up = std::chrono::steady_clock::now() + kBound;
    while (!done()) {
      if (std::chrono::steady_clock::now() > give_up) return false;
      if (!loop_->run_once(100ms)) return false;
    }
    return true;
  }

  // Runs `script` and waits for its exit report.
  std::optional<vrrp::ScriptExit> run_to_exit(const config::Script& script, std::vector<std::string> extra = {},
                                              std::optional<config::Duration> timeout = std::nullopt) {
    std::optional<vrrp::ScriptExit> result;
    auto handle = runner_->run(script, std::move(extra), timeout, [&](const vrrp::ScriptExit& exit) { result = exit; });
    EXPECT_NE(handle, nullptr);
    EXPECT_TRUE(run_until([&] { return result.has_value(); })) << "no exit report before the bound";
    return result;
  }

  // Waits for a script to write its pid to `file`.
  pid_t wait_for_pid(const fs::path& file) {
    pid_t pid = 0;
    EXPECT_TRUE(run_until([&] {
      const std::string text = read_file(file);
      if (text.empty() || text.back() != '\n') return false;
      pid = std::stoi(text);
      return true;
    }));
    return pid;
  }

  static inline int counter_ = 0;
  fs::path dir_;
  Logger logger_{LoggerOptions{.console = false, .syslog = false}};
  std::unique_ptr<EventLoop> loop_ = EventLoop::create().value();
  std::unique_ptr<ChildScriptRunner> runner_ =
      std::make_unique<ChildScriptRunner>(*loop_, logger_, ScriptRunnerOptions{.kill_grace = 200ms});
};

TEST_F(ScriptRunnerTest, ExitStatusZeroIsReported) {
  const auto exit = run_to_exit(shell("exit 0"));
  ASSERT_TRUE(exit);
  EXPECT_EQ(exit->exit_status, 0);
  EXPECT_EQ(exit->signal, 0);
  EXPECT_FALSE(exit->timed_out);
  EXPECT_EQ(runner_->running(), 0u);
}

TEST_F(ScriptRunnerTest, ExitStatusThreeIsReported) {
  const auto exit = run_to_exit(shell("exit 3"));
  ASSERT_TRUE(exit);
  EXPECT_EQ(exit->exit_status, 3);
  EXPECT_EQ(exit->signal, 0);
  EXPECT_FALSE(exit->timed_out);
}

TEST_F(ScriptRunnerTest, TimeoutSendsSigtermAndReportsTimedOut) {
  const auto exit = run_to_exit(config::Script{.command = {"sleep", "30"}}, {}, config::Duration{100ms});
  ASSERT_TRUE(exit);
  EXPECT_TRUE(exit->timed_out);
  EXPECT_EQ(exit->signal, SIGTERM);
  EXPECT_EQ(exit->exit_status, -1);
}

TEST_F(ScriptRunnerTest, ScriptIgnoringSigtermIsKilledWithItsWholeProcessGroup) {
  const fs::path pid_file = dir_ / "pid";
  // Ignored signals stay ignored across exec, so the sleeps ignore SIGTERM too.
  const auto exit =
      run_to_exit(shell(fmt::format("echo $$ > {}; trap '' TERM; while :; do sleep 0.05; done", pid_file.string())), {},
                  config::Duration{100ms});
  ASSERT_TRUE(exit);
  EXPECT_TRUE(exit->timed_out);
  EXPECT_EQ(exit->signal, SIGKILL);
  // The sleeps got the same SIGKILL; they are orphans now, so their end is asynchronous.
  const pid_t group = std::stoi(read_file(pid_file));
  EXPECT_TRUE(run_until([&] { return ::kill(-group, 0) != 0 && errno == ESRCH; }))
      << "a process of the script's group survived";
}

TEST_F(ScriptRunnerTest, MissingExecutableReportsStatus127) {
  const auto exit = run_to_exit(config::Script{.command = {(dir_ / "no-such-script").string(), "arg"}});
  ASSERT_TRUE(exit);
  EXPECT_EQ(exit->exit_status, 127);
  EXPECT_FALSE(exit->timed_out);
}

TEST_F(ScriptRunnerTest, ProgramNotOnThePathReportsStatus127) {
  const auto exit = run_to_exit(config::Script{.command = {"keel-no-such-program-anywhere"}});
  ASSERT_TRUE(exit);
  EXPECT_EQ(exit->exit_status, 127);
}

TEST_F(ScriptRunnerTest, FileThatIsNotExecutableReportsStatus126) {
  const fs::path file = dir_ / "not-executable";
  std::ofstream(file) << "#!/bin/sh\nexit 0\n";
  fs::permissions(file, fs::perms::owner_read | fs::perms::owner_write);
  const auto exit = run_to_exit(config::Script{.command = {file.string()}});
  ASSERT_TRUE(exit);
  // root may execute any file with an x bit, but this one has none.
  EXPECT_EQ(exit->exit_status, 126);
}

TEST_F(ScriptRunnerTest, ScriptWithoutInterpreterLineRunsWithTheShell) {
  const fs::path file = dir_ / "no-shebang";
  std::ofstream(file) << "exit 5\n";
  fs::permissions(file, fs::perms::owner_all);
  const auto exit = run_to_exit(config::Script{.command = {file.string()}});
  ASSERT_TRUE(exit);
  EXPECT_EQ(exit->exit_status, 5);
}

TEST_F(ScriptRunnerTest, EmptyCommandReportsStatus127FromTheLoop) {
  bool reported = false;
  int status = 0;
  auto handle = runner_->run(config::Script{}, {}, std::nullopt, [&](const vrrp::ScriptExit& exit) {
    reported = true;
    status = exit.exit_status;
  });
  EXPECT_FALSE(reported) << "the report must come from the loop, not from inside run()";
  ASSERT_TRUE(run_until([&] { return reported; }));
  EXPECT_EQ(status, 127);
}

TEST_F(ScriptRunnerTest, ExtraArgumentsAreAppendedWordForWord) {
  const fs::path script = dir_ / "notify.sh";
  const fs::path out = dir_ / "args";
  std::ofstream(script) << fmt::format("#!/bin/sh\nfor a in \"$@\"; do printf '%s\\n' \"$a\"; done > {}\n",
                                       out.string());
  fs::permissions(script, fs::perms::owner_all);

  const auto exit =
      run_to_exit(config::Script{.command = {script.string(), "configured"}}, {"INSTANCE", "VI 1", "MASTER", "100"});
  ASSERT_TRUE(exit);
  EXPECT_EQ(exit->exit_status, 0);
  EXPECT_EQ(read_file(out), "configured\nINSTANCE\nVI 1\nMASTER\n100\n");
}

TEST_F(ScriptRunnerTest, ScriptGetsDevNullAndNoBlockedOrIgnoredSignals) {
  // As in keeld: the daemon's signals blocked for signalfd, SIGPIPE ignored.
  sigset_t blocked;
  sigset_t previous;
  sigemptyset(&blocked);
  for (int signo : {SIGTERM, SIGINT, SIGHUP, SIGUSR1}) sigaddset(&blocked, signo);
  ASSERT_EQ(pthread_sigmask(SIG_BLOCK, &blocked, &previous), 0);
  auto* previous_pipe = ::signal(SIGPIPE, SIG_IGN);

  const fs::path out = dir_ / "inherited";
  const auto exit = run_to_exit(shell(
      fmt::format("{{ readlink /proc/self/fd/0; readlink /proc/self/fd/1; grep -E '^Sig(Blk|Ign)' /proc/self/status; "
                  "ls /proc/self/fd | wc -l; }} > {} 2>&1",
                  out.string())));

  ::signal(SIGPIPE, previous_pipe);
  pthread_sigmask(SIG_SETMASK, &previous, nullptr);
  ASSERT_TRUE(exit);
  EXPECT_EQ(exit->exit_status, 0);
  const std::string text = read_file(out);
  EXPECT_TRUE(text.starts_with("/dev/null\n")) << text;  // stdin
  EXPECT_NE(text.find("SigBlk:\t0000000000000000"), std::string::npos) << text;
  EXPECT_NE(text.find("SigIgn:\t0000000000000000"), std::string::npos) << text;
  // ls sees 0, 1, 2, the redirection's file and its own directory descriptor: 5 at most
  // (the loop's epoll, timerfd and signalfd are not inherited).
  const std::size_t last_line = text.rfind('\n', text.size() - 2);
  EXPECT_LE(std::stoi(text.substr(last_line + 1)), 5) << text;
}

TEST_F(ScriptRunnerTest, DestroyingTheHandleKillsTheScriptWithoutCallingBack) {
  const fs::path pid_file = dir_ / "pid";
  bool called = false;
  auto handle = runner_->run(shell(fmt::format("echo $$ > {}; exec sleep 30", pid_file.string())), {}, std::nullopt,
                             [&](const vrrp::ScriptExit&) { called = true; });
  const pid_t pid = wait_for_pid(pid_file);
  ASSERT_GT(pid, 0);
  ASSERT_TRUE(process_exists(pid));

  handle.reset();
  ASSERT_TRUE(run_until([&] { return runner_->running() == 0; }));
  EXPECT_FALSE(process_exists(pid)) << "killed, and reaped (no zombie)";
  EXPECT_FALSE(called);
}

TEST_F(ScriptRunnerTest, DestroyingTheRunnerKillsAndReapsWhatStillRuns) {
  const fs::path pid_file = dir_ / "pid";
  auto handle = runner_->run(shell(fmt::format("echo $$ > {}; exec sleep 30", pid_file.string())), {}, std::nullopt,
                             [](const vrrp::ScriptExit&) {});
  const pid_t pid = wait_for_pid(pid_file);
  ASSERT_GT(pid, 0);
  runner_.reset();
  EXPECT_FALSE(process_exists(pid));
  handle.reset();  // outliving the runner is harmless
}

TEST_F(ScriptRunnerTest, CallbackMayStartTheNextScript) {
  std::vector<int> statuses;
  std::unique_ptr<vrrp::Handle> next;
  std::unique_ptr<vrrp::Handle> first;
  first = runner_->run(shell("exit 1"), {}, std::nullopt, [&](const vrrp::ScriptExit& exit) {
    statuses.push_back(exit.exit_status);
    first.reset();  // the handle of the script that just ended: already reported, harmless
    next = runner_->run(shell("exit 2"), {}, std::nullopt,
                        [&](const vrrp::ScriptExit& second) { statuses.push_back(second.exit_status); });
  });
  ASSERT_TRUE(run_until([&] { return statuses.size() == 2; }));
  EXPECT_EQ(statuses, (std::vector<int>{1, 2}));
}

TEST_F(ScriptRunnerTest, ManyScriptsLeaveNoZombie) {
  int done = 0;
  std::vector<std::unique_ptr<vrrp::Handle>> handles;
  for (int i = 0; i < 20; ++i) {
    handles.push_back(
        runner_->run(shell(fmt::format("exit {}", i % 4)), {}, std::nullopt, [&](const vrrp::ScriptExit&) { ++done; }));
  }
  ASSERT_TRUE(run_until([&] { return done == 20; }));
  EXPECT_EQ(runner_->running(), 0u);
  EXPECT_TRUE(zombie_children().empty());
}

TEST_F(ScriptRunnerTest, UnknownUserIsRefusedWithStatus126) {
  const auto exit = run_to_exit(config::Script{.command = {"/bin/true"}, .user = "keel-no-such-user"});
  ASSERT_TRUE(exit);
  EXPECT_EQ(exit->exit_status, 126);
}

TEST_F(ScriptRunnerTest, ScriptRunsAsItsConfiguredUser) {
  if (::geteuid() != 0) GTEST_SKIP() << "switching users needs root";
  const passwd* nobody = ::getpwnam("nobody");
  if (nobody == nullptr) GTEST_SKIP() << "no user 'nobody'";
  const uid_t nobody_uid = nobody->pw_uid;
  fs::permissions(dir_, fs::perms::all);  // nobody writes its answer here
  const fs::path out = dir_ / "id";
  const auto exit = run_to_exit(
      config::Script{.command = {"/bin/sh", "-c", fmt::format("id -u > {}", out.string())}, .user = "nobody"});
  ASSERT_TRUE(exit);
  EXPECT_EQ(exit->exit_status, 0);
  EXPECT_EQ(read_file(out), fmt::format("{}\n", nobody_uid));
}

TEST(ScriptCredentials, UnknownNamesAreErrors) {
  EXPECT_FALSE(resolve_script_credentials(std::string{"keel-no-such-user"}, std::nullopt).has_value());
  EXPECT_FALSE(resolve_script_credentials(std::string{"root"}, std::string{"keel-no-such-group"}).has_value());
}

TEST(ScriptCredentials, DefaultIsKeepalivedScriptUserElseRootWhenPrivileged) {
  if (::geteuid() != 0) GTEST_SKIP() << "the default applies to a root daemon";
  const auto credentials = resolve_script_credentials(std::nullopt, std::nullopt);
  ASSERT_TRUE(credentials.has_value()) << credentials.error();
  const passwd* script_user = ::getpwnam(std::string{kDefaultScriptUser}.c_str());
  EXPECT_EQ(credentials->user, script_user != nullptr ? std::string{kDefaultScriptUser} : std::string{"root"});
}

TEST(ScriptRunnerOptions, ComeFromGlobalDefs) {
  config::GlobalDefs global;
  global.script_user = "alice";
  global.script_group = "staff";
  const ScriptRunnerOptions options = script_runner_options(global);
  EXPECT_EQ(options.user, "alice");
  EXPECT_EQ(options.group, "staff");
}

}  // namespace
}  // namespace keel::ctl

// Pid files: a pid file names a running keeld only while that process can still run.
#include "control/pid_file.h"

#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <string>
#include <thread>

namespace keel::ctl {
namespace {

char process_state(pid_t pid) {
  std::ifstream in{"/proc/" + std::to_string(pid) + "/stat"};
  std::string stat;
  std::getline(in, stat);
  const auto close = stat.rfind(')');
  return close != std::string::npos && close + 2 < stat.size() ? stat[close + 2] : '?';
}

// A child of this test has the test's command name, as a restarted keeld has keeld's.
pid_t fork_child(bool exit_at_once) {
  const pid_t pid = ::fork();
  if (pid == 0) {
    if (exit_at_once) ::_exit(0);
    for (int i = 0; i < 600; ++i) ::sleep(1);  // killed by the test long before
    ::_exit(0);
  }
  return pid;
}

TEST(PidFile, RunningProcessWithOurNameIsALiveInstance) {
  const pid_t child = fork_child(false);
  ASSERT_GT(child, 0);
  EXPECT_TRUE(is_live_instance(child));
  ::kill(child, SIGKILL);
  ::waitpid(child, nullptr, 0);
  EXPECT_FALSE(is_live_instance(child));
}

// After SIGKILL of a whole keeld, a child lingers as a zombie until it is reaped; a
// restart in that window must not be refused.
TEST(PidFile, UnreapedZombieIsNotALiveInstance) {
  const pid_t child = fork_child(true);
  ASSERT_GT(child, 0);
  for (int i = 0; i < 500 && process_state(child) != 'Z'; ++i) std::this_thread::sleep_for(std::chrono::milliseconds{10});
  ASSERT_EQ(process_state(child), 'Z');
  EXPECT_FALSE(is_live_instance(child));
  ::waitpid(child, nullptr, 0);
}

TEST(PidFile, ZombieOwnerDoesNotBlockCreate) {
  const pid_t child = fork_child(true);
  ASSERT_GT(child, 0);
  for (int i = 0; i < 500 && process_state(child) != 'Z'; ++i) std::this_thread::sleep_for(std::chrono::milliseconds{10});
  char directory_template[] = "/tmp/keel-pid-file-test.XXXXXX";
  ASSERT_NE(::mkdtemp(directory_template), nullptr);
  const std::filesystem::path path = std::filesystem::path{directory_template} / "keeld.pid";
  std::ofstream{path} << child << "\n";
  {
    auto created = PidFile::create(path, ::getpid());
    ASSERT_TRUE(created.has_value()) << created.error().message;
    EXPECT_EQ(read_pid_file(path), ::getpid());
  }
  ::waitpid(child, nullptr, 0);
  std::filesystem::remove_all(directory_template);
}

}  // namespace
}  // namespace keel::ctl

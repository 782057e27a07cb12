// vrrp::ScriptRunner as real child processes: fork + exec of the script as script_user,
// watched through a pidfd on the event loop, so the loop never blocks and no SIGCHLD
// handler exists. A timeout sends SIGTERM to the script's process group, then SIGKILL
// after a short grace period. Destroying a run's handle kills the script; the runner
// still reaps it, so no zombie is ever left.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <expected>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <tuple>
#include <unordered_map>
#include <vector>

#include "config/model_global.h"
#include "control/event_loop.h"
#include "control/logger.h"
#include "vrrp/io/ports.h"

namespace keel::ctl {

// keepalived's default script user, used when it exists and no script_user is set.
inline constexpr std::string_view kDefaultScriptUser = "keepalived_script";

struct ScriptRunnerOptions {
  // global_defs script_user / script_group; nullopt: kDefaultScriptUser if it exists, else root.
  std::optional<std::string> user;
  std::optional<std::string> group;
  // Between the SIGTERM of a timeout (or of a dropped handle) and the SIGKILL.
  Duration kill_grace = std::chrono::seconds{1};
};

// The runner options a configuration asks for.
ScriptRunnerOptions script_runner_options(const config::GlobalDefs& global);

// Who a script runs as, resolved from names in the parent (NSS may block or allocate,
// neither of which belongs between fork and exec).
struct ScriptCredentials {
  std::string user;  // for initgroups()
  uid_t uid = 0;
  gid_t gid = 0;
  friend bool operator==(const ScriptCredentials&, const ScriptCredentials&) = default;
};

// `user` nullopt means keepalived's default (kDefaultScriptUser if it exists, else root);
// `group` nullopt means the user's primary group. The error names the unknown user/group.
std::expected<ScriptCredentials, std::string> resolve_script_credentials(const std::optional<std::string>& user,
                                                                         const std::optional<std::string>& group);

class ChildScriptRunner final : public vrrp::ScriptRunner {
 public:
  // `loop` and `logger` must outlive the runner.
  ChildScriptRunner(EventLoop& loop, Logger& logger, ScriptRunnerOptions options = {});
  // Kills (SIGKILL) and reaps every script still running; pending callbacks are dropped.
  ~ChildScriptRunner() override;
  ChildScriptRunner(const ChildScriptRunner&) = delete;
  ChildScriptRunner& operator=(const ChildScriptRunner&) = delete;

  // Never blocks and never throws for a script that cannot run: an executable that is
  // missing reports exit status 127, one that cannot be executed (or whose user cannot be
  // switched to) 126, a failed fork -1 — always through `on_exit`, from the loop, never
  // from inside run().
  std::unique_ptr<vrrp::Handle> run(const config::Script& script, std::vector<std::string> extra_args,
                                    std::optional<config::Duration> timeout,
                                    std::function<void(const vrrp::ScriptExit&)> on_exit) override;

  // Scripts started and not reaped yet, including those whose handle was dropped.
  std::size_t running() const { return children_.size(); }

 private:
  struct Child;
  class RunHandle;

  std::expected<ScriptCredentials, std::string> credentials_for(const config::Script& script);
  std::expected<void, std::string> start(Child& child, const config::Script& script,
                                         const std::vector<std::string>& extra_args);
  void fail_later(Child& child, int exit_status);
  void on_timeout(std::uint64_t id);
  void terminate(Child& child);
  void reap(std::uint64_t id);
  void abandon(std::uint64_t id);

  EventLoop& loop_;
  Logger& logger_;
  ScriptRunnerOptions options_;
  using CredentialKey = std::tuple<std::optional<std::string>, std::optional<std::string>>;
  std::map<CredentialKey, ScriptCredentials> credentials_;  // NSS lookups are done once
  std::unordered_map<std::uint64_t, std::unique_ptr<Child>> children_;
  std::uint64_t next_id_ = 1;
  std::shared_ptr<ChildScriptRunner*> token_;  // handles hold weak references to it
};

}  // namespace keel::ctl

// One checker's schedule and up/down decision, as keepalived's checkers make it
// (check_tcp.c tcp_epilog and its siblings): after a success the next check is
// delay_loop away; a failure of an up checker is retried `retry` times, delay_before_retry
// apart, before the checker goes down; a down checker is not retried. `alpha` starts the
// checker down, so its real server enters the pool only after a first success. `warmup`
// spreads the first checks over a random delay.
//
// Pure: time comes in with every call and randomness as a number, nothing is read.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>

#include "config/model_lvs.h"

namespace keel::check {

using TimePoint = std::chrono::steady_clock::time_point;
using Duration = config::Duration;

struct RetryPolicy {
  std::uint32_t retry = 1;
  Duration delay_loop = std::chrono::seconds{60};
  Duration delay_before_retry = std::chrono::seconds{1};
  Duration warmup{};  // the first check comes a random part of this after start
  bool alpha = false;
};

// The policy of a checker of a validated configuration (validate_lvs() made every value
// explicit, inheriting from the real and virtual server as keepalived does).
RetryPolicy retry_policy(const config::Checker& checker);

// What the checker's real server must hear about (VirtualServerState::checker_changed).
enum class CheckerTransition : std::uint8_t {
  kUp,           // the checker went up
  kDown,         // the checker went down (retries exhausted)
  kStartedDown,  // first result of an alpha checker confirms it down: keepalived runs notify_down
};

struct CheckerStep {
  TimePoint next_check_at;
  std::optional<CheckerTransition> transition;
  bool retrying = false;  // the next check is a retry (after delay_before_retry)
  // With kDown after a first run: the retries it took ("failed after N retries").
  std::uint32_t retries_used = 0;
};

class CheckerRetry {
 public:
  explicit CheckerRetry(RetryPolicy policy);

  // When to run the first check: start + warmup * random_fraction, for a random_fraction
  // in [0, 1) drawn by the caller.
  TimePoint first_check_at(TimePoint start, double random_fraction) const;

  // The outcome of one check that ended at `now`.
  CheckerStep on_result(bool success, TimePoint now);

  bool is_up() const { return up_; }
  bool has_run() const { return has_run_; }
  std::uint32_t retries_so_far() const { return retries_; }
  const RetryPolicy& policy() const { return policy_; }

 private:
  RetryPolicy policy_;
  bool up_;
  bool has_run_ = false;
  std::uint32_t retries_ = 0;
};

}  // namespace keel::check

#include "check/logic/checker_retry.h"

#include <algorithm>

namespace keel::check {

RetryPolicy retry_policy(const config::Checker& checker) {
  RetryPolicy policy;
  policy.retry = checker.retry.value_or(policy.retry);
  policy.delay_loop = checker.delay_loop.value_or(policy.delay_loop);
  policy.delay_before_retry = checker.delay_before_retry.value_or(policy.delay_before_retry);
  policy.warmup = checker.warmup.value_or(policy.delay_loop);  // man page: "the maximum at delay_loop"
  policy.alpha = checker.alpha.value_or(false);
  return policy;
}

CheckerRetry::CheckerRetry(RetryPolicy policy) : policy_(policy), up_(!policy.alpha) {}

TimePoint CheckerRetry::first_check_at(TimePoint start, double random_fraction) const {
  const double fraction = std::clamp(random_fraction, 0.0, 1.0);
  const auto offset = std::chrono::duration_cast<Duration>(policy_.warmup * fraction);
  return start + std::min(offset, policy_.warmup);
}

CheckerStep CheckerRetry::on_result(bool success, TimePoint now) {
  CheckerStep step{.next_check_at = now + policy_.delay_loop};
  // A first run counts as "up" for the retry rule, so a failing first check of a
  // non-alpha checker is retried and one of an alpha checker with retry 0 is confirmed.
  const bool counts_as_up = up_ || !has_run_;
  if (success) {
    retries_ = 0;
    if (!up_) {
      up_ = true;
      step.transition = CheckerTransition::kUp;
    }
  } else if (counts_as_up && retries_ >= policy_.retry) {
    step.retries_used = has_run_ ? retries_ : 0;
    retries_ = 0;
    step.transition = up_ ? CheckerTransition::kDown : CheckerTransition::kStartedDown;
    up_ = false;
  } else if (up_) {
    ++retries_;
    step.retrying = true;
    step.next_check_at = now + policy_.delay_before_retry;
  }
  has_run_ = true;
  return step;
}

}  // namespace keel::check

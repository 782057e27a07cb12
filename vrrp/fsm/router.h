// One VRRP virtual router's state machine (RFC 3768 §6.4, RFC 5798 §6.4) with keepalived's
// semantics: a pure function of (state, input, now) → (new state, actions). It never reads
// a clock, opens a socket or touches an address; vrrp/instance executes the actions.
#pragma once

#include <array>
#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include "config/ip_address.h"
#include "vrrp/fsm/events.h"
#include "vrrp/fsm/router_config.h"

namespace keel::vrrp {

class Router {
 public:
  explicit Router(RouterConfig config);

  // Feed one input that happened at `now`; returns what to do, in order.
  Actions handle(const Input& input, TimePoint now);

  const RouterConfig& config() const { return config_; }
  RouterState state() const { return state_; }
  // Effective priority: the configured one adjusted by tracking (never changes for the owner).
  int priority() const { return priority_; }
  // v3: learned from the master's adverts while BACKUP (RFC 5798 §6.4.2); else our own.
  std::chrono::nanoseconds master_adver_interval() const { return master_adver_interval_; }
  std::chrono::nanoseconds skew_time() const;
  std::chrono::nanoseconds master_down_interval() const;
  // When the timer of this kind is due, if armed (mirrors ArmTimer / CancelTimer).
  std::optional<TimePoint> deadline(TimerKind kind) const;
  // The current master as last heard (BACKUP), if any.
  const std::optional<config::IpAddress>& master_address() const { return master_address_; }
  bool faulted() const;
  // Why the router is in FAULT: every active source's reason.
  std::string fault_reason() const;
  bool wants_master() const { return wants_master_; }

 private:
  // Why the master-down timer is running: phrases the log line when it expires.
  enum class DownCause : std::uint8_t { kNoAdvert, kMasterResigned, kPreempting };

  void on(const Startup&, TimePoint now, Actions& out);
  void on(const AdvertReceived& advert, TimePoint now, Actions& out);
  void on(const TimerFired& fired, TimePoint now, Actions& out);
  void on(const Shutdown&, TimePoint now, Actions& out);
  void on(const FaultRaised& fault, TimePoint now, Actions& out);
  void on(const FaultCleared& cleared, TimePoint now, Actions& out);
  void on(const EffectivePriorityChanged& change, TimePoint now, Actions& out);
  void on(const ForceMaster& force, TimePoint now, Actions& out);
  void on(const ForceBackup& force, TimePoint now, Actions& out);

  void backup_receive(const AdvertReceived& advert, TimePoint now, Actions& out);
  void master_receive(const AdvertReceived& advert, TimePoint now, Actions& out);
  void master_down_expired(TimePoint now, Actions& out);
  void start_or_recover(std::string_view why, TimePoint now, Actions& out);

  void enter_master(std::string reason, TimePoint now, Actions& out);
  void enter_backup(std::string reason, TimePoint now, Actions& out);
  void enter_fault(Actions& out);
  void enter_stop(Actions& out);
  void release_master(Actions& out);
  void set_state(RouterState to, std::string reason, Actions& out);
  void arm(TimerKind kind, TimePoint deadline, Actions& out);
  void cancel(TimerKind kind, Actions& out);
  void want_master(bool wants, Actions& out);
  void log(std::string text, Actions& out) const;
  std::string down_reason(TimePoint now) const;

  RouterConfig config_;
  RouterState state_ = RouterState::kInit;
  int priority_;
  std::chrono::nanoseconds master_adver_interval_;
  std::array<std::optional<TimePoint>, kTimerKindCount> deadlines_{};
  std::array<std::optional<std::string>, kFaultSourceCount> faults_{};
  // keepalived's preempt_time: until then a lower-priority master is still accepted.
  std::optional<TimePoint> preempt_after_;
  TimePoint backup_since_{};
  std::optional<TimePoint> last_advert_at_;  // last advert accepted from a master
  std::optional<config::IpAddress> master_address_;
  int master_priority_ = 0;
  DownCause down_cause_ = DownCause::kNoAdvert;
  std::optional<std::pair<config::IpAddress, int>> last_discarded_;  // log each discarding once
  bool wants_master_ = false;
};

}  // namespace keel::vrrp

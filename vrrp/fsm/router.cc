// The VRRP state machine: RFC 5798 §6.4 (and RFC 3768 §6.4 for v2) with keepalived's
// extensions (FAULT, preempt_delay, GARP repeats, sync groups).
#include "vrrp/fsm/router.h"

#include <algorithm>
#include <cstddef>

namespace keel::vrrp {
namespace {

constexpr int kMaxNonOwnerPriority = kOwnerPriority - 1;

std::size_t index(TimerKind kind) { return static_cast<std::size_t>(kind); }
std::size_t index(FaultSource source) { return static_cast<std::size_t>(source); }

std::string priority_text(int priority) { return std::to_string(priority); }

}  // namespace

Router::Router(RouterConfig config)
    : config_(normalized(std::move(config))),
      priority_(config_.priority),
      master_adver_interval_(config_.advert_interval) {}

Actions Router::handle(const Input& input, TimePoint now) {
  Actions out;
  std::visit([&](const auto& event) { on(event, now, out); }, input);
  return out;
}

std::chrono::nanoseconds Router::skew_time() const {
  return vrrp::skew_time(config_.version, priority_, master_adver_interval_);
}

std::chrono::nanoseconds Router::master_down_interval() const {
  return vrrp::master_down_interval(config_.version, priority_, master_adver_interval_, config_.down_timer_adverts);
}

std::optional<TimePoint> Router::deadline(TimerKind kind) const { return deadlines_[index(kind)]; }

bool Router::faulted() const {
  return std::any_of(faults_.begin(), faults_.end(), [](const auto& fault) { return fault.has_value(); });
}

std::string Router::fault_reason() const {
  std::string text;
  for (const auto& fault : faults_) {
    if (!fault) continue;
    if (!text.empty()) text += "; ";
    text += *fault;
  }
  return text;
}

// ---- Inputs -------------------------------------------------------------------------

void Router::on(const Startup&, TimePoint now, Actions& out) {
  if (state_ != RouterState::kInit && state_ != RouterState::kStop) return;
  if (faulted()) {
    enter_fault(out);
    return;
  }
  start_or_recover("startup", now, out);
  // preempt_delay counts "at startup" (keepalived.conf(5)): until then a lower-priority
  // master already in place is followed rather than preempted.
  if (config_.preempt_delay.count() > 0) preempt_after_ = now + config_.preempt_delay;
}

void Router::on(const AdvertReceived& advert, TimePoint now, Actions& out) {
  if (state_ == RouterState::kBackup)
    backup_receive(advert, now, out);
  else if (state_ == RouterState::kMaster)
    master_receive(advert, now, out);
  // INIT, FAULT and STOP do not take part in the election.
}

void Router::on(const TimerFired& fired, TimePoint now, Actions& out) {
  auto& deadline = deadlines_[index(fired.kind)];
  // Cancelled, or re-armed to a later deadline since this expiry was scheduled: stale.
  if (!deadline || now < *deadline) return;
  deadline.reset();
  const bool master = state_ == RouterState::kMaster;
  switch (fired.kind) {
    case TimerKind::kMasterDown:
      if (state_ == RouterState::kBackup) master_down_expired(now, out);
      break;
    case TimerKind::kAdvert:
      // RFC 5798 §6.4.3: send an ADVERTISEMENT, reset the Adver_Timer.
      if (!master) break;
      out.push_back(SendAdvert{priority_});
      arm(TimerKind::kAdvert, now + config_.advert_interval, out);
      break;
    case TimerKind::kGarpRepeat:
      if (master) out.push_back(SendAnnouncements{config_.garp_master_repeat});
      break;
    case TimerKind::kGarpLowerPrioRepeat:
      if (master) out.push_back(SendAnnouncements{config_.garp_lower_prio_repeat});
      break;
    case TimerKind::kGarpRefresh:
      if (!master) break;
      out.push_back(SendAnnouncements{config_.garp_master_refresh_repeat});
      arm(TimerKind::kGarpRefresh, now + config_.garp_master_refresh, out);
      break;
  }
}

void Router::on(const Shutdown&, TimePoint, Actions& out) {
  if (state_ != RouterState::kStop) enter_stop(out);
}

void Router::on(const FaultRaised& fault, TimePoint, Actions& out) {
  auto& slot = faults_[index(fault.source)];
  const bool changed = slot != fault.reason;
  slot = fault.reason;
  if (state_ == RouterState::kBackup || state_ == RouterState::kMaster)
    enter_fault(out);
  else if (state_ == RouterState::kFault && changed)
    log("still FAULT: " + fault_reason(), out);
  // INIT / STOP: remembered; Startup enters FAULT.
}

void Router::on(const FaultCleared& cleared, TimePoint now, Actions& out) {
  auto& slot = faults_[index(cleared.source)];
  if (!slot) return;
  const std::string was = *slot;
  slot.reset();
  if (state_ != RouterState::kFault) return;
  if (faulted()) {
    log("cleared (" + was + ") but still FAULT: " + fault_reason(), out);
    return;
  }
  // keepalived leaves FAULT for BACKUP with a fresh master-down timer, and forgets any
  // learned interval and preempt delay.
  master_adver_interval_ = config_.advert_interval;
  preempt_after_.reset();
  start_or_recover("fault cleared (" + was + ")", now, out);
}

void Router::on(const EffectivePriorityChanged& change, TimePoint, Actions& out) {
  // keepalived.conf(5): the owner's priority cannot be changed by tracking, and tracking
  // cannot raise another router to 255.
  if (config_.is_owner()) return;
  const int updated = std::clamp(change.priority, 1, kMaxNonOwnerPriority);
  if (updated == priority_) return;
  const auto old_skew = skew_time();
  out.push_back(PriorityChanged{priority_, updated});
  log("effective priority " + priority_text(priority_) + " -> " + priority_text(updated), out);
  priority_ = updated;
  // A running master-down timer moves by the change in Skew_Time, as keepalived does.
  if (const auto deadline = deadlines_[index(TimerKind::kMasterDown)])
    arm(TimerKind::kMasterDown, *deadline + (skew_time() - old_skew), out);
}

void Router::on(const ForceMaster& force, TimePoint now, Actions& out) {
  if (state_ == RouterState::kBackup) enter_master("sync group: " + force.reason, now, out);
}

void Router::on(const ForceBackup& force, TimePoint now, Actions& out) {
  if (state_ == RouterState::kBackup) {
    wants_master_ = false;
    return;
  }
  if (state_ != RouterState::kMaster) return;
  // Resign so the peer's member takes over after Skew_Time instead of a whole
  // Master_Down_Interval (RFC 5798 §6.4.3 priority 0).
  out.push_back(SendAdvert{kResignPriority});
  master_adver_interval_ = config_.advert_interval;
  enter_backup("sync group: " + force.reason, now, out);
}

// ---- Election -----------------------------------------------------------------------

void Router::backup_receive(const AdvertReceived& advert, TimePoint now, Actions& out) {
  if (advert.priority == kResignPriority) {
    // RFC 5798 §6.4.2: the master resigned; Master_Down_Timer = Skew_Time.
    down_cause_ = DownCause::kMasterResigned;
    master_address_ = advert.source;
    log("master " + advert.source.to_string() + " resigned (priority 0 advert); taking over in " +
            format_seconds(skew_time()) + " unless a higher-priority backup does first",
        out);
    arm(TimerKind::kMasterDown, now + skew_time(), out);
    return;
  }
  // keepalived's preempt_time: a delay is running from startup or from the first advert of
  // a lower-priority master; while it runs that master is followed.
  const bool delaying = config_.preempt_delay.count() > 0 && (!preempt_after_ || now < *preempt_after_);
  if (!config_.preempt || advert.priority >= priority_ || delaying) {
    // RFC 5798 §6.4.2: follow this master and reset the Master_Down_Timer.
    if (config_.version == 3 && advert.advert_interval.count() > 0 &&
        advert.advert_interval != master_adver_interval_) {
      log("learned advert interval " + format_seconds(advert.advert_interval) + " from master " +
              advert.source.to_string() + " (was " + format_seconds(master_adver_interval_) + ")",
          out);
      master_adver_interval_ = advert.advert_interval;
    }
    last_advert_at_ = now;
    master_address_ = advert.source;
    master_priority_ = advert.priority;
    down_cause_ = DownCause::kNoAdvert;
    last_discarded_.reset();
    if (wants_master_) want_master(false, out);
    if (config_.preempt_delay.count() > 0) {
      if (advert.priority >= priority_) {
        preempt_after_.reset();
      } else if (!preempt_after_) {
        preempt_after_ = now + config_.preempt_delay;
        log("lower-priority master " + advert.source.to_string() + " (priority " + priority_text(advert.priority) +
                " < ours " + priority_text(priority_) + "): preempting after preempt_delay " +
                format_seconds(config_.preempt_delay),
            out);
      }
    }
    arm(TimerKind::kMasterDown, now + master_down_interval(), out);
    return;
  }
  // Preempt (RFC 5798 §6.4.2 "Discard the ADVERTISEMENT"): the Master_Down_Timer keeps
  // running and we take over when it expires.
  down_cause_ = DownCause::kPreempting;
  master_address_ = advert.source;
  master_priority_ = advert.priority;
  const std::pair<config::IpAddress, int> key{advert.source, advert.priority};
  if (last_discarded_ != key) {
    last_discarded_ = key;
    log("received lower priority (" + priority_text(advert.priority) + ") advert from " + advert.source.to_string() +
            " - discarding; preempting when the master down timer expires",
        out);
  }
}

void Router::master_receive(const AdvertReceived& advert, TimePoint now, Actions& out) {
  if (advert.priority == kResignPriority) {
    // RFC 5798 §6.4.3: another master resigned; advertise at once so backups keep us.
    log("received priority 0 advert from " + advert.source.to_string() + " while MASTER; advertising now", out);
    out.push_back(SendAdvert{priority_});
    arm(TimerKind::kAdvert, now + config_.advert_interval, out);
    return;
  }
  bool higher = advert.priority > priority_;
  if (advert.priority == priority_) {
    if (advert.source == config_.primary_address) {
      log("equal priority advert from our own address " + advert.source.to_string() +
              " (duplicate address or looped advert) - ignored",
          out);
      return;
    }
    if (priority_ == kOwnerPriority)
      log("CONFIGURATION ERROR: " + advert.source.to_string() +
              " is also address owner (priority 255); the higher address wins",
          out);
    // RFC 5798 §6.4.3: equal priority, the higher primary address wins.
    higher = config_.primary_address < advert.source;
  }
  if (higher) {
    // higher_prio_send_advert: one more advert, so the winner re-announces its VIPs.
    if (config_.higher_prio_send_advert) out.push_back(SendAdvert{priority_});
    std::string reason = advert.priority > priority_
                             ? "higher priority advert from " + advert.source.to_string() + " (" +
                                   priority_text(advert.priority) + " > ours " + priority_text(priority_) + ")"
                             : "equal priority " + priority_text(advert.priority) + " from higher address " +
                                   advert.source.to_string() + " (RFC 5798 §6.4.3)";
    // RFC 5798 §6.4.3 → Backup: Master_Adver_Interval from the advert, Master_Down_Timer.
    master_adver_interval_ =
        config_.version == 3 && advert.advert_interval.count() > 0 ? advert.advert_interval : config_.advert_interval;
    preempt_after_.reset();
    enter_backup(std::move(reason), now, out);
    last_advert_at_ = now;
    master_address_ = advert.source;
    master_priority_ = advert.priority;
    return;
  }
  // Another router claims MASTER with a lower priority: two masters (a healed split
  // brain). We stay, and re-announce so switches and hosts learn our MAC again
  // (keepalived's garp_lower_prio_repeat; at least one burst even in strict mode).
  log("received advert from " + advert.source.to_string() + " with lower priority " + priority_text(advert.priority) +
          " (ours " + priority_text(priority_) + ") while MASTER: two masters, staying MASTER and re-announcing",
      out);
  if (!config_.lower_prio_no_advert) out.push_back(SendAdvert{priority_});
  out.push_back(SendAnnouncements{std::max(1, config_.garp_lower_prio_repeat)});
  if (config_.garp_lower_prio_repeat > 0 && config_.garp_lower_prio_delay.count() > 0)
    arm(TimerKind::kGarpLowerPrioRepeat, now + config_.garp_lower_prio_delay, out);
  out.push_back(NotifyMasterRxLowerPriority{advert.priority, advert.source});
}

void Router::master_down_expired(TimePoint now, Actions& out) {
  std::string reason = down_reason(now);
  if (config_.sync_group_member) {
    // keepalived: a sync group goes MASTER only when every member wants to; ask again
    // after another interval, as keepalived re-arms the timer.
    if (!wants_master_) log(reason + "; waiting for the sync group to agree", out);
    want_master(true, out);
    arm(TimerKind::kMasterDown, now + master_down_interval(), out);
    return;
  }
  enter_master(std::move(reason), now, out);
}

std::string Router::down_reason(TimePoint now) const {
  const std::string master = master_address_ ? master_address_->to_string() : std::string("the master");
  switch (down_cause_) {
    case DownCause::kMasterResigned:
      return "master " + master + " resigned (priority 0); took over after skew time " + format_seconds(skew_time());
    case DownCause::kPreempting:
      return "preempting lower-priority master " + master + " (priority " + priority_text(master_priority_) +
             " < ours " + priority_text(priority_) + ")";
    case DownCause::kNoAdvert:
      break;
  }
  if (last_advert_at_)
    return "master down timer expired (no advert from " + master + " for " + format_seconds(now - *last_advert_at_) +
           ")";
  return "master down timer expired (no advert for " + format_seconds(now - backup_since_) + ")";
}

void Router::start_or_recover(std::string_view why, TimePoint now, Actions& out) {
  // RFC 5798 §6.4.1: the owner goes straight to Master; others wait as Backup.
  if (config_.is_owner() && !config_.sync_group_member) {
    enter_master(std::string(why) + ": priority 255, address owner", now, out);
    return;
  }
  enter_backup(std::string(why), now, out);
  if (config_.is_owner()) want_master(true, out);  // a sync-group owner waits for its group
}

// ---- Transitions --------------------------------------------------------------------

void Router::enter_master(std::string reason, TimePoint now, Actions& out) {
  cancel(TimerKind::kMasterDown, out);
  wants_master_ = false;
  master_adver_interval_ = config_.advert_interval;  // as master we advertise our own
  master_address_.reset();
  last_discarded_.reset();
  set_state(RouterState::kMaster, std::move(reason), out);
  // RFC 5798 §6.4.1/§6.4.2: send an ADVERTISEMENT, broadcast gratuitous ARP / unsolicited
  // NA, set the Adver_Timer.
  out.push_back(SendAdvert{priority_});
  out.push_back(AddVips{config_.accept});
  if (config_.garp_master_repeat > 0) {
    out.push_back(SendAnnouncements{config_.garp_master_repeat});
    if (config_.garp_master_delay.count() > 0) arm(TimerKind::kGarpRepeat, now + config_.garp_master_delay, out);
  }
  arm(TimerKind::kAdvert, now + config_.advert_interval, out);
  if (config_.garp_master_refresh.count() > 0) arm(TimerKind::kGarpRefresh, now + config_.garp_master_refresh, out);
  out.push_back(Notify{RouterState::kMaster, priority_});
}

void Router::enter_backup(std::string reason, TimePoint now, Actions& out) {
  if (state_ == RouterState::kMaster) release_master(out);
  set_state(RouterState::kBackup, std::move(reason), out);
  backup_since_ = now;
  down_cause_ = DownCause::kNoAdvert;
  last_advert_at_.reset();
  wants_master_ = false;
  // RFC 5798 §6.4.1: Master_Down_Timer = Master_Down_Interval.
  arm(TimerKind::kMasterDown, now + master_down_interval(), out);
  out.push_back(Notify{RouterState::kBackup, priority_});
}

void Router::enter_fault(Actions& out) {
  if (state_ == RouterState::kMaster) {
    // Resign first so a backup takes over after Skew_Time (keepalived sends priority 0).
    out.push_back(SendAdvert{kResignPriority});
    release_master(out);
  }
  cancel(TimerKind::kMasterDown, out);
  wants_master_ = false;
  set_state(RouterState::kFault, fault_reason(), out);
  out.push_back(Notify{RouterState::kFault, priority_});
}

void Router::enter_stop(Actions& out) {
  // RFC 5798 §6.4.3 Shutdown: cancel the Adver_Timer, send an ADVERTISEMENT with
  // priority 0, then give the addresses up.
  if (state_ == RouterState::kMaster) {
    out.push_back(SendAdvert{kResignPriority});
    release_master(out);
  }
  cancel(TimerKind::kMasterDown, out);
  wants_master_ = false;
  set_state(RouterState::kStop, "shutdown", out);
  out.push_back(Notify{RouterState::kStop, priority_});
}

void Router::release_master(Actions& out) {
  cancel(TimerKind::kAdvert, out);
  cancel(TimerKind::kGarpRepeat, out);
  cancel(TimerKind::kGarpLowerPrioRepeat, out);
  cancel(TimerKind::kGarpRefresh, out);
  out.push_back(RemoveVips{});
}

void Router::set_state(RouterState to, std::string reason, Actions& out) {
  log("entering " + std::string(to_string(to)) + ": " + reason, out);
  out.push_back(StateChanged{state_, to, std::move(reason)});
  state_ = to;
}

void Router::arm(TimerKind kind, TimePoint deadline, Actions& out) {
  deadlines_[index(kind)] = deadline;
  out.push_back(ArmTimer{kind, deadline});
}

void Router::cancel(TimerKind kind, Actions& out) {
  auto& deadline = deadlines_[index(kind)];
  if (!deadline) return;
  deadline.reset();
  out.push_back(CancelTimer{kind});
}

void Router::want_master(bool wants, Actions& out) {
  if (wants_master_ == wants) return;
  wants_master_ = wants;
  out.push_back(WantsMaster{wants});
}

void Router::log(std::string text, Actions& out) const {
  const std::string who = config_.name.empty() ? "VRID " + std::to_string(config_.vrid) : config_.name;
  out.push_back(LogLine{who + ": " + std::move(text)});
}

}  // namespace keel::vrrp

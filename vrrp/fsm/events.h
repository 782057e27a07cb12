// The vocabulary of the pure VRRP state machine: states, timers, the inputs a router
// reacts to and the actions it asks its I/O layer to carry out (RFC 3768 §6, RFC 5798 §6).
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "config/ip_address.h"

namespace keel::vrrp {

// The machine never reads a clock: every input comes with the time it happened.
using TimePoint = std::chrono::steady_clock::time_point;

// RFC 5798 §6.4 Initialize / Backup / Master, plus keepalived's FAULT (a tracked object
// failed) and STOP (the instance was shut down).
enum class RouterState : std::uint8_t { kInit, kBackup, kMaster, kFault, kStop };

// "INIT", "BACKUP", "MASTER", "FAULT", "STOP": the words keepalived's notify scripts receive.
std::string_view to_string(RouterState state);

enum class TimerKind : std::uint8_t {
  kMasterDown,           // BACKUP: Master_Down_Timer (RFC 5798 §6.2)
  kAdvert,               // MASTER: Adver_Timer (RFC 5798 §6.2)
  kGarpRepeat,           // MASTER: second GARP/NA burst, garp_master_delay after taking over
  kGarpLowerPrioRepeat,  // MASTER: second burst after a lower-priority advert, garp_lower_prio_delay
  kGarpRefresh,          // MASTER: periodic GARP/NA, garp_master_refresh
};
inline constexpr std::size_t kTimerKindCount = 5;
std::string_view to_string(TimerKind kind);

// Where a fault comes from: the instance's own trackers, or its sync group (another member
// is in FAULT). The router stays in FAULT until every source has cleared.
enum class FaultSource : std::uint8_t { kTracking, kSyncGroup };
inline constexpr std::size_t kFaultSourceCount = 2;

// ---- Inputs -------------------------------------------------------------------------

struct Startup {
  friend bool operator==(const Startup&, const Startup&) = default;
};

// A valid advert for this VRID (the receive checks of RFC 5798 §7.1 already passed).
struct AdvertReceived {
  int priority = 0;
  std::chrono::nanoseconds advert_interval{};  // v3: Max Adver Int (RFC 5798 §5.2.7); v2: Adver Int
  config::IpAddress source;                    // IP source address: the tie-break of RFC 5798 §6.4.3
  friend bool operator==(const AdvertReceived&, const AdvertReceived&) = default;
};

// A timer armed by ArmTimer reached its deadline. The caller measures how late it fired.
struct TimerFired {
  TimerKind kind = TimerKind::kMasterDown;
  friend bool operator==(const TimerFired&, const TimerFired&) = default;
};

struct Shutdown {
  friend bool operator==(const Shutdown&, const Shutdown&) = default;
};

struct FaultRaised {
  std::string reason;  // shown to the operator: "track_interface eth1 is down"
  FaultSource source = FaultSource::kTracking;
  friend bool operator==(const FaultRaised&, const FaultRaised&) = default;
};

struct FaultCleared {
  FaultSource source = FaultSource::kTracking;
  friend bool operator==(const FaultCleared&, const FaultCleared&) = default;
};

// The tracking arithmetic (tracking.h) produced a new effective priority.
struct EffectivePriorityChanged {
  int priority = 0;
  friend bool operator==(const EffectivePriorityChanged&, const EffectivePriorityChanged&) = default;
};

// Sync groups (sync_group.h) move members together.
struct ForceMaster {
  std::string reason;
  friend bool operator==(const ForceMaster&, const ForceMaster&) = default;
};
struct ForceBackup {
  std::string reason;
  friend bool operator==(const ForceBackup&, const ForceBackup&) = default;
};

using Input = std::variant<Startup, AdvertReceived, TimerFired, Shutdown, FaultRaised, FaultCleared,
                           EffectivePriorityChanged, ForceMaster, ForceBackup>;

// ---- Actions ------------------------------------------------------------------------
// Executed in order by the I/O layer (vrrp/instance). Order matters: e.g. the resigning
// advert (priority 0) goes out before the VIPs are removed.

struct SendAdvert {
  int priority = 0;  // 0: this master resigns (RFC 5798 §6.4.3, Shutdown)
  friend bool operator==(const SendAdvert&, const SendAdvert&) = default;
};

// Arm (or re-arm: replaces the previous deadline) the timer of this kind.
struct ArmTimer {
  TimerKind kind = TimerKind::kMasterDown;
  TimePoint deadline;
  friend bool operator==(const ArmTimer&, const ArmTimer&) = default;
};

struct CancelTimer {
  TimerKind kind = TimerKind::kMasterDown;
  friend bool operator==(const CancelTimer&, const CancelTimer&) = default;
};

// Install the virtual addresses, routes and rules. `accept`: whether packets addressed to
// the VIPs are accepted (RFC 5798 §6.1 Accept_Mode; keepalived's accept / no_accept).
struct AddVips {
  bool accept = true;
  friend bool operator==(const AddVips&, const AddVips&) = default;
};

struct RemoveVips {
  friend bool operator==(const RemoveVips&, const RemoveVips&) = default;
};

// Send `count` gratuitous ARPs (IPv4) / unsolicited neighbour adverts (IPv6) for every VIP,
// spaced by garp_interval / gna_interval (the I/O layer owns the spacing).
struct SendAnnouncements {
  int count = 0;
  friend bool operator==(const SendAnnouncements&, const SendAnnouncements&) = default;
};

// Run notify_master / notify_backup / notify_fault / notify_stop and "notify".
struct Notify {
  RouterState state = RouterState::kInit;
  int priority = 0;
  friend bool operator==(const Notify&, const Notify&) = default;
};

// keepalived's notify_master_rx_lower_pri / MASTER_RX_LOWER_PRI: another router claimed
// MASTER with a lower priority, so it had taken over the VIPs (split brain).
struct NotifyMasterRxLowerPriority {
  int priority = 0;
  config::IpAddress source;
  friend bool operator==(const NotifyMasterRxLowerPriority&, const NotifyMasterRxLowerPriority&) = default;
};

// The effective priority changed (notify_priority_changes: MASTER_PRIORITY / BACKUP_PRIORITY).
struct PriorityChanged {
  int from = 0;
  int to = 0;
  friend bool operator==(const PriorityChanged&, const PriorityChanged&) = default;
};

// A sync-group member would take over, but only does when its whole group agrees
// (keepalived: "only sync to master if everyone wants to"). See sync_group.h.
struct WantsMaster {
  bool wants = false;
  friend bool operator==(const WantsMaster&, const WantsMaster&) = default;
};

struct StateChanged {
  RouterState from = RouterState::kInit;
  RouterState to = RouterState::kInit;
  std::string reason;
  friend bool operator==(const StateChanged&, const StateChanged&) = default;
};

// Something an operator must see, already phrased: "VI_1: entering MASTER: ...".
struct LogLine {
  std::string text;
  friend bool operator==(const LogLine&, const LogLine&) = default;
};

using Action = std::variant<SendAdvert, ArmTimer, CancelTimer, AddVips, RemoveVips, SendAnnouncements, Notify,
                            NotifyMasterRxLowerPriority, PriorityChanged, WantsMaster, StateChanged, LogLine>;
using Actions = std::vector<Action>;

// One line per input / action, for logs and test failure messages: "SendAdvert(100)".
std::string describe(const Input& input);
std::string describe(const Action& action);

// "3.61 s", "0.150 s": how long timers ran, in log lines.
std::string format_seconds(std::chrono::nanoseconds duration);

}  // namespace keel::vrrp

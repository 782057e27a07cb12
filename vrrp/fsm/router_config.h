// What one VRRP router needs to know to run its state machine, the mapping from the
// keepalived.conf model, and the RFC timer formulas (RFC 3768 §6.1, RFC 5798 §6.1).
#pragma once

#include <chrono>
#include <string>

#include "config/ip_address.h"
#include "config/model_global.h"
#include "config/model_vrrp.h"
#include "vrrp/fsm/events.h"

namespace keel::vrrp {

// RFC 5798 §5.2.4: 255 is the address owner, which never waits to become master.
inline constexpr int kOwnerPriority = 255;
// RFC 5798 §5.2.4: a master resigning sends priority 0.
inline constexpr int kResignPriority = 0;

struct RouterConfig {
  std::string name;  // vrrp_instance name; prefixes every log line
  int vrid = 1;
  int version = 2;     // 2: RFC 3768, 3: RFC 5798
  int priority = 100;  // base priority; kOwnerPriority for the address owner
  std::chrono::nanoseconds advert_interval = std::chrono::seconds{1};
  bool preempt = true;  // false: nopreempt
  std::chrono::nanoseconds preempt_delay{0};
  // `state MASTER|BACKUP`. Only the owner starts as master; for others MASTER only
  // forces preemption on (keepalived clears nopreempt / preempt_delay with it).
  RouterState initial_state = RouterState::kBackup;
  bool accept = true;  // accept / no_accept (RFC 5798 §6.1 Accept_Mode)
  // The address this router sends adverts from: the equal-priority tie-break compares it
  // with the sender's (RFC 5798 §6.4.3). Known only at run time unless configured with
  // unicast_src_ip / mcast_src_ip, so the I/O layer fills it in.
  config::IpAddress primary_address;
  int down_timer_adverts = 3;  // keepalived's down_timer_adverts; the RFCs say 3

  int garp_master_repeat = 5;
  std::chrono::nanoseconds garp_master_delay = std::chrono::seconds{5};  // 0: no second burst
  int garp_lower_prio_repeat = 5;
  std::chrono::nanoseconds garp_lower_prio_delay = std::chrono::seconds{5};
  std::chrono::nanoseconds garp_master_refresh{0};  // 0: no periodic refresh
  int garp_master_refresh_repeat = 1;
  bool lower_prio_no_advert = false;     // master: don't answer a lower-priority advert with one
  bool higher_prio_send_advert = false;  // master: send one more advert before yielding

  // Member of a vrrp_sync_group: takes over only when the group agrees (sync_group.h).
  bool sync_group_member = false;

  bool is_owner() const { return priority == kOwnerPriority; }
};

// keepalived.conf → RouterConfig, with keepalived's defaults and its consistency rules
// (strict_mode, owner, `state MASTER`). primary_address is set from unicast_src_ip or
// mcast_src_ip when configured, else left unspecified for the I/O layer to fill in;
// sync_group_member is left false (the caller knows the groups).
RouterConfig from_config(const config::VrrpInstance& instance, const config::GlobalDefs& global);

// The rules keepalived applies whatever the source of the settings: the owner and a
// `state MASTER` instance always preempt without delay (keepalived clears nopreempt and
// preempt_delay with a warning, which config validation prints); nopreempt has no delay.
RouterConfig normalized(RouterConfig config);

// Skew_Time. v2 (RFC 3768 §6.1): (256 − Priority) / 256 seconds. v3 (RFC 5798 §6.1):
// ((256 − Priority) × Master_Adver_Interval) / 256. Computed to the nanosecond;
// keepalived truncates the v3 value to centiseconds (at most 10 ms less).
std::chrono::nanoseconds skew_time(int version, int priority, std::chrono::nanoseconds master_adver_interval);

// Master_Down_Interval = down_timer_adverts (3) × Master_Adver_Interval + Skew_Time.
std::chrono::nanoseconds master_down_interval(int version, int priority, std::chrono::nanoseconds master_adver_interval,
                                              int down_timer_adverts = 3);

}  // namespace keel::vrrp

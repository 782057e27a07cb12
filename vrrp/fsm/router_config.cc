// keepalived.conf instance → RouterConfig, and the RFC timer formulas.
#include "vrrp/fsm/router_config.h"

#include <algorithm>
#include <cstdint>
#include <utility>

namespace keel::vrrp {
namespace {

// Same rule as config validation: the family of the first VIP, else of the first unicast
// peer, else native_ipv6.
bool is_ipv6(const config::VrrpInstance& instance) {
  if (!instance.virtual_ipaddress.empty()) return instance.virtual_ipaddress.front().prefix.address.is_v6();
  if (!instance.unicast_peers.empty()) return instance.unicast_peers.front().address.is_v6();
  return instance.native_ipv6;
}

}  // namespace

RouterConfig from_config(const config::VrrpInstance& instance, const config::GlobalDefs& global) {
  const bool strict = instance.strict_mode.value_or(global.vrrp_strict);
  RouterConfig out;
  out.name = instance.name;
  out.vrid = instance.virtual_router_id;
  // keepalived: "IPv6 instances will always use version 3".
  out.version = is_ipv6(instance) ? 3 : instance.version.value_or(global.vrrp_version);
  out.priority = std::clamp(instance.priority, 1, kOwnerPriority);
  out.advert_interval = instance.advert_int;
  out.preempt = !instance.nopreempt;
  out.preempt_delay = instance.preempt_delay;

  if (instance.initial_state)
    out.initial_state =
        *instance.initial_state == config::VrrpState::kMaster ? RouterState::kMaster : RouterState::kBackup;
  else
    out.initial_state = out.is_owner() ? RouterState::kMaster : RouterState::kBackup;
  // vrrp_strict: "State MASTER must match being address owner".
  if (strict) out.initial_state = out.is_owner() ? RouterState::kMaster : RouterState::kBackup;
  // keepalived: preempt_delay is incompatible with strict mode.
  if (strict) out.preempt_delay = std::chrono::nanoseconds{0};

  // accept unless strict; RFC 3768 has no Accept_Mode, so strict v2 never accepts
  // (except the owner, which always owns the addresses: RFC 5798 §6.1).
  out.accept = instance.accept.value_or(!strict);
  if (strict && out.version == 2) out.accept = false;
  if (out.is_owner()) out.accept = true;

  if (instance.unicast_src_ip)
    out.primary_address = *instance.unicast_src_ip;
  else if (instance.mcast_src_ip)
    out.primary_address = *instance.mcast_src_ip;

  out.down_timer_adverts = instance.down_timer_adverts.value_or(global.vrrp_down_timer_adverts.value_or(3));

  // vrrp_min_garp: one announcement, no second burst.
  const int global_repeat = global.vrrp_min_garp ? 1 : global.vrrp_garp_master_repeat;
  const auto global_delay = global.vrrp_min_garp ? config::Duration{0} : global.vrrp_garp_master_delay;
  out.garp_master_repeat = instance.garp_master_repeat.value_or(global_repeat);
  out.garp_master_delay = instance.garp_master_delay.value_or(global_delay);
  // The lower-priority values default to the master ones (man page, global_defs).
  out.garp_lower_prio_repeat =
      instance.garp_lower_prio_repeat.value_or(global.vrrp_garp_lower_prio_repeat.value_or(global_repeat));
  out.garp_lower_prio_delay =
      instance.garp_lower_prio_delay.value_or(global.vrrp_garp_lower_prio_delay.value_or(global_delay));
  out.garp_master_refresh = instance.garp_master_refresh.value_or(global.vrrp_garp_master_refresh);
  out.garp_master_refresh_repeat = instance.garp_master_refresh_repeat.value_or(global.vrrp_garp_master_refresh_repeat);

  out.lower_prio_no_advert = instance.lower_prio_no_advert.value_or(global.vrrp_lower_prio_no_advert.value_or(false));
  out.higher_prio_send_advert =
      instance.higher_prio_send_advert.value_or(global.vrrp_higher_prio_send_advert.value_or(false));
  if (strict) {
    // vrrp_strict: "Gratuitous ARP repeats cannot be enabled", "Cannot clear
    // lower_prio_no_advert", "Cannot set higher_prio_send_advert".
    out.garp_lower_prio_repeat = 0;
    out.garp_lower_prio_delay = std::chrono::nanoseconds{0};
    out.lower_prio_no_advert = true;
    out.higher_prio_send_advert = false;
  }
  return normalized(std::move(out));
}

RouterConfig normalized(RouterConfig config) {
  config.priority = std::clamp(config.priority, 1, kOwnerPriority);
  config.down_timer_adverts = std::clamp(config.down_timer_adverts, 1, 100);
  // The owner must not defer to anybody (keepalived: "nopreempt is incompatible with
  // priority 255"); `state MASTER` clears nopreempt and preempt_delay in keepalived.
  if (config.is_owner() || config.initial_state == RouterState::kMaster) {
    config.preempt = true;
    config.preempt_delay = std::chrono::nanoseconds{0};
  }
  if (!config.preempt) config.preempt_delay = std::chrono::nanoseconds{0};
  return config;
}

std::chrono::nanoseconds skew_time(int version, int priority, std::chrono::nanoseconds master_adver_interval) {
  const auto weight = static_cast<std::int64_t>(256 - std::clamp(priority, 0, kOwnerPriority));
  if (version == 3) return std::chrono::nanoseconds{weight * master_adver_interval.count() / 256};
  return std::chrono::nanoseconds{weight * std::chrono::nanoseconds{std::chrono::seconds{1}}.count() / 256};
}

std::chrono::nanoseconds master_down_interval(int version, int priority, std::chrono::nanoseconds master_adver_interval,
                                              int down_timer_adverts) {
  return down_timer_adverts * master_adver_interval + skew_time(version, priority, master_adver_interval);
}

}  // namespace keel::vrrp

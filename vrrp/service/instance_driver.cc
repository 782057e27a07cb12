#include "vrrp/service/instance_driver.h"

#include <fmt/core.h>

#include <algorithm>

#include "vrrp/fsm/router_config.h"
#include "vrrp/fsm/sync_group.h"
#include "vrrp/packet/advert.h"
#include "vrrp/packet/auth_ah.h"

namespace keel::vrrp {
namespace {

bool is_link_local_v6(const IpAddress& address) {
  return address.is_v6() && address.bytes[0] == 0xfe && (address.bytes[1] & 0xc0) == 0x80;
}

config::Family instance_family(const config::VrrpInstance& instance) {
  if (!instance.virtual_ipaddress.empty()) return instance.virtual_ipaddress.front().prefix.address.family;
  if (!instance.unicast_peers.empty()) return instance.unicast_peers.front().address.family;
  return instance.native_ipv6 ? config::Family::kIpv6 : config::Family::kIpv4;
}

// The address adverts go out from: configured, else the interface's first address of the
// family (IPv6: its link-local address, RFC 5798 §5.1.2.1).
std::optional<IpAddress> source_address(const config::VrrpInstance& instance, config::Family family,
                                        const std::optional<InterfaceInfo>& interface) {
  if (instance.unicast_src_ip) return instance.unicast_src_ip;
  if (instance.mcast_src_ip) return instance.mcast_src_ip;
  if (!interface) return std::nullopt;
  for (const auto& prefix : interface->addresses) {
    if (prefix.address.family != family) continue;
    if (family == config::Family::kIpv6 && !is_link_local_v6(prefix.address)) continue;
    return prefix.address;
  }
  return std::nullopt;
}

template <class... Ts>
struct Overloaded : Ts... {
  using Ts::operator()...;
};
template <class... Ts>
Overloaded(Ts...) -> Overloaded<Ts...>;  // clang 16 (the fuzz build) has no aggregate CTAD

}  // namespace

InstanceDriver::InstanceDriver(const config::Config& config, const config::VrrpInstance& instance, VrrpPorts ports,
                               std::function<void(InstanceDriver&, const Actions&)> on_actions)
    : config_(config),
      instance_(instance),
      ports_(ports),
      on_actions_(std::move(on_actions)),
      family_(instance_family(instance)),
      router_(from_config(instance, config.global)),
      trackers_(trackers_from_config(config, instance)) {
  for (const auto& spec : instance.virtual_ipaddress) {
    if (vip_addresses_.size() == AddressList::kCapacity) break;
    vip_addresses_.push_back(spec.prefix.address);
  }
  if (instance.auth_type != config::AuthType::kNone) auth_key_ = make_auth_data(instance.auth_pass);
}

InstanceDriver::~InstanceDriver() = default;

void InstanceDriver::attach(AdvertChannel* channel, const InterfaceInfo& interface) {
  channel_ = channel;
  interface_ = interface;
  if (auto source = source_address(instance_, family_, interface_)) source_ = *source;
  // The tie-break compares our own address with the sender's (RFC 5798 §6.4.3), so the
  // router is built once the address is known; nothing has happened to it yet.
  RouterConfig router_config = from_config(instance_, config_.global);
  router_config.primary_address = source_;
  router_config.sync_group_member = sync_group_of(config_, instance_.name) != nullptr;
  router_ = Router{router_config};
}

void InstanceDriver::interface_changed(const std::optional<InterfaceInfo>& interface) {
  interface_ = interface;
  if (interface) {
    if (auto source = source_address(instance_, family_, interface_)) source_ = *source;
  }
  if (instance_.dont_track_primary) return;
  const std::string name = instance_.interface.value_or("");
  tracker_changed(TrackerKind::kInterface, name,
                  interface && interface->up ? TrackerStatus::kUp : TrackerStatus::kDown);
}

// keepalived's default VMAC name is vrrp.VRID; use_vmac NAME overrides it.
std::string InstanceDriver::vmac_name() const {
  return instance_.vmac_name.value_or("vrrp." + std::to_string(instance_.virtual_router_id));
}

// Where VIPs without their own `dev` go: the VMAC when there is one.
std::string InstanceDriver::vip_interface() const {
  if (vmac_) return vmac_->name;
  return instance_.interface.value_or(config_.global.default_interface.value_or("eth0"));
}

void InstanceDriver::start() {
  if (instance_.use_vmac && instance_.interface && !vmac_) {
    // RFC 3768 §7.3 / RFC 5798 §7.3: 00-00-5E-00-01-{VRID} (IPv4), 00-00-5E-00-02-{VRID} (IPv6).
    const std::array<std::uint8_t, 6> mac{0x00, 0x00, 0x5e, 0x00,
                                          static_cast<std::uint8_t>(family_ == config::Family::kIpv6 ? 0x02 : 0x01),
                                          vrid()};
    if (auto created = ports_.addresses.add_vmac(*instance_.interface, vmac_name(), mac); created) {
      vmac_ = InterfaceInfo{.ifindex = *created, .name = vmac_name(), .up = true, .mac = mac};
      log(LogLevel::kInfo, fmt::format("{}: use_vmac {} (ifindex {}) on {}", name(), vmac_->name, *created,
                                       *instance_.interface));
    } else {
      log(LogLevel::kError, name() + ": " + created.error().message + "; the VIPs go on the interface itself");
    }
  }
  // VIPs left behind by a previous keeld that crashed would sit on two routers at once:
  // clear them first (removing an absent address succeeds); a master adds them again.
  remove_vips();
  // Tracker states reported before start() decide now, all at once: a fault is remembered
  // in INIT and Startup enters FAULT directly, without passing through BACKUP.
  recompute_tracking();
  execute(router_.handle(Startup{}, ports_.reactor.now()));
}

void InstanceDriver::shutdown() {
  handle(Shutdown{});
  if (vmac_) {
    if (auto removed = ports_.addresses.remove_vmac(vmac_->name); !removed)
      log(LogLevel::kWarning, name() + ": " + removed.error().message);
    vmac_.reset();
  }
}

void InstanceDriver::handle(const Input& input) { execute(router_.handle(input, ports_.reactor.now())); }

bool InstanceDriver::uses_ah() const {
  return instance_.auth_type == config::AuthType::kAh && family_ == config::Family::kIpv4 &&
         router_.config().version == 2;
}

void InstanceDriver::receive(const Advert& advert, const RxMeta& meta, std::span<const std::byte> ah_packet) {
  std::optional<std::uint32_t> ah_sequence;
  if (uses_ah() && ah_packet.empty()) {
    // keepalived: "No AH header but auth type is AH".
    drops_.add(DropReason::kBadAhHeader);
    log(LogLevel::kWarning, name() + ": " + format_drop_log(Drop{.reason = DropReason::kBadAhHeader, .vrid = advert.vrid}, meta.source));
    return;
  }
  if (uses_ah()) {
    // keepalived zeroes the TTL in the ICV of unicast adverts only (auth_ah.h).
    const auto ttl = instance_.unicast_peers.empty() ? AhTtlHandling::kIncluded : AhTtlHandling::kZeroed;
    auto verified = verify_ah(ah_packet, auth_key_, ttl);
    std::optional<Drop> dropped;
    if (!verified)
      dropped = verified.error();
    else if (auto replay = check_ah_sequence(verified->sequence, ah_sequence_))
      dropped = *replay;
    if (dropped) {
      dropped->vrid = advert.vrid;
      drops_.add(dropped->reason);
      log(LogLevel::kWarning, name() + ": " + format_drop_log(*dropped, meta.source));
      return;
    }
    ah_sequence = verified->sequence;
  }
  const InstanceView instance_view = view();
  const auto checked = check_advert(advert, meta, instance_view);
  if (!checked) {
    drops_.add(checked.error().reason);
    log(LogLevel::kWarning, name() + ": " + format_drop_log(checked.error(), meta.source));
    return;
  }
  if (checked->any()) log(LogLevel::kInfo, name() + ": " + format_warning_log(*checked, advert, meta, instance_view));
  if (ah_sequence) ah_sequence_ = *ah_sequence;
  handle(
      AdvertReceived{.priority = advert.priority,
                     .advert_interval = std::chrono::duration_cast<std::chrono::nanoseconds>(advert_interval(advert)),
                     .source = meta.source});
}

bool InstanceDriver::tracks(TrackerKind kind, const std::string& name) const {
  return std::any_of(trackers_.begin(), trackers_.end(),
                     [&](const TrackerState& tracker) { return tracker.kind == kind && tracker.name == name; });
}

void InstanceDriver::tracker_changed(TrackerKind kind, const std::string& name, TrackerStatus status,
                                     std::int64_t file_value) {
  bool changed = false;
  for (auto& tracker : trackers_) {
    if (tracker.kind != kind || tracker.name != name) continue;
    changed |= tracker.status != status || tracker.file_value != file_value;
    tracker.status = status;
    tracker.file_value = file_value;
  }
  // Before start() the states are only collected (start() decides once every one is in),
  // so an instance never logs a fault for an interface that merely has not reported yet.
  if (changed && router_.state() != RouterState::kInit) recompute_tracking();
}

void InstanceDriver::recompute_tracking() {
  if (router_.state() == RouterState::kStop) return;
  const TrackingResult result = effective_priority(instance_.priority, trackers_);
  if (result.fault != tracking_fault_) {
    const auto previous = tracking_fault_;
    tracking_fault_ = result.fault;
    if (result.fault)
      log(LogLevel::kWarning, name() + ": FAULT: " + *result.fault);
    else
      log(LogLevel::kNotice, name() + ": fault cleared: " + previous.value_or(""));
    if (fault_sink_) {
      fault_sink_(*this, result.fault);
    } else if (result.fault) {
      handle(FaultRaised{.reason = *result.fault, .source = FaultSource::kTracking});
    } else {
      handle(FaultCleared{.source = FaultSource::kTracking});
    }
  }
  if (result.priority != router_.priority()) handle(EffectivePriorityChanged{.priority = result.priority});
}

void InstanceDriver::execute(const Actions& actions) {
  for (const Action& action : actions) {
    std::visit(Overloaded{
                   [&](const SendAdvert& a) { send_advert(a.priority); },
                   [&](const ArmTimer& a) { arm(a.kind, a.deadline); },
                   [&](const CancelTimer& a) { timers_[static_cast<std::size_t>(a.kind)].reset(); },
                   [&](const AddVips& a) { add_vips(a.accept); },
                   [&](const RemoveVips&) { remove_vips(); },
                   [&](const SendAnnouncements& a) { announce(a.count); },
                   [&](const Notify& a) { notify(a.state, a.priority); },
                   [&](const NotifyMasterRxLowerPriority& a) {
                     log(LogLevel::kNotice, fmt::format("{}: master received a lower-priority advert ({}) from {}",
                                                        name(), a.priority, a.source.to_string()));
                     if (instance_.notify.master_rx_lower_pri) run_script(*instance_.notify.master_rx_lower_pri, {});
                   },
                   [&](const PriorityChanged&) {},  // the router's own LogLine reports it
                   [&](const WantsMaster&) {},
                   [&](const StateChanged& a) {
                     log(LogLevel::kNotice,
                         fmt::format("{}: {} -> {} ({})", name(), to_string(a.from), to_string(a.to), a.reason));
                   },
                   [&](const LogLine& a) { log(LogLevel::kInfo, a.text); },
               },
               action);
  }
  if (on_actions_ && !actions.empty()) on_actions_(*this, actions);
}

Advert InstanceDriver::build_advert(int priority) const {
  Advert advert;
  advert.version = static_cast<std::uint8_t>(router_.config().version);
  advert.vrid = vrid();
  advert.priority = static_cast<std::uint8_t>(priority);
  advert.family = family_;
  for (const auto& address : vip_addresses_) advert.addresses.push_back(address);
  const auto interval = router_.config().advert_interval;
  if (advert.version == 2) {
    advert.adver_int_s = static_cast<std::uint8_t>(
        std::clamp<std::int64_t>(std::chrono::duration_cast<std::chrono::seconds>(interval).count(), 1, 255));
    advert.auth_type = instance_.auth_type == config::AuthType::kPass ? AuthType::kPass : AuthType::kNone;
    if (advert.auth_type == AuthType::kPass) advert.auth_data = auth_key_;
    if (uses_ah()) advert.auth_type = AuthType::kAh;  // authentication data stays zero
  } else {
    advert.max_adver_int_cs = static_cast<std::uint16_t>(std::clamp<std::int64_t>(
        std::chrono::duration_cast<std::chrono::milliseconds>(interval).count() / 10, 1, 4095));
  }
  if (instance_.old_unicast_checksum && !instance_.old_unicast_checksum_never)
    advert.checksum_style = ChecksumStyle::kMulticastPseudoHeader;
  return advert;
}

std::vector<IpAddress> InstanceDriver::destinations() const {
  std::vector<IpAddress> out;
  for (const auto& peer : instance_.unicast_peers) out.push_back(peer.address);
  if (!out.empty()) return out;
  if (instance_.mcast_dst_ip) return {*instance_.mcast_dst_ip};
  const auto& global = config_.global;
  if (family_ == config::Family::kIpv4 && global.vrrp_mcast_group4) return {*global.vrrp_mcast_group4};
  if (family_ == config::Family::kIpv6 && global.vrrp_mcast_group6) return {*global.vrrp_mcast_group6};
  return {vrrp_multicast_group(family_)};
}

void InstanceDriver::send_advert(int priority) {
  if (!channel_) return;
  const Advert advert = build_advert(priority);
  if (uses_ah()) {
    send_ah_advert(advert);
    return;
  }
  for (const auto& destination : destinations()) {
    const auto message = encode_advert(advert, source_, destination);
    if (auto sent = channel_->send(message, source_, destination); !sent)
      log(LogLevel::kWarning, name() + ": sending advert: " + sent.error().message);
  }
}

// The AH channel is IP_HDRINCL: the whole IPv4 packet is built here, as keepalived's
// vrrp_update_pkt does (TOS 0xc0, no DF, an IP id that is never 0, the sequence raised
// once per advert, the TTL in the ICV for multicast and zeroed for unicast).
void InstanceDriver::send_ah_advert(const Advert& advert) {
  if (ah_sequence_ >= 0xFFFFFFFDu) {
    log(LogLevel::kError, name() + ": AH sequence numbers exhausted; not sending");
    return;
  }
  ++ah_sequence_;
  if (++ip_id_ == 0) ++ip_id_;
  const bool unicast = !instance_.unicast_peers.empty();
  AhSendOptions options{
      .key = auth_key_,
      .sequence = ah_sequence_,
      .ttl = unicast ? AhTtlHandling::kZeroed : AhTtlHandling::kIncluded,
      .ip = Ipv4HeaderOptions{.identification = ip_id_, .dont_fragment = false},
  };
  if (unicast && instance_.unicast_ttl) options.ip.ttl = static_cast<std::uint8_t>(*instance_.unicast_ttl);
  for (const auto& destination : destinations()) {
    const auto packet = encode_ah_advert_packet(advert, source_, destination, options);
    if (auto sent = channel_->send(packet, source_, destination); !sent)
      log(LogLevel::kWarning, name() + ": sending AH advert: " + sent.error().message);
  }
}

void InstanceDriver::add_vips(bool accept) {
  const std::string interface = vip_interface();
  auto report = [&](const IoResult<>& result) {
    if (!result) log(LogLevel::kError, name() + ": " + result.error().message);
  };
  for (const auto& spec : instance_.virtual_ipaddress) report(ports_.addresses.add_address(spec, interface));
  for (const auto& spec : instance_.virtual_ipaddress_excluded) report(ports_.addresses.add_address(spec, interface));
  for (const auto& spec : instance_.virtual_routes) report(ports_.addresses.add_route(spec));
  for (const auto& spec : instance_.virtual_rules) report(ports_.addresses.add_rule(spec));
  vips_installed_ = true;
  if (!accept) log(LogLevel::kDetail, name() + ": no_accept: VIPs are installed for routing only");
}

void InstanceDriver::remove_vips() {
  const std::string interface = vip_interface();
  auto report = [&](const IoResult<>& result) {
    if (!result) log(LogLevel::kError, name() + ": " + result.error().message);
  };
  for (const auto& spec : instance_.virtual_rules) report(ports_.addresses.remove_rule(spec));
  for (const auto& spec : instance_.virtual_routes) report(ports_.addresses.remove_route(spec));
  for (const auto& spec : instance_.virtual_ipaddress_excluded)
    report(ports_.addresses.remove_address(spec, interface));
  for (const auto& spec : instance_.virtual_ipaddress) report(ports_.addresses.remove_address(spec, interface));
  vips_installed_ = false;
  // No longer master: the rest of a spaced-out burst would announce addresses we gave up.
  announce_timer_.reset();
  announcements_.clear();
  next_announcement_ = 0;
}

void InstanceDriver::announce(int count) {
  auto queue_for = [&](const config::AddressSpec& spec) {
    // use_vmac: the announcements carry the VMAC, so neighbours learn the VRRP MAC.
    std::optional<InterfaceInfo> target = vmac_ ? vmac_ : interface_;
    if (vmac_ && interface_) target->addresses = interface_->addresses;
    if (spec.device && (!interface_ || *spec.device != interface_->name)) target = ports_.links.find(*spec.device);
    if (!target) return;
    announcements_.push_back({*target, spec.prefix.address});
  };
  for (int i = 0; i < count; ++i) {
    for (const auto& spec : instance_.virtual_ipaddress) queue_for(spec);
    for (const auto& spec : instance_.virtual_ipaddress_excluded) queue_for(spec);
  }
  // A burst already being spaced out takes the new messages at its end.
  if (!announce_timer_) send_next_announcements();
}

// keepalived's garp_interval / gna_interval: the delay between two gratuitous ARPs
// (unsolicited NAs) on an interface; a garp_group naming the interface overrides the
// global_defs value. 0 sends a whole burst at once.
config::Duration InstanceDriver::announce_interval(const InterfaceInfo& interface, config::Family family) const {
  const bool v6 = family == config::Family::kIpv6;
  for (const auto& group : config_.garp_groups) {
    const bool named = group.interface == interface.name ||
                       std::find(group.interfaces.begin(), group.interfaces.end(), interface.name) !=
                           group.interfaces.end();
    if (!named) continue;
    const auto& interval = v6 ? group.gna_interval : group.garp_interval;
    if (interval) return *interval;
  }
  return v6 ? config_.global.vrrp_gna_interval : config_.global.vrrp_garp_interval;
}

void InstanceDriver::send_next_announcements() {
  announce_timer_.reset();
  while (next_announcement_ < announcements_.size()) {
    const PendingAnnouncement& next = announcements_[next_announcement_++];
    if (auto sent = ports_.announcer.announce(next.interface, next.address); !sent)
      log(LogLevel::kWarning, name() + ": announcing " + next.address.to_string() + ": " + sent.error().message);
    const auto interval = announce_interval(next.interface, next.address.family);
    if (interval.count() > 0 && next_announcement_ < announcements_.size()) {
      announce_timer_ = ports_.reactor.at(ports_.reactor.now() + std::chrono::duration_cast<std::chrono::nanoseconds>(interval),
                                          [this](TimePoint) { send_next_announcements(); });
      return;
    }
  }
  announcements_.clear();
  next_announcement_ = 0;
}

void InstanceDriver::notify(RouterState state, int priority) {
  const auto& scripts = instance_.notify;
  const std::optional<config::Script>* specific = nullptr;
  switch (state) {
    case RouterState::kMaster:
      specific = &scripts.master;
      break;
    case RouterState::kBackup:
      specific = &scripts.backup;
      break;
    case RouterState::kFault:
      specific = &scripts.fault;
      break;
    case RouterState::kStop:
      specific = &scripts.stop;
      break;
    default:
      break;
  }
  if (specific && *specific) run_script(**specific, {});
  // keepalived's "notify": the configured arguments, then INSTANCE, name, state, priority.
  if (scripts.any)
    run_script(*scripts.any, {"INSTANCE", name(), std::string{to_string(state)}, std::to_string(priority)});
}

void InstanceDriver::run_script(const config::Script& script, std::vector<std::string> args) {
  // Finished scripts release their handles here rather than from their own callback.
  std::erase_if(running_scripts_, [](const RunningScript& running) { return *running.done; });
  auto done = std::make_shared<bool>(false);
  auto handle = ports_.scripts.run(script, std::move(args), std::nullopt, [this, done, script](const ScriptExit& exit) {
    *done = true;
    if (exit.timed_out || exit.exit_status != 0)
      log(LogLevel::kWarning, fmt::format("{}: notify script {} {}", name(), script.command.front(),
                                          exit.timed_out ? std::string{"timed out"}
                                                         : fmt::format("exited with status {}", exit.exit_status)));
  });
  running_scripts_.push_back({std::move(handle), std::move(done)});
}

void InstanceDriver::arm(TimerKind kind, TimePoint deadline) {
  const auto index = static_cast<std::size_t>(kind);
  timers_[index] = ports_.reactor.at(deadline, [this, kind, deadline](TimePoint fired) {
    const auto late = std::max(std::chrono::nanoseconds{0}, fired - deadline);
    ++lateness_.fired;
    lateness_.last = late;
    lateness_.max = std::max(lateness_.max, late);
    execute(router_.handle(TimerFired{kind}, fired));
  });
}

InstanceView InstanceDriver::view() const {
  return InstanceView{
      .vrid = vrid(),
      .version = static_cast<std::uint8_t>(router_.config().version),
      .family = family_,
      .is_address_owner = false,  // keepalived accepts adverts for an owned VRID and lets the election decide
      .auth_type = uses_ah()                                        ? AuthType::kAh
                   : instance_.auth_type == config::AuthType::kPass ? AuthType::kPass
                                                                     : AuthType::kNone,
      .auth_key = auth_key_,
      .advert_interval = std::chrono::duration_cast<std::chrono::microseconds>(router_.config().advert_interval),
      .virtual_addresses = vip_addresses_,
      .unicast_peers = instance_.unicast_peers,
      .check_unicast_src = instance_.check_unicast_src || config_.global.vrrp_check_unicast_src,
  };
}

std::string InstanceDriver::status_line() const {
  return fmt::format("{}: {} priority {} vrid {} on {} (drops: {}; timers fired {}, max lateness {} us)", name(),
                     to_string(router_.state()), router_.priority(), instance_.virtual_router_id,
                     instance_.interface.value_or("-"), drops_.summary(), lateness_.fired,
                     std::chrono::duration_cast<std::chrono::microseconds>(lateness_.max).count());
}

void InstanceDriver::log(LogLevel level, const std::string& text) const { ports_.log.write(level, text); }

}  // namespace keel::vrrp

// Checks that need the whole file: references between VRRP objects, values whose
// range depends on other keywords, and combinations keepalived users get wrong.
#include <map>
#include <set>
#include <tuple>

#include "config/parse_sections.h"

namespace keel::config {
namespace {

void error_at(ParseContext& context, const SourceLocation& where, std::string message) {
  context.diagnostics().error(where, std::move(message));
}

void warning_at(ParseContext& context, const SourceLocation& where, std::string message) {
  context.diagnostics().warning(where, std::move(message));
}

template <class T>
bool defined(const std::vector<T>& items, const std::string& name) {
  for (const auto& item : items)
    if (item.name == name) return true;
  return false;
}

bool instance_is_ipv6(const VrrpInstance& instance) {
  if (!instance.virtual_ipaddress.empty()) return instance.virtual_ipaddress.front().prefix.address.is_v6();
  if (!instance.unicast_peers.empty()) return instance.unicast_peers.front().address.is_v6();
  return instance.native_ipv6;
}

void check_track_refs(const Config& config, const std::string& owner, const std::vector<TrackRef>& scripts,
                      const std::vector<TrackRef>& files, const std::vector<TrackRef>& processes,
                      const std::vector<TrackRef>& bfds, ParseContext& context) {
  // keepalived ignores an unknown tracked object with a warning; so do we.
  for (const auto& ref : scripts)
    if (!defined(config.vrrp_scripts, ref.name))
      warning_at(context, ref.location,
                 owner + ": track_script '" + ref.name + "' is not a defined vrrp_script, ignored");
  for (const auto& ref : files)
    if (!defined(config.track_files, ref.name))
      warning_at(context, ref.location, owner + ": track_file '" + ref.name + "' is not a defined track_file, ignored");
  for (const auto& ref : processes)
    if (!defined(config.track_processes, ref.name))
      warning_at(context, ref.location,
                 owner + ": track_process '" + ref.name + "' is not a defined vrrp_track_process, ignored");
  for (const auto& ref : bfds)
    if (!defined(config.bfd_instances, ref.name))
      warning_at(context, ref.location,
                 owner + ": track_bfd '" + ref.name + "' is not a defined bfd_instance, ignored");
}

void validate_instance(Config& config, VrrpInstance& instance, ParseContext& context) {
  const std::string owner = "vrrp_instance " + instance.name;
  const bool ipv6 = instance_is_ipv6(instance);
  const int version = ipv6 ? 3 : instance.version.value_or(config.global.vrrp_version);
  const bool strict = instance.strict_mode.value_or(config.global.vrrp_strict);

  if (instance.virtual_router_id == 0) error_at(context, instance.location, owner + " has no virtual_router_id");
  if (!instance.interface && instance.unicast_peers.empty())
    error_at(context, instance.location, owner + " has no interface (only unicast instances may omit it)");
  if (ipv6 && instance.version == 2)
    warning_at(context, instance.location, owner + ": IPv6 needs VRRP version 3; using version 3");

  // RFC 3768 §5.3.7: v2 advertises whole seconds; RFC 5798 §5.2.7: v3 has 12 bits of centiseconds.
  const auto micros = instance.advert_int.count();
  if (version == 3 && micros > 40'950'000)
    error_at(
        context, instance.location,
        owner + ": advert_int " + format_seconds(instance.advert_int) + " is above 40.95 seconds, the VRRPv3 maximum");
  if (version == 2 && micros % 1'000'000 != 0) {
    const auto rounded = std::max<std::int64_t>(1, (micros + 500'000) / 1'000'000);
    warning_at(context, instance.location,
               owner + ": VRRPv2 advert_int is whole seconds; " + format_seconds(instance.advert_int) + " rounded to " +
                   std::to_string(rounded));
    instance.advert_int = std::chrono::seconds{rounded};
  }

  for (const auto& vip : instance.virtual_ipaddress) {
    if (vip.prefix.address.is_v6() != ipv6)
      error_at(context, vip.location,
               owner + ": virtual_ipaddress " + vip.prefix.address.to_string() +
                   " is not of the instance's address family; put it in virtual_ipaddress_excluded");
  }
  if (instance.virtual_ipaddress.empty() && instance.virtual_ipaddress_excluded.empty())
    warning_at(context, instance.location, owner + " has no virtual_ipaddress");

  if (instance.initial_state == VrrpState::kMaster && instance.nopreempt)
    warning_at(
        context, instance.location,
        owner + ": 'nopreempt' has no effect with 'state MASTER'; use 'state BACKUP' for non-preemptive behaviour");
  if (instance.initial_state == VrrpState::kMaster && instance.preempt_delay.count() != 0)
    warning_at(context, instance.location, owner + ": 'preempt_delay' has no effect with 'state MASTER'");
  if (instance.priority == 255 && instance.initial_state == VrrpState::kBackup)
    warning_at(context, instance.location, owner + ": priority 255 is the address owner; it will start as MASTER");

  if (instance.auth_type == AuthType::kPass && instance.auth_pass.size() > 8)
    warning_at(context, instance.location,
               owner + ": auth_pass is longer than 8 characters; only the first 8 are used");
  if (instance.auth_type != AuthType::kNone && version == 3)
    warning_at(context, instance.location, owner + ": VRRPv3 has no authentication (RFC 5798 §9); it is ignored");
  if (strict && instance.auth_type != AuthType::kNone)
    error_at(context, instance.location, owner + ": authentication is not allowed with strict_mode / vrrp_strict");
  if (strict && !instance.unicast_peers.empty())
    error_at(context, instance.location, owner + ": unicast_peer is not allowed with strict_mode / vrrp_strict");
  if (strict && instance.accept == true)
    warning_at(context, instance.location, owner + ": 'accept' is ignored with strict_mode / vrrp_strict");
  if (instance.use_vmac && !instance.unicast_peers.empty() && !instance.vmac_xmit_base)
    warning_at(context, instance.location, owner + ": use_vmac with unicast_peer needs vmac_xmit_base");

  check_track_refs(config, owner, instance.track_scripts, instance.track_files, instance.track_processes,
                   instance.track_bfds, context);

  // A per-instance lvs_sync_daemon_interface becomes the global lvs_sync_daemon bound to
  // this instance, as keepalived 2.x does.
  if (instance.lvs_sync_daemon_interface && !config.global.lvs_sync_daemon)
    config.global.lvs_sync_daemon =
        LvsSyncDaemon{.interface = *instance.lvs_sync_daemon_interface, .instance = instance.name};
  instance.lvs_sync_daemon_interface.reset();
}

void validate_sync_groups(const Config& config, ParseContext& context) {
  std::map<std::string, std::string> group_of_instance;
  for (const auto& group : config.vrrp_sync_groups) {
    const std::string owner = "vrrp_sync_group " + group.name;
    if (group.members.empty())
      error_at(context, group.location, owner + " has no member instances in 'group { }'");
    else if (group.members.size() == 1)
      warning_at(context, group.location, owner + " has only one member instance");
    for (const auto& member : group.members) {
      if (!defined(config.vrrp_instances, member)) {
        error_at(context, group.location, owner + ": vrrp_instance '" + member + "' is not defined");
        continue;
      }
      const auto [it, inserted] = group_of_instance.emplace(member, group.name);
      if (!inserted)
        error_at(context, group.location,
                 owner + ": vrrp_instance '" + member + "' is already in vrrp_sync_group " + it->second);
    }
    check_track_refs(config, owner, group.track_scripts, group.track_files, group.track_processes, group.track_bfds,
                     context);
  }
}

template <class T>
void report_duplicates(const std::vector<T>& items, std::string_view kind, ParseContext& context) {
  std::set<std::string> seen;
  for (const auto& item : items)
    if (!seen.insert(item.name).second)
      error_at(context, item.location, std::string{kind} + " " + item.name + " is defined twice");
}

}  // namespace

void validate_vrrp(Config& config, ParseContext& context) {
  report_duplicates(config.vrrp_instances, "vrrp_instance", context);
  std::map<std::tuple<std::string, bool, std::string, int>, std::string> vrid_users;
  for (auto& instance : config.vrrp_instances) {
    validate_instance(config, instance, context);
    // RFC 5798 §5.2.3: a VRID is unique per interface and address family (and per
    // multicast group / unicast peer set, keepalived's extension).
    if (instance.virtual_router_id != 0 && instance.interface && instance.unicast_peers.empty()) {
      const auto key =
          std::make_tuple(*instance.interface, instance_is_ipv6(instance),
                          instance.mcast_dst_ip ? instance.mcast_dst_ip->to_string() : "", instance.virtual_router_id);
      const auto [it, inserted] = vrid_users.emplace(key, instance.name);
      if (!inserted)
        error_at(context, instance.location,
                 "vrrp_instance " + instance.name + ": virtual_router_id " +
                     std::to_string(instance.virtual_router_id) + " on " + *instance.interface +
                     " is already used by vrrp_instance " + it->second);
    }
  }
  report_duplicates(config.vrrp_scripts, "vrrp_script", context);
  report_duplicates(config.track_files, "track_file", context);
  report_duplicates(config.track_processes, "vrrp_track_process", context);
  report_duplicates(config.vrrp_sync_groups, "vrrp_sync_group", context);
  validate_sync_groups(config, context);
}

}  // namespace keel::config

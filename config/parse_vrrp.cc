// vrrp_instance (keepalived.conf(5), "VRRP instance(s)") and the track lists shared
// with vrrp_sync_group.
#include "config/parse_sections.h"
#include "config/parse_vrrp_common.h"

namespace keel::config {
namespace {

using I = VrrpInstance;
constexpr std::int64_t kSecond = 1'000'000;

bool looks_like_mac(std::string_view word) {
  // Five or six colon-separated hex octets ("use_vmac [NAME] [MAC]").
  int colons = 0;
  for (char c : word) {
    if (c == ':')
      ++colons;
    else if (!std::isxdigit(static_cast<unsigned char>(c)))
      return false;
  }
  return colons == 4 || colons == 5;
}

void parse_state(const Node& at, I& instance, ParseContext& context) {
  if (!context.expect_args(at, 1, 1)) return;
  if (at.args[0] == "MASTER")
    instance.initial_state = VrrpState::kMaster;
  else if (at.args[0] == "BACKUP")
    instance.initial_state = VrrpState::kBackup;
  else
    context.error(at, "'state' value '" + at.args[0] + "' is not one of MASTER BACKUP");
}

void dump_state(std::string_view name, const I& instance, DumpWriter& out) {
  if (instance.initial_state) out.line(name, {*instance.initial_state == VrrpState::kMaster ? "MASTER" : "BACKUP"});
}

void parse_priority(const Node& at, I& instance, ParseContext& context) {
  if (!context.expect_args(at, 1, 1)) return;
  // 0 is reserved for a master that resigns (RFC 5798 §5.2.4); 255 is the address owner.
  if (auto value = context.integer(at, 0, 1, 255)) {
    instance.priority = static_cast<int>(*value);
    instance.priority_set = true;
  }
}

void parse_use_vmac(const Node& at, I& instance, ParseContext& context) {
  if (!context.expect_args(at, 0, 2)) return;
  instance.use_vmac = true;
  for (const auto& word : at.args) {
    if (looks_like_mac(word))
      instance.vmac_mac = word;
    else
      instance.vmac_name = word;
  }
}

void dump_use_vmac(std::string_view name, const I& instance, DumpWriter& out) {
  if (!instance.use_vmac) return;
  std::vector<std::string> args;
  if (instance.vmac_name) args.push_back(*instance.vmac_name);
  if (instance.vmac_mac) args.push_back(*instance.vmac_mac);
  out.line(name, args);
}

void parse_authentication(const Node& at, I& instance, ParseContext& context) {
  if (!context.expect_block(at)) return;
  for (const Node& child : at.children) {
    if (child.keyword == "auth_type") {
      if (!context.expect_args(child, 1, 1)) continue;
      if (child.args[0] == "PASS")
        instance.auth_type = AuthType::kPass;
      else if (child.args[0] == "AH")
        instance.auth_type = AuthType::kAh;
      else
        context.error(child, "'auth_type' value '" + child.args[0] + "' is not one of PASS AH");
    } else if (child.keyword == "auth_pass") {
      if (context.expect_args(child, 1, 1)) instance.auth_pass = child.args[0];
    } else {
      context.warning(child,
                      "unknown keyword '" + child.keyword + "' in authentication of vrrp_instance " + instance.name);
    }
  }
}

void dump_authentication(std::string_view name, const I& instance, DumpWriter& out) {
  if (instance.auth_type == AuthType::kNone) return;
  out.open(name);
  out.line("auth_type", {instance.auth_type == AuthType::kPass ? "PASS" : "AH"});
  if (!instance.auth_pass.empty()) out.line("auth_pass", {instance.auth_pass});
  out.close();
}

void parse_unicast_peers(const Node& at, I& instance, ParseContext& context) {
  if (!context.expect_block(at)) return;
  instance.unicast_peer_block = true;
  for (const Node& line : at.children) {
    auto address = context.address(line, "unicast_peer", line.keyword);
    if (!address) continue;
    UnicastPeer peer{.address = *address, .min_ttl = {}, .max_ttl = {}};
    bool ok = true;
    for (std::size_t i = 0; ok && i < line.args.size(); i += 2) {
      const auto& option = line.args[i];
      if ((option != "min_ttl" && option != "max_ttl") || i + 1 >= line.args.size()) {
        context.error(line, "'unicast_peer' does not understand '" + option + "'");
        ok = false;
        break;
      }
      const auto value = context.integer(line, "unicast_peer " + option, line.args[i + 1], 0, 255);
      ok = value.has_value();
      if (ok) (option == "min_ttl" ? peer.min_ttl : peer.max_ttl) = static_cast<int>(*value);
    }
    if (ok) instance.unicast_peers.push_back(peer);
  }
}

void dump_unicast_peers(std::string_view name, const I& instance, DumpWriter& out) {
  if (!instance.unicast_peer_block) return;
  out.open(name);
  for (const auto& peer : instance.unicast_peers) {
    std::vector<std::string> args;
    if (peer.min_ttl) args.insert(args.end(), {"min_ttl", std::to_string(*peer.min_ttl)});
    if (peer.max_ttl) args.insert(args.end(), {"max_ttl", std::to_string(*peer.max_ttl)});
    out.line(peer.address.to_string(), args);
  }
  out.close();
}

template <class Spec, std::vector<Spec> I::*List,
          std::optional<Spec> (*Parse)(const Node&, std::string_view, ParseContext&),
          std::vector<std::string> (*Format)(const Spec&)>
Keyword<I> spec_block(std::string_view name) {
  return {name,
          [](const Node& at, I& instance, ParseContext& context) {
            if (!context.expect_block(at)) return;
            for (const Node& line : at.children)
              if (auto spec = Parse(line, at.keyword, context)) (instance.*List).push_back(std::move(*spec));
          },
          [](std::string_view keyword, const I& instance, DumpWriter& out) {
            if ((instance.*List).empty()) return;
            out.open(keyword);
            for (const Spec& spec : instance.*List) {
              auto words = Format(spec);
              const std::string first = words.front();
              words.erase(words.begin());
              out.line(first, words);
            }
            out.close();
          }};
}

// keepalived accepts "unicast_src_ip" and the 1.x spelling "vrrp_unicast_bind".
void parse_unicast_src_ip(const Node& at, I& instance, ParseContext& context) {
  if (context.expect_args(at, 1, 1)) instance.unicast_src_ip = context.address(at, 0);
}

template <std::optional<bool> I::*Field, bool Value>
void set_optional_bool(const Node& at, I& instance, ParseContext& context) {
  if (context.expect_args(at, 0, 0)) instance.*Field = Value;
}

void parse_old_unicast_checksum(const Node& at, I& instance, ParseContext& context) {
  if (!context.expect_args(at, 0, 1)) return;
  instance.old_unicast_checksum = true;
  if (at.args.size() == 1) {
    if (at.args[0] != "never")
      return context.error(at, "'old_unicast_checksum' value '" + at.args[0] + "' is not never");
    instance.old_unicast_checksum_never = true;
  }
}

void parse_garp_extra_if(const Node& at, I& instance, ParseContext& context) {
  if (!context.expect_args(at, 1, 2)) return;
  const bool all = at.args[0] == "all";
  if (auto value = context.timer(at, at.keyword, at.args.back(), Duration{0}, Duration{86400 * kSecond})) {
    instance.garp_extra_if = value;
    instance.garp_extra_if_all = all;
  }
}

const KeywordTable<I>& instance_keywords() {
  static const KeywordTable<I> table = [] {
    std::vector<Keyword<I>> keywords{
        {"state", parse_state, dump_state},
        text<&I::interface>("interface"),
        text<&I::vrf>("vrf"),
        {"use_vmac", parse_use_vmac, dump_use_vmac},
        flag<&I::use_vmac_addr>("use_vmac_addr"),
        flag<&I::vmac_xmit_base>("vmac_xmit_base"),
        {"use_ipvlan",
         [](const Node& at, I& instance, ParseContext&) {
           instance.use_ipvlan = true;
           instance.ipvlan_args = at.args;
         },
         [](std::string_view name, const I& instance, DumpWriter& out) {
           if (instance.use_ipvlan) out.line(name, instance.ipvlan_args);
         }},
        {"native_ipv6", [](const Node&, I& instance, ParseContext&) { instance.native_ipv6 = true; },
         [](std::string_view name, const I& instance, DumpWriter& out) {
           if (instance.native_ipv6) out.line(name);
         },
         "IPv6 addresses in virtual_ipaddress"},
        flag<&I::dont_track_primary>("dont_track_primary"),
        track_keyword<I, &I::track_interfaces, -253, 253>("track_interface"),
        track_keyword<I, &I::track_scripts, -253, 253>("track_script"),
        track_keyword<I, &I::track_files, -254, 254>("track_file"),
        track_keyword<I, &I::track_processes, -254, 254>("track_process"),
        track_keyword<I, &I::track_bfds, -253, 253>("track_bfd"),
        address<&I::mcast_src_ip>("mcast_src_ip"),
        {"unicast_src_ip", parse_unicast_src_ip,
         [](std::string_view name, const I& instance, DumpWriter& out) {
           if (instance.unicast_src_ip) out.line(name, {instance.unicast_src_ip->to_string()});
         }},
        {"vrrp_unicast_bind", parse_unicast_src_ip, nullptr, "unicast_src_ip"},
        address<&I::mcast_dst_ip>("mcast_dst_ip"),
        flag<&I::track_src_ip>("track_src_ip"),
        integer<&I::version, 2, 3>("version"),
        flag<&I::check_unicast_src>("check_unicast_src"),
        {"unicast_peer", parse_unicast_peers, dump_unicast_peers},
        {"vrrp_unicast_peer", parse_unicast_peers, nullptr, "unicast_peer"},
        flag<&I::unicast_fault_no_peer>("unicast_fault_no_peer"),
        integer<&I::unicast_ttl, 0, 255>("unicast_ttl"),
        {"old_unicast_checksum", parse_old_unicast_checksum,
         [](std::string_view name, const I& instance, DumpWriter& out) {
           if (instance.old_unicast_checksum_never)
             out.line(name, {"never"});
           else if (instance.old_unicast_checksum)
             out.line(name);
         }},
        timer<&I::garp_master_delay, 0, 1000 * kSecond>("garp_master_delay"),
        integer<&I::garp_master_repeat, 1, 255>("garp_master_repeat"),
        timer<&I::garp_lower_prio_delay, 0, 1000 * kSecond>("garp_lower_prio_delay"),
        integer<&I::garp_lower_prio_repeat, 0, 255>("garp_lower_prio_repeat"),
        timer<&I::garp_master_refresh, 0, 86400 * kSecond>("garp_master_refresh"),
        integer<&I::garp_master_refresh_repeat, 1, 255>("garp_master_refresh_repeat"),
        {"garp_extra_if", parse_garp_extra_if,
         [](std::string_view name, const I& instance, DumpWriter& out) {
           if (!instance.garp_extra_if) return;
           if (instance.garp_extra_if_all)
             out.line(name, {"all", format_seconds(*instance.garp_extra_if)});
           else
             out.line(name, {format_seconds(*instance.garp_extra_if)});
         }},
        integer<&I::down_timer_adverts, 1, 100>("down_timer_adverts"),
        flag<&I::lower_prio_no_advert>("lower_prio_no_advert"),
        flag<&I::higher_prio_send_advert>("higher_prio_send_advert"),
        integer<&I::virtual_router_id, 1, 255>("virtual_router_id"),
        {"priority", parse_priority,
         [](std::string_view name, const I& instance, DumpWriter& out) {
           out.line(name, {std::to_string(instance.priority)});
         }},
        // RFC 5798 §5.2.7: 12 bits of centiseconds, so 0.01..40.95 s for v3; v2 takes whole
        // seconds up to 255 (validate_vrrp checks per version).
        timer<&I::advert_int, 10'000, 255 * kSecond>("advert_int"),
        {"authentication", parse_authentication, dump_authentication},
        spec_block<AddressSpec, &I::virtual_ipaddress, parse_address_spec, format_address_spec>("virtual_ipaddress"),
        spec_block<AddressSpec, &I::virtual_ipaddress_excluded, parse_address_spec, format_address_spec>(
            "virtual_ipaddress_excluded"),
        spec_block<RouteSpec, &I::virtual_routes, parse_route_spec, format_route_spec>("virtual_routes"),
        spec_block<RuleSpec, &I::virtual_rules, parse_rule_spec, format_rule_spec>("virtual_rules"),
        flag<&I::promote_secondaries>("promote_secondaries"),
        {"accept", set_optional_bool<&I::accept, true>,
         [](std::string_view, const I& instance, DumpWriter& out) {
           if (instance.accept) out.line(*instance.accept ? "accept" : "no_accept");
         }},
        {"no_accept", set_optional_bool<&I::accept, false>},
        flag<&I::nopreempt>("nopreempt"),
        {"preempt", [](const Node& at, I&, ParseContext& context) { context.expect_args(at, 0, 0); }},
        timer<&I::preempt_delay, 0, 1000 * kSecond>("preempt_delay"),
        flag<&I::skip_check_adv_addr>("skip_check_adv_addr"),
        flag<&I::strict_mode>("strict_mode"),
        integer<&I::debug, 0, 4>("debug"),
        integer<&I::kernel_rx_buf_size, 0, 0xffffffffLL>("kernel_rx_buf_size"),
        {"linkbeat_use_polling", [](const Node&, I& instance, ParseContext&) { instance.linkbeat_use_polling = true; },
         [](std::string_view name, const I& instance, DumpWriter& out) {
           if (instance.linkbeat_use_polling) out.line(name);
         },
         "linkbeat_interfaces"},
        {"lvs_sync_daemon_interface",
         [](const Node& at, I& instance, ParseContext& context) {
           if (context.expect_args(at, 1, 1)) instance.lvs_sync_daemon_interface = at.args[0];
         },
         nullptr, "global_defs lvs_sync_daemon"},
    };
    append_notify_keywords<I, &I::notify>(keywords);
    return KeywordTable<I>{std::move(keywords)};
  }();
  return table;
}

}  // namespace

void parse_track_refs(const Node& statement, std::vector<TrackRef>& refs, ParseContext& context, int min_weight,
                      int max_weight) {
  if (!context.expect_block(statement)) return;
  for (const Node& line : statement.children) {
    TrackRef ref{.name = line.keyword, .weight = {}, .reverse = false, .location = line.location};
    for (std::size_t i = 0; i < line.args.size(); ++i) {
      const auto& word = line.args[i];
      if (word == "weight" && i + 1 < line.args.size()) {
        const auto value = context.integer(line, statement.keyword + " weight", line.args[++i], min_weight, max_weight);
        if (value) ref.weight = static_cast<int>(*value);
      } else if (word == "reverse") {
        ref.reverse = true;
      } else if (word == "noreverse" || word == "no_reverse") {
        ref.reverse = false;
      } else {
        context.error(line,
                      "'" + statement.keyword + "' does not understand '" + word + "' after '" + line.keyword + "'");
      }
    }
    refs.push_back(std::move(ref));
  }
}

void dump_track_refs(std::string_view keyword, const std::vector<TrackRef>& refs, DumpWriter& out) {
  if (refs.empty()) return;
  out.open(keyword);
  for (const auto& ref : refs) {
    std::vector<std::string> args;
    if (ref.weight) args.insert(args.end(), {"weight", std::to_string(*ref.weight)});
    if (ref.reverse) args.emplace_back("reverse");
    out.line(ref.name, args);
  }
  out.close();
}

void parse_vrrp_instance(const Node& statement, Config& config, ParseContext& context) {
  if (!context.expect_block(statement)) return;
  VrrpInstance& instance = config.vrrp_instances.emplace_back();
  instance.location = statement.location;
  if (context.expect_args(statement, 1, 1)) instance.name = statement.args[0];
  instance_keywords().parse(statement.children, instance, context, "vrrp_instance " + instance.name);
}

void dump_vrrp(const Config& config, DumpWriter& out) {
  dump_vrrp_tracking(config, out);
  for (const auto& instance : config.vrrp_instances) {
    out.open("vrrp_instance " + DumpWriter::quote(instance.name));
    instance_keywords().dump(instance, out);
    out.close();
  }
}

}  // namespace keel::config

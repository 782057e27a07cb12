// NetlinkAddressProgrammer: policy routing rules (`ip rule add|del` semantics,
// keepalived.conf(5) "virtual_rules" / "static_rules").
//
// Adding uses NLM_F_EXCL as `ip rule add` does: without it the kernel happily stores a
// second identical rule, while with it an identical rule (every attribute, including the
// `proto keepalived` tag) answers EEXIST, which is success here.
#include <endian.h>
#include <fmt/core.h>
#include <linux/fib_rules.h>
#include <linux/rtnetlink.h>
#include <netdb.h>

#include <algorithm>
#include <cerrno>
#include <string>

#include "vrrp/io/netlink_names.h"
#include "vrrp/io/netlink_programmer.h"
#include "vrrp/io/netlink_socket.h"

namespace keel::vrrp {
namespace {

constexpr std::uint8_t kProtocolKeepalived = 18;  // RTPROT_KEEPALIVED, as keepalived tags its rules

IoError invalid(std::string_view what, std::string_view reason) {
  return IoError{fmt::format("{}: {}", what, reason), EINVAL};
}

std::string describe(const config::RuleSpec& spec) {
  std::string text = "rule";
  if (spec.invert) text += " not";
  text += " from " + (spec.from ? spec.from->to_string() : std::string{"all"});
  if (spec.to) text += " to " + spec.to->to_string();
  if (spec.iif) text += " iif " + *spec.iif;
  if (spec.oif) text += " oif " + *spec.oif;
  if (spec.fwmark) text += fmt::format(" fwmark {:#x}", *spec.fwmark);
  if (spec.preference) text += fmt::format(" preference {}", *spec.preference);
  if (spec.table) text += " table " + *spec.table;
  if (spec.goto_target) text += fmt::format(" goto {}", *spec.goto_target);
  if (spec.action) text += " " + *spec.action;
  return text;
}

// "N" or "N-M", as ip-rule(8) writes port and uid ranges.
std::optional<std::pair<std::uint32_t, std::uint32_t>> parse_range(std::string_view text) {
  const auto dash = text.find('-');
  const auto low = netlink::parse_number(text.substr(0, dash));
  const auto high = dash == std::string_view::npos ? low : netlink::parse_number(text.substr(dash + 1));
  if (!low || !high || *high < *low) return std::nullopt;
  return std::pair{*low, *high};
}

std::optional<std::uint8_t> ip_protocol(const std::string& text) {
  if (auto number = netlink::parse_number(text))
    return *number <= 255 ? std::optional<std::uint8_t>(*number) : std::nullopt;
  // /etc/protocols lists "UDP" and "TCP" as aliases, so keepalived's upper-case examples work.
  if (const protoent* entry = getprotobyname(text.c_str())) return static_cast<std::uint8_t>(entry->p_proto);
  return std::nullopt;
}

// Attributes libnl's rtnl_rule has no setter for, appended to the built message.
struct RuleExtras {
  std::optional<fib_rule_uid_range> uid_range;
  std::optional<std::uint32_t> suppress_prefix_length;
  std::optional<std::uint32_t> suppress_ifgroup;
  std::optional<std::uint64_t> tunnel_id;
};

// The options the parser keeps as (name, value): libnl setters where they exist.
IoResult<RuleExtras> apply_options(rtnl_rule* rule, const config::RuleSpec& spec, std::string_view what) {
  RuleExtras extras;
  for (const auto& [name, value] : spec.options) {
    auto bad_value = [&] { return std::unexpected(invalid(what, fmt::format("{} '{}' is not valid", name, value))); };
    if (name == "l3mdev") {
      rtnl_rule_set_l3mdev(rule, 1);
    } else if (name == "realms") {
      auto realms = netlink::realms_value(value);
      if (!realms) return bad_value();
      rtnl_rule_set_realms(rule, *realms);
    } else if (name == "protocol") {
      auto number = netlink::protocol_number(value);
      if (!number || *number > 255) return bad_value();
      if (rtnl_rule_set_protocol(rule, static_cast<std::uint8_t>(*number)) < 0) return bad_value();
    } else if (name == "ip_proto") {
      auto number = ip_protocol(value);
      if (!number) return bad_value();
      if (rtnl_rule_set_ipproto(rule, *number) < 0) return bad_value();
    } else if (name == "sport" || name == "dport") {
      auto range = parse_range(value);
      if (!range || range->second > 0xffff) return bad_value();
      const auto low = static_cast<std::uint16_t>(range->first), high = static_cast<std::uint16_t>(range->second);
      const int set =
          name == "sport" ? rtnl_rule_set_sport_range(rule, low, high) : rtnl_rule_set_dport_range(rule, low, high);
      if (set < 0) return bad_value();
    } else if (name == "uidrange") {
      auto range = parse_range(value);
      if (!range) return bad_value();
      extras.uid_range = fib_rule_uid_range{.start = range->first, .end = range->second};
    } else if (name == "suppress_prefixlength") {
      if (!(extras.suppress_prefix_length = netlink::parse_number(value))) return bad_value();
    } else if (name == "suppress_ifgroup") {
      if (!(extras.suppress_ifgroup = netlink::group_number(value))) return bad_value();
    } else if (name == "tun_id") {
      auto number = netlink::parse_number(value);
      if (!number) return bad_value();
      extras.tunnel_id = *number;
    } else {
      return std::unexpected(invalid(what, fmt::format("not supported: {}", name)));
    }
  }
  return extras;
}

bool append_extras(nl_msg* message, const RuleExtras& extras) {
  if (extras.uid_range && nla_put(message, FRA_UID_RANGE, sizeof(*extras.uid_range), &*extras.uid_range) < 0)
    return false;
  if (extras.suppress_prefix_length && nla_put_u32(message, FRA_SUPPRESS_PREFIXLEN, *extras.suppress_prefix_length) < 0)
    return false;
  if (extras.suppress_ifgroup && nla_put_u32(message, FRA_SUPPRESS_IFGROUP, *extras.suppress_ifgroup) < 0) return false;
  if (extras.tunnel_id && nla_put_u64(message, FRA_TUN_ID, htobe64(*extras.tunnel_id)) < 0) return false;
  return true;
}

std::optional<std::uint8_t> rule_action(const config::RuleSpec& spec) {
  if (spec.goto_target) return FR_ACT_GOTO;
  if (!spec.action) return FR_ACT_TO_TBL;
  if (*spec.action == "blackhole") return FR_ACT_BLACKHOLE;
  if (*spec.action == "unreachable") return FR_ACT_UNREACHABLE;
  if (*spec.action == "prohibit") return FR_ACT_PROHIBIT;
  if (*spec.action == "nop") return FR_ACT_NOP;
  return std::nullopt;
}

}  // namespace

IoResult<> NetlinkAddressProgrammer::add_rule(const config::RuleSpec& spec) { return change_rule(spec, true); }
IoResult<> NetlinkAddressProgrammer::remove_rule(const config::RuleSpec& spec) { return change_rule(spec, false); }

IoResult<> NetlinkAddressProgrammer::change_rule(const config::RuleSpec& spec, bool add) {
  const std::string what = fmt::format("{} {}", add ? "add" : "delete", describe(spec));
  config::Family family = spec.inet6 ? config::Family::kIpv6 : config::Family::kIpv4;
  if (spec.from)
    family = spec.from->address.family;
  else if (spec.to)
    family = spec.to->address.family;
  if (spec.from && spec.to && spec.from->address.family != spec.to->address.family)
    return std::unexpected(invalid(what, "from and to are of different address families"));
  const auto action = rule_action(spec);
  if (!action) return std::unexpected(invalid(what, fmt::format("not supported: action {}", *spec.action)));

  netlink::RulePtr rule{rtnl_rule_alloc()};
  if (!rule) return std::unexpected(IoError{what + ": out of memory", ENOMEM});
  rtnl_rule_set_family(rule.get(), netlink::address_family(family));
  rtnl_rule_set_action(rule.get(), *action);
  rtnl_rule_set_protocol(rule.get(), kProtocolKeepalived);
  netlink::SetterErrors errors{what};
  if (spec.from) errors.check(rtnl_rule_set_src(rule.get(), netlink::to_nl_addr(*spec.from).get()), "from");
  if (spec.to) errors.check(rtnl_rule_set_dst(rule.get(), netlink::to_nl_addr(*spec.to).get()), "to");
  if (spec.table) {
    auto table = netlink::table_number(*spec.table);
    if (!table)
      return std::unexpected(invalid(what, fmt::format("unknown table '{}' (not in rt_tables)", *spec.table)));
    rtnl_rule_set_table(rule.get(), *table);
  } else if (add && *action == FR_ACT_TO_TBL) {
    // ip-rule(8): a lookup rule without a table looks up main. l3mdev picks the table itself.
    const bool l3mdev = std::ranges::any_of(spec.options, [](const auto& option) { return option.first == "l3mdev"; });
    if (!l3mdev) rtnl_rule_set_table(rule.get(), RT_TABLE_MAIN);
  }
  if (spec.goto_target) rtnl_rule_set_goto(rule.get(), *spec.goto_target);
  if (spec.preference) rtnl_rule_set_prio(rule.get(), *spec.preference);
  if (spec.iif) errors.check(rtnl_rule_set_iif(rule.get(), spec.iif->c_str()), "iif " + *spec.iif);
  if (spec.oif) errors.check(rtnl_rule_set_oif(rule.get(), spec.oif->c_str()), "oif " + *spec.oif);
  if (spec.tos) rtnl_rule_set_dsfield(rule.get(), *spec.tos);
  if (spec.fwmark) rtnl_rule_set_mark(rule.get(), *spec.fwmark);
  if (spec.fwmask) rtnl_rule_set_mask(rule.get(), *spec.fwmask);
  if (auto ok = errors.result(); !ok) return std::unexpected(ok.error());
  auto extras = apply_options(rule.get(), spec, what);
  if (!extras) return std::unexpected(extras.error());

  nl_msg* raw = nullptr;
  const int built = add ? rtnl_rule_build_add_request(rule.get(), NLM_F_CREATE | NLM_F_EXCL, &raw)
                        : rtnl_rule_build_delete_request(rule.get(), 0, &raw);
  netlink::MsgPtr message{raw};
  if (built < 0) return std::unexpected(invalid(what, nl_geterror(built)));
  // libnl 3.7's rtnl_rule has no flags setter: `not` is set in the fib_rule_hdr directly.
  if (spec.invert) static_cast<fib_rule_hdr*>(nlmsg_data(nlmsg_hdr(message.get())))->flags |= FIB_RULE_INVERT;
  if (!append_extras(message.get(), *extras)) return std::unexpected(IoError{what + ": message too long", EMSGSIZE});

  auto result = socket_->request(message.get(), what);
  if (result) return {};
  const int error_number = result.error().error_number;
  if (add && error_number == EEXIST) return {};
  if (!add && error_number == ENOENT) return {};
  return result;
}

}  // namespace keel::vrrp

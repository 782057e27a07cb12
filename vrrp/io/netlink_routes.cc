// NetlinkAddressProgrammer: routes (`ip route prepend|append|del` semantics,
// keepalived.conf(5) "virtual_routes" / "static_routes").
//
// Adding uses NLM_F_CREATE without NLM_F_EXCL: like keepalived, a route is *prepended*
// before routes with the same destination, TOS and metric ("By default keepalived prepends
// routes (the kernel's default) ... 'ip route prepend'"), and `append` adds NLM_F_APPEND.
// The kernel then answers EEXIST only for a route that matches in every respect (type,
// scope, next hops), which is therefore success.
#include <fmt/core.h>
#include <linux/icmpv6.h>
#include <linux/rtnetlink.h>
#include <netlink/route/link/vrf.h>
#include <netlink/route/nexthop.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <charconv>
#include <set>
#include <string>
#include <vector>

#include "vrrp/io/netlink_names.h"
#include "vrrp/io/netlink_programmer.h"
#include "vrrp/io/netlink_socket.h"

namespace keel::vrrp {
namespace {

constexpr std::uint8_t kProtocolKeepalived = 18;  // RTPROT_KEEPALIVED: `proto keepalived`, as keepalived tags them

IoError invalid(std::string_view what, std::string_view reason) {
  return IoError{fmt::format("{}: {}", what, reason), EINVAL};
}

config::Family route_family(const config::RouteSpec& spec) {
  // "default" parses as 0.0.0.0/0; `inet6` or an IPv6 next hop make it ::/0.
  const bool any = spec.destination.length == 0 && spec.destination.address.is_unspecified();
  if (any && (spec.inet6 || (spec.via && spec.via->is_v6()))) return config::Family::kIpv6;
  return spec.destination.address.family;
}

config::IpPrefix route_destination(const config::RouteSpec& spec) {
  config::IpPrefix destination = spec.destination;
  if (route_family(spec) != destination.address.family) destination = {config::IpAddress{config::Family::kIpv6, {}}, 0};
  return destination;
}

std::string describe(const config::RouteSpec& spec) {
  static constexpr std::array<std::string_view, 8> kTypes{"",       "blackhole ", "unreachable ", "prohibit ",
                                                          "throw ", "local ",     "broadcast ",   "multicast "};
  std::string text =
      fmt::format("route {}{}", kTypes[static_cast<std::size_t>(spec.type)], route_destination(spec).to_string());
  if (spec.source) text += " from " + spec.source->to_string();
  if (spec.via) text += " via " + spec.via->to_string();
  if (spec.device) text += " dev " + *spec.device;
  for (const auto& hop : spec.nexthops) {
    text += " nexthop";
    if (hop.via) text += " via " + hop.via->to_string();
    if (hop.device) text += " dev " + *hop.device;
  }
  if (spec.table) text += " table " + *spec.table;
  if (spec.vrf) text += " vrf " + *spec.vrf;
  if (spec.metric) text += fmt::format(" metric {}", *spec.metric);
  return text;
}

std::uint8_t route_type(config::RouteType type) {
  switch (type) {
    case config::RouteType::kUnicast:
      return RTN_UNICAST;
    case config::RouteType::kBlackhole:
      return RTN_BLACKHOLE;
    case config::RouteType::kUnreachable:
      return RTN_UNREACHABLE;
    case config::RouteType::kProhibit:
      return RTN_PROHIBIT;
    case config::RouteType::kThrow:
      return RTN_THROW;
    case config::RouteType::kLocal:
      return RTN_LOCAL;
    case config::RouteType::kBroadcast:
      return RTN_BROADCAST;
    case config::RouteType::kMulticast:
      return RTN_MULTICAST;
  }
  return RTN_UNICAST;
}

std::uint8_t scope_value(config::AddressScope scope) {
  switch (scope) {
    case config::AddressScope::kGlobal:
      return RT_SCOPE_UNIVERSE;
    case config::AddressScope::kSite:
      return RT_SCOPE_SITE;
    case config::AddressScope::kLink:
      return RT_SCOPE_LINK;
    case config::AddressScope::kHost:
      return RT_SCOPE_HOST;
    case config::AddressScope::kNowhere:
      return RT_SCOPE_NOWHERE;
  }
  return RT_SCOPE_UNIVERSE;
}

// ip-route(8)'s default scope: host for local, link for broadcast/multicast and for a
// unicast route without a gateway; removal matches any scope (RT_SCOPE_NOWHERE).
std::uint8_t route_scope(const config::RouteSpec& spec, bool add) {
  if (spec.scope) return scope_value(*spec.scope);
  if (route_family(spec) == config::Family::kIpv6) return RT_SCOPE_UNIVERSE;
  switch (spec.type) {
    case config::RouteType::kLocal:
      return RT_SCOPE_HOST;
    case config::RouteType::kBroadcast:
    case config::RouteType::kMulticast:
      return RT_SCOPE_LINK;
    case config::RouteType::kUnicast:
      if (!add) return RT_SCOPE_NOWHERE;
      return spec.via || !spec.nexthops.empty() ? RT_SCOPE_UNIVERSE : RT_SCOPE_LINK;
    default:
      return RT_SCOPE_UNIVERSE;
  }
}

// Route attributes libnl has no setter for, appended to the built message: RTA_METRICS
// (congctl is a string, which libnl's u32 metrics cannot carry), RTA_FLOW, RTA_PREF,
// RTA_EXPIRES.
struct RouteExtras {
  std::vector<std::pair<std::uint16_t, std::uint32_t>> metrics;
  std::uint32_t locked = 0;  // RTAX_LOCK bit mask
  std::optional<std::string> congestion_control;
  std::optional<std::uint32_t> realms;
  std::optional<std::uint8_t> preference;
  std::optional<std::uint32_t> expires;
};

// rtt / rttvar / rto_min values: "100", "100ms", "0.1s" (iproute2's get_time_rtt); a bare
// number is already in the kernel's unit.
std::optional<std::pair<double, bool>> parse_time(std::string_view text) {
  double value = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc{} || end == text.data() || value < 0) return std::nullopt;
  const std::string_view unit = text.substr(static_cast<std::size_t>(end - text.data()));
  if (unit.empty()) return std::pair{value, true};
  if (unit == "s" || unit == "sec" || unit == "secs") return std::pair{value * 1000, false};
  if (unit == "ms" || unit == "msec" || unit == "msecs") return std::pair{value, false};
  return std::nullopt;
}

constexpr std::array<std::pair<std::string_view, std::uint16_t>, 10> kNumericMetrics{{
    {"advmss", RTAX_ADVMSS},
    {"reordering", RTAX_REORDERING},
    {"window", RTAX_WINDOW},
    {"cwnd", RTAX_CWND},
    {"ssthresh", RTAX_SSTHRESH},
    {"initcwnd", RTAX_INITCWND},
    {"initrwnd", RTAX_INITRWND},
    {"hoplimit", RTAX_HOPLIMIT},
    {"quickack", RTAX_QUICKACK},
    {"fastopen_no_cookie", RTAX_FASTOPEN_NO_COOKIE},
}};

// The RTAX_* value of one metric option, or nullopt when `value` does not parse.
std::optional<std::pair<std::uint16_t, std::uint32_t>> metric_value(std::string_view name, std::string_view value) {
  for (const auto& [metric_name, metric] : kNumericMetrics) {
    if (name != metric_name) continue;
    const auto number = netlink::parse_number(value);
    if (!number) return std::nullopt;
    return std::pair{metric, *number};
  }
  // Times: the kernel keeps rtt in 1/8 ms and rttvar in 1/4 ms units, rto_min in ms
  // (ip-route(8)); a bare number is taken as already in the kernel's unit.
  const std::uint16_t metric = name == "rtt" ? RTAX_RTT : name == "rttvar" ? RTAX_RTTVAR : RTAX_RTO_MIN;
  const auto time = parse_time(value);
  if (!time) return std::nullopt;
  const double scale = time->second || metric == RTAX_RTO_MIN ? 1 : metric == RTAX_RTT ? 8 : 4;
  return std::pair{metric, static_cast<std::uint32_t>(time->first * scale)};
}

bool is_metric(std::string_view name) {
  return name == "rtt" || name == "rttvar" || name == "rto_min" ||
         std::ranges::any_of(kNumericMetrics, [&](const auto& entry) { return entry.first == name; });
}

// One option kept in RouteSpec::metrics ("[lock] VALUE"), added to `extras`.
IoResult<> add_option(RouteExtras& extras, std::string_view name, std::string_view value, std::string_view what) {
  const bool lock = value.starts_with("lock ");
  if (lock) value.remove_prefix(5);
  const auto bad_value = [&] {
    return std::unexpected(invalid(what, fmt::format("{} '{}' is not valid", name, value)));
  };
  std::optional<std::pair<std::uint16_t, std::uint32_t>> metric;
  if (is_metric(name)) {
    if (!(metric = metric_value(name, value))) return bad_value();
  } else if (name == "features") {
    if (value != "ecn") return std::unexpected(invalid(what, fmt::format("not supported: features {}", value)));
    metric = std::pair<std::uint16_t, std::uint32_t>{RTAX_FEATURES, RTAX_FEATURE_ECN};
  } else if (name == "mtu_lock") {
    extras.locked |= 1U << RTAX_MTU;
  } else if (name == "congctl") {
    extras.congestion_control = std::string{value};
    if (lock) extras.locked |= 1U << RTAX_CC_ALGO;
  } else if (name == "realms") {
    if (!(extras.realms = netlink::realms_value(value))) return bad_value();
  } else if (name == "pref") {
    if (value == "low")
      extras.preference = ICMPV6_ROUTER_PREF_LOW;
    else if (value == "medium")
      extras.preference = ICMPV6_ROUTER_PREF_MEDIUM;
    else if (value == "high")
      extras.preference = ICMPV6_ROUTER_PREF_HIGH;
    else
      return bad_value();
  } else if (name == "expires") {
    if (!(extras.expires = netlink::parse_number(value))) return bad_value();
  } else {
    return std::unexpected(invalid(what, fmt::format("not supported: {}", name)));
  }
  if (metric) {
    extras.metrics.push_back(*metric);
    if (lock) extras.locked |= 1U << metric->first;
  }
  return {};
}

IoResult<RouteExtras> route_extras(const config::RouteSpec& spec, std::string_view what) {
  RouteExtras extras;
  if (spec.mtu) extras.metrics.emplace_back(RTAX_MTU, *spec.mtu);
  for (const auto& [name, value] : spec.metrics)
    if (auto added = add_option(extras, name, value, what); !added) return std::unexpected(added.error());
  return extras;
}

bool append_extras(nl_msg* message, const RouteExtras& extras) {
  if (!extras.metrics.empty() || extras.congestion_control || extras.locked != 0) {
    nlattr* nest = nla_nest_start(message, RTA_METRICS);
    if (nest == nullptr) return false;
    if (extras.locked != 0 && nla_put_u32(message, RTAX_LOCK, extras.locked) < 0) return false;
    for (const auto& [metric, value] : extras.metrics)
      if (nla_put_u32(message, metric, value) < 0) return false;
    if (extras.congestion_control && nla_put_string(message, RTAX_CC_ALGO, extras.congestion_control->c_str()) < 0)
      return false;
    nla_nest_end(message, nest);
  }
  if (extras.realms && nla_put_u32(message, RTA_FLOW, *extras.realms) < 0) return false;
  if (extras.preference && nla_put_u8(message, RTA_PREF, *extras.preference) < 0) return false;
  if (extras.expires && nla_put_u32(message, RTA_EXPIRES, *extras.expires) < 0) return false;
  return true;
}

// A number, a name from rt_tables, or the table of a VRF device; main by default.
IoResult<std::uint32_t> route_table(netlink::Socket& socket, const config::RouteSpec& spec, std::string_view what) {
  if (spec.table) {
    auto number = netlink::table_number(*spec.table);
    if (!number)
      return std::unexpected(invalid(what, fmt::format("unknown table '{}' (not in rt_tables)", *spec.table)));
    return *number;
  }
  if (!spec.vrf) return RT_TABLE_MAIN;
  auto vrf = socket.link(*spec.vrf, fmt::format("{}: vrf {}", what, *spec.vrf));
  if (!vrf) return std::unexpected(vrf.error());
  std::uint32_t table = 0;
  if (!rtnl_link_is_vrf(vrf->get()) || rtnl_link_vrf_get_tableid(vrf->get(), &table) < 0)
    return std::unexpected(invalid(what, fmt::format("{} is not a VRF device", *spec.vrf)));
  return table;
}

IoResult<std::uint8_t> route_protocol(const config::RouteSpec& spec, std::string_view what) {
  if (!spec.protocol) return kProtocolKeepalived;
  auto number = netlink::protocol_number(*spec.protocol);
  if (!number || *number > 255)
    return std::unexpected(invalid(what, fmt::format("unknown protocol '{}' (not in rt_protos)", *spec.protocol)));
  return static_cast<std::uint8_t>(*number);
}

// Next hops: the multipath list, or the single via/dev of the line. Devices are resolved in
// the socket's namespace; a missing one is ENODEV.
IoResult<> add_nexthops(netlink::Socket& socket, rtnl_route* route, const config::RouteSpec& spec,
                        std::string_view what) {
  std::vector<config::Nexthop> hops = spec.nexthops;
  if (hops.empty() && (spec.via || spec.device))
    hops.push_back(config::Nexthop{.via = spec.via, .device = spec.device, .weight = {}, .onlink = spec.onlink});
  std::set<std::string> devices;
  for (const auto& hop : hops)
    if (hop.device || spec.device) devices.insert(hop.device.value_or(spec.device.value_or("")));
  for (const auto& hop : hops) {
    rtnl_nexthop* nh = rtnl_route_nh_alloc();
    if (nh == nullptr) return std::unexpected(IoError{fmt::format("{}: out of memory", what), ENOMEM});
    rtnl_route_add_nexthop(route, nh);  // the route owns it from here on
    if (const auto device = hop.device ? hop.device : spec.device) {
      // With several devices the message says which one is missing.
      auto ifindex = socket.ifindex(*device, devices.size() > 1 ? fmt::format("{}: dev {}", what, *device) : what);
      if (!ifindex) return std::unexpected(ifindex.error());
      rtnl_route_nh_set_ifindex(nh, *ifindex);
    }
    if (hop.via) {
      // A next hop of the other family (IPv4 over an IPv6 next hop, RFC 5549) goes in RTA_VIA.
      if (hop.via->family == route_family(spec))
        rtnl_route_nh_set_gateway(nh, netlink::to_nl_addr(*hop.via).get());
      else if (rtnl_route_nh_set_via(nh, netlink::to_nl_addr(*hop.via).get()) < 0)
        return std::unexpected(invalid(what, "not supported: via " + hop.via->to_string()));
    }
    if (hop.weight) {
      // ip-route(8) weights are 1..256; the kernel stores weight - 1 in rtnh_hops.
      if (*hop.weight < 1 || *hop.weight > 256) return std::unexpected(invalid(what, "weight must be 1..256"));
      rtnl_route_nh_set_weight(nh, static_cast<std::uint8_t>(*hop.weight - 1));
    }
    if (hop.onlink || spec.onlink) rtnl_route_nh_set_flags(nh, RTNH_F_ONLINK);
  }
  // A single next hop travels in the rtmsg header, whose flags carry RTNH_F_ONLINK.
  if (hops.size() == 1 && (hops.front().onlink || spec.onlink)) rtnl_route_set_flags(route, RTNH_F_ONLINK);
  return {};
}

IoResult<netlink::RoutePtr> build_route(netlink::Socket& socket, const config::RouteSpec& spec, bool add,
                                        std::string_view what) {
  netlink::RoutePtr route{rtnl_route_alloc()};
  netlink::AddrPtr destination = netlink::to_nl_addr(route_destination(spec));
  if (!route || !destination) return std::unexpected(IoError{fmt::format("{}: out of memory", what), ENOMEM});
  const auto table = route_table(socket, spec, what);
  if (!table) return std::unexpected(table.error());
  const auto protocol = route_protocol(spec, what);
  if (!protocol) return std::unexpected(protocol.error());

  netlink::SetterErrors errors{std::string{what}};
  const auto family = static_cast<std::uint8_t>(netlink::address_family(route_family(spec)));
  errors.check(rtnl_route_set_family(route.get(), family), "family");
  rtnl_route_set_table(route.get(), *table);
  errors.check(rtnl_route_set_type(route.get(), route_type(spec.type)), "type");
  errors.check(rtnl_route_set_dst(route.get(), destination.get()), "destination");
  rtnl_route_set_protocol(route.get(), *protocol);
  rtnl_route_set_scope(route.get(), route_scope(spec, add));
  if (spec.source) errors.check(rtnl_route_set_src(route.get(), netlink::to_nl_addr(*spec.source).get()), "from");
  if (spec.preferred_source)
    errors.check(rtnl_route_set_pref_src(route.get(), netlink::to_nl_addr(*spec.preferred_source).get()), "src");
  if (auto ok = errors.result(); !ok) return std::unexpected(ok.error());
  if (spec.metric) rtnl_route_set_priority(route.get(), *spec.metric);
  if (spec.tos) rtnl_route_set_tos(route.get(), *spec.tos);
  if (auto hops = add_nexthops(socket, route.get(), spec, what); !hops) return std::unexpected(hops.error());
  return route;
}

}  // namespace

IoResult<> NetlinkAddressProgrammer::add_route(const config::RouteSpec& spec) { return change_route(spec, true); }
IoResult<> NetlinkAddressProgrammer::remove_route(const config::RouteSpec& spec) { return change_route(spec, false); }

IoResult<> NetlinkAddressProgrammer::change_route(const config::RouteSpec& spec, bool add) {
  const std::string what = fmt::format("{} {}", add ? "add" : "delete", describe(spec));
  auto route = build_route(*socket_, spec, add, what);
  if (!route) {
    // Removing a route through a vanished interface: the kernel already flushed it.
    if (!add && route.error().error_number == ENODEV) return {};
    return std::unexpected(route.error());
  }
  nl_msg* raw = nullptr;
  const int flags = NLM_F_CREATE | (spec.append ? NLM_F_APPEND : 0);
  const int built = add ? rtnl_route_build_add_request(route->get(), flags, &raw)
                        : rtnl_route_build_del_request(route->get(), 0, &raw);
  netlink::MsgPtr message{raw};
  if (built < 0) return std::unexpected(invalid(what, nl_geterror(built)));
  // Removal matches without metrics: the kernel would compare those it is given.
  if (add) {
    auto extras = route_extras(spec, what);
    if (!extras) return std::unexpected(extras.error());
    if (!append_extras(message.get(), *extras)) return std::unexpected(IoError{what + ": message too long", EMSGSIZE});
  }

  auto result = socket_->request(message.get(), what);
  if (result) return {};
  const int error_number = result.error().error_number;
  if (add && error_number == EEXIST) return {};
  if (!add && error_number == ESRCH) return {};
  return result;
}

}  // namespace keel::vrrp

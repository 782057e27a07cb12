// Address, route and rule lines in `ip address|route|rule add` syntax, as keepalived
// reads them in static_* and virtual_* blocks (keepalived.conf(5), "Static
// routes/addresses/rules" and vrrp_instance virtual_ipaddress/virtual_routes/virtual_rules).
#include <array>

#include "config/parse_sections.h"

namespace keel::config {
namespace {

// The words of a block line: keepalived has no keyword here, the whole line is the spec.
std::vector<std::string_view> line_words(const Node& line) {
  std::vector<std::string_view> words{line.keyword};
  for (const auto& arg : line.args) words.push_back(arg);
  return words;
}

constexpr std::array<std::pair<std::string_view, AddressScope>, 5> kScopes{{{"global", AddressScope::kGlobal},
                                                                            {"site", AddressScope::kSite},
                                                                            {"link", AddressScope::kLink},
                                                                            {"host", AddressScope::kHost},
                                                                            {"nowhere", AddressScope::kNowhere}}};

std::optional<AddressScope> parse_scope(std::string_view word) {
  for (const auto& [name, scope] : kScopes)
    if (word == name) return scope;
  return std::nullopt;
}

std::string_view scope_name(AddressScope scope) {
  for (const auto& [name, value] : kScopes)
    if (value == scope) return name;
  return "global";
}

constexpr std::array<std::pair<std::string_view, RouteType>, 8> kRouteTypes{{{"unicast", RouteType::kUnicast},
                                                                             {"blackhole", RouteType::kBlackhole},
                                                                             {"unreachable", RouteType::kUnreachable},
                                                                             {"prohibit", RouteType::kProhibit},
                                                                             {"throw", RouteType::kThrow},
                                                                             {"local", RouteType::kLocal},
                                                                             {"broadcast", RouteType::kBroadcast},
                                                                             {"multicast", RouteType::kMulticast}}};

// Route attributes Keel passes through to netlink as they are (value words kept).
constexpr std::array<std::string_view, 17> kRouteMetrics{"advmss",
                                                         "rtt",
                                                         "rttvar",
                                                         "reordering",
                                                         "window",
                                                         "cwnd",
                                                         "ssthresh",
                                                         "realms",
                                                         "rto_min",
                                                         "initcwnd",
                                                         "initrwnd",
                                                         "features",
                                                         "quickack",
                                                         "congctl",
                                                         "pref",
                                                         "expires",
                                                         "fastopen_no_cookie"};

constexpr std::array<std::string_view, 9> kRuleOptions{
    "realms",           "uidrange", "ip_proto", "sport", "dport", "suppress_prefixlength",
    "suppress_ifgroup", "protocol", "tun_id"};

constexpr std::array<std::string_view, 4> kRuleActions{"blackhole", "unreachable", "prohibit", "nop"};

template <std::size_t N>
bool contains(const std::array<std::string_view, N>& names, std::string_view word) {
  for (auto name : names)
    if (name == word) return true;
  return false;
}

std::optional<IpPrefix> parse_route_prefix(const Node& at, std::string_view block, std::string_view word,
                                           ParseContext& context) {
  if (word == "default") return IpPrefix{IpAddress{}, 0};
  return context.prefix(at, block, word);
}

// A cursor over a line's words that reports a missing value once, naming the option.
class Words {
 public:
  Words(const Node& at, std::string_view block, ParseContext& context)
      : at_(at), block_(block), context_(context), words_(line_words(at)) {}
  bool done() const { return index_ >= words_.size(); }
  std::string_view next() { return words_[index_++]; }
  std::string_view peek() const { return done() ? std::string_view{} : words_[index_]; }
  std::optional<std::string_view> value(std::string_view option) {
    if (done()) {
      context_.error(at_, "'" + std::string{block_} + "' option '" + std::string{option} + "' is missing its value");
      return std::nullopt;
    }
    return next();
  }
  std::optional<std::uint32_t> number(std::string_view option, std::int64_t max = 0xffffffffLL) {
    auto word = value(option);
    if (!word) return std::nullopt;
    auto parsed = context_.integer(at_, std::string{block_} + " " + std::string{option}, *word, 0, max);
    if (!parsed) return std::nullopt;
    return static_cast<std::uint32_t>(*parsed);
  }

 private:
  const Node& at_;
  std::string_view block_;
  ParseContext& context_;
  std::vector<std::string_view> words_;
  std::size_t index_ = 0;
};

void unknown_option(const Node& at, std::string_view block, std::string_view word, ParseContext& context) {
  context.error(at, "'" + std::string{block} + "' does not understand '" + std::string{word} + "'");
}

}  // namespace

std::optional<AddressSpec> parse_address_spec(const Node& line, std::string_view block, ParseContext& context) {
  Words words{line, block, context};
  AddressSpec spec;
  spec.location = line.location;
  auto prefix = context.prefix(line, block, words.next());
  if (!prefix) return std::nullopt;
  spec.prefix = *prefix;
  while (!words.done()) {
    const auto word = words.next();
    if (word == "brd") {
      auto value = words.value(word);
      if (!value) return std::nullopt;
      if (*value == "-")
        spec.broadcast_auto = AddressSpec::BroadcastAuto::kClearHostBits;
      else if (*value == "+")
        spec.broadcast_auto = AddressSpec::BroadcastAuto::kSetHostBits;
      else if (!(spec.broadcast = context.address(line, std::string{block} + " brd", *value)))
        return std::nullopt;
    } else if (word == "dev") {
      auto value = words.value(word);
      if (!value) return std::nullopt;
      spec.device = std::string{*value};
    } else if (word == "scope") {
      auto value = words.value(word);
      if (!value) return std::nullopt;
      if (!(spec.scope = parse_scope(*value))) {
        context.error(line, "'" + std::string{block} + "' scope '" + std::string{*value} +
                                "' is not one of global site link host nowhere");
        return std::nullopt;
      }
    } else if (word == "label") {
      auto value = words.value(word);
      if (!value) return std::nullopt;
      spec.label = std::string{*value};
    } else if (word == "peer") {
      auto value = words.value(word);
      if (!value || !(spec.peer = context.prefix(line, std::string{block} + " peer", *value))) return std::nullopt;
    } else if (word == "track_group") {
      auto value = words.value(word);
      if (!value) return std::nullopt;
      spec.track_group = std::string{*value};
    } else if (word == "preferred_lft") {
      if (words.peek() == "forever") {
        words.next();
        spec.preferred_lft_forever = true;
      } else if (auto value = words.number(word)) {
        spec.preferred_lft = *value;
      } else {
        return std::nullopt;
      }
    } else if (word == "home")
      spec.home = true;
    else if (word == "-nodad" || word == "nodad")
      spec.no_dad = true;
    else if (word == "mngtmpaddr")
      spec.mngtmpaddr = true;
    else if (word == "noprefixroute")
      spec.noprefixroute = true;
    else if (word == "autojoin")
      spec.autojoin = true;
    else if (word == "no_track")
      spec.no_track = true;
    else if (word == "use_vmac")
      spec.use_vmac = true;
    else {
      unknown_option(line, block, word, context);
      return std::nullopt;
    }
  }
  return spec;
}

std::vector<std::string> format_address_spec(const AddressSpec& spec) {
  std::vector<std::string> words{spec.prefix.to_string()};
  auto add = [&](std::string_view option, std::string value) {
    words.emplace_back(option);
    words.push_back(std::move(value));
  };
  if (spec.broadcast) add("brd", spec.broadcast->to_string());
  if (spec.broadcast_auto == AddressSpec::BroadcastAuto::kClearHostBits) add("brd", "-");
  if (spec.broadcast_auto == AddressSpec::BroadcastAuto::kSetHostBits) add("brd", "+");
  if (spec.device) add("dev", *spec.device);
  if (spec.use_vmac) words.emplace_back("use_vmac");
  if (spec.scope) add("scope", std::string{scope_name(*spec.scope)});
  if (spec.label) add("label", *spec.label);
  if (spec.peer) add("peer", spec.peer->to_string());
  if (spec.home) words.emplace_back("home");
  if (spec.no_dad) words.emplace_back("-nodad");
  if (spec.mngtmpaddr) words.emplace_back("mngtmpaddr");
  if (spec.noprefixroute) words.emplace_back("noprefixroute");
  if (spec.autojoin) words.emplace_back("autojoin");
  if (spec.no_track) words.emplace_back("no_track");
  if (spec.track_group) add("track_group", *spec.track_group);
  if (spec.preferred_lft_forever) add("preferred_lft", "forever");
  if (spec.preferred_lft) add("preferred_lft", std::to_string(*spec.preferred_lft));
  return words;
}

std::optional<RouteSpec> parse_route_spec(const Node& line, std::string_view block, ParseContext& context) {
  Words words{line, block, context};
  RouteSpec spec;
  spec.location = line.location;
  // Leading parts before the destination: [type] [src IP] [to].
  for (const auto& [name, type] : kRouteTypes) {
    if (words.peek() == name) {
      words.next();
      spec.type = type;
      break;
    }
  }
  if (words.peek() == "src") {
    words.next();
    auto value = words.value("src");
    if (!value || !(spec.preferred_source = context.address(line, std::string{block} + " src", *value)))
      return std::nullopt;
  }
  if (words.peek() == "to") words.next();
  if (words.done()) {
    context.error(line, "'" + std::string{block} + "' line has no destination");
    return std::nullopt;
  }
  auto destination = parse_route_prefix(line, block, words.next(), context);
  if (!destination) return std::nullopt;
  spec.destination = *destination;

  while (!words.done()) {
    const auto word = words.next();
    auto text_value = [&](std::optional<std::string>& field) {
      auto value = words.value(word);
      if (value) field = std::string{*value};
      return value.has_value();
    };
    bool ok = true;
    if (word == "via" || word == "gw") {
      if (word == "gw") context.deprecated(line, "gw", "via");
      if (words.peek() == "inet" || words.peek() == "inet6") words.next();
      auto value = words.value(word);
      ok = value && (spec.via = context.address(line, std::string{block} + " via", *value)).has_value();
    } else if (word == "or") {
      // keepalived's "via A or B" is a multipath route; ip(8) spells it with nexthop.
      context.deprecated(line, "or", "nexthop");
      auto value = words.value(word);
      ok = value.has_value();
      if (ok) {
        Nexthop hop;
        hop.via = context.address(line, std::string{block} + " or", *value);
        ok = hop.via.has_value();
        if (ok && spec.via) {
          spec.nexthops.push_back(Nexthop{.via = spec.via, .device = {}, .weight = {}, .onlink = false});
          spec.via.reset();
        }
        if (ok) spec.nexthops.push_back(hop);
      }
    } else if (word == "nexthop") {
      Nexthop hop;
      while (!words.done() && words.peek() != "nexthop") {
        const auto option = words.peek();
        if (option == "via") {
          words.next();
          auto value = words.value("nexthop via");
          ok = value && (hop.via = context.address(line, std::string{block} + " nexthop via", *value)).has_value();
        } else if (option == "dev") {
          words.next();
          auto value = words.value("nexthop dev");
          ok = value.has_value();
          if (ok) hop.device = std::string{*value};
        } else if (option == "weight") {
          words.next();
          auto value = words.number("nexthop weight", 256);
          ok = value.has_value();
          if (ok) hop.weight = *value;
        } else if (option == "onlink") {
          words.next();
          hop.onlink = true;
        } else {
          break;
        }
        if (!ok) break;
      }
      spec.nexthops.push_back(hop);
    } else if (word == "dev" || word == "oif") {
      ok = text_value(spec.device);
    } else if (word == "src") {
      auto value = words.value(word);
      ok = value && (spec.preferred_source = context.address(line, std::string{block} + " src", *value)).has_value();
    } else if (word == "from") {
      auto value = words.value(word);
      ok = value && (spec.source = context.prefix(line, std::string{block} + " from", *value)).has_value();
    } else if (word == "scope") {
      auto value = words.value(word);
      ok = value && (spec.scope = parse_scope(*value)).has_value();
      if (value && !ok)
        context.error(line, "'" + std::string{block} + "' scope '" + std::string{*value} +
                                "' is not one of global site link host nowhere");
    } else if (word == "table") {
      ok = text_value(spec.table);
    } else if (word == "metric" || word == "priority" || word == "preference") {
      auto value = words.number(word);
      ok = value.has_value();
      if (ok) spec.metric = *value;
    } else if (word == "protocol" || word == "proto") {
      ok = text_value(spec.protocol);
    } else if (word == "tos" || word == "dsfield") {
      auto value = words.number(word, 255);
      ok = value.has_value();
      if (ok) spec.tos = static_cast<std::uint8_t>(*value);
    } else if (word == "mtu") {
      if (words.peek() == "lock") {
        words.next();
        spec.metrics.emplace_back("mtu_lock", "");
      }
      auto value = words.number(word);
      ok = value.has_value();
      if (ok) spec.mtu = *value;
    } else if (word == "vrf") {
      ok = text_value(spec.vrf);
    } else if (word == "track_group") {
      ok = text_value(spec.track_group);
    } else if (word == "onlink")
      spec.onlink = true;
    else if (word == "append")
      spec.append = true;
    else if (word == "no_track")
      spec.no_track = true;
    else if (word == "inet6")
      spec.inet6 = true;
    else if (word == "hoplimit") {
      auto value = words.number(word, 255);
      ok = value.has_value();
      if (ok) spec.metrics.emplace_back("hoplimit", std::to_string(*value));
    } else if (contains(kRouteMetrics, word)) {
      std::string value;
      if (words.peek() == "lock") value = std::string{words.next()} + " ";
      auto rest = words.value(word);
      ok = rest.has_value();
      if (ok) spec.metrics.emplace_back(std::string{word}, value + std::string{*rest});
    } else {
      unknown_option(line, block, word, context);
      return std::nullopt;
    }
    if (!ok) return std::nullopt;
  }
  return spec;
}

std::vector<std::string> format_route_spec(const RouteSpec& spec) {
  std::vector<std::string> words;
  auto add = [&](std::string_view option, std::string value) {
    words.emplace_back(option);
    words.push_back(std::move(value));
  };
  for (const auto& [name, type] : kRouteTypes)
    if (type == spec.type && type != RouteType::kUnicast) words.emplace_back(name);
  if (spec.preferred_source) add("src", spec.preferred_source->to_string());
  words.push_back(spec.destination.to_string());
  if (spec.source) add("from", spec.source->to_string());
  if (spec.via) add("via", spec.via->to_string());
  if (spec.device) add("dev", *spec.device);
  if (spec.scope) add("scope", std::string{scope_name(*spec.scope)});
  if (spec.table) add("table", *spec.table);
  if (spec.metric) add("metric", std::to_string(*spec.metric));
  if (spec.protocol) add("protocol", *spec.protocol);
  if (spec.tos) add("tos", std::to_string(*spec.tos));
  bool mtu_lock = false;
  for (const auto& [name, value] : spec.metrics) mtu_lock |= name == "mtu_lock";
  if (spec.mtu) {
    words.emplace_back("mtu");
    if (mtu_lock) words.emplace_back("lock");
    words.push_back(std::to_string(*spec.mtu));
  }
  if (spec.vrf) add("vrf", *spec.vrf);
  for (const auto& [name, value] : spec.metrics) {
    if (name == "mtu_lock") continue;
    words.push_back(name);
    for (auto& part : split_command_line(value)) words.push_back(std::move(part));
  }
  for (const auto& hop : spec.nexthops) {
    words.emplace_back("nexthop");
    if (hop.via) add("via", hop.via->to_string());
    if (hop.device) add("dev", *hop.device);
    if (hop.weight) add("weight", std::to_string(*hop.weight));
    if (hop.onlink) words.emplace_back("onlink");
  }
  if (spec.onlink) words.emplace_back("onlink");
  if (spec.append) words.emplace_back("append");
  if (spec.no_track) words.emplace_back("no_track");
  if (spec.inet6) words.emplace_back("inet6");
  if (spec.track_group) add("track_group", *spec.track_group);
  return words;
}

std::optional<RuleSpec> parse_rule_spec(const Node& line, std::string_view block, ParseContext& context) {
  Words words{line, block, context};
  RuleSpec spec;
  spec.location = line.location;
  while (!words.done()) {
    const auto word = words.next();
    bool ok = true;
    auto text_value = [&](std::optional<std::string>& field) {
      auto value = words.value(word);
      if (value) field = std::string{*value};
      return value.has_value();
    };
    auto prefix_value = [&](std::optional<IpPrefix>& field) {
      auto value = words.value(word);
      if (!value) return false;
      if (*value == "all") return true;
      field = context.prefix(line, block, *value);
      return field.has_value();
    };
    if (word == "from")
      ok = prefix_value(spec.from);
    else if (word == "to")
      ok = prefix_value(spec.to);
    else if (word == "table" || word == "lookup")
      ok = text_value(spec.table);
    else if (word == "preference" || word == "priority" || word == "pref" || word == "order") {
      auto value = words.number(word);
      ok = value.has_value();
      if (ok) spec.preference = *value;
    } else if (word == "iif" || word == "dev")
      ok = text_value(spec.iif);
    else if (word == "oif")
      ok = text_value(spec.oif);
    else if (word == "tos" || word == "dsfield") {
      auto value = words.number(word, 255);
      ok = value.has_value();
      if (ok) spec.tos = static_cast<std::uint8_t>(*value);
    } else if (word == "fwmark") {
      auto value = words.value(word);
      ok = value.has_value();
      if (ok) {
        const auto slash = value->find('/');
        auto mark = context.integer(line, std::string{block} + " fwmark", value->substr(0, slash), 0, 0xffffffffLL);
        ok = mark.has_value();
        if (ok) spec.fwmark = static_cast<std::uint32_t>(*mark);
        if (ok && slash != std::string_view::npos) {
          auto mask =
              context.integer(line, std::string{block} + " fwmark mask", value->substr(slash + 1), 0, 0xffffffffLL);
          ok = mask.has_value();
          if (ok) spec.fwmask = static_cast<std::uint32_t>(*mask);
        }
      }
    } else if (word == "goto") {
      auto value = words.number(word);
      ok = value.has_value();
      if (ok) spec.goto_target = *value;
    } else if (word == "not")
      spec.invert = true;
    else if (word == "no_track")
      spec.no_track = true;
    else if (word == "inet6")
      spec.inet6 = true;
    else if (word == "l3mdev")
      spec.options.emplace_back("l3mdev", "");
    else if (word == "track_group")
      ok = text_value(spec.track_group);
    else if (contains(kRuleActions, word))
      spec.action = std::string{word};
    else if (contains(kRuleOptions, word)) {
      auto value = words.value(word);
      ok = value.has_value();
      if (ok) spec.options.emplace_back(std::string{word}, std::string{*value});
    } else {
      unknown_option(line, block, word, context);
      return std::nullopt;
    }
    if (!ok) return std::nullopt;
  }
  // Rules are added and removed as instances change state, so without a preference
  // their order in the kernel depends on history (keepalived.conf(5), static_rules).
  if (!spec.preference)
    context.warning(line, "'" + std::string{block} +
                              "' rule has no 'preference'; the kernel order will depend on when it was added");
  return spec;
}

std::vector<std::string> format_rule_spec(const RuleSpec& spec) {
  std::vector<std::string> words;
  auto add = [&](std::string_view option, std::string value) {
    words.emplace_back(option);
    words.push_back(std::move(value));
  };
  if (spec.invert) words.emplace_back("not");
  if (spec.from) add("from", spec.from->to_string());
  if (spec.to) add("to", spec.to->to_string());
  if (spec.iif) add("iif", *spec.iif);
  if (spec.oif) add("oif", *spec.oif);
  if (spec.tos) add("tos", std::to_string(*spec.tos));
  if (spec.fwmark)
    add("fwmark", std::to_string(*spec.fwmark) + (spec.fwmask ? "/" + std::to_string(*spec.fwmask) : ""));
  for (const auto& [name, value] : spec.options) {
    words.push_back(name);
    if (!value.empty()) words.push_back(value);
  }
  if (spec.preference) add("preference", std::to_string(*spec.preference));
  if (spec.table) add("table", *spec.table);
  if (spec.goto_target) add("goto", std::to_string(*spec.goto_target));
  if (spec.action) words.push_back(*spec.action);
  if (spec.no_track) words.emplace_back("no_track");
  if (spec.inet6) words.emplace_back("inet6");
  if (spec.track_group) add("track_group", *spec.track_group);
  return words;
}

}  // namespace keel::config

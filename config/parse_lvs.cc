// virtual_server, its real_server and sorry_server (keepalived.conf(5), "Virtual
// server(s)"), and dump_lvs(). Checkers are in parse_check*.cc, groups in parse_vsg.cc,
// BFD in parse_bfd.cc, cross-checks and inheritance in validate_lvs.cc.
#include <algorithm>

#include "config/lvs_keywords.h"
#include "config/parse_lvs.h"

namespace keel::config {
namespace {

using lvs::choice;
using lvs::kDefaultPersistenceSeconds;
using lvs::kIntMax;
using lvs::kMaxConnectTimeoutUs;
using lvs::kMaxTimerUs;
using lvs::kUint32Max;
using lvs::optional_flag;
using lvs::presence;
using lvs::quoted;

constexpr std::int64_t kMaxPersistenceSeconds = 2678400;  // LVS_MAX_TIMEOUT: 31 days

// Indexed by LbAlgo; "twos" is in the 2.2.7 man page's lvs_sched list.
constexpr std::array<std::string_view, 14> kLbAlgoNames{"rr", "wrr", "lc", "wlc", "lblc", "lblcr", "dh",
                                                        "sh", "sed", "nq", "fo",  "ovf",  "mh",    "twos"};
constexpr std::array<std::string_view, 3> kProtocolNames{"TCP", "UDP", "SCTP"};
constexpr std::array<std::string_view, 3> kLbKindNames{"NAT", "DR", "TUN"};
constexpr std::array<std::string_view, 3> kTunnelTypeNames{"ipip", "gue", "gre"};
constexpr std::array<std::string_view, 3> kChecksumNames{"nocsum", "csum", "remcsum"};
constexpr std::array<std::string_view, 2> kFamilyNames{"inet", "inet6"};

std::string server_words(const IpAddress& address, std::uint16_t port) {
  return port == 0 ? address.to_string() : address.to_string() + " " + std::to_string(port);
}

// ---- lvs_method NAT|DR|TUN [type {ipip|gue port NUM|gre} [nocsum|csum|remcsum]]

std::optional<ForwardingMethod> parse_forwarding(const Node& at, ParseContext& context) {
  if (!context.expect_args(at, 1, 6)) return std::nullopt;
  const auto kind = lvs::parse_choice<LbKind>(at, at.args[0], kLbKindNames, context);
  if (!kind) return std::nullopt;
  ForwardingMethod method{.kind = *kind};
  if (at.args.size() > 1 && *kind != LbKind::kTun) {
    context.error(at, quoted(at) + " tunnel options need TUN");
    return std::nullopt;
  }
  bool has_port = false;
  for (std::size_t i = 1; i < at.args.size(); ++i) {
    const std::string& word = at.args[i];
    if ((word == "type" || word == "port") && i + 1 == at.args.size()) {
      context.error(at, quoted(at) + " is missing a value after '" + word + "'");
      return std::nullopt;
    }
    if (word == "type") {
      const auto type = lvs::parse_choice<TunnelType>(at, at.args[++i], kTunnelTypeNames, context);
      if (!type) return std::nullopt;
      method.tunnel_type = *type;
    } else if (word == "port") {
      const auto port = context.integer(at, "port", at.args[++i], 1, 65535);
      if (!port) return std::nullopt;
      method.tunnel_port = static_cast<std::uint16_t>(*port);
      has_port = true;
    } else if (word == "nocsum" || word == "csum" || word == "remcsum") {
      method.tunnel_checksum = word == "csum"      ? TunnelChecksum::kCsum
                               : word == "remcsum" ? TunnelChecksum::kRemCsum
                                                   : TunnelChecksum::kNoCsum;
    } else {
      context.error(at, quoted(at) + " has an unknown tunnel option '" + word + "'");
      return std::nullopt;
    }
  }
  if ((method.tunnel_type == TunnelType::kGue) != has_port) {
    context.error(at, quoted(at) + " needs a port for type gue, and only gue takes one");
    return std::nullopt;
  }
  if (method.tunnel_type == TunnelType::kIpip && method.tunnel_checksum != TunnelChecksum::kNoCsum) {
    context.error(at, quoted(at) + " type ipip takes no checksum option");
    return std::nullopt;
  }
  if (method.tunnel_type == TunnelType::kGre && method.tunnel_checksum == TunnelChecksum::kRemCsum) {
    context.error(at, quoted(at) + " type gre does not support remcsum");
    return std::nullopt;
  }
  return method;
}

template <auto M>
constexpr Keyword<OwnerOf<M>> forwarding(std::string_view name) {
  return {name,
          [](const Node& at, OwnerOf<M>& target, ParseContext& context) {
            if (auto method = parse_forwarding(at, context)) target.*M = *method;
          },
          [](std::string_view keyword, const OwnerOf<M>& target, DumpWriter& out) {
            if (target.*M) out.line(keyword, lvs::format_forwarding(*(target.*M)));
          }};
}

// ---- real_server

template <CheckerType Type>
void parse_checker_block(const Node& at, RealServer& server, ParseContext& context) {
  lvs::parse_checker(at, Type, server, context);
}

void dump_checker_blocks(std::string_view, const RealServer& server, DumpWriter& out) {
  lvs::dump_checkers(server, out);
}

const KeywordTable<RealServer>& real_server_keywords() {
  // All checker blocks are dumped by the first checker keyword, so that they keep their order.
  static const KeywordTable<RealServer> table{
      integer<&RealServer::weight, 0, kIntMax>("weight"),
      forwarding<&RealServer::lvs_method>("lvs_method"),
      integer<&RealServer::uthreshold, 0, kUint32Max>("uthreshold"),
      integer<&RealServer::lthreshold, 0, kUint32Max>("lthreshold"),
      optional_flag<&RealServer::inhibit_on_failure>("inhibit_on_failure"),
      script<&RealServer::notify_up>("notify_up"),
      script<&RealServer::notify_down>("notify_down"),
      optional_flag<&RealServer::alpha>("alpha"),
      integer<&RealServer::retry, 1, kUint32Max>("retry"),
      timer<&RealServer::delay_before_retry, 0, kMaxTimerUs>("delay_before_retry"),
      timer<&RealServer::warmup, 0, kMaxTimerUs>("warmup"),
      timer<&RealServer::connect_timeout, 1, kMaxConnectTimeoutUs>("connect_timeout"),
      timer<&RealServer::delay_loop, 1, kMaxTimerUs>("delay_loop"),
      optional_flag<&RealServer::smtp_alert>("smtp_alert"),
      text<&RealServer::virtualhost>("virtualhost"),
      text<&RealServer::snmp_name>("snmp_name"),
      {"HTTP_GET", parse_checker_block<CheckerType::kHttp>, dump_checker_blocks},
      {"SSL_GET", parse_checker_block<CheckerType::kSsl>},
      {"TCP_CHECK", parse_checker_block<CheckerType::kTcp>},
      {"SMTP_CHECK", parse_checker_block<CheckerType::kSmtp>},
      {"DNS_CHECK", parse_checker_block<CheckerType::kDns>},
      {"MISC_CHECK", parse_checker_block<CheckerType::kMisc>},
      {"UDP_CHECK", parse_checker_block<CheckerType::kUdp>},
      {"PING_CHECK", parse_checker_block<CheckerType::kPing>},
      {"FILE_CHECK", parse_checker_block<CheckerType::kFile>},
      {"BFD_CHECK", parse_checker_block<CheckerType::kBfd>},
  };
  return table;
}

// "real_server <IPADDR> [<PORT>] { ... }"; a bad address or port skips the block, as
// keepalived does, so its contents do not raise further errors.
void parse_real_server(const Node& at, VirtualServer& server, ParseContext& context) {
  if (!context.expect_args(at, 1, 2)) return;
  const auto address = context.address(at, 0);
  if (!address) return;
  std::uint16_t port = 0;
  if (at.args.size() == 2) {
    const auto value = context.port(at, at.keyword, at.args[1]);
    if (!value) return;
    port = *value;
  }
  RealServer& real = server.real_servers.emplace_back();
  real.address = *address;
  real.port = port;
  real.location = at.location;
  real_server_keywords().parse(at.children, real, context, "real_server");
}

void dump_real_servers(std::string_view, const VirtualServer& server, DumpWriter& out) {
  for (const auto& real : server.real_servers) {
    out.open("real_server " + server_words(real.address, real.port));
    real_server_keywords().dump(real, out);
    out.close();
  }
}

// ---- sorry_server: the server line, then its options, which need it to exist first.

void parse_sorry_server(const Node& at, VirtualServer& server, ParseContext& context) {
  if (!context.expect_args(at, 1, 2) || !context.expect_no_block(at)) return;
  const auto address = context.address(at, 0);
  if (!address) return;
  SorryServer sorry{.address = *address, .location = at.location};
  if (at.args.size() == 2) {
    const auto port = context.port(at, at.keyword, at.args[1]);
    if (!port) return;
    sorry.port = *port;
  }
  server.sorry_server = sorry;
}

void dump_sorry_server(std::string_view keyword, const VirtualServer& server, DumpWriter& out) {
  if (!server.sorry_server) return;
  const SorryServer& sorry = *server.sorry_server;
  const std::string address = sorry.address.to_string();
  if (sorry.port == 0)
    out.line(keyword, {address});
  else
    out.line(keyword, {address, std::to_string(sorry.port)});
  if (sorry.inhibit) out.line("sorry_server_inhibit");
  if (sorry.lvs_method) out.line("sorry_server_lvs_method", lvs::format_forwarding(*sorry.lvs_method));
}

SorryServer* existing_sorry_server(const Node& at, VirtualServer& server, ParseContext& context) {
  if (!server.sorry_server) context.error(at, "'" + at.keyword + "' needs a 'sorry_server' before it");
  return server.sorry_server ? &*server.sorry_server : nullptr;
}

// ---- virtual_server options with their own syntax

void parse_persistence_timeout(const Node& at, VirtualServer& server, ParseContext& context) {
  if (!context.expect_args(at, 0, 1)) return;
  if (at.args.empty()) {
    server.persistence_timeout = kDefaultPersistenceSeconds;  // man page: "default 6 minutes"
  } else if (auto seconds = context.integer(at, 0, 1, kMaxPersistenceSeconds)) {
    server.persistence_timeout = static_cast<std::uint32_t>(*seconds);
  }
}

// An IPv4 netmask, or for IPv6 services a prefix length (keepalived's pgr_handler decides
// by the service's family, else by whether the value has a dot).
void parse_persistence_granularity(const Node& at, VirtualServer& server, ParseContext& context) {
  if (!context.expect_args(at, 1, 1)) return;
  const bool v6 =
      server.kind == VirtualServerKind::kAddress ? server.address.is_v6() : at.args[0].find('.') == std::string::npos;
  if (v6) {
    if (auto length = context.integer(at, 0, 1, 128))
      server.persistence_granularity = PersistenceGranularity{.prefix_length = static_cast<std::uint8_t>(*length)};
  } else if (auto netmask = context.address(at, 0)) {
    server.persistence_granularity = PersistenceGranularity{.netmask = *netmask};
  }
}

void dump_persistence_granularity(std::string_view keyword, const VirtualServer& server, DumpWriter& out) {
  if (!server.persistence_granularity) return;
  const auto& granularity = *server.persistence_granularity;
  out.line(keyword,
           {granularity.netmask ? granularity.netmask->to_string() : std::to_string(granularity.prefix_length)});
}

void parse_ip_family(const Node& at, VirtualServer& server, ParseContext& context) {
  if (!context.expect_args(at, 1, 1)) return;
  if (auto family = lvs::parse_choice<int>(at, at.args[0], kFamilyNames, context))
    server.ip_family = *family == 0 ? Family::kIpv4 : Family::kIpv6;
}

void dump_ip_family(std::string_view keyword, const VirtualServer& server, DumpWriter& out) {
  if (server.ip_family) out.line(keyword, {server.ip_family == Family::kIpv6 ? "inet6" : "inet"});
}

const KeywordTable<VirtualServer>& virtual_server_keywords() {
  static const KeywordTable<VirtualServer> table{
      choice<&VirtualServer::lb_algo, kLbAlgoNames>("lvs_sched"),
      {"lb_algo", choice<&VirtualServer::lb_algo, kLbAlgoNames>("").parse},
      presence<&VirtualServer::ops>("ops"),
      presence<&VirtualServer::flag_1>("flag-1"),
      presence<&VirtualServer::flag_2>("flag-2"),
      presence<&VirtualServer::flag_3>("flag-3"),
      presence<&VirtualServer::sh_port>("sh-port"),
      presence<&VirtualServer::sh_fallback>("sh-fallback"),
      presence<&VirtualServer::mh_port>("mh-port"),
      presence<&VirtualServer::mh_fallback>("mh-fallback"),
      // IP_VS_SVC_F_HASHED is set by the kernel on every service; keepalived 2.2 ignores it.
      {"hashed", [](const Node& at, VirtualServer&,
                    ParseContext& context) { context.warning(at, "'hashed' has no effect and is ignored"); }},
      forwarding<&VirtualServer::lvs_method>("lvs_method"),
      {"lb_kind", forwarding<&VirtualServer::lvs_method>("").parse},
      text<&VirtualServer::persistence_engine>("persistence_engine"),
      {"persistence_timeout", parse_persistence_timeout,
       [](std::string_view keyword, const VirtualServer& server, DumpWriter& out) {
         if (server.persistence_timeout) out.line(keyword, {std::to_string(*server.persistence_timeout)});
       }},
      {"persistence_granularity", parse_persistence_granularity, dump_persistence_granularity},
      choice<&VirtualServer::protocol, kProtocolNames, true>("protocol"),
      {"ip_family", parse_ip_family, dump_ip_family},
      presence<&VirtualServer::ha_suspend>("ha_suspend"),
      optional_flag<&VirtualServer::smtp_alert>("smtp_alert"),
      text<&VirtualServer::virtualhost>("virtualhost"),
      text<&VirtualServer::snmp_name>("snmp_name"),
      presence<&VirtualServer::alpha>("alpha"),
      presence<&VirtualServer::omega>("omega"),
      integer<&VirtualServer::quorum, 1, kUint32Max>("quorum"),
      integer<&VirtualServer::hysteresis, 0, kUint32Max>("hysteresis"),
      script<&VirtualServer::quorum_up>("quorum_up"),
      script<&VirtualServer::quorum_down>("quorum_down"),
      integer<&VirtualServer::weight, 1, kIntMax>("weight"),
      timer<&VirtualServer::connect_timeout, 1, kMaxConnectTimeoutUs>("connect_timeout"),
      integer<&VirtualServer::retry, 1, kUint32Max>("retry"),
      timer<&VirtualServer::delay_before_retry, 0, kMaxTimerUs>("delay_before_retry"),
      timer<&VirtualServer::warmup, 0, kMaxTimerUs>("warmup"),
      timer<&VirtualServer::delay_loop, 1, kMaxTimerUs>("delay_loop"),
      presence<&VirtualServer::inhibit_on_failure>("inhibit_on_failure"),
      {"sorry_server", parse_sorry_server, dump_sorry_server},
      {"sorry_server_inhibit",
       [](const Node& at, VirtualServer& server, ParseContext& context) {
         if (!context.expect_args(at, 0, 1)) return;
         auto* sorry = existing_sorry_server(at, server, context);
         if (auto value = context.boolean(at, 0); sorry && value) sorry->inhibit = *value;
       }},
      {"sorry_server_lvs_method",
       [](const Node& at, VirtualServer& server, ParseContext& context) {
         auto* sorry = existing_sorry_server(at, server, context);
         if (auto method = parse_forwarding(at, context); sorry && method) sorry->lvs_method = *method;
       }},
      {"real_server", parse_real_server, dump_real_servers},
  };
  return table;
}

}  // namespace

void parse_virtual_server(const Node& statement, Config& config, ParseContext& context) {
  if (!context.expect_args(statement, 1, 2)) return;
  VirtualServer server;
  server.location = statement.location;
  const std::string& first = statement.args[0];
  if (first == "group" || first == "fwmark") {
    if (statement.args.size() != 2) {
      context.error(statement,
                    "'virtual_server " + first + "' is missing the " + (first == "group" ? "group name" : "mark"));
      return;
    }
    if (first == "group") {
      server.kind = VirtualServerKind::kGroup;
      server.group = statement.args[1];
    } else {
      const auto mark = context.integer(statement, "virtual_server fwmark", statement.args[1], 1, kUint32Max);
      if (!mark) return;
      server.kind = VirtualServerKind::kFwmark;
      server.fwmark = static_cast<std::uint32_t>(*mark);
    }
  } else {
    const auto address = context.address(statement, 0);
    if (!address) return;
    server.address = *address;
    if (statement.args.size() == 2) {
      const auto port = context.port(statement, statement.keyword, statement.args[1]);
      if (!port) return;
      server.port = *port;
    }
  }
  // One allocation for the real servers rather than a series of regrowths (large pools).
  server.real_servers.reserve(static_cast<std::size_t>(std::count_if(
      statement.children.begin(), statement.children.end(), [](const Node& n) { return n.keyword == "real_server"; })));
  virtual_server_keywords().parse(statement.children, server, context, "virtual_server");
  config.virtual_servers.push_back(std::move(server));
}

void dump_lvs(const Config& config, DumpWriter& out) {
  lvs::dump_bfd_instances(config, out);
  lvs::dump_virtual_server_groups(config, out);
  lvs::dump_virtual_servers(config, out);
}

namespace lvs {

std::vector<std::string> format_forwarding(const ForwardingMethod& method) {
  std::vector<std::string> words{std::string{name_of(kLbKindNames, method.kind)}};
  if (method.kind != LbKind::kTun || method.tunnel_type == TunnelType::kIpip) return words;
  words.insert(words.end(), {"type", std::string{name_of(kTunnelTypeNames, method.tunnel_type)}});
  if (method.tunnel_type == TunnelType::kGue) words.insert(words.end(), {"port", std::to_string(method.tunnel_port)});
  if (method.tunnel_checksum != TunnelChecksum::kNoCsum)
    words.emplace_back(name_of(kChecksumNames, method.tunnel_checksum));
  return words;
}

std::string describe(const VirtualServer& server) {
  switch (server.kind) {
    case VirtualServerKind::kFwmark:
      return "virtual_server fwmark " + std::to_string(server.fwmark);
    case VirtualServerKind::kGroup:
      return "virtual_server group " + server.group;
    case VirtualServerKind::kAddress:
      break;
  }
  return "virtual_server " + server_words(server.address, server.port);
}

namespace {

const KeywordTable<SslContext>& ssl_keywords() {
  static const KeywordTable<SslContext> table{
      text<&SslContext::password>("password"),
      text<&SslContext::ca>("ca"),
      text<&SslContext::certificate>("certificate"),
      text<&SslContext::key>("key"),
  };
  return table;
}

}  // namespace

// keepalived's ssl_handler: a second SSL block replaces the first, with a message.
void parse_ssl_context(const Node& statement, std::optional<SslContext>& ssl, ParseContext& context) {
  if (!context.expect_args(statement, 0, 0)) return;
  if (ssl) context.warning(statement, "'SSL' is given twice; the last one is used");
  ssl = SslContext{.location = statement.location};
  ssl_keywords().parse(statement.children, *ssl, context, "SSL");
}

void dump_ssl_context(const std::optional<SslContext>& ssl, DumpWriter& out) {
  if (!ssl) return;
  out.open("SSL");
  ssl_keywords().dump(*ssl, out);
  out.close();
}

std::string describe(const RealServer& server) { return "real_server " + server_words(server.address, server.port); }

void dump_virtual_servers(const Config& config, DumpWriter& out) {
  for (const auto& server : config.virtual_servers) {
    std::string header = describe(server);
    if (server.kind == VirtualServerKind::kGroup) header = "virtual_server group " + DumpWriter::quote(server.group);
    out.open(header);
    virtual_server_keywords().dump(server, out);
    out.close();
  }
}

}  // namespace lvs
}  // namespace keel::config

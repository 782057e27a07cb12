// The checker blocks of a real_server (keepalived.conf(5), "CHECKER_TYPE { }"): one
// keyword table per checker type, built from the shared connection and checker options
// plus the type's own ones. url { } blocks are in parse_check_http.cc.
#include "config/lvs_keywords.h"

namespace keel::config::lvs {
namespace {

// Indexed by CheckerType.
constexpr std::array<std::string_view, 10> kCheckerKeywords{"TCP_CHECK",  "HTTP_GET",   "SSL_GET",   "SMTP_CHECK",
                                                            "DNS_CHECK",  "MISC_CHECK", "UDP_CHECK", "PING_CHECK",
                                                            "FILE_CHECK", "BFD_CHECK"};
constexpr std::array<std::string_view, 3> kHttpProtocolNames{"1.0", "1.0C", "1.1"};
constexpr std::array<std::string_view, 7> kDnsTypeNames{"A", "NS", "CNAME", "SOA", "MX", "TXT", "AAAA"};

// ---- The options every connecting checker has ("generic connection options").

constexpr auto kConnectIp = nested<&Checker::connection, &address<&CheckerConnection::connect_ip>>("connect_ip");
constexpr auto kConnectPort =
    nested<&Checker::connection, &integer<&CheckerConnection::connect_port, 1, 65535>>("connect_port");
constexpr auto kBindto = nested<&Checker::connection, &address<&CheckerConnection::bindto>>("bindto");
constexpr auto kBindPort = nested<&Checker::connection, &integer<&CheckerConnection::bind_port, 1, 65535>>("bind_port");
constexpr auto kBindIf = nested<&Checker::connection, &text<&CheckerConnection::bind_if>>("bind_if");
constexpr auto kConnectTimeout =
    nested<&Checker::connection, &timer<&CheckerConnection::connect_timeout, 1, kMaxConnectTimeoutUs>>(
        "connect_timeout");
constexpr auto kFwmark = nested<&Checker::connection, &integer<&CheckerConnection::fwmark, 0, kUint32Max>>("fwmark");

constexpr auto kRetry = integer<&Checker::retry, 0, kUint32Max>("retry");
// HTTP_GET's old name for retry; accepted in every checker, as configs in the wild use it.
constexpr Keyword<Checker> kNbGetRetry{"nb_get_retry", kRetry.parse, nullptr, "retry"};
constexpr auto kDelayBeforeRetry = timer<&Checker::delay_before_retry, 0, kMaxTimerUs>("delay_before_retry");
constexpr auto kWarmup = timer<&Checker::warmup, 0, kMaxTimerUs>("warmup");
constexpr auto kDelayLoop = timer<&Checker::delay_loop, 1, kMaxTimerUs>("delay_loop");
constexpr auto kAlpha = optional_flag<&Checker::alpha>("alpha");
constexpr auto kLogAllFailures = flag<&Checker::log_all_failures>("log_all_failures");

// ---- HTTP_GET / SSL_GET

constexpr auto kHttpVirtualhost = detail<HttpCheck, &text<&HttpCheck::virtualhost>>("virtualhost");
constexpr auto kHttpProtocol =
    detail<HttpCheck, &choice<&HttpCheck::http_protocol, kHttpProtocolNames, true>>("http_protocol");
constexpr auto kEnableSni = detail<HttpCheck, &presence<&HttpCheck::enable_sni>>("enable_sni");
constexpr auto kFastRecovery = detail<HttpCheck, &presence<&HttpCheck::fast_recovery>>("fast_recovery");
constexpr Keyword<Checker> kUrl{"url", parse_http_url, dump_http_urls};

// ---- SMTP_CHECK

constexpr auto kHeloName = detail<SmtpCheck, &text<&SmtpCheck::helo_name>>("helo_name");

// The deprecated "host { }" block: only warns here; parse_checker() expands each host
// into a checker of its own once the whole block is read, as keepalived 2.x does.
void warn_smtp_host(const Node& at, Checker&, ParseContext& context) {
  context.warning(at, "'host' blocks are deprecated, use one SMTP_CHECK per host");
}

constexpr Keyword<Checker> kSmtpHost{"host", warn_smtp_host};

// ---- DNS_CHECK

// "name <STRING>": a domain name; keepalived refuses empty labels ("a..b", ".a").
void parse_dns_name(const Node& at, DnsCheck& dns, ParseContext& context) {
  if (!context.expect_args(at, 1, 1)) return;
  const std::string& name = at.args[0];
  const bool empty_label = name.empty() || (name[0] == '.' && name.size() > 1) || name.find("..") != std::string::npos;
  if (empty_label) {
    context.error(at, "'" + at.keyword + "' value '" + name + "' has an empty label");
    return;
  }
  dns.name = name;
}

constexpr auto kDnsType = detail<DnsCheck, &choice<&DnsCheck::type, kDnsTypeNames, true>>("type");
constexpr Keyword<Checker> kDnsName{"name",
                                    [](const Node& at, Checker& checker, ParseContext& context) {
                                      parse_dns_name(at, std::get<DnsCheck>(checker.detail), context);
                                    },
                                    [](std::string_view keyword, const Checker& checker, DumpWriter& out) {
                                      const auto& name = std::get<DnsCheck>(checker.detail).name;
                                      if (name != DnsCheck{}.name) out.line(keyword, {name});
                                    }};

// ---- UDP_CHECK: hex strings as keepalived's read_hex_str() reads them. Words are
// joined; each pair of digits is a byte, a lone last digit of a word is a byte of its
// own ("Ab12f 3" is AB 12 0F 03). In require_reply, x/X is a wildcard nibble.

std::optional<std::pair<std::vector<std::uint8_t>, std::vector<std::uint8_t>>> parse_hex(const Node& at,
                                                                                         bool allow_wildcard,
                                                                                         ParseContext& context) {
  std::vector<std::uint8_t> bytes;
  std::vector<std::uint8_t> mask;
  const auto nibble = [&](char c, std::uint8_t& value, std::uint8_t& wildcard) {
    wildcard = 0;
    if (c >= '0' && c <= '9')
      value = static_cast<std::uint8_t>(c - '0');
    else if (c >= 'a' && c <= 'f')
      value = static_cast<std::uint8_t>(c - 'a' + 10);
    else if (c >= 'A' && c <= 'F')
      value = static_cast<std::uint8_t>(c - 'A' + 10);
    else if (allow_wildcard && (c == 'x' || c == 'X'))
      value = 0, wildcard = 0xf;
    else
      return false;
    return true;
  };
  for (const std::string& word : at.args) {
    for (std::size_t i = 0; i < word.size(); i += 2) {
      std::uint8_t high = 0, high_mask = 0, low = 0, low_mask = 0;
      bool valid = nibble(word[i], high, high_mask);
      if (valid && i + 1 < word.size()) {
        valid = nibble(word[i + 1], low, low_mask);
        high = static_cast<std::uint8_t>(high << 4 | low);
        high_mask = static_cast<std::uint8_t>(high_mask << 4 | low_mask);
      }
      if (!valid) {
        context.error(at, "'" + at.keyword + "' value '" + word + "' is not a hex string");
        return std::nullopt;
      }
      bytes.push_back(high);
      mask.push_back(high_mask);
    }
  }
  return std::pair{std::move(bytes), std::move(mask)};
}

std::string format_hex(const std::vector<std::uint8_t>& bytes, const std::vector<std::uint8_t>& mask) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string text;
  for (std::size_t i = 0; i < bytes.size(); ++i) {
    const std::uint8_t wildcard = i < mask.size() ? mask[i] : 0;
    text += (wildcard & 0xf0) ? 'X' : kHex[bytes[i] >> 4];
    text += (wildcard & 0x0f) ? 'X' : kHex[bytes[i] & 0xf];
  }
  return text;
}

void parse_payload(const Node& at, Checker& checker, ParseContext& context) {
  if (!context.expect_args(at, 1, SIZE_MAX)) return;
  if (auto hex = parse_hex(at, false, context)) std::get<UdpCheck>(checker.detail).payload = std::move(hex->first);
}

void dump_payload(std::string_view keyword, const Checker& checker, DumpWriter& out) {
  const auto& udp = std::get<UdpCheck>(checker.detail);
  if (!udp.payload.empty()) out.line(keyword, {format_hex(udp.payload, {})});
}

void parse_require_reply(const Node& at, Checker& checker, ParseContext& context) {
  auto& udp = std::get<UdpCheck>(checker.detail);
  auto hex = parse_hex(at, true, context);
  if (!hex) return;
  udp.require_reply = true;
  udp.reply = std::move(hex->first);
  udp.reply_mask = std::move(hex->second);
}

void dump_require_reply(std::string_view keyword, const Checker& checker, DumpWriter& out) {
  const auto& udp = std::get<UdpCheck>(checker.detail);
  if (!udp.require_reply) return;
  if (udp.reply.empty())
    out.line(keyword);
  else
    out.line(keyword, {format_hex(udp.reply, udp.reply_mask)});
}

constexpr Keyword<Checker> kPayload{"payload", parse_payload, dump_payload};
constexpr Keyword<Checker> kRequireReply{"require_reply", parse_require_reply, dump_require_reply};
constexpr auto kMinReplyLength = detail<UdpCheck, &integer<&UdpCheck::min_reply_length, 0, 65535>>("min_reply_length");
constexpr auto kMaxReplyLength = detail<UdpCheck, &integer<&UdpCheck::max_reply_length, 0, 65535>>("max_reply_length");

// ---- MISC_CHECK: misc_path is the command, user its user and group.

void parse_misc_path(const Node& at, Checker& checker, ParseContext& context) {
  if (!context.expect_args(at, 1, SIZE_MAX)) return;
  if (auto script = context.script(at, 0, false)) std::get<MiscCheck>(checker.detail).script.command = script->command;
}

void dump_misc_path(std::string_view keyword, const Checker& checker, DumpWriter& out) {
  const auto& misc = std::get<MiscCheck>(checker.detail);
  if (!misc.script.command.empty()) dump_script(keyword, Script{.command = misc.script.command}, out);
}

void parse_misc_user(const Node& at, Checker& checker, ParseContext& context) {
  if (!context.expect_args(at, 1, 2)) return;
  auto& script = std::get<MiscCheck>(checker.detail).script;
  script.user = at.args[0];
  if (at.args.size() == 2)
    script.group = at.args[1];
  else
    script.group.reset();
}

void dump_misc_user(std::string_view keyword, const Checker& checker, DumpWriter& out) {
  const auto& script = std::get<MiscCheck>(checker.detail).script;
  if (!script.user) return;
  if (script.group)
    out.line(keyword, {*script.user, *script.group});
  else
    out.line(keyword, {*script.user});
}

constexpr Keyword<Checker> kMiscPath{"misc_path", parse_misc_path, dump_misc_path};
constexpr Keyword<Checker> kMiscUser{"user", parse_misc_user, dump_misc_user};
constexpr auto kMiscTimeout = detail<MiscCheck, &timer<&MiscCheck::misc_timeout, 0, kMaxTimerUs>>("misc_timeout");
constexpr auto kMiscDynamic = detail<MiscCheck, &presence<&MiscCheck::misc_dynamic>>("misc_dynamic");

// ---- FILE_CHECK: "weight <-2147483647..2147483647> [reverse|noreverse]".

void parse_file_weight(const Node& at, Checker& checker, ParseContext& context) {
  if (!context.expect_args(at, 1, 2)) return;
  auto& file = std::get<FileCheck>(checker.detail);
  const auto weight = context.integer(at, 0, -kIntMax, kIntMax);
  if (!weight) return;
  bool reverse = false;
  if (at.args.size() == 2) {
    static constexpr std::array<std::string_view, 2> kReverse{"noreverse", "reverse"};
    const auto value = parse_choice<int>(at, at.args[1], kReverse, context);
    if (!value) return;
    reverse = *value == 1;
  }
  file.weight = static_cast<int>(*weight);
  file.weight_reverse = reverse;
}

void dump_file_weight(std::string_view keyword, const Checker& checker, DumpWriter& out) {
  const auto& file = std::get<FileCheck>(checker.detail);
  if (!file.weight) return;
  if (file.weight_reverse)
    out.line(keyword, {std::to_string(*file.weight), "reverse"});
  else
    out.line(keyword, {std::to_string(*file.weight)});
}

constexpr Keyword<Checker> kFileWeight{"weight", parse_file_weight, dump_file_weight};
constexpr auto kTrackFile = detail<FileCheck, &text<&FileCheck::track_file>>("track_file");
constexpr auto kFileDynamic = detail<FileCheck, &presence<&FileCheck::dynamic>>("dynamic");
constexpr auto kBfdName = detail<BfdCheck, &text<&BfdCheck::name>>("name");

// ---- The tables. keepalived installs the same connection and checker options in every
// connecting checker (install_checker_common_keywords); they are spelled out per table
// because a KeywordTable is built from one list. Connection options come first so the
// dump reads like the man page.

const KeywordTable<Checker>& keywords(CheckerType type) {
  static const KeywordTable<Checker> tcp{kConnectIp,      kConnectPort, kBindto, kBindPort,      kBindIf,
                                         kConnectTimeout, kFwmark,      kRetry,  kNbGetRetry,    kDelayBeforeRetry,
                                         kWarmup,         kDelayLoop,   kAlpha,  kLogAllFailures};
  static const KeywordTable<Checker> http{
      kConnectIp,       kConnectPort,  kBindto,           kBindPort,     kBindIf,    kConnectTimeout, kFwmark,
      kRetry,           kNbGetRetry,   kDelayBeforeRetry, kWarmup,       kDelayLoop, kAlpha,          kLogAllFailures,
      kHttpVirtualhost, kHttpProtocol, kEnableSni,        kFastRecovery, kUrl};
  static const KeywordTable<Checker> smtp{
      kHeloName, kConnectIp,  kConnectPort,      kBindto, kBindPort,  kBindIf, kConnectTimeout, kFwmark,
      kRetry,    kNbGetRetry, kDelayBeforeRetry, kWarmup, kDelayLoop, kAlpha,  kLogAllFailures, kSmtpHost};
  static const KeywordTable<Checker> dns{
      kConnectIp,  kConnectPort,      kBindto, kBindPort,  kBindIf, kConnectTimeout, kFwmark,  kRetry,
      kNbGetRetry, kDelayBeforeRetry, kWarmup, kDelayLoop, kAlpha,  kLogAllFailures, kDnsType, kDnsName};
  // MISC_CHECK has the checker options but no connection (man page: "options alpha onwards").
  static const KeywordTable<Checker> misc{kMiscPath,  kMiscTimeout, kMiscDynamic,      kMiscUser,
                                          kRetry,     kNbGetRetry,  kDelayBeforeRetry, kWarmup,
                                          kDelayLoop, kAlpha,       kLogAllFailures};
  static const KeywordTable<Checker> udp{
      kConnectIp, kConnectPort,    kBindto,     kBindPort,         kBindIf,         kConnectTimeout,
      kFwmark,    kRetry,          kNbGetRetry, kDelayBeforeRetry, kWarmup,         kDelayLoop,
      kAlpha,     kLogAllFailures, kPayload,    kRequireReply,     kMinReplyLength, kMaxReplyLength};
  static const KeywordTable<Checker> file{kTrackFile, kFileWeight, kFileDynamic};
  static const KeywordTable<Checker> bfd{kBfdName, kAlpha};
  switch (type) {
    case CheckerType::kHttp:
    case CheckerType::kSsl:
      return http;
    case CheckerType::kSmtp:
      return smtp;
    case CheckerType::kDns:
      return dns;
    case CheckerType::kMisc:
      return misc;
    case CheckerType::kUdp:
      return udp;
    case CheckerType::kFile:
      return file;
    case CheckerType::kBfd:
      return bfd;
    case CheckerType::kTcp:
    case CheckerType::kPing:
      break;
  }
  return tcp;
}

// Inside SMTP_CHECK's host { }: the connection and checker options only.
const KeywordTable<Checker>& smtp_host_keywords() {
  static const KeywordTable<Checker> table{kConnectIp,      kConnectPort, kBindto, kBindPort,      kBindIf,
                                           kConnectTimeout, kFwmark,      kRetry,  kNbGetRetry,    kDelayBeforeRetry,
                                           kWarmup,         kDelayLoop,   kAlpha,  kLogAllFailures};
  return table;
}

CheckerDetail detail_for(CheckerType type) {
  switch (type) {
    case CheckerType::kHttp:
    case CheckerType::kSsl:
      return HttpCheck{};
    case CheckerType::kSmtp:
      return SmtpCheck{};
    case CheckerType::kDns:
      return DnsCheck{};
    case CheckerType::kMisc:
      return MiscCheck{};
    case CheckerType::kUdp:
      return UdpCheck{};
    case CheckerType::kFile:
      return FileCheck{};
    case CheckerType::kBfd:
      return BfdCheck{};
    case CheckerType::kTcp:
    case CheckerType::kPing:
      break;
  }
  return std::monostate{};
}

bool is_link_local(const IpAddress& address) {
  return address.is_v6() && address.bytes[0] == 0xfe && (address.bytes[1] & 0xc0) == 0x80;
}

// keepalived's check_conn_opts() and the connect_ip/bindto family checks.
bool connection_ok(const Node& at, const Checker& checker, const RealServer& server, ParseContext& context) {
  const CheckerConnection& connection = checker.connection;
  const IpAddress& destination = connection.connect_ip.value_or(server.address);
  if (connection.bindto && connection.bindto->family != destination.family) {
    context.error(at, quoted(at) + " bindto " + connection.bindto->to_string() + " and destination " +
                          destination.to_string() + " are of different address families");
    return false;
  }
  if (is_link_local(destination) && !connection.bind_if) {
    context.error(at, quoted(at) + " link-local address " + destination.to_string() + " needs a 'bind_if'");
    return false;
  }
  return true;
}

// The end-of-block checks keepalived makes before it queues a checker; a checker that
// fails them is dropped after an error.
bool finish_checker(const Node& at, Checker& checker, const RealServer& server, ParseContext& context) {
  const auto missing = [&](std::string_view what) {
    context.error(at, quoted(at) + " has no '" + std::string{what} + "'");
    return false;
  };
  switch (checker.type) {
    case CheckerType::kHttp:
    case CheckerType::kSsl:
      if (std::get<HttpCheck>(checker.detail).urls.empty()) return missing("url");
      break;
    case CheckerType::kMisc:
      return std::get<MiscCheck>(checker.detail).script.command.empty() ? missing("misc_path") : true;
    case CheckerType::kFile:
      return std::get<FileCheck>(checker.detail).track_file.empty() ? missing("track_file") : true;
    case CheckerType::kBfd:
      return std::get<BfdCheck>(checker.detail).name.empty() ? missing("name") : true;
    case CheckerType::kUdp:
      if (const auto& udp = std::get<UdpCheck>(checker.detail); udp.min_reply_length > udp.max_reply_length)
        context.warning(at, quoted(at) + " min_reply_length " + std::to_string(udp.min_reply_length) +
                                " exceeds max_reply_length " + std::to_string(udp.max_reply_length) +
                                ", so the check always fails");
      break;
    case CheckerType::kTcp:
    case CheckerType::kSmtp:
    case CheckerType::kDns:
    case CheckerType::kPing:
      break;
  }
  return connection_ok(at, checker, server, context);
}

}  // namespace

void parse_checker(const Node& statement, CheckerType type, RealServer& server, ParseContext& context) {
  if (!context.expect_args(statement, 0, 0)) return;
  Checker checker{.type = type, .detail = detail_for(type), .location = statement.location};
  keywords(type).parse(statement.children, checker, context, statement.keyword);

  // SMTP_CHECK host { } blocks: each host is a checker of its own, starting from the
  // checker's options. The checker itself stays only if there are no hosts or it names a
  // destination of its own (keepalived's smtp_check_end_handler; the sample says "the
  // main ip of the real server ... must explicitly be checked by a host directive").
  std::vector<Checker> hosts;
  if (type == CheckerType::kSmtp) {
    for (const Node& child : statement.children) {
      if (child.keyword != "host") continue;
      Checker& host = hosts.emplace_back(checker);
      host.location = child.location;
      smtp_host_keywords().parse(child.children, host, context, "host");
    }
  }
  CheckerConnection destination = checker.connection;
  destination.connect_timeout.reset();
  if ((hosts.empty() || destination != CheckerConnection{}) && finish_checker(statement, checker, server, context))
    server.checkers.push_back(std::move(checker));
  for (std::size_t i = 0; i < hosts.size(); ++i) {
    if (finish_checker(statement, hosts[i], server, context)) server.checkers.push_back(std::move(hosts[i]));
  }
}

void dump_checkers(const RealServer& server, DumpWriter& out) {
  for (const Checker& checker : server.checkers) {
    out.open(checker_keyword(checker.type));
    keywords(checker.type).dump(checker, out);
    out.close();
  }
}

std::string_view checker_keyword(CheckerType type) { return name_of(kCheckerKeywords, type); }

// keepalived: 3 for DNS_CHECK and 0 for MISC_CHECK (man page), 1 otherwise (queue_checker).
std::uint32_t default_retry(CheckerType type) {
  switch (type) {
    case CheckerType::kDns:
      return 3;
    case CheckerType::kMisc:
      return 0;
    default:
      return 1;
  }
}

// Man page, delay_before_retry: "Defaults to delay_loop for DNS_CHECK, 3 seconds for
// HTTP_GET and SSL_GET, and 1 second otherwise."
std::optional<Duration> default_delay_before_retry(CheckerType type) {
  switch (type) {
    case CheckerType::kDns:
      return std::nullopt;
    case CheckerType::kHttp:
    case CheckerType::kSsl:
      return std::chrono::seconds{3};
    default:
      return std::chrono::seconds{1};
  }
}

}  // namespace keel::config::lvs

// The LVS and BFD part of the model (keepalived.conf(5), "LVS CONFIGURATION" and
// "BFD CONFIGURATION"): virtual server groups, virtual servers with their real and sorry
// servers, the health checkers attached to real servers, and BFD sessions.
//
// After validate_lvs() every value that keepalived inherits (virtual server -> real
// server -> checker) or defaults is explicit, so consumers never re-implement the rules.
#pragma once

#include <array>
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "config/model_common.h"

namespace keel::config {

// Where a block came from, for diagnostics raised after parsing. It takes no part in
// equality: a model re-read from its own dump has other line numbers but says the same.
struct BlockLocation : SourceLocation {
  BlockLocation() = default;
  BlockLocation(const SourceLocation& where) : SourceLocation(where) {}  // NOLINT: implicit by design
  friend bool operator==(const BlockLocation&, const BlockLocation&) { return true; }
};

// lvs_sched / lb_algo: the IPVS schedulers keepalived accepts.
enum class LbAlgo : std::uint8_t { kRr, kWrr, kLc, kWlc, kLblc, kLblcr, kDh, kSh, kSed, kNq, kFo, kOvf, kMh, kTwos };
// lvs_method / lb_kind: the IPVS forwarding methods.
enum class LbKind : std::uint8_t { kNat, kDr, kTun };
enum class TunnelType : std::uint8_t { kIpip, kGue, kGre };
enum class TunnelChecksum : std::uint8_t { kNoCsum, kCsum, kRemCsum };
enum class LvsProtocol : std::uint8_t { kTcp, kUdp, kSctp };

// "lvs_method NAT|DR|TUN [type {ipip|gue port NUM|gre} [nocsum|csum|remcsum]]".
struct ForwardingMethod {
  LbKind kind = LbKind::kNat;
  TunnelType tunnel_type = TunnelType::kIpip;  // TUN only
  std::uint16_t tunnel_port = 0;               // GUE only, 1..65535
  TunnelChecksum tunnel_checksum = TunnelChecksum::kNoCsum;
  friend bool operator==(const ForwardingMethod&, const ForwardingMethod&) = default;
};

// ---- virtual_server_group

// "<IPADDR>[-<END>|/<LEN>] [<PORT>]": a single address is a range with first == last.
struct VsgAddressRange {
  IpAddress first;
  IpAddress last;
  std::uint16_t port = 0;  // 0: no port (persistent services only)
  BlockLocation location;
  friend bool operator==(const VsgAddressRange&, const VsgAddressRange&) = default;
};

// "fwmark <INTEGER> [inet|inet6]".
struct VsgFwmark {
  std::uint32_t mark = 0;
  std::optional<Family> family;
  BlockLocation location;
  friend bool operator==(const VsgFwmark&, const VsgFwmark&) = default;
};

struct VirtualServerGroup {
  std::string name;
  std::vector<VsgAddressRange> ranges;
  std::vector<VsgFwmark> fwmarks;
  BlockLocation location;
  friend bool operator==(const VirtualServerGroup&, const VirtualServerGroup&) = default;
};

// ---- checkers

enum class CheckerType : std::uint8_t { kTcp, kHttp, kSsl, kSmtp, kDns, kMisc, kUdp, kPing, kFile, kBfd };

// The generic connection options (connect_ip ... fwmark). Unset means the real server's.
struct CheckerConnection {
  std::optional<IpAddress> connect_ip;
  std::optional<std::uint16_t> connect_port;
  std::optional<IpAddress> bindto;
  std::optional<std::uint16_t> bind_port;
  std::optional<std::string> bind_if;
  std::optional<Duration> connect_timeout;
  std::optional<std::uint32_t> fwmark;  // SO_MARK on checker packets
  friend bool operator==(const CheckerConnection&, const CheckerConnection&) = default;
};

// status_code "200-299 302": inclusive ranges within 100..599.
struct StatusCodeRange {
  std::uint16_t first = 200;
  std::uint16_t last = 299;
  friend bool operator==(const StatusCodeRange&, const StatusCodeRange&) = default;
};

// regex_options: the PCRE2 compile options keepalived passes through.
enum class RegexOption : std::uint8_t {
  kAllowEmptyClass,
  kAltBsux,
  kAutoCallout,
  kCaseless,
  kDollarEndonly,
  kDotall,
  kDupnames,
  kExtended,
  kFirstline,
  kMatchUnsetBackref,
  kMultiline,
  kNeverUcp,
  kNeverUtf,
  kNoAutoCapture,
  kNoAutoPossess,
  kNoDotstarAnchor,
  kNoStartOptimize,
  kUcp,
  kUngreedy,
  kUtf,
  kNeverBackslashC,
  kAltCircumflex,
  kAltVerbnames,
  kUseOffsetLimit,
};

struct RegexStack {
  std::uint64_t start = 0;  // bytes
  std::uint64_t max = 0;
  friend bool operator==(const RegexStack&, const RegexStack&) = default;
};

// One "url { }" of HTTP_GET / SSL_GET.
struct HttpUrl {
  std::string path;
  std::optional<std::array<std::uint8_t, 16>> digest;  // MD5 of the body (genhash)
  std::vector<StatusCodeRange> status_codes;           // validate: 200-299 when none given
  std::optional<std::string> virtualhost;
  std::optional<std::string> regex;
  bool regex_no_match = false;
  std::vector<RegexOption> regex_options;
  std::optional<RegexStack> regex_stack;
  std::optional<std::uint64_t> regex_min_offset;
  std::optional<std::uint64_t> regex_max_offset;
  BlockLocation location;
  friend bool operator==(const HttpUrl&, const HttpUrl&) = default;
};

// http_protocol 1.0 | 1.0C (1.0 with "Connection: close") | 1.1.
enum class HttpProtocol : std::uint8_t { k1_0, k1_0C, k1_1 };

struct HttpCheck {  // HTTP_GET and SSL_GET
  HttpProtocol http_protocol = HttpProtocol::k1_0;
  bool enable_sni = false;  // SSL_GET only
  bool fast_recovery = false;
  std::optional<std::string> virtualhost;
  std::vector<HttpUrl> urls;
  friend bool operator==(const HttpCheck&, const HttpCheck&) = default;
};

// The deprecated "host { }" blocks are expanded into one SMTP_CHECK per host at parse time.
struct SmtpCheck {
  std::optional<std::string> helo_name;  // unset: keepalived's default HELO name
  friend bool operator==(const SmtpCheck&, const SmtpCheck&) = default;
};

enum class DnsType : std::uint8_t { kA, kNs, kCname, kSoa, kMx, kTxt, kAaaa };

struct DnsCheck {
  DnsType type = DnsType::kSoa;
  std::string name = ".";
  friend bool operator==(const DnsCheck&, const DnsCheck&) = default;
};

struct MiscCheck {
  Script script;  // misc_path (command) and user (user, group)
  std::optional<Duration> misc_timeout;
  bool misc_dynamic = false;
  friend bool operator==(const MiscCheck&, const MiscCheck&) = default;
};

struct UdpCheck {
  std::vector<std::uint8_t> payload;  // empty: a random payload
  bool require_reply = false;
  std::vector<std::uint8_t> reply;       // expected prefix of the reply
  std::vector<std::uint8_t> reply_mask;  // same length; set bits are wildcards (x/X nibbles)
  std::uint16_t min_reply_length = 0;
  std::uint16_t max_reply_length = 255;
  friend bool operator==(const UdpCheck&, const UdpCheck&) = default;
};

struct FileCheck {
  std::string track_file;     // name of a top-level track_file block
  std::optional<int> weight;  // unset: the track_file's own weight
  bool weight_reverse = false;
  bool dynamic = false;
  friend bool operator==(const FileCheck&, const FileCheck&) = default;
};

struct BfdCheck {
  std::string name;  // a bfd_instance
  friend bool operator==(const BfdCheck&, const BfdCheck&) = default;
};

// TCP_CHECK and PING_CHECK have no options of their own.
using CheckerDetail =
    std::variant<std::monostate, HttpCheck, SmtpCheck, DnsCheck, MiscCheck, UdpCheck, FileCheck, BfdCheck>;

// One checker block of a real server. The common options are unset until validate_lvs()
// fills them from the real server, as keepalived does; FILE_CHECK uses none of them and
// BFD_CHECK only alpha.
struct Checker {
  CheckerType type = CheckerType::kTcp;
  CheckerConnection connection;
  std::optional<bool> alpha;
  std::optional<std::uint32_t> retry;
  std::optional<Duration> delay_before_retry;
  std::optional<Duration> warmup;
  std::optional<Duration> delay_loop;
  bool log_all_failures = false;
  CheckerDetail detail;
  BlockLocation location;
  friend bool operator==(const Checker&, const Checker&) = default;
};

// ---- virtual_server

struct RealServer {
  IpAddress address;
  std::uint16_t port = 0;  // 0: the virtual server's port (validate fills it in)
  std::optional<int> weight;
  std::optional<ForwardingMethod> lvs_method;
  std::optional<Script> notify_up;
  std::optional<Script> notify_down;
  std::optional<std::uint32_t> uthreshold;
  std::optional<std::uint32_t> lthreshold;
  std::optional<bool> smtp_alert;
  std::optional<std::string> virtualhost;
  std::optional<std::string> snmp_name;
  std::optional<bool> alpha;
  std::optional<bool> inhibit_on_failure;
  std::optional<Duration> connect_timeout;
  std::optional<std::uint32_t> retry;
  std::optional<Duration> delay_before_retry;
  std::optional<Duration> warmup;
  std::optional<Duration> delay_loop;
  std::vector<Checker> checkers;
  BlockLocation location;
  friend bool operator==(const RealServer&, const RealServer&) = default;
};

struct SorryServer {
  IpAddress address;
  std::uint16_t port = 0;
  bool inhibit = false;                        // sorry_server_inhibit
  std::optional<ForwardingMethod> lvs_method;  // sorry_server_lvs_method
  BlockLocation location;
  friend bool operator==(const SorryServer&, const SorryServer&) = default;
};

// persistence_granularity: an IPv4 netmask, or an IPv6 prefix length.
struct PersistenceGranularity {
  std::optional<IpAddress> netmask;  // IPv4
  std::uint8_t prefix_length = 0;    // IPv6, 1..128
  friend bool operator==(const PersistenceGranularity&, const PersistenceGranularity&) = default;
};

enum class VirtualServerKind : std::uint8_t { kAddress, kFwmark, kGroup };

struct VirtualServer {
  // "virtual_server <IPADDR> [<PORT>]" | "fwmark <INTEGER>" | "group <STRING>".
  VirtualServerKind kind = VirtualServerKind::kAddress;
  IpAddress address;
  std::uint16_t port = 0;
  std::uint32_t fwmark = 0;
  std::string group;

  std::optional<LbAlgo> lb_algo;  // validate: wlc (with a warning) when unset
  bool ops = false;               // one-packet scheduling, UDP only
  bool flag_1 = false;
  bool flag_2 = false;
  bool flag_3 = false;
  bool sh_port = false;
  bool sh_fallback = false;
  bool mh_port = false;
  bool mh_fallback = false;
  std::optional<ForwardingMethod> lvs_method;  // validate: NAT when unset
  std::optional<std::string> persistence_engine;
  std::optional<std::uint32_t> persistence_timeout;  // seconds
  std::optional<PersistenceGranularity> persistence_granularity;
  std::optional<LvsProtocol> protocol;
  std::optional<Family> ip_family;
  bool ha_suspend = false;
  std::optional<bool> smtp_alert;
  std::optional<std::string> virtualhost;
  std::optional<std::string> snmp_name;

  bool alpha = false;
  bool omega = false;
  std::uint32_t quorum = 1;
  std::uint32_t hysteresis = 0;
  std::optional<Script> quorum_up;
  std::optional<Script> quorum_down;
  int weight = 1;  // default weight of its real servers

  // Checker defaults for the real servers (man page: "the virtual server setting is the
  // default for real servers, and the real server setting is the default for checkers").
  Duration connect_timeout = std::chrono::seconds{5};
  std::optional<std::uint32_t> retry;
  std::optional<Duration> delay_before_retry;
  std::optional<Duration> warmup;
  Duration delay_loop = std::chrono::seconds{60};
  bool inhibit_on_failure = false;

  std::optional<SorryServer> sorry_server;
  std::vector<RealServer> real_servers;
  BlockLocation location;
  friend bool operator==(const VirtualServer&, const VirtualServer&) = default;
};

// Top-level "SSL { }": the TLS context of every SSL_GET; unset means keepalived's
// auto-generated context.
struct SslContext {
  std::optional<std::string> password;
  std::optional<std::string> ca;
  std::optional<std::string> certificate;
  std::optional<std::string> key;
  BlockLocation location;
  friend bool operator==(const SslContext&, const SslContext&) = default;
};

// ---- bfd_instance (RFC 5880)

struct BfdInstance {
  std::string name;
  std::optional<IpAddress> neighbor_ip;  // required; "neighbour_ip" is the same keyword
  std::optional<IpAddress> source_ip;
  Duration min_rx = std::chrono::milliseconds{10};
  Duration min_tx = std::chrono::milliseconds{10};
  Duration idle_tx = std::chrono::milliseconds{1000};
  std::uint8_t multiplier = 5;
  bool passive = false;
  std::optional<std::uint8_t> ttl;  // ttl / hoplimit; validate: 255 for IPv4, 64 for IPv6
  int max_hops = 0;                 // -1..255; 255 disables the hop count check
  int weight = 0;                   // -253..253, for VRRP tracking
  bool weight_reverse = false;
  bool vrrp = false;     // "vrrp" / "checker": send events only to these processes;
  bool checker = false;  // neither set means both
  BlockLocation location;
  friend bool operator==(const BfdInstance&, const BfdInstance&) = default;
};

}  // namespace keel::config

// DNS_CHECK's messages (RFC 1035 §4.1): the query keepalived sends (one question, class IN,
// RD set, the configured `type` and `name`) and the parse of the reply, with name
// compression (§4.1.4) followed safely: a pointer must point backwards, so a hostile
// reply cannot make the parser loop. Pure: bytes in, values out.
#pragma once

#include <cstddef>
#include <cstdint>
#include <expected>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "config/model_lvs.h"

namespace keel::check::dns {

inline constexpr std::uint16_t kClassIn = 1;              // RFC 1035 §3.2.4
inline constexpr std::size_t kHeaderLength = 12;          // §4.1.1
inline constexpr std::size_t kMaxNameLength = 255;        // §2.3.4, in wire octets
inline constexpr std::size_t kMaxLabelLength = 63;        // §2.3.4
inline constexpr std::size_t kMaxUdpMessageLength = 512;  // §2.3.4 (without EDNS)

// The TYPE value of DNS_CHECK's `type` (RFC 1035 §3.2.2, RFC 3596 for AAAA).
std::uint16_t type_code(config::DnsType type);
std::string_view type_name(config::DnsType type);

enum class DnsErrorKind : std::uint8_t {
  kBadName,      // a query name that cannot be encoded (empty label, label or name too long)
  kTruncated,    // the message ends inside a field
  kBadLabel,     // a label type other than length or pointer (§4.1.4, RFC 6891 §5)
  kBadPointer,   // a compression pointer that does not point backwards
  kNameTooLong,  // a decoded name longer than 255 octets
};

struct DnsError {
  DnsErrorKind kind = DnsErrorKind::kTruncated;
  std::string detail;
  std::string message() const;
  friend bool operator==(const DnsError&, const DnsError&) = default;
};

struct Query {
  std::uint16_t id = 0;  // chosen by the caller (random per query, as keepalived does)
  std::string name = ".";
  config::DnsType type = config::DnsType::kSoa;
  bool recursion_desired = true;
};

std::expected<std::vector<std::byte>, DnsError> build_query(const Query& query);

// RFC 1035 §4.1.1.
struct Header {
  std::uint16_t id = 0;
  bool response = false;  // QR
  std::uint8_t opcode = 0;
  bool authoritative = false;  // AA
  bool truncated = false;      // TC
  bool recursion_desired = false;
  bool recursion_available = false;
  std::uint8_t rcode = 0;
  std::uint16_t question_count = 0;
  std::uint16_t answer_count = 0;
  std::uint16_t authority_count = 0;
  std::uint16_t additional_count = 0;
  friend bool operator==(const Header&, const Header&) = default;
};

struct Question {
  std::string name;  // "www.example.com", "." for the root
  std::uint16_t type = 0;
  std::uint16_t klass = 0;
  friend bool operator==(const Question&, const Question&) = default;
};

struct ResourceRecord {
  std::string name;
  std::uint16_t type = 0;
  std::uint16_t klass = 0;
  std::uint32_t ttl = 0;
  std::vector<std::byte> rdata;
  friend bool operator==(const ResourceRecord&, const ResourceRecord&) = default;
};

struct Message {
  Header header;
  std::vector<Question> questions;
  std::vector<ResourceRecord> answers;  // authority and additional records are not kept
};

std::expected<Header, DnsError> parse_header(std::span<const std::byte> message);
std::expected<Message, DnsError> parse_message(std::span<const std::byte> message);

// A domain name starting at `offset` (advanced past it, pointers counted as two octets).
std::expected<std::string, DnsError> read_name(std::span<const std::byte> message, std::size_t& offset);

// "NOERROR", "SERVFAIL", "NXDOMAIN", ... (RFC 1035 §4.1.1, RFC 6895 §2.3), or the number.
std::string rcode_name(std::uint8_t rcode);

// What DNS_CHECK makes of a datagram, as keepalived's check_dns.c does: one that is not
// the reply to our query (short, other id, not a response) is ignored and the checker
// keeps waiting; a reply with an error rcode fails the check; any other reply passes.
// Keel also fails a reply whose question or answer records do not parse.
enum class ReplyDisposition : std::uint8_t { kIgnore, kHealthy, kUnhealthy };

struct ReplyVerdict {
  ReplyDisposition disposition = ReplyDisposition::kIgnore;
  std::string reason;  // why ignored or unhealthy
  friend bool operator==(const ReplyVerdict&, const ReplyVerdict&) = default;
};

ReplyVerdict judge_reply(std::uint16_t query_id, std::span<const std::byte> datagram);

}  // namespace keel::check::dns

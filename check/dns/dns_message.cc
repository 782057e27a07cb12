// RFC 1035 §4.1 message format; §4.1.4 compression.
#include "check/dns/dns_message.h"

#include <utility>

namespace keel::check::dns {

std::uint16_t type_code(config::DnsType type) {
  switch (type) {
    case config::DnsType::kA:
      return 1;
    case config::DnsType::kNs:
      return 2;
    case config::DnsType::kCname:
      return 5;
    case config::DnsType::kSoa:
      return 6;
    case config::DnsType::kMx:
      return 15;
    case config::DnsType::kTxt:
      return 16;
    case config::DnsType::kAaaa:
      return 28;
  }
  return 6;
}

std::string_view type_name(config::DnsType type) {
  switch (type) {
    case config::DnsType::kA:
      return "A";
    case config::DnsType::kNs:
      return "NS";
    case config::DnsType::kCname:
      return "CNAME";
    case config::DnsType::kSoa:
      return "SOA";
    case config::DnsType::kMx:
      return "MX";
    case config::DnsType::kTxt:
      return "TXT";
    case config::DnsType::kAaaa:
      return "AAAA";
  }
  return "SOA";
}

std::string DnsError::message() const {
  std::string out;
  switch (kind) {
    case DnsErrorKind::kBadName:
      out = "bad query name";
      break;
    case DnsErrorKind::kTruncated:
      out = "message truncated";
      break;
    case DnsErrorKind::kBadLabel:
      out = "bad label type";
      break;
    case DnsErrorKind::kBadPointer:
      out = "bad compression pointer";
      break;
    case DnsErrorKind::kNameTooLong:
      out = "name too long";
      break;
  }
  if (!detail.empty()) out += ": " + detail;
  return out;
}

namespace {

std::uint8_t octet(std::span<const std::byte> message, std::size_t at) {
  return std::to_integer<std::uint8_t>(message[at]);
}

// Bounds-checked big-endian reads; each fails with kTruncated naming the field.
class Reader {
 public:
  Reader(std::span<const std::byte> message, std::size_t offset) : message_(message), offset_(offset) {}

  std::expected<std::uint16_t, DnsError> u16(std::string_view field) {
    if (message_.size() - offset_ < 2) return truncated(field);
    const auto value = static_cast<std::uint16_t>(octet(message_, offset_) << 8 | octet(message_, offset_ + 1));
    offset_ += 2;
    return value;
  }
  std::expected<std::uint32_t, DnsError> u32(std::string_view field) {
    auto high = u16(field);
    if (!high) return std::unexpected(high.error());
    auto low = u16(field);
    if (!low) return std::unexpected(low.error());
    return std::uint32_t{*high} << 16 | *low;
  }
  std::expected<std::span<const std::byte>, DnsError> bytes(std::size_t count, std::string_view field) {
    if (message_.size() - offset_ < count) return truncated(field);
    const auto out = message_.subspan(offset_, count);
    offset_ += count;
    return out;
  }
  std::expected<std::string, DnsError> name() { return read_name(message_, offset_); }
  std::size_t offset() const { return offset_; }

 private:
  static std::unexpected<DnsError> truncated(std::string_view field) {
    return std::unexpected(DnsError{DnsErrorKind::kTruncated, "in " + std::string{field}});
  }

  std::span<const std::byte> message_;
  std::size_t offset_;
};

// Presentation form of one label (RFC 4343 §2.1): '.' and '\' escaped, other
// non-printable octets as \DDD, so a hostile name cannot forge log text.
void append_label(std::string& out, std::span<const std::byte> label) {
  for (const std::byte b : label) {
    const auto c = std::to_integer<unsigned char>(b);
    if (c == '.' || c == '\\') {
      out += '\\';
      out += static_cast<char>(c);
    } else if (c > 0x20 && c < 0x7f) {
      out += static_cast<char>(c);
    } else {
      out += '\\';
      out += static_cast<char>('0' + c / 100);
      out += static_cast<char>('0' + c / 10 % 10);
      out += static_cast<char>('0' + c % 10);
    }
  }
}

std::expected<void, DnsError> encode_name(std::string_view name, std::vector<std::byte>& out) {
  // "." is the root; a trailing dot is optional, as in keepalived's `name`.
  if (name.ends_with('.')) name.remove_suffix(1);
  std::size_t wire_length = 1;  // the root's zero octet
  while (!name.empty()) {
    const std::size_t dot = name.find('.');
    const std::string_view label = name.substr(0, dot);
    if (label.empty()) return std::unexpected(DnsError{DnsErrorKind::kBadName, "empty label"});
    if (label.size() > kMaxLabelLength) {
      return std::unexpected(DnsError{DnsErrorKind::kBadName, "label longer than 63 octets"});
    }
    wire_length += label.size() + 1;
    if (wire_length > kMaxNameLength) {
      return std::unexpected(DnsError{DnsErrorKind::kBadName, "name longer than 255 octets"});
    }
    out.push_back(static_cast<std::byte>(label.size()));
    for (const char c : label) out.push_back(static_cast<std::byte>(c));
    if (dot == std::string_view::npos) break;
    name.remove_prefix(dot + 1);
    if (name.empty()) return std::unexpected(DnsError{DnsErrorKind::kBadName, "empty label"});
  }
  out.push_back(std::byte{0});
  return {};
}

void put_u16(std::vector<std::byte>& out, std::uint16_t value) {
  out.push_back(static_cast<std::byte>(value >> 8));
  out.push_back(static_cast<std::byte>(value & 0xff));
}

}  // namespace

std::expected<std::vector<std::byte>, DnsError> build_query(const Query& query) {
  std::vector<std::byte> out;
  out.reserve(kHeaderLength + query.name.size() + 6);
  put_u16(out, query.id);
  put_u16(out, query.recursion_desired ? 0x0100 : 0);  // QR=0, OPCODE=0 (QUERY), RD
  put_u16(out, 1);                                     // QDCOUNT
  put_u16(out, 0);                                     // ANCOUNT
  put_u16(out, 0);                                     // NSCOUNT
  put_u16(out, 0);                                     // ARCOUNT
  if (auto encoded = encode_name(query.name, out); !encoded) return std::unexpected(encoded.error());
  put_u16(out, type_code(query.type));
  put_u16(out, kClassIn);
  return out;
}

std::expected<std::string, DnsError> read_name(std::span<const std::byte> message, std::size_t& offset) {
  std::string name;
  std::size_t at = offset;
  std::size_t wire_length = 1;
  bool jumped = false;
  for (;;) {
    if (at >= message.size()) return std::unexpected(DnsError{DnsErrorKind::kTruncated, "in a name"});
    const std::uint8_t length = octet(message, at);
    if ((length & 0xc0) == 0xc0) {
      if (at + 1 >= message.size()) return std::unexpected(DnsError{DnsErrorKind::kTruncated, "in a pointer"});
      const std::size_t target = static_cast<std::size_t>(length & 0x3f) << 8 | octet(message, at + 1);
      // Strictly backwards: every jump lowers the position, so the walk ends.
      if (target >= at) {
        return std::unexpected(DnsError{DnsErrorKind::kBadPointer,
                                        "offset " + std::to_string(target) + " at offset " + std::to_string(at)});
      }
      if (!jumped) offset = at + 2;
      jumped = true;
      at = target;
      continue;
    }
    if ((length & 0xc0) != 0) {
      return std::unexpected(
          DnsError{DnsErrorKind::kBadLabel, "0x" + std::to_string(length >> 6) + " at offset " + std::to_string(at)});
    }
    if (length == 0) {
      if (!jumped) offset = at + 1;
      return name.empty() ? std::string{"."} : name;
    }
    wire_length += length + 1u;
    if (wire_length > kMaxNameLength) return std::unexpected(DnsError{DnsErrorKind::kNameTooLong, {}});
    if (message.size() - at - 1 < length) {
      return std::unexpected(DnsError{DnsErrorKind::kTruncated, "in a label"});
    }
    if (!name.empty()) name += '.';
    append_label(name, message.subspan(at + 1, length));
    at += 1u + length;
  }
}

namespace {

// One resource record (RFC 1035 §4.1.3).
std::expected<ResourceRecord, DnsError> read_record(Reader& in) {
  ResourceRecord record;
  auto name = in.name();
  if (!name) return std::unexpected(name.error());
  record.name = std::move(*name);
  auto type = in.u16("an answer");
  if (!type) return std::unexpected(type.error());
  auto klass = in.u16("an answer");
  if (!klass) return std::unexpected(klass.error());
  auto ttl = in.u32("an answer");
  if (!ttl) return std::unexpected(ttl.error());
  auto length = in.u16("an answer");
  if (!length) return std::unexpected(length.error());
  auto rdata = in.bytes(*length, "answer data");
  if (!rdata) return std::unexpected(rdata.error());
  record.type = *type;
  record.klass = *klass;
  record.ttl = *ttl;
  record.rdata.assign(rdata->begin(), rdata->end());
  return record;
}

}  // namespace

std::expected<Header, DnsError> parse_header(std::span<const std::byte> message) {
  if (message.size() < kHeaderLength) {
    return std::unexpected(DnsError{DnsErrorKind::kTruncated, "in the header"});
  }
  const auto u16_at = [&](std::size_t at) {
    return static_cast<std::uint16_t>(octet(message, at) << 8 | octet(message, at + 1));
  };
  Header header;
  header.id = u16_at(0);
  const std::uint16_t flags = u16_at(2);
  header.question_count = u16_at(4);
  header.answer_count = u16_at(6);
  header.authority_count = u16_at(8);
  header.additional_count = u16_at(10);
  header.response = (flags & 0x8000) != 0;
  header.opcode = static_cast<std::uint8_t>(flags >> 11 & 0x0f);
  header.authoritative = (flags & 0x0400) != 0;
  header.truncated = (flags & 0x0200) != 0;
  header.recursion_desired = (flags & 0x0100) != 0;
  header.recursion_available = (flags & 0x0080) != 0;
  header.rcode = static_cast<std::uint8_t>(flags & 0x0f);
  return header;
}

std::expected<Message, DnsError> parse_message(std::span<const std::byte> message) {
  auto header = parse_header(message);
  if (!header) return std::unexpected(header.error());
  Message out{.header = *header};
  Reader in{message, kHeaderLength};
  for (std::uint16_t i = 0; i < header->question_count; ++i) {
    auto name = in.name();
    if (!name) return std::unexpected(name.error());
    auto type = in.u16("a question");
    if (!type) return std::unexpected(type.error());
    auto klass = in.u16("a question");
    if (!klass) return std::unexpected(klass.error());
    out.questions.push_back({std::move(*name), *type, *klass});
  }
  for (std::uint16_t i = 0; i < header->answer_count; ++i) {
    auto record = read_record(in);
    if (!record) return std::unexpected(record.error());
    out.answers.push_back(std::move(*record));
  }
  return out;
}

std::string rcode_name(std::uint8_t rcode) {
  static constexpr std::string_view kNames[] = {"NOERROR",  "FORMERR", "SERVFAIL", "NXDOMAIN", "NOTIMP", "REFUSED",
                                                "YXDOMAIN", "YXRRSET", "NXRRSET",  "NOTAUTH",  "NOTZONE"};
  if (rcode < std::size(kNames)) return std::string{kNames[rcode]};
  return "RCODE" + std::to_string(rcode);
}

ReplyVerdict judge_reply(std::uint16_t query_id, std::span<const std::byte> datagram) {
  auto header = parse_header(datagram);
  if (!header) return {ReplyDisposition::kIgnore, "datagram shorter than a DNS header"};
  if (header->id != query_id) {
    return {ReplyDisposition::kIgnore,
            "id " + std::to_string(header->id) + " is not our query's " + std::to_string(query_id)};
  }
  if (!header->response) return {ReplyDisposition::kIgnore, "a query, not a response"};
  if (header->rcode != 0) {
    return {ReplyDisposition::kUnhealthy, "error response " + rcode_name(header->rcode)};
  }
  if (auto parsed = parse_message(datagram); !parsed) {
    return {ReplyDisposition::kUnhealthy, "malformed response: " + parsed.error().message()};
  }
  return {ReplyDisposition::kHealthy, {}};
}

}  // namespace keel::check::dns

// Whole IP packets around a VRRP message: the builder the IPv4 AH path needs (the socket
// adapter sends those with IP_HDRINCL, so it writes the IPv4 header itself) and tests /
// tshark use, and the parser that turns a captured IPv4 or IPv6 packet into the receive
// metadata and VRRP bytes decode_advert takes.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <expected>
#include <optional>
#include <span>
#include <vector>

#include "config/ip_address.h"
#include "vrrp/packet/advert.h"
#include "vrrp/packet/byte_io.h"
#include "vrrp/packet/drop.h"

namespace keel::vrrp {

inline constexpr std::uint8_t kAhProtocol = 51;       // RFC 2402 §2
inline constexpr std::size_t kIpv4HeaderLength = 20;  // without options
inline constexpr std::size_t kIpv6HeaderLength = 40;
inline constexpr std::size_t kAhHeaderLength = 24;   // 12 fixed + 96-bit ICV
inline constexpr std::size_t kAhIcvLength = 12;      // HMAC-MD5-96, RFC 2403 §2
inline constexpr std::uint8_t kAhPayloadLength = 4;  // RFC 2402 §2.2: 32-bit words minus 2

// The IPv4 header fields a sender chooses (RFC 791 §3.1). The defaults are what VRRP
// wants; keepalived 2.2.7 sends TOS 0xc0 with DF clear, which dont_fragment=false gives.
struct Ipv4HeaderOptions {
  std::uint8_t tos = 0xc0;  // precedence "internetwork control", as keepalived
  std::uint16_t identification = 0;
  bool dont_fragment = true;
  std::uint8_t ttl = kVrrpTtl;  // RFC 5798 §5.1.1.3
};

struct Ipv6HeaderOptions {
  std::uint8_t traffic_class = 0xc0;  // CS6, what keepalived's adverts carry
  std::uint32_t flow_label = 0;       // 20 bits
  std::uint8_t hop_limit = kVrrpTtl;  // RFC 5798 §5.1.2.2
};

struct PacketOptions {
  Ipv4HeaderOptions ipv4;
  Ipv6HeaderOptions ipv6;
};

// The fixed part of an IPsec AH header (RFC 2402 §2) as keepalived uses it for VRRPv2.
struct AhHeader {
  std::uint8_t next_header = kVrrpProtocol;
  std::uint8_t payload_length = kAhPayloadLength;
  std::uint32_t spi = 0;       // keepalived: the sender's IPv4 address
  std::uint32_t sequence = 0;  // keepalived: 1, 2, ... per advert sent
  std::array<std::byte, kAhIcvLength> icv{};
  friend bool operator==(const AhHeader&, const AhHeader&) = default;
};

// Writes an IPv4 header (no options) with a correct header checksum for a payload of
// `payload_length` bytes that the caller appends next.
void write_ipv4_header(ByteWriter& out, const config::IpAddress& source, const config::IpAddress& destination,
                       std::uint8_t protocol, std::size_t payload_length, const Ipv4HeaderOptions& options);
void write_ipv6_header(ByteWriter& out, const config::IpAddress& source, const config::IpAddress& destination,
                       std::uint8_t next_header, std::size_t payload_length, const Ipv6HeaderOptions& options);

// The complete IPv4 (protocol 112) or IPv6 (next header 112) packet carrying `advert`.
// Throws std::invalid_argument as encode_advert does.
std::vector<std::byte> encode_advert_packet(const Advert& advert, const config::IpAddress& source,
                                            const config::IpAddress& destination, const PacketOptions& options = {});

// One received IP packet taken apart. `vrrp` points into the packet given to the parser.
struct ParsedPacket {
  RxMeta meta;
  std::span<const std::byte> vrrp;
  std::optional<AhHeader> ah;  // IPv4 protocol 51: the AH header before the VRRP bytes
  std::size_t ip_header_length = 0;
};

// Parses an IPv4 packet (protocol 112, or 51 followed by VRRP) or an IPv6 packet (next
// header 112; extension headers are not followed). Bytes past the IP length (Ethernet
// minimum-frame padding in a capture) are ignored. Drops: kTooShort, kLengthMismatch,
// kBadIpHeader (version, IHL, header checksum, protocol), kBadAhHeader.
std::expected<ParsedPacket, Drop> parse_ip_packet(std::span<const std::byte> packet);

}  // namespace keel::vrrp

// IPv4 / IPv6 packet building and parsing around VRRP; see ip_packet.h.
#include "vrrp/packet/ip_packet.h"

#include <stdexcept>

#include "vrrp/packet/address_io.h"
#include "vrrp/packet/checksum.h"

namespace keel::vrrp {

namespace {

using config::Family;
using config::IpAddress;

constexpr std::uint16_t kDontFragment = 0x4000;  // RFC 791 §3.1 flags bit 1

Drop drop(DropReason reason, std::size_t got = 0, std::size_t expected = 0) {
  return Drop{
      .reason = reason, .got = static_cast<std::uint32_t>(got), .expected = static_cast<std::uint32_t>(expected)};
}

std::expected<AhHeader, Drop> read_ah(ByteReader& reader) {
  AhHeader ah;
  ah.next_header = reader.u8();
  ah.payload_length = reader.u8();
  reader.skip(2);  // reserved
  ah.spi = reader.u32();
  ah.sequence = reader.u32();
  reader.copy_to(ah.icv);
  if (!reader.ok()) return std::unexpected(drop(DropReason::kTooShort));
  // keepalived only ever sends a 96-bit ICV directly followed by VRRP.
  if (ah.next_header != kVrrpProtocol || ah.payload_length != kAhPayloadLength)
    return std::unexpected(drop(DropReason::kBadAhHeader));
  return ah;
}

std::expected<ParsedPacket, Drop> parse_ipv4(std::span<const std::byte> packet) {
  ByteReader reader{packet};
  const std::uint8_t version_ihl = reader.u8();
  reader.skip(1);  // TOS
  const std::uint16_t total_length = reader.u16();
  reader.skip(4);  // identification, flags, fragment offset
  ParsedPacket parsed;
  parsed.meta.family = Family::kIpv4;
  parsed.meta.ttl_or_hop_limit = reader.u8();
  const std::uint8_t protocol = reader.u8();
  reader.skip(2);  // header checksum, verified below over the whole header
  parsed.meta.source = read_address(reader, Family::kIpv4);
  parsed.meta.destination = read_address(reader, Family::kIpv4);
  if (!reader.ok()) return std::unexpected(drop(DropReason::kTooShort, packet.size(), kIpv4HeaderLength));

  parsed.ip_header_length = std::size_t{version_ihl & 0x0fu} * 4;
  if (parsed.ip_header_length < kIpv4HeaderLength || parsed.ip_header_length > total_length)
    return std::unexpected(drop(DropReason::kBadIpHeader));
  if (packet.size() < total_length) return std::unexpected(drop(DropReason::kTooShort, packet.size(), total_length));
  if (internet_checksum(packet.first(parsed.ip_header_length)) != 0)
    return std::unexpected(drop(DropReason::kBadIpHeader));
  if (protocol != kVrrpProtocol && protocol != kAhProtocol) return std::unexpected(drop(DropReason::kBadIpHeader));

  ByteReader payload{packet.subspan(parsed.ip_header_length, total_length - parsed.ip_header_length)};
  if (protocol == kAhProtocol) {
    auto ah = read_ah(payload);
    if (!ah) return std::unexpected(ah.error());
    parsed.ah = *ah;
  }
  parsed.vrrp = payload.rest();
  return parsed;
}

std::expected<ParsedPacket, Drop> parse_ipv6(std::span<const std::byte> packet) {
  ByteReader reader{packet};
  reader.skip(4);  // version, traffic class, flow label
  const std::uint16_t payload_length = reader.u16();
  const std::uint8_t next_header = reader.u8();
  ParsedPacket parsed;
  parsed.meta.family = Family::kIpv6;
  parsed.meta.ttl_or_hop_limit = reader.u8();
  parsed.meta.source = read_address(reader, Family::kIpv6);
  parsed.meta.destination = read_address(reader, Family::kIpv6);
  if (!reader.ok()) return std::unexpected(drop(DropReason::kTooShort, packet.size(), kIpv6HeaderLength));
  if (next_header != kVrrpProtocol) return std::unexpected(drop(DropReason::kBadIpHeader));
  if (reader.remaining() < payload_length)
    return std::unexpected(drop(DropReason::kTooShort, packet.size(), kIpv6HeaderLength + payload_length));
  parsed.ip_header_length = kIpv6HeaderLength;
  parsed.vrrp = reader.bytes(payload_length);
  return parsed;
}

}  // namespace

void write_ipv4_header(ByteWriter& out, const IpAddress& source, const IpAddress& destination, std::uint8_t protocol,
                       std::size_t payload_length, const Ipv4HeaderOptions& options) {
  if (source.is_v6() || destination.is_v6()) throw std::invalid_argument("IPv4 header: IPv6 address given");
  const std::size_t start = out.size();
  out.u8(0x45);  // version 4, IHL 5: no options
  out.u8(options.tos);
  out.u16(static_cast<std::uint16_t>(kIpv4HeaderLength + payload_length));
  out.u16(options.identification);
  out.u16(options.dont_fragment ? kDontFragment : 0);
  out.u8(options.ttl);
  out.u8(protocol);
  const std::size_t checksum_offset = out.size();
  out.u16(0);
  write_address(out, source);
  write_address(out, destination);
  out.patch_u16(checksum_offset, internet_checksum(out.written(start)));
}

void write_ipv6_header(ByteWriter& out, const IpAddress& source, const IpAddress& destination, std::uint8_t next_header,
                       std::size_t payload_length, const Ipv6HeaderOptions& options) {
  if (!source.is_v6() || !destination.is_v6()) throw std::invalid_argument("IPv6 header: IPv4 address given");
  out.u32(6u << 28 | std::uint32_t{options.traffic_class} << 20 | (options.flow_label & 0xfffff));
  out.u16(static_cast<std::uint16_t>(payload_length));
  out.u8(next_header);
  out.u8(options.hop_limit);
  write_address(out, source);
  write_address(out, destination);
}

std::vector<std::byte> encode_advert_packet(const Advert& advert, const IpAddress& source, const IpAddress& destination,
                                            const PacketOptions& options) {
  const std::size_t length = advert_length(advert.version, advert.family, advert.addresses.size());
  std::vector<std::byte> out;
  out.reserve(kIpv6HeaderLength + length);
  ByteWriter writer{out};
  if (advert.family == Family::kIpv6) {
    write_ipv6_header(writer, source, destination, kVrrpProtocol, length, options.ipv6);
  } else {
    write_ipv4_header(writer, source, destination, kVrrpProtocol, length, options.ipv4);
  }
  encode_advert(advert, source, destination, writer);
  return out;
}

std::expected<ParsedPacket, Drop> parse_ip_packet(std::span<const std::byte> packet) {
  if (packet.empty()) return std::unexpected(drop(DropReason::kTooShort, 0, kIpv4HeaderLength));
  switch (std::to_integer<unsigned>(packet[0]) >> 4) {
    case 4:
      return parse_ipv4(packet);
    case 6:
      return parse_ipv6(packet);
    default:
      return std::unexpected(drop(DropReason::kBadIpHeader));
  }
}

}  // namespace keel::vrrp

// IPsec AH authentication of VRRPv2 over IPv4 (RFC 2338 §5.3.6.2, RFC 2402), exactly as
// keepalived implements it so the two interoperate:
//  - an AH header (next header 112, payload length 4, SPI = sender's IPv4 address,
//    sequence 1, 2, ...) sits between the IPv4 header (protocol 51) and VRRP, whose own
//    Auth Type is 2 and whose Authentication Data is zero;
//  - the ICV is HMAC-MD5-96 (RFC 2403) keyed with the 8-octet zero-padded auth_pass over
//    the whole IP packet with TOS, flags/fragment offset, header checksum and the ICV
//    zeroed (RFC 2402 §3.3.3.1.1.1). keepalived zeroes the TTL only for unicast adverts
//    and keeps it (255) in the ICV for multicast ones: AhTtlHandling says which.
// Pure functions: the anti-replay state (last sequence seen) belongs to the instance.
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
#include "vrrp/packet/drop.h"
#include "vrrp/packet/ip_packet.h"

namespace keel::vrrp {

using AhIcv = std::array<std::byte, kAhIcvLength>;

enum class AhTtlHandling : std::uint8_t {
  kIncluded,  // keepalived multicast adverts
  kZeroed,    // keepalived unicast adverts (and RFC 2402's list of mutable fields)
};

// The ICV of a complete IPv4 + AH packet (whatever its ICV field holds), or nullopt if
// the bytes are not IPv4 followed by an AH header, or are longer than any VRRP packet.
std::optional<AhIcv> compute_ah_icv(std::span<const std::byte> ipv4_packet, const AuthData& key, AhTtlHandling ttl);

struct AhSendOptions {
  AuthData key{};
  std::uint32_t sequence = 1;
  AhTtlHandling ttl = AhTtlHandling::kIncluded;
  Ipv4HeaderOptions ip;
};

// The complete IPv4 packet (IP header with checksum, AH with ICV, VRRPv2 advert) for the
// raw IP_HDRINCL socket. The advert must be VRRPv2 over IPv4 with auth type AH.
std::vector<std::byte> encode_ah_advert_packet(const Advert& advert, const config::IpAddress& source,
                                               const config::IpAddress& destination, const AhSendOptions& options);

// Verifies a received IPv4 + AH packet: the ICV (compared in constant time) and that
// the SPI is the source address, as keepalived's vrrp_in_chk_ipsecah. Returns the AH
// header, whose sequence the caller passes to check_ah_sequence with its own state.
// Drops: those of parse_ip_packet, kBadAhHeader (no AH), kAuthFailure, kAhSpiMismatch.
std::expected<AhHeader, Drop> verify_ah(std::span<const std::byte> ipv4_packet, const AuthData& key, AhTtlHandling ttl);

// RFC 2402 §3.4.3 anti-replay the way keepalived applies it: a sequence number must be
// above the last one accepted from this virtual router.
std::optional<Drop> check_ah_sequence(std::uint32_t received, std::uint32_t last_accepted);

}  // namespace keel::vrrp

// keepalived-compatible IPsec AH for VRRPv2; see auth_ah.h. The only file of the packet
// layer that uses OpenSSL (HMAC-MD5, CRYPTO_memcmp).
#include "vrrp/packet/auth_ah.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <algorithm>
#include <stdexcept>

namespace keel::vrrp {

namespace {

// Larger than any VRRP packet: a 60-octet IPv4 header, AH, and a v2 advert with 255
// addresses is 1,120 octets. The ICV is computed over a stack copy of this size.
constexpr std::size_t kMaxAhPacket = 1536;

// Field offsets in an IPv4 header (RFC 791 §3.1).
constexpr std::size_t kTosOffset = 1;
constexpr std::size_t kFragmentOffset = 6;  // flags + fragment offset, 2 octets
constexpr std::size_t kTtlOffset = 8;
constexpr std::size_t kChecksumOffset = 10;
constexpr std::size_t kAhIcvOffset = 12;  // within the AH header

std::uint32_t address_as_u32(const config::IpAddress& address) {
  return std::uint32_t{address.bytes[0]} << 24 | std::uint32_t{address.bytes[1]} << 16 |
         std::uint32_t{address.bytes[2]} << 8 | address.bytes[3];
}

}  // namespace

std::optional<AhIcv> compute_ah_icv(std::span<const std::byte> ipv4_packet, const AuthData& key, AhTtlHandling ttl) {
  if (ipv4_packet.size() < kIpv4HeaderLength || ipv4_packet.size() > kMaxAhPacket) return std::nullopt;
  const std::size_t ihl = std::size_t{std::to_integer<unsigned>(ipv4_packet[0]) & 0x0fu} * 4;
  if (std::to_integer<unsigned>(ipv4_packet[0]) >> 4 != 4 || ihl < kIpv4HeaderLength ||
      ipv4_packet.size() < ihl + kAhHeaderLength)
    return std::nullopt;

  // RFC 2402 §3.3.3.1.1.1: mutable IPv4 fields and the ICV itself count as zero.
  std::array<std::byte, kMaxAhPacket> copy;
  std::ranges::copy(ipv4_packet, copy.begin());
  copy[kTosOffset] = std::byte{0};
  copy[kFragmentOffset] = copy[kFragmentOffset + 1] = std::byte{0};
  copy[kChecksumOffset] = copy[kChecksumOffset + 1] = std::byte{0};
  if (ttl == AhTtlHandling::kZeroed) copy[kTtlOffset] = std::byte{0};
  std::fill_n(copy.begin() + static_cast<std::ptrdiff_t>(ihl + kAhIcvOffset), kAhIcvLength, std::byte{0});

  // HMAC-MD5 (RFC 2104 / RFC 2403) truncated to its first 96 bits.
  std::array<unsigned char, EVP_MAX_MD_SIZE> digest{};
  unsigned int digest_length = 0;
  if (HMAC(EVP_md5(), key.data(), static_cast<int>(key.size()), reinterpret_cast<const unsigned char*>(copy.data()),
           ipv4_packet.size(), digest.data(), &digest_length) == nullptr ||
      digest_length < kAhIcvLength)
    return std::nullopt;
  AhIcv icv;
  std::ranges::transform(std::span{digest}.first(kAhIcvLength), icv.begin(),
                         [](unsigned char b) { return std::byte{b}; });
  return icv;
}

std::vector<std::byte> encode_ah_advert_packet(const Advert& advert, const config::IpAddress& source,
                                               const config::IpAddress& destination, const AhSendOptions& options) {
  if (advert.version != 2 || advert.family != config::Family::kIpv4 || advert.auth_type != AuthType::kAh)
    throw std::invalid_argument("VRRP AH: only VRRPv2 over IPv4 with auth type AH uses an AH header");
  const std::size_t vrrp_length = advert_length(advert.version, advert.family, advert.addresses.size());
  std::vector<std::byte> out;
  out.reserve(kIpv4HeaderLength + kAhHeaderLength + vrrp_length);
  ByteWriter writer{out};
  write_ipv4_header(writer, source, destination, kAhProtocol, kAhHeaderLength + vrrp_length, options.ip);
  writer.u8(kVrrpProtocol);  // next header
  writer.u8(kAhPayloadLength);
  writer.u16(0);  // reserved
  // keepalived's SPI is the sender's address: no SA negotiation is possible on a
  // multicast group, and the address is unique among the senders.
  writer.u32(address_as_u32(source));
  writer.u32(options.sequence);
  writer.zeros(kAhIcvLength);
  encode_advert(advert, source, destination, writer);

  const auto icv = compute_ah_icv(out, options.key, options.ttl);
  if (!icv) throw std::logic_error("VRRP AH: ICV computation failed");
  std::ranges::copy(*icv, out.begin() + static_cast<std::ptrdiff_t>(kIpv4HeaderLength + kAhIcvOffset));
  return out;
}

std::expected<AhHeader, Drop> verify_ah(std::span<const std::byte> ipv4_packet, const AuthData& key,
                                        AhTtlHandling ttl) {
  const auto parsed = parse_ip_packet(ipv4_packet);
  if (!parsed) return std::unexpected(parsed.error());
  if (!parsed->ah) return std::unexpected(Drop{.reason = DropReason::kBadAhHeader});
  const int vrid = parsed->vrrp.size() >= 2 ? std::to_integer<int>(parsed->vrrp[1]) : kVridNotRead;

  // The IP total length bounds what the ICV covers (capture padding is not covered).
  const std::size_t covered = parsed->ip_header_length + kAhHeaderLength + parsed->vrrp.size();
  const auto icv = compute_ah_icv(ipv4_packet.first(covered), key, ttl);
  if (!icv || CRYPTO_memcmp(icv->data(), parsed->ah->icv.data(), kAhIcvLength) != 0)
    return std::unexpected(Drop{.reason = DropReason::kAuthFailure, .vrid = vrid});
  if (parsed->ah->spi != address_as_u32(parsed->meta.source))
    return std::unexpected(Drop{.reason = DropReason::kAhSpiMismatch, .vrid = vrid, .got = parsed->ah->spi});
  return *parsed->ah;
}

std::optional<Drop> check_ah_sequence(std::uint32_t received, std::uint32_t last_accepted) {
  if (received > last_accepted) return std::nullopt;
  return Drop{.reason = DropReason::kAhReplay, .got = received, .expected = last_accepted};
}

}  // namespace keel::vrrp

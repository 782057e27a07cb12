// The VRRP advertisement as a typed value, and its codec: VRRPv2 (RFC 3768 §5, with the
// RFC 2338 PASS/AH auth types keepalived keeps) and VRRPv3 (RFC 5798 §5), over IPv4 and
// IPv6. Only the VRRP message is handled here; the IP header around it is ip_packet.h,
// the IPsec AH header auth_ah.h. Decoding verifies length and checksum; the per-instance
// receive rules (§7.1) are receive_check.h.
#pragma once

#include <array>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <expected>
#include <initializer_list>
#include <span>
#include <string_view>
#include <vector>

#include "config/ip_address.h"
#include "vrrp/packet/byte_io.h"
#include "vrrp/packet/drop.h"

namespace keel::vrrp {

inline constexpr std::uint8_t kVrrpProtocol = 112;         // RFC 5798 §5.1.1.4 / §5.1.2.3
inline constexpr std::uint8_t kVrrpTtl = 255;              // RFC 5798 §5.1.1.3 / §5.1.2.2
inline constexpr std::uint8_t kTypeAdvertisement = 1;      // RFC 5798 §5.2.2, the only type
inline constexpr std::size_t kVrrpHeaderLength = 8;        // fixed fields before the addresses
inline constexpr std::size_t kAuthDataLength = 8;          // RFC 3768 §5.3.10 (v2, IPv4 only)
inline constexpr std::uint16_t kMaxAdverIntMask = 0x0fff;  // RFC 5798 §5.2.7: 12 bits, rsvd 4

// RFC 2338 §5.3.6 values; RFC 3768 reserved 1 and 2 but keepalived still speaks them.
enum class AuthType : std::uint8_t { kNone = 0, kPass = 1, kAh = 2 };

// The v2 Authentication Data field. keepalived keys both PASS and AH with the first 8
// octets of auth_pass, zero padded.
using AuthData = std::array<std::byte, kAuthDataLength>;
AuthData make_auth_data(std::string_view password);

// How a VRRPv3-over-IPv4 checksum was (or is to be) computed. IPv6 always uses its
// pseudo-header and VRRPv2/IPv4 never does, so the style only varies for v3/IPv4.
enum class ChecksumStyle : std::uint8_t {
  kRfc,                    // RFC 5798 §5.2.8: pseudo-header with the packet's own addresses
  kWithoutPseudoHeader,    // v3_checksum_as_v2 (keepalived >= 2.2.8), Cisco, RFC 9568
  kMulticastPseudoHeader,  // keepalived old_unicast_checksum (< 1.3.6): 224.0.0.18 as the
                           // pseudo-header destination even when sent unicast
};
std::string_view to_string(ChecksumStyle style);

// What the socket adapter knows about a received packet besides its VRRP bytes
// (IP_PKTINFO / IPV6_PKTINFO, IP_TTL / IPV6_HOPLIMIT), passed explicitly.
struct RxMeta {
  config::IpAddress source;
  config::IpAddress destination;
  int ttl_or_hop_limit = 0;
  config::Family family = config::Family::kIpv4;
};

// 224.0.0.18 (RFC 5798 §5.1.1.2) or ff02::12 (§5.1.2.2).
config::IpAddress vrrp_multicast_group(config::Family family);

// The advert's address list, with the 255 entries a one-octet count allows stored inline
// so that decoding allocates nothing.
class AddressList {
 public:
  static constexpr std::size_t kCapacity = 255;

  AddressList() = default;
  AddressList(std::initializer_list<config::IpAddress> addresses);  // throws past kCapacity

  bool push_back(const config::IpAddress& address);  // false when full
  void clear() { size_ = 0; }
  std::size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }
  const config::IpAddress& operator[](std::size_t i) const { return items_[i]; }
  const config::IpAddress* begin() const { return items_.data(); }
  const config::IpAddress* end() const { return items_.data() + size_; }
  std::span<const config::IpAddress> view() const { return {items_.data(), size_}; }

  friend bool operator==(const AddressList& a, const AddressList& b);

 private:
  std::array<config::IpAddress, kCapacity> items_{};
  std::size_t size_ = 0;
};

struct Advert {
  std::uint8_t version = 3;                // 2 or 3 (§5.2.1)
  std::uint8_t type = kTypeAdvertisement;  // as received; check_advert drops others
  std::uint8_t vrid = 0;                   // §5.2.3
  std::uint8_t priority = 100;             // §5.2.4; 0 = master resigning, 255 = owner
  config::Family family = config::Family::kIpv4;
  AddressList addresses;  // Count IPvX Addrs is addresses.size()

  // VRRPv2 only (RFC 3768 §5.3.6, §5.3.7, §5.3.10).
  AuthType auth_type = AuthType::kNone;
  std::uint8_t adver_int_s = 1;  // seconds
  AuthData auth_data{};          // sent only for PASS; zeros otherwise

  // VRRPv3 only (RFC 5798 §5.2.7).
  std::uint16_t max_adver_int_cs = 100;  // centiseconds, 12 bits

  // Decode: the convention that verified. Encode: the convention to produce.
  ChecksumStyle checksum_style = ChecksumStyle::kRfc;

  friend bool operator==(const Advert&, const Advert&) = default;
};

// The advertisement interval the advert announces, whichever version carries it:
// v2 Adver Int in seconds, v3 Max Adver Int in centiseconds.
std::chrono::microseconds advert_interval(const Advert& advert);

// Length of the VRRP message: 8 + count × (4 | 16), plus 8 octets of auth data for v2
// over IPv4. keepalived's (pre-2.x) VRRPv2 over IPv6 carried no auth data; neither do we.
std::size_t advert_length(std::uint8_t version, config::Family family, std::size_t address_count);

// Decodes the VRRP message (the bytes after the IPv4 header / AH header, or the IPv6
// payload). Drops: kTooShort, kLengthMismatch, kVersionMismatch (not 2 or 3),
// kBadChecksum. For VRRPv3 over IPv4 every ChecksumStyle is tried, RFC first, and the
// one that verified is recorded in Advert::checksum_style.
std::expected<Advert, Drop> decode_advert(std::span<const std::byte> vrrp, const RxMeta& meta);

// Appends the VRRP message; `source`/`destination` are the IP addresses it will be sent
// with (needed for the pseudo-header). Throws std::invalid_argument on an advert that
// cannot be put on the wire (version not 2/3, an address of the other family).
void encode_advert(const Advert& advert, const config::IpAddress& source, const config::IpAddress& destination,
                   ByteWriter& out);
std::vector<std::byte> encode_advert(const Advert& advert, const config::IpAddress& source,
                                     const config::IpAddress& destination);

// Changes the priority of an encoded VRRP message in place and fixes its checksum
// incrementally (RFC 1624), whatever convention the checksum used. Not for AH packets:
// their ICV covers the priority, so those are encoded again.
void set_encoded_priority(std::span<std::byte> vrrp, std::uint8_t priority);

}  // namespace keel::vrrp

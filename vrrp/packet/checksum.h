// The Internet checksum (RFC 1071) as VRRP, IPv4 and ICMPv6 use it: a ones'-complement
// sum of 16-bit big-endian words, optionally seeded with a pseudo-header (RFC 8200 §8.1
// for IPv6, the RFC 768-style layout for IPv4), and its incremental update (RFC 1624).
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>

#include "config/ip_address.h"

namespace keel::vrrp {

// A running, unfolded ones'-complement sum. Add spans in wire order; only the last one
// may have an odd length (RFC 1071 §2: an odd byte is padded with a zero on the right).
class ChecksumAccumulator {
 public:
  void add(std::span<const std::byte> data);
  void add_u16(std::uint16_t word) { sum_ += word; }
  void add_u32(std::uint32_t value) { sum_ += (value >> 16) + (value & 0xffff); }
  // The checksum field value: the complement of the folded sum.
  std::uint16_t finish() const;
  // True when the data added already contains its checksum and it verifies.
  bool verifies() const { return finish() == 0; }

 private:
  std::uint64_t sum_ = 0;
};

// The checksum of one buffer without a pseudo-header (VRRPv2, IPv4 header).
std::uint16_t internet_checksum(std::span<const std::byte> data);

// Adds the pseudo-header of an upper-layer packet: IPv4 {src, dst, 0, proto, length16}
// or IPv6 {src, dst, length32, 0, next header} (RFC 8200 §8.1). The sum is the same
// for both layouts' zero padding, so one function serves both families.
void add_pseudo_header(ChecksumAccumulator& sum, const config::IpAddress& source, const config::IpAddress& destination,
                       std::uint8_t protocol, std::uint32_t length);

// RFC 1624 eqn. 3: the new checksum after one 16-bit word of the covered data changed
// from `old_word` to `new_word`, HC' = ~(~HC + ~m + m'). Lets a sender change the
// priority of a prepared advert without summing it again.
std::uint16_t checksum_adjust(std::uint16_t checksum, std::uint16_t old_word, std::uint16_t new_word);

}  // namespace keel::vrrp

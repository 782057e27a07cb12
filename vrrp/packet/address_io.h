// Reading and writing IPv4 / IPv6 addresses in wire form (4 or 16 octets) through the
// bounds-checked byte reader and writer.
#pragma once

#include <cstddef>
#include <span>

#include "config/ip_address.h"
#include "vrrp/packet/byte_io.h"

namespace keel::vrrp {

inline std::size_t address_size(config::Family family) { return family == config::Family::kIpv6 ? 16 : 4; }

inline std::span<const std::uint8_t> address_octets(const config::IpAddress& address) {
  return std::span{address.bytes}.first(address_size(address.family));
}

inline config::IpAddress read_address(ByteReader& reader, config::Family family) {
  config::IpAddress address;
  address.family = family;
  reader.copy_to(std::as_writable_bytes(std::span{address.bytes}.first(address_size(family))));
  return address;
}

inline void write_address(ByteWriter& out, const config::IpAddress& address) { out.bytes(address_octets(address)); }

}  // namespace keel::vrrp

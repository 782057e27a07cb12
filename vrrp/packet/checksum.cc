// RFC 1071 / RFC 1624 arithmetic; see checksum.h.
#include "vrrp/packet/checksum.h"

#include "vrrp/packet/address_io.h"

namespace keel::vrrp {

namespace {

std::uint16_t fold(std::uint64_t sum) {
  while (sum >> 16) sum = (sum & 0xffff) + (sum >> 16);
  return static_cast<std::uint16_t>(sum);
}

}  // namespace

void ChecksumAccumulator::add(std::span<const std::byte> data) {
  std::size_t i = 0;
  for (; i + 1 < data.size(); i += 2) {
    sum_ += std::to_integer<unsigned>(data[i]) << 8 | std::to_integer<unsigned>(data[i + 1]);
  }
  if (i < data.size()) sum_ += std::to_integer<unsigned>(data[i]) << 8;
}

std::uint16_t ChecksumAccumulator::finish() const { return static_cast<std::uint16_t>(~fold(sum_)); }

std::uint16_t internet_checksum(std::span<const std::byte> data) {
  ChecksumAccumulator sum;
  sum.add(data);
  return sum.finish();
}

void add_pseudo_header(ChecksumAccumulator& sum, const config::IpAddress& source, const config::IpAddress& destination,
                       std::uint8_t protocol, std::uint32_t length) {
  sum.add(std::as_bytes(address_octets(source)));
  sum.add(std::as_bytes(address_octets(destination)));
  sum.add_u16(protocol);
  sum.add_u32(length);
}

std::uint16_t checksum_adjust(std::uint16_t checksum, std::uint16_t old_word, std::uint16_t new_word) {
  const std::uint64_t sum = static_cast<std::uint16_t>(~checksum) + static_cast<std::uint16_t>(~old_word) + new_word;
  return static_cast<std::uint16_t>(~fold(sum));
}

}  // namespace keel::vrrp

// Gratuitous ARP and unsolicited NA frames; see announce.h.
#include "vrrp/packet/announce.h"

#include <stdexcept>

#include "vrrp/packet/address_io.h"
#include "vrrp/packet/byte_io.h"
#include "vrrp/packet/checksum.h"
#include "vrrp/packet/ip_packet.h"

namespace keel::vrrp {

namespace {

constexpr std::uint16_t kEtherTypeIpv4 = 0x0800;
constexpr std::uint16_t kEtherTypeArp = 0x0806;
constexpr std::uint16_t kEtherTypeIpv6 = 0x86dd;
constexpr std::uint16_t kArpHardwareEthernet = 1;  // RFC 826
constexpr std::uint16_t kArpOpRequest = 1;
constexpr std::uint8_t kIcmpv6Protocol = 58;
constexpr std::uint8_t kIcmpv6NeighborAdvert = 136;  // RFC 4861 §4.4
constexpr std::uint32_t kNaFlagRouter = 0x80000000;
constexpr std::uint32_t kNaFlagOverride = 0x20000000;
constexpr std::uint8_t kOptionTargetLinkLayer = 2;  // RFC 4861 §4.6.1
constexpr std::size_t kIcmpv6NaLength = 32;         // 8 + 16 target + 8 option
constexpr MacAddress kBroadcastMac = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff};

void write_ethernet(ByteWriter& out, const MacAddress& destination, const MacAddress& source, std::uint16_t type) {
  out.bytes(destination);
  out.bytes(source);
  out.u16(type);
}

config::IpAddress all_nodes() {
  config::IpAddress address;  // ff02::1, RFC 4291 §2.7.1
  address.family = config::Family::kIpv6;
  address.bytes[0] = 0xff;
  address.bytes[1] = 0x02;
  address.bytes[15] = 0x01;
  return address;
}

// RFC 2464 §7: an IPv6 multicast address maps to 33:33 and its last four octets.
MacAddress multicast_mac(const config::IpAddress& group) {
  return {0x33, 0x33, group.bytes[12], group.bytes[13], group.bytes[14], group.bytes[15]};
}

}  // namespace

std::string to_string(const MacAddress& mac) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  for (const std::uint8_t octet : mac) {
    if (!out.empty()) out += ':';
    out += kDigits[octet >> 4];
    out += kDigits[octet & 0xf];
  }
  return out;
}

MacAddress virtual_mac(config::Family family, std::uint8_t vrid) {
  return {0x00, 0x00, 0x5e, 0x00, static_cast<std::uint8_t>(family == config::Family::kIpv6 ? 0x02 : 0x01), vrid};
}

std::vector<std::byte> build_gratuitous_arp(const MacAddress& source_mac, const config::IpAddress& address) {
  if (address.is_v6()) throw std::invalid_argument("gratuitous ARP: IPv6 address given");
  std::vector<std::byte> frame;
  frame.reserve(kGratuitousArpFrameLength);
  ByteWriter out{frame};
  write_ethernet(out, kBroadcastMac, source_mac, kEtherTypeArp);
  out.u16(kArpHardwareEthernet);
  out.u16(kEtherTypeIpv4);
  out.u8(6);  // hardware address length
  out.u8(4);  // protocol address length
  out.u16(kArpOpRequest);
  out.bytes(source_mac);        // sender hardware address
  write_address(out, address);  // sender protocol address
  out.zeros(6);                 // target hardware address (RFC 5227 §2.3: zero, ignored)
  write_address(out, address);  // target protocol address = sender: "gratuitous"
  return frame;
}

std::vector<std::byte> build_unsolicited_na(const NeighborAdvertOptions& options) {
  if (!options.source.is_v6() || !options.target.is_v6())
    throw std::invalid_argument("neighbor advertisement: IPv4 address given");
  const config::IpAddress destination = all_nodes();
  std::vector<std::byte> frame;
  frame.reserve(kNeighborAdvertFrameLength);
  ByteWriter out{frame};
  write_ethernet(out, multicast_mac(destination), options.source_mac, kEtherTypeIpv6);
  // RFC 4861 §7.1.2: receivers drop an NA whose hop limit is not 255.
  write_ipv6_header(out, options.source, destination, kIcmpv6Protocol, kIcmpv6NaLength,
                    Ipv6HeaderOptions{.traffic_class = 0, .flow_label = 0, .hop_limit = 255});
  const std::size_t icmp_start = out.size();
  out.u8(kIcmpv6NeighborAdvert);
  out.u8(0);  // code
  const std::size_t checksum_offset = out.size();
  out.u16(0);
  // Unsolicited: Solicited clear; Override set so caches replace the old master's MAC.
  out.u32(kNaFlagOverride | (options.router ? kNaFlagRouter : 0));
  write_address(out, options.target);
  out.u8(kOptionTargetLinkLayer);
  out.u8(1);  // option length in units of 8 octets
  out.bytes(options.source_mac);

  ChecksumAccumulator sum;  // RFC 4443 §2.3: over the IPv6 pseudo-header and the message
  add_pseudo_header(sum, options.source, destination, kIcmpv6Protocol, kIcmpv6NaLength);
  sum.add(out.written(icmp_start));
  out.patch_u16(checksum_offset, sum.finish());
  return frame;
}

}  // namespace keel::vrrp

// Announcement frames a new master sends: gratuitous ARP and unsolicited Neighbor
// Advertisement, checked byte for byte against frames built independently with python3
// struct (RFC 826 / RFC 5227 ARP, RFC 4861 §4.4 NA with its RFC 4443 checksum), and the
// VRRP virtual MAC addresses (RFC 5798 §7.3).
#include <gtest/gtest.h>

#include <string>
#include <string_view>

#include "vrrp/packet/announce.h"
#include "vrrp/packet/checksum.h"

namespace keel::vrrp {
namespace {

using config::Family;
using config::IpAddress;

std::string to_hex(std::span<const std::byte> bytes) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  for (const std::byte b : bytes) {
    out += kDigits[std::to_integer<unsigned>(b) >> 4];
    out += kDigits[std::to_integer<unsigned>(b) & 0xf];
  }
  return out;
}

IpAddress ip(std::string_view text) { return *IpAddress::parse(text); }

constexpr MacAddress kMac = {0x02, 0x00, 0x00, 0x00, 0x00, 0x01};

// One line per header field keeps the vectors readable.
// clang-format off
// python3: b'\xff'*6 + mac + pack('!H', 0x0806) + pack('!HHBBH', 1, 0x0800, 6, 4, 1)
//          + mac + inet_pton('198.18.0.100') + b'\0'*6 + inet_pton('198.18.0.100')
constexpr std::string_view kGarp198_18_0_100 =
    "ffffffffffff" "020000000001" "0806"
    "0001" "0800" "06" "04" "0001"
    "020000000001" "c6120064"
    "000000000000" "c6120064";

// python3: Ethernet 33:33:00:00:00:01, IPv6 2001:db8::100 -> ff02::1 next header 58 hop
// limit 255, ICMPv6 type 136 flags O (R too in the second), target 2001:db8::100, option 2
// length 1 with the MAC; checksum over the RFC 8200 §8.1 pseudo-header.
constexpr std::string_view kNa2001_db8_100 =
    "333300000001" "020000000001" "86dd"
    "60000000" "0020" "3a" "ff" "20010db8000000000000000000000100" "ff020000000000000000000000000001"
    "88" "00" "f72c" "20000000" "20010db8000000000000000000000100" "02" "01" "020000000001";
constexpr std::string_view kNa2001_db8_100Router =
    "333300000001" "020000000001" "86dd"
    "60000000" "0020" "3a" "ff" "20010db8000000000000000000000100" "ff020000000000000000000000000001"
    "88" "00" "772c" "a0000000" "20010db8000000000000000000000100" "02" "01" "020000000001";
// clang-format on

TEST(VirtualMac, IsTheIanaPrefixWithTheFamilyAndVrid) {
  EXPECT_EQ(to_string(virtual_mac(Family::kIpv4, 51)), "00:00:5e:00:01:33");
  EXPECT_EQ(to_string(virtual_mac(Family::kIpv6, 255)), "00:00:5e:00:02:ff");
  EXPECT_EQ(to_string(virtual_mac(Family::kIpv4, 1)), "00:00:5e:00:01:01");
}

TEST(GratuitousArp, MatchesTheHandBuiltFrameByteForByte) {
  const auto frame = build_gratuitous_arp(kMac, ip("198.18.0.100"));
  EXPECT_EQ(frame.size(), kGratuitousArpFrameLength);
  EXPECT_EQ(to_hex(frame), kGarp198_18_0_100);
}

TEST(GratuitousArp, CarriesTheVirtualMacWhenUseVmacIsOn) {
  const auto frame = build_gratuitous_arp(virtual_mac(Family::kIpv4, 51), ip("198.18.0.100"));
  EXPECT_EQ(to_hex(std::span{frame}.subspan(6, 6)), "00005e000133");   // Ethernet source
  EXPECT_EQ(to_hex(std::span{frame}.subspan(22, 6)), "00005e000133");  // sender hardware address
}

TEST(GratuitousArp, RefusesAnIpv6Address) {
  EXPECT_THROW(build_gratuitous_arp(kMac, ip("2001:db8::1")), std::invalid_argument);
}

TEST(UnsolicitedNa, MatchesTheHandBuiltFrameByteForByte) {
  const auto frame =
      build_unsolicited_na({.source_mac = kMac, .source = ip("2001:db8::100"), .target = ip("2001:db8::100")});
  EXPECT_EQ(frame.size(), kNeighborAdvertFrameLength);
  EXPECT_EQ(to_hex(frame), kNa2001_db8_100);
}

TEST(UnsolicitedNa, SetsTheRouterFlagWhenAsked) {
  const auto frame = build_unsolicited_na(
      {.source_mac = kMac, .source = ip("2001:db8::100"), .target = ip("2001:db8::100"), .router = true});
  EXPECT_EQ(to_hex(frame), kNa2001_db8_100Router);
}

TEST(UnsolicitedNa, ChecksumVerifiesForAnotherSourceAndTarget) {
  const auto frame =
      build_unsolicited_na({.source_mac = kMac, .source = ip("fe80::ff:fe00:1"), .target = ip("2001:db8::abcd")});
  const auto icmp = std::span{frame}.subspan(14 + 40);
  ChecksumAccumulator sum;
  add_pseudo_header(sum, ip("fe80::ff:fe00:1"), ip("ff02::1"), 58, static_cast<std::uint32_t>(icmp.size()));
  sum.add(icmp);
  EXPECT_TRUE(sum.verifies());
  EXPECT_EQ(to_hex(icmp.subspan(8, 16)), "20010db800000000000000000000abcd");
}

TEST(UnsolicitedNa, RefusesIpv4Addresses) {
  EXPECT_THROW(build_unsolicited_na({.source_mac = kMac, .source = ip("198.18.0.1"), .target = ip("2001:db8::1")}),
               std::invalid_argument);
}

}  // namespace
}  // namespace keel::vrrp

// The VRRP packet codec: byte reader/writer, RFC 1071 checksum, advert encode/decode for
// v2/v3 over IPv4/IPv6, the three VRRPv3/IPv4 checksum conventions, whole IP packets and
// keepalived's IPsec AH, checked against adverts captured from keepalived 2.2.7.
//
// Golden vectors: sent by Debian's keepalived 2.2.7 (`keepalived -n -l -G -P`) on a veth
// pair between two network namespaces (198.18.0.1 -> 224.0.0.18 / 198.18.0.2, MAC
// 02:00:00:00:00:01, link-local fe80::ff:fe00:1), captured with tcpdump on the peer, and
// pasted here as IP packets (Ethernet header removed). IP ID 1 is each instance's first
// advert; keepalived sends TOS 0xc0 without DF, IPv6 with traffic class 0xc0 and a kernel
// flow label. The one vector keepalived 2.2.7 cannot send (VRRPv3/IPv4 without the
// pseudo-header, keepalived >= 2.2.8 v3_checksum_as_v2) was built with python3 struct.
#include <gtest/gtest.h>

#include <string>
#include <string_view>
#include <vector>

#include "vrrp/packet/advert.h"
#include "vrrp/packet/auth_ah.h"
#include "vrrp/packet/byte_io.h"
#include "vrrp/packet/checksum.h"
#include "vrrp/packet/ip_packet.h"

namespace keel::vrrp {
namespace {

using config::Family;
using config::IpAddress;

std::vector<std::byte> from_hex(std::string_view hex) {
  std::vector<std::byte> out;
  for (std::size_t i = 0; i + 1 < hex.size(); i += 2) {
    out.push_back(static_cast<std::byte>(std::stoi(std::string{hex.substr(i, 2)}, nullptr, 16)));
  }
  return out;
}

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

// The drop reason's name, or "accepted": readable in a failure message, and safe to call
// whichever way the result went.
template <typename T>
std::string reason_name(const std::expected<T, Drop>& result) {
  return result ? "accepted" : std::string{to_string(result.error().reason)};
}

// keepalived 2.2.7, vrrp_instance VRID 51: version 2, priority 150, advert_int 1,
// auth_type PASS, auth_pass keelpass, VIPs 198.18.0.100 and .101; multicast.
constexpr std::string_view kKeepalivedV2Pass =
    "45c0002c00010000ff70147bc6120001e0000012"
    "2133960201010634c6120064c61200656b65656c70617373";
// VRID 52: version 3, priority 120, advert_int 1, VIP 198.18.0.102; multicast.
constexpr std::string_view kKeepalivedV3Ipv4 =
    "45c0002000010000ff701487c6120001e0000012"
    "313478010064e94ac6120066";
// VRID 53: version 3, priority 110, VIPs 2001:db8::100 and ::101; from the link-local.
constexpr std::string_view kKeepalivedV3Ipv6 =
    "6c0d7261002870fffe80000000000000000000fffe000001ff020000000000000000000000000012"
    "31356e02006405c220010db800000000000000000000010020010db8000000000000000000000101";
// VRID 56: version 3, unicast_src_ip 198.18.0.1, unicast_peer 198.18.0.2, VIP .104.
constexpr std::string_view kKeepalivedV3Unicast =
    "45c0002000010000ff702e85c6120001c6120002"
    "3138640100641743c6120068";
// VRID 57: as VRID 56 plus old_unicast_checksum (VIP .105): pseudo-header to 224.0.0.18.
constexpr std::string_view kKeepalivedV3UnicastOldChecksum =
    "45c0002000010000ff702e85c6120001c6120002"
    "313964010064fd42c6120069";
// VRID 54: version 2, priority 140, auth_type AH, auth_pass ahkey, VIP .103; multicast.
constexpr std::string_view kKeepalivedV2AhMulticast =
    "45c0004000010000ff3314a4c6120001e0000012"
    "70040000c612000100000001af180e16373fe66e7b060989"
    "21368c0102018a4dc61200670000000000000000";
// VRID 58: version 2, priority 100, auth_type AH, auth_pass uni-ah, VIP .106; unicast.
constexpr std::string_view kKeepalivedV2AhUnicast =
    "45c0004000010000ff332ea2c6120001c6120002"
    "70040000c6120001000000017fb2ed27d12c0d8823676473"
    "213a64010201b246c612006a0000000000000000";
// python3 struct: VRID 52's advert with its checksum summed without a pseudo-header.
constexpr std::string_view kV3Ipv4WithoutPseudoHeader = "3134780100648fedc6120066";

// keepalived's IPv4 header choices, so Keel's packet can equal the captured one.
constexpr PacketOptions kKeepalivedFirstPacket{
    .ipv4 = {.tos = 0xc0, .identification = 1, .dont_fragment = false, .ttl = 255},
    .ipv6 = {.traffic_class = 0xc0, .flow_label = 0xd7261, .hop_limit = 255}};

// Parses a captured packet and decodes its VRRP part.
std::expected<Advert, Drop> decode_packet(std::span<const std::byte> packet) {
  const auto parsed = parse_ip_packet(packet);
  if (!parsed) return std::unexpected(parsed.error());
  return decode_advert(parsed->vrrp, parsed->meta);
}

TEST(ByteReader, ReadsNetworkOrderAndStaysFailedAfterOverrun) {
  const auto data = from_hex("0102030405060708");
  ByteReader reader{data};
  EXPECT_EQ(reader.u8(), 0x01);
  EXPECT_EQ(reader.u16(), 0x0203);
  EXPECT_EQ(reader.u32(), 0x04050607u);
  EXPECT_TRUE(reader.ok());
  EXPECT_EQ(reader.u16(), 0);  // one byte left: refuses, reads nothing
  EXPECT_FALSE(reader.ok());
  EXPECT_EQ(reader.u8(), 0);  // sticky even though a byte remains
  EXPECT_EQ(reader.remaining(), 1u);
}

TEST(ByteWriter, WritesNetworkOrderAndPatchesAnEarlierField) {
  std::vector<std::byte> out;
  ByteWriter writer{out};
  writer.u8(0xab);
  writer.u16(0);
  writer.u32(0x01020304);
  writer.patch_u16(1, 0xbeef);
  EXPECT_EQ(to_hex(out), "abbeef01020304");
}

TEST(ConstantTimeEqual, ComparesContentAndLength) {
  const auto a = from_hex("6b65656c70617373");
  EXPECT_TRUE(constant_time_equal(a, from_hex("6b65656c70617373")));
  EXPECT_FALSE(constant_time_equal(a, from_hex("6b65656c70617374")));
  EXPECT_FALSE(constant_time_equal(a, from_hex("6b65656c7061")));
}

TEST(InternetChecksum, MatchesTheRfc1071Example) {
  // RFC 1071 §3: 00 01 f2 03 f4 f5 f6 f7 sums to 0xddf2; the checksum is its complement.
  EXPECT_EQ(internet_checksum(from_hex("0001f203f4f5f6f7")), 0x220d);
}

TEST(InternetChecksum, PadsAnOddLastByteWithZero) {
  EXPECT_EQ(internet_checksum(from_hex("0001f203f4f5f6")), internet_checksum(from_hex("0001f203f4f5f600")));
}

TEST(InternetChecksum, IncrementalUpdateEqualsRecomputation) {
  auto data = from_hex("2133960201010000c6120064");
  const std::uint16_t before = internet_checksum(data);
  data[2] = std::byte{0x00};  // priority 150 -> 0: word 0x9602 -> 0x0002
  EXPECT_EQ(checksum_adjust(before, 0x9602, 0x0002), internet_checksum(data));
}

TEST(KeepalivedGolden, V2PassAdvertDecodesWithEveryField) {
  const auto advert = decode_packet(from_hex(kKeepalivedV2Pass));
  ASSERT_TRUE(advert) << format_drop_log(advert.error(), ip("198.18.0.1"));
  EXPECT_EQ(advert->version, 2);
  EXPECT_EQ(advert->type, kTypeAdvertisement);
  EXPECT_EQ(advert->vrid, 51);
  EXPECT_EQ(advert->priority, 150);
  EXPECT_EQ(advert->auth_type, AuthType::kPass);
  EXPECT_EQ(advert->adver_int_s, 1);
  EXPECT_EQ(advert->auth_data, make_auth_data("keelpass"));
  EXPECT_EQ(advert->addresses, (AddressList{ip("198.18.0.100"), ip("198.18.0.101")}));
  EXPECT_EQ(advert->checksum_style, ChecksumStyle::kRfc);
}

TEST(KeepalivedGolden, KeelEncodesTheV2PassAdvertByteForByte) {
  Advert advert{.version = 2,
                .vrid = 51,
                .priority = 150,
                .family = Family::kIpv4,
                .addresses = {ip("198.18.0.100"), ip("198.18.0.101")},
                .auth_type = AuthType::kPass,
                .adver_int_s = 1,
                .auth_data = make_auth_data("keelpass")};
  const auto packet = encode_advert_packet(advert, ip("198.18.0.1"), ip("224.0.0.18"), kKeepalivedFirstPacket);
  EXPECT_EQ(to_hex(packet), kKeepalivedV2Pass);
}

TEST(KeepalivedGolden, V3Ipv4AdvertDecodesAndKeelEncodesItByteForByte) {
  const auto advert = decode_packet(from_hex(kKeepalivedV3Ipv4));
  ASSERT_TRUE(advert);
  EXPECT_EQ(advert->version, 3);
  EXPECT_EQ(advert->vrid, 52);
  EXPECT_EQ(advert->priority, 120);
  EXPECT_EQ(advert->max_adver_int_cs, 100);
  EXPECT_EQ(advert->addresses, AddressList{ip("198.18.0.102")});
  EXPECT_EQ(advert->checksum_style, ChecksumStyle::kRfc);

  const Advert mine{
      .version = 3, .vrid = 52, .priority = 120, .addresses = {ip("198.18.0.102")}, .max_adver_int_cs = 100};
  EXPECT_EQ(to_hex(encode_advert_packet(mine, ip("198.18.0.1"), ip("224.0.0.18"), kKeepalivedFirstPacket)),
            kKeepalivedV3Ipv4);
}

TEST(KeepalivedGolden, V3Ipv6AdvertDecodesAndKeelEncodesItByteForByte) {
  const auto packet = from_hex(kKeepalivedV3Ipv6);
  const auto parsed = parse_ip_packet(packet);
  ASSERT_TRUE(parsed);
  EXPECT_EQ(parsed->meta.source, ip("fe80::ff:fe00:1"));
  EXPECT_EQ(parsed->meta.destination, ip("ff02::12"));
  EXPECT_EQ(parsed->meta.ttl_or_hop_limit, 255);
  const auto advert = decode_advert(parsed->vrrp, parsed->meta);
  ASSERT_TRUE(advert);
  EXPECT_EQ(advert->family, Family::kIpv6);
  EXPECT_EQ(advert->vrid, 53);
  EXPECT_EQ(advert->priority, 110);
  EXPECT_EQ(advert->addresses, (AddressList{ip("2001:db8::100"), ip("2001:db8::101")}));

  const Advert mine{.version = 3,
                    .vrid = 53,
                    .priority = 110,
                    .family = Family::kIpv6,
                    .addresses = {ip("2001:db8::100"), ip("2001:db8::101")},
                    .max_adver_int_cs = 100};
  EXPECT_EQ(to_hex(encode_advert_packet(mine, ip("fe80::ff:fe00:1"), ip("ff02::12"), kKeepalivedFirstPacket)),
            kKeepalivedV3Ipv6);
}

TEST(KeepalivedGolden, V3UnicastAdvertUsesTheRfcPseudoHeader) {
  const auto advert = decode_packet(from_hex(kKeepalivedV3Unicast));
  ASSERT_TRUE(advert);
  EXPECT_EQ(advert->checksum_style, ChecksumStyle::kRfc);
  EXPECT_EQ(to_hex(encode_advert_packet(*advert, ip("198.18.0.1"), ip("198.18.0.2"), kKeepalivedFirstPacket)),
            kKeepalivedV3Unicast);
}

TEST(ChecksumStyleDetection, OldUnicastChecksumIsRecognisedAndReproduced) {
  const auto advert = decode_packet(from_hex(kKeepalivedV3UnicastOldChecksum));
  ASSERT_TRUE(advert);
  EXPECT_EQ(advert->vrid, 57);
  EXPECT_EQ(advert->checksum_style, ChecksumStyle::kMulticastPseudoHeader);
  EXPECT_EQ(to_hex(encode_advert_packet(*advert, ip("198.18.0.1"), ip("198.18.0.2"), kKeepalivedFirstPacket)),
            kKeepalivedV3UnicastOldChecksum);
}

TEST(ChecksumStyleDetection, ChecksumWithoutPseudoHeaderIsRecognisedAndReproduced) {
  const RxMeta meta{.source = ip("198.18.0.1"), .destination = ip("224.0.0.18"), .ttl_or_hop_limit = 255};
  const auto advert = decode_advert(from_hex(kV3Ipv4WithoutPseudoHeader), meta);
  ASSERT_TRUE(advert);
  EXPECT_EQ(advert->checksum_style, ChecksumStyle::kWithoutPseudoHeader);
  EXPECT_EQ(to_hex(encode_advert(*advert, meta.source, meta.destination)), kV3Ipv4WithoutPseudoHeader);
}

TEST(ChecksumStyleDetection, Ipv4V2AndIpv6AcceptOnlyTheirOneConvention) {
  // A VRRPv2 checksum that includes a pseudo-header does not verify: v2 never has one.
  const Advert v2{.version = 2, .vrid = 9, .addresses = {ip("198.18.0.9")}};
  auto bytes = encode_advert(v2, ip("198.18.0.1"), ip("224.0.0.18"));
  bytes[6] = bytes[7] = std::byte{0};
  ChecksumAccumulator sum;
  add_pseudo_header(sum, ip("198.18.0.1"), ip("224.0.0.18"), kVrrpProtocol, static_cast<std::uint32_t>(bytes.size()));
  sum.add(bytes);
  bytes[6] = std::byte{static_cast<std::uint8_t>(sum.finish() >> 8)};
  bytes[7] = std::byte{static_cast<std::uint8_t>(sum.finish())};
  const RxMeta meta{.source = ip("198.18.0.1"), .destination = ip("224.0.0.18"), .ttl_or_hop_limit = 255};
  EXPECT_EQ(reason_name(decode_advert(bytes, meta)), "bad-checksum");

  // IPv6 always sums its pseudo-header (RFC 5798 §5.2.8), whatever style is asked for.
  const Advert v6{.version = 3,
                  .vrid = 9,
                  .family = Family::kIpv6,
                  .addresses = {ip("2001:db8::9")},
                  .checksum_style = ChecksumStyle::kWithoutPseudoHeader};
  const auto v6_bytes = encode_advert(v6, ip("fe80::1"), ip("ff02::12"));
  const RxMeta meta6{
      .source = ip("fe80::1"), .destination = ip("ff02::12"), .ttl_or_hop_limit = 255, .family = Family::kIpv6};
  const auto decoded = decode_advert(v6_bytes, meta6);
  ASSERT_TRUE(decoded);
  EXPECT_EQ(decoded->checksum_style, ChecksumStyle::kRfc);
}

TEST(ChecksumStyleDetection, CorruptedChecksumIsDroppedWithTheFieldValue) {
  auto packet = from_hex(kKeepalivedV3Ipv4);
  packet[20 + 7] ^= std::byte{0x01};  // checksum 0xe94a -> 0xe94b
  const auto advert = decode_packet(packet);
  ASSERT_FALSE(advert);
  EXPECT_EQ(reason_name(advert), to_string(DropReason::kBadChecksum));
  EXPECT_EQ(advert.error().got, 0xe94bu);
  EXPECT_EQ(advert.error().vrid, 52);
}

TEST(KeepalivedGolden, AhMulticastAdvertVerifiesAndDecodes) {
  const auto packet = from_hex(kKeepalivedV2AhMulticast);
  const auto ah = verify_ah(packet, make_auth_data("ahkey"), AhTtlHandling::kIncluded);
  ASSERT_TRUE(ah) << to_string(ah.error().reason);
  EXPECT_EQ(ah->sequence, 1u);
  EXPECT_EQ(ah->spi, 0xc6120001u);  // 198.18.0.1
  const auto advert = decode_packet(packet);
  ASSERT_TRUE(advert);
  EXPECT_EQ(advert->vrid, 54);
  EXPECT_EQ(advert->auth_type, AuthType::kAh);
  EXPECT_EQ(advert->auth_data, AuthData{});
}

TEST(KeepalivedGolden, AhUnicastAdvertVerifiesOnlyWithTheTtlZeroed) {
  const auto packet = from_hex(kKeepalivedV2AhUnicast);
  EXPECT_TRUE(verify_ah(packet, make_auth_data("uni-ah"), AhTtlHandling::kZeroed));
  EXPECT_EQ(reason_name(verify_ah(packet, make_auth_data("uni-ah"), AhTtlHandling::kIncluded)),
            to_string(DropReason::kAuthFailure));
}

TEST(KeepalivedGolden, KeelEncodesBothAhAdvertsByteForByte) {
  const Advert multicast{.version = 2,
                         .vrid = 54,
                         .priority = 140,
                         .addresses = {ip("198.18.0.103")},
                         .auth_type = AuthType::kAh,
                         .adver_int_s = 1};
  const AhSendOptions first{.key = make_auth_data("ahkey"),
                            .sequence = 1,
                            .ttl = AhTtlHandling::kIncluded,
                            .ip = kKeepalivedFirstPacket.ipv4};
  EXPECT_EQ(to_hex(encode_ah_advert_packet(multicast, ip("198.18.0.1"), ip("224.0.0.18"), first)),
            kKeepalivedV2AhMulticast);

  const Advert unicast{.version = 2,
                       .vrid = 58,
                       .priority = 100,
                       .addresses = {ip("198.18.0.106")},
                       .auth_type = AuthType::kAh,
                       .adver_int_s = 1};
  const AhSendOptions first_unicast{
      .key = make_auth_data("uni-ah"), .sequence = 1, .ttl = AhTtlHandling::kZeroed, .ip = kKeepalivedFirstPacket.ipv4};
  EXPECT_EQ(to_hex(encode_ah_advert_packet(unicast, ip("198.18.0.1"), ip("198.18.0.2"), first_unicast)),
            kKeepalivedV2AhUnicast);
}

TEST(AuthAh, WrongKeyAndForeignSpiAreRefused) {
  auto packet = from_hex(kKeepalivedV2AhMulticast);
  EXPECT_EQ(reason_name(verify_ah(packet, make_auth_data("ahkez"), AhTtlHandling::kIncluded)),
            to_string(DropReason::kAuthFailure));
  // An SPI other than the source address, with a valid ICV over it: keepalived's rule.
  packet[20 + 7] = std::byte{0x09};
  const auto icv = compute_ah_icv(packet, make_auth_data("ahkey"), AhTtlHandling::kIncluded);
  ASSERT_TRUE(icv);
  std::ranges::copy(*icv, packet.begin() + 20 + 12);
  const auto ah = verify_ah(packet, make_auth_data("ahkey"), AhTtlHandling::kIncluded);
  ASSERT_FALSE(ah);
  EXPECT_EQ(reason_name(ah), to_string(DropReason::kAhSpiMismatch));
  EXPECT_EQ(ah.error().vrid, 54);
}

TEST(AuthAh, ChangedMutableFieldsKeepTheIcvValid) {
  auto packet = from_hex(kKeepalivedV2AhMulticast);
  packet[1] = std::byte{0x00};  // TOS rewritten by a switch
  packet[6] = std::byte{0x40};  // DF set
  // Keep the header checksum right so the packet still parses; the ICV ignores it.
  packet[10] = packet[11] = std::byte{0};
  const std::uint16_t checksum = internet_checksum(std::span{packet}.first(20));
  packet[10] = std::byte{static_cast<std::uint8_t>(checksum >> 8)};
  packet[11] = std::byte{static_cast<std::uint8_t>(checksum)};
  EXPECT_TRUE(verify_ah(packet, make_auth_data("ahkey"), AhTtlHandling::kIncluded));
}

TEST(AuthAh, SequenceNumbersMustIncrease) {
  EXPECT_FALSE(check_ah_sequence(8, 7));
  const auto replay = check_ah_sequence(7, 7);
  ASSERT_TRUE(replay);
  EXPECT_EQ(replay->reason, DropReason::kAhReplay);
}

TEST(AuthAh, OnlyV2Ipv4AhAdvertsGetAnAhHeader) {
  const Advert v3{.version = 3, .vrid = 1, .addresses = {ip("198.18.0.1")}};
  EXPECT_THROW(encode_ah_advert_packet(v3, ip("198.18.0.1"), ip("224.0.0.18"), {}), std::invalid_argument);
}

// Every combination the codec supports survives encode -> IP packet -> parse -> decode.
TEST(AdvertRoundTrip, EveryVersionFamilyAndAuthCombinationSurvives) {
  struct Case {
    std::string_view name;
    Advert advert;
    std::string_view source, destination;
  };
  const std::vector<Case> cases = {
      {"v2 IPv4 none",
       {.version = 2, .vrid = 1, .priority = 200, .addresses = {ip("198.18.1.1")}, .adver_int_s = 3},
       "198.18.0.1",
       "224.0.0.18"},
      {"v2 IPv4 PASS",
       {.version = 2,
        .vrid = 2,
        .addresses = {ip("198.18.1.1"), ip("198.18.1.2")},
        .auth_type = AuthType::kPass,
        .auth_data = make_auth_data("pw")},
       "198.18.0.1",
       "224.0.0.18"},
      {"v2 IPv6",
       {.version = 2, .vrid = 3, .family = Family::kIpv6, .addresses = {ip("2001:db8::3")}},
       "fe80::1",
       "ff02::12"},
      {"v3 IPv4",
       {.version = 3, .vrid = 4, .priority = 255, .addresses = {ip("198.18.1.4")}, .max_adver_int_cs = 5},
       "198.18.0.1",
       "224.0.0.18"},
      {"v3 IPv4 unicast", {.version = 3, .vrid = 5, .addresses = {ip("198.18.1.5")}}, "198.18.0.1", "198.18.0.2"},
      {"v3 IPv6",
       {.version = 3,
        .vrid = 6,
        .priority = 0,
        .family = Family::kIpv6,
        .addresses = {ip("2001:db8::6"), ip("2001:db8::7")},
        .max_adver_int_cs = 4095},
       "fe80::1",
       "ff02::12"},
      {"v3 IPv4 no addresses", {.version = 3, .vrid = 7}, "198.18.0.1", "224.0.0.18"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    const auto packet = encode_advert_packet(c.advert, ip(c.source), ip(c.destination));
    const auto decoded = decode_packet(packet);
    ASSERT_TRUE(decoded) << to_string(decoded.error().reason);
    EXPECT_EQ(*decoded, c.advert);
  }
}

TEST(AdvertRoundTrip, V2AhSurvivesVerificationAndDecoding) {
  const Advert advert{.version = 2,
                      .vrid = 9,
                      .priority = 99,
                      .addresses = {ip("198.18.1.9")},
                      .auth_type = AuthType::kAh,
                      .adver_int_s = 2};
  const AhSendOptions options{.key = make_auth_data("longer-than-8"), .sequence = 42};
  const auto packet = encode_ah_advert_packet(advert, ip("198.18.0.1"), ip("224.0.0.18"), options);
  const auto ah = verify_ah(packet, make_auth_data("longer-t"), AhTtlHandling::kIncluded);  // 8 octets count
  ASSERT_TRUE(ah);
  EXPECT_EQ(ah->sequence, 42u);
  const auto decoded = decode_packet(packet);
  ASSERT_TRUE(decoded);
  EXPECT_EQ(*decoded, advert);
}

TEST(AdvertRoundTrip, AllTwoHundredFiftyFiveAddressesFit) {
  Advert advert{.version = 2, .vrid = 10};
  for (int i = 0; i < 255; ++i) {
    EXPECT_TRUE(advert.addresses.push_back(ip("198.18.2." + std::to_string(i))));
  }
  EXPECT_FALSE(advert.addresses.push_back(ip("198.18.3.0")));
  const auto packet = encode_advert_packet(advert, ip("198.18.0.1"), ip("224.0.0.18"));
  EXPECT_EQ(packet.size(), 20 + advert_length(2, Family::kIpv4, 255));
  const auto decoded = decode_packet(packet);
  ASSERT_TRUE(decoded);
  EXPECT_EQ(*decoded, advert);
}

TEST(AdvertInterval, ReadsSecondsFromV2AndCentisecondsFromV3) {
  EXPECT_EQ(advert_interval(Advert{.version = 2, .adver_int_s = 3}), std::chrono::seconds{3});
  EXPECT_EQ(advert_interval(Advert{.version = 3, .max_adver_int_cs = 5}), std::chrono::milliseconds{50});
}

TEST(AdvertEncode, PriorityRewriteKeepsTheChecksumValid) {
  const Advert advert{.version = 3, .vrid = 52, .priority = 120, .addresses = {ip("198.18.0.102")}};
  auto bytes = encode_advert(advert, ip("198.18.0.1"), ip("224.0.0.18"));
  set_encoded_priority(bytes, 0);  // graceful resignation (RFC 5798 §6.4.3)
  Advert resigning = advert;
  resigning.priority = 0;
  EXPECT_EQ(bytes, encode_advert(resigning, ip("198.18.0.1"), ip("224.0.0.18")));
}

TEST(AdvertEncode, RefusesAddressesOfTheOtherFamilyAndUnknownVersions) {
  const Advert mixed{.version = 3, .vrid = 1, .addresses = {ip("2001:db8::1")}};
  EXPECT_THROW(encode_advert(mixed, ip("198.18.0.1"), ip("224.0.0.18")), std::invalid_argument);
  const Advert v4{.version = 4, .vrid = 1};
  EXPECT_THROW(encode_advert(v4, ip("198.18.0.1"), ip("224.0.0.18")), std::invalid_argument);
}

TEST(AdvertDecode, ShortTruncatedOverlongAndUnknownVersionPacketsAreDropped) {
  const RxMeta meta{.source = ip("198.18.0.1"), .destination = ip("224.0.0.18"), .ttl_or_hop_limit = 255};
  const auto good = from_hex("313478010064e94ac6120066");

  const auto one_byte = decode_advert(std::span{good}.first(1), meta);
  ASSERT_FALSE(one_byte);
  EXPECT_EQ(reason_name(one_byte), to_string(DropReason::kTooShort));
  EXPECT_EQ(one_byte.error().vrid, kVridNotRead);

  const auto truncated = decode_advert(std::span{good}.first(10), meta);
  ASSERT_FALSE(truncated);
  EXPECT_EQ(truncated.error(), (Drop{.reason = DropReason::kTooShort, .vrid = 52, .got = 10, .expected = 12}));

  auto longer = good;
  longer.push_back(std::byte{0});
  EXPECT_EQ(reason_name(decode_advert(longer, meta)), to_string(DropReason::kLengthMismatch));

  auto v4 = good;
  v4[0] = std::byte{0x41};
  EXPECT_EQ(reason_name(decode_advert(v4, meta)), to_string(DropReason::kVersionMismatch));
}

TEST(IpPacket, CaptureParsingIgnoresEthernetPaddingAndChecksTheHeader) {
  auto packet = from_hex(kKeepalivedV3Ipv4);
  packet.resize(46, std::byte{0});  // padded to the 60-octet Ethernet minimum
  ASSERT_TRUE(decode_packet(packet));

  auto bad_checksum = from_hex(kKeepalivedV3Ipv4);
  bad_checksum[11] ^= std::byte{1};
  EXPECT_EQ(reason_name(parse_ip_packet(bad_checksum)), to_string(DropReason::kBadIpHeader));

  const auto tcp = encode_advert_packet({.version = 3, .vrid = 1}, ip("198.18.0.1"), ip("224.0.0.18"));
  auto wrong_protocol = tcp;
  wrong_protocol[9] = std::byte{6};
  wrong_protocol[10] = wrong_protocol[11] = std::byte{0};
  const std::uint16_t checksum = internet_checksum(std::span{wrong_protocol}.first(20));
  wrong_protocol[10] = std::byte{static_cast<std::uint8_t>(checksum >> 8)};
  wrong_protocol[11] = std::byte{static_cast<std::uint8_t>(checksum)};
  EXPECT_EQ(reason_name(parse_ip_packet(wrong_protocol)), to_string(DropReason::kBadIpHeader));

  EXPECT_EQ(reason_name(parse_ip_packet(std::span{tcp}.first(19))), to_string(DropReason::kTooShort));
  EXPECT_EQ(reason_name(parse_ip_packet(std::span{tcp}.first(25))), to_string(DropReason::kTooShort));

  auto v6 = from_hex(kKeepalivedV3Ipv6);
  v6[6] = std::byte{0};  // next header: hop-by-hop options, not followed
  EXPECT_EQ(reason_name(parse_ip_packet(v6)), to_string(DropReason::kBadIpHeader));
}

TEST(IpPacket, Ipv4HeaderHasTtl255Protocol112DfAndAValidChecksumByDefault) {
  const auto packet = encode_advert_packet({.version = 3, .vrid = 1}, ip("198.18.0.1"), ip("224.0.0.18"));
  ASSERT_EQ(packet.size(), 28u);
  EXPECT_EQ(to_hex(std::span{packet}.first(10)), "45c0001c00004000ff70");
  EXPECT_EQ(internet_checksum(std::span{packet}.first(20)), 0);
}

}  // namespace
}  // namespace keel::vrrp

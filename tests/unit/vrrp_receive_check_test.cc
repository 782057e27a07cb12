// Receive validation (RFC 5798 §7.1, RFC 3768 §7.1): every drop reason, the log-only
// address warnings, the log lines and the counters. Packets go through the same steps the
// socket adapter takes: parse_ip_packet -> verify_ah (AH only) -> decode_advert ->
// check_advert.
#include <gtest/gtest.h>

#include <atomic>
#include <cstdlib>
#include <new>
#include <set>
#include <string>
#include <vector>

#include "vrrp/packet/advert.h"
#include "vrrp/packet/auth_ah.h"
#include "vrrp/packet/drop.h"
#include "vrrp/packet/ip_packet.h"
#include "vrrp/packet/receive_check.h"

// Counts heap allocations so a test can show that the receive path makes none.
namespace {
std::atomic<long> g_allocations{0};
}  // namespace

// g++ 12 takes a replaced operator new/delete pair built on malloc/free for a mismatch.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"
void* operator new(std::size_t size) {
  ++g_allocations;
  if (void* memory = std::malloc(size == 0 ? 1 : size)) return memory;
  throw std::bad_alloc();
}
void operator delete(void* memory) noexcept { std::free(memory); }
void operator delete(void* memory, std::size_t) noexcept { std::free(memory); }
#pragma GCC diagnostic pop

namespace keel::vrrp {
namespace {

using config::Family;
using config::IpAddress;

IpAddress ip(std::string_view text) { return *IpAddress::parse(text); }

// The receive path of one packet for one instance (nullptr: the demux found none),
// as the adapter runs it; "accepted" or the drop reason's name.
struct Outcome {
  std::string result;
  Warnings warnings;
  std::optional<Drop> drop;
};

Outcome receive(std::span<const std::byte> packet, const InstanceView* instance) {
  const auto fail = [](const Drop& drop) { return Outcome{std::string{to_string(drop.reason)}, {}, drop}; };
  const auto parsed = parse_ip_packet(packet);
  if (!parsed) return fail(parsed.error());
  if (parsed->ah && instance != nullptr) {
    const auto ah = verify_ah(packet, instance->auth_key, AhTtlHandling::kIncluded);
    if (!ah) return fail(ah.error());
  }
  const auto advert = decode_advert(parsed->vrrp, parsed->meta);
  if (!advert) return fail(advert.error());
  const auto checked = check_advert(*advert, parsed->meta, instance);
  if (!checked) return fail(checked.error());
  return Outcome{"accepted", *checked, std::nullopt};
}

class ReceiveCheck : public ::testing::Test {
 protected:
  // The instance: VRID 51, VRRPv3, VIPs 198.18.0.100 and .101, multicast.
  std::vector<IpAddress> vips_ = {ip("198.18.0.100"), ip("198.18.0.101")};
  std::vector<IpAddress> vips6_ = {ip("2001:db8::100")};
  std::vector<config::UnicastPeer> peers_;
  InstanceView view_{.vrid = 51, .version = 3, .virtual_addresses = vips_};

  // What a correct peer sends for view_, as a whole IP packet.
  Advert advert_{.version = 3, .vrid = 51, .priority = 100, .addresses = {ip("198.18.0.100"), ip("198.18.0.101")}};
  IpAddress source_ = ip("198.18.0.2");
  IpAddress destination_ = ip("224.0.0.18");
  PacketOptions options_;

  std::vector<std::byte> packet() const { return encode_advert_packet(advert_, source_, destination_, options_); }
  Outcome receive_one() const { return receive(packet(), &view_); }

  void use_v2_pass(std::string_view password) {
    view_.version = 2;
    view_.auth_type = AuthType::kPass;
    view_.auth_key = make_auth_data("secret");
    advert_.version = 2;
    advert_.auth_type = AuthType::kPass;
    advert_.auth_data = make_auth_data(password);
  }
  void use_ipv6(std::string_view source) {
    view_.family = Family::kIpv6;
    view_.virtual_addresses = vips6_;
    advert_.family = Family::kIpv6;
    advert_.addresses = {ip("2001:db8::100")};
    source_ = ip(source);
    destination_ = ip("ff02::12");
  }
  void use_unicast(std::optional<int> min_ttl = std::nullopt, std::optional<int> max_ttl = std::nullopt) {
    peers_ = {{.address = ip("198.18.0.2"), .min_ttl = min_ttl, .max_ttl = max_ttl}, {.address = ip("198.18.0.3")}};
    view_.unicast_peers = peers_;
    destination_ = ip("198.18.0.1");
  }
};

TEST_F(ReceiveCheck, MatchingV3AdvertIsAcceptedWithoutWarnings) {
  const Outcome outcome = receive_one();
  EXPECT_EQ(outcome.result, "accepted");
  EXPECT_FALSE(outcome.warnings.any());
}

TEST_F(ReceiveCheck, MatchingV2PassAdvertIsAccepted) {
  use_v2_pass("secret");
  EXPECT_EQ(receive_one().result, "accepted");
}

TEST_F(ReceiveCheck, AdvertForAVridWithoutInstanceIsUnknownVrid) {
  EXPECT_EQ(receive(packet(), nullptr).result, "unknown-vrid");
  advert_.vrid = 52;
  EXPECT_EQ(receive_one().result, "unknown-vrid");
}

TEST_F(ReceiveCheck, Ipv6AdvertForAnIpv4InstanceIsAFamilyMismatch) {
  use_ipv6("fe80::2");
  view_.family = Family::kIpv4;
  const Outcome outcome = receive_one();
  EXPECT_EQ(outcome.result, "family-mismatch");
  EXPECT_EQ(format_drop_log(*outcome.drop, source_),
            "VRRP: dropped advert from fe80::2 (VRID 51): IPv6 advert for an IPv4 instance");
}

TEST_F(ReceiveCheck, TtlOtherThan255IsDroppedAndLoggedWithTheSender) {
  options_.ipv4.ttl = 64;
  const Outcome outcome = receive_one();
  ASSERT_EQ(outcome.result, "ttl-not-255");
  EXPECT_EQ(format_drop_log(*outcome.drop, source_),
            "VRRP: dropped advert from 198.18.0.2 (VRID 51): TTL 64, expected 255");
}

TEST_F(ReceiveCheck, Ipv6HopLimitOtherThan255IsDroppedAndCalledHopLimit) {
  use_ipv6("fe80::2");
  options_.ipv6.hop_limit = 1;
  const Outcome outcome = receive_one();
  ASSERT_EQ(outcome.result, "ttl-not-255");
  EXPECT_EQ(format_drop_log(*outcome.drop, source_),
            "VRRP: dropped advert from fe80::2 (VRID 51): hop limit 1, expected 255");
}

TEST_F(ReceiveCheck, UnicastPeerTtlRangeReplacesTheFixed255) {
  use_unicast(10, 64);
  options_.ipv4.ttl = 60;  // crossed routers: allowed by min_ttl/max_ttl, as keepalived
  EXPECT_EQ(receive_one().result, "accepted");
  options_.ipv4.ttl = 5;
  const Outcome outcome = receive_one();
  ASSERT_EQ(outcome.result, "ttl-not-255");
  EXPECT_EQ(format_drop_log(*outcome.drop, source_),
            "VRRP: dropped advert from 198.18.0.2 (VRID 51): TTL 5, expected 10..64");
}

TEST_F(ReceiveCheck, UnicastPeerWithoutTtlRangeStillNeeds255) {
  use_unicast();
  options_.ipv4.ttl = 254;
  EXPECT_EQ(receive_one().result, "ttl-not-255");
}

TEST_F(ReceiveCheck, OtherVersionThanTheInstancesIsDropped) {
  advert_.version = 2;
  const Outcome outcome = receive_one();
  ASSERT_EQ(outcome.result, "version-mismatch");
  EXPECT_EQ(format_drop_log(*outcome.drop, source_),
            "VRRP: dropped advert from 198.18.0.2 (VRID 51): version 2, expected 3");
}

TEST_F(ReceiveCheck, TypeOtherThanAdvertisementIsDropped) {
  advert_.type = 2;
  EXPECT_EQ(receive_one().result, "bad-type");
}

TEST_F(ReceiveCheck, AddressOwnerDropsAdvertsForItsVrid) {
  view_.is_address_owner = true;
  EXPECT_EQ(receive_one().result, "local-is-owner");
}

TEST_F(ReceiveCheck, Ipv6MulticastAdvertMustComeFromALinkLocalAddress) {
  use_ipv6("2001:db8::2");
  EXPECT_EQ(receive_one().result, "source-not-link-local");
  use_ipv6("fe80::2");
  EXPECT_EQ(receive_one().result, "accepted");
}

TEST_F(ReceiveCheck, Ipv6UnicastAdvertMayComeFromAGlobalUnicastSrcIp) {
  use_ipv6("2001:db8::2");
  peers_ = {{.address = ip("2001:db8::2")}};
  view_.unicast_peers = peers_;
  destination_ = ip("2001:db8::1");
  EXPECT_EQ(receive_one().result, "accepted");
}

TEST_F(ReceiveCheck, CheckUnicastSrcDropsSendersThatAreNoPeer) {
  use_unicast();
  source_ = ip("198.18.0.9");
  EXPECT_EQ(receive_one().result, "accepted");  // check_unicast_src off: anyone may send
  view_.check_unicast_src = true;
  EXPECT_EQ(receive_one().result, "source-not-peer");
  source_ = ip("198.18.0.3");
  EXPECT_EQ(receive_one().result, "accepted");
}

TEST_F(ReceiveCheck, V2AuthTypeMustMatchTheConfiguredOne) {
  use_v2_pass("secret");
  advert_.auth_type = AuthType::kNone;
  const Outcome outcome = receive_one();
  ASSERT_EQ(outcome.result, "auth-type-mismatch");
  EXPECT_EQ(format_drop_log(*outcome.drop, source_),
            "VRRP: dropped advert from 198.18.0.2 (VRID 51): auth type 0 (none), expected 1 (PASS)");
}

TEST_F(ReceiveCheck, V2PassWithAnotherPasswordIsAnAuthFailure) {
  use_v2_pass("secreT");
  EXPECT_EQ(receive_one().result, "auth-failure");
}

TEST_F(ReceiveCheck, V2AdvertIntervalMustMatchTheConfiguredOne) {
  use_v2_pass("secret");
  advert_.adver_int_s = 2;
  const Outcome outcome = receive_one();
  ASSERT_EQ(outcome.result, "interval-mismatch");
  EXPECT_EQ(format_drop_log(*outcome.drop, source_),
            "VRRP: dropped advert from 198.18.0.2 (VRID 51): advert interval 2 s, expected 1 s");
}

TEST_F(ReceiveCheck, V3AdvertIntervalIsLearnedNotChecked) {
  advert_.max_adver_int_cs = 25;  // RFC 5798 §6.4.2: a backup adopts the master's interval
  EXPECT_EQ(receive_one().result, "accepted");
}

TEST_F(ReceiveCheck, AddressCountMismatchIsOnlyAWarning) {
  advert_.addresses = {ip("198.18.0.100")};
  const Outcome outcome = receive_one();
  ASSERT_EQ(outcome.result, "accepted");
  EXPECT_TRUE(outcome.warnings.address_count_mismatch);
  EXPECT_EQ(format_warning_log(outcome.warnings, advert_, {.source = source_}, view_),
            "VRRP: advert from 198.18.0.2 (VRID 51): 1 addresses, 2 configured");
}

TEST_F(ReceiveCheck, DifferentAddressListIsOnlyAWarningAndOrderDoesNotMatter) {
  advert_.addresses = {ip("198.18.0.101"), ip("198.18.0.100")};
  EXPECT_EQ(receive_one().warnings, Warnings{});
  advert_.addresses = {ip("198.18.0.100"), ip("198.18.0.199")};
  const Outcome outcome = receive_one();
  ASSERT_EQ(outcome.result, "accepted");
  EXPECT_EQ(outcome.warnings, (Warnings{.address_list_mismatch = true}));
}

TEST_F(ReceiveCheck, DecodeDropsIncompleteOverlongCorruptAndUnknownVersionPackets) {
  const auto bytes = packet();
  EXPECT_EQ(receive(std::span{bytes}.first(bytes.size() - 1), &view_).result, "too-short");  // IP length says more

  auto count = bytes;
  count[20 + 3] = std::byte{1};  // two addresses follow a count of one
  EXPECT_EQ(receive(count, &view_).result, "length-mismatch");
  count[20 + 3] = std::byte{3};  // a third address is missing
  EXPECT_EQ(receive(count, &view_).result, "too-short");

  auto corrupt = bytes;
  corrupt.back() ^= std::byte{0x80};
  EXPECT_EQ(receive(corrupt, &view_).result, "bad-checksum");

  auto version = bytes;
  version[20] = std::byte{0x41};
  const Outcome outcome = receive(version, &view_);
  ASSERT_EQ(outcome.result, "version-mismatch");
  EXPECT_EQ(format_drop_log(*outcome.drop, source_),
            "VRRP: dropped advert from 198.18.0.2 (VRID 51): version 4, expected 2 or 3");
}

TEST_F(ReceiveCheck, UnparsableIpAndAhHeadersAreDropped) {
  auto bytes = packet();
  bytes[0] = std::byte{0x55};  // IPv5
  EXPECT_EQ(receive(bytes, &view_).result, "bad-ip-header");

  const Advert ah_advert{.version = 2, .vrid = 51, .addresses = {ip("198.18.0.100")}, .auth_type = AuthType::kAh};
  auto ah = encode_ah_advert_packet(ah_advert, source_, destination_, {});
  ah[20] = std::byte{6};  // AH "next header" TCP
  EXPECT_EQ(receive(ah, &view_).result, "bad-ah-header");
}

TEST_F(ReceiveCheck, AhAdvertsAreAuthenticatedBeforeDecoding) {
  view_.version = 2;
  view_.auth_type = AuthType::kAh;
  view_.auth_key = make_auth_data("ah-key");
  const Advert ah_advert{
      .version = 2, .vrid = 51, .addresses = {ip("198.18.0.100"), ip("198.18.0.101")}, .auth_type = AuthType::kAh};
  AhSendOptions send{.key = make_auth_data("ah-key"), .sequence = 3};
  EXPECT_EQ(receive(encode_ah_advert_packet(ah_advert, source_, destination_, send), &view_).result, "accepted");
  send.key = make_auth_data("other");
  EXPECT_EQ(receive(encode_ah_advert_packet(ah_advert, source_, destination_, send), &view_).result, "auth-failure");

  // The right key but an SPI that is not the sender's address (re-signed after the edit).
  send.key = view_.auth_key;
  auto foreign_spi = encode_ah_advert_packet(ah_advert, source_, destination_, send);
  foreign_spi[20 + 4] = std::byte{10};
  const auto icv = compute_ah_icv(foreign_spi, view_.auth_key, AhTtlHandling::kIncluded);
  ASSERT_TRUE(icv);
  std::ranges::copy(*icv, foreign_spi.begin() + 20 + 12);
  EXPECT_EQ(receive(foreign_spi, &view_).result, "ah-spi-mismatch");

  EXPECT_EQ(to_string(check_ah_sequence(3, 3)->reason), "ah-replay");
  EXPECT_EQ(format_drop_log(*check_ah_sequence(3, 4), source_),
            "VRRP: dropped advert from 198.18.0.2: AH sequence number 3 not above the last one seen, 4");
}

TEST_F(ReceiveCheck, ParseDecodeAndCheckAllocateNothing) {
  const auto bytes = packet();
  ASSERT_GT(g_allocations.load(), 0);  // the counter sees allocations (packet() made some)
  const long before = g_allocations.load();
  const auto parsed = parse_ip_packet(bytes);
  ASSERT_TRUE(parsed);
  const auto advert = decode_advert(parsed->vrrp, parsed->meta);
  ASSERT_TRUE(advert);
  const auto checked = check_advert(*advert, parsed->meta, view_);
  const long after = g_allocations.load();
  EXPECT_TRUE(checked);
  EXPECT_EQ(after - before, 0);
}

TEST(DropReasonNames, AreStableShortAndDistinct) {
  const std::vector<std::string> expected = {"too-short",        "length-mismatch",    "bad-ip-header",
                                             "bad-ah-header",    "family-mismatch",    "ttl-not-255",
                                             "version-mismatch", "bad-type",           "bad-checksum",
                                             "unknown-vrid",     "local-is-owner",     "source-not-link-local",
                                             "source-not-peer",  "auth-type-mismatch", "auth-failure",
                                             "ah-spi-mismatch",  "ah-replay",          "interval-mismatch"};
  ASSERT_EQ(expected.size(), kDropReasonCount);
  for (std::size_t i = 0; i < kDropReasonCount; ++i) {
    EXPECT_EQ(to_string(static_cast<DropReason>(i)), expected[i]);
  }
  EXPECT_EQ(std::set<std::string>(expected.begin(), expected.end()).size(), expected.size());
}

TEST(DropLog, OmitsTheVridWhenThePacketEndedBeforeIt) {
  const Drop drop{.reason = DropReason::kTooShort, .got = 1, .expected = 8};
  EXPECT_EQ(format_drop_log(drop, ip("198.18.0.2")), "VRRP: dropped advert from 198.18.0.2: 1 bytes, need at least 8");
}

TEST(DropCounters, CountPerReasonAndSummariseTheNonZeroOnes) {
  DropCounters counters;
  EXPECT_EQ(counters.summary(), "none");
  counters.add(DropReason::kBadTtl);
  counters.add(DropReason::kBadTtl);
  counters.add(DropReason::kBadChecksum);
  EXPECT_EQ(counters[DropReason::kBadTtl], 2u);
  EXPECT_EQ(counters[DropReason::kAuthFailure], 0u);
  EXPECT_EQ(counters.total(), 3u);
  EXPECT_EQ(counters.summary(), "ttl-not-255=2 bad-checksum=1");
}

}  // namespace
}  // namespace keel::vrrp

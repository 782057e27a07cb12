// Why a received advert was dropped: one enumerated reason per receive check of
// RFC 5798 §7.1 / RFC 3768 §7.1 (plus the framing checks before them), a counter per
// reason, and the one-line log message naming the sender (STYLE.md: "Counters for
// every drop reason").
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "config/ip_address.h"

namespace keel::vrrp {

enum class DropReason : std::uint8_t {
  kTooShort,            // shorter than the VRRP header / its address list / an IP header
  kLengthMismatch,      // more bytes than the header announces, or IP length disagrees
  kBadIpHeader,         // capture path: not IPv4/IPv6, bad IHL, not protocol 112/51
  kBadAhHeader,         // IPsec AH header malformed or not followed by VRRP
  kFamilyMismatch,      // IPv4 advert for an IPv6 instance or the reverse
  kBadTtl,              // §7.1: TTL / hop limit is not 255
  kVersionMismatch,     // §7.1: version is not the instance's (or not 2/3 at all)
  kBadType,             // RFC 5798 §5.2.2: unknown type MUST be discarded
  kBadChecksum,         // §7.1: checksum does not verify under any known convention
  kUnknownVrid,         // §7.1: no instance with this VRID on the interface
  kLocalIsOwner,        // §7.1: the local router is the address owner (priority 255)
  kSourceNotLinkLocal,  // RFC 5798 §5.1.2.1: IPv6 adverts come from a link-local address
  kSourceNotPeer,       // keepalived check_unicast_src: sender is not a unicast_peer
  kAuthTypeMismatch,    // RFC 3768 §7.1: auth type differs from the configured one
  kAuthFailure,         // RFC 2338 §5.3.6: PASS data or AH ICV does not match
  kAhSpiMismatch,       // keepalived AH: SPI must be the sender's IPv4 address
  kAhReplay,            // RFC 2402 §3.4.3: AH sequence number not above the last one
  kIntervalMismatch,    // RFC 3768 §7.1: v2 Adver Int differs from the configured one
};

inline constexpr std::size_t kDropReasonCount = static_cast<std::size_t>(DropReason::kIntervalMismatch) + 1;

// Stable, short, kebab-case names for metrics and logs ("ttl-not-255").
std::string_view to_string(DropReason reason);

inline constexpr int kVridNotRead = -1;

// One drop with the values that explain it; `got`/`expected` mean what the reason says
// (TTL, version, type, byte counts, auth type, interval in seconds, checksum field...).
struct Drop {
  DropReason reason = DropReason::kTooShort;
  int vrid = kVridNotRead;  // 0..255; kVridNotRead when the packet ended before it
  std::uint32_t got = 0;
  std::uint32_t expected = 0;
  std::uint32_t expected_max = 0;  // > expected when a range was allowed (unicast TTL)
  friend bool operator==(const Drop&, const Drop&) = default;
};

// "VRRP: dropped advert from 198.18.0.2 (VRID 51): TTL 64, expected 255"
std::string format_drop_log(const Drop& drop, const config::IpAddress& source);

// Counters indexed by reason. Plain data so a metrics exporter can read it directly.
struct DropCounters {
  std::array<std::uint64_t, kDropReasonCount> counts{};

  void add(DropReason reason) { ++counts[static_cast<std::size_t>(reason)]; }
  std::uint64_t operator[](DropReason reason) const { return counts[static_cast<std::size_t>(reason)]; }
  std::uint64_t total() const;
  // The non-zero counters on one line: "ttl-not-255=3 bad-checksum=1" ("none" if all 0).
  std::string summary() const;
};

}  // namespace keel::vrrp

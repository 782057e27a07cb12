// Names and log lines for receive drops; see drop.h.
#include "vrrp/packet/drop.h"

#include <numeric>

namespace keel::vrrp {

namespace {

std::string num(std::uint32_t value) { return std::to_string(value); }

std::string hex16(std::uint32_t value) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out = "0x";
  for (int shift = 12; shift >= 0; shift -= 4) out += kDigits[(value >> shift) & 0xf];
  return out;
}

std::string auth_name(std::uint32_t type) {
  switch (type) {
    case 0:
      return "0 (none)";
    case 1:
      return "1 (PASS)";
    case 2:
      return "2 (AH)";
    default:
      return num(type);
  }
}

std::string family_name(std::uint32_t family) { return family == 6 ? "IPv6" : "IPv4"; }

std::string detail(const Drop& drop, const config::IpAddress& source) {
  switch (drop.reason) {
    case DropReason::kTooShort:
      return num(drop.got) + " bytes, need at least " + num(drop.expected);
    case DropReason::kLengthMismatch:
      return num(drop.got) + " bytes, expected " + num(drop.expected);
    case DropReason::kBadIpHeader:
      return "malformed or unsupported IP header";
    case DropReason::kBadAhHeader:
      return "malformed IPsec AH header";
    case DropReason::kFamilyMismatch:
      return family_name(drop.got) + " advert for an " + family_name(drop.expected) + " instance";
    case DropReason::kBadTtl: {
      std::string text = (source.is_v6() ? "hop limit " : "TTL ") + num(drop.got) + ", expected " + num(drop.expected);
      if (drop.expected_max > drop.expected) text += ".." + num(drop.expected_max);
      return text;
    }
    case DropReason::kVersionMismatch:
      return "version " + num(drop.got) + ", expected " + (drop.expected == 0 ? "2 or 3" : num(drop.expected));
    case DropReason::kBadType:
      return "type " + num(drop.got) + ", expected 1 (ADVERTISEMENT)";
    case DropReason::kBadChecksum:
      return "checksum " + hex16(drop.got) + " does not verify";
    case DropReason::kUnknownVrid:
      return "no instance with this VRID on the interface";
    case DropReason::kLocalIsOwner:
      return "this router is the address owner (priority 255)";
    case DropReason::kSourceNotLinkLocal:
      return "IPv6 source is not link-local (RFC 5798 5.1.2.1)";
    case DropReason::kSourceNotPeer:
      return "source is not a configured unicast_peer";
    case DropReason::kAuthTypeMismatch:
      return "auth type " + auth_name(drop.got) + ", expected " + auth_name(drop.expected);
    case DropReason::kAuthFailure:
      return "authentication data does not match";
    case DropReason::kAhSpiMismatch:
      return "AH SPI does not match the source address";
    case DropReason::kAhReplay:
      return "AH sequence number " + num(drop.got) + " not above the last one seen, " + num(drop.expected);
    case DropReason::kIntervalMismatch:
      return "advert interval " + num(drop.got) + " s, expected " + num(drop.expected) + " s";
  }
  return "unknown reason";
}

}  // namespace

std::string_view to_string(DropReason reason) {
  switch (reason) {
    case DropReason::kTooShort:
      return "too-short";
    case DropReason::kLengthMismatch:
      return "length-mismatch";
    case DropReason::kBadIpHeader:
      return "bad-ip-header";
    case DropReason::kBadAhHeader:
      return "bad-ah-header";
    case DropReason::kFamilyMismatch:
      return "family-mismatch";
    case DropReason::kBadTtl:
      return "ttl-not-255";
    case DropReason::kVersionMismatch:
      return "version-mismatch";
    case DropReason::kBadType:
      return "bad-type";
    case DropReason::kBadChecksum:
      return "bad-checksum";
    case DropReason::kUnknownVrid:
      return "unknown-vrid";
    case DropReason::kLocalIsOwner:
      return "local-is-owner";
    case DropReason::kSourceNotLinkLocal:
      return "source-not-link-local";
    case DropReason::kSourceNotPeer:
      return "source-not-peer";
    case DropReason::kAuthTypeMismatch:
      return "auth-type-mismatch";
    case DropReason::kAuthFailure:
      return "auth-failure";
    case DropReason::kAhSpiMismatch:
      return "ah-spi-mismatch";
    case DropReason::kAhReplay:
      return "ah-replay";
    case DropReason::kIntervalMismatch:
      return "interval-mismatch";
  }
  return "unknown";
}

std::string format_drop_log(const Drop& drop, const config::IpAddress& source) {
  std::string line = "VRRP: dropped advert from " + source.to_string();
  if (drop.vrid != kVridNotRead) line += " (VRID " + std::to_string(drop.vrid) + ")";
  return line + ": " + detail(drop, source);
}

std::uint64_t DropCounters::total() const { return std::accumulate(counts.begin(), counts.end(), std::uint64_t{0}); }

std::string DropCounters::summary() const {
  std::string out;
  for (std::size_t i = 0; i < counts.size(); ++i) {
    if (counts[i] == 0) continue;
    if (!out.empty()) out += ' ';
    out += std::string{to_string(static_cast<DropReason>(i))} + "=" + std::to_string(counts[i]);
  }
  return out.empty() ? "none" : out;
}

}  // namespace keel::vrrp

// VRRP advert codec; see advert.h for the formats and the RFC sections.
#include "vrrp/packet/advert.h"

#include <algorithm>
#include <stdexcept>

#include "vrrp/packet/address_io.h"
#include "vrrp/packet/checksum.h"

namespace keel::vrrp {

namespace {

using config::Family;
using config::IpAddress;

bool has_auth_data(std::uint8_t version, Family family) { return version == 2 && family == Family::kIpv4; }

// The checksum of `vrrp` (its checksum field included, so a valid one sums to zero, or
// with the field zeroed, so the result is the value to store) under `style`.
std::uint16_t vrrp_checksum(std::span<const std::byte> vrrp, std::uint8_t version, Family family, ChecksumStyle style,
                            const IpAddress& source, const IpAddress& destination) {
  ChecksumAccumulator sum;
  // RFC 5798 §5.2.8 pseudo-header for v3; IPv6 always, since keepalived's kernel-computed
  // (IPV6_CHECKSUM) v2-over-IPv6 checksum included it too.
  const bool pseudo = family == Family::kIpv6 || (version == 3 && style != ChecksumStyle::kWithoutPseudoHeader);
  if (pseudo) {
    const IpAddress& dst = style == ChecksumStyle::kMulticastPseudoHeader && family == Family::kIpv4
                               ? vrrp_multicast_group(Family::kIpv4)
                               : destination;
    add_pseudo_header(sum, source, dst, kVrrpProtocol, static_cast<std::uint32_t>(vrrp.size()));
  }
  sum.add(vrrp);
  return sum.finish();
}

// Which convention makes the received checksum verify, RFC first (§7.1 "MUST verify").
std::optional<ChecksumStyle> matching_style(std::span<const std::byte> vrrp, std::uint8_t version, const RxMeta& meta) {
  const auto verifies = [&](ChecksumStyle style) {
    return vrrp_checksum(vrrp, version, meta.family, style, meta.source, meta.destination) == 0;
  };
  if (verifies(ChecksumStyle::kRfc)) return ChecksumStyle::kRfc;
  if (version != 3 || meta.family != Family::kIpv4) return std::nullopt;
  if (verifies(ChecksumStyle::kWithoutPseudoHeader)) return ChecksumStyle::kWithoutPseudoHeader;
  // Sent to 224.0.0.18 the old convention is the RFC one, already tried.
  if (meta.destination != vrrp_multicast_group(Family::kIpv4) && verifies(ChecksumStyle::kMulticastPseudoHeader))
    return ChecksumStyle::kMulticastPseudoHeader;
  return std::nullopt;
}

}  // namespace

AuthData make_auth_data(std::string_view password) {
  AuthData data{};
  const std::size_t count = std::min(password.size(), data.size());
  for (std::size_t i = 0; i < count; ++i) data[i] = static_cast<std::byte>(password[i]);
  return data;
}

std::string_view to_string(ChecksumStyle style) {
  switch (style) {
    case ChecksumStyle::kRfc:
      return "rfc";
    case ChecksumStyle::kWithoutPseudoHeader:
      return "without-pseudo-header";
    case ChecksumStyle::kMulticastPseudoHeader:
      return "multicast-pseudo-header";
  }
  return "unknown";
}

IpAddress vrrp_multicast_group(Family family) {
  IpAddress group;
  group.family = family;
  if (family == Family::kIpv6) {
    group.bytes[0] = 0xff;
    group.bytes[1] = 0x02;
    group.bytes[15] = 0x12;
  } else {
    group.bytes = {224, 0, 0, 18};
  }
  return group;
}

AddressList::AddressList(std::initializer_list<IpAddress> addresses) {
  for (const IpAddress& address : addresses) {
    if (!push_back(address)) throw std::invalid_argument("VRRP advert: more than 255 addresses");
  }
}

bool AddressList::push_back(const IpAddress& address) {
  if (size_ == kCapacity) return false;
  items_[size_++] = address;
  return true;
}

bool operator==(const AddressList& a, const AddressList& b) { return std::ranges::equal(a.view(), b.view()); }

std::chrono::microseconds advert_interval(const Advert& advert) {
  if (advert.version == 2) return std::chrono::seconds{advert.adver_int_s};
  return std::chrono::milliseconds{10} * advert.max_adver_int_cs;
}

std::size_t advert_length(std::uint8_t version, Family family, std::size_t address_count) {
  return kVrrpHeaderLength + address_count * address_size(family) +
         (has_auth_data(version, family) ? kAuthDataLength : 0);
}

std::expected<Advert, Drop> decode_advert(std::span<const std::byte> vrrp, const RxMeta& meta) {
  ByteReader reader{vrrp};
  Advert advert;
  const std::uint8_t version_type = reader.u8();
  advert.vrid = reader.u8();
  advert.priority = reader.u8();
  const std::uint8_t count = reader.u8();
  const std::uint16_t version_word = reader.u16();  // v2: auth type, adver int; v3: rsvd, max adver int
  const std::uint16_t checksum = reader.u16();
  const int vrid = vrrp.size() >= 2 ? advert.vrid : kVridNotRead;
  if (!reader.ok()) {
    return std::unexpected(Drop{.reason = DropReason::kTooShort,
                                .vrid = vrid,
                                .got = static_cast<std::uint32_t>(vrrp.size()),
                                .expected = kVrrpHeaderLength});
  }

  advert.version = version_type >> 4;
  advert.type = version_type & 0x0f;
  advert.family = meta.family;
  if (advert.version != 2 && advert.version != 3)
    return std::unexpected(Drop{.reason = DropReason::kVersionMismatch, .vrid = vrid, .got = advert.version});

  // §7.1 "MUST verify that the received packet contains the complete VRRP packet";
  // trailing bytes mean the count is wrong, and keepalived refuses those too.
  const std::size_t expected = advert_length(advert.version, meta.family, count);
  if (vrrp.size() != expected) {
    return std::unexpected(Drop{.reason = vrrp.size() < expected ? DropReason::kTooShort : DropReason::kLengthMismatch,
                                .vrid = vrid,
                                .got = static_cast<std::uint32_t>(vrrp.size()),
                                .expected = static_cast<std::uint32_t>(expected)});
  }

  const auto style = matching_style(vrrp, advert.version, meta);
  if (!style) return std::unexpected(Drop{.reason = DropReason::kBadChecksum, .vrid = vrid, .got = checksum});
  advert.checksum_style = *style;

  if (advert.version == 2) {
    advert.auth_type = static_cast<AuthType>(version_word >> 8);
    advert.adver_int_s = static_cast<std::uint8_t>(version_word);
  } else {
    advert.max_adver_int_cs = version_word & kMaxAdverIntMask;  // rsvd bits ignored (§5.2.7)
  }
  for (std::size_t i = 0; i < count; ++i) advert.addresses.push_back(read_address(reader, meta.family));
  if (has_auth_data(advert.version, meta.family)) reader.copy_to(advert.auth_data);
  return advert;
}

void encode_advert(const Advert& advert, const IpAddress& source, const IpAddress& destination, ByteWriter& out) {
  if (advert.version != 2 && advert.version != 3) throw std::invalid_argument("VRRP advert: version must be 2 or 3");
  const bool same_family =
      std::ranges::all_of(advert.addresses, [&](const IpAddress& a) { return a.family == advert.family; });
  if (!same_family || source.family != advert.family || destination.family != advert.family)
    throw std::invalid_argument("VRRP advert: addresses of another family than the advert's");

  const std::size_t start = out.size();
  out.u8(static_cast<std::uint8_t>(advert.version << 4 | (advert.type & 0x0f)));
  out.u8(advert.vrid);
  out.u8(advert.priority);
  out.u8(static_cast<std::uint8_t>(advert.addresses.size()));
  if (advert.version == 2) {
    out.u8(static_cast<std::uint8_t>(advert.auth_type));
    out.u8(advert.adver_int_s);
  } else {
    out.u16(advert.max_adver_int_cs & kMaxAdverIntMask);  // rsvd MUST be zero (§5.2.7)
  }
  const std::size_t checksum_offset = out.size();
  out.u16(0);
  for (const IpAddress& address : advert.addresses) {
    write_address(out, address);
  }
  if (has_auth_data(advert.version, advert.family)) {
    // RFC 2338 §5.3.10: the password for PASS; RFC 3768: zero on transmission otherwise.
    if (advert.auth_type == AuthType::kPass) {
      out.bytes(advert.auth_data);
    } else {
      out.zeros(kAuthDataLength);
    }
  }
  out.patch_u16(checksum_offset, vrrp_checksum(out.written(start), advert.version, advert.family, advert.checksum_style,
                                               source, destination));
}

std::vector<std::byte> encode_advert(const Advert& advert, const IpAddress& source, const IpAddress& destination) {
  std::vector<std::byte> out;
  out.reserve(advert_length(advert.version, advert.family, advert.addresses.size()));
  ByteWriter writer{out};
  encode_advert(advert, source, destination, writer);
  return out;
}

void set_encoded_priority(std::span<std::byte> vrrp, std::uint8_t priority) {
  if (vrrp.size() < kVrrpHeaderLength) throw std::invalid_argument("VRRP advert: shorter than its header");
  // Priority is the high byte of the word at offset 2 (Priority, Count); checksum at 6.
  const auto word = [&](std::size_t at) {
    return static_cast<std::uint16_t>(std::to_integer<unsigned>(vrrp[at]) << 8 |
                                      std::to_integer<unsigned>(vrrp[at + 1]));
  };
  const std::uint16_t old_word = word(2);
  vrrp[2] = std::byte{priority};
  const std::uint16_t checksum = checksum_adjust(word(6), old_word, word(2));
  vrrp[6] = std::byte{static_cast<std::uint8_t>(checksum >> 8)};
  vrrp[7] = std::byte{static_cast<std::uint8_t>(checksum)};
}

}  // namespace keel::vrrp

// RFC 5798 §7.1 / RFC 3768 §7.1 receive checks; see receive_check.h.
#include "vrrp/packet/receive_check.h"

#include <algorithm>

namespace keel::vrrp {

namespace {

using config::Family;
using config::IpAddress;

std::uint32_t family_number(Family family) { return static_cast<std::uint32_t>(family); }

bool is_link_local(const IpAddress& address) {
  return address.is_v6() && address.bytes[0] == 0xfe && (address.bytes[1] & 0xc0) == 0x80;  // fe80::/10
}

const config::UnicastPeer* find_peer(std::span<const config::UnicastPeer> peers, const IpAddress& source) {
  const auto it = std::ranges::find(peers, source, &config::UnicastPeer::address);
  return it == peers.end() ? nullptr : &*it;
}

// The list check keepalived makes: every configured address is in the advert. Adverts
// from a peer with the same configuration list them in the same order, so the positional
// comparison usually decides at once and the quadratic search is the rare case.
bool same_addresses(const AddressList& advertised, std::span<const IpAddress> configured) {
  if (std::ranges::equal(advertised.view(), configured)) return true;
  return std::ranges::all_of(configured, [&](const IpAddress& address) {
    return std::ranges::find(advertised.view(), address) != advertised.view().end();
  });
}

Warnings address_warnings(const Advert& advert, const InstanceView& instance) {
  Warnings warnings;
  if (advert.addresses.size() != instance.virtual_addresses.size()) {
    warnings.address_count_mismatch = true;
  } else if (!same_addresses(advert.addresses, instance.virtual_addresses)) {
    warnings.address_list_mismatch = true;
  }
  return warnings;
}

std::uint32_t whole_seconds(std::chrono::microseconds interval) {
  return static_cast<std::uint32_t>(std::chrono::round<std::chrono::seconds>(interval).count());
}

}  // namespace

std::expected<Warnings, Drop> check_advert(const Advert& advert, const RxMeta& meta, const InstanceView* instance) {
  const auto drop = [&](DropReason reason, std::uint32_t got = 0, std::uint32_t expected = 0,
                        std::uint32_t expected_max = 0) {
    return std::unexpected(
        Drop{.reason = reason, .vrid = advert.vrid, .got = got, .expected = expected, .expected_max = expected_max});
  };
  // §7.1 "MUST verify that the VRID is configured on the receiving interface".
  if (instance == nullptr || instance->vrid != advert.vrid) return drop(DropReason::kUnknownVrid);
  if (meta.family != instance->family || advert.family != instance->family)
    return drop(DropReason::kFamilyMismatch, family_number(meta.family), family_number(instance->family));

  // Unicast mode is keepalived's extension: sources may be restricted to the peers, and a
  // peer's min_ttl/max_ttl allow adverts that crossed routers.
  const bool unicast = !instance->unicast_peers.empty();
  const config::UnicastPeer* peer = unicast ? find_peer(instance->unicast_peers, meta.source) : nullptr;
  if (unicast && instance->check_unicast_src && peer == nullptr) return drop(DropReason::kSourceNotPeer);

  // §7.1 "MUST verify that the IPv4 TTL/IPv6 Hop Limit is 255".
  int min_ttl = kVrrpTtl;
  int max_ttl = kVrrpTtl;
  if (peer != nullptr && (peer->min_ttl || peer->max_ttl)) {
    min_ttl = peer->min_ttl.value_or(0);
    max_ttl = peer->max_ttl.value_or(kVrrpTtl);
  }
  if (meta.ttl_or_hop_limit < min_ttl || meta.ttl_or_hop_limit > max_ttl) {
    return drop(DropReason::kBadTtl, static_cast<std::uint32_t>(meta.ttl_or_hop_limit),
                static_cast<std::uint32_t>(min_ttl), static_cast<std::uint32_t>(max_ttl));
  }

  // §7.1 "MUST verify the VRRP version"; RFC 5798 §5.2.2 "unknown type MUST be discarded".
  if (advert.version != instance->version) return drop(DropReason::kVersionMismatch, advert.version, instance->version);
  if (advert.type != kTypeAdvertisement) return drop(DropReason::kBadType, advert.type);

  // §7.1: "... and the local router is not the IPvX address owner (Priority = 255)".
  if (instance->is_address_owner) return drop(DropReason::kLocalIsOwner);

  // RFC 5798 §5.1.2.1: the IPv6 source is the sender's link-local address. keepalived's
  // unicast mode sends from unicast_src_ip, which may be global, so only multicast checks.
  if (meta.family == Family::kIpv6 && !unicast && !is_link_local(meta.source))
    return drop(DropReason::kSourceNotLinkLocal);

  if (advert.version == 2) {
    // RFC 3768 §7.1 "MUST verify that the Auth Type matches"; RFC 2338 §5.3.6.1 PASS.
    if (advert.auth_type != instance->auth_type) {
      return drop(DropReason::kAuthTypeMismatch, static_cast<std::uint32_t>(advert.auth_type),
                  static_cast<std::uint32_t>(instance->auth_type));
    }
    if (advert.auth_type == AuthType::kPass && !constant_time_equal(advert.auth_data, instance->auth_key))
      return drop(DropReason::kAuthFailure);
  }

  const Warnings warnings = address_warnings(advert, *instance);

  // RFC 3768 §7.1: v2 Adver Int must equal ours; a v3 backup learns the master's instead.
  if (advert.version == 2 && std::chrono::seconds{advert.adver_int_s} != instance->advert_interval)
    return drop(DropReason::kIntervalMismatch, advert.adver_int_s, whole_seconds(instance->advert_interval));
  return warnings;
}

std::string format_warning_log(const Warnings& warnings, const Advert& advert, const RxMeta& meta,
                               const InstanceView& instance) {
  if (!warnings.any()) return {};
  std::string line = "VRRP: advert from " + meta.source.to_string() + " (VRID " + std::to_string(advert.vrid) + "): ";
  if (warnings.address_count_mismatch) {
    return line + std::to_string(advert.addresses.size()) + " addresses, " +
           std::to_string(instance.virtual_addresses.size()) + " configured";
  }
  return line + "address list differs from the configured one";
}

}  // namespace keel::vrrp

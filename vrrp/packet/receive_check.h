// The receive validation of RFC 5798 §7.1 (VRRPv3) and RFC 3768 §7.1 (VRRPv2) for one
// decoded advert against the instance its VRID selects. Length and checksum are checked
// by decode_advert, the AH ICV by verify_ah (both need the bytes); everything that needs
// the instance's configuration is here. Each failure is a Drop; the address list check is
// a "MAY verify ... SHOULD log" rule and only sets a warning.
#pragma once

#include <chrono>
#include <cstdint>
#include <expected>
#include <span>
#include <string>

#include "config/ip_address.h"
#include "config/model_vrrp.h"
#include "vrrp/packet/advert.h"
#include "vrrp/packet/drop.h"

namespace keel::vrrp {

// What the receive check needs to know about an instance; plain and non-owning so the
// state machine can fill it from whatever it holds (spans must outlive the call).
struct InstanceView {
  std::uint8_t vrid = 0;
  std::uint8_t version = 3;
  config::Family family = config::Family::kIpv4;
  bool is_address_owner = false;         // priority 255: §7.1 drops adverts for "our" VRID
  AuthType auth_type = AuthType::kNone;  // v2 only
  AuthData auth_key{};                   // PASS password (and AH key), zero padded
  std::chrono::microseconds advert_interval{std::chrono::seconds{1}};  // v2 must match
  std::span<const config::IpAddress> virtual_addresses;                // what this instance advertises
  std::span<const config::UnicastPeer> unicast_peers;                  // empty: multicast mode
  bool check_unicast_src = false;
};

// Log-only findings of an accepted advert (§7.1 "MAY verify ... Count IPvX Addrs and the
// list of IPvX address(es)").
struct Warnings {
  bool address_count_mismatch = false;
  bool address_list_mismatch = false;  // same count, different addresses
  bool any() const { return address_count_mismatch || address_list_mismatch; }
  friend bool operator==(const Warnings&, const Warnings&) = default;
};

// Checks, in this order: VRID has an instance (nullptr: the caller's demux found none),
// address family, unicast source ∈ unicast_peer (check_unicast_src), TTL / hop limit 255
// (in unicast mode a peer's min_ttl/max_ttl replace 255, as keepalived), version, type,
// local address owner, IPv6 link-local source (multicast mode; RFC 5798 §5.1.2.1), v2
// auth type and PASS data (constant time), address list (warning), v2 Adver Int.
std::expected<Warnings, Drop> check_advert(const Advert& advert, const RxMeta& meta, const InstanceView* instance);
inline std::expected<Warnings, Drop> check_advert(const Advert& advert, const RxMeta& meta,
                                                  const InstanceView& instance) {
  return check_advert(advert, meta, &instance);
}

// "VRRP: advert from 198.18.0.2 (VRID 51): 2 addresses, 3 configured" or "...: address
// list differs from the configured one"; empty when there is nothing to say.
std::string format_warning_log(const Warnings& warnings, const Advert& advert, const RxMeta& meta,
                               const InstanceView& instance);

}  // namespace keel::vrrp

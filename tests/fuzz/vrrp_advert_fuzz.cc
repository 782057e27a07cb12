// libFuzzer target for the VRRP receive path (vrrp/packet/): an arbitrary IP packet goes
// through what keeld does with a packet from the wire — IP/AH parse, AH verification,
// advert decode, and the RFC 3768 / RFC 5798 §7.1 checks against a configured instance
// — and none of it may crash, leak or trip a sanitizer.
//
// Properties checked on every advert that decodes:
//  - encoding it again gives a packet that decodes, and encoding that decoded advert
//    gives the same bytes (the codec converges after one normalisation: fields the
//    encoder writes as zero, such as v2 auth data without PASS, are dropped once);
//  - set_encoded_priority changes the priority and leaves a checksum that verifies.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <span>
#include <stdexcept>

#include "vrrp/packet/advert.h"
#include "vrrp/packet/auth_ah.h"
#include "vrrp/packet/ip_packet.h"
#include "vrrp/packet/receive_check.h"

namespace {

using keel::vrrp::Advert;

[[noreturn]] void property_failure(const char* what) {
  std::fprintf(stderr, "vrrp_advert_fuzz: %s\n", what);
  __builtin_trap();
}

// The instance a router with this VRID would have: the same version and family, PASS
// auth for v2 over IPv4, and one virtual address, so every §7.1 branch can be reached.
void run_receive_checks(const Advert& advert, const keel::vrrp::RxMeta& meta) {
  const keel::config::IpAddress vip = advert.family == keel::config::Family::kIpv4
                                          ? *keel::config::IpAddress::parse("198.18.0.100")
                                          : *keel::config::IpAddress::parse("2001:db8::100");
  const keel::vrrp::InstanceView instance{
      .vrid = advert.vrid,
      .version = advert.version,
      .family = advert.family,
      .auth_type = advert.version == 2 ? keel::vrrp::AuthType::kPass : keel::vrrp::AuthType::kNone,
      .auth_key = keel::vrrp::make_auth_data("keelpass"),
      .virtual_addresses = std::span{&vip, 1},
  };
  (void)keel::vrrp::check_advert(advert, meta, &instance);
  (void)keel::vrrp::check_advert(advert, meta, nullptr);
}

void check_round_trip(const Advert& advert, const keel::vrrp::RxMeta& meta) {
  std::vector<std::byte> encoded;
  try {
    encoded = keel::vrrp::encode_advert(advert, meta.source, meta.destination);
  } catch (const std::invalid_argument&) {
    return;  // decodable but not sendable (documented: e.g. an address of the other family)
  }
  const auto again = keel::vrrp::decode_advert(encoded, meta);
  if (!again) property_failure("an advert Keel encoded does not decode");
  const auto encoded_again = keel::vrrp::encode_advert(*again, meta.source, meta.destination);
  if (encoded_again != encoded) property_failure("encode(decode(encode(advert))) differs from encode(advert)");

  const std::uint8_t new_priority = static_cast<std::uint8_t>(advert.priority ^ 0x5a);
  keel::vrrp::set_encoded_priority(encoded, new_priority);
  const auto changed = keel::vrrp::decode_advert(encoded, meta);
  if (!changed) property_failure("set_encoded_priority left a checksum that does not verify");
  if (changed->priority != new_priority) property_failure("set_encoded_priority did not set the priority");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::span<const std::byte> packet{reinterpret_cast<const std::byte*>(data), size};
  const auto parsed = keel::vrrp::parse_ip_packet(packet);
  if (!parsed) return 0;
  if (parsed->ah) {
    const auto key = keel::vrrp::make_auth_data("ahkey");
    (void)keel::vrrp::verify_ah(packet, key, keel::vrrp::AhTtlHandling::kIncluded);
    (void)keel::vrrp::verify_ah(packet, key, keel::vrrp::AhTtlHandling::kZeroed);
  }
  const auto advert = keel::vrrp::decode_advert(parsed->vrrp, parsed->meta);
  if (!advert) return 0;
  run_receive_checks(*advert, parsed->meta);
  check_round_trip(*advert, parsed->meta);
  return 0;
}

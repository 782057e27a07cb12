// IPv4/IPv6 addresses and prefixes as plain values, parsed strictly (inet_pton rules).
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace keel::config {

enum class Family : std::uint8_t { kIpv4 = 4, kIpv6 = 6 };

struct IpAddress {
  Family family = Family::kIpv4;
  std::array<std::uint8_t, 16> bytes{};  // IPv4 uses the first 4

  static std::optional<IpAddress> parse(std::string_view text);
  std::string to_string() const;
  bool is_v6() const { return family == Family::kIpv6; }
  bool is_unspecified() const;
  bool is_multicast() const;
  friend bool operator==(const IpAddress&, const IpAddress&) = default;
  friend auto operator<=>(const IpAddress&, const IpAddress&) = default;
};

struct IpPrefix {
  IpAddress address;
  std::uint8_t length = 0;  // prefix length in bits

  // "a.b.c.d/len" or "a.b.c.d" (then a host prefix: /32 or /128).
  static std::optional<IpPrefix> parse(std::string_view text);
  std::string to_string() const;
  friend bool operator==(const IpPrefix&, const IpPrefix&) = default;
};

}  // namespace keel::config

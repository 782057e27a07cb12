#include "config/ip_address.h"

#include <arpa/inet.h>

#include <charconv>

namespace keel::config {

std::optional<IpAddress> IpAddress::parse(std::string_view text) {
  // inet_pton needs a NUL-terminated string; addresses are short, so a stack buffer does.
  char buffer[INET6_ADDRSTRLEN + 1];
  if (text.empty() || text.size() >= sizeof buffer) return std::nullopt;
  text.copy(buffer, text.size());
  buffer[text.size()] = '\0';
  IpAddress address;
  if (text.find(':') != std::string_view::npos) {
    address.family = Family::kIpv6;
    if (inet_pton(AF_INET6, buffer, address.bytes.data()) != 1) return std::nullopt;
  } else {
    address.family = Family::kIpv4;
    if (inet_pton(AF_INET, buffer, address.bytes.data()) != 1) return std::nullopt;
  }
  return address;
}

std::string IpAddress::to_string() const {
  char buffer[INET6_ADDRSTRLEN];
  inet_ntop(is_v6() ? AF_INET6 : AF_INET, bytes.data(), buffer, sizeof buffer);
  return buffer;
}

bool IpAddress::is_unspecified() const {
  const std::size_t size = is_v6() ? 16 : 4;
  for (std::size_t i = 0; i < size; ++i)
    if (bytes[i] != 0) return false;
  return true;
}

bool IpAddress::is_multicast() const { return is_v6() ? bytes[0] == 0xff : (bytes[0] & 0xf0) == 0xe0; }

std::optional<IpPrefix> IpPrefix::parse(std::string_view text) {
  const auto slash = text.find('/');
  auto address = IpAddress::parse(text.substr(0, slash));
  if (!address) return std::nullopt;
  const unsigned max_length = address->is_v6() ? 128 : 32;
  unsigned length = max_length;
  if (slash != std::string_view::npos) {
    const auto digits = text.substr(slash + 1);
    const auto [end, error] = std::from_chars(digits.data(), digits.data() + digits.size(), length);
    if (digits.empty() || error != std::errc{} || end != digits.data() + digits.size() || length > max_length)
      return std::nullopt;
  }
  return IpPrefix{*address, static_cast<std::uint8_t>(length)};
}

std::string IpPrefix::to_string() const { return address.to_string() + "/" + std::to_string(length); }

}  // namespace keel::config

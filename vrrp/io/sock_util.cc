// Shared socket helpers; see sock_util.h.
#include "vrrp/io/sock_util.h"

#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <system_error>

namespace keel::vrrp {

SocketFd& SocketFd::operator=(SocketFd&& other) noexcept {
  if (this != &other) reset(std::exchange(other.fd_, -1));
  return *this;
}

void SocketFd::reset(int fd) {
  if (fd_ >= 0) ::close(fd_);
  fd_ = fd;
}

IoError make_io_error(const std::string& what, int error_number) {
  return IoError{.message = what + ": " + std::system_category().message(error_number), .error_number = error_number};
}

bool is_link_error(const IoError& error) {
  switch (error.error_number) {
    case ENODEV:         // no such interface (yet, or any more)
    case ENXIO:          // ifindex gone
    case ENETDOWN:       // interface administratively down
    case ENETUNREACH:    // no route out of it yet (e.g. no address while down)
    case EADDRNOTAVAIL:  // source address not (yet) on the interface, or IPv6 DAD pending
    case ENOBUFS:        // transmit queue full while the link flaps
      return true;
    default:
      return false;
  }
}

bool is_ipv6_link_local(const config::IpAddress& address) {
  return address.is_v6() && address.bytes[0] == 0xfe && (address.bytes[1] & 0xc0) == 0x80;
}

SocketAddress to_socket_address(const config::IpAddress& address, int scope_id) {
  SocketAddress out;
  if (address.is_v6()) {
    auto* in6 = reinterpret_cast<sockaddr_in6*>(&out.storage);
    in6->sin6_family = AF_INET6;
    std::memcpy(&in6->sin6_addr, address.bytes.data(), 16);
    in6->sin6_scope_id = static_cast<std::uint32_t>(scope_id);
    out.length = sizeof(sockaddr_in6);
  } else {
    auto* in4 = reinterpret_cast<sockaddr_in*>(&out.storage);
    in4->sin_family = AF_INET;
    std::memcpy(&in4->sin_addr, address.bytes.data(), 4);
    out.length = sizeof(sockaddr_in);
  }
  return out;
}

std::optional<config::IpAddress> from_socket_address(const sockaddr_storage& storage) {
  config::IpAddress address;
  if (storage.ss_family == AF_INET) {
    address.family = config::Family::kIpv4;
    std::memcpy(address.bytes.data(), &reinterpret_cast<const sockaddr_in*>(&storage)->sin_addr, 4);
    return address;
  }
  if (storage.ss_family == AF_INET6) {
    address.family = config::Family::kIpv6;
    std::memcpy(address.bytes.data(), &reinterpret_cast<const sockaddr_in6*>(&storage)->sin6_addr, 16);
    return address;
  }
  return std::nullopt;
}

}  // namespace keel::vrrp

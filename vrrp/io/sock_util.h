// Small pieces the VRRP socket adapters share: an owned file descriptor, IoError built
// from errno, and conversions between config::IpAddress and the kernel's sockaddr forms.
#pragma once

#include <netinet/in.h>
#include <sys/socket.h>

#include <optional>
#include <string>
#include <utility>

#include "config/ip_address.h"
#include "vrrp/io/ports.h"

namespace keel::vrrp {

// Owns a file descriptor and closes it on destruction. (control/ has its own; vrrp/ may
// not include control/.)
class SocketFd {
 public:
  SocketFd() = default;
  explicit SocketFd(int fd) : fd_(fd) {}
  SocketFd(SocketFd&& other) noexcept : fd_(std::exchange(other.fd_, -1)) {}
  SocketFd& operator=(SocketFd&& other) noexcept;
  SocketFd(const SocketFd&) = delete;
  SocketFd& operator=(const SocketFd&) = delete;
  ~SocketFd() { reset(); }

  int get() const { return fd_; }
  bool valid() const { return fd_ >= 0; }
  void reset(int fd = -1);

 private:
  int fd_ = -1;
};

// "<what>: <strerror(error_number)>", with error_number kept for callers that branch on it.
IoError make_io_error(const std::string& what, int error_number);

// True for errors that say the interface is missing, down or has no address yet: the
// operation may succeed after the link monitor reports the interface up again (or
// recreated, in which case the channel is reopened with the new ifindex).
bool is_link_error(const IoError& error);

// fe80::/10 (RFC 4291 §2.5.6).
bool is_ipv6_link_local(const config::IpAddress& address);

struct SocketAddress {
  sockaddr_storage storage{};
  socklen_t length = 0;
  const sockaddr* get() const { return reinterpret_cast<const sockaddr*>(&storage); }
};

// A sockaddr_in / sockaddr_in6 for `address`; scope_id applies to IPv6 only (the
// interface a link-local or link-scope multicast address is meant on).
SocketAddress to_socket_address(const config::IpAddress& address, int scope_id = 0);

// The address in a sockaddr_in / sockaddr_in6, or nullopt for any other family.
std::optional<config::IpAddress> from_socket_address(const sockaddr_storage& storage);

}  // namespace keel::vrrp

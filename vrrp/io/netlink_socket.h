// The libnl pieces the rtnetlink adapters share (netlink_addresses/routes/rules/links.cc):
// owning pointers for libnl objects, a NETLINK_ROUTE socket that keeps the kernel's own
// reason for a refused request, and conversions between config addresses and nl_addr.
// Internal to vrrp/io: the adapters' public headers do not include libnl.
#pragma once

#include <netlink/addr.h>
#include <netlink/cache.h>
#include <netlink/msg.h>
#include <netlink/netlink.h>
#include <netlink/route/addr.h>
#include <netlink/route/link.h>
#include <netlink/route/route.h>
#include <netlink/route/rule.h>
#include <netlink/socket.h>

#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "config/ip_address.h"
#include "vrrp/io/ports.h"

namespace keel::vrrp::netlink {

// unique_ptr deleter calling libnl's release function for the type.
template <auto Release>
struct Releaser {
  template <class T>
  void operator()(T* object) const {
    Release(object);
  }
};
using AddrPtr = std::unique_ptr<nl_addr, Releaser<nl_addr_put>>;
using MsgPtr = std::unique_ptr<nl_msg, Releaser<nlmsg_free>>;
using CachePtr = std::unique_ptr<nl_cache, Releaser<nl_cache_free>>;
using LinkPtr = std::unique_ptr<rtnl_link, Releaser<rtnl_link_put>>;
using RtAddrPtr = std::unique_ptr<rtnl_addr, Releaser<rtnl_addr_put>>;
using RoutePtr = std::unique_ptr<rtnl_route, Releaser<rtnl_route_put>>;
using RulePtr = std::unique_ptr<rtnl_rule, Releaser<rtnl_rule_put>>;

// A connected NETLINK_ROUTE socket. It lives in the network namespace of the thread that
// opened it, whatever namespace the process uses later.
class Socket {
 public:
  static IoResult<Socket> open();
  Socket(Socket&&) noexcept;
  Socket& operator=(Socket&&) noexcept;
  ~Socket();

  // What the error callback records; public only so that the callback can name it.
  struct KernelError;

  nl_sock* get() const { return socket_.get(); }
  int fd() const;

  // Sends a request (ack requested) and waits for the kernel's answer. A refusal becomes
  // "<what>: <strerror(errno)>" plus the kernel's extended-ack text when it gave one.
  IoResult<> request(nl_msg* message, std::string_view what);

  // The IoError for a libnl call that returned `nle_code` (< 0): the kernel's errno when it
  // was the kernel that refused, libnl's own description otherwise.
  IoError error(std::string_view what, int nle_code) const;

  // Clears the remembered kernel error before a libnl call that talks to the kernel.
  void forget_kernel_error();

  // The ifindex of the interface called `name` in this socket's namespace (if_nametoindex
  // would ask the calling thread's namespace instead). ENODEV when there is none.
  IoResult<int> ifindex(const std::string& name, std::string_view what);

  // The interface, as an rtnl_link, or the kernel's error.
  IoResult<LinkPtr> link(const std::string& name, std::string_view what);

 private:
  Socket(nl_sock* socket, std::unique_ptr<KernelError> last);
  std::unique_ptr<nl_sock, Releaser<nl_socket_free>> socket_;
  // On the heap: libnl's error callback keeps its address, which must survive moves.
  std::unique_ptr<KernelError> last_;
};

// libnl setters return < 0 when a value does not fit (an address of the other family, a
// label longer than IFNAMSIZ): a builder calls them through check() and asks once.
class SetterErrors {
 public:
  explicit SetterErrors(std::string what) : what_(std::move(what)) {}
  void check(int result, std::string_view field);
  IoResult<> result() const;

 private:
  std::string what_;
  std::optional<IoError> first_;
};

int address_family(config::Family family);
AddrPtr to_nl_addr(const config::IpAddress& address);  // prefix length = full length
AddrPtr to_nl_addr(const config::IpPrefix& prefix);
std::optional<config::IpAddress> from_nl_addr(const nl_addr* address);

}  // namespace keel::vrrp::netlink

// use_vmac (keepalived.conf(5)): the virtual router's MAC 00:00:5e:00:01:VRID (RFC 3768
// §7.3; 00:00:5e:00:02:VRID for IPv6, RFC 5798 §7.3) on a macvlan interface in private
// mode on top of the instance's interface, so that the VIPs answer with the VRRP MAC.
#include <fmt/core.h>
#include <net/if.h>
#include <netlink/route/link/macvlan.h>

#include <fstream>

#include "vrrp/io/netlink_programmer.h"
#include "vrrp/io/netlink_socket.h"

namespace keel::vrrp {
namespace {

// As keepalived does for a VMAC's base interface: answer ARP only for addresses on the
// interface asked (arp_ignore 1), so the base does not answer for the VIPs on the VMAC
// with its own MAC. The sysctl is per network namespace: this process's. Not restored.
void quiet_base_arp(std::string_view base) {
  for (const char* key : {"arp_ignore", "arp_filter"}) {
    std::ofstream sysctl{fmt::format("/proc/sys/net/ipv4/conf/{}/{}", base, key)};
    sysctl << "1\n";
  }
}

}  // namespace

IoResult<int> NetlinkAddressProgrammer::add_vmac(std::string_view base, std::string_view name,
                                                 const std::array<std::uint8_t, 6>& mac) {
  const std::string what = fmt::format("create use_vmac {} on {}", name, base);
  auto base_index = socket_->ifindex(std::string{base}, what);
  if (!base_index) return std::unexpected(base_index.error());
  quiet_base_arp(base);
  if (auto existing = socket_->ifindex(std::string{name}, what)) return *existing;

  netlink::LinkPtr link{rtnl_link_macvlan_alloc()};
  if (!link) return std::unexpected(IoError{what + ": out of memory", ENOMEM});
  std::array<std::uint8_t, 6> bytes = mac;
  netlink::AddrPtr address{nl_addr_build(AF_LLC, bytes.data(), bytes.size())};
  netlink::SetterErrors setters{what};
  rtnl_link_set_name(link.get(), std::string{name}.c_str());
  rtnl_link_set_link(link.get(), *base_index);
  rtnl_link_set_addr(link.get(), address.get());
  rtnl_link_set_flags(link.get(), IFF_UP);
  setters.check(rtnl_link_macvlan_set_mode(link.get(), rtnl_link_macvlan_str2mode("private")), "mode");
  if (auto ok = setters.result(); !ok) return std::unexpected(ok.error());
  socket_->forget_kernel_error();
  if (const int rc = rtnl_link_add(socket_->get(), link.get(), NLM_F_CREATE | NLM_F_EXCL); rc < 0)
    return std::unexpected(socket_->error(what, rc));
  return socket_->ifindex(std::string{name}, what);
}

IoResult<> NetlinkAddressProgrammer::remove_vmac(std::string_view name) {
  const std::string what = fmt::format("delete use_vmac {}", name);
  auto index = socket_->ifindex(std::string{name}, what);
  if (!index) return index.error().error_number == ENODEV ? IoResult<>{} : std::unexpected(index.error());
  netlink::LinkPtr link{rtnl_link_alloc()};
  rtnl_link_set_ifindex(link.get(), *index);
  socket_->forget_kernel_error();
  if (const int rc = rtnl_link_delete(socket_->get(), link.get()); rc < 0) {
    const IoError error = socket_->error(what, rc);
    if (error.error_number != ENODEV) return std::unexpected(error);
  }
  return {};
}

}  // namespace keel::vrrp

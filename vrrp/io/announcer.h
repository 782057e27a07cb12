// The AF_PACKET Announcer: writes the gratuitous ARP / unsolicited NA frames that
// vrrp/packet/announce.h builds straight onto an interface, so the Ethernet source can
// be the virtual MAC and no route or neighbour entry is needed to send them.
#pragma once

#include <memory>
#include <optional>

#include "config/ip_address.h"
#include "vrrp/io/ports.h"
#include "vrrp/io/sock_util.h"
#include "vrrp/packet/announce.h"

namespace keel::vrrp {

struct PacketAnnouncerOptions {
  // The NA Router flag (RFC 4861 §4.4). nullopt: as keepalived, set it when
  // /proc/sys/net/ipv6/conf/<interface>/forwarding is 1 in the announcer's namespace.
  std::optional<bool> ipv6_router_flag;
};

class PacketAnnouncer final : public Announcer {
 public:
  // One send-only AF_PACKET socket (protocol 0: it receives nothing), usable for every
  // interface of the network namespace it is opened in.
  static IoResult<std::unique_ptr<PacketAnnouncer>> open(PacketAnnouncerOptions options = {});

  // Sends from interface.mac. An IPv6 NA's IP source is the interface's first link-local
  // address in interface.addresses, or `address` itself when it has none.
  IoResult<> announce(const InterfaceInfo& interface, const config::IpAddress& address) override;

  // The same with another Ethernet source: the VRRP virtual MAC when use_vmac sends
  // through the base interface (vmac_xmit_base), so switches learn the VMAC's port.
  IoResult<> announce_from(const InterfaceInfo& interface, const config::IpAddress& address,
                           const MacAddress& source_mac);

  int fd() const { return fd_.get(); }

 private:
  PacketAnnouncer(PacketAnnouncerOptions options, SocketFd fd) : options_(options), fd_(std::move(fd)) {}
  bool router_flag(const InterfaceInfo& interface) const;

  PacketAnnouncerOptions options_;
  SocketFd fd_;
};

}  // namespace keel::vrrp

// Gratuitous ARP / unsolicited NA over AF_PACKET; see announcer.h.
#include "vrrp/io/announcer.h"

#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <sys/socket.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <stdexcept>
#include <string>
#include <vector>

namespace keel::vrrp {

namespace {

constexpr MacAddress kBroadcastMac = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff};
constexpr MacAddress kAllNodesMac = {0x33, 0x33, 0x00, 0x00, 0x00, 0x01};  // ff02::1, RFC 2464 §7

std::optional<config::IpAddress> first_link_local(const InterfaceInfo& interface) {
  for (const config::IpPrefix& prefix : interface.addresses)
    if (is_ipv6_link_local(prefix.address)) return prefix.address;
  return std::nullopt;
}

}  // namespace

IoResult<std::unique_ptr<PacketAnnouncer>> PacketAnnouncer::open(PacketAnnouncerOptions options) {
  SocketFd fd{::socket(AF_PACKET, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC, 0)};
  if (!fd.valid()) return std::unexpected(make_io_error("announcer: AF_PACKET socket", errno));
  return std::unique_ptr<PacketAnnouncer>(new PacketAnnouncer(options, std::move(fd)));
}

bool PacketAnnouncer::router_flag(const InterfaceInfo& interface) const {
  if (options_.ipv6_router_flag) return *options_.ipv6_router_flag;
  std::ifstream sysctl("/proc/sys/net/ipv6/conf/" + interface.name + "/forwarding");
  int forwarding = 0;
  return sysctl >> forwarding && forwarding == 1;
}

IoResult<> PacketAnnouncer::announce(const InterfaceInfo& interface, const config::IpAddress& address) {
  return announce_from(interface, address, interface.mac);
}

IoResult<> PacketAnnouncer::announce_from(const InterfaceInfo& interface, const config::IpAddress& address,
                                          const MacAddress& source_mac) {
  const bool v6 = address.is_v6();
  const std::string what = std::string(v6 ? "unsolicited NA" : "gratuitous ARP") + " for " + address.to_string() +
                           " on " + interface.name + " from " + to_string(source_mac);
  std::vector<std::byte> frame;
  if (v6) {
    frame = build_unsolicited_na(NeighborAdvertOptions{.source_mac = source_mac,
                                                       .source = first_link_local(interface).value_or(address),
                                                       .target = address,
                                                       .router = router_flag(interface)});
  } else {
    frame = build_gratuitous_arp(source_mac, address);
  }

  sockaddr_ll to{};
  to.sll_family = AF_PACKET;
  to.sll_ifindex = interface.ifindex;
  to.sll_protocol = htons(v6 ? ETH_P_IPV6 : ETH_P_ARP);
  to.sll_halen = 6;
  const MacAddress& destination = v6 ? kAllNodesMac : kBroadcastMac;
  std::memcpy(to.sll_addr, destination.data(), destination.size());

  for (int attempt = 0; attempt < 3; ++attempt) {  // a signal may interrupt; bounded
    const ssize_t sent = ::sendto(fd_.get(), frame.data(), frame.size(), MSG_DONTWAIT,
                                  reinterpret_cast<const sockaddr*>(&to), sizeof to);
    if (sent == static_cast<ssize_t>(frame.size())) return {};
    if (sent >= 0) return std::unexpected(make_io_error(what + " (short write)", EMSGSIZE));
    if (errno != EINTR) return std::unexpected(make_io_error(what, errno));
  }
  return std::unexpected(make_io_error(what, EINTR));
}

}  // namespace keel::vrrp

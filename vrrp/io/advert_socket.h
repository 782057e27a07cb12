// The raw-socket AdvertChannel: one IP protocol 112 socket per interface and address
// family that sends and receives VRRP adverts, multicast (224.0.0.18 / ff02::12 or a
// configured group) or unicast, as keepalived's vrrp_scheduler sockets do.
//
// Receiving: every raw socket bound to an interface gets its own copy of every VRRP
// packet arriving there, so a channel sees the adverts of all VRIDs on its interface and
// the caller demultiplexes by VRID. IPv4 packets come with their IP header (run
// parse_ip_packet on them); IPv6 ones are the VRRP message alone, the kernel keeps the
// header. RxMeta always comes from the ancillary data (IP_PKTINFO / IPV6_PKTINFO, IP_TTL
// / IPV6_HOPLIMIT) and the sender's address.
//
// Sending: the source is chosen per packet with IP_PKTINFO / IPV6_PKTINFO rather than by
// bind(), because a bound raw socket only receives packets addressed to the bound
// address and would miss the multicast group.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "config/ip_address.h"
#include "vrrp/io/ports.h"
#include "vrrp/io/sock_util.h"
#include "vrrp/packet/advert.h"

namespace keel::vrrp {

struct AdvertSocketOptions {
  config::Family family = config::Family::kIpv4;
  std::string interface_name;  // SO_BINDTODEVICE: only this interface's packets
  int ifindex = 0;             // multicast output interface and group membership
  // Unicast mode (unicast_peer configured) joins no group; the socket still sends to
  // whatever destination send() names.
  bool unicast = false;
  // The group to join in multicast mode; nullopt: vrrp_multicast_group(family).
  // keepalived's vrrp_mcast_group4 / vrrp_mcast_group6.
  std::optional<config::IpAddress> multicast_group;
  // TTL / hop limit of unicast adverts. RFC 5798 §5.1.1.3 says 255; receivers that
  // check min_ttl/max_ttl per unicast_peer may be configured for another value.
  std::uint8_t unicast_ttl = kVrrpTtl;
  // VRRPv2 IPsec AH over IPv4: the socket is IP protocol 51 and IP_HDRINCL, send() takes
  // the complete IPv4 packet from encode_ah_advert_packet and receive() returns AH
  // packets. A separate channel from any protocol 112 one on the same interface.
  bool for_ah = false;
};

class AdvertSocket final : public AdvertChannel {
 public:
  // Opens and configures the socket. Fails with an IoError naming the interface and the
  // step; is_link_error(error) says a retry after the link monitor reports the
  // interface up (or recreated, with its new ifindex) may succeed.
  static IoResult<std::unique_ptr<AdvertSocket>> open(const AdvertSocketOptions& options);

  int fd() const override { return fd_.get(); }

  // Sends `vrrp_message` (or, with for_ah, the whole IPv4 packet) to `destination` from
  // `source` (unspecified: the kernel chooses; the VRRP checksum covers the source for
  // v3 and IPv6, so the caller normally names it). An IPv6 multicast source must be the
  // interface's link-local address (RFC 5798 §5.1.2.1).
  IoResult<> send(std::span<const std::byte> vrrp_message, const config::IpAddress& source,
                  const config::IpAddress& destination) override;

  // One pending packet, or nullopt when none is left; never blocks.
  IoResult<std::optional<ReceivedAdvert>> receive() override;

  const AdvertSocketOptions& options() const { return options_; }

 private:
  AdvertSocket(AdvertSocketOptions options, SocketFd fd);

  std::string describe() const;  // "veth0 (IPv4 multicast 224.0.0.18)"

  AdvertSocketOptions options_;
  SocketFd fd_;
  std::vector<std::byte> buffer_;  // reused receive buffer, one maximal IP packet
};

// The source address adverts should carry, as keepalived chooses it: the configured
// mcast_src_ip / unicast_src_ip when given; else for IPv4 the interface's first IPv4
// address (its primary), for IPv6 its first link-local address. nullopt: the interface
// has none yet (IPv6: link-local appears only once DAD finishes after link-up).
std::optional<config::IpAddress> select_advert_source(config::Family family, const InterfaceInfo& interface,
                                                      const std::optional<config::IpAddress>& configured);

}  // namespace keel::vrrp

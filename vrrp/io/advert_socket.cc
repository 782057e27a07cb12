// Raw protocol 112 (or 51) sockets for VRRP adverts; see advert_socket.h.
#include "vrrp/io/advert_socket.h"

#include <net/if.h>
#include <netinet/in.h>
#include <netinet/ip.h>
#include <sys/socket.h>

#include <cerrno>
#include <cstring>
#include <vector>

namespace keel::vrrp {

namespace {

#ifndef IPV6_MULTICAST_ALL
#define IPV6_MULTICAST_ALL 29  // linux/in6.h, Linux >= 4.20; glibc 2.36 does not name it
#endif

constexpr int kIpTosInternetworkControl = 0xc0;  // keepalived's IP_TOS / IPV6_TCLASS for adverts
constexpr std::size_t kMaxIpPacket = 65535;
// Room for IPV6_PKTINFO (the largest) plus one int-sized option, with alignment.
constexpr std::size_t kControlSpace = CMSG_SPACE(sizeof(in6_pktinfo)) + CMSG_SPACE(sizeof(int)) + 64;

const char* family_name(config::Family family) { return family == config::Family::kIpv6 ? "IPv6" : "IPv4"; }

// One integer socket option, and why it is set.
struct IntOption {
  int level;
  int name;
  int value;
  const char* what;  // for the error message: "IP_MULTICAST_TTL 255"
};

// Sets one option; on failure the error names the socket, the interface and the option.
template <class T>
IoResult<> set_option(int fd, const std::string& where, int level, int name, const T& value, const char* what) {
  if (::setsockopt(fd, level, name, &value, sizeof value) == 0) return {};
  return std::unexpected(make_io_error(where + ": " + what, errno));
}

IoResult<> set_options(int fd, const std::string& where, const std::vector<IntOption>& options) {
  for (const IntOption& option : options) {
    const IoResult<> set = set_option(fd, where, option.level, option.name, option.value, option.what);
    if (!set) return set;
  }
  return {};
}

IoResult<> configure_ipv4(int fd, const std::string& where, const AdvertSocketOptions& options,
                          const config::IpAddress& group) {
  std::vector<IntOption> settings = {
      {IPPROTO_IP, IP_MULTICAST_TTL, kVrrpTtl, "IP_MULTICAST_TTL 255"},
      // Our own adverts must not come back to us as if another router sent them.
      {IPPROTO_IP, IP_MULTICAST_LOOP, 0, "IP_MULTICAST_LOOP off"},
      // Only the groups this socket joined, not every group any socket on the host joined.
      {IPPROTO_IP, IP_MULTICAST_ALL, 0, "IP_MULTICAST_ALL off"},
      {IPPROTO_IP, IP_PKTINFO, 1, "IP_PKTINFO"},
      {IPPROTO_IP, IP_RECVTTL, 1, "IP_RECVTTL"},
  };
  if (options.for_ah) {
    // The caller writes the IPv4 header itself: the AH ICV covers it.
    settings.push_back({IPPROTO_IP, IP_HDRINCL, 1, "IP_HDRINCL"});
  } else {
    settings.push_back({IPPROTO_IP, IP_TOS, kIpTosInternetworkControl, "IP_TOS 0xc0"});
    settings.push_back({IPPROTO_IP, IP_TTL, options.unicast_ttl, "IP_TTL"});
    // keepalived's adverts leave DF clear (the kernel then also fills in the IP ID).
    settings.push_back({IPPROTO_IP, IP_MTU_DISCOVER, IP_PMTUDISC_DONT, "IP_MTU_DISCOVER dont"});
  }
  if (IoResult<> set = set_options(fd, where, settings); !set) return set;

  ip_mreqn output_interface{};
  output_interface.imr_ifindex = options.ifindex;
  if (IoResult<> set = set_option(fd, where, IPPROTO_IP, IP_MULTICAST_IF, output_interface, "IP_MULTICAST_IF"); !set)
    return set;
  if (options.unicast) return {};
  ip_mreqn membership{};
  std::memcpy(&membership.imr_multiaddr, group.bytes.data(), 4);
  membership.imr_ifindex = options.ifindex;
  const std::string join = "join " + group.to_string();
  return set_option(fd, where, IPPROTO_IP, IP_ADD_MEMBERSHIP, membership, join.c_str());
}

IoResult<> configure_ipv6(int fd, const std::string& where, const AdvertSocketOptions& options,
                          const config::IpAddress& group) {
  // No IPV6_CHECKSUM: the kernel leaves the VRRP checksum alone and the codec has already
  // computed it over the IPv6 pseudo-header (RFC 5798 §5.2.8).
  const std::vector<IntOption> settings = {
      {IPPROTO_IPV6, IPV6_TCLASS, kIpTosInternetworkControl, "IPV6_TCLASS 0xc0"},
      {IPPROTO_IPV6, IPV6_UNICAST_HOPS, options.unicast_ttl, "IPV6_UNICAST_HOPS"},
      {IPPROTO_IPV6, IPV6_MULTICAST_HOPS, kVrrpTtl, "IPV6_MULTICAST_HOPS 255"},
      {IPPROTO_IPV6, IPV6_MULTICAST_LOOP, 0, "IPV6_MULTICAST_LOOP off"},
      {IPPROTO_IPV6, IPV6_MULTICAST_ALL, 0, "IPV6_MULTICAST_ALL off"},
      {IPPROTO_IPV6, IPV6_RECVPKTINFO, 1, "IPV6_RECVPKTINFO"},
      {IPPROTO_IPV6, IPV6_RECVHOPLIMIT, 1, "IPV6_RECVHOPLIMIT"},
      {IPPROTO_IPV6, IPV6_MULTICAST_IF, options.ifindex, "IPV6_MULTICAST_IF"},
  };
  if (IoResult<> set = set_options(fd, where, settings); !set) return set;
  if (options.unicast) return {};
  ipv6_mreq membership{};
  std::memcpy(&membership.ipv6mr_multiaddr, group.bytes.data(), 16);
  membership.ipv6mr_interface = static_cast<unsigned>(options.ifindex);
  const std::string join = "join " + group.to_string();
  return set_option(fd, where, IPPROTO_IPV6, IPV6_JOIN_GROUP, membership, join.c_str());
}

// Link-local unicast and link-scope multicast destinations name their interface.
int scope_for(const config::IpAddress& destination, int ifindex) {
  if (!destination.is_v6()) return 0;
  const bool link_scope_multicast = destination.bytes[0] == 0xff && (destination.bytes[1] & 0x0f) == 0x02;
  return is_ipv6_link_local(destination) || link_scope_multicast ? ifindex : 0;
}

// Fills `meta` and `ifindex` from IP_PKTINFO/IP_TTL or IPV6_PKTINFO/IPV6_HOPLIMIT.
void read_control(msghdr& message, RxMeta& meta, int& ifindex) {
  for (cmsghdr* cmsg = CMSG_FIRSTHDR(&message); cmsg != nullptr; cmsg = CMSG_NXTHDR(&message, cmsg)) {
    if (cmsg->cmsg_level == IPPROTO_IP && cmsg->cmsg_type == IP_PKTINFO) {
      in_pktinfo info;
      std::memcpy(&info, CMSG_DATA(cmsg), sizeof info);
      meta.destination.family = config::Family::kIpv4;
      std::memcpy(meta.destination.bytes.data(), &info.ipi_addr, 4);  // the header's destination
      ifindex = info.ipi_ifindex;
    } else if ((cmsg->cmsg_level == IPPROTO_IP && cmsg->cmsg_type == IP_TTL) ||
               (cmsg->cmsg_level == IPPROTO_IPV6 && cmsg->cmsg_type == IPV6_HOPLIMIT)) {
      std::memcpy(&meta.ttl_or_hop_limit, CMSG_DATA(cmsg), sizeof(int));
    } else if (cmsg->cmsg_level == IPPROTO_IPV6 && cmsg->cmsg_type == IPV6_PKTINFO) {
      in6_pktinfo info;
      std::memcpy(&info, CMSG_DATA(cmsg), sizeof info);
      meta.destination.family = config::Family::kIpv6;
      std::memcpy(meta.destination.bytes.data(), &info.ipi6_addr, 16);
      ifindex = static_cast<int>(info.ipi6_ifindex);
    }
  }
}

// The per-packet source and output interface: IP_PKTINFO's ipi_spec_dst (raw_sendmsg
// takes it as the source) or IPV6_PKTINFO's ipi6_addr. `control` has kControlSpace bytes.
void add_source_pktinfo(msghdr& message, std::byte* control, const config::IpAddress& source, int ifindex) {
  message.msg_control = control;
  if (source.is_v6()) {
    in6_pktinfo info{};
    std::memcpy(&info.ipi6_addr, source.bytes.data(), 16);
    info.ipi6_ifindex = static_cast<unsigned>(ifindex);
    message.msg_controllen = CMSG_SPACE(sizeof info);
    cmsghdr* cmsg = CMSG_FIRSTHDR(&message);
    cmsg->cmsg_level = IPPROTO_IPV6;
    cmsg->cmsg_type = IPV6_PKTINFO;
    cmsg->cmsg_len = CMSG_LEN(sizeof info);
    std::memcpy(CMSG_DATA(cmsg), &info, sizeof info);
  } else {
    in_pktinfo info{};
    std::memcpy(&info.ipi_spec_dst, source.bytes.data(), 4);
    info.ipi_ifindex = ifindex;
    message.msg_controllen = CMSG_SPACE(sizeof info);
    cmsghdr* cmsg = CMSG_FIRSTHDR(&message);
    cmsg->cmsg_level = IPPROTO_IP;
    cmsg->cmsg_type = IP_PKTINFO;
    cmsg->cmsg_len = CMSG_LEN(sizeof info);
    std::memcpy(CMSG_DATA(cmsg), &info, sizeof info);
  }
}

}  // namespace

AdvertSocket::AdvertSocket(AdvertSocketOptions options, SocketFd fd)
    : options_(std::move(options)), fd_(std::move(fd)), buffer_(kMaxIpPacket) {}

std::string AdvertSocket::describe() const {
  std::string text = options_.interface_name + " (" + family_name(options_.family);
  if (options_.for_ah) text += " AH";
  if (options_.unicast) return text + " unicast)";
  return text + " multicast " + options_.multicast_group.value_or(vrrp_multicast_group(options_.family)).to_string() +
         ")";
}

IoResult<std::unique_ptr<AdvertSocket>> AdvertSocket::open(const AdvertSocketOptions& options) {
  const bool v6 = options.family == config::Family::kIpv6;
  const config::IpAddress group = options.multicast_group.value_or(vrrp_multicast_group(options.family));
  const std::string where = "VRRP socket on " + options.interface_name + " (" + family_name(options.family) + ")";
  if (options.interface_name.empty() || options.interface_name.size() >= IFNAMSIZ || options.ifindex <= 0)
    return std::unexpected(make_io_error(where + ": interface name and index required", EINVAL));
  if (v6 && options.for_ah) return std::unexpected(make_io_error(where + ": AH is IPv4 only", EINVAL));
  if (!options.unicast && (group.family != options.family || !group.is_multicast()))
    return std::unexpected(make_io_error(where + ": " + group.to_string() + " is not a multicast group", EINVAL));

  // Protocol 51 for AH: a protocol 112 socket never sees packets whose IP protocol is AH.
  const int protocol = options.for_ah ? static_cast<int>(IPPROTO_AH) : kVrrpProtocol;
  SocketFd fd{::socket(v6 ? AF_INET6 : AF_INET, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC, protocol)};
  if (!fd.valid()) return std::unexpected(make_io_error(where + ": socket", errno));

  if (::setsockopt(fd.get(), SOL_SOCKET, SO_BINDTODEVICE, options.interface_name.c_str(),
                   static_cast<socklen_t>(options.interface_name.size() + 1)) != 0)
    return std::unexpected(make_io_error(where + ": SO_BINDTODEVICE", errno));
  const IoResult<> configured =
      v6 ? configure_ipv6(fd.get(), where, options, group) : configure_ipv4(fd.get(), where, options, group);
  if (!configured) return std::unexpected(configured.error());
  return std::unique_ptr<AdvertSocket>(new AdvertSocket(options, std::move(fd)));
}

IoResult<> AdvertSocket::send(std::span<const std::byte> vrrp_message, const config::IpAddress& source,
                              const config::IpAddress& destination) {
  // Built only on failure: send runs on every advert timer.
  const auto fail = [&](int error_number, const std::string& detail = {}) {
    return std::unexpected(make_io_error(
        "send VRRP advert on " + describe() + " from " + source.to_string() + " to " + destination.to_string() + detail,
        error_number));
  };
  if (destination.family != options_.family || source.family != options_.family) return fail(EAFNOSUPPORT);

  SocketAddress to = to_socket_address(destination, scope_for(destination, options_.ifindex));
  iovec data{const_cast<std::byte*>(vrrp_message.data()), vrrp_message.size()};
  alignas(cmsghdr) std::byte control[kControlSpace]{};
  msghdr message{};
  message.msg_name = &to.storage;
  message.msg_namelen = to.length;
  message.msg_iov = &data;
  message.msg_iovlen = 1;
  // With IP_HDRINCL (AH) the header the caller built already carries the source.
  if (!options_.for_ah) add_source_pktinfo(message, control, source, options_.ifindex);

  for (int attempt = 0; attempt < 3; ++attempt) {  // a signal may interrupt; bounded
    const ssize_t sent = ::sendmsg(fd_.get(), &message, MSG_DONTWAIT | MSG_NOSIGNAL);
    if (sent == static_cast<ssize_t>(vrrp_message.size())) return {};
    if (sent >= 0) return fail(EMSGSIZE, " (short write)");
    if (errno == EINVAL && options_.family == config::Family::kIpv6 && !options_.for_ah && !source.is_unspecified()) {
      // ip6_datagram_send_ctl answers EINVAL when the IPV6_PKTINFO source is not (or not
      // yet: tentative, or removed by link-down) an address of the interface. Reported as
      // EADDRNOTAVAIL so that is_link_error() says to retry once the address is back.
      return fail(EADDRNOTAVAIL, " (source not a usable address of " + options_.interface_name + ")");
    }
    if (errno != EINTR) return fail(errno);
  }
  return fail(EINTR);
}

IoResult<std::optional<ReceivedAdvert>> AdvertSocket::receive() {
  sockaddr_storage from{};
  iovec data{buffer_.data(), buffer_.size()};
  alignas(cmsghdr) std::byte control[kControlSpace]{};
  msghdr message{};
  message.msg_name = &from;
  message.msg_namelen = sizeof from;
  message.msg_iov = &data;
  message.msg_iovlen = 1;
  message.msg_control = control;
  message.msg_controllen = sizeof control;

  ssize_t received = -1;
  for (int attempt = 0; attempt < 3 && received < 0; ++attempt) {
    received = ::recvmsg(fd_.get(), &message, MSG_DONTWAIT);
    if (received < 0 && errno != EINTR) break;
  }
  if (received < 0) {
    if (errno == EAGAIN || errno == EWOULDBLOCK) return std::optional<ReceivedAdvert>{};
    return std::unexpected(make_io_error("receive VRRP advert on " + describe(), errno));
  }

  ReceivedAdvert advert;
  advert.meta.family = options_.family;
  advert.meta.source = from_socket_address(from).value_or(config::IpAddress{.family = options_.family});
  advert.meta.destination.family = options_.family;
  advert.ifindex = options_.ifindex;  // SO_BINDTODEVICE: unless the kernel says otherwise
  read_control(message, advert.meta, advert.ifindex);
  // A truncated packet (only beyond 64 KiB) is passed on as is: the decoder's length
  // check turns it into a counted drop instead of a silent one here.
  advert.packet.assign(buffer_.begin(), buffer_.begin() + received);
  return std::optional<ReceivedAdvert>{std::move(advert)};
}

std::optional<config::IpAddress> select_advert_source(config::Family family, const InterfaceInfo& interface,
                                                      const std::optional<config::IpAddress>& configured) {
  if (configured) return configured;
  for (const config::IpPrefix& prefix : interface.addresses) {
    if (prefix.address.family != family) continue;
    if (family == config::Family::kIpv4 || is_ipv6_link_local(prefix.address)) return prefix.address;
  }
  return std::nullopt;
}

}  // namespace keel::vrrp

// NetlinkAddressProgrammer: the socket, and addresses (`ip address add|del` semantics,
// keepalived.conf(5) "virtual_ipaddress").
#include <fmt/core.h>
#include <linux/if_addr.h>
#include <linux/rtnetlink.h>

#include <cerrno>
#include <string>
#include <vector>

#include "vrrp/io/netlink_programmer.h"
#include "vrrp/io/netlink_socket.h"

namespace keel::vrrp {
namespace {

constexpr std::uint32_t kForever = 0xffffffffU;  // INFINITY_LIFE_TIME in include/net/addrconf.h

int scope_value(config::AddressScope scope) {
  switch (scope) {
    case config::AddressScope::kGlobal:
      return RT_SCOPE_UNIVERSE;
    case config::AddressScope::kSite:
      return RT_SCOPE_SITE;
    case config::AddressScope::kLink:
      return RT_SCOPE_LINK;
    case config::AddressScope::kHost:
      return RT_SCOPE_HOST;
    case config::AddressScope::kNowhere:
      return RT_SCOPE_NOWHERE;
  }
  return RT_SCOPE_UNIVERSE;
}

std::string scope_text(int scope) {
  switch (scope) {
    case RT_SCOPE_UNIVERSE:
      return "global";
    case RT_SCOPE_SITE:
      return "site";
    case RT_SCOPE_LINK:
      return "link";
    case RT_SCOPE_HOST:
      return "host";
    case RT_SCOPE_NOWHERE:
      return "nowhere";
    default:
      return std::to_string(scope);
  }
}

// `brd +` sets the host bits of the prefix, `brd -` clears them (ip-address(8)).
config::IpAddress auto_broadcast(const config::IpPrefix& prefix, bool set_host_bits) {
  config::IpAddress result = prefix.address;
  for (int bit = prefix.length; bit < 32; ++bit) {
    const auto mask = static_cast<std::uint8_t>(0x80U >> (bit % 8));
    if (set_host_bits)
      result.bytes[bit / 8] |= mask;
    else
      result.bytes[bit / 8] &= static_cast<std::uint8_t>(~mask);
  }
  return result;
}

// The prefix length the kernel stores: with a peer, the peer's (as ip-address(8) does).
int effective_prefix_length(const config::AddressSpec& spec) {
  return spec.peer ? spec.peer->length : spec.prefix.length;
}

// The rtnl_addr for `spec`. Lifetimes and flags only matter when adding; deletion matches
// on local address, prefix length, peer and (IPv4) label.
IoResult<netlink::RtAddrPtr> build_address(const config::AddressSpec& spec, int ifindex, bool add,
                                           std::string_view what) {
  const bool v6 = spec.prefix.address.is_v6();
  netlink::RtAddrPtr addr{rtnl_addr_alloc()};
  netlink::AddrPtr local = netlink::to_nl_addr(spec.prefix);
  if (!addr || !local) return std::unexpected(IoError{fmt::format("{}: out of memory", what), ENOMEM});
  netlink::SetterErrors errors{std::string{what}};
  rtnl_addr_set_family(addr.get(), netlink::address_family(spec.prefix.address.family));
  rtnl_addr_set_ifindex(addr.get(), ifindex);
  errors.check(rtnl_addr_set_local(addr.get(), local.get()), "address");
  // libnl takes a peer for IPv4 only; an IPv6 peer is appended to the message instead.
  if (spec.peer && !v6) errors.check(rtnl_addr_set_peer(addr.get(), netlink::to_nl_addr(*spec.peer).get()), "peer");
  rtnl_addr_set_prefixlen(addr.get(), effective_prefix_length(spec));
  if (spec.label && !v6) errors.check(rtnl_addr_set_label(addr.get(), spec.label->c_str()), "label " + *spec.label);
  if (!add) {
    if (auto ok = errors.result(); !ok) return std::unexpected(ok.error());
    return addr;
  }

  if (!v6) {
    std::optional<config::IpAddress> broadcast = spec.broadcast;
    if (spec.broadcast_auto != config::AddressSpec::BroadcastAuto::kNone)
      broadcast = auto_broadcast(spec.prefix, spec.broadcast_auto == config::AddressSpec::BroadcastAuto::kSetHostBits);
    if (broadcast) errors.check(rtnl_addr_set_broadcast(addr.get(), netlink::to_nl_addr(*broadcast).get()), "brd");
  }
  if (spec.scope) rtnl_addr_set_scope(addr.get(), scope_value(*spec.scope));
  unsigned flags = 0;
  // keepalived adds every IPv6 address with nodad: usable at once rather than tentative
  // for a DAD round after each failover, and never stuck in dadfailed after a split brain
  // (VRRP is the duplicate detection here).
  if (spec.no_dad || v6) flags |= IFA_F_NODAD;
  if (spec.home) flags |= IFA_F_HOMEADDRESS;
  if (spec.mngtmpaddr) flags |= IFA_F_MANAGETEMPADDR;
  if (spec.noprefixroute) flags |= IFA_F_NOPREFIXROUTE;
  if (spec.autojoin) flags |= IFA_F_MCAUTOJOIN;
  if (flags != 0) rtnl_addr_set_flags(addr.get(), flags);
  // preferred_lft 0 deprecates the address, so it is never chosen as a source (the usual
  // use for an IPv6 VIP); the valid lifetime stays infinite, the kernel refuses 0.
  // keepalived deprecates an IPv6 /128 unless told otherwise (RFC 6724 source selection).
  std::optional<std::uint32_t> preferred = spec.preferred_lft;
  if (spec.preferred_lft_forever)
    preferred = kForever;
  else if (!preferred && v6 && effective_prefix_length(spec) == 128)
    preferred = 0;
  if (preferred) {
    rtnl_addr_set_valid_lifetime(addr.get(), kForever);
    rtnl_addr_set_preferred_lifetime(addr.get(), *preferred);
  }
  if (auto ok = errors.result(); !ok) return std::unexpected(ok.error());
  return addr;
}

std::string describe(rtnl_addr* addr) {
  std::string text = fmt::format("{}/{}", netlink::from_nl_addr(rtnl_addr_get_local(addr))->to_string(),
                                 rtnl_addr_get_prefixlen(addr));
  if (rtnl_addr_get_family(addr) == AF_INET) {
    if (const char* label = rtnl_addr_get_label(addr)) text += fmt::format(" label {}", label);
    // libnl reports a peer only when it differs from the local address.
    if (auto peer = netlink::from_nl_addr(rtnl_addr_get_peer(addr))) text += fmt::format(" peer {}", peer->to_string());
  }
  return text + " scope " + scope_text(rtnl_addr_get_scope(addr));
}

// After EEXIST: succeed when the address on the interface is the one asked for. The kernel
// says EEXIST for the same local address (IPv4: and prefix length) on the same interface,
// whatever its label, peer or scope, so those are compared here.
IoResult<> check_existing(netlink::Socket& socket, const config::AddressSpec& spec, int ifindex,
                          const std::string& device, std::string_view what) {
  socket.forget_kernel_error();
  nl_cache* raw = nullptr;
  if (int err = rtnl_addr_alloc_cache(socket.get(), &raw); err < 0)
    return std::unexpected(socket.error(fmt::format("{}: reading the existing address", what), err));
  netlink::CachePtr cache{raw};
  const bool v6 = spec.prefix.address.is_v6();
  for (nl_object* object = nl_cache_get_first(cache.get()); object != nullptr; object = nl_cache_get_next(object)) {
    auto* existing = reinterpret_cast<rtnl_addr*>(object);
    if (rtnl_addr_get_ifindex(existing) != ifindex) continue;
    if (netlink::from_nl_addr(rtnl_addr_get_local(existing)) != spec.prefix.address) continue;
    bool same = rtnl_addr_get_prefixlen(existing) == effective_prefix_length(spec);
    if (!v6) {
      const char* label = rtnl_addr_get_label(existing);
      same = same && std::string{label ? label : ""} == spec.label.value_or(device);
      const auto peer = netlink::from_nl_addr(rtnl_addr_get_peer(existing)).value_or(spec.prefix.address);
      same = same && peer == (spec.peer ? spec.peer->address : spec.prefix.address);
      const int scope = spec.scope ? scope_value(*spec.scope) : RT_SCOPE_UNIVERSE;
      same = same && rtnl_addr_get_scope(existing) == scope;
    }
    if (same) return {};
    return std::unexpected(
        IoError{fmt::format("{}: File exists, as {} on {}", what, describe(existing), device), EEXIST});
  }
  // Gone again between the two requests: report the original refusal.
  return std::unexpected(IoError{fmt::format("{}: File exists", what), EEXIST});
}

}  // namespace

NetlinkAddressProgrammer::NetlinkAddressProgrammer(std::unique_ptr<netlink::Socket> socket)
    : socket_(std::move(socket)) {}
NetlinkAddressProgrammer::~NetlinkAddressProgrammer() = default;

IoResult<std::unique_ptr<NetlinkAddressProgrammer>> NetlinkAddressProgrammer::open() {
  auto socket = netlink::Socket::open();
  if (!socket) return std::unexpected(socket.error());
  return std::unique_ptr<NetlinkAddressProgrammer>{
      new NetlinkAddressProgrammer(std::make_unique<netlink::Socket>(std::move(*socket)))};
}

IoResult<> NetlinkAddressProgrammer::add_address(const config::AddressSpec& spec, std::string_view default_interface) {
  return change_address(spec, default_interface, true);
}

IoResult<> NetlinkAddressProgrammer::remove_address(const config::AddressSpec& spec,
                                                    std::string_view default_interface) {
  return change_address(spec, default_interface, false);
}

IoResult<> NetlinkAddressProgrammer::change_address(const config::AddressSpec& spec, std::string_view default_interface,
                                                    bool add) {
  const std::string device = spec.device.value_or(std::string{default_interface});
  std::string what = fmt::format("{} {}", add ? "add" : "delete", spec.prefix.to_string());
  if (device.empty()) return std::unexpected(IoError{what + ": no interface (no dev, and no default)", ENODEV});
  what += " dev " + device;

  auto ifindex = socket_->ifindex(device, what);
  if (!ifindex) {
    // The interface took its addresses with it.
    if (!add && ifindex.error().error_number == ENODEV) return {};
    return std::unexpected(ifindex.error());
  }
  auto addr = build_address(spec, *ifindex, add, what);
  if (!addr) return std::unexpected(addr.error());

  nl_msg* raw = nullptr;
  const int built = add ? rtnl_addr_build_add_request(addr->get(), NLM_F_CREATE | NLM_F_EXCL, &raw)
                        : rtnl_addr_build_delete_request(addr->get(), 0, &raw);
  netlink::MsgPtr message{raw};
  if (built < 0) return std::unexpected(IoError{fmt::format("{}: {}", what, nl_geterror(built)), EINVAL});
  if (spec.peer && spec.prefix.address.is_v6()) {
    // IFA_ADDRESS is the peer when it differs from IFA_LOCAL; the kernel keeps the last copy.
    if (nla_put(message.get(), IFA_ADDRESS, 16, spec.peer->address.bytes.data()) < 0)
      return std::unexpected(IoError{what + ": message too long", EMSGSIZE});
  }

  auto result = socket_->request(message.get(), what);
  if (result) return {};
  const int error_number = result.error().error_number;
  if (!add && error_number == EADDRNOTAVAIL) return {};
  if (add && error_number == EEXIST) return check_existing(*socket_, spec, *ifindex, device, what);
  return result;
}

}  // namespace keel::vrrp

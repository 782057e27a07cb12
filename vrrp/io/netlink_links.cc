#include "vrrp/io/netlink_links.h"

#include <linux/if.h>
#include <linux/if_addr.h>
#include <linux/rtnetlink.h>
#include <netlink/object.h>
#include <sys/socket.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "vrrp/io/netlink_socket.h"

namespace keel::vrrp {
namespace {

constexpr int kDumpAttempts = 5;  // a dump interrupted by concurrent changes is retried

// Only AF_UNSPEC link messages describe an interface: the bridge sends AF_BRIDGE ones for
// its ports, and an AF_BRIDGE RTM_DELLINK means "left the bridge", not "deleted".
std::optional<InterfaceInfo> link_info(rtnl_link* link) {
  if (rtnl_link_get_family(link) != AF_UNSPEC) return std::nullopt;
  InterfaceInfo info;
  info.ifindex = rtnl_link_get_ifindex(link);
  if (const char* name = rtnl_link_get_name(link)) info.name = name;
  const unsigned flags = rtnl_link_get_flags(link);
  info.up = (flags & IFF_UP) != 0 && (flags & IFF_RUNNING) != 0;
  if (nl_addr* mac = rtnl_link_get_addr(link); mac != nullptr && nl_addr_get_len(mac) == info.mac.size())
    std::memcpy(info.mac.data(), nl_addr_get_binary_addr(mac), info.mac.size());
  if (info.ifindex <= 0 || info.name.empty()) return std::nullopt;
  return info;
}

struct AddressInfo {
  int ifindex = 0;
  config::IpPrefix prefix;
  bool usable = false;  // not tentative (IPv6 DAD running) and DAD did not fail
};

std::optional<AddressInfo> address_info(rtnl_addr* addr) {
  auto local = netlink::from_nl_addr(rtnl_addr_get_local(addr));
  if (!local) return std::nullopt;
  const unsigned flags = rtnl_addr_get_flags(addr);
  return AddressInfo{.ifindex = rtnl_addr_get_ifindex(addr),
                     .prefix = config::IpPrefix{*local, static_cast<std::uint8_t>(rtnl_addr_get_prefixlen(addr))},
                     .usable = (flags & (IFA_F_TENTATIVE | IFA_F_DADFAILED)) == 0};
}

void on_object(nl_object* object, void* arg) {
  auto* monitor = static_cast<NetlinkLinkMonitor*>(arg);
  const int type = nl_object_get_msgtype(object);
  if (type == RTM_NEWLINK || type == RTM_DELLINK) {
    if (auto info = link_info(reinterpret_cast<rtnl_link*>(object))) monitor->apply_link(*info, type == RTM_DELLINK);
  } else if (type == RTM_NEWADDR || type == RTM_DELADDR) {
    if (auto info = address_info(reinterpret_cast<rtnl_addr*>(object)))
      monitor->apply_address(info->ifindex, info->prefix, type == RTM_DELADDR || !info->usable);
  }
}

int on_message(nl_msg* message, void* arg) {
  nl_msg_parse(message, on_object, arg);  // a message libnl cannot parse is skipped
  return NL_OK;
}

bool same_addresses(const std::vector<config::IpPrefix>& a, const std::vector<config::IpPrefix>& b) {
  return a.size() == b.size() && std::ranges::all_of(a, [&](const auto& p) { return std::ranges::count(b, p) == 1; });
}

bool same(const InterfaceInfo& a, const InterfaceInfo& b) {
  return a.ifindex == b.ifindex && a.name == b.name && a.up == b.up && a.mac == b.mac &&
         same_addresses(a.addresses, b.addresses);
}

// Reads and drops whatever is queued: after an overflow the queue is an incomplete story,
// and the dump that follows tells the current one.
void discard_pending(int fd) {
  char buffer[16384];
  for (;;) {
    const ssize_t n = recv(fd, buffer, sizeof(buffer), MSG_DONTWAIT);
    if (n > 0 || (n < 0 && (errno == EINTR || errno == ENOBUFS))) continue;
    return;
  }
}

template <class Fill>
int fill_cache(Fill fill, netlink::CachePtr& cache) {
  int err = 0;
  for (int attempt = 0; attempt < kDumpAttempts; ++attempt) {
    nl_cache* raw = nullptr;
    err = fill(&raw);
    if (err >= 0) {
      cache.reset(raw);
      return 0;
    }
    if (err != -NLE_DUMP_INTR) break;
  }
  return err;
}

}  // namespace

NetlinkLinkMonitor::NetlinkLinkMonitor(std::unique_ptr<netlink::Socket> events,
                                       std::unique_ptr<netlink::Socket> requests)
    : events_(std::move(events)), requests_(std::move(requests)) {}
NetlinkLinkMonitor::~NetlinkLinkMonitor() = default;

IoResult<std::unique_ptr<NetlinkLinkMonitor>> NetlinkLinkMonitor::open(const NetlinkLinkMonitorOptions& options) {
  auto events = netlink::Socket::open();
  if (!events) return std::unexpected(events.error());
  auto requests = netlink::Socket::open();
  if (!requests) return std::unexpected(requests.error());
  std::unique_ptr<NetlinkLinkMonitor> monitor{new NetlinkLinkMonitor(
      std::make_unique<netlink::Socket>(std::move(*events)), std::make_unique<netlink::Socket>(std::move(*requests)))};

  nl_sock* sock = monitor->events_->get();
  nl_socket_disable_seq_check(sock);  // notifications carry sequence number 0
  nl_socket_modify_cb(sock, NL_CB_VALID, NL_CB_CUSTOM, on_message, monitor.get());
  // Subscribe before dumping, so that no change falls between the dump and the first event.
  if (int err = nl_socket_add_memberships(sock, RTNLGRP_LINK, RTNLGRP_IPV4_IFADDR, RTNLGRP_IPV6_IFADDR, 0); err < 0)
    return std::unexpected(monitor->events_->error("netlink link monitor: subscribing", err));
  if (int err = nl_socket_set_nonblocking(sock); err < 0)
    return std::unexpected(monitor->events_->error("netlink link monitor: non-blocking", err));
  // SO_RCVBUFFORCE goes past rmem_max, but needs CAP_NET_ADMIN; SO_RCVBUF is capped by it.
  const int size = options.receive_buffer_bytes;
  if (setsockopt(monitor->fd(), SOL_SOCKET, SO_RCVBUFFORCE, &size, sizeof(size)) < 0)
    setsockopt(monitor->fd(), SOL_SOCKET, SO_RCVBUF, &size, sizeof(size));
  if (auto dumped = monitor->resync(); !dumped) return std::unexpected(dumped.error());
  return monitor;
}

int NetlinkLinkMonitor::fd() const { return events_->fd(); }

IoResult<> NetlinkLinkMonitor::process_events() {
  nl_sock* sock = events_->get();
  nl_cb* cb = nl_socket_get_cb(sock);
  int received = 0;
  // Each call reads one datagram; 0 means nothing is left (EAGAIN on the non-blocking socket).
  while ((received = nl_recvmsgs_report(sock, cb)) > 0) {
  }
  nl_cb_put(cb);
  if (received == 0 || received == -NLE_AGAIN) return {};
  // ENOBUFS (libnl: NLE_NOMEM) means the kernel dropped notifications; any other failure
  // leaves the view just as uncertain. Either way: start again from a dump.
  ++resyncs_;
  discard_pending(fd());
  return resync();
}

IoResult<> NetlinkLinkMonitor::resync() {
  netlink::CachePtr links;
  netlink::CachePtr addresses;
  nl_sock* sock = requests_->get();
  requests_->forget_kernel_error();
  if (int err = fill_cache([&](nl_cache** out) { return rtnl_link_alloc_cache(sock, AF_UNSPEC, out); }, links); err < 0)
    return std::unexpected(requests_->error("netlink link monitor: dumping interfaces", err));
  if (int err = fill_cache([&](nl_cache** out) { return rtnl_addr_alloc_cache(sock, out); }, addresses); err < 0)
    return std::unexpected(requests_->error("netlink link monitor: dumping addresses", err));

  std::map<int, InterfaceInfo> fresh;
  for (nl_object* o = nl_cache_get_first(links.get()); o != nullptr; o = nl_cache_get_next(o))
    if (auto info = link_info(reinterpret_cast<rtnl_link*>(o))) fresh[info->ifindex] = std::move(*info);
  for (nl_object* o = nl_cache_get_first(addresses.get()); o != nullptr; o = nl_cache_get_next(o)) {
    auto info = address_info(reinterpret_cast<rtnl_addr*>(o));
    auto link = info ? fresh.find(info->ifindex) : fresh.end();
    if (link != fresh.end() && info->usable) link->second.addresses.push_back(info->prefix);
  }

  // Removals first: a name re-created under a new index reads "removed, then added".
  for (auto it = interfaces_.begin(); it != interfaces_.end();) {
    if (fresh.contains(it->first)) {
      ++it;
      continue;
    }
    const InterfaceInfo gone = std::move(it->second);
    it = interfaces_.erase(it);
    notify(gone, true);
  }
  for (auto& [ifindex, info] : fresh) update(std::move(info), true);
  return {};
}

void NetlinkLinkMonitor::apply_link(InterfaceInfo fresh, bool removed) {
  if (!removed) return update(std::move(fresh), false);
  auto it = interfaces_.find(fresh.ifindex);
  if (it == interfaces_.end()) return;
  const InterfaceInfo gone = std::move(it->second);
  interfaces_.erase(it);
  notify(gone, true);
}

void NetlinkLinkMonitor::update(InterfaceInfo fresh, bool with_addresses) {
  auto it = interfaces_.find(fresh.ifindex);
  if (it == interfaces_.end()) {
    const int ifindex = fresh.ifindex;
    interfaces_.emplace(ifindex, std::move(fresh));
    notify(interfaces_.at(ifindex), false);
    return;
  }
  // Link notifications carry no addresses; a dump's entry (resync) does.
  if (!with_addresses) fresh.addresses = it->second.addresses;
  if (same(it->second, fresh)) return;
  if (it->second.name != fresh.name) {
    // Renamed: whoever tracked the old name sees it go; the new name appears.
    const InterfaceInfo old = it->second;
    it->second = std::move(fresh);
    notify(old, true);
  } else {
    it->second = std::move(fresh);
  }
  notify(interfaces_.at(it->first), false);
}

void NetlinkLinkMonitor::apply_address(int ifindex, const config::IpPrefix& prefix, bool removed) {
  auto it = interfaces_.find(ifindex);
  if (it == interfaces_.end()) return;
  auto& addresses = it->second.addresses;
  const auto present = std::ranges::find(addresses, prefix);
  if (removed == (present == addresses.end())) return;  // nothing changes
  if (removed)
    addresses.erase(present);
  else
    addresses.push_back(prefix);
  notify(it->second, false);
}

void NetlinkLinkMonitor::notify(const InterfaceInfo& interface, bool removed) {
  // A copy of both: a callback may register another callback or change the view.
  const InterfaceInfo snapshot = interface;
  const std::vector<Callback> callbacks = callbacks_;
  for (const auto& callback : callbacks) callback(snapshot, removed);
}

std::optional<InterfaceInfo> NetlinkLinkMonitor::find(std::string_view name) const {
  for (const auto& [ifindex, info] : interfaces_)
    if (info.name == name) return info;
  return std::nullopt;
}

std::optional<InterfaceInfo> NetlinkLinkMonitor::find_index(int ifindex) const {
  const auto it = interfaces_.find(ifindex);
  if (it == interfaces_.end()) return std::nullopt;
  return it->second;
}

void NetlinkLinkMonitor::on_change(Callback callback) { callbacks_.push_back(std::move(callback)); }

}  // namespace keel::vrrp

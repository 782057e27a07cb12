// LinkMonitor over rtnetlink: the interfaces of one network namespace (index, name, up =
// IFF_UP and IFF_RUNNING, MAC, usable addresses) from a dump, kept current by the
// RTNLGRP_LINK / RTNLGRP_IPV4_IFADDR / RTNLGRP_IPV6_IFADDR notifications.
//
// Every change is reported to the callbacks once the view holds it, so a callback may call
// find(). An interface that disappears is reported with removed = true and its last known
// state; one re-created under the same name (new ifindex) is reported removed, then added;
// a rename is the old name removed and the new one added. Addresses still in IPv6 duplicate
// address detection (tentative) or that failed it are not listed: they cannot be used yet.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string_view>
#include <vector>

#include "vrrp/io/ports.h"

namespace keel::vrrp {

namespace netlink {
class Socket;
}

struct NetlinkLinkMonitorOptions {
  // Receive buffer of the notification socket (SO_RCVBUFFORCE when permitted): room for a
  // burst from many interfaces, e.g. a host with hundreds of macvlans going down at once.
  int receive_buffer_bytes = 4 << 20;
};

class NetlinkLinkMonitor final : public LinkMonitor {
 public:
  using Callback = std::function<void(const InterfaceInfo& now, bool removed)>;

  // Subscribes, then dumps links and addresses, in the calling thread's network namespace
  // (the sockets stay in it). Notifications that raced the dump are applied by the first
  // process_events() and change nothing that the dump already showed.
  static IoResult<std::unique_ptr<NetlinkLinkMonitor>> open(const NetlinkLinkMonitorOptions& options = {});
  ~NetlinkLinkMonitor() override;
  NetlinkLinkMonitor(const NetlinkLinkMonitor&) = delete;
  NetlinkLinkMonitor& operator=(const NetlinkLinkMonitor&) = delete;

  // Readable when notifications are pending: watch it with Reactor::on_readable.
  int fd() const;

  // Applies every pending notification without blocking and reports the changes. When the
  // kernel dropped notifications (ENOBUFS: the socket buffer overflowed) it dumps again and
  // reports the differences; an error means even that failed and the view may be stale.
  IoResult<> process_events();

  std::optional<InterfaceInfo> find(std::string_view name) const override;
  std::optional<InterfaceInfo> find_index(int ifindex) const;
  void on_change(Callback callback) override;

  // How often notifications were lost and the view was rebuilt from a dump.
  std::uint64_t resyncs() const { return resyncs_; }

  // Called from the netlink parsing callbacks (netlink_links.cc); not for other users.
  void apply_link(InterfaceInfo fresh, bool removed);
  void apply_address(int ifindex, const config::IpPrefix& prefix, bool removed);

 private:
  NetlinkLinkMonitor(std::unique_ptr<netlink::Socket> events, std::unique_ptr<netlink::Socket> requests);
  IoResult<> resync();
  // Inserts or replaces one interface and reports a difference; `with_addresses` says
  // whether `fresh` lists the addresses (a dump) or not (a link notification).
  void update(InterfaceInfo fresh, bool with_addresses);
  void notify(const InterfaceInfo& interface, bool removed);

  std::unique_ptr<netlink::Socket> events_;    // subscribed, non-blocking
  std::unique_ptr<netlink::Socket> requests_;  // dumps (blocking, answered at once)
  std::map<int, InterfaceInfo> interfaces_;    // by ifindex
  std::vector<Callback> callbacks_;
  std::uint64_t resyncs_ = 0;
};

}  // namespace keel::vrrp

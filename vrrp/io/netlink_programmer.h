// AddressProgrammer over rtnetlink (libnl-route): virtual_ipaddress, virtual_routes and
// virtual_rules (and the static_* blocks) with `ip address|route|rule add` semantics as
// keepalived.conf(5) writes them. Split by object: netlink_addresses.cc, netlink_routes.cc,
// netlink_rules.cc.
//
// Contract, in addition to ports.h:
// - adding what is already there (same object, same attributes) succeeds; an address that
//   exists with other attributes (prefix length, label, peer, scope) is an error;
// - removing what is not there succeeds, also when its interface is gone;
// - routes and rules are tagged `proto keepalived` (18) unless the spec names a protocol,
//   and removal matches that tag, so Keel never deletes a route someone else installed;
// - errors name the object and the kernel's reason: "add 198.18.0.100/24 dev veth0: No such device".
#pragma once

#include <memory>
#include <string_view>

#include "vrrp/io/ports.h"

namespace keel::vrrp {

namespace netlink {
class Socket;
}

class NetlinkAddressProgrammer final : public AddressProgrammer {
 public:
  // Opens the socket in the calling thread's network namespace; it stays there.
  static IoResult<std::unique_ptr<NetlinkAddressProgrammer>> open();
  ~NetlinkAddressProgrammer() override;

  IoResult<> add_address(const config::AddressSpec& spec, std::string_view default_interface) override;
  IoResult<> remove_address(const config::AddressSpec& spec, std::string_view default_interface) override;
  IoResult<> add_route(const config::RouteSpec& spec) override;
  IoResult<> remove_route(const config::RouteSpec& spec) override;
  IoResult<> add_rule(const config::RuleSpec& spec) override;
  IoResult<> remove_rule(const config::RuleSpec& spec) override;
  IoResult<int> add_vmac(std::string_view base, std::string_view name,
                         const std::array<std::uint8_t, 6>& mac) override;  // netlink_vmac.cc
  IoResult<> remove_vmac(std::string_view name) override;

 private:
  explicit NetlinkAddressProgrammer(std::unique_ptr<netlink::Socket> socket);
  IoResult<> change_address(const config::AddressSpec& spec, std::string_view default_interface, bool add);
  IoResult<> change_route(const config::RouteSpec& spec, bool add);
  IoResult<> change_rule(const config::RuleSpec& spec, bool add);

  std::unique_ptr<netlink::Socket> socket_;
};

}  // namespace keel::vrrp

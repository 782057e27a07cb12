// The VRRP child's component: the real adapters (raw sockets, AF_PACKET, netlink, child
// scripts, the loop) plugged into vrrp::VrrpService.
#pragma once

#include <expected>
#include <memory>

#include "control/child_runtime.h"

namespace keel::ctl {

// The ComponentFactory registered under kVrrpService in keeld_main.cc.
std::expected<std::unique_ptr<Component>, Error> make_vrrp_component(ChildContext& context);

}  // namespace keel::ctl

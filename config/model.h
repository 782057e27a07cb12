// The typed model of a keepalived.conf: what the parser understood, validated.
// Plain data; the parsers in config/parse_*.cc fill it, nothing here does I/O.
#pragma once

#include <optional>
#include <vector>

#include "config/model_common.h"
#include "config/model_global.h"
#include "config/model_lvs.h"
#include "config/model_vrrp.h"

namespace keel::config {

struct Config {
  GlobalDefs global;
  std::vector<LinkbeatInterface> linkbeat_interfaces;
  std::vector<InterfaceDelays> interface_up_down_delays;
  std::vector<TrackGroup> track_groups;
  std::vector<AddressSpec> static_ipaddress;
  std::vector<RouteSpec> static_routes;
  std::vector<RuleSpec> static_rules;

  std::vector<VrrpScript> vrrp_scripts;
  std::vector<TrackFile> track_files;
  std::vector<TrackProcess> track_processes;
  std::vector<GarpGroup> garp_groups;
  std::vector<VrrpSyncGroup> vrrp_sync_groups;
  std::vector<VrrpInstance> vrrp_instances;

  std::vector<VirtualServerGroup> virtual_server_groups;
  std::vector<VirtualServer> virtual_servers;
  std::vector<BfdInstance> bfd_instances;
  std::optional<SslContext> ssl;  // top-level SSL { } used by SSL_GET checkers
};

}  // namespace keel::config

#include "control/vrrp_component.h"

#include <fmt/core.h>

#include <optional>

#include "control/reactor.h"
#include "control/script_runner.h"
#include "vrrp/io/advert_socket.h"
#include "vrrp/io/announcer.h"
#include "vrrp/io/netlink_links.h"
#include "vrrp/io/netlink_programmer.h"
#include "vrrp/service/vrrp_service.h"

namespace keel::ctl {
namespace {

vrrp::IoResult<std::unique_ptr<vrrp::AdvertChannel>> open_advert_socket(const vrrp::ChannelSpec& spec) {
  vrrp::AdvertSocketOptions options{
      .family = spec.family,
      .interface_name = spec.interface,
      .ifindex = spec.ifindex,
      .unicast = spec.unicast,
      .multicast_group = spec.multicast_group,
      .for_ah = spec.ah,
  };
  if (spec.unicast_ttl) options.unicast_ttl = static_cast<std::uint8_t>(*spec.unicast_ttl);
  auto socket = vrrp::AdvertSocket::open(options);
  if (!socket) return std::unexpected(socket.error());
  return std::unique_ptr<vrrp::AdvertChannel>{std::move(*socket)};
}

// Whether two configurations give VRRP the same work: a reload that changed only the
// checkers must not make every master resign.
bool same_vrrp(const config::Config& a, const config::Config& b) {
  return config::dump_config(config::Config{.global = a.global,
                                            .static_ipaddress = a.static_ipaddress,
                                            .static_routes = a.static_routes,
                                            .static_rules = a.static_rules,
                                            .vrrp_scripts = a.vrrp_scripts,
                                            .track_files = a.track_files,
                                            .vrrp_sync_groups = a.vrrp_sync_groups,
                                            .vrrp_instances = a.vrrp_instances}) ==
         config::dump_config(config::Config{.global = b.global,
                                            .static_ipaddress = b.static_ipaddress,
                                            .static_routes = b.static_routes,
                                            .static_rules = b.static_rules,
                                            .vrrp_scripts = b.vrrp_scripts,
                                            .track_files = b.track_files,
                                            .vrrp_sync_groups = b.vrrp_sync_groups,
                                            .vrrp_instances = b.vrrp_instances});
}

class VrrpComponent final : public Component {
 public:
  VrrpComponent(ChildContext& context, std::unique_ptr<vrrp::NetlinkAddressProgrammer> addresses,
                std::unique_ptr<vrrp::NetlinkLinkMonitor> links, std::unique_ptr<vrrp::PacketAnnouncer> announcer)
      : context_(context),
        reactor_(context.loop),
        log_(context.logger),
        addresses_(std::move(addresses)),
        links_(std::move(links)),
        announcer_(std::move(announcer)) {
    links_watch_ = reactor_.on_readable(links_->fd(), [this] {
      if (auto processed = links_->process_events(); !processed)
        context_.logger.warning("netlink link monitor: {}", processed.error().message);
    });
  }

  std::string_view name() const override { return "VRRP"; }

  void apply_config(const config::Config& config) override {
    if (service_ && same_vrrp(*config_, config)) {
      context_.logger.info("VRRP: reload leaves the VRRP configuration unchanged; instances keep their state");
      config_ = std::make_unique<config::Config>(config);  // the service keeps the old copy alive below
      return;
    }
    if (service_) {
      // The instances are rebuilt: masters resign and the new set elects again.
      context_.logger.notice("VRRP: configuration changed; restarting the VRRP instances");
      service_->shutdown();
      service_.reset();
      scripts_.reset();
    }
    running_config_ = std::make_unique<config::Config>(config);
    config_ = std::make_unique<config::Config>(config);
    scripts_ = std::make_unique<ChildScriptRunner>(context_.loop, context_.logger,
                                                   script_runner_options(running_config_->global));
    service_ = std::make_unique<vrrp::VrrpService>(
        *running_config_, vrrp::VrrpPorts{reactor_, *addresses_, *announcer_, *links_, *scripts_, log_},
        open_advert_socket);
    service_->start();
    context_.logger.notice("VRRP: {} instance(s) started", running_config_->vrrp_instances.size());
  }

  void dump_state(Logger& logger) const override {
    if (!service_) return;
    for (const auto& line : service_->status()) logger.notice("{}", line);
  }

  void stop() override {
    if (service_) service_->shutdown();
  }

 private:
  ChildContext& context_;
  LoopReactor reactor_;
  LoggerLog log_;
  std::unique_ptr<vrrp::NetlinkAddressProgrammer> addresses_;
  std::unique_ptr<vrrp::NetlinkLinkMonitor> links_;
  std::unique_ptr<vrrp::PacketAnnouncer> announcer_;
  std::unique_ptr<vrrp::Handle> links_watch_;
  std::unique_ptr<config::Config> running_config_;  // what the service runs on
  std::unique_ptr<config::Config> config_;          // the latest configuration applied
  std::unique_ptr<ChildScriptRunner> scripts_;
  std::unique_ptr<vrrp::VrrpService> service_;
};

Error to_error(const vrrp::IoError& error) { return Error{error.message, error.error_number}; }

}  // namespace

std::expected<std::unique_ptr<Component>, Error> make_vrrp_component(ChildContext& context) {
  auto addresses = vrrp::NetlinkAddressProgrammer::open();
  if (!addresses) return std::unexpected(to_error(addresses.error()));
  auto links = vrrp::NetlinkLinkMonitor::open();
  if (!links) return std::unexpected(to_error(links.error()));
  auto announcer = vrrp::PacketAnnouncer::open();
  if (!announcer) return std::unexpected(to_error(announcer.error()));
  return std::make_unique<VrrpComponent>(context, std::move(*addresses), std::move(*links), std::move(*announcer));
}

}  // namespace keel::ctl

// Cross-checks and derived values of the LVS part once the whole file is read, after
// keepalived's validate_check_config(): group references, per-service sanity (protocol,
// ports, scheduler flags, quorum), and the defaults real servers take from their virtual
// server and checkers from their real server. Where keepalived corrects a value with a
// warning, so does Keel, so that both run the same services from the same file.
#include <algorithm>
#include <unordered_map>

#include "config/lvs_keywords.h"
#include "config/parse_lvs.h"

namespace keel::config {
namespace {

using lvs::kDefaultPersistenceSeconds;

// Name indexes of what services refer to, built once: configs with thousands of groups
// and services must not search lists per service.
struct Names {
  std::unordered_map<std::string_view, const VirtualServerGroup*> groups;
  std::unordered_map<std::string_view, const BfdInstance*> bfd_instances;
  std::unordered_map<std::string_view, const TrackFile*> track_files;
};

class ServiceValidator {
 public:
  ServiceValidator(const Config& config, const Names& names, VirtualServer& server, ParseContext& context)
      : config_(config), names_(names), server_(server), diagnostics_(context.diagnostics()) {}

  // False when keepalived would drop the service.
  bool run() {
    if (!resolve_group()) return true;
    if (server_.real_servers.empty()) {
      warn(server_.location, "has no real_server and is ignored");
      return false;
    }
    // smtp_alert: global_defs smtp_alert_checker, else smtp_alert, else off for services
    // and on for real servers (keepalived keeps the latter for backward compatibility).
    const auto global_alert =
        config_.global.smtp_alert_checker ? config_.global.smtp_alert_checker : config_.global.smtp_alert;
    if (!server_.smtp_alert) server_.smtp_alert = global_alert.value_or(false);
    for (auto& real : server_.real_servers)
      if (!real.smtp_alert) real.smtp_alert = global_alert.value_or(true);
    check_service_kind();
    check_scheduler();
    check_families();
    for (auto& real : server_.real_servers) inherit(real);
    remove_duplicates();
    check_sorry_server();
    check_quorum();
    check_ports();
    for (auto& real : server_.real_servers)
      for (auto& checker : real.checkers) finish_checker(real, checker);
    return true;
  }

 private:
  // "virtual_server 10.0.0.1 80: <text>"
  std::string labelled(const std::string& text) const { return lvs::describe(server_) + ": " + text; }
  void warn(const SourceLocation& where, const std::string& text) { diagnostics_.warning(where, labelled(text)); }
  void fail(const SourceLocation& where, const std::string& text) { diagnostics_.error(where, labelled(text)); }

  bool resolve_group() {
    if (server_.kind != VirtualServerKind::kGroup) return true;
    if (const auto found = names_.groups.find(server_.group); found != names_.groups.end()) group_ = found->second;
    if (!group_) fail(server_.location, "names an undefined virtual_server_group '" + server_.group + "'");
    return group_ != nullptr;
  }

  bool has_addresses() const {
    return server_.kind == VirtualServerKind::kAddress || (group_ && !group_->ranges.empty());
  }
  bool has_fwmarks() const {
    return server_.kind == VirtualServerKind::kFwmark || (group_ && !group_->fwmarks.empty());
  }

  void check_service_kind() {
    if (server_.ha_suspend && has_fwmarks()) {
      warn(server_.location, "cannot use ha_suspend with fwmarks; ha_suspend is ignored");
      server_.ha_suspend = false;
    }
    if (has_addresses()) {
      if (!server_.protocol) {
        // With protocol 0 the kernel would pick UDP; keepalived makes that explicit.
        warn(server_.location, "has no 'protocol'; using UDP");
        server_.protocol = LvsProtocol::kUdp;
      }
      if (server_.ops && server_.protocol != LvsProtocol::kUdp) {
        warn(server_.location, "'ops' needs protocol UDP and is ignored");
        server_.ops = false;
      }
    } else if (server_.protocol) {
      warn(server_.location, "'protocol' is ignored for a fwmark service");
      server_.protocol.reset();
    }
    // Man page: "The port for the virtual server can only be omitted if the virtual
    // service is persistent."
    bool portless = server_.kind == VirtualServerKind::kAddress && server_.port == 0;
    if (group_)
      portless = std::any_of(group_->ranges.begin(), group_->ranges.end(), [](const auto& r) { return r.port == 0; });
    if (server_.persistence_granularity && !server_.persistence_timeout)
      server_.persistence_timeout = kDefaultPersistenceSeconds;
    if (portless && !server_.persistence_timeout) {
      warn(server_.location, "has no port, which only a persistent service may omit; using persistence_timeout 360");
      server_.persistence_timeout = kDefaultPersistenceSeconds;
    }
    if (!server_.lvs_method) server_.lvs_method = ForwardingMethod{};  // man page: default is NAT
  }

  void check_scheduler() {
    if (!server_.lb_algo) {
      warn(server_.location, "has no 'lvs_sched'; using wlc");
      server_.lb_algo = LbAlgo::kWlc;
    }
    const auto only_for = [&](bool& flag, std::string_view name, LbAlgo algo, std::string_view algo_name) {
      if (!flag || server_.lb_algo == algo) return;
      warn(server_.location,
           "'" + std::string{name} + "' only applies to lvs_sched " + std::string{algo_name} + " and is ignored");
      flag = false;
    };
    only_for(server_.sh_port, "sh-port", LbAlgo::kSh, "sh");
    only_for(server_.sh_fallback, "sh-fallback", LbAlgo::kSh, "sh");
    only_for(server_.mh_port, "mh-port", LbAlgo::kMh, "mh");
    only_for(server_.mh_fallback, "mh-fallback", LbAlgo::kMh, "mh");
  }

  // Non-tunnelled real and sorry servers share the service's address family (man page,
  // LVS CONFIGURATION notes); tunnelled ones may differ.
  void check_families() {
    std::optional<Family> family = server_.ip_family;
    if (server_.kind == VirtualServerKind::kAddress) {
      if (family && *family != server_.address.family) fail(server_.location, "ip_family does not match its address");
      family = server_.address.family;
    } else if (group_ && !group_->ranges.empty()) {
      family = group_->ranges.front().first.family;
    }
    for (const auto& real : server_.real_servers) {
      const ForwardingMethod& method = real.lvs_method ? *real.lvs_method : *server_.lvs_method;
      if (method.kind == LbKind::kTun) continue;
      if (!family)
        family = real.address.family;
      else if (real.address.family != *family)
        fail(real.location, lvs::describe(real) + " is of another address family than the service");
    }
  }

  void inherit(RealServer& real) {
    if (!real.lvs_method) real.lvs_method = server_.lvs_method;
    if (!real.weight) real.weight = server_.weight;
    if (!real.alpha) real.alpha = server_.alpha;
    if (!real.inhibit_on_failure) real.inhibit_on_failure = server_.inhibit_on_failure;
    if (!real.connect_timeout) real.connect_timeout = server_.connect_timeout;
    if (!real.delay_loop) real.delay_loop = server_.delay_loop;
    if (!real.retry) real.retry = server_.retry;
    if (!real.warmup) real.warmup = server_.warmup;
    if (!real.delay_before_retry) real.delay_before_retry = server_.delay_before_retry;
    // A real server without a port uses the service's (address services only).
    if (real.port == 0 && server_.kind == VirtualServerKind::kAddress) real.port = server_.port;
  }

  void remove_duplicates() {
    auto& reals = server_.real_servers;
    for (std::size_t i = 1; i < reals.size(); ++i) {
      const bool duplicate =
          std::any_of(reals.begin(), reals.begin() + static_cast<std::ptrdiff_t>(i),
                      [&](const auto& r) { return r.address == reals[i].address && r.port == reals[i].port; });
      if (!duplicate) continue;
      warn(reals[i].location, lvs::describe(reals[i]) + " is a duplicate and is ignored");
      reals.erase(reals.begin() + static_cast<std::ptrdiff_t>(i--));
    }
  }

  void check_sorry_server() {
    if (!server_.sorry_server) return;
    SorryServer& sorry = *server_.sorry_server;
    if (!sorry.lvs_method) sorry.lvs_method = server_.lvs_method;
    if (sorry.port == 0 && server_.kind == VirtualServerKind::kAddress) sorry.port = server_.port;
    for (const auto& real : server_.real_servers) {
      if (real.address != sorry.address || real.port != sorry.port || *real.inhibit_on_failure == sorry.inhibit)
        continue;
      warn(sorry.location,
           "sorry_server is also a real_server but its inhibit setting differs; using the real_server's");
      sorry.inhibit = *real.inhibit_on_failure;
    }
  }

  void check_quorum() {
    std::int64_t total = 0;
    for (const auto& real : server_.real_servers) total += *real.weight;
    // keepalived lowers the quorum to the total weight so the service can come up. It
    // would go down to 0 for an all-zero pool; Keel stops at 1, the smallest quorum the
    // keyword accepts, so that the dump reads back.
    const auto reachable = static_cast<std::uint32_t>(std::max<std::int64_t>(total, 1));
    if (server_.quorum > reachable) {
      warn(server_.location, "quorum " + std::to_string(server_.quorum) + " exceeds the total weight " +
                                 std::to_string(total) + " of its real servers; using " + std::to_string(reachable));
      server_.quorum = reachable;
    }
    if (server_.hysteresis != 0 && server_.hysteresis >= server_.quorum) {
      const std::uint32_t reduced = server_.quorum - 1;
      warn(server_.location, "hysteresis " + std::to_string(server_.hysteresis) + " is not below quorum " +
                                 std::to_string(server_.quorum) + "; using " + std::to_string(reduced));
      server_.hysteresis = reduced;
    }
  }

  // Unless NAT, real servers answer on the service's port (or no port for fwmarks).
  void check_ports() {
    // `what` names the server only when there is something to say (the name costs a
    // string conversion, and large pools have many servers).
    const auto check = [&](const SourceLocation& where, const ForwardingMethod& method, std::uint16_t& port,
                           const auto& what) {
      if (method.kind == LbKind::kNat || port == 0) return;
      if (has_fwmarks()) {
        warn(where, what() + " port " + std::to_string(port) + " is ignored for a fwmark service");
        if (server_.kind == VirtualServerKind::kFwmark) port = 0;
        return;
      }
      if (server_.kind == VirtualServerKind::kAddress && port != server_.port) {
        warn(where, what() + " port " + std::to_string(port) + " differs from the service's; using " +
                        std::to_string(server_.port));
        port = server_.port;
      }
      if (group_) {
        for (const auto& range : group_->ranges)
          if (range.port != port) warn(where, what() + " port " + std::to_string(port) + " differs from a group port");
      }
    };
    for (auto& real : server_.real_servers)
      check(real.location, *real.lvs_method, real.port, [&] { return lvs::describe(real); });
    if (server_.sorry_server) {
      auto& sorry = *server_.sorry_server;
      check(sorry.location, *sorry.lvs_method, sorry.port, [] { return std::string{"sorry_server"}; });
    }
  }

  // Checker defaults: the real server's values, else keepalived's per-type defaults.
  void finish_checker(const RealServer& real, Checker& checker) {
    if (checker.type == CheckerType::kFile) return finish_file_check(checker);  // no checker options
    if (!checker.alpha) checker.alpha = real.alpha;
    switch (checker.type) {
      case CheckerType::kBfd: {
        const auto& name = std::get<BfdCheck>(checker.detail).name;
        const auto found = names_.bfd_instances.find(name);
        if (found == names_.bfd_instances.end())
          fail(checker.location, "BFD_CHECK names an undefined bfd_instance '" + name + "'");
        else if (found->second->vrrp && !found->second->checker)  // man page: "vrrp": events to VRRP only
          fail(checker.location, "BFD_CHECK names bfd_instance '" + name + "', which only notifies vrrp");
        return;
      }
      case CheckerType::kHttp:
      case CheckerType::kSsl: {
        auto& http = std::get<HttpCheck>(checker.detail);
        // Man page, virtualhost: the checker's, else the real server's, else the service's.
        if (!http.virtualhost) http.virtualhost = real.virtualhost ? real.virtualhost : server_.virtualhost;
        for (auto& url : http.urls)
          if (url.status_codes.empty()) url.status_codes.push_back({200, 299});  // man page: "Default is 200-299"
        break;
      }
      default:
        break;
    }
    if (!checker.retry) checker.retry = real.retry.value_or(lvs::default_retry(checker.type));
    if (checker.type != CheckerType::kMisc && !checker.connection.connect_timeout)
      checker.connection.connect_timeout = real.connect_timeout;
    if (!checker.delay_loop) checker.delay_loop = real.delay_loop;
    if (!checker.warmup) checker.warmup = real.warmup.value_or(*checker.delay_loop);
    if (!checker.delay_before_retry) {
      checker.delay_before_retry =
          real.delay_before_retry.value_or(lvs::default_delay_before_retry(checker.type).value_or(*checker.delay_loop));
    }
  }

  void finish_file_check(Checker& checker) {
    auto& file = std::get<FileCheck>(checker.detail);
    const auto found = names_.track_files.find(file.track_file);
    if (found == names_.track_files.end()) {
      fail(checker.location, "FILE_CHECK names an undefined track_file '" + file.track_file + "'");
      return;
    }
    if (!file.weight) {  // keepalived's file_end_handler: the track_file's own weight
      file.weight = found->second->weight;
      file.weight_reverse = found->second->weight_reverse;
    }
  }

  const Config& config_;
  const Names& names_;
  VirtualServer& server_;
  Diagnostics& diagnostics_;
  const VirtualServerGroup* group_ = nullptr;
};

// Indexes the names services refer to; a group defined twice is an error (the first
// definition stands).
Names index_names(const Config& config, ParseContext& context) {
  Names names;
  for (const auto& group : config.virtual_server_groups) {
    if (!names.groups.emplace(group.name, &group).second)
      context.diagnostics().error(group.location, "virtual_server_group '" + group.name + "' is defined twice");
  }
  for (const auto& bfd : config.bfd_instances) names.bfd_instances.emplace(bfd.name, &bfd);
  for (const auto& track : config.track_files) names.track_files.emplace(track.name, &track);
  return names;
}

}  // namespace

void validate_lvs(Config& config, ParseContext& context) {
  lvs::validate_bfd(config, context);
  const Names names = index_names(config, context);
  auto& servers = config.virtual_servers;
  std::size_t kept = 0;
  for (std::size_t i = 0; i < servers.size(); ++i) {
    if (!ServiceValidator{config, names, servers[i], context}.run()) continue;
    if (kept != i) servers[kept] = std::move(servers[i]);
    ++kept;
  }
  servers.resize(kept);
}

}  // namespace keel::config

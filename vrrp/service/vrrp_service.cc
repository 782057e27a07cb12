#include "vrrp/service/vrrp_service.h"

#include <fmt/core.h>

#include <algorithm>
#include <fstream>

#include "vrrp/packet/advert.h"
#include "vrrp/packet/ip_packet.h"

namespace keel::vrrp {
namespace {

// A readable socket is drained in bounded batches so one busy interface cannot starve the
// rest of the loop (the next batch runs on the next readiness).
constexpr int kReceiveBatch = 64;
// track_file is re-read this often (keepalived watches it with inotify; a poll keeps the
// loop simple and is cheap at this rate).
constexpr auto kFilePollInterval = std::chrono::seconds{1};

bool referenced(const config::Config& config, const std::string& name,
                std::vector<config::TrackRef> config::VrrpInstance::*list,
                std::vector<config::TrackRef> config::VrrpSyncGroup::*group_list) {
  for (const auto& instance : config.vrrp_instances)
    for (const auto& ref : instance.*list)
      if (ref.name == name) return true;
  for (const auto& group : config.vrrp_sync_groups)
    for (const auto& ref : group.*group_list)
      if (ref.name == name) return true;
  return false;
}

// Every interface named by a track_interface block, of an instance or of a sync group.
std::vector<std::string> tracked_interfaces(const config::Config& config) {
  std::vector<std::string> names;
  auto add = [&names](const std::vector<config::TrackRef>& refs) {
    for (const auto& ref : refs)
      if (std::find(names.begin(), names.end(), ref.name) == names.end()) names.push_back(ref.name);
  };
  for (const auto& instance : config.vrrp_instances) add(instance.track_interfaces);
  for (const auto& group : config.vrrp_sync_groups) add(group.track_interfaces);
  return names;
}

std::optional<std::int64_t> read_number(const std::string& path) {
  std::ifstream in{path};
  std::int64_t value = 0;
  if (!(in >> value)) return std::nullopt;
  return value;
}

}  // namespace

VrrpService::VrrpService(const config::Config& config, VrrpPorts ports, ChannelOpener open_channel)
    : config_(config), ports_(ports), open_channel_(std::move(open_channel)) {
  for (const auto& instance : config.vrrp_instances) {
    drivers_.push_back(std::make_unique<InstanceDriver>(
        config, instance, ports,
        [this](InstanceDriver& driver, const Actions& actions) { on_actions(driver, actions); }));
  }
  for (const auto& group_config : config.vrrp_sync_groups) {
    auto group = std::make_unique<Group>(Group{SyncGroup{group_config.name, group_config.members}, {}});
    for (const auto& member : group_config.members) group->members.push_back(find(member));
    if (std::find(group->members.begin(), group->members.end(), nullptr) != group->members.end()) continue;
    for (auto* member : group->members)
      member->set_fault_sink(
          [this](InstanceDriver& driver, const std::optional<std::string>& fault) { on_group_fault(driver, fault); });
    groups_.push_back(std::move(group));
  }
  for (const auto& script : config.vrrp_scripts) {
    if (!referenced(config, script.name, &config::VrrpInstance::track_scripts, &config::VrrpSyncGroup::track_scripts))
      continue;
    scripts_.push_back(std::make_unique<ScriptCheck>(
        ScriptCheck{&script, ScriptTracker{script.rise, script.fall, script.init_fail}, nullptr, nullptr}));
  }
  for (const auto& file : config.track_files) {
    if (!referenced(config, file.name, &config::VrrpInstance::track_files, &config::VrrpSyncGroup::track_files))
      continue;
    files_.push_back(std::make_unique<FileCheck>(FileCheck{&file, std::nullopt, nullptr}));
  }
}

VrrpService::~VrrpService() = default;

InstanceDriver* VrrpService::find(std::string_view instance) {
  for (auto& driver : drivers_)
    if (driver->name() == instance) return driver.get();
  return nullptr;
}

void VrrpService::start() {
  // keepalived's VRRP process writes its state changes to both FIFOs.
  const auto& global = config_.global;
  if (global.notify_fifo)
    fifos_.push_back(std::make_unique<NotifyFifo>(*global.notify_fifo, global.notify_fifo_script, ports_.scripts,
                                                  ports_.log));
  if (global.vrrp_notify_fifo)
    fifos_.push_back(std::make_unique<NotifyFifo>(*global.vrrp_notify_fifo, global.vrrp_notify_fifo_script,
                                                  ports_.scripts, ports_.log));
  ports_.links.on_change([this](const InterfaceInfo& interface, bool removed) { on_link_change(interface, removed); });
  for (auto& driver : drivers_) {
    const auto interface = driver->instance().interface ? ports_.links.find(*driver->instance().interface)
                                                        : std::optional<InterfaceInfo>{};
    Channel* channel = channel_for(*driver, interface);
    driver->attach(channel && channel->channel ? channel->channel.get() : nullptr,
                   interface.value_or(InterfaceInfo{.name = driver->instance().interface.value_or("")}));
    if (driver->instance().interface) driver->interface_changed(interface);
  }
  // The link monitor reports changes only: every track_interface learns its state here,
  // and before the instances start, so interfaces that are up never pass through FAULT
  // ("has not reported yet", with its notify scripts) on the way to BACKUP.
  for (const auto& name : tracked_interfaces(config_)) {
    const auto interface = ports_.links.find(name);
    broadcast(TrackerKind::kInterface, name, interface && interface->up ? TrackerStatus::kUp : TrackerStatus::kDown);
  }
  for (auto& driver : drivers_) driver->start();
  for (auto& file : files_) poll_file(*file);
  for (auto& script : scripts_) schedule_script(*script, ports_.reactor.now());
}

void VrrpService::shutdown() {
  for (auto& script : scripts_) {
    script->timer.reset();
    script->running.reset();
  }
  for (auto& file : files_) file->timer.reset();
  for (auto& driver : drivers_) driver->shutdown();
}

VrrpService::Channel* VrrpService::channel_for(InstanceDriver& driver, const std::optional<InterfaceInfo>& interface) {
  const auto& instance = driver.instance();
  ChannelSpec spec{
      .interface = instance.interface.value_or(""),
      .ifindex = interface ? interface->ifindex : 0,
      .family = driver.family(),
      .unicast = !instance.unicast_peers.empty(),
      .multicast_group = instance.mcast_dst_ip.value_or(vrrp_multicast_group(driver.family())),
      .source = instance.unicast_src_ip ? instance.unicast_src_ip : instance.mcast_src_ip,
      .unicast_ttl = instance.unicast_ttl,
      .ah = driver.uses_ah(),
  };
  if (driver.family() == config::Family::kIpv4 && config_.global.vrrp_mcast_group4 && !instance.mcast_dst_ip)
    spec.multicast_group = *config_.global.vrrp_mcast_group4;
  if (driver.family() == config::Family::kIpv6 && config_.global.vrrp_mcast_group6 && !instance.mcast_dst_ip)
    spec.multicast_group = *config_.global.vrrp_mcast_group6;
  for (auto& channel : channels_) {
    if (channel->spec == spec) {
      channel->instances.push_back(&driver);
      return channel.get();
    }
  }
  auto channel = std::make_unique<Channel>();
  channel->spec = spec;
  channel->instances.push_back(&driver);
  if (auto opened = open(*channel); !opened)
    log(LogLevel::kError, fmt::format("{}: cannot open VRRP socket on {}: {}", driver.name(),
                                      spec.interface.empty() ? "-" : spec.interface, opened.error().message));
  channels_.push_back(std::move(channel));
  return channels_.back().get();
}

IoResult<> VrrpService::open(Channel& channel) {
  channel.watch.reset();
  channel.channel.reset();
  auto opened = open_channel_(channel.spec);
  if (!opened) return std::unexpected(opened.error());
  channel.channel = std::move(*opened);
  Channel* raw = &channel;
  channel.watch = ports_.reactor.on_readable(channel.channel->fd(), [this, raw] { on_readable(*raw); });
  return {};
}

void VrrpService::on_readable(Channel& channel) {
  for (int i = 0; i < kReceiveBatch && channel.channel; ++i) {
    auto received = channel.channel->receive();
    if (!received) {
      log(LogLevel::kWarning, fmt::format("VRRP socket on {}: {}", channel.spec.interface, received.error().message));
      return;
    }
    if (!*received) return;
    const ReceivedAdvert& packet = **received;
    std::span<const std::byte> vrrp_bytes = packet.packet;
    RxMeta meta = packet.meta;
    std::span<const std::byte> ah_packet;
    if (channel.spec.family == config::Family::kIpv4) {
      auto parsed = parse_ip_packet(packet.packet);
      if (!parsed) {
        channel.drops.add(parsed.error().reason);
        continue;
      }
      vrrp_bytes = parsed->vrrp;
      meta = parsed->meta;
      if (parsed->ah) ah_packet = packet.packet;
    }
    auto advert = decode_advert(vrrp_bytes, meta);
    if (!advert) {
      channel.drops.add(advert.error().reason);
      log(LogLevel::kDetail, format_drop_log(advert.error(), meta.source));
      continue;
    }
    InstanceDriver* target = nullptr;
    for (auto* driver : channel.instances)
      if (driver->vrid() == advert->vrid) target = driver;
    if (!target) {
      // keepalived logs these only with log_unknown_vrids: other routers' VRIDs are normal.
      channel.drops.add(DropReason::kUnknownVrid);
      if (config_.global.log_unknown_vrids)
        log(LogLevel::kInfo, fmt::format("VRRP: advert for unknown VRID {} from {} on {}", advert->vrid,
                                         meta.source.to_string(), channel.spec.interface));
      continue;
    }
    target->receive(*advert, meta, ah_packet);
  }
}

VrrpService::Group* VrrpService::group_of(const InstanceDriver& driver, std::size_t* index) {
  for (auto& group : groups_) {
    for (std::size_t i = 0; i < group->members.size(); ++i) {
      if (group->members[i] == &driver) {
        *index = i;
        return group.get();
      }
    }
  }
  return nullptr;
}

void VrrpService::on_actions(InstanceDriver& driver, const Actions& actions) {
  for (const Action& action : actions)
    if (const auto* notify = std::get_if<Notify>(&action))
      for (auto& fifo : fifos_) fifo->instance(driver.name(), to_string(notify->state), notify->priority);
  std::size_t index = 0;
  Group* group = group_of(driver, &index);
  if (!group) return;
  apply(*group, group->group.observe(index, actions));
}

void VrrpService::on_group_fault(InstanceDriver& driver, const std::optional<std::string>& fault) {
  std::size_t index = 0;
  Group* group = group_of(driver, &index);
  if (!group) return;
  apply(*group, fault ? group->group.fault_raised(index, *fault) : group->group.fault_cleared(index));
}

void VrrpService::apply(Group& group, const SyncResult& result) {
  if (group_depth_ > 16) {
    log(LogLevel::kError, "vrrp_sync_group " + group.group.name() + ": transitions did not settle; stopping here");
    return;
  }
  ++group_depth_;
  for (const Action& action : result.actions) {
    if (const auto* line = std::get_if<LogLine>(&action)) log(LogLevel::kInfo, line->text);
    if (const auto* changed = std::get_if<StateChanged>(&action)) {
      log(LogLevel::kNotice, fmt::format("vrrp_sync_group {}: {} -> {} ({})", group.group.name(),
                                         to_string(changed->from), to_string(changed->to), changed->reason));
      for (auto& fifo : fifos_) fifo->group(group.group.name(), to_string(changed->to));
    }
  }
  for (const MemberInput& input : result.inputs) group.members[input.member]->handle(input.input);
  --group_depth_;
}

void VrrpService::on_link_change(const InterfaceInfo& interface, bool removed) {
  const std::optional<InterfaceInfo> now = removed ? std::nullopt : std::optional<InterfaceInfo>{interface};
  // A re-created interface has a new ifindex: its sockets and memberships are gone.
  for (auto& channel : channels_) {
    if (channel->spec.interface != interface.name || removed) continue;
    if (channel->spec.ifindex != interface.ifindex || !channel->channel) {
      channel->spec.ifindex = interface.ifindex;
      if (auto opened = open(*channel); !opened)
        log(LogLevel::kWarning, fmt::format("VRRP socket on {}: {}", interface.name, opened.error().message));
      else
        log(LogLevel::kNotice,
            fmt::format("VRRP socket on {} re-opened (ifindex {})", interface.name, interface.ifindex));
      for (auto* driver : channel->instances) driver->attach_channel(channel->channel.get());
    }
  }
  for (auto& driver : drivers_) {
    if (driver->instance().interface == interface.name) driver->interface_changed(now);
  }
  broadcast(TrackerKind::kInterface, interface.name, now && now->up ? TrackerStatus::kUp : TrackerStatus::kDown);
}

void VrrpService::broadcast(TrackerKind kind, const std::string& name, TrackerStatus status, std::int64_t value) {
  for (auto& driver : drivers_)
    if (driver->tracks(kind, name)) driver->tracker_changed(kind, name, status, value);
}

void VrrpService::schedule_script(ScriptCheck& check, TimePoint when) {
  ScriptCheck* raw = &check;
  check.timer = ports_.reactor.at(when, [this, raw](TimePoint) { run_script(*raw); });
}

void VrrpService::run_script(ScriptCheck& check) {
  ScriptCheck* raw = &check;
  const auto started = ports_.reactor.now();
  check.running =
      ports_.scripts.run(check.script->script, {}, check.script->timeout, [this, raw, started](const ScriptExit& exit) {
        const bool success = !exit.timed_out && exit.signal == 0 && exit.exit_status == 0;
        if (const auto changed = raw->tracker.record(success)) {
          log(LogLevel::kNotice, fmt::format("VRRP_Script({}) {}", raw->script->name,
                                             *changed == TrackerStatus::kUp ? "succeeded" : "failed"));
          broadcast(TrackerKind::kScript, raw->script->name, *changed);
        }
        const auto next = started + std::chrono::duration_cast<std::chrono::nanoseconds>(raw->script->interval);
        schedule_script(*raw, std::max(next, ports_.reactor.now()));
      });
}

void VrrpService::poll_file(FileCheck& check) {
  const auto value = read_number(check.file->file);
  const auto effective = value ? value : check.file->init_value;
  if (effective != check.value) {
    check.value = effective;
    broadcast(TrackerKind::kFile, check.file->name, TrackerStatus::kUp, effective.value_or(0));
  }
  FileCheck* raw = &check;
  check.timer =
      ports_.reactor.at(ports_.reactor.now() + kFilePollInterval, [this, raw](TimePoint) { poll_file(*raw); });
}

std::vector<std::string> VrrpService::status() const {
  std::vector<std::string> lines;
  for (const auto& driver : drivers_) lines.push_back(driver->status_line());
  for (const auto& channel : channels_)
    lines.push_back(fmt::format("VRRP socket {} ({}): {}; unattributed drops: {}", channel->spec.interface,
                                channel->spec.family == config::Family::kIpv6 ? "IPv6" : "IPv4",
                                channel->channel ? "open" : "closed", channel->drops.summary()));
  return lines;
}

}  // namespace keel::vrrp

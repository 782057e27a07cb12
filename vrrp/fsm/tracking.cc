// Tracking arithmetic: effective priority and FAULT from tracker states (keepalived.conf(5)).
#include "vrrp/fsm/tracking.h"

#include <algorithm>

#include "vrrp/fsm/router_config.h"
#include "vrrp/fsm/sync_group.h"

namespace keel::vrrp {
namespace {

// keepalived.conf(5) track_file: a weighted value below -253 means FAULT; file values are
// read as -254..254 and the product is kept to -254..253.
constexpr std::int64_t kFileFaultValue = -254;
constexpr std::int64_t kFileMaxValue = 254;
constexpr std::int64_t kFileMaxContribution = 253;

// What a failure (or, with weight 0 reverse, a success) of this kind is called.
std::string state_text(TrackerKind kind, bool up) {
  switch (kind) {
    case TrackerKind::kScript:
      return up ? "succeeded" : "failed";
    case TrackerKind::kProcess:
      return up ? "is running" : "is not running";
    case TrackerKind::kInterface:
    case TrackerKind::kFile:
    case TrackerKind::kBfd:
      break;
  }
  return up ? "is up" : "is down";
}

std::string label(const TrackerState& tracker) { return std::string(to_string(tracker.kind)) + " " + tracker.name; }

// keepalived's tracking contribution of a file: weight 0 turns any non-zero value into a
// failure; otherwise value × weight (sign flipped by reverse).
std::int64_t file_contribution(const TrackerState& tracker) {
  const std::int64_t value = std::clamp<std::int64_t>(tracker.file_value, -kFileMaxValue, kFileMaxValue);
  if (tracker.weight == 0) return value != 0 ? kFileFaultValue : 0;
  const std::int64_t product = value * tracker.weight * (tracker.reverse ? -1 : 1);
  return std::clamp<std::int64_t>(product, kFileFaultValue, kFileMaxContribution);
}

template <class T>
const T* find_named(const std::vector<T>& items, const std::string& name) {
  for (const auto& item : items)
    if (item.name == name) return &item;
  return nullptr;
}

// A reference's weight wins over the object's; without one the object's reverse applies.
void apply_weight(TrackerState& tracker, const config::TrackRef& ref, int object_weight, bool object_reverse) {
  tracker.weight = ref.weight.value_or(object_weight);
  tracker.reverse = ref.weight ? ref.reverse : (object_reverse || ref.reverse);
}

void add_refs(const config::Config& config, const config::VrrpSyncGroup* group_refs,
              const config::VrrpInstance* instance_refs, std::vector<TrackerState>& out) {
  const auto& interfaces = group_refs ? group_refs->track_interfaces : instance_refs->track_interfaces;
  const auto& scripts = group_refs ? group_refs->track_scripts : instance_refs->track_scripts;
  const auto& files = group_refs ? group_refs->track_files : instance_refs->track_files;
  const auto& processes = group_refs ? group_refs->track_processes : instance_refs->track_processes;
  const auto& bfds = group_refs ? group_refs->track_bfds : instance_refs->track_bfds;

  for (const auto& ref : interfaces) {
    TrackerState tracker{.kind = TrackerKind::kInterface, .name = ref.name, .status = TrackerStatus::kUnknown};
    apply_weight(tracker, ref, 0, false);
    out.push_back(std::move(tracker));
  }
  for (const auto& ref : scripts) {
    const auto* script = find_named(config.vrrp_scripts, ref.name);
    if (!script) continue;
    TrackerState tracker{.kind = TrackerKind::kScript,
                         .name = ref.name,
                         .status = script->init_fail ? TrackerStatus::kDown : TrackerStatus::kUnknown};
    apply_weight(tracker, ref, script->weight, script->weight_reverse);
    out.push_back(std::move(tracker));
  }
  for (const auto& ref : files) {
    const auto* file = find_named(config.track_files, ref.name);
    if (!file) continue;
    TrackerState tracker{.kind = TrackerKind::kFile, .name = ref.name, .file_value = file->init_value.value_or(0)};
    apply_weight(tracker, ref, file->weight, file->weight_reverse);
    out.push_back(std::move(tracker));
  }
  for (const auto& ref : processes) {
    const auto* process = find_named(config.track_processes, ref.name);
    if (!process) continue;
    TrackerState tracker{.kind = TrackerKind::kProcess, .name = ref.name, .status = TrackerStatus::kUnknown};
    apply_weight(tracker, ref, process->weight, process->weight_reverse);
    out.push_back(std::move(tracker));
  }
  for (const auto& ref : bfds) {
    const auto* bfd = find_named(config.bfd_instances, ref.name);
    if (!bfd) continue;
    TrackerState tracker{.kind = TrackerKind::kBfd, .name = ref.name, .status = TrackerStatus::kUnknown};
    apply_weight(tracker, ref, bfd->weight, bfd->weight_reverse);
    out.push_back(std::move(tracker));
  }
}

}  // namespace

std::string_view to_string(TrackerKind kind) {
  switch (kind) {
    case TrackerKind::kInterface:
      return "track_interface";
    case TrackerKind::kScript:
      return "track_script";
    case TrackerKind::kFile:
      return "track_file";
    case TrackerKind::kProcess:
      return "track_process";
    case TrackerKind::kBfd:
      return "track_bfd";
  }
  return "track";
}

TrackingResult effective_priority(int base_priority, std::span<const TrackerState> trackers) {
  std::int64_t total = base_priority;
  std::string faults;
  const auto fault = [&](const std::string& why) {
    if (!faults.empty()) faults += "; ";
    faults += why;
  };
  for (const auto& tracker : trackers) {
    if (tracker.kind == TrackerKind::kFile) {
      const std::int64_t contribution = file_contribution(tracker);
      if (contribution <= kFileFaultValue)
        fault(label(tracker) + " value " + std::to_string(tracker.file_value) +
              (tracker.weight == 0 ? " (weight 0: non-zero is a failure)"
                                   : " × weight " + std::to_string(tracker.weight) + " is below -253"));
      else
        total += contribution;
      continue;
    }
    if (tracker.status == TrackerStatus::kUnknown) {
      // keepalived waits in FAULT for an unweighted script's first result.
      if (tracker.weight == 0) fault(label(tracker) + " has not reported yet");
      continue;
    }
    const bool up = tracker.status == TrackerStatus::kUp;
    if (tracker.weight == 0) {
      // Unweighted: a failure means FAULT; with reverse, success does ("weight 0 reverse").
      if (up == tracker.reverse) fault(label(tracker) + " " + state_text(tracker.kind, up));
      continue;
    }
    // A positive weight counts while up, a negative one while down; reverse flips the sign.
    const int sign = tracker.reverse ? -1 : 1;
    if ((up && tracker.weight > 0) || (!up && tracker.weight < 0))
      total += static_cast<std::int64_t>(tracker.weight) * sign;
  }
  TrackingResult result;
  result.priority = base_priority >= kOwnerPriority
                        ? kOwnerPriority
                        : static_cast<int>(std::clamp<std::int64_t>(total, 1, kOwnerPriority - 1));
  if (!faults.empty()) result.fault = std::move(faults);
  return result;
}

ScriptTracker::ScriptTracker(int rise, int fall, bool init_fail)
    : rise_(std::max(1, rise)),
      fall_(std::max(1, fall)),
      status_(init_fail ? TrackerStatus::kDown : TrackerStatus::kUnknown) {}

std::optional<TrackerStatus> ScriptTracker::record(bool success) {
  const TrackerStatus before = status_;
  if (success) {
    failures_ = 0;
    ++successes_;
    // keepalived: before the first result "one success is enough".
    if (status_ == TrackerStatus::kUnknown || (status_ == TrackerStatus::kDown && successes_ >= rise_))
      status_ = TrackerStatus::kUp;
  } else {
    successes_ = 0;
    ++failures_;
    if (status_ == TrackerStatus::kUnknown || (status_ == TrackerStatus::kUp && failures_ >= fall_))
      status_ = TrackerStatus::kDown;
  }
  if (status_ == before) return std::nullopt;
  successes_ = 0;
  failures_ = 0;
  return status_;
}

std::vector<TrackerState> trackers_from_config(const config::Config& config, const config::VrrpInstance& instance) {
  const config::VrrpSyncGroup* group = sync_group_of(config, instance.name);

  std::vector<TrackerState> own;
  // keepalived tracks the instance's own interface unweighted unless dont_track_primary.
  if (instance.interface && !instance.dont_track_primary)
    own.push_back({.kind = TrackerKind::kInterface, .name = *instance.interface, .status = TrackerStatus::kUnknown});
  add_refs(config, nullptr, &instance, own);

  std::vector<TrackerState> out;
  for (auto& tracker : own) {
    if (group && !group->sync_group_tracking_weight) {
      // keepalived.conf(5) vrrp_sync_group: members' tracking weights are set to zero so
      // that every member of the group has the same priority.
      tracker.weight = 0;
    } else if (instance.priority >= kOwnerPriority && tracker.weight != 0) {
      // The owner's priority cannot change: a weighted tracker is ignored, except a
      // track_file at its default weight 1, which becomes unweighted.
      if (tracker.kind != TrackerKind::kFile || tracker.weight != 1) continue;
      tracker.weight = 0;
    }
    out.push_back(std::move(tracker));
  }
  // The group's own trackers apply to every member with their weights.
  if (group) add_refs(config, group, nullptr, out);
  return out;
}

}  // namespace keel::vrrp

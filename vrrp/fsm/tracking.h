// Tracking arithmetic (pure): how tracked interfaces, scripts, files, processes and BFD
// sessions turn a configured priority into an effective priority or a FAULT, following
// keepalived.conf(5) (track_interface, track_script, track_file, vrrp_script rise/fall).
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "config/model.h"

namespace keel::vrrp {

enum class TrackerKind : std::uint8_t { kInterface, kScript, kFile, kProcess, kBfd };
std::string_view to_string(TrackerKind kind);  // "track_interface", "track_script", ...

// kUnknown: a script that has not completed yet (keepalived's init state): with weight 0
// the instance waits in FAULT, a weighted one contributes nothing.
enum class TrackerStatus : std::uint8_t { kUp, kDown, kUnknown };

struct TrackerState {
  TrackerKind kind = TrackerKind::kInterface;
  std::string name;
  // 0: failure means FAULT. > 0: added while up. < 0: subtracted while down.
  // track_file: the file's value is multiplied by it.
  int weight = 0;
  bool reverse = false;                       // flips the adjustment's sign; with weight 0, FAULT while *up*
  TrackerStatus status = TrackerStatus::kUp;  // all kinds but kFile
  std::int64_t file_value = 0;                // kFile: the number read from the file
};

struct TrackingResult {
  int priority = 0;                  // effective priority, clamped to [1, 254] (owner: 255)
  std::optional<std::string> fault;  // set when the instance must be in FAULT, with why
  friend bool operator==(const TrackingResult&, const TrackingResult&) = default;
};

// The effective priority of an instance with `base_priority` given its trackers' states.
// The owner (255) keeps 255 whatever the weights (but an unweighted failure still faults).
TrackingResult effective_priority(int base_priority, std::span<const TrackerState> trackers);

// A vrrp_script's result history: `rise` consecutive successes make it OK, `fall`
// consecutive failures make it FAILED (keepalived.conf(5) vrrp_script rise / fall).
class ScriptTracker {
 public:
  ScriptTracker(int rise, int fall, bool init_fail = false);

  // Records one run's result; returns the new status when it changed.
  std::optional<TrackerStatus> record(bool success);
  TrackerStatus status() const { return status_; }

 private:
  int rise_;
  int fall_;
  int successes_ = 0;
  int failures_ = 0;
  TrackerStatus status_;
};

// The trackers of `instance` as keepalived.conf describes them: its own track_* entries,
// its interface (unless dont_track_primary), and those of its vrrp_sync_group. Weights come
// from the reference or else the tracked object; they are forced to 0 in a sync group
// without sync_group_tracking_weight, and weighted trackers are dropped for the address
// owner (keepalived.conf(5)). Unknown names are skipped (validation warned). Statuses
// start as: interfaces up, scripts unknown (down with init_fail), files at their init value.
std::vector<TrackerState> trackers_from_config(const config::Config& config, const config::VrrpInstance& instance);

}  // namespace keel::vrrp

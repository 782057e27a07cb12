// vrrp_sync_group coordination: forced transitions for the other members.
#include "vrrp/fsm/sync_group.h"

#include <algorithm>
#include <utility>

namespace keel::vrrp {

SyncGroup::SyncGroup(std::string name, std::vector<std::string> members) : name_(std::move(name)) {
  for (auto& member : members) members_.push_back(Member{.name = std::move(member)});
}

SyncResult SyncGroup::fault_raised(std::size_t member, const std::string& reason) {
  SyncResult result;
  if (member >= members_.size()) return result;
  members_[member].own_fault = reason;
  result.inputs.push_back({member, FaultRaised{reason, FaultSource::kTracking}});
  if (state_ == RouterState::kFault) return result;  // the others are faulted already
  const std::string why = members_[member].name + " is in FAULT (" + reason + ")";
  set_state(RouterState::kFault, why, result);
  for (std::size_t other = 0; other < members_.size(); ++other) {
    members_[other].wants_master = false;
    if (other != member)
      result.inputs.push_back({other, FaultRaised{"sync group " + name_ + ": " + why, FaultSource::kSyncGroup}});
  }
  return result;
}

SyncResult SyncGroup::fault_cleared(std::size_t member) {
  SyncResult result;
  if (member >= members_.size()) return result;
  members_[member].own_fault.reset();
  result.inputs.push_back({member, FaultCleared{FaultSource::kTracking}});
  if (state_ != RouterState::kFault || any_own_fault()) return result;
  // keepalived leaves the group FAULT when every member is up again; members go BACKUP.
  set_state(RouterState::kBackup, "every member recovered (last: " + members_[member].name + ")", result);
  for (std::size_t other = 0; other < members_.size(); ++other)
    result.inputs.push_back({other, FaultCleared{FaultSource::kSyncGroup}});
  return result;
}

SyncResult SyncGroup::observe(std::size_t member, const Actions& actions) {
  SyncResult result;
  const auto merge = [&result](SyncResult part) {
    for (auto& input : part.inputs) result.inputs.push_back(std::move(input));
    for (auto& action : part.actions) result.actions.push_back(std::move(action));
  };
  for (const auto& action : actions) {
    if (const auto* changed = std::get_if<StateChanged>(&action))
      merge(state_changed(member, changed->from, changed->to));
    else if (const auto* wants = std::get_if<WantsMaster>(&action))
      merge(wants_master(member, wants->wants));
  }
  return result;
}

SyncResult SyncGroup::state_changed(std::size_t member, RouterState from, RouterState to) {
  SyncResult result;
  if (member >= members_.size()) return result;
  members_[member].state = to;
  members_[member].wants_master = false;
  // FAULT in and out is driven by fault_raised / fault_cleared; STOP is the whole process.
  if (state_ == RouterState::kFault) return result;
  const std::string& who = members_[member].name;
  if (to == RouterState::kMaster && state_ != RouterState::kMaster) {
    set_state(RouterState::kMaster, who + " became MASTER", result);
    force_master(member, who + " became MASTER", result);
  } else if (to == RouterState::kBackup && from == RouterState::kMaster && state_ == RouterState::kMaster) {
    set_state(RouterState::kBackup, who + " left MASTER", result);
    for (std::size_t other = 0; other < members_.size(); ++other) {
      members_[other].wants_master = false;
      if (other != member && members_[other].state == RouterState::kMaster)
        result.inputs.push_back({other, ForceBackup{name_ + ": " + who + " left MASTER"}});
    }
  } else if (to == RouterState::kBackup && state_ == RouterState::kInit) {
    set_state(RouterState::kBackup, who + " started", result);
  }
  return result;
}

SyncResult SyncGroup::wants_master(std::size_t member, bool wants) {
  SyncResult result;
  if (member >= members_.size()) return result;
  members_[member].wants_master = wants;
  if (!wants || state_ == RouterState::kFault) return result;
  if (state_ == RouterState::kMaster) {
    result.inputs.push_back({member, ForceMaster{name_ + " is MASTER"}});
    return result;
  }
  // keepalived: "only sync to master if everyone wants to, i.e. prefer backup state to
  // avoid thrashing".
  const bool everyone = std::all_of(members_.begin(), members_.end(),
                                    [](const Member& m) { return m.wants_master || m.state == RouterState::kMaster; });
  if (!everyone) return result;
  set_state(RouterState::kMaster, "every member wants MASTER", result);
  force_master(members_.size(), "every member wants MASTER", result);
  return result;
}

void SyncGroup::set_state(RouterState to, const std::string& reason, SyncResult& result) {
  if (to == state_) return;
  result.actions.push_back(LogLine{"sync group " + name_ + ": entering " + std::string(to_string(to)) + ": " + reason});
  result.actions.push_back(StateChanged{state_, to, reason});
  state_ = to;
  // notify_master / notify_backup / notify_fault of the group ("GROUP" notify).
  result.actions.push_back(Notify{to, 0});
}

void SyncGroup::force_master(std::size_t except, const std::string& reason, SyncResult& result) {
  for (std::size_t other = 0; other < members_.size(); ++other) {
    members_[other].wants_master = false;
    if (other != except && members_[other].state == RouterState::kBackup)
      result.inputs.push_back({other, ForceMaster{name_ + ": " + reason}});
  }
}

bool SyncGroup::any_own_fault() const {
  return std::any_of(members_.begin(), members_.end(), [](const Member& m) { return m.own_fault.has_value(); });
}

const config::VrrpSyncGroup* sync_group_of(const config::Config& config, const std::string& instance) {
  for (const auto& group : config.vrrp_sync_groups)
    if (std::find(group.members.begin(), group.members.end(), instance) != group.members.end()) return &group;
  return nullptr;
}

}  // namespace keel::vrrp

// vrrp_sync_group coordination (pure): members of a group move together, keepalived's
// semantics (keepalived.conf(5) "VRRP synchronization group(s)").
//
//  - The group goes MASTER only when every member wants to (a member whose master-down
//    timer expired says WantsMaster; "prefer backup state to avoid thrashing"); then all
//    members are forced MASTER. A member that becomes MASTER forces the others MASTER.
//  - A member that leaves MASTER for BACKUP (a higher-priority master appeared) forces the
//    other masters to BACKUP; they resign with priority 0 so their peers take over fast.
//  - A member's own FAULT faults every member, until no member has a fault of its own.
//
// The I/O layer routes a member's own tracking faults through fault_raised / fault_cleared
// and shows the group every action list its members produce (observe); the group answers
// with inputs for its members.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "config/model.h"
#include "vrrp/fsm/events.h"

namespace keel::vrrp {

struct MemberInput {
  std::size_t member = 0;  // index into the group's members
  Input input;
  friend bool operator==(const MemberInput&, const MemberInput&) = default;
};

struct SyncResult {
  std::vector<MemberInput> inputs;  // feed to the member routers, in order
  Actions actions;                  // the group's own StateChanged / Notify / LogLine
};

class SyncGroup {
 public:
  SyncGroup(std::string name, std::vector<std::string> members);

  const std::string& name() const { return name_; }
  std::size_t size() const { return members_.size(); }
  // INIT until a member reports BACKUP; then BACKUP, MASTER or FAULT.
  RouterState state() const { return state_; }

  // A member's own trackers put it in FAULT / let it out.
  SyncResult fault_raised(std::size_t member, const std::string& reason);
  SyncResult fault_cleared(std::size_t member);

  // Everything the member's router just did; reacts to StateChanged and WantsMaster.
  SyncResult observe(std::size_t member, const Actions& actions);
  SyncResult state_changed(std::size_t member, RouterState from, RouterState to);
  SyncResult wants_master(std::size_t member, bool wants);

 private:
  struct Member {
    std::string name;
    RouterState state = RouterState::kInit;
    bool wants_master = false;
    std::optional<std::string> own_fault;
  };

  void set_state(RouterState to, const std::string& reason, SyncResult& result);
  void force_master(std::size_t except, const std::string& reason, SyncResult& result);
  bool any_own_fault() const;

  std::string name_;
  std::vector<Member> members_;
  RouterState state_ = RouterState::kInit;
};

// The vrrp_sync_group that lists `instance`, if any.
const config::VrrpSyncGroup* sync_group_of(const config::Config& config, const std::string& instance);

}  // namespace keel::vrrp

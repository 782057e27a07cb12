// The checker (lb) child's component: check::engine::CheckerEngine on keeld's event loop,
// one per configuration, for every virtual_server. No forwarding engine is programmed yet
// (issue 4 "No engine, no problem"): results are logged and kept as the desired state.
#pragma once

#include <expected>
#include <memory>

#include "check/engine/ports.h"
#include "control/child_runtime.h"

namespace keel::ctl {

// check/engine's Reactor on an EventLoop (timers and level-triggered fd watches).
class LoopCheckReactor final : public check::engine::Reactor {
 public:
  explicit LoopCheckReactor(EventLoop& loop) : loop_(loop) {}
  check::engine::TimePoint now() const override { return loop_.now(); }
  std::unique_ptr<check::engine::Handle> at(check::engine::TimePoint deadline, std::function<void()> callback) override;
  std::unique_ptr<check::engine::Handle> watch(int fd, check::engine::Interest interest,
                                               std::function<void()> callback) override;

 private:
  EventLoop& loop_;
};

// The ComponentFactory registered under kCheckerService in keeld_main.cc.
std::expected<std::unique_ptr<Component>, Error> make_checker_component(ChildContext& context);

}  // namespace keel::ctl

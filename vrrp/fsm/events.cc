// Names and one-line descriptions of the state machine's inputs and actions.
#include "vrrp/fsm/events.h"

#include <cstdio>

namespace keel::vrrp {
namespace {

template <class... F>
struct Overloaded : F... {
  using F::operator()...;
};
template <class... F>
Overloaded(F...) -> Overloaded<F...>;

std::string time_text(TimePoint at) { return format_seconds(at.time_since_epoch()); }

}  // namespace

std::string_view to_string(RouterState state) {
  switch (state) {
    case RouterState::kInit:
      return "INIT";
    case RouterState::kBackup:
      return "BACKUP";
    case RouterState::kMaster:
      return "MASTER";
    case RouterState::kFault:
      return "FAULT";
    case RouterState::kStop:
      return "STOP";
  }
  return "?";
}

std::string_view to_string(TimerKind kind) {
  switch (kind) {
    case TimerKind::kMasterDown:
      return "master-down";
    case TimerKind::kAdvert:
      return "advert";
    case TimerKind::kGarpRepeat:
      return "garp-repeat";
    case TimerKind::kGarpLowerPrioRepeat:
      return "garp-lower-prio-repeat";
    case TimerKind::kGarpRefresh:
      return "garp-refresh";
  }
  return "?";
}

std::string format_seconds(std::chrono::nanoseconds duration) {
  const double seconds = std::chrono::duration<double>(duration).count();
  char text[48];
  // Sub-second timers (v3 centisecond intervals) need the milliseconds.
  std::snprintf(text, sizeof text, seconds < 1.0 && seconds > -1.0 ? "%.3f s" : "%.2f s", seconds);
  return text;
}

std::string describe(const Input& input) {
  return std::visit(Overloaded{
                        [](const Startup&) -> std::string { return "Startup"; },
                        [](const AdvertReceived& in) {
                          return "AdvertReceived(priority " + std::to_string(in.priority) + ", interval " +
                                 format_seconds(in.advert_interval) + ", from " + in.source.to_string() + ")";
                        },
                        [](const TimerFired& in) { return "TimerFired(" + std::string(to_string(in.kind)) + ")"; },
                        [](const Shutdown&) -> std::string { return "Shutdown"; },
                        [](const FaultRaised& in) {
                          return std::string("FaultRaised(") +
                                 (in.source == FaultSource::kTracking ? "tracking" : "sync group") + ": " + in.reason +
                                 ")";
                        },
                        [](const FaultCleared& in) {
                          return std::string("FaultCleared(") +
                                 (in.source == FaultSource::kTracking ? "tracking" : "sync group") + ")";
                        },
                        [](const EffectivePriorityChanged& in) {
                          return "EffectivePriorityChanged(" + std::to_string(in.priority) + ")";
                        },
                        [](const ForceMaster& in) { return "ForceMaster(" + in.reason + ")"; },
                        [](const ForceBackup& in) { return "ForceBackup(" + in.reason + ")"; },
                    },
                    input);
}

std::string describe(const Action& action) {
  return std::visit(
      Overloaded{
          [](const SendAdvert& a) { return "SendAdvert(" + std::to_string(a.priority) + ")"; },
          [](const ArmTimer& a) {
            return "ArmTimer(" + std::string(to_string(a.kind)) + " at " + time_text(a.deadline) + ")";
          },
          [](const CancelTimer& a) { return "CancelTimer(" + std::string(to_string(a.kind)) + ")"; },
          [](const AddVips& a) { return std::string("AddVips(") + (a.accept ? "accept" : "no_accept") + ")"; },
          [](const RemoveVips&) -> std::string { return "RemoveVips"; },
          [](const SendAnnouncements& a) { return "SendAnnouncements(" + std::to_string(a.count) + ")"; },
          [](const Notify& a) {
            return "Notify(" + std::string(to_string(a.state)) + ", " + std::to_string(a.priority) + ")";
          },
          [](const NotifyMasterRxLowerPriority& a) {
            return "NotifyMasterRxLowerPriority(" + std::to_string(a.priority) + " from " + a.source.to_string() + ")";
          },
          [](const PriorityChanged& a) {
            return "PriorityChanged(" + std::to_string(a.from) + " -> " + std::to_string(a.to) + ")";
          },
          [](const WantsMaster& a) { return std::string("WantsMaster(") + (a.wants ? "yes" : "no") + ")"; },
          [](const StateChanged& a) {
            return "StateChanged(" + std::string(to_string(a.from)) + " -> " + std::string(to_string(a.to)) + ": " +
                   a.reason + ")";
          },
          [](const LogLine& a) { return "LogLine(" + a.text + ")"; },
      },
      action);
}

}  // namespace keel::vrrp

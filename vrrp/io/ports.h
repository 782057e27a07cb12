// The boundaries of the VRRP process, owned by their consumer (vrrp/instance): the event
// loop, advert sockets, address/route/rule programming, GARP/NA, link events, scripts and
// logging. Thin adapters implement them (vrrp/io/*.cc, and control/ for the loop and
// child processes, since vrrp/ never includes control/); tests implement them with fakes.
#pragma once

#include <array>
#include <cstdint>
#include <expected>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "config/ip_address.h"
#include "config/model_common.h"
#include "config/model_vrrp.h"
#include "vrrp/fsm/events.h"
#include "vrrp/packet/advert.h"

namespace keel::vrrp {

using config::IpAddress;

// An error an adapter reports: what it tried, on what, and the system's reason.
struct IoError {
  std::string message;  // "add 198.18.0.100/24 to veth0: File exists"
  int error_number = 0;
};

template <class T = void>
using IoResult = std::expected<T, IoError>;

// Destroying a handle cancels what it stands for (a timer, an fd watch, a child process).
class Handle {
 public:
  virtual ~Handle() = default;
};

// The process's event loop, seen from VRRP.
class Reactor {
 public:
  virtual ~Reactor() = default;
  virtual TimePoint now() const = 0;
  // Calls `callback` with the time it actually ran (lateness = fired − deadline).
  virtual std::unique_ptr<Handle> at(TimePoint deadline, std::function<void(TimePoint fired)> callback) = 0;
  virtual std::unique_ptr<Handle> on_readable(int fd, std::function<void()> callback) = 0;
};

// One received VRRP message with the metadata the §7.1 checks need.
struct ReceivedAdvert {
  std::vector<std::byte> packet;  // the IP packet as received (IPv4 with header; IPv6 payload only)
  RxMeta meta;
  int ifindex = 0;
};

// Sends and receives adverts for one interface and address family (multicast or unicast).
class AdvertChannel {
 public:
  virtual ~AdvertChannel() = default;
  virtual int fd() const = 0;
  // `vrrp_message` is the encoded advert (checksum filled in); the adapter adds the IP header
  // with TTL/hop limit 255 (RFC 5798 §5.1.1.3 / §5.1.2.3).
  virtual IoResult<> send(std::span<const std::byte> vrrp_message, const IpAddress& source,
                          const IpAddress& destination) = 0;
  // Reads one pending packet, or nullopt when none is left (non-blocking).
  virtual IoResult<std::optional<ReceivedAdvert>> receive() = 0;
};

struct InterfaceInfo {
  int ifindex = 0;
  std::string name;
  bool up = false;  // IFF_UP and carrier (IFF_RUNNING)
  std::array<std::uint8_t, 6> mac{};
  std::vector<config::IpPrefix> addresses;
};

// Installs and removes VIPs, virtual routes and virtual rules (libnl-route adapter).
class AddressProgrammer {
 public:
  virtual ~AddressProgrammer() = default;
  virtual IoResult<> add_address(const config::AddressSpec& spec, std::string_view default_interface) = 0;
  virtual IoResult<> remove_address(const config::AddressSpec& spec, std::string_view default_interface) = 0;
  virtual IoResult<> add_route(const config::RouteSpec& spec) = 0;
  virtual IoResult<> remove_route(const config::RouteSpec& spec) = 0;
  virtual IoResult<> add_rule(const config::RuleSpec& spec) = 0;
  virtual IoResult<> remove_rule(const config::RuleSpec& spec) = 0;
  // use_vmac: a macvlan interface `name` (mode private, address `mac`, up) on `base`; one
  // that already exists under that name (left by a crashed keeld) is reused. Its ifindex.
  virtual IoResult<int> add_vmac(std::string_view base, std::string_view name, const std::array<std::uint8_t, 6>& mac) {
    (void)base;
    (void)mac;
    return std::unexpected(IoError{"use_vmac " + std::string{name} + ": not supported by this programmer", 95});
  }
  // Deletes it; one that is not there is no error.
  virtual IoResult<> remove_vmac(std::string_view name) {
    (void)name;
    return {};
  }
};

// Gratuitous ARP (IPv4) and unsolicited neighbour advertisements (IPv6) on becoming master.
class Announcer {
 public:
  virtual ~Announcer() = default;
  virtual IoResult<> announce(const InterfaceInfo& interface, const IpAddress& address) = 0;
};

// Interface state, from netlink: the current view and a callback on every change
// (appearing, disappearing, being recreated with a new ifindex, going up or down).
class LinkMonitor {
 public:
  virtual ~LinkMonitor() = default;
  virtual std::optional<InterfaceInfo> find(std::string_view name) const = 0;
  virtual void on_change(std::function<void(const InterfaceInfo& now, bool removed)> callback) = 0;
};

// Runs scripts as child processes without blocking the loop; kills them on timeout.
struct ScriptExit {
  bool timed_out = false;
  int exit_status = -1;  // WEXITSTATUS when it exited normally
  int signal = 0;        // the signal that ended it, if any
};
class ScriptRunner {
 public:
  virtual ~ScriptRunner() = default;
  // The script runs as script.user/group (or the global script_user); `extra_args` are
  // appended (keepalived's notify arguments). Destroying the handle kills the child.
  virtual std::unique_ptr<Handle> run(const config::Script& script, std::vector<std::string> extra_args,
                                      std::optional<config::Duration> timeout,
                                      std::function<void(const ScriptExit&)> on_exit) = 0;
};

enum class LogLevel : std::uint8_t { kError, kWarning, kNotice, kInfo, kDetail };
class Log {
 public:
  virtual ~Log() = default;
  virtual void write(LogLevel level, std::string_view text) = 0;
};

}  // namespace keel::vrrp

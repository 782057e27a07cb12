// What the supervisor and its children say to each other (DESIGN.md "Runtime"): small,
// plain messages, one per SOCK_SEQPACKET datagram, so the socket keeps the framing and a
// message is never split or merged. The codec is pure; MessageSocket puts it on a loop.
//
// Wire format (network byte order), version 1:
//   u8 version (1) | u8 type | fields of that type, in declaration order
//   integers: fixed width, big-endian;  strings: u16 length + bytes (≤ kMaxStringLength)
#pragma once

#include <cstddef>
#include <cstdint>
#include <expected>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include "control/event_loop.h"
#include "control/logger.h"
#include "vrrp/fsm/events.h"

namespace keel::ctl {

inline constexpr std::uint8_t kWireVersion = 1;
inline constexpr std::size_t kMaxMessageSize = 4096;
inline constexpr std::size_t kMaxStringLength = 1024;

// Supervisor → child: the configuration file validated as generation N; read it again.
struct ReloadConfig {
  std::uint64_t generation = 0;
  friend bool operator==(const ReloadConfig&, const ReloadConfig&) = default;
};

// Child → supervisor: started (its component applied the configuration it was forked with).
struct Ready {
  friend bool operator==(const Ready&, const Ready&) = default;
};

// VRRP child → supervisor: an instance changed state. The supervisor will start and stop
// the IPVS sync daemon on it (lvs_sync_daemon) and tell the lb child.
struct VrrpStateChanged {
  std::string instance;
  vrrp::RouterState state = vrrp::RouterState::kInit;
  friend bool operator==(const VrrpStateChanged&, const VrrpStateChanged&) = default;
};

using Message = std::variant<ReloadConfig, Ready, VrrpStateChanged>;

// The type byte on the wire; values are never reused.
enum class MessageType : std::uint8_t { kReloadConfig = 1, kReady = 2, kVrrpStateChanged = 3 };

enum class DecodeError : std::uint8_t {
  kTruncated,   // shorter than its header or fields
  kBadVersion,  // another wire version: a keeld of another build
  kUnknownType,
  kBadValue,  // a field out of range (e.g. a state that does not exist)
  kTrailingBytes,
  kTooLong,  // larger than kMaxMessageSize
};
std::string_view to_string(DecodeError error);

// "ReloadConfig{generation=2}", for log lines.
std::string to_string(const Message& message);

// Fails only for a string longer than kMaxStringLength.
std::expected<std::vector<std::byte>, std::string> encode(const Message& message);
std::expected<Message, DecodeError> decode(std::span<const std::byte> bytes);

// One end of a supervisor–child socket pair, watched on a loop. Callbacks may destroy
// the MessageSocket.
class MessageSocket {
 public:
  struct Callbacks {
    std::function<void(const Message&)> on_message;
    std::function<void(DecodeError)> on_invalid;  // the datagram is dropped
    std::function<void()> on_closed;              // the peer closed its end (or exited)
  };

  // socketpair(AF_UNIX, SOCK_SEQPACKET), both ends non-blocking and close-on-exec.
  static std::expected<std::pair<UniqueFd, UniqueFd>, Error> make_pair();
  static std::expected<std::unique_ptr<MessageSocket>, Error> open(EventLoop& loop, UniqueFd fd, Callbacks callbacks);
  ~MessageSocket();
  MessageSocket(const MessageSocket&) = delete;
  MessageSocket& operator=(const MessageSocket&) = delete;

  // Never blocks: a full socket is an error (messages are few and tiny).
  std::expected<void, Error> send(const Message& message);
  bool closed() const { return closed_; }

 private:
  MessageSocket(UniqueFd fd, Callbacks callbacks);
  void on_readable();

  UniqueFd fd_;
  FdWatch watch_;  // declared after fd_: unregistered before the descriptor closes
  Callbacks callbacks_;
  bool closed_ = false;
  std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);  // callbacks may destroy us
};

}  // namespace keel::ctl

// Supervisor/child message codec and the socket that carries it.
#include "control/messages.h"

#include <sys/socket.h>
#include <unistd.h>

#include <array>
#include <cerrno>

namespace keel::ctl {

namespace {

class Writer {
 public:
  void u8(std::uint8_t value) { bytes_.push_back(static_cast<std::byte>(value)); }
  void u16(std::uint16_t value) {
    u8(static_cast<std::uint8_t>(value >> 8));
    u8(static_cast<std::uint8_t>(value));
  }
  void u64(std::uint64_t value) {
    for (int shift = 56; shift >= 0; shift -= 8) u8(static_cast<std::uint8_t>(value >> shift));
  }
  void string(std::string_view text) {
    u16(static_cast<std::uint16_t>(text.size()));
    for (char c : text) u8(static_cast<std::uint8_t>(c));
  }
  std::vector<std::byte> take() { return std::move(bytes_); }

 private:
  std::vector<std::byte> bytes_;
};

// Bounds-checked reads; the first failure sticks and every later read returns zero.
class Reader {
 public:
  explicit Reader(std::span<const std::byte> bytes) : bytes_(bytes) {}

  std::uint8_t u8() {
    if (!take(1)) return 0;
    return static_cast<std::uint8_t>(bytes_[offset_ - 1]);
  }
  std::uint16_t u16() {
    const auto high = u8();
    return static_cast<std::uint16_t>(high << 8 | u8());
  }
  std::uint64_t u64() {
    std::uint64_t value = 0;
    for (int i = 0; i < 8; ++i) value = value << 8 | u8();
    return value;
  }
  std::string string() {
    const std::size_t length = u16();
    if (length > kMaxStringLength) {
      error_ = DecodeError::kBadValue;
      return {};
    }
    if (!take(length)) return {};
    const auto* first = reinterpret_cast<const char*>(bytes_.data() + offset_ - length);
    return std::string(first, length);
  }
  void fail(DecodeError error) {
    if (!error_) error_ = error;
  }
  // The decoded value, or the first error, or trailing bytes.
  template <class T>
  std::expected<Message, DecodeError> finish(T value) const {
    if (error_) return std::unexpected(*error_);
    if (offset_ != bytes_.size()) return std::unexpected(DecodeError::kTrailingBytes);
    // In place: a temporary Message here trips g++ 12's -Wmaybe-uninitialized under ASan.
    return std::expected<Message, DecodeError>{std::in_place, std::in_place_type<T>, std::move(value)};
  }

 private:
  bool take(std::size_t count) {
    if (error_) return false;
    if (bytes_.size() - offset_ < count) {
      error_ = DecodeError::kTruncated;
      return false;
    }
    offset_ += count;
    return true;
  }

  std::span<const std::byte> bytes_;
  std::size_t offset_ = 0;
  std::optional<DecodeError> error_;
};

template <class... F>
struct Overloaded : F... {
  using F::operator()...;
};
template <class... F>
Overloaded(F...) -> Overloaded<F...>;  // clang 16 lacks aggregate CTAD

}  // namespace

std::string_view to_string(DecodeError error) {
  switch (error) {
    case DecodeError::kTruncated:
      return "truncated message";
    case DecodeError::kBadVersion:
      return "unknown wire version";
    case DecodeError::kUnknownType:
      return "unknown message type";
    case DecodeError::kBadValue:
      return "field out of range";
    case DecodeError::kTrailingBytes:
      return "trailing bytes";
    case DecodeError::kTooLong:
      return "message too long";
  }
  return "invalid message";
}

std::string to_string(const Message& message) {
  return std::visit(
      Overloaded{
          [](const ReloadConfig& m) { return fmt::format("ReloadConfig{{generation={}}}", m.generation); },
          [](const Ready&) { return std::string{"Ready{}"}; },
          [](const VrrpStateChanged& m) {
            return fmt::format("VrrpStateChanged{{instance={}, state={}}}", m.instance, vrrp::to_string(m.state));
          },
      },
      message);
}

std::expected<std::vector<std::byte>, std::string> encode(const Message& message) {
  Writer out;
  out.u8(kWireVersion);
  std::optional<std::string> error;
  std::visit(Overloaded{
                 [&](const ReloadConfig& m) {
                   out.u8(static_cast<std::uint8_t>(MessageType::kReloadConfig));
                   out.u64(m.generation);
                 },
                 [&](const Ready&) { out.u8(static_cast<std::uint8_t>(MessageType::kReady)); },
                 [&](const VrrpStateChanged& m) {
                   if (m.instance.size() > kMaxStringLength) {
                     error = fmt::format("instance name of {} bytes exceeds {}", m.instance.size(), kMaxStringLength);
                   }
                   out.u8(static_cast<std::uint8_t>(MessageType::kVrrpStateChanged));
                   out.string(m.instance);
                   out.u8(static_cast<std::uint8_t>(m.state));
                 },
             },
             message);
  if (error) return std::unexpected(std::move(*error));
  return out.take();
}

std::expected<Message, DecodeError> decode(std::span<const std::byte> bytes) {
  if (bytes.size() > kMaxMessageSize) return std::unexpected(DecodeError::kTooLong);
  Reader in(bytes);
  const std::uint8_t version = in.u8();
  const std::uint8_t type = in.u8();
  if (bytes.size() < 2) return std::unexpected(DecodeError::kTruncated);
  if (version != kWireVersion) return std::unexpected(DecodeError::kBadVersion);
  switch (static_cast<MessageType>(type)) {
    case MessageType::kReloadConfig: {
      const std::uint64_t generation = in.u64();
      return in.finish(ReloadConfig{.generation = generation});
    }
    case MessageType::kReady:
      return in.finish(Ready{});
    case MessageType::kVrrpStateChanged: {
      std::string instance = in.string();
      const std::uint8_t state = in.u8();
      if (state > static_cast<std::uint8_t>(vrrp::RouterState::kStop)) in.fail(DecodeError::kBadValue);
      return in.finish(
          VrrpStateChanged{.instance = std::move(instance), .state = static_cast<vrrp::RouterState>(state)});
    }
  }
  return std::unexpected(DecodeError::kUnknownType);
}

// --- MessageSocket -------------------------------------------------------------------

std::expected<std::pair<UniqueFd, UniqueFd>, Error> MessageSocket::make_pair() {
  int fds[2];
  if (::socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_NONBLOCK | SOCK_CLOEXEC, 0, fds) != 0) {
    return std::unexpected(errno_error("socketpair(AF_UNIX, SOCK_SEQPACKET)"));
  }
  return std::pair{UniqueFd{fds[0]}, UniqueFd{fds[1]}};
}

MessageSocket::MessageSocket(UniqueFd fd, Callbacks callbacks) : fd_(std::move(fd)), callbacks_(std::move(callbacks)) {}

MessageSocket::~MessageSocket() { *alive_ = false; }

std::expected<std::unique_ptr<MessageSocket>, Error> MessageSocket::open(EventLoop& loop, UniqueFd fd,
                                                                         Callbacks callbacks) {
  std::unique_ptr<MessageSocket> socket{new MessageSocket(std::move(fd), std::move(callbacks))};
  auto watch = loop.add_fd(socket->fd_.get(), EPOLLIN, [raw = socket.get()](std::uint32_t) { raw->on_readable(); });
  if (!watch) return std::unexpected(watch.error());
  socket->watch_ = std::move(*watch);
  return socket;
}

std::expected<void, Error> MessageSocket::send(const Message& message) {
  if (closed_) return std::unexpected(Error{.message = "send on a closed message socket", .errno_value = EPIPE});
  auto bytes = encode(message);
  if (!bytes)
    return std::unexpected(Error{.message = fmt::format("cannot encode {}: {}", to_string(message), bytes.error())});
  ssize_t sent = 0;
  do {
    sent = ::send(fd_.get(), bytes->data(), bytes->size(), MSG_DONTWAIT | MSG_NOSIGNAL);
  } while (sent < 0 && errno == EINTR);
  if (sent < 0) return std::unexpected(errno_error(fmt::format("cannot send {}", to_string(message))));
  return {};
}

void MessageSocket::on_readable() {
  const std::shared_ptr<bool> alive = alive_;
  std::array<std::byte, kMaxMessageSize> buffer{};
  // Bounded per wake-up so a chatty peer cannot starve the loop; epoll is level-triggered.
  for (int round = 0; round < 64; ++round) {
    const ssize_t length = ::recv(fd_.get(), buffer.data(), buffer.size(), MSG_DONTWAIT | MSG_TRUNC);
    if (length < 0) {
      if (errno == EINTR) continue;
      if (errno == EAGAIN) return;
    }
    if (length <= 0) {  // 0: the peer closed its end; an error means the same here
      closed_ = true;
      watch_.reset();  // a hung-up socket stays readable forever
      if (auto on_closed = callbacks_.on_closed) on_closed();
      return;
    }
    const auto size = static_cast<std::size_t>(length);
    std::expected<Message, DecodeError> message = std::unexpected(DecodeError::kTooLong);
    if (size <= buffer.size()) message = decode(std::span<const std::byte>{buffer.data(), size});
    // Copies: a callback that destroys this socket must not destroy itself while running.
    if (message) {
      if (auto on_message = callbacks_.on_message) on_message(*message);
    } else if (auto on_invalid = callbacks_.on_invalid) {
      on_invalid(message.error());
    }
    if (!*alive) return;
  }
}

}  // namespace keel::ctl

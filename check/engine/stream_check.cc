#include "check/engine/stream_check.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstring>

namespace keel::check::engine {
namespace {

// Bytes read per loop callback before letting others run (level-triggered: the loop
// calls again while more is pending).
constexpr int kReadsPerWakeup = 8;

socklen_t to_sockaddr(const config::IpAddress& address, std::uint16_t port, sockaddr_storage& storage) {
  std::memset(&storage, 0, sizeof storage);
  if (address.is_v6()) {
    auto* sin6 = reinterpret_cast<sockaddr_in6*>(&storage);
    sin6->sin6_family = AF_INET6;
    sin6->sin6_port = htons(port);
    std::memcpy(&sin6->sin6_addr, address.bytes.data(), 16);
    return sizeof(sockaddr_in6);
  }
  auto* sin = reinterpret_cast<sockaddr_in*>(&storage);
  sin->sin_family = AF_INET;
  sin->sin_port = htons(port);
  std::memcpy(&sin->sin_addr, address.bytes.data(), 4);
  return sizeof(sockaddr_in);
}

std::string errno_text(int error) { return std::strerror(error); }

// The first queued OpenSSL error, or the fallback.
std::string tls_error_text(std::string_view fallback) {
  const unsigned long code = ERR_get_error();
  ERR_clear_error();
  if (code == 0) return std::string{fallback};
  std::array<char, 256> text{};
  ERR_error_string_n(code, text.data(), text.size());
  return text.data();
}

}  // namespace

std::string describe(const Endpoint& endpoint) {
  return "[" + endpoint.address.to_string() + "]:" + std::to_string(endpoint.port);
}

StreamCheck::StreamCheck(Reactor& reactor, std::chrono::nanoseconds timeout, std::unique_ptr<Dialogue> dialogue,
                         Done done)
    : reactor_(reactor), timeout_(timeout), dialogue_(std::move(dialogue)), done_(std::move(done)) {}

StreamCheck::~StreamCheck() {
  watch_.reset();  // before the descriptor goes: a reused number must not be unwatched
  timer_.reset();
  completion_.reset();
  if (ssl_ != nullptr) SSL_free(ssl_);
  if (fd_ >= 0) ::close(fd_);
}

std::unique_ptr<StreamCheck> StreamCheck::start(Reactor& reactor, const Endpoint& endpoint,
                                                std::chrono::nanoseconds timeout, std::unique_ptr<Dialogue> dialogue,
                                                std::optional<TlsOptions> tls, Done done) {
  std::unique_ptr<StreamCheck> check{new StreamCheck(reactor, timeout, std::move(dialogue), std::move(done))};
  check->open(endpoint, tls);
  return check;
}

void StreamCheck::open(const Endpoint& endpoint, const std::optional<TlsOptions>& tls) {
  const int family = endpoint.address.is_v6() ? AF_INET6 : AF_INET;
  fd_ = ::socket(family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd_ < 0) return finish(false, "socket: " + errno_text(errno));
  if (endpoint.fwmark) {
    const int mark = static_cast<int>(*endpoint.fwmark);
    if (::setsockopt(fd_, SOL_SOCKET, SO_MARK, &mark, sizeof mark) != 0)
      return finish(false, "fwmark " + std::to_string(mark) + ": " + errno_text(errno));
  }
  if (endpoint.bind_interface) {
    const std::string& name = *endpoint.bind_interface;
    if (::setsockopt(fd_, SOL_SOCKET, SO_BINDTODEVICE, name.c_str(), static_cast<socklen_t>(name.size())) != 0)
      return finish(false, "bind_if " + name + ": " + errno_text(errno));
  }
  if (endpoint.bind_address || endpoint.bind_port) {
    config::IpAddress local;
    local.family = endpoint.address.family;
    if (endpoint.bind_address) local = *endpoint.bind_address;
    sockaddr_storage storage{};
    const socklen_t length = to_sockaddr(local, endpoint.bind_port.value_or(0), storage);
    if (::bind(fd_, reinterpret_cast<const sockaddr*>(&storage), length) != 0)
      return finish(false, "bind to [" + local.to_string() + "]:" + std::to_string(endpoint.bind_port.value_or(0)) +
                               ": " + errno_text(errno));
  }
  if (tls) {
    ssl_ = SSL_new(tls->context);
    if (ssl_ == nullptr) return finish(false, "TLS: " + tls_error_text("SSL_new failed"));
    if (SSL_set_fd(ssl_, fd_) != 1) return finish(false, "TLS: " + tls_error_text("SSL_set_fd failed"));
    if (tls->server_name && SSL_set_tlsext_host_name(ssl_, tls->server_name->c_str()) != 1)
      return finish(false, "TLS SNI " + *tls->server_name + ": " + tls_error_text("rejected"));
  }
  sockaddr_storage storage{};
  const socklen_t length = to_sockaddr(endpoint.address, endpoint.port, storage);
  if (::connect(fd_, reinterpret_cast<const sockaddr*>(&storage), length) == 0) {
    // Immediate success (loopback may do this); carry on from the loop, not from start().
    stage_ = Stage::kConnecting;
    return wait(Interest::kWritable);
  }
  if (errno != EINPROGRESS) return finish(false, "connect: " + errno_text(errno));
  wait(Interest::kWritable);
}

void StreamCheck::wait(Interest interest) {
  if (!watching_ || *watching_ != interest || !watch_) {
    watch_.reset();
    watch_ = reactor_.watch(fd_, interest, [this] { on_ready(); });
    watching_ = interest;
  }
  timer_ = reactor_.at(reactor_.now() + timeout_, [this] { on_timeout(); });
}

void StreamCheck::on_timeout() {
  switch (stage_) {
    case Stage::kConnecting:
      return finish(false, "connection timeout");
    case Stage::kHandshaking:
      return finish(false, "TLS handshake timeout");
    case Stage::kSending:
      return finish(false, "timeout sending request");
    case Stage::kReceiving:
      return finish(false, "timeout reading response");
    case Stage::kDone:
      return;
  }
}

void StreamCheck::on_ready() {
  switch (stage_) {
    case Stage::kConnecting:
      return on_connected();
    case Stage::kHandshaking:
      return handshake();
    case Stage::kSending:
      return send_request();
    case Stage::kReceiving:
      return receive();
    case Stage::kDone:
      return;
  }
}

void StreamCheck::on_connected() {
  int error = 0;
  socklen_t length = sizeof error;
  if (::getsockopt(fd_, SOL_SOCKET, SO_ERROR, &error, &length) != 0) error = errno;
  if (error != 0) return finish(false, "connection failed: " + errno_text(error));
  if (ssl_ != nullptr) {
    stage_ = Stage::kHandshaking;
    return handshake();
  }
  if (!dialogue_) return finish(true, {});
  out_ = dialogue_->request();
  stage_ = Stage::kSending;
  send_request();
}

bool StreamCheck::tls_retry(int result, std::string_view what) {
  switch (SSL_get_error(ssl_, result)) {
    case SSL_ERROR_WANT_READ:
      wait(Interest::kReadable);
      return true;
    case SSL_ERROR_WANT_WRITE:
      wait(Interest::kWritable);
      return true;
    case SSL_ERROR_ZERO_RETURN:
      finish(false, std::string{what} + ": connection closed");
      return false;
    case SSL_ERROR_SYSCALL: {
      const int error = errno;
      finish(false, std::string{what} + ": " + (error != 0 ? errno_text(error) : tls_error_text("connection reset")));
      return false;
    }
    default:
      finish(false, std::string{what} + ": " + tls_error_text("TLS error"));
      return false;
  }
}

void StreamCheck::handshake() {
  ERR_clear_error();
  errno = 0;
  const int result = SSL_connect(ssl_);
  if (result != 1) {
    tls_retry(result, "TLS handshake");
    return;
  }
  if (!dialogue_) return finish(true, {});
  out_ = dialogue_->request();
  stage_ = Stage::kSending;
  send_request();
}

void StreamCheck::send_request() {
  while (sent_ < out_.size()) {
    const char* data = out_.data() + sent_;
    const std::size_t left = out_.size() - sent_;
    if (ssl_ != nullptr) {
      ERR_clear_error();
      errno = 0;
      const int result = SSL_write(ssl_, data, static_cast<int>(left));
      if (result <= 0) {
        tls_retry(result, "sending request");
        return;
      }
      sent_ += static_cast<std::size_t>(result);
    } else {
      const ssize_t result = ::send(fd_, data, left, MSG_NOSIGNAL);
      if (result < 0) {
        if (errno == EAGAIN || errno == EWOULDBLOCK) return wait(Interest::kWritable);
        if (errno == EINTR) continue;
        return finish(false, "sending request: " + errno_text(errno));
      }
      sent_ += static_cast<std::size_t>(result);
    }
  }
  stage_ = Stage::kReceiving;
  wait(Interest::kReadable);
}

void StreamCheck::receive() {
  std::array<char, 16 * 1024> buffer{};
  for (int round = 0; round < kReadsPerWakeup; ++round) {
    std::size_t got = 0;
    if (ssl_ != nullptr) {
      ERR_clear_error();
      errno = 0;
      const int result = SSL_read(ssl_, buffer.data(), static_cast<int>(buffer.size()));
      if (result <= 0) {
        const int kind = SSL_get_error(ssl_, result);
        // A server that closes without close_notify is common (keepalived accepts it too).
        if (kind == SSL_ERROR_ZERO_RETURN || (kind == SSL_ERROR_SYSCALL && errno == 0)) {
          const CheckOutcome outcome = dialogue_->on_eof();
          return finish(outcome.success, outcome.reason);
        }
        tls_retry(result, "reading response");
        return;
      }
      got = static_cast<std::size_t>(result);
    } else {
      const ssize_t result = ::recv(fd_, buffer.data(), buffer.size(), 0);
      if (result < 0) {
        if (errno == EAGAIN || errno == EWOULDBLOCK) return wait(Interest::kReadable);
        if (errno == EINTR) continue;
        return finish(false, "reading response: " + errno_text(errno));
      }
      if (result == 0) {
        const CheckOutcome outcome = dialogue_->on_eof();
        return finish(outcome.success, outcome.reason);
      }
      got = static_cast<std::size_t>(result);
    }
    if (auto outcome = dialogue_->on_data(std::string_view{buffer.data(), got}))
      return finish(outcome->success, outcome->reason);
  }
  wait(Interest::kReadable);  // more may be pending: the level-triggered watch calls again
}

void StreamCheck::finish(bool success, std::string reason) {
  if (stage_ == Stage::kDone) return;
  stage_ = Stage::kDone;
  watch_.reset();
  timer_.reset();
  // Close now (a finished check holds no descriptor), report from the loop: `done` may
  // destroy this object, and start() must never call back into its caller.
  if (ssl_ != nullptr) {
    SSL_free(ssl_);
    ssl_ = nullptr;
  }
  if (fd_ >= 0) {
    ::close(fd_);
    fd_ = -1;
  }
  completion_ = reactor_.at(reactor_.now(), [this, outcome = CheckOutcome{success, std::move(reason)}]() mutable {
    Done done = std::move(done_);
    done(std::move(outcome));  // may destroy this
  });
}

}  // namespace keel::check::engine

// One connection-oriented check attempt on the event loop: a non-blocking connect (with
// bindto / bind_port / bind_if / fwmark), an optional TLS handshake (SSL_GET), then an
// optional request/response dialogue (HTTP_GET's url). TCP_CHECK is the connect alone.
//
// No call blocks: every step waits on the Reactor, and `timeout` (connect_timeout) bounds
// each wait, as keepalived re-arms its connection timeout for each read and write.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "check/engine/ports.h"
#include "config/ip_address.h"

// OpenSSL's types, declared so this header does not pull in <openssl/ssl.h>.
struct ssl_ctx_st;
struct ssl_st;

namespace keel::check::engine {

// Where a checker connects, from connect_ip / connect_port / bindto / bind_port /
// bind_if / fwmark or the real server's own address and port.
struct Endpoint {
  config::IpAddress address;
  std::uint16_t port = 0;
  std::optional<config::IpAddress> bind_address;
  std::optional<std::uint16_t> bind_port;
  std::optional<std::string> bind_interface;
  std::optional<std::uint32_t> fwmark;
};

// "[198.18.1.11]:80" / "[2001:db8::1]:443".
std::string describe(const Endpoint& endpoint);

struct CheckOutcome {
  bool success = false;
  std::string reason;  // why it failed, in words for "Removing service ... (reason)"
};

// What is said once connected. A null dialogue makes the check a plain connect (TCP_CHECK).
class Dialogue {
 public:
  virtual ~Dialogue() = default;
  virtual std::string request() = 0;
  // Bytes received; nullopt to keep reading, or the verdict.
  virtual std::optional<CheckOutcome> on_data(std::string_view data) = 0;
  // The peer closed its side.
  virtual CheckOutcome on_eof() = 0;
};

struct TlsOptions {
  ssl_ctx_st* context = nullptr;  // owned by the caller, outlives the check
  std::optional<std::string> server_name;  // SNI (SSL_GET enable_sni)
};

class StreamCheck {
 public:
  using Done = std::function<void(CheckOutcome)>;

  // Starts at once. `done` is called exactly once, never from inside start(), unless the
  // check is destroyed first (which cancels it and closes the socket). The owner may
  // destroy the check from inside `done`.
  static std::unique_ptr<StreamCheck> start(Reactor& reactor, const Endpoint& endpoint,
                                            std::chrono::nanoseconds timeout, std::unique_ptr<Dialogue> dialogue,
                                            std::optional<TlsOptions> tls, Done done);
  ~StreamCheck();
  StreamCheck(const StreamCheck&) = delete;
  StreamCheck& operator=(const StreamCheck&) = delete;

 private:
  enum class Stage : std::uint8_t { kConnecting, kHandshaking, kSending, kReceiving, kDone };

  StreamCheck(Reactor& reactor, std::chrono::nanoseconds timeout, std::unique_ptr<Dialogue> dialogue, Done done);
  void open(const Endpoint& endpoint, const std::optional<TlsOptions>& tls);
  void on_ready();
  void on_connected();
  void handshake();
  void send_request();
  void receive();
  // Waits for `interest` (replacing the current watch) and re-arms the stage's timeout.
  void wait(Interest interest);
  void on_timeout();
  void finish(bool success, std::string reason);
  // SSL_get_error after a TLS call that returned `result`: waits as asked and returns
  // true, or fails the check and returns false.
  bool tls_retry(int result, std::string_view what);

  Reactor& reactor_;
  std::chrono::nanoseconds timeout_;
  std::unique_ptr<Dialogue> dialogue_;
  Done done_;
  Stage stage_ = Stage::kConnecting;
  int fd_ = -1;
  ssl_st* ssl_ = nullptr;
  std::string out_;
  std::size_t sent_ = 0;
  std::optional<Interest> watching_;
  std::unique_ptr<Handle> watch_;
  std::unique_ptr<Handle> timer_;
  std::unique_ptr<Handle> completion_;
};

}  // namespace keel::check::engine

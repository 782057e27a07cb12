// The asynchronous checker engine: every TCP_CHECK / HTTP_GET / SSL_GET of every
// virtual server, each on its own timer of the one event loop (no thread per check, no
// blocking call), its results fed through CheckerRetry (retry, delay_before_retry,
// delay_loop, warmup, alpha) into the virtual server's VirtualServerState (quorum,
// hysteresis, sorry server, inhibit), whose events are logged in keepalived's words.
//
// Checkers the engine does not run yet (SMTP, DNS, MISC, UDP, PING, FILE, BFD) are named
// once at start and leave their real server as configured (up, or down with alpha).
#pragma once

#include <cstddef>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "check/engine/ports.h"
#include "check/logic/virtual_server_state.h"
#include "config/model_lvs.h"

struct ssl_ctx_st;

namespace keel::check::engine {

class CheckerEngine {
 public:
  // `virtual_servers` is copied; `reactor` and `log` must outlive the engine.
  // `random_fraction` draws the warmup spread in [0, 1).
  CheckerEngine(std::vector<config::VirtualServer> virtual_servers, Reactor& reactor, Log& log,
                std::function<double()> random_fraction);
  ~CheckerEngine();
  CheckerEngine(const CheckerEngine&) = delete;
  CheckerEngine& operator=(const CheckerEngine&) = delete;

  // Evaluates every virtual server (quorum at start) and schedules the first checks.
  void start();
  // keeld is stopping: cancels every check; the servers leave the table (logged).
  void shutdown();

  // Every event with its log line (empty for events keepalived does not log), after it
  // was logged: the hook for the table, and for tests.
  using EventSink = std::function<void(std::size_t virtual_server, const VirtualServerEvent& event,
                                       const std::string& line)>;
  void on_event(EventSink sink) { sink_ = std::move(sink); }

  // One line per virtual server and real server: alive or not, and each checker's state.
  std::vector<std::string> status() const;
  std::size_t running_checkers() const;
  const VirtualServerState& virtual_server(std::size_t index) const { return *servers_.at(index).state; }
  std::size_t virtual_server_count() const { return servers_.size(); }

 private:
  struct Checker;
  struct Server {
    std::unique_ptr<VirtualServerState> state;
  };

  void schedule(Checker& checker, TimePoint when);
  void run(Checker& checker);
  void run_url(Checker& checker);
  void on_result(Checker& checker, bool success, const std::string& reason);
  void emit(std::size_t virtual_server, const std::vector<VirtualServerEvent>& events);
  ssl_ctx_st* tls_context();

  std::vector<config::VirtualServer> config_;
  Reactor& reactor_;
  Log& log_;
  std::function<double()> random_fraction_;
  std::vector<Server> servers_;
  std::vector<std::unique_ptr<Checker>> checkers_;
  ssl_ctx_st* tls_context_ = nullptr;
  EventSink sink_;
  bool stopped_ = false;
};

// "TCP_CHECK", "HTTP_GET", ... as the configuration spells the block.
std::string_view checker_keyword(config::CheckerType type);

}  // namespace keel::check::engine

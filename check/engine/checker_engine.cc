#include "check/engine/checker_engine.h"

#include <openssl/ssl.h>

#include <algorithm>

#include "check/engine/http_dialogue.h"
#include "check/engine/stream_check.h"
#include "check/logic/checker_retry.h"

namespace keel::check::engine {

std::string_view checker_keyword(config::CheckerType type) {
  switch (type) {
    case config::CheckerType::kTcp: return "TCP_CHECK";
    case config::CheckerType::kHttp: return "HTTP_GET";
    case config::CheckerType::kSsl: return "SSL_GET";
    case config::CheckerType::kSmtp: return "SMTP_CHECK";
    case config::CheckerType::kDns: return "DNS_CHECK";
    case config::CheckerType::kMisc: return "MISC_CHECK";
    case config::CheckerType::kUdp: return "UDP_CHECK";
    case config::CheckerType::kPing: return "PING_CHECK";
    case config::CheckerType::kFile: return "FILE_CHECK";
    case config::CheckerType::kBfd: return "BFD_CHECK";
  }
  return "CHECK";
}

struct CheckerEngine::Checker {
  std::size_t virtual_server = 0;
  std::size_t real_server = 0;
  const config::Checker* config = nullptr;  // into CheckerEngine::config_, which never changes
  const config::HttpCheck* http = nullptr;  // HTTP_GET / SSL_GET
  std::string service;                      // "[198.18.1.11]:tcp:80"
  Endpoint endpoint;
  std::chrono::nanoseconds timeout{};
  CheckerRetry retry;
  std::unique_ptr<Handle> timer;
  std::unique_ptr<StreamCheck> attempt;
  std::size_t url = 0;  // the url { } being fetched
};

namespace {

bool runs(config::CheckerType type) {
  return type == config::CheckerType::kTcp || type == config::CheckerType::kHttp || type == config::CheckerType::kSsl;
}

Endpoint endpoint_of(const config::RealServer& real, const config::Checker& checker) {
  const config::CheckerConnection& connection = checker.connection;
  return Endpoint{
      .address = connection.connect_ip.value_or(real.address),
      .port = connection.connect_port.value_or(real.port),
      .bind_address = connection.bindto,
      .bind_port = connection.bind_port,
      .bind_interface = connection.bind_if,
      .fwmark = connection.fwmark,
  };
}

}  // namespace

CheckerEngine::CheckerEngine(std::vector<config::VirtualServer> virtual_servers, Reactor& reactor, Log& log,
                             std::function<double()> random_fraction)
    : config_(std::move(virtual_servers)), reactor_(reactor), log_(log), random_fraction_(std::move(random_fraction)) {
  for (std::size_t v = 0; v < config_.size(); ++v) {
    const config::VirtualServer& server = config_[v];
    servers_.push_back(Server{std::make_unique<VirtualServerState>(virtual_server_spec(server))});
    const VirtualServerSpec& spec = servers_.back().state->spec();
    for (std::size_t r = 0; r < server.real_servers.size(); ++r) {
      const config::RealServer& real = server.real_servers[r];
      for (const config::Checker& checker : real.checkers) {
        if (!runs(checker.type)) {
          log_.write(LogLevel::kWarning, std::string{checker_keyword(checker.type)} + " on service " +
                                             spec.real_servers[r].name + " of VS " + spec.name +
                                             " is not run yet by keeld's checker engine");
          continue;
        }
        auto entry = std::make_unique<Checker>(Checker{
            .virtual_server = v,
            .real_server = r,
            .config = &checker,
            .http = std::get_if<config::HttpCheck>(&checker.detail),
            .service = spec.real_servers[r].name,
            .endpoint = endpoint_of(real, checker),
            .timeout = checker.connection.connect_timeout.value_or(real.connect_timeout.value_or(server.connect_timeout)),
            .retry = CheckerRetry{retry_policy(checker)},
        });
        checkers_.push_back(std::move(entry));
      }
    }
  }
}

CheckerEngine::~CheckerEngine() {
  checkers_.clear();  // attempts close their sockets while the reactor lives
  if (tls_context_ != nullptr) SSL_CTX_free(tls_context_);
}

ssl_ctx_st* CheckerEngine::tls_context() {
  if (tls_context_ == nullptr) {
    // keepalived's default SSL context: any server certificate is accepted (a checker
    // asks "is it serving?", not "is it who it claims?").
    tls_context_ = SSL_CTX_new(TLS_client_method());
    if (tls_context_ != nullptr) SSL_CTX_set_verify(tls_context_, SSL_VERIFY_NONE, nullptr);
  }
  return tls_context_;
}

void CheckerEngine::start() {
  stopped_ = false;
  for (std::size_t v = 0; v < servers_.size(); ++v) emit(v, servers_[v].state->start());
  const TimePoint now = reactor_.now();
  for (auto& checker : checkers_) schedule(*checker, checker->retry.first_check_at(now, random_fraction_()));
}

void CheckerEngine::shutdown() {
  if (stopped_) return;
  stopped_ = true;
  for (auto& checker : checkers_) {
    checker->timer.reset();
    checker->attempt.reset();
  }
  for (std::size_t v = 0; v < servers_.size(); ++v) emit(v, servers_[v].state->shutdown());
}

void CheckerEngine::schedule(Checker& checker, TimePoint when) {
  checker.timer = reactor_.at(when, [this, &checker] { run(checker); });
}

void CheckerEngine::run(Checker& checker) {
  checker.url = 0;
  run_url(checker);
}

void CheckerEngine::run_url(Checker& checker) {
  const bool tls = checker.config->type == config::CheckerType::kSsl;
  std::unique_ptr<Dialogue> dialogue;
  if (checker.http != nullptr) {
    if (checker.http->urls.empty()) return on_result(checker, false, "no url to check");
    dialogue = std::make_unique<HttpDialogue>(*checker.http, checker.http->urls[checker.url], checker.endpoint, tls);
  }
  std::optional<TlsOptions> tls_options;
  if (tls) {
    ssl_ctx_st* context = tls_context();
    if (context == nullptr) return on_result(checker, false, "no TLS context");
    tls_options = TlsOptions{.context = context};
    if (checker.http->enable_sni) {
      const config::HttpUrl& url = checker.http->urls[checker.url];
      if (url.virtualhost) {
        tls_options->server_name = url.virtualhost;
      } else if (checker.http->virtualhost) {
        tls_options->server_name = checker.http->virtualhost;
      }
    }
  }
  checker.attempt = StreamCheck::start(reactor_, checker.endpoint, checker.timeout, std::move(dialogue), tls_options,
                                       [this, &checker](CheckOutcome outcome) {
                                         std::unique_ptr<StreamCheck> finished = std::move(checker.attempt);
                                         if (outcome.success && checker.http != nullptr &&
                                             checker.url + 1 < checker.http->urls.size()) {
                                           ++checker.url;  // every url must pass (keepalived)
                                           return run_url(checker);
                                         }
                                         std::string reason = outcome.reason;
                                         if (!outcome.success && checker.http != nullptr &&
                                             checker.http->urls.size() > 1)
                                           reason = "url " + checker.http->urls[checker.url].path + ": " + reason;
                                         on_result(checker, outcome.success, reason);
                                       });
}

void CheckerEngine::on_result(Checker& checker, bool success, const std::string& reason) {
  if (stopped_) return;
  const bool was_up = checker.retry.is_up();
  const CheckerStep step = checker.retry.on_result(success, reactor_.now());
  const std::string what = std::string{checker_keyword(checker.config->type)} + " on service " + checker.service;
  if (!success && (was_up || !checker.retry.has_run() || checker.config->log_all_failures || step.transition)) {
    log_.write(LogLevel::kInfo, what + " failed (" + reason + ")" +
                                    (step.retrying ? ", retry " + std::to_string(checker.retry.retries_so_far()) +
                                                         " of " + std::to_string(checker.retry.policy().retry)
                                                   : ""));
  }
  if (step.transition) {
    const std::size_t v = checker.virtual_server;
    switch (*step.transition) {
      case CheckerTransition::kUp:
        log_.write(LogLevel::kInfo, what + " succeeded");
        break;
      case CheckerTransition::kDown:
        log_.write(LogLevel::kNotice, "Check on service " + checker.service + " failed after " +
                                          std::to_string(step.retries_used) +
                                          (step.retries_used == 1 ? " retry." : " retries."));
        break;
      case CheckerTransition::kStartedDown:
        break;
    }
    emit(v, servers_[v].state->checker_changed(checker.real_server, *step.transition, reason));
  }
  schedule(checker, step.next_check_at);
}

void CheckerEngine::emit(std::size_t virtual_server, const std::vector<VirtualServerEvent>& events) {
  const VirtualServerState& state = *servers_[virtual_server].state;
  for (const VirtualServerEvent& event : events) {
    std::string line = state.log_line(event);
    if (!line.empty()) log_.write(LogLevel::kNotice, line);
    if (sink_) sink_(virtual_server, event, line);
  }
}

std::vector<std::string> CheckerEngine::status() const {
  std::vector<std::string> lines;
  for (const Server& server : servers_) {
    const VirtualServerState& state = *server.state;
    lines.push_back("VS " + state.spec().name + ": quorum " + (state.quorum_up() ? "up" : "down") + ", live weight " +
                    std::to_string(state.live_weight()) + (state.sorry_server_active() ? ", sorry server active" : ""));
    for (std::size_t r = 0; r < state.spec().real_servers.size(); ++r)
      lines.push_back("  RS " + state.spec().real_servers[r].name + ": " + (state.alive(r) ? "alive" : "down"));
  }
  for (const auto& checker : checkers_) {
    lines.push_back("  " + std::string{checker_keyword(checker->config->type)} + " " + checker->service + " via " +
                    describe(checker->endpoint) + ": " + (checker->retry.is_up() ? "up" : "down") +
                    (checker->attempt ? ", checking" : ""));
  }
  return lines;
}

std::size_t CheckerEngine::running_checkers() const { return checkers_.size(); }

}  // namespace keel::check::engine

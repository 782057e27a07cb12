#include "control/checker_component.h"

#include <random>
#include <system_error>

#include "check/engine/checker_engine.h"

namespace keel::ctl {
namespace {

class TimerHandle final : public check::engine::Handle {
 public:
  explicit TimerHandle(Timer timer) : timer_(std::move(timer)) {}

 private:
  Timer timer_;
};

class WatchHandle final : public check::engine::Handle {
 public:
  explicit WatchHandle(FdWatch watch) : watch_(std::move(watch)) {}

 private:
  FdWatch watch_;
};

class CheckLoggerLog final : public check::engine::Log {
 public:
  explicit CheckLoggerLog(Logger& logger) : logger_(logger) {}
  void write(check::engine::LogLevel level, std::string_view text) override {
    LogLevel mapped = LogLevel::kInfo;
    switch (level) {
      case check::engine::LogLevel::kError: mapped = LogLevel::kError; break;
      case check::engine::LogLevel::kWarning: mapped = LogLevel::kWarning; break;
      case check::engine::LogLevel::kNotice: mapped = LogLevel::kNotice; break;
      case check::engine::LogLevel::kInfo: mapped = LogLevel::kInfo; break;
      case check::engine::LogLevel::kDetail: mapped = LogLevel::kDetail; break;
    }
    if (logger_.enabled(mapped)) logger_.log(mapped, text);
  }

 private:
  Logger& logger_;
};

std::string_view engine_name(config::LbEngine engine) {
  switch (engine) {
    case config::LbEngine::kIpvs: return "ipvs";
    case config::LbEngine::kXdp: return "xdp";
    case config::LbEngine::kDpdk: return "dpdk";
    case config::LbEngine::kNone: return "none";
  }
  return "?";
}

class CheckerComponent final : public Component {
 public:
  explicit CheckerComponent(ChildContext& context)
      : context_(context), reactor_(context.loop), log_(context.logger), random_(std::random_device{}()) {}

  std::string_view name() const override { return "checker"; }

  void apply_config(const config::Config& config) override {
    if (engine_) {
      // A reload rebuilds the checkers; keepalived keeps the state of unchanged real
      // servers, which the table's reconciliation will make invisible here too.
      context_.logger.notice("checker: configuration reloaded; restarting the checkers");
      engine_->shutdown();
      engine_.reset();
    }
    const config::LbEngine engine = config.global.lb_engine;
    if (engine == config::LbEngine::kNone) {
      context_.logger.notice("checker: lb_engine none: checks run, no forwarding engine is programmed");
    } else {
      context_.logger.notice("checker: lb_engine {}: forwarding engine not available in this build; checks run and "
                             "results are logged only",
                             engine_name(engine));
    }
    engine_ = std::make_unique<check::engine::CheckerEngine>(
        config.virtual_servers, reactor_, log_,
        [this] { return std::uniform_real_distribution<double>{0.0, 1.0}(random_); });
    engine_->start();
    context_.logger.notice("checker: {} virtual server(s), {} checker(s) running", engine_->virtual_server_count(),
                           engine_->running_checkers());
  }

  void dump_state(Logger& logger) const override {
    if (!engine_) return;
    for (const auto& line : engine_->status()) logger.notice("{}", line);
  }

  void stop() override {
    if (engine_) engine_->shutdown();
  }

 private:
  ChildContext& context_;
  LoopCheckReactor reactor_;
  CheckLoggerLog log_;
  std::mt19937_64 random_;
  std::unique_ptr<check::engine::CheckerEngine> engine_;
};

}  // namespace

std::unique_ptr<check::engine::Handle> LoopCheckReactor::at(check::engine::TimePoint deadline,
                                                            std::function<void()> callback) {
  return std::make_unique<TimerHandle>(loop_.add_timer_at(deadline, std::move(callback)));
}

std::unique_ptr<check::engine::Handle> LoopCheckReactor::watch(int fd, check::engine::Interest interest,
                                                               std::function<void()> callback) {
  const std::uint32_t events = interest == check::engine::Interest::kReadable ? EPOLLIN : EPOLLOUT;
  auto watch = loop_.add_fd(fd, events, [callback = std::move(callback)](std::uint32_t) { callback(); });
  if (!watch) throw std::system_error(watch.error().errno_value, std::generic_category(), watch.error().message);
  return std::make_unique<WatchHandle>(std::move(*watch));
}

std::expected<std::unique_ptr<Component>, Error> make_checker_component(ChildContext& context) {
  return std::make_unique<CheckerComponent>(context);
}

}  // namespace keel::ctl

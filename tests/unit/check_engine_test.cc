// check/engine on a real EventLoop (through keeld's LoopCheckReactor) against sockets on
// 127.0.0.1 in this process: TCP_CHECK up and down, HTTP_GET status, digest and timeout
// verdicts, the HTTP request keepalived sends. No root, no sleeps: the loop runs until the
// expected event or a bounded number of rounds.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "check/engine/checker_engine.h"
#include "check/engine/http_dialogue.h"
#include "check/http/md5_stream.h"
#include "control/checker_component.h"
#include "control/event_loop.h"

namespace keel::check::engine {
namespace {

using namespace std::chrono_literals;

class CapturingLog final : public Log {
 public:
  void write(LogLevel, std::string_view text) override { lines.emplace_back(text); }
  bool has(std::string_view needle) const {
    for (const auto& line : lines)
      if (line.find(needle) != std::string::npos) return true;
    return false;
  }
  std::vector<std::string> lines;
};

// A listening TCP socket on 127.0.0.1 (an ephemeral port) on the loop. It accepts every
// connection; with a `response` it answers each request with it and closes, without one
// it holds the connection silently.
class LocalServer {
 public:
  LocalServer(ctl::EventLoop& loop, std::optional<std::string> response) : loop_(loop), response_(std::move(response)) {
    fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    EXPECT_EQ(::bind(fd_, reinterpret_cast<sockaddr*>(&address), sizeof address), 0);
    EXPECT_EQ(::listen(fd_, 64), 0);
    socklen_t length = sizeof address;
    ::getsockname(fd_, reinterpret_cast<sockaddr*>(&address), &length);
    port_ = ntohs(address.sin_port);
    watch_ = std::move(*loop.add_fd(fd_, EPOLLIN, [this](std::uint32_t) { accept_one(); }));
  }
  ~LocalServer() {
    close();
    clients_.clear();
  }
  void close() {
    watch_.reset();
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
  }
  std::uint16_t port() const { return port_; }
  std::vector<std::string> requests;

 private:
  struct Client {
    int fd = -1;
    std::string request;
    ctl::FdWatch watch;
    ~Client() {
      watch.reset();
      if (fd >= 0) ::close(fd);
    }
  };

  void accept_one() {
    const int fd = ::accept4(fd_, nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC);
    if (fd < 0) return;
    auto client = std::make_shared<Client>();
    client->fd = fd;
    clients_.push_back(client);
    if (!response_) return;
    Client* raw = client.get();
    client->watch = std::move(*loop_.add_fd(fd, EPOLLIN, [this, raw](std::uint32_t) {
      char buffer[4096];
      const ssize_t got = ::recv(raw->fd, buffer, sizeof buffer, 0);
      if (got > 0) raw->request.append(buffer, static_cast<std::size_t>(got));
      if (got == 0 || raw->request.find("\r\n\r\n") != std::string::npos) {
        requests.push_back(raw->request);
        (void)!::send(raw->fd, response_->data(), response_->size(), MSG_NOSIGNAL);
        raw->watch.reset();
        ::close(raw->fd);
        raw->fd = -1;
      }
    }));
  }

  ctl::EventLoop& loop_;
  std::optional<std::string> response_;
  int fd_ = -1;
  std::uint16_t port_ = 0;
  ctl::FdWatch watch_;
  std::vector<std::shared_ptr<Client>> clients_;
};

config::VirtualServer virtual_server(config::CheckerType type, std::uint16_t port, config::CheckerDetail detail = {}) {
  config::Checker checker{.type = type};
  checker.connection.connect_timeout = 200ms;
  checker.retry = 1;
  checker.delay_before_retry = 20ms;
  checker.delay_loop = 50ms;
  checker.warmup = 0us;
  checker.detail = std::move(detail);
  config::RealServer real{.address = *config::IpAddress::parse("127.0.0.1"), .port = port};
  real.checkers.push_back(checker);
  config::VirtualServer server{.address = *config::IpAddress::parse("198.18.0.100"), .port = 80};
  server.real_servers.push_back(real);
  return server;
}

config::HttpCheck http_check(std::string path, std::optional<std::string> digest_hex = {}) {
  config::HttpUrl url{.path = std::move(path), .status_codes = {{200, 299}}};
  if (digest_hex) url.digest = *http::parse_hex_digest(*digest_hex);
  return config::HttpCheck{.urls = {url}};
}

class EngineTest : public ::testing::Test {
 protected:
  void SetUp() override { loop_ = std::move(*ctl::EventLoop::create()); }

  std::unique_ptr<CheckerEngine> make_engine(config::VirtualServer server) {
    reactor_ = std::make_unique<ctl::LoopCheckReactor>(*loop_);
    auto engine = std::make_unique<CheckerEngine>(std::vector{std::move(server)}, *reactor_, log_, [] { return 0.0; });
    engine->start();
    return engine;
  }
  // Runs the loop until `done` or about 3 s of rounds.
  template <typename Predicate>
  bool run_until(Predicate done) {
    for (int round = 0; round < 300 && !done(); ++round) (void)loop_->run_once(10ms);
    return done();
  }

  std::unique_ptr<ctl::EventLoop> loop_;
  std::unique_ptr<ctl::LoopCheckReactor> reactor_;
  CapturingLog log_;
};

TEST_F(EngineTest, TcpCheckStaysUpWhileListeningAndIsRemovedAfterRetries) {
  LocalServer server(*loop_, std::nullopt);
  auto engine = make_engine(virtual_server(config::CheckerType::kTcp, server.port()));
  const std::string rs = "[127.0.0.1]:tcp:" + std::to_string(server.port());
  for (int round = 0; round < 40; ++round) (void)loop_->run_once(10ms);  // several delay_loops
  EXPECT_FALSE(log_.has("Removing service")) << log_.lines.front();
  EXPECT_TRUE(engine->virtual_server(0).alive(0));

  server.close();
  ASSERT_TRUE(run_until([&] { return log_.has("Removing service"); }));
  EXPECT_TRUE(log_.has("Removing service " + rs + " from VS [198.18.0.100]:tcp:80 (connection failed: Connection refused)"));
  EXPECT_TRUE(log_.has("TCP_CHECK on service " + rs + " failed (connection failed: Connection refused), retry 1 of 1"));
  EXPECT_TRUE(log_.has("Check on service " + rs + " failed after 1 retry."));
  EXPECT_FALSE(engine->virtual_server(0).alive(0));
}

TEST_F(EngineTest, HttpGetBadStatusRemovesTheServer) {
  LocalServer server(*loop_, "HTTP/1.0 503 Service Unavailable\r\nContent-Length: 0\r\n\r\n");
  auto engine = make_engine(virtual_server(config::CheckerType::kHttp, server.port(), http_check("/health")));
  ASSERT_TRUE(run_until([&] { return log_.has("Removing service"); }));
  EXPECT_TRUE(log_.has("bad status 503")) << log_.lines.back();
  ASSERT_FALSE(server.requests.empty());
  EXPECT_EQ(server.requests.front(), "GET /health HTTP/1.0\r\nUser-Agent: KeepAliveClient\r\nHost: 127.0.0.1:" +
                                         std::to_string(server.port()) + "\r\n\r\n");
}

TEST_F(EngineTest, HttpGetDigestMatchKeepsTheServerAndMismatchRemovesIt) {
  const std::string body = "hello keel\n";
  http::Md5Stream md5;
  md5.update(body);
  const std::string digest = http::to_hex(md5.finish());
  LocalServer server(*loop_, "HTTP/1.1 200 OK\r\nContent-Length: " + std::to_string(body.size()) +
                                 "\r\nConnection: close\r\n\r\n" + body);
  auto engine = make_engine(virtual_server(config::CheckerType::kHttp, server.port(), http_check("/", digest)));
  ASSERT_TRUE(run_until([&] { return server.requests.size() >= 4; }));
  EXPECT_FALSE(log_.has("Removing service"));
  engine.reset();

  LocalServer other(*loop_, "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nother");
  auto mismatching = make_engine(virtual_server(config::CheckerType::kHttp, other.port(), http_check("/", digest)));
  ASSERT_TRUE(run_until([&] { return log_.has("Removing service"); }));
  EXPECT_TRUE(log_.has("digest")) << log_.lines.back();
}

TEST_F(EngineTest, HttpGetTimesOutOnASilentServer) {
  LocalServer silent(*loop_, std::nullopt);  // the kernel completes the handshake; nobody answers
  auto engine = make_engine(virtual_server(config::CheckerType::kHttp, silent.port(), http_check("/")));
  ASSERT_TRUE(run_until([&] { return log_.has("Removing service"); }));
  EXPECT_TRUE(log_.has("(timeout reading response)")) << log_.lines.back();
}

TEST(HttpRequest, HostIsTheVirtualhostOrTheAddress) {
  Endpoint endpoint{.address = *config::IpAddress::parse("2001:db8::1"), .port = 443};
  config::HttpCheck check{.http_protocol = config::HttpProtocol::k1_1};
  config::HttpUrl url{.path = "/x"};
  EXPECT_EQ(http_request(check, url, endpoint, true),
            "GET /x HTTP/1.1\r\nUser-Agent: KeepAliveClient\r\nHost: [2001:db8::1]\r\nConnection: close\r\n\r\n");
  url.virtualhost = "www.example.com";
  EXPECT_EQ(http_request(check, url, endpoint, false),
            "GET /x HTTP/1.1\r\nUser-Agent: KeepAliveClient\r\nHost: www.example.com\r\nConnection: close\r\n\r\n");
}

}  // namespace
}  // namespace keel::check::engine

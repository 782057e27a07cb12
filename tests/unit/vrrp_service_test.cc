// The VRRP service wired to fake ports: two keeld routers on one fake segment elect a
// master, move the VIPs on shutdown, follow tracking scripts and interface state. The
// fakes stand for the loop, the wire and the kernel; the service code is the real one.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <map>
#include <set>

#include "config/load.h"
#include "vrrp/packet/auth_ah.h"
#include "vrrp/packet/byte_io.h"
#include "vrrp/packet/ip_packet.h"
#include "vrrp/service/notify_fifo.h"
#include "vrrp/service/vrrp_service.h"

namespace keel::vrrp {
namespace {

using namespace std::chrono_literals;

// One clock and one timer queue for every router in the test.
class FakeReactor final : public Reactor {
 public:
  class Entry final : public Handle {
   public:
    Entry(FakeReactor& reactor, std::uint64_t id) : reactor_(reactor), id_(id) {}
    ~Entry() override { reactor_.cancel(id_); }

   private:
    FakeReactor& reactor_;
    std::uint64_t id_;
  };

  TimePoint now() const override { return now_; }
  std::unique_ptr<Handle> at(TimePoint deadline, std::function<void(TimePoint)> callback) override {
    const auto id = next_id_++;
    timers_.emplace(id, Timer{deadline, std::move(callback)});
    return std::make_unique<Entry>(*this, id);
  }
  std::unique_ptr<Handle> on_readable(int fd, std::function<void()> callback) override {
    readers_[fd] = std::move(callback);
    return std::make_unique<Entry>(*this, 0);
  }
  void readable(int fd) {
    deliveries_.push_back(at(now_, [this, fd](TimePoint) {
      if (auto found = readers_.find(fd); found != readers_.end()) found->second();
    }));
  }
  // Fires due timers in deadline order (ties in arming order) until `end`.
  void run_until(TimePoint end) {
    for (int guard = 0; guard < 100000; ++guard) {
      auto next = timers_.end();
      for (auto it = timers_.begin(); it != timers_.end(); ++it)
        if (next == timers_.end() || it->second.deadline < next->second.deadline) next = it;
      if (next == timers_.end() || next->second.deadline > end) break;
      now_ = std::max(now_, next->second.deadline);
      auto callback = std::move(next->second.callback);
      timers_.erase(next);
      callback(now_);
    }
    now_ = std::max(now_, end);
  }
  void run_for(std::chrono::nanoseconds duration) { run_until(now_ + duration); }

 private:
  struct Timer {
    TimePoint deadline;
    std::function<void(TimePoint)> callback;
  };
  void cancel(std::uint64_t id) { timers_.erase(id); }

  TimePoint now_{};
  std::uint64_t next_id_ = 1;
  std::map<std::uint64_t, Timer> timers_;
  std::map<int, std::function<void()>> readers_;
  std::vector<std::unique_ptr<Handle>> deliveries_;
};

class FakeWire;

class FakeChannel final : public AdvertChannel {
 public:
  FakeChannel(FakeWire& wire, int fd, bool ah) : wire_(wire), fd_(fd), ah_(ah) {}
  bool ah() const { return ah_; }
  ~FakeChannel() override;
  int fd() const override { return fd_; }
  IoResult<> send(std::span<const std::byte> message, const IpAddress& source, const IpAddress& destination) override;
  IoResult<std::optional<ReceivedAdvert>> receive() override {
    if (queue_.empty()) return std::optional<ReceivedAdvert>{};
    auto packet = std::move(queue_.front());
    queue_.erase(queue_.begin());
    return std::optional<ReceivedAdvert>{std::move(packet)};
  }
  void deliver(ReceivedAdvert packet) { queue_.push_back(std::move(packet)); }

 private:
  FakeWire& wire_;
  int fd_;
  bool ah_;  // IP protocol 51, IP_HDRINCL: sends and receives whole IPv4 packets
  std::vector<ReceivedAdvert> queue_;
};

// A broadcast segment: what one channel sends, every other channel receives (IPv4, TTL 255).
// AH channels send whole IPv4 packets and, like protocol 51 raw sockets, see only AH ones.
class FakeWire {
 public:
  explicit FakeWire(FakeReactor& reactor) : reactor_(reactor) {}
  std::unique_ptr<AdvertChannel> open(bool ah = false) {
    auto channel = std::make_unique<FakeChannel>(*this, next_fd_++, ah);
    channels_.insert(channel.get());
    return channel;
  }
  void forget(FakeChannel* channel) { channels_.erase(channel); }
  void transmit(FakeChannel* from, std::span<const std::byte> message, const IpAddress& source,
                const IpAddress& destination) {
    if (cut_) return;
    std::vector<std::byte> bytes;
    if (from->ah()) {
      bytes.assign(message.begin(), message.end());
      ah_packets.push_back(bytes);
    } else {
      ByteWriter packet{bytes};
      write_ipv4_header(packet, source, destination, kVrrpProtocol, message.size(), Ipv4HeaderOptions{});
      packet.bytes(message);
    }
    ++sent_;
    for (auto* channel : channels_) {
      if (channel == from || channel->ah() != from->ah()) continue;
      channel->deliver(ReceivedAdvert{.packet = bytes, .meta = {}, .ifindex = 1});
      reactor_.readable(channel->fd());
    }
  }
  void cut(bool cut) { cut_ = cut; }
  int sent() const { return sent_; }
  std::vector<std::vector<std::byte>> ah_packets;  // every AH packet sent, in order

 private:
  FakeReactor& reactor_;
  std::set<FakeChannel*> channels_;
  int next_fd_ = 100;
  bool cut_ = false;
  int sent_ = 0;
};

FakeChannel::~FakeChannel() { wire_.forget(this); }
IoResult<> FakeChannel::send(std::span<const std::byte> message, const IpAddress& source,
                             const IpAddress& destination) {
  wire_.transmit(this, message, source, destination);
  return {};
}

// The kernel's address table of one router.
class FakeAddresses final : public AddressProgrammer {
 public:
  IoResult<> add_address(const config::AddressSpec& spec, std::string_view) override {
    installed.insert(spec.prefix.to_string());
    return {};
  }
  IoResult<> remove_address(const config::AddressSpec& spec, std::string_view) override {
    installed.erase(spec.prefix.to_string());
    return {};
  }
  IoResult<> add_route(const config::RouteSpec&) override { return {}; }
  IoResult<> remove_route(const config::RouteSpec&) override { return {}; }
  IoResult<> add_rule(const config::RuleSpec&) override { return {}; }
  IoResult<> remove_rule(const config::RuleSpec&) override { return {}; }
  std::set<std::string> installed;
};

class FakeAnnouncer final : public Announcer {
 public:
  IoResult<> announce(const InterfaceInfo&, const IpAddress& address) override {
    announced.push_back(address.to_string());
    if (clock) times.push_back(clock->now());
    return {};
  }
  std::vector<std::string> announced;
  const Reactor* clock = nullptr;
  std::vector<TimePoint> times;  // when each one went out
};

class FakeLinks final : public LinkMonitor {
 public:
  explicit FakeLinks(std::string address) {
    info.ifindex = 7;
    info.name = "veth0";
    info.up = true;
    info.addresses.push_back(*config::IpPrefix::parse(address + "/24"));
  }
  std::optional<InterfaceInfo> find(std::string_view name) const override {
    if (name == info.name && present) return info;
    for (const auto& other : others)
      if (name == other.name) return other;
    return std::nullopt;
  }
  void on_change(std::function<void(const InterfaceInfo&, bool)> callback) override { callback_ = std::move(callback); }
  void set_up(bool up) {
    info.up = up;
    callback_(info, false);
  }
  InterfaceInfo info;
  bool present = true;
  std::vector<InterfaceInfo> others;  // interfaces without VRRP on them (track_interface)

 private:
  std::function<void(const InterfaceInfo&, bool)> callback_;
};

// Scripts "run" by looking up the exit status the test chose for their first word.
class FakeScripts final : public ScriptRunner {
 public:
  explicit FakeScripts(FakeReactor& reactor) : reactor_(reactor) {}
  std::unique_ptr<Handle> run(const config::Script& script, std::vector<std::string> args,
                              std::optional<config::Duration>,
                              std::function<void(const ScriptExit&)> on_exit) override {
    std::string line = script.command.front();
    for (const auto& arg : args) line += " " + arg;
    runs.push_back(line);
    const int status = exit_status[script.command.front()];
    return reactor_.at(reactor_.now() + 10ms,
                       [on_exit, status](TimePoint) { on_exit(ScriptExit{.exit_status = status}); });
  }
  std::map<std::string, int> exit_status;
  std::vector<std::string> runs;

 private:
  FakeReactor& reactor_;
};

class CollectingLog final : public Log {
 public:
  void write(LogLevel, std::string_view text) override { lines.emplace_back(text); }
  std::vector<std::string> lines;
};

std::string router_config(int priority, const std::string& extra = "", const std::string& before = "") {
  return before + R"(vrrp_script chk_service {
    script /usr/local/bin/check-service
    interval 1
    weight -60
    fall 2
    rise 1
}
vrrp_instance VI_1 {
    state BACKUP
    interface veth0
    virtual_router_id 51
    priority )" +
         std::to_string(priority) + R"(
    advert_int 1
    track_script {
        chk_service
    }
    notify /usr/local/bin/notify
    virtual_ipaddress {
        198.18.0.100/24
    }
)" + extra +
         "}\n";
}

// One keeld VRRP process: its configuration, fake kernel and the real service.
struct TestRouter {
  TestRouter(FakeReactor& reactor, FakeWire& wire, int priority, std::string address, const std::string& extra = "",
             const std::string& before = "")
      : loaded(config::load_config_text(router_config(priority, extra, before), "r.conf")),
        links(std::move(address)),
        scripts(reactor),
        service(loaded.config, VrrpPorts{reactor, addresses, announcer, links, scripts, log},
                [&wire](const ChannelSpec& spec) -> IoResult<std::unique_ptr<AdvertChannel>> { return wire.open(spec.ah); }) {
    announcer.clock = &reactor;
  }

  RouterState state() { return service.find("VI_1")->router().state(); }
  bool holds_vip() const { return addresses.installed.contains("198.18.0.100/24"); }

  config::LoadResult loaded;
  FakeAddresses addresses;
  FakeAnnouncer announcer;
  FakeLinks links;
  FakeScripts scripts;
  CollectingLog log;
  VrrpService service;
};

class VrrpServiceTest : public ::testing::Test {
 protected:
  FakeReactor reactor;
  FakeWire wire{reactor};
};

TEST_F(VrrpServiceTest, HigherPriorityRouterBecomesMasterAndHoldsTheVip) {
  TestRouter high{reactor, wire, 150, "198.18.0.1"};
  TestRouter low{reactor, wire, 100, "198.18.0.2"};
  ASSERT_TRUE(high.loaded.ok());
  high.service.start();
  low.service.start();
  reactor.run_for(10s);
  EXPECT_EQ(high.state(), RouterState::kMaster);
  EXPECT_EQ(low.state(), RouterState::kBackup);
  EXPECT_TRUE(high.holds_vip());
  EXPECT_FALSE(low.holds_vip());
  EXPECT_THAT(high.announcer.announced, ::testing::Contains("198.18.0.100"));
  EXPECT_THAT(high.scripts.runs, ::testing::Contains("/usr/local/bin/notify INSTANCE VI_1 MASTER 150"));
}

TEST_F(VrrpServiceTest, ShutdownOfTheMasterMovesTheVipToTheBackup) {
  TestRouter high{reactor, wire, 150, "198.18.0.1"};
  TestRouter low{reactor, wire, 100, "198.18.0.2"};
  high.service.start();
  low.service.start();
  reactor.run_for(10s);
  ASSERT_TRUE(high.holds_vip());
  high.service.shutdown();
  EXPECT_FALSE(high.holds_vip());
  // A priority-0 advert lets the backup take over after its skew time only (< 1 s).
  reactor.run_for(1s);
  EXPECT_EQ(low.state(), RouterState::kMaster);
  EXPECT_TRUE(low.holds_vip());
  EXPECT_THAT(high.scripts.runs, ::testing::Contains("/usr/local/bin/notify INSTANCE VI_1 STOP 150"));
}

TEST_F(VrrpServiceTest, FailingTrackScriptLowersPriorityAndTheOtherRouterTakesOver) {
  TestRouter high{reactor, wire, 150, "198.18.0.1"};
  TestRouter low{reactor, wire, 100, "198.18.0.2"};
  high.service.start();
  low.service.start();
  reactor.run_for(10s);
  ASSERT_EQ(high.state(), RouterState::kMaster);
  // fall 2: two failed runs take 150 - 60 = 90 below the backup's 100; it preempts.
  high.scripts.exit_status["/usr/local/bin/check-service"] = 1;
  reactor.run_for(10s);
  EXPECT_EQ(high.service.find("VI_1")->router().priority(), 90);
  EXPECT_EQ(std::count(high.log.lines.begin(), high.log.lines.end(), "VI_1: effective priority 150 -> 90"), 1)
      << "logged once, not once by the router and again by the driver";
  EXPECT_EQ(low.state(), RouterState::kMaster);
  EXPECT_EQ(high.state(), RouterState::kBackup);
  EXPECT_TRUE(low.holds_vip());
  EXPECT_FALSE(high.holds_vip());
  high.scripts.exit_status["/usr/local/bin/check-service"] = 0;
  reactor.run_for(10s);
  EXPECT_EQ(high.state(), RouterState::kMaster);
  EXPECT_FALSE(low.holds_vip());
}

TEST_F(VrrpServiceTest, InterfaceDownPutsTheMasterInFaultAndTheBackupTakesOver) {
  TestRouter high{reactor, wire, 150, "198.18.0.1"};
  TestRouter low{reactor, wire, 100, "198.18.0.2"};
  high.service.start();
  low.service.start();
  reactor.run_for(10s);
  high.links.set_up(false);
  reactor.run_for(5s);
  EXPECT_EQ(high.state(), RouterState::kFault);
  EXPECT_FALSE(high.holds_vip());
  EXPECT_EQ(low.state(), RouterState::kMaster);
  EXPECT_THAT(high.log.lines, ::testing::Contains(::testing::HasSubstr("VI_1: FAULT:")));
  high.links.set_up(true);
  reactor.run_for(10s);
  EXPECT_EQ(high.state(), RouterState::kMaster);
  EXPECT_EQ(low.state(), RouterState::kBackup);
}

TEST_F(VrrpServiceTest, InterfacesThatAreUpAtStartupNeverFaultTheInstance) {
  // The link monitor reports changes only: a tracked interface that is up and stays up
  // must still count as up, and the instance's own must not fault it while unreported.
  TestRouter high{reactor, wire, 150, "198.18.0.1", "    track_interface {\n        veth1\n    }\n"};
  high.links.others.push_back(InterfaceInfo{.ifindex = 8, .name = "veth1", .up = true});
  ASSERT_TRUE(high.loaded.ok());
  high.service.start();
  reactor.run_for(10s);
  EXPECT_EQ(high.state(), RouterState::kMaster);
  EXPECT_THAT(high.log.lines, ::testing::Not(::testing::Contains(::testing::HasSubstr("FAULT"))));
  EXPECT_THAT(high.scripts.runs, ::testing::Not(::testing::Contains(::testing::HasSubstr(" FAULT "))));
}

TEST_F(VrrpServiceTest, TrackedInterfaceDownAtStartupStartsTheInstanceInFault) {
  TestRouter high{reactor, wire, 150, "198.18.0.1", "    track_interface {\n        veth1\n    }\n"};
  high.links.others.push_back(InterfaceInfo{.ifindex = 8, .name = "veth1", .up = false});
  high.service.start();
  reactor.run_for(10s);
  EXPECT_EQ(high.state(), RouterState::kFault);
  EXPECT_FALSE(high.holds_vip());
  EXPECT_THAT(high.log.lines, ::testing::Contains(::testing::HasSubstr("track_interface veth1 is down")));
}

TEST_F(VrrpServiceTest, BadAdvertsAreDroppedWithAReasonAndCounted) {
  TestRouter router{reactor, wire, 100, "198.18.0.2"};
  router.service.start();
  // A foreign router on the segment with the same VRID but another interval (v2 must match).
  auto foreign = wire.open();
  Advert advert;
  advert.version = 2;
  advert.vrid = 51;
  advert.priority = 200;
  advert.adver_int_s = 3;
  advert.addresses.push_back(*IpAddress::parse("198.18.0.100"));
  const auto source = *IpAddress::parse("198.18.0.9");
  const auto message = encode_advert(advert, source, vrrp_multicast_group(config::Family::kIpv4));
  foreign->send(message, source, vrrp_multicast_group(config::Family::kIpv4));
  reactor.run_for(1ms);
  EXPECT_EQ(router.service.find("VI_1")->drops()[DropReason::kIntervalMismatch], 1u);
  EXPECT_THAT(router.log.lines, ::testing::Contains(::testing::HasSubstr("dropped advert from 198.18.0.9 (VRID 51)")));
  EXPECT_NE(router.state(), RouterState::kMaster);
}

// Offsets of the announcements from the first one, in milliseconds.
std::vector<long> offsets_ms(const std::vector<TimePoint>& times) {
  std::vector<long> out;
  for (const auto& time : times)
    out.push_back(static_cast<long>(std::chrono::duration_cast<std::chrono::milliseconds>(time - times.front()).count()));
  return out;
}

TEST_F(VrrpServiceTest, GarpBurstsAreSpacedByTheGarpIntervalOnTimers) {
  TestRouter router{reactor,
                    wire,
                    150,
                    "198.18.0.1",
                    "    garp_master_repeat 3\n    garp_master_delay 2\n    garp_master_refresh 5\n",
                    "global_defs {\n    vrrp_garp_interval 0.1\n}\n"};
  ASSERT_TRUE(router.loaded.ok());
  router.service.start();
  reactor.run_for(5s);
  ASSERT_EQ(router.state(), RouterState::kMaster);
  const auto became_master = router.announcer.times.front();
  reactor.run_until(became_master + 5500ms);
  // 3 spaced 100 ms apart; the second burst garp_master_delay (2 s) later; the refresh
  // (garp_master_refresh_repeat 1) garp_master_refresh (5 s) after taking over.
  EXPECT_THAT(offsets_ms(router.announcer.times), ::testing::ElementsAre(0, 100, 200, 2000, 2100, 2200, 5000));
}

TEST_F(VrrpServiceTest, GarpGroupIntervalOverridesTheGlobalOneAndAZeroIntervalSendsABurstAtOnce) {
  TestRouter router{reactor, wire, 150, "198.18.0.1", "    garp_master_repeat 2\n    garp_master_delay 0\n",
                    "global_defs {\n    vrrp_garp_interval 0.1\n}\ngarp_group {\n    garp_interval 0.25\n"
                    "    interface veth0\n}\n"};
  ASSERT_TRUE(router.loaded.ok()) << (router.loaded.diagnostics.all().empty() ? "" : router.loaded.diagnostics.all().front().to_string());
  router.service.start();
  reactor.run_for(10s);
  EXPECT_THAT(offsets_ms(router.announcer.times), ::testing::ElementsAre(0, 250));

  TestRouter plain{reactor, wire, 150, "198.18.0.1", "    garp_master_repeat 4\n    garp_master_delay 0\n"};
  // Not on this segment: its own wire would make the two routers elect.
  wire.cut(true);
  plain.service.start();
  reactor.run_for(10s);
  ASSERT_EQ(plain.announcer.times.size(), 4u);
  EXPECT_THAT(offsets_ms(plain.announcer.times), ::testing::ElementsAre(0, 0, 0, 0));
}

// A private directory for FIFOs, removed with everything in it.
struct TempDir {
  TempDir() {
    std::string pattern = (std::filesystem::temp_directory_path() / "keel-fifo-XXXXXX").string();
    path = ::mkdtemp(pattern.data()) ? pattern : "";
  }
  ~TempDir() {
    std::error_code ignored;
    if (!path.empty()) std::filesystem::remove_all(path, ignored);
  }
  std::string path;
};

std::string drain(const std::string& fifo) {
  const int fd = ::open(fifo.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC);
  if (fd < 0) return "open failed";
  std::string out;
  char buffer[4096];
  for (int i = 0; i < 64; ++i) {
    const ssize_t got = ::read(fd, buffer, sizeof buffer);
    if (got <= 0) break;
    out.append(buffer, static_cast<std::size_t>(got));
  }
  ::close(fd);
  return out;
}

TEST_F(VrrpServiceTest, NotifyFifoGetsKeepalivedLinesAndItsScriptStartsWithThePath) {
  TempDir dir;
  ASSERT_FALSE(dir.path.empty());
  const std::string fifo = dir.path + "/vrrp.fifo";
  TestRouter router{reactor, wire, 150, "198.18.0.1", "",
                    "global_defs {\n    vrrp_notify_fifo " + fifo +
                        "\n    vrrp_notify_fifo_script /usr/local/bin/fifo-reader\n}\n"};
  ASSERT_TRUE(router.loaded.ok());
  router.service.start();
  EXPECT_TRUE(std::filesystem::is_fifo(fifo)) << "created when missing";
  EXPECT_THAT(router.scripts.runs, ::testing::Contains("/usr/local/bin/fifo-reader " + fifo));
  reactor.run_for(10s);
  ASSERT_EQ(router.state(), RouterState::kMaster);
  router.service.shutdown();
  // Nobody read while it ran: the lines wait in the pipe, the writer never blocked.
  EXPECT_EQ(drain(fifo), "INSTANCE \"VI_1\" BACKUP 150\nINSTANCE \"VI_1\" MASTER 150\nINSTANCE \"VI_1\" STOP 150\n");
}

TEST(NotifyFifoTest, WritesGroupLinesAndDropsAndCountsWhenThePipeIsFull) {
  TempDir dir;
  const std::string path = dir.path + "/full.fifo";
  FakeReactor reactor;
  FakeScripts scripts{reactor};
  CollectingLog log;
  {
    NotifyFifo fifo{config::Script{.command = {path}}, std::nullopt, scripts, log};
    ASSERT_TRUE(fifo.is_open());
    fifo.group("G1", "BACKUP");
    EXPECT_EQ(drain(path), "GROUP \"G1\" BACKUP\n");
    // No reader: a pipe holds 64 KiB, then lines are dropped instead of blocking.
    for (int i = 0; i < 5000; ++i) fifo.instance("VI_1", "MASTER", 100);
    EXPECT_GT(fifo.dropped(), 0u);
    EXPECT_GT(fifo.written(), 1000u);
    EXPECT_THAT(log.lines, ::testing::Contains(::testing::HasSubstr("line dropped")));
    EXPECT_LT(log.lines.size(), 100u) << "drops are not logged one by one";
  }
  EXPECT_TRUE(std::filesystem::is_fifo(path)) << "kept for the next service after a reload";
}

constexpr const char* kAhAuth = "    authentication {\n        auth_type AH\n        auth_pass s3cret\n    }\n";

std::uint32_t ah_sequence_of(std::span<const std::byte> packet) {
  auto parsed = parse_ip_packet(packet);
  return parsed && parsed->ah ? parsed->ah->sequence : 0;
}

TEST_F(VrrpServiceTest, AhInstancesSendAndAcceptAhAdvertsWithRisingSequenceNumbers) {
  TestRouter high{reactor, wire, 150, "198.18.0.1", kAhAuth};
  TestRouter low{reactor, wire, 100, "198.18.0.2", kAhAuth};
  ASSERT_TRUE(high.loaded.ok());
  high.service.start();
  low.service.start();
  reactor.run_for(10s);
  EXPECT_EQ(high.state(), RouterState::kMaster);
  EXPECT_EQ(low.state(), RouterState::kBackup);
  EXPECT_EQ(low.service.find("VI_1")->drops().total(), 0u) << low.service.find("VI_1")->drops().summary();
  ASSERT_GE(wire.ah_packets.size(), 5u);
  std::uint32_t previous = 0;
  const AuthData key = make_auth_data("s3cret");
  for (const auto& packet : wire.ah_packets) {
    auto parsed = parse_ip_packet(packet);
    ASSERT_TRUE(parsed && parsed->ah);
    EXPECT_EQ(parsed->meta.ttl_or_hop_limit, 255);
    EXPECT_EQ(parsed->ah->spi, 0xc6120001u) << "the SPI is the sender's address";
    EXPECT_GT(parsed->ah->sequence, previous);
    previous = parsed->ah->sequence;
    // Multicast: the TTL is part of the ICV, as keepalived computes it.
    EXPECT_TRUE(verify_ah(packet, key, AhTtlHandling::kIncluded).has_value());
    auto decoded = decode_advert(parsed->vrrp, parsed->meta);
    ASSERT_TRUE(decoded);
    EXPECT_EQ(decoded->auth_type, AuthType::kAh);
  }
  EXPECT_EQ(previous, static_cast<std::uint32_t>(wire.ah_packets.size())) << "keepalived starts at 1";

  // A replayed advert is dropped; the backup's sequence follows the master's.
  auto replay = wire.open(true);
  replay->send(wire.ah_packets.front(), *IpAddress::parse("198.18.0.1"), vrrp_multicast_group(config::Family::kIpv4));
  reactor.run_for(1ms);
  EXPECT_EQ(low.service.find("VI_1")->drops()[DropReason::kAhReplay], 1u);

  // The backup that takes over continues above the sequence it last accepted, so the
  // old master (and keepalived peers) do not take its adverts for replays.
  const std::uint32_t last_of_master = ah_sequence_of(wire.ah_packets.back());
  const std::size_t before = wire.ah_packets.size();
  high.service.shutdown();
  reactor.run_for(3s);
  EXPECT_EQ(low.state(), RouterState::kMaster);
  ASSERT_GT(wire.ah_packets.size(), before + 1);
  EXPECT_GT(ah_sequence_of(wire.ah_packets[before + 1]), last_of_master);
}

TEST_F(VrrpServiceTest, AhAdvertWithTheWrongKeyIsDroppedAsAnAuthFailure) {
  TestRouter low{reactor, wire, 100, "198.18.0.2", kAhAuth};
  low.service.start();
  Advert advert;
  advert.version = 2;
  advert.vrid = 51;
  advert.priority = 200;
  advert.adver_int_s = 1;
  advert.auth_type = AuthType::kAh;
  advert.addresses.push_back(*IpAddress::parse("198.18.0.100"));
  const auto source = *IpAddress::parse("198.18.0.9");
  const auto group = vrrp_multicast_group(config::Family::kIpv4);
  auto foreign = wire.open(true);
  foreign->send(encode_ah_advert_packet(advert, source, group, AhSendOptions{.key = make_auth_data("wrong")}), source,
                group);
  reactor.run_for(1ms);
  EXPECT_EQ(low.service.find("VI_1")->drops()[DropReason::kAuthFailure], 1u);
  // The right key is accepted: the higher priority keeps this router backup.
  foreign->send(encode_ah_advert_packet(advert, source, group, AhSendOptions{.key = make_auth_data("s3cret")}), source,
                group);
  reactor.run_for(1ms);
  EXPECT_EQ(low.service.find("VI_1")->drops()[DropReason::kAuthFailure], 1u);
  EXPECT_EQ(low.service.find("VI_1")->drops().total(), 1u);
}

}  // namespace
}  // namespace keel::vrrp

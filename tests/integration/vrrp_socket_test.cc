// The VRRP socket adapters on a real wire: two network namespaces joined by a veth pair
// (198.18.0.1/24 + 2001:db8::1/64 on A, .2 / ::2 on B, no default route). Adverts sent by
// AdvertSocket in A arrive at AdvertSocket in B with the receive metadata RFC 5798 §7.1
// needs and pass decode + check_advert; PacketAnnouncer's GARP / NA update B's neighbour
// table; tshark decodes the adverts with good checksums. Needs root and iproute2.
#include <fcntl.h>
#include <ifaddrs.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <net/if.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <array>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "vrrp/io/advert_socket.h"
#include "vrrp/io/announcer.h"
#include "vrrp/packet/announce.h"
#include "vrrp/packet/auth_ah.h"
#include "vrrp/packet/ip_packet.h"
#include "vrrp/packet/receive_check.h"

extern char** environ;

namespace keel::vrrp {
namespace {

using namespace std::chrono_literals;
using config::Family;
using config::IpAddress;
using Clock = std::chrono::steady_clock;

IpAddress ip(std::string_view text) { return *IpAddress::parse(text); }

struct CommandResult {
  int status = -1;
  std::string output;  // stdout and stderr
};

CommandResult run(const std::string& command) {
  CommandResult result;
  FILE* pipe = ::popen((command + " 2>&1").c_str(), "r");
  if (pipe == nullptr) return result;
  std::array<char, 4096> chunk;
  while (std::fgets(chunk.data(), chunk.size(), pipe) != nullptr) result.output += chunk.data();
  result.status = ::pclose(pipe);
  return result;
}

// Polls `done` every 20 ms until it holds or `timeout` passes.
bool wait_until(std::chrono::milliseconds timeout, const std::function<bool()>& done) {
  const auto deadline = Clock::now() + timeout;
  while (!done()) {
    if (Clock::now() >= deadline) return false;
    std::this_thread::sleep_for(20ms);
  }
  return true;
}

// Moves the calling thread into a named network namespace (ip netns add) and back.
// Sockets keep the namespace they were created in, so the test process can hold sockets
// of both ends.
class NetnsScope {
 public:
  explicit NetnsScope(const std::string& name) {
    home_ = ::open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC);
    const int target = ::open(("/run/netns/" + name).c_str(), O_RDONLY | O_CLOEXEC);
    if (home_ < 0 || target < 0 || ::setns(target, CLONE_NEWNET) != 0) {
      std::fprintf(stderr, "cannot enter network namespace %s: %s\n", name.c_str(), std::strerror(errno));
      std::abort();  // running on in the wrong namespace could touch the host's interfaces
    }
    ::close(target);
  }
  ~NetnsScope() {
    if (::setns(home_, CLONE_NEWNET) != 0) std::abort();
    ::close(home_);
  }
  NetnsScope(const NetnsScope&) = delete;
  NetnsScope& operator=(const NetnsScope&) = delete;

 private:
  int home_ = -1;
};

template <class F>
auto in_netns(const std::string& name, F&& f) {
  NetnsScope scope{name};
  return f();
}

// ifindex, MAC and addresses of one interface of the current namespace.
InterfaceInfo read_interface(const std::string& name) {
  InterfaceInfo info;
  info.name = name;
  info.ifindex = static_cast<int>(::if_nametoindex(name.c_str()));
  ifaddrs* list = nullptr;
  if (::getifaddrs(&list) != 0) return info;
  for (ifaddrs* entry = list; entry != nullptr; entry = entry->ifa_next) {
    if (entry->ifa_addr == nullptr || name != entry->ifa_name) continue;
    if (entry->ifa_flags & IFF_UP) info.up = (entry->ifa_flags & IFF_RUNNING) != 0;
    if (entry->ifa_addr->sa_family == AF_PACKET) {
      const auto* link = reinterpret_cast<const sockaddr_ll*>(entry->ifa_addr);
      std::memcpy(info.mac.data(), link->sll_addr, 6);
    } else if (auto address = from_socket_address(*reinterpret_cast<const sockaddr_storage*>(entry->ifa_addr))) {
      info.addresses.push_back({.address = *address, .length = static_cast<std::uint8_t>(address->is_v6() ? 64 : 24)});
    }
  }
  ::freeifaddrs(list);
  return info;
}

// Two namespaces and a veth pair between them; destroying it deletes both namespaces
// (which deletes the veth), whatever state set-up reached.
class Topology {
 public:
  static constexpr const char* kVethA = "ksock-a";
  static constexpr const char* kVethB = "ksock-b";

  Topology()
      : a_("keelsock-" + std::to_string(::getpid()) + "-a"), b_("keelsock-" + std::to_string(::getpid()) + "-b") {}
  ~Topology() {
    run("ip netns del " + a_);
    run("ip netns del " + b_);
  }
  Topology(const Topology&) = delete;
  Topology& operator=(const Topology&) = delete;

  // Empty on success, else the failing command and its output.
  std::string build() {
    const std::vector<std::string> commands = {
        "ip netns add " + a_,
        "ip netns add " + b_,
        // Created inside A with its peer inside B: never visible in the host namespace.
        "ip -n " + a_ + " link add " + kVethA + " type veth peer name " + kVethB + " netns " + b_,
        "ip netns exec " + a_ + " sysctl -qw net.ipv6.conf." + kVethA + ".accept_dad=0",
        "ip netns exec " + b_ + " sysctl -qw net.ipv6.conf." + kVethB + ".accept_dad=0",
        "ip -n " + a_ + " addr add 198.18.0.1/24 dev " + kVethA,
        "ip -n " + b_ + " addr add 198.18.0.2/24 dev " + kVethB,
        "ip -n " + a_ + " addr add 2001:db8::1/64 dev " + kVethA + " nodad",
        "ip -n " + b_ + " addr add 2001:db8::2/64 dev " + kVethB + " nodad",
        "ip -n " + a_ + " link set lo up",
        "ip -n " + b_ + " link set lo up",
        "ip -n " + a_ + " link set " + kVethA + " up",
        "ip -n " + b_ + " link set " + kVethB + " up",
    };
    for (const std::string& command : commands) {
      const CommandResult result = run(command);
      if (result.status != 0) return command + ": " + result.output;
    }
    return wait_for_link_local();
  }

  // Link-local addresses appear (and leave "tentative") only after link-up, and go away
  // on link-down. Empty when both ends have one, else what is missing.
  std::string wait_for_link_local() const {
    for (const auto& [ns, veth] : {std::pair{a_, kVethA}, std::pair{b_, kVethB}}) {
      const bool ready = wait_until(10s, [&] {
        const std::string shown = run("ip -n " + ns + " -6 addr show dev " + veth + " scope link").output;
        return shown.find("fe80::") != std::string::npos && shown.find("tentative") == std::string::npos;
      });
      if (!ready) return "no usable IPv6 link-local address on " + std::string(veth) + " within 10 s";
    }
    return {};
  }

  bool set_link(const std::string& ns, const char* veth, bool up) const {
    return run("ip -n " + ns + " link set " + veth + (up ? " up" : " down")).status == 0;
  }

  const std::string& a() const { return a_; }
  const std::string& b() const { return b_; }

 private:
  std::string a_;
  std::string b_;
};

// Reads from `channel` until a packet arrives or `timeout` passes.
std::optional<ReceivedAdvert> receive_within(AdvertChannel& channel, std::chrono::milliseconds timeout) {
  const auto deadline = Clock::now() + timeout;
  while (true) {
    auto received = channel.receive();
    if (!received) {
      ADD_FAILURE() << received.error().message;
      return std::nullopt;
    }
    if (*received) return std::move(**received);
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
    if (left <= 0ms) return std::nullopt;
    pollfd watch{.fd = channel.fd(), .events = POLLIN, .revents = 0};
    ::poll(&watch, 1, static_cast<int>(left.count()));
  }
}

Advert make_advert(std::uint8_t version, Family family, std::initializer_list<IpAddress> addresses) {
  Advert advert;
  advert.version = version;
  advert.vrid = 51;
  advert.priority = 150;
  advert.family = family;
  advert.addresses = AddressList(addresses);
  return advert;
}

InstanceView view_for(const Advert& advert, std::span<const config::UnicastPeer> peers = {}) {
  return InstanceView{.vrid = advert.vrid,
                      .version = advert.version,
                      .family = advert.family,
                      .auth_type = advert.auth_type,
                      .auth_key = advert.auth_data,
                      .advert_interval = advert_interval(advert),
                      .virtual_addresses = advert.addresses.view(),
                      .unicast_peers = peers};
}

class VrrpSocketTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (::geteuid() != 0) GTEST_SKIP() << "needs root: creates network namespaces and raw sockets";
    if (run("ip -V").status != 0) GTEST_SKIP() << "needs iproute2 ('ip' not found)";
    topology_ = std::make_unique<Topology>();
    const std::string error = topology_->build();
    ASSERT_EQ(error, "") << "topology set-up failed";
    a_ = in_netns(topology_->a(), [] { return read_interface(Topology::kVethA); });
    b_ = in_netns(topology_->b(), [] { return read_interface(Topology::kVethB); });
    ASSERT_GT(a_.ifindex, 0);
    ASSERT_GT(b_.ifindex, 0);
  }
  void TearDown() override { topology_.reset(); }

  std::unique_ptr<AdvertSocket> open_in(const std::string& ns, AdvertSocketOptions options) {
    auto opened = in_netns(ns, [&] { return AdvertSocket::open(options); });
    EXPECT_TRUE(opened.has_value()) << (opened ? "" : opened.error().message);
    return opened ? std::move(*opened) : nullptr;
  }
  std::unique_ptr<AdvertSocket> open_a(AdvertSocketOptions options) {
    options.interface_name = a_.name;
    options.ifindex = a_.ifindex;
    return open_in(topology_->a(), options);
  }
  std::unique_ptr<AdvertSocket> open_b(AdvertSocketOptions options) {
    options.interface_name = b_.name;
    options.ifindex = b_.ifindex;
    return open_in(topology_->b(), options);
  }

  // Sends `advert` from A to `destination` and returns what B's socket received.
  std::optional<ReceivedAdvert> send_and_receive(AdvertSocket& sender, AdvertSocket& receiver, const Advert& advert,
                                                 const IpAddress& source, const IpAddress& destination) {
    const std::vector<std::byte> message = encode_advert(advert, source, destination);
    const IoResult<> sent = sender.send(message, source, destination);
    EXPECT_TRUE(sent.has_value()) << (sent ? "" : sent.error().message);
    return receive_within(receiver, 3s);
  }

  // The IPv4 path end to end: header parsed, metadata as expected, decoded, accepted.
  void expect_ipv4_advert_accepted(const ReceivedAdvert& received, const Advert& sent, const IpAddress& destination,
                                   std::span<const config::UnicastPeer> peers = {}) {
    EXPECT_EQ(received.meta.family, Family::kIpv4);
    EXPECT_EQ(received.meta.source, ip("198.18.0.1"));
    EXPECT_EQ(received.meta.destination, destination);
    EXPECT_EQ(received.meta.ttl_or_hop_limit, 255);
    EXPECT_EQ(received.ifindex, b_.ifindex);
    const auto parsed = parse_ip_packet(received.packet);
    ASSERT_TRUE(parsed.has_value()) << to_string(parsed.error().reason);
    EXPECT_EQ(parsed->meta.source, received.meta.source);
    EXPECT_EQ(parsed->meta.destination, received.meta.destination);
    EXPECT_EQ(parsed->meta.ttl_or_hop_limit, received.meta.ttl_or_hop_limit);
    const auto decoded = decode_advert(parsed->vrrp, received.meta);
    ASSERT_TRUE(decoded.has_value()) << to_string(decoded.error().reason);
    EXPECT_EQ(*decoded, sent);
    const InstanceView view = view_for(sent, peers);
    const auto checked = check_advert(*decoded, received.meta, view);
    ASSERT_TRUE(checked.has_value()) << to_string(checked.error().reason);
    EXPECT_FALSE(checked->any());
  }

  std::unique_ptr<Topology> topology_;
  InterfaceInfo a_;
  InterfaceInfo b_;
};

TEST_F(VrrpSocketTest, ReceiveReturnsNothingWhenNoPacketIsPending) {
  auto b = open_b({.family = Family::kIpv4});
  ASSERT_TRUE(b);
  const auto received = b->receive();
  ASSERT_TRUE(received.has_value()) << received.error().message;
  EXPECT_FALSE(received->has_value());
}

TEST_F(VrrpSocketTest, Ipv4MulticastV2PassAdvertArrivesWithTtl255AndIsAccepted) {
  auto a = open_a({.family = Family::kIpv4});
  auto b = open_b({.family = Family::kIpv4});
  ASSERT_TRUE(a && b);
  Advert advert = make_advert(2, Family::kIpv4, {ip("198.18.0.100"), ip("198.18.0.101")});
  advert.auth_type = AuthType::kPass;
  advert.auth_data = make_auth_data("secret");
  const IpAddress group = vrrp_multicast_group(Family::kIpv4);
  const auto received = send_and_receive(*a, *b, advert, ip("198.18.0.1"), group);
  ASSERT_TRUE(received) << "no advert on B within 3 s";
  expect_ipv4_advert_accepted(*received, advert, group);
}

TEST_F(VrrpSocketTest, Ipv4MulticastV3AdvertArrivesWithTtl255AndIsAccepted) {
  auto a = open_a({.family = Family::kIpv4});
  auto b = open_b({.family = Family::kIpv4});
  ASSERT_TRUE(a && b);
  const Advert advert = make_advert(3, Family::kIpv4, {ip("198.18.0.100")});
  const IpAddress group = vrrp_multicast_group(Family::kIpv4);
  const auto received = send_and_receive(*a, *b, advert, ip("198.18.0.1"), group);
  ASSERT_TRUE(received) << "no advert on B within 3 s";
  expect_ipv4_advert_accepted(*received, advert, group);
}

TEST_F(VrrpSocketTest, Ipv6MulticastV3AdvertComesFromLinkLocalWithHopLimit255) {
  auto a = open_a({.family = Family::kIpv6});
  auto b = open_b({.family = Family::kIpv6});
  ASSERT_TRUE(a && b);
  const auto source = select_advert_source(Family::kIpv6, a_, std::nullopt);
  ASSERT_TRUE(source) << "A has no link-local address";
  ASSERT_TRUE(is_ipv6_link_local(*source));
  const Advert advert = make_advert(3, Family::kIpv6, {ip("2001:db8::100")});
  const IpAddress group = vrrp_multicast_group(Family::kIpv6);
  const auto received = send_and_receive(*a, *b, advert, *source, group);
  ASSERT_TRUE(received) << "no advert on B within 3 s";
  EXPECT_EQ(received->meta.family, Family::kIpv6);
  EXPECT_EQ(received->meta.source, *source);
  EXPECT_EQ(received->meta.destination, group);
  EXPECT_EQ(received->meta.ttl_or_hop_limit, 255);
  EXPECT_EQ(received->ifindex, b_.ifindex);
  // IPv6 raw sockets deliver the payload only: the packet is the VRRP message.
  const auto decoded = decode_advert(received->packet, received->meta);
  ASSERT_TRUE(decoded.has_value()) << to_string(decoded.error().reason);
  EXPECT_EQ(*decoded, advert);
  const auto checked = check_advert(*decoded, received->meta, view_for(advert));
  ASSERT_TRUE(checked.has_value()) << to_string(checked.error().reason);
}

TEST_F(VrrpSocketTest, Ipv4UnicastAdvertReachesThePeerAddress) {
  auto a = open_a({.family = Family::kIpv4, .unicast = true});
  auto b = open_b({.family = Family::kIpv4, .unicast = true});
  ASSERT_TRUE(a && b);
  const Advert advert = make_advert(3, Family::kIpv4, {ip("198.18.0.100")});
  const std::vector<config::UnicastPeer> peers = {{.address = ip("198.18.0.1")}};
  const auto received = send_and_receive(*a, *b, advert, ip("198.18.0.1"), ip("198.18.0.2"));
  ASSERT_TRUE(received) << "no advert on B within 3 s";
  expect_ipv4_advert_accepted(*received, advert, ip("198.18.0.2"), peers);
}

TEST_F(VrrpSocketTest, Ipv6UnicastAdvertCarriesTheConfiguredGlobalSource) {
  auto a = open_a({.family = Family::kIpv6, .unicast = true});
  auto b = open_b({.family = Family::kIpv6, .unicast = true});
  ASSERT_TRUE(a && b);
  const Advert advert = make_advert(3, Family::kIpv6, {ip("2001:db8::100")});
  const auto source = select_advert_source(Family::kIpv6, a_, ip("2001:db8::1"));  // unicast_src_ip
  const std::vector<config::UnicastPeer> peers = {{.address = ip("2001:db8::1")}};
  const auto received = send_and_receive(*a, *b, advert, *source, ip("2001:db8::2"));
  ASSERT_TRUE(received) << "no advert on B within 3 s";
  EXPECT_EQ(received->meta.source, ip("2001:db8::1"));
  EXPECT_EQ(received->meta.destination, ip("2001:db8::2"));
  EXPECT_EQ(received->meta.ttl_or_hop_limit, 255);
  const auto decoded = decode_advert(received->packet, received->meta);
  ASSERT_TRUE(decoded.has_value()) << to_string(decoded.error().reason);
  const auto checked = check_advert(*decoded, received->meta, view_for(advert, peers));
  ASSERT_TRUE(checked.has_value()) << to_string(checked.error().reason);
}

TEST_F(VrrpSocketTest, UnicastTtlOptionSetsTheTtlOfUnicastAdverts) {
  auto a = open_a({.family = Family::kIpv4, .unicast = true, .unicast_ttl = 64});
  auto b = open_b({.family = Family::kIpv4, .unicast = true});
  ASSERT_TRUE(a && b);
  const Advert advert = make_advert(3, Family::kIpv4, {ip("198.18.0.100")});
  const auto received = send_and_receive(*a, *b, advert, ip("198.18.0.1"), ip("198.18.0.2"));
  ASSERT_TRUE(received) << "no advert on B within 3 s";
  EXPECT_EQ(received->meta.ttl_or_hop_limit, 64);
}

TEST_F(VrrpSocketTest, AhAdvertSentWithHeaderIncludedVerifiesOnThePeer) {
  auto a = open_a({.family = Family::kIpv4, .for_ah = true});
  auto b = open_b({.family = Family::kIpv4, .for_ah = true});
  ASSERT_TRUE(a && b);
  Advert advert = make_advert(2, Family::kIpv4, {ip("198.18.0.100")});
  advert.auth_type = AuthType::kAh;
  const AuthData key = make_auth_data("ah-key");
  const IpAddress group = vrrp_multicast_group(Family::kIpv4);
  // A non-zero IP ID: with ID 0 (and DF clear) the kernel would pick one after the ICV
  // was computed over zero, and the peer's check would fail.
  const auto packet = encode_ah_advert_packet(
      advert, ip("198.18.0.1"), group,
      AhSendOptions{.key = key, .sequence = 1, .ip = {.identification = 7, .dont_fragment = false}});
  const IoResult<> sent = a->send(packet, ip("198.18.0.1"), group);
  ASSERT_TRUE(sent.has_value()) << sent.error().message;
  const auto received = receive_within(*b, 3s);
  ASSERT_TRUE(received) << "no AH advert on B within 3 s";
  EXPECT_EQ(received->meta.destination, group);
  EXPECT_EQ(received->meta.ttl_or_hop_limit, 255);
  const auto ah = verify_ah(received->packet, key, AhTtlHandling::kIncluded);
  ASSERT_TRUE(ah.has_value()) << to_string(ah.error().reason);
  EXPECT_EQ(ah->sequence, 1u);
}

TEST_F(VrrpSocketTest, OpeningOnAMissingInterfaceFailsWithALinkError) {
  const auto opened = in_netns(topology_->a(), [] {
    return AdvertSocket::open({.family = Family::kIpv4, .interface_name = "ksock-none", .ifindex = 999});
  });
  ASSERT_FALSE(opened.has_value());
  EXPECT_TRUE(is_link_error(opened.error())) << opened.error().message;
  EXPECT_NE(opened.error().message.find("ksock-none"), std::string::npos) << opened.error().message;
}

// The join does not need the link up: a socket opened while it is down (as at boot, or
// while the link monitor still reports it down) receives once it comes up.
TEST_F(VrrpSocketTest, SocketOpenedWhileLinkIsDownReceivesAfterLinkUp) {
  for (const Family family : {Family::kIpv4, Family::kIpv6}) {
    ASSERT_TRUE(topology_->set_link(topology_->b(), Topology::kVethB, false));
    auto opened = in_netns(topology_->b(), [&] {
      return AdvertSocket::open({.family = family, .interface_name = b_.name, .ifindex = b_.ifindex});
    });
    ASSERT_TRUE(opened.has_value()) << opened.error().message;
    ASSERT_TRUE(topology_->set_link(topology_->b(), Topology::kVethB, true));
    ASSERT_EQ(topology_->wait_for_link_local(), "");
    auto a = open_a({.family = family});
    ASSERT_TRUE(a);
    const IpAddress source = *select_advert_source(family, a_, std::nullopt);
    const Advert advert = make_advert(3, family, {family == Family::kIpv6 ? ip("2001:db8::100") : ip("198.18.0.100")});
    EXPECT_TRUE(send_and_receive(*a, **opened, advert, source, vrrp_multicast_group(family)))
        << "no advert within 3 s after link-up";
  }
}

// A link flap needs no new socket: the kernel keeps the membership across down/up. Only
// a recreated interface (new ifindex) needs a new AdvertSocket.
TEST_F(VrrpSocketTest, MembershipSurvivesLinkDownAndUp) {
  for (const Family family : {Family::kIpv4, Family::kIpv6}) {
    auto a = open_a({.family = family});
    auto b = open_b({.family = family});
    ASSERT_TRUE(a && b);
    ASSERT_TRUE(topology_->set_link(topology_->b(), Topology::kVethB, false));
    ASSERT_TRUE(topology_->set_link(topology_->b(), Topology::kVethB, true));
    ASSERT_EQ(topology_->wait_for_link_local(), "");
    const IpAddress source = *select_advert_source(family, a_, std::nullopt);
    const Advert advert = make_advert(3, family, {family == Family::kIpv6 ? ip("2001:db8::100") : ip("198.18.0.100")});
    EXPECT_TRUE(send_and_receive(*a, *b, advert, source, vrrp_multicast_group(family)))
        << "no advert within 3 s after the flap";
  }
}

// Down link: IPv4 has no route (ENETUNREACH), IPv6 lost its link-local source; both are
// errors to retry after link-up, and the message names the interface.
TEST_F(VrrpSocketTest, SendingOnADownLinkFailsWithALinkError) {
  for (const Family family : {Family::kIpv4, Family::kIpv6}) {
    auto a = open_a({.family = family});
    ASSERT_TRUE(a);
    const IpAddress source = *select_advert_source(family, a_, std::nullopt);
    const IpAddress group = vrrp_multicast_group(family);
    const Advert advert = make_advert(3, family, {family == Family::kIpv6 ? ip("2001:db8::100") : ip("198.18.0.100")});
    ASSERT_TRUE(topology_->set_link(topology_->a(), Topology::kVethA, false));
    const IoResult<> sent = a->send(encode_advert(advert, source, group), source, group);
    ASSERT_TRUE(topology_->set_link(topology_->a(), Topology::kVethA, true));
    ASSERT_EQ(topology_->wait_for_link_local(), "");
    ASSERT_FALSE(sent.has_value()) << "sent on a down link";
    EXPECT_TRUE(is_link_error(sent.error())) << sent.error().message;
    EXPECT_NE(sent.error().message.find(a_.name), std::string::npos) << sent.error().message;
  }
}

// The neighbour entry B holds for `address`, e.g. "198.18.0.100 dev ksock-b lladdr ... STALE".
std::string neighbour(const std::string& ns, const std::string& address) {
  return run("ip -n " + ns + " neigh show " + address + " dev " + Topology::kVethB).output;
}

class AnnouncerTest : public VrrpSocketTest {
 protected:
  // A stale entry with a wrong MAC, which a valid announcement with Override replaces
  // (RFC 5227 §2.3 / RFC 4861 §7.2.5): so the peer's kernel accepting it is observable.
  void seed_wrong_entry(const std::string& address) {
    ASSERT_EQ(run("ip -n " + topology_->b() + " neigh replace " + address + " lladdr 02:00:00:00:00:99 dev " + b_.name +
                  " nud stale")
                  .status,
              0);
  }
  std::unique_ptr<PacketAnnouncer> open_announcer() {
    auto opened = in_netns(topology_->a(), [] { return PacketAnnouncer::open({.ipv6_router_flag = false}); });
    EXPECT_TRUE(opened.has_value()) << (opened ? "" : opened.error().message);
    return opened ? std::move(*opened) : nullptr;
  }
  bool neighbour_becomes(const std::string& address, const MacAddress& mac) {
    return wait_until(3s, [&] { return neighbour(topology_->b(), address).find(to_string(mac)) != std::string::npos; });
  }
};

TEST_F(AnnouncerTest, GratuitousArpMovesPeerNeighbourEntryToTheSenderMac) {
  seed_wrong_entry("198.18.0.100");
  auto announcer = open_announcer();
  ASSERT_TRUE(announcer);
  const IoResult<> sent = announcer->announce(a_, ip("198.18.0.100"));
  ASSERT_TRUE(sent.has_value()) << sent.error().message;
  EXPECT_TRUE(neighbour_becomes("198.18.0.100", a_.mac))
      << "B's entry: " << neighbour(topology_->b(), "198.18.0.100") << "expected " << to_string(a_.mac);
}

TEST_F(AnnouncerTest, UnsolicitedNaMovesPeerNeighbourEntryToTheSenderMac) {
  seed_wrong_entry("2001:db8::100");
  auto announcer = open_announcer();
  ASSERT_TRUE(announcer);
  const IoResult<> sent = announcer->announce(a_, ip("2001:db8::100"));
  ASSERT_TRUE(sent.has_value()) << sent.error().message;
  EXPECT_TRUE(neighbour_becomes("2001:db8::100", a_.mac))
      << "B's entry: " << neighbour(topology_->b(), "2001:db8::100") << "expected " << to_string(a_.mac);
}

TEST_F(AnnouncerTest, AnnounceFromVirtualMacTeachesThePeerTheVirtualMac) {
  seed_wrong_entry("198.18.0.101");
  auto announcer = open_announcer();
  ASSERT_TRUE(announcer);
  const MacAddress vmac = virtual_mac(Family::kIpv4, 51);
  const IoResult<> sent = announcer->announce_from(a_, ip("198.18.0.101"), vmac);
  ASSERT_TRUE(sent.has_value()) << sent.error().message;
  EXPECT_TRUE(neighbour_becomes("198.18.0.101", vmac))
      << "B's entry: " << neighbour(topology_->b(), "198.18.0.101") << "expected " << to_string(vmac);
}

TEST_F(AnnouncerTest, GratuitousArpFrameOnTheWireIsTheBuiltFrame) {
  // Listen for ARP in B before sending, so the frame cannot be missed.
  const int listener = in_netns(
      topology_->b(), [] { return ::socket(AF_PACKET, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC, htons(ETH_P_ARP)); });
  ASSERT_GE(listener, 0) << std::strerror(errno);
  sockaddr_ll bind_to{.sll_family = AF_PACKET, .sll_protocol = htons(ETH_P_ARP), .sll_ifindex = b_.ifindex};
  ASSERT_EQ(::bind(listener, reinterpret_cast<sockaddr*>(&bind_to), sizeof bind_to), 0) << std::strerror(errno);
  auto announcer = open_announcer();
  ASSERT_TRUE(announcer);
  ASSERT_TRUE(announcer->announce(a_, ip("198.18.0.100")).has_value());
  const std::vector<std::byte> expected = build_gratuitous_arp(a_.mac, ip("198.18.0.100"));
  bool seen = false;
  const auto deadline = Clock::now() + 3s;
  while (!seen && Clock::now() < deadline) {
    pollfd watch{.fd = listener, .events = POLLIN, .revents = 0};
    ::poll(&watch, 1, 100);
    std::array<std::byte, 1600> frame;
    const ssize_t length = ::recv(listener, frame.data(), frame.size(), MSG_DONTWAIT);
    // veth passes the 42-octet frame as is; a NIC would pad it to 60.
    if (length >= static_cast<ssize_t>(expected.size()))
      seen = std::equal(expected.begin(), expected.end(), frame.begin());
  }
  ::close(listener);
  EXPECT_TRUE(seen) << "the gratuitous ARP did not reach B within 3 s";
}

// tshark as an independent decoder of what AdvertSocket puts on the wire.
class TsharkTest : public VrrpSocketTest {
 protected:
  void SetUp() override {
    VrrpSocketTest::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    if (run("tshark --version").status != 0) GTEST_SKIP() << "tshark not installed (apt-get install tshark)";
    char pattern[] = "/tmp/keelsock-tshark-XXXXXX";
    ASSERT_NE(::mkdtemp(pattern), nullptr);
    directory_ = pattern;
  }
  void TearDown() override {
    stop_capture();
    if (!directory_.empty()) std::filesystem::remove_all(directory_);
    VrrpSocketTest::TearDown();
  }

  // Starts `ip netns exec B tshark ...` (ip execs tshark: the PID is tshark's) and waits
  // until it reports that it is capturing.
  bool start_capture(int packets) {
    capture_ = directory_ + "/adverts.pcapng";
    log_ = directory_ + "/tshark.log";
    const std::string count = std::to_string(packets);
    std::vector<std::string> args = {"ip",
                                     "netns",
                                     "exec",
                                     topology_->b(),
                                     "tshark",
                                     "-i",
                                     b_.name,
                                     "-c",
                                     count,
                                     "-a",
                                     "duration:5",
                                     "-f",
                                     "ip proto 112 or ip6 proto 112",
                                     "-w",
                                     capture_};
    std::vector<char*> argv;
    for (std::string& arg : args) argv.push_back(arg.data());
    argv.push_back(nullptr);
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, 1, log_.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    posix_spawn_file_actions_adddup2(&actions, 1, 2);
    const int spawned = ::posix_spawnp(&pid_, "ip", &actions, nullptr, argv.data(), environ);
    posix_spawn_file_actions_destroy(&actions);
    if (spawned != 0) return false;
    return wait_until(10s, [&] { return read_file(log_).find("Capture started") != std::string::npos; });
  }

  // Waits (bounded) for tshark to end by itself; kills it by PID if it does not.
  void stop_capture() {
    if (pid_ <= 0) return;
    int status = 0;
    if (!wait_until(10s, [&] { return ::waitpid(pid_, &status, WNOHANG) == pid_; })) {
      ::kill(pid_, SIGTERM);
      if (!wait_until(3s, [&] { return ::waitpid(pid_, &status, WNOHANG) == pid_; })) {
        ::kill(pid_, SIGKILL);
        ::waitpid(pid_, &status, 0);
      }
    }
    pid_ = -1;
  }

  static std::string read_file(const std::string& path) {
    std::ifstream in(path);
    std::stringstream text;
    text << in.rdbuf();
    return text.str();
  }

  static int count(const std::string& text, const std::string& needle) {
    int found = 0;
    for (auto at = text.find(needle); at != std::string::npos; at = text.find(needle, at + 1)) ++found;
    return found;
  }

  std::string directory_;
  std::string capture_;
  std::string log_;
  pid_t pid_ = -1;
};

TEST_F(TsharkTest, TsharkDecodesV2PassV3Ipv4AndV3Ipv6AdvertsWithCorrectChecksums) {
  auto a4 = open_a({.family = Family::kIpv4});
  auto a6 = open_a({.family = Family::kIpv6});
  ASSERT_TRUE(a4 && a6);
  ASSERT_TRUE(start_capture(3)) << "tshark did not start capturing within 10 s: " << read_file(log_);

  Advert v2 = make_advert(2, Family::kIpv4, {ip("198.18.0.100")});
  v2.auth_type = AuthType::kPass;
  v2.auth_data = make_auth_data("secret");
  const Advert v3 = make_advert(3, Family::kIpv4, {ip("198.18.0.100")});
  const Advert v3_ipv6 = make_advert(3, Family::kIpv6, {ip("2001:db8::100")});
  const IpAddress group4 = vrrp_multicast_group(Family::kIpv4);
  const IpAddress group6 = vrrp_multicast_group(Family::kIpv6);
  const IpAddress link_local = *select_advert_source(Family::kIpv6, a_, std::nullopt);
  struct Send {
    AdvertSocket* socket;
    const Advert* advert;
    IpAddress source;
    IpAddress group;
  };
  for (const Send& send : {Send{a4.get(), &v2, ip("198.18.0.1"), group4}, Send{a4.get(), &v3, ip("198.18.0.1"), group4},
                           Send{a6.get(), &v3_ipv6, link_local, group6}}) {
    const auto message = encode_advert(*send.advert, send.source, send.group);
    const IoResult<> sent = send.socket->send(message, send.source, send.group);
    ASSERT_TRUE(sent.has_value()) << sent.error().message;
  }
  stop_capture();

  const CommandResult decoded = run("tshark -r " + capture_ + " -V");
  ASSERT_EQ(decoded.status, 0) << decoded.output;
  EXPECT_EQ(count(decoded.output, "\nVirtual Router Redundancy Protocol"), 3) << decoded.output;
  EXPECT_EQ(count(decoded.output, "[correct]"), 3) << decoded.output;
  EXPECT_EQ(count(decoded.output, "[Checksum Status: Good]"), 3) << decoded.output;
  // The IP layer as keepalived sends it: TTL / hop limit 255, CS6, DF clear.
  EXPECT_EQ(count(decoded.output, "Time to Live: 255"), 2) << decoded.output;
  EXPECT_EQ(count(decoded.output, "Hop Limit: 255"), 1) << decoded.output;
  EXPECT_EQ(count(decoded.output, "(DSCP: CS6, ECN: Not-ECT)"), 3) << decoded.output;
  EXPECT_EQ(count(decoded.output, "Don't fragment: Not set"), 2) << decoded.output;
  EXPECT_EQ(count(decoded.output, "incorrect"), 0) << decoded.output;
  EXPECT_EQ(count(decoded.output, "Bad"), 0) << decoded.output;
  EXPECT_NE(decoded.output.find("Authentication String: secret"), std::string::npos) << decoded.output;
}

}  // namespace
}  // namespace keel::vrrp

// The netlink adapters (vrrp/io/netlink_*) against the real kernel: each test gets its own
// network namespace keelnl-<pid> holding a veth pair, opens the adapters inside it (the
// sockets stay there) and checks the result with `ip -n NAME -j ...`. Only 198.18.0.0/15
// and 2001:db8::/32; nothing outside the namespace is touched. Needs root.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <poll.h>
#include <sched.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <functional>
#include <string>
#include <vector>

#include "config/model_vrrp.h"
#include "vrrp/io/netlink_links.h"
#include "vrrp/io/netlink_programmer.h"

namespace keel::vrrp {
namespace {

using namespace std::chrono_literals;

struct Command {
  int status = -1;
  std::string output;  // stdout and stderr
};

Command run(const std::string& command) {
  Command result;
  FILE* pipe = popen((command + " 2>&1").c_str(), "r");
  if (pipe == nullptr) return result;
  char buffer[4096];
  while (std::size_t n = fread(buffer, 1, sizeof(buffer), pipe)) result.output.append(buffer, n);
  result.status = pclose(pipe);
  return result;
}

// Flattens `ip -j` output to one line of "key=value" words per object (or per element of
// the array `explode` inside each object), nested keys joined with '.'.
constexpr const char* kFlatten = R"PY(
import json, sys
explode = sys.argv[1] if len(sys.argv) > 1 else ""
def flat(prefix, value, out):
    if isinstance(value, dict):
        for key, item in value.items(): flat(prefix + key + ".", item, out)
    elif isinstance(value, list):
        for index, item in enumerate(value): flat(prefix + str(index) + ".", item, out)
    else:
        # ip -j writes flags such as "not" as null: present means set.
        text = "true" if value is None else str(value).lower() if isinstance(value, bool) else str(value)
        out.append(prefix[:-1] + "=" + text)
for entry in json.load(sys.stdin):
    for item in (entry.get(explode, []) if explode else [entry]):
        words = []
        flat("", item, words)
        print(" ".join(words))
)PY";

// Creates the namespace and deletes it (and everything in it) on destruction.
class TestNamespace {
 public:
  explicit TestNamespace(std::string name) : name_(std::move(name)) {
    run("ip netns del " + name_);  // left over by a crashed run with the same pid
    created_ = run("ip netns add " + name_).status == 0;
  }
  ~TestNamespace() {
    if (created_) run("ip netns del " + name_);
  }
  TestNamespace(const TestNamespace&) = delete;
  TestNamespace& operator=(const TestNamespace&) = delete;

  bool created() const { return created_; }
  const std::string& name() const { return name_; }

  // `ip -n NAME ARGS`, failing the test when it fails.
  void ip(const std::string& args) const {
    const Command command = run("ip -n " + name_ + " " + args);
    ASSERT_EQ(command.status, 0) << "ip " << args << ": " << command.output;
  }
  // `ip -n NAME -j ARGS`, flattened by kFlatten.
  std::vector<std::string> show(const std::string& args, const std::string& explode = "") const {
    const Command command = run("ip -n " + name_ + " -j " + args + " | python3 -c '" + kFlatten + "' " + explode);
    std::vector<std::string> lines;
    std::size_t start = 0;
    while (start < command.output.size()) {
      const std::size_t end = command.output.find('\n', start);
      lines.push_back(command.output.substr(start, end - start));
      if (end == std::string::npos) break;
      start = end + 1;
    }
    return lines;
  }

 private:
  std::string name_;
  bool created_ = false;
};

// Moves the calling thread into a namespace until destroyed. Netlink sockets opened
// meanwhile stay in that namespace after the thread has returned.
class InNamespace {
 public:
  explicit InNamespace(const std::string& name) : original_(::open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC)) {
    const int target = ::open(("/run/netns/" + name).c_str(), O_RDONLY | O_CLOEXEC);
    entered_ = original_ >= 0 && target >= 0 && setns(target, CLONE_NEWNET) == 0;
    if (target >= 0) close(target);
  }
  ~InNamespace() {
    if (entered_) setns(original_, CLONE_NEWNET);
    if (original_ >= 0) close(original_);
  }
  InNamespace(const InNamespace&) = delete;
  InNamespace& operator=(const InNamespace&) = delete;
  bool entered() const { return entered_; }

 private:
  int original_;
  bool entered_ = false;
};

// The line for which every word in `words` is present, or "" when none matches.
std::string find_line(const std::vector<std::string>& lines, const std::vector<std::string>& words) {
  for (const auto& line : lines) {
    const std::string padded = " " + line + " ";
    bool all = true;
    for (const auto& word : words) all = all && padded.find(" " + word + " ") != std::string::npos;
    if (all) return line;
  }
  return {};
}

std::string joined(const std::vector<std::string>& lines) {
  std::string text;
  for (const auto& line : lines) text += line + "\n";
  return text;
}

config::IpPrefix prefix(const char* text) { return *config::IpPrefix::parse(text); }
config::IpAddress address(const char* text) { return *config::IpAddress::parse(text); }

class VrrpNetlinkTest : public testing::Test {
 protected:
  void SetUp() override {
    if (geteuid() != 0) GTEST_SKIP() << "needs root: creates network namespace keelnl-<pid> with a veth pair";
    if (run("command -v ip && command -v python3").status != 0) GTEST_SKIP() << "needs ip(8) and python3";
    namespace_ = std::make_unique<TestNamespace>("keelnl-" + std::to_string(getpid()));
    ASSERT_TRUE(namespace_->created()) << "ip netns add " << namespace_->name();
    ASSERT_NO_FATAL_FAILURE(namespace_->ip("link add veth0 type veth peer name veth1"));
    ASSERT_NO_FATAL_FAILURE(namespace_->ip("addr add 198.18.0.1/24 dev veth0"));
    ASSERT_NO_FATAL_FAILURE(namespace_->ip("addr add 2001:db8::1/64 dev veth0 nodad"));
    ASSERT_NO_FATAL_FAILURE(namespace_->ip("addr add 198.18.0.2/24 dev veth1"));
    ASSERT_NO_FATAL_FAILURE(namespace_->ip("link set veth0 up"));
    ASSERT_NO_FATAL_FAILURE(namespace_->ip("link set veth1 up"));

    InNamespace inside{namespace_->name()};
    ASSERT_TRUE(inside.entered()) << "setns into " << namespace_->name();
    auto programmer = NetlinkAddressProgrammer::open();
    ASSERT_TRUE(programmer) << programmer.error().message;
    programmer_ = std::move(*programmer);
  }

  // Opens a link monitor inside the namespace that records every report.
  void open_monitor(const NetlinkLinkMonitorOptions& options = {}) {
    InNamespace inside{namespace_->name()};
    ASSERT_TRUE(inside.entered());
    auto monitor = NetlinkLinkMonitor::open(options);
    ASSERT_TRUE(monitor) << monitor.error().message;
    monitor_ = std::move(*monitor);
    monitor_->on_change([this](const InterfaceInfo& now, bool removed) { reports_.push_back({now, removed}); });
  }

  // Processes events until `done` holds, waiting on the monitor's fd at most 5 s in all.
  bool wait_for(const std::function<bool()>& done) {
    const auto deadline = std::chrono::steady_clock::now() + 5s;
    while (!done()) {
      const auto left =
          std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
      if (left <= 0ms) return false;
      pollfd watch{.fd = monitor_->fd(), .events = POLLIN, .revents = 0};
      poll(&watch, 1, static_cast<int>(left.count()));
      if (auto processed = monitor_->process_events(); !processed) ADD_FAILURE() << processed.error().message;
    }
    return true;
  }

  bool reported(const std::string& name, const std::function<bool(const InterfaceInfo&, bool removed)>& match) const {
    for (const auto& report : reports_)
      if (report.interface.name == name && match(report.interface, report.removed)) return true;
    return false;
  }

  struct Report {
    InterfaceInfo interface;
    bool removed = false;
  };

  std::unique_ptr<TestNamespace> namespace_;  // deleted last: the adapters' sockets go first
  std::unique_ptr<NetlinkAddressProgrammer> programmer_;
  std::unique_ptr<NetlinkLinkMonitor> monitor_;
  std::vector<Report> reports_;
};

config::AddressSpec vip(const char* text) {
  config::AddressSpec spec;
  spec.prefix = prefix(text);
  return spec;
}

// ---- addresses ---------------------------------------------------------------------------

TEST_F(VrrpNetlinkTest, VipWithLabelAndPrefixIsAddedAndRemoved) {
  auto spec = vip("198.18.0.100/24");
  spec.label = "veth0:vip";
  spec.broadcast_auto = config::AddressSpec::BroadcastAuto::kSetHostBits;
  ASSERT_TRUE(programmer_->add_address(spec, "veth0")) << programmer_->add_address(spec, "veth0").error().message;
  const auto added = namespace_->show("addr show dev veth0", "addr_info");
  EXPECT_NE(find_line(added, {"local=198.18.0.100", "prefixlen=24", "label=veth0:vip", "broadcast=198.18.0.255"}), "")
      << joined(added);
  EXPECT_EQ(run("ip -j addr show | grep -c 198.18.0.100").output, "0\n") << "the host must not see the VIP";

  auto removed = programmer_->remove_address(spec, "veth0");
  ASSERT_TRUE(removed) << removed.error().message;
  EXPECT_EQ(find_line(namespace_->show("addr show dev veth0", "addr_info"), {"local=198.18.0.100"}), "");
}

TEST_F(VrrpNetlinkTest, AddingTheSameVipTwiceSucceedsAndLeavesOneAddress) {
  auto spec = vip("198.18.0.101/24");
  spec.device = "veth0";
  ASSERT_TRUE(programmer_->add_address(spec, ""));
  auto again = programmer_->add_address(spec, "");
  EXPECT_TRUE(again) << again.error().message;
  int count = 0;
  for (const auto& line : namespace_->show("addr show dev veth0", "addr_info"))
    count += line.find("local=198.18.0.101 ") != std::string::npos;
  EXPECT_EQ(count, 1);
}

TEST_F(VrrpNetlinkTest, AddingAVipPresentWithAnotherLabelFailsAndSaysSo) {
  ASSERT_NO_FATAL_FAILURE(namespace_->ip("addr add 198.18.0.102/24 dev veth0 label veth0:old"));
  auto spec = vip("198.18.0.102/24");
  spec.label = "veth0:new";
  auto added = programmer_->add_address(spec, "veth0");
  ASSERT_FALSE(added);
  EXPECT_EQ(added.error().error_number, EEXIST);
  EXPECT_NE(added.error().message.find("label veth0:old"), std::string::npos) << added.error().message;
}

TEST_F(VrrpNetlinkTest, RemovingAnAbsentVipSucceeds) {
  EXPECT_TRUE(programmer_->remove_address(vip("198.18.0.103/24"), "veth0"));
  EXPECT_TRUE(programmer_->remove_address(vip("198.18.0.103/24"), "gone0")) << "its interface is gone too";
}

TEST_F(VrrpNetlinkTest, Ipv6VipIsAddedWithoutDuplicateAddressDetection) {
  auto spec = vip("2001:db8::100/64");
  spec.no_dad = true;
  spec.preferred_lft = 0;
  auto added = programmer_->add_address(spec, "veth0");
  ASSERT_TRUE(added) << added.error().message;
  const auto lines = namespace_->show("-6 addr show dev veth0", "addr_info");
  const std::string line = find_line(lines, {"local=2001:db8::100", "prefixlen=64", "nodad=true"});
  EXPECT_NE(line, "") << joined(lines);
  EXPECT_NE(line.find("preferred_life_time=0"), std::string::npos) << line;
  EXPECT_EQ(line.find("tentative"), std::string::npos) << line;
  EXPECT_TRUE(programmer_->remove_address(spec, "veth0"));
}

TEST_F(VrrpNetlinkTest, Ipv6VipSkipsDuplicateAddressDetectionByDefault) {
  // As keepalived: a new master's IPv6 VIP must answer at once, not after a DAD round.
  auto spec = vip("2001:db8::101/64");
  auto added = programmer_->add_address(spec, "veth0");
  ASSERT_TRUE(added) << added.error().message;
  const auto lines = namespace_->show("-6 addr show dev veth0", "addr_info");
  const std::string line = find_line(lines, {"local=2001:db8::101", "prefixlen=64", "nodad=true"});
  EXPECT_NE(line, "") << joined(lines);
  EXPECT_EQ(line.find("tentative"), std::string::npos) << line;
  EXPECT_TRUE(programmer_->remove_address(spec, "veth0"));
}

TEST_F(VrrpNetlinkTest, Ipv6HostVipIsDeprecatedUnlessPreferredLftIsGiven) {
  // As keepalived: a /128 VIP is never picked as a source address (preferred_lft 0).
  auto host = vip("2001:db8::102/128");
  ASSERT_TRUE(programmer_->add_address(host, "veth0"));
  auto forever = vip("2001:db8::103/128");
  forever.preferred_lft_forever = true;
  ASSERT_TRUE(programmer_->add_address(forever, "veth0"));
  const auto lines = namespace_->show("-6 addr show dev veth0", "addr_info");
  const std::string deprecated = find_line(lines, {"local=2001:db8::102", "prefixlen=128"});
  EXPECT_NE(deprecated.find("preferred_life_time=0"), std::string::npos) << joined(lines);
  const std::string preferred = find_line(lines, {"local=2001:db8::103", "prefixlen=128"});
  EXPECT_NE(preferred, "") << joined(lines);
  EXPECT_EQ(preferred.find("preferred_life_time=0"), std::string::npos) << preferred;
  EXPECT_TRUE(programmer_->remove_address(host, "veth0"));
  EXPECT_TRUE(programmer_->remove_address(forever, "veth0"));
}

TEST_F(VrrpNetlinkTest, VipOnAMissingDeviceFailsNamingTheDevice) {
  auto added = programmer_->add_address(vip("198.18.0.104/24"), "nosuch0");
  ASSERT_FALSE(added);
  EXPECT_EQ(added.error().message, "add 198.18.0.104/24 dev nosuch0: No such device");
  EXPECT_EQ(added.error().error_number, ENODEV);
}

// ---- routes ------------------------------------------------------------------------------

TEST_F(VrrpNetlinkTest, RouteViaAGatewayIsAddedToItsTableTaggedKeepalivedAndRemoved) {
  config::RouteSpec spec;
  spec.destination = prefix("198.18.1.0/24");
  spec.via = address("198.18.0.2");
  spec.device = "veth0";
  spec.table = "100";
  spec.metric = 7;
  spec.mtu = 1400;
  spec.metrics = {{"advmss", "1360"}};
  auto added = programmer_->add_route(spec);
  ASSERT_TRUE(added) << added.error().message;
  const auto lines = namespace_->show("route show table 100");
  EXPECT_NE(find_line(lines, {"dst=198.18.1.0/24", "gateway=198.18.0.2", "dev=veth0", "protocol=keepalived", "metric=7",
                              "metrics.0.mtu=1400", "metrics.0.advmss=1360"}),
            "")
      << joined(lines);
  EXPECT_TRUE(programmer_->add_route(spec)) << "adding the identical route again";

  auto removed = programmer_->remove_route(spec);
  ASSERT_TRUE(removed) << removed.error().message;
  EXPECT_EQ(find_line(namespace_->show("route show table 100"), {"dst=198.18.1.0/24"}), "");
  EXPECT_TRUE(programmer_->remove_route(spec)) << "removing an absent route";
}

TEST_F(VrrpNetlinkTest, BlackholeRouteIsAdded) {
  config::RouteSpec spec;
  spec.type = config::RouteType::kBlackhole;
  spec.destination = prefix("198.18.2.0/24");
  spec.table = "main";
  auto added = programmer_->add_route(spec);
  ASSERT_TRUE(added) << added.error().message;
  const auto lines = namespace_->show("route show table main");
  EXPECT_NE(find_line(lines, {"type=blackhole", "dst=198.18.2.0/24", "protocol=keepalived"}), "") << joined(lines);
  EXPECT_TRUE(programmer_->remove_route(spec));
}

TEST_F(VrrpNetlinkTest, MultipathRouteKeepsItsWeights) {
  ASSERT_NO_FATAL_FAILURE(namespace_->ip("addr add 198.18.0.3/24 dev veth1"));
  config::RouteSpec spec;
  spec.destination = prefix("198.18.3.0/24");
  spec.table = "101";
  spec.nexthops = {config::Nexthop{.via = address("198.18.0.2"), .device = "veth0", .weight = 1, .onlink = false},
                   config::Nexthop{.via = address("198.18.0.3"), .device = "veth0", .weight = 3, .onlink = false}};
  auto added = programmer_->add_route(spec);
  ASSERT_TRUE(added) << added.error().message;
  const auto lines = namespace_->show("route show table 101");
  EXPECT_NE(find_line(lines, {"dst=198.18.3.0/24", "nexthops.0.gateway=198.18.0.2", "nexthops.0.weight=1",
                              "nexthops.1.gateway=198.18.0.3", "nexthops.1.weight=3"}),
            "")
      << joined(lines);
  EXPECT_TRUE(programmer_->remove_route(spec));
}

TEST_F(VrrpNetlinkTest, Ipv6RouteViaAGatewayIsAdded) {
  config::RouteSpec spec;
  spec.destination = prefix("2001:db8:1::/64");
  spec.via = address("2001:db8::2");
  spec.device = "veth0";
  auto added = programmer_->add_route(spec);
  ASSERT_TRUE(added) << added.error().message;
  const auto lines = namespace_->show("-6 route show");
  EXPECT_NE(find_line(lines, {"dst=2001:db8:1::/64", "gateway=2001:db8::2", "protocol=keepalived"}), "")
      << joined(lines);
  EXPECT_TRUE(programmer_->remove_route(spec));
}

TEST_F(VrrpNetlinkTest, RouteErrorsNameTheRouteAndTheKernelsReason) {
  config::RouteSpec missing_device;
  missing_device.destination = prefix("198.18.4.0/24");
  missing_device.device = "nosuch0";
  auto added = programmer_->add_route(missing_device);
  ASSERT_FALSE(added);
  EXPECT_EQ(added.error().message, "add route 198.18.4.0/24 dev nosuch0: No such device");

  config::RouteSpec unreachable_gateway;
  unreachable_gateway.destination = prefix("198.18.5.0/24");
  unreachable_gateway.via = address("198.19.99.1");
  unreachable_gateway.device = "veth0";
  added = programmer_->add_route(unreachable_gateway);
  ASSERT_FALSE(added);
  EXPECT_EQ(added.error().message.rfind("add route 198.18.5.0/24 via 198.19.99.1 dev veth0: ", 0), 0)
      << added.error().message;
  EXPECT_EQ(added.error().error_number, ENETUNREACH) << added.error().message;

  config::RouteSpec unknown_table;
  unknown_table.destination = prefix("198.18.6.0/24");
  unknown_table.device = "veth0";
  unknown_table.table = "no-such-table";
  added = programmer_->add_route(unknown_table);
  ASSERT_FALSE(added);
  EXPECT_NE(added.error().message.find("unknown table 'no-such-table'"), std::string::npos) << added.error().message;
}

// ---- rules -------------------------------------------------------------------------------

TEST_F(VrrpNetlinkTest, RuleFromAPrefixToATableWithPreferenceIsAddedOnceAndRemoved) {
  config::RuleSpec spec;
  spec.from = prefix("198.18.7.0/24");
  spec.table = "100";
  spec.preference = 1000;
  auto added = programmer_->add_rule(spec);
  ASSERT_TRUE(added) << added.error().message;
  EXPECT_TRUE(programmer_->add_rule(spec)) << "adding the identical rule again";
  const auto lines = namespace_->show("rule show");
  EXPECT_NE(find_line(lines, {"priority=1000", "src=198.18.7.0", "srclen=24", "table=100", "protocol=keepalived"}), "")
      << joined(lines);
  int count = 0;
  for (const auto& line : lines) count += line.find("src=198.18.7.0 ") != std::string::npos;
  EXPECT_EQ(count, 1);

  auto removed = programmer_->remove_rule(spec);
  ASSERT_TRUE(removed) << removed.error().message;
  EXPECT_EQ(find_line(namespace_->show("rule show"), {"src=198.18.7.0"}), "");
  EXPECT_TRUE(programmer_->remove_rule(spec)) << "removing an absent rule";
}

TEST_F(VrrpNetlinkTest, InvertedIpv6RuleWithFwmarkIsAdded) {
  config::RuleSpec spec;
  spec.to = prefix("2001:db8:2::/64");
  spec.fwmark = 0x10;
  spec.fwmask = 0xff;
  spec.invert = true;
  spec.table = "102";
  spec.preference = 1001;
  auto added = programmer_->add_rule(spec);
  ASSERT_TRUE(added) << added.error().message;
  const auto lines = namespace_->show("-6 rule show");
  EXPECT_NE(
      find_line(lines, {"priority=1001", "not=true", "dst=2001:db8:2::", "dstlen=64", "fwmark=0x10", "fwmask=0xff"}),
      "")
      << joined(lines);
  EXPECT_TRUE(programmer_->remove_rule(spec));
}

// ---- link monitor ------------------------------------------------------------------------

TEST_F(VrrpNetlinkTest, LinkMonitorSeesTheVethWithItsMacAndAddresses) {
  ASSERT_NO_FATAL_FAILURE(open_monitor());
  const auto veth0 = monitor_->find("veth0");
  ASSERT_TRUE(veth0);
  EXPECT_GT(veth0->ifindex, 0);
  const auto links = namespace_->show("link show dev veth0");
  char mac[18];
  std::snprintf(mac, sizeof(mac), "%02x:%02x:%02x:%02x:%02x:%02x", veth0->mac[0], veth0->mac[1], veth0->mac[2],
                veth0->mac[3], veth0->mac[4], veth0->mac[5]);
  EXPECT_NE(find_line(links, {"address=" + std::string{mac}, "ifindex=" + std::to_string(veth0->ifindex)}), "")
      << joined(links);
  const auto has = [&](const char* text) {
    const auto now = monitor_->find("veth0");
    return now && std::ranges::count(now->addresses, prefix(text)) == 1;
  };
  EXPECT_TRUE(has("198.18.0.1/24"));
  EXPECT_TRUE(has("2001:db8::1/64"));

  // A VIP added later arrives as a notification.
  ASSERT_TRUE(programmer_->add_address(vip("198.18.0.110/24"), "veth0"));
  EXPECT_TRUE(wait_for([&] { return has("198.18.0.110/24"); }));
  ASSERT_TRUE(programmer_->remove_address(vip("198.18.0.110/24"), "veth0"));
  EXPECT_TRUE(wait_for([&] { return !has("198.18.0.110/24"); }));
}

TEST_F(VrrpNetlinkTest, LinkMonitorReportsDownThenUp) {
  ASSERT_NO_FATAL_FAILURE(open_monitor());
  ASSERT_NO_FATAL_FAILURE(namespace_->ip("link add mon0 type veth peer name mon1"));
  EXPECT_TRUE(
      wait_for([&] { return reported("mon0", [](const auto& i, bool removed) { return !removed && !i.up; }); }));
  ASSERT_TRUE(monitor_->find("mon0"));
  EXPECT_FALSE(monitor_->find("mon0")->up);

  // A veth has carrier (IFF_RUNNING) only once both ends are up.
  ASSERT_NO_FATAL_FAILURE(namespace_->ip("link set mon0 up"));
  ASSERT_NO_FATAL_FAILURE(namespace_->ip("link set mon1 up"));
  EXPECT_TRUE(wait_for([&] { return reported("mon0", [](const auto& i, bool removed) { return !removed && i.up; }); }));
  EXPECT_TRUE(monitor_->find("mon0")->up);

  ASSERT_NO_FATAL_FAILURE(namespace_->ip("link set mon1 down"));
  EXPECT_TRUE(wait_for([&] { return !monitor_->find("mon0")->up; })) << "carrier lost with the peer";
}

TEST_F(VrrpNetlinkTest, LinkMonitorReportsRemovalAndARecreatedInterfaceWithItsNewIfindex) {
  ASSERT_NO_FATAL_FAILURE(namespace_->ip("link add mon0 type veth peer name mon1"));
  ASSERT_NO_FATAL_FAILURE(open_monitor());
  const auto before = monitor_->find("mon0");
  ASSERT_TRUE(before);

  ASSERT_NO_FATAL_FAILURE(namespace_->ip("link del mon0"));
  EXPECT_TRUE(wait_for([&] { return reported("mon0", [](const auto&, bool removed) { return removed; }); }));
  EXPECT_FALSE(monitor_->find("mon0"));

  reports_.clear();
  ASSERT_NO_FATAL_FAILURE(namespace_->ip("link add mon0 type veth peer name mon1"));
  EXPECT_TRUE(wait_for([&] { return monitor_->find("mon0").has_value(); }));
  const auto after = monitor_->find("mon0");
  ASSERT_TRUE(after);
  EXPECT_NE(after->ifindex, before->ifindex);
  EXPECT_TRUE(reported("mon0", [&](const auto& i, bool removed) { return !removed && i.ifindex == after->ifindex; }));
}

TEST_F(VrrpNetlinkTest, LinkMonitorRebuildsItsViewAfterTheKernelDroppedNotifications) {
  // A tiny receive buffer overflows after a few notifications (ENOBUFS).
  ASSERT_NO_FATAL_FAILURE(open_monitor({.receive_buffer_bytes = 1}));
  std::string batch;
  for (int i = 1; i <= 200; ++i) batch += "addr add 198.19.0." + std::to_string(i) + "/32 dev veth1\n";
  const Command added = run("printf '" + batch + "' | ip -n " + namespace_->name() + " -batch -");
  ASSERT_EQ(added.status, 0) << added.output;

  EXPECT_TRUE(wait_for([&] {
    const auto veth1 = monitor_->find("veth1");
    return veth1 && std::ranges::count(veth1->addresses, prefix("198.19.0.200/32")) == 1 &&
           veth1->addresses.size() >= 201;
  }));
  EXPECT_GE(monitor_->resyncs(), 1U);
}

}  // namespace
}  // namespace keel::vrrp

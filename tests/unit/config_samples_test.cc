// Every sample that Debian's keepalived ships is understood: no errors except the
// samples' own real defects, which are reported with their lines; and the values
// that matter land in the model.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <map>

#include "tests/unit/config_test_util.h"

namespace keel::config {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;

const std::filesystem::path kSamples{KEEL_SAMPLES_DIR};

#define SKIP_WITHOUT_SAMPLES()                                       \
  if (!std::filesystem::exists(kSamples / "keepalived.conf.sample")) \
  GTEST_SKIP() << "keepalived samples not installed at " << kSamples << " (tools/setup-deps installs them)"

LoadResult load_sample(std::string_view name, std::string config_id = "keel-test") {
  return load_config_file(kSamples / name, ReadOptions{.config_id = std::move(config_id)});
}

// "LINE: severity: message", without the sample's path.
std::vector<std::string> located(const LoadResult& result, Severity severity) {
  std::vector<std::string> out;
  for (const auto& diagnostic : result.diagnostics.all())
    if (diagnostic.severity == severity)
      out.push_back(std::to_string(diagnostic.location.line) + ": " + diagnostic.message);
  return out;
}

// The samples' real defects, by file (all other samples must have no error).
const std::map<std::string, std::vector<std::string>>& known_defects() {
  static const std::map<std::string, std::vector<std::string>> defects{
      {"keepalived.conf.vrrp.rules",
       {"11: 'static_rules' has an invalid address '192.168.100./24'",
        "26: 'virtual_rules' has an invalid address '192.168.200./24'"}},
      {"keepalived.conf.vrrp.lvs_syncd",
       {"4: 'VI_2' in vrrp_sync_group VG1 is not a keyword; list member instances inside 'group { }'",
        "5: 'VI_3' in vrrp_sync_group VG1 is not a keyword; list member instances inside 'group { }'",
        "3: vrrp_sync_group VG1 has no member instances in 'group { }'"}},
  };
  return defects;
}

TEST(Samples, EverySampleParsesWithOnlyItsKnownDefectsAsErrors) {
  SKIP_WITHOUT_SAMPLES();
  int checked = 0;
  for (const auto& entry : std::filesystem::directory_iterator(kSamples)) {
    const std::string name = entry.path().filename().string();
    if (!name.starts_with("keepalived.conf.")) continue;
    // conditional_conf needs an id; it is checked with "high" and "low" below.
    const auto result = name == "keepalived.conf.conditional_conf" ? load_sample(name, "high") : load_sample(name);
    const auto defect = known_defects().find(name);
    const std::vector<std::string> expected =
        defect == known_defects().end() ? std::vector<std::string>{} : defect->second;
    EXPECT_EQ(located(result, Severity::kError), expected) << name;
    for (const auto& warning : located(result, Severity::kWarning))
      EXPECT_EQ(warning.find("unknown keyword"), std::string::npos) << name << ": " << warning;
    ++checked;
  }
  EXPECT_GE(checked, 25);
}

TEST(Samples, SampleGlobalDefsAndInstance) {
  SKIP_WITHOUT_SAMPLES();
  const auto result = load_sample("keepalived.conf.sample");
  const GlobalDefs& g = result.config.global;
  EXPECT_EQ(g.notification_email, std::vector<std::string>{"acassen"});
  EXPECT_EQ(g.notification_email_from, "Alexandre.Cassen@firewall.loc");
  EXPECT_EQ(g.smtp_server, "192.168.200.1");
  EXPECT_EQ(g.smtp_connect_timeout, std::chrono::seconds{30});
  EXPECT_EQ(g.router_id, "LVS_DEVEL");
  ASSERT_EQ(result.config.vrrp_instances.size(), 1u);
  const VrrpInstance& vi = result.config.vrrp_instances[0];
  EXPECT_EQ(vi.interface, "eth0");
  EXPECT_EQ(vi.virtual_router_id, 50);
  EXPECT_TRUE(vi.nopreempt);
  EXPECT_EQ(vi.priority, 100);
  ASSERT_EQ(vi.virtual_ipaddress.size(), 3u);
  EXPECT_EQ(vi.virtual_ipaddress[2].prefix.to_string(), "192.168.200.13/32");
  EXPECT_EQ(vi.virtual_ipaddress[2].location.line, 22u);
  EXPECT_FALSE(result.config.virtual_servers.empty());
}

TEST(Samples, SyncGroupMembersAndNotifyArguments) {
  SKIP_WITHOUT_SAMPLES();
  const auto result = load_sample("keepalived.conf.vrrp.sync");
  ASSERT_EQ(result.config.vrrp_sync_groups.size(), 2u);
  const VrrpSyncGroup& g1 = result.config.vrrp_sync_groups[0];
  EXPECT_EQ(g1.members, (std::vector<std::string>{"VI_1", "VI_2", "VI_5", "VI_6", "VI_7", "VI_8", "VI_9"}));
  ASSERT_TRUE(g1.notify.backup);
  EXPECT_EQ(g1.notify.backup->command, (std::vector<std::string>{"/usr/local/bin/vrrp.back", "arg1", "arg2"}));
  EXPECT_EQ(result.config.vrrp_sync_groups[1].members, (std::vector<std::string>{"VI_3", "VI_4"}));
  EXPECT_EQ(result.config.vrrp_instances.size(), 9u);
  EXPECT_EQ(result.config.vrrp_instances[3].virtual_ipaddress.at(0).prefix.to_string(), "192.168.201.19/28");
}

TEST(Samples, RoutesWithKeepalivedSpellings) {
  SKIP_WITHOUT_SAMPLES();
  const auto result = load_sample("keepalived.conf.vrrp.routes");
  ASSERT_EQ(result.config.static_routes.size(), 5u);
  const RouteSpec& first = result.config.static_routes[0];
  EXPECT_EQ(first.preferred_source->to_string(), "192.168.100.1");
  EXPECT_EQ(first.destination.to_string(), "192.168.209.0/24");
  EXPECT_EQ(first.via->to_string(), "192.168.200.254");
  EXPECT_EQ(first.device, "eth0");
  EXPECT_EQ(result.config.static_routes[3].scope, AddressScope::kSite);
  const auto& routes = result.config.vrrp_instances.at(0).virtual_routes;
  ASSERT_EQ(routes.size(), 7u);
  ASSERT_EQ(routes[4].nexthops.size(), 2u);
  EXPECT_EQ(routes[4].nexthops[1].via->to_string(), "192.168.100.253");
  EXPECT_EQ(routes[5].type, RouteType::kBlackhole);
  EXPECT_EQ(routes[6].via->to_string(), "192.168.0.1");
  EXPECT_EQ(routes[6].table, "100");
  // The deprecated spellings are warned about, naming the modern form.
  EXPECT_THAT(located(result, Severity::kWarning),
              ::testing::IsSupersetOf(
                  {"30: 'or' is deprecated, use 'nexthop' instead", "32: 'gw' is deprecated, use 'via' instead"}));
}

TEST(Samples, LvsSyncdPerInstanceInterfaceBecomesTheGlobalSyncDaemon) {
  SKIP_WITHOUT_SAMPLES();
  const auto result = load_sample("keepalived.conf.vrrp.lvs_syncd");
  EXPECT_THAT(located(result, Severity::kWarning),
              ::testing::Contains("11: 'lvs_sync_daemon_interface' is deprecated, use 'global_defs lvs_sync_daemon' "
                                  "instead"));
  ASSERT_TRUE(result.config.global.lvs_sync_daemon);
  EXPECT_EQ(result.config.global.lvs_sync_daemon->interface, "eth1");
  EXPECT_EQ(result.config.global.lvs_sync_daemon->instance, "VI_1");
}

TEST(Samples, ConditionalConfigSelectsLinesByConfigId) {
  SKIP_WITHOUT_SAMPLES();
  const auto high = load_sample("keepalived.conf.conditional_conf", "high");
  const auto low = load_sample("keepalived.conf.conditional_conf", "low");
  EXPECT_THAT(located(high, Severity::kError), IsEmpty());
  EXPECT_THAT(located(low, Severity::kError), IsEmpty());
  EXPECT_EQ(high.config.global.net_namespace, "high");
  EXPECT_EQ(low.config.global.net_namespace, "low");
  ASSERT_EQ(high.config.vrrp_scripts.size(), 1u);
  EXPECT_EQ(high.config.vrrp_scripts[0].script.command,
            std::vector<std::string>{"/etc/keepalived/scripts/check_high_VI_0.sh"});
  EXPECT_EQ(low.config.vrrp_scripts[0].script.command,
            std::vector<std::string>{"/etc/keepalived/scripts/check_low_VI_0.sh"});
  EXPECT_EQ(high.config.vrrp_instances.at(0).priority, 170);
  EXPECT_EQ(low.config.vrrp_instances.at(0).priority, 85);
  EXPECT_EQ(high.config.vrrp_instances.at(0).advert_int, std::chrono::seconds{12});
  EXPECT_EQ(high.config.vrrp_instances.at(0).version, 3);
  EXPECT_TRUE(high.config.vrrp_instances.at(0).use_vmac);
  EXPECT_EQ(high.config.vrrp_instances.at(0).track_interfaces.at(1).weight, 20);
}

TEST(Samples, ConditionalConfigWithAnotherIdLosesTheScriptAndSaysSo) {
  SKIP_WITHOUT_SAMPLES();
  const auto other = load_sample("keepalived.conf.conditional_conf", "neither");
  EXPECT_FALSE(other.config.global.net_namespace);
  EXPECT_THAT(located(other, Severity::kError), ElementsAre("6: vrrp_script check_VI_0 has no 'script'"));
}

TEST(Samples, RulesSampleKeepsTheValidRules) {
  SKIP_WITHOUT_SAMPLES();
  const auto result = load_sample("keepalived.conf.vrrp.rules");
  ASSERT_EQ(result.config.static_rules.size(), 1u);
  EXPECT_EQ(result.config.static_rules[0].from->to_string(), "192.168.100.0/24");
  EXPECT_EQ(result.config.static_rules[0].table, "1");
  ASSERT_EQ(result.config.vrrp_instances.at(0).virtual_rules.size(), 1u);
  EXPECT_EQ(result.config.vrrp_instances[0].virtual_rules[0].table, "2");
}

}  // namespace
}  // namespace keel::config

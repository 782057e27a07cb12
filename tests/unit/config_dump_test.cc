// The normalized dump: what a user sees of what Keel understood. It is keepalived.conf
// syntax, and reading it back gives the same model (checked through a second dump).
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>

#include "tests/unit/config_test_util.h"

namespace keel::config {
namespace {

using testing::errors;
using ::testing::IsEmpty;
using testing::load;

TEST(Dump, SmallConfigIsPrintedInNormalForm) {
  const auto result = load(R"(global_defs {
   router_id   LB1   # trailing comment
   lb_engine xdp
   xdp_interface veth0
}
vrrp_instance VI_1 {
  interface veth0
  state BACKUP
  virtual_router_id 51
  advert_int 1.0
  virtual_ipaddress {
    198.18.0.100/24 dev veth0
  }
  track_interface {
    veth1 weight -10
  }
  notify_master "/bin/echo master"
}
)");
  ASSERT_THAT(errors(result), IsEmpty());
  EXPECT_EQ(dump_config(result.config), R"(global_defs {
    lb_engine xdp
    xdp_interface veth0 native
    router_id LB1
}
vrrp_instance VI_1 {
    state BACKUP
    interface veth0
    track_interface {
        veth1 weight -10
    }
    virtual_router_id 51
    priority 100
    virtual_ipaddress {
        198.18.0.100/24 dev veth0
    }
    notify_master "/bin/echo master"
}
)");
}

void expect_round_trip(std::string_view name, const LoadResult& first) {
  const std::string dump1 = dump_config(first.config);
  const auto second = load_config_text(dump1, "dump");
  // A config with errors dumps what was understood, which may itself be incomplete.
  if (first.ok()) {
    EXPECT_THAT(errors(second), IsEmpty()) << name << "\n" << dump1;
  }
  const std::string dump2 = dump_config(second.config);
  EXPECT_EQ(dump1, dump2) << name;
}

TEST(Dump, EverySampleSurvivesARoundTrip) {
  const std::filesystem::path samples{KEEL_SAMPLES_DIR};
  if (!std::filesystem::exists(samples / "keepalived.conf.sample"))
    GTEST_SKIP() << "keepalived samples not installed at " << samples;
  int checked = 0;
  for (const auto& entry : std::filesystem::directory_iterator(samples)) {
    const std::string name = entry.path().filename().string();
    if (!name.starts_with("keepalived.conf.")) continue;
    expect_round_trip(name, load_config_file(entry.path(), ReadOptions{.config_id = "high"}));
    ++checked;
  }
  EXPECT_GE(checked, 25);
}

TEST(Dump, QuotedScriptArgumentsSurviveARoundTrip) {
  const auto result = load(R"(vrrp_script chk {
    script "/usr/bin/check --name 'two words' x"
    user nobody
}
vrrp_instance VI_1 {
    interface veth0
    virtual_router_id 7
    notify "/bin/notify.sh a 'b c'" nobody nogroup
    virtual_ipaddress {
        2001:db8::7/64
    }
    virtual_routes {
        2001:db8:7::/64 via 2001:db8::1 dev veth0 table 7 advmss 1400
    }
}
)");
  ASSERT_THAT(errors(result), IsEmpty());
  expect_round_trip("scripts", result);
  const auto again = load_config_text(dump_config(result.config), "dump");
  EXPECT_EQ(again.config.vrrp_scripts.at(0).script.command,
            (std::vector<std::string>{"/usr/bin/check", "--name", "two words", "x"}));
  EXPECT_EQ(again.config.vrrp_instances.at(0).notify.any->command,
            (std::vector<std::string>{"/bin/notify.sh", "a", "b c"}));
}

// Every word that the lexer would read differently is quoted in the dump: names with
// spaces or braces, comment characters, a trailing backslash (a continuation when bare),
// quotes of both kinds and control characters.
TEST(Dump, WordsTheLexerReadsSpeciallyAreQuoted) {
  const auto result = load(R"(global_defs {
    router_id "lb one"
}
vrrp_script "chk web}" {
    script "/usr/bin/test -e '/run/it''s ok'"
}
vrrp_instance "VI #1" {
    interface veth0
    virtual_router_id 9
    track_script {
        "chk web}"
    }
    virtual_ipaddress {
        198.18.3.1/24
    }
    notify_master "/usr/bin/logger \"became master\" \t!x \\"
}
)");
  ASSERT_THAT(errors(result), IsEmpty());
  const std::string dump = dump_config(result.config);
  EXPECT_THAT(dump, ::testing::HasSubstr("router_id \"lb one\"\n"));
  EXPECT_THAT(dump, ::testing::HasSubstr("vrrp_instance \"VI #1\" {\n"));
  EXPECT_THAT(dump, ::testing::HasSubstr("        \"chk web}\"\n"));
  expect_round_trip("special words", result);
  const auto again = load_config_text(dump, "dump");
  ASSERT_THAT(errors(again), IsEmpty());
  EXPECT_EQ(again.config.vrrp_instances.at(0).name, "VI #1");
  EXPECT_EQ(again.config.vrrp_instances.at(0).track_scripts.at(0).name, "chk web}");
  EXPECT_EQ(again.config.vrrp_scripts.at(0).script.command,
            (std::vector<std::string>{"/usr/bin/test", "-e", "/run/its ok"}));
  EXPECT_EQ(again.config.vrrp_instances.at(0).notify.master->command,
            (std::vector<std::string>{"/usr/bin/logger", "became master", "!x", "\\"}));
}

}  // namespace
}  // namespace keel::config

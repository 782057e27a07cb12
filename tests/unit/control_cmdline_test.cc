// keeld's command line: every option in its short and long form, defaults, errors.
#include "control/cmdline.h"

#include <initializer_list>
#include <vector>

#include <gtest/gtest.h>

namespace keel::ctl {
namespace {

std::expected<Options, std::string> parse(std::initializer_list<const char*> args) {
  std::vector<const char*> argv{"keeld"};
  argv.insert(argv.end(), args.begin(), args.end());
  return parse_cmdline(argv);
}

Options parse_ok(std::initializer_list<const char*> args) {
  auto options = parse(args);
  EXPECT_TRUE(options.has_value()) << options.error();
  return options.value_or(Options{});
}

TEST(Cmdline, NoArgumentsGiveTheDefaults) {
  const Options options = parse_ok({});
  EXPECT_EQ(options.config_file, "/etc/keel/keepalived.conf");
  EXPECT_EQ(options.pid_file, "/run/keel/keeld.pid");
  EXPECT_EQ(options.vrrp_pid_file, "/run/keel/vrrp.pid");
  EXPECT_EQ(options.checkers_pid_file, "/run/keel/checkers.pid");
  EXPECT_FALSE(options.vrrp_only || options.check_only || options.dont_fork || options.config_test ||
               options.dump_config || options.log_console || options.log_detail || options.no_syslog ||
               options.show_version || options.show_help);
  EXPECT_TRUE(options.network_namespace.empty());
  EXPECT_TRUE(options.config_id.empty());
}

TEST(Cmdline, UseFileInEveryForm) {
  EXPECT_EQ(parse_ok({"-f", "/a.conf"}).config_file, "/a.conf");
  EXPECT_EQ(parse_ok({"-f/b.conf"}).config_file, "/b.conf");
  EXPECT_EQ(parse_ok({"--use-file", "/c.conf"}).config_file, "/c.conf");
  EXPECT_EQ(parse_ok({"--use-file=/d.conf"}).config_file, "/d.conf");
  EXPECT_EQ(parse_ok({"--use", "/e.conf"}).config_file, "/e.conf");  // unique prefix
}

TEST(Cmdline, FlagsShortAndLong) {
  struct Case {
    const char* short_form;
    const char* long_form;
    bool Options::*field;
  };
  const Case cases[] = {
      {"-P", "--vrrp", &Options::vrrp_only},         {"-C", "--check", &Options::check_only},
      {"-n", "--dont-fork", &Options::dont_fork},    {"-l", "--log-console", &Options::log_console},
      {"-D", "--log-detail", &Options::log_detail},  {"-G", "--no-syslog", &Options::no_syslog},
      {"-v", "--version", &Options::show_version},   {"-h", "--help", &Options::show_help},
      {"-t", "--config-test", &Options::config_test},
  };
  for (const Case& c : cases) {
    EXPECT_TRUE(parse_ok({c.short_form}).*c.field) << c.short_form;
    EXPECT_TRUE(parse_ok({c.long_form}).*c.field) << c.long_form;
  }
  EXPECT_TRUE(parse_ok({"--dump-config"}).dump_config);
}

TEST(Cmdline, GroupedShortFlags) {
  const Options options = parse_ok({"-nlDG"});
  EXPECT_TRUE(options.dont_fork);
  EXPECT_TRUE(options.log_console);
  EXPECT_TRUE(options.log_detail);
  EXPECT_TRUE(options.no_syslog);
}

TEST(Cmdline, GroupEndingInAnOptionWithArgumentTakesTheRestOrTheNextWord) {
  EXPECT_EQ(parse_ok({"-nf", "/x.conf"}).config_file, "/x.conf");
  EXPECT_EQ(parse_ok({"-nf/y.conf"}).config_file, "/y.conf");
}

TEST(Cmdline, ConfigTestTakesAnOptionalAttachedFile) {
  const Options plain = parse_ok({"-t"});
  EXPECT_TRUE(plain.config_test);
  EXPECT_EQ(plain.config_file, "/etc/keel/keepalived.conf");
  EXPECT_EQ(parse_ok({"-t/t1.conf"}).config_file, "/t1.conf");
  EXPECT_EQ(parse_ok({"-t=/t2.conf"}).config_file, "/t2.conf");
  EXPECT_EQ(parse_ok({"--config-test=/t3.conf"}).config_file, "/t3.conf");
  EXPECT_EQ(parse_ok({"-f", "/f.conf", "-t"}).config_file, "/f.conf");
  // As with getopt, an optional argument is never taken from the next word.
  EXPECT_FALSE(parse({"-t", "/t4.conf"}).has_value());
}

TEST(Cmdline, PidFiles) {
  const Options short_forms = parse_ok({"-p", "/p1", "-r", "/r1", "-c", "/c1"});
  EXPECT_EQ(short_forms.pid_file, "/p1");
  EXPECT_EQ(short_forms.vrrp_pid_file, "/r1");
  EXPECT_EQ(short_forms.checkers_pid_file, "/c1");
  const Options long_forms = parse_ok({"--pid=/p2", "--vrrp_pid", "/r2", "--checkers_pid=/c2"});
  EXPECT_EQ(long_forms.pid_file, "/p2");
  EXPECT_EQ(long_forms.vrrp_pid_file, "/r2");
  EXPECT_EQ(long_forms.checkers_pid_file, "/c2");
}

TEST(Cmdline, NamespaceMovesDefaultPidFilesButNotExplicitOnes) {
  const Options options = parse_ok({"-s", "blue", "--vrrp_pid", "/r"});
  EXPECT_EQ(options.network_namespace, "blue");
  EXPECT_EQ(options.pid_file, "/run/keel/blue/keeld.pid");
  EXPECT_EQ(options.vrrp_pid_file, "/r");
  EXPECT_EQ(options.checkers_pid_file, "/run/keel/blue/checkers.pid");
  EXPECT_EQ(parse_ok({"--namespace=red"}).network_namespace, "red");
}

TEST(Cmdline, NamespaceMustBeOnePathComponent) {
  const auto escaping = parse({"-s", "../etc"});
  ASSERT_FALSE(escaping.has_value());
  EXPECT_EQ(escaping.error(), "option '--namespace': '../etc' is not a namespace name (one path component under /run/netns)");
  EXPECT_FALSE(parse({"--namespace="}).has_value());
  EXPECT_FALSE(parse({"-s", ".."}).has_value());
}

TEST(Cmdline, ConfigId) {
  EXPECT_EQ(parse_ok({"-i", "lb1"}).config_id, "lb1");
  EXPECT_EQ(parse_ok({"--config-id=lb2"}).config_id, "lb2");
}

TEST(Cmdline, UnknownOptionsAreErrors) {
  const auto long_option = parse({"--frobnicate"});
  ASSERT_FALSE(long_option.has_value());
  EXPECT_EQ(long_option.error(), "unrecognized option '--frobnicate'");
  const auto short_option = parse({"-X"});
  ASSERT_FALSE(short_option.has_value());
  EXPECT_EQ(short_option.error(), "invalid option -- 'X'");
}

TEST(Cmdline, MissingArgumentIsAnError) {
  const auto short_option = parse({"-f"});
  ASSERT_FALSE(short_option.has_value());
  EXPECT_EQ(short_option.error(), "option requires an argument -- 'f'");
  const auto long_option = parse({"--pid"});
  ASSERT_FALSE(long_option.has_value());
  EXPECT_EQ(long_option.error(), "option '--pid' requires an argument");
  EXPECT_EQ(parse({"-f", ""}).error(), "option '--use-file': a file name must not be empty");
}

TEST(Cmdline, OtherMisuseIsAnError) {
  EXPECT_EQ(parse({"--dont-fork=yes"}).error(), "option '--dont-fork' doesn't allow an argument");
  EXPECT_EQ(parse({"--c"}).error(), "option '--c' is ambiguous");  // check, checkers_pid, config-*
  EXPECT_EQ(parse({"stray"}).error(), "unexpected argument 'stray'");
  EXPECT_EQ(parse({"--", "stray"}).error(), "unexpected argument 'stray'");
  EXPECT_FALSE(parse({"-t", "--dump-config"}).has_value());
}

TEST(Cmdline, ParsingIsRepeatable) {
  // No hidden state between calls (getopt's optind would carry over).
  EXPECT_EQ(parse_ok({"-f", "/one"}).config_file, "/one");
  EXPECT_EQ(parse_ok({"-f", "/two"}).config_file, "/two");
  EXPECT_TRUE(parse_ok({"--"}).config_file == "/etc/keel/keepalived.conf");
}

TEST(Cmdline, UsageListsEveryOption) {
  const std::string usage = usage_text("keeld");
  for (const char* option :
       {"--use-file", "--vrrp", "--check", "--dont-fork", "--config-test", "--pid", "--vrrp_pid",
        "--checkers_pid", "--namespace", "--config-id", "--log-console", "--log-detail", "--no-syslog",
        "--dump-config", "--version", "--help", "-f,", "-P,", "-C,", "-n,", "-t,", "-p,", "-r,", "-c,", "-s,",
        "-i,", "-l,", "-D,", "-G,", "-v,", "-h,"}) {
    EXPECT_NE(usage.find(option), std::string::npos) << option;
  }
}

}  // namespace
}  // namespace keel::ctl

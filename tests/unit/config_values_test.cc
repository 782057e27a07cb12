// Value conversions shared by every block parser: numbers, timers, booleans,
// addresses, scripts, and the messages they give when the value is wrong.
#include <gtest/gtest.h>

#include "config/ip_address.h"
#include "config/parse_context.h"

namespace keel::config {
namespace {

Node statement(std::string keyword, std::vector<std::string> args, std::uint32_t line = 7) {
  Node node;
  node.keyword = std::move(keyword);
  node.args = std::move(args);
  node.location = {std::make_shared<const std::string>("test.conf"), line};
  return node;
}

std::string only_message(const Diagnostics& diagnostics) {
  EXPECT_EQ(diagnostics.all().size(), 1u);
  return diagnostics.all().empty() ? "" : diagnostics.all().front().to_string();
}

TEST(IpAddress, ParsesIpv4AndIpv6AndRefusesGarbage) {
  const auto v4 = IpAddress::parse("198.18.0.1");
  ASSERT_TRUE(v4);
  EXPECT_FALSE(v4->is_v6());
  EXPECT_EQ(v4->to_string(), "198.18.0.1");
  const auto v6 = IpAddress::parse("2001:db8::1");
  ASSERT_TRUE(v6);
  EXPECT_TRUE(v6->is_v6());
  EXPECT_EQ(v6->to_string(), "2001:db8::1");
  EXPECT_FALSE(IpAddress::parse("192.168.100."));
  EXPECT_FALSE(IpAddress::parse("256.1.1.1"));
  EXPECT_FALSE(IpAddress::parse(""));
  EXPECT_FALSE(IpAddress::parse("eth0"));
  EXPECT_TRUE(IpAddress::parse("224.0.0.18")->is_multicast());
  EXPECT_TRUE(IpAddress::parse("ff02::12")->is_multicast());
}

TEST(IpPrefix, DefaultsToAHostPrefixAndChecksTheLength) {
  EXPECT_EQ(IpPrefix::parse("198.18.0.100")->to_string(), "198.18.0.100/32");
  EXPECT_EQ(IpPrefix::parse("198.18.0.100/24")->to_string(), "198.18.0.100/24");
  EXPECT_EQ(IpPrefix::parse("2001:db8::/64")->to_string(), "2001:db8::/64");
  EXPECT_EQ(IpPrefix::parse("2001:db8::1")->length, 128);
  EXPECT_FALSE(IpPrefix::parse("192.168.100./24"));
  EXPECT_FALSE(IpPrefix::parse("198.18.0.1/33"));
  EXPECT_FALSE(IpPrefix::parse("198.18.0.1/"));
  EXPECT_FALSE(IpPrefix::parse("198.18.0.1/2x"));
}

TEST(ParseInteger, AcceptsDecimalHexAndSignAndRefusesTrailingJunk) {
  EXPECT_EQ(parse_integer("42"), 42);
  EXPECT_EQ(parse_integer("-253"), -253);
  EXPECT_EQ(parse_integer("0x1f"), 31);
  EXPECT_FALSE(parse_integer("12abc"));
  EXPECT_FALSE(parse_integer(""));
  EXPECT_FALSE(parse_integer("99999999999999999999"));
}

TEST(ParseSeconds, KeepsMicrosecondsExactly) {
  EXPECT_EQ(parse_seconds("1"), Duration{1'000'000});
  EXPECT_EQ(parse_seconds("0.01"), Duration{10'000});
  EXPECT_EQ(parse_seconds("2.71828"), Duration{2'718'280});
  EXPECT_EQ(parse_seconds(".5"), Duration{500'000});
  EXPECT_EQ(parse_seconds("0.000001"), Duration{1});
  EXPECT_FALSE(parse_seconds("1e3"));
  EXPECT_FALSE(parse_seconds("inf"));
  EXPECT_FALSE(parse_seconds("-1"));
  EXPECT_FALSE(parse_seconds("."));
}

TEST(FormatSeconds, PrintsTheShortestExactDecimal) {
  EXPECT_EQ(format_seconds(Duration{1'000'000}), "1");
  EXPECT_EQ(format_seconds(Duration{1'500'000}), "1.5");
  EXPECT_EQ(format_seconds(Duration{10'000}), "0.01");
  EXPECT_EQ(format_seconds(Duration{1}), "0.000001");
}

TEST(ParseContext, OutOfRangeNumberNamesKeywordValueAndRange) {
  Diagnostics diagnostics;
  ParseContext context{diagnostics};
  EXPECT_FALSE(context.integer(statement("virtual_router_id", {"256"}), 0, 1, 255));
  EXPECT_EQ(only_message(diagnostics), "test.conf:7: error: 'virtual_router_id' value '256' is out of range 1..255");
}

TEST(ParseContext, NonNumberIsReported) {
  Diagnostics diagnostics;
  ParseContext context{diagnostics};
  EXPECT_FALSE(context.integer(statement("priority", {"high"}), 0, 1, 255));
  EXPECT_EQ(only_message(diagnostics), "test.conf:7: error: 'priority' value 'high' is not a number");
}

TEST(ParseContext, WrongArgumentCountSaysWhatWasExpected) {
  Diagnostics diagnostics;
  ParseContext context{diagnostics};
  EXPECT_FALSE(context.expect_args(statement("priority", {}), 1, 1));
  EXPECT_FALSE(context.expect_args(statement("nopreempt", {"x"}), 0, 0));
  EXPECT_FALSE(context.expect_args(statement("notify", {}), 1, 3));
  ASSERT_EQ(diagnostics.all().size(), 3u);
  EXPECT_EQ(diagnostics.all()[0].message, "'priority' expects 1 argument, got 0");
  EXPECT_EQ(diagnostics.all()[1].message, "'nopreempt' takes no arguments, got 1");
  EXPECT_EQ(diagnostics.all()[2].message, "'notify' expects 1 to 3 arguments, got 0");
}

TEST(ParseContext, BooleanAcceptsKeepalivedWordsAndDefaultsToTrue) {
  Diagnostics diagnostics;
  ParseContext context{diagnostics};
  EXPECT_EQ(context.boolean(statement("strict_mode", {}), 0), true);
  EXPECT_EQ(context.boolean(statement("strict_mode", {"off"}), 0), false);
  EXPECT_EQ(context.boolean(statement("strict_mode", {"yes"}), 0), true);
  EXPECT_FALSE(context.boolean(statement("strict_mode", {"maybe"}), 0));
  EXPECT_EQ(only_message(diagnostics),
            "test.conf:7: error: 'strict_mode' value 'maybe' is not one of on off true false yes no");
}

TEST(ParseContext, TimerOutOfRangeIsReportedInSeconds) {
  Diagnostics diagnostics;
  ParseContext context{diagnostics};
  EXPECT_FALSE(context.timer(statement("advert_int", {"0.001"}), 0, Duration{10'000}, Duration{255'000'000}));
  EXPECT_EQ(only_message(diagnostics),
            "test.conf:7: error: 'advert_int' value '0.001' is out of range 0.01..255 seconds");
}

TEST(ParseContext, ScriptSplitsTheQuotedCommandAndTakesUserAndGroup) {
  Diagnostics diagnostics;
  ParseContext context{diagnostics};
  const auto script =
      context.script(statement("notify_fault", {"/path/fault.sh VG_1 'two words'", "nobody", "nogroup"}), 0, true);
  ASSERT_TRUE(script);
  EXPECT_EQ(script->command, (std::vector<std::string>{"/path/fault.sh", "VG_1", "two words"}));
  EXPECT_EQ(script->user, "nobody");
  EXPECT_EQ(script->group, "nogroup");
  EXPECT_TRUE(diagnostics.all().empty());
}

TEST(ParseContext, DeprecatedFormNamesTheModernKeyword) {
  Diagnostics diagnostics;
  ParseContext context{diagnostics};
  context.deprecated(statement("nb_get_retry", {"3"}), "nb_get_retry", "retry");
  EXPECT_EQ(only_message(diagnostics), "test.conf:7: warning: 'nb_get_retry' is deprecated, use 'retry' instead");
}

TEST(DumpWriter, QuotesOnlyWordsThatNeedIt) {
  EXPECT_EQ(DumpWriter::quote("eth0"), "eth0");
  EXPECT_EQ(DumpWriter::quote("two words"), "\"two words\"");
  EXPECT_EQ(DumpWriter::quote("say \"hi\""), "\"say \\\"hi\\\"\"");
  EXPECT_EQ(DumpWriter::quote("#x"), "\"#x\"");
  EXPECT_EQ(DumpWriter::quote(""), "\"\"");
}

TEST(DumpWriter, IndentsBlocksFourSpacesPerLevel) {
  DumpWriter out;
  out.open("vrrp_instance VI_1");
  out.line("priority", {"100"});
  out.open("virtual_ipaddress");
  out.line("198.18.0.100/24");
  out.close();
  out.close();
  EXPECT_EQ(out.take(),
            "vrrp_instance VI_1 {\n    priority 100\n    virtual_ipaddress {\n        198.18.0.100/24\n    }\n}\n");
}

}  // namespace
}  // namespace keel::config

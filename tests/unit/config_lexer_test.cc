// The keepalived.conf lexer and preprocessor (config/lexer.h): comments, quoting, braces,
// include, $ parameters, @ conditionals, ~SEQ / ~LST, limits and diagnostics.
#include "config/lexer.h"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <random>
#include <string>
#include <string_view>
#include <vector>

namespace keel::config {
namespace {

namespace fs = std::filesystem;

struct Lexed {
  Tree tree;
  Diagnostics diagnostics;
};

Lexed lex(std::string_view text, const ReadOptions& options = {}) {
  Lexed result;
  result.tree = read_config_text(text, "test.conf", options, result.diagnostics);
  return result;
}

ReadOptions with_id(std::string id) { return ReadOptions{.config_id = std::move(id)}; }

std::vector<std::string> messages(const Diagnostics& diagnostics) {
  std::vector<std::string> out;
  for (const Diagnostic& d : diagnostics.all()) out.push_back(d.to_string());
  return out;
}

// "a b { c; d { e } }": statements joined by "; ", blocks in braces.
std::string shape(const std::vector<Node>& nodes) {
  std::string out;
  for (const Node& node : nodes) {
    if (!out.empty()) out += "; ";
    out += node.keyword;
    for (const std::string& arg : node.args) out += " " + arg;
    if (node.has_block) out += node.children.empty() ? " { }" : " { " + shape(node.children) + " }";
  }
  return out;
}

std::string shape(const Lexed& lexed) { return shape(lexed.tree.statements); }

// A directory of its own under the system temp dir, removed with everything in it.
class TempDir {
 public:
  TempDir() {
    static std::atomic<int> counter{0};
    path_ =
        fs::temp_directory_path() / ("keel-lexer-test-" + std::to_string(::getpid()) + "-" + std::to_string(counter++));
    fs::create_directories(path_);
  }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(path_, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  fs::path write(const std::string& relative, std::string_view content) const {
    const fs::path file = path_ / relative;
    fs::create_directories(file.parent_path());
    std::ofstream{file, std::ios::binary} << content;
    return file;
  }
  std::string str(const std::string& relative = "") const {
    return relative.empty() ? path_.string() : (path_ / relative).string();
  }

 private:
  fs::path path_;
};

class IncludeTest : public testing::Test {
 protected:
  Lexed read(const std::string& relative, const ReadOptions& options = {}) {
    Lexed result;
    result.tree = read_config_file(dir_.str(relative), options, result.diagnostics);
    return result;
  }
  TempDir dir_;
};

// ---- comments ----

TEST(ConfigLexer, HashCommentEndsTheStatement) {
  const Lexed r = lex("router_id r1 # the router\npriority 100#no space needed\n");
  EXPECT_EQ(shape(r), "router_id r1; priority 100");
  EXPECT_TRUE(r.diagnostics.all().empty());
}

TEST(ConfigLexer, BangCommentEndsTheStatement) {
  EXPECT_EQ(shape(lex("! a whole line\nstate MASTER ! trailing\n")), "state MASTER");
}

TEST(ConfigLexer, CommentCharactersInsideQuotesAreText) {
  const Lexed r = lex("notify \"/bin/a # b ! c\" 'd # e'\n");
  ASSERT_EQ(r.tree.statements.size(), 1U);
  EXPECT_EQ(r.tree.statements[0].args, (std::vector<std::string>{"/bin/a # b ! c", "d # e"}));
}

TEST(ConfigLexer, BackslashEscapesACommentCharacterOutsideQuotes) {
  const Lexed r = lex("auth_pass ab\\#cd\\!e\n");
  ASSERT_EQ(r.tree.statements.size(), 1U);
  EXPECT_EQ(r.tree.statements[0].args, (std::vector<std::string>{"ab#cd!e"}));
}

TEST(ConfigLexer, BlankAndCommentOnlyLinesProduceNothing) {
  const Lexed r = lex("\n   \n\t# x\n!\n  \r\n");
  EXPECT_TRUE(r.tree.statements.empty());
  EXPECT_TRUE(r.diagnostics.all().empty());
}

// ---- words and quotes ----

TEST(ConfigLexer, WordsAreSplitOnSpacesAndTabs) {
  const Lexed r = lex("  virtual_server\t198.18.0.1   80\n");
  ASSERT_EQ(r.tree.statements.size(), 1U);
  EXPECT_EQ(r.tree.statements[0].keyword, "virtual_server");
  EXPECT_EQ(r.tree.statements[0].args, (std::vector<std::string>{"198.18.0.1", "80"}));
}

TEST(ConfigLexer, AdjacentQuotedAndUnquotedPartsJoinIntoOneWord) {
  const Lexed r = lex("x abcd\" efg h jkl \"mnop a'b c'\"d\"\n");
  ASSERT_EQ(r.tree.statements.size(), 1U);
  EXPECT_EQ(r.tree.statements[0].args, (std::vector<std::string>{"abcd efg h jkl mnop", "ab cd"}));
}

TEST(ConfigLexer, QuotedStringsSeparatedBySpacesStaySeparateWords) {
  const Lexed r = lex("x abcd \"efg h jkl\" mnop ''\n");
  ASSERT_EQ(r.tree.statements.size(), 1U);
  EXPECT_EQ(r.tree.statements[0].args, (std::vector<std::string>{"abcd", "efg h jkl", "mnop", ""}));
}

TEST(ConfigLexer, EscapesInsideQuotesFollowTheManPage) {
  const Lexed r = lex(R"(x "\a\b\E\f\n\r\t\v" '\101\x41\cA\q\\\"\'')"
                      "\n");
  ASSERT_EQ(r.tree.statements.size(), 1U);
  EXPECT_EQ(r.tree.statements[0].args, (std::vector<std::string>{"\a\b\x1b\f\n\r\t\v", std::string{"AA\x01q\\\"'"}}));
}

TEST(ConfigLexer, OctalEscapeTakesAtMostThreeDigits) {
  const Lexed r = lex(R"(x "\1011" "\0")"
                      "\n");
  ASSERT_EQ(r.tree.statements.size(), 1U);
  EXPECT_EQ(r.tree.statements[0].args, (std::vector<std::string>{"A1", std::string(1, '\0')}));
}

TEST(ConfigLexer, HexEscapeTakesEveryHexDigitAndKeepsTheLowByte) {
  // keepalived reads "any sequence of hex digits" into one char.
  const Lexed r = lex(R"(x "\x41" "\x4142" "\xg")"
                      "\n");
  ASSERT_EQ(r.tree.statements.size(), 1U);
  EXPECT_EQ(r.tree.statements[0].args, (std::vector<std::string>{"A", "B", "xg"}));
}

TEST(ConfigLexer, EscapedQuoteDoesNotCloseTheString) {
  const Lexed r = lex(R"(x "a\"b # c" d)"
                      "\n");
  ASSERT_EQ(r.tree.statements.size(), 1U);
  EXPECT_EQ(r.tree.statements[0].args, (std::vector<std::string>{"a\"b # c", "d"}));
}

TEST(ConfigLexer, BackslashOutsideQuotesIsKeptExceptBeforeQuotesAndBraces) {
  const Lexed r = lex(R"(regex ^a\d+\.b \"q \{x\})"
                      "\n");
  ASSERT_EQ(r.tree.statements.size(), 1U);
  EXPECT_EQ(r.tree.statements[0].args, (std::vector<std::string>{R"(^a\d+\.b)", "\"q", "{x}"}));
}

TEST(ConfigLexer, UnclosedQuoteIsAnErrorAndKeepsTheText) {
  const Lexed r = lex("a\nnotify \"/bin/x arg\n");
  EXPECT_EQ(
      messages(r.diagnostics),
      (std::vector<std::string>{
          "test.conf:2: error: missing closing \" on this line (quotes do not span lines): 'notify \"/bin/x arg'"}));
  ASSERT_EQ(r.tree.statements.size(), 2U);
  EXPECT_EQ(r.tree.statements[1].args, (std::vector<std::string>{"/bin/x arg"}));
}

TEST(ConfigLexer, CrLfLineEndsAreAccepted) { EXPECT_EQ(shape(lex("a 1\r\nb 2\r\n")), "a 1; b 2"); }

TEST(ConfigLexer, LastLineNeedsNoNewline) { EXPECT_EQ(shape(lex("a 1\nb 2")), "a 1; b 2"); }

// ---- statements and blocks ----

TEST(ConfigLexer, BracesGluedToWordsAreSeparateTokens) {
  EXPECT_EQ(shape(lex("track_interface {eth0}\n")), "track_interface { eth0 }");
  EXPECT_EQ(shape(lex("vrrp_instance VI_1{\n state MASTER\n}\n")), "vrrp_instance VI_1 { state MASTER }");
}

TEST(ConfigLexer, BracesInsideQuotesAreText) {
  const Lexed r = lex("x \"{a}\" '}'\n");
  EXPECT_EQ(shape(r), "x {a} }");
  EXPECT_TRUE(r.diagnostics.all().empty());
}

TEST(ConfigLexer, StatementsShareALineInsideBraces) {
  EXPECT_EQ(shape(lex("virtual_ipaddress { 1.2.3.4 5.6.7.8/24 }\n")), "virtual_ipaddress { 1.2.3.4 5.6.7.8/24 }");
  // As in keepalived, words between braces are one statement: auth_type gets three arguments.
  const Lexed r = lex("authentication { auth_type PASS auth_pass x }\n");
  ASSERT_EQ(r.tree.statements.size(), 1U);
  ASSERT_EQ(r.tree.statements[0].children.size(), 1U);
  EXPECT_EQ(r.tree.statements[0].children[0].keyword, "auth_type");
  EXPECT_EQ(r.tree.statements[0].children[0].args, (std::vector<std::string>{"PASS", "auth_pass", "x"}));
}

TEST(ConfigLexer, WordsAfterAClosingBraceStartANewStatement) { EXPECT_EQ(shape(lex("a { b } c d\n")), "a { b }; c d"); }

TEST(ConfigLexer, BraceOnTheNextLineOpensTheBlockOfThePreviousStatement) {
  const Lexed r = lex("virtual_server 198.18.0.1 80\n\n# comment\n{\n  delay_loop 6\n}\n");
  EXPECT_EQ(shape(r), "virtual_server 198.18.0.1 80 { delay_loop 6 }");
  EXPECT_TRUE(r.diagnostics.all().empty());
  EXPECT_EQ(r.tree.statements[0].location.line, 1U);
}

TEST(ConfigLexer, EmptyBlockIsABlock) {
  const Lexed r = lex("static_ipaddress {\n}\nx\n");
  EXPECT_EQ(shape(r), "static_ipaddress { }; x");
  EXPECT_TRUE(r.tree.statements[0].has_block);
  EXPECT_FALSE(r.tree.statements[1].has_block);
}

TEST(ConfigLexer, BlocksNestAndNodesKnowTheirFileAndLine) {
  const Lexed r = lex("vrrp_instance VI_1 {\n  state MASTER\n  virtual_ipaddress {\n    198.18.0.1\n  }\n}\nnext\n");
  EXPECT_EQ(shape(r), "vrrp_instance VI_1 { state MASTER; virtual_ipaddress { 198.18.0.1 } }; next");
  const Node& vip = r.tree.statements[0].children[1].children[0];
  EXPECT_EQ(vip.location.to_string(), "test.conf:4");
  EXPECT_EQ(r.tree.statements[1].location.to_string(), "test.conf:7");
  // One shared file name, not a copy per node.
  EXPECT_EQ(vip.location.file.get(), r.tree.statements[1].location.file.get());
}

TEST(ConfigLexer, UnmatchedClosingBraceIsAnErrorAtItsLine) {
  const Lexed r = lex("a {\n}\n}\nb\n");
  EXPECT_EQ(messages(r.diagnostics),
            (std::vector<std::string>{"test.conf:3: error: unexpected '}' with no open block"}));
  EXPECT_EQ(shape(r), "a { }; b");
}

TEST(ConfigLexer, UnclosedBlockIsReportedAtItsOpeningStatement) {
  const Lexed r = lex("global_defs {\n}\nvrrp_instance VI_1 {\n  state MASTER\n");
  EXPECT_EQ(messages(r.diagnostics),
            (std::vector<std::string>{"test.conf:3: error: block 'vrrp_instance VI_1' opened here is never closed"}));
  EXPECT_EQ(shape(r), "global_defs { }; vrrp_instance VI_1 { state MASTER }");
}

TEST(ConfigLexer, UnclosedBlockOpenedOnTheNextLineIsReportedAtTheStatement) {
  const Lexed r = lex("x\nvirtual_server 1.2.3.4 80\n{\n");
  EXPECT_EQ(
      messages(r.diagnostics),
      (std::vector<std::string>{"test.conf:2: error: block 'virtual_server 1.2.3.4 80' opened here is never closed"}));
}

TEST(ConfigLexer, OpeningBraceWithoutAStatementIsAnErrorAndItsBlockIsIgnored) {
  const Lexed r = lex("{\n  a\n}\nb\n");
  EXPECT_EQ(messages(r.diagnostics),
            (std::vector<std::string>{"test.conf:1: error: '{' without a keyword before it; the block is ignored"}));
  EXPECT_EQ(shape(r), "b");
}

TEST(ConfigLexer, BraceAfterAClosedBlockDoesNotAttachToIt) {
  const Lexed r = lex("a {\n}\n{\n}\n");
  EXPECT_EQ(messages(r.diagnostics),
            (std::vector<std::string>{"test.conf:3: error: '{' without a keyword before it; the block is ignored"}));
  EXPECT_EQ(shape(r), "a { }");
}

TEST(ConfigLexer, NestingDeeperThanTheLimitIsAnError) {
  std::string text;
  for (int i = 0; i < 150; ++i) text += "b" + std::to_string(i) + " {\n";
  for (int i = 0; i < 150; ++i) text += "}\n";
  const Lexed r = lex(text);
  EXPECT_EQ(
      messages(r.diagnostics),
      (std::vector<std::string>{"test.conf:101: error: blocks nest more than 100 levels deep; this block is ignored"}));
  // b0 .. b99 hold blocks; b100 is kept as a statement, without its block.
  std::size_t depth = 0;
  const Node* node = &r.tree.statements.at(0);
  for (; !node->children.empty(); node = &node->children[0]) ++depth;
  EXPECT_EQ(depth, 100U);
  EXPECT_EQ(node->keyword, "b100");
  EXPECT_FALSE(node->has_block);
}

// ---- parameters ----

TEST(ConfigLexer, DefinitionIsSubstitutedInLaterLines) {
  const Lexed r = lex("$PRIO=240\nvrrp_instance VI_0 {\n  priority $PRIO\n}\n");
  EXPECT_EQ(shape(r), "vrrp_instance VI_0 { priority 240 }");
  EXPECT_TRUE(r.diagnostics.all().empty());
}

TEST(ConfigLexer, BracedReferenceNeedsNoSpaceAfterIt) {
  EXPECT_EQ(shape(lex("$NET=198.18\nip ${NET}.0.1/24 ${NET},x\n")), "ip 198.18.0.1/24 198.18,x");
}

TEST(ConfigLexer, UnbracedReferenceMustBeFollowedBySpaceCommaParenthesisOrTheEnd) {
  EXPECT_EQ(shape(lex("$S=1\nx $S.0 $S,$S $S\n")), "x $S.0 1,1 1");
}

TEST(ConfigLexer, SubstitutionIsRecursiveAndUsesTheValueAtTimeOfUse) {
  const Lexed r =
      lex("$ADDRESS_BASE=198.18.${ADDRESS_BASE_SUB}\n$ADDRESS_BASE_SUB=0\n${ADDRESS_BASE}.100/32\n"
          "$ADDRESS_BASE_SUB=10\n${ADDRESS_BASE}.100/32\n");
  EXPECT_EQ(shape(r), "198.18.0.100/32; 198.18.10.100/32");
}

TEST(ConfigLexer, EmptyDefinitionIsAllowed) { EXPECT_EQ(shape(lex("$E=\nx a${E}b\n")), "x ab"); }

TEST(ConfigLexer, UndefinedParameterIsKeptAsWrittenWithAWarningOncePerName) {
  const Lexed r = lex("notify /bin/x ${UNDEF} $OTHER\nnotify ${UNDEF}\n");
  EXPECT_EQ(shape(r), "notify /bin/x ${UNDEF} $OTHER; notify ${UNDEF}");
  EXPECT_EQ(
      messages(r.diagnostics),
      (std::vector<std::string>{"test.conf:1: warning: parameter '${UNDEF}' is not defined; it is kept as written",
                                "test.conf:1: warning: parameter '$OTHER' is not defined; it is kept as written"}));
}

TEST(ConfigLexer, DollarNotFollowedByANameIsText) {
  const Lexed r = lex("notify \"/bin/sh -c 'echo $1 $$'\"\n");
  ASSERT_EQ(r.tree.statements.size(), 1U);
  EXPECT_EQ(r.tree.statements[0].args, (std::vector<std::string>{"/bin/sh -c 'echo $1 $$'"}));
  EXPECT_TRUE(r.diagnostics.all().empty());
}

TEST(ConfigLexer, ParameterValueMayOpenABlock) {
  EXPECT_EQ(shape(lex("$OPEN=vrrp_instance VI_1 {\n$OPEN\n state BACKUP\n}\n")), "vrrp_instance VI_1 { state BACKUP }");
}

TEST(ConfigLexer, PredefinedHashAndBangStandForTheCharacters) {
  const Lexed r = lex("x ${_HASH}1 ${_BANG}2\n");
  ASSERT_EQ(r.tree.statements.size(), 1U);
  EXPECT_EQ(r.tree.statements[0].args, (std::vector<std::string>{"#1", "!2"}));
}

TEST(ConfigLexer, PredefinedInstanceIsTheConfigId) {
  EXPECT_EQ(shape(lex("router_id ${_INSTANCE}\n", with_id("lb1"))), "router_id lb1");
}

TEST(ConfigLexer, PredefinedRandomStaysWithinItsBounds) {
  const Lexed r = lex("~SEQ(I, 1, 50) v ${_RANDOM 5 7} ${_RANDOM}\n");
  ASSERT_EQ(r.tree.statements.size(), 50U);
  for (const Node& node : r.tree.statements) {
    const int bounded = std::stoi(node.args.at(0));
    const int plain = std::stoi(node.args.at(1));
    EXPECT_TRUE(bounded >= 5 && bounded <= 7) << bounded;
    EXPECT_TRUE(plain >= 0 && plain <= 32767) << plain;
  }
}

TEST(ConfigLexer, ParameterMayHoldAConditional) {
  const std::string text = "$IF_MAIN=@main\n$IF_MAIN priority 240\n";
  EXPECT_EQ(shape(lex(text, with_id("main"))), "priority 240");
  EXPECT_EQ(shape(lex(text, with_id("backup"))), "");
}

TEST(ConfigLexer, ConditionalDefinitionsSelectTheValue) {
  const std::string text = "@main $PRIORITY=240\n@backup $PRIORITY=200\npriority $PRIORITY\n";
  EXPECT_EQ(shape(lex(text, with_id("main"))), "priority 240");
  EXPECT_EQ(shape(lex(text, with_id("backup"))), "priority 200");
}

// The man page's $INSTANCE example, with @high / @low lines inside the definition.
constexpr std::string_view kInstanceTemplate = R"($INSTANCE= \
vrrp_instance VI_${NUM} { \
    interface eth0.${NUM} \
    @high priority 130 \
    @low priority 120 \
    virtual_ipaddress { \
        198.18.${NUM}.254/24 \
    } \
}

$NUM=0
$INSTANCE

$NUM=1
$INSTANCE
)";

TEST(ConfigLexer, MultiLineDefinitionExpandsToSeveralLines) {
  const Lexed high = lex(kInstanceTemplate, with_id("high"));
  EXPECT_EQ(shape(high),
            "vrrp_instance VI_0 { interface eth0.0; priority 130; virtual_ipaddress { 198.18.0.254/24 } }; "
            "vrrp_instance VI_1 { interface eth0.1; priority 130; virtual_ipaddress { 198.18.1.254/24 } }");
  EXPECT_TRUE(high.diagnostics.all().empty());
  // Generated lines carry the line of the use.
  EXPECT_EQ(high.tree.statements[1].children[0].location.line, 15U);
  EXPECT_EQ(shape(lex(kInstanceTemplate, with_id("low"))),
            "vrrp_instance VI_0 { interface eth0.0; priority 120; virtual_ipaddress { 198.18.0.254/24 } }; "
            "vrrp_instance VI_1 { interface eth0.1; priority 120; virtual_ipaddress { 198.18.1.254/24 } }");
}

TEST(ConfigLexer, MultiLineDefinitionsNest) {
  const Lexed r = lex(R"($RS= \
real_server 198.19.${VS_NUM}.${RS_NUM} 80 { \
    weight 1 \
}
$VS= \
virtual_server 198.18.${VS_NUM}.4 80 { \
    quorum 2 \
    $RS_NUM=1 \
    $RS \
    $RS_NUM=2 \
    $RS \
}
$VS_NUM=0
$VS
$VS_NUM=1
$VS
)");
  EXPECT_EQ(shape(r),
            "virtual_server 198.18.0.4 80 { quorum 2; real_server 198.19.0.1 80 { weight 1 }; "
            "real_server 198.19.0.2 80 { weight 1 } }; "
            "virtual_server 198.18.1.4 80 { quorum 2; real_server 198.19.1.1 80 { weight 1 }; "
            "real_server 198.19.1.2 80 { weight 1 } }");
  EXPECT_TRUE(r.diagnostics.all().empty());
}

TEST(ConfigLexer, MultiLineParameterIsReplacedOnlyAtTheEndOfALine) {
  const Lexed r = lex("$M= a \\\nb\nx $M y\n");
  EXPECT_EQ(shape(r), "x $M y");
  EXPECT_EQ(messages(r.diagnostics),
            (std::vector<std::string>{"test.conf:3: warning: multi-line parameter '$M' is replaced only at the end "
                                      "of a line; it is kept as written"}));
}

TEST(ConfigLexer, EmptyLineEndsAMultiLineDefinitionWithAWarning) {
  // keepalived ends the definition at an empty line, so "c" is a statement of its own.
  const Lexed r = lex("$M= a \\\nb \\\n\nc\n$M\n");
  EXPECT_EQ(shape(r), "c; a; b");
  EXPECT_EQ(messages(r.diagnostics),
            (std::vector<std::string>{"test.conf:1: warning: multi-line definition '$M' ends at an empty line "
                                      "although its last line ends with '\\'"}));
}

TEST(ConfigLexer, TrailingBackslashOutsideADefinitionIsKeptWithAWarning) {
  const Lexed r = lex("a 1 \\\n2\n");
  EXPECT_EQ(shape(r), "a 1 \\; 2");
  EXPECT_EQ(messages(r.diagnostics),
            (std::vector<std::string>{"test.conf:1: warning: a trailing '\\' continues only a $NAME= definition; "
                                      "here it stays part of the text"}));
}

TEST(ConfigLexer, SelfReferentialDefinitionIsAnErrorNotAHang) {
  const Lexed r = lex("$A=x${A}\nv $A\nw\n");
  EXPECT_EQ(messages(r.diagnostics),
            (std::vector<std::string>{"test.conf:2: error: parameter '${A}' is nested more than 32 levels deep "
                                      "(does a definition refer to itself?)"}));
  EXPECT_EQ(shape(r), "w");
}

TEST(ConfigLexer, ExponentiallyGrowingDefinitionIsBounded) {
  std::string text = "$A0=" + std::string(256, 'x') + "\n";
  for (int i = 1; i <= 30; ++i) {
    text += "$A" + std::to_string(i) + "=${A" + std::to_string(i - 1) + "}${A" + std::to_string(i - 1) + "}\n";
  }
  text += "v $A30\n";
  const Lexed r = lex(text);
  EXPECT_EQ(messages(r.diagnostics),
            (std::vector<std::string>{
                "test.conf:32: error: line grows beyond 1048576 bytes while substituting parameters; it is ignored"}));
  EXPECT_TRUE(r.tree.statements.empty());
}

TEST(ConfigLexer, ExponentiallyManyEmptySubstitutionsAreBounded) {
  std::string text = "$E=\n";
  for (int level = 1; level <= 4; ++level) {
    text += "$L" + std::to_string(level) + "=";
    for (int i = 0; i < 100; ++i)
      text += "${" + (level == 1 ? std::string{"E"} : "L" + std::to_string(level - 1)) + "}";
    text += "\n";
  }
  text += "v $L4\n";
  const Lexed r = lex(text);
  EXPECT_EQ(messages(r.diagnostics),
            (std::vector<std::string>{
                "test.conf:6: error: more than 100000 parameter substitutions in one line; it is ignored"}));
}

TEST(ConfigLexer, MultiLineParameterUsingItselfStopsAtTheLineLimit) {
  const Lexed r = lex("$M= a \\\n$M\n$M\n", ReadOptions{.max_expanded_lines = 1000});
  ASSERT_EQ(r.diagnostics.all().size(), 1U);
  EXPECT_EQ(r.diagnostics.all()[0].to_string(),
            "test.conf:3: error: the configuration expands to more than 1000 lines; reading stops here (check ~SEQ "
            "ranges, ~LST lists and parameters that use themselves)");
  EXPECT_LT(r.tree.statements.size(), 1000U);
}

// ---- conditionals ----

constexpr std::string_view kConditional = R"(global_defs {
    @main   router_id main_router
    @backup router_id backup_router
}
vrrp_instance VRRP {
    @main    unicast_src_ip 1.2.3.4
    @backup  unicast_src_ip 1.2.3.5
    @backup2 unicast_src_ip 1.2.3.6
    unicast_peer {
        @^main    1.2.3.4
        @^backup  1.2.3.5
        @^backup2 1.2.3.6
    }
}
)";

TEST(ConfigLexer, ConditionalLinesAreKeptOnlyForTheirConfigId) {
  EXPECT_EQ(shape(lex(kConditional, with_id("main"))),
            "global_defs { router_id main_router }; "
            "vrrp_instance VRRP { unicast_src_ip 1.2.3.4; unicast_peer { 1.2.3.5; 1.2.3.6 } }");
  EXPECT_EQ(shape(lex(kConditional, with_id("backup"))),
            "global_defs { router_id backup_router }; "
            "vrrp_instance VRRP { unicast_src_ip 1.2.3.5; unicast_peer { 1.2.3.4; 1.2.3.6 } }");
  EXPECT_EQ(shape(lex(kConditional, with_id("other"))),
            "global_defs { }; vrrp_instance VRRP { unicast_peer { 1.2.3.4; 1.2.3.5; 1.2.3.6 } }");
}

TEST(ConfigLexer, ConditionalAfterABraceCoversTheStatementUpToTheNextBrace) {
  const std::string text = "unicast_peer { @^main 1.2.3.4 } x { @main \"a } b\" } y\n";
  EXPECT_EQ(shape(lex(text, with_id("main"))), "unicast_peer { }; x { a } b }; y");
  EXPECT_EQ(shape(lex(text, with_id("backup"))), "unicast_peer { 1.2.3.4 }; x { }; y");
}

TEST(ConfigLexer, ConditionalWithNothingAfterTheIdIsDropped) {
  EXPECT_EQ(shape(lex("@main\n@^x\nkept\n", with_id("main"))), "kept");
}

TEST(ConfigLexer, EmptyConfigIdMeansTheFirstLabelOfTheHostName) {
  char host[256] = {};
  ASSERT_EQ(::gethostname(host, sizeof host - 1), 0);
  const std::string label = std::string{host}.substr(0, std::string{host}.find('.'));
  EXPECT_EQ(shape(lex("@" + label + " mine\n@not-" + label + " other\n")), "mine");
}

// ---- ~SEQ and ~LST ----

TEST(ConfigLexer, SeqRepeatsTheRestOfTheLineWithTheVariableSet) {
  EXPECT_EQ(shape(lex("~SEQ(SUBNET, 0, 3) ip_address 198.18.${SUBNET}.1\n")),
            "ip_address 198.18.0.1; ip_address 198.18.1.1; ip_address 198.18.2.1; ip_address 198.18.3.1");
}

TEST(ConfigLexer, SeqDefaultsFollowKeepalived) {
  EXPECT_EQ(shape(lex("~SEQ(N, 3) a$N\n")), "a1; a2; a3");
  EXPECT_EQ(shape(lex("~SEQ(N, -2) a$N\n")), "a-1; a-2");
  EXPECT_EQ(shape(lex("~SEQ(N, 0) a$N\n")), "a1; a0");
  EXPECT_EQ(shape(lex("~SEQ(N, 3, 1) a$N\n")), "a3; a2; a1");
  EXPECT_EQ(shape(lex("~SEQ(N, 1, 2, 6) a$N\n")), "a1; a3; a5");
}

TEST(ConfigLexer, SeqxWritesTheValueInHex) {
  EXPECT_EQ(shape(lex("~SEQx(SUBNET, 0x90, 0x10, 0xc0) ip_address fe80::20:${SUBNET}:1\n")),
            "ip_address fe80::20:90:1; ip_address fe80::20:a0:1; ip_address fe80::20:b0:1; ip_address fe80::20:c0:1");
}

TEST(ConfigLexer, SeqsNestInsideABlock) {
  const Lexed r =
      lex("virtual_ipaddress {\n  ~SEQx(AD2, 0x90, 0x10, 0xc0) ~SEQx(AD1, 0x12, -1, 0x0c) "
          "fe81::10:${AD2}:${AD1}\n}\n");
  ASSERT_EQ(r.tree.statements.size(), 1U);
  const std::vector<Node>& vips = r.tree.statements[0].children;
  ASSERT_EQ(vips.size(), 28U);
  EXPECT_EQ(vips.front().keyword, "fe81::10:90:12");
  EXPECT_EQ(vips[6].keyword, "fe81::10:90:c");
  EXPECT_EQ(vips.back().keyword, "fe81::10:c0:c");
  EXPECT_EQ(vips.back().location.line, 2U);
}

TEST(ConfigLexer, SeqRepeatsAMultiLineParameter) {
  EXPECT_EQ(shape(lex("$B= \\\nb${N} { \\\n  c${N} \\\n}\n~SEQ(N, 1, 2) $B\n")), "b1 { c1 }; b2 { c2 }");
}

TEST(ConfigLexer, SeqArgumentsMayUseParameters) {
  EXPECT_EQ(shape(lex("$LAST=3\n~SEQ(N, 1, $LAST) a$N\n")), "a1; a2; a3");
}

TEST(ConfigLexer, SeqNearTheLargestNumberDoesNotOverflow) {
  EXPECT_EQ(shape(lex("~SEQ(N, 9223372036854775806, 9223372036854775807) $N\n")),
            "9223372036854775806; 9223372036854775807");
}

TEST(ConfigLexer, InvalidSeqIsAnErrorNamingTheProblem) {
  EXPECT_EQ(
      messages(lex("~SEQ(N, 1, -1, 5) x\n").diagnostics),
      (std::vector<std::string>{
          "test.conf:1: error: invalid ~SEQ specification '~SEQ(N, 1, -1, 5) x': step -1 never goes from 1 to 5"}));
  EXPECT_EQ(messages(lex("~SEQ(1N, 3) x\n").diagnostics),
            (std::vector<std::string>{
                "test.conf:1: error: invalid ~SEQ specification '~SEQ(1N, 3) x': '1N' is not a valid variable name"}));
  EXPECT_EQ(messages(lex("~SEQ N, 3\n").diagnostics),
            (std::vector<std::string>{"test.conf:1: error: invalid ~SEQ specification '~SEQ N, 3': '(' expected "
                                      "after ~SEQ"}));
  EXPECT_EQ(messages(lex("~SEQ(N, 3 x\n").diagnostics),
            (std::vector<std::string>{"test.conf:1: error: invalid ~SEQ specification '~SEQ(N, 3 x': missing ')'"}));
  EXPECT_EQ(
      messages(lex("~SEQ(N, x) y\n").diagnostics),
      (std::vector<std::string>{"test.conf:1: error: invalid ~SEQ specification '~SEQ(N, x) y': 'x' is not a number"}));
  EXPECT_EQ(messages(lex("~SEQx(N, -1, 3) y\n").diagnostics),
            (std::vector<std::string>{"test.conf:1: error: invalid ~SEQ specification '~SEQx(N, -1, 3) y': ~SEQx is "
                                      "only valid for positive numbers"}));
}

TEST(ConfigLexer, ExpansionBeyondTheLineLimitIsAnError) {
  const Lexed r = lex("a {\n~SEQ(N, 1, 9223372036854775807) x$N\n}\n", ReadOptions{.max_expanded_lines = 100});
  EXPECT_EQ(
      messages(r.diagnostics),
      (std::vector<std::string>{"test.conf:2: error: the configuration expands to more than 100 lines; reading "
                                "stops here (check ~SEQ ranges, ~LST lists and parameters that use themselves)"}));
  ASSERT_EQ(r.tree.statements.size(), 1U);
  EXPECT_EQ(r.tree.statements[0].children.size(), 98U);
}

TEST(ConfigLexer, GeneratedTextIsBoundedAt256BytesPerAllowedLine) {
  // Sixteen doublings make a 64 KiB line; repeating it would cost memory, not lines.
  std::string text = "$A0=xxxx\n";
  for (int i = 1; i <= 14; ++i) {
    text += "$A" + std::to_string(i) + "=${A" + std::to_string(i - 1) + "}${A" + std::to_string(i - 1) + "}\n";
  }
  text += "~SEQ(N, 1, 500) v $A14\n";
  const Lexed r = lex(text, ReadOptions{.max_expanded_lines = 1000});
  EXPECT_EQ(messages(r.diagnostics),
            (std::vector<std::string>{"test.conf:16: error: the configuration expands to more than 256000 bytes; "
                                      "reading stops here (check ~SEQ ranges, ~LST lists and parameters that use "
                                      "themselves)"}));
  EXPECT_EQ(r.tree.statements.size(), 3U);
}

TEST(ConfigLexer, LstRepeatsTheLineForEachValue) {
  EXPECT_EQ(shape(lex("~LST(L, a, b, c) x${L}\n")), "xa; xb; xc");
  EXPECT_EQ(shape(lex("~LST({IP, IP1}, {10,1},{20,4},{5,6}) 198.19.${IP}.${IP1}\n")),
            "198.19.10.1; 198.19.20.4; 198.19.5.6");
}

TEST(ConfigLexer, LstAndSeqCombine) {
  EXPECT_EQ(shape(lex("~LST({IP, IP1}, {10,1},{20,4}) ~SEQ(IP2,18,1,19) 198.${IP2}.${IP}.${IP1}\n")),
            "198.18.10.1; 198.19.10.1; 198.18.20.4; 198.19.20.4");
}

TEST(ConfigLexer, LstValueWithASpaceIsAnError) {
  EXPECT_EQ(messages(lex("~LST(L, a, b c, d) x\n").diagnostics),
            (std::vector<std::string>{
                "test.conf:1: error: invalid ~LST specification '~LST(L, a, b c, d) x': 'b c' is not a single word"}));
  EXPECT_EQ(messages(lex("~LST({A, B}, {1,2}, {3}) x\n").diagnostics),
            (std::vector<std::string>{"test.conf:1: error: invalid ~LST specification '~LST({A, B}, {1,2}, {3}) x': "
                                      "'{3}' has 1 values for 2 variables"}));
}

// ---- include ----

TEST_F(IncludeTest, IncludeSplicesTheFileWhereItStands) {
  dir_.write("main.conf", "a\ninclude inc.conf\nb\n");
  dir_.write("inc.conf", "x 1\ny 2\n");
  const Lexed r = read("main.conf");
  EXPECT_EQ(shape(r), "a; x 1; y 2; b");
  EXPECT_TRUE(r.diagnostics.all().empty());
  EXPECT_EQ(r.tree.statements[2].location.to_string(), dir_.str("inc.conf") + ":2");
  EXPECT_EQ(r.tree.statements[3].location.to_string(), dir_.str("main.conf") + ":3");
}

TEST_F(IncludeTest, IncludeInsideABlockAddsToThatBlock) {
  dir_.write("main.conf", "virtual_server 198.18.0.1 80 {\n  include reals.conf\n  delay_loop 6 }\n");
  dir_.write("reals.conf", "real_server 198.18.1.1 80 {\n  weight 1\n}\n");
  EXPECT_EQ(shape(read("main.conf")),
            "virtual_server 198.18.0.1 80 { real_server 198.18.1.1 80 { weight 1 }; delay_loop 6 }");
}

TEST_F(IncludeTest, IncludeWithAWildcardReadsTheMatchesInSortedOrder) {
  dir_.write("main.conf", "include conf.d/*.conf\n");
  dir_.write("conf.d/b.conf", "b\n");
  dir_.write("conf.d/a.conf", "a\n");
  dir_.write("conf.d/c.txt", "c\n");
  fs::create_directories(dir_.str("conf.d/d.conf"));  // directories are skipped
  const Lexed r = read("main.conf");
  EXPECT_EQ(shape(r), "a; b");
  EXPECT_TRUE(r.diagnostics.all().empty());
}

TEST_F(IncludeTest, IncludeWithBracesReadsEachAlternativeInOrder) {
  dir_.write("main.conf", "include \"{foo/{,cat,dog},bar}.conf\"\ninclude {z,a}.x\n");
  dir_.write("foo/cat.conf", "cat\n");
  dir_.write("foo/dog.conf", "dog\n");
  dir_.write("bar.conf", "bar\n");
  dir_.write("z.x", "z\n");
  dir_.write("a.x", "a\n");
  const Lexed r = read("main.conf");
  EXPECT_EQ(shape(r), "cat; dog; bar; z; a");
  EXPECT_TRUE(r.diagnostics.all().empty());
}

TEST_F(IncludeTest, RelativeIncludeIsRelativeToTheIncludingFile) {
  dir_.write("main.conf", "include sub/a.conf\n");
  dir_.write("sub/a.conf", "a\ninclude b.conf\n");
  dir_.write("sub/b.conf", "b ${_PWD}\n");
  dir_.write("b.conf", "wrong\n");
  const Lexed r = read("main.conf");
  EXPECT_EQ(shape(r), "a; b " + fs::absolute(dir_.str("sub")).lexically_normal().string());
  EXPECT_TRUE(r.diagnostics.all().empty());
}

TEST_F(IncludeTest, DefinitionsCarryAcrossIncludes) {
  dir_.write("main.conf", "include defs.conf\npriority $PRIO\n");
  dir_.write("defs.conf", "$PRIO=150\n");
  EXPECT_EQ(shape(read("main.conf")), "priority 150");
}

TEST_F(IncludeTest, IncludeInsideAConditionalOrSeqIsRead) {
  dir_.write("main.conf", "@a include a.conf\n@b include b.conf\n~SEQ(N, 1, 2) include n${N}.conf\n");
  dir_.write("a.conf", "a\n");
  dir_.write("b.conf", "b\n");
  dir_.write("n1.conf", "n1\n");
  dir_.write("n2.conf", "n2\n");
  EXPECT_EQ(shape(read("main.conf", with_id("a"))), "a; n1; n2");
}

TEST_F(IncludeTest, MissingFileForPlainIncludeIsAWarning) {
  dir_.write("main.conf", "a\ninclude nothere.conf\ninclude none.d/*.conf\nb\n");
  const Lexed r = read("main.conf");
  EXPECT_EQ(shape(r), "a; b");
  EXPECT_EQ(messages(r.diagnostics), (std::vector<std::string>{dir_.str("main.conf") + ":2: warning: include file '" +
                                                               dir_.str("nothere.conf") + "' does not exist"}));
}

TEST_F(IncludeTest, CheckingIncludeVariantsMakeMissingFilesErrors) {
  dir_.write("main.conf",
             "includem nothere.conf\nincludem none*.conf\nincludew none*.conf\nincludeb {a,zz}.conf\n"
             "includea gone.conf\n");
  dir_.write("a.conf", "a\n");
  const Lexed r = read("main.conf");
  const std::string main = dir_.str("main.conf");
  EXPECT_EQ(
      messages(r.diagnostics),
      (std::vector<std::string>{main + ":1: error: include file '" + dir_.str("nothere.conf") + "' does not exist",
                                main + ":3: error: no file matches include pattern '" + dir_.str("none*.conf") + "'",
                                main + ":4: error: include alternative '" + dir_.str("zz.conf") + "' of '" +
                                    dir_.str("{a,zz}.conf") + "' matches no file",
                                main + ":5: error: include file '" + dir_.str("gone.conf") + "' does not exist"}));
  EXPECT_EQ(shape(r), "a");
}

TEST_F(IncludeTest, IncluderMakesAnUnreadableFileAnError) {
  dir_.write("main.conf", "include run.conf\nincluder run.conf\n");
  fs::permissions(dir_.write("run.conf", "x\n"), fs::perms::owner_all);
  const Lexed r = read("main.conf");
  const std::string reason = "cannot read include file '" + dir_.str("run.conf") +
                             "': it is executable (keepalived refuses executable configuration files)";
  EXPECT_EQ(messages(r.diagnostics), (std::vector<std::string>{dir_.str("main.conf") + ":1: warning: " + reason,
                                                               dir_.str("main.conf") + ":2: error: " + reason}));
  EXPECT_TRUE(r.tree.statements.empty());
}

TEST_F(IncludeTest, IncludeCheckAppliesToTheIncludesThatFollow) {
  dir_.write("main.conf", "include gone1.conf\nglobal_defs {\n  include_check\n}\ninclude gone2.conf\n");
  const Lexed r = read("main.conf");
  EXPECT_EQ(messages(r.diagnostics),
            (std::vector<std::string>{
                dir_.str("main.conf") + ":1: warning: include file '" + dir_.str("gone1.conf") + "' does not exist",
                dir_.str("main.conf") + ":5: error: include file '" + dir_.str("gone2.conf") + "' does not exist"}));
  EXPECT_EQ(shape(r), "global_defs { include_check }");
}

TEST_F(IncludeTest, IncludeCycleIsAnErrorNotAHang) {
  dir_.write("main.conf", "include a.conf\n");
  dir_.write("a.conf", "a\ninclude b.conf\n");
  dir_.write("b.conf", "b\ninclude a.conf\ninclude main.conf\n");
  const Lexed r = read("main.conf");
  EXPECT_EQ(shape(r), "a; b");
  EXPECT_EQ(
      messages(r.diagnostics),
      (std::vector<std::string>{
          dir_.str("b.conf") + ":2: error: include cycle: '" + dir_.str("a.conf") + "' is already being read",
          dir_.str("b.conf") + ":3: error: include cycle: '" + dir_.str("main.conf") + "' is already being read"}));
}

TEST_F(IncludeTest, IncludeDepthIsLimited) {
  dir_.write("main.conf", "include d1.conf\n");
  dir_.write("d1.conf", "d1\ninclude d2.conf\n");
  dir_.write("d2.conf", "d2\ninclude d3.conf\n");
  dir_.write("d3.conf", "d3\n");
  const Lexed r = read("main.conf", ReadOptions{.max_include_depth = 2});
  EXPECT_EQ(shape(r), "d1; d2");
  EXPECT_EQ(messages(r.diagnostics),
            (std::vector<std::string>{dir_.str("d2.conf") +
                                      ":2: error: includes nest more than 2 levels deep; 'd3.conf' is not read (do "
                                      "files include each other?)"}));
}

TEST_F(IncludeTest, IncludeNeedsExactlyOneFileName) {
  dir_.write("main.conf", "include\ninclude a b\ninclude x {\n  y\n}\nz\n");
  const Lexed r = read("main.conf");
  const std::string main = dir_.str("main.conf");
  EXPECT_EQ(messages(r.diagnostics),
            (std::vector<std::string>{
                main + ":1: error: 'include' needs exactly one file name (quote a name that contains spaces)",
                main + ":2: error: 'include' needs exactly one file name (quote a name that contains spaces)",
                main + ":3: error: 'include' cannot open a block; the block is ignored"}));
  EXPECT_EQ(shape(r), "z");
}

TEST_F(IncludeTest, BracesMustBalanceWithinEachIncludedFile) {
  dir_.write("main.conf", "a {\n  include open.conf\n  include close.conf\n}\n");
  dir_.write("open.conf", "b {\n");
  dir_.write("close.conf", "}\n");
  const Lexed r = read("main.conf");
  EXPECT_EQ(messages(r.diagnostics),
            (std::vector<std::string>{dir_.str("open.conf") + ":1: error: block 'b' opened here is never closed",
                                      dir_.str("close.conf") + ":1: error: unexpected '}' with no open block"}));
  EXPECT_EQ(shape(r), "a { b { } }");
}

TEST_F(IncludeTest, MissingTopLevelFileIsAnErrorNamingThePath) {
  const Lexed r = read("nothere.conf");
  EXPECT_EQ(messages(r.diagnostics),
            (std::vector<std::string>{dir_.str("nothere.conf") + ":0: error: cannot read configuration file '" +
                                      dir_.str("nothere.conf") + "': No such file or directory"}));
  EXPECT_TRUE(r.tree.statements.empty());
}

TEST_F(IncludeTest, TopLevelDirectoryIsAnError) {
  fs::create_directories(dir_.str("conf"));
  const Lexed r = read("conf");
  EXPECT_EQ(messages(r.diagnostics),
            (std::vector<std::string>{dir_.str("conf") + ":0: error: cannot read configuration file '" +
                                      dir_.str("conf") + "': it is not a regular file"}));
}

// ---- robustness and scale ----

TEST(ConfigLexer, TooManyProblemsAreCapped) {
  const Lexed r = lex("~SEQ(N, 1, 5000) }\n");
  EXPECT_EQ(r.diagnostics.error_count(), 1001U);
  EXPECT_EQ(r.diagnostics.all().back().message,
            "too many errors; further configuration syntax errors are not reported");
}

TEST(ConfigLexer, NulBytesAreOrdinaryCharacters) {
  const std::string text{"a\0b c\n\0\n", 8};
  const Lexed r = lex(text);
  ASSERT_EQ(r.tree.statements.size(), 2U);
  EXPECT_EQ(r.tree.statements[0].keyword, std::string("a\0b", 3));
}

TEST(ConfigLexer, RandomBytesNeverBreakTheLexer) {
  // Bytes weighted toward the characters the lexer treats specially.
  constexpr std::string_view kAlphabet = "{}\"'\\$@^~#!\n\n  \tabcSEQLSTx(),=0123456789_";
  std::mt19937 random{12345};
  const ReadOptions options{.max_expanded_lines = 20'000};
  std::size_t statements = 0;
  for (int round = 0; round < 3000; ++round) {
    std::string text;
    const std::size_t length = random() % 300;
    for (std::size_t i = 0; i < length; ++i) {
      text.push_back(random() % 4 == 0 ? static_cast<char>(random() % 256) : kAlphabet[random() % kAlphabet.size()]);
    }
    if (round % 7 == 0) text = "~SEQ(N, 1, 50) " + text;
    if (round % 11 == 0) text = "$X=" + text + "\n$X\n${X}\n";
    const Lexed r = lex(text, options);
    statements += r.tree.statements.size();
  }
  EXPECT_GT(statements, 0U);
}

TEST(ConfigLexer, LargeGeneratedConfigKeepsEveryStatement) {
  std::string text;
  text.reserve(8 << 20);
  for (int vs = 0; vs < 10'000; ++vs) {
    const std::string net = std::to_string(vs / 250) + "." + std::to_string(vs % 250);
    text += "virtual_server 10." + net + ".1 80 {\n    delay_loop 6\n    lb_algo rr\n    lb_kind NAT\n";
    for (int rs = 1; rs <= 8; ++rs) {
      text += "    real_server 192." + net + "." + std::to_string(rs) + " 80 {\n        weight 1\n";
      text += "        TCP_CHECK {\n            connect_timeout 3\n        }\n    }\n";
    }
    text += "}\n";
  }
  const Lexed r = lex(text);
  EXPECT_TRUE(r.diagnostics.all().empty());
  ASSERT_EQ(r.tree.statements.size(), 10'000U);
  EXPECT_EQ(r.tree.statements.back().children.size(), 11U);
  EXPECT_EQ(r.tree.statements.back().children.back().children[1].children[0].args[0], "3");
}

}  // namespace
}  // namespace keel::config

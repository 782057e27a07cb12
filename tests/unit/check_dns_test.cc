// check/dns: DNS_CHECK's query (RFC 1035 §4.1, bytes as dig would send them) and the
// reply parse with compression pointers, loops and truncation, and keepalived's verdict.
#include <gtest/gtest.h>

#include <string>
#include <string_view>
#include <vector>

#include "check/dns/dns_message.h"

namespace keel::check::dns {
namespace {

std::vector<std::byte> bytes(std::initializer_list<int> values) {
  std::vector<std::byte> out;
  for (int v : values) out.push_back(static_cast<std::byte>(v));
  return out;
}

void append(std::vector<std::byte>& to, const std::vector<std::byte>& more) {
  to.insert(to.end(), more.begin(), more.end());
}

TEST(DnsQuery, EncodesIdFlagsQuestionTypeAndClass) {
  const auto query = build_query({.id = 0x1234, .name = "www.example.com", .type = config::DnsType::kA});
  ASSERT_TRUE(query);
  EXPECT_EQ(*query, bytes({0x12, 0x34, 0x01, 0x00, 0, 1,   0,   0,   0,   0,   0,   0,  // header: RD, QDCOUNT 1
                           3,    'w',  'w',  'w',  7, 'e', 'x', 'a', 'm', 'p', 'l', 'e', 3, 'c', 'o', 'm', 0,  // QNAME
                           0,    1,    0,    1}));                                                             // A, IN
}

TEST(DnsQuery, RootAndTrailingDotAndEveryType) {
  const auto root = build_query({.id = 1, .name = ".", .type = config::DnsType::kSoa, .recursion_desired = false});
  ASSERT_TRUE(root);
  EXPECT_EQ(*root, bytes({0, 1, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 6, 0, 1}));
  EXPECT_EQ(build_query({.name = "example.org."}).value(), build_query({.name = "example.org"}).value());
  EXPECT_EQ(type_code(config::DnsType::kAaaa), 28);
  EXPECT_EQ(type_code(config::DnsType::kMx), 15);
  EXPECT_EQ(type_code(config::DnsType::kTxt), 16);
  EXPECT_EQ(type_code(config::DnsType::kNs), 2);
  EXPECT_EQ(type_code(config::DnsType::kCname), 5);
  EXPECT_EQ(type_name(config::DnsType::kAaaa), "AAAA");
}

TEST(DnsQuery, RefusesNamesThatCannotBeEncoded) {
  EXPECT_EQ(build_query({.name = "a..b"}).error().kind, DnsErrorKind::kBadName);
  EXPECT_EQ(build_query({.name = ".a"}).error().kind, DnsErrorKind::kBadName);
  EXPECT_EQ(build_query({.name = std::string(64, 'a') + ".org"}).error().kind, DnsErrorKind::kBadName);
  std::string long_name;
  for (int i = 0; i < 51; ++i) long_name += "abcd.";  // 1 + 51 * 5 = 256 octets
  EXPECT_EQ(build_query({.name = long_name}).error().message(), "bad query name: name longer than 255 octets");
  EXPECT_TRUE(build_query({.name = std::string(63, 'a')}));
}

// A reply to the www.example.com A query: the answer's name is a pointer to the question.
std::vector<std::byte> example_reply(int rcode = 0) {
  auto reply = build_query({.id = 0x1234, .name = "www.example.com", .type = config::DnsType::kA}).value();
  reply[2] = std::byte{0x81};                       // QR, RD
  reply[3] = static_cast<std::byte>(0x80 | rcode);  // RA, RCODE
  reply[7] = std::byte{1};                          // ANCOUNT
  append(reply, bytes({0xc0, 12, 0, 1, 0, 1, 0, 0, 0x0e, 0x10, 0, 4, 198, 18, 0, 53}));
  return reply;
}

TEST(DnsResponse, ParsesHeaderQuestionAndCompressedAnswer) {
  const auto message = parse_message(example_reply());
  ASSERT_TRUE(message) << message.error().message();
  EXPECT_EQ(message->header.id, 0x1234);
  EXPECT_TRUE(message->header.response);
  EXPECT_TRUE(message->header.recursion_desired);
  EXPECT_TRUE(message->header.recursion_available);
  EXPECT_EQ(message->header.rcode, 0);
  ASSERT_EQ(message->questions.size(), 1u);
  EXPECT_EQ(message->questions[0], (Question{"www.example.com", 1, kClassIn}));
  ASSERT_EQ(message->answers.size(), 1u);
  EXPECT_EQ(message->answers[0].name, "www.example.com");
  EXPECT_EQ(message->answers[0].ttl, 3600u);
  EXPECT_EQ(message->answers[0].rdata, bytes({198, 18, 0, 53}));
}

TEST(DnsResponse, FollowsPointerChainsIntoTheMiddleOfNames) {
  // "mail" + pointer to "example.com" inside the question name at offset 16.
  auto reply = example_reply();
  reply[7] = std::byte{2};
  append(reply, bytes({4, 'm', 'a', 'i', 'l', 0xc0, 16, 0, 1, 0, 1, 0, 0, 0, 1, 0, 4, 198, 18, 0, 25}));
  const auto message = parse_message(reply);
  ASSERT_TRUE(message) << message.error().message();
  EXPECT_EQ(message->answers[1].name, "mail.example.com");
}

TEST(DnsResponse, RejectsPointerLoopsAndForwardPointers) {
  auto self = example_reply();
  self[34] = std::byte{33};  // the answer's pointer (at offset 33) now points at itself
  EXPECT_EQ(parse_message(self).error().kind, DnsErrorKind::kBadPointer);

  // Two pointers pointing at each other: the forward one is refused before any loop.
  auto pair = bytes({0, 1, 0x80, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0xc0, 14, 0xc0, 12, 0, 1, 0, 1});
  EXPECT_EQ(parse_message(pair).error().kind, DnsErrorKind::kBadPointer);
}

TEST(DnsResponse, RejectsOverlongNamesBuiltFromPointers) {
  // Each label "x" points back at the previous one: 130 labels, 260 octets decoded.
  auto message = bytes({0, 1, 0x80, 0, 0, 1, 0, 0, 0, 0, 0, 0, 1, 'x', 0});
  std::size_t previous = 12;
  for (int i = 0; i < 130; ++i) {
    const std::size_t here = message.size();
    append(message, bytes({1, 'x', 0xc0 | static_cast<int>(previous >> 8), static_cast<int>(previous & 0xff)}));
    previous = here;
  }
  std::size_t offset = previous;
  EXPECT_EQ(read_name(message, offset).error().kind, DnsErrorKind::kNameTooLong);
}

TEST(DnsResponse, RejectsReservedLabelTypesAndTruncation) {
  auto reserved = bytes({0, 1, 0x80, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0x41, 0, 0, 1, 0, 1});
  EXPECT_EQ(parse_message(reserved).error().kind, DnsErrorKind::kBadLabel);
  const auto full = example_reply();
  for (std::size_t length = 0; length < full.size(); ++length) {
    const std::vector<std::byte> cut(full.begin(), full.begin() + static_cast<std::ptrdiff_t>(length));
    const auto parsed = parse_message(cut);
    ASSERT_FALSE(parsed) << "cut at " << length;
    EXPECT_EQ(parsed.error().kind, DnsErrorKind::kTruncated) << "cut at " << length;
  }
}

TEST(DnsResponse, EscapesUnprintableLabelBytes) {
  auto message = bytes({0, 1, 0x80, 0, 0, 1, 0, 0, 0, 0, 0, 0, 3, 'a', '.', 10, 0, 0, 1, 0, 1});
  std::size_t offset = 12;
  EXPECT_EQ(read_name(message, offset).value(), "a\\.\\010");
  EXPECT_EQ(offset, 17u);
}

TEST(DnsVerdict, FollowsKeepalivedIgnoringForeignDatagrams) {
  EXPECT_EQ(judge_reply(0x1234, example_reply()).disposition, ReplyDisposition::kHealthy);
  EXPECT_EQ(judge_reply(0x4321, example_reply()).disposition, ReplyDisposition::kIgnore);
  EXPECT_EQ(judge_reply(0x1234, bytes({0x12, 0x34, 0x81})).disposition, ReplyDisposition::kIgnore);
  auto query = build_query({.id = 0x1234, .name = "www.example.com", .type = config::DnsType::kA}).value();
  EXPECT_EQ(judge_reply(0x1234, query).reason, "a query, not a response");
}

TEST(DnsVerdict, ErrorRcodeOrMalformedReplyIsUnhealthy) {
  const ReplyVerdict nxdomain = judge_reply(0x1234, example_reply(3));
  EXPECT_EQ(nxdomain.disposition, ReplyDisposition::kUnhealthy);
  EXPECT_EQ(nxdomain.reason, "error response NXDOMAIN");
  EXPECT_EQ(judge_reply(0x1234, example_reply(2)).reason, "error response SERVFAIL");
  auto cut = example_reply();
  cut.resize(cut.size() - 2);
  const ReplyVerdict malformed = judge_reply(0x1234, cut);
  EXPECT_EQ(malformed.disposition, ReplyDisposition::kUnhealthy);
  EXPECT_EQ(malformed.reason, "malformed response: message truncated: in answer data");
}

TEST(DnsVerdict, AnEmptyAnswerIsStillHealthyAsInKeepalived) {
  auto reply = build_query({.id = 9, .name = "example.com", .type = config::DnsType::kMx}).value();
  reply[2] = std::byte{0x81};
  EXPECT_EQ(judge_reply(9, reply).disposition, ReplyDisposition::kHealthy);
}

}  // namespace
}  // namespace keel::check::dns

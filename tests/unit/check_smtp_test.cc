// check/smtp: the reply parser (RFC 5321 §4.2, single and multi-line, every split) and the
// SMTP_CHECK dialogue banner -> HELO -> QUIT as keepalived's check_smtp.c runs it.
#include <gtest/gtest.h>

#include <string>
#include <string_view>
#include <vector>

#include "check/smtp/reply_parser.h"
#include "check/smtp/smtp_dialogue.h"

namespace keel::check::smtp {
namespace {

struct Parsed {
  std::vector<Reply> replies;
  std::optional<ReplyError> error;
  friend bool operator==(const Parsed&, const Parsed&) = default;
};

Parsed parse_pieces(const std::vector<std::string_view>& pieces) {
  Parsed out;
  ReplyParser parser;
  for (std::string_view piece : pieces) {
    while (!piece.empty()) {
      auto used = parser.feed(piece);
      if (!used) {
        out.error = used.error();
        return out;
      }
      piece.remove_prefix(*used);
      if (parser.has_reply()) out.replies.push_back(parser.take_reply());
    }
  }
  return out;
}

Parsed parse_at_every_split(std::string_view text) {
  const Parsed whole = parse_pieces({text});
  for (std::size_t split = 0; split <= text.size(); ++split) {
    EXPECT_EQ(parse_pieces({text.substr(0, split), text.substr(split)}), whole) << "split at " << split;
  }
  return whole;
}

TEST(SmtpReplyParser, ReadsSingleLineReplies) {
  const Parsed out = parse_at_every_split("220 mail.example.org ESMTP ready\r\n");
  ASSERT_FALSE(out.error);
  ASSERT_EQ(out.replies.size(), 1u);
  EXPECT_EQ(out.replies[0].code, 220);
  EXPECT_EQ(out.replies[0].reply_class(), ReplyClass::kPositiveCompletion);
  EXPECT_EQ(out.replies[0].lines, std::vector<std::string>{"mail.example.org ESMTP ready"});
}

TEST(SmtpReplyParser, ReadsMultiLineRepliesAsOne) {
  const Parsed out =
      parse_at_every_split("250-mail.example.org\r\n250-PIPELINING\r\n250-SIZE 1000\r\n250 HELP\r\n221 bye\r\n");
  ASSERT_FALSE(out.error);
  ASSERT_EQ(out.replies.size(), 2u);
  EXPECT_EQ(out.replies[0].code, 250);
  EXPECT_EQ(out.replies[0].lines, (std::vector<std::string>{"mail.example.org", "PIPELINING", "SIZE 1000", "HELP"}));
  EXPECT_EQ(out.replies[1].code, 221);
}

TEST(SmtpReplyParser, AcceptsBareCodesAndBareLineFeeds) {
  const Parsed out = parse_at_every_split("250\n354-go\n354 on\n");
  ASSERT_FALSE(out.error);
  ASSERT_EQ(out.replies.size(), 2u);
  EXPECT_EQ(out.replies[0].lines, std::vector<std::string>{""});
  EXPECT_EQ(out.replies[1].reply_class(), ReplyClass::kPositiveIntermediate);
}

TEST(SmtpReplyParser, KnowsTheCodeClasses) {
  EXPECT_EQ((Reply{.code = 421}).reply_class(), ReplyClass::kTransientNegative);
  EXPECT_EQ((Reply{.code = 554}).reply_class(), ReplyClass::kPermanentNegative);
}

TEST(SmtpReplyParser, RejectsMalformedReplies) {
  EXPECT_EQ(parse_at_every_split("hello\r\n").error->kind, ReplyErrorKind::kBadLine);
  EXPECT_EQ(parse_at_every_split("25\r\n").error->kind, ReplyErrorKind::kBadLine);
  EXPECT_EQ(parse_at_every_split("650 no\r\n").error->kind, ReplyErrorKind::kBadLine);
  EXPECT_EQ(parse_at_every_split("250x\r\n").error->kind, ReplyErrorKind::kBadLine);
  EXPECT_EQ(parse_at_every_split("250-a\r\n251 b\r\n").error->kind, ReplyErrorKind::kCodeMismatch);
  EXPECT_EQ(parse_pieces({"220 " + std::string(3000, 'x')}).error->kind, ReplyErrorKind::kLineTooLong);
  std::string many;
  for (int i = 0; i < 100; ++i) many += "250-x\r\n";
  EXPECT_EQ(parse_pieces({many}).error->kind, ReplyErrorKind::kTooManyLines);
}

// ---- the dialogue

// Runs the dialogue against a scripted server: each element of `server` is what the server
// sends after it has read the client's previous line. Returns what the client sent, and
// the verdict.
struct Transcript {
  std::string sent;
  std::optional<SmtpVerdict> verdict;
};

Transcript converse(SmtpDialogue& dialogue, const std::vector<std::string_view>& server, bool close_after = false) {
  Transcript out;
  for (std::string_view chunk : server) {
    SmtpStep step = dialogue.on_data(chunk);
    out.sent += step.send;
    if (step.verdict) {
      out.verdict = step.verdict;
      return out;
    }
  }
  if (close_after) out.verdict = dialogue.on_closed().verdict;
  return out;
}

TEST(SmtpDialogue, BannerHeloQuitIsHealthy) {
  SmtpDialogue dialogue{"checker.example.org"};
  const Transcript t = converse(dialogue, {"220 mx ESMTP\r\n", "250 mx hello\r\n", "221 bye\r\n"});
  EXPECT_EQ(t.sent, "HELO checker.example.org\r\nQUIT\r\n");
  ASSERT_TRUE(t.verdict);
  EXPECT_TRUE(t.verdict->healthy);
  EXPECT_EQ(dialogue.phase(), SmtpDialogue::Phase::kDone);
}

TEST(SmtpDialogue, UsesKeepalivedsDefaultHeloName) {
  SmtpDialogue dialogue;
  EXPECT_EQ(dialogue.on_data("220 hi\r\n").send, "HELO smtpchecker.keepalived.org\r\n");
}

TEST(SmtpDialogue, MultiLineBannerPassesAtEverySplit) {
  const std::string_view server = "220-mx.example.org ESMTP\r\n220-no UCE\r\n220 ready\r\n";
  for (std::size_t split = 0; split <= server.size(); ++split) {
    SmtpDialogue dialogue;
    const Transcript t = converse(
        dialogue, {server.substr(0, split), server.substr(split), "250-hi\r\n250 ok\r\n", "221 2.0.0 bye\r\n"});
    ASSERT_TRUE(t.verdict) << split;
    EXPECT_TRUE(t.verdict->healthy) << split;
    EXPECT_EQ(t.sent, "HELO smtpchecker.keepalived.org\r\nQUIT\r\n");
  }
}

TEST(SmtpDialogue, AnyReplyToQuitEndsAHealthySession) {
  SmtpDialogue dialogue;
  const Transcript t = converse(dialogue, {"220 a\r\n", "250 b\r\n", "500 what\r\n"});
  ASSERT_TRUE(t.verdict);
  EXPECT_TRUE(t.verdict->healthy);
}

TEST(SmtpDialogue, BadBannerFailsWithTheServersWords) {
  SmtpDialogue dialogue;
  const Transcript t = converse(dialogue, {"554 no service for you\r\n"});
  EXPECT_EQ(t.sent, "");
  ASSERT_TRUE(t.verdict);
  EXPECT_FALSE(t.verdict->healthy);
  EXPECT_EQ(t.verdict->reason, "bad greeting banner: 554 no service for you");
}

TEST(SmtpDialogue, BadHeloResponseFails) {
  SmtpDialogue dialogue;
  const Transcript t = converse(dialogue, {"220 a\r\n", "421 busy\r\n"});
  EXPECT_EQ(t.sent, "HELO smtpchecker.keepalived.org\r\n");
  ASSERT_TRUE(t.verdict);
  EXPECT_EQ(t.verdict->reason, "bad HELO response: 421 busy");
}

TEST(SmtpDialogue, GarbageAndEarlyCloseFail) {
  SmtpDialogue garbage;
  EXPECT_EQ(converse(garbage, {"HTTP/1.1 400 Bad Request\r\n"}).verdict->reason,
            "bad reply from server: bad reply line: 'HTTP/1.1 400 Bad Request'");
  SmtpDialogue closed;
  const Transcript t = converse(closed, {"220 a\r\n", "250-partial\r\n"}, true);
  ASSERT_TRUE(t.verdict);
  EXPECT_FALSE(t.verdict->healthy);
  EXPECT_EQ(t.verdict->reason, "connection closed before the HELO response");
}

}  // namespace
}  // namespace keel::check::smtp

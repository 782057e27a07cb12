// check/http/response_parser: status line, headers, Content-Length, chunked (extensions,
// trailers), read-until-close bodies, limits and errors. Every response is also fed split
// in two at every byte boundary, and one byte at a time, and must parse the same.
#include <gtest/gtest.h>

#include <string>
#include <string_view>

#include "check/http/md5_stream.h"
#include "check/http/response_parser.h"

namespace keel::check::http {
namespace {

struct Outcome {
  bool complete = false;
  std::optional<ParseError> error;
  ResponseHead head;
  std::string body;
  std::size_t consumed = 0;
  friend bool operator==(const Outcome&, const Outcome&) = default;
};

void PrintTo(const Outcome& out, std::ostream* os) {
  *os << "{complete=" << out.complete << " error=" << (out.error ? out.error->message() : "none")
      << " status=" << out.head.status_code << " headers=" << out.head.headers.size()
      << " trailers=" << out.head.trailers.size() << " body=\"" << out.body << "\" consumed=" << out.consumed << "}";
}

// Feeds `pieces` in order, then EOF when `close` is set.
Outcome run(const std::vector<std::string_view>& pieces, bool close, ParserLimits limits = {}) {
  Outcome out;
  ResponseParser parser([&](std::string_view data) { out.body += data; }, limits);
  for (std::string_view piece : pieces) {
    auto used = parser.feed(piece);
    if (!used) {
      out.error = used.error();
      out.consumed = 0;  // how much went in before the error depends on the split
      break;
    }
    out.consumed += *used;
  }
  if (!out.error && close) {
    if (auto finished = parser.finish(); !finished) out.error = finished.error();
  }
  out.complete = parser.complete();
  out.head = parser.head();
  return out;
}

// The outcome of `text` fed whole, after checking that every two-piece split and the
// one-byte-at-a-time feed give exactly the same outcome.
Outcome parse_at_every_split(std::string_view text, bool close, ParserLimits limits = {}) {
  const Outcome whole = run({text}, close, limits);
  for (std::size_t split = 0; split <= text.size(); ++split) {
    EXPECT_EQ(run({text.substr(0, split), text.substr(split)}, close, limits), whole) << "split at byte " << split;
  }
  std::vector<std::string_view> bytes;
  for (std::size_t i = 0; i < text.size(); ++i) bytes.push_back(text.substr(i, 1));
  EXPECT_EQ(run(bytes, close, limits), whole) << "one byte at a time";
  return whole;
}

TEST(HttpResponseParser, ReadsStatusHeadersAndContentLengthBody) {
  const std::string_view text =
      "HTTP/1.1 200 OK\r\nServer: nginx\r\nContent-Type: text/html\r\nContent-Length: 11\r\n\r\nhello world";
  const Outcome out = parse_at_every_split(text, false);
  ASSERT_FALSE(out.error) << out.error->message();
  EXPECT_TRUE(out.complete);
  EXPECT_EQ(out.head.version_major, 1);
  EXPECT_EQ(out.head.version_minor, 1);
  EXPECT_EQ(out.head.status_code, 200);
  EXPECT_EQ(out.head.reason, "OK");
  EXPECT_EQ(out.head.framing, BodyFraming::kContentLength);
  EXPECT_EQ(out.head.content_length, 11u);
  EXPECT_FALSE(out.head.connection_close);
  EXPECT_EQ(out.body, "hello world");
  ASSERT_EQ(out.head.headers.size(), 3u);
  EXPECT_EQ(out.head.headers[0], (HeaderField{"Server", "nginx"}));
}

TEST(HttpResponseParser, HeaderNamesAreCaseInsensitive) {
  const Outcome out =
      parse_at_every_split("HTTP/1.1 200 OK\r\ncontent-LENGTH: 2\r\nX-Thing:   v a l  \r\n\r\nok", false);
  ASSERT_FALSE(out.error);
  EXPECT_EQ(out.body, "ok");
  EXPECT_EQ(out.head.header("Content-Length"), "2");
  EXPECT_EQ(out.head.header("x-thing"), "v a l");
  EXPECT_EQ(out.head.header("X-Missing"), std::nullopt);
}

TEST(HttpResponseParser, DecodesChunkedBodyWithExtensionsAndTrailers) {
  const std::string_view text =
      "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
      "5;name=value\r\nhello\r\n"
      "1 ; quoted=\"a;b\"\r\n \r\n"
      "A\r\n0123456789\r\n"
      "0\r\nX-Checksum: abc\r\nX-Other: 1\r\n\r\n";
  const Outcome out = parse_at_every_split(text, false);
  ASSERT_FALSE(out.error) << out.error->message();
  EXPECT_TRUE(out.complete);
  EXPECT_EQ(out.head.framing, BodyFraming::kChunked);
  EXPECT_EQ(out.body, "hello 0123456789");
  ASSERT_EQ(out.head.trailers.size(), 2u);
  EXPECT_EQ(out.head.trailers[0], (HeaderField{"X-Checksum", "abc"}));
  EXPECT_EQ(out.consumed, text.size());
}

TEST(HttpResponseParser, ChunkedWinsOverContentLengthAndLastCodingDecides) {
  const Outcome out = parse_at_every_split(
      "HTTP/1.1 200 OK\r\nContent-Length: 100\r\nTransfer-Encoding: gzip\r\nTransfer-Encoding: chunked\r\n\r\n"
      "3\r\nabc\r\n0\r\n\r\n",
      false);
  ASSERT_FALSE(out.error);
  EXPECT_EQ(out.head.framing, BodyFraming::kChunked);
  EXPECT_EQ(out.body, "abc");
}

TEST(HttpResponseParser, TransferCodingOtherThanChunkedReadsUntilClose) {
  const Outcome out = parse_at_every_split("HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip\r\n\r\nzzzz", true);
  ASSERT_FALSE(out.error);
  EXPECT_EQ(out.head.framing, BodyFraming::kUntilClose);
  EXPECT_EQ(out.body, "zzzz");
}

TEST(HttpResponseParser, BodyWithoutLengthRunsUntilTheConnectionCloses) {
  const std::string_view text = "HTTP/1.0 200 OK\r\nServer: old\r\n\r\n<html>all of it</html>";
  const Outcome open = run({text}, false);
  EXPECT_FALSE(open.complete) << "not complete before EOF";
  const Outcome out = parse_at_every_split(text, true);
  ASSERT_FALSE(out.error);
  EXPECT_TRUE(out.complete);
  EXPECT_EQ(out.head.framing, BodyFraming::kUntilClose);
  EXPECT_TRUE(out.head.connection_close) << "HTTP/1.0 without keep-alive";
  EXPECT_EQ(out.body, "<html>all of it</html>");
}

TEST(HttpResponseParser, ConnectionHeaderDecidesWhetherTheServerCloses) {
  EXPECT_TRUE(run({"HTTP/1.1 200 OK\r\nConnection: keep-alive, Close\r\nContent-Length: 0\r\n\r\n"}, false)
                  .head.connection_close);
  EXPECT_FALSE(
      run({"HTTP/1.0 200 OK\r\nConnection: Keep-Alive\r\nContent-Length: 0\r\n\r\n"}, false).head.connection_close);
}

TEST(HttpResponseParser, NoBodyFor204And304) {
  for (std::string_view text : {"HTTP/1.1 204 No Content\r\nContent-Length: 5\r\n\r\n",
                                "HTTP/1.1 304 Not Modified\r\nTransfer-Encoding: chunked\r\n\r\n"}) {
    const Outcome out = parse_at_every_split(text, false);
    ASSERT_FALSE(out.error);
    EXPECT_TRUE(out.complete) << text;
    EXPECT_EQ(out.head.framing, BodyFraming::kNone);
    EXPECT_EQ(out.body, "");
  }
}

TEST(HttpResponseParser, SkipsInterimResponses) {
  const Outcome out = parse_at_every_split(
      "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 103 Early Hints\r\nLink: </a>\r\n\r\n"
      "HTTP/1.1 503 Service Unavailable\r\nContent-Length: 4\r\n\r\nbusy",
      false);
  ASSERT_FALSE(out.error);
  EXPECT_EQ(out.head.status_code, 503);
  EXPECT_EQ(out.head.reason, "Service Unavailable");
  EXPECT_EQ(out.head.header("Link"), std::nullopt);
  EXPECT_EQ(out.body, "busy");
}

TEST(HttpResponseParser, AcceptsBareLineFeedsEmptyReasonAndFoldedHeaders) {
  const Outcome out = parse_at_every_split("HTTP/1.1 200\nX-Long: first\n  second\nContent-Length: 1\n\nx", false);
  ASSERT_FALSE(out.error) << out.error->message();
  EXPECT_EQ(out.head.reason, "");
  EXPECT_EQ(out.head.header("X-Long"), "first second");
  EXPECT_EQ(out.body, "x");
}

TEST(HttpResponseParser, LeavesBytesAfterTheResponseUnconsumed) {
  const std::string_view text = "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nokHTTP/1.1 200 OK\r\n";
  const Outcome out = run({text}, false);
  EXPECT_TRUE(out.complete);
  EXPECT_EQ(out.consumed, text.size() - std::string_view{"HTTP/1.1 200 OK\r\n"}.size());
}

TEST(HttpResponseParser, IdenticalRepeatedContentLengthsAreOneLength) {
  const Outcome out =
      parse_at_every_split("HTTP/1.1 200 OK\r\nContent-Length: 3, 3\r\nContent-Length: 3\r\n\r\nabc", false);
  ASSERT_FALSE(out.error);
  EXPECT_EQ(out.body, "abc");
}

// ---- errors: the same reason at every split

ParseErrorKind error_kind(std::string_view text, bool close, ParserLimits limits = {}) {
  const Outcome out = parse_at_every_split(text, close, limits);
  EXPECT_TRUE(out.error.has_value()) << text;
  return out.error ? out.error->kind : ParseErrorKind::kBadStatusLine;
}

TEST(HttpResponseParser, RejectsMalformedStatusLines) {
  EXPECT_EQ(error_kind("HTTP/1.1 20 OK\r\n\r\n", false), ParseErrorKind::kBadStatusLine);
  EXPECT_EQ(error_kind("HTTP/1.1 2000 OK\r\n\r\n", false), ParseErrorKind::kBadStatusLine);
  EXPECT_EQ(error_kind("ICY 200 OK\r\n\r\n", false), ParseErrorKind::kBadStatusLine);
  EXPECT_EQ(error_kind("<html>hello</html>\r\n", false), ParseErrorKind::kBadStatusLine);
  EXPECT_EQ(error_kind("HTTP/2.0 200 OK\r\n\r\n", false), ParseErrorKind::kUnsupportedVersion);
}

TEST(HttpResponseParser, EnforcesHeaderLimits) {
  const ParserLimits small{.max_header_bytes = 64, .max_header_count = 2};
  EXPECT_EQ(error_kind("HTTP/1.1 200 OK\r\nX-Big: " + std::string(100, 'a') + "\r\n\r\n", false, small),
            ParseErrorKind::kHeadersTooLarge);
  EXPECT_EQ(error_kind("HTTP/1.1 200 OK\r\nA: 1\r\nB: 2\r\nC: 3\r\n\r\n", false, small),
            ParseErrorKind::kTooManyHeaders);
  // An endless header line without a newline fails once it passes the limit, not at EOF.
  const Outcome endless = run({"HTTP/1.1 200 OK\r\nX: " + std::string(100, 'b')}, false, small);
  ASSERT_TRUE(endless.error);
  EXPECT_EQ(endless.error->kind, ParseErrorKind::kHeadersTooLarge);
  EXPECT_EQ(endless.error->message(), "header section too large: more than 64 bytes");
}

TEST(HttpResponseParser, RejectsBadHeaderLinesAndLengths) {
  EXPECT_EQ(error_kind("HTTP/1.1 200 OK\r\nno colon here\r\n\r\n", false), ParseErrorKind::kBadHeaderLine);
  EXPECT_EQ(error_kind("HTTP/1.1 200 OK\r\nBad Name: x\r\n\r\n", false), ParseErrorKind::kBadHeaderLine);
  EXPECT_EQ(error_kind("HTTP/1.1 200 OK\r\n folded-first\r\n\r\n", false), ParseErrorKind::kBadHeaderLine);
  EXPECT_EQ(error_kind("HTTP/1.1 200 OK\r\nContent-Length: 1x\r\n\r\n", false), ParseErrorKind::kBadContentLength);
  EXPECT_EQ(error_kind("HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n", false), ParseErrorKind::kBadContentLength);
  EXPECT_EQ(error_kind("HTTP/1.1 200 OK\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n", false),
            ParseErrorKind::kBadContentLength);
  EXPECT_EQ(error_kind("HTTP/1.1 200 OK\r\nContent-Length: 99999999999999999999999\r\n\r\n", false),
            ParseErrorKind::kBadContentLength);
}

TEST(HttpResponseParser, RejectsBadChunks) {
  const std::string head = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n";
  EXPECT_EQ(error_kind(head + "zz\r\n", false), ParseErrorKind::kBadChunk);
  EXPECT_EQ(error_kind(head + "5 junk\r\n", false), ParseErrorKind::kBadChunk);
  EXPECT_EQ(error_kind(head + "3\r\nabcdef\r\n", false), ParseErrorKind::kBadChunk);
  EXPECT_EQ(error_kind(head + "11111111111111111\r\n", false), ParseErrorKind::kBadChunk);
  EXPECT_EQ(error_kind(head + "1;" + std::string(2000, 'e') + "\r\n", false), ParseErrorKind::kBadChunk);
}

TEST(HttpResponseParser, EarlyCloseIsTruncationWithWhereItStopped) {
  EXPECT_EQ(error_kind("", true), ParseErrorKind::kTruncated);
  EXPECT_EQ(error_kind("HTTP/1.1 200 OK\r\nServer: x\r\n", true), ParseErrorKind::kTruncated);
  EXPECT_EQ(error_kind("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nab", true),
            ParseErrorKind::kTruncated);
  const Outcome out = run({"HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc"}, true);
  ASSERT_TRUE(out.error);
  EXPECT_EQ(out.error->message(), "response truncated: connection closed 3 of 10 body bytes received");
  EXPECT_EQ(run({""}, true).error->message(), "response truncated: connection closed before any response");
}

TEST(HttpResponseParser, ErrorsAreFinal) {
  ResponseParser parser(nullptr);
  ASSERT_FALSE(parser.feed(std::string_view{"garbage\r\n"}));
  const auto again = parser.feed(std::string_view{"HTTP/1.1 200 OK\r\n"});
  ASSERT_FALSE(again);
  EXPECT_EQ(again.error().kind, ParseErrorKind::kBadStatusLine);
  EXPECT_FALSE(parser.finish());
}

// ---- MD5 over the stream

TEST(Md5Stream, MatchesKnownDigestsInKeepalivedsHexForm) {
  Md5Stream md5;
  EXPECT_EQ(to_hex(md5.finish()), "d41d8cd98f00b204e9800998ecf8427e");
  md5.update("The quick brown fox ");
  md5.update("jumps over the lazy dog");
  EXPECT_EQ(to_hex(md5.finish()), "9e107d9d372bb6826bd81d3542a419d6");
}

TEST(Md5Stream, ParsesHexDigestsInEitherCase) {
  const auto digest = parse_hex_digest("9E107D9D372BB6826BD81D3542A419D6");
  ASSERT_TRUE(digest);
  EXPECT_EQ(to_hex(*digest), "9e107d9d372bb6826bd81d3542a419d6");
  EXPECT_FALSE(parse_hex_digest("9e107d9d"));
  EXPECT_FALSE(parse_hex_digest("9e107d9d372bb6826bd81d3542a419dg"));
}

TEST(Md5Stream, DigestOfAChunkedBodyIsTheDigestOfTheDecodedBodyAtEverySplit) {
  const std::string_view text =
      "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
      "14\r\nThe quick brown fox \r\n17\r\njumps over the lazy dog\r\n0\r\n\r\n";
  for (std::size_t split = 0; split <= text.size(); ++split) {
    Md5Stream md5;
    ResponseParser parser([&](std::string_view data) { md5.update(data); });
    ASSERT_TRUE(parser.feed(text.substr(0, split)));
    ASSERT_TRUE(parser.feed(text.substr(split)));
    ASSERT_TRUE(parser.complete());
    EXPECT_EQ(to_hex(md5.finish()), "9e107d9d372bb6826bd81d3542a419d6") << "split at " << split;
  }
}

}  // namespace
}  // namespace keel::check::http

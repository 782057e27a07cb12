// Incremental HTTP/1.x response parser for HTTP_GET / SSL_GET (RFC 9112). Bytes arrive in
// whatever pieces the socket hands over; the parser keeps only the current line, the
// status line and the headers, and passes the body to a callback as it arrives, so the
// MD5 digest and the regex scan run over the stream without buffering the page.
//
// Pure: no I/O, no clock. The socket adapter calls feed() per read and finish() on EOF.
#pragma once

#include <cstddef>
#include <cstdint>
#include <expected>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace keel::check::http {

struct ParserLimits {
  std::size_t max_header_bytes = 16 * 1024;  // status line + header fields (and, separately, trailers)
  std::size_t max_header_count = 128;
  std::size_t max_chunk_line_bytes = 1024;  // chunk-size line with its extensions
};

enum class ParseErrorKind : std::uint8_t {
  kBadStatusLine,       // not "HTTP/1.x NNN reason"
  kUnsupportedVersion,  // HTTP/2 or later on a 1.x connection
  kHeadersTooLarge,     // ParserLimits::max_header_bytes
  kTooManyHeaders,      // ParserLimits::max_header_count
  kBadHeaderLine,       // no colon, empty or invalid field name
  kBadContentLength,    // not a decimal number, or several different values
  kBadChunk,            // chunk-size line, extension or chunk terminator malformed
  kTruncated,           // the connection ended before the message did
};
std::string_view to_string(ParseErrorKind kind);

// Why a response could not be read, in words fit for the "Removing service ..." log line.
struct ParseError {
  ParseErrorKind kind = ParseErrorKind::kBadStatusLine;
  std::string detail;
  std::string message() const;  // "<kind>: <detail>"
  friend bool operator==(const ParseError&, const ParseError&) = default;
};

struct HeaderField {
  std::string name;   // as sent
  std::string value;  // leading and trailing whitespace removed
  friend bool operator==(const HeaderField&, const HeaderField&) = default;
};

// How the end of the body is found (RFC 9112 §6.3).
enum class BodyFraming : std::uint8_t { kNone, kContentLength, kChunked, kUntilClose };

struct ResponseHead {
  int version_major = 1;
  int version_minor = 1;
  int status_code = 0;
  std::string reason;
  std::vector<HeaderField> headers;
  std::vector<HeaderField> trailers;  // chunked bodies only
  BodyFraming framing = BodyFraming::kNone;
  std::uint64_t content_length = 0;  // kContentLength only
  // Whether the server closes the connection after this response: "Connection: close",
  // or HTTP/1.0 without "Connection: keep-alive" (RFC 9112 §9.3).
  bool connection_close = false;

  // The value of the first field with this name, compared case-insensitively (RFC 9110 §5.1).
  std::optional<std::string_view> header(std::string_view name) const;
  friend bool operator==(const ResponseHead&, const ResponseHead&) = default;
};

class ResponseParser {
 public:
  // Receives each piece of the (de-chunked) body, in order. Pieces are views into the
  // caller's buffer, valid only during the call.
  using BodySink = std::function<void(std::string_view)>;

  explicit ResponseParser(BodySink on_body, ParserLimits limits = {});

  // Consumes bytes; returns how many were used. Fewer than data.size() only once the
  // response is complete (the rest belongs to whatever follows it). An error is final:
  // every later call returns it again.
  std::expected<std::size_t, ParseError> feed(std::span<const std::byte> data);
  std::expected<std::size_t, ParseError> feed(std::string_view data);

  // The peer closed the connection. Completes a read-until-close body; anywhere else
  // before the end of the message it is kTruncated.
  std::expected<void, ParseError> finish();

  bool head_complete() const { return state_ > State::kHeaders; }
  bool complete() const { return state_ == State::kDone; }
  const ResponseHead& head() const { return head_; }
  std::uint64_t body_bytes() const { return body_bytes_; }

 private:
  enum class State : std::uint8_t {
    kStatusLine,
    kHeaders,
    kBodyFixed,
    kChunkSize,
    kChunkData,
    kChunkDataEnd,
    kTrailers,
    kBodyUntilClose,
    kDone,
    kFailed,
  };

  std::expected<std::size_t, ParseError> fail(ParseErrorKind kind, std::string detail);
  // Appends to line_ up to and including '\n'; true when a whole line is there.
  bool take_line(std::string_view& input, std::size_t limit, std::size_t& used);
  std::optional<ParseError> on_line(std::string_view line);
  std::optional<ParseError> on_status_line(std::string_view line);
  std::optional<ParseError> on_header_line(std::string_view line, std::vector<HeaderField>& into);
  std::optional<ParseError> on_head_end();
  std::optional<ParseError> on_chunk_size_line(std::string_view line);
  std::size_t deliver_body(std::string_view input, std::uint64_t max);

  BodySink on_body_;
  ParserLimits limits_;
  State state_ = State::kStatusLine;
  std::optional<ParseError> error_;
  ResponseHead head_;
  std::string line_;
  std::size_t section_bytes_ = 0;  // header or trailer bytes so far, against the limit
  std::uint64_t remaining_ = 0;    // of the fixed-length body or the current chunk
  std::uint64_t body_bytes_ = 0;
};

}  // namespace keel::check::http

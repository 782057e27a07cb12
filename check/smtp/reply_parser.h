// Incremental SMTP reply parser (RFC 5321 §4.2): single-line "250 ok" and multi-line
// "250-first" ... "250 last" replies, whatever way the bytes are split across reads.
// Pure: bytes in, replies out.
#pragma once

#include <cstddef>
#include <cstdint>
#include <expected>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace keel::check::smtp {

// The first digit of a reply code (RFC 5321 §4.2.1).
enum class ReplyClass : std::uint8_t {
  kPositiveCompletion = 2,
  kPositiveIntermediate = 3,
  kTransientNegative = 4,
  kPermanentNegative = 5,
};

struct Reply {
  int code = 0;
  std::vector<std::string> lines;  // the text of each line, after the code and separator

  ReplyClass reply_class() const { return static_cast<ReplyClass>(code / 100); }
  // "554 no service here" (first line only), cut and made printable for a log line.
  std::string summary() const;
  friend bool operator==(const Reply&, const Reply&) = default;
};

struct ReplyLimits {
  // RFC 5321 §4.5.3.1.5 allows 512 octets a line; real servers send longer banners.
  std::size_t max_line_bytes = 2048;
  std::size_t max_lines = 64;
};

enum class ReplyErrorKind : std::uint8_t {
  kBadLine,       // no three-digit code in 2xx..5xx, or a bad character after it
  kCodeMismatch,  // a multi-line reply changed its code (§4.2.1: all lines carry the same)
  kLineTooLong,
  kTooManyLines,
};

struct ReplyError {
  ReplyErrorKind kind = ReplyErrorKind::kBadLine;
  std::string detail;
  std::string message() const;
  friend bool operator==(const ReplyError&, const ReplyError&) = default;
};

class ReplyParser {
 public:
  explicit ReplyParser(ReplyLimits limits = {}) : limits_(limits) {}

  // Consumes bytes up to the end of one reply and returns how many it used; the rest of
  // `data` belongs to the next reply. An error is final.
  std::expected<std::size_t, ReplyError> feed(std::string_view data);

  bool has_reply() const { return complete_; }
  // The finished reply; the parser then starts on the next one.
  Reply take_reply();
  // Bytes of an unfinished reply are buffered (for "closed in the middle of a reply").
  bool in_progress() const { return !line_.empty() || !reply_.lines.empty(); }

 private:
  std::optional<ReplyError> on_line(std::string_view line);

  ReplyLimits limits_;
  std::optional<ReplyError> error_;
  std::string line_;
  Reply reply_;
  bool complete_ = false;
};

}  // namespace keel::check::smtp

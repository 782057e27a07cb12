// SMTP reply syntax, RFC 5321 §4.2:
//   Reply-line = *( Reply-code "-" [ textstring ] CRLF ) Reply-code [ SP textstring ] CRLF
#include "check/smtp/reply_parser.h"

#include <utility>

#include "check/http/text.h"

namespace keel::check::smtp {

using http::is_digit;
using http::printable;

std::string Reply::summary() const {
  std::string out = std::to_string(code);
  if (!lines.empty() && !lines.front().empty()) out += ' ' + printable(lines.front(), 80);
  return out;
}

std::string ReplyError::message() const {
  std::string out;
  switch (kind) {
    case ReplyErrorKind::kBadLine:
      out = "bad reply line";
      break;
    case ReplyErrorKind::kCodeMismatch:
      out = "reply code changed within a multi-line reply";
      break;
    case ReplyErrorKind::kLineTooLong:
      out = "reply line too long";
      break;
    case ReplyErrorKind::kTooManyLines:
      out = "too many reply lines";
      break;
  }
  if (!detail.empty()) out += ": " + detail;
  return out;
}

std::expected<std::size_t, ReplyError> ReplyParser::feed(std::string_view data) {
  if (error_) return std::unexpected(*error_);
  std::size_t used = 0;
  while (!data.empty() && !complete_) {
    const std::size_t newline = data.find('\n');
    const std::size_t taken = newline == std::string_view::npos ? data.size() : newline + 1;
    line_.append(data.substr(0, taken));
    data.remove_prefix(taken);
    used += taken;
    if (line_.size() > limits_.max_line_bytes) {
      error_ =
          ReplyError{ReplyErrorKind::kLineTooLong, "more than " + std::to_string(limits_.max_line_bytes) + " bytes"};
      return std::unexpected(*error_);
    }
    if (newline == std::string_view::npos) break;
    // Servers that end lines with a bare LF are tolerated, as keepalived does.
    std::string_view line{line_};
    line.remove_suffix(1);
    if (line.ends_with('\r')) line.remove_suffix(1);
    error_ = on_line(line);
    line_.clear();
    if (error_) return std::unexpected(*error_);
  }
  return used;
}

std::optional<ReplyError> ReplyParser::on_line(std::string_view line) {
  // §4.2: the first digit is 2..5; the second 0..5 is not enforced, as no checker decision
  // depends on it and some servers stretch it.
  if (line.size() < 3 || line[0] < '2' || line[0] > '5' || !is_digit(line[1]) || !is_digit(line[2]) ||
      (line.size() > 3 && line[3] != ' ' && line[3] != '-')) {
    return ReplyError{ReplyErrorKind::kBadLine, "'" + printable(line, 64) + "'"};
  }
  const int code = (line[0] - '0') * 100 + (line[1] - '0') * 10 + (line[2] - '0');
  if (!reply_.lines.empty() && code != reply_.code) {
    return ReplyError{ReplyErrorKind::kCodeMismatch, std::to_string(reply_.code) + " then " + std::to_string(code)};
  }
  if (reply_.lines.size() >= limits_.max_lines) {
    return ReplyError{ReplyErrorKind::kTooManyLines, "more than " + std::to_string(limits_.max_lines)};
  }
  reply_.code = code;
  reply_.lines.emplace_back(line.size() > 4 ? line.substr(4) : std::string_view{});
  complete_ = line.size() == 3 || line[3] == ' ';
  return std::nullopt;
}

Reply ReplyParser::take_reply() {
  Reply done = std::exchange(reply_, Reply{});
  complete_ = false;
  return done;
}

}  // namespace keel::check::smtp

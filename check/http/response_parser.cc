// HTTP/1.x response parsing (RFC 9112): status line (§4), field lines (§5), message body
// length (§6.3), chunked transfer coding (§7.1).
#include "check/http/response_parser.h"

#include <algorithm>
#include <charconv>
#include <utility>

#include "check/http/text.h"

namespace keel::check::http {

std::string_view to_string(ParseErrorKind kind) {
  switch (kind) {
    case ParseErrorKind::kBadStatusLine:
      return "bad status line";
    case ParseErrorKind::kUnsupportedVersion:
      return "unsupported HTTP version";
    case ParseErrorKind::kHeadersTooLarge:
      return "header section too large";
    case ParseErrorKind::kTooManyHeaders:
      return "too many header fields";
    case ParseErrorKind::kBadHeaderLine:
      return "bad header line";
    case ParseErrorKind::kBadContentLength:
      return "bad Content-Length";
    case ParseErrorKind::kBadChunk:
      return "bad chunked encoding";
    case ParseErrorKind::kTruncated:
      return "response truncated";
  }
  return "unknown error";
}

std::string ParseError::message() const {
  std::string out{to_string(kind)};
  if (!detail.empty()) out += ": " + detail;
  return out;
}

std::optional<std::string_view> ResponseHead::header(std::string_view name) const {
  for (const HeaderField& field : headers) {
    if (equals_ignore_case(field.name, name)) return field.value;
  }
  return std::nullopt;
}

namespace {

// Every value of a field that may be repeated as a list (RFC 9110 §5.3), joined by commas.
std::string joined_values(const std::vector<HeaderField>& headers, std::string_view name) {
  std::string out;
  for (const HeaderField& field : headers) {
    if (!equals_ignore_case(field.name, name)) continue;
    if (!out.empty()) out += ',';
    out += field.value;
  }
  return out;
}

bool list_contains(std::string_view list, std::string_view token) {
  bool found = false;
  for_each_list_item(list, [&](std::string_view item) { found = found || equals_ignore_case(item, token); });
  return found;
}

std::string_view last_list_item(std::string_view list) {
  std::string_view last;
  for_each_list_item(list, [&](std::string_view item) { last = item; });
  return last;
}

// Content-Length (RFC 9110 §8.6): one decimal value; a list of identical values is the
// same value sent twice, different values are an error (RFC 9112 §6.3 item 5).
std::expected<std::uint64_t, ParseError> content_length_of(std::string_view list) {
  std::optional<std::uint64_t> length;
  std::optional<ParseError> error;
  for_each_list_item(list, [&](std::string_view item) {
    if (error) return;
    std::uint64_t value = 0;
    const auto [end, ec] = std::from_chars(item.data(), item.data() + item.size(), value);
    if (item.empty() || ec != std::errc{} || end != item.data() + item.size() || !is_all_digits(item)) {
      error = ParseError{ParseErrorKind::kBadContentLength, "'" + std::string{item} + "' is not a length"};
    } else if (length && *length != value) {
      error = ParseError{ParseErrorKind::kBadContentLength,
                         "different values " + std::to_string(*length) + " and " + std::to_string(value)};
    } else {
      length = value;
    }
  });
  if (error) return std::unexpected(*error);
  if (!length) return std::unexpected(ParseError{ParseErrorKind::kBadContentLength, "empty value"});
  return *length;
}

}  // namespace

ResponseParser::ResponseParser(BodySink on_body, ParserLimits limits) : on_body_(std::move(on_body)), limits_(limits) {}

std::expected<std::size_t, ParseError> ResponseParser::fail(ParseErrorKind kind, std::string detail) {
  error_ = ParseError{kind, std::move(detail)};
  state_ = State::kFailed;
  return std::unexpected(*error_);
}

std::expected<std::size_t, ParseError> ResponseParser::feed(std::span<const std::byte> data) {
  return feed(std::string_view{reinterpret_cast<const char*>(data.data()), data.size()});
}

std::expected<std::size_t, ParseError> ResponseParser::feed(std::string_view input) {
  if (state_ == State::kFailed) return std::unexpected(*error_);
  std::size_t used = 0;
  while (!input.empty() && state_ != State::kDone) {
    switch (state_) {
      case State::kBodyFixed:
      case State::kChunkData: {
        const std::size_t taken = deliver_body(input, remaining_);
        input.remove_prefix(taken);
        used += taken;
        remaining_ -= taken;
        if (remaining_ == 0) state_ = state_ == State::kBodyFixed ? State::kDone : State::kChunkDataEnd;
        break;
      }
      case State::kBodyUntilClose: {
        const std::size_t taken = deliver_body(input, input.size());
        input.remove_prefix(taken);
        used += taken;
        break;
      }
      default: {  // line-oriented states
        const bool chunk_line = state_ == State::kChunkSize || state_ == State::kChunkDataEnd;
        const std::size_t newline = input.find('\n');
        const std::size_t taken = newline == std::string_view::npos ? input.size() : newline + 1;
        line_.append(input.substr(0, taken));
        input.remove_prefix(taken);
        used += taken;
        if (chunk_line && line_.size() > limits_.max_chunk_line_bytes) {
          return fail(ParseErrorKind::kBadChunk,
                      "chunk line longer than " + std::to_string(limits_.max_chunk_line_bytes) + " bytes");
        }
        if (!chunk_line && section_bytes_ + line_.size() > limits_.max_header_bytes) {
          return fail(ParseErrorKind::kHeadersTooLarge,
                      "more than " + std::to_string(limits_.max_header_bytes) + " bytes");
        }
        if (newline == std::string_view::npos) break;
        if (!chunk_line) section_bytes_ += line_.size();
        // RFC 9112 §2.2: a bare LF ends a line as well as CRLF does.
        std::string_view line{line_};
        line.remove_suffix(1);
        if (line.ends_with('\r')) line.remove_suffix(1);
        auto error = on_line(line);
        line_.clear();
        if (error) return fail(error->kind, std::move(error->detail));
        break;
      }
    }
  }
  return used;
}

std::size_t ResponseParser::deliver_body(std::string_view input, std::uint64_t max) {
  const std::size_t count = static_cast<std::size_t>(std::min<std::uint64_t>(input.size(), max));
  if (count > 0) {
    body_bytes_ += count;
    if (on_body_) on_body_(input.substr(0, count));
  }
  return count;
}

std::optional<ParseError> ResponseParser::on_line(std::string_view line) {
  switch (state_) {
    case State::kStatusLine:
      return on_status_line(line);
    case State::kHeaders:
      if (line.empty()) return on_head_end();
      return on_header_line(line, head_.headers);
    case State::kChunkSize:
      return on_chunk_size_line(line);
    case State::kChunkDataEnd:
      if (!line.empty()) return ParseError{ParseErrorKind::kBadChunk, "chunk data longer than its size"};
      state_ = State::kChunkSize;
      return std::nullopt;
    case State::kTrailers:
      if (line.empty()) {
        state_ = State::kDone;
        return std::nullopt;
      }
      return on_header_line(line, head_.trailers);
    default:
      return std::nullopt;
  }
}

// RFC 9112 §4: HTTP-version SP status-code SP [reason-phrase]. A missing SP before an
// empty reason is tolerated; servers that drop it exist.
std::optional<ParseError> ResponseParser::on_status_line(std::string_view line) {
  const auto bad = [&] { return ParseError{ParseErrorKind::kBadStatusLine, "'" + printable(line, 64) + "'"}; };
  if (line.size() < 12 || !line.starts_with("HTTP/") || !is_digit(line[5]) || line[6] != '.' || !is_digit(line[7]) ||
      line[8] != ' ') {
    return bad();
  }
  head_.version_major = line[5] - '0';
  head_.version_minor = line[7] - '0';
  if (head_.version_major != 1) {
    return ParseError{ParseErrorKind::kUnsupportedVersion, "HTTP/" + std::string{line.substr(5, 3)}};
  }
  const std::string_view code = line.substr(9, 3);
  if (!is_all_digits(code) || code[0] == '0') return bad();
  if (line.size() > 12 && line[12] != ' ') return bad();
  head_.status_code = (code[0] - '0') * 100 + (code[1] - '0') * 10 + (code[2] - '0');
  head_.reason = line.size() > 13 ? std::string{line.substr(13)} : std::string{};
  state_ = State::kHeaders;
  return std::nullopt;
}

// RFC 9112 §5: field-name ":" OWS field-value OWS; obs-fold (§5.2) joins a continuation
// line to the previous value with a space.
std::optional<ParseError> ResponseParser::on_header_line(std::string_view line, std::vector<HeaderField>& into) {
  if (line.front() == ' ' || line.front() == '\t') {
    if (into.empty()) return ParseError{ParseErrorKind::kBadHeaderLine, "continuation line without a field"};
    const std::string_view more = trim(line);
    if (!more.empty()) {
      if (!into.back().value.empty()) into.back().value += ' ';
      into.back().value += more;
    }
    return std::nullopt;
  }
  const std::size_t colon = line.find(':');
  if (colon == std::string_view::npos) {
    return ParseError{ParseErrorKind::kBadHeaderLine, "no ':' in '" + printable(line, 64) + "'"};
  }
  // Whitespace before the colon is forbidden (§5.1), but a checker gains nothing by
  // failing a server over it: the name is taken without it.
  const std::string_view name = trim(line.substr(0, colon));
  if (name.empty() || !is_token(name)) {
    return ParseError{ParseErrorKind::kBadHeaderLine, "bad field name in '" + printable(line, 64) + "'"};
  }
  if (head_.headers.size() + head_.trailers.size() >= limits_.max_header_count) {
    return ParseError{ParseErrorKind::kTooManyHeaders, "more than " + std::to_string(limits_.max_header_count)};
  }
  into.push_back({std::string{name}, std::string{trim(line.substr(colon + 1))}});
  return std::nullopt;
}

std::optional<ParseError> ResponseParser::on_head_end() {
  const int code = head_.status_code;
  // RFC 9110 §15.2: interim 1xx responses precede the final one; skip them.
  if (code >= 100 && code < 200 && code != 101) {
    head_ = ResponseHead{};
    section_bytes_ = 0;
    state_ = State::kStatusLine;
    return std::nullopt;
  }
  const std::string connection = joined_values(head_.headers, "Connection");
  head_.connection_close =
      list_contains(connection, "close") || (head_.version_minor == 0 && !list_contains(connection, "keep-alive"));

  // RFC 9112 §6.3, in its order of precedence.
  const std::string transfer_encoding = joined_values(head_.headers, "Transfer-Encoding");
  const bool has_transfer_encoding = head_.header("Transfer-Encoding").has_value();
  if (code < 200 || code == 204 || code == 304) {
    head_.framing = BodyFraming::kNone;
    state_ = State::kDone;
  } else if (has_transfer_encoding) {
    if (equals_ignore_case(last_list_item(transfer_encoding), "chunked")) {
      head_.framing = BodyFraming::kChunked;
      state_ = State::kChunkSize;
    } else {
      head_.framing = BodyFraming::kUntilClose;  // §6.3 item 4 (response)
      state_ = State::kBodyUntilClose;
    }
  } else if (head_.header("Content-Length")) {
    auto length = content_length_of(joined_values(head_.headers, "Content-Length"));
    if (!length) return length.error();
    head_.framing = BodyFraming::kContentLength;
    head_.content_length = *length;
    remaining_ = *length;
    state_ = *length == 0 ? State::kDone : State::kBodyFixed;
  } else {
    head_.framing = BodyFraming::kUntilClose;
    state_ = State::kBodyUntilClose;
  }
  return std::nullopt;
}

// RFC 9112 §7.1: chunk-size [chunk-ext] CRLF, chunk-ext = *( BWS ";" BWS name [ = value ] ).
// Extensions carry nothing a checker needs; they are checked for shape and skipped.
std::optional<ParseError> ResponseParser::on_chunk_size_line(std::string_view line) {
  std::size_t digits = 0;
  std::uint64_t size = 0;
  while (digits < line.size() && hex_value(line[digits]) >= 0) {
    if (size > (UINT64_MAX >> 4)) return ParseError{ParseErrorKind::kBadChunk, "chunk size overflows"};
    size = size << 4 | static_cast<std::uint64_t>(hex_value(line[digits]));
    ++digits;
  }
  if (digits == 0) return ParseError{ParseErrorKind::kBadChunk, "no chunk size in '" + printable(line, 64) + "'"};
  const std::string_view rest = trim(line.substr(digits));
  if (!rest.empty() && rest.front() != ';') {
    return ParseError{ParseErrorKind::kBadChunk, "junk after chunk size in '" + printable(line, 64) + "'"};
  }
  if (size == 0) {
    section_bytes_ = 0;
    state_ = State::kTrailers;
  } else {
    remaining_ = size;
    state_ = State::kChunkData;
  }
  return std::nullopt;
}

std::expected<void, ParseError> ResponseParser::finish() {
  std::string where;
  switch (state_) {
    case State::kFailed:
      return std::unexpected(*error_);
    case State::kDone:
      return {};
    case State::kBodyUntilClose:
      state_ = State::kDone;
      return {};
    case State::kStatusLine:
      where = line_.empty() ? "before any response" : "in the status line";
      break;
    case State::kHeaders:
      where = "in the header section";
      break;
    case State::kBodyFixed:
      where = std::to_string(body_bytes_) + " of " + std::to_string(head_.content_length) + " body bytes received";
      break;
    case State::kChunkSize:
    case State::kChunkData:
    case State::kChunkDataEnd:
      where = "in a chunk after " + std::to_string(body_bytes_) + " body bytes";
      break;
    case State::kTrailers:
      where = "in the trailer section";
      break;
  }
  fail(ParseErrorKind::kTruncated, "connection closed " + where);
  return std::unexpected(*error_);
}

}  // namespace keel::check::http

// libFuzzer target for check/http/response_parser: arbitrary bytes as an HTTP response
// must never crash, leak or trip a sanitizer, and the parser must give the same result
// however the bytes are split across reads (a differential check against one whole feed).
//
// Input layout: the first byte seeds the read sizes (1..16 bytes a read), the rest is the
// response. Small limits make the limit paths reachable within a fuzz run.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <optional>
#include <string>
#include <string_view>

#include "check/http/md5_stream.h"
#include "check/http/response_parser.h"

namespace {

using keel::check::http::Md5Stream;
using keel::check::http::ParseError;
using keel::check::http::ParserLimits;
using keel::check::http::ResponseHead;
using keel::check::http::ResponseParser;

constexpr ParserLimits kLimits{.max_header_bytes = 512, .max_header_count = 16, .max_chunk_line_bytes = 64};

struct Outcome {
  bool complete = false;
  std::optional<ParseError> error;
  ResponseHead head;
  std::string body_digest;
  std::size_t consumed = 0;
  friend bool operator==(const Outcome&, const Outcome&) = default;
};

// Feeds `text` in reads whose sizes follow `seed` (0: one read), then EOF.
Outcome parse(std::string_view text, std::uint8_t seed) {
  Outcome out;
  Md5Stream md5;
  std::size_t body_bytes = 0;
  ResponseParser parser(
      [&](std::string_view data) {
        body_bytes += data.size();
        md5.update(data);
      },
      kLimits);
  std::uint32_t state = seed;
  while (!text.empty()) {
    std::size_t read = text.size();
    if (seed != 0) {
      state = state * 1103515245u + 12345u;
      read = std::min<std::size_t>(text.size(), 1 + (state >> 16) % 16);
    }
    auto used = parser.feed(text.substr(0, read));
    if (!used) {
      out.error = used.error();
      out.consumed = 0;
      break;
    }
    out.consumed += *used;
    if (*used < read) break;  // complete: the rest belongs to a next response
    text.remove_prefix(read);
  }
  if (!out.error) {
    if (auto finished = parser.finish(); !finished) out.error = finished.error();
  }
  if (body_bytes != parser.body_bytes()) __builtin_trap();
  out.complete = parser.complete();
  out.head = parser.head();
  out.body_digest = keel::check::http::to_hex(md5.finish());
  return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return -1;
  const std::string_view text{reinterpret_cast<const char*>(data) + 1, size - 1};
  const Outcome whole = parse(text, 0);
  if (whole.consumed > text.size()) __builtin_trap();
  const Outcome split = parse(text, data[0] == 0 ? 1 : data[0]);
  if (!(split == whole)) {
    std::fprintf(stderr, "http_response_fuzz: split reads disagree with one read: %s vs %s\n",
                 whole.error ? whole.error->message().c_str() : "ok",
                 split.error ? split.error->message().c_str() : "ok");
    __builtin_trap();
  }
  return 0;
}

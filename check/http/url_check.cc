#include "check/http/url_check.h"

#include <algorithm>

namespace keel::check::http {

bool status_code_matches(std::span<const config::StatusCodeRange> accepted, int code) {
  if (accepted.empty()) return code >= 200 && code <= 299;  // man page: "Default is 200-299"
  return std::ranges::any_of(
      accepted, [code](const config::StatusCodeRange& range) { return code >= range.first && code <= range.last; });
}

std::string describe_status_codes(std::span<const config::StatusCodeRange> accepted) {
  if (accepted.empty()) return "200-299";
  std::string out;
  for (const config::StatusCodeRange& range : accepted) {
    if (!out.empty()) out += ' ';
    out += std::to_string(range.first);
    if (range.last != range.first) out += '-' + std::to_string(range.last);
  }
  return out;
}

std::optional<std::string> url_failure(const config::HttpUrl& url, int status_code,
                                       const std::optional<Md5Digest>& body_digest) {
  if (!status_code_matches(url.status_codes, status_code)) {
    return "bad status " + std::to_string(status_code) + " (expected " + describe_status_codes(url.status_codes) + ")";
  }
  if (url.digest) {
    if (!body_digest) return std::string{"digest mismatch: body not digested"};
    const Md5Digest& expected = *url.digest;
    if (*body_digest != expected) {
      return "digest mismatch: got " + to_hex(*body_digest) + ", expected " + to_hex(expected);
    }
  }
  return std::nullopt;
}

}  // namespace keel::check::http

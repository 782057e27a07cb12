// The verdict on one url { } of HTTP_GET / SSL_GET once its response is read: status_code
// (lists and ranges, keepalived.conf(5) "status_code 200-299 400-499 503") and digest.
// regex / regex_no_match are matched by the hyperscan adapter over the same stream.
#pragma once

#include <optional>
#include <span>
#include <string>

#include "check/http/md5_stream.h"
#include "config/model_lvs.h"

namespace keel::check::http {

// Whether `code` is in one of the inclusive ranges. No ranges means keepalived's default,
// 200-299 (validate_lvs() normally makes that explicit).
bool status_code_matches(std::span<const config::StatusCodeRange> accepted, int code);

// "200-299 302 400-499": the ranges as the configuration spells them.
std::string describe_status_codes(std::span<const config::StatusCodeRange> accepted);

// Why the response fails the url's expectations ("bad status 503 (expected 200-299)",
// "digest mismatch: got ... expected ..."), or nullopt when it passes. `body_digest` is
// needed only when the url has a digest.
std::optional<std::string> url_failure(const config::HttpUrl& url, int status_code,
                                       const std::optional<Md5Digest>& body_digest);

}  // namespace keel::check::http

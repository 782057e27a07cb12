// check/http/url_check: status_code lists and ranges as keepalived.conf(5) spells them
// ("status_code 200-299 400-499 503 505", default 200-299) and the digest comparison.
#include <gtest/gtest.h>

#include <vector>

#include "check/http/url_check.h"

namespace keel::check::http {
namespace {

using config::StatusCodeRange;

TEST(StatusCodeMatch, ListsAndRangesAreInclusive) {
  const std::vector<StatusCodeRange> accepted = {{200, 299}, {400, 499}, {503, 503}, {505, 505}};
  for (int code : {200, 250, 299, 400, 404, 499, 503, 505}) EXPECT_TRUE(status_code_matches(accepted, code)) << code;
  for (int code : {199, 300, 302, 399, 500, 502, 504, 506, 599}) {
    EXPECT_FALSE(status_code_matches(accepted, code)) << code;
  }
}

TEST(StatusCodeMatch, NoRangesMeansTheDefault200To299) {
  EXPECT_TRUE(status_code_matches({}, 200));
  EXPECT_TRUE(status_code_matches({}, 299));
  EXPECT_FALSE(status_code_matches({}, 301));
  EXPECT_FALSE(status_code_matches({}, 199));
  EXPECT_EQ(describe_status_codes({}), "200-299");
}

TEST(StatusCodeMatch, DescribesRangesAsTheConfigurationSpellsThem) {
  const std::vector<StatusCodeRange> accepted = {{200, 299}, {302, 302}};
  EXPECT_EQ(describe_status_codes(accepted), "200-299 302");
}

TEST(UrlFailure, BadStatusNamesTheCodeAndWhatWasExpected) {
  config::HttpUrl url{.path = "/", .status_codes = {{200, 299}, {302, 302}}};
  EXPECT_EQ(url_failure(url, 302, std::nullopt), std::nullopt);
  EXPECT_EQ(url_failure(url, 503, std::nullopt), "bad status 503 (expected 200-299 302)");
}

TEST(UrlFailure, DigestMustMatchTheBody) {
  Md5Stream md5;
  md5.update("hello");
  const Md5Digest body = md5.finish();
  config::HttpUrl url{.path = "/", .digest = body, .status_codes = {{200, 200}}};
  EXPECT_EQ(url_failure(url, 200, body), std::nullopt);
  Md5Digest other = body;
  other[0] ^= 0xff;
  const auto failure = url_failure(url, 200, other);
  ASSERT_TRUE(failure);
  EXPECT_EQ(*failure, "digest mismatch: got " + to_hex(other) + ", expected " + to_hex(body));
  EXPECT_EQ(url_failure(url, 500, body), "bad status 500 (expected 200)") << "status is checked first";
}

}  // namespace
}  // namespace keel::check::http

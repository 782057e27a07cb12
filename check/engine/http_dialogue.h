// HTTP_GET / SSL_GET on one url { }: the request keepalived's check_http.c sends
// ("GET path HTTP/1.x", Host, User-Agent: KeepAliveClient) and the verdict on the
// response, read through check/http's incremental parser and streaming MD5.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "check/engine/stream_check.h"
#include "check/http/md5_stream.h"
#include "check/http/response_parser.h"
#include "config/model_lvs.h"

namespace keel::check::engine {

// The request for `url`: Host is the url's virtualhost, else the checker's, else the
// address connected to (with ":port" unless it is the scheme's default).
std::string http_request(const config::HttpCheck& check, const config::HttpUrl& url, const Endpoint& endpoint,
                         bool tls);

class HttpDialogue final : public Dialogue {
 public:
  HttpDialogue(const config::HttpCheck& check, const config::HttpUrl& url, const Endpoint& endpoint, bool tls);

  std::string request() override;
  std::optional<CheckOutcome> on_data(std::string_view data) override;
  CheckOutcome on_eof() override;

 private:
  // The verdict once the response is complete (or, without a digest to compute, once the
  // head is: the body is then not needed).
  std::optional<CheckOutcome> verdict_if_ready();
  CheckOutcome verdict();

  const config::HttpUrl& url_;
  std::string request_;
  std::optional<http::Md5Stream> md5_;
  http::ResponseParser parser_;
};

}  // namespace keel::check::engine

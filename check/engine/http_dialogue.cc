#include "check/engine/http_dialogue.h"

#include "check/http/url_check.h"

namespace keel::check::engine {

std::string http_request(const config::HttpCheck& check, const config::HttpUrl& url, const Endpoint& endpoint,
                         bool tls) {
  std::string host;
  if (url.virtualhost) {
    host = *url.virtualhost;
  } else if (check.virtualhost) {
    host = *check.virtualhost;
  } else {
    host = endpoint.address.is_v6() ? "[" + endpoint.address.to_string() + "]" : endpoint.address.to_string();
    if (endpoint.port != (tls ? 443 : 80)) host += ":" + std::to_string(endpoint.port);
  }
  const char* version = check.http_protocol == config::HttpProtocol::k1_1 ? "1.1" : "1.0";
  std::string request = "GET " + (url.path.empty() ? std::string{"/"} : url.path) + " HTTP/" + version + "\r\n";
  request += "User-Agent: KeepAliveClient\r\n";
  request += "Host: " + host + "\r\n";
  if (check.http_protocol != config::HttpProtocol::k1_0) request += "Connection: close\r\n";
  request += "\r\n";
  return request;
}

HttpDialogue::HttpDialogue(const config::HttpCheck& check, const config::HttpUrl& url, const Endpoint& endpoint,
                           bool tls)
    : url_(url),
      request_(http_request(check, url, endpoint, tls)),
      parser_([this](std::string_view body) {
        if (md5_) md5_->update(body);
      }) {
  if (url.digest) md5_.emplace();
}

std::string HttpDialogue::request() { return request_; }

std::optional<CheckOutcome> HttpDialogue::on_data(std::string_view data) {
  auto used = parser_.feed(data);
  if (!used) return CheckOutcome{false, "bad response: " + used.error().message()};
  return verdict_if_ready();
}

CheckOutcome HttpDialogue::on_eof() {
  if (auto finished = parser_.finish(); !finished)
    return CheckOutcome{false, "bad response: " + finished.error().message()};
  return verdict();
}

std::optional<CheckOutcome> HttpDialogue::verdict_if_ready() {
  if (parser_.complete() || (parser_.head_complete() && !md5_)) return verdict();
  return std::nullopt;
}

CheckOutcome HttpDialogue::verdict() {
  std::optional<http::Md5Digest> digest;
  if (md5_) digest = md5_->finish();
  if (auto failure = http::url_failure(url_, parser_.head().status_code, digest)) return {false, *failure};
  return {true, {}};
}

}  // namespace keel::check::engine

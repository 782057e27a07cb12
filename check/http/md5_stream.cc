// MD5 through OpenSSL's EVP interface (the MD5_* functions are deprecated in OpenSSL 3).
#include "check/http/md5_stream.h"

#include <openssl/evp.h>

#include <stdexcept>

#include "check/http/text.h"

namespace keel::check::http {

void Md5Stream::Free::operator()(evp_md_ctx_st* context) const { EVP_MD_CTX_free(context); }

namespace {

void start(EVP_MD_CTX* context) {
  if (EVP_DigestInit_ex(context, EVP_md5(), nullptr) != 1) {
    throw std::runtime_error("OpenSSL has no MD5 digest (needed for HTTP_GET/SSL_GET 'digest')");
  }
}

}  // namespace

Md5Stream::Md5Stream() : context_(EVP_MD_CTX_new()) {
  if (!context_) throw std::runtime_error("EVP_MD_CTX_new failed");
  start(context_.get());
}

Md5Stream::~Md5Stream() = default;
Md5Stream::Md5Stream(Md5Stream&&) noexcept = default;
Md5Stream& Md5Stream::operator=(Md5Stream&&) noexcept = default;

void Md5Stream::update(std::string_view data) {
  if (!data.empty()) EVP_DigestUpdate(context_.get(), data.data(), data.size());
}

Md5Digest Md5Stream::finish() {
  Md5Digest digest{};
  unsigned int length = 0;
  EVP_DigestFinal_ex(context_.get(), digest.data(), &length);
  start(context_.get());
  return digest;
}

std::string to_hex(const Md5Digest& digest) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  out.reserve(digest.size() * 2);
  for (const std::uint8_t byte : digest) {
    out += kDigits[byte >> 4];
    out += kDigits[byte & 0x0f];
  }
  return out;
}

std::optional<Md5Digest> parse_hex_digest(std::string_view text) {
  Md5Digest digest{};
  if (text.size() != digest.size() * 2) return std::nullopt;
  for (std::size_t i = 0; i < digest.size(); ++i) {
    const int high = hex_value(text[2 * i]);
    const int low = hex_value(text[2 * i + 1]);
    if (high < 0 || low < 0) return std::nullopt;
    digest[i] = static_cast<std::uint8_t>(high << 4 | low);
  }
  return digest;
}

}  // namespace keel::check::http

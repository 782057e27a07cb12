// Streaming MD5 of an HTTP body for the url "digest" keyword: keepalived (and genhash)
// compare the MD5 of the body as 32 lower-case hex digits, so the body is hashed piece by
// piece as ResponseParser delivers it and never held whole.
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

// OpenSSL's context type, declared here so this header does not pull in <openssl/evp.h>.
struct evp_md_ctx_st;

namespace keel::check::http {

using Md5Digest = std::array<std::uint8_t, 16>;

class Md5Stream {
 public:
  // Throws std::runtime_error when OpenSSL cannot provide MD5 (e.g. a FIPS-only provider
  // configuration): a start-up problem, not something a response can cause.
  Md5Stream();
  ~Md5Stream();
  Md5Stream(Md5Stream&&) noexcept;
  Md5Stream& operator=(Md5Stream&&) noexcept;

  void update(std::string_view data);
  // The digest of everything given since construction or the last finish(); starts over.
  Md5Digest finish();

 private:
  struct Free {
    void operator()(evp_md_ctx_st* context) const;
  };
  std::unique_ptr<evp_md_ctx_st, Free> context_;
};

// "9b3a0c85a887a256d6939da88aabd8cd": the form genhash prints and "digest" takes.
std::string to_hex(const Md5Digest& digest);
// The inverse; either case is accepted. nullopt unless exactly 32 hex digits.
std::optional<Md5Digest> parse_hex_digest(std::string_view text);

}  // namespace keel::check::http

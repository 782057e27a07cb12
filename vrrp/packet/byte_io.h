// Bounds-checked big-endian (network byte order) reading and writing of byte buffers.
// Every codec in vrrp/packet reads through ByteReader instead of casting a buffer to a
// packed struct (STYLE.md), so a short or hostile packet can never be read past its end.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

namespace keel::vrrp {

// Reads fields in order. A read past the end returns zero and makes the reader fail for
// good ("sticky"), so a decoder can read a fixed header and test ok() once; it never
// touches memory outside the span.
class ByteReader {
 public:
  explicit ByteReader(std::span<const std::byte> data) : data_(data) {}

  std::uint8_t u8() {
    if (!take(1)) return 0;
    return std::to_integer<std::uint8_t>(data_[offset_ - 1]);
  }
  std::uint16_t u16() {
    if (!take(2)) return 0;
    return static_cast<std::uint16_t>(std::to_integer<unsigned>(data_[offset_ - 2]) << 8 |
                                      std::to_integer<unsigned>(data_[offset_ - 1]));
  }
  std::uint32_t u32() {
    const std::uint32_t high = u16();
    return high << 16 | u16();
  }
  // The next `count` bytes, or an empty span (and failure) when fewer remain.
  std::span<const std::byte> bytes(std::size_t count) {
    if (!take(count)) return {};
    return data_.subspan(offset_ - count, count);
  }
  // Copies exactly out.size() bytes (zeros on failure).
  void copy_to(std::span<std::byte> out) {
    const auto in = bytes(out.size());
    for (std::size_t i = 0; i < out.size(); ++i) out[i] = in.empty() ? std::byte{0} : in[i];
  }
  void skip(std::size_t count) { take(count); }

  bool ok() const { return ok_; }
  std::size_t offset() const { return offset_; }
  std::size_t remaining() const { return data_.size() - offset_; }
  std::span<const std::byte> rest() const { return data_.subspan(offset_); }

 private:
  bool take(std::size_t count) {
    if (!ok_ || count > remaining()) {
      ok_ = false;
      return false;
    }
    offset_ += count;
    return true;
  }

  std::span<const std::byte> data_;
  std::size_t offset_ = 0;
  bool ok_ = true;
};

// Appends fields to a vector in network byte order; patch_u16 fills a field written
// earlier (a checksum or a length that is known only once the rest is written).
class ByteWriter {
 public:
  explicit ByteWriter(std::vector<std::byte>& out) : out_(out) {}

  void u8(std::uint8_t value) { out_.push_back(std::byte{value}); }
  void u16(std::uint16_t value) {
    u8(static_cast<std::uint8_t>(value >> 8));
    u8(static_cast<std::uint8_t>(value));
  }
  void u32(std::uint32_t value) {
    u16(static_cast<std::uint16_t>(value >> 16));
    u16(static_cast<std::uint16_t>(value));
  }
  void bytes(std::span<const std::byte> data) { out_.insert(out_.end(), data.begin(), data.end()); }
  void bytes(std::span<const std::uint8_t> data) {
    for (const std::uint8_t b : data) u8(b);
  }
  void zeros(std::size_t count) { out_.insert(out_.end(), count, std::byte{0}); }
  // Overwrites two bytes already written; `offset` is relative to the vector's start.
  void patch_u16(std::size_t offset, std::uint16_t value) {
    out_.at(offset) = std::byte{static_cast<std::uint8_t>(value >> 8)};
    out_.at(offset + 1) = std::byte{static_cast<std::uint8_t>(value)};
  }
  std::size_t size() const { return out_.size(); }
  // Everything written so far, from `offset` on (to checksum a part that is complete).
  std::span<const std::byte> written(std::size_t offset = 0) const { return std::span{out_}.subspan(offset); }

 private:
  std::vector<std::byte>& out_;
};

// Equality of two byte strings in time that depends only on their length, so a PASS
// password or an AH ICV cannot be guessed byte by byte from reply timing.
inline bool constant_time_equal(std::span<const std::byte> a, std::span<const std::byte> b) {
  if (a.size() != b.size()) return false;
  unsigned diff = 0;
  for (std::size_t i = 0; i < a.size(); ++i) diff |= std::to_integer<unsigned>(a[i] ^ b[i]);
  return diff == 0;
}

}  // namespace keel::vrrp

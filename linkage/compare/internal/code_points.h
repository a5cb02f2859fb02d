// UTF-8 decoding for the comparators: they work on bytes when both inputs
// are ASCII and on code points otherwise, without allocating for name-length
// strings.
#ifndef RECKON_LINKAGE_COMPARE_INTERNAL_CODE_POINTS_H_
#define RECKON_LINKAGE_COMPARE_INTERNAL_CODE_POINTS_H_

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string_view>
#include <vector>

#include "linkage/base/utf8.h"

namespace reckon::internal {

// True when every byte of `text` is below 0x80.
inline bool IsAscii(std::string_view text) {
  const auto* bytes = reinterpret_cast<const unsigned char*>(text.data());
  size_t i = 0;
  uint64_t high = 0;
  for (; i + 8 <= text.size(); i += 8) {
    uint64_t word;
    std::memcpy(&word, bytes + i, sizeof(word));
    high |= word;
  }
  for (; i < text.size(); ++i) high |= bytes[i];
  return (high & 0x8080808080808080ull) == 0;
}

// Decodes the UTF-8 sequence at `bytes[*pos]` and advances `*pos`. A byte
// that does not start a well-formed sequence decodes to 0xDC00 + byte (a lone
// surrogate, never produced by valid text) and advances by one, so malformed
// input still compares byte by byte instead of failing.
inline char32_t DecodeOne(const unsigned char* bytes, size_t size,
                          size_t* pos) {
  char32_t code_point = 0;
  if (DecodeUtf8(bytes, size, pos, &code_point)) return code_point;
  return 0xDC00 + bytes[(*pos)++];
}

// The code points of a UTF-8 string, on the stack when there are few.
// Not copyable (it may point into itself).
class CodePoints {
 public:
  static constexpr size_t kInline = 64;

  explicit CodePoints(std::string_view text) {
    char32_t* out = inline_;
    if (text.size() > kInline) {
      heap_.resize(text.size());
      out = heap_.data();
    }
    const auto* bytes = reinterpret_cast<const unsigned char*>(text.data());
    size_t pos = 0;
    size_t count = 0;
    while (pos < text.size()) out[count++] = DecodeOne(bytes, text.size(), &pos);
    data_ = out;
    size_ = count;
  }
  CodePoints(const CodePoints&) = delete;
  CodePoints& operator=(const CodePoints&) = delete;

  const char32_t* data() const { return data_; }
  size_t size() const { return size_; }

 private:
  char32_t inline_[kInline];
  std::vector<char32_t> heap_;
  const char32_t* data_ = nullptr;
  size_t size_ = 0;
};

// Number of code points in `text`, counted as CodePoints would decode it.
inline size_t CodePointCount(std::string_view text) {
  const auto* bytes = reinterpret_cast<const unsigned char*>(text.data());
  size_t pos = 0;
  size_t count = 0;
  while (pos < text.size()) {
    DecodeOne(bytes, text.size(), &pos);
    ++count;
  }
  return count;
}

}  // namespace reckon::internal

#endif  // RECKON_LINKAGE_COMPARE_INTERNAL_CODE_POINTS_H_

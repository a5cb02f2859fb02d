#include "linkage/base/utf8.h"

#include <cstdint>

namespace reckon {

size_t FindInvalidUtf8(std::string_view text) {
  const auto* bytes = reinterpret_cast<const unsigned char*>(text.data());
  const size_t n = text.size();
  size_t i = 0;
  while (i < n) {
    const unsigned char lead = bytes[i];
    if (lead < 0x80) {
      ++i;
      continue;
    }
    size_t length = 0;
    uint32_t code_point = 0;
    uint32_t minimum = 0;
    if ((lead & 0xE0) == 0xC0) {
      length = 2;
      code_point = lead & 0x1Fu;
      minimum = 0x80;
    } else if ((lead & 0xF0) == 0xE0) {
      length = 3;
      code_point = lead & 0x0Fu;
      minimum = 0x800;
    } else if ((lead & 0xF8) == 0xF0) {
      length = 4;
      code_point = lead & 0x07u;
      minimum = 0x10000;
    } else {
      return i;
    }
    if (n - i < length) return i;
    for (size_t k = 1; k < length; ++k) {
      const unsigned char continuation = bytes[i + k];
      if ((continuation & 0xC0) != 0x80) return i;
      code_point = (code_point << 6) | (continuation & 0x3Fu);
    }
    if (code_point < minimum || code_point > 0x10FFFF ||
        (code_point >= 0xD800 && code_point <= 0xDFFF)) {
      return i;
    }
    i += length;
  }
  return n;
}

size_t FindControlCharacter(std::string_view text) {
  const auto* bytes = reinterpret_cast<const unsigned char*>(text.data());
  for (size_t i = 0; i < text.size(); ++i) {
    const unsigned char c = bytes[i];
    if ((c < 0x20 && c != '\t') || c == 0x7F) return i;
    // C1 controls U+0080..U+009F are encoded as C2 80..C2 9F.
    if (c == 0xC2 && i + 1 < text.size() && bytes[i + 1] >= 0x80 &&
        bytes[i + 1] <= 0x9F) {
      return i;
    }
  }
  return text.size();
}

}  // namespace reckon

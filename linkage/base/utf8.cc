#include "linkage/base/utf8.h"

namespace reckon {

bool DecodeUtf8(const unsigned char* bytes, size_t size, size_t* pos,
                char32_t* code_point) {
  const unsigned char lead = bytes[*pos];
  if (lead < 0x80) {
    *code_point = lead;
    ++*pos;
    return true;
  }
  size_t length = 0;
  char32_t value = 0;
  char32_t minimum = 0;
  if ((lead & 0xE0) == 0xC0) {
    length = 2;
    value = lead & 0x1Fu;
    minimum = 0x80;
  } else if ((lead & 0xF0) == 0xE0) {
    length = 3;
    value = lead & 0x0Fu;
    minimum = 0x800;
  } else if ((lead & 0xF8) == 0xF0) {
    length = 4;
    value = lead & 0x07u;
    minimum = 0x10000;
  } else {
    return false;
  }
  if (size - *pos < length) return false;
  for (size_t k = 1; k < length; ++k) {
    const unsigned char continuation = bytes[*pos + k];
    if ((continuation & 0xC0) != 0x80) return false;
    value = (value << 6) | (continuation & 0x3Fu);
  }
  if (value < minimum || value > 0x10FFFF ||
      (value >= 0xD800 && value <= 0xDFFF)) {
    return false;
  }
  *code_point = value;
  *pos += length;
  return true;
}

size_t FindInvalidUtf8(std::string_view text) {
  const auto* bytes = reinterpret_cast<const unsigned char*>(text.data());
  size_t pos = 0;
  char32_t code_point = 0;
  while (pos < text.size()) {
    if (!DecodeUtf8(bytes, text.size(), &pos, &code_point)) return pos;
  }
  return text.size();
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

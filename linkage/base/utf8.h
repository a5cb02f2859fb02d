// Minimal UTF-8 checks used when input is accepted. Full Unicode work
// (normalization, case folding, transliteration) lives in
// linkage/transliterate and linkage/normalize, on top of ICU.
#ifndef RECKON_LINKAGE_BASE_UTF8_H_
#define RECKON_LINKAGE_BASE_UTF8_H_

#include <cstddef>
#include <string_view>

namespace reckon {

// Decodes the UTF-8 sequence that starts at `bytes[*pos]`. On success sets
// `*code_point`, advances `*pos` past the sequence and returns true. Returns
// false, leaving both untouched, for a malformed, truncated, overlong or
// surrogate sequence or one past U+10FFFF. REQUIRES: *pos < size.
bool DecodeUtf8(const unsigned char* bytes, size_t size, size_t* pos,
                char32_t* code_point);

// Returns the byte offset of the first invalid UTF-8 sequence in `text`
// (overlong forms, surrogates and code points past U+10FFFF are invalid), or
// `text.size()` if the whole text is valid.
size_t FindInvalidUtf8(std::string_view text);

inline bool IsValidUtf8(std::string_view text) {
  return FindInvalidUtf8(text) == text.size();
}

// Returns the byte offset of the first C0/C1 control character other than
// tab, or `text.size()` if there is none. REQUIRES: valid UTF-8.
size_t FindControlCharacter(std::string_view text);

}  // namespace reckon

#endif  // RECKON_LINKAGE_BASE_UTF8_H_

#include "linkage/ingest/internal/fold.h"

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>

#include "unicode/normalizer2.h"
#include "unicode/stringpiece.h"
#include "unicode/uchar.h"
#include "unicode/unistr.h"
#include "unicode/utypes.h"

namespace reckon::internal {
namespace {

void AppendUtf8(UChar32 c, std::string* out) {
  const auto u = static_cast<uint32_t>(c);
  if (u < 0x80) {
    out->push_back(static_cast<char>(u));
  } else if (u < 0x800) {
    out->push_back(static_cast<char>(0xC0 | (u >> 6)));
    out->push_back(static_cast<char>(0x80 | (u & 0x3F)));
  } else if (u < 0x10000) {
    out->push_back(static_cast<char>(0xE0 | (u >> 12)));
    out->push_back(static_cast<char>(0x80 | ((u >> 6) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | (u & 0x3F)));
  } else {
    out->push_back(static_cast<char>(0xF0 | (u >> 18)));
    out->push_back(static_cast<char>(0x80 | ((u >> 12) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | ((u >> 6) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | (u & 0x3F)));
  }
}

// Builds the key one character at a time, turning separator runs into one
// space and never starting or ending with one.
class KeyBuilder {
 public:
  void Letter(UChar32 c) {
    if (pending_space_ && !key_.empty()) key_.push_back(' ');
    pending_space_ = false;
    AppendUtf8(c, &key_);
  }
  void Word(std::string_view word) {
    for (char c : word) Letter(static_cast<unsigned char>(c));
  }
  void Separator() { pending_space_ = true; }
  std::string Take() { return std::move(key_); }

 private:
  std::string key_;
  bool pending_space_ = false;
};

bool IsDropped(UChar32 c) {
  // Full stops and apostrophes vanish: "U.S.A." is "usa", "d'Ivoire" is
  // "divoire", whatever apostrophe the writer's keyboard produced.
  return c == '.' || c == '\'' || c == '`' || c == 0x00B4 || c == 0x2019 ||
         c == 0x2018 || c == 0x02BC;
}

// Letters that case folding and decomposition leave as they are but that
// writers commonly replace by a base letter.
const char* HandFold(UChar32 c) {
  switch (c) {
    case 0x0259: return "e";   // ə (Azerbaijani schwa, folded from Ə)
    case 0x0131: return "i";   // ı (Turkish dotless i)
    case 0x00F8: return "o";   // ø
    case 0x00DF: return "ss";  // ß
    case 0x0111: return "d";   // đ
    case 0x0142: return "l";   // ł
    case 0x00E6: return "ae";  // æ
    case 0x0153: return "oe";  // œ
    case 0x00FE: return "th";  // þ
    case 0x0127: return "h";   // ħ
    default: return nullptr;
  }
}

void FoldCodePoint(UChar32 c, KeyBuilder* key) {
  if (IsDropped(c)) return;
  if (c == '&') {
    key->Separator();
    key->Word("and");
    key->Separator();
    return;
  }
  if (!u_isalnum(c)) {
    key->Separator();
    return;
  }
  const UChar32 folded = u_foldCase(c, U_FOLD_CASE_DEFAULT);
  if (const char* replacement = HandFold(folded); replacement != nullptr) {
    key->Word(replacement);
    return;
  }
  key->Letter(folded);
}

}  // namespace

std::string FoldForLookup(std::string_view text) {
  KeyBuilder key;
  bool ascii = true;
  for (char c : text) ascii = ascii && static_cast<unsigned char>(c) < 0x80;
  if (ascii) {
    for (char c : text) FoldCodePoint(static_cast<unsigned char>(c), &key);
    return key.Take();
  }
  // fromUTF8 turns an invalid sequence into U+FFFD, which is neither a letter
  // nor a digit: such a value folds to separators and matches nothing real.
  const icu::UnicodeString input = icu::UnicodeString::fromUTF8(
      icu::StringPiece(text.data(), static_cast<int32_t>(text.size())));
  UErrorCode status = U_ZERO_ERROR;
  const icu::Normalizer2* nfd = icu::Normalizer2::getNFDInstance(status);
  icu::UnicodeString decomposed;
  if (U_SUCCESS(status)) decomposed = nfd->normalize(input, status);
  if (U_FAILURE(status)) decomposed = input;  // fold without decomposition
  for (int32_t i = 0; i < decomposed.length();) {
    const UChar32 c = decomposed.char32At(i);
    i = decomposed.moveIndex32(i, 1);
    if (u_charType(c) == U_NON_SPACING_MARK) continue;
    FoldCodePoint(c, &key);
  }
  return key.Take();
}

}  // namespace reckon::internal

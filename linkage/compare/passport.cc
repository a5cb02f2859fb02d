#include "linkage/compare/passport.h"

#include <cstddef>
#include <string>
#include <string_view>

#include "linkage/compare/internal/code_points.h"
#include "linkage/compare/levenshtein.h"

namespace reckon {
namespace {

constexpr size_t kMinPartialLength = 4;

// The Latin letter a Cyrillic look-alike stands for, or 0.
char LatinLookAlike(char32_t c) {
  switch (c) {
    case U'А': case U'а': return 'A';
    case U'В': case U'в': return 'B';
    case U'Е': case U'е': return 'E';
    case U'К': case U'к': return 'K';
    case U'М': case U'м': return 'M';
    case U'Н': case U'н': return 'H';
    case U'О': case U'о': return 'O';
    case U'Р': case U'р': return 'P';
    case U'С': case U'с': return 'C';
    case U'Т': case U'т': return 'T';
    case U'Х': case U'х': return 'X';
    case U'І': case U'і': return 'I';
    default: return 0;
  }
}

}  // namespace

std::string NormalizeDocumentNumber(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  const auto* bytes = reinterpret_cast<const unsigned char*>(text.data());
  size_t pos = 0;
  while (pos < text.size()) {
    const char32_t c = internal::DecodeOne(bytes, text.size(), &pos);
    if (c >= '0' && c <= '9') {
      out.push_back(static_cast<char>(c));
    } else if (c >= 'A' && c <= 'Z') {
      out.push_back(static_cast<char>(c));
    } else if (c >= 'a' && c <= 'z') {
      out.push_back(static_cast<char>(c - 'a' + 'A'));
    } else if (const char latin = LatinLookAlike(c); latin != 0) {
      out.push_back(latin);
    }
  }
  return out;
}

PassportLevel ComparePassports(std::string_view a, std::string_view b) {
  if (a.empty() || b.empty()) return PassportLevel::kMissing;
  if (a == b) return PassportLevel::kExact;
  if (OsaDistance(a, b, 1) <= 1) return PassportLevel::kOneEdit;
  const std::string_view shorter = a.size() < b.size() ? a : b;
  const std::string_view longer = a.size() < b.size() ? b : a;
  if (shorter.size() >= kMinPartialLength && shorter.size() < longer.size() &&
      (longer.substr(0, shorter.size()) == shorter ||
       longer.substr(longer.size() - shorter.size()) == shorter)) {
    return PassportLevel::kPrefixOrSuffix;
  }
  return PassportLevel::kDifferent;
}

std::string_view PassportLevelName(PassportLevel level) {
  switch (level) {
    case PassportLevel::kExact: return "exact";
    case PassportLevel::kOneEdit: return "one_edit";
    case PassportLevel::kPrefixOrSuffix: return "prefix_or_suffix";
    case PassportLevel::kDifferent: return "different";
    case PassportLevel::kMissing: return "missing";
  }
  return "unknown";
}

}  // namespace reckon

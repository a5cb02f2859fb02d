// Passport and other document numbers: normalization and comparison levels.
// Registers copy numbers with spaces and dashes, in Cyrillic look-alike
// letters, or only in part; these functions make such copies comparable.
#ifndef RECKON_LINKAGE_COMPARE_PASSPORT_H_
#define RECKON_LINKAGE_COMPARE_PASSPORT_H_

#include <cstdint>
#include <string>
#include <string_view>

namespace reckon {

// Returns `text` reduced to upper-case ASCII letters and digits: ASCII
// letters are upper-cased; the Cyrillic letters that look like Latin ones
// (А В Е К М Н О Р С Т Х, either case, and Ukrainian/Belarusian І) become
// those Latin letters; everything else (spaces, dashes, slashes, other
// letters, invalid UTF-8) is dropped.
//   NormalizeDocumentNumber(" с 1234-567 ") -> "C1234567"
std::string NormalizeDocumentNumber(std::string_view text);

// From strongest to weakest agreement; the first that applies is returned.
enum class PassportLevel : uint8_t {
  kExact,           // equal
  kOneEdit,         // OSA distance 1: one typo or one adjacent transposition
  kPrefixOrSuffix,  // the shorter, of 4 or more characters, is a prefix or a
                    // suffix of the longer: a number copied in part
  kDifferent,
  kMissing,         // either number is empty
};

inline constexpr int kPassportLevelCount = 5;

// Returns the level of `a` against `b`; symmetric, O(n).
// REQUIRES: both already normalized by NormalizeDocumentNumber (done once per
// record, not per pair).
PassportLevel ComparePassports(std::string_view a, std::string_view b);

// "exact", "one_edit", "prefix_or_suffix", "different", "missing".
std::string_view PassportLevelName(PassportLevel level);

}  // namespace reckon

#endif  // RECKON_LINKAGE_COMPARE_PASSPORT_H_

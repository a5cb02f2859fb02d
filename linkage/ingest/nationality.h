// Nationalities as registers write them, mapped to ISO 3166-1 alpha-3 codes.
//
// Accepted, in any case and with or without diacritics:
//   - ISO 3166-1 alpha-2 and alpha-3 codes of every country ("TR", "tur");
//   - the English short name of every country ("Turkey", "Türkiye",
//     "Russian Federation", "Korea, Republic of" ...) and common English
//     variants ("Russia", "South Korea", "UK", "USA", "Bosnia-Herzegovina");
//   - names, common abbreviations and the adjectives used for nationality in
//     Azerbaijani, Russian and Turkish for the ~70 countries whose nationals
//     the registers hold ("Türkiyə", "Турция", "Gürcistan", "РФ", "RF", "КНР",
//     "KNR", "ABŞ", "ABD", "türk", "русский" ...).
//
//   NationalityToAlpha3("Türkiyə")  -> "TUR"
//   NationalityToAlpha3("ru")       -> "RUS"
//   Alpha3EnglishName("GEO")        -> "Georgia"
#ifndef RECKON_LINKAGE_INGEST_NATIONALITY_H_
#define RECKON_LINKAGE_INGEST_NATIONALITY_H_

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"

namespace reckon {

// Returns the upper-case ISO 3166-1 alpha-3 code of the country `text` names.
// Surrounding spaces and punctuation are ignored ("U.S.A.", "Bosnia &
// Herzegovina"); a leading "Republic of" or trailing "Republic" and the like
// are tried away if the whole does not match. "Korea" alone is South Korea.
// Returns kInvalidArgument `unknown nationality "..."` for anything else,
// including "" (an empty field is the caller's to treat as missing); the
// caller adds file, line and field. Thread-safe.
absl::StatusOr<std::string> NationalityToAlpha3(std::string_view text);

// Returns the English short name of the country with ISO alpha-3 code
// `alpha3` (any case), e.g. "Georgia" for "GEO", or "" for an unknown code.
// The result points into static storage.
std::string_view Alpha3EnglishName(std::string_view alpha3);

// Number of countries in the table (every ISO 3166-1 entry).
size_t CountryCount();

namespace internal {

// Keys that the built-in tables give to two different countries, and aliases
// naming a code that is not in the table; empty when the tables are sound.
// For tests.
std::vector<std::string> NationalityTableConflicts();

}  // namespace internal

}  // namespace reckon

#endif  // RECKON_LINKAGE_INGEST_NATIONALITY_H_

// Folding of short categorical values (country names, sex codes) for table
// lookup: any case, with or without diacritics, with loose punctuation.
#ifndef RECKON_LINKAGE_INGEST_INTERNAL_FOLD_H_
#define RECKON_LINKAGE_INGEST_INTERNAL_FOLD_H_

#include <string>
#include <string_view>

namespace reckon::internal {

// Returns the lookup key of `text`: Unicode case-folded, decomposed with the
// combining marks removed ("Türkiyə" and "TURKIYE" both give "turkiye"), with
// the letters that carry no decomposition folded by hand (ə -> e, ı -> i,
// ø -> o, ß -> ss, ё -> е and similar), '.' and apostrophes removed ("U.S.A."
// -> "usa"), '&' read as "and", every other run of spaces and punctuation
// turned into one space, and no leading or trailing space. An invalid UTF-8
// sequence folds like punctuation (to a space). Thread-safe.
std::string FoldForLookup(std::string_view text);

}  // namespace reckon::internal

#endif  // RECKON_LINKAGE_INGEST_INTERNAL_FOLD_H_

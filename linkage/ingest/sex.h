// Sex as each register codes it, parsed into one enum.
//
//   ParseSex("Ж")      -> Sex::kFemale     (Russian: женский)
//   ParseSex("K")      -> Sex::kMale       (Azerbaijani: kişi)
//   ParseSex("qadın")  -> Sex::kFemale     (Azerbaijani)
//   ParseSex("2")      -> Sex::kFemale     (ISO/IEC 5218)
#ifndef RECKON_LINKAGE_INGEST_SEX_H_
#define RECKON_LINKAGE_INGEST_SEX_H_

#include <cstdint>
#include <string_view>

#include "absl/status/statusor.h"

namespace reckon {

enum class Sex : uint8_t { kUnknown, kMale, kFemale };

// Returns "M", "F" or "" (unknown), for output.
std::string_view SexCode(Sex sex);

// Parses a sex code or word in any case, with or without diacritics,
// surrounding spaces ignored:
//   male:    M, male, man, K, kişi, E, erkek, М, муж, мужской, мужчина, 1
//   female:  F, female, woman, Q, qadın, kadın, Ж, жен, женский, женщина, 2
//   unknown: "", U, unknown, X, naməlum, bilinmiyor, неизвестно, 0, 9
// ISO/IEC 5218 codes 0 (not known) and 9 (not applicable) are kUnknown.
//
// "K" is ambiguous between Azerbaijani (kişi, male) and Turkish (kadın,
// female). The registers reckon reads are Azerbaijani, so a bare K is male;
// Turkish registers write the word "kadın" (or "kadin"), which is female, and
// "E"/"erkek" for male. A source known to use Turkish single letters must be
// mapped before parsing. Returns kInvalidArgument `unrecognized sex "..."` for
// anything else; the caller adds file, line and field.
absl::StatusOr<Sex> ParseSex(std::string_view text);

}  // namespace reckon

#endif  // RECKON_LINKAGE_INGEST_SEX_H_

// Facts about names that the normalizer needs and ICU does not know:
// patronymic markers, Chinese and Korean surnames, pinyin syllables, and the
// usual romanization of frequent names written in Arabic script (where short
// vowels are not written, so rules alone give "mhmd" for محمد).
//
// All lookups take comparison-form text (lower-case ASCII) unless noted, and
// are safe to call from any thread (the tables are immutable).
#ifndef RECKON_LINKAGE_NORMALIZE_NAME_TABLES_H_
#define RECKON_LINKAGE_NORMALIZE_NAME_TABLES_H_

#include <optional>
#include <string_view>

namespace reckon::normalize_internal {

// True for a separate patronymic marker that follows the father's name:
// oglu/ogly/ogli/ugli/uulu/uly (son), qizi/kizi/kyzy/gizi (daughter), as the
// comparison form spells them (oğlu -> oglu, qızı -> qizi, оглы -> ogly).
bool IsPatronymicMarkerAfter(std::string_view token);

// True for a separate marker that precedes the father's name: bin, ibn,
// bint, binti, binte.
bool IsPatronymicMarkerBefore(std::string_view token);

// If `token` ends in a patronymic suffix (-ovich, -evich, -ovna, -evna,
// -ichna, -ich, -ovych, -ivna ...), returns the father's name it is built on
// (vagifovich -> vagif, sergeyevna -> sergey), else nullopt. `feminine` is set
// for the unambiguous female suffixes. The stem must keep two letters or more.
std::optional<std::string_view> PatronymicStem(std::string_view token,
                                               bool* feminine);

// True for a particle that is written joined to the next word by some
// registers and apart by others: de, del, dela, della, delos, di, da, dos,
// al, el, abd, abdul, abdel, abdol, abu (Dela Cruz / Delacruz, Abdul Karim /
// Abdulkarim, Al Hashimi / Al-Hashimi / Alhashimi).
bool IsNameParticle(std::string_view token);

// True for a word that continues a particle: "la" in "de la", "al" in
// "abd al" (de la Cruz, Abd al-Rahman).
bool IsParticleContinuation(std::string_view token);

// The frequency rank (1 = most frequent) of a Chinese surname in pinyin, or 0
// if it is not among the common ones.
int ChineseSurnameRank(std::string_view pinyin);

// True if `syllable` is one pinyin syllable (toneless, ü written u or v).
bool IsPinyinSyllable(std::string_view syllable);

// Number of leading characters of `name` (Han or Hangul, UTF-16 as ICU holds
// it) that form a two-character compound surname (欧阳, 诸葛, 남궁 ...):
// 2 if so, else 1.
int HanHangulSurnameLength(std::u16string_view name);

// The usual Latin spelling of a frequent given name or surname written in
// Arabic script (Persian, Arabic or Urdu letters; Arabic kaf/yeh and Persian
// keheh/farsi yeh are treated alike; harakat and tatweel are ignored), or
// nullopt. The spellings are the common passport ones (محمد -> mohammad,
// حسینی -> hosseini); the Latin fold and keys handle the other romanizations.
std::optional<std::string_view> ArabicScriptNameSpelling(
    std::u16string_view word);

}  // namespace reckon::normalize_internal

#endif  // RECKON_LINKAGE_NORMALIZE_NAME_TABLES_H_

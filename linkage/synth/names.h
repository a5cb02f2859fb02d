// The generator's own name lists, one per naming culture, each name held in
// its native script (where there is one) and in every spelling a register
// may use. The lists are ordered from common to rare and drawn with Zipf-like
// weights, so common names repeat as they do in real registers.
//
// A person's naming culture is separate from their nationality: a Georgian or
// Russian citizen may carry an Azerbaijani name, a Serbian and a Bosnian
// citizen share a language but not a script.
//
//   const NameList& names = Names(Culture::kRussian);
//   const Spelling& given = names.given[kFemale][3];
//   given.native;  // "Наталья"
//   given.passport;  // "Natalia"
#ifndef RECKON_LINKAGE_SYNTH_NAMES_H_
#define RECKON_LINKAGE_SYNTH_NAMES_H_

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "linkage/synth/random.h"

namespace reckon::synth_internal {

enum class Culture : uint8_t {
  kAzerbaijani,
  kTurkish,
  kGeorgian,
  kRussian,
  kPersian,
  kChinese,
  kIndian,
  kSouthAsianMuslim,  // Pakistan, Bangladesh
  kCentralAsian,      // Uzbekistan, Turkmenistan, Kazakhstan
  kVietnamese,
  kFilipino,
  kSerbian,  // Serbian Cyrillic native script
  kBosnian,  // the same names, Latin native script
  kArab,     // Egypt, Sudan
  kAfrican,  // Nigeria, Ghana, Cameroon, Kenya
};
inline constexpr size_t kCultureCount = 15;

inline constexpr size_t kMale = 0;
inline constexpr size_t kFemale = 1;

// One name (or patronymic) in every form a register may write.
struct Spelling {
  std::string native;    // native script: Cyrillic, Mkhedruli, Persian, Han...
  std::string passport;  // as the person's passport prints it, title case
  // For Azerbaijani names held by citizens of Cyrillic-alphabet states: the
  // passport transliterates the Russian form (Гусейнов -> Guseinov).
  std::string passport_from_cyrillic;
  std::string cyrillic;  // Russian Cyrillic (Мамедов, Гусейнов)
  std::string gost;      // Russian-style Latin, й -> j (Gusejnov)
  std::string bgn;       // Russian-style Latin, й -> y (Guseynov)
  std::string az_latin;  // Azerbaijani Latin (Məmmədov, Hüseynov)
  std::string ascii;     // plain ASCII, title case (Mammadov, Cafarov)
  std::string mrz;       // passport MRZ: A-Z, '<' between words
  // Other romanizations clerks produce (Muhammad, Mohammed; Xiao Ming).
  std::vector<std::string> variants;
};

struct NameList {
  Culture culture;
  // Given names by sex; diminutive[sex][i] indexes diminutives[sex], or -1.
  std::array<std::vector<Spelling>, 2> given;
  std::array<std::vector<int>, 2> diminutive;
  std::array<std::vector<Spelling>, 2> diminutives;
  // Surnames; surname[kFemale][i] is the female form of surname[kMale][i].
  std::array<std::vector<Spelling>, 2> surname;
  // Patronymics by the father's index in given[kMale]; empty where the
  // culture uses none.
  std::array<std::vector<Spelling>, 2> patronymic;
  std::array<WeightedTable, 2> given_weights;
  WeightedTable surname_weights;
  // Native full names put the surname first (Chinese, Russian, Azerbaijani).
  bool surname_first = false;
  // Native full names have no spaces (Han).
  bool no_spaces = false;
};

// The list of `culture`. Built once on first use; thread-safe.
const NameList& Names(Culture culture);

// Lower-case label of `culture`, e.g. "azerbaijani".
std::string_view CultureName(Culture culture);

}  // namespace reckon::synth_internal

#endif  // RECKON_LINKAGE_SYNTH_NAMES_H_

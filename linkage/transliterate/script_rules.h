// Our own ICU transform rule sets for names, and the script transliterators
// the name normalizer runs (linkage/normalize/name_forms.h).
//
// ICU's stock "Any-Latin; Latin-ASCII" is built for readability of general
// text and fails names of this region: Гусейнов becomes "gusejnov" while the
// labour ministry writes Hüseynov, Джафаров becomes "dzafarov" while
// Azerbaijani writes Cəfərov, محمد حسینی becomes "mhmd hsyny", राहुल becomes
// "rahula". The rule sets here write each script the way registers of the
// region write it in Latin, and fold the competing Latin habits to one:
//
//   Cyrillic   Russian passport style plus Azerbaijani, Uzbek, Kazakh,
//              Kyrgyz, Tajik, Ukrainian and Serbian letters (дж -> j,
//              х -> kh, е -> ye after a vowel, ҹ -> j, һ -> h, ђ -> đ)
//   Georgian   the national system without ejective apostrophes
//   Arabic     Arabic, Persian and Urdu letters; glides and long vowels by
//              position, short vowels from harakat when written
//   Indic      Devanagari, Bengali, Gurmukhi, Gujarati through ICU with the
//              word-final inherent vowel dropped (rahul, not rahula)
//   Turkic     Azerbaijani c -> j, x -> kh, q -> g, for names that carry an
//              Azerbaijani or Turkish letter (the caller decides)
//   Fold       ə ı ğ ş ç ö ü ž š č ... to ASCII as registers write them,
//              then every other diacritic dropped (Vietnamese, Turkish ...)
//   Habits     one spelling for dzh/dj/j, final j/ij/ii, ou/oo/ee, -eh, iu-
//
// Every rule set expects lower-case input (the normalizer lowers first).
#ifndef RECKON_LINKAGE_TRANSLITERATE_SCRIPT_RULES_H_
#define RECKON_LINKAGE_TRANSLITERATE_SCRIPT_RULES_H_

#include <memory>
#include <string_view>

#include "absl/status/statusor.h"
#include "linkage/transliterate/transliterator.h"

namespace reckon {

// The rule strings, for inspection and for tests.
std::string_view CyrillicLatinRules();
std::string_view GeorgianLatinRules();
std::string_view ArabicScriptLatinRules();
std::string_view IndicLatinRules();
std::string_view TurkicLatinRules();
std::string_view LatinFoldRules();
std::string_view LatinHabitRules();

// Every transliterator the name normalizer needs, built once. Each member is
// thread-safe (see Transliterator).
struct ScriptTransliterators {
  std::unique_ptr<Transliterator> cyrillic;  // CyrillicLatinRules
  std::unique_ptr<Transliterator> georgian;  // GeorgianLatinRules
  std::unique_ptr<Transliterator> arabic;    // ArabicScriptLatinRules
  std::unique_ptr<Transliterator> indic;     // IndicLatinRules
  std::unique_ptr<Transliterator> han;       // ICU Han-Latin (pinyin, tones)
  std::unique_ptr<Transliterator> other;     // ICU Any-Latin, other scripts
  std::unique_ptr<Transliterator> turkic;    // TurkicLatinRules
  std::unique_ptr<Transliterator> fold;      // LatinFoldRules
  std::unique_ptr<Transliterator> habits;    // LatinHabitRules
};

// Builds all of them. Fails only if ICU lacks its data (kInternal) or a rule
// set does not parse (kInvalidArgument, a bug caught by the tests).
absl::StatusOr<ScriptTransliterators> CreateScriptTransliterators();

}  // namespace reckon

#endif  // RECKON_LINKAGE_TRANSLITERATE_SCRIPT_RULES_H_

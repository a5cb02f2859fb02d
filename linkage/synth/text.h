// Text tools of the scenario generator: UTF-8 code points, simple case
// mapping, and the generator's OWN spelling rules (Cyrillic <-> Latin in
// several national habits, Azerbaijani Latin, Georgian Mkhedruli, Serbian
// Cyrillic, Palladius Cyrillic for pinyin, Persian/Arabic romanization
// variants, ASCII folding).
//
// These tables deliberately share nothing with ICU or linkage/normalize: the
// generator makes the data that the normalizer is tested on, so it must not
// reproduce the normalizer's own mistakes. They cover the letters that occur
// in the generator's name lists, not every letter of every script.
//
//   const RuleSet& bgn = CyrillicToLatin(CyrillicScheme::kBgn);
//   bgn.Apply("Гусейнов");  // "Guseynov"
#ifndef RECKON_LINKAGE_SYNTH_TEXT_H_
#define RECKON_LINKAGE_SYNTH_TEXT_H_

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace reckon::synth_internal {

// Decodes UTF-8. REQUIRES: valid UTF-8 (the generator only decodes its own
// tables and its own output).
std::u32string DecodeUtf8(std::string_view text);
void AppendUtf8(char32_t c, std::string* out);
std::string EncodeUtf8(std::u32string_view text);

// Simple (one-to-one) case mapping for Latin, Latin-1, Latin Extended-A,
// Azerbaijani schwa, Vietnamese and Cyrillic letters; other code points are
// returned unchanged. `turkic` maps i <-> İ and ı <-> I as Azerbaijani and
// Turkish do.
char32_t ToUpper(char32_t c, bool turkic = false);
char32_t ToLower(char32_t c);
std::string Upper(std::string_view text, bool turkic = false);
std::string Lower(std::string_view text);
// Upper-cases the first letter of each space- or hyphen-separated word and
// lower-cases the rest.
std::string TitleCase(std::string_view text, bool turkic = false);

// Upper-case ASCII: folds letters with diacritics to their base letters
// (Ş -> S, Ə -> A, Đ -> DJ, Vietnamese tones dropped) and drops what has no
// ASCII form.
std::string AsciiFold(std::string_view text);

// A transliteration table. Rules are tried longest first at each position of
// the lower-cased input; a rule whose source starts with '^' applies only at
// the start of a word; a later rule with the same source replaces an earlier
// one. Characters no rule covers are copied. When the input
// starts with an upper-case letter, each word of the result is title-cased.
class RuleSet {
 public:
  RuleSet(std::vector<std::pair<std::string_view, std::string_view>> rules,
          bool turkic_output = false);
  std::string Apply(std::string_view text) const;

 private:
  struct Rule {
    std::u32string from;
    bool word_initial = false;
    std::string to;
  };
  std::vector<Rule> rules_;  // longest source first
  bool turkic_output_;
};

enum class CyrillicScheme {
  kIcao,  // passports since 2013: й -> i, х -> kh, ю -> iu (Ivanov, Iulia)
  kGost,  // older Soviet habit: й -> j, х -> h, ю -> ju (Gusejnov)
  kBgn,   // English-style: й -> y, х -> kh, е after vowel -> ye (Guseynov)
};
const RuleSet& CyrillicToLatin(CyrillicScheme scheme);
// Russian Cyrillic to Azerbaijani Latin (Сергей -> Sergey, Жуков -> Jukov).
const RuleSet& CyrillicToAzerbaijani();

// How a Latin spelling is read when it is re-spelled in another script.
enum class LatinDialect {
  kEnglish,   // c -> k, j -> dzh, x -> ks (Indian, African, Filipino names)
  kTurkish,   // c -> dzh, ç, ş, ğ, ı, ö, ü
  kSerbian,   // c -> ts, j -> y, lj, nj, č, ć, š, ž, đ
  kOriental,  // Persian, Arabic, Georgian, Central Asian romanizations
};
// A Latin spelling as the interior ministry writes it in Cyrillic.
const RuleSet& LatinToCyrillic(LatinDialect dialect);
// A Latin spelling as the labour ministry writes it in Azerbaijani Latin.
const RuleSet& LatinToAzerbaijani(LatinDialect dialect);
// Azerbaijani Latin as Azerbaijani passports write it (Məmmədov -> Mammadov,
// Cəfərov -> Jafarov, Xəlilov -> Khalilov).
const RuleSet& AzerbaijaniToPassport();
// Serbian Latin to Serbian Cyrillic (Petrović -> Петровић).
const RuleSet& SerbianToCyrillic();
// Georgian national romanization, with ' marking ejectives (k' = კ, k = ქ),
// to Mkhedruli.
const RuleSet& GeorgianToMkhedruli();

// Space-separated pinyin syllables ("xiao ming") to Palladius Cyrillic
// ("Сяомин"), syllables joined and capitalized.
std::string PinyinToCyrillic(std::string_view pinyin);

// Other romanizations of a Persian or Arabic name that clerks produce from
// the same script (Mohammad: Muhammad, Mohammed, Mahammad, ...), without
// `romanized` itself, in a fixed order.
std::vector<std::string> RomanizationVariants(std::string_view romanized);

}  // namespace reckon::synth_internal

#endif  // RECKON_LINKAGE_SYNTH_TEXT_H_

#include "linkage/normalize/name_forms.h"

#include <algorithm>
#include <optional>
#include <utility>

#include <unicode/locid.h>
#include <unicode/normalizer2.h>
#include <unicode/uchar.h>
#include <unicode/uscript.h>
#include <unicode/unistr.h>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/hash/hash.h"
#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "linkage/base/status_macros.h"
#include "linkage/base/utf8.h"
#include "linkage/normalize/name_tables.h"
#include "linkage/normalize/palladius.h"
#include "linkage/normalize/phonetic.h"

namespace reckon {

using normalize_internal::ArabicScriptNameSpelling;
using normalize_internal::ChineseSurnameRank;
using normalize_internal::HanHangulSurnameLength;
using normalize_internal::IsNameParticle;
using normalize_internal::IsParticleContinuation;
using normalize_internal::IsPatronymicMarkerAfter;
using normalize_internal::IsPatronymicMarkerBefore;
using normalize_internal::IsPinyinSyllable;
using normalize_internal::MayBeRomanizedPalladius;
using normalize_internal::PalladiusReading;
using normalize_internal::ReadPalladius;
using normalize_internal::ReadRomanizedPalladius;
using normalize_internal::PatronymicStem;

// A sharded cache of computed forms, keyed by the raw name. Each shard keeps
// two generations: hits in the older one are promoted, and when the recent
// one fills, it becomes the older one and the old older one is dropped. That
// approximates LRU at O(1) per operation with no per-entry bookkeeping; the
// shards keep TBB workers from contending on one lock.
class NameCache {
 public:
  explicit NameCache(size_t capacity)
      : generation_capacity_(std::max<size_t>(1, capacity / kShards / 2)) {}

  std::shared_ptr<const NameForms> Find(absl::string_view key,
                                        size_t hash) const {
    Shard& shard = shards_[hash % kShards];
    {
      absl::ReaderMutexLock lock(&shard.mu);
      if (auto it = shard.recent.find(key); it != shard.recent.end()) {
        shard.hits.fetch_add(1, std::memory_order_relaxed);
        return it->second;
      }
    }
    absl::MutexLock lock(&shard.mu);
    auto it = shard.older.find(key);
    if (it == shard.older.end()) {
      shard.misses.fetch_add(1, std::memory_order_relaxed);
      return nullptr;
    }
    shard.hits.fetch_add(1, std::memory_order_relaxed);
    std::shared_ptr<const NameForms> forms = it->second;
    InsertLocked(shard, std::string(key), forms);
    return forms;
  }

  void Insert(absl::string_view key, size_t hash,
              std::shared_ptr<const NameForms> forms) const {
    Shard& shard = shards_[hash % kShards];
    absl::MutexLock lock(&shard.mu);
    InsertLocked(shard, std::string(key), std::move(forms));
  }

  NameNormalizer::CacheStats Stats() const {
    NameNormalizer::CacheStats stats;
    for (Shard& shard : shards_) {
      absl::ReaderMutexLock lock(&shard.mu);
      stats.hits += shard.hits.load(std::memory_order_relaxed);
      stats.misses += shard.misses.load(std::memory_order_relaxed);
      stats.size += shard.recent.size() + shard.older.size();
    }
    return stats;
  }

 private:
  static constexpr size_t kShards = 64;
  using Map =
      absl::flat_hash_map<std::string, std::shared_ptr<const NameForms>>;
  struct alignas(64) Shard {
    absl::Mutex mu;
    Map recent ABSL_GUARDED_BY(mu);
    Map older ABSL_GUARDED_BY(mu);
    std::atomic<uint64_t> hits{0};
    std::atomic<uint64_t> misses{0};
  };

  void InsertLocked(Shard& shard, std::string key,
                    std::shared_ptr<const NameForms> forms) const
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(shard.mu) {
    if (shard.recent.size() >= generation_capacity_) {
      shard.older = std::move(shard.recent);
      shard.recent = Map();
    }
    shard.recent.insert_or_assign(std::move(key), std::move(forms));
  }

  const size_t generation_capacity_;
  mutable Shard shards_[kShards];
};

namespace {

constexpr UChar32 kApostrophes[] = {0x2019, 0x2018, 0x02BC, 0x02BB, 0x0060,
                                    0x00B4, 0x02B9, 0x2032, 0x02BE, 0x02BF};

bool IsApostrophe(UChar32 c) {
  if (c == '\'') return true;
  return std::find(std::begin(kApostrophes), std::end(kApostrophes), c) !=
         std::end(kApostrophes);
}

bool IsDash(UChar32 c) {
  return c == '-' || (c >= 0x2010 && c <= 0x2015) || c == 0x2212 ||
         c == 0x2043 || c == 0x00AD;
}

// Letters that only Turkish and Azerbaijani use, in either case: a word that
// has one is lowered with Turkic rules (I -> ı, İ -> i).
bool IsTurkicCaseMarker(UChar32 c) {
  switch (c) {
    case 0x018F:  // Ə
    case 0x0259:  // ə
    case 0x0130:  // İ
    case 0x0131:  // ı
    case 0x011E:  // Ğ
    case 0x011F:  // ğ
    case 0x015E:  // Ş
    case 0x015F:  // ş
      return true;
    default:
      return false;
  }
}

bool IsMark(UChar32 c) {
  const int8_t type = u_charType(c);
  return type == U_NON_SPACING_MARK || type == U_COMBINING_SPACING_MARK ||
         type == U_ENCLOSING_MARK;
}

const icu::Normalizer2& Nfkc() {
  UErrorCode code = U_ZERO_ERROR;
  const icu::Normalizer2* nfkc = icu::Normalizer2::getNFKCInstance(code);
  // ICU's own data; its absence is a broken installation, caught by Create.
  return *nfkc;
}

icu::UnicodeString NormalizeNfkc(const icu::UnicodeString& text) {
  UErrorCode code = U_ZERO_ERROR;
  icu::UnicodeString out = Nfkc().normalize(text, code);
  return U_SUCCESS(code) ? out : text;
}

// NFKC, then: controls and white space to one space, format characters
// removed, apostrophes and dashes unified. Words are lowered one by one.
icu::UnicodeString DisplayForm(const icu::UnicodeString& raw) {
  static const icu::Locale kAzerbaijani("az");
  const icu::UnicodeString text = NormalizeNfkc(raw);
  std::vector<icu::UnicodeString> words;
  icu::UnicodeString word;
  bool turkic = false;
  auto flush = [&] {
    if (word.isEmpty()) return;
    if (turkic) {
      word.toLower(kAzerbaijani);
    } else {
      word.toLower(icu::Locale::getRoot());
    }
    words.push_back(word);
    word.remove();
    turkic = false;
  };
  for (int32_t i = 0; i < text.length();) {
    const UChar32 c = text.char32At(i);
    i += U16_LENGTH(c);
    const int8_t type = u_charType(c);
    if (type == U_CONTROL_CHAR || u_isUWhiteSpace(c) ||
        type == U_SPACE_SEPARATOR || type == U_LINE_SEPARATOR ||
        type == U_PARAGRAPH_SEPARATOR) {
      flush();
      continue;
    }
    if (type == U_FORMAT_CHAR || c == 0x00AD) continue;
    if (IsApostrophe(c)) {
      word.append(static_cast<UChar32>('\''));
      continue;
    }
    if (IsDash(c)) {
      word.append(static_cast<UChar32>('-'));
      continue;
    }
    if (IsTurkicCaseMarker(c)) turkic = true;
    word.append(c);
  }
  flush();
  // Tidy punctuation between the words: no space around a hyphen, none
  // before , . ; : and exactly one after , ; : (the words carry no spaces).
  icu::UnicodeString out;
  for (const icu::UnicodeString& w : words) {
    if (!out.isEmpty()) {
      const UChar last = out.charAt(out.length() - 1);
      const UChar first = w.charAt(0);
      const bool glue = last == '-' || first == '-' || first == ',' ||
                        first == '.' || first == ';' || first == ':';
      if (!glue) out.append(static_cast<UChar>(' '));
    }
    out.append(w);
  }
  icu::UnicodeString spaced;
  for (int32_t i = 0; i < out.length(); ++i) {
    const UChar c = out.charAt(i);
    spaced.append(c);
    if ((c == ',' || c == ';' || c == ':') && i + 1 < out.length() &&
        out.charAt(i + 1) != ' ') {
      spaced.append(static_cast<UChar>(' '));
    }
  }
  return NormalizeNfkc(spaced);
}

// Digits that OCR and hurried typing put for letters (Fy0dor, E1nur, AY5E,
// 5HARMA, Нік0лай): a digit, or two, that is followed by a letter of the same
// word (letters, marks and digits with no space) in a word of two letters or
// more is read as the letter it looks like. A digit after a word's last
// letter stays a digit (Ivanov2 numbers a record; it is not Ivanovz), and so
// does a longer run of digits. The reading follows the word's script and the
// case of the next letter (a digit opening a word is read as a capital):
//
//   digit   Latin lower/upper   Cyrillic
//   0       o / O               о / О
//   1       l / I               -     (l and I are what a 1 is taken for)
//   2       z / Z               -
//   3       e / E               з / З (3 stands for Ə in Azerbaijani typing)
//   4       a / A               ч / Ч
//   5       s / S               -
//   6       b / G               б / Б
//   7       t / T               -
//   8       b / B               в / В
//   9       g / G               -
//
// rn for m (Mehrnet) and li for h (Rajesli) are left alone: rn and li are
// common inside real names (Smirnov, Kornilov, Ali, Salih).
UChar32 LetterForDigit(UChar32 digit, bool cyrillic, bool upper) {
  const int d = digit - '0';
  if (cyrillic) {
    constexpr char16_t kLower[] = u"о\0\0зч\0б\0в\0";
    constexpr char16_t kUpper[] = u"О\0\0ЗЧ\0Б\0В\0";
    return upper ? kUpper[d] : kLower[d];
  }
  constexpr char kLower[] = "olzeasbtbg";
  constexpr char kUpper[] = "OIZEASGTBG";
  return static_cast<UChar32>(upper ? kUpper[d] : kLower[d]);
}

bool IsAsciiDigit(UChar32 c) { return c >= '0' && c <= '9'; }

// Rewrites `text` as described above. Returns true if a digit was read.
bool ReadDigitsAsLetters(icu::UnicodeString& text) {
  bool changed = false;
  const int32_t n = text.length();
  int32_t i = 0;
  while (i < n) {
    // A word: letters, marks and ASCII digits.
    const int32_t begin = i;
    int letters = 0;
    bool digits = false;
    bool cyrillic = false;
    while (i < n) {
      const UChar c = text.charAt(i);
      if (IsAsciiDigit(c)) {
        digits = true;
      } else if (u_isalpha(c) || IsMark(c)) {
        ++letters;
        UErrorCode code = U_ZERO_ERROR;
        if (uscript_getScript(c, &code) == USCRIPT_CYRILLIC) cyrillic = true;
      } else {
        break;
      }
      ++i;
    }
    const int32_t end = i;
    if (end == begin) {
      ++i;
      continue;
    }
    if (!digits || letters < 2) continue;
    for (int32_t j = begin; j < end;) {
      if (!IsAsciiDigit(text.charAt(j))) {
        ++j;
        continue;
      }
      int32_t k = j;
      while (k < end && IsAsciiDigit(text.charAt(k))) ++k;
      if (k - j <= 2 && k < end) {
        const bool upper = j == begin || u_isupper(text.charAt(k));
        for (int32_t m = j; m < k; ++m) {
          const UChar32 letter =
              LetterForDigit(text.charAt(m), cyrillic, upper);
          if (letter == 0) continue;
          text.setCharAt(m, static_cast<UChar>(letter));
          changed = true;
        }
      }
      j = k;
    }
  }
  return changed;
}

enum class WordScript { kLatin, kCyrillic, kGeorgian, kArabic, kIndic, kHan,
                        kHangul, kOther };

WordScript ScriptOf(const icu::UnicodeString& word) {
  for (int32_t i = 0; i < word.length();) {
    const UChar32 c = word.char32At(i);
    i += U16_LENGTH(c);
    UErrorCode code = U_ZERO_ERROR;
    const UScriptCode script = uscript_getScript(c, &code);
    if (U_FAILURE(code)) continue;
    switch (script) {
      case USCRIPT_COMMON:
      case USCRIPT_INHERITED:
        continue;
      case USCRIPT_LATIN:
        return WordScript::kLatin;
      case USCRIPT_CYRILLIC:
        return WordScript::kCyrillic;
      case USCRIPT_GEORGIAN:
        return WordScript::kGeorgian;
      case USCRIPT_ARABIC:
        return WordScript::kArabic;
      case USCRIPT_DEVANAGARI:
      case USCRIPT_BENGALI:
      case USCRIPT_GURMUKHI:
      case USCRIPT_GUJARATI:
        return WordScript::kIndic;
      case USCRIPT_HAN:
        return WordScript::kHan;
      case USCRIPT_HANGUL:
        return WordScript::kHangul;
      default:
        return WordScript::kOther;
    }
  }
  return WordScript::kLatin;
}

bool HasNonLatinLetter(const icu::UnicodeString& text) {
  for (int32_t i = 0; i < text.length();) {
    const UChar32 c = text.char32At(i);
    i += U16_LENGTH(c);
    if (c < 0x80 || !u_isalpha(c)) continue;
    UErrorCode code = U_ZERO_ERROR;
    const UScriptCode script = uscript_getScript(c, &code);
    if (U_SUCCESS(code) && script != USCRIPT_LATIN &&
        script != USCRIPT_COMMON && script != USCRIPT_INHERITED) {
      return true;
    }
  }
  return false;
}

// Splits the display form into words: runs of letters and marks, with an
// apostrophe kept inside a word (O'Brien, oʻgʻli). Digits, punctuation and
// spaces separate words and are dropped; `hyphen_before[i]` records that
// word i was joined to the one before by a hyphen alone.
std::vector<icu::UnicodeString> SplitWords(const icu::UnicodeString& text,
                                           std::vector<bool>* hyphen_before) {
  std::vector<icu::UnicodeString> words;
  icu::UnicodeString word;
  icu::UnicodeString separator;
  for (int32_t i = 0; i < text.length();) {
    const UChar32 c = text.char32At(i);
    i += U16_LENGTH(c);
    if (u_isalpha(c) || IsMark(c) || (c == '\'' && !word.isEmpty())) {
      if (word.isEmpty()) {
        hyphen_before->push_back(!words.empty() && separator == u"-");
        separator.remove();
      }
      word.append(c);
      continue;
    }
    if (!word.isEmpty()) words.push_back(word);
    word.remove();
    separator.append(c);
  }
  if (!word.isEmpty()) words.push_back(word);
  return words;
}

bool Contains(const icu::UnicodeString& text,
              std::initializer_list<UChar32> chars) {
  for (UChar32 c : chars) {
    if (text.indexOf(c) >= 0) return true;
  }
  return false;
}

bool IsVietnameseText(const icu::UnicodeString& text) {
  for (int32_t i = 0; i < text.length(); ++i) {
    const UChar c = text.charAt(i);
    // Precomposed Vietnamese vowels (Latin Extended Additional, the block of
    // ạ ả ấ ... ỹ), ơ, ư and ă.
    if ((c >= 0x1EA0 && c <= 0x1EF9) || c == 0x01A1 || c == 0x01B0 ||
        c == 0x0103) {
      return true;
    }
  }
  return false;
}

bool IsAsciiText(const icu::UnicodeString& text) {
  for (int32_t i = 0; i < text.length(); ++i) {
    if (text.charAt(i) >= 0x80) return false;
  }
  return true;
}

// False only if no rule of LatinHabitRules can match `text`: each rule
// needs one of these letters or pairs.
bool HabitRulesMayApply(std::string_view text) {
  if (text.find('j') != std::string_view::npos) return true;
  for (std::string_view trigger :
       {"dzh", "iu", "ia", "ou", "oo", "ee", "eh", "ii"}) {
    if (text.find(trigger) != std::string_view::npos) return true;
  }
  return false;
}

bool IsAsciiVowel(char c) {
  return c == 'a' || c == 'e' || c == 'i' || c == 'o' || c == 'u' || c == 'y';
}

bool EndsWith(std::string_view text, std::string_view suffix) {
  return text.size() >= suffix.size() &&
         text.substr(text.size() - suffix.size()) == suffix;
}

// True if `word` splits entirely into pinyin syllables (Liang, Xiaoming,
// Tian): such a word may be Chinese and keeps its i before a vowel.
bool SplitsIntoPinyin(std::string_view word) {
  constexpr size_t kLongest = 6;  // zhuang, shuang
  const size_t n = word.size();
  if (n == 0 || n > 32) return false;
  bool reachable[33] = {true};
  for (size_t i = 0; i < n; ++i) {
    if (!reachable[i]) continue;
    for (size_t length = 1; length <= kLongest && i + length <= n; ++length) {
      // IsPinyinSyllable over-generates: a syllable never opens with i or u
      // (those are spelled yi, wu) and names write ü as u or yu, not v.
      const std::string_view syllable = word.substr(i, length);
      if (syllable[0] == 'i' || syllable[0] == 'u' ||
          syllable.find('v') != std::string_view::npos) {
        continue;
      }
      if (IsPinyinSyllable(syllable)) reachable[i + length] = true;
    }
  }
  return reachable[n];
}

// `word` as lower-case ASCII letters and apostrophes, or "" if it has any
// other character: a Latin word with a diacritic is not romanized Palladius.
std::string AsciiLetters(const icu::UnicodeString& word) {
  std::string ascii;
  ascii.reserve(static_cast<size_t>(word.length()));
  for (int32_t i = 0; i < word.length(); ++i) {
    const UChar c = word.charAt(i);
    if ((c >= 'a' && c <= 'z') || c == '\'') {
      ascii.push_back(static_cast<char>(c));
    } else {
      return "";
    }
  }
  return ascii;
}

// True if `word` (lower-case, letters outside a-z as '.') shows a Slavic
// or Scandinavian habit of writing the glide y as j: a final -ij/-ej/-yj
// (Jurij, Sergej, Andrej), a final -ija not after d or h (Julija, Marija;
// not Khadija, Hadija), a South Slavic final -ic/-ich (Jovanovic), a final
// -nja/-nju (Tanja, Nemanja), j before y (Jyldyz for Йылдыз) or j after one
// of t f v k g h s and before a vowel (Tatjana, Fjodor, Gjunel, Hjalmar,
// Sjomin). None of these occur in the Latin names that write j for the
// affricate, as Azerbaijani, English, Indian, Persian and Georgian
// spellings do (Jafarov, Khadija, Sanjar, Amjad, Pankaj, Mirjalol,
// Lobjanidze).
bool WritesGlideAsJ(std::string_view word) {
  const size_t n = word.size();
  if (n < 3 || word.find('j') == std::string_view::npos) return false;
  if (n >= 4 && (EndsWith(word, "ij") || EndsWith(word, "ej") ||
                 EndsWith(word, "yj"))) {
    return true;
  }
  if (n >= 5 && EndsWith(word, "ija")) {
    const char before = word[n - 4];
    if (before != 'd' && before != 'h') return true;
  }
  if (EndsWith(word, "ic") || EndsWith(word, "ich") || EndsWith(word, "nja") ||
      EndsWith(word, "nju")) {
    return true;
  }
  for (size_t k = 0; k + 1 < n; ++k) {
    if (word[k] != 'j') continue;
    if (word[k + 1] == 'y') return true;
    if (k > 0 && IsAsciiVowel(word[k + 1]) &&
        std::string_view("tfvkghs").find(word[k - 1]) !=
            std::string_view::npos) {
      return true;
    }
  }
  return false;
}

// Folds two Slavic spelling habits onto the y spelling in `word`, a
// lower-case word written in Latin letters in the input (before the Latin
// fold, in a name without Azerbaijani or Turkish letters, whose c the Turkic
// rules make j):
//  - a word that WritesGlideAsJ has each j before a vowel read as y, except
//    after d and đ (dj is the ASCII đ): Julija -> yuliya once the habits
//    turn the final ij, Stojanović -> stoyanović, as Стоянович gives;
//  - a word whose first vowel is i after a consonant and before a, o or u
//    (the 2013 Russian passport spelling of я ю ё: Liudmila, Liubov, Fiodor)
//    has that i read as y (Giunel for Гюнель too), unless it follows c, or g
//    before a or o, where Italian and Georgian write i to soften them
//    (Giorgi, Giovanni, Gia), or the word splits into pinyin syllables
//    (Liang, Xiao, Jiang keep their i).
// Serbian Cyrillic words (with ј љ њ ђ ћ џ) come here too, as the Latin
// they transliterate to. Words from Russian Cyrillic already spell the glide
// y; a j there, and a j that the Turkic rules made of c, is the affricate
// (Озджан, Avcı).
void FoldSlavicSpellings(icu::UnicodeString& word) {
  // The word as ASCII for the tests: ć č -> c (so -ić reads -ic), đ -> d,
  // any other non-ASCII letter -> '.'.
  std::string ascii;
  ascii.reserve(static_cast<size_t>(word.length()));
  for (int32_t i = 0; i < word.length(); ++i) {
    const UChar c = word.charAt(i);
    if (c >= 'a' && c <= 'z') {
      ascii.push_back(static_cast<char>(c));
    } else if (c == 0x0107 || c == 0x010D) {
      ascii.push_back('c');
    } else if (c == 0x0111) {
      ascii.push_back('d');
    } else {
      ascii.push_back('.');
    }
  }
  if (WritesGlideAsJ(ascii)) {
    for (size_t k = 0; k + 1 < ascii.size(); ++k) {
      if (ascii[k] == 'j' && IsAsciiVowel(ascii[k + 1]) &&
          (k == 0 || ascii[k - 1] != 'd')) {
        ascii[k] = 'y';
        word.setCharAt(static_cast<int32_t>(k), 'y');
      }
    }
  }
  const size_t first_vowel = ascii.find_first_of("aeiouy");
  if (first_vowel == std::string::npos || first_vowel == 0 ||
      first_vowel + 1 >= ascii.size() || ascii[first_vowel] != 'i') {
    return;
  }
  const char before = ascii[first_vowel - 1];
  const char after = ascii[first_vowel + 1];
  if (before != '.' && before != 'c' && (before != 'g' || after == 'u') &&
      (after == 'a' || after == 'o' || after == 'u') &&
      !SplitsIntoPinyin(ascii)) {
    word.setCharAt(static_cast<int32_t>(first_vowel), 'y');
  }
}

// Splits the ASCII comparison text into tokens at anything but a-z. A
// hyphenated word whose parts are all pinyin syllables stays one token
// (Xiao-Ming, Min-Jun: a given name written with a hyphen), so it meets the
// joined and the Han spelling.
std::vector<std::string> SplitAscii(std::string_view text) {
  std::vector<std::string> tokens;
  std::vector<std::string> parts;
  std::string token;
  auto end_part = [&] {
    if (!token.empty()) parts.push_back(std::move(token));
    token.clear();
  };
  auto end_word = [&] {
    end_part();
    bool join = parts.size() >= 2;
    for (const std::string& part : parts) {
      if (!IsPinyinSyllable(part)) join = false;
    }
    if (join) {
      tokens.push_back(absl::StrJoin(parts, ""));
    } else {
      for (std::string& part : parts) tokens.push_back(std::move(part));
    }
    parts.clear();
  };
  for (char c : text) {
    if (c >= 'a' && c <= 'z') {
      token.push_back(c);
    } else if (c == '-') {
      end_part();
    } else {
      end_word();
    }
  }
  end_word();
  return tokens;
}

// Joins particles to the word they belong to: "de la cruz" -> "delacruz",
// "abd al rahman" -> "abdalrahman". A particle that ends the name stays.
void JoinParticles(std::vector<std::string>* tokens) {
  std::vector<std::string> joined;
  joined.reserve(tokens->size());
  const size_t n = tokens->size();
  size_t i = 0;
  while (i < n) {
    if (!IsNameParticle((*tokens)[i]) || i + 1 >= n) {
      joined.push_back(std::move((*tokens)[i]));
      ++i;
      continue;
    }
    std::string word = std::move((*tokens)[i]);
    size_t j = i + 1;
    while (j + 1 < n && IsParticleContinuation((*tokens)[j])) {
      word += (*tokens)[j];
      ++j;
    }
    word += (*tokens)[j];
    joined.push_back(std::move(word));
    i = j + 1;
  }
  *tokens = std::move(joined);
}

// Moves recognized patronymics from `*tokens` to `*patronymics`.
void SplitPatronymics(std::vector<std::string>* tokens,
                      std::vector<std::string>* patronymics) {
  const size_t n = tokens->size();
  std::vector<bool> drop(n, false);
  // Markers after the father's name (Vaqif oğlu) and before it (bin Ahmad).
  for (size_t i = 1; i < n; ++i) {
    if (drop[i] || drop[i - 1]) continue;
    if (IsPatronymicMarkerAfter((*tokens)[i])) {
      patronymics->push_back((*tokens)[i - 1]);
      drop[i - 1] = drop[i] = true;
    } else if (i + 1 < n && IsPatronymicMarkerBefore((*tokens)[i])) {
      patronymics->push_back((*tokens)[i + 1]);
      drop[i] = drop[i + 1] = true;
    }
  }
  if (patronymics->empty()) {
    // A suffix patronymic: never the first word (Russian order puts the
    // surname or the given name first), only in a full name.
    const size_t remaining = n;
    for (size_t i = 1; i < n; ++i) {
      bool feminine = false;
      std::optional<std::string_view> stem =
          PatronymicStem((*tokens)[i], &feminine);
      if (!stem.has_value()) continue;
      if (remaining >= 3 || (feminine && remaining >= 2)) {
        patronymics->push_back(std::string(*stem));
        drop[i] = true;
        break;
      }
    }
  }
  std::vector<std::string> kept;
  kept.reserve(n);
  for (size_t i = 0; i < n; ++i) {
    if (!drop[i]) kept.push_back(std::move((*tokens)[i]));
  }
  *tokens = std::move(kept);
}

// Joins the given-name syllables of a Chinese name written one syllable a
// word ("wang xiao ming" -> "wang xiaoming"). The surname is the first word
// if it is a common Chinese surname, else the last if that is one; without
// one, nothing changes, except that two syllables of which neither is a
// common surname are joined ("zhi ming" -> "zhiming") if `join_pair` (the
// caller clears it for a name read from Cyrillic by the Russian rules:
// Vietnamese Ти Лан, Thị Lan, is not a Chinese given name).
void JoinPinyinGivenName(bool join_pair, std::vector<std::string>* tokens) {
  const size_t n = tokens->size();
  if (n < 2) return;
  for (const std::string& token : *tokens) {
    if (!IsPinyinSyllable(token)) return;
  }
  // Two syllables without a surname among them are a given name written
  // spaced (Zhi Ming, in a given-name field); Li Na and Ming Wang are not.
  if (n == 2) {
    if (join_pair && ChineseSurnameRank((*tokens)[0]) == 0 &&
        ChineseSurnameRank((*tokens)[1]) == 0) {
      *tokens = {(*tokens)[0] + (*tokens)[1]};
    }
    return;
  }
  // Chinese order (surname first) is what passports and most registers use
  // when they space the syllables, so a surname at the front wins.
  const bool first = ChineseSurnameRank(tokens->front()) > 0;
  const bool last = ChineseSurnameRank(tokens->back()) > 0;
  std::vector<std::string> joined;
  if (first) {
    joined.push_back(tokens->front());
    joined.push_back(absl::StrJoin(tokens->begin() + 1, tokens->end(), ""));
  } else if (last) {
    joined.push_back(absl::StrJoin(tokens->begin(), tokens->end() - 1, ""));
    joined.push_back(tokens->back());
  } else {
    return;
  }
  *tokens = std::move(joined);
}

}  // namespace

NameNormalizer::NameNormalizer(NameNormalizerOptions options,
                               ScriptTransliterators scripts)
    : options_(options), scripts_(std::move(scripts)) {
  if (options_.cache_capacity > 0) {
    cache_ = std::make_unique<NameCache>(options_.cache_capacity);
  }
}

NameNormalizer::~NameNormalizer() = default;

absl::StatusOr<std::unique_ptr<NameNormalizer>> NameNormalizer::Create(
    NameNormalizerOptions options) {
  UErrorCode code = U_ZERO_ERROR;
  icu::Normalizer2::getNFKCInstance(code);
  RECKON_RETURN_IF_ERROR(IcuStatus(code, "nfkc normalizer"));
  RECKON_ASSIGN_OR_RETURN(ScriptTransliterators scripts,
                          CreateScriptTransliterators());
  return std::unique_ptr<NameNormalizer>(
      new NameNormalizer(options, std::move(scripts)));
}

absl::Status NameNormalizer::Validate(std::string_view raw) const {
  if (raw.size() > options_.max_name_bytes) {
    return absl::InvalidArgumentError(
        absl::StrCat("name too long: ", raw.size(), " bytes (limit ",
                     options_.max_name_bytes, ")"));
  }
  if (const size_t bad = FindInvalidUtf8(raw); bad != raw.size()) {
    return absl::InvalidArgumentError(
        absl::StrCat("invalid utf-8 at byte ", bad));
  }
  return absl::OkStatus();
}

absl::StatusOr<NameForms> NameNormalizer::Normalize(
    std::string_view raw) const {
  RECKON_ASSIGN_OR_RETURN(std::shared_ptr<const NameForms> forms,
                          NormalizeShared(raw));
  return *forms;
}

absl::StatusOr<std::shared_ptr<const NameForms>>
NameNormalizer::NormalizeShared(std::string_view raw) const {
  RECKON_RETURN_IF_ERROR(Validate(raw));
  const absl::string_view key(raw.data(), raw.size());
  if (cache_ == nullptr) {
    return std::make_shared<const NameForms>(Compute(raw));
  }
  const size_t hash = absl::Hash<absl::string_view>()(key);
  if (std::shared_ptr<const NameForms> hit = cache_->Find(key, hash)) {
    return hit;
  }
  auto forms = std::make_shared<const NameForms>(Compute(raw));
  cache_->Insert(key, hash, forms);
  return forms;
}

absl::StatusOr<NameForms> NameNormalizer::NormalizeUncached(
    std::string_view raw) const {
  RECKON_RETURN_IF_ERROR(Validate(raw));
  return Compute(raw);
}

NameNormalizer::CacheStats NameNormalizer::cache_stats() const {
  if (cache_ == nullptr) return {};
  return cache_->Stats();
}

NameForms NameNormalizer::Compute(std::string_view raw) const {
  NameForms forms;
  icu::UnicodeString text = icu::UnicodeString::fromUTF8(
      icu::StringPiece(raw.data(), static_cast<int32_t>(raw.size())));
  const icu::UnicodeString display = DisplayForm(text);
  display.toUTF8String(forms.display);

  // Script by script, word by word, to Latin. The words come from the
  // display form with digits read as the letters they stand for, if any.
  const bool has_digit =
      std::any_of(raw.begin(), raw.end(), [](char c) { return c >= '0' && c <= '9'; });
  std::vector<bool> hyphen_before;
  std::vector<icu::UnicodeString> words =
      has_digit && ReadDigitsAsLetters(text)
          ? SplitWords(DisplayForm(text), &hyphen_before)
          : SplitWords(display, &hyphen_before);
  bool all_east_asian = !words.empty();
  for (const icu::UnicodeString& word : words) {
    const WordScript script = ScriptOf(word);
    if (script != WordScript::kHan && script != WordScript::kHangul) {
      all_east_asian = false;
    }
  }
  // A Han or Hangul name: surname, then the given name's syllables joined.
  auto east_asian_name = [&](const icu::UnicodeString& chars) {
    std::u16string_view view(reinterpret_cast<const char16_t*>(chars.getBuffer()),
                             static_cast<size_t>(chars.length()));
    const int surname_chars = HanHangulSurnameLength(view);
    icu::UnicodeString latin;
    int index = 0;
    for (int32_t i = 0; i < chars.length(); ++index) {
      const UChar32 c = chars.char32At(i);
      i += U16_LENGTH(c);
      icu::UnicodeString syllable(c);
      UErrorCode code = U_ZERO_ERROR;
      const UScriptCode script = uscript_getScript(c, &code);
      if (script == USCRIPT_HAN) {
        scripts_.han->TransliterateInPlace(syllable);
      } else {
        scripts_.other->TransliterateInPlace(syllable);
      }
      syllable.findAndReplace(" ", "");
      if (index == surname_chars) latin.append(static_cast<UChar>(' '));
      latin.append(syllable);
    }
    return latin;
  };
  std::vector<icu::UnicodeString> latin_words;
  if (all_east_asian) {
    icu::UnicodeString chars;
    for (const icu::UnicodeString& word : words) chars.append(word);
    latin_words.push_back(east_asian_name(chars));
    words.clear();
  }
  // Chinese names in Palladius spelling (Чжан, Сюй) become pinyin; see
  // palladius.h for when a Cyrillic word is read so.
  std::vector<std::optional<PalladiusReading>> palladius(words.size());
  bool any_cyrillic = false;
  bool all_read = true;
  for (size_t i = 0; i < words.size(); ++i) {
    if (ScriptOf(words[i]) != WordScript::kCyrillic) continue;
    any_cyrillic = true;
    std::u16string_view view(
        reinterpret_cast<const char16_t*>(words[i].getBuffer()),
        static_cast<size_t>(words[i].length()));
    palladius[i] = ReadPalladius(view);
    all_read &= palladius[i].has_value();
  }
  const bool all_palladius = any_cyrillic && all_read;
  // Chinese names in romanized Palladius (Czjun, Chzhen, Tszyai) become
  // pinyin too; see palladius.h for when a Latin word is read so. Pinyin
  // words keep their spelling unless every word of the name reads so.
  std::vector<std::string> ascii_words(words.size());
  std::vector<std::optional<PalladiusReading>> romanized(words.size());
  bool any_marked = false;
  for (size_t i = 0; i < words.size(); ++i) {
    if (ScriptOf(words[i]) != WordScript::kLatin) continue;
    ascii_words[i] = AsciiLetters(words[i]);
    if (ascii_words[i].empty() || !MayBeRomanizedPalladius(ascii_words[i])) {
      continue;
    }
    romanized[i] = ReadRomanizedPalladius(ascii_words[i]);
    any_marked |= romanized[i].has_value() && romanized[i]->distinctive &&
                  !SplitsIntoPinyin(ascii_words[i]);
  }
  bool all_romanized = any_marked;
  for (size_t i = 0; all_romanized && i < words.size(); ++i) {
    if (ascii_words[i].empty()) {
      all_romanized = false;
    } else if (!romanized[i].has_value()) {
      romanized[i] = ReadRomanizedPalladius(ascii_words[i]);
      all_romanized = romanized[i].has_value();
    }
  }
  std::vector<bool> latin_born;
  bool plain_cyrillic = false;
  for (size_t i = 0; i < words.size(); ++i) {
    icu::UnicodeString& word = words[i];
    const WordScript script = ScriptOf(word);
    latin_born.push_back(script == WordScript::kLatin ||
                         (script == WordScript::kCyrillic &&
                          Contains(word, {0x0458, 0x0459, 0x045A, 0x0452,
                                          0x045B, 0x045F})));
    switch (script) {
      case WordScript::kLatin: {
        const std::optional<PalladiusReading>& reading = romanized[i];
        if (reading.has_value() &&
            ((reading->distinctive && !SplitsIntoPinyin(ascii_words[i])) ||
             all_romanized)) {
          word = icu::UnicodeString::fromUTF8(icu::StringPiece(
              reading->pinyin.data(),
              static_cast<int32_t>(reading->pinyin.size())));
          latin_born.back() = false;
        }
        break;
      }
      case WordScript::kCyrillic: {
        const std::optional<PalladiusReading>& reading = palladius[i];
        if (reading.has_value() &&
            (reading->distinctive ||
             (reading->syllables == 1 && all_palladius))) {
          word = icu::UnicodeString::fromUTF8(icu::StringPiece(
              reading->pinyin.data(),
              static_cast<int32_t>(reading->pinyin.size())));
        } else {
          scripts_.cyrillic->TransliterateInPlace(word);
          plain_cyrillic = true;
        }
        break;
      }
      case WordScript::kGeorgian:
        scripts_.georgian->TransliterateInPlace(word);
        break;
      case WordScript::kArabic: {
        std::u16string_view view(
            reinterpret_cast<const char16_t*>(word.getBuffer()),
            static_cast<size_t>(word.length()));
        if (std::optional<std::string_view> spelling =
                ArabicScriptNameSpelling(view)) {
          word = icu::UnicodeString::fromUTF8(icu::StringPiece(
              spelling->data(), static_cast<int32_t>(spelling->size())));
        } else {
          scripts_.arabic->TransliterateInPlace(word);
        }
        break;
      }
      case WordScript::kIndic:
        scripts_.indic->TransliterateInPlace(word);
        break;
      case WordScript::kHan:
      case WordScript::kHangul:
        word = east_asian_name(word);
        break;
      case WordScript::kOther:
        scripts_.other->TransliterateInPlace(word);
        break;
    }
    // A word mixing scripts keeps letters its own rules did not cover.
    if (HasNonLatinLetter(word)) scripts_.other->TransliterateInPlace(word);
    latin_words.push_back(std::move(word));
  }

  // Azerbaijani c and x (Cəfərov, Xəlilov) in a name that shows Azerbaijani
  // or Turkish letters; else Slavic j spellings in words written in Latin.
  bool turkic = false;
  for (const icu::UnicodeString& word : latin_words) {
    turkic |= Contains(word, {0x0259, 0x0131, 0x011F, 0x015F, 0x00E7});
  }
  if (!turkic) {
    for (size_t i = 0; i < latin_born.size(); ++i) {
      if (latin_born[i]) FoldSlavicSpellings(latin_words[i]);
    }
  }
  icu::UnicodeString latin;
  for (size_t i = 0; i < latin_words.size(); ++i) {
    if (i > 0) {
      const bool hyphen = !all_east_asian && hyphen_before[i];
      latin.append(static_cast<UChar>(hyphen ? '-' : ' '));
    }
    latin.append(latin_words[i]);
  }
  // Vietnamese đ is d, Serbian đ is dj.
  if (turkic) scripts_.turkic->TransliterateInPlace(latin);
  if (IsVietnameseText(latin)) latin.findAndReplace(u"\u0111", "d");
  // Fold to ASCII and apply the habit rules. ICU rule sets cost about a
  // microsecond each, so plain ASCII text (most Latin names) skips the fold,
  // which would only drop its apostrophes, and text with none of the habit
  // rules' triggers skips those rules.
  std::string ascii;
  if (IsAsciiText(latin)) {
    ascii.reserve(static_cast<size_t>(latin.length()));
    for (int32_t i = 0; i < latin.length(); ++i) {
      const UChar c = latin.charAt(i);
      if (c == '\'' || c == '`') continue;
      ascii.push_back(
          static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c));
    }
  } else {
    scripts_.fold->TransliterateInPlace(latin);
    latin.toLower(icu::Locale::getRoot());
    latin.toUTF8String(ascii);
  }
  if (HabitRulesMayApply(ascii)) {
    icu::UnicodeString habits = icu::UnicodeString::fromUTF8(
        icu::StringPiece(ascii.data(), static_cast<int32_t>(ascii.size())));
    scripts_.habits->TransliterateInPlace(habits);
    ascii.clear();
    habits.toUTF8String(ascii);
  }

  forms.tokens = SplitAscii(ascii);
  SplitPatronymics(&forms.tokens, &forms.patronymic_tokens);
  JoinPinyinGivenName(!plain_cyrillic, &forms.tokens);
  JoinParticles(&forms.tokens);

  forms.comparison = absl::StrJoin(forms.tokens, " ");
  forms.phonetic.reserve(forms.tokens.size());
  forms.skeleton.reserve(forms.tokens.size());
  for (const std::string& token : forms.tokens) {
    forms.phonetic.push_back(PhoneticCode(token));
    forms.skeleton.push_back(ConsonantSkeleton(token));
  }
  std::vector<std::string> sorted = forms.tokens;
  std::sort(sorted.begin(), sorted.end());
  forms.sorted_tokens = absl::StrJoin(sorted, " ");
  return forms;
}

}  // namespace reckon

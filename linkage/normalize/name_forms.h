// Names across scripts: the forms and keys that make Мамедов, Məmmədov,
// Mammadov and Mamedov one name, and keep Mammadov and Mahmudov two.
//
// For each raw name field `NameNormalizer::Normalize` produces `NameForms`:
//
//   display      NFKC; lower case that is right for Turkish and Azerbaijani
//                (İ -> i, I -> ı in a word that carries ə ı ğ ş or İ, plain
//                I -> i elsewhere); controls and spaces made one space;
//                format characters (ZWNJ, bidi marks, soft hyphen) removed;
//                apostrophes and dashes unified, no space around a hyphen,
//                none before , . ; : and one after , ; :. Digits are kept.
//   comparison   Latin: each word transliterated by its script (our rules
//                for Cyrillic, Georgian, Arabic script and Indic scripts,
//                ICU Han-Latin, ICU Any-Latin for the rest; see
//                linkage/transliterate/script_rules.h; a Chinese name in
//                Palladius Cyrillic, or in Latin romanized from it (Czjun,
//                Chzhen), is read back as pinyin, see palladius.h),
//                Azerbaijani c/x/q read as j/kh/g in a name that carries an
//                Azerbaijani or Turkish letter, Slavic j-for-y spellings
//                (Jurij, Julija, Tatjana, Jovanović) and the passport iu/ia
//                (Liudmila) read with y, folded to ASCII, transliteration
//                habits folded to one spelling; the tokens joined by one
//                space in written order. A digit inside a word is read as
//                the letter it was mistaken for (Fy0dor, E1nur, AY5E; the
//                table is in name_forms.cc); other digits and punctuation
//                are dropped.
//   tokens       the comparison-form tokens without patronymics
//   patronymic_tokens   the father's names of recognized patronymics:
//                a marker after the name (Vaqif oğlu, Vagif ogly, Aysel qızı,
//                uulu, kyzy ...), before it (bin, ibn, bint) or a suffix
//                (Vagifovich, Rashadovna, -evich, -evna, -ichna, -ich). A
//                suffix counts only in a name of three words or more (two for
//                the female suffixes) and never in the first word, so that
//                Serbian surnames in -ović stay surnames.
//   phonetic, skeleton   one key per token (see phonetic.h)
//   sorted_tokens        the tokens sorted, joined by one space, so that
//                name order does not matter (Wang Xiaoming = Xiaoming Wang)
//
// Han and Hangul names: a name written in Han or Hangul is read as surname
// (one character, or two for a compound surname such as 欧阳 or 남궁) then
// given name, and the given name's syllables are joined: 王小明 -> "wang
// xiaoming". In Latin, a name of three or more words that are each one pinyin
// syllable with a common Chinese surname at one end has its other syllables
// joined the same way (a surname in front wins, as Chinese order is the
// usual one when syllables are spaced): "Wang Xiao Ming" -> wang xiaoming,
// "Xiao Ming Wang" -> xiao mingwang, but "Ming Hua Wang" -> minghua wang.
// Two such words of which neither is a common Chinese surname are a given
// name and are joined too ("Zhi Ming" -> zhiming; "Li Na" stays). So a
// Chinese given name spaced, joined or in Han gives the same tokens.
//
// Examples (comparison | patronymic_tokens):
//   "Əliyev Rəşad Vaqif oğlu"  -> "aliyev rashad"  | vagif
//   "Гусейнов Эльчин"          -> "guseynov elchin"
//   "محمد حسینی"               -> "mohammad hosseini"
//   "王小明"                   -> "wang xiaoming"
//   "მამუკა"                   -> "mamuka"
#ifndef RECKON_LINKAGE_NORMALIZE_NAME_FORMS_H_
#define RECKON_LINKAGE_NORMALIZE_NAME_FORMS_H_

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "linkage/transliterate/script_rules.h"

namespace reckon {

struct NameForms {
  std::string display;     // NFKC, Turkic-aware case folding, tidy spaces/punct
  std::string comparison;  // Latin comparison form: tokens joined by one space
  std::vector<std::string> tokens;             // written order, no patronymics
  std::vector<std::string> patronymic_tokens;  // father's names, marker removed
  std::vector<std::string> phonetic;  // PhoneticCode of each token
  std::vector<std::string> skeleton;  // ConsonantSkeleton of each token
  std::string sorted_tokens;          // tokens sorted, joined by one space

  friend bool operator==(const NameForms&, const NameForms&) = default;
};

struct NameNormalizerOptions {
  // Distinct raw names kept in the cache (approximately: the cache is
  // sharded and evicts a shard's older half at a time). 0 disables it.
  size_t cache_capacity = size_t{1} << 18;
  // Longer raw input is refused with kInvalidArgument. Real names are under
  // 200 bytes; the limit bounds the work a hostile field can cause.
  size_t max_name_bytes = 1024;
};

class NameCache;

class NameNormalizer {
 public:
  // Builds the transliterators and the cache. Fails only if ICU lacks data.
  static absl::StatusOr<std::unique_ptr<NameNormalizer>> Create(
      NameNormalizerOptions options = {});

  NameNormalizer(const NameNormalizer&) = delete;
  NameNormalizer& operator=(const NameNormalizer&) = delete;
  ~NameNormalizer();

  // The forms of `raw`. Thread-safe (called concurrently from TBB workers);
  // caches names seen before. Returns kInvalidArgument for invalid UTF-8
  // (naming the byte offset) or input longer than max_name_bytes. "" and
  // names without letters give OK with empty tokens and keys.
  absl::StatusOr<NameForms> Normalize(std::string_view raw) const;

  // As Normalize, but shares the cached forms instead of copying them.
  absl::StatusOr<std::shared_ptr<const NameForms>> NormalizeShared(
      std::string_view raw) const;

  // As Normalize, bypassing the cache (the cost of a cold name).
  absl::StatusOr<NameForms> NormalizeUncached(std::string_view raw) const;

  struct CacheStats {
    uint64_t hits = 0;
    uint64_t misses = 0;
    size_t size = 0;
  };
  CacheStats cache_stats() const;

 private:
  NameNormalizer(NameNormalizerOptions options, ScriptTransliterators scripts);

  absl::Status Validate(std::string_view raw) const;
  NameForms Compute(std::string_view raw) const;

  const NameNormalizerOptions options_;
  const ScriptTransliterators scripts_;
  std::unique_ptr<NameCache> cache_;
};

}  // namespace reckon

#endif  // RECKON_LINKAGE_NORMALIZE_NAME_FORMS_H_

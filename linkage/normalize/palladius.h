// Chinese names written in Cyrillic (the Palladius system) read back as
// pinyin, so that Russian-style registers meet passport spellings:
// Чжан -> zhang, Сюй -> xu, Жэнь -> ren, Цзян -> jiang, Ван -> wang,
// Сяомин -> xiaoming. Plain Cyrillic-Latin transliteration gives "chzhan",
// "syuy", "zhen", "tszyan", "van", which no phonetic key can fold onto the
// pinyin without folding different Latin names together: Palladius writes
// pinyin r as ж, zh as чж, j and z as цз, x as с, -ng as -н and -n as -нь.
//
// The syllable table is our own, built from the inventory of standard
// Mandarin syllables (initial x final, about 400) and the Palladius spelling
// rules (as in the Russian-Chinese dictionaries). Non-standard spellings
// with е for э (Чен, Шен) are not read: Шен is also Turkish Şen.
//
// When a word is read as Palladius. Many Russian words split into Palladius
// syllables too (Лена = ле-на, Иван = и-ван, Анна = ан-на), and Russian
// writes Vietnamese and Korean names with the same letters (Ван Ан for Văn
// An), so a Cyrillic word is read as Palladius only if it splits entirely
// into syllables AND
//   - one of its syllables has a spelling Russian names do not use: э after
//     a letter (Жэнь, Дэн; an opening э is the E of Эркан), цз, чж, ця,
//     цю, a final -нь, ао, оу, уй, хуа, жуа, шуа, яо, юй, юэ (Сяомин,
//     Цзяньхуа, Гоцян, Сюй; not Georgian Гогуа); or
//   - it is one syllable and every Cyrillic word of the name is read as
//     Palladius (Ван, Ли, Ван Ли, Чжан Вэй, but not Ван in Ван Ан or Нгуен
//     Ван), except a few syllables that are far more often a non-Chinese
//     name: хан (Khan), ан (An), лан (Lan), ле (Lê), жан (Jean), never read.
// So Лена, Иван, Анна, Эркан, Сюлейман stay Russian, and a Chinese name of
// two syllables without such a spelling (Хунлин) is not read: the known gap
// of this guard, as is a one-syllable Vietnamese name alone in its field
// (Ван -> wang).
#ifndef RECKON_LINKAGE_NORMALIZE_PALLADIUS_H_
#define RECKON_LINKAGE_NORMALIZE_PALLADIUS_H_

#include <optional>
#include <string>
#include <string_view>

namespace reckon::normalize_internal {

struct PalladiusReading {
  std::string pinyin;        // lower-case ASCII, syllables joined
  int syllables = 0;         // how many syllables the word splits into
  bool distinctive = false;  // a syllable spelled as Russian names are not
};

// How `word`, a lower-case Cyrillic word (UTF-16 as ICU holds it), reads as
// Palladius: nullopt if it does not split entirely into syllables, has a
// soft sign before a vowel (Неманьа) or is one of the exceptions above; else the pinyin (ü written u after j/q/x and yu
// after n/l: 吕 Люй -> lyu) and the facts the caller's rule needs. The
// caller applies the rule above. Thread-safe; O(|word|).
std::optional<PalladiusReading> ReadPalladius(std::u16string_view word);

}  // namespace reckon::normalize_internal

#endif  // RECKON_LINKAGE_NORMALIZE_PALLADIUS_H_

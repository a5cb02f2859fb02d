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
//
// Romanized Palladius. Russian-side registers often write such a name in
// Latin letters transliterated from the Cyrillic: Czjun Juj (Цзюнь Юй, Jun
// Yu), Chzhen Sjuin (Чжэн Сюин), Tszyai (Цзяи), Vej Jan (Вэй Ян), Khuey
// (Хуэй). ReadRomanizedPalladius splits a Latin word into the Palladius
// syllables as GOST 7.79 (ц c, й j, ю ju, я ja; х typed h), BGN/PCGN (ц ts,
// й y, ю yu, я ya, х kh) and ICAO (й i, ю iu, я ia) write them, with цз as
// tsz or cz, чж as chzh and ь dropped or written '. Romanization loses two
// distinctions, so a spelling can stand for two syllables: without ь, -n and
// -ng (Van is ван wang or вань wan) and e for both е and э (Cze is цзе jie
// or цзэ ze). The reading takes -ng, except for a list of -n syllables more
// frequent in names (chen, lin, sun, jun ...; palladius.cc), and -ie after
// j q x n, else -e. A syllable never ends in n before a vowel (Tatjana is
// not ta-tjan-a).
//
// When a Latin word is read so (the caller, name_forms.cc): a word that is
// itself pinyin (wang, xiaoming, chen) keeps its spelling, and any other
// word that splits entirely into romanized syllables is read only if
//   - one of its syllables has a spelling that neither pinyin nor the Latin
//     names of other cultures use: chzh, tsz, cz, cj, tsy (Chzhen, Tszyai,
//     Czjun, Cjan, Tsyan), sja/sya, jao/yao, jue/yue after a consonant (Sja,
//     Sjaomin, Sjuemej), khua, uej/uey (Khuan, Khuey), juj/yuy (Juj), uj
//     after an initial other than h and t (Cuj; not the Vietnamese Huy that
//     Russian writes Хуй), vej/vey, ' for ь; or, in a word of one
//     syllable, -ej (Lej, Fej) and lj/ly, tj/ty, sj/sy before an (Ljan,
//     Tyan): in longer words those are Timofej and the Armenian -yan of
//     Simonyan or Akopjan; or
//   - every word of the name is Latin and reads so, and one of them is read
//     by the rule above (Lej Van -> lei wang; not Van, Jan or Van Li).
// Not read, by design: sju/syu (Syuleyman, Sjulejman), ts before other
// vowels (Georgian Tsitsino, Tsiala), ly/lj before u (Ljubica, Lyuba), ej
// in longer words, ao, ou, kh and ay/aj alone (Paolo, Khatuna, Ajay).
//
// Evidence (bench/RESULTS.md, "Romanized Palladius"): over the 25,619
// distinct non-Chinese name fields of four synthetic 20,000-person
// scenarios (seeds 99 7 42 1234, every register and culture), the reading
// changes 2, both typos (Adacze, Oczan); over the 1,882 non-Chinese names of
// tests/data/names/variants.tsv it changes none. Known gaps: a one-syllable
// word without a mark alone in its field (Van, Jan, Go, Se, Den: most
// surnames, as registers put the surname in a field of its own), pinyin-like
// spellings (Gujin, Sini, Jun: GOST Гуйин, Синьи, Юнь), GOST with h for х
// and no other mark (Hajtao), -n/-ng guessed wrong (Czjanhua -> jianghua),
// and Spanish Juan as Russian writes it, Khuan -> huang (as Хуан already).
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

// How `word`, a lower-case Latin word (a-z, with ' for a soft sign as some
// schemes write it), reads as romanized Palladius (see the section on Latin
// above): nullopt if it does not split entirely into romanized syllables or
// is one of the exceptions; else the pinyin, the number of syllables and
// whether a syllable carries a spelling that other Latin names and pinyin do
// not use. The caller applies the rule above (it also keeps pinyin words).
// Thread-safe; O(|word|).
std::optional<PalladiusReading> ReadRomanizedPalladius(std::string_view word);

// True if `word` (lower-case a-z and ') contains one of the letter sequences
// that every distinctive romanized syllable contains: a cheap test that lets
// the caller skip ReadRomanizedPalladius for most Latin names.
bool MayBeRomanizedPalladius(std::string_view word);

}  // namespace reckon::normalize_internal

#endif  // RECKON_LINKAGE_NORMALIZE_PALLADIUS_H_

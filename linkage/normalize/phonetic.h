// Blocking keys for one comparison-form name token (lower-case ASCII, the
// output of the Latin fold in name_forms.h): a phonetic code that is meant to
// be equal across the transliterations of one name and different for
// different names, and a coarser consonant skeleton.
//
// Design. Published phonetic codes do not fit: Soundex and Double Metaphone
// model English spelling; Beider-Morse Phonetic Matching (Beider and Morse,
// 2008) models languages one by one and yields many codes per name. The
// confusions that make one name look like several here are few and known:
// the same sound written by Russian, Azerbaijani, Turkish, Persian and
// English habits. So, like Beider-Morse's "approximate" mode, the code keeps
// what those habits agree on and merges what they confuse:
//
//   letters (after digraphs)          class   why merged
//   k q g h x kh gh                   K       Russian г for Azerbaijani h
//                                             (Гусейнов/Hüseynov), q for g/k
//                                             (Qasımov/Gasymov/Kasimov), x/kh/h
//   c j ch zh dzh dj dz ts tz tc      J       Azerbaijani c = English j = dzh;
//   tch jh                                    ç written c in plain ASCII
//                                             (tc: Turkish Çiftçi as CIFTCI)
//   (c before r, l, t is K: Cruz / Kruz, Victor / Viktor)
//   s z sh sch shch                   S       ş written s in plain ASCII;
//                                             Spanish s/z (Gonzales/Gonzalez)
//   t d th dh                         T       Turkish writes final d as t
//   b p                               P       Turkish writes final b as p
//   f v w ph                          F       -ov/-off/-ow, Persian v/w
//   l m n r                           L M N R
//   (J also takes zh: Russian ж is Uzbek and Azerbaijani j)
//   a e                               A       ə written a or e (Məmmədov /
//   i y                               I       Mamedov / Memmedov)
//   o u                               U
//
// Only the first vowel of the token is kept (as its class); later vowels,
// which transliterations disagree on most, are dropped. A doubled consonant
// counts once (Tssiklauri / Tsiklauri). A leading glide (y or i before a
// vowel: Yusif/Iusif/Usif, Yelena/Elena), a glide y before a vowel
// (Gyunel/Gunel), w closing a diphthong before a consonant, and v after o
// there, as Azerbaijani writes that w (Chowdhury/Chaudhry/Çovdhury,
// Nowruzov/Novruzov; Sevda and Seda stay apart), a
// final h after a vowel (Zadeh/Zade, Fatimah/Fatima), a final kh or x after
// a vowel in a word of two syllables or more (Fatih/Фатих, Farrukh/Farrux;
// Russian writes final h as х), a final h after n (Vietnamese Minh)
// and the j of Serbian lj are dropped, and runs of one class are merged
// (Mammadov = Mamedov). Examples:
//
//   Məmmədov, Mamedov, Mammadov, Memmedov   -> MAMTF
//   Mahmudov                                -> MAKMTF
//   Hüseynov, Гусейнов, Gusejnov, Huseinov  -> KUSNF
//   Həsənov, Гасанов, Hasanov               -> KASNF
//   Cəfərov, Джафаров, Dzhafarov, Jafarov   -> JAFRF
//   Aliyev, Алиев, Aliev / Alizade          -> ALF / ALST
//
// The skeleton is the code without its vowel: consonant classes only, so a
// vowel-less transliteration of Persian or Arabic (محمد -> mhmd) still meets
// Mohammad, Muhammad and Mahammad. It is coarser (Hasanov and Huseynov share
// KSNF) and meant as a recall key beside the phonetic code.
#ifndef RECKON_LINKAGE_NORMALIZE_PHONETIC_H_
#define RECKON_LINKAGE_NORMALIZE_PHONETIC_H_

#include <string>
#include <string_view>

namespace reckon {

// The phonetic code of `token` (upper-case class letters, see above), or ""
// for an empty token. Characters outside a-z are ignored. O(|token|).
std::string PhoneticCode(std::string_view token);

// The consonant skeleton of `token`: its phonetic code without the vowel
// class, in lower case ("mamtf" -> "mtf"). A token without consonants has
// the vowel class as its skeleton, so the key is never empty for a non-empty
// token. O(|token|).
std::string ConsonantSkeleton(std::string_view token);

}  // namespace reckon

#endif  // RECKON_LINKAGE_NORMALIZE_PHONETIC_H_

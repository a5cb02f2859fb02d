#include "linkage/transliterate/script_rules.h"

#include <utility>

#include "linkage/base/status_macros.h"

namespace reckon {

// The rule sets are ICU transform rules. Two ICU behaviours they rely on:
// a rule's context sees text already rewritten by earlier matches (so the
// vowel sets list Latin vowels too), and a negated set such as $edge also
// matches before the start and after the end of the text.

std::string_view CyrillicLatinRules() {
  static constexpr std::string_view kRules = R"rules(
# Cyrillic to Latin, passport style (close to BGN/PCGN and to what Latin
# registers of the region write). Input is lower case.
$vowel = [аеёиоуыэюяіїєәөүұӯӣaeiouəöü];
$edge = [^[:L:][:M:]];
дж > j;
$edge { е > ye;
$vowel { е > ye;
ье > ye; ъе > ye; ьи > yi; ьё > yo;
# A soft sign before a, o, u, e writes a glide in foreign names
# (Неманьа, Ньон): Nemanya, as Nemanja and Немања meet it.
ь } [аоуэ] > y;
е > e;
[жчшщh] { ё > o;
ё > yo;
# й before ю я ё adds nothing, as they write the glide themselves (Йюксел
# for Yüksel: yuksel); before е it is the y of ye.
й } [юяё] > ;
а > a; б > b; в > v; г > g; д > d; ж > zh; з > z; и > i; й > y; к > k;
л > l; м > m; н > n; о > o; п > p; р > r; с > s; т > t; у > u; ф > f;
# Indian aspirates written with х after the stop (Дхиллон, Бхатт, Сингх)
# are Dhillon, Bhatt, Singh.
[бдтпгbdtpg] { х > h;
х > kh; ц > ts; ч > ch; ш > sh; щ > shch; ъ > ; ы > y; ь > ; э > e;
ю > yu; я > ya;
# Azerbaijani, Kazakh, Kyrgyz, Uzbek, Tajik, Turkmen letters.
ә > ə; ғ > ğ; ҝ > g; һ > h; ҹ > j; ө > ö; ү > ü; қ > q; ң > ng; ұ > u;
ҳ > h; ў > o; ӯ > u; ӣ > i; ҷ > j; ҙ > z; ҫ > s; ӊ > ng; ӈ > ng;
# Ukrainian and Belarusian.
і > i; ї > yi; є > ye; ґ > g;
# Serbian and Macedonian.
ђ > đ; ј > j; љ > lj; њ > nj; ћ > ć; џ > dž; ѓ > gj; ќ > kj; ѕ > dz;
)rules";
  return kRules;
}

std::string_view GeorgianLatinRules() {
  static constexpr std::string_view kRules = R"rules(
ა > a; ბ > b; გ > g; დ > d; ე > e; ვ > v; ზ > z; თ > t; ი > i; კ > k;
ლ > l; მ > m; ნ > n; ო > o; პ > p; ჟ > zh; რ > r; ს > s; ტ > t; უ > u;
ფ > p; ქ > k; ღ > gh; ყ > q; შ > sh; ჩ > ch; ც > ts; ძ > dz; წ > ts;
ჭ > ch; ხ > kh; ჯ > j; ჰ > h; ჱ > e; ჲ > y; ჳ > v; ჴ > q; ჵ > o; ჶ > f;
ჷ > ə; ჸ > ; ჹ > ; ჺ > ;
)rules";
  return kRules;
}

std::string_view ArabicScriptLatinRules() {
  static constexpr std::string_view kRules = R"rules(
# Arabic script (Arabic, Persian, Urdu, Pashto, Uyghur names) to Latin.
# Short vowels are usually unwritten; long vowels and glides are written:
# alef as a, waw as v/w at a word's start or beside a vowel and as u
# between consonants, yeh as y at a word's start or beside alef and as i
# elsewhere. Harakat, when present, give the short vowels.
$edge = [^[:L:][:M:]];
$alef = [اآأإٱ];
\u0640 > ;
[\u064B-\u064D\u0652\u0670\u0651\u0654\u0655] > ;
\u064E > a; \u064F > u; \u0650 > i;
آ > a; أ > a; إ > i; ٱ > ; ا > a;
ء > ; ؤ > u; ئ > y;
$edge { و > v;
a { و > v;
و } $alef > v;
و > u;
$edge { [یيىۍې] > y;
[یيىۍې] } $alef > y;
a { [یيىۍې] > y;
[یيى] > i;
ۍ > i; ې > e; ے > e; ۓ > e;
ه } $edge > e;
ة > a; ۀ > e; ه > h; ھ > h; ہ > h; ۂ > e;
ب > b; پ > p; ت > t; ٹ > t; ث > s; ج > j; چ > ch; ح > h; خ > kh;
د > d; ڈ > d; ذ > z; ر > r; ڑ > r; ز > z; ژ > zh; س > s; ش > sh;
ص > s; ض > z; ط > t; ظ > z; ع > ; غ > gh; ف > f; ق > q; ک > k; ك > k;
گ > g; ل > l; م > m; ن > n; ں > n; ڭ > ng; ۆ > o; ۇ > u; ۈ > u; ۋ > v;
ڤ > v; ڠ > ng;
)rules";
  return kRules;
}

std::string_view IndicLatinRules() {
  static constexpr std::string_view kRules = R"rules(
$edge = [^[:L:][:M:]];
# Schwa deletion: a consonant between a vowel (or a consonant carrying its
# inherent vowel) and a consonant with a vowel sign loses its inherent vowel
# (आबदुल abdul, রহমান rahman, कमला kamla); so does a word-final consonant.
$devaC = [\u0915-\u0939\u0958-\u095F];
$devaV = [\u0904-\u0914\u093E-\u094C];
$bengC = [\u0995-\u09B9\u09DC-\u09DF];
$bengV = [\u0985-\u0994\u09BE-\u09CC];
[$devaC $devaV] { ($devaC) } $devaC $devaV > $1 \u094D;
[$bengC $bengV] { ($bengC) } $bengC $bengV > $1 \u09CD;
([\u0915-\u0939\u0958-\u095F]) } $edge > $1 \u094D;
([\u0995-\u09B9\u09DC-\u09DF]) } $edge > $1 \u09CD;
([\u0A15-\u0A39\u0A59-\u0A5E]) } $edge > $1 \u0A4D;
([\u0A95-\u0AB9]) } $edge > $1 \u0ACD;
::Any-Latin;
# ISO 15919 writes c for the affricate that names spell ch.
ch > ch;
c > ch;
# Anusvara: सिंह is written Singh, not simh.
[ṁṃ] > n;
)rules";
  return kRules;
}

std::string_view TurkicLatinRules() {
  static constexpr std::string_view kRules = R"rules(
# Azerbaijani Latin habits, applied to names that carry an Azerbaijani or
# Turkish letter (see name_forms.cc): c is /dʒ/, x is /x/, and q is the
# /g/ that Russian-style and passport spellings write g (Vaqif / Vagif).
c > j;
x > kh;
q > g;
)rules";
  return kRules;
}

std::string_view LatinFoldRules() {
  static constexpr std::string_view kRules = R"rules(
# Latin letters to plain ASCII the way registers of the region write them.
# Input is lower case. Letters whose ASCII spelling is a digraph come first;
# then every remaining diacritic is dropped.
# ğ never follows a consonant in Turkish or Azerbaijani: after one it is
# the gh of a foreign name typed with the Azerbaijani letter (Sinğ, Singh).
[b-df-hj-np-tv-zçş] { ğ > gh;
ə > a; ä > a; ı > i; ğ > g; ş > sh; ś > sh; ṣ > sh; ș > sh; ţ > ts; ț > ts; ç > ch;
ö > o; ü > u; ž > zh; š > sh; č > ch; ć > c; đ > dj; ł > l; ø > o;
æ > ae; œ > oe; ß > ss; ŋ > ng; ħ > h; þ > th; ð > d; ŉ > n;
ǝ > e; ɛ > e; ɔ > o; ɨ > i; ʉ > u; ɓ > b; ɗ > d; ƙ > k; ƴ > y;
[\u02BB\u02BC\u02BF\u02BE\u0027\u2019\u2018\u0060\u00B4] > ;
::NFD;
[:Mn:] > ;
::Latin-ASCII;
::NFC;
)rules";
  return kRules;
}

std::string_view LatinHabitRules() {
  static constexpr std::string_view kRules = R"rules(
# ASCII transliteration habits folded to one spelling. Input: a-z and spaces.
$vowel = [aeiou];
$edge = [^a-z];
dzh > j;
dj > j;
$vowel { j } [^aeiouy] > y;
$edge { iu } [^aeiou] > yu;
$edge { ia } [^aeiou] > ya;
# French-style ou (Moussavi, Youssef) before a consonant only: pinyin
# zhou, hou, ouyang keep theirs.
ou } [bcdfghjklmnpqrstvwxz] > u;
oo > u;
ee > i;
eh } $edge > e;
ij } $edge > iy;
ii } $edge > iy;
)rules";
  return kRules;
}

absl::StatusOr<ScriptTransliterators> CreateScriptTransliterators() {
  ScriptTransliterators t;
  RECKON_ASSIGN_OR_RETURN(
      t.cyrillic,
      Transliterator::CreateFromRules("reckon-cyrillic-latin", CyrillicLatinRules()));
  RECKON_ASSIGN_OR_RETURN(
      t.georgian,
      Transliterator::CreateFromRules("reckon-georgian-latin", GeorgianLatinRules()));
  RECKON_ASSIGN_OR_RETURN(
      t.arabic, Transliterator::CreateFromRules("reckon-arabic-latin",
                                                ArabicScriptLatinRules()));
  RECKON_ASSIGN_OR_RETURN(
      t.indic,
      Transliterator::CreateFromRules("reckon-indic-latin", IndicLatinRules()));
  RECKON_ASSIGN_OR_RETURN(t.han, Transliterator::CreateFromId("Han-Latin"));
  RECKON_ASSIGN_OR_RETURN(t.other, Transliterator::CreateFromId("Any-Latin"));
  RECKON_ASSIGN_OR_RETURN(
      t.turkic,
      Transliterator::CreateFromRules("reckon-turkic-latin", TurkicLatinRules()));
  RECKON_ASSIGN_OR_RETURN(
      t.fold, Transliterator::CreateFromRules("reckon-latin-fold", LatinFoldRules()));
  RECKON_ASSIGN_OR_RETURN(
      t.habits,
      Transliterator::CreateFromRules("reckon-latin-habits", LatinHabitRules()));
  return t;
}

}  // namespace reckon

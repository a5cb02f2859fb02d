#include "linkage/synth/text.h"

#include <algorithm>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace reckon::synth_internal {

std::u32string DecodeUtf8(std::string_view text) {
  std::u32string out;
  out.reserve(text.size());
  size_t i = 0;
  while (i < text.size()) {
    const auto b = static_cast<unsigned char>(text[i]);
    char32_t c = 0;
    size_t extra = 0;
    if (b < 0x80) {
      c = b;
    } else if ((b & 0xE0) == 0xC0) {
      c = b & 0x1F;
      extra = 1;
    } else if ((b & 0xF0) == 0xE0) {
      c = b & 0x0F;
      extra = 2;
    } else {
      c = b & 0x07;
      extra = 3;
    }
    ++i;
    for (size_t k = 0; k < extra && i < text.size(); ++k, ++i) {
      c = (c << 6) | (static_cast<unsigned char>(text[i]) & 0x3F);
    }
    out.push_back(c);
  }
  return out;
}

void AppendUtf8(char32_t c, std::string* out) {
  if (c < 0x80) {
    out->push_back(static_cast<char>(c));
  } else if (c < 0x800) {
    out->push_back(static_cast<char>(0xC0 | (c >> 6)));
    out->push_back(static_cast<char>(0x80 | (c & 0x3F)));
  } else if (c < 0x10000) {
    out->push_back(static_cast<char>(0xE0 | (c >> 12)));
    out->push_back(static_cast<char>(0x80 | ((c >> 6) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | (c & 0x3F)));
  } else {
    out->push_back(static_cast<char>(0xF0 | (c >> 18)));
    out->push_back(static_cast<char>(0x80 | ((c >> 12) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | ((c >> 6) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | (c & 0x3F)));
  }
}

std::string EncodeUtf8(std::u32string_view text) {
  std::string out;
  out.reserve(text.size() * 2);
  for (char32_t c : text) AppendUtf8(c, &out);
  return out;
}

char32_t ToLower(char32_t c) {
  if (c >= 'A' && c <= 'Z') return c + 32;
  if (c < 0x80) return c;
  if (c >= 0xC0 && c <= 0xDE && c != 0xD7) return c + 32;
  if (c == 0x130) return U'i';
  if (c >= 0x100 && c <= 0x137) return (c % 2 == 0) ? c + 1 : c;
  if (c >= 0x139 && c <= 0x148) return (c % 2 == 1) ? c + 1 : c;
  if (c >= 0x14A && c <= 0x177) return (c % 2 == 0) ? c + 1 : c;
  if (c == 0x178) return 0xFF;
  if (c >= 0x179 && c <= 0x17E) return (c % 2 == 1) ? c + 1 : c;
  if (c == 0x18F) return 0x259;
  if (c == 0x1A0 || c == 0x1AF) return c + 1;
  if (c >= 0x400 && c <= 0x40F) return c + 80;
  if (c >= 0x410 && c <= 0x42F) return c + 32;
  if (c >= 0x1E00 && c <= 0x1EFF) return (c % 2 == 0) ? c + 1 : c;
  return c;
}

char32_t ToUpper(char32_t c, bool turkic) {
  if (c >= 'a' && c <= 'z') {
    if (turkic && c == 'i') return 0x130;
    return c - 32;
  }
  if (c < 0x80) return c;
  if (c >= 0xE0 && c <= 0xFE && c != 0xF7) return c - 32;
  if (c == 0xFF) return 0x178;
  if (c == 0x131) return U'I';
  if (c >= 0x100 && c <= 0x137) return (c % 2 == 1) ? c - 1 : c;
  if (c >= 0x139 && c <= 0x148) return (c % 2 == 0) ? c - 1 : c;
  if (c >= 0x14A && c <= 0x177) return (c % 2 == 1) ? c - 1 : c;
  if (c >= 0x179 && c <= 0x17E) return (c % 2 == 0) ? c - 1 : c;
  if (c == 0x259) return 0x18F;
  if (c == 0x1A1 || c == 0x1B0) return c - 1;
  if (c >= 0x430 && c <= 0x44F) return c - 32;
  if (c >= 0x450 && c <= 0x45F) return c - 80;
  if (c >= 0x1E00 && c <= 0x1EFF) return (c % 2 == 1) ? c - 1 : c;
  return c;
}

std::string Upper(std::string_view text, bool turkic) {
  std::string out;
  out.reserve(text.size());
  for (char32_t c : DecodeUtf8(text)) AppendUtf8(ToUpper(c, turkic), &out);
  return out;
}

std::string Lower(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char32_t c : DecodeUtf8(text)) AppendUtf8(ToLower(c), &out);
  return out;
}

namespace {

bool IsWordBreak(char32_t c) {
  return c == U' ' || c == U'-' || c == U'<' || c == U'\'';
}

// Base letters of the accented letters in the name lists, lower case.
std::string_view FoldLetter(char32_t c) {
  static const std::vector<std::pair<std::u32string_view, std::string_view>>
      kGroups = {
          {U"àáảãạăằắẳẵặâầấẩẫậäåə", "a"},
          {U"èéẻẽẹêềếểễệë", "e"},
          {U"ìíỉĩịîïı", "i"},
          {U"òóỏõọôồốổỗộơờớởỡợö", "o"},
          {U"ùúủũụưừứửữựûü", "u"},
          {U"ỳýỷỹỵÿ", "y"},
          {U"çčć", "c"},
          {U"şš", "s"},
          {U"žź", "z"},
          {U"ğ", "g"},
          {U"ñ", "n"},
          {U"đ", "dj"},
      };
  for (const auto& [letters, base] : kGroups) {
    if (letters.find(c) != std::u32string_view::npos) return base;
  }
  return {};
}

}  // namespace

std::string TitleCase(std::string_view text, bool turkic) {
  std::string out;
  out.reserve(text.size());
  bool start = true;
  for (char32_t c : DecodeUtf8(text)) {
    AppendUtf8(start ? ToUpper(c, turkic) : ToLower(c), &out);
    start = IsWordBreak(c);
  }
  return out;
}

std::string AsciiFold(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char32_t c : DecodeUtf8(text)) {
    const char32_t lower = ToLower(c);
    if (lower < 0x80) {
      out.push_back(static_cast<char>(ToUpper(lower)));
      continue;
    }
    for (char base : FoldLetter(lower)) {
      out.push_back(static_cast<char>(base - 32));
    }
  }
  return out;
}

RuleSet::RuleSet(
    std::vector<std::pair<std::string_view, std::string_view>> rules,
    bool turkic_output)
    : turkic_output_(turkic_output) {
  for (const auto& [from, to] : rules) {
    Rule rule;
    std::string_view source = from;
    if (source.size() > 1 && source.front() == '^') {
      rule.word_initial = true;
      source.remove_prefix(1);
    }
    rule.from = DecodeUtf8(source);
    rule.to = std::string(to);
    // A later rule for the same source overrides an earlier one, so a
    // dialect can amend a shared base table.
    bool replaced = false;
    for (Rule& existing : rules_) {
      if (existing.from == rule.from &&
          existing.word_initial == rule.word_initial) {
        existing.to = rule.to;
        replaced = true;
      }
    }
    if (!replaced) rules_.push_back(std::move(rule));
  }
  std::stable_sort(rules_.begin(), rules_.end(),
                   [](const Rule& a, const Rule& b) {
                     if (a.from.size() != b.from.size()) {
                       return a.from.size() > b.from.size();
                     }
                     return a.word_initial && !b.word_initial;
                   });
}

std::string RuleSet::Apply(std::string_view text) const {
  const std::u32string input = DecodeUtf8(text);
  std::u32string lower;
  lower.reserve(input.size());
  for (char32_t c : input) lower.push_back(ToLower(c));
  std::string out;
  out.reserve(text.size() * 2);
  size_t i = 0;
  while (i < lower.size()) {
    const bool at_word_start = i == 0 || IsWordBreak(lower[i - 1]);
    const Rule* match = nullptr;
    for (const Rule& rule : rules_) {
      if (rule.word_initial && !at_word_start) continue;
      if (lower.compare(i, rule.from.size(), rule.from) == 0) {
        match = &rule;
        break;
      }
    }
    if (match != nullptr) {
      out += match->to;
      i += match->from.size();
    } else {
      AppendUtf8(lower[i], &out);
      ++i;
    }
  }
  const bool capitalized = !input.empty() && ToLower(input[0]) != input[0];
  return capitalized ? TitleCase(out, turkic_output_) : out;
}

const RuleSet& CyrillicToLatin(CyrillicScheme scheme) {
  // Letters every scheme writes alike.
  static const auto kCommon =
      std::vector<std::pair<std::string_view, std::string_view>>{
          {"а", "a"},  {"б", "b"},  {"в", "v"}, {"г", "g"}, {"д", "d"},
          {"е", "e"},  {"з", "z"},  {"и", "i"}, {"к", "k"}, {"л", "l"},
          {"м", "m"},  {"н", "n"},  {"о", "o"}, {"п", "p"}, {"р", "r"},
          {"с", "s"},  {"т", "t"},  {"у", "u"}, {"ф", "f"}, {"ж", "zh"},
          {"ч", "ch"}, {"ш", "sh"}, {"ы", "y"}, {"э", "e"}, {"ь", ""},
      };
  auto with =
      [](std::vector<std::pair<std::string_view, std::string_view>> extra) {
        std::vector<std::pair<std::string_view, std::string_view>> rules =
            kCommon;
        rules.insert(rules.end(), extra.begin(), extra.end());
        return rules;
      };
  static const RuleSet kIcao(with({{"ё", "e"},
                                   {"й", "i"},
                                   {"х", "kh"},
                                   {"ц", "ts"},
                                   {"щ", "shch"},
                                   {"ъ", "ie"},
                                   {"ю", "iu"},
                                   {"я", "ia"}}));
  static const RuleSet kGost(with({{"ё", "jo"},
                                   {"й", "j"},
                                   {"х", "h"},
                                   {"ц", "c"},
                                   {"щ", "shh"},
                                   {"ъ", ""},
                                   {"ю", "ju"},
                                   {"я", "ja"}}));
  static const RuleSet kBgn(with({{"ё", "yo"},
                                  {"й", "y"},
                                  {"х", "kh"},
                                  {"ц", "ts"},
                                  {"щ", "shch"},
                                  {"ъ", ""},
                                  {"ю", "yu"},
                                  {"я", "ya"},
                                  {"^е", "ye"},
                                  {"ае", "aye"},
                                  {"ее", "eye"},
                                  {"ие", "iye"},
                                  {"ое", "oye"},
                                  {"уе", "uye"},
                                  {"ье", "ye"},
                                  {"ьё", "yo"},
                                  {"ъе", "ye"}}));
  switch (scheme) {
    case CyrillicScheme::kIcao:
      return kIcao;
    case CyrillicScheme::kGost:
      return kGost;
    case CyrillicScheme::kBgn:
      break;
  }
  return kBgn;
}

const RuleSet& CyrillicToAzerbaijani() {
  static const RuleSet kRules(
      {{"а", "a"},
       {"б", "b"},
       {"в", "v"},
       {"г", "q"},
       {"д", "d"},
       {"е", "e"},
       {"^е", "ye"},
       {"ё", "yo"},
       {"ж", "j"},
       {"з", "z"},
       {"и", "i"},
       {"й", "y"},
       {"к", "k"},
       {"л", "l"},
       {"м", "m"},
       {"н", "n"},
       {"о", "o"},
       {"п", "p"},
       {"р", "r"},
       {"с", "s"},
       {"т", "t"},
       {"у", "u"},
       {"ф", "f"},
       {"х", "x"},
       {"ц", "ts"},
       {"ч", "ç"},
       {"ш", "ş"},
       {"щ", "şç"},
       {"ъ", ""},
       {"ы", "ı"},
       {"ь", ""},
       {"э", "e"},
       {"ю", "yu"},
       {"я", "ya"},
       {"ие", "iye"},
       {"ье", "ye"},
       {"ей", "ey"},
       // г is g before front vowels, q elsewhere (Sergey, İqor, Qriqori).
       {"ге", "ge"},
       {"ги", "gi"},
       {"гё", "gyo"},
       {"гю", "gyu"}},
      /*turkic_output=*/true);
  return kRules;
}

namespace {

std::vector<std::pair<std::string_view, std::string_view>> LatinCyrillicBase() {
  return {
      {"shch", "щ"}, {"sh", "ш"}, {"ch", "ч"},  {"kh", "х"}, {"zh", "ж"},
      {"ts", "ц"},   {"ya", "я"}, {"yu", "ю"},  {"yo", "ё"}, {"ye", "е"},
      {"^e", "э"},   {"ee", "и"}, {"oo", "у"},  {"ph", "ф"}, {"th", "т"},
      {"a", "а"},    {"b", "б"},  {"d", "д"},   {"e", "е"},  {"f", "ф"},
      {"g", "г"},    {"h", "х"},  {"i", "и"},   {"k", "к"},  {"l", "л"},
      {"m", "м"},    {"n", "н"},  {"o", "о"},   {"p", "п"},  {"q", "к"},
      {"r", "р"},    {"s", "с"},  {"t", "т"},   {"u", "у"},  {"v", "в"},
      {"w", "в"},    {"x", "кс"}, {"y", "й"},   {"z", "з"},  {"'", ""},
      {"ş", "ш"},    {"ç", "ч"},  {"ğ", "г"},   {"ı", "ы"},  {"ö", "ё"},
      {"ü", "ю"},    {"ə", "а"},  {"č", "ч"},   {"ć", "ч"},  {"š", "ш"},
      {"ž", "ж"},    {"đ", "дж"}, {"dž", "дж"}, {"ñ", "нь"},
  };
}

std::vector<std::pair<std::string_view, std::string_view>> LatinAzBase() {
  return {
      {"sh", "ş"}, {"ch", "ç"}, {"kh", "x"}, {"zh", "j"}, {"gh", "ğ"},
      {"j", "c"},  {"w", "v"},  {"ou", "u"}, {"ee", "i"}, {"oo", "u"},
      {"ph", "f"}, {"th", "t"}, {"ck", "k"}, {"'", ""},   {"č", "ç"},
      {"ć", "ç"},  {"š", "ş"},  {"ž", "j"},  {"đ", "c"},  {"dž", "c"},
      {"ñ", "n"},
  };
}

std::vector<std::pair<std::string_view, std::string_view>> Plus(
    std::vector<std::pair<std::string_view, std::string_view>> rules,
    std::vector<std::pair<std::string_view, std::string_view>> extra) {
  rules.insert(rules.end(), extra.begin(), extra.end());
  return rules;
}

}  // namespace

const RuleSet& LatinToCyrillic(LatinDialect dialect) {
  static const RuleSet kEnglish(
      Plus(LatinCyrillicBase(),
           {{"c", "к"}, {"ce", "се"}, {"ci", "си"}, {"j", "дж"}}));
  static const RuleSet kTurkish(
      Plus(LatinCyrillicBase(), {{"c", "дж"}, {"j", "ж"}, {"ö", "о"}}));
  static const RuleSet kSerbian(Plus(
      LatinCyrillicBase(),
      {{"c", "ц"}, {"j", "й"}, {"lj", "ль"}, {"nj", "нь"}, {"ija", "ия"}}));
  static const RuleSet kOriental(Plus(LatinCyrillicBase(), {{"c", "к"},
                                                            {"j", "дж"},
                                                            {"gh", "г"},
                                                            {"x", "х"},
                                                            {"ou", "у"},
                                                            {"ei", "ей"}}));
  switch (dialect) {
    case LatinDialect::kEnglish:
      return kEnglish;
    case LatinDialect::kTurkish:
      return kTurkish;
    case LatinDialect::kSerbian:
      return kSerbian;
    case LatinDialect::kOriental:
      break;
  }
  return kOriental;
}

const RuleSet& LatinToAzerbaijani(LatinDialect dialect) {
  static const RuleSet kEnglish(
      Plus(LatinAzBase(),
           {{"ce", "se"}, {"ci", "si"}, {"c", "k"}, {"x", "ks"}}),
      true);
  static const RuleSet kTurkish({}, true);
  static const RuleSet kSerbian(Plus(LatinAzBase(), {{"c", "ts"}, {"j", "y"}}),
                                true);
  static const RuleSet kOriental(
      Plus(LatinAzBase(), {{"gh", "q"}, {"ei", "ey"}}), true);
  switch (dialect) {
    case LatinDialect::kEnglish:
      return kEnglish;
    case LatinDialect::kTurkish:
      return kTurkish;
    case LatinDialect::kSerbian:
      return kSerbian;
    case LatinDialect::kOriental:
      break;
  }
  return kOriental;
}

const RuleSet& AzerbaijaniToPassport() {
  static const RuleSet kRules({{"ə", "a"},
                               {"ş", "sh"},
                               {"ç", "ch"},
                               {"ğ", "gh"},
                               {"x", "kh"},
                               {"c", "j"},
                               {"j", "zh"},
                               {"q", "g"},
                               {"ı", "i"},
                               {"ö", "o"},
                               {"ü", "u"}});
  return kRules;
}

const RuleSet& SerbianToCyrillic() {
  static const RuleSet kRules(
      {{"a", "а"}, {"b", "б"},  {"c", "ц"}, {"č", "ч"}, {"ć", "ћ"},
       {"d", "д"}, {"dž", "џ"}, {"đ", "ђ"}, {"e", "е"}, {"f", "ф"},
       {"g", "г"}, {"h", "х"},  {"i", "и"}, {"j", "ј"}, {"k", "к"},
       {"l", "л"}, {"lj", "љ"}, {"m", "м"}, {"n", "н"}, {"nj", "њ"},
       {"o", "о"}, {"p", "п"},  {"r", "р"}, {"s", "с"}, {"š", "ш"},
       {"t", "т"}, {"u", "у"},  {"v", "в"}, {"z", "з"}, {"ž", "ж"}});
  return kRules;
}

const RuleSet& GeorgianToMkhedruli() {
  static const RuleSet kRules(
      {{"a", "\u10D0"},  {"b", "\u10D1"},   {"g", "\u10D2"},   {"d", "\u10D3"},
       {"e", "\u10D4"},  {"v", "\u10D5"},   {"z", "\u10D6"},   {"t", "\u10D7"},
       {"i", "\u10D8"},  {"k'", "\u10D9"},  {"l", "\u10DA"},   {"m", "\u10DB"},
       {"n", "\u10DC"},  {"o", "\u10DD"},   {"p'", "\u10DE"},  {"zh", "\u10DF"},
       {"r", "\u10E0"},  {"s", "\u10E1"},   {"t'", "\u10E2"},  {"u", "\u10E3"},
       {"p", "\u10E4"},  {"k", "\u10E5"},   {"gh", "\u10E6"},  {"q'", "\u10E7"},
       {"q", "\u10E7"},  {"sh", "\u10E8"},  {"ch", "\u10E9"},  {"ts", "\u10EA"},
       {"dz", "\u10EB"}, {"ts'", "\u10EC"}, {"ch'", "\u10ED"}, {"kh", "\u10EE"},
       {"j", "\u10EF"},  {"h", "\u10F0"}});
  return kRules;
}

namespace {

// Palladius: whole syllables with no initial consonant, and those whose
// spelling the initial + final split would get wrong.
std::string_view PalladiusWhole(std::string_view s) {
  static const std::vector<std::pair<std::string_view, std::string_view>>
      kWhole = {
          {"zhi", "чжи"},   {"chi", "чи"},   {"shi", "ши"},   {"ri", "жи"},
          {"zi", "цзы"},    {"ci", "цы"},    {"si", "сы"},    {"yi", "и"},
          {"wu", "у"},      {"yu", "юй"},    {"ye", "е"},     {"you", "ю"},
          {"yan", "янь"},   {"yin", "инь"},  {"ying", "ин"},  {"yong", "юн"},
          {"yuan", "юань"}, {"yue", "юэ"},   {"yun", "юнь"},  {"ya", "я"},
          {"yao", "яо"},    {"yang", "ян"},  {"wa", "ва"},    {"wo", "во"},
          {"wai", "вай"},   {"wei", "вэй"},  {"wan", "вань"}, {"wen", "вэнь"},
          {"wang", "ван"},  {"weng", "вэн"}, {"er", "эр"},    {"hui", "хуэй"},
          {"a", "а"},       {"ai", "ай"},    {"an", "ань"},   {"ang", "ан"},
          {"ao", "ао"},     {"e", "э"},      {"en", "энь"},   {"ou", "оу"},
      };
  for (const auto& [syllable, cyrillic] : kWhole) {
    if (syllable == s) return cyrillic;
  }
  return {};
}

}  // namespace

std::string PinyinToCyrillic(std::string_view pinyin) {
  static const std::vector<std::pair<std::string_view, std::string_view>>
      kInitials = {{"zh", "чж"}, {"ch", "ч"}, {"sh", "ш"}, {"b", "б"},
                   {"p", "п"},   {"m", "м"},  {"f", "ф"},  {"d", "д"},
                   {"t", "т"},   {"n", "н"},  {"l", "л"},  {"g", "г"},
                   {"k", "к"},   {"h", "х"},  {"j", "цз"}, {"q", "ц"},
                   {"x", "с"},   {"r", "ж"},  {"z", "цз"}, {"c", "ц"},
                   {"s", "с"}};
  static const std::vector<std::pair<std::string_view, std::string_view>>
      kFinals = {
          {"a", "а"},      {"o", "о"},      {"e", "э"},    {"ai", "ай"},
          {"ei", "эй"},    {"ao", "ао"},    {"ou", "оу"},  {"an", "ань"},
          {"en", "энь"},   {"ang", "ан"},   {"eng", "эн"}, {"ong", "ун"},
          {"i", "и"},      {"ia", "я"},     {"ie", "е"},   {"iao", "яо"},
          {"iu", "ю"},     {"ian", "янь"},  {"in", "инь"}, {"iang", "ян"},
          {"ing", "ин"},   {"iong", "юн"},  {"u", "у"},    {"ua", "уа"},
          {"uo", "о"},     {"uai", "уай"},  {"ui", "уй"},  {"uan", "уань"},
          {"un", "унь"},   {"uang", "уан"}, {"v", "юй"},   {"ve", "юэ"},
          {"van", "юань"}, {"vn", "юнь"}};
  std::string out;
  size_t pos = 0;
  while (pos < pinyin.size()) {
    size_t end = pinyin.find(' ', pos);
    if (end == std::string_view::npos) end = pinyin.size();
    const std::string_view syllable = pinyin.substr(pos, end - pos);
    pos = end + 1;
    if (std::string_view whole = PalladiusWhole(syllable); !whole.empty()) {
      out += whole;
      continue;
    }
    std::string_view initial_cyr;
    std::string_view initial;
    for (const auto& [latin, cyr] : kInitials) {
      if (syllable.starts_with(latin)) {
        initial = latin;
        initial_cyr = cyr;
        break;
      }
    }
    std::string final_part(syllable.substr(initial.size()));
    // After j, q, x a written u is ü.
    if ((initial == "j" || initial == "q" || initial == "x") &&
        !final_part.empty() && final_part[0] == 'u') {
      final_part[0] = 'v';
    }
    out += initial_cyr;
    bool found = false;
    for (const auto& [latin, cyr] : kFinals) {
      if (latin == final_part) {
        out += cyr;
        found = true;
        break;
      }
    }
    if (!found) out += final_part;
  }
  return TitleCase(out);
}

std::vector<std::string> RomanizationVariants(std::string_view romanized) {
  // Each recipe is a habit of some clerks: o read as u (Muhammad), the last
  // a of a word as e (Mohammed), doubled s and ei simplified (Hoseyni), the
  // first o as a (Mahammad), ou and gh written the Azerbaijani way.
  const std::string base = Lower(romanized);
  auto replace_all = [](std::string s, std::string_view from,
                        std::string_view to) {
    // Built by appending: g++ 12 misreports in-place replace (-Wrestrict).
    std::string out;
    size_t at = 0;
    for (size_t hit = s.find(from); hit != std::string::npos;
         hit = s.find(from, at)) {
      out.append(s, at, hit - at);
      out.append(to);
      at = hit + from.size();
    }
    out.append(s, at, std::string::npos);
    return out;
  };
  auto o_to_u = [&](std::string s) { return replace_all(s, "o", "u"); };
  auto last_a_to_e = [](std::string s) {
    size_t word_start = 0;
    while (word_start < s.size()) {
      size_t word_end = s.find(' ', word_start);
      if (word_end == std::string::npos) word_end = s.size();
      // Only an a in a closed final syllable after a consonant: Mohammad,
      // Ahmad -> Mohammed, Ahmed; not Saeed or Reza.
      const std::string_view vowels = "aeiouy";
      if (word_end >= word_start + 3) {
        const size_t a = word_end - 2;
        if (s[a] == 'a' && vowels.find(s[a + 1]) == std::string_view::npos &&
            vowels.find(s[a - 1]) == std::string_view::npos) {
          s[a] = 'e';
        }
      }
      word_start = word_end + 1;
    }
    return s;
  };
  auto simplify = [&](std::string s) {
    return replace_all(replace_all(s, "ss", "s"), "ei", "ey");
  };
  auto first_o_to_a = [](std::string s) {
    if (size_t o = s.find('o'); o != std::string::npos) s[o] = 'a';
    return s;
  };
  auto azerbaijani = [&](std::string s) {
    return replace_all(replace_all(s, "ou", "u"), "gh", "q");
  };
  std::vector<std::string> out;
  auto add = [&](std::string variant) {
    variant = TitleCase(variant);
    if (variant == TitleCase(base)) return;
    if (std::find(out.begin(), out.end(), variant) != out.end()) return;
    out.push_back(std::move(variant));
  };
  for (int mask = 1; mask < 32; ++mask) {
    if ((mask & 1) && (mask & 8)) continue;  // o -> u and o -> a conflict
    std::string s = base;
    if (mask & 8) s = first_o_to_a(s);
    if (mask & 16) s = azerbaijani(s);
    if (mask & 1) s = o_to_u(s);
    if (mask & 2) s = last_a_to_e(s);
    if (mask & 4) s = simplify(s);
    add(std::move(s));
  }
  return out;
}

}  // namespace reckon::synth_internal

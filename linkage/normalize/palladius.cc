#include "linkage/normalize/palladius.h"

#include <algorithm>
#include <cstddef>
#include <string>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/string_view.h"

namespace reckon::normalize_internal {
namespace {

// The standard Mandarin syllables: for each initial (pinyin spelling and
// Palladius spelling), the finals it takes. "v" is ü after n and l.
struct InitialFinals {
  std::string_view pinyin;
  std::u16string_view cyrillic;
  std::string_view finals;  // space-separated
};
constexpr InitialFinals kSyllables[] = {
    {"b", u"б", "a o ai ei ao an en ang eng i ie iao ian in ing u"},
    {"p", u"п", "a o ai ei ao ou an en ang eng i ie iao ian in ing u"},
    {"m", u"м", "a o e ai ei ao ou an en ang eng i ie iao iu ian in ing u"},
    {"f", u"ф", "a o ei ou an en ang eng u"},
    {"d", u"д",
     "a e ai ei ao ou an en ang eng ong i ia ie iao iu ian ing u uo ui uan "
     "un"},
    {"t", u"т",
     "a e ai ao ou an ang eng ong i ie iao ian ing u uo ui uan un"},
    {"n", u"н",
     "a e ai ei ao ou an en ang eng ong i ie iao iu ian in iang ing u uo uan "
     "v ve"},
    {"l", u"л",
     "a e ai ei ao ou an ang eng ong i ia ie iao iu ian in iang ing u uo uan "
     "un v ve"},
    {"g", u"г", "a e ai ei ao ou an en ang eng ong u ua uo uai ui uan un uang"},
    {"k", u"к", "a e ai ei ao ou an en ang eng ong u ua uo uai ui uan un uang"},
    {"h", u"х", "a e ai ei ao ou an en ang eng ong u ua uo uai ui uan un uang"},
    {"j", u"цз", "i ia ie iao iu ian in iang ing iong u ue uan un"},
    {"q", u"ц", "i ia ie iao iu ian in iang ing iong u ue uan un"},
    {"x", u"с", "i ia ie iao iu ian in iang ing iong u ue uan un"},
    {"zh", u"чж",
     "a e ai ei ao ou an en ang eng ong i u ua uo uai ui uan un uang"},
    {"ch", u"ч", "a e ai ao ou an en ang eng ong i u ua uo uai ui uan un uang"},
    {"sh", u"ш",
     "a e ai ei ao ou an en ang eng i u ua uo uai ui uan un uang"},
    {"r", u"ж", "e ao ou an en ang eng ong i u ua uo ui uan un"},
    {"z", u"цз", "a e ai ei ao ou an en ang eng ong i u uo ui uan un"},
    {"c", u"ц", "a e ai ao ou an en ang eng ong i u uo ui uan un"},
    {"s", u"с", "a e ai ao ou an en ang eng ong i u uo ui uan un"},
};

// Syllables without an initial, spelled whole.
constexpr std::pair<std::string_view, std::u16string_view> kBareSyllables[] = {
    {"a", u"а"},      {"o", u"о"},     {"e", u"э"},      {"ai", u"ай"},
    {"ei", u"эй"},    {"ao", u"ао"},   {"ou", u"оу"},    {"an", u"ань"},
    {"en", u"энь"},   {"ang", u"ан"},  {"eng", u"эн"},   {"er", u"эр"},
    {"yi", u"и"},     {"ya", u"я"},    {"yao", u"яо"},   {"ye", u"е"},
    {"you", u"ю"},    {"yan", u"янь"}, {"yin", u"инь"},  {"yang", u"ян"},
    {"ying", u"ин"},  {"yong", u"юн"}, {"yu", u"юй"},    {"yue", u"юэ"},
    {"yuan", u"юань"}, {"yun", u"юнь"}, {"wu", u"у"},    {"wa", u"ва"},
    {"wo", u"во"},    {"wai", u"вай"}, {"wei", u"вэй"},  {"wan", u"вань"},
    {"wen", u"вэнь"}, {"wang", u"ван"}, {"weng", u"вэн"},
};

// One-syllable words read as a non-Chinese name (see palladius.h).
constexpr std::u16string_view kNotChinese[] = {u"хан", u"ан", u"лан", u"ле",
                                               u"жан"};

// The Palladius spelling of `final_part` after the initial `initial`.
std::u16string CyrillicFinal(std::string_view initial,
                             std::string_view final_part) {
  const bool palatal = initial == "j" || initial == "q" || initial == "x";
  const bool dental = initial == "z" || initial == "c" || initial == "s";
  struct Row {
    std::string_view pinyin;
    std::u16string_view cyrillic;
  };
  static constexpr Row kFinals[] = {
      {"a", u"а"},    {"o", u"о"},     {"e", u"э"},     {"ai", u"ай"},
      {"ei", u"эй"},  {"ao", u"ао"},   {"ou", u"оу"},   {"an", u"ань"},
      {"en", u"энь"}, {"ang", u"ан"},  {"eng", u"эн"},  {"ong", u"ун"},
      {"ia", u"я"},   {"ie", u"е"},    {"iao", u"яо"},  {"iu", u"ю"},
      {"ian", u"янь"}, {"in", u"инь"}, {"iang", u"ян"}, {"ing", u"ин"},
      {"iong", u"юн"}, {"ua", u"уа"},  {"uo", u"о"},    {"uai", u"уай"},
      {"ui", u"уй"},  {"uang", u"уан"}, {"v", u"юй"},   {"ve", u"юэ"},
      {"ue", u"юэ"},
  };
  if (final_part == "i") return dental ? u"ы" : u"и";
  if (final_part == "u") return palatal ? u"юй" : u"у";
  if (final_part == "uan") return palatal ? u"юань" : u"уань";
  if (final_part == "un") return palatal ? u"юнь" : u"унь";
  for (const Row& row : kFinals) {
    if (row.pinyin == final_part) return std::u16string(row.cyrillic);
  }
  return u"";  // not reached: every final above is in the table
}

// True for a syllable spelling that Russian names do not use (palladius.h).
// An э that opens the syllable is not one (Эркан, Эрдоган: Russian writes
// the initial E of foreign names so), nor is сю (Сюлейман: Russian writes
// Turkic ü as ю), nor уа after г or к (Georgian Гогуа).
bool Distinctive(std::u16string_view cyrillic) {
  constexpr std::u16string_view kMarks[] = {u"цз", u"чж", u"ця", u"цю",
                                            u"ао", u"оу", u"уй", u"хуа",
                                            u"жуа", u"шуа", u"яо", u"юй",
                                            u"юэ"};
  for (std::u16string_view mark : kMarks) {
    if (cyrillic.find(mark) != std::u16string_view::npos) return true;
  }
  if (cyrillic.find(u'э', 1) != std::u16string_view::npos) return true;
  return cyrillic.size() >= 2 && cyrillic.back() == u'ь';
}

struct Syllable {
  std::string pinyin;
  bool distinctive = false;
};

using SyllableMap = absl::flat_hash_map<std::u16string, Syllable>;

void Add(SyllableMap& map, std::u16string cyrillic, std::string pinyin,
         bool distinctive) {
  map.try_emplace(std::move(cyrillic), Syllable{std::move(pinyin), distinctive});
}

const SyllableMap& Syllables() {
  static const SyllableMap* const kMap = [] {
    auto* map = new SyllableMap();
    for (const auto& [pinyin, cyrillic] : kBareSyllables) {
      Add(*map, std::u16string(cyrillic), std::string(pinyin),
          Distinctive(cyrillic));
    }
    for (const InitialFinals& row : kSyllables) {
      std::string_view finals = row.finals;
      while (!finals.empty()) {
        const size_t space = finals.find(' ');
        const std::string_view final_part = finals.substr(0, space);
        finals = space == std::string_view::npos ? std::string_view()
                                                 : finals.substr(space + 1);
        const std::u16string cyrillic =
            std::u16string(row.cyrillic) + CyrillicFinal(row.pinyin, final_part);
        std::string pinyin(row.pinyin);
        if (final_part == "v") {
          pinyin += "yu";  // lü, nü: Lyu, Nyu on passports
        } else if (final_part == "ve") {
          pinyin += "ue";
        } else {
          pinyin += final_part;
        }
        Add(*map, cyrillic, pinyin, Distinctive(cyrillic));
      }
    }
    // hui is written хуэй (the dictionaries avoid хуй); гуй and the other
    // -уй syllables keep the table's spelling.
    Add(*map, u"хуэй", "hui", true);
    return map;
  }();
  return *kMap;
}

constexpr size_t kLongestSyllable = 6;  // чжуань, цзюань

// Romanized Palladius (palladius.h). Each Cyrillic syllable is written in
// Latin the ways Russian registers write it: GOST 7.79 (ц c, й j, ю ju, я ja,
// х h as the registers type it), BGN/PCGN (ц ts, й y, ю yu, я ya, х kh) and
// ICAO (й i, ю iu, я ia), with цз as tsz or cz, чж as chzh, е opening a
// syllable as e or ye, and ь dropped or written '.
std::vector<std::string> Romanizations(std::u16string_view cyrillic) {
  std::vector<std::string> spellings = {""};
  auto extend = [&spellings](std::initializer_list<std::string_view> options) {
    std::vector<std::string> next;
    next.reserve(spellings.size() * options.size());
    for (const std::string& prefix : spellings) {
      for (std::string_view option : options) {
        next.push_back(prefix + std::string(option));
      }
    }
    spellings = std::move(next);
  };
  for (size_t i = 0; i < cyrillic.size(); ++i) {
    const char16_t c = cyrillic[i];
    const char16_t next = i + 1 < cyrillic.size() ? cyrillic[i + 1] : u'\0';
    if (c == u'ц' && next == u'з') {
      extend({"tsz", "cz"});
      ++i;
      continue;
    }
    if (c == u'ч' && next == u'ж') {
      extend({"chzh"});
      ++i;
      continue;
    }
    switch (c) {
      case u'а': extend({"a"}); break;
      case u'б': extend({"b"}); break;
      case u'в': extend({"v"}); break;
      case u'г': extend({"g"}); break;
      case u'д': extend({"d"}); break;
      case u'е':
        if (i == 0) {
          extend({"e", "ye"});
        } else {
          extend({"e"});
        }
        break;
      case u'ж': extend({"zh"}); break;
      case u'и': extend({"i"}); break;
      case u'й': extend({"j", "y", "i"}); break;
      case u'к': extend({"k"}); break;
      case u'л': extend({"l"}); break;
      case u'м': extend({"m"}); break;
      case u'н': extend({"n"}); break;
      case u'о': extend({"o"}); break;
      case u'п': extend({"p"}); break;
      case u'с': extend({"s"}); break;
      case u'т': extend({"t"}); break;
      case u'у': extend({"u"}); break;
      case u'ф': extend({"f"}); break;
      case u'х': extend({"kh", "h"}); break;
      case u'ц': extend({"ts", "c"}); break;
      case u'ч': extend({"ch"}); break;
      case u'ш': extend({"sh"}); break;
      case u'ы': extend({"y"}); break;
      case u'ь': extend({"", "'"}); break;
      case u'э': extend({"e"}); break;
      case u'ю': extend({"ju", "yu", "iu"}); break;
      case u'я': extend({"ja", "ya", "ia"}); break;
      default:
        return {};  // not reached: the table uses only the letters above
    }
  }
  return spellings;
}

bool IsLatinVowel(char c) {
  return c == 'a' || c == 'e' || c == 'i' || c == 'o' || c == 'u';
}

bool IsLatinConsonant(char c) {
  return c >= 'a' && c <= 'z' && std::string_view("aeiouy").find(c) ==
                                     std::string_view::npos;
}

// Sets `mark` for a romanized syllable spelled as neither pinyin nor the
// Latin names of other cultures are (palladius.h lists them and gives the
// evidence), or `alone` for one that counts only in a word of one syllable
// (-ej; лян, тянь, сян).
void LatinMarks(std::string_view s, bool* mark, bool* alone) {
  *mark = false;
  *alone = false;
  for (std::string_view sequence :
       {"chzh", "tsz", "cz", "cj", "tsy", "khua", "juj", "yuy", "uej", "uey",
        "uei", "'"}) {
    if (s.find(sequence) != std::string_view::npos) *mark = true;
  }
  // уй, but not after х or т: Russian writes Vietnamese Huy and Tuy so
  // (Хуй, Туй), and hui is хуэй in Palladius.
  if (s.size() >= 3 && s.substr(s.size() - 2) == "uj" &&
      s[s.size() - 3] != 'h' && s[s.size() - 3] != 't') {
    *mark = true;
  }
  // ся (not сю: Turkish Süleyman).
  if (s == "sja" || s == "sya") *mark = true;
  for (size_t k = 0; k + 3 < s.size(); ++k) {
    if (IsLatinConsonant(s[k]) && (s[k + 1] == 'j' || s[k + 1] == 'y') &&
        ((s[k + 2] == 'a' && s[k + 3] == 'o') ||
         (s[k + 2] == 'u' && s[k + 3] == 'e'))) {
      *mark = true;  // сяо, ляо, цзяо; сюэ, люэ, цюэ
    }
  }
  if (s == "vej" || s == "vey" || s == "vei") *mark = true;
  if (*mark) return;
  // Marks that count only in a word of one syllable (see palladius.h): -ej,
  // and я before н after a consonant (лян, тянь, сян), which in a longer
  // word is the Armenian -yan of Simonyan, Minasyan, Akopjan.
  if (s.size() >= 3 && s.substr(s.size() - 2) == "ej") *alone = true;
  if (s.size() >= 4 && std::string_view("lts").find(s[0]) !=
                           std::string_view::npos &&
      (s[1] == 'j' || s[1] == 'y') && s[2] == 'a' && s[3] == 'n') {
    *alone = true;
  }
}

// Where romanization writes two syllables alike (ь dropped: ван and вань
// are both "van"; е and э are both e: цзе and цзэ are both "cze"), the
// reading chosen. Without ь the -ng reading (ван wang, чжэн zheng, мин ming)
// is taken, except for these -n syllables, which are the more frequent in
// Chinese names than their -ng partner.
constexpr std::string_view kPreferN[] = {
    "an",   "ban", "can",  "chan", "dan", "han", "lan", "man", "nan",
    "pan",  "ran", "san",  "shan", "nian", "ben", "cen", "chen", "en",
    "gen",  "ken", "ren",  "sen",  "shen", "wen", "bin", "jin", "lin",
    "qin",  "xin", "chun", "jun",  "kun", "qun", "sun", "xun", "yun",
    "chuan"};

struct LatinSyllable {
  std::string pinyin;
  std::u16string cyrillic;
  bool mark = false;
  bool alone = false;
};

// True if `candidate` should replace `current` as the reading of a Latin
// spelling they share.
bool Prefer(const LatinSyllable& candidate, const LatinSyllable& current) {
  auto soft = [](const LatinSyllable& s) {
    return !s.cyrillic.empty() && s.cyrillic.back() == u'ь';
  };
  if (soft(candidate) != soft(current)) {
    const LatinSyllable& n_reading = soft(candidate) ? candidate : current;
    const bool prefer_n =
        std::find(std::begin(kPreferN), std::end(kPreferN),
                  n_reading.pinyin) != std::end(kPreferN);
    return prefer_n == soft(candidate);
  }
  // е (-ie, or ye alone) against э (-e): ye, jie, qie, xie and nie are the
  // common name syllables; after other initials -e is (de, le, ze).
  auto ie = [](const LatinSyllable& s) {
    return s.cyrillic.find(u'е') != std::u16string::npos;
  };
  if (ie(candidate) != ie(current)) {
    const LatinSyllable& ie_reading = ie(candidate) ? candidate : current;
    const char first = ie_reading.pinyin[0];
    const bool prefer_ie = first == 'y' || first == 'j' || first == 'q' ||
                           first == 'x' || first == 'n';
    return prefer_ie == ie(candidate);
  }
  return false;
}

using LatinMap = absl::flat_hash_map<std::string, LatinSyllable>;

struct LatinTable {
  LatinMap syllables;
  size_t longest = 0;
};

const LatinTable& LatinSyllables() {
  static const LatinTable* const kTable = [] {
    auto* table = new LatinTable();
    for (const auto& [cyrillic, syllable] : Syllables()) {
      for (std::string& latin : Romanizations(cyrillic)) {
        LatinSyllable entry{syllable.pinyin, cyrillic, false, false};
        LatinMarks(latin, &entry.mark, &entry.alone);
        table->longest = std::max(table->longest, latin.size());
        auto [it, inserted] = table->syllables.try_emplace(latin, entry);
        if (!inserted && Prefer(entry, it->second)) it->second = entry;
      }
    }
    return table;
  }();
  return *kTable;
}

// Latin words read as a non-Chinese name even when all words of the name
// read as Palladius: the romanized kNotChinese.
constexpr std::string_view kLatinNotChinese[] = {"khan", "han", "an", "lan",
                                                 "le", "zhan"};

}  // namespace

std::optional<PalladiusReading> ReadPalladius(std::u16string_view word) {
  const size_t n = word.size();
  if (n == 0 || n > 64) return std::nullopt;
  for (std::u16string_view exception : kNotChinese) {
    if (word == exception) return std::nullopt;
  }
  // A soft sign before a vowel writes a glide (Неманьа), never the final
  // -нь of a syllable.
  for (size_t i = 0; i + 1 < n; ++i) {
    if (word[i] == u'ь' &&
        std::u16string_view(u"аеёиоуыэюя").find(word[i + 1]) !=
            std::u16string_view::npos) {
      return std::nullopt;
    }
  }
  const SyllableMap& syllables = Syllables();
  // Fewest syllables wins (сяомин = сяо-мин, not ся-о-мин): best[i] is the
  // least number of syllables spelling word[0, i), or -1.
  std::vector<int> best(n + 1, -1);
  std::vector<const Syllable*> last(n + 1, nullptr);
  std::vector<size_t> start(n + 1, 0);
  best[0] = 0;
  std::u16string key;
  for (size_t i = 0; i < n; ++i) {
    if (best[i] < 0) continue;
    for (size_t length = 1; length <= kLongestSyllable && i + length <= n;
         ++length) {
      key.assign(word.substr(i, length));
      auto it = syllables.find(key);
      if (it == syllables.end()) continue;
      const size_t end = i + length;
      if (best[end] < 0 || best[i] + 1 < best[end]) {
        best[end] = best[i] + 1;
        last[end] = &it->second;
        start[end] = i;
      }
    }
  }
  if (best[n] < 0) return std::nullopt;
  std::vector<const Syllable*> parts;
  for (size_t end = n; end > 0; end = start[end]) parts.push_back(last[end]);
  PalladiusReading reading;
  reading.syllables = static_cast<int>(parts.size());
  for (size_t i = parts.size(); i-- > 0;) {
    reading.pinyin += parts[i]->pinyin;
    reading.distinctive |= parts[i]->distinctive;
  }
  return reading;
}

std::optional<PalladiusReading> ReadRomanizedPalladius(std::string_view word) {
  const size_t n = word.size();
  if (n == 0 || n > 64) return std::nullopt;
  for (std::string_view exception : kLatinNotChinese) {
    if (word == exception) return std::nullopt;
  }
  const LatinTable& table = LatinSyllables();
  // best[i]: the fewest syllables spelling word[i, n), or -1; filled from
  // the end so that the walk below can take, at each step, the longest
  // syllable that keeps the count least (tszyai = tszya-i, not tszy-ai).
  // The syllable spelled by word[i, i + length), or nullptr. A syllable
  // never ends in n before a vowel: romanization would write the apostrophe
  // of Xi'an there. Without that, European names that split (Tatjana as
  // ta-tjan-a) would read.
  auto syllable_at = [&](size_t i, size_t length) -> const LatinSyllable* {
    if (word[i + length - 1] == 'n' && i + length < n &&
        IsLatinVowel(word[i + length])) {
      return nullptr;
    }
    auto it = table.syllables.find(absl::string_view(word.data() + i, length));
    return it == table.syllables.end() ? nullptr : &it->second;
  };
  constexpr int kNone = -1;
  std::vector<int> best(n + 1, kNone);
  best[n] = 0;
  for (size_t i = n; i-- > 0;) {
    for (size_t length = 1; length <= table.longest && i + length <= n;
         ++length) {
      if (best[i + length] == kNone || syllable_at(i, length) == nullptr) {
        continue;
      }
      if (best[i] == kNone || best[i + length] + 1 < best[i]) {
        best[i] = best[i + length] + 1;
      }
    }
  }
  if (best[0] == kNone) return std::nullopt;
  PalladiusReading reading;
  reading.syllables = best[0];
  bool alone = false;
  for (size_t i = 0; i < n;) {
    for (size_t length = std::min(table.longest, n - i); length > 0;
         --length) {
      if (best[i + length] != best[i] - 1) continue;
      const LatinSyllable* syllable = syllable_at(i, length);
      if (syllable == nullptr) continue;
      reading.pinyin += syllable->pinyin;
      reading.distinctive |= syllable->mark;
      alone |= syllable->alone;
      i += length;
      break;
    }
  }
  reading.distinctive |= alone && reading.syllables == 1;
  return reading;
}

bool MayBeRomanizedPalladius(std::string_view word) {
  // Every mark in LatinMarks contains one of these.
  for (std::string_view sequence :
       {"chzh", "tsz", "cz", "cj", "tsy", "khua", "yuy", "uj", "ue", "ve",
        "ja", "ya", "ej", "'"}) {
    if (word.find(sequence) != std::string_view::npos) return true;
  }
  return false;
}

}  // namespace reckon::normalize_internal

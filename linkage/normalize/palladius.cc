#include "linkage/normalize/palladius.h"

#include <cstddef>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"

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
    return map;
  }();
  return *kMap;
}

constexpr size_t kLongestSyllable = 6;  // чжуань, цзюань

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

}  // namespace reckon::normalize_internal

#include "linkage/normalize/name_tables.h"

#include <array>
#include <utility>
#include <string>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/strings/string_view.h"

namespace reckon::normalize_internal {
namespace {

absl::string_view Absl(std::string_view text) {
  return absl::string_view(text.data(), text.size());
}

bool EndsWith(std::string_view text, std::string_view suffix) {
  return text.size() >= suffix.size() &&
         text.substr(text.size() - suffix.size()) == suffix;
}

// Markers as the comparison form spells them: Azerbaijani oğlu/qızı,
// Russian-style ogly/kyzy, Uzbek oʻgʻli/qizi, Kazakh uly, Kyrgyz uulu/kyzy,
// Turkmen ogly/gyzy.
constexpr std::string_view kMarkersAfter[] = {
    "oglu", "ogly", "ogli", "oghlu", "ugli", "uglu", "uulu", "uly", "qizi",
    "kizi", "kyzy", "gizi", "gyzy", "qyzy", "kyzi", "qizy", "ghizi"};

constexpr std::string_view kMarkersBefore[] = {
    "bin", "ibn", "bint", "binti", "binte"};

constexpr std::string_view kParticles[] = {
    "de",  "del", "dela", "della", "delos", "delas", "di",    "da",
    "dos", "al",  "el",   "abd",   "abdul", "abdel", "abdol", "abu"};

constexpr std::string_view kParticleContinuations[] = {"la", "las", "los",
                                                       "al", "el", "ul"};

struct Suffix {
  std::string_view text;
  bool feminine;
};
// Longest first: "ovich" must win over "ich".
constexpr Suffix kSuffixes[] = {
    {"inichna", true},
    {"ichna", true},
    {"ovych", false},
    {"evych", false},
    {"ovich", false},
    {"evich", false},
    {"ovitch", false},
    {"evitch", false},
    {"ovna", true},
    {"evna", true},
    {"ivna", true},
    {"ich", false},
};

// The most frequent Chinese surnames, most frequent first (after the
// Ministry of Public Security's 2020 ranking, single-syllable pinyin; a
// pinyin spelling shared by several surnames appears once).
constexpr std::string_view kChineseSurnames[] = {
    "wang",  "li",    "zhang", "liu",   "chen",     "yang",     "huang",
    "zhao",  "wu",    "zhou",  "xu",    "sun",      "ma",       "zhu",
    "hu",    "guo",   "he",    "lin",   "gao",      "luo",      "zheng",
    "liang", "xie",   "song",  "tang",  "han",      "feng",     "deng",
    "cao",   "peng",  "zeng",  "xiao",  "tian",     "dong",     "pan",
    "yuan",  "cai",   "jiang", "yu",    "du",       "ye",       "cheng",
    "wei",   "su",    "lu",    "ding",  "ren",      "shen",     "yao",
    "cui",   "zhong", "tan",   "fan",   "jin",      "shi",      "liao",
    "jia",   "xia",   "fu",    "fang",  "bai",      "zou",      "meng",
    "xiong", "qin",   "qiu",   "hou",   "yin",      "xue",      "yan",
    "duan",  "lei",   "long",  "tao",   "gu",       "mao",      "hao",
    "gong",  "shao",  "wan",   "qian",  "dai",      "mo",       "kong",
    "xiang", "kang",  "yi",    "chang", "qiao",     "lai",      "wen",
    "niu",   "fei",   "lyu",   "lv",    "ning",     "bao",      "zhan",
    "ouyang", "sima", "zhuge", "shangguan", "dongfang", "huangfu", "murong",
    "linghu", "yuwen", "situ", "xiahou", "duanmu", "nangong", "gongsun"};

constexpr std::u16string_view kCompoundSurnames[] = {
    u"欧阳", u"歐陽", u"司马", u"司馬", u"诸葛", u"諸葛", u"上官", u"东方",
    u"東方", u"皇甫", u"尉迟", u"尉遲", u"公孙", u"公孫", u"慕容", u"令狐",
    u"长孙", u"長孫", u"宇文", u"司徒", u"夏侯", u"轩辕", u"軒轅", u"端木",
    u"西门", u"西門", u"南宫", u"南宮", u"独孤", u"獨孤", u"司空", u"남궁",
    u"황보", u"제갈", u"선우", u"독고", u"사공", u"서문"};

// Persian letters are the canonical ones here; lookups fold Arabic kaf, yeh
// and teh marbuta onto them first.
constexpr std::pair<std::u16string_view, std::string_view>
    kArabicScriptNames[] = {
        {u"محمد", "mohammad"},     {u"احمد", "ahmad"},
        {u"محمود", "mahmud"},      {u"مصطفی", "mostafa"},
        {u"علی", "ali"},           {u"حسین", "hossein"},
        {u"حسن", "hasan"},         {u"رضا", "reza"},
        {u"مهدی", "mahdi"},        {u"جواد", "javad"},
        {u"عباس", "abbas"},        {u"امیر", "amir"},
        {u"سعید", "saeed"},        {u"رحیم", "rahim"},
        {u"کریم", "karim"},        {u"ابراهیم", "ebrahim"},
        {u"اسماعیل", "esmail"},    {u"یوسف", "yusef"},
        {u"موسی", "musa"},         {u"عیسی", "isa"},
        {u"یعقوب", "yaqub"},       {u"جعفر", "jafar"},
        {u"صادق", "sadegh"},       {u"باقر", "bagher"},
        {u"کاظم", "kazem"},        {u"هادی", "hadi"},
        {u"نادر", "nader"},        {u"مجید", "majid"},
        {u"حمید", "hamid"},        {u"وحید", "vahid"},
        {u"فرهاد", "farhad"},      {u"بهرام", "bahram"},
        {u"داود", "davud"},        {u"داوود", "davud"},
        {u"سلیمان", "soleyman"},   {u"عبدالله", "abdollah"},
        {u"ناصر", "naser"},        {u"منصور", "mansur"},
        {u"قاسم", "ghasem"},       {u"عمر", "omar"},
        {u"عثمان", "osman"},       {u"خالد", "khaled"},
        {u"طارق", "tareq"},        {u"عبدالرحمن", "abdolrahman"},
        {u"اکبر", "akbar"},        {u"اصغر", "asghar"},
        {u"مرتضی", "morteza"},     {u"مجتبی", "mojtaba"},
        {u"صالح", "saleh"},        {u"یاسر", "yaser"},
        {u"بلال", "bilal"},        {u"نعمت", "nemat"},
        {u"جمال", "jamal"},        {u"کمال", "kamal"},
        {u"جلال", "jalal"},        {u"رسول", "rasul"},
        {u"فاطمه", "fatemeh"},     {u"زهرا", "zahra"},
        {u"مریم", "maryam"},       {u"زینب", "zeynab"},
        {u"معصومه", "masumeh"},    {u"سکینه", "sakineh"},
        {u"لیلا", "leyla"},        {u"لیلی", "leyli"},
        {u"نرگس", "narges"},       {u"شیرین", "shirin"},
        {u"پروین", "parvin"},      {u"آزاده", "azadeh"},
        {u"سارا", "sara"},         {u"خدیجه", "khadijeh"},
        {u"عایشه", "aisha"},       {u"عائشه", "aisha"},
        {u"آمنه", "ameneh"},       {u"نسرین", "nasrin"},
        {u"طاهره", "tahereh"},     {u"منیژه", "manizheh"},
        {u"حسینی", "hosseini"},    {u"موسوی", "musavi"},
        {u"رضایی", "rezaei"},      {u"احمدی", "ahmadi"},
        {u"محمدی", "mohammadi"},   {u"کریمی", "karimi"},
        {u"رحیمی", "rahimi"},      {u"حیدری", "heydari"},
        {u"جعفری", "jafari"},      {u"کاظمی", "kazemi"},
        {u"صادقی", "sadeghi"},     {u"هاشمی", "hashemi"},
        {u"قاسمی", "ghasemi"},     {u"علوی", "alavi"},
        {u"نوری", "nuri"},         {u"عباسی", "abbasi"},
        {u"زاده", "zadeh"},        {u"طاهری", "taheri"},
        {u"اکبری", "akbari"},      {u"مرادی", "moradi"},
        {u"شریفی", "sharifi"},     {u"یزدانی", "yazdani"},
        {u"تهرانی", "tehrani"},    {u"خان", "khan"},
        {u"قریشی", "qureshi"},     {u"صدیقی", "siddiqui"},
        {u"شیخ", "sheikh"},        {u"بیگم", "begum"},
        {u"چوهدری", "chaudhry"},   {u"حیدر", "haidar"},
        {u"رحمان", "rahman"},      {u"اسلام", "islam"},
        {u"ملک", "malik"},         {u"رانا", "rana"},
        {u"اعوان", "awan"},        {u"نقوی", "naqvi"},
        {u"رزاق", "razzaq"},       {u"عزیز", "aziz"},
};

// Folds the letters that Arabic, Persian and Urdu write differently, and
// drops harakat and tatweel, so one table serves all three.
std::u16string FoldArabicScript(std::u16string_view word) {
  std::u16string out;
  out.reserve(word.size());
  for (char16_t c : word) {
    if ((c >= 0x064B && c <= 0x0652) || c == 0x0670 || c == 0x0640) continue;
    switch (c) {
      case 0x0643: c = 0x06A9; break;  // Arabic kaf -> keheh
      case 0x064A:                     // Arabic yeh -> farsi yeh
      case 0x0649:                     // alef maksura -> farsi yeh
      case 0x06D2: c = 0x06CC; break;  // Urdu yeh barree
      case 0x0629:                     // teh marbuta -> heh
      case 0x06C1:                     // Urdu heh goal
      case 0x06BE: c = 0x0647; break;  // Urdu heh doachashmee
      case 0x0623:
      case 0x0625:
      case 0x0671: c = 0x0627; break;  // hamza'd alefs -> alef
      default: break;
    }
    out.push_back(c);
  }
  return out;
}

}  // namespace

bool IsPatronymicMarkerAfter(std::string_view token) {
  for (std::string_view marker : kMarkersAfter) {
    if (token == marker) return true;
  }
  return false;
}

bool IsPatronymicMarkerBefore(std::string_view token) {
  for (std::string_view marker : kMarkersBefore) {
    if (token == marker) return true;
  }
  return false;
}

bool IsNameParticle(std::string_view token) {
  for (std::string_view particle : kParticles) {
    if (token == particle) return true;
  }
  return false;
}

bool IsParticleContinuation(std::string_view token) {
  for (std::string_view particle : kParticleContinuations) {
    if (token == particle) return true;
  }
  return false;
}

std::optional<std::string_view> PatronymicStem(std::string_view token,
                                               bool* feminine) {
  for (const Suffix& suffix : kSuffixes) {
    if (!EndsWith(token, suffix.text)) continue;
    std::string_view stem = token.substr(0, token.size() - suffix.text.size());
    // Sergeyevich -> sergey, Nikolayevna -> nikolay: the y belongs to the
    // father's name; Sergeevich -> serge stays as written.
    if (stem.size() < 2) return std::nullopt;
    *feminine = suffix.feminine;
    return stem;
  }
  return std::nullopt;
}

int ChineseSurnameRank(std::string_view pinyin) {
  static const auto* const kRanks = [] {
    auto* ranks = new absl::flat_hash_map<std::string, int>();
    int rank = 0;
    for (std::string_view name : kChineseSurnames) {
      ranks->try_emplace(std::string(name), ++rank);
    }
    return ranks;
  }();
  auto it = kRanks->find(Absl(pinyin));
  return it == kRanks->end() ? 0 : it->second;
}

bool IsPinyinSyllable(std::string_view syllable) {
  // Initials times finals over-generates a little (e.g. "bong"); the
  // normalizer only asks about tokens that are already candidates for a
  // Chinese name, so the few extra syllables cost nothing in practice.
  static const auto* const kSyllables = [] {
    constexpr std::string_view kInitials[] = {
        "",  "b", "p", "m",  "f",  "d",  "t", "n", "l", "g", "k", "h",
        "j", "q", "x", "zh", "ch", "sh", "r", "z", "c", "s", "y", "w"};
    constexpr std::string_view kFinals[] = {
        "a",   "o",   "e",    "ai",   "ei",   "ao",   "ou",  "an",
        "en",  "ang", "eng",  "ong",  "er",   "i",    "ia",  "ie",
        "iao", "iu",  "ian",  "in",   "iang", "ing",  "iong", "u",
        "ua",  "uo",  "uai",  "ui",   "uan",  "un",   "uang", "ueng",
        "v",   "ve",  "ue",   "yu",   "io"};
    auto* set = new absl::flat_hash_set<std::string>();
    for (std::string_view initial : kInitials) {
      for (std::string_view final_part : kFinals) {
        set->insert(std::string(initial) + std::string(final_part));
      }
    }
    return set;
  }();
  return kSyllables->contains(Absl(syllable));
}

int HanHangulSurnameLength(std::u16string_view name) {
  if (name.size() < 3) return 1;  // a two-character name is surname + one
  for (std::u16string_view compound : kCompoundSurnames) {
    if (name.substr(0, 2) == compound) return 2;
  }
  return 1;
}

std::optional<std::string_view> ArabicScriptNameSpelling(
    std::u16string_view word) {
  static const auto* const kTable = [] {
    auto* table = new absl::flat_hash_map<std::u16string, std::string_view>();
    for (const auto& [arabic, latin] : kArabicScriptNames) {
      table->try_emplace(FoldArabicScript(arabic), latin);
    }
    return table;
  }();
  auto it = kTable->find(FoldArabicScript(word));
  if (it == kTable->end()) return std::nullopt;
  return it->second;
}

}  // namespace reckon::normalize_internal

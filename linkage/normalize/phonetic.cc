#include "linkage/normalize/phonetic.h"

#include <cstddef>

namespace reckon {
namespace {

bool IsVowel(char c) {
  return c == 'a' || c == 'e' || c == 'i' || c == 'o' || c == 'u' || c == 'y';
}

// The number of runs of vowels in `word` (its syllables, roughly).
int VowelGroups(std::string_view word) {
  int groups = 0;
  for (size_t i = 0; i < word.size(); ++i) {
    if (IsVowel(word[i]) && (i == 0 || !IsVowel(word[i - 1]))) ++groups;
  }
  return groups;
}

char VowelClass(char c) {
  switch (c) {
    case 'a':
    case 'e':
      return 'A';
    case 'i':
    case 'y':
      return 'I';
    default:
      return 'U';
  }
}

// Multi-letter spellings, longest first within each first letter. Each maps
// to one consonant class.
struct Digraph {
  std::string_view text;
  char symbol;
};
constexpr Digraph kDigraphs[] = {
    {"shch", 'S'}, {"sch", 'S'}, {"tch", 'J'}, {"tc", 'J'},  {"dzh", 'J'},
    {"dj", 'J'},
    {"dz", 'J'},   {"ch", 'J'},  {"zh", 'J'},  {"sh", 'S'},  {"ts", 'J'},
    {"tz", 'J'},   {"kh", 'K'},  {"gh", 'K'},  {"ph", 'F'},  {"th", 'T'},
    {"dh", 'T'},   {"jh", 'J'},  {"ck", 'K'},
};

char ConsonantClass(char c) {
  switch (c) {
    case 'b':
    case 'p':
      return 'P';
    case 'f':
    case 'v':
    case 'w':
      return 'F';
    case 't':
    case 'd':
      return 'T';
    case 's':
    case 'z':
      return 'S';
    case 'c':
    case 'j':
      return 'J';
    case 'k':
    case 'q':
    case 'g':
    case 'h':
    case 'x':
      return 'K';
    case 'l':
      return 'L';
    case 'm':
      return 'M';
    case 'n':
      return 'N';
    case 'r':
      return 'R';
    default:
      return 0;
  }
}

}  // namespace

std::string PhoneticCode(std::string_view token) {
  // Keep only a-z; the comparison form has nothing else, but the function is
  // public and must be total.
  // A doubled consonant is one consonant (Tssiklauri / Tsiklauri: tss is
  // not ts + s). A doubled y is a vowel and a glide (Nyýazow: nyyazow).
  std::string letters;
  letters.reserve(token.size());
  for (char c : token) {
    if (c < 'a' || c > 'z') continue;
    if (!letters.empty() && letters.back() == c && !IsVowel(c)) continue;
    letters.push_back(c);
  }
  std::string_view word = letters;
  // A leading glide before a vowel: Yusif / Iusif / Usif, Yelena / Elena.
  if (word.size() >= 2 && (word[0] == 'y' || word[0] == 'i') &&
      IsVowel(word[1]) && word[1] != 'y' && word[1] != 'i') {
    word.remove_prefix(1);
  }
  // A final h after a vowel is silent or nearly so: Zadeh / Zade, Fatimah /
  // Fatima. Russian writes it х (kh), as it writes the kh of Arabic and
  // Persian names, so a final kh (or Uzbek x) after a vowel goes too in a
  // word of two syllables or more: Fatih / Фатих (fatikh), Somayeh /
  // Сомаех, Farrukh / Farrux / Фаррух. A one-syllable word keeps its kh, so
  // Sheikh / Шейх / Sheik stay apart from Shah.
  const size_t size = word.size();
  if (size >= 2 && IsVowel(word[size - 2]) &&
      (word.back() == 'h' || word.back() == 'x') &&
      (word.back() == 'h' || VowelGroups(word) >= 2)) {
    word.remove_suffix(1);
  } else if (size >= 3 && word.substr(size - 2) == "kh" &&
             IsVowel(word[size - 3]) && VowelGroups(word) >= 2) {
    word.remove_suffix(2);
  }
  // Final nh and ngh: Vietnamese Minh / Минь, Singh / सिंह (sinh).
  if (word.size() >= 4 && word.substr(word.size() - 3) == "ngh") {
    word.remove_suffix(2);
  } else if (word.size() >= 3 && word.substr(word.size() - 2) == "nh") {
    word.remove_suffix(1);
  }
  std::string code;
  code.reserve(word.size());
  bool have_vowel = false;
  size_t i = 0;
  while (i < word.size()) {
    const char c = word[i];
    const char previous = i > 0 ? word[i - 1] : '\0';
    const char next = i + 1 < word.size() ? word[i + 1] : '\0';
    // Letters that transliterations add or drop around vowels: the glide in
    // gyu/kya/lyu (Гюнель: Gyunel / Gunel), w closing a diphthong and the v
    // that Azerbaijani writes for it after o (Chowdhury / Chaudhry /
    // Çovdhury, Nowruzov / Novruzov; only after o, so that Sevda and Seda
    // stay apart) and the Serbian palatal lj (Ljubica / Любица).
    if ((c == 'y' && IsVowel(next) && next != 'y') ||
        ((c == 'w' || (c == 'v' && previous == 'o')) && IsVowel(previous) &&
         next != '\0' && !IsVowel(next)) ||
        (c == 'j' && previous == 'l' && IsVowel(next))) {
      ++i;
      continue;
    }
    if (IsVowel(c)) {
      if (!have_vowel) {
        have_vowel = true;
        const char symbol = VowelClass(c);
        if (code.empty() || code.back() != symbol) code.push_back(symbol);
      }
      ++i;
      continue;
    }
    char symbol = 0;
    size_t length = 1;
    for (const Digraph& digraph : kDigraphs) {
      if (word.substr(i, digraph.text.size()) == digraph.text) {
        symbol = digraph.symbol;
        length = digraph.text.size();
        break;
      }
    }
    // c before r, l, t is k in every habit (Cruz / Kruz, Victor / Viktor);
    // before a vowel it is j in Azerbaijani and Turkish and stays J.
    if (symbol == 0 && c == 'c' && (next == 'r' || next == 'l' || next == 't')) {
      symbol = 'K';
    }
    if (symbol == 0) symbol = ConsonantClass(c);
    i += length;
    if (symbol == 0) continue;
    if (code.empty() || code.back() != symbol) code.push_back(symbol);
  }
  return code;
}

std::string ConsonantSkeleton(std::string_view token) {
  const std::string code = PhoneticCode(token);
  std::string skeleton;
  skeleton.reserve(code.size());
  for (char c : code) {
    if (c == 'A' || c == 'I' || c == 'U') continue;
    const char lower = static_cast<char>(c - 'A' + 'a');
    if (skeleton.empty() || skeleton.back() != lower) skeleton.push_back(lower);
  }
  if (skeleton.empty() && !code.empty()) {
    skeleton.push_back(static_cast<char>(code[0] - 'A' + 'a'));
  }
  return skeleton;
}

}  // namespace reckon

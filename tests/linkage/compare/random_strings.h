// Random strings over a given alphabet of UTF-8 characters, for comparing
// the fast comparators with reference/ on many inputs.
#ifndef RECKON_TESTS_LINKAGE_COMPARE_RANDOM_STRINGS_H_
#define RECKON_TESTS_LINKAGE_COMPARE_RANDOM_STRINGS_H_

#include <cstddef>
#include <random>
#include <string>
#include <vector>

namespace reckon::testing_util {

// A string of 0..max_length characters drawn from `alphabet`.
inline std::string RandomString(std::mt19937& rng,
                                const std::vector<std::string>& alphabet,
                                size_t max_length) {
  std::uniform_int_distribution<size_t> length(0, max_length);
  std::uniform_int_distribution<size_t> pick(0, alphabet.size() - 1);
  std::string out;
  const size_t n = length(rng);
  for (size_t i = 0; i < n; ++i) out += alphabet[pick(rng)];
  return out;
}

// `text` (a concatenation of alphabet characters) with 0..3 random edits:
// substitution, insertion, deletion or adjacent transposition.
inline std::string Mutate(std::mt19937& rng,
                          const std::vector<std::string>& alphabet,
                          const std::string& text) {
  // Split back into alphabet characters.
  std::vector<std::string> chars;
  for (size_t i = 0; i < text.size();) {
    size_t step = 0;
    for (const std::string& c : alphabet) {
      if (text.compare(i, c.size(), c) == 0) {
        chars.push_back(c);
        step = c.size();
        break;
      }
    }
    if (step == 0) return text;  // not made of `alphabet`: leave it
    i += step;
  }
  std::uniform_int_distribution<int> edits(0, 3);
  std::uniform_int_distribution<int> kind(0, 3);
  std::uniform_int_distribution<size_t> pick(0, alphabet.size() - 1);
  const int count = edits(rng);
  for (int e = 0; e < count; ++e) {
    const size_t n = chars.size();
    std::uniform_int_distribution<size_t> position(0, n == 0 ? 0 : n - 1);
    switch (kind(rng)) {
      case 0:
        if (n > 0) chars[position(rng)] = alphabet[pick(rng)];
        break;
      case 1:
        chars.insert(chars.begin() + static_cast<std::ptrdiff_t>(
                                         n == 0 ? 0 : position(rng)),
                     alphabet[pick(rng)]);
        break;
      case 2:
        if (n > 0) {
          chars.erase(chars.begin() +
                      static_cast<std::ptrdiff_t>(position(rng)));
        }
        break;
      default:
        if (n > 1) {
          const size_t p = std::uniform_int_distribution<size_t>(0, n - 2)(rng);
          std::swap(chars[p], chars[p + 1]);
        }
        break;
    }
  }
  std::string out;
  for (const std::string& c : chars) out += c;
  return out;
}

}  // namespace reckon::testing_util

#endif  // RECKON_TESTS_LINKAGE_COMPARE_RANDOM_STRINGS_H_

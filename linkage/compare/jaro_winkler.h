// Jaro and Jaro-Winkler similarity of names, written for speed: the record
// linkage comparators of Jaro (1989) and Winkler (1990).
//
// Inputs are UTF-8 and are compared as given: fold case and transliterate
// first (linkage/normalize). When both inputs are ASCII the work is on bytes;
// otherwise on code points, so "Məmmədov" has 8 characters, not 10.
//
// Definitions (a, b of lengths |a|, |b| characters):
//   window   w = max(0, max(|a|, |b|) / 2 - 1)   (integer division)
//   matches  m: a[i] and b[j] match when equal, |i - j| <= w, and neither is
//            matched already (each a[i] takes the first free b[j] in turn)
//   t        half the number of positions at which the matched characters of
//            a and of b, each taken in string order, differ
//   Jaro     (m/|a| + m/|b| + (m - t)/m) / 3, 0 when m == 0, 1 when both
//            strings are empty
//   JW       Jaro + l * p * (1 - Jaro) when Jaro > 0.7 (Winkler's boost
//            threshold), else Jaro; l = length of the common prefix, at most
//            4; p = prefix_scale
//
//   JaroWinkler("MARTHA", "MARHTA")  -> 0.9611   (Winkler 1990)
//   JaroWinkler("DWAYNE", "DUANE")   -> 0.84
//   JaroWinkler("DIXON", "DICKSONX") -> 0.8133
//
// Complexity: O(|a| + |b|) word operations (bit-parallel) for the cached
// query of at most 64 characters, and for plain calls on ASCII inputs whose
// shorter side has at most 64; O(|a| * w) otherwise (plain calls on non-ASCII
// text, longer strings).
#ifndef RECKON_LINKAGE_COMPARE_JARO_WINKLER_H_
#define RECKON_LINKAGE_COMPARE_JARO_WINKLER_H_

#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace reckon {

// Returns the Jaro similarity of `a` and `b`, in [0, 1].
double Jaro(std::string_view a, std::string_view b);

// Returns the Jaro-Winkler similarity of `a` and `b`, in [0, 1]. Returns 0 as
// soon as the result is certain to fall below `cutoff`, so hopeless pairs
// cost little; otherwise returns exactly what a call with cutoff 0 returns.
// REQUIRES: 0 <= prefix_scale <= 0.25 (so that the result stays <= 1).
double JaroWinkler(std::string_view a, std::string_view b, double cutoff = 0.0,
                   double prefix_scale = 0.1);

// Compares one query against many candidates, decoding the query and building
// its per-character bit masks once. Similarity(c, cutoff) returns exactly
// JaroWinkler(query, c, cutoff, prefix_scale). Const methods are safe to call
// from several threads at once.
class CachedJaroWinkler {
 public:
  // REQUIRES: 0 <= prefix_scale <= 0.25.
  explicit CachedJaroWinkler(std::string_view query,
                             double prefix_scale = 0.1);

  double Similarity(std::string_view candidate, double cutoff = 0.0) const;

  const std::string& query() const { return query_; }

 private:
  // Bit mask of the positions of code point `c` in the query (<= 64 chars).
  uint64_t Mask(char32_t c) const;

  std::string query_;
  double prefix_scale_;
  bool ascii_;
  std::vector<char32_t> code_points_;
  // Bit-parallel tables, used when the query has at most 64 characters:
  // ASCII characters index `ascii_masks_`; others go to a small open-address
  // table (`wide_keys_`, `wide_masks_`, 0 = empty slot).
  bool bit_parallel_;
  std::array<uint64_t, 128> ascii_masks_{};
  std::array<char32_t, 128> wide_keys_{};
  std::array<uint64_t, 128> wide_masks_{};
};

}  // namespace reckon

#endif  // RECKON_LINKAGE_COMPARE_JARO_WINKLER_H_

#include "linkage/compare/jaro_winkler.h"

#include <algorithm>
#include <bit>
#include <cassert>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "linkage/compare/internal/code_points.h"

namespace reckon {
namespace {

// Winkler's boost threshold: the prefix bonus applies only above it.
constexpr double kBoostThreshold = 0.7;
constexpr size_t kMaxPrefix = 4;
// An early exit must be certain: bounds are compared with this much slack so
// that rounding can never turn a result at the cutoff into a 0.
constexpr double kBoundSlack = 1e-9;
constexpr size_t kWord = 64;

struct Matches {
  size_t matched = 0;     // m
  size_t mismatched = 0;  // positions where the matched sequences differ (2t)
};

size_t Window(size_t la, size_t lb) {
  const size_t longer = std::max(la, lb);
  return longer / 2 > 0 ? longer / 2 - 1 : 0;
}

template <typename A, typename B>
size_t CommonPrefix(const A* a, size_t la, const B* b, size_t lb) {
  const size_t limit = std::min({la, lb, kMaxPrefix});
  size_t l = 0;
  while (l < limit && static_cast<char32_t>(a[l]) == static_cast<char32_t>(b[l])) {
    ++l;
  }
  return l;
}

double JaroFromCounts(size_t m, size_t mismatched, size_t la, size_t lb) {
  if (m == 0) return 0.0;
  // t is half the mismatches, by integer division as in Winkler's strcmp95.
  const auto t = static_cast<double>(mismatched / 2);
  const auto md = static_cast<double>(m);
  return (md / static_cast<double>(la) + md / static_cast<double>(lb) +
          (md - t) / md) /
         3.0;
}

double Boost(double jaro, size_t prefix, double prefix_scale) {
  if (jaro <= kBoostThreshold) return jaro;
  return jaro + static_cast<double>(prefix) * prefix_scale * (1.0 - jaro);
}

// True when no pair of these lengths and prefix with at most `max_matches`
// matches can reach `cutoff`.
bool BelowCutoff(size_t max_matches, size_t la, size_t lb, size_t prefix,
                 double prefix_scale, double cutoff) {
  if (cutoff <= 0.0) return false;
  const double bound =
      Boost(JaroFromCounts(max_matches, 0, la, lb), prefix, prefix_scale);
  return bound < cutoff - kBoundSlack;
}

double Finish(const Matches& matches, size_t la, size_t lb, size_t prefix,
              double prefix_scale, double cutoff) {
  const double jw = Boost(JaroFromCounts(matches.matched, matches.mismatched,
                                         la, lb),
                          prefix, prefix_scale);
  return jw >= cutoff ? jw : 0.0;
}

// The textbook matching: each a[i] in turn takes the first free equal b[j]
// within the window. O(|a| * w).
template <typename Char>
Matches TextbookMatch(const Char* a, size_t la, const Char* b, size_t lb) {
  const size_t w = Window(la, lb);
  uint8_t small_a[kWord];
  uint8_t small_b[kWord];
  std::vector<uint8_t> large_a;
  std::vector<uint8_t> large_b;
  uint8_t* flag_a = small_a;
  uint8_t* flag_b = small_b;
  if (la > kWord) {
    large_a.resize(la);
    flag_a = large_a.data();
  }
  if (lb > kWord) {
    large_b.resize(lb);
    flag_b = large_b.data();
  }
  std::fill(flag_a, flag_a + la, uint8_t{0});
  std::fill(flag_b, flag_b + lb, uint8_t{0});
  Matches result;
  for (size_t i = 0; i < la; ++i) {
    const size_t lo = i > w ? i - w : 0;
    const size_t hi = std::min(lb, i + w + 1);
    for (size_t j = lo; j < hi; ++j) {
      if (flag_b[j] == 0 && a[i] == b[j]) {
        flag_a[i] = 1;
        flag_b[j] = 1;
        ++result.matched;
        break;
      }
    }
  }
  size_t k = 0;
  for (size_t i = 0; i < la; ++i) {
    if (flag_a[i] == 0) continue;
    while (flag_b[k] == 0) ++k;
    if (a[i] != b[k]) ++result.mismatched;
    ++k;
  }
  return result;
}

// Bits lo..hi (inclusive) set. REQUIRES: lo <= hi < 64. For hi == 63 the
// shift gives 0 and 0 - 1 is all ones (unsigned wrap-around), so no branch.
inline uint64_t BitRange(size_t lo, size_t hi) {
  const uint64_t upto = (uint64_t{2} << hi) - 1;
  return upto & ~((uint64_t{1} << lo) - 1);
}

// Bit-parallel matching (after the idea in Hyyrö's bit-vector algorithms and
// rapidfuzz): `mask_of(c)` gives the positions of c in `a` as bits, so each
// b[j] finds the first free equal a[i] in its window with a few word
// operations. Each b[j] in turn takes the first free a[i]; for the window's
// monotone intervals this greedy gives the same matched pairs as the
// textbook order (checked against reference/ on random strings).
// REQUIRES: 0 < la <= 64.
template <typename MaskOf, typename CharA, typename CharB>
Matches BitParallelMatch(const MaskOf& mask_of, const CharA* a, size_t la,
                         const CharB* b, size_t lb) {
  assert(la > 0 && la <= kWord);
  const size_t w = Window(la, lb);
  uint64_t flags_a = 0;
  char32_t matched_b[kWord + 1];  // +1: written before m is known to grow
  size_t m = 0;
  const size_t last_j = std::min(lb, la + w);  // j beyond: window is empty
  for (size_t j = 0; j < last_j; ++j) {
    const size_t lo = j > w ? j - w : 0;
    const size_t hi = std::min(j + w, la - 1);
    const uint64_t candidates = mask_of(b[j]) & ~flags_a & BitRange(lo, hi);
    // Branch-free: on random names whether b[j] matches is unpredictable.
    const uint64_t lowest = candidates & (~candidates + 1);
    flags_a |= lowest;
    matched_b[m] = static_cast<char32_t>(b[j]);
    m += lowest != 0 ? 1 : 0;
  }
  Matches result;
  result.matched = m;
  uint64_t flags = flags_a;
  for (size_t k = 0; k < m; ++k) {
    const auto i = static_cast<size_t>(std::countr_zero(flags));
    flags &= flags - 1;
    if (static_cast<char32_t>(a[i]) != matched_b[k]) ++result.mismatched;
  }
  return result;
}

// Plain comparison of two byte strings (both ASCII).
double JaroWinklerBytes(const unsigned char* a, size_t la,
                        const unsigned char* b, size_t lb, double cutoff,
                        double prefix_scale) {
  if (la == 0 || lb == 0) {
    const double result = (la == 0 && lb == 0) ? 1.0 : 0.0;
    return result >= cutoff ? result : 0.0;
  }
  const size_t prefix = CommonPrefix(a, la, b, lb);
  if (BelowCutoff(std::min(la, lb), la, lb, prefix, prefix_scale, cutoff)) {
    return 0.0;
  }
  // Jaro is symmetric: put the bit masks on the shorter string.
  if (la > lb) {
    std::swap(a, b);
    std::swap(la, lb);
  }
  Matches matches;
  if (la <= kWord) {
    // Masks for the characters of `a` only; `present` says which entries of
    // the (otherwise uninitialized) table are valid, so setting up costs
    // O(|a|) rather than clearing 128 words.
    uint64_t masks[128];
    uint64_t present[2] = {0, 0};
    for (size_t i = 0; i < la; ++i) {
      const unsigned char c = a[i] & 0x7F;
      const uint64_t bit = uint64_t{1} << (c & 63);
      if ((present[c >> 6] & bit) == 0) {
        present[c >> 6] |= bit;
        masks[c] = 0;
      }
      masks[c] |= uint64_t{1} << i;
    }
    const auto mask_of = [&](unsigned char c) -> uint64_t {
      c &= 0x7F;
      return (present[c >> 6] >> (c & 63)) & 1 ? masks[c] : 0;
    };
    matches = BitParallelMatch(mask_of, a, la, b, lb);
  } else {
    matches = TextbookMatch(a, la, b, lb);
  }
  if (matches.matched == 0 ||
      BelowCutoff(matches.matched, la, lb, prefix, prefix_scale, cutoff)) {
    return 0.0;
  }
  return Finish(matches, la, lb, prefix, prefix_scale, cutoff);
}

// Plain comparison of two code point strings.
double JaroWinklerCodePoints(const char32_t* a, size_t la, const char32_t* b,
                             size_t lb, double cutoff, double prefix_scale) {
  if (la == 0 || lb == 0) {
    const double result = (la == 0 && lb == 0) ? 1.0 : 0.0;
    return result >= cutoff ? result : 0.0;
  }
  const size_t prefix = CommonPrefix(a, la, b, lb);
  if (BelowCutoff(std::min(la, lb), la, lb, prefix, prefix_scale, cutoff)) {
    return 0.0;
  }
  const Matches matches = TextbookMatch(a, la, b, lb);
  if (matches.matched == 0 ||
      BelowCutoff(matches.matched, la, lb, prefix, prefix_scale, cutoff)) {
    return 0.0;
  }
  return Finish(matches, la, lb, prefix, prefix_scale, cutoff);
}

const unsigned char* Bytes(std::string_view text) {
  return reinterpret_cast<const unsigned char*>(text.data());
}

size_t WideSlot(char32_t c) {
  return (static_cast<uint32_t>(c) * 2654435761u) >> 25;  // 7 bits
}

}  // namespace

double Jaro(std::string_view a, std::string_view b) {
  return JaroWinkler(a, b, 0.0, 0.0);
}

double JaroWinkler(std::string_view a, std::string_view b, double cutoff,
                   double prefix_scale) {
  assert(prefix_scale >= 0.0 && prefix_scale <= 0.25);
  if (internal::IsAscii(a) && internal::IsAscii(b)) {
    return JaroWinklerBytes(Bytes(a), a.size(), Bytes(b), b.size(), cutoff,
                            prefix_scale);
  }
  const internal::CodePoints ca(a);
  const internal::CodePoints cb(b);
  return JaroWinklerCodePoints(ca.data(), ca.size(), cb.data(), cb.size(),
                               cutoff, prefix_scale);
}

CachedJaroWinkler::CachedJaroWinkler(std::string_view query,
                                     double prefix_scale)
    : query_(query),
      prefix_scale_(prefix_scale),
      ascii_(internal::IsAscii(query)) {
  assert(prefix_scale >= 0.0 && prefix_scale <= 0.25);
  const internal::CodePoints decoded(query);
  code_points_.assign(decoded.data(), decoded.data() + decoded.size());
  bit_parallel_ = !code_points_.empty() && code_points_.size() <= kWord;
  if (!bit_parallel_) return;
  for (size_t i = 0; i < code_points_.size(); ++i) {
    const char32_t c = code_points_[i];
    const uint64_t bit = uint64_t{1} << i;
    if (c < 128) {
      ascii_masks_[c] |= bit;
      continue;
    }
    // At most 64 distinct keys in 128 slots: probing always ends.
    size_t slot = WideSlot(c);
    while (wide_keys_[slot] != 0 && wide_keys_[slot] != c) {
      slot = (slot + 1) & 127;
    }
    wide_keys_[slot] = c;
    wide_masks_[slot] |= bit;
  }
}

uint64_t CachedJaroWinkler::Mask(char32_t c) const {
  if (c < 128) return ascii_masks_[c];
  size_t slot = WideSlot(c);
  while (wide_keys_[slot] != 0) {
    if (wide_keys_[slot] == c) return wide_masks_[slot];
    slot = (slot + 1) & 127;
  }
  return 0;
}

double CachedJaroWinkler::Similarity(std::string_view candidate,
                                     double cutoff) const {
  if (!bit_parallel_) {
    return JaroWinkler(query_, candidate, cutoff, prefix_scale_);
  }
  const size_t la = code_points_.size();
  if (ascii_ && internal::IsAscii(candidate)) {
    const unsigned char* a = Bytes(query_);
    const unsigned char* b = Bytes(candidate);
    const size_t lb = candidate.size();
    if (lb == 0) return 0.0;
    const size_t prefix = CommonPrefix(a, la, b, lb);
    if (BelowCutoff(std::min(la, lb), la, lb, prefix, prefix_scale_, cutoff)) {
      return 0.0;
    }
    const auto mask_of = [this](unsigned char c) -> uint64_t {
      return ascii_masks_[c & 0x7F];
    };
    const Matches matches = BitParallelMatch(mask_of, a, la, b, lb);
    if (matches.matched == 0 ||
        BelowCutoff(matches.matched, la, lb, prefix, prefix_scale_, cutoff)) {
      return 0.0;
    }
    return Finish(matches, la, lb, prefix, prefix_scale_, cutoff);
  }
  const internal::CodePoints decoded(candidate);
  const char32_t* a = code_points_.data();
  const char32_t* b = decoded.data();
  const size_t lb = decoded.size();
  if (lb == 0) return 0.0;
  const size_t prefix = CommonPrefix(a, la, b, lb);
  if (BelowCutoff(std::min(la, lb), la, lb, prefix, prefix_scale_, cutoff)) {
    return 0.0;
  }
  const auto mask_of = [this](char32_t c) -> uint64_t { return Mask(c); };
  const Matches matches = BitParallelMatch(mask_of, a, la, b, lb);
  if (matches.matched == 0 ||
      BelowCutoff(matches.matched, la, lb, prefix, prefix_scale_, cutoff)) {
    return 0.0;
  }
  return Finish(matches, la, lb, prefix, prefix_scale_, cutoff);
}

}  // namespace reckon

#include "linkage/compare/levenshtein.h"

#include <algorithm>
#include <cassert>
#include <cstddef>
#include <string_view>
#include <utility>
#include <vector>

#include "linkage/compare/internal/code_points.h"

namespace reckon {
namespace {

constexpr size_t kInlineRow = 65;

// Banded OSA on two character arrays; see OsaDistance for the contract.
template <typename Char>
int BandedOsa(const Char* a, size_t la, const Char* b, size_t lb,
              int max_distance) {
  // A shared prefix or suffix never needs an edit (for OSA as for
  // Levenshtein), so only the differing middle is aligned.
  while (la > 0 && lb > 0 && a[0] == b[0]) {
    ++a;
    ++b;
    --la;
    --lb;
  }
  while (la > 0 && lb > 0 && a[la - 1] == b[lb - 1]) {
    --la;
    --lb;
  }
  if (la > lb) {
    std::swap(a, b);
    std::swap(la, lb);
  }
  const auto bound = static_cast<size_t>(max_distance);
  if (lb - la > bound) return max_distance + 1;
  if (la == 0) return static_cast<int>(lb);  // lb <= bound here

  // The distance is at most lb, so a larger bound changes nothing.
  const size_t k = std::min(bound, lb);
  const size_t inf = k + 1;  // "more than k": every value is capped here
  const size_t width = lb + 1;
  size_t inline_rows[3 * kInlineRow];
  std::vector<size_t> heap_rows;
  size_t* rows = inline_rows;
  if (width > kInlineRow) {
    heap_rows.resize(3 * width);
    rows = heap_rows.data();
  }
  size_t* before = rows;              // row i - 2
  size_t* prev = rows + width;        // row i - 1
  size_t* cur = rows + 2 * width;     // row i
  for (size_t j = 0; j <= lb; ++j) prev[j] = j <= k ? j : inf;
  size_t prev_min = 0;
  for (size_t i = 1; i <= la; ++i) {
    const size_t lo = i > k ? i - k : 1;
    const size_t hi = std::min(lb, i + k);
    cur[lo - 1] = lo == 1 ? (i <= k ? i : inf) : inf;
    size_t row_min = cur[lo - 1];
    const Char ai = a[i - 1];
    for (size_t j = lo; j <= hi; ++j) {
      const Char bj = b[j - 1];
      size_t value = prev[j - 1] + (ai == bj ? 0 : 1);
      value = std::min(value, prev[j] + 1);
      value = std::min(value, cur[j - 1] + 1);
      if (i > 1 && j > 1 && ai == b[j - 2] && a[i - 2] == bj) {
        value = std::min(value, before[j - 2] + 1);
      }
      value = std::min(value, inf);
      cur[j] = value;
      row_min = std::min(row_min, value);
    }
    if (hi < lb) cur[hi + 1] = inf;
    // Row i + 1 is at least min(row i, row i - 1 + 1), so once row i is above
    // k and row i - 1 is at least k, every later row is above k too.
    if (row_min > k && prev_min >= k) return max_distance + 1;
    prev_min = row_min;
    size_t* recycled = before;
    before = prev;
    prev = cur;
    cur = recycled;
  }
  const size_t distance = prev[lb];
  return distance > k ? max_distance + 1 : static_cast<int>(distance);
}

}  // namespace

int OsaDistance(std::string_view a, std::string_view b, int max_distance) {
  assert(max_distance >= 0);
  if (max_distance < 0) max_distance = 0;
  if (internal::IsAscii(a) && internal::IsAscii(b)) {
    return BandedOsa(reinterpret_cast<const unsigned char*>(a.data()),
                     a.size(),
                     reinterpret_cast<const unsigned char*>(b.data()),
                     b.size(), max_distance);
  }
  const internal::CodePoints ca(a);
  const internal::CodePoints cb(b);
  return BandedOsa(ca.data(), ca.size(), cb.data(), cb.size(), max_distance);
}

double OsaSimilarity(std::string_view a, std::string_view b) {
  size_t longest = 0;
  int distance = 0;
  if (internal::IsAscii(a) && internal::IsAscii(b)) {
    longest = std::max(a.size(), b.size());
    if (longest == 0) return 1.0;
    distance = BandedOsa(reinterpret_cast<const unsigned char*>(a.data()),
                         a.size(),
                         reinterpret_cast<const unsigned char*>(b.data()),
                         b.size(), static_cast<int>(longest));
  } else {
    const internal::CodePoints ca(a);
    const internal::CodePoints cb(b);
    longest = std::max(ca.size(), cb.size());
    if (longest == 0) return 1.0;
    distance = BandedOsa(ca.data(), ca.size(), cb.data(), cb.size(),
                         static_cast<int>(longest));
  }
  return 1.0 - static_cast<double>(distance) / static_cast<double>(longest);
}

}  // namespace reckon

// Disjoint sets over dense indices 0..n-1, with path halving and union by
// size: near-constant amortized time per operation (Tarjan 1975).
// Not thread-safe.
#ifndef RECKON_LINKAGE_CLUSTER_UNION_FIND_H_
#define RECKON_LINKAGE_CLUSTER_UNION_FIND_H_

#include <cstddef>
#include <cstdint>
#include <numeric>
#include <utility>
#include <vector>

namespace reckon {

class UnionFind {
 public:
  explicit UnionFind(size_t n) : parent_(n), size_(n, 1) {
    std::iota(parent_.begin(), parent_.end(), uint32_t{0});
  }

  size_t size() const { return parent_.size(); }

  // Returns the representative of `x`'s set. REQUIRES: x < size().
  uint32_t Find(uint32_t x) {
    while (parent_[x] != x) {
      parent_[x] = parent_[parent_[x]];
      x = parent_[x];
    }
    return x;
  }

  // Merges the sets of `a` and `b`. Returns false if they were already one.
  bool Union(uint32_t a, uint32_t b) {
    a = Find(a);
    b = Find(b);
    if (a == b) return false;
    if (size_[a] < size_[b]) std::swap(a, b);
    parent_[b] = a;
    size_[a] += size_[b];
    return true;
  }

  // Size of the set holding `x`.
  uint32_t SetSize(uint32_t x) { return size_[Find(x)]; }

 private:
  std::vector<uint32_t> parent_;
  std::vector<uint32_t> size_;
};

}  // namespace reckon

#endif  // RECKON_LINKAGE_CLUSTER_UNION_FIND_H_

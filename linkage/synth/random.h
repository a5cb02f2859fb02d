// Deterministic random numbers for the scenario generator.
//
// The generator promises byte-identical output for the same arguments, and
// the same output across standard libraries, so it uses none of the std::
// distributions (whose algorithms differ between libstdc++ and libc++).
// Instead: SplitMix64 (Steele, Lea and Flood, "Fast splittable pseudorandom
// number generators", OOPSLA 2014) to derive seeds, xoshiro256** (Blackman and
// Vigna, "Scrambled linear pseudorandom number generators", 2021) as the
// generator, and draws written here.
//
//   Rng rng(StreamSeed(seed, person_index, kPopulationStream));
//   if (rng.Bernoulli(0.3)) ...
//   double z = rng.Normal();
//
// Every person gets streams of its own, so what happens to one person does not
// depend on how the population is cut into chunks or on the thread count.
#ifndef RECKON_LINKAGE_SYNTH_RANDOM_H_
#define RECKON_LINKAGE_SYNTH_RANDOM_H_

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "linkage/base/split_mix.h"

namespace reckon::synth_internal {

using ::reckon::SplitMix64;

// A seed for stream `stream` of item `index` under user seed `seed`; distinct
// arguments give unrelated seeds.
inline uint64_t StreamSeed(uint64_t seed, uint64_t index, uint64_t stream) {
  uint64_t state = seed;
  uint64_t a = SplitMix64(&state);
  state = a ^ (index * 0xd1342543de82ef95ULL);
  uint64_t b = SplitMix64(&state);
  state = b ^ (stream * 0xaf251af3b0f025b5ULL);
  return SplitMix64(&state);
}

// xoshiro256**. Not thread-safe; cheap to create, so make one per task.
class Rng {
 public:
  explicit Rng(uint64_t seed) {
    uint64_t state = seed;
    for (uint64_t& word : s_) word = SplitMix64(&state);
  }

  uint64_t Next() {
    const uint64_t result = Rotl(s_[1] * 5, 7) * 9;
    const uint64_t t = s_[1] << 17;
    s_[2] ^= s_[0];
    s_[3] ^= s_[1];
    s_[1] ^= s_[2];
    s_[0] ^= s_[3];
    s_[2] ^= t;
    s_[3] = Rotl(s_[3], 45);
    return result;
  }

  // Uniform in [0, 1), 53 bits.
  double Uniform() { return static_cast<double>(Next() >> 11) * 0x1.0p-53; }

  // Uniform in [0, n). REQUIRES: n > 0. Lemire's multiply-shift; its bias
  // (below n / 2^64) is irrelevant at the sizes used here.
  uint64_t Below(uint64_t n) {
    __extension__ using Wide = unsigned __int128;
    return static_cast<uint64_t>((static_cast<Wide>(Next()) * n) >> 64);
  }
  size_t Index(size_t n) { return static_cast<size_t>(Below(n)); }

  // Uniform integer in [lo, hi]. REQUIRES: lo <= hi.
  int IntIn(int lo, int hi) {
    return lo + static_cast<int>(Below(static_cast<uint64_t>(hi - lo) + 1));
  }

  bool Bernoulli(double p) { return Uniform() < p; }

  // Standard normal by the Box-Muller transform (one of the pair is used, so
  // the number of draws per call is fixed at two).
  double Normal() {
    const double u1 = 1.0 - Uniform();  // in (0, 1]
    const double u2 = Uniform();
    return std::sqrt(-2.0 * std::log(u1)) * std::cos(6.283185307179586 * u2);
  }

  // Index drawn with probability proportional to `weights[i]`.
  // REQUIRES: weights non-empty, non-negative, with a positive sum.
  size_t Weighted(std::span<const double> weights) {
    double total = 0;
    for (double w : weights) total += w;
    double u = Uniform() * total;
    for (size_t i = 0; i < weights.size(); ++i) {
      if (u < weights[i]) return i;
      u -= weights[i];
    }
    return weights.size() - 1;
  }

  // Bernoulli(p) with p = 1 / (1 + exp(-logit)).
  bool BernoulliLogit(double logit) {
    return Bernoulli(1.0 / (1.0 + std::exp(-logit)));
  }

 private:
  static uint64_t Rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }
  uint64_t s_[4];
};

// A fixed discrete distribution, drawn in O(log n) from cumulative weights.
class WeightedTable {
 public:
  WeightedTable() = default;
  // REQUIRES: non-negative weights with a positive sum.
  explicit WeightedTable(std::span<const double> weights) {
    double total = 0;
    for (double w : weights) cumulative_.push_back(total += w);
  }
  size_t Draw(Rng& rng) const {
    const double u = rng.Uniform() * cumulative_.back();
    size_t lo = 0;
    size_t hi = cumulative_.size() - 1;
    while (lo < hi) {
      const size_t mid = (lo + hi) / 2;
      if (u < cumulative_[mid]) {
        hi = mid;
      } else {
        lo = mid + 1;
      }
    }
    return lo;
  }
  size_t size() const { return cumulative_.size(); }

 private:
  std::vector<double> cumulative_;
};

}  // namespace reckon::synth_internal

#endif  // RECKON_LINKAGE_SYNTH_RANDOM_H_

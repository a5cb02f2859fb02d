// Random variates for the estimators' samplers: uniform, normal, gamma, beta,
// binomial, Poisson, negative binomial and multinomial draws on top of
// std::mt19937_64, whose output sequence the C++ standard fixes. The
// std::*_distribution classes are left out on purpose: their algorithms are
// implementation-defined, so a seed would not give the same draws on every
// standard library. With these, a seed gives the same draws everywhere.
//
// Algorithms: Marsaglia & Tsang (2000) for gamma; Hörmann (1993) BTRS for
// binomial and PTRS for Poisson with large means, inversion for small ones;
// Marsaglia's polar method for normals.
//
// Not thread-safe: one Rng per thread or task.
#ifndef RECKON_LINKAGE_ESTIMATE_INTERNAL_RANDOM_VARIATES_H_
#define RECKON_LINKAGE_ESTIMATE_INTERNAL_RANDOM_VARIATES_H_

#include <cstdint>
#include <random>
#include <span>

namespace reckon::estimate_internal {

// Mixes `seed` and `stream` into a well-spread 64-bit seed (SplitMix64), so
// tasks seeded (seed, 0), (seed, 1), ... get unrelated sequences.
uint64_t MixSeed(uint64_t seed, uint64_t stream);

class Rng {
 public:
  explicit Rng(uint64_t seed) : engine_(seed) {}

  // Uniform on the open interval (0, 1).
  double Uniform();
  // Standard normal.
  double Normal();
  // Gamma with `shape` > 0 and scale 1.
  double Gamma(double shape);
  // Beta(a, b) with a, b > 0.
  double Beta(double a, double b);
  // Binomial(n, p); p is clamped to [0, 1]. Returns 0 without drawing when
  // n p < 1e-12 (the chance of anything else is below that).
  int64_t Binomial(int64_t n, double p);
  // Poisson with mean `mean` >= 0.
  int64_t Poisson(double mean);
  // Number of failures before `size` successes, success probability
  // `success` in (0, 1]: a gamma-Poisson mixture.
  int64_t NegativeBinomial(double size, double success);
  // Multinomial(n, weights) into `out` (same length as `weights`). Weights
  // need not sum to one; they must be >= 0 with a positive sum.
  void Multinomial(int64_t n, std::span<const double> weights,
                   std::span<int64_t> out);

 private:
  int64_t BinomialInversion(int64_t n, double p);
  int64_t BinomialBtrs(int64_t n, double p);
  int64_t PoissonInversion(double mean);
  int64_t PoissonPtrs(double mean);

  std::mt19937_64 engine_;
  bool has_spare_normal_ = false;
  double spare_normal_ = 0.0;
};

}  // namespace reckon::estimate_internal

#endif  // RECKON_LINKAGE_ESTIMATE_INTERNAL_RANDOM_VARIATES_H_

#include "linkage/estimate/internal/random_variates.h"

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <vector>

namespace reckon::estimate_internal {

uint64_t MixSeed(uint64_t seed, uint64_t stream) {
  // SplitMix64 finalizer over the seed and the stream index, so adjacent
  // streams do not share structure in mt19937_64's state.
  uint64_t z = seed + 0x9E3779B97F4A7C15ULL * (stream + 1);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
  return z ^ (z >> 31);
}

double Rng::Uniform() {
  // 53 random bits, shifted off zero so logs stay finite.
  const uint64_t bits = engine_() >> 11;
  return (static_cast<double>(bits) + 0.5) * 0x1.0p-53;
}

double Rng::Normal() {
  if (has_spare_normal_) {
    has_spare_normal_ = false;
    return spare_normal_;
  }
  while (true) {
    const double u = 2.0 * Uniform() - 1.0;
    const double v = 2.0 * Uniform() - 1.0;
    const double s = u * u + v * v;
    if (s >= 1.0 || s == 0.0) continue;
    const double factor = std::sqrt(-2.0 * std::log(s) / s);
    spare_normal_ = v * factor;
    has_spare_normal_ = true;
    return u * factor;
  }
}

double Rng::Gamma(double shape) {
  if (shape < 1.0) {
    // Boost to shape + 1 and scale back (Marsaglia & Tsang, section 6).
    const double g = Gamma(shape + 1.0);
    return g * std::pow(Uniform(), 1.0 / shape);
  }
  const double d = shape - 1.0 / 3.0;
  const double c = 1.0 / std::sqrt(9.0 * d);
  while (true) {
    double x;
    double v;
    do {
      x = Normal();
      v = 1.0 + c * x;
    } while (v <= 0.0);
    v = v * v * v;
    const double u = Uniform();
    if (u < 1.0 - 0.0331 * x * x * x * x) return d * v;
    if (std::log(u) < 0.5 * x * x + d * (1.0 - v + std::log(v))) return d * v;
  }
}

double Rng::Beta(double a, double b) {
  const double x = Gamma(a);
  const double y = Gamma(b);
  const double sum = x + y;
  if (sum <= 0.0) {
    // Both gammas underflowed (tiny shapes): fall back on the mean's side.
    return a >= b ? 1.0 : 0.0;
  }
  return x / sum;
}

int64_t Rng::Binomial(int64_t n, double p) {
  if (n <= 0 || !(p > 0.0)) return 0;
  if (p >= 1.0) return n;
  if (p > 0.5) return n - Binomial(n, 1.0 - p);
  // P(X > 0) <= n p: below 1e-12 the draw is 0 for all practical purposes,
  // and the samplers make millions of such draws for near-empty classes.
  if (static_cast<double>(n) * p < 1e-12) return 0;
  if (static_cast<double>(n) * p < 10.0) return BinomialInversion(n, p);
  return BinomialBtrs(n, p);
}

int64_t Rng::BinomialInversion(int64_t n, double p) {
  const double q = 1.0 - p;
  const double s = p / q;
  const double a = static_cast<double>(n + 1) * s;
  while (true) {
    double r = std::pow(q, static_cast<double>(n));
    double u = Uniform();
    int64_t x = 0;
    bool ok = true;
    while (u > r) {
      u -= r;
      ++x;
      if (x > n) {
        ok = false;  // rounding drift: draw again
        break;
      }
      r *= a / static_cast<double>(x) - s;
    }
    if (ok) return x;
  }
}

int64_t Rng::BinomialBtrs(int64_t n, double p) {
  // Hörmann (1993), "The generation of binomial random variates", BTRS.
  const double nd = static_cast<double>(n);
  const double q = 1.0 - p;
  const double spq = std::sqrt(nd * p * q);
  const double b = 1.15 + 2.53 * spq;
  const double a = -0.0873 + 0.0248 * b + 0.01 * p;
  const double c = nd * p + 0.5;
  const double vr = 0.92 - 4.2 / b;
  const double alpha = (2.83 + 5.1 / b) * spq;
  const double lpq = std::log(p / q);
  const double m = std::floor((nd + 1.0) * p);
  const double h = std::lgamma(m + 1.0) + std::lgamma(nd - m + 1.0);
  while (true) {
    const double u = Uniform() - 0.5;
    double v = Uniform();
    const double us = 0.5 - std::fabs(u);
    const double k = std::floor((2.0 * a / us + b) * u + c);
    if (k < 0.0 || k > nd) continue;
    if (us >= 0.07 && v <= vr) return static_cast<int64_t>(k);
    v = std::log(v * alpha / (a / (us * us) + b));
    if (v <= h - std::lgamma(k + 1.0) - std::lgamma(nd - k + 1.0) +
                 (k - m) * lpq) {
      return static_cast<int64_t>(k);
    }
  }
}

int64_t Rng::Poisson(double mean) {
  if (!(mean > 0.0)) return 0;
  if (mean < 10.0) return PoissonInversion(mean);
  if (mean > 1e15) {
    // Far past int64 precision concerns of the rejection step; the relative
    // spread (1/sqrt(mean)) is below 1e-7 here.
    return static_cast<int64_t>(std::llround(mean + std::sqrt(mean) * Normal()));
  }
  return PoissonPtrs(mean);
}

int64_t Rng::PoissonInversion(double mean) {
  const double limit = std::exp(-mean);
  double product = Uniform();
  int64_t k = 0;
  while (product > limit) {
    product *= Uniform();
    ++k;
  }
  return k;
}

int64_t Rng::PoissonPtrs(double mean) {
  // Hörmann (1993), "The transformed rejection method for generating Poisson
  // random variables", PTRS.
  const double slam = std::sqrt(mean);
  const double loglam = std::log(mean);
  const double b = 0.931 + 2.53 * slam;
  const double a = -0.059 + 0.02483 * b;
  const double invalpha = 1.1239 + 1.1328 / (b - 3.4);
  const double vr = 0.9277 - 3.6224 / (b - 2.0);
  while (true) {
    const double u = Uniform() - 0.5;
    const double v = Uniform();
    const double us = 0.5 - std::fabs(u);
    const double k = std::floor((2.0 * a / us + b) * u + mean + 0.43);
    if (us >= 0.07 && v <= vr) return static_cast<int64_t>(k);
    if (k < 0.0 || (us < 0.013 && v > us)) continue;
    if (std::log(v) + std::log(invalpha) - std::log(a / (us * us) + b) <=
        -mean + k * loglam - std::lgamma(k + 1.0)) {
      return static_cast<int64_t>(k);
    }
  }
}

int64_t Rng::NegativeBinomial(double size, double success) {
  if (success >= 1.0 || !(size > 0.0)) return 0;
  const double odds = (1.0 - success) / success;
  return Poisson(Gamma(size) * odds);
}

void Rng::Multinomial(int64_t n, std::span<const double> weights,
                      std::span<int64_t> out) {
  const size_t k = weights.size();
  // Suffix sums keep each conditional probability accurate to the end.
  std::vector<double> suffix(k + 1, 0.0);
  for (size_t i = k; i-- > 0;) suffix[i] = suffix[i + 1] + weights[i];
  int64_t remaining = n;
  for (size_t i = 0; i < k; ++i) {
    if (remaining == 0 || suffix[i] <= 0.0) {
      out[i] = 0;
      continue;
    }
    if (suffix[i + 1] <= 0.0) {
      out[i] = remaining;
      remaining = 0;
      continue;
    }
    const double p = std::clamp(weights[i] / suffix[i], 0.0, 1.0);
    out[i] = Binomial(remaining, p);
    remaining -= out[i];
  }
}

}  // namespace reckon::estimate_internal

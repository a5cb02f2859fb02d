#include "linkage/estimate/latent_class.h"

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <numeric>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "linkage/estimate/internal/random_variates.h"
#include "tbb/blocked_range.h"
#include "tbb/parallel_for.h"

namespace reckon {
namespace {

using estimate_internal::MixSeed;
using estimate_internal::Rng;

struct Pattern {
  uint32_t mask;
  int64_t count;
};

struct ChainOutput {
  std::vector<double> draws;
  absl::Status status;
};

// One Gibbs chain; see the header for the sweep.
ChainOutput RunChain(const std::vector<Pattern>& patterns, int num_sources,
                     int64_t observed, const LatentClassOptions& options,
                     uint64_t seed, const ExecOptions& exec) {
  ChainOutput out;
  Rng rng(seed);
  const int c = options.max_classes;
  const int j = num_sources;
  const auto cz = static_cast<size_t>(c);
  const auto jz = static_cast<size_t>(j);
  std::vector<double> lambda(cz * jz);
  std::vector<double> stick(cz);
  std::vector<double> weight(cz);
  std::vector<double> class_prob(cz);
  std::vector<int64_t> alloc(cz);
  std::vector<int64_t> members(cz);
  std::vector<int64_t> caught(cz * jz);
  double alpha = 1.0;

  // Start as LCMCR does: every class at the sources' observed catch rates,
  // jittered so that the classes are not identical (uniform draws started
  // some classes near 0 or 1, far from any plausible fit).
  for (size_t s = 0; s < jz; ++s) {
    int64_t hits = 0;
    for (const Pattern& pattern : patterns) {
      if ((pattern.mask >> s) & 1u) hits += pattern.count;
    }
    const double rate = std::clamp(
        static_cast<double>(hits) / static_cast<double>(observed), 0.01, 0.99);
    for (size_t k = 0; k < cz; ++k) {
      lambda[k * jz + s] = std::clamp(rate + 0.1 * (rng.Uniform() - 0.5), 1e-3,
                                      1.0 - 1e-3);
    }
  }
  auto update_weights = [&]() {
    double remaining = 1.0;
    for (size_t k = 0; k < cz; ++k) {
      weight[k] = stick[k] * remaining;
      remaining *= 1.0 - stick[k];
    }
  };
  for (size_t k = 0; k + 1 < cz; ++k) {
    stick[k] = std::clamp(rng.Beta(1.0, alpha), 1e-12, 1.0 - 1e-12);
  }
  stick[cz - 1] = 1.0;
  update_weights();

  const int64_t total_sweeps =
      static_cast<int64_t>(options.burn_in) +
      static_cast<int64_t>(options.samples) * options.thin;
  out.draws.reserve(static_cast<size_t>(options.samples));
  for (int64_t sweep = 0; sweep < total_sweeps; ++sweep) {
    if ((sweep & 255) == 0) {
      if (absl::Status s = CheckContinue(exec, "estimate: latent class");
          !s.ok()) {
        out.status = s;
        return out;
      }
    }
    std::fill(members.begin(), members.end(), 0);
    std::fill(caught.begin(), caught.end(), 0);
    // Classes of the observed, one multinomial split per history.
    for (const Pattern& pattern : patterns) {
      for (size_t k = 0; k < cz; ++k) {
        double p = weight[k];
        for (size_t s = 0; s < jz; ++s) {
          const double l = lambda[k * jz + s];
          p *= (pattern.mask >> s) & 1u ? l : 1.0 - l;
        }
        class_prob[k] = p;
      }
      rng.Multinomial(pattern.count, class_prob, alloc);
      for (size_t k = 0; k < cz; ++k) {
        if (alloc[k] == 0) continue;
        members[k] += alloc[k];
        for (size_t s = 0; s < jz; ++s) {
          if ((pattern.mask >> s) & 1u) caught[k * jz + s] += alloc[k];
        }
      }
    }
    // The unseen: how many, then their classes.
    double p0 = 0.0;
    for (size_t k = 0; k < cz; ++k) {
      double p = weight[k];
      for (size_t s = 0; s < jz; ++s) p *= 1.0 - lambda[k * jz + s];
      class_prob[k] = p;
      p0 += p;
    }
    const double seen_prob = std::clamp(1.0 - p0, 1e-12, 1.0);
    const int64_t unseen =
        p0 > 0.0 ? rng.NegativeBinomial(static_cast<double>(observed), seen_prob)
                 : 0;
    if (unseen > 0) {
      rng.Multinomial(unseen, class_prob, alloc);
      for (size_t k = 0; k < cz; ++k) members[k] += alloc[k];
    }
    // Capture probabilities.
    for (size_t k = 0; k < cz; ++k) {
      for (size_t s = 0; s < jz; ++s) {
        const double hits = static_cast<double>(caught[k * jz + s]);
        const double misses = static_cast<double>(members[k]) - hits;
        lambda[k * jz + s] =
            std::clamp(rng.Beta(1.0 + hits, 1.0 + misses), 1e-12, 1.0 - 1e-12);
      }
    }
    // Stick-breaking weights and the concentration alpha.
    int64_t tail = 0;
    for (size_t k = cz; k-- > 0;) {
      const int64_t here = members[k];
      if (k + 1 < cz) {
        stick[k] = std::clamp(
            rng.Beta(1.0 + static_cast<double>(here),
                     alpha + static_cast<double>(tail)),
            1e-12, 1.0 - 1e-12);
      }
      tail += here;
    }
    update_weights();
    double log_rest = 0.0;
    for (size_t k = 0; k + 1 < cz; ++k) log_rest += std::log(1.0 - stick[k]);
    alpha = rng.Gamma(options.a_alpha + static_cast<double>(c - 1)) /
            (options.b_alpha - log_rest);
    alpha = std::max(alpha, 1e-6);

    if (sweep >= options.burn_in &&
        (sweep - options.burn_in) % options.thin == options.thin - 1) {
      out.draws.push_back(static_cast<double>(observed + unseen));
    }
  }
  return out;
}

// Split-chain R-hat (Gelman et al. 2013, BDA3 section 11.4).
double SplitRHat(const std::vector<std::vector<double>>& chains) {
  std::vector<std::vector<double>> halves;
  for (const std::vector<double>& chain : chains) {
    const size_t half = chain.size() / 2;
    if (half < 2) continue;
    halves.emplace_back(chain.begin(), chain.begin() + static_cast<std::ptrdiff_t>(half));
    halves.emplace_back(chain.end() - static_cast<std::ptrdiff_t>(half), chain.end());
  }
  if (halves.size() < 2) return 1.0;
  const double m = static_cast<double>(halves.size());
  const double n = static_cast<double>(halves.front().size());
  std::vector<double> means;
  double within = 0.0;
  for (const std::vector<double>& h : halves) {
    const double mean = std::accumulate(h.begin(), h.end(), 0.0) / n;
    means.push_back(mean);
    double ss = 0.0;
    for (double v : h) ss += (v - mean) * (v - mean);
    within += ss / (n - 1.0);
  }
  within /= m;
  const double grand = std::accumulate(means.begin(), means.end(), 0.0) / m;
  double between = 0.0;
  for (double mean : means) between += (mean - grand) * (mean - grand);
  between *= n / (m - 1.0);
  if (within <= 0.0) return between <= 0.0 ? 1.0 : std::numeric_limits<double>::infinity();
  const double var_plus = (n - 1.0) / n * within + between / n;
  return std::sqrt(var_plus / within);
}

}  // namespace

double Quantile(std::vector<double> values, double q) {
  std::sort(values.begin(), values.end());
  const double pos = q * static_cast<double>(values.size() - 1);
  const auto below = static_cast<size_t>(std::floor(pos));
  const size_t above = std::min(below + 1, values.size() - 1);
  const double frac = pos - static_cast<double>(below);
  return values[below] + frac * (values[above] - values[below]);
}

absl::StatusOr<LatentClassEstimate> FitLatentClass(
    const CaptureHistories& histories, const LatentClassOptions& options,
    const ExecOptions& exec) {
  const int k = histories.num_sources();
  if (k < 2) {
    return absl::InvalidArgumentError(
        absl::StrCat("latent-class model needs at least 2 sources, got ", k));
  }
  if (options.max_classes < 1 || options.max_classes > 100 ||
      options.chains < 1 || options.samples < 2 || options.thin < 1 ||
      options.burn_in < 0 || options.a_alpha <= 0.0 || options.b_alpha <= 0.0) {
    return absl::InvalidArgumentError("latent-class options out of range");
  }
  const int64_t observed = histories.Observed();
  if (observed <= 0) {
    return absl::InvalidArgumentError("latent-class model: no observed entities");
  }
  std::vector<Pattern> patterns;
  for (uint32_t mask = 1; mask < histories.num_cells(); ++mask) {
    if (histories.count(mask) > 0) patterns.push_back({mask, histories.count(mask)});
  }
  const auto chains = static_cast<size_t>(options.chains);
  std::vector<ChainOutput> outputs(chains);
  tbb::parallel_for(tbb::blocked_range<size_t>(0, chains),
                    [&](const tbb::blocked_range<size_t>& range) {
                      for (size_t c = range.begin(); c != range.end(); ++c) {
                        outputs[c] = RunChain(patterns, k, observed, options,
                                              MixSeed(options.seed, c), exec);
                      }
                    });
  LatentClassEstimate out;
  std::vector<std::vector<double>> per_chain;
  for (ChainOutput& chain : outputs) {
    if (!chain.status.ok()) return chain.status;
    out.draws.insert(out.draws.end(), chain.draws.begin(), chain.draws.end());
    per_chain.push_back(std::move(chain.draws));
  }
  out.median = Quantile(out.draws, 0.5);
  out.ci_low = Quantile(out.draws, 0.025);
  out.ci_high = Quantile(out.draws, 0.975);
  out.mean = std::accumulate(out.draws.begin(), out.draws.end(), 0.0) /
             static_cast<double>(out.draws.size());
  out.r_hat = SplitRHat(per_chain);
  return out;
}

}  // namespace reckon

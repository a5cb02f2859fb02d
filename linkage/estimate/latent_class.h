// Bayesian non-parametric latent-class capture-recapture (LCMCR):
// Manrique-Vallier (2016), "Bayesian population size estimation using
// Dirichlet process mixtures", Biometrics 72(4):1246-1254.
//
// People fall into latent classes; within class k each source j catches a
// person independently with probability lambda_jk, so catchability may
// differ between people in any way the classes can express (the
// heterogeneity that biases the log-linear models). The class weights follow
// a stick-breaking (Dirichlet process) prior truncated at `max_classes`:
//   V_k ~ Beta(1, alpha), pi_k = V_k prod_{l<k} (1 - V_l),
//   alpha ~ Gamma(a_alpha, b_alpha), lambda_jk ~ Beta(1, 1), p(N) ~ 1/N.
// Chains start, as the LCMCR package does, with every class at the
// sources' observed catch rates (jittered by up to 0.05). The Gibbs sampler
// augments the data with the unseen n0 people: each sweep draws the classes
// of the observed (per history: a multinomial split of its count),
// n0 ~ NegBinomial(n, 1 - p0) with p0 = sum_k pi_k prod_j
// (1 - lambda_jk), the classes of the unseen, then lambda, V and alpha from
// their conjugate full conditionals. It works on the 2^K history counts, so
// a sweep costs O(2^K * max_classes) whatever the population size.
//
// Chains run in parallel (TBB), each seeded from (seed, chain): the draws
// are the same for any number of threads.
#ifndef RECKON_LINKAGE_ESTIMATE_LATENT_CLASS_H_
#define RECKON_LINKAGE_ESTIMATE_LATENT_CLASS_H_

#include <cstdint>
#include <vector>

#include "absl/status/statusor.h"
#include "linkage/base/exec.h"
#include "linkage/estimate/capture_histories.h"

namespace reckon {

struct LatentClassOptions {
  int max_classes = 10;  // truncation of the stick-breaking prior
  double a_alpha = 0.25;  // as in the LCMCR package
  double b_alpha = 0.25;
  // 15,000 sweeps per chain: the chain of N mixes slowly when a class is
  // hard to catch (with 1,000 + 3,000 sweeps R-hat was 1.5-2.3 on the six
  // synth strong tables of bench/RESULTS.md, round 4; with these 1.2 or
  // less). The LCMCR package's defaults are 10,000 + 1,000 x 10 sweeps.
  int chains = 4;
  int burn_in = 5000;     // sweeps discarded per chain
  int samples = 1000;     // draws kept per chain
  int thin = 10;          // sweeps per kept draw
  uint64_t seed = 20160401;
};

struct LatentClassEstimate {
  double median = 0.0;
  double mean = 0.0;
  double ci_low = 0.0;   // 2.5% posterior quantile
  double ci_high = 0.0;  // 97.5% posterior quantile
  // Posterior draws of N, chain after chain.
  std::vector<double> draws;
  // Split-chain potential scale reduction of N (Gelman & Rubin); values well
  // above 1.1 mean the chains disagree.
  double r_hat = 1.0;
};

// Fails with kInvalidArgument if K < 2 or K > kMaxHistorySources, the
// options are out of range, or nothing was observed; with the exec
// status if cancelled or past the deadline.
absl::StatusOr<LatentClassEstimate> FitLatentClass(
    const CaptureHistories& histories, const LatentClassOptions& options,
    const ExecOptions& exec = {});

// The q-quantile (0 <= q <= 1) of `values` by linear interpolation between
// order statistics (type 7). REQUIRES: !values.empty().
double Quantile(std::vector<double> values, double q);

}  // namespace reckon

#endif  // RECKON_LINKAGE_ESTIMATE_LATENT_CLASS_H_

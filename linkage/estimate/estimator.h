// One population estimate from one capture-history table: every candidate
// model fitted, one reported, and flags when the data cannot pin N down.
//
// The rule (documented here because the output's "model" names its result):
//  1. Sources with no entities are dropped (a warning says so). With fewer
//     than two left there is no estimate.
//  2. Two sources: Lincoln-Petersen, Chapman and the log-linear independence
//     model (same point as Lincoln-Petersen, profile interval) are fitted;
//     Chapman is reported (less biased for small overlaps, Chao's log-normal
//     interval). No overlap (m = 0): no estimate, only the lower bound.
//  3. Three to six sources: every log-linear model (see loglinear.h) and the
//     latent-class model (latent_class.h) are fitted. The latent-class
//     posterior median and 95% credible interval are reported, because that
//     model allows for unequal catchability, which the log-linear models do
//     not (they undercount when some people are hard to catch by every
//     source). Log-linear models are weighed by BIC weights
//     w_m = exp(-dBIC_m / 2) / sum (an approximation to posterior model
//     probabilities, Kass & Raftery 1995); their average and the best model
//     are listed. When the best log-linear estimate lies outside the
//     latent-class interval the two families disagree: neither is trusted
//     alone, the reported interval becomes the hull of both intervals and
//     the flag "models_disagree" is raised.
//  4. Flags: "wide_interval" when the interval is unbounded or wider than
//     `wide_factor` times the observed count (a wide interval is a result:
//     the data cannot pin N down); "models_disagree"; "source_sees_all" when
//     one source holds every observed entity (the overlaps then say nothing
//     about whom it missed; every model returns about the observed count,
//     which is right only if that source is complete); "no_overlap";
//     "few_observations" below `few_observations` entities; "slow_mixing"
//     when the latent-class chains disagree (R-hat > 1.1); "dropped_source".
#ifndef RECKON_LINKAGE_ESTIMATE_ESTIMATOR_H_
#define RECKON_LINKAGE_ESTIMATE_ESTIMATOR_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "linkage/base/exec.h"
#include "linkage/estimate/capture_histories.h"
#include "linkage/estimate/latent_class.h"
#include "linkage/estimate/loglinear.h"

namespace reckon {

// One fitted model as reported. `ci_high` may be +infinity.
struct ModelResult {
  std::string model;   // e.g. "independence", "chapman", "latent-class"
  std::string family;  // "log-linear", "two-list", "latent-class", "average"
  double n_hat = 0.0;
  double ci_low = 0.0;
  double ci_high = 0.0;
  bool has_interval = false;
  std::optional<double> aic;
  std::optional<double> bic;
  std::optional<double> weight;  // BIC weight among log-linear models
};

struct Estimate {
  std::vector<std::string> sources;
  int64_t observed = 0;
  std::vector<int64_t> per_source;
  // False when nothing can be estimated; `warnings` say why, and ci_low still
  // holds the observed count as a lower bound.
  bool estimated = false;
  double n_hat = 0.0;
  double ci_low = 0.0;
  double ci_high = 0.0;  // may be +infinity
  std::string model;
  std::vector<ModelResult> models;
  // "model: reason" for every model that could not be fitted.
  std::vector<std::string> failures;
  std::vector<std::string> flags;
  std::vector<std::string> warnings;
  // Posterior draws of N when the reported estimate is the latent-class
  // posterior unchanged (used to sum strata); empty otherwise.
  std::vector<double> draws;

  bool HasFlag(const std::string& flag) const;
};

struct EstimateOptions {
  LatentClassOptions latent_class;
  // Fit the latent-class model for K >= 3 (else report the best log-linear
  // model).
  bool fit_latent_class = true;
  // Profile intervals for every log-linear model, or only the best.
  bool profile_all = true;
  SelectionCriterion criterion = SelectionCriterion::kBic;
  double wide_factor = 1.0;
  int64_t few_observations = 25;
};

// Fails with kInvalidArgument for an empty table or more than 6 sources with
// entities, and with the exec status when cancelled; every other difficulty
// is reported inside the Estimate (flags, warnings, failures).
absl::StatusOr<Estimate> EstimatePopulation(const CaptureHistories& histories,
                                            const EstimateOptions& options,
                                            const ExecOptions& exec = {});

// The sum of independent stratum estimates.
struct StratifiedTotal {
  double n_hat = 0.0;
  double ci_low = 0.0;
  double ci_high = 0.0;
  int strata = 0;
  // How the interval was combined: "posterior draws summed" when every
  // stratum has latent-class draws, else "normal approximation".
  std::string method;
  // Strata without an estimate; their observed counts enter as they are.
  std::vector<std::string> unestimated;
};

// Sums `strata` (label, estimate). Draws are summed index by index when all
// strata carry the same number of them (independent chains, so the sum is a
// draw from the posterior of the total); otherwise each stratum's standard
// error is taken as (ci_high - ci_low) / 3.92 and the interval is
// total +- 1.96 sqrt(sum of variances), never below the observed total.
StratifiedTotal SumStrata(
    const std::vector<std::pair<std::string, const Estimate*>>& strata);

}  // namespace reckon

#endif  // RECKON_LINKAGE_ESTIMATE_ESTIMATOR_H_

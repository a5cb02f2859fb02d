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
//  3. Three to six sources: every log-linear model (see loglinear.h; two-way
//     terms, each also with a heterogeneity column: Rcapture's Mth Poisson2,
//     Darroch and Gamma3.5) and the latent-class model (latent_class.h) are
//     fitted. Reported: the log-linear models averaged with AIC weights
//     w_m = exp(-dAIC_m / 2) / sum (Buckland, Burnham & Augustin 1997), with
//     the unconditional standard error sum_m w_m sqrt(se_m^2 + (N_m -
//     mean)^2) and Chao's (1987) log-normal 95% interval. Why: the coverage
//     study (bench/RESULTS.md) shows that no single model, chosen or not,
//     covers the truth at 95% once catchability varies between people,
//     while the average over models with and without heterogeneity terms
//     does; the latent-class posterior (Manrique-Vallier 2016) undercounts
//     with four lists when some people are hard to catch (its flat prior on
//     the capture probabilities favours small N where the likelihood is
//     flat). When the log-linear models with substantial support (AIC
//     within 2 of the best; Burnham & Anderson 2002, section 2.6) have
//     profile intervals reaching outside that interval, it becomes the hull
//     of theirs too: well-supported models that disagree widen the interval
//     instead of being averaged away ("models_disagree"). The latent-class
//     model is kept as a check: when its posterior median lies outside the
//     reported interval the families disagree, the interval becomes the
//     hull of both and "models_disagree" is raised. Without any log-linear
//     fit, the latent-class posterior is reported.
//  4. Flags: "wide_interval" when the interval is unbounded or wider than
//     `wide_factor` times the observed count (a wide interval is a result:
//     the data cannot pin N down); "models_disagree"; "source_sees_all" when
//     one source holds every observed entity (the overlaps then say nothing
//     about whom it missed; every model returns about the observed count,
//     which is right only if that source is complete); "no_overlap";
//     "few_observations" below `few_observations` entities; "slow_mixing"
//     when the latent-class chains disagree (R-hat > 1.1); "dropped_source";
//     "unequal_catchability" when the log-linear models with a
//     heterogeneity column carry more than half the weight and the
//     latent-class median lies outside the average's interval: people whom
//     every register nearly always misses may then exist, and no model
//     here counts them (the warning says the truth may lie above the
//     interval; bench/RESULTS.md, "Round 4").
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
  // posterior unchanged (only when no log-linear model could be fitted; used
  // to sum strata); empty otherwise.
  std::vector<double> draws;

  bool HasFlag(const std::string& flag) const;
};

struct EstimateOptions {
  LatentClassOptions latent_class;
  // Fit the latent-class model for K >= 3 as the check described above.
  bool fit_latent_class = true;
  // Heterogeneity columns among the log-linear models (K >= 3).
  bool heterogeneity = true;
  // Profile intervals for every log-linear model with weight >= 0.001, or
  // only for the best one.
  bool profile_all = true;
  // Weights of the average and the "best" model.
  SelectionCriterion criterion = SelectionCriterion::kAic;
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

// Carrying linkage error into the estimate.
//
// Redraws (multiple imputation of the linkage): M partitions of the records
// are drawn jointly from the pair probabilities of pairs.csv by the
// partition sampler (partition_sampler.h: a pairwise partition posterior in
// the manner of Sadinle 2014, sampled by Gibbs moves per connected component
// of the pair graph, starting from the given clustering). Each redraw's
// capture histories (and strata) are re-estimated, giving estimates
// Q_m = log N_m with within-redraw variances U_m = ((log hi_m - log lo_m) /
// 3.92)^2, combined by Rubin's (1987) rules on the log scale:
//   Q = mean Q_m, U = mean U_m, B = var Q_m, T = U + (1 + 1/M) B,
//   interval exp(Q +- t_nu sqrt(T)), nu = (M - 1)(1 + U / ((1 + 1/M) B))^2.
// This is the scheme of Sadinle (2018), "Bayesian propagation of record
// linkage uncertainty into population size estimation of human rights
// violations" (Ann. Appl. Stat. 12(2)): draw coreference partitions from
// their posterior, estimate N on each, combine. The earlier scheme here
// kept each pair independently and closed the kept pairs transitively; one
// kept weak pair then merged two people and one dropped pair split a
// chain, so redraws drifted far from any plausible clustering and the
// interval grew to about N wide (bench/RESULTS.md). Joint draws keep every
// cluster coherent: confident clusters stay as they are, ambiguous records
// move.
//
// The estimate reported for the given clustering keeps its point and has its
// interval widened by the linkage term (LinkageAdjustedInterval): on the log
// scale, each half-width is multiplied by sqrt(1 + (1 + 1/M) B' / W), where W
// is the given interval's variance and B' = mean (Q_m - log N_given)^2, the
// spread of the redraws around the given estimate (so a systematic shift
// between given and redrawn clusterings widens the interval too).
//
// Sensitivity: the estimate with links taken as every pair whose weight
// reaches a threshold, for several thresholds.
//
// A redrawn cluster's stratum is the value most of its records carry
// through their given entity (ties to the alphabetically first value;
// kUnknownStratum when none has one).
#ifndef RECKON_LINKAGE_ESTIMATE_LINKAGE_UNCERTAINTY_H_
#define RECKON_LINKAGE_ESTIMATE_LINKAGE_UNCERTAINTY_H_

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "linkage/base/exec.h"
#include "linkage/estimate/capture_histories.h"
#include "linkage/estimate/estimator.h"
#include "linkage/estimate/linked_records.h"
#include "linkage/estimate/partition_sampler.h"

namespace reckon {

// Histories of one clustering, overall and per stratum.
struct ClusteredHistories {
  CaptureHistories total;
  std::map<std::string, CaptureHistories> strata;  // empty without attribute
};

// Histories of the clustering that keeps exactly the pairs with
// keep[i] != 0 (`keep` parallel to link.pairs). `attribute` is an index into
// link.attribute_names, if stratifying.
ClusteredHistories ClusterHistories(const LinkedRecords& link,
                                    const std::vector<uint8_t>& keep,
                                    std::optional<size_t> attribute);

// Histories of the given clustering (entities.csv).
ClusteredHistories GivenHistories(const LinkedRecords& link,
                                  std::optional<size_t> attribute);

struct RubinSummary {
  int redraws = 0;
  double n_hat = 0.0;  // exp(mean log N_m)
  double ci_low = 0.0;
  double ci_high = 0.0;  // +infinity if any redraw was unbounded
  double within = 0.0;   // U, log scale
  double between = 0.0;  // B, log scale
  double df = 0.0;
  std::vector<double> estimates;  // N_m
  std::vector<int64_t> observed;  // entities per redraw
  int failed = 0;                 // redraws without an estimate
};

// Rubin's rules over per-redraw estimates (see above). Redraws without an
// estimate are counted in `failed` and left out.
RubinSummary CombineRedraws(const std::vector<Estimate>& redraws);

// The given estimate's interval widened by the between-redraw spread.
// Returns {ci_low, ci_high}.
std::pair<double, double> LinkageAdjustedInterval(const Estimate& given,
                                                  const RubinSummary& redraws);

struct LinkageOptions {
  int redraws = 20;
  // Seeds the partition sampler (its own `seed` is replaced by this one).
  uint64_t seed = 19870101;
  // Joint partition draws (above); false: the earlier scheme, each pair
  // kept independently with its probability and closed transitively (kept
  // for comparison in bench/estimate_coverage.cc).
  bool joint = true;
  PartitionSamplerOptions sampler;
  // Settings for each redraw's estimate (lighter than the main one is fine).
  EstimateOptions estimate;
};

struct LinkageUncertainty {
  RubinSummary total;
  std::map<std::string, RubinSummary> strata;
  // Records whose component exceeded the sampler's work bound (see
  // PartitionSamplerOptions::max_component_records).
  int64_t restricted_records = 0;
};

// Runs the redraws (in parallel; deterministic for any thread count).
// Fails with kInvalidArgument if link has no records or redraws < 2, and
// with the exec status when cancelled or past the deadline.
absl::StatusOr<LinkageUncertainty> RedrawLinkage(
    const LinkedRecords& link, std::optional<size_t> attribute,
    const LinkageOptions& options, const ExecOptions& exec = {});

struct SensitivityRow {
  double threshold = 0.0;
  int64_t links = 0;     // pairs at or above the threshold
  int64_t observed = 0;  // entities
  Estimate estimate;
};

// The total estimate with links = pairs whose weight >= each threshold.
absl::StatusOr<std::vector<SensitivityRow>> ThresholdSensitivity(
    const LinkedRecords& link, const std::vector<double>& thresholds,
    const EstimateOptions& options, const ExecOptions& exec = {});

// Two-sided Student t quantile: the t with P(T <= t) = p, `df` > 0
// degrees of freedom (infinite df gives the normal quantile).
double StudentTQuantile(double p, double df);

}  // namespace reckon

#endif  // RECKON_LINKAGE_ESTIMATE_LINKAGE_UNCERTAINTY_H_

// The whole estimate for a link result: what `reckon estimate DIR` shows.
// Per stratum (and in total): the registers' distinct counts, the distinct
// count after linkage, every model (estimator.h), the reported estimate and
// an interval that carries linkage uncertainty (linkage_uncertainty.h);
// the stratified total; and a sensitivity table over link thresholds.
//
// The reported interval is the given clustering's interval widened by the
// between-redraw spread (LinkageAdjustedInterval); without candidate pairs
// it is the given clustering's interval and a note says linkage error is
// not included. Another note warns when the stratifying field depends on
// which register saw a person (recorded by some registers only, or spelled
// per register): among people seen by one register only, its value
// distributions differ by a total variation distance above 0.5 between two
// registers with 30 or more such people. Such strata are biased.
#ifndef RECKON_LINKAGE_ESTIMATE_REPORT_H_
#define RECKON_LINKAGE_ESTIMATE_REPORT_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "linkage/base/exec.h"
#include "linkage/estimate/estimator.h"
#include "linkage/estimate/linked_records.h"
#include "linkage/estimate/linkage_uncertainty.h"

namespace reckon {

struct StratumReport {
  std::string label;  // "total" or the stratum value
  Estimate estimate;  // on the given clustering
  std::vector<int64_t> records_per_source;
  std::optional<RubinSummary> linkage;
  // The reported interval (linkage-adjusted when redraws ran).
  double ci_low = 0.0;
  double ci_high = 0.0;
};

struct LinkReport {
  std::vector<std::string> sources;
  int64_t records = 0;
  int64_t candidate_pairs = 0;
  StratumReport total;
  std::vector<StratumReport> strata;  // sorted by label
  std::optional<StratifiedTotal> stratified;
  std::vector<SensitivityRow> sensitivity;
  std::vector<std::string> notes;
};

struct LinkReportOptions {
  // Attribute of entity_info.csv to stratify by, if any.
  std::optional<std::string> by;
  EstimateOptions estimate;
  bool linkage_uncertainty = true;
  LinkageOptions linkage = DefaultRedrawOptions();
  // Weight thresholds for the sensitivity table; empty for none.
  std::vector<double> thresholds;

  // Lighter settings for the many redraw (and sensitivity) estimates: no
  // latent-class check, a profile interval for the best log-linear model
  // only.
  static LinkageOptions DefaultRedrawOptions();
};

// Fails with kInvalidArgument when `by` names no attribute of the link
// result (the message lists those there are) or the result has fewer than
// two sources; with the exec status when cancelled.
absl::StatusOr<LinkReport> EstimateFromLinkedRecords(
    const LinkedRecords& link, const LinkReportOptions& options,
    const ExecOptions& exec = {});

}  // namespace reckon

#endif  // RECKON_LINKAGE_ESTIMATE_REPORT_H_

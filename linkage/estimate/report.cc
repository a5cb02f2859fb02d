#include "linkage/estimate/report.h"

#include <cmath>
#include <cstddef>
#include <limits>
#include <map>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "tbb/blocked_range.h"
#include "tbb/parallel_for.h"

namespace reckon {

namespace {

// Whether the stratifying field depends on which register saw a person:
// compares, for every two registers with at least 30 entities seen by that
// register alone, the distribution of the field's values (unknown counted
// as a value) among those entities. A total variation distance above 0.5
// means the field is recorded or spelled differently by register (sector
// only in the labour register, a region in Cyrillic in one register and
// Latin in another), so a person's stratum depends on their capture history
// and the strata's estimates are biased. Returns a note, or "".
std::string StratumFieldCheck(const LinkedRecords& link, size_t attribute,
                              const std::string& field) {
  const std::vector<uint32_t> masks = link.EntityMasks();
  const std::vector<std::string> strata = link.EntityStrata(attribute);
  const size_t k = link.sources.size();
  std::vector<std::map<std::string, double>> values(k);
  std::vector<double> totals(k, 0.0);
  for (size_t e = 0; e < masks.size(); ++e) {
    const uint32_t mask = masks[e];
    if (mask == 0 || (mask & (mask - 1)) != 0) continue;  // not one register
    size_t s = 0;
    while (((mask >> s) & 1u) == 0) ++s;
    if (s >= k) continue;
    values[s][strata[e]] += 1.0;
    totals[s] += 1.0;
  }
  double worst = 0.0;
  size_t worst_a = 0;
  size_t worst_b = 0;
  for (size_t a = 0; a < k; ++a) {
    for (size_t b = a + 1; b < k; ++b) {
      if (totals[a] < 30.0 || totals[b] < 30.0) continue;
      double distance = 0.0;
      for (const auto& [value, count] : values[a]) {
        auto it = values[b].find(value);
        const double other = it == values[b].end() ? 0.0 : it->second / totals[b];
        distance += std::abs(count / totals[a] - other);
      }
      for (const auto& [value, count] : values[b]) {
        if (!values[a].contains(value)) distance += count / totals[b];
      }
      distance /= 2.0;
      if (distance > worst) {
        worst = distance;
        worst_a = a;
        worst_b = b;
      }
    }
  }
  if (worst <= 0.5) return "";
  auto top = [&](size_t s) {
    std::string best;
    double most = -1.0;
    for (const auto& [value, count] : values[s]) {
      if (count > most) {
        most = count;
        best = value;
      }
    }
    return absl::StrCat("\"", best, "\" for ", link.sources[s]);
  };
  return absl::StrFormat(
      "--by %s: the field depends on which register saw a person (among "
      "people seen by one register only, the values differ by %.0f%% "
      "between %s and %s; most common %s, %s): it is recorded or spelled "
      "differently by register, so each stratum's estimate is biased and "
      "the sum of strata is not to be trusted; stratify on a field every "
      "register records the same way",
      field, 100.0 * worst, link.sources[worst_a], link.sources[worst_b],
      top(worst_a), top(worst_b));
}

}  // namespace

LinkageOptions LinkReportOptions::DefaultRedrawOptions() {
  LinkageOptions options;
  options.redraws = 20;
  options.estimate.profile_all = false;
  // The reported estimate is the log-linear average; the latent-class model
  // only checks it on the given clustering (estimator.h), so the redraws,
  // which measure how the estimate moves with the links, skip it: it was
  // most of the time of a whole estimate.
  options.estimate.fit_latent_class = false;
  options.estimate.latent_class.chains = 2;
  options.estimate.latent_class.burn_in = 300;
  options.estimate.latent_class.samples = 300;
  options.estimate.latent_class.thin = 3;
  return options;
}

absl::StatusOr<LinkReport> EstimateFromLinkedRecords(
    const LinkedRecords& link, const LinkReportOptions& options,
    const ExecOptions& exec) {
  if (link.sources.size() < 2) {
    return absl::InvalidArgumentError(absl::StrCat(
        "estimate: need at least two sources, the link result has ",
        link.sources.size()));
  }
  std::optional<size_t> attribute;
  if (options.by.has_value()) {
    attribute = link.AttributeIndex(*options.by);
    if (!attribute.has_value()) {
      return absl::InvalidArgumentError(absl::StrCat(
          "--by ", *options.by, ": entity_info.csv has no such column",
          link.attribute_names.empty()
              ? std::string(" (it has no attribute columns)")
              : absl::StrCat(" (it has: ",
                             absl::StrJoin(link.attribute_names, ", "), ")")));
    }
  }
  LinkReport report;
  report.sources = link.sources;
  report.records = static_cast<int64_t>(link.num_records());
  report.candidate_pairs = static_cast<int64_t>(link.pairs.size());

  const ClusteredHistories given = GivenHistories(link, attribute);
  // Records per source, overall and per stratum.
  report.total.label = "total";
  report.total.records_per_source = link.RecordsPerSource();
  std::map<std::string, std::vector<int64_t>> stratum_records;
  if (attribute.has_value()) {
    const std::vector<std::string> strata = link.EntityStrata(*attribute);
    for (size_t r = 0; r < link.num_records(); ++r) {
      std::vector<int64_t>& counts = stratum_records[strata[link.record_entity[r]]];
      counts.resize(link.sources.size(), 0);
      ++counts[link.record_source[r]];
    }
  }
  // Estimates on the given clustering: the total and each stratum.
  std::vector<std::pair<std::string, const CaptureHistories*>> jobs;
  jobs.emplace_back("total", &given.total);
  for (const auto& [label, h] : given.strata) jobs.emplace_back(label, &h);
  std::vector<absl::StatusOr<Estimate>> results(jobs.size(),
                                                absl::UnknownError("not run"));
  tbb::parallel_for(tbb::blocked_range<size_t>(0, jobs.size()),
                    [&](const tbb::blocked_range<size_t>& range) {
                      for (size_t i = range.begin(); i != range.end(); ++i) {
                        results[i] = EstimatePopulation(*jobs[i].second,
                                                        options.estimate, exec);
                      }
                    });
  for (size_t i = 0; i < jobs.size(); ++i) {
    if (!results[i].ok()) {
      const absl::StatusCode code = results[i].status().code();
      if (code == absl::StatusCode::kCancelled ||
          code == absl::StatusCode::kDeadlineExceeded || i == 0) {
        return results[i].status();
      }
    }
    StratumReport& out = i == 0 ? report.total : report.strata.emplace_back();
    out.label = jobs[i].first;
    if (results[i].ok()) {
      out.estimate = *std::move(results[i]);
    } else {
      out.estimate.sources = link.sources;
      out.estimate.observed = jobs[i].second->Observed();
      out.estimate.per_source = jobs[i].second->SourceCounts();
      out.estimate.ci_low = static_cast<double>(out.estimate.observed);
      out.estimate.ci_high = std::numeric_limits<double>::infinity();
      out.estimate.model = "none";
      out.estimate.warnings.push_back(std::string(results[i].status().message()));
    }
    if (i > 0) out.records_per_source = stratum_records[out.label];
    out.ci_low = out.estimate.ci_low;
    out.ci_high = out.estimate.ci_high;
  }
  if (attribute.has_value()) {
    std::vector<std::pair<std::string, const Estimate*>> parts;
    for (const StratumReport& s : report.strata) {
      parts.emplace_back(s.label, &s.estimate);
    }
    report.stratified = SumStrata(parts);
    if (std::string note = StratumFieldCheck(link, *attribute, *options.by);
        !note.empty()) {
      report.notes.push_back(std::move(note));
    }
  }
  // Linkage uncertainty.
  if (options.linkage_uncertainty && !link.pairs.empty()) {
    absl::StatusOr<LinkageUncertainty> redraws =
        RedrawLinkage(link, attribute, options.linkage, exec);
    if (!redraws.ok()) return redraws.status();
    report.total.linkage = redraws->total;
    if (redraws->restricted_records > 0) {
      report.notes.push_back(absl::StrCat(
          redraws->restricted_records,
          " records lie in candidate-pair components larger than ",
          options.linkage.sampler.max_component_records,
          " records: their redraws only split given entities, never merge "
          "them, so the linkage term may be too narrow there"));
    }
    std::tie(report.total.ci_low, report.total.ci_high) =
        LinkageAdjustedInterval(report.total.estimate, redraws->total);
    for (StratumReport& s : report.strata) {
      auto it = redraws->strata.find(s.label);
      if (it == redraws->strata.end()) continue;
      s.linkage = it->second;
      std::tie(s.ci_low, s.ci_high) = LinkageAdjustedInterval(s.estimate, it->second);
    }
  } else if (options.linkage_uncertainty) {
    report.notes.push_back(
        "no candidate pairs: intervals do not include linkage error");
  }
  if (!options.thresholds.empty() && !link.pairs.empty()) {
    absl::StatusOr<std::vector<SensitivityRow>> rows = ThresholdSensitivity(
        link, options.thresholds, options.linkage.estimate, exec);
    if (!rows.ok()) return rows.status();
    report.sensitivity = *std::move(rows);
  }
  return report;
}

}  // namespace reckon

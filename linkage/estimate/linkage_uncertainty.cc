#include "linkage/estimate/linkage_uncertainty.h"

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <limits>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "linkage/cluster/union_find.h"
#include "linkage/estimate/internal/random_variates.h"
#include "linkage/estimate/partition_sampler.h"
#include "tbb/blocked_range.h"
#include "tbb/parallel_for.h"

namespace reckon {
namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();
constexpr double kZ95 = 1.959963984540054;

// Each entity's attribute value as an index into `labels` (sorted, so ties
// resolve alphabetically), or -1 when empty.
struct StratumCoder {
  std::vector<std::string> labels;
  std::vector<int32_t> entity_value;
};

StratumCoder MakeCoder(const LinkedRecords& link, size_t attribute) {
  StratumCoder coder;
  const std::vector<std::string>& values = link.attributes[attribute];
  std::set<std::string> unique;
  for (const std::string& v : values) {
    if (!v.empty()) unique.insert(v);
  }
  coder.labels.assign(unique.begin(), unique.end());
  coder.entity_value.resize(values.size(), -1);
  for (size_t e = 0; e < values.size(); ++e) {
    if (values[e].empty()) continue;
    coder.entity_value[e] = static_cast<int32_t>(
        std::lower_bound(coder.labels.begin(), coder.labels.end(), values[e]) -
        coder.labels.begin());
  }
  return coder;
}

// Histories of the clustering in which record r belongs to the cluster
// labelled root[r] (a record index; records sharing a label are one cluster).
ClusteredHistories FromRoots(const LinkedRecords& link,
                             const std::vector<uint32_t>& root,
                             const StratumCoder* coder) {
  const size_t records = link.num_records();
  std::vector<uint32_t> masks(records, 0);
  for (size_t r = 0; r < records; ++r) {
    masks[root[r]] |= uint32_t{1} << link.record_source[r];
  }
  ClusteredHistories out;
  out.total = HistoriesFromMasks(link.sources, masks);
  if (coder == nullptr) return out;
  // Majority value per cluster: sort (root, value) and count runs.
  std::vector<std::pair<uint32_t, int32_t>> votes;
  votes.reserve(records);
  for (size_t r = 0; r < records; ++r) {
    const int32_t value = coder->entity_value[link.record_entity[r]];
    if (value >= 0) votes.emplace_back(root[r], value);
  }
  std::sort(votes.begin(), votes.end());
  std::vector<int32_t> cluster_value(records, -1);
  size_t i = 0;
  while (i < votes.size()) {
    const uint32_t cluster = votes[i].first;
    int32_t best_value = -1;
    size_t best_count = 0;
    while (i < votes.size() && votes[i].first == cluster) {
      size_t j = i;
      while (j < votes.size() && votes[j] == votes[i]) ++j;
      if (j - i > best_count) {  // strictly more: ties keep the smaller value
        best_count = j - i;
        best_value = votes[i].second;
      }
      i = j;
    }
    cluster_value[cluster] = best_value;
  }
  std::vector<CaptureHistories> by_value(coder->labels.size() + 1,
                                         CaptureHistories(link.sources));
  std::vector<bool> used(by_value.size(), false);
  for (size_t r = 0; r < records; ++r) {
    if (masks[r] == 0) continue;  // not a root
    const int32_t value = cluster_value[r];
    const size_t slot = value < 0 ? coder->labels.size() : static_cast<size_t>(value);
    by_value[slot].Add(masks[r]);
    used[slot] = true;
  }
  for (size_t slot = 0; slot < by_value.size(); ++slot) {
    if (!used[slot]) continue;
    const std::string label = slot < coder->labels.size()
                                  ? coder->labels[slot]
                                  : std::string(kUnknownStratum);
    out.strata.emplace(label, std::move(by_value[slot]));
  }
  return out;
}

ClusteredHistories Cluster(const LinkedRecords& link,
                           const std::vector<uint8_t>& keep,
                           const StratumCoder* coder) {
  const size_t records = link.num_records();
  UnionFind sets(records);
  for (size_t i = 0; i < link.pairs.size(); ++i) {
    if (keep[i]) sets.Union(link.pairs[i].a, link.pairs[i].b);
  }
  std::vector<uint32_t> root(records);
  for (size_t r = 0; r < records; ++r) root[r] = sets.Find(static_cast<uint32_t>(r));
  return FromRoots(link, root, coder);
}

// Regularized incomplete beta I_x(a, b) by Lentz's continued fraction.
double IncompleteBeta(double x, double a, double b) {
  if (x <= 0.0) return 0.0;
  if (x >= 1.0) return 1.0;
  if (x > (a + 1.0) / (a + b + 2.0)) return 1.0 - IncompleteBeta(1.0 - x, b, a);
  const double log_front = std::lgamma(a + b) - std::lgamma(a) - std::lgamma(b) +
                           a * std::log(x) + b * std::log1p(-x);
  const double tiny = 1e-300;
  double c = 1.0;
  double d = 1.0 - (a + b) * x / (a + 1.0);
  if (std::fabs(d) < tiny) d = tiny;
  d = 1.0 / d;
  double f = d;
  for (int m = 1; m <= 300; ++m) {
    const double md = static_cast<double>(m);
    double num = md * (b - md) * x / ((a + 2.0 * md - 1.0) * (a + 2.0 * md));
    d = 1.0 + num * d;
    if (std::fabs(d) < tiny) d = tiny;
    c = 1.0 + num / c;
    if (std::fabs(c) < tiny) c = tiny;
    d = 1.0 / d;
    f *= d * c;
    num = -(a + md) * (a + b + md) * x / ((a + 2.0 * md) * (a + 2.0 * md + 1.0));
    d = 1.0 + num * d;
    if (std::fabs(d) < tiny) d = tiny;
    c = 1.0 + num / c;
    if (std::fabs(c) < tiny) c = tiny;
    d = 1.0 / d;
    const double delta = d * c;
    f *= delta;
    if (std::fabs(delta - 1.0) < 1e-14) break;
  }
  return std::exp(log_front) * f / a;
}

double StudentTCdf(double t, double df) {
  if (!std::isfinite(df)) return 0.5 * std::erfc(-t / std::sqrt(2.0));
  const double tail = 0.5 * IncompleteBeta(df / (df + t * t), 0.5 * df, 0.5);
  return t >= 0.0 ? 1.0 - tail : tail;
}

}  // namespace

double StudentTQuantile(double p, double df) {
  if (p == 0.5) return 0.0;
  if (p < 0.5) return -StudentTQuantile(1.0 - p, df);
  double lo = 0.0;
  double hi = 1.0;
  while (StudentTCdf(hi, df) < p && hi < 1e12) hi *= 2.0;
  for (int i = 0; i < 200 && hi - lo > 1e-12 * hi; ++i) {
    const double mid = 0.5 * (lo + hi);
    if (StudentTCdf(mid, df) < p) {
      lo = mid;
    } else {
      hi = mid;
    }
  }
  return 0.5 * (lo + hi);
}

ClusteredHistories ClusterHistories(const LinkedRecords& link,
                                    const std::vector<uint8_t>& keep,
                                    std::optional<size_t> attribute) {
  if (!attribute.has_value()) return Cluster(link, keep, nullptr);
  const StratumCoder coder = MakeCoder(link, *attribute);
  return Cluster(link, keep, &coder);
}

ClusteredHistories GivenHistories(const LinkedRecords& link,
                                  std::optional<size_t> attribute) {
  ClusteredHistories out;
  const std::vector<uint32_t> masks = link.EntityMasks();
  out.total = HistoriesFromMasks(link.sources, masks);
  if (attribute.has_value()) {
    const std::vector<std::string> strata = link.EntityStrata(*attribute);
    out.strata = StratifiedHistories(link.sources, masks, strata);
  }
  return out;
}

RubinSummary CombineRedraws(const std::vector<Estimate>& redraws) {
  RubinSummary out;
  std::vector<double> q;
  std::vector<double> u;
  bool unbounded = false;
  for (const Estimate& e : redraws) {
    if (!e.estimated || !(e.n_hat > 0.0) || !std::isfinite(e.n_hat) ||
        !(e.ci_low > 0.0)) {
      ++out.failed;
      continue;
    }
    out.estimates.push_back(e.n_hat);
    out.observed.push_back(e.observed);
    q.push_back(std::log(e.n_hat));
    if (!std::isfinite(e.ci_high)) {
      unbounded = true;
      u.push_back(0.0);
    } else {
      const double sd = (std::log(e.ci_high) - std::log(e.ci_low)) / (2.0 * kZ95);
      u.push_back(sd * sd);
    }
  }
  out.redraws = static_cast<int>(q.size());
  if (q.empty()) {
    out.ci_high = kInf;
    return out;
  }
  const double m = static_cast<double>(q.size());
  double q_bar = 0.0;
  double u_bar = 0.0;
  for (size_t i = 0; i < q.size(); ++i) {
    q_bar += q[i];
    u_bar += u[i];
  }
  q_bar /= m;
  u_bar /= m;
  double b = 0.0;
  for (double v : q) b += (v - q_bar) * (v - q_bar);
  b = q.size() > 1 ? b / (m - 1.0) : 0.0;
  const double total = u_bar + (1.0 + 1.0 / m) * b;
  out.within = u_bar;
  out.between = b;
  out.df = b > 0.0 && q.size() > 1
               ? (m - 1.0) * std::pow(1.0 + u_bar / ((1.0 + 1.0 / m) * b), 2.0)
               : kInf;
  const double t = StudentTQuantile(0.975, out.df);
  out.n_hat = std::exp(q_bar);
  out.ci_low = std::exp(q_bar - t * std::sqrt(total));
  out.ci_high = unbounded ? kInf : std::exp(q_bar + t * std::sqrt(total));
  return out;
}

std::pair<double, double> LinkageAdjustedInterval(const Estimate& given,
                                                  const RubinSummary& redraws) {
  if (!given.estimated || redraws.estimates.empty() || !(given.n_hat > 0.0) ||
      !(given.ci_low > 0.0)) {
    return {given.ci_low, given.ci_high};
  }
  const double log_n = std::log(given.n_hat);
  double spread = 0.0;
  for (double estimate : redraws.estimates) {
    const double d = std::log(estimate) - log_n;
    spread += d * d;
  }
  const double m = static_cast<double>(redraws.estimates.size());
  spread /= m;
  const double extra = (1.0 + 1.0 / m) * spread;
  const double lower_half = log_n - std::log(given.ci_low);
  if (!std::isfinite(given.ci_high)) {
    const double var = lower_half / kZ95 * (lower_half / kZ95);
    const double factor = var > 0.0 ? std::sqrt(1.0 + extra / var) : 1.0;
    return {std::exp(log_n - factor * lower_half), kInf};
  }
  const double upper_half = std::log(given.ci_high) - log_n;
  const double sd = (lower_half + upper_half) / (2.0 * kZ95);
  if (sd <= 0.0) {
    const double half = kZ95 * std::sqrt(extra);
    return {std::exp(log_n - half), std::exp(log_n + half)};
  }
  const double factor = std::sqrt(1.0 + extra / (sd * sd));
  return {std::exp(log_n - factor * lower_half),
          std::exp(log_n + factor * upper_half)};
}

absl::StatusOr<LinkageUncertainty> RedrawLinkage(
    const LinkedRecords& link, std::optional<size_t> attribute,
    const LinkageOptions& options, const ExecOptions& exec) {
  if (link.num_records() == 0) {
    return absl::InvalidArgumentError("linkage redraws: no records");
  }
  if (options.redraws < 2) {
    return absl::InvalidArgumentError("linkage redraws: need at least 2");
  }
  std::optional<StratumCoder> coder;
  if (attribute.has_value()) coder = MakeCoder(link, *attribute);
  const auto m = static_cast<size_t>(options.redraws);
  std::vector<ClusteredHistories> draws(m);
  PartitionSamplerStats stats;
  if (options.joint) {
    PartitionSamplerOptions sampler = options.sampler;
    sampler.seed = options.seed;
    absl::StatusOr<std::vector<std::vector<uint32_t>>> partitions =
        SampleClusterings(link, options.redraws, sampler, exec, &stats);
    if (!partitions.ok()) return partitions.status();
    tbb::parallel_for(tbb::blocked_range<size_t>(0, m),
                      [&](const tbb::blocked_range<size_t>& range) {
                        for (size_t d = range.begin(); d != range.end(); ++d) {
                          draws[d] = FromRoots(link, (*partitions)[d],
                                               coder ? &*coder : nullptr);
                        }
                      });
  } else {
    tbb::parallel_for(tbb::blocked_range<size_t>(0, m),
                      [&](const tbb::blocked_range<size_t>& range) {
                        for (size_t d = range.begin(); d != range.end(); ++d) {
                          estimate_internal::Rng rng(
                              estimate_internal::MixSeed(options.seed, d));
                          std::vector<uint8_t> keep(link.pairs.size());
                          for (size_t i = 0; i < keep.size(); ++i) {
                            keep[i] = rng.Uniform() < link.pairs[i].probability;
                          }
                          draws[d] = Cluster(link, keep,
                                             coder ? &*coder : nullptr);
                        }
                      });
  }
  if (absl::Status s = CheckContinue(exec, "estimate: linkage redraws"); !s.ok()) {
    return s;
  }
  // Tasks: (redraw, stratum label or "" for the total).
  std::set<std::string> labels;
  for (const ClusteredHistories& d : draws) {
    for (const auto& [label, h] : d.strata) labels.insert(label);
  }
  struct Task {
    size_t redraw;
    std::string label;  // empty: total
    const CaptureHistories* histories;
  };
  std::vector<Task> tasks;
  for (size_t d = 0; d < m; ++d) {
    tasks.push_back({d, "", &draws[d].total});
    for (const auto& [label, h] : draws[d].strata) tasks.push_back({d, label, &h});
  }
  std::vector<absl::StatusOr<Estimate>> results(tasks.size(),
                                                absl::UnknownError("not run"));
  tbb::parallel_for(
      tbb::blocked_range<size_t>(0, tasks.size()),
      [&](const tbb::blocked_range<size_t>& range) {
        for (size_t t = range.begin(); t != range.end(); ++t) {
          EstimateOptions local = options.estimate;
          local.latent_class.seed = estimate_internal::MixSeed(
              options.estimate.latent_class.seed, tasks[t].redraw);
          results[t] = EstimatePopulation(*tasks[t].histories, local, exec);
        }
      });
  LinkageUncertainty out;
  std::vector<Estimate> total;
  std::map<std::string, std::vector<Estimate>> strata;
  for (const std::string& label : labels) strata[label];
  for (size_t t = 0; t < tasks.size(); ++t) {
    if (!results[t].ok()) {
      const absl::StatusCode code = results[t].status().code();
      if (code == absl::StatusCode::kCancelled ||
          code == absl::StatusCode::kDeadlineExceeded) {
        return results[t].status();
      }
      Estimate failed;
      (tasks[t].label.empty() ? total : strata[tasks[t].label]).push_back(failed);
      continue;
    }
    (tasks[t].label.empty() ? total : strata[tasks[t].label])
        .push_back(*std::move(results[t]));
  }
  out.restricted_records = stats.restricted_records;
  out.total = CombineRedraws(total);
  for (auto& [label, estimates] : strata) {
    RubinSummary summary = CombineRedraws(estimates);
    summary.failed += options.redraws - static_cast<int>(estimates.size());
    out.strata.emplace(label, std::move(summary));
  }
  return out;
}

absl::StatusOr<std::vector<SensitivityRow>> ThresholdSensitivity(
    const LinkedRecords& link, const std::vector<double>& thresholds,
    const EstimateOptions& options, const ExecOptions& exec) {
  std::vector<SensitivityRow> rows(thresholds.size());
  std::vector<absl::Status> statuses(thresholds.size());
  tbb::parallel_for(
      tbb::blocked_range<size_t>(0, thresholds.size()),
      [&](const tbb::blocked_range<size_t>& range) {
        for (size_t i = range.begin(); i != range.end(); ++i) {
          std::vector<uint8_t> keep(link.pairs.size());
          int64_t links = 0;
          for (size_t p = 0; p < keep.size(); ++p) {
            keep[p] = link.pairs[p].weight >= thresholds[i];
            links += keep[p];
          }
          const ClusteredHistories h = Cluster(link, keep, nullptr);
          rows[i].threshold = thresholds[i];
          rows[i].links = links;
          rows[i].observed = h.total.Observed();
          absl::StatusOr<Estimate> e = EstimatePopulation(h.total, options, exec);
          if (!e.ok()) {
            statuses[i] = e.status();
            continue;
          }
          rows[i].estimate = *std::move(e);
        }
      });
  for (const absl::Status& s : statuses) {
    if (!s.ok()) return s;
  }
  return rows;
}

}  // namespace reckon

#include "linkage/estimate/estimator.h"

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <limits>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "linkage/estimate/two_list.h"

namespace reckon {
namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();
constexpr double kZ95 = 1.959963984540054;

void AddFlag(Estimate* out, const std::string& flag) {
  if (!out->HasFlag(flag)) out->flags.push_back(flag);
}

std::string Count(double value) {
  if (!std::isfinite(value)) return "unbounded";
  return absl::StrFormat("%.0f", value);
}

ModelResult FromLogLinear(const LogLinearFit& fit) {
  ModelResult r;
  r.model = fit.name;
  r.family = "log-linear";
  r.n_hat = fit.n_hat;
  r.has_interval = fit.has_interval;
  r.ci_low = fit.ci_low;
  r.ci_high = fit.ci_high;
  r.aic = fit.aic;
  r.bic = fit.bic;
  return r;
}

void TwoSources(const CaptureHistories& h, const EstimateOptions& options,
                Estimate* out) {
  const int64_t n1 = h.SourceCount(0);
  const int64_t n2 = h.SourceCount(1);
  const int64_t m = h.count(0b11);
  absl::StatusOr<TwoListEstimate> lp = LincolnPetersen(n1, n2, m);
  absl::StatusOr<TwoListEstimate> chapman = Chapman(n1, n2, m);
  if (!lp.ok() || !chapman.ok()) {
    out->failures.push_back(absl::StrCat(
        "two-list: ", (lp.ok() ? chapman.status() : lp.status()).message()));
    return;
  }
  if (m == 0) {
    AddFlag(out, "no_overlap");
    AddFlag(out, "wide_interval");
    out->warnings.push_back(absl::StrCat(
        "the two registers ", h.sources()[0], " and ", h.sources()[1],
        " share no one (m = 0): nothing bounds N from above"));
    out->ci_low = static_cast<double>(out->observed);
    out->ci_high = kInf;
    out->model = "none";
    return;
  }
  out->models.push_back(ModelResult{.model = "lincoln-petersen",
                                    .family = "two-list",
                                    .n_hat = lp->n_hat,
                                    .ci_low = lp->ci_low,
                                    .ci_high = lp->ci_high,
                                    .has_interval = true});
  out->models.push_back(ModelResult{.model = "chapman",
                                    .family = "two-list",
                                    .n_hat = chapman->n_hat,
                                    .ci_low = chapman->ci_low,
                                    .ci_high = chapman->ci_high,
                                    .has_interval = true});
  absl::StatusOr<LogLinearFit> independence =
      FitLogLinear(h, LogLinearModel{}, /*profile_interval=*/true);
  if (independence.ok()) {
    out->models.push_back(FromLogLinear(*independence));
  } else {
    out->failures.push_back(std::string(independence.status().message()));
  }
  (void)options;
  out->estimated = true;
  out->model = "chapman";
  out->n_hat = chapman->n_hat;
  out->ci_low = chapman->ci_low;
  out->ci_high = chapman->ci_high;
}

absl::Status ManySources(const CaptureHistories& h,
                         const EstimateOptions& options,
                         const ExecOptions& exec, Estimate* out) {
  LogLinearSearchOptions search_options{.criterion = options.criterion,
                                        .profile_all = options.profile_all};
  absl::StatusOr<LogLinearSearch> search = FitLogLinearModels(h, search_options);
  const LogLinearFit* best = nullptr;
  if (search.ok()) {
    for (const auto& [name, status] : search->failures) {
      out->failures.push_back(std::string(status.message()));
    }
    // BIC weights and the weighted average (Buckland et al. 1997 for the
    // unconditional standard error).
    double min_bic = kInf;
    for (const LogLinearFit& fit : search->fits) min_bic = std::min(min_bic, fit.bic);
    double total_weight = 0.0;
    std::vector<double> weights;
    for (const LogLinearFit& fit : search->fits) {
      weights.push_back(std::exp(-0.5 * (fit.bic - min_bic)));
      total_weight += weights.back();
    }
    double average = 0.0;
    for (size_t i = 0; i < search->fits.size(); ++i) {
      weights[i] /= total_weight;
      average += weights[i] * search->fits[i].n_hat;
    }
    double se_sum = 0.0;
    bool average_bounded = true;
    bool average_has_interval = true;
    for (size_t i = 0; i < search->fits.size(); ++i) {
      const LogLinearFit& fit = search->fits[i];
      ModelResult r = FromLogLinear(fit);
      r.weight = weights[i];
      out->models.push_back(r);
      if (weights[i] < 1e-6) continue;
      if (!fit.has_interval) {
        average_has_interval = false;
        continue;
      }
      if (!std::isfinite(fit.ci_high)) average_bounded = false;
      const double se = (fit.ci_high - fit.ci_low) / (2.0 * kZ95);
      se_sum += weights[i] *
                std::sqrt(se * se + (fit.n_hat - average) * (fit.n_hat - average));
    }
    if (search->stepwise) {
      out->warnings.push_back(absl::StrCat(
          "log-linear models chosen by stepwise search (", search->fits.size(),
          " fitted), not full enumeration"));
    }
    ModelResult avg{.model = "log-linear average (BIC weights)",
                    .family = "average",
                    .n_hat = average};
    if (average_has_interval) {
      avg.has_interval = true;
      avg.ci_low = std::max(static_cast<double>(out->observed),
                            average - kZ95 * se_sum);
      avg.ci_high = average_bounded ? average + kZ95 * se_sum : kInf;
    }
    out->models.push_back(avg);
    best = &search->fits[BestFit(search->fits, options.criterion)];
  } else {
    out->failures.push_back(std::string(search.status().message()));
  }

  if (!options.fit_latent_class) {
    if (best == nullptr) return absl::OkStatus();
    out->estimated = true;
    out->model = best->name;
    out->n_hat = best->n_hat;
    out->ci_low = best->has_interval ? best->ci_low : best->n_hat;
    out->ci_high = best->has_interval ? best->ci_high : kInf;
    return absl::OkStatus();
  }
  absl::StatusOr<LatentClassEstimate> lc =
      FitLatentClass(h, options.latent_class, exec);
  if (!lc.ok()) {
    if (lc.status().code() == absl::StatusCode::kCancelled ||
        lc.status().code() == absl::StatusCode::kDeadlineExceeded) {
      return lc.status();
    }
    out->failures.push_back(
        absl::StrCat("latent-class: ", lc.status().message()));
    return absl::OkStatus();
  }
  out->models.push_back(ModelResult{.model = "latent-class",
                                    .family = "latent-class",
                                    .n_hat = lc->median,
                                    .ci_low = lc->ci_low,
                                    .ci_high = lc->ci_high,
                                    .has_interval = true});
  out->estimated = true;
  out->model = "latent-class";
  out->n_hat = lc->median;
  out->ci_low = lc->ci_low;
  out->ci_high = lc->ci_high;
  out->draws = std::move(lc->draws);
  if (lc->r_hat > 1.1) {
    AddFlag(out, "slow_mixing");
    out->warnings.push_back(absl::StrFormat(
        "latent-class chains disagree (R-hat %.2f): the interval is rough",
        lc->r_hat));
  }
  if (best != nullptr &&
      (best->n_hat < out->ci_low || best->n_hat > out->ci_high)) {
    AddFlag(out, "models_disagree");
    out->warnings.push_back(absl::StrCat(
        "the best log-linear model (", best->name, ", ", Count(best->n_hat),
        ") lies outside the latent-class interval [", Count(out->ci_low), ", ",
        Count(out->ci_high),
        "]: unequal catchability or dependence between registers; the "
        "interval spans both"));
    if (best->has_interval) {
      out->ci_low = std::min(out->ci_low, best->ci_low);
      out->ci_high = std::max(out->ci_high, best->ci_high);
    } else {
      out->ci_low = std::min(out->ci_low, best->n_hat);
      out->ci_high = std::max(out->ci_high, best->n_hat);
    }
    out->model = "latent-class (interval widened to the best log-linear model)";
    out->draws.clear();
  }
  return absl::OkStatus();
}

}  // namespace

bool Estimate::HasFlag(const std::string& flag) const {
  return std::find(flags.begin(), flags.end(), flag) != flags.end();
}

absl::StatusOr<Estimate> EstimatePopulation(const CaptureHistories& histories,
                                            const EstimateOptions& options,
                                            const ExecOptions& exec) {
  Estimate out;
  out.sources = histories.sources();
  out.observed = histories.Observed();
  out.per_source = histories.SourceCounts();
  out.ci_low = static_cast<double>(out.observed);
  out.ci_high = kInf;
  out.model = "none";
  if (out.observed <= 0) {
    return absl::InvalidArgumentError("no observed entities to estimate from");
  }
  std::vector<int> keep;
  for (int i = 0; i < histories.num_sources(); ++i) {
    if (out.per_source[static_cast<size_t>(i)] > 0) {
      keep.push_back(i);
    } else {
      AddFlag(&out, "dropped_source");
      out.warnings.push_back(absl::StrCat(
          "register ", histories.sources()[static_cast<size_t>(i)],
          " has no one here and is left out"));
    }
  }
  if (keep.size() > 6) {
    return absl::InvalidArgumentError(absl::StrCat(
        "at most 6 registers can be estimated from, got ", keep.size()));
  }
  if (out.observed < options.few_observations) {
    AddFlag(&out, "few_observations");
    out.warnings.push_back(absl::StrCat(
        "only ", out.observed, " entities observed: estimates are rough"));
  }
  if (keep.size() < 2) {
    out.warnings.push_back(
        "fewer than two registers saw anyone: no overlap, no estimate");
    AddFlag(&out, "wide_interval");
    return out;
  }
  const CaptureHistories h =
      keep.size() == static_cast<size_t>(histories.num_sources())
          ? histories
          : histories.Project(keep);
  for (int i = 0; i < h.num_sources(); ++i) {
    if (h.SourceCount(i) == out.observed) {
      AddFlag(&out, "source_sees_all");
      out.warnings.push_back(absl::StrCat(
          "register ", h.sources()[static_cast<size_t>(i)],
          " holds every observed entity: the overlaps say nothing about whom "
          "it missed, so the estimate stays near the observed count, which is "
          "right only if that register is complete"));
    }
  }
  if (h.num_sources() == 2) {
    TwoSources(h, options, &out);
  } else {
    if (absl::Status s = ManySources(h, options, exec, &out); !s.ok()) return s;
  }
  if (!out.estimated) {
    if (out.warnings.empty() || !out.HasFlag("no_overlap")) {
      out.warnings.push_back("no model could be fitted: no estimate");
    }
    AddFlag(&out, "wide_interval");
    return out;
  }
  const double width = out.ci_high - out.ci_low;
  if (!std::isfinite(out.ci_high) ||
      width > options.wide_factor * static_cast<double>(out.observed)) {
    AddFlag(&out, "wide_interval");
    out.warnings.push_back(absl::StrCat(
        "the data cannot pin N down: the 95% interval [", Count(out.ci_low),
        ", ", Count(out.ci_high), "] is wider than ",
        absl::StrFormat("%g", options.wide_factor), " times the ",
        out.observed, " observed"));
  }
  return out;
}

StratifiedTotal SumStrata(
    const std::vector<std::pair<std::string, const Estimate*>>& strata) {
  StratifiedTotal out;
  out.strata = static_cast<int>(strata.size());
  size_t draw_count = 0;
  bool all_draws = true;
  for (const auto& [label, estimate] : strata) {
    if (!estimate->estimated) continue;
    if (estimate->draws.empty() ||
        (draw_count != 0 && estimate->draws.size() != draw_count)) {
      all_draws = false;
    }
    draw_count = estimate->draws.size();
  }
  double fixed = 0.0;  // observed counts of unestimated strata
  double variance = 0.0;
  bool bounded = true;
  std::vector<double> sums(all_draws ? draw_count : 0, 0.0);
  double low_floor = 0.0;
  for (const auto& [label, estimate] : strata) {
    low_floor += static_cast<double>(estimate->observed);
    if (!estimate->estimated) {
      out.unestimated.push_back(label);
      fixed += static_cast<double>(estimate->observed);
      continue;
    }
    out.n_hat += estimate->n_hat;
    if (!std::isfinite(estimate->ci_high)) bounded = false;
    const double se = (estimate->ci_high - estimate->ci_low) / (2.0 * kZ95);
    variance += se * se;
    for (size_t i = 0; i < sums.size(); ++i) sums[i] += estimate->draws[i];
  }
  out.n_hat += fixed;
  if (all_draws && draw_count > 0) {
    out.method = "posterior draws summed";
    out.n_hat = Quantile(sums, 0.5) + fixed;
    out.ci_low = Quantile(sums, 0.025) + fixed;
    out.ci_high = Quantile(sums, 0.975) + fixed;
  } else {
    out.method = "normal approximation";
    out.ci_low = std::max(low_floor, out.n_hat - kZ95 * std::sqrt(variance));
    out.ci_high = bounded ? out.n_hat + kZ95 * std::sqrt(variance) : kInf;
  }
  if (!out.unestimated.empty()) out.ci_high = kInf;
  return out;
}

}  // namespace reckon

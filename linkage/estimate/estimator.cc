#include "linkage/estimate/estimator.h"

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <limits>
#include <optional>
#include <string>
#include <tuple>
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
// Log-linear models with a smaller weight get no profile interval.
constexpr double kProfileWeight = 1e-3;
// Criterion distance to the best model within which a model has
// substantial support (see SupportedModels).
constexpr double kSupportedDelta = 2.0;

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

// Model weights exp(-delta_m / 2) / sum over the fits (Burnham & Anderson
// 2002, ch. 4), by `criterion`.
std::vector<double> CriterionWeights(const std::vector<LogLinearFit>& fits,
                                     SelectionCriterion criterion) {
  auto value = [&](const LogLinearFit& fit) {
    return criterion == SelectionCriterion::kAic ? fit.aic : fit.bic;
  };
  double best = kInf;
  for (const LogLinearFit& fit : fits) best = std::min(best, value(fit));
  std::vector<double> weights;
  double total = 0.0;
  for (const LogLinearFit& fit : fits) {
    weights.push_back(std::exp(-0.5 * (value(fit) - best)));
    total += weights.back();
  }
  for (double& w : weights) w /= total;
  return weights;
}

// The models with substantial support: criterion within `delta` of the best
// (Burnham & Anderson 2002, section 2.6: delta <= 2). Returns membership per
// model. (Their 95% confidence set of models, by cumulative weight, was tried
// first: with the flat weights of a small stratum it holds a hundred models
// or more, and the hull of their intervals was 3 to 5 times as wide as the
// average's, where the average already covered.)
std::vector<bool> SupportedModels(const std::vector<LogLinearFit>& fits,
                                  SelectionCriterion criterion, double delta) {
  auto value = [&](const LogLinearFit& fit) {
    return criterion == SelectionCriterion::kAic ? fit.aic : fit.bic;
  };
  double best = kInf;
  for (const LogLinearFit& fit : fits) best = std::min(best, value(fit));
  std::vector<bool> in_set;
  for (const LogLinearFit& fit : fits) in_set.push_back(value(fit) - best <= delta);
  return in_set;
}

// Chao's (1987) log-normal interval for N = n + f0 with standard error `se`:
// [n + f0 / C, n + f0 C], C = exp(z sqrt(log(1 + se^2 / f0^2))). Its lower
// end never falls below the observed count.
std::pair<double, double> LogNormalInterval(double observed, double n_hat,
                                            double se) {
  const double unseen = n_hat - observed;
  if (!(unseen > 1e-9) || !std::isfinite(se)) {
    return {observed, std::isfinite(se) ? n_hat + kZ95 * se : kInf};
  }
  const double c =
      std::exp(kZ95 * std::sqrt(std::log1p(se * se / (unseen * unseen))));
  return {observed + unseen / c, observed + unseen * c};
}

absl::Status ManySources(const CaptureHistories& h,
                         const EstimateOptions& options,
                         const ExecOptions& exec, Estimate* out) {
  double set_low = kInf;
  double set_high = -kInf;
  int set_size = 0;
  bool set_disagree = false;
  double heterogeneity_weight = 0.0;
  LogLinearSearchOptions search_options{.criterion = options.criterion,
                                        .heterogeneity = options.heterogeneity,
                                        .profile_all = false};
  absl::StatusOr<LogLinearSearch> search = FitLogLinearModels(h, search_options);
  bool have_average = false;
  ModelResult avg;
  if (search.ok()) {
    for (const auto& [name, status] : search->failures) {
      out->failures.push_back(std::string(status.message()));
    }
    // Model averaging (Buckland, Burnham & Augustin 1997): the weighted
    // mean of the estimates, and the unconditional standard error
    //   se = sum_m w_m sqrt(se_m^2 + (N_m - mean)^2),
    // which carries the spread between models, so that the choice among
    // near-equally supported models (with and without a heterogeneity
    // column, say) widens the interval instead of hiding in it.
    const std::vector<double> weights =
        CriterionWeights(search->fits, options.criterion);
    const size_t best = BestFit(search->fits, options.criterion);
    double average = 0.0;
    for (size_t i = 0; i < search->fits.size(); ++i) {
      average += weights[i] * search->fits[i].n_hat;
    }
    double se = 0.0;
    for (size_t i = 0; i < search->fits.size(); ++i) {
      const LogLinearFit& fit = search->fits[i];
      se += weights[i] * std::sqrt(fit.n_hat_se * fit.n_hat_se +
                                   (fit.n_hat - average) * (fit.n_hat - average));
    }
    const std::vector<bool> in_set =
        SupportedModels(search->fits, options.criterion, kSupportedDelta);
    for (size_t i = 0; i < search->fits.size(); ++i) {
      LogLinearFit& fit = search->fits[i];
      // Profile intervals for the models that carry weight (the rest do
      // not move the average, and profiling each costs ~100 refits).
      if (i == best || (options.profile_all && weights[i] >= kProfileWeight)) {
        if (absl::Status s = AddProfileInterval(h, &fit); !s.ok()) {
          fit.has_interval = false;
        }
      }
      ModelResult r = FromLogLinear(fit);
      r.weight = weights[i];
      out->models.push_back(r);
    }
    // The models with substantial support: each one's interval (its point
    // when it has none), so that well-supported models that disagree widen
    // the reported interval instead of being averaged away.
    // They disagree when one's estimate lies outside another's interval;
    // models that agree on N but differ in precision do not widen it.
    double point_low = kInf;
    double point_high = -kInf;
    double lowest_high = kInf;
    double highest_low = -kInf;
    for (size_t i = 0; i < search->fits.size(); ++i) {
      const LogLinearFit& fit = search->fits[i];
      if (fit.model.heterogeneity != Heterogeneity::kNone) {
        heterogeneity_weight += weights[i];
      }
      if (!in_set[i]) continue;
      const double low = fit.has_interval ? fit.ci_low : fit.n_hat;
      const double high = fit.has_interval ? fit.ci_high : fit.n_hat;
      set_low = std::min(set_low, low);
      set_high = std::max(set_high, high);
      point_low = std::min(point_low, fit.n_hat);
      point_high = std::max(point_high, fit.n_hat);
      lowest_high = std::min(lowest_high, high);
      highest_low = std::max(highest_low, low);
      ++set_size;
    }
    set_disagree = set_size > 1 &&
                   (point_high > lowest_high || point_low < highest_low);
    if (search->stepwise) {
      out->warnings.push_back(absl::StrCat(
          "log-linear models chosen by stepwise search (", search->fits.size(),
          " fitted), not full enumeration"));
    }
    avg.model = absl::StrCat(
        "log-linear average (",
        options.criterion == SelectionCriterion::kAic ? "AIC" : "BIC",
        " weights)");
    avg.family = "average";
    avg.n_hat = average;
    avg.has_interval = true;
    std::tie(avg.ci_low, avg.ci_high) =
        LogNormalInterval(static_cast<double>(out->observed), average, se);
    out->models.push_back(avg);
    have_average = true;
  } else {
    out->failures.push_back(std::string(search.status().message()));
  }

  std::optional<LatentClassEstimate> lc;
  if (options.fit_latent_class) {
    absl::StatusOr<LatentClassEstimate> fitted =
        FitLatentClass(h, options.latent_class, exec);
    if (fitted.ok()) {
      lc = *std::move(fitted);
      out->models.push_back(ModelResult{.model = "latent-class",
                                        .family = "latent-class",
                                        .n_hat = lc->median,
                                        .ci_low = lc->ci_low,
                                        .ci_high = lc->ci_high,
                                        .has_interval = true});
      if (lc->r_hat > 1.1) {
        AddFlag(out, "slow_mixing");
        out->warnings.push_back(absl::StrFormat(
            "latent-class chains disagree (R-hat %.2f): its interval is rough",
            lc->r_hat));
      }
    } else if (fitted.status().code() == absl::StatusCode::kCancelled ||
               fitted.status().code() == absl::StatusCode::kDeadlineExceeded) {
      return fitted.status();
    } else {
      out->failures.push_back(
          absl::StrCat("latent-class: ", fitted.status().message()));
    }
  }

  if (!have_average) {
    if (!lc.has_value()) return absl::OkStatus();
    // No log-linear model could be fitted: the latent-class posterior alone.
    out->estimated = true;
    out->model = "latent-class";
    out->n_hat = lc->median;
    out->ci_low = lc->ci_low;
    out->ci_high = lc->ci_high;
    out->draws = std::move(lc->draws);
    return absl::OkStatus();
  }
  out->estimated = true;
  out->model = avg.model;
  out->n_hat = avg.n_hat;
  out->ci_low = avg.ci_low;
  out->ci_high = avg.ci_high;
  if (set_disagree && (set_low < out->ci_low || set_high > out->ci_high)) {
    AddFlag(out, "models_disagree");
    out->warnings.push_back(absl::StrCat(
        "the ", set_size,
        " best-supported log-linear models (criterion within 2 of the best) "
        "disagree and reach outside the averaged interval [",
        Count(out->ci_low), ", ", Count(out->ci_high),
        "]: the interval spans their intervals, [", Count(set_low), ", ",
        Count(set_high), "]"));
    out->ci_low = std::max(static_cast<double>(out->observed),
                           std::min(out->ci_low, set_low));
    out->ci_high = std::max(out->ci_high, set_high);
    out->model = absl::StrCat(avg.model, ", interval spans the ", set_size,
                              " best-supported models");
  }
  // The families disagree when the latent-class median lies outside the
  // average's own interval; the reported interval then spans the
  // latent-class interval too.
  const bool families_disagree =
      lc.has_value() && (lc->median < avg.ci_low || lc->median > avg.ci_high);
  if (families_disagree) {
    AddFlag(out, "models_disagree");
    out->warnings.push_back(absl::StrCat(
        "the latent-class model (", Count(lc->median),
        ") lies outside the log-linear interval [", Count(avg.ci_low), ", ",
        Count(avg.ci_high),
        "]: the families read the unequal catchability differently; the "
        "interval spans both"));
    out->ci_low = std::min(out->ci_low, lc->ci_low);
    out->ci_high = std::max(out->ci_high, lc->ci_high);
    out->model = absl::StrCat(out->model,
                              ", interval widened to the latent-class model");
  }
  // Unequal catchability that the data cannot resolve: the models with a
  // heterogeneity term carry most of the weight and the latent-class model,
  // which reads the heterogeneity differently, falls outside the average's
  // interval. Every model here then misses the people whom every register
  // nearly always misses, by an amount the histories cannot measure
  // (bench/RESULTS.md, "Round 4"): say so, with the size of the gap.
  if (heterogeneity_weight > 0.5 && families_disagree) {
    AddFlag(out, "unequal_catchability");
    out->warnings.push_back(absl::StrFormat(
        "catchability differs between people in a way the registers' "
        "overlaps cannot pin down: %.0f%% of the log-linear weight is on "
        "models with a heterogeneity term, and the latent-class model "
        "differs from their average by %+.1f%%; people whom every register "
        "nearly always misses leave no trace in the histories, so the true "
        "count may lie above this interval",
        100.0 * heterogeneity_weight,
        100.0 * (lc->median - avg.n_hat) / avg.n_hat));
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

#include "linkage/estimate/loglinear.h"

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "Eigen/Dense"
#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"

namespace reckon {
namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();
// Chi-square with 1 degree of freedom, 0.95 quantile.
constexpr double kChiSq95 = 3.841458820694124;
// A fitted log-mean below this in a zero cell means the term driving it runs
// to minus infinity: the maximum likelihood estimate does not exist.
constexpr double kBoundaryLogMean = -18.0;
constexpr double kMaxAbsCoefficient = 30.0;
constexpr int kMaxIterations = 200;

int NumColumns(int k, const LogLinearModel& model) {
  return 1 + k + static_cast<int>(model.interactions.size()) +
         (model.heterogeneity == Heterogeneity::kNone ? 0 : 1);
}

// Design row of cell `mask`: 1, x_1..x_K, x_i x_j per interaction, then
// f(|h|) for a heterogeneity column.
Eigen::VectorXd DesignRow(uint32_t mask, int k, const LogLinearModel& model) {
  Eigen::VectorXd row(NumColumns(k, model));
  row(0) = 1.0;
  for (int i = 0; i < k; ++i) row(1 + i) = (mask >> i) & 1u ? 1.0 : 0.0;
  int col = 1 + k;
  for (const auto& [a, b] : model.interactions) {
    row(col++) = ((mask >> a) & 1u) && ((mask >> b) & 1u) ? 1.0 : 0.0;
  }
  if (model.heterogeneity != Heterogeneity::kNone) {
    row(col) = HeterogeneityColumn(model.heterogeneity, std::popcount(mask));
  }
  return row;
}

// Design over cells first_cell..2^K-1 (1 for the incomplete table, 0 for the
// complete one).
Eigen::MatrixXd Design(int k, const LogLinearModel& model, uint32_t first_cell) {
  const uint32_t cells = uint32_t{1} << k;
  const int p = NumColumns(k, model);
  Eigen::MatrixXd x(static_cast<Eigen::Index>(cells - first_cell), p);
  for (uint32_t mask = first_cell; mask < cells; ++mask) {
    x.row(static_cast<Eigen::Index>(mask - first_cell)) =
        DesignRow(mask, k, model).transpose();
  }
  return x;
}

double PoissonDeviance(const Eigen::VectorXd& y, const Eigen::VectorXd& mu) {
  double dev = 0.0;
  for (Eigen::Index i = 0; i < y.size(); ++i) {
    if (y(i) > 0.0) dev += y(i) * std::log(y(i) / mu(i));
    dev -= y(i) - mu(i);
  }
  return 2.0 * dev;
}

enum class GlmOutcome { kConverged, kSingular, kDiverged };

struct GlmFit {
  GlmOutcome outcome = GlmOutcome::kConverged;
  Eigen::VectorXd beta;
  Eigen::VectorXd eta;
};

// Poisson regression with log link by IRLS. `start` (if non-empty) is a
// coefficient vector to start from. Coefficients among the first
// `bounded_columns` beyond kMaxAbsCoefficient count as divergence; the
// heterogeneity column is left out of that test because its values can be
// small (Gamma3.5: |f(k)| < 0.6 for k <= 6), so a large coefficient there is
// an ordinary fit, and a runaway shows in the unseen cell instead.
GlmFit FitPoissonGlm(const Eigen::MatrixXd& x, const Eigen::VectorXd& y,
                     const Eigen::VectorXd& start,
                     Eigen::Index bounded_columns) {
  GlmFit fit;
  Eigen::VectorXd eta;
  if (start.size() == x.cols()) {
    eta = x * start;
  } else {
    eta = (y.array() + 0.5).log().matrix();
  }
  double previous_deviance = kInf;
  for (int iteration = 0; iteration < kMaxIterations; ++iteration) {
    eta = eta.array().min(700.0).max(-700.0).matrix();
    const Eigen::VectorXd mu = eta.array().exp().matrix();
    const Eigen::VectorXd z =
        eta + ((y - mu).array() / mu.array()).matrix();
    const Eigen::MatrixXd xtw = x.transpose() * mu.asDiagonal();
    const Eigen::MatrixXd info = xtw * x;
    const Eigen::LDLT<Eigen::MatrixXd> ldlt(info);
    const Eigen::VectorXd d = ldlt.vectorD().cwiseAbs();
    if (ldlt.info() != Eigen::Success || d.minCoeff() <= 1e-12 * d.maxCoeff()) {
      // Either the design is rank deficient or some cells' weights have
      // collapsed to zero: in both cases a direction is not identified.
      fit.outcome = GlmOutcome::kSingular;
      fit.eta = eta;
      return fit;
    }
    fit.beta = ldlt.solve(xtw * z);
    eta = x * fit.beta;
    const Eigen::VectorXd mu_new =
        eta.array().min(700.0).max(-700.0).exp().matrix();
    const double deviance = PoissonDeviance(y, mu_new);
    if (std::fabs(deviance - previous_deviance) <=
        1e-11 * (1.0 + std::fabs(deviance))) {
      break;
    }
    previous_deviance = deviance;
  }
  fit.eta = eta;
  const Eigen::Index bounded = std::min(bounded_columns, fit.beta.size());
  if (bounded > 0 &&
      fit.beta.head(bounded).cwiseAbs().maxCoeff() > kMaxAbsCoefficient) {
    fit.outcome = GlmOutcome::kDiverged;
  }
  for (Eigen::Index i = 0; i < y.size(); ++i) {
    if (y(i) == 0.0 && eta(i) < kBoundaryLogMean) {
      fit.outcome = GlmOutcome::kDiverged;
    }
  }
  return fit;
}

absl::Status CheckModel(const CaptureHistories& histories,
                        const LogLinearModel& model) {
  const int k = histories.num_sources();
  if (k < 2 || k > 6) {
    return absl::InvalidArgumentError(absl::StrCat(
        "log-linear models need 2 to 6 sources, got ", k));
  }
  for (size_t i = 0; i < model.interactions.size(); ++i) {
    const auto& [a, b] = model.interactions[i];
    if (a < 0 || b >= k || a >= b) {
      return absl::InvalidArgumentError(
          absl::StrCat("interaction (", a, ",", b, ") out of range for ", k,
                       " sources"));
    }
    for (size_t j = 0; j < i; ++j) {
      if (model.interactions[j] == model.interactions[i]) {
        return absl::InvalidArgumentError(
            absl::StrCat("interaction (", a, ",", b, ") repeated"));
      }
    }
  }
  if (histories.Observed() <= 0) {
    return absl::InvalidArgumentError("no observed entities");
  }
  return absl::OkStatus();
}

std::string ZeroCells(const CaptureHistories& histories) {
  std::vector<std::string> cells;
  for (uint32_t mask = 1; mask < histories.num_cells(); ++mask) {
    if (histories.count(mask) == 0) {
      cells.push_back(PatternString(mask, histories.num_sources()));
    }
  }
  return absl::StrJoin(cells, ", ");
}

// The profile log-likelihood of N (Cormack 1992), fitting the complete
// table. `warm` carries coefficients between calls.
class ProfileLikelihood {
 public:
  ProfileLikelihood(const CaptureHistories& histories,
                    const LogLinearModel& model)
      : k_(histories.num_sources()),
        x_(Design(k_, model, 0)),
        y_(Eigen::VectorXd::Zero(static_cast<Eigen::Index>(histories.num_cells()))),
        observed_(static_cast<double>(histories.Observed())) {
    for (uint32_t mask = 1; mask < histories.num_cells(); ++mask) {
      const double n = static_cast<double>(histories.count(mask));
      y_(mask) = n;
      log_factorials_ += std::lgamma(n + 1.0);
    }
  }

  double observed() const { return observed_; }

  // Returns nullopt if the complete-table fit fails.
  std::optional<double> At(double n_total) {
    const double unseen = std::max(n_total - observed_, 1e-9);
    const double total = observed_ + unseen;
    y_(0) = unseen;
    GlmFit fit = FitPoissonGlm(x_, y_, warm_, x_.cols());
    if (fit.outcome == GlmOutcome::kSingular) return std::nullopt;
    warm_ = fit.beta;
    double value = std::lgamma(total + 1.0) - std::lgamma(unseen + 1.0) -
                   log_factorials_;
    for (Eigen::Index i = 0; i < y_.size(); ++i) {
      if (y_(i) > 0.0) value += y_(i) * (fit.eta(i) - std::log(total));
    }
    return value;
  }

 private:
  int k_;
  Eigen::MatrixXd x_;
  Eigen::VectorXd y_;
  double observed_;
  double log_factorials_ = 0.0;
  Eigen::VectorXd warm_;
};

std::vector<std::pair<int, int>> AllPairs(int k) {
  std::vector<std::pair<int, int>> pairs;
  for (int a = 0; a < k; ++a) {
    for (int b = a + 1; b < k; ++b) pairs.emplace_back(a, b);
  }
  return pairs;
}

double Criterion(const LogLinearFit& fit, SelectionCriterion criterion) {
  return criterion == SelectionCriterion::kAic ? fit.aic : fit.bic;
}

}  // namespace

std::string HeterogeneityName(Heterogeneity heterogeneity) {
  switch (heterogeneity) {
    case Heterogeneity::kNone:
      return "";
    case Heterogeneity::kPoisson2:
      return "poisson2";
    case Heterogeneity::kDarroch:
      return "darroch";
    case Heterogeneity::kGamma35:
      return "gamma3.5";
  }
  return "";
}

double HeterogeneityColumn(Heterogeneity heterogeneity, int captures) {
  const double k = static_cast<double>(captures);
  switch (heterogeneity) {
    case Heterogeneity::kNone:
      return 0.0;
    case Heterogeneity::kPoisson2:
      return std::exp2(k) - 1.0;
    case Heterogeneity::kDarroch:
      return 0.5 * k * k;
    case Heterogeneity::kGamma35:
      return std::log(3.5) - std::log(3.5 + k);
  }
  return 0.0;
}

std::string LogLinearModelName(const LogLinearModel& model,
                               const std::vector<std::string>& sources) {
  std::vector<std::string> terms;
  for (const auto& [a, b] : model.interactions) {
    terms.push_back(absl::StrCat(sources[static_cast<size_t>(a)], "*",
                                 sources[static_cast<size_t>(b)]));
  }
  if (model.heterogeneity != Heterogeneity::kNone) {
    terms.push_back(absl::StrCat("heterogeneity (",
                                 HeterogeneityName(model.heterogeneity), ")"));
  }
  if (terms.empty()) return "independence";
  return absl::StrJoin(terms, " + ");
}

absl::StatusOr<LogLinearFit> FitLogLinear(const CaptureHistories& histories,
                                          const LogLinearModel& model,
                                          bool profile_interval) {
  if (absl::Status s = CheckModel(histories, model); !s.ok()) return s;
  const int k = histories.num_sources();
  LogLinearFit out;
  out.model = model;
  out.name = LogLinearModelName(model, histories.sources());
  out.parameters = NumColumns(k, model);
  const int cells = (1 << k) - 1;
  out.df = cells - out.parameters;
  if (out.df < 0) {
    return absl::FailedPreconditionError(absl::StrCat(
        "model ", out.name, ": ", out.parameters, " parameters for ", cells,
        " observed cells"));
  }
  const Eigen::MatrixXd x = Design(k, model, 1);
  Eigen::VectorXd y(cells);
  for (int mask = 1; mask <= cells; ++mask) {
    y(mask - 1) = static_cast<double>(histories.count(static_cast<uint32_t>(mask)));
  }
  const Eigen::Index bounded =
      x.cols() - (model.heterogeneity == Heterogeneity::kNone ? 0 : 1);
  const GlmFit fit = FitPoissonGlm(x, y, Eigen::VectorXd(), bounded);
  if (fit.outcome != GlmOutcome::kConverged) {
    const std::string zeros = ZeroCells(histories);
    return absl::FailedPreconditionError(absl::StrCat(
        "model ", out.name, ": not identifiable: ",
        zeros.empty() ? std::string("the fit does not converge")
                      : absl::StrCat("zero cells (", zeros,
                                     ") leave a term unbounded"),
        "; the maximum likelihood estimate does not exist"));
  }
  const Eigen::VectorXd mu = fit.eta.array().exp().matrix();
  out.deviance = PoissonDeviance(y, mu);
  double loglik = 0.0;
  for (Eigen::Index i = 0; i < y.size(); ++i) {
    loglik += y(i) * fit.eta(i) - mu(i) - std::lgamma(y(i) + 1.0);
  }
  const double n = static_cast<double>(histories.Observed());
  out.log_likelihood = loglik;
  out.aic = -2.0 * loglik + 2.0 * out.parameters;
  out.bic = -2.0 * loglik + out.parameters * std::log(n);
  {
    const Eigen::MatrixXd info = x.transpose() * mu.asDiagonal() * x;
    const Eigen::MatrixXd cov = info.ldlt().solve(
        Eigen::MatrixXd::Identity(info.rows(), info.cols()));
    for (Eigen::Index i = 0; i < fit.beta.size(); ++i) {
      out.coefficients.push_back(fit.beta(i));
      out.standard_errors.push_back(std::sqrt(std::max(cov(i, i), 0.0)));
    }
  }
  out.unseen = std::exp(fit.beta(0));
  out.n_hat = n + out.unseen;
  out.n_hat_se = std::sqrt(out.unseen + out.unseen * out.unseen *
                                            out.standard_errors[0] *
                                            out.standard_errors[0]);
  if (!std::isfinite(out.n_hat) || out.unseen > 1e6 * (n + 1.0)) {
    return absl::FailedPreconditionError(absl::StrCat(
        "model ", out.name,
        ": the unseen count runs off to infinity (the sources' overlaps "
        "are too small for this model)"));
  }
  if (profile_interval) {
    if (absl::Status s = AddProfileInterval(histories, &out); !s.ok()) {
      return s;
    }
  }
  return out;
}

absl::Status AddProfileInterval(const CaptureHistories& histories,
                                LogLinearFit* fit) {
  ProfileLikelihood profile(histories, fit->model);
  const double n = profile.observed();
  auto value = [&](double total) -> double {
    std::optional<double> v = profile.At(total);
    return v.has_value() ? *v : -kInf;
  };
  // Maximize the profile by golden-section search around the Poisson
  // estimate; the two differ by well under one person in practice.
  double lo = n;
  double hi = fit->n_hat + std::max(10.0, 2.0 * (fit->n_hat - n));
  const double phi = 0.5 * (std::sqrt(5.0) - 1.0);
  double a = hi - phi * (hi - lo);
  double b = lo + phi * (hi - lo);
  double fa = value(a);
  double fb = value(b);
  for (int i = 0; i < 80 && hi - lo > 1e-6 * (1.0 + hi); ++i) {
    if (fa < fb) {
      lo = a;
      a = b;
      fa = fb;
      b = lo + phi * (hi - lo);
      fb = value(b);
    } else {
      hi = b;
      b = a;
      fb = fa;
      a = hi - phi * (hi - lo);
      fa = value(a);
    }
  }
  double n_max = fa > fb ? a : b;
  double l_max = std::max(fa, fb);
  if (const double at_hat = value(fit->n_hat); at_hat > l_max) {
    l_max = at_hat;
    n_max = fit->n_hat;
  }
  if (!std::isfinite(l_max)) {
    return absl::FailedPreconditionError(absl::StrCat(
        "model ", fit->name, ": the profile likelihood cannot be evaluated"));
  }
  // Outside the interval where g > 0.
  auto g = [&](double total) { return 2.0 * (l_max - value(total)) - kChiSq95; };
  auto bisect = [&](double inside, double outside) {
    for (int i = 0; i < 100 && std::fabs(outside - inside) >
                                   1e-4 * (1.0 + std::fabs(inside));
         ++i) {
      const double mid = 0.5 * (inside + outside);
      if (g(mid) > 0.0) {
        outside = mid;
      } else {
        inside = mid;
      }
    }
    return 0.5 * (inside + outside);
  };
  fit->ci_low = g(n) <= 0.0 ? n : bisect(n_max, n);
  double step = std::max(1.0, n_max - n);
  double upper = n_max + step;
  const double limit = std::max(1e12, 1e6 * (n + 1.0));
  while (g(upper) <= 0.0) {
    step *= 2.0;
    upper = n_max + step;
    if (upper > limit) {
      upper = kInf;
      break;
    }
  }
  fit->ci_high = std::isfinite(upper) ? bisect(n_max, upper) : kInf;
  fit->has_interval = true;
  return absl::OkStatus();
}

size_t BestFit(const std::vector<LogLinearFit>& fits,
               SelectionCriterion criterion) {
  size_t best = 0;
  for (size_t i = 1; i < fits.size(); ++i) {
    if (Criterion(fits[i], criterion) < Criterion(fits[best], criterion)) {
      best = i;
    }
  }
  return best;
}

absl::StatusOr<LogLinearSearch> FitLogLinearModels(
    const CaptureHistories& histories, const LogLinearSearchOptions& options) {
  if (absl::Status s = CheckModel(histories, LogLinearModel{}); !s.ok()) {
    return s;
  }
  const int k = histories.num_sources();
  LogLinearSearch search;
  const std::vector<std::pair<int, int>> pairs = k == 2
                                                     ? std::vector<std::pair<int, int>>{}
                                                     : AllPairs(k);
  auto try_fit = [&](const LogLinearModel& model) -> const LogLinearFit* {
    for (const LogLinearFit& done : search.fits) {
      if (done.model == model) return &done;
    }
    for (const auto& failed : search.failures) {
      if (failed.first == LogLinearModelName(model, histories.sources())) {
        return nullptr;
      }
    }
    absl::StatusOr<LogLinearFit> fit =
        FitLogLinear(histories, model, /*profile_interval=*/false);
    if (!fit.ok()) {
      search.failures.emplace_back(
          LogLinearModelName(model, histories.sources()), fit.status());
      return nullptr;
    }
    search.fits.push_back(*std::move(fit));
    return &search.fits.back();
  };
  std::vector<Heterogeneity> forms = {Heterogeneity::kNone};
  if (options.heterogeneity && k >= 3) {
    forms.insert(forms.end(), {Heterogeneity::kPoisson2, Heterogeneity::kDarroch,
                               Heterogeneity::kGamma35});
  }
  if (k <= 4) {
    const size_t subsets = size_t{1} << pairs.size();
    for (const Heterogeneity form : forms) {
      for (size_t subset = 0; subset < subsets; ++subset) {
        LogLinearModel model;
        model.heterogeneity = form;
        for (size_t e = 0; e < pairs.size(); ++e) {
          if (subset & (size_t{1} << e)) model.interactions.push_back(pairs[e]);
        }
        try_fit(model);
      }
    }
  } else {
    search.stepwise = true;
    // One stepwise path per heterogeneity form; the criterion then picks
    // among everything fitted on the way.
    for (const Heterogeneity form : forms) {
      LogLinearModel current;
      current.heterogeneity = form;
      const LogLinearFit* current_fit = try_fit(current);
      double current_value = current_fit != nullptr
                                 ? Criterion(*current_fit, options.criterion)
                                 : kInf;
      for (int step = 0; step < 64; ++step) {
        bool improved = false;
        // Forward: the best single addition.
        std::optional<LogLinearModel> best_model;
        double best_value = current_value;
        for (const auto& pair : pairs) {
          if (std::find(current.interactions.begin(), current.interactions.end(),
                        pair) != current.interactions.end()) {
            continue;
          }
          LogLinearModel candidate = current;
          candidate.interactions.push_back(pair);
          std::sort(candidate.interactions.begin(), candidate.interactions.end());
          const LogLinearFit* fit = try_fit(candidate);
          if (fit != nullptr && Criterion(*fit, options.criterion) < best_value) {
            best_value = Criterion(*fit, options.criterion);
            best_model = candidate;
          }
        }
        if (best_model.has_value()) {
          current = *best_model;
          current_value = best_value;
          improved = true;
        }
        // Backward: the best single removal.
        best_model.reset();
        for (size_t e = 0; e < current.interactions.size(); ++e) {
          LogLinearModel candidate = current;
          candidate.interactions.erase(candidate.interactions.begin() +
                                       static_cast<std::ptrdiff_t>(e));
          const LogLinearFit* fit = try_fit(candidate);
          if (fit != nullptr && Criterion(*fit, options.criterion) < best_value) {
            best_value = Criterion(*fit, options.criterion);
            best_model = candidate;
          }
        }
        if (best_model.has_value()) {
          current = *best_model;
          current_value = best_value;
          improved = true;
        }
        if (!improved) break;
      }
    }
  }
  if (search.fits.empty()) {
    if (!search.failures.empty()) return search.failures.front().second;
    return absl::FailedPreconditionError("no log-linear model could be fitted");
  }
  if (options.profile_all) {
    for (LogLinearFit& fit : search.fits) {
      if (absl::Status s = AddProfileInterval(histories, &fit); !s.ok()) {
        fit.has_interval = false;
      }
    }
  } else {
    LogLinearFit& best = search.fits[BestFit(search.fits, options.criterion)];
    if (absl::Status s = AddProfileInterval(histories, &best); !s.ok()) {
      best.has_interval = false;
    }
  }
  return search;
}

}  // namespace reckon

// Log-linear multiple systems estimation (Fienberg 1972; Bishop, Fienberg &
// Holland 1975, ch. 6): the counts of the 2^K - 1 observed capture
// histories are Poisson with
//
//   log mu_h = u + sum_i u_i x_i(h) + sum_{(i,j) in E} u_ij x_i(h) x_j(h),
//
// x_i(h) = 1 if history h includes source i. The model is fitted to the
// incomplete table by iteratively reweighted least squares (Eigen), and the
// unseen cell is extrapolated as mu_0 = exp(u): N = observed + mu_0. The
// models are hierarchical with at most two-way terms (the K-way term is never
// identifiable); E = {} is independence.
//
// Heterogeneous catchability (Rcapture's Mth models; Darroch, Fienberg,
// Glonek & Junker 1993; Rivest & Levesque 2001; Rivest 2011) adds one more
// column, eta f(|h|), a fixed convex function of the number of sources that
// caught the history, f(0) = 0:
//   Poisson2: f(k) = 2^k - 1;   Darroch: f(k) = k^2 / 2;
//   Gamma3.5: f(k) = -log(3.5 + k) + log(3.5).
// It stands for a capture probability that varies between people in the same
// way for every source (a random effect), which pushes the unseen count up
// when people caught several times are over-represented.
//
// The 95% interval is Cormack's (1992) profile likelihood interval: for a
// candidate N the model is fitted to the complete table with n_0 = N - n in
// the unseen cell and the multinomial log-likelihood
//   l(N) = log N! - log n_0! - sum_h log n_h! + sum_h n_h log(mu_h / N)
// (all 2^K cells) is profiled; the interval holds the N with
// 2 (max l - l(N)) <= 3.841 (chi-square, 1 df). Its upper end is infinite
// when the likelihood never falls that far (the data cannot bound N).
//
// AIC = -2 log L + 2p and BIC = -2 log L + p log(n), with L the Poisson
// likelihood of the observed cells and n the observed count (as Rcapture).
#ifndef RECKON_LINKAGE_ESTIMATE_LOGLINEAR_H_
#define RECKON_LINKAGE_ESTIMATE_LOGLINEAR_H_

#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "linkage/estimate/capture_histories.h"

namespace reckon {

enum class Heterogeneity { kNone, kPoisson2, kDarroch, kGamma35 };

// "poisson2", "darroch", "gamma3.5" (empty for kNone).
std::string HeterogeneityName(Heterogeneity heterogeneity);

// f(captures) of the heterogeneity column (0 for kNone).
double HeterogeneityColumn(Heterogeneity heterogeneity, int captures);

// Two-way interaction terms (i < j, sorted); empty is independence. With
// `heterogeneity` the model has the extra column described above.
struct LogLinearModel {
  std::vector<std::pair<int, int>> interactions;
  Heterogeneity heterogeneity = Heterogeneity::kNone;

  friend bool operator==(const LogLinearModel&,
                         const LogLinearModel&) = default;
};

// "independence" or "a*b + b*c" with the sources' names, followed by
// " + heterogeneity (darroch)" and the like ("heterogeneity (darroch)" alone
// on top of independence).
std::string LogLinearModelName(const LogLinearModel& model,
                               const std::vector<std::string>& sources);

struct LogLinearFit {
  LogLinearModel model;
  std::string name;
  int parameters = 0;
  int df = 0;  // observed cells - parameters
  double deviance = 0.0;
  double log_likelihood = 0.0;
  double aic = 0.0;
  double bic = 0.0;
  // Coefficients in design order (intercept, main effects, interactions in
  // `model` order, then the heterogeneity column) and their standard errors
  // from the inverse information.
  std::vector<double> coefficients;
  std::vector<double> standard_errors;
  double unseen = 0.0;  // mu_0
  double n_hat = 0.0;
  // Standard error of n_hat, sqrt(mu_0 + mu_0^2 var(u)) (delta method with
  // the multinomial term, as Rcapture's `stderr`).
  double n_hat_se = 0.0;
  // Profile-likelihood 95% interval; ci_high may be +infinity.
  bool has_interval = false;
  double ci_low = 0.0;
  double ci_high = 0.0;
};

// Fits one model. Fails with:
//  - kInvalidArgument if K is outside 2..6, an interaction is out of range or
//    repeated, or the table is empty;
//  - kFailedPrecondition naming the cause when the model cannot be estimated:
//    more parameters than observed cells, zero cells that leave a term
//    unbounded (the maximum likelihood estimate does not exist), or an
//    unseen cell that runs off to infinity.
// With `profile_interval` the profile-likelihood interval is computed too
// (about a hundred further fits of the complete table).
absl::StatusOr<LogLinearFit> FitLogLinear(const CaptureHistories& histories,
                                          const LogLinearModel& model,
                                          bool profile_interval = true);

// Adds the profile-likelihood interval to `fit` (fitted to `histories`).
absl::Status AddProfileInterval(const CaptureHistories& histories,
                                LogLinearFit* fit);

enum class SelectionCriterion { kAic, kBic };

struct LogLinearSearch {
  // Every model that could be fitted, in the order tried.
  std::vector<LogLinearFit> fits;
  // Models that could not, with the reason.
  std::vector<std::pair<std::string, absl::Status>> failures;
  // True when the models came from a stepwise search (K >= 5) instead of
  // full enumeration.
  bool stepwise = false;
};

struct LogLinearSearchOptions {
  SelectionCriterion criterion = SelectionCriterion::kBic;
  // For K >= 3, also every model with each heterogeneity column (Poisson2,
  // Darroch, Gamma3.5) on top of its two-way terms.
  bool heterogeneity = true;
  // Profile intervals for every model; otherwise only for the best one.
  bool profile_all = true;
};

// K = 2: the independence model only (Lincoln-Petersen). K = 3, 4: every
// hierarchical model with two-way terms (2^(K(K-1)/2) of them), each also
// with every heterogeneity column when `options.heterogeneity`. K = 5, 6: a
// stepwise search from independence (and from each heterogeneity column
// alone), adding the two-way term that lowers the criterion most, then
// dropping any term whose removal lowers it, until no step helps. Fails only for bad input (kInvalidArgument) or when no
// model at all can be fitted (kFailedPrecondition, with the first reason).
absl::StatusOr<LogLinearSearch> FitLogLinearModels(
    const CaptureHistories& histories, const LogLinearSearchOptions& options);

// Index into `fits` of the model with the lowest criterion.
size_t BestFit(const std::vector<LogLinearFit>& fits,
               SelectionCriterion criterion);

}  // namespace reckon

#endif  // RECKON_LINKAGE_ESTIMATE_LOGLINEAR_H_

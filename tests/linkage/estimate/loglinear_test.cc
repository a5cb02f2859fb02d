#include "linkage/estimate/loglinear.h"

#include <cmath>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/status_matchers.h"

namespace reckon {
namespace {

using ::reckon_testing::StatusIs;
using ::testing::HasSubstr;

CaptureHistories Table(int k, const std::vector<std::pair<std::string, int64_t>>& cells) {
  std::vector<std::string> names;
  for (int i = 0; i < k; ++i) names.push_back(std::string(1, static_cast<char>('a' + i)));
  CaptureHistories h(names);
  for (const auto& [pattern, n] : cells) h.Add(*ParsePattern(pattern, k), n);
  return h;
}

// The hepatitis A outbreak data of Chao et al. (2001), lists P, Q, E.
CaptureHistories Hav() {
  return Table(3, {{"111", 28}, {"110", 21}, {"101", 17}, {"100", 69},
                   {"011", 18}, {"010", 55}, {"001", 63}});
}

// Slow reference for two lists: the independence model on the complete
// table has closed-form fitted values mu_ij = row_i col_j / N, so Cormack's
// profile likelihood can be scanned on a fine grid without any fitting.
double TwoListProfile(double n1, double n2, double m, double total) {
  const double seen = n1 + n2 - m;
  const double cells[4] = {m, n1 - m, n2 - m, total - seen};
  const double mus[4] = {n1 * n2 / total, n1 * (total - n2) / total,
                         (total - n1) * n2 / total,
                         (total - n1) * (total - n2) / total};
  double value = std::lgamma(total + 1.0) - std::lgamma(total - seen + 1.0);
  for (int i = 0; i < 3; ++i) value -= std::lgamma(cells[i] + 1.0);
  for (int i = 0; i < 4; ++i) {
    if (cells[i] > 0) value += cells[i] * std::log(mus[i] / total);
  }
  return value;
}

TEST(LogLinearTest, TwoListIndependenceIsLincolnPetersenWithProfileInterval) {
  const CaptureHistories h = Table(2, {{"11", 20}, {"10", 80}, {"01", 60}});
  absl::StatusOr<LogLinearFit> fit = FitLogLinear(h, LogLinearModel{});
  ASSERT_TRUE(fit.ok()) << fit.status();
  EXPECT_NEAR(fit->n_hat, 400.0, 1e-6);  // 100 * 80 / 20
  EXPECT_EQ(fit->df, 0);
  double best = -1e300;
  double best_n = 0.0;
  std::vector<std::pair<double, double>> grid;
  for (double n = 160.001; n < 3000.0; n += 0.01) {
    const double v = TwoListProfile(100, 80, 20, n);
    grid.emplace_back(n, v);
    if (v > best) {
      best = v;
      best_n = n;
    }
  }
  double low = 0.0;
  double high = 0.0;
  for (const auto& [n, v] : grid) {
    if (2.0 * (best - v) <= 3.841458820694124) {
      if (low == 0.0) low = n;
      high = n;
    }
  }
  EXPECT_NEAR(fit->ci_low, low, 0.05);
  EXPECT_NEAR(fit->ci_high, high, 0.05);
  EXPECT_LT(fit->ci_low, best_n);
  EXPECT_GT(fit->ci_high, best_n);
}

TEST(LogLinearTest, ThreeListIndependenceSolvesDarrochsEquation) {
  // Under independence the estimate solves 1 - n/N = prod_j (1 - n_j/N)
  // (Darroch 1958); here n = 271, n_j = 135, 122, 126. Solved by bisection.
  auto f = [](double n) {
    return (1 - 135 / n) * (1 - 122 / n) * (1 - 126 / n) - (1 - 271 / n);
  };
  double lo = 300.0;
  double hi = 1000.0;
  for (int i = 0; i < 200; ++i) {
    const double mid = 0.5 * (lo + hi);
    (f(mid) > 0) == (f(lo) > 0) ? lo = mid : hi = mid;
  }
  absl::StatusOr<LogLinearFit> fit = FitLogLinear(Hav(), LogLinearModel{}, false);
  ASSERT_TRUE(fit.ok()) << fit.status();
  EXPECT_NEAR(fit->n_hat, 0.5 * (lo + hi), 1e-4);
  EXPECT_EQ(fit->parameters, 4);
  EXPECT_EQ(fit->df, 3);
}

TEST(LogLinearTest, AllTwoWayThreeListModelHasClosedForm) {
  // With every two-way term the table is saturated and the unseen cell is
  // n100 n010 n001 n111 / (n110 n101 n011) = 69*55*63*28 / (21*17*18)
  //   = 6694380 / 6426 = 1041.765; N = 271 + 1041.765.
  LogLinearModel all{{{0, 1}, {0, 2}, {1, 2}}};
  absl::StatusOr<LogLinearFit> fit = FitLogLinear(Hav(), all);
  ASSERT_TRUE(fit.ok()) << fit.status();
  EXPECT_NEAR(fit->n_hat, 1312.765, 1e-3);
  EXPECT_NEAR(fit->deviance, 0.0, 1e-8);
  EXPECT_EQ(fit->df, 0);
  EXPECT_LT(fit->ci_low, fit->n_hat);
  EXPECT_GT(fit->ci_high, fit->n_hat);
  EXPECT_EQ(fit->name, "a*b + a*c + b*c");
}

TEST(LogLinearTest, AicAndBicDifferByTheParameterPenalty) {
  absl::StatusOr<LogLinearFit> fit = FitLogLinear(Hav(), LogLinearModel{{{0, 1}}}, false);
  ASSERT_TRUE(fit.ok());
  EXPECT_EQ(fit->parameters, 5);
  EXPECT_NEAR(fit->bic - fit->aic, 5.0 * (std::log(271.0) - 2.0), 1e-9);
}

TEST(LogLinearTest, ZeroCellsMakeTheSaturatedModelNonIdentifiable) {
  // n110 = 0: the all-two-way estimate would divide by zero.
  const CaptureHistories h = Table(3, {{"111", 5}, {"101", 7}, {"100", 30},
                                       {"011", 9}, {"010", 25}, {"001", 20}});
  LogLinearModel all{{{0, 1}, {0, 2}, {1, 2}}};
  EXPECT_THAT(FitLogLinear(h, all),
              StatusIs(absl::StatusCode::kFailedPrecondition, HasSubstr("110")));
  // The independence model is still fine.
  EXPECT_TRUE(FitLogLinear(h, LogLinearModel{}).ok());
}

TEST(LogLinearTest, RejectsBadModels) {
  EXPECT_THAT(FitLogLinear(Hav(), LogLinearModel{{{1, 0}}}),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("out of range")));
  EXPECT_THAT(FitLogLinear(Hav(), LogLinearModel{{{0, 1}, {0, 1}}}),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("repeated")));
  const CaptureHistories two = Table(2, {{"11", 3}, {"10", 4}, {"01", 5}});
  EXPECT_THAT(FitLogLinear(two, LogLinearModel{{{0, 1}}}),
              StatusIs(absl::StatusCode::kFailedPrecondition, HasSubstr("parameters")));
}

TEST(LogLinearTest, EnumeratesEveryTwoWayModelForThreeAndFourLists) {
  absl::StatusOr<LogLinearSearch> three =
      FitLogLinearModels(Hav(), {.heterogeneity = false});
  ASSERT_TRUE(three.ok());
  EXPECT_EQ(three->fits.size(), 8u);
  EXPECT_FALSE(three->stepwise);
  // The saturated model fits exactly; AIC = -2 log L + 2 * 7 and it is the
  // lowest here because the data are far from independence.
  const LogLinearFit& best = three->fits[BestFit(three->fits, SelectionCriterion::kAic)];
  EXPECT_EQ(best.model.interactions.size(), 3u);
  for (const LogLinearFit& fit : three->fits) EXPECT_TRUE(fit.has_interval);

  CaptureHistories four({"a", "b", "c", "d"});
  for (uint32_t mask = 1; mask < 16; ++mask) four.Add(mask, 10 + mask);
  absl::StatusOr<LogLinearSearch> all = FitLogLinearModels(four, {.profile_all = false});
  ASSERT_TRUE(all.ok());
  // 64 sets of two-way terms, each alone and with 3 heterogeneity columns.
  EXPECT_EQ(all->fits.size() + all->failures.size(), 256u);
}

TEST(LogLinearTest, HeterogeneityColumnsAreRcapturesForms) {
  // Rcapture (Baillargeon & Rivest 2007): Poisson f(k) = 2^k - 1, Darroch
  // k^2 / 2, Gamma f(k) = -log(3.5 + k) + log(3.5); all vanish at k = 0.
  EXPECT_DOUBLE_EQ(HeterogeneityColumn(Heterogeneity::kPoisson2, 3), 7.0);
  EXPECT_DOUBLE_EQ(HeterogeneityColumn(Heterogeneity::kDarroch, 3), 4.5);
  EXPECT_NEAR(HeterogeneityColumn(Heterogeneity::kGamma35, 2),
              std::log(3.5 / 5.5), 1e-15);
  for (Heterogeneity h : {Heterogeneity::kNone, Heterogeneity::kPoisson2,
                          Heterogeneity::kDarroch, Heterogeneity::kGamma35}) {
    EXPECT_EQ(HeterogeneityColumn(h, 0), 0.0);
  }
  LogLinearModel model{{{0, 1}}, Heterogeneity::kDarroch};
  absl::StatusOr<LogLinearFit> fit = FitLogLinear(Hav(), model, false);
  ASSERT_TRUE(fit.ok()) << fit.status();
  EXPECT_EQ(fit->name, "a*b + heterogeneity (darroch)");
  EXPECT_EQ(fit->parameters, 6);
  EXPECT_EQ(fit->df, 1);
  EXPECT_EQ(LogLinearModelName(LogLinearModel{{}, Heterogeneity::kPoisson2},
                               {"a", "b", "c"}),
            "heterogeneity (poisson2)");
}

TEST(LogLinearTest, FiveListsUseStepwiseSearch) {
  CaptureHistories five({"a", "b", "c", "d", "e"});
  for (uint32_t mask = 1; mask < 32; ++mask) five.Add(mask, 5 + (mask % 7));
  absl::StatusOr<LogLinearSearch> s = FitLogLinearModels(five, {.profile_all = false});
  ASSERT_TRUE(s.ok()) << s.status();
  EXPECT_TRUE(s->stepwise);
  EXPECT_LT(s->fits.size(), 1024u);
  EXPECT_TRUE(s->fits[BestFit(s->fits, SelectionCriterion::kBic)].has_interval);
}

}  // namespace
}  // namespace reckon

// Reproduces published multiple-systems estimates.
//
// 1. UK modern slavery 2013 (Silverman 2014, "Modern Slavery: an application
//    of multiple systems estimation", Home Office; Bales, Hesketh &
//    Silverman 2015, Significance 12(3)). Six lists (LA local authorities,
//    NG non-government organisations, PF police forces, GO government
//    organisations, GP general public, NCA National Crime Agency), 2,744
//    known cases; counts as in Silverman's R package modslavmse (data
//    UKdat). Published: "an estimate of between 10 thousand and 13 thousand,
//    in total, of potential victims in the UK in 2013"
//    (https://www.gov.uk/government/publications/modern-slavery-an-
//    application-of-multiple-systems-estimation). Method: Poisson log-linear
//    models, main effects plus two-way interactions added one at a time by
//    AIC while the added term is significant at 5%, with Rcapture's profile
//    likelihood interval (Cormack 1992) -- the procedure below.
//
// 2. Hepatitis A outbreak in a Taiwanese college, 1995 (Chao, Tsay, Lin,
//    Shau & Chao 2001, Statistics in Medicine 20:3123-3157; data in the R
//    package CARE1 as HAV): lists P (serum test, 135 cases), Q (hospital
//    reports, 122), E (epidemiologists, 126), 271 distinct. A later serum
//    screening of all students found 545 infected: the published truth.
//    Estimates must agree with the analytic forms (Darroch 1958 for
//    independence; the saturated closed form) and the heterogeneity-robust
//    interval must cover 545, which independence (388) misses.
#include <cmath>
#include <string>
#include <utility>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "linkage/estimate/capture_histories.h"
#include "linkage/estimate/estimator.h"
#include "linkage/estimate/loglinear.h"

namespace reckon {
namespace {

CaptureHistories UkModernSlavery2013() {
  // Pattern digits in the order LA, NG, PF, GO, GP, NCA.
  const std::vector<std::pair<std::string, int64_t>> cells = {
      {"100000", 54}, {"010000", 463}, {"001000", 907}, {"000100", 695},
      {"000010", 316}, {"000001", 57}, {"110000", 15}, {"101000", 19},
      {"100100", 3},  {"011000", 56},  {"010100", 19},  {"010010", 1},
      {"010001", 3},  {"001100", 69},  {"001010", 10},  {"001001", 31},
      {"000110", 8},  {"000101", 6},   {"000011", 1},   {"111000", 1},
      {"110100", 1},  {"011100", 4},   {"011001", 3},   {"001101", 1},
      {"111100", 1}};
  CaptureHistories h({"LA", "NG", "PF", "GO", "GP", "NCA"});
  for (const auto& [pattern, n] : cells) h.Add(*ParsePattern(pattern, 6), n);
  return h;
}

TEST(PublishedDataTest, UkModernSlavery2013BetweenTenAndThirteenThousand) {
  const CaptureHistories h = UkModernSlavery2013();
  ASSERT_EQ(h.Observed(), 2744);
  // Bales-Hesketh-Silverman stepwise: add the interaction that lowers AIC
  // most; keep it only if its Wald p-value is below 0.05.
  LogLinearModel model;
  absl::StatusOr<LogLinearFit> current = FitLogLinear(h, model, false);
  ASSERT_TRUE(current.ok()) << current.status();
  while (true) {
    std::optional<LogLinearFit> best;
    for (int a = 0; a < 6; ++a) {
      for (int b = a + 1; b < 6; ++b) {
        const std::pair<int, int> term(a, b);
        if (std::find(model.interactions.begin(), model.interactions.end(), term) !=
            model.interactions.end()) {
          continue;
        }
        LogLinearModel candidate = model;
        candidate.interactions.push_back(term);  // appended: last coefficient
        absl::StatusOr<LogLinearFit> fit = FitLogLinear(h, candidate, false);
        if (fit.ok() && (!best.has_value() || fit->aic < best->aic)) best = *fit;
      }
    }
    if (!best.has_value() || best->aic >= current->aic) break;
    const double z = best->coefficients.back() / best->standard_errors.back();
    const double p_value = std::erfc(std::fabs(z) / std::sqrt(2.0));
    if (p_value > 0.05) break;
    model = best->model;
    current = *best;
  }
  ASSERT_TRUE(AddProfileInterval(h, &*current).ok());
  EXPECT_GT(model.interactions.size(), 0u);
  // Published: between 10 and 13 thousand (rounded to thousands).
  EXPECT_EQ(std::lround(current->ci_low / 1000.0), 10);
  EXPECT_EQ(std::lround(current->ci_high / 1000.0), 13);
  EXPECT_GT(current->n_hat, 10000.0);
  EXPECT_LT(current->n_hat, 13000.0);
}

TEST(PublishedDataTest, HepatitisACountsAndTruthOfChaoEtAl2001) {
  CaptureHistories h({"P", "Q", "E"});
  const std::vector<std::pair<std::string, int64_t>> cells = {
      {"111", 28}, {"110", 21}, {"101", 17}, {"100", 69},
      {"011", 18}, {"010", 55}, {"001", 63}};
  for (const auto& [pattern, n] : cells) h.Add(*ParsePattern(pattern, 3), n);
  // The published list sizes and merged count.
  EXPECT_THAT(h.SourceCounts(), testing::ElementsAre(135, 122, 126));
  EXPECT_EQ(h.Observed(), 271);
  absl::StatusOr<LogLinearFit> independence = FitLogLinear(h, LogLinearModel{});
  ASSERT_TRUE(independence.ok());
  EXPECT_LT(independence->ci_high, 545.0);  // confidently wrong
  absl::StatusOr<Estimate> e = EstimatePopulation(h, EstimateOptions{});
  ASSERT_TRUE(e.ok()) << e.status();
  EXPECT_LE(e->ci_low, 545.0);
  EXPECT_GE(e->ci_high, 545.0);
}

}  // namespace
}  // namespace reckon

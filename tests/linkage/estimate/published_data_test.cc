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
//
// 3. Diabetes in the province of Turin, Italy (Bruno, LaPorte, Merletti,
//    Biggeri, McCarty & Pagano 1994, Diabetes Care 17(6):548-556): four
//    lists (c1 diabetic clinics, c2 hospital discharges, c3 prescriptions,
//    c4 reimbursements), 2,069 known cases. Published estimates, abundance /
//    standard error / deviance / df: Bruno et al.'s model (every two-way
//    term but c1*c4) 2771 / 145 / 7.62 / 5; Rivest (2011, "A lower bound
//    model for multiple record systems estimation with heterogeneous
//    catchability", Int. J. Biostatistics 7(1):23) with c1*c3 + c2*c4 +
//    c3*c4: no heterogeneity 2472 / 53 / 21.97 / 7, Poisson2 2573 / 76 /
//    12.88 / 6, Darroch 2752 / 133 / 8.32 / 6, Gamma3.5 2964 / 219 / 6.74 /
//    6. Counts and values as checked by Rcapture's own tests
//    (inst/tests/testPapersResults.R, "Rcapture reproduces Rivest (2011)
//    results for the diabetes data of Bruno et al. (1994)").
//
// 4. Darroch, Fienberg, Glonek & Junker (1993, JASA 88:1137-1148), their
//    three-list R3 data, as re-analysed by Rivest (2011): saturated model
//    1240 (standard error 451); without the c1*c3 term 850 (186), deviance
//    3.8 on 1 df; Darroch heterogeneity with c1*c2 1181.8 (404.2).
#include <cmath>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
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

namespace reckon {
namespace {

// Rcapture's histpos.t order: histories from 1...1 down to 0...01, the first
// digit the most significant.
CaptureHistories FromRcaptureOrder(int k, const std::vector<int64_t>& counts) {
  std::vector<std::string> names;
  for (int j = 1; j <= k; ++j) names.push_back(absl::StrCat("c", j));
  CaptureHistories h(names);
  const uint32_t cells = 1u << k;
  for (uint32_t row = 0; row + 1 < cells; ++row) {
    const uint32_t value = cells - 1 - row;  // binary, c1 the top bit
    std::string pattern;
    for (int j = k - 1; j >= 0; --j) pattern.push_back((value >> j) & 1u ? '1' : '0');
    h.Add(*ParsePattern(pattern, k), counts[row]);
  }
  return h;
}

struct Published {
  LogLinearModel model;
  double abundance;
  double stderr_;
  double deviance;  // < 0 when not published
  int df;
};

TEST(PublishedDataTest, DiabetesOfBrunoEtAl1994AsRivest2011) {
  const CaptureHistories h = FromRcaptureOrder(
      4, {58, 157, 18, 104, 46, 650, 12, 709, 14, 20, 7, 74, 8, 182, 10});
  ASSERT_EQ(h.Observed(), 2069);
  ASSERT_EQ(h.count(*ParsePattern("1010", 4)), 650);  // c1 and c3 only
  // Sources 0..3 are c1..c4.
  const std::vector<std::pair<int, int>> rivest = {{0, 2}, {1, 3}, {2, 3}};
  const std::vector<Published> published = {
      {{{{0, 1}, {0, 2}, {1, 2}, {1, 3}, {2, 3}}}, 2771, 145, 7.62, 5},
      {{rivest}, 2472, 53, 21.97, 7},
      {{rivest, Heterogeneity::kPoisson2}, 2573, 76, 12.88, 6},
      {{rivest, Heterogeneity::kDarroch}, 2752, 133, 8.32, 6},
      {{rivest, Heterogeneity::kGamma35}, 2964, 219, 6.74, 6},
  };
  for (const Published& p : published) {
    absl::StatusOr<LogLinearFit> fit = FitLogLinear(h, p.model, false);
    ASSERT_TRUE(fit.ok()) << fit.status();
    SCOPED_TRACE(fit->name);
    EXPECT_EQ(std::lround(fit->n_hat), std::lround(p.abundance));
    EXPECT_EQ(std::lround(fit->n_hat_se), std::lround(p.stderr_));
    EXPECT_NEAR(fit->deviance, p.deviance, 0.005);
    EXPECT_EQ(fit->df, p.df);
  }
}

TEST(PublishedDataTest, R3DataOfDarrochEtAl1993AsRivest2011) {
  const CaptureHistories h = FromRcaptureOrder(3, {72, 155, 7, 71, 13, 53, 43});
  ASSERT_EQ(h.Observed(), 414);
  absl::StatusOr<LogLinearFit> saturated =
      FitLogLinear(h, LogLinearModel{{{0, 1}, {0, 2}, {1, 2}}}, false);
  ASSERT_TRUE(saturated.ok());
  EXPECT_EQ(std::lround(saturated->n_hat), 1240);
  EXPECT_EQ(std::lround(saturated->n_hat_se), 451);
  absl::StatusOr<LogLinearFit> inter2 =
      FitLogLinear(h, LogLinearModel{{{0, 1}, {1, 2}}}, false);
  ASSERT_TRUE(inter2.ok());
  EXPECT_EQ(std::lround(inter2->n_hat), 850);
  EXPECT_EQ(std::lround(inter2->n_hat_se), 186);
  EXPECT_NEAR(inter2->deviance, 3.8, 0.05);
  EXPECT_EQ(inter2->df, 1);
  absl::StatusOr<LogLinearFit> darroch =
      FitLogLinear(h, LogLinearModel{{{0, 1}}, Heterogeneity::kDarroch}, false);
  ASSERT_TRUE(darroch.ok());
  EXPECT_NEAR(darroch->n_hat, 1181.8, 0.05);
  EXPECT_NEAR(darroch->n_hat_se, 404.2, 0.05);
}

}  // namespace
}  // namespace reckon

#include "linkage/estimate/estimator.h"

#include <cmath>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/status_matchers.h"

namespace reckon {
namespace {

using ::reckon_testing::StatusIs;
using ::testing::Contains;
using ::testing::HasSubstr;

CaptureHistories Table(std::vector<std::string> names,
                       const std::vector<std::pair<std::string, int64_t>>& cells) {
  const int k = static_cast<int>(names.size());
  CaptureHistories h(std::move(names));
  for (const auto& [pattern, n] : cells) h.Add(*ParsePattern(pattern, k), n);
  return h;
}

EstimateOptions Quick() {
  EstimateOptions options;
  options.latent_class.burn_in = 300;
  options.latent_class.samples = 300;
  options.latent_class.thin = 2;
  return options;
}

TEST(EstimatorTest, TwoSourcesReportChapman) {
  const CaptureHistories h = Table({"a", "b"}, {{"11", 20}, {"10", 80}, {"01", 60}});
  absl::StatusOr<Estimate> e = EstimatePopulation(h, Quick());
  ASSERT_TRUE(e.ok()) << e.status();
  EXPECT_TRUE(e->estimated);
  EXPECT_EQ(e->model, "chapman");
  EXPECT_NEAR(e->n_hat, 388.5714, 1e-4);  // see two_list_test.cc
  EXPECT_EQ(e->observed, 160);
  EXPECT_EQ(e->models.size(), 3u);  // lincoln-petersen, chapman, independence
}

TEST(EstimatorTest, NoOverlapGivesNoEstimateAndSaysWhy) {
  const CaptureHistories h = Table({"a", "b"}, {{"10", 30}, {"01", 40}});
  absl::StatusOr<Estimate> e = EstimatePopulation(h, Quick());
  ASSERT_TRUE(e.ok());
  EXPECT_FALSE(e->estimated);
  EXPECT_THAT(e->flags, Contains("no_overlap"));
  EXPECT_THAT(e->flags, Contains("wide_interval"));
  EXPECT_DOUBLE_EQ(e->ci_low, 70.0);
  EXPECT_TRUE(std::isinf(e->ci_high));
  EXPECT_THAT(e->warnings, Contains(HasSubstr("share no one")));
}

TEST(EstimatorTest, RegisterHoldingEveryoneIsFlagged) {
  // Source a holds all 60 observed entities.
  const CaptureHistories h =
      Table({"a", "b", "c"}, {{"100", 30}, {"110", 10}, {"101", 12}, {"111", 8}});
  absl::StatusOr<Estimate> e = EstimatePopulation(h, Quick());
  ASSERT_TRUE(e.ok()) << e.status();
  EXPECT_THAT(e->flags, Contains("source_sees_all"));
  EXPECT_THAT(e->warnings, Contains(HasSubstr("register a holds every observed")));
}

TEST(EstimatorTest, EmptySourceIsDroppedWithAWarning) {
  const CaptureHistories h =
      Table({"a", "b", "c"}, {{"110", 20}, {"100", 80}, {"010", 60}});
  absl::StatusOr<Estimate> e = EstimatePopulation(h, Quick());
  ASSERT_TRUE(e.ok()) << e.status();
  EXPECT_THAT(e->flags, Contains("dropped_source"));
  EXPECT_EQ(e->model, "chapman");  // two sources left
  EXPECT_NEAR(e->n_hat, 388.5714, 1e-4);
}

TEST(EstimatorTest, EmptyTableIsAnError) {
  CaptureHistories h({"a", "b", "c"});
  EXPECT_THAT(EstimatePopulation(h, Quick()),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("no observed")));
}

TEST(EstimatorTest, ThreeSourcesReportLatentClassAndListEveryModel) {
  // Chao et al. (2001) hepatitis A data: the saturated log-linear model
  // (1313) is far above the latent-class interval, so the families
  // disagree and the reported interval must span both.
  const CaptureHistories h =
      Table({"P", "Q", "E"}, {{"111", 28}, {"110", 21}, {"101", 17}, {"100", 69},
                              {"011", 18}, {"010", 55}, {"001", 63}});
  absl::StatusOr<Estimate> e = EstimatePopulation(h, Quick());
  ASSERT_TRUE(e.ok()) << e.status();
  EXPECT_TRUE(e->estimated);
  EXPECT_THAT(e->model, HasSubstr("latent-class"));
  int loglinear = 0;
  const ModelResult* lc = nullptr;
  for (const ModelResult& m : e->models) {
    if (m.family == "log-linear") {
      ++loglinear;
      EXPECT_TRUE(m.aic.has_value() && m.bic.has_value());
      EXPECT_TRUE(m.weight.has_value());
    }
    if (m.family == "latent-class") lc = &m;
  }
  EXPECT_EQ(loglinear, 8);
  ASSERT_NE(lc, nullptr);
  EXPECT_LE(e->ci_low, lc->ci_low);
  EXPECT_GE(e->ci_high, lc->ci_high);
  if (e->HasFlag("models_disagree")) {
    EXPECT_GE(e->ci_high, 1312.0);
  }
  EXPECT_THAT(e->flags, Contains("wide_interval"));
}

TEST(EstimatorTest, WithoutLatentClassTheBestLogLinearModelIsReported) {
  const CaptureHistories h =
      Table({"P", "Q", "E"}, {{"111", 28}, {"110", 21}, {"101", 17}, {"100", 69},
                              {"011", 18}, {"010", 55}, {"001", 63}});
  EstimateOptions options = Quick();
  options.fit_latent_class = false;
  options.criterion = SelectionCriterion::kAic;
  absl::StatusOr<Estimate> e = EstimatePopulation(h, options);
  ASSERT_TRUE(e.ok());
  EXPECT_EQ(e->model, "P*Q + P*E + Q*E");  // lowest AIC, see loglinear_test
  EXPECT_NEAR(e->n_hat, 1312.765, 1e-3);
}

TEST(SumStrataTest, NormalApproximationAddsVariances) {
  // se_A = (119.6 - 80.4) / 3.92 = 10, se_B = 20: total 300 +- 1.96 sqrt(500).
  Estimate a;
  a.estimated = true;
  a.observed = 70;
  a.n_hat = 100;
  a.ci_low = 100 - 1.959963984540054 * 10;
  a.ci_high = 100 + 1.959963984540054 * 10;
  Estimate b = a;
  b.observed = 150;
  b.n_hat = 200;
  b.ci_low = 200 - 1.959963984540054 * 20;
  b.ci_high = 200 + 1.959963984540054 * 20;
  const StratifiedTotal t = SumStrata({{"A", &a}, {"B", &b}});
  EXPECT_DOUBLE_EQ(t.n_hat, 300.0);
  EXPECT_NEAR(t.ci_low, 300.0 - 1.959963984540054 * std::sqrt(500.0), 1e-9);
  EXPECT_NEAR(t.ci_high, 300.0 + 1.959963984540054 * std::sqrt(500.0), 1e-9);
  EXPECT_EQ(t.method, "normal approximation");
}

TEST(SumStrataTest, PosteriorDrawsAreSummedIndexByIndex) {
  Estimate a;
  a.estimated = true;
  a.draws = {1, 2, 3};
  a.n_hat = 2;
  Estimate b = a;
  b.draws = {10, 20, 30};
  b.n_hat = 20;
  Estimate none;  // unestimated stratum with 5 observed
  none.observed = 5;
  const StratifiedTotal t = SumStrata({{"A", &a}, {"B", &b}, {"C", &none}});
  EXPECT_EQ(t.method, "posterior draws summed");
  EXPECT_DOUBLE_EQ(t.n_hat, 22.0 + 5.0);  // median of {11, 22, 33} plus C
  EXPECT_THAT(t.unestimated, testing::ElementsAre("C"));
  EXPECT_TRUE(std::isinf(t.ci_high));
}

}  // namespace
}  // namespace reckon

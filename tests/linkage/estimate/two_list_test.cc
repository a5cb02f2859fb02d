#include "linkage/estimate/two_list.h"

#include <cmath>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/status_matchers.h"

namespace reckon {
namespace {

using ::reckon_testing::StatusIs;
using ::testing::HasSubstr;

// n1 = 100, n2 = 80, m = 20, worked by hand:
//   LP = 100 * 80 / 20 = 400, Var = 100*80*80*60 / 20^3 = 4800,
//   interval 400 -+ 1.96 * 69.282 = [264.21, 535.79].
//   Chapman = 101 * 81 / 21 - 1 = 388.5714,
//   Var = 101*81*80*60 / (21^2 * 22) = 39268800 / 9702 = 4047.496,
//   f0 = 388.5714 - 160 = 228.5714, C = exp(1.96 sqrt(log(1 + Var/f0^2)))
//      = exp(1.96 * 0.273158) = 1.708097,
//   interval [160 + f0 / C, 160 + f0 C] = [293.817, 550.425].
TEST(TwoListTest, LincolnPetersenMatchesHandCalculation) {
  absl::StatusOr<TwoListEstimate> e = LincolnPetersen(100, 80, 20);
  ASSERT_TRUE(e.ok());
  EXPECT_DOUBLE_EQ(e->n_hat, 400.0);
  EXPECT_DOUBLE_EQ(e->variance, 4800.0);
  EXPECT_NEAR(e->ci_low, 264.21, 0.01);
  EXPECT_NEAR(e->ci_high, 535.79, 0.01);
}

TEST(TwoListTest, ChapmanMatchesHandCalculation) {
  absl::StatusOr<TwoListEstimate> e = Chapman(100, 80, 20);
  ASSERT_TRUE(e.ok());
  EXPECT_NEAR(e->n_hat, 388.5714, 1e-4);
  EXPECT_NEAR(e->variance, 4047.496, 1e-3);
  EXPECT_NEAR(e->ci_low, 293.817, 0.01);
  EXPECT_NEAR(e->ci_high, 550.425, 0.01);
}

TEST(TwoListTest, NoOverlapIsUnboundedNotAnError) {
  absl::StatusOr<TwoListEstimate> e = Chapman(10, 12, 0);
  ASSERT_TRUE(e.ok());
  EXPECT_FALSE(e->bounded);
  EXPECT_TRUE(std::isinf(e->ci_high));
  EXPECT_DOUBLE_EQ(e->ci_low, 22.0);
}

TEST(TwoListTest, OneSourceHoldingTheOtherEstimatesTheObserved) {
  // m = n2: Chapman gives (n1+1)(n2+1)/(n2+1) - 1 = n1 with zero variance.
  absl::StatusOr<TwoListEstimate> e = Chapman(50, 20, 20);
  ASSERT_TRUE(e.ok());
  EXPECT_DOUBLE_EQ(e->n_hat, 50.0);
  EXPECT_DOUBLE_EQ(e->ci_low, 50.0);
  EXPECT_DOUBLE_EQ(e->ci_high, 50.0);
}

TEST(TwoListTest, RejectsImpossibleCounts) {
  EXPECT_THAT(Chapman(5, 4, 6),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("m=6")));
  EXPECT_THAT(LincolnPetersen(-1, 4, 0),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("negative")));
}

}  // namespace
}  // namespace reckon

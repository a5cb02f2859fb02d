#include "linkage/score/fellegi_sunter.h"

#include <algorithm>
#include <cmath>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "linkage/score/em.h"
#include "tests/testing/status_matchers.h"

namespace reckon {
namespace {

using ::reckon_testing::StatusIs;
using ::testing::DoubleNear;
using ::testing::HasSubstr;

ComparisonModel Comparison(std::vector<double> m, std::vector<double> u) {
  ComparisonModel comparison;
  for (size_t l = 0; l < m.size(); ++l) {
    comparison.level_names.push_back("level" + std::to_string(l));
  }
  comparison.m = std::move(m);
  comparison.u = std::move(u);
  return comparison;
}

TEST(PatternCodecTest, RoundTripsEveryPattern) {
  auto codec = PatternCodec::Create({3, 1, 4});
  ASSERT_TRUE(codec.ok());
  EXPECT_EQ(codec->pattern_space(), 4u * 2u * 5u);
  std::vector<uint8_t> levels(3);
  for (uint32_t p = 0; p < codec->pattern_space(); ++p) {
    codec->Decode(p, levels);
    EXPECT_EQ(codec->Encode(levels), p);
    for (size_t c = 0; c < 3; ++c) EXPECT_EQ(codec->Level(p, c), levels[c]);
  }
}

TEST(PatternCodecTest, RejectsBadLevelCounts) {
  EXPECT_THAT(PatternCodec::Create({3, 0}),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("levels")));
  EXPECT_THAT(PatternCodec::Create(std::vector<int>(12, 9)),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("32 bits")));
}

TEST(FellegiSunterTest, WeightsAndProbabilitiesByHand) {
  FellegiSunterModel model;
  model.comparisons.push_back(Comparison({0.9, 0.1}, {0.1, 0.9}));
  model.comparisons.push_back(Comparison({0.8, 0.2}, {0.05, 0.95}));
  model.lambda = 0.5;
  // log2(0.9/0.1) + log2(0.8/0.05) = log2(9) + 4.
  const std::vector<uint8_t> agree = {0, 0};
  EXPECT_NEAR(model.PatternWeight(agree), std::log2(9.0) + 4.0, 1e-12);
  // Missing (level 2 for the second comparison) adds nothing.
  const std::vector<uint8_t> missing = {1, 2};
  EXPECT_NEAR(model.PatternWeight(missing), std::log2(0.1 / 0.9), 1e-12);
  EXPECT_NEAR(model.MatchProbability(0.0), 0.5, 1e-12);
  EXPECT_NEAR(model.MatchProbability(1.0), 2.0 / 3.0, 1e-12);
  model.lambda = 0.2;  // prior odds 1:4, so weight 2 gives even odds
  EXPECT_NEAR(model.MatchProbability(2.0), 0.5, 1e-12);
  EXPECT_NEAR(model.WeightForProbability(0.5), 2.0, 1e-12);
}

TEST(FellegiSunterTest, UFromRandomPairsUsesAddOneSmoothing) {
  auto codec = PatternCodec::Create({2});
  ASSERT_TRUE(codec.ok());
  FellegiSunterModel model;
  model.comparisons.push_back(Comparison({0.5, 0.5}, {0.5, 0.5}));
  // 2 pairs at level 0, 6 at level 1, 5 missing (ignored).
  const std::vector<PatternCount> counts = {{0, 2}, {1, 6}, {2, 5}};
  SetUFromRandomPairs(*codec, counts, &model);
  EXPECT_NEAR(model.comparisons[0].u[0], 3.0 / 10.0, 1e-12);
  EXPECT_NEAR(model.comparisons[0].u[1], 7.0 / 10.0, 1e-12);
}

TEST(FellegiSunterTest, GroupAgreementSwitchesConditionedComparisonsToGroupU) {
  // Comparison 0 is the group (nationality: same, different); comparison 1
  // a name (agree, disagree) whose u among pairs of one group is given.
  FellegiSunterModel model;
  model.comparisons.push_back(Comparison({0.99, 0.01}, {0.2, 0.8}));
  model.comparisons.push_back(Comparison({0.9, 0.1}, {0.01, 0.99}));
  model.comparisons[1].u_same_group = {0.08, 0.92};
  model.group_comparison = 0;
  // Same group: the name weighs log2(0.9 / 0.08), not log2(0.9 / 0.01).
  const std::vector<uint8_t> same = {0, 0};
  EXPECT_TRUE(model.SameGroup(same));
  EXPECT_NEAR(model.PatternWeight(same),
              std::log2(0.99 / 0.2) + std::log2(0.9 / 0.08), 1e-12);
  // Different or unknown group: the u of all pairs.
  const std::vector<uint8_t> different = {1, 0};
  EXPECT_NEAR(model.PatternWeight(different),
              std::log2(0.01 / 0.8) + std::log2(0.9 / 0.01), 1e-12);
  const std::vector<uint8_t> unknown = {2, 1};
  EXPECT_FALSE(model.SameGroup(unknown));
  EXPECT_NEAR(model.PatternWeight(unknown), std::log2(0.1 / 0.99), 1e-12);
  // The codec path agrees with the level path.
  auto codec = PatternCodec::Create({2, 2});
  ASSERT_TRUE(codec.ok());
  EXPECT_NEAR(model.PatternWeight(*codec, codec->Encode(same)),
              model.PatternWeight(same), 1e-12);
  // Without a group comparison, u_same_group is never used.
  model.group_comparison = -1;
  EXPECT_NEAR(model.PatternWeight(same),
              std::log2(0.99 / 0.2) + std::log2(0.9 / 0.01), 1e-12);
}

TEST(FellegiSunterTest, GroupUFromRandomPairsOnlyForConditionedComparisons) {
  auto codec = PatternCodec::Create({2, 2});
  ASSERT_TRUE(codec.ok());
  FellegiSunterModel model;
  model.comparisons.push_back(Comparison({0.5, 0.5}, {0.5, 0.5}));
  model.comparisons.push_back(Comparison({0.5, 0.5}, {0.5, 0.5}));
  model.comparisons[0].u_same_group = {0.3, 0.7};  // cleared: not conditioned
  // Within-group pairs: name agrees in 4, disagrees in 14, missing in 3.
  const std::vector<PatternCount> counts = {
      {codec->Encode(std::vector<uint8_t>{0, 0}), 4},
      {codec->Encode(std::vector<uint8_t>{0, 1}), 14},
      {codec->Encode(std::vector<uint8_t>{0, 2}), 3}};
  SetGroupUFromRandomPairs(*codec, counts, 0, {false, true}, &model);
  EXPECT_EQ(model.group_comparison, 0);
  EXPECT_TRUE(model.comparisons[0].u_same_group.empty());
  ASSERT_EQ(model.comparisons[1].u_same_group.size(), 2u);
  EXPECT_NEAR(model.comparisons[1].u_same_group[0], 5.0 / 20.0, 1e-12);
  EXPECT_NEAR(model.comparisons[1].u_same_group[1], 15.0 / 20.0, 1e-12);
  // u itself is untouched.
  EXPECT_EQ(model.comparisons[1].u, (std::vector<double>{0.5, 0.5}));
}

// Non-matches of one group agree on names far more often than random
// pairs. Counts drawn from such a mixture: EM with u held at the values of
// all pairs mistakes the within-group name agreement for matches and
// overstates m(name agrees); with the group's u it recovers the truth.
TEST(EmTest, GroupUKeepsSharedGroupFromInflatingNameAgreement) {
  // Comparisons: group (same 0, different 1), name (agree, close,
  // different), date (exact, different).
  FellegiSunterModel truth;
  truth.comparisons.push_back(Comparison({0.98, 0.02}, {0.25, 0.75}));
  truth.comparisons.push_back(Comparison({0.6, 0.3, 0.1}, {0.004, 0.006, 0.99}));
  truth.comparisons.push_back(Comparison({0.8, 0.2}, {0.01, 0.99}));
  truth.comparisons[1].u_same_group = {0.016, 0.024, 0.96};
  truth.group_comparison = 0;
  truth.lambda = 0.05;
  auto codec = PatternCodec::Create({2, 3, 2});
  ASSERT_TRUE(codec.ok());
  std::vector<PatternCount> counts;
  std::vector<uint8_t> levels(3);
  for (uint32_t p = 0; p < codec->pattern_space(); ++p) {
    codec->Decode(p, levels);
    if (levels[0] == 2 || levels[1] == 3 || levels[2] == 2) continue;
    const bool same = levels[0] == 0;
    double pm = truth.lambda;
    double pu = 1.0 - truth.lambda;
    for (size_t c = 0; c < 3; ++c) {
      pm *= truth.comparisons[c].m[levels[c]];
      pu *= truth.comparisons[c].U(levels[c], same);
    }
    counts.push_back({p, static_cast<uint64_t>(std::llround((pm + pu) * 1e9))});
  }
  EmOptions options;
  options.max_iterations = 3000;
  options.tolerance = 1e-10;
  options.fix_u = true;

  FellegiSunterModel grouped = truth;
  InitializeM(&grouped);
  grouped.lambda = 0.5;
  ASSERT_TRUE(TrainByEm(*codec, counts, options, &grouped).ok());
  for (size_t c = 0; c < 3; ++c) {
    for (size_t l = 0; l < truth.comparisons[c].m.size(); ++l) {
      EXPECT_NEAR(grouped.comparisons[c].m[l], truth.comparisons[c].m[l], 2e-3)
          << "comparison " << c << " level " << l;
    }
  }

  // The same counts with the group ignored: u of all pairs for the name.
  FellegiSunterModel ungrouped = grouped;
  ungrouped.group_comparison = -1;
  InitializeM(&ungrouped);
  ungrouped.lambda = 0.5;
  ASSERT_TRUE(TrainByEm(*codec, counts, options, &ungrouped).ok());
  EXPECT_GT(ungrouped.lambda, truth.lambda + 0.005);
}

// Pairs blocked on names all share a group (namesakes share a
// nationality), and a session that ignores the group comparison (its
// agreement says nothing there) must still weigh their name levels with the
// group's u: with the u of all pairs it took agreeing non-matches for
// matches. Counts from a block where every pair agrees on the group.
TEST(EmTest, IgnoredGroupComparisonStillSelectsTheGroupsU) {
  FellegiSunterModel truth;
  truth.comparisons.push_back(Comparison({0.98, 0.02}, {0.25, 0.75}));
  truth.comparisons.push_back(Comparison({0.6, 0.3, 0.1}, {0.004, 0.006, 0.99}));
  truth.comparisons.push_back(Comparison({0.8, 0.2}, {0.01, 0.99}));
  truth.comparisons[1].u_same_group = {0.05, 0.10, 0.85};
  truth.group_comparison = 0;
  truth.lambda = 0.1;
  auto codec = PatternCodec::Create({2, 3, 2});
  ASSERT_TRUE(codec.ok());
  std::vector<PatternCount> counts;
  for (uint8_t name = 0; name < 3; ++name) {
    for (uint8_t date = 0; date < 2; ++date) {
      const double pm = truth.lambda * truth.comparisons[1].m[name] *
                        truth.comparisons[2].m[date];
      const double pu = (1.0 - truth.lambda) *
                        truth.comparisons[1].u_same_group[name] *
                        truth.comparisons[2].u[date];
      const std::vector<uint8_t> levels = {0, name, date};
      counts.push_back({codec->Encode(levels),
                        static_cast<uint64_t>(std::llround((pm + pu) * 1e9))});
    }
  }
  std::sort(counts.begin(), counts.end(),
            [](const PatternCount& x, const PatternCount& y) {
              return x.pattern < y.pattern;
            });
  EmOptions options;
  options.max_iterations = 3000;
  options.tolerance = 1e-10;
  options.fix_u = true;
  options.ignored = {true, false, false};
  FellegiSunterModel model = truth;
  InitializeM(&model);
  model.lambda = 0.5;
  const std::vector<double> group_m = model.comparisons[0].m;
  ASSERT_TRUE(TrainByEm(*codec, counts, options, &model).ok());
  EXPECT_NEAR(model.lambda, truth.lambda, 1e-3);
  for (size_t c = 1; c < 3; ++c) {
    for (size_t l = 0; l < truth.comparisons[c].m.size(); ++l) {
      EXPECT_NEAR(model.comparisons[c].m[l], truth.comparisons[c].m[l], 2e-3)
          << "comparison " << c << " level " << l;
    }
  }
  // The ignored comparison's m stays as it was.
  EXPECT_EQ(model.comparisons[0].m, group_m);
}

// Pattern counts drawn exactly from a known mixture: EM with the true u
// must recover the true m and lambda (the mixture is identifiable with
// three conditionally independent comparisons).
TEST(EmTest, RecoversKnownParametersFromExactMixtureCounts) {
  FellegiSunterModel truth;
  truth.comparisons.push_back(Comparison({0.85, 0.10, 0.05}, {0.02, 0.08, 0.90}));
  truth.comparisons.push_back(Comparison({0.90, 0.10}, {0.10, 0.90}));
  truth.comparisons.push_back(Comparison({0.70, 0.20, 0.10}, {0.01, 0.04, 0.95}));
  truth.lambda = 0.15;
  auto codec = PatternCodec::Create({3, 2, 3});
  ASSERT_TRUE(codec.ok());

  std::vector<PatternCount> counts;
  std::vector<uint8_t> levels(3);
  for (uint32_t p = 0; p < codec->pattern_space(); ++p) {
    codec->Decode(p, levels);
    if (levels[0] == 3 || levels[1] == 2 || levels[2] == 3) continue;
    double pm = truth.lambda;
    double pu = 1.0 - truth.lambda;
    for (size_t c = 0; c < 3; ++c) {
      pm *= truth.comparisons[c].m[levels[c]];
      pu *= truth.comparisons[c].u[levels[c]];
    }
    counts.push_back({p, static_cast<uint64_t>(std::llround((pm + pu) * 1e9))});
  }

  FellegiSunterModel model = truth;
  InitializeM(&model);
  model.lambda = 0.5;
  EmOptions options;
  options.max_iterations = 2000;
  options.tolerance = 1e-10;
  auto report = TrainByEm(*codec, counts, options, &model);
  ASSERT_TRUE(report.ok()) << report.status();
  EXPECT_TRUE(report->converged);
  EXPECT_NEAR(model.lambda, truth.lambda, 1e-4);
  for (size_t c = 0; c < 3; ++c) {
    for (size_t l = 0; l < truth.comparisons[c].m.size(); ++l) {
      EXPECT_NEAR(model.comparisons[c].m[l], truth.comparisons[c].m[l], 1e-3)
          << "comparison " << c << " level " << l;
    }
  }
}

// A comparison whose true likelihood ratio is not monotone (level 1 is more
// match-like than level 0): unconstrained EM recovers it, monotone EM must
// not, and pools levels 0 and 1 to one ratio instead.
TEST(EmTest, MonotoneOptionKeepsRatiosOrdered) {
  FellegiSunterModel truth;
  truth.comparisons.push_back(Comparison({0.85, 0.10, 0.05}, {0.02, 0.08, 0.90}));
  truth.comparisons.push_back(Comparison({0.90, 0.10}, {0.10, 0.90}));
  truth.comparisons.push_back(Comparison({0.20, 0.70, 0.10}, {0.30, 0.20, 0.50}));
  truth.lambda = 0.2;
  auto codec = PatternCodec::Create({3, 2, 3});
  ASSERT_TRUE(codec.ok());
  std::vector<PatternCount> counts;
  std::vector<uint8_t> levels(3);
  for (uint32_t p = 0; p < codec->pattern_space(); ++p) {
    codec->Decode(p, levels);
    if (levels[0] == 3 || levels[1] == 2 || levels[2] == 3) continue;
    double pm = truth.lambda;
    double pu = 1.0 - truth.lambda;
    for (size_t c = 0; c < 3; ++c) {
      pm *= truth.comparisons[c].m[levels[c]];
      pu *= truth.comparisons[c].u[levels[c]];
    }
    counts.push_back({p, static_cast<uint64_t>(std::llround((pm + pu) * 1e9))});
  }
  EmOptions options;
  options.max_iterations = 3000;
  options.tolerance = 1e-10;
  options.fix_u = true;

  FellegiSunterModel free_model = truth;
  InitializeM(&free_model);
  options.monotone = false;
  ASSERT_TRUE(TrainByEm(*codec, counts, options, &free_model).ok());
  EXPECT_NEAR(free_model.comparisons[2].m[1], 0.70, 1e-3);

  FellegiSunterModel monotone_model = truth;
  InitializeM(&monotone_model);
  options.monotone = true;
  ASSERT_TRUE(TrainByEm(*codec, counts, options, &monotone_model).ok());
  for (const ComparisonModel& comparison : monotone_model.comparisons) {
    for (size_t l = 1; l < comparison.m.size(); ++l) {
      EXPECT_GE(comparison.m[l - 1] / comparison.u[l - 1] + 1e-9,
                comparison.m[l] / comparison.u[l])
          << comparison.name << " level " << l;
    }
  }
  // Levels 0 and 1 of the third comparison are pooled to one ratio.
  const ComparisonModel& pooled = monotone_model.comparisons[2];
  EXPECT_NEAR(pooled.m[0] / pooled.u[0], pooled.m[1] / pooled.u[1], 1e-9);
}

TEST(EmTest, MissingLevelsCarryNoEvidence) {
  // One comparison always missing: training must ignore it, not crash, and
  // leave its m at whatever normalization of zero tallies gives (uniform).
  FellegiSunterModel model;
  model.comparisons.push_back(Comparison({0.5, 0.5}, {0.1, 0.9}));
  model.comparisons.push_back(Comparison({0.5, 0.5}, {0.1, 0.9}));
  auto codec = PatternCodec::Create({2, 2});
  ASSERT_TRUE(codec.ok());
  std::vector<PatternCount> counts;
  for (uint8_t level : {0, 1}) {
    const std::vector<uint8_t> levels = {level, 2};
    counts.push_back({codec->Encode(levels), level == 0 ? 30u : 70u});
  }
  auto report = TrainByEm(*codec, counts, {}, &model);
  ASSERT_TRUE(report.ok());
  EXPECT_NEAR(model.comparisons[1].m[0], 0.5, 1e-9);
}

TEST(EmTest, NoPairsIsAFailedPrecondition) {
  FellegiSunterModel model;
  model.comparisons.push_back(Comparison({0.5, 0.5}, {0.1, 0.9}));
  auto codec = PatternCodec::Create({2});
  ASSERT_TRUE(codec.ok());
  EXPECT_THAT(TrainByEm(*codec, {}, {}, &model),
              StatusIs(absl::StatusCode::kFailedPrecondition,
                       HasSubstr("no candidate pairs")));
}

}  // namespace
}  // namespace reckon

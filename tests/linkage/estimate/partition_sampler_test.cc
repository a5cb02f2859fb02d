#include "linkage/estimate/partition_sampler.h"

#include <cmath>
#include <cstdint>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "linkage/estimate/linkage_uncertainty.h"
#include "linkage/estimate/linked_records.h"
#include "linkage/estimate/report.h"
#include "tests/testing/status_matchers.h"

namespace reckon {
namespace {

using ::reckon_testing::StatusIs;
using ::testing::HasSubstr;

// Records 0..n-1, record r in source r % sources, each its own given entity.
LinkedRecords Records(int n, int sources) {
  LinkedRecords link;
  for (int s = 0; s < sources; ++s) {
    link.sources.push_back(absl::StrCat("s", s));
  }
  for (int r = 0; r < n; ++r) {
    link.record_source.push_back(static_cast<uint32_t>(r % sources));
    link.record_entity.push_back(static_cast<uint32_t>(r));
    link.entity_ids.push_back(absl::StrCat("E", r));
  }
  return link;
}

// Share of draws in which records x and y share a cluster.
double Together(const std::vector<std::vector<uint32_t>>& draws, uint32_t x, uint32_t y) {
  int together = 0;
  for (const std::vector<uint32_t>& d : draws) together += d[x] == d[y];
  return static_cast<double>(together) / static_cast<double>(draws.size());
}

TEST(PartitionSamplerTest, TriangleFollowsThePartitionPosterior) {
  // Three records, every pair listed at p = 0.6 (odds 1.5). Partition
  // weights: {abc} 1.5^3 = 3.375, each {xy|z} 1.5, {a|b|c} 1; total 8.875.
  // So P(all together) = 0.3803 and P(a with b, c apart) = 0.1690. Closing
  // independently kept pairs would put all three together with
  // P(at least two pairs) = 3 (0.36)(0.4) + 0.216 = 0.648.
  LinkedRecords link = Records(3, 3);
  link.pairs = {{0, 1, 0.0, 0.6}, {1, 2, 0.0, 0.6}, {0, 2, 0.0, 0.6}};
  PartitionSamplerOptions options;
  options.thin = 2;
  absl::StatusOr<std::vector<std::vector<uint32_t>>> draws =
      SampleClusterings(link, 20000, options);
  ASSERT_TRUE(draws.ok()) << draws.status();
  int all = 0;
  int ab_only = 0;
  int none = 0;
  for (const std::vector<uint32_t>& d : *draws) {
    all += d[0] == d[1] && d[1] == d[2];
    ab_only += d[0] == d[1] && d[1] != d[2];
    none += d[0] != d[1] && d[1] != d[2] && d[0] != d[2];
    // Labels are the lowest record of the cluster.
    EXPECT_EQ(d[0], 0u);
    EXPECT_LE(d[2], 2u);
  }
  EXPECT_NEAR(all / 20000.0, 3.375 / 8.875, 0.02);
  EXPECT_NEAR(ab_only / 20000.0, 1.5 / 8.875, 0.02);
  EXPECT_NEAR(none / 20000.0, 1.0 / 8.875, 0.02);
}

TEST(PartitionSamplerTest, SinglePairIsTogetherWithItsProbability) {
  LinkedRecords link = Records(4, 2);
  link.pairs = {{0, 1, 0.0, 0.3}, {2, 3, 0.0, 0.9}};
  absl::StatusOr<std::vector<std::vector<uint32_t>>> draws =
      SampleClusterings(link, 20000, PartitionSamplerOptions{});
  ASSERT_TRUE(draws.ok());
  EXPECT_NEAR(Together(*draws, 0, 1), 0.3, 0.02);
  EXPECT_NEAR(Together(*draws, 2, 3), 0.9, 0.02);
}

TEST(PartitionSamplerTest, AnUnlistedPairHoldsAChainApart) {
  // a-b and b-c listed at 0.9 (odds 9), a-c not listed (odds 0.01/0.99):
  // {abc} weighs 81 x 0.0101 = 0.82 against 9 for {ab|c} and for {a|bc}
  // and 1 for {a|b|c}: all three together about 4% of the time (independent
  // pairs closed transitively: 81%).
  LinkedRecords link = Records(3, 3);
  link.pairs = {{0, 1, 0.0, 0.9}, {1, 2, 0.0, 0.9}};
  absl::StatusOr<std::vector<std::vector<uint32_t>>> draws =
      SampleClusterings(link, 20000, PartitionSamplerOptions{});
  ASSERT_TRUE(draws.ok());
  int all = 0;
  for (const std::vector<uint32_t>& d : *draws) all += d[0] == d[1] && d[1] == d[2];
  EXPECT_LT(all / 20000.0, 0.08);
  EXPECT_NEAR(Together(*draws, 0, 1), (9.0 + 0.82) / 19.83, 0.04);
  EXPECT_NEAR(Together(*draws, 1, 2), (9.0 + 0.82) / 19.83, 0.04);
}

TEST(PartitionSamplerTest, DrawsDoNotDependOnAnythingButTheSeed) {
  LinkedRecords link = Records(6, 3);
  link.pairs = {{0, 1, 0.0, 0.5}, {1, 2, 0.0, 0.5}, {3, 4, 0.0, 0.5}, {4, 5, 0.0, 0.2}};
  absl::StatusOr<std::vector<std::vector<uint32_t>>> a =
      SampleClusterings(link, 50, PartitionSamplerOptions{});
  absl::StatusOr<std::vector<std::vector<uint32_t>>> b =
      SampleClusterings(link, 50, PartitionSamplerOptions{});
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_EQ(*a, *b);
  EXPECT_THAT(SampleClusterings(link, 0, PartitionSamplerOptions{}),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("partition sampler")));
  EXPECT_THAT(SampleClusterings(link, 2, {.unlisted_odds = 0.0}),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("partition sampler")));
}

// 800 people over three registers, 100 in each capture pattern (100 seen by
// none), one record per register a person is in. The given clustering is
// the truth. Pairs: every two records of one person at `p_true`, and each
// person's first record paired with the next person's at `p_false`.
LinkedRecords ThreeRegisters(double p_true, double p_false) {
  LinkedRecords link;
  link.sources = {"a", "b", "c"};
  std::vector<uint32_t> first;
  uint32_t entity = 0;
  for (uint32_t pattern = 1; pattern < 8; ++pattern) {
    for (int k = 0; k < 100; ++k) {
      std::vector<uint32_t> records;
      for (uint32_t s = 0; s < 3; ++s) {
        if (!((pattern >> s) & 1u)) continue;
        records.push_back(static_cast<uint32_t>(link.record_source.size()));
        link.record_source.push_back(s);
        link.record_entity.push_back(entity);
      }
      for (size_t i = 0; i < records.size(); ++i) {
        for (size_t j = i + 1; j < records.size(); ++j) {
          link.pairs.push_back({records[i], records[j], 0.0, p_true});
        }
      }
      first.push_back(records.front());
      link.entity_ids.push_back(absl::StrCat("E", entity++));
    }
  }
  for (size_t i = 0; i + 1 < first.size(); i += 2) {
    link.pairs.push_back({first[i], first[i + 1], 0.0, p_false});
  }
  return link;
}

TEST(RedrawLinkageTest, JointRedrawsStayNarrowForConfidentLinksAndWidenForAmbiguousOnes) {
  LinkReportOptions options;
  options.estimate.fit_latent_class = false;
  options.estimate.profile_all = false;
  // Confident: a person's records at 0.99, strangers at 0.02.
  absl::StatusOr<LinkReport> confident =
      EstimateFromLinkedRecords(ThreeRegisters(0.99, 0.02), options);
  ASSERT_TRUE(confident.ok()) << confident.status();
  const StratumReport& c = confident->total;
  ASSERT_TRUE(c.estimate.estimated);
  EXPECT_EQ(c.estimate.observed, 700);
  EXPECT_NEAR(c.estimate.n_hat, 800.0, 8.0);  // independence fits exactly
  const double given_width = c.estimate.ci_high - c.estimate.ci_low;
  ASSERT_TRUE(c.linkage.has_value());
  // Redraws see nearly the given clustering: a few of the 300 two-record
  // people split (1% each) and a few strangers merge (2% of 350 pairs).
  for (int64_t observed : c.linkage->observed) {
    EXPECT_NEAR(static_cast<double>(observed), 700.0, 25.0);
  }
  EXPECT_LT(c.ci_high - c.ci_low, 1.3 * given_width);
  EXPECT_LE(c.ci_low, 800.0);
  EXPECT_GE(c.ci_high, 800.0);

  // Ambiguous: a person's pairs at 0.5, strangers at 0.4.
  absl::StatusOr<LinkReport> ambiguous =
      EstimateFromLinkedRecords(ThreeRegisters(0.5, 0.4), options);
  ASSERT_TRUE(ambiguous.ok()) << ambiguous.status();
  const StratumReport& a = ambiguous->total;
  ASSERT_TRUE(a.linkage.has_value());
  EXPECT_GT(a.ci_high - a.ci_low, 1.5 * (a.estimate.ci_high - a.estimate.ci_low));
  EXPECT_GT(a.linkage->between, 10.0 * c.linkage->between);
}

// 60 entities seen by register a alone, 60 by b alone, 60 by both; the
// attribute "sector" is known only where b saw the person, "nationality"
// alternates TUR/GEO everywhere.
LinkedRecords FieldByRegister() {
  LinkedRecords link;
  link.sources = {"a", "b"};
  link.attribute_names = {"sector", "nationality"};
  link.attributes.resize(2);
  for (uint32_t e = 0; e < 180; ++e) {
    const bool in_a = e < 60 || e >= 120;
    const bool in_b = e >= 60;
    if (in_a) {
      link.record_source.push_back(0);
      link.record_entity.push_back(e);
    }
    if (in_b) {
      link.record_source.push_back(1);
      link.record_entity.push_back(e);
    }
    link.entity_ids.push_back(absl::StrCat("E", e));
    link.attributes[0].push_back(in_b ? (e % 3 == 0 ? "trade" : "construction") : "");
    link.attributes[1].push_back(e % 2 == 0 ? "TUR" : "GEO");
  }
  return link;
}

TEST(ReportTest, NotesAStratifyingFieldThatOnlySomeRegistersRecord) {
  const LinkedRecords link = FieldByRegister();
  LinkReportOptions options;
  options.estimate.fit_latent_class = false;
  options.linkage_uncertainty = false;  // no pairs here
  options.by = "sector";
  absl::StatusOr<LinkReport> sector = EstimateFromLinkedRecords(link, options);
  ASSERT_TRUE(sector.ok()) << sector.status();
  ASSERT_EQ(sector->notes.size(), 1u);
  // a-only entities are all "unknown", b-only ones never: distance 100%.
  EXPECT_THAT(sector->notes[0], HasSubstr("--by sector: the field depends on which register"));
  EXPECT_THAT(sector->notes[0], HasSubstr("differ by 100% between a and b"));
  options.by = "nationality";
  absl::StatusOr<LinkReport> nationality = EstimateFromLinkedRecords(link, options);
  ASSERT_TRUE(nationality.ok());
  EXPECT_TRUE(nationality->notes.empty());
}

}  // namespace
}  // namespace reckon

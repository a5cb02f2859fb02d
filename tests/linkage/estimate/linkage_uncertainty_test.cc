#include "linkage/estimate/linkage_uncertainty.h"

#include <cmath>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "linkage/estimate/linked_records.h"
#include "linkage/estimate/report.h"
#include "tests/testing/status_matchers.h"

namespace reckon {
namespace {

using ::reckon_testing::StatusIs;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

const std::string kDir = std::string(RECKON_SOURCE_DIR) + "/tests/data/estimate/small/";

LinkedRecords ReadSmall() {
  LinkedRecords link;
  link.sources = {"migration", "interior", "labour"};
  std::ifstream entities(kDir + "entities.csv");
  EXPECT_TRUE(ReadEntitiesCsv(entities, "entities.csv", &link).ok());
  std::ifstream info(kDir + "entity_info.csv");
  EXPECT_TRUE(ReadEntityInfoCsv(info, "entity_info.csv", &link).ok());
  std::ifstream pairs(kDir + "pairs.csv");
  EXPECT_TRUE(ReadPairsCsv(pairs, "pairs.csv", &link).ok());
  return link;
}

TEST(LinkedRecordsTest, ReadsAHandMadeLinkDirectory) {
  const LinkedRecords link = ReadSmall();
  EXPECT_EQ(link.num_records(), 7u);
  EXPECT_EQ(link.num_entities(), 4u);
  EXPECT_EQ(link.pairs.size(), 4u);
  EXPECT_THAT(link.RecordsPerSource(), ElementsAre(2, 2, 3));
  // E1 migration+interior, E2 labour+migration, E3 interior, E4 labour.
  EXPECT_THAT(link.EntityMasks(), ElementsAre(0b011u, 0b101u, 0b010u, 0b100u));
  ASSERT_TRUE(link.AttributeIndex("nationality").has_value());
  EXPECT_THAT(link.EntityStrata(*link.AttributeIndex("nationality")),
              ElementsAre("TUR", "GEO", "TUR", "unknown"));
}

TEST(LinkedRecordsTest, BadRowsNameFileAndLine) {
  LinkedRecords link;
  link.sources = {"a", "b"};
  std::istringstream unknown_source("source,source_record_id,entity_id\na,1,E1\nc,2,E2\n");
  EXPECT_THAT(ReadEntitiesCsv(unknown_source, "entities.csv", &link),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("entities.csv:3: source: \"c\"")));
  LinkedRecords twice;
  std::istringstream repeated("source,source_record_id,entity_id\na,1,E1\na,1,E2\n");
  EXPECT_THAT(ReadEntitiesCsv(repeated, "entities.csv", &twice),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("listed twice")));
  LinkedRecords ok;
  std::istringstream good("entity_id,source_record_id,source\nE1,1,a\nE2,2,b\n");
  ASSERT_TRUE(ReadEntitiesCsv(good, "entities.csv", &ok).ok());
  EXPECT_THAT(ok.sources, ElementsAre("a", "b"));  // order of appearance
  std::istringstream pairs(
      "source_a,source_record_id_a,source_b,source_record_id_b,weight,probability\n"
      "a,1,b,2,3.5,1.5\n");
  EXPECT_THAT(ReadPairsCsv(pairs, "pairs.csv", &ok),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("pairs.csv:2: probability: 1.5 is outside [0, 1]")));
  std::istringstream missing(
      "source_a,source_record_id_a,source_b,source_record_id_b,weight,probability\n"
      "a,1,b,9,3.5,0.5\n");
  EXPECT_THAT(ReadPairsCsv(missing, "pairs.csv", &ok),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("record b:9")));
  std::istringstream info("entity_id,nationality\nE7,TUR\n");
  EXPECT_THAT(ReadEntityInfoCsv(info, "entity_info.csv", &ok),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("E7")));
}

TEST(ClusterHistoriesTest, KeptPairsMergeTransitivelyAndStrataFollowTheMajority) {
  const LinkedRecords link = ReadSmall();
  const std::vector<uint8_t> all(link.pairs.size(), 1);
  const ClusteredHistories h = ClusterHistories(link, all, link.AttributeIndex("nationality"));
  // Clusters {m1,i1,i2}, {l1,m2}, {l2,l3}.
  EXPECT_EQ(h.total.Observed(), 3);
  EXPECT_EQ(h.total.count(0b011), 1);
  EXPECT_EQ(h.total.count(0b101), 1);
  EXPECT_EQ(h.total.count(0b100), 1);
  ASSERT_EQ(h.strata.size(), 3u);
  EXPECT_EQ(h.strata.at("TUR").count(0b011), 1);
  EXPECT_EQ(h.strata.at("GEO").count(0b101), 1);
  EXPECT_EQ(h.strata.at("unknown").count(0b100), 1);
  // Links at weight >= 5 reproduce the given entities.
  std::vector<uint8_t> strong;
  for (const LinkPair& p : link.pairs) strong.push_back(p.weight >= 5.0);
  const ClusteredHistories s = ClusterHistories(link, strong, std::nullopt);
  const ClusteredHistories given = GivenHistories(link, std::nullopt);
  for (uint32_t mask = 1; mask < 8; ++mask) {
    EXPECT_EQ(s.total.count(mask), given.total.count(mask)) << mask;
  }
}

TEST(StudentTQuantileTest, MatchesTables) {
  // Two-sided 95% critical values from standard t tables.
  EXPECT_NEAR(StudentTQuantile(0.975, 1), 12.706, 1e-3);
  EXPECT_NEAR(StudentTQuantile(0.975, 2), 4.303, 1e-3);
  EXPECT_NEAR(StudentTQuantile(0.975, 10), 2.228, 1e-3);
  EXPECT_NEAR(StudentTQuantile(0.975, 30), 2.042, 1e-3);
  EXPECT_NEAR(StudentTQuantile(0.975, INFINITY), 1.960, 1e-3);
  EXPECT_NEAR(StudentTQuantile(0.025, 10), -2.228, 1e-3);
}

Estimate Fake(double log_n, double sd) {
  Estimate e;
  e.estimated = true;
  e.n_hat = std::exp(log_n);
  e.ci_low = std::exp(log_n - 1.959963984540054 * sd);
  e.ci_high = std::exp(log_n + 1.959963984540054 * sd);
  e.observed = 1;
  return e;
}

TEST(RubinTest, CombinesWithinAndBetweenOnTheLogScale) {
  // Q = 1, 2, 3 with within sd 0.1: Qbar = 2, U = 0.01, B = 1,
  // T = 0.01 + (4/3) * 1, nu = 2 * (1 + 0.01 / (4/3))^2 = 2.030112.
  const RubinSummary r = CombineRedraws({Fake(1, 0.1), Fake(2, 0.1), Fake(3, 0.1)});
  EXPECT_EQ(r.redraws, 3);
  EXPECT_NEAR(std::log(r.n_hat), 2.0, 1e-12);
  EXPECT_NEAR(r.within, 0.01, 1e-12);
  EXPECT_NEAR(r.between, 1.0, 1e-12);
  EXPECT_NEAR(r.df, 2.030112, 1e-6);
  const double t = StudentTQuantile(0.975, r.df);
  EXPECT_NEAR(std::log(r.ci_high), 2.0 + t * std::sqrt(0.01 + 4.0 / 3.0), 1e-9);
  EXPECT_NEAR(std::log(r.ci_low), 2.0 - t * std::sqrt(0.01 + 4.0 / 3.0), 1e-9);
}

TEST(RubinTest, AdjustedIntervalWidensByTheRedrawSpread) {
  const Estimate given = Fake(std::log(1000.0), 0.1);
  RubinSummary same;
  same.estimates = {1000.0, 1000.0};
  auto [low, high] = LinkageAdjustedInterval(given, same);
  EXPECT_NEAR(low, given.ci_low, 1e-9);
  EXPECT_NEAR(high, given.ci_high, 1e-9);
  // Redraws at 1000 e^{+-0.1}: B' = 0.01, (1 + 1/2) B' = 0.015, W = 0.01,
  // so half-widths grow by sqrt(1 + 1.5) on the log scale.
  RubinSummary spread;
  spread.estimates = {1000.0 * std::exp(0.1), 1000.0 * std::exp(-0.1)};
  std::tie(low, high) = LinkageAdjustedInterval(given, spread);
  EXPECT_NEAR(std::log(high / 1000.0), 1.959963984540054 * 0.1 * std::sqrt(2.5), 1e-9);
  EXPECT_NEAR(std::log(1000.0 / low), 1.959963984540054 * 0.1 * std::sqrt(2.5), 1e-9);
}

TEST(RedrawLinkageTest, CertainLinksGiveNoBetweenVariance) {
  LinkedRecords link = ReadSmall();
  for (LinkPair& p : link.pairs) p.probability = p.weight >= 5.0 ? 1.0 : 0.0;
  LinkageOptions options;
  options.redraws = 4;
  options.estimate.fit_latent_class = false;
  // Every redraw keeps exactly the strong links, so all see the same 4
  // entities (whether or not this tiny table can be estimated).
  absl::StatusOr<LinkageUncertainty> u = RedrawLinkage(link, std::nullopt, options);
  ASSERT_TRUE(u.ok()) << u.status();
  EXPECT_EQ(u->total.redraws + u->total.failed, 4);
  for (int64_t observed : u->total.observed) EXPECT_EQ(observed, 4);
  EXPECT_NEAR(u->total.between, 0.0, 1e-12);
  EXPECT_THAT(RedrawLinkage(link, std::nullopt, {.redraws = 1}),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("at least 2")));
}

TEST(ReportTest, UnknownByColumnListsTheColumnsThere) {
  const LinkedRecords link = ReadSmall();
  LinkReportOptions options;
  options.by = "religion";
  EXPECT_THAT(EstimateFromLinkedRecords(link, options),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("nationality, sex, region, sector")));
}

}  // namespace
}  // namespace reckon

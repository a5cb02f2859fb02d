#include "linkage/cluster/clusterer.h"

#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace reckon {
namespace {

using ::testing::ElementsAre;

TEST(ClustererTest, ThresholdDecidesWhichLinksJoin) {
  ClusterOptions options;
  options.threshold = 5.0;
  ClusterReport report;
  const std::vector<uint32_t> entity = ClusterLinks(
      5, {{0, 1, 9.0}, {1, 2, 4.9}, {3, 4, 5.0}}, options, nullptr, &report);
  EXPECT_THAT(entity, ElementsAre(0, 0, 1, 2, 2));
  EXPECT_EQ(report.links_used, 2u);
  EXPECT_EQ(report.entities, 3u);
  EXPECT_EQ(report.largest_entity, 2u);
}

TEST(ClustererTest, GuardStopsChainingAndStrongestLinksWin) {
  // 0-1 strong, 1-2 weaker; records 0 and 2 must never share an entity
  // (say, different sex and birth date). The weaker link is refused.
  auto guard = [](std::span<const uint32_t> a, std::span<const uint32_t> b) {
    auto has = [](std::span<const uint32_t> s, uint32_t r) {
      for (uint32_t x : s) if (x == r) return true;
      return false;
    };
    return !((has(a, 0) && has(b, 2)) || (has(a, 2) && has(b, 0)));
  };
  ClusterReport report;
  const std::vector<uint32_t> entity =
      ClusterLinks(3, {{1, 2, 6.0}, {0, 1, 8.0}}, {}, guard, &report);
  EXPECT_THAT(entity, ElementsAre(0, 0, 1));
  EXPECT_EQ(report.merges, 1u);
  EXPECT_EQ(report.merges_refused, 1u);
}

TEST(ClustererTest, SizeLimitAndDeterministicNumbering) {
  ClusterOptions options;
  options.max_entity_size = 2;
  const std::vector<uint32_t> entity = ClusterLinks(
      4, {{2, 3, 1.0}, {0, 3, 1.0}, {1, 2, 1.0}}, options, nullptr, nullptr);
  // Equal weights: ordered by (a, b): 0-3 first, then 1-2; 2-3 would make
  // an entity of 4 and is refused.
  EXPECT_THAT(entity, ElementsAre(0, 1, 1, 0));
}

}  // namespace
}  // namespace reckon

#include "linkage/estimate/capture_histories.h"

#include <sstream>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/status_matchers.h"

namespace reckon {
namespace {

using ::reckon_testing::IsOkAndHolds;
using ::reckon_testing::StatusIs;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

TEST(CaptureHistoriesTest, CountsPatternsAndSourceTotals) {
  // Five entities over three sources: in a only, a+b, a+b, b+c, c only.
  const std::vector<uint32_t> masks = {0b001, 0b011, 0b011, 0b110, 0b100, 0};
  const CaptureHistories h = HistoriesFromMasks({"a", "b", "c"}, masks);
  EXPECT_EQ(h.Observed(), 5);
  EXPECT_EQ(h.count(0b011), 2);
  EXPECT_EQ(h.count(0b111), 0);
  EXPECT_THAT(h.SourceCounts(), ElementsAre(3, 3, 2));
}

TEST(CaptureHistoriesTest, PatternDigitsFollowSourceOrder) {
  EXPECT_EQ(PatternString(0b001, 3), "100");
  EXPECT_EQ(PatternString(0b101, 3), "101");
  EXPECT_THAT(ParsePattern("110", 3), IsOkAndHolds(0b011u));
  EXPECT_THAT(ParsePattern("000", 3),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("000")));
  EXPECT_THAT(ParsePattern("1x1", 3),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("0 or 1")));
  EXPECT_THAT(ParsePattern("10", 3),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("expected 3")));
}

TEST(CaptureHistoriesTest, StratifiesByLabel) {
  const std::vector<uint32_t> masks = {0b01, 0b11, 0b10, 0b11};
  const std::vector<std::string> strata = {"TUR", "GEO", "TUR", "TUR"};
  const auto by = StratifiedHistories({"a", "b"}, masks, strata);
  ASSERT_EQ(by.size(), 2u);
  EXPECT_EQ(by.at("TUR").Observed(), 3);
  EXPECT_EQ(by.at("TUR").count(0b11), 1);
  EXPECT_EQ(by.at("GEO").count(0b11), 1);
}

TEST(CaptureHistoriesTest, ProjectDropsSourcesAndUnseenHistories) {
  CaptureHistories h({"a", "b", "c"});
  h.Add(0b001, 5);  // a only: seen by no kept source once a is dropped
  h.Add(0b011, 2);  // a+b -> b
  h.Add(0b110, 3);  // b+c -> b+c
  const std::vector<int> keep = {1, 2};
  const CaptureHistories p = h.Project(keep);
  EXPECT_THAT(p.sources(), ElementsAre("b", "c"));
  EXPECT_EQ(p.Observed(), 5);
  EXPECT_EQ(p.count(0b01), 2);
  EXPECT_EQ(p.count(0b11), 3);
}

TEST(ReadHistoriesCsvTest, ReadsCountsAndAddsRepeats) {
  std::istringstream in("h,count\n101,37\n100, 5\n101,3\n");
  absl::StatusOr<CaptureHistories> h = ReadHistoriesCsv(in, "h.csv");
  ASSERT_TRUE(h.ok()) << h.status();
  EXPECT_THAT(h->sources(), ElementsAre("S1", "S2", "S3"));
  EXPECT_EQ(h->count(0b101), 40);
  EXPECT_EQ(h->count(0b001), 5);
}

TEST(ReadHistoriesCsvTest, BadRowsAreNamedWithLine) {
  std::istringstream bad_count("h,count\n11,3\n10,x\n");
  EXPECT_THAT(ReadHistoriesCsv(bad_count, "h.csv"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("h.csv:3: count: not a whole number \"x\"")));
  std::istringstream mixed("h,count\n11,3\n101,2\n");
  EXPECT_THAT(ReadHistoriesCsv(mixed, "h.csv"),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("h.csv:3: h:")));
  std::istringstream header("pattern,n\n11,3\n");
  EXPECT_THAT(ReadHistoriesCsv(header, "h.csv"),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("h,count")));
  std::istringstream negative("h,count\n11,-3\n");
  EXPECT_THAT(ReadHistoriesCsv(negative, "h.csv"),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("negative")));
  std::istringstream empty("h,count\n");
  EXPECT_THAT(ReadHistoriesCsv(empty, "h.csv"),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("no histories")));
}

}  // namespace
}  // namespace reckon

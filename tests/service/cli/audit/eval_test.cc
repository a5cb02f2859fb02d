#include "service/cli/audit/eval.h"

#include <cmath>
#include <sstream>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/service/cli/audit/test_views.h"
#include "tests/testing/status_matchers.h"

namespace reckon::service::audit {
namespace {

using ::reckon_testing::MakeView;
using ::reckon_testing::StatusIs;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

// Entities E1 = {a:1, a:2, b:1}, E2 = {b:2}, E3 = {a:3, b:3}, E4 = {a:4};
// persons P1 = {a:1, a:2}, P2 = {b:1, b:2}, P3 = {a:3, b:3}; the truth also
// names c:9, which the result lacks, and not a:4.
constexpr char kEntities[] =
    "source,source_record_id,entity_id\n"
    "a,1,E1\na,2,E1\nb,1,E1\nb,2,E2\na,3,E3\nb,3,E3\na,4,E4\n";
constexpr char kPairs[] =
    "source_a,source_record_id_a,source_b,source_record_id_b,weight,"
    "probability\n"
    "a,1,a,2,10.0,0.99\n"
    "a,1,b,1,9.0,0.98\n"
    "a,2,b,1,3.0,0.4\n"
    "b,1,b,2,4.0,0.45\n"
    "a,3,b,3,12.0,0.999\n"
    "b,2,b,3,1.0,0.05\n";
constexpr char kTruth[] =
    "source,source_record_id,person_id\n"
    "a,1,P1\na,2,P1\nb,1,P2\nb,2,P2\na,3,P3\nb,3,P3\nc,9,P9\n";

std::vector<TruthRow> Truth(const std::string& text) {
  std::istringstream in(text);
  absl::StatusOr<std::vector<TruthRow>> truth = ReadTruthCsv(in, "truth.csv");
  EXPECT_TRUE(truth.ok()) << truth.status();
  return truth.ok() ? *truth : std::vector<TruthRow>{};
}

TEST(EvaluateTest, PairwiseMetricsMatchHandCount) {
  const LinkView view = MakeView({"a", "b"}, kEntities, kPairs, 5.0);
  absl::StatusOr<EvalResult> result = Evaluate(view, Truth(kTruth), {});
  ASSERT_TRUE(result.ok()) << result.status();
  // Linked pairs: a1a2 a1b1 a2b1 a3b3 (4); true pairs: a1a2 b1b2 a3b3 (3);
  // right: a1a2 a3b3 (2).
  EXPECT_EQ(result->records_evaluated, 6u);
  EXPECT_EQ(result->pairwise.true_positives, 2u);
  EXPECT_EQ(result->pairwise.predicted, 4u);
  EXPECT_EQ(result->pairwise.actual, 3u);
  EXPECT_DOUBLE_EQ(result->pairwise.precision, 0.5);
  EXPECT_DOUBLE_EQ(result->pairwise.recall, 2.0 / 3.0);
  EXPECT_DOUBLE_EQ(result->pairwise.f1, 4.0 / 7.0);
}

TEST(EvaluateTest, BCubedMatchesHandCount) {
  const LinkView view = MakeView({"a", "b"}, kEntities, kPairs, 5.0);
  absl::StatusOr<EvalResult> result = Evaluate(view, Truth(kTruth), {});
  ASSERT_TRUE(result.ok());
  // Per record (precision, recall): a1 (2/3, 1), a2 (2/3, 1), b1 (1/3, 1/2),
  // b2 (1, 1/2), a3 (1, 1), b3 (1, 1).
  EXPECT_NEAR(result->bcubed_precision, 7.0 / 9.0, 1e-12);
  EXPECT_NEAR(result->bcubed_recall, 5.0 / 6.0, 1e-12);
  EXPECT_NEAR(result->bcubed_f1, 70.0 / 87.0, 1e-12);
}

TEST(EvaluateTest, CountsEntitiesAgainstPersons) {
  const LinkView view = MakeView({"a", "b"}, kEntities, kPairs, 5.0);
  absl::StatusOr<EvalResult> result = Evaluate(view, Truth(kTruth), {});
  ASSERT_TRUE(result.ok());
  EXPECT_EQ(result->entities, 3u);  // E4 holds no evaluated record
  EXPECT_EQ(result->persons, 3u);
  EXPECT_EQ(result->exact_matches, 1u);    // E3 = P3
  EXPECT_EQ(result->persons_split, 1u);    // P2 over E1 and E2
  EXPECT_EQ(result->entities_merged, 1u);  // E1 holds P1 and P2
  EXPECT_THAT(result->truth_only, ElementsAre("c:9"));
  EXPECT_THAT(result->result_only, ElementsAre("a:4"));
}

TEST(EvaluateTest, ScoresEachPairOfSources) {
  const LinkView view = MakeView({"a", "b"}, kEntities, kPairs, 5.0);
  absl::StatusOr<EvalResult> result = Evaluate(view, Truth(kTruth), {});
  ASSERT_TRUE(result.ok());
  ASSERT_EQ(result->by_source_pair.size(), 3u);
  const SourcePairScores& aa = result->by_source_pair[0];
  const SourcePairScores& ab = result->by_source_pair[1];
  const SourcePairScores& bb = result->by_source_pair[2];
  EXPECT_EQ(aa.source_a + aa.source_b, "aa");
  EXPECT_EQ(aa.scores.true_positives, 1u);  // a1a2
  EXPECT_EQ(aa.scores.predicted, 1u);
  EXPECT_EQ(aa.scores.actual, 1u);
  EXPECT_EQ(ab.source_a + ab.source_b, "ab");
  EXPECT_EQ(ab.scores.true_positives, 1u);  // a3b3
  EXPECT_EQ(ab.scores.predicted, 3u);       // a1b1 a2b1 a3b3
  EXPECT_EQ(ab.scores.actual, 1u);
  EXPECT_DOUBLE_EQ(ab.scores.precision, 1.0 / 3.0);
  EXPECT_EQ(bb.source_a + bb.source_b, "bb");
  EXPECT_EQ(bb.scores.predicted, 0u);
  EXPECT_EQ(bb.scores.actual, 1u);  // b1b2
  EXPECT_TRUE(std::isnan(bb.scores.precision));
  EXPECT_DOUBLE_EQ(bb.scores.recall, 0.0);
}

TEST(EvaluateTest, ListsFalseAndMissedLinksHighestWeightFirst) {
  const LinkView view = MakeView({"a", "b"}, kEntities, kPairs, 5.0);
  absl::StatusOr<EvalResult> result = Evaluate(view, Truth(kTruth), {});
  ASSERT_TRUE(result.ok());
  ASSERT_EQ(result->false_links.size(), 2u);
  EXPECT_EQ(view.Label(result->false_links[0].a), "a:1");
  EXPECT_EQ(view.Label(result->false_links[0].b), "b:1");
  EXPECT_DOUBLE_EQ(result->false_links[0].weight, 9.0);
  EXPECT_EQ(view.Label(result->false_links[1].a), "a:2");
  EXPECT_DOUBLE_EQ(result->false_links[1].weight, 3.0);
  EXPECT_EQ(result->false_links_direct, 1u);  // a1b1 at 9 >= 5
  ASSERT_EQ(result->missed_links.size(), 1u);
  EXPECT_EQ(view.Label(result->missed_links[0].a), "b:1");
  EXPECT_EQ(view.Label(result->missed_links[0].b), "b:2");
  EXPECT_EQ(result->missed_below_threshold, 1u);
  EXPECT_EQ(result->missed_above_threshold, 0u);
  EXPECT_EQ(result->missed_unscored, 0u);
}

TEST(EvaluateTest, PairsWithoutRowsComeLastAndAreCounted) {
  // No pairs.csv row for b1-b2 or for a2-b1.
  const std::string pairs =
      "source_a,source_record_id_a,source_b,source_record_id_b,weight,"
      "probability\n"
      "a,1,a,2,10.0,0.99\na,1,b,1,9.0,0.98\na,3,b,3,12.0,0.999\n";
  const LinkView view = MakeView({"a", "b"}, kEntities, pairs, 5.0);
  absl::StatusOr<EvalResult> result = Evaluate(view, Truth(kTruth), {});
  ASSERT_TRUE(result.ok());
  ASSERT_EQ(result->false_links.size(), 2u);
  EXPECT_TRUE(result->false_links[0].has_row);
  EXPECT_FALSE(result->false_links[1].has_row);
  EXPECT_EQ(view.Label(result->false_links[1].a), "a:2");
  EXPECT_EQ(view.Label(result->false_links[1].b), "b:1");
  EXPECT_EQ(result->missed_unscored, 1u);
  ASSERT_EQ(result->missed_links.size(), 1u);
  EXPECT_FALSE(result->missed_links[0].has_row);
}

TEST(EvaluateTest, LimitCapsTheLists) {
  const LinkView view = MakeView({"a", "b"}, kEntities, kPairs, 5.0);
  absl::StatusOr<EvalResult> result =
      Evaluate(view, Truth(kTruth), {.list_limit = 1});
  ASSERT_TRUE(result.ok());
  EXPECT_EQ(result->false_links.size(), 1u);
  EXPECT_DOUBLE_EQ(result->false_links[0].weight, 9.0);
}

TEST(EvaluateTest, PerfectLinkageScoresOne) {
  const LinkView view = MakeView(
      {"a", "b"}, "source,source_record_id,entity_id\na,1,E1\nb,1,E1\na,2,E2\n",
      "", std::nullopt);
  absl::StatusOr<EvalResult> result = Evaluate(
      view,
      Truth("person_id,source,source_record_id\np,a,1\np,b,1\nq,a,2\n"), {});
  ASSERT_TRUE(result.ok());
  EXPECT_DOUBLE_EQ(result->pairwise.f1, 1.0);
  EXPECT_DOUBLE_EQ(result->bcubed_f1, 1.0);
  EXPECT_EQ(result->exact_matches, 2u);
}

TEST(EvaluateTest, NoRecordInCommonIsAnError) {
  const LinkView view = MakeView({"a", "b"}, kEntities, kPairs, 5.0);
  EXPECT_THAT(Evaluate(view, Truth("source,source_record_id,person_id\nz,1,P\n"),
                       {}),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("no record of the truth")));
}

TEST(ReadTruthCsvTest, RejectsMissingColumnAndDuplicates) {
  std::istringstream no_person("source,source_record_id\na,1\n");
  EXPECT_THAT(ReadTruthCsv(no_person, "t.csv"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("t.csv:1: header must name")));
  std::istringstream twice(
      "source,source_record_id,person_id\na,1,P\nb,1,Q\na,1,R\n");
  EXPECT_THAT(ReadTruthCsv(twice, "t.csv"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("t.csv:4: record a:1 already listed on line 2")));
  std::istringstream empty_value("source,source_record_id,person_id\na,,P\n");
  EXPECT_THAT(ReadTruthCsv(empty_value, "t.csv"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("t.csv:2: source_record_id: empty")));
}

}  // namespace
}  // namespace reckon::service::audit

#include "linkage/compare/token_similarity.h"

#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "linkage/compare/jaro_winkler.h"

namespace reckon {
namespace {

using Tokens = std::vector<std::string>;

TEST(TokenSetSimilarityTest, OrderDoesNotMatter) {
  EXPECT_DOUBLE_EQ(TokenSetSimilarity({"ali", "huseynov"}, {"huseynov", "ali"}),
                   1.0);
  EXPECT_DOUBLE_EQ(
      TokenSetSimilarity({"wang", "xiaoming"}, {"xiaoming", "wang"}), 1.0);
}

TEST(TokenSetSimilarityTest, TokenEqualToTwoJoinedTokens) {
  // xiaoming pairs with xiao+ming at similarity 1: S = 16 / 16.
  EXPECT_DOUBLE_EQ(TokenSetSimilarity({"xiaoming"}, {"xiao", "ming"}), 1.0);
  EXPECT_DOUBLE_EQ(TokenSetSimilarity({"xiao", "ming"}, {"xiaoming"}), 1.0);
  EXPECT_DOUBLE_EQ(
      TokenSetSimilarity({"wang", "xiaoming"}, {"xiao", "ming", "wang"}), 1.0);
}

TEST(TokenSetSimilarityTest, MissingMiddleNameCostsHalfItsLength) {
  // Pairs rashad/rashad (6 + 6) and mammadov/mammadov (8 + 8) at 1; vagif (5)
  // unpaired at weight 0.5: S = 28 / (28 + 2.5).
  EXPECT_DOUBLE_EQ(TokenSetSimilarity({"rashad", "vagif", "mammadov"},
                                      {"rashad", "mammadov"}),
                   28.0 / 30.5);
}

TEST(TokenSetSimilarityTest, WrongMiddleNameCostsMoreThanAMissingOne) {
  // vagif / tofiq: window 1, only i matches (m = 1): Jaro = (1/5 + 1/5 + 1)/3
  // = 7/15, below the boost threshold. S = (12 + 16 + 10 * 7/15) / 38.
  const double wrong = TokenSetSimilarity({"rashad", "vagif", "mammadov"},
                                          {"rashad", "tofiq", "mammadov"});
  EXPECT_NEAR(wrong, (28.0 + 10.0 * 7.0 / 15.0) / 38.0, 1e-12);
  EXPECT_LT(wrong, TokenSetSimilarity({"rashad", "vagif", "mammadov"},
                                      {"rashad", "mammadov"}));
}

TEST(TokenSetSimilarityTest, WeighsPairsByLength) {
  // ali / ali (3 + 3) at 1; mammadov / mamedov (8 + 7) at JW:
  // S = (6 + 15 * JW) / 21.
  const double jw = JaroWinkler("mammadov", "mamedov");
  EXPECT_NEAR(TokenSetSimilarity({"ali", "mammadov"}, {"mamedov", "ali"}),
              (6.0 + 15.0 * jw) / 21.0, 1e-12);
}

TEST(TokenSetSimilarityTest, UnpairedWeightIsAnOption) {
  TokenSimilarityOptions options;
  options.unpaired_weight = 1.0;
  EXPECT_DOUBLE_EQ(TokenSetSimilarity({"rashad", "vagif", "mammadov"},
                                      {"rashad", "mammadov"}, options),
                   28.0 / 33.0);
  options.unpaired_weight = 0.0;
  EXPECT_DOUBLE_EQ(TokenSetSimilarity({"rashad", "vagif", "mammadov"},
                                      {"rashad", "mammadov"}, options),
                   1.0);
}

TEST(TokenSetSimilarityTest, EmptyNamesScoreZeroAndEmptyTokensAreIgnored) {
  EXPECT_EQ(TokenSetSimilarity({}, {"ali"}), 0.0);
  EXPECT_EQ(TokenSetSimilarity({""}, {""}), 0.0);
  EXPECT_DOUBLE_EQ(TokenSetSimilarity({"ali", ""}, {"ali"}), 1.0);
}

TEST(TokenSetSimilarityTest, GreedyAgreesWithExactOnClearCases) {
  // Five tokens each exceeds the exact limit of 4: greedy search.
  const Tokens a = {"maria", "jose", "garcia", "lopez", "fernandez"};
  const Tokens b = {"fernandez", "lopez", "garcia", "maria", "jose"};
  EXPECT_DOUBLE_EQ(TokenSetSimilarity(a, b), 1.0);
  TokenSimilarityOptions exact;
  exact.max_exact_tokens = 6;
  EXPECT_DOUBLE_EQ(TokenSetSimilarity(a, b, exact), 1.0);
  // One token missing on one side: 4 pairs at 1 (2 * (5 + 6 + 5 + 9) = 50)
  // and "jose" (4) unpaired: S = 50 / (50 + 0.5 * 4).
  const Tokens c = {"fernandez", "lopez", "garcia", "maria"};
  const double expected = 50.0 / 52.0;
  EXPECT_DOUBLE_EQ(TokenSetSimilarity(a, c), expected);
  EXPECT_DOUBLE_EQ(TokenSetSimilarity(a, c, exact), expected);
}

TEST(TokenSetSimilarityTest, IsSymmetric) {
  const Tokens a = {"mammadov", "rashad", "vagif"};
  const Tokens b = {"rashad", "mamedov"};
  EXPECT_DOUBLE_EQ(TokenSetSimilarity(a, b), TokenSetSimilarity(b, a));
}

}  // namespace
}  // namespace reckon

#include "linkage/compare/levenshtein.h"

#include <algorithm>
#include <random>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "linkage/compare/reference/reference.h"
#include "tests/linkage/compare/random_strings.h"

namespace reckon {
namespace {

TEST(OsaDistanceTest, HandComputedDistances) {
  EXPECT_EQ(OsaDistance("kitten", "sitting", 10), 3);  // k->s, e->i, +g
  EXPECT_EQ(OsaDistance("abc", "acb", 10), 1);         // one transposition
  EXPECT_EQ(OsaDistance("Mammadov", "Mamamdov", 2), 1);
  // OSA may not edit a transposed pair again: ca -> ac -> abc is not
  // allowed, so 3 (the unrestricted Damerau distance would be 2).
  EXPECT_EQ(OsaDistance("ca", "abc", 10), 3);
  EXPECT_EQ(OsaDistance("", "abc", 10), 3);
  EXPECT_EQ(OsaDistance("abc", "", 10), 3);
  EXPECT_EQ(OsaDistance("", "", 0), 0);
  EXPECT_EQ(OsaDistance("same", "same", 0), 0);
}

TEST(OsaDistanceTest, ReturnsBoundPlusOneWhenExceeded) {
  EXPECT_EQ(OsaDistance("kitten", "sitting", 2), 3);
  EXPECT_EQ(OsaDistance("kitten", "sitting", 1), 2);
  EXPECT_EQ(OsaDistance("kitten", "sitting", 0), 1);
  EXPECT_EQ(OsaDistance("Aliyev", "Hasanov", 2), 3);
  EXPECT_EQ(OsaDistance("a", "abcdefgh", 2), 3);  // length gap alone
}

TEST(OsaDistanceTest, CountsCodePoints) {
  EXPECT_EQ(OsaDistance("Məmmədov", "Mammadov", 5), 2);
  EXPECT_EQ(OsaDistance("Мамедов", "Мамедов", 0), 0);
  // "мед" vs "едм": м moved two places is a deletion and an insertion.
  EXPECT_EQ(OsaDistance("Мамедов", "Маедмов", 3), 2);
}

TEST(OsaSimilarityTest, NormalizesByTheLongerString) {
  EXPECT_DOUBLE_EQ(OsaSimilarity("abcd", "abdc"), 0.75);
  EXPECT_DOUBLE_EQ(OsaSimilarity("", ""), 1.0);
  EXPECT_DOUBLE_EQ(OsaSimilarity("abc", "xyz"), 0.0);
  EXPECT_DOUBLE_EQ(OsaSimilarity("Məmmədov", "Mammadov"), 1.0 - 2.0 / 8.0);
}

void CheckAgainstReference(std::mt19937& rng,
                           const std::vector<std::string>& alphabet,
                           int cases) {
  for (int n = 0; n < cases; ++n) {
    const size_t max_length = n % 10 == 0 ? 80 : 12;
    const std::string a = testing_util::RandomString(rng, alphabet, max_length);
    const std::string b =
        n % 2 == 0 ? testing_util::Mutate(rng, alphabet, a)
                   : testing_util::RandomString(rng, alphabet, max_length);
    const int expected = reference::OsaDistance(a, b);
    for (int bound : {0, 1, 2, 3, 5, 100}) {
      ASSERT_EQ(OsaDistance(a, b, bound), std::min(expected, bound + 1))
          << a << " / " << b << " bound " << bound;
    }
  }
}

TEST(OsaDistanceTest, AgreesWithFullDynamicProgrammeOnRandomStrings) {
  std::mt19937 rng(2024);
  CheckAgainstReference(rng, {"a", "b", "c"}, 3000);
  CheckAgainstReference(rng, {"a", "b", "c", "d", "e", "f", "g"}, 1500);
  CheckAgainstReference(rng, {"а", "м", "ə", "王", "😀", "a"}, 1500);
}

}  // namespace
}  // namespace reckon

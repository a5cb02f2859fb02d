#include "linkage/compare/passport.h"

#include "gtest/gtest.h"

namespace reckon {
namespace {

TEST(NormalizeDocumentNumberTest, UpperCasesAndDropsSeparators) {
  EXPECT_EQ(NormalizeDocumentNumber(" c 1234-567 "), "C1234567");
  EXPECT_EQ(NormalizeDocumentNumber("AZE/12.34"), "AZE1234");
  EXPECT_EQ(NormalizeDocumentNumber(""), "");
  EXPECT_EQ(NormalizeDocumentNumber(" - "), "");
}

TEST(NormalizeDocumentNumberTest, FoldsCyrillicLookAlikes) {
  // Cyrillic С Р Н Х Т М and lower-case а в е к о.
  EXPECT_EQ(NormalizeDocumentNumber("СРНХТМ"), "CPHXTM");
  EXPECT_EQ(NormalizeDocumentNumber("авеко 12"), "ABEKO12");
  // Other Cyrillic letters are not look-alikes and are dropped.
  EXPECT_EQ(NormalizeDocumentNumber("Ж12Б"), "12");
  EXPECT_EQ(NormalizeDocumentNumber("ab\xFF" "12"), "AB12");  // bad byte
}

TEST(ComparePassportsTest, EachLevel) {
  EXPECT_EQ(ComparePassports("C1234567", "C1234567"), PassportLevel::kExact);
  EXPECT_EQ(ComparePassports("C1234567", "C1234577"), PassportLevel::kOneEdit);
  EXPECT_EQ(ComparePassports("C1234567", "C1243567"), PassportLevel::kOneEdit);
  EXPECT_EQ(ComparePassports("C1234567", "C123456"), PassportLevel::kOneEdit);
  EXPECT_EQ(ComparePassports("C1234567", "C1234"),
            PassportLevel::kPrefixOrSuffix);
  EXPECT_EQ(ComparePassports("4567", "C1234567"),
            PassportLevel::kPrefixOrSuffix);
  EXPECT_EQ(ComparePassports("567", "C1234567"), PassportLevel::kDifferent);
  EXPECT_EQ(ComparePassports("C1234567", "D7654321"),
            PassportLevel::kDifferent);
  EXPECT_EQ(ComparePassports("", "C1234567"), PassportLevel::kMissing);
  EXPECT_EQ(ComparePassports("", ""), PassportLevel::kMissing);
}

TEST(ComparePassportsTest, CyrillicAndLatinCopiesAreExactAfterNormalizing) {
  EXPECT_EQ(ComparePassports(NormalizeDocumentNumber("С 1234567"),
                             NormalizeDocumentNumber("c1234567")),
            PassportLevel::kExact);
}

TEST(ComparePassportsTest, LevelNames) {
  EXPECT_EQ(PassportLevelName(PassportLevel::kPrefixOrSuffix),
            "prefix_or_suffix");
}

}  // namespace
}  // namespace reckon

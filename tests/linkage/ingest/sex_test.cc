#include "linkage/ingest/sex.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/status_matchers.h"

namespace reckon {
namespace {

using ::reckon_testing::IsOkAndHolds;
using ::reckon_testing::StatusIs;
using ::testing::HasSubstr;

TEST(ParseSexTest, LatinLettersAndWords) {
  EXPECT_THAT(ParseSex("M"), IsOkAndHolds(Sex::kMale));
  EXPECT_THAT(ParseSex("f"), IsOkAndHolds(Sex::kFemale));
  EXPECT_THAT(ParseSex(" Male "), IsOkAndHolds(Sex::kMale));
  EXPECT_THAT(ParseSex("FEMALE"), IsOkAndHolds(Sex::kFemale));
}

TEST(ParseSexTest, CyrillicLettersAndWords) {
  EXPECT_THAT(ParseSex("М"), IsOkAndHolds(Sex::kMale));    // Cyrillic Em
  EXPECT_THAT(ParseSex("Ж"), IsOkAndHolds(Sex::kFemale));
  EXPECT_THAT(ParseSex("ж"), IsOkAndHolds(Sex::kFemale));
  EXPECT_THAT(ParseSex("муж"), IsOkAndHolds(Sex::kMale));
  EXPECT_THAT(ParseSex("Жен."), IsOkAndHolds(Sex::kFemale));
  EXPECT_THAT(ParseSex("ЖЕНСКИЙ"), IsOkAndHolds(Sex::kFemale));
}

TEST(ParseSexTest, AzerbaijaniAndTurkish) {
  EXPECT_THAT(ParseSex("K"), IsOkAndHolds(Sex::kMale));  // kişi
  EXPECT_THAT(ParseSex("Q"), IsOkAndHolds(Sex::kFemale));
  EXPECT_THAT(ParseSex("kişi"), IsOkAndHolds(Sex::kMale));
  EXPECT_THAT(ParseSex("KİŞİ"), IsOkAndHolds(Sex::kMale));
  EXPECT_THAT(ParseSex("Qadın"), IsOkAndHolds(Sex::kFemale));
  EXPECT_THAT(ParseSex("qadin"), IsOkAndHolds(Sex::kFemale));
  EXPECT_THAT(ParseSex("Kadın"), IsOkAndHolds(Sex::kFemale));  // Turkish
  EXPECT_THAT(ParseSex("kadin"), IsOkAndHolds(Sex::kFemale));
  EXPECT_THAT(ParseSex("E"), IsOkAndHolds(Sex::kMale));
  EXPECT_THAT(ParseSex("Erkek"), IsOkAndHolds(Sex::kMale));
}

TEST(ParseSexTest, Iso5218Digits) {
  EXPECT_THAT(ParseSex("0"), IsOkAndHolds(Sex::kUnknown));
  EXPECT_THAT(ParseSex("1"), IsOkAndHolds(Sex::kMale));
  EXPECT_THAT(ParseSex("2"), IsOkAndHolds(Sex::kFemale));
  EXPECT_THAT(ParseSex("9"), IsOkAndHolds(Sex::kUnknown));
}

TEST(ParseSexTest, EmptyIsUnknown) {
  EXPECT_THAT(ParseSex(""), IsOkAndHolds(Sex::kUnknown));
  EXPECT_THAT(ParseSex("  "), IsOkAndHolds(Sex::kUnknown));
  EXPECT_THAT(ParseSex("unknown"), IsOkAndHolds(Sex::kUnknown));
}

TEST(ParseSexTest, RejectsOtherValuesNamingThem) {
  EXPECT_THAT(ParseSex("3"), StatusIs(absl::StatusCode::kInvalidArgument,
                                      HasSubstr("unrecognized sex \"3\"")));
  EXPECT_THAT(ParseSex("MF"), StatusIs(absl::StatusCode::kInvalidArgument,
                                       HasSubstr("\"MF\"")));
  EXPECT_FALSE(ParseSex("-").ok());
  EXPECT_FALSE(ParseSex("\xFF").ok());
}

TEST(SexCodeTest, Codes) {
  EXPECT_EQ(SexCode(Sex::kMale), "M");
  EXPECT_EQ(SexCode(Sex::kFemale), "F");
  EXPECT_EQ(SexCode(Sex::kUnknown), "");
}

}  // namespace
}  // namespace reckon

#include "linkage/ingest/dates.h"

#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/status_matchers.h"

namespace reckon {
namespace {

using ::reckon_testing::IsOkAndHolds;
using ::reckon_testing::StatusIs;
using ::testing::HasSubstr;

PartialDate D(int year, int month = 0, int day = 0) {
  return PartialDate{year, month, day};
}

TEST(ParseDateTest, Iso8601WithAndWithoutTime) {
  EXPECT_THAT(ParseDate("1985-03-12"), IsOkAndHolds(D(1985, 3, 12)));
  EXPECT_THAT(ParseDate("1985-03-12T10:30:00Z"), IsOkAndHolds(D(1985, 3, 12)));
  EXPECT_THAT(ParseDate("1985-03-12T10:30:00.250+04:00"),
              IsOkAndHolds(D(1985, 3, 12)));
  EXPECT_THAT(ParseDate("1985-03-12 00:00"), IsOkAndHolds(D(1985, 3, 12)));
  EXPECT_THAT(ParseDate("1985-3-2"), IsOkAndHolds(D(1985, 3, 2)));
  EXPECT_THAT(ParseDate("1985/03/12"), IsOkAndHolds(D(1985, 3, 12)));
}

TEST(ParseDateTest, DayFirstForms) {
  EXPECT_THAT(ParseDate("12.03.1985"), IsOkAndHolds(D(1985, 3, 12)));
  EXPECT_THAT(ParseDate("12/03/1985"), IsOkAndHolds(D(1985, 3, 12)));
  EXPECT_THAT(ParseDate("12-03-1985"), IsOkAndHolds(D(1985, 3, 12)));
  EXPECT_THAT(ParseDate("2.3.1985"), IsOkAndHolds(D(1985, 3, 2)));
  EXPECT_THAT(ParseDate("  12.03.1985  "), IsOkAndHolds(D(1985, 3, 12)));
  EXPECT_THAT(ParseDate("25.12.1990"), IsOkAndHolds(D(1990, 12, 25)));
  EXPECT_THAT(ParseDate("12.03.1985 14:05:00"), IsOkAndHolds(D(1985, 3, 12)));
}

TEST(ParseDateTest, MonthFirstOnlyWhenDayFirstIsImpossible) {
  // 03/25/1990: month 25 does not exist, so a month-first writer.
  EXPECT_THAT(ParseDate("03/25/1990"), IsOkAndHolds(D(1990, 3, 25)));
  // 03/04/1990 is read day first: 3 April.
  EXPECT_THAT(ParseDate("03/04/1990"), IsOkAndHolds(D(1990, 4, 3)));
  EXPECT_THAT(ParseDate("13/25/1990"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("unparseable date \"13/25/1990\"")));
}

TEST(ParseDateTest, CompactAndPartialForms) {
  EXPECT_THAT(ParseDate("19850312"), IsOkAndHolds(D(1985, 3, 12)));
  EXPECT_THAT(ParseDate("1985-03"), IsOkAndHolds(D(1985, 3)));
  EXPECT_THAT(ParseDate("1985.3"), IsOkAndHolds(D(1985, 3)));
  EXPECT_THAT(ParseDate("03.1985"), IsOkAndHolds(D(1985, 3)));
  EXPECT_THAT(ParseDate("3/1985"), IsOkAndHolds(D(1985, 3)));
  EXPECT_THAT(ParseDate("1985"), IsOkAndHolds(D(1985)));
}

TEST(ParseDateTest, EmptyIsAnEmptyDateNotAnError) {
  EXPECT_THAT(ParseDate(""), IsOkAndHolds(PartialDate{}));
  EXPECT_THAT(ParseDate("   "), IsOkAndHolds(PartialDate{}));
  EXPECT_TRUE(ParseDate("")->empty());
  EXPECT_FALSE(ParseDate("1985")->empty());
  EXPECT_FALSE(ParseDate("1985")->complete());
  EXPECT_TRUE(ParseDate("1985-01-01")->complete());
}

TEST(ParseDateTest, ValidatesCalendarAndRange) {
  EXPECT_THAT(ParseDate("31/02/1990"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("unparseable date \"31/02/1990\"")));
  EXPECT_THAT(ParseDate("29.02.2000"), IsOkAndHolds(D(2000, 2, 29)));  // /400
  EXPECT_THAT(ParseDate("29.02.1996"), IsOkAndHolds(D(1996, 2, 29)));
  EXPECT_FALSE(ParseDate("29.02.1900").ok());  // /100, not /400
  EXPECT_FALSE(ParseDate("29.02.1985").ok());
  EXPECT_FALSE(ParseDate("31.04.1985").ok());
  EXPECT_THAT(ParseDate("31.12.2100"), IsOkAndHolds(D(2100, 12, 31)));
  EXPECT_THAT(ParseDate("01.01.1900"), IsOkAndHolds(D(1900, 1, 1)));
  EXPECT_FALSE(ParseDate("31.12.1899").ok());
  EXPECT_FALSE(ParseDate("2101").ok());
  EXPECT_FALSE(ParseDate("1985-00-12").ok());
  EXPECT_FALSE(ParseDate("1985-13").ok());
  EXPECT_FALSE(ParseDate("00.03.1985").ok());
  EXPECT_FALSE(ParseDate("19850230").ok());
}

TEST(ParseDateTest, RejectsMalformedText) {
  for (const char* text :
       {"12.03.85", "12.03-1985", "1985-03-12T25:00", "1985-03-12T10",
        "12..1985", "March 1985", "1985-03-12x", "123456789", "85",
        "1985-03-12-01", "-1985", "12.03.1985.", "1985-03T10:00"}) {
    EXPECT_THAT(ParseDate(text),
                StatusIs(absl::StatusCode::kInvalidArgument,
                         HasSubstr("unparseable date")))
        << text;
  }
}

TEST(ParseDateTest, LongValueIsCutInTheMessage) {
  const std::string text(200, '9');
  auto result = ParseDate(text);
  ASSERT_FALSE(result.ok());
  EXPECT_LT(result.status().message().size(), 100u);
}

TEST(DaysInMonthTest, GregorianLeapYears) {
  EXPECT_EQ(DaysInMonth(2024, 2), 29);
  EXPECT_EQ(DaysInMonth(2023, 2), 28);
  EXPECT_EQ(DaysInMonth(2000, 2), 29);
  EXPECT_EQ(DaysInMonth(1900, 2), 28);
  EXPECT_EQ(DaysInMonth(1985, 4), 30);
  EXPECT_EQ(DaysInMonth(1985, 12), 31);
}

}  // namespace
}  // namespace reckon

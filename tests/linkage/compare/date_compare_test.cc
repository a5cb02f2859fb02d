#include "linkage/compare/date_compare.h"

#include "gtest/gtest.h"
#include "linkage/ingest/dates.h"

namespace reckon {
namespace {

PartialDate D(int year, int month = 0, int day = 0) {
  return PartialDate{year, month, day};
}

TEST(CompareDatesTest, EachLevel) {
  EXPECT_EQ(CompareDates(D(1985, 3, 12), D(1985, 3, 12)), DateLevel::kExact);
  EXPECT_EQ(CompareDates(D(1985, 3, 12), D(1985, 12, 3)),
            DateLevel::kDayMonthSwapped);
  EXPECT_EQ(CompareDates(D(1985, 3, 12), D(1985, 3, 15)),
            DateLevel::kDayDiffers);
  EXPECT_EQ(CompareDates(D(1985, 3, 12), D(1986, 3, 12)),
            DateLevel::kYearOffByOne);
  EXPECT_EQ(CompareDates(D(1986, 3, 12), D(1985, 3, 12)),
            DateLevel::kYearOffByOne);
  EXPECT_EQ(CompareDates(D(1985, 1, 1), D(1985, 7, 30)),
            DateLevel::kMonthDiffers);
  EXPECT_EQ(CompareDates(D(1985, 3, 12), D(1990, 3, 12)),
            DateLevel::kDifferent);
  EXPECT_EQ(CompareDates(D(1985, 3, 12), PartialDate{}), DateLevel::kMissing);
  EXPECT_EQ(CompareDates(PartialDate{}, PartialDate{}), DateLevel::kMissing);
}

TEST(CompareDatesTest, PartialDates) {
  EXPECT_EQ(CompareDates(D(1985), D(1985, 3, 12)), DateLevel::kSameYear);
  EXPECT_EQ(CompareDates(D(1985), D(1985)), DateLevel::kSameYear);
  EXPECT_EQ(CompareDates(D(1985, 3), D(1985, 3, 12)),
            DateLevel::kSameYearMonth);
  EXPECT_EQ(CompareDates(D(1985, 3), D(1985, 3)), DateLevel::kSameYearMonth);
  EXPECT_EQ(CompareDates(D(1985, 3), D(1985, 4)), DateLevel::kMonthDiffers);
  EXPECT_EQ(CompareDates(D(1985, 3), D(1985, 4, 2)), DateLevel::kMonthDiffers);
  // Year off by one with the day agreeing needs complete dates; with a day
  // unknown it needs the month on both sides, and the same month.
  EXPECT_EQ(CompareDates(D(1985), D(1986)), DateLevel::kDifferent);
  EXPECT_EQ(CompareDates(D(1985, 3), D(1986)), DateLevel::kDifferent);
  EXPECT_EQ(CompareDates(D(1985, 3), D(1986, 3, 12)),
            DateLevel::kYearOffByOneSameMonth);
  EXPECT_EQ(CompareDates(D(1986, 3), D(1985, 3)),
            DateLevel::kYearOffByOneSameMonth);
  EXPECT_EQ(CompareDates(D(1985, 3), D(1986, 4, 12)), DateLevel::kDifferent);
  EXPECT_EQ(CompareDates(D(1985, 3), D(1987, 3, 12)), DateLevel::kDifferent);
  // Complete dates a year apart whose days differ are different dates.
  EXPECT_EQ(CompareDates(D(1985, 3, 12), D(1986, 3, 13)),
            DateLevel::kDifferent);
}

TEST(CompareDatesTest, SwapNeedsTheSameYearAndDistinctDayAndMonth) {
  EXPECT_EQ(CompareDates(D(1985, 3, 3), D(1985, 3, 3)), DateLevel::kExact);
  EXPECT_EQ(CompareDates(D(1985, 3, 12), D(1986, 12, 3)),
            DateLevel::kDifferent);
}

TEST(CompareDatesTest, IsSymmetric) {
  const PartialDate dates[] = {D(1985, 3, 12), D(1985, 12, 3), D(1985, 3),
                               D(1985),        D(1986, 3, 12), D(1984, 1, 1),
                               PartialDate{}};
  for (const PartialDate& a : dates) {
    for (const PartialDate& b : dates) {
      EXPECT_EQ(CompareDates(a, b), CompareDates(b, a));
    }
  }
}

TEST(CompareDatesTest, LevelNames) {
  EXPECT_EQ(DateLevelName(DateLevel::kDayMonthSwapped), "day_month_swapped");
  EXPECT_EQ(DateLevelName(DateLevel::kMissing), "missing");
}

}  // namespace
}  // namespace reckon

#include "linkage/compare/date_compare.h"

#include <algorithm>
#include <vector>

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
  // A month-only date whose month is the other's day: 12.03.1985 read as
  // month 12, or 03.12.1985 kept as 1985-03.
  EXPECT_EQ(CompareDates(D(1985, 3), D(1985, 12, 3)), DateLevel::kMonthIsDay);
  EXPECT_EQ(CompareDates(D(1985, 12, 3), D(1985, 3)), DateLevel::kMonthIsDay);
  // Both months known without days, or another year: no day to match.
  EXPECT_EQ(CompareDates(D(1985, 3), D(1985, 12)), DateLevel::kMonthDiffers);
  EXPECT_EQ(CompareDates(D(1985, 3), D(1986, 12, 3)), DateLevel::kDifferent);
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
                               D(1985, 12),    D(1985),        D(1986, 3, 12),
                               D(1984, 1, 1),  PartialDate{}};
  for (const PartialDate& a : dates) {
    for (const PartialDate& b : dates) {
      EXPECT_EQ(CompareDates(a, b), CompareDates(b, a));
    }
  }
}

TEST(DateScopeTest, CompleteAndPartialPairsAreComparedApart) {
  EXPECT_TRUE(InDateScope(DateScope::kComplete, D(1985, 3, 12), D(1985, 3, 12)));
  EXPECT_FALSE(InDateScope(DateScope::kComplete, D(1985, 3), D(1985, 3, 12)));
  EXPECT_TRUE(InDateScope(DateScope::kPartial, D(1985, 3), D(1985, 3, 12)));
  EXPECT_TRUE(InDateScope(DateScope::kPartial, D(1985), D(1985)));
  EXPECT_FALSE(InDateScope(DateScope::kPartial, D(1985, 3, 12), D(1985, 3, 1)));
  for (DateScope scope :
       {DateScope::kAll, DateScope::kComplete, DateScope::kPartial}) {
    EXPECT_FALSE(InDateScope(scope, D(1985, 3, 12), PartialDate{}));
  }
  EXPECT_TRUE(InDateScope(DateScope::kAll, D(1985), D(1985, 3, 12)));
  // Each scope lists the levels its pairs can reach, best first.
  EXPECT_EQ(DateScopeLevels(DateScope::kComplete),
            (std::vector<DateLevel>{DateLevel::kExact, DateLevel::kDayMonthSwapped,
                                    DateLevel::kYearOffByOne, DateLevel::kDayDiffers,
                                    DateLevel::kMonthDiffers, DateLevel::kDifferent}));
  EXPECT_EQ(DateScopeLevels(DateScope::kPartial),
            (std::vector<DateLevel>{DateLevel::kSameYearMonth, DateLevel::kSameYear,
                                    DateLevel::kMonthIsDay,
                                    DateLevel::kYearOffByOneSameMonth,
                                    DateLevel::kMonthDiffers, DateLevel::kDifferent}));
  EXPECT_EQ(DateScopeLevels(DateScope::kAll).size(),
            static_cast<size_t>(kDateLevelCount - 1));
}

TEST(DateScopeTest, EveryPairInAScopeGetsOneOfItsLevels) {
  std::vector<PartialDate> dates;
  for (int year : {1984, 1985, 1986}) {
    dates.push_back(D(year));
    for (int month : {1, 3, 12}) {
      dates.push_back(D(year, month));
      for (int day : {1, 3, 12, 28}) dates.push_back(D(year, month, day));
    }
  }
  for (DateScope scope : {DateScope::kComplete, DateScope::kPartial}) {
    const std::vector<DateLevel> levels = DateScopeLevels(scope);
    for (const PartialDate& a : dates) {
      for (const PartialDate& b : dates) {
        if (!InDateScope(scope, a, b)) continue;
        const DateLevel level = CompareDates(a, b);
        EXPECT_NE(std::find(levels.begin(), levels.end(), level), levels.end())
            << DateLevelName(level);
      }
    }
  }
}

TEST(CompareDatesTest, LevelNames) {
  EXPECT_EQ(DateLevelName(DateLevel::kDayMonthSwapped), "day_month_swapped");
  EXPECT_EQ(DateLevelName(DateLevel::kMissing), "missing");
}

}  // namespace
}  // namespace reckon

#include "linkage/compare/date_compare.h"

#include <string_view>

namespace reckon {

DateLevel CompareDates(const PartialDate& a, const PartialDate& b) {
  if (a.empty() || b.empty()) return DateLevel::kMissing;
  const bool complete = a.complete() && b.complete();
  if (a.year == b.year) {
    if (complete) {
      if (a.month == b.month) {
        return a.day == b.day ? DateLevel::kExact : DateLevel::kDayDiffers;
      }
      if (a.day == b.month && a.month == b.day) {
        return DateLevel::kDayMonthSwapped;  // day == month was exact above
      }
      return DateLevel::kMonthDiffers;
    }
    if (a.month == 0 || b.month == 0) return DateLevel::kSameYear;
    return a.month == b.month ? DateLevel::kSameYearMonth
                              : DateLevel::kMonthDiffers;
  }
  const bool year_off_by_one = a.year - b.year == 1 || b.year - a.year == 1;
  if (year_off_by_one && a.month != 0 && a.month == b.month) {
    if (complete) {
      if (a.day == b.day) return DateLevel::kYearOffByOne;
    } else {
      return DateLevel::kYearOffByOneSameMonth;
    }
  }
  return DateLevel::kDifferent;
}

std::string_view DateLevelName(DateLevel level) {
  switch (level) {
    case DateLevel::kExact: return "exact";
    case DateLevel::kDayMonthSwapped: return "day_month_swapped";
    case DateLevel::kYearOffByOne: return "year_off_by_one";
    case DateLevel::kSameYearMonth: return "same_year_month";
    case DateLevel::kSameYear: return "same_year";
    case DateLevel::kYearOffByOneSameMonth: return "year_off_by_one_same_month";
    case DateLevel::kDayDiffers: return "day_differs";
    case DateLevel::kMonthDiffers: return "month_differs";
    case DateLevel::kDifferent: return "different";
    case DateLevel::kMissing: return "missing";
  }
  return "unknown";
}

}  // namespace reckon

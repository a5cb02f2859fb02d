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
    if (a.month == b.month) return DateLevel::kSameYearMonth;
    // One side lacks the day (both complete was handled above).
    if (a.month == b.day || b.month == a.day) return DateLevel::kMonthIsDay;
    return DateLevel::kMonthDiffers;
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

bool InDateScope(DateScope scope, const PartialDate& a, const PartialDate& b) {
  if (a.empty() || b.empty()) return false;
  switch (scope) {
    case DateScope::kAll:
      return true;
    case DateScope::kComplete:
      return a.complete() && b.complete();
    case DateScope::kPartial:
      return !(a.complete() && b.complete());
  }
  return false;
}

std::vector<DateLevel> DateScopeLevels(DateScope scope) {
  std::vector<DateLevel> levels;
  for (int l = 0; l < kDateLevelCount - 1; ++l) {
    const auto level = static_cast<DateLevel>(l);
    bool complete = false;  // two complete dates can have this level
    bool partial = false;   // a pair with a partial date can
    switch (level) {
      case DateLevel::kExact:
      case DateLevel::kDayMonthSwapped:
      case DateLevel::kYearOffByOne:
      case DateLevel::kDayDiffers:
        complete = true;
        break;
      case DateLevel::kSameYearMonth:
      case DateLevel::kSameYear:
      case DateLevel::kMonthIsDay:
      case DateLevel::kYearOffByOneSameMonth:
        partial = true;
        break;
      case DateLevel::kMonthDiffers:
      case DateLevel::kDifferent:
        complete = partial = true;
        break;
      case DateLevel::kMissing:
        break;
    }
    if (scope == DateScope::kAll || (scope == DateScope::kComplete && complete) ||
        (scope == DateScope::kPartial && partial)) {
      levels.push_back(level);
    }
  }
  return levels;
}

std::string_view DateLevelName(DateLevel level) {
  switch (level) {
    case DateLevel::kExact: return "exact";
    case DateLevel::kDayMonthSwapped: return "day_month_swapped";
    case DateLevel::kYearOffByOne: return "year_off_by_one";
    case DateLevel::kSameYearMonth: return "same_year_month";
    case DateLevel::kSameYear: return "same_year";
    case DateLevel::kMonthIsDay: return "month_is_day";
    case DateLevel::kYearOffByOneSameMonth: return "year_off_by_one_same_month";
    case DateLevel::kDayDiffers: return "day_differs";
    case DateLevel::kMonthDiffers: return "month_differs";
    case DateLevel::kDifferent: return "different";
    case DateLevel::kMissing: return "missing";
  }
  return "unknown";
}

}  // namespace reckon

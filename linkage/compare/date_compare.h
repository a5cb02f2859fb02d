// Comparison levels for dates of birth, partial dates included. Scoring
// (linkage/score) learns a match weight per level; the levels only say how
// two dates relate.
#ifndef RECKON_LINKAGE_COMPARE_DATE_COMPARE_H_
#define RECKON_LINKAGE_COMPARE_DATE_COMPARE_H_

#include <cstdint>
#include <string_view>

#include "linkage/ingest/dates.h"

namespace reckon {

// From strongest to weakest agreement. Partial agreement that is merely
// less precise (one side lacks the day) is kept apart from, and ranked
// above, a disagreement between known parts, which is evidence against a
// match. Training relies on this order (see EmOptions::monotone).
enum class DateLevel : uint8_t {
  // Both dates complete (year, month and day known) and equal.
  kExact,
  // Both complete, same year, day and month exchanged (12.03 vs 03.12): the
  // D/M versus M/D confusion. Never returned when day == month.
  kDayMonthSwapped,
  // Both complete, same month and day, years one apart: a typo in the year
  // or a year derived from an age.
  kYearOffByOne,
  // Same year and month, and at least one side does not know the day
  // (1985-03 vs 1985-03-12, 1985-03 vs 1985-03): consistent, less precise.
  kSameYearMonth,
  // Same year, and at least one side does not know the month
  // (1985 vs 1985-03-12, 1985 vs 1985): consistent, less precise.
  kSameYear,
  // Years one apart, same month, and at least one side does not know the
  // day (1985-03 vs 1986-03-12): a wrong year in a register that records
  // only the month. Weaker than kYearOffByOne, whose day agrees too.
  kYearOffByOneSameMonth,
  // Both complete, same year and month, different days (1985-03-12 vs
  // 1985-03-15): a typo in the day, or two different people.
  kDayDiffers,
  // Same year, both months known and different (1985-01-01 vs 1985-07-30).
  kMonthDiffers,
  // Both known and none of the above.
  kDifferent,
  // Either date is empty.
  kMissing,
};

inline constexpr int kDateLevelCount = 10;

// Returns the level of `a` against `b`; symmetric. O(1).
// REQUIRES: each date is empty or as ParseDate makes them (a known day
// implies a known month, a known month a known year).
DateLevel CompareDates(const PartialDate& a, const PartialDate& b);

// "exact", "day_month_swapped", "year_off_by_one", "same_year_month",
// "same_year", "day_differs", "month_differs", "different", "missing": for
// configs and model.json.
std::string_view DateLevelName(DateLevel level);

}  // namespace reckon

#endif  // RECKON_LINKAGE_COMPARE_DATE_COMPARE_H_

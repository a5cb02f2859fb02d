// Comparison levels for dates of birth, partial dates included. Scoring
// (linkage/score) learns a match weight per level; the levels only say how
// two dates relate.
#ifndef RECKON_LINKAGE_COMPARE_DATE_COMPARE_H_
#define RECKON_LINKAGE_COMPARE_DATE_COMPARE_H_

#include <cstdint>
#include <string_view>
#include <vector>

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
  // Same year, one side lacks the day, and its month is the other side's
  // day, not its month (1985-03 vs 1985-12-03): the D/M confusion in a
  // register that keeps only year and month. Weaker than kDayMonthSwapped,
  // which checks two numbers where this checks one.
  kMonthIsDay,
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

inline constexpr int kDateLevelCount = 11;

// Which pairs of dates a date comparison covers. Registers differ in how
// precisely they record dates (a statistics office may keep only year and
// month), and how a match's dates relate depends on that: between two
// complete dates a match is nearly always exact, while a month-only date
// can at best agree on the month. Comparing the two kinds of pair as
// separate comparisons gives each its own m and u, so that "same year and
// month" is weighed as the best a month-only date can do rather than as
// a weak level among all pairs.
enum class DateScope : uint8_t {
  kAll,       // every pair of known dates
  kComplete,  // both dates complete (year, month and day)
  kPartial,   // both known, at least one without its day or month
};

// Whether `scope` covers dates `a` and `b` (never when either is empty).
bool InDateScope(DateScope scope, const PartialDate& a, const PartialDate& b);

// The levels pairs in `scope` can have, in DateLevel order, kMissing left
// out.
std::vector<DateLevel> DateScopeLevels(DateScope scope);

// Returns the level of `a` against `b`; symmetric. O(1).
// REQUIRES: each date is empty or as ParseDate makes them (a known day
// implies a known month, a known month a known year).
DateLevel CompareDates(const PartialDate& a, const PartialDate& b);

// "exact", "day_month_swapped", "year_off_by_one", "same_year_month",
// "same_year", "month_is_day", "year_off_by_one_same_month", "day_differs",
// "month_differs", "different", "missing": for configs and model.json.
std::string_view DateLevelName(DateLevel level);

}  // namespace reckon

#endif  // RECKON_LINKAGE_COMPARE_DATE_COMPARE_H_

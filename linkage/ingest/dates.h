// Dates of birth as registers write them, parsed into a PartialDate whose
// unknown parts are 0. The comparator in linkage/compare/date_compare.h works
// on these.
//
// Accepted forms (surrounding spaces ignored, day and month may have one digit):
//   1985-03-12, 1985-03-12T10:30:00Z, 1985-03-12 10:30   ISO 8601 (also / or .)
//   12.03.1985, 12/03/1985, 12-03-1985                 day first, see below
//   19850312                                           YYYYMMDD
//   1985-03, 1985/03, 1985.03                          year and month
//   03.1985, 03/1985, 03-1985                          month and year
//   1985                                               year only
//   ""                                                 empty date (not an error)
//
//   absl::StatusOr<PartialDate> date = ParseDate("12.03.1985");
//   // date->year == 1985, date->month == 3, date->day == 12
#ifndef RECKON_LINKAGE_INGEST_DATES_H_
#define RECKON_LINKAGE_INGEST_DATES_H_

#include <string_view>

#include "absl/status/statusor.h"

namespace reckon {

// A calendar date some of whose parts may be unknown (0). A known day implies
// a known month, and a known month a known year; ParseDate only produces such
// dates.
struct PartialDate {
  int year = 0;   // 1900..2100, or 0 if unknown
  int month = 0;  // 1..12, or 0 if unknown
  int day = 0;    // 1..31, or 0 if unknown

  // True when nothing is known (the field was empty).
  bool empty() const { return year == 0 && month == 0 && day == 0; }
  // True when year, month and day are all known.
  bool complete() const { return year != 0 && month != 0 && day != 0; }

  friend bool operator==(const PartialDate&, const PartialDate&) = default;
};

// Parses `text` in one of the forms listed above.
//
// Day-month order for the D/M/Y forms: day first, as in Azerbaijan, Russia
// and Turkey. When the second number is above 12 and the first is not
// ("03/25/1990", written by a month-first writer) the only valid reading is
// month first, and that is what is returned. Both numbers above 12 is an
// error. Two-digit years are rejected, since their century is a guess.
//
// Returns an empty date for "" (or only spaces), and kInvalidArgument
// `unparseable date "31/02/1990"` for anything else that is not a valid date
// in 1900..2100 (February 29 only in leap years). The message names the value
// only: the caller adds file, line and field.
absl::StatusOr<PartialDate> ParseDate(std::string_view text);

// Number of days in `month` (1..12) of `year`, with Gregorian leap years.
int DaysInMonth(int year, int month);

}  // namespace reckon

#endif  // RECKON_LINKAGE_INGEST_DATES_H_

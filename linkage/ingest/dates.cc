#include "linkage/ingest/dates.h"

#include <array>
#include <cstddef>
#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"

namespace reckon {
namespace {

constexpr int kMinYear = 1900;
constexpr int kMaxYear = 2100;
// Longest value quoted back in an error message, in bytes.
constexpr size_t kMaxQuoted = 64;

bool IsDigit(char c) { return c >= '0' && c <= '9'; }
bool IsBlank(char c) { return c == ' ' || c == '\t'; }

absl::Status Unparseable(std::string_view text) {
  std::string quoted(text.substr(0, kMaxQuoted));
  if (text.size() > kMaxQuoted) quoted += "...";
  return absl::InvalidArgumentError(
      absl::StrCat("unparseable date \"", quoted, "\""));
}

// Reads `count` digits (exactly) at `*pos` into `*value`.
bool ReadDigits(std::string_view text, size_t* pos, size_t count, int* value) {
  if (text.size() - *pos < count) return false;
  int result = 0;
  for (size_t k = 0; k < count; ++k) {
    const char c = text[*pos + k];
    if (!IsDigit(c)) return false;
    result = result * 10 + (c - '0');
  }
  *pos += count;
  *value = result;
  return true;
}

// Accepts the time part that may follow a full date: "10:30", "10:30:15",
// "10:30:15.250", each optionally followed by "Z" or an offset "+04:00",
// "+0400", "+04". The value is checked and then ignored: a date of birth has
// no time of day.
bool IsTimeOfDay(std::string_view text) {
  size_t pos = 0;
  while (pos < text.size() && IsBlank(text[pos])) ++pos;
  int hour = 0;
  size_t hour_digits = 0;
  while (pos < text.size() && IsDigit(text[pos]) && hour_digits < 2) {
    hour = hour * 10 + (text[pos] - '0');
    ++pos;
    ++hour_digits;
  }
  if (hour_digits == 0 || hour > 24) return false;
  if (pos >= text.size() || text[pos] != ':') return false;
  ++pos;
  int minute = 0;
  if (!ReadDigits(text, &pos, 2, &minute) || minute > 59) return false;
  if (pos < text.size() && text[pos] == ':') {
    ++pos;
    int second = 0;
    if (!ReadDigits(text, &pos, 2, &second) || second > 60) return false;
    if (pos < text.size() && (text[pos] == '.' || text[pos] == ',')) {
      ++pos;
      const size_t start = pos;
      while (pos < text.size() && IsDigit(text[pos])) ++pos;
      if (pos == start) return false;
    }
  }
  while (pos < text.size() && IsBlank(text[pos])) ++pos;
  if (pos == text.size()) return true;
  if (text[pos] == 'Z' || text[pos] == 'z') return pos + 1 == text.size();
  if (text[pos] != '+' && text[pos] != '-') return false;
  ++pos;
  int offset = 0;
  if (!ReadDigits(text, &pos, 2, &offset) || offset > 14) return false;
  if (pos == text.size()) return true;
  if (text[pos] == ':') ++pos;
  if (!ReadDigits(text, &pos, 2, &offset) || offset > 59) return false;
  return pos == text.size();
}

bool IsValid(int year, int month, int day) {
  if (year < kMinYear || year > kMaxYear) return false;
  if (month == 0) return day == 0;
  if (month < 1 || month > 12) return false;
  return day == 0 || (day >= 1 && day <= DaysInMonth(year, month));
}

struct Group {
  int value = 0;
  size_t digits = 0;
};

}  // namespace

int DaysInMonth(int year, int month) {
  static constexpr std::array<int, 12> kDays = {31, 28, 31, 30, 31, 30,
                                                31, 31, 30, 31, 30, 31};
  if (month == 2) {
    const bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
    return leap ? 29 : 28;
  }
  return kDays[static_cast<size_t>(month - 1)];
}

absl::StatusOr<PartialDate> ParseDate(std::string_view text) {
  size_t begin = 0;
  size_t end = text.size();
  while (begin < end && IsBlank(text[begin])) ++begin;
  while (end > begin && IsBlank(text[end - 1])) --end;
  const std::string_view value = text.substr(begin, end - begin);
  if (value.empty()) return PartialDate{};

  // Split into at most three digit groups joined by one separator kind.
  std::array<Group, 3> groups;
  size_t group_count = 0;
  char separator = 0;
  size_t pos = 0;
  while (true) {
    if (group_count == groups.size()) return Unparseable(text);
    Group& group = groups[group_count++];
    while (pos < value.size() && IsDigit(value[pos])) {
      if (++group.digits > 8) return Unparseable(text);
      group.value = group.value * 10 + (value[pos] - '0');
      ++pos;
    }
    if (group.digits == 0) return Unparseable(text);
    if (pos == value.size()) break;
    const char c = value[pos];
    if (c == '-' || c == '.' || c == '/') {
      if (separator != 0 && c != separator) return Unparseable(text);
      separator = c;
      ++pos;
      continue;
    }
    if ((c == 'T' || c == 't' || IsBlank(c)) && group_count == 3) {
      if (!IsTimeOfDay(value.substr(pos + 1))) return Unparseable(text);
      break;
    }
    return Unparseable(text);
  }

  PartialDate date;
  const Group& g0 = groups[0];
  const Group& g1 = groups[1];
  const Group& g2 = groups[2];
  const auto short_number = [](const Group& g) {
    return g.digits == 1 || g.digits == 2;
  };
  if (group_count == 1 && g0.digits == 8) {  // YYYYMMDD
    date = {g0.value / 10000, g0.value / 100 % 100, g0.value % 100};
  } else if (group_count == 1 && g0.digits == 4) {  // YYYY
    date = {g0.value, 0, 0};
  } else if (group_count == 2 && g0.digits == 4 && short_number(g1)) {
    date = {g0.value, g1.value, 0};  // YYYY-MM
  } else if (group_count == 2 && short_number(g0) && g1.digits == 4) {
    date = {g1.value, g0.value, 0};  // MM.YYYY
  } else if (group_count == 3 && g0.digits == 4 && short_number(g1) &&
             short_number(g2)) {
    date = {g0.value, g1.value, g2.value};  // YYYY-MM-DD
  } else if (group_count == 3 && short_number(g0) && short_number(g1) &&
             g2.digits == 4) {
    // Day first, unless only the month-first reading is a valid date.
    if (g1.value > 12 && g0.value <= 12) {
      date = {g2.value, g0.value, g1.value};
    } else {
      date = {g2.value, g1.value, g0.value};
    }
  } else {
    return Unparseable(text);
  }
  // A part that was written must be valid: "1985-00" or "00.03.1985" is not
  // an unknown month or day but a broken value.
  const bool full = group_count == 3 || (group_count == 1 && g0.digits == 8);
  if ((group_count >= 2 && date.month == 0) || (full && date.day == 0) ||
      !IsValid(date.year, date.month, date.day)) {
    return Unparseable(text);
  }
  return date;
}

}  // namespace reckon

#include "linkage/ingest/csv_reader.h"

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"

namespace reckon {
namespace {

bool IsBlank(char c) { return c == ' ' || c == '\t'; }

std::string_view TrimBlanks(std::string_view text) {
  while (!text.empty() && IsBlank(text.front())) text.remove_prefix(1);
  while (!text.empty() && IsBlank(text.back())) text.remove_suffix(1);
  return text;
}

// True if `row` ends inside an open quoted field, so the next physical line
// belongs to the same row.
bool EndsInsideQuotes(std::string_view row, const CsvOptions& options) {
  bool in_quotes = false;
  bool field_start = true;
  for (size_t i = 0; i < row.size(); ++i) {
    const char c = row[i];
    if (in_quotes) {
      if (c == '"') {
        if (i + 1 < row.size() && row[i + 1] == '"') {
          ++i;
        } else {
          in_quotes = false;
        }
      }
    } else if (c == options.separator) {
      field_start = true;
      continue;
    } else if (c == '"' && field_start) {
      in_quotes = true;
    } else if (options.trim && IsBlank(c) && field_start) {
      continue;
    }
    field_start = false;
  }
  return in_quotes;
}

}  // namespace

absl::StatusOr<std::vector<std::string>> SplitCsvRow(
    std::string_view row, const CsvOptions& options) {
  std::vector<std::string> fields;
  size_t i = 0;
  const size_t n = row.size();
  while (true) {
    std::string field;
    size_t start = i;
    if (options.trim) {
      while (start < n && IsBlank(row[start])) ++start;
    }
    if (start < n && row[start] == '"') {
      // Quoted field: runs to the closing quote; "" is a literal quote.
      size_t j = start + 1;
      bool closed = false;
      while (j < n) {
        if (row[j] == '"') {
          if (j + 1 < n && row[j + 1] == '"') {
            field.push_back('"');
            j += 2;
            continue;
          }
          closed = true;
          ++j;
          break;
        }
        field.push_back(row[j]);
        ++j;
      }
      if (!closed) {
        return absl::InvalidArgumentError("unterminated quoted field");
      }
      while (j < n && IsBlank(row[j])) ++j;
      if (j < n && row[j] != options.separator) {
        return absl::InvalidArgumentError(absl::StrCat(
            "field ", fields.size() + 1, ": text after closing quote"));
      }
      fields.push_back(std::move(field));
      if (j >= n) break;
      i = j + 1;
    } else {
      size_t j = row.find(options.separator, i);
      if (j == std::string_view::npos) j = n;
      std::string_view value = row.substr(i, j - i);
      if (options.trim) value = TrimBlanks(value);
      fields.emplace_back(value);
      if (j >= n) break;
      i = j + 1;
    }
  }
  return fields;
}

std::string CsvEscape(std::string_view value, char separator) {
  bool needs_quotes = false;
  for (char c : value) {
    if (c == separator || c == '"' || c == '\n' || c == '\r') {
      needs_quotes = true;
      break;
    }
  }
  if (!needs_quotes) return std::string(value);
  std::string quoted = "\"";
  for (char c : value) {
    if (c == '"') quoted.push_back('"');
    quoted.push_back(c);
  }
  quoted.push_back('"');
  return quoted;
}

CsvReader::CsvReader(std::istream& in, std::string name, CsvOptions options)
    : in_(in), name_(std::move(name)), options_(options) {}

bool CsvReader::ReadPhysicalLine(std::string* line) {
  if (!std::getline(in_, *line)) return false;
  ++line_number_;
  if (!line->empty() && line->back() == '\r') line->pop_back();
  if (at_start_) {
    at_start_ = false;
    if (line->rfind("\xEF\xBB\xBF", 0) == 0) line->erase(0, 3);
  }
  return true;
}

absl::StatusOr<bool> CsvReader::Next(CsvRow* row) {
  while (true) {
    if (!ReadPhysicalLine(&buffer_)) return false;
    if (buffer_.empty()) continue;
    const int64_t first_line = line_number_;
    std::string next;
    bool too_long = false;
    while (EndsInsideQuotes(buffer_, options_)) {
      if (buffer_.size() > options_.max_row_bytes) {
        too_long = true;
        break;
      }
      if (!ReadPhysicalLine(&next)) {
        return absl::InvalidArgumentError(absl::StrCat(
            name_, ":", first_line, ": unterminated quoted field"));
      }
      buffer_.push_back('\n');
      buffer_.append(next);
    }
    if (too_long || buffer_.size() > options_.max_row_bytes) {
      return absl::InvalidArgumentError(absl::StrCat(
          name_, ":", first_line, ": row longer than ",
          options_.max_row_bytes, " bytes (a stray quote?)"));
    }
    absl::StatusOr<std::vector<std::string>> fields =
        SplitCsvRow(buffer_, options_);
    if (!fields.ok()) {
      return absl::InvalidArgumentError(absl::StrCat(
          name_, ":", first_line, ": ", fields.status().message()));
    }
    row->line = first_line;
    row->fields = *std::move(fields);
    return true;
  }
}

}  // namespace reckon

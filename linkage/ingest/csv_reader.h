// A streaming CSV reader for the files agencies send: RFC 4180 quoting
// (quoted fields may hold separators, doubled quotes and newlines), LF or CRLF
// line ends, an optional UTF-8 byte-order mark, any one-byte separator, and
// optional trimming of spaces around values (FEBRL writes ", ").
//
// It reads from a stream it is handed and never opens files. Errors name the
// input and the line, e.g. "agency_a.csv:418: unterminated quoted field".
#ifndef RECKON_LINKAGE_INGEST_CSV_READER_H_
#define RECKON_LINKAGE_INGEST_CSV_READER_H_

#include <cstdint>
#include <istream>
#include <string>
#include <vector>

#include "absl/status/statusor.h"

namespace reckon {

struct CsvOptions {
  char separator = ',';
  // Strip ASCII spaces and tabs around unquoted values.
  bool trim = false;
  // Longest row accepted, in bytes; a longer one is an error, so that a file
  // with a stray quote cannot swallow the rest of the input into one field.
  size_t max_row_bytes = 1 << 20;
};

struct CsvRow {
  // Line on which the row starts, from 1.
  int64_t line = 0;
  std::vector<std::string> fields;
};

// Not thread-safe; one reader per stream.
class CsvReader {
 public:
  // `name` labels errors (usually the file name). `in` must outlive the reader.
  CsvReader(std::istream& in, std::string name, CsvOptions options = {});

  // Reads the next row into `*row`. Returns true if a row was read, false at
  // the end of input. On a malformed row returns kInvalidArgument naming the
  // line; the reader then goes on with the next line, so one bad row does not
  // lose the rest. Blank lines are skipped.
  absl::StatusOr<bool> Next(CsvRow* row);

  const std::string& name() const { return name_; }

 private:
  bool ReadPhysicalLine(std::string* line);

  std::istream& in_;
  std::string name_;
  CsvOptions options_;
  int64_t line_number_ = 0;
  bool at_start_ = true;
  std::string buffer_;
};

// Splits one logical row (already joined across quoted newlines) into fields.
// Returns kInvalidArgument for an unterminated quote or text after a closing
// quote. Exposed for tests and for in-memory callers.
absl::StatusOr<std::vector<std::string>> SplitCsvRow(std::string_view row,
                                                     const CsvOptions& options);

// Quotes `value` for output if it holds the separator, a quote, CR or LF.
std::string CsvEscape(std::string_view value, char separator = ',');

}  // namespace reckon

#endif  // RECKON_LINKAGE_INGEST_CSV_READER_H_

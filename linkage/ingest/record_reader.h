// Reads canonical records from a CSV stream with a header row.
//
// Header columns named like canonical fields (DESIGN.md) fill those fields;
// `column_map` renames other schemas' columns onto fields (FEBRL's `rec_id`
// onto source_record_id, say); every other column is kept as an extra field.
// Values are stored exactly as written. A bad row is reported with its file,
// line and field and skipped; the rows around it are kept.
//
//   std::ifstream file(path);
//   RECKON_ASSIGN_OR_RETURN(RecordReader reader,
//                           RecordReader::Create(file, "labour.csv", "labour"));
//   while (true) {
//     absl::StatusOr<std::optional<Record>> next = reader.Next();
//     if (!next.ok()) { report(next.status()); continue; }
//     if (!next->has_value()) break;
//     records.push_back(**std::move(next));
//   }
#ifndef RECKON_LINKAGE_INGEST_RECORD_READER_H_
#define RECKON_LINKAGE_INGEST_RECORD_READER_H_

#include <cstdint>
#include <istream>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_set.h"
#include "absl/status/statusor.h"
#include "linkage/base/record.h"
#include "linkage/ingest/csv_reader.h"

namespace reckon {

// What a header column is read into.
struct ColumnTarget {
  enum class Kind { kRecordId, kField, kExtra };
  Kind kind = Kind::kExtra;
  Field field = Field::kGivenName;  // for kField
};

struct RecordReaderOptions {
  CsvOptions csv;
  // Header column name -> where it goes, overriding the canonical names.
  std::vector<std::pair<std::string, ColumnTarget>> column_map;
  // Longest value accepted in any field, in bytes.
  size_t max_field_bytes = 4096;
};

// Not thread-safe.
class RecordReader {
 public:
  // Reads the header. Fails with kInvalidArgument (naming `file_name`) if the
  // input is empty, the header is malformed, or a column name repeats.
  static absl::StatusOr<RecordReader> Create(std::istream& in,
                                             std::string file_name,
                                             std::string source,
                                             RecordReaderOptions options = {});

  // Returns the next valid record, std::nullopt at the end of input, or
  // kInvalidArgument for a bad row ("file:line: field: what"), after which
  // reading goes on with the next row.
  // A row's record id is its source_record_id column, or "line-<N>" when the
  // file has no such column. Checks: column count, valid UTF-8, no control
  // characters, value length, a non-empty and unique record id.
  absl::StatusOr<std::optional<Record>> Next();

  // Header columns kept as extra fields, in file order.
  const std::vector<std::string>& extra_columns() const {
    return extra_columns_;
  }
  bool has_record_id_column() const { return id_column_.has_value(); }

 private:
  RecordReader(std::istream& in, std::string file_name, std::string source,
               RecordReaderOptions options);

  CsvReader csv_;
  std::string file_name_;
  std::string source_;
  RecordReaderOptions options_;
  std::vector<std::string> header_;
  std::vector<ColumnTarget> targets_;
  std::optional<size_t> id_column_;
  std::vector<std::string> extra_columns_;
  absl::flat_hash_set<std::string> seen_ids_;
};

// The outcome of reading a whole stream.
struct ReadResult {
  std::vector<Record> records;
  // One message per rejected row, in input order.
  std::vector<std::string> errors;
  int64_t rows_rejected = 0;
};

// Reads every row of `in`. Fails only if the header cannot be read; bad rows
// are counted and described in the result.
absl::StatusOr<ReadResult> ReadAllRecords(std::istream& in,
                                          std::string file_name,
                                          std::string source,
                                          RecordReaderOptions options = {});

}  // namespace reckon

#endif  // RECKON_LINKAGE_INGEST_RECORD_READER_H_

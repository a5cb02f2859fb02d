#include "linkage/ingest/record_reader.h"

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_set.h"
#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "linkage/base/status_macros.h"
#include "linkage/base/utf8.h"

namespace reckon {
namespace {

ColumnTarget TargetForColumn(
    const std::string& column,
    const std::vector<std::pair<std::string, ColumnTarget>>& column_map) {
  for (const auto& [name, target] : column_map) {
    if (name == column) return target;
  }
  const std::string lower = absl::AsciiStrToLower(column);
  if (lower == "source_record_id") {
    return {ColumnTarget::Kind::kRecordId, Field::kGivenName};
  }
  if (std::optional<Field> field = FieldFromName(lower); field.has_value()) {
    return {ColumnTarget::Kind::kField, *field};
  }
  return {ColumnTarget::Kind::kExtra, Field::kGivenName};
}

}  // namespace

RecordReader::RecordReader(std::istream& in, std::string file_name,
                           std::string source, RecordReaderOptions options)
    : csv_(in, file_name, options.csv),
      file_name_(std::move(file_name)),
      source_(std::move(source)),
      options_(std::move(options)) {}

absl::StatusOr<RecordReader> RecordReader::Create(std::istream& in,
                                                  std::string file_name,
                                                  std::string source,
                                                  RecordReaderOptions options) {
  RecordReader reader(in, std::move(file_name), std::move(source),
                      std::move(options));
  CsvRow header;
  RECKON_ASSIGN_OR_RETURN(bool has_header, reader.csv_.Next(&header));
  if (!has_header) {
    return absl::InvalidArgumentError(
        absl::StrCat(reader.file_name_, ": empty file, expected a header row"));
  }
  absl::flat_hash_set<std::string> seen;
  for (size_t i = 0; i < header.fields.size(); ++i) {
    std::string column(absl::StripAsciiWhitespace(header.fields[i]));
    if (!IsValidUtf8(column)) {
      return absl::InvalidArgumentError(absl::StrCat(
          reader.file_name_, ":", header.line, ": header column ", i + 1,
          " is not valid UTF-8"));
    }
    if (column.empty()) {
      return absl::InvalidArgumentError(absl::StrCat(
          reader.file_name_, ":", header.line, ": header column ", i + 1,
          " has no name"));
    }
    if (!seen.insert(column).second) {
      return absl::InvalidArgumentError(
          absl::StrCat(reader.file_name_, ":", header.line,
                       ": header column \"", column, "\" appears twice"));
    }
    ColumnTarget target = TargetForColumn(column, reader.options_.column_map);
    if (target.kind == ColumnTarget::Kind::kRecordId) reader.id_column_ = i;
    if (target.kind == ColumnTarget::Kind::kExtra) {
      reader.extra_columns_.push_back(column);
    }
    reader.targets_.push_back(target);
    reader.header_.push_back(std::move(column));
  }
  return reader;
}

absl::StatusOr<std::optional<Record>> RecordReader::Next() {
  CsvRow row;
  RECKON_ASSIGN_OR_RETURN(bool has_row, csv_.Next(&row));
  if (!has_row) return std::optional<Record>();
  const std::string where = absl::StrCat(file_name_, ":", row.line, ": ");
  if (row.fields.size() != header_.size()) {
    return absl::InvalidArgumentError(
        absl::StrCat(where, "expected ", header_.size(), " fields, found ",
                     row.fields.size()));
  }
  Record record;
  record.source = source_;
  for (size_t i = 0; i < row.fields.size(); ++i) {
    std::string& value = row.fields[i];
    if (size_t bad = FindInvalidUtf8(value); bad != value.size()) {
      return absl::InvalidArgumentError(absl::StrCat(
          where, header_[i], ": invalid UTF-8 at byte ", bad + 1));
    }
    if (size_t bad = FindControlCharacter(value); bad != value.size()) {
      return absl::InvalidArgumentError(absl::StrCat(
          where, header_[i], ": control character at byte ", bad + 1));
    }
    if (value.size() > options_.max_field_bytes) {
      return absl::InvalidArgumentError(
          absl::StrCat(where, header_[i], ": value of ", value.size(),
                       " bytes is longer than ", options_.max_field_bytes));
    }
    const ColumnTarget& target = targets_[i];
    switch (target.kind) {
      case ColumnTarget::Kind::kRecordId:
        record.source_record_id =
            std::string(absl::StripAsciiWhitespace(value));
        break;
      case ColumnTarget::Kind::kField:
        record.Set(target.field, std::move(value));
        break;
      case ColumnTarget::Kind::kExtra:
        record.extra.emplace_back(header_[i], std::move(value));
        break;
    }
  }
  if (!id_column_.has_value()) {
    record.source_record_id = absl::StrCat("line-", row.line);
  } else if (record.source_record_id.empty()) {
    return absl::InvalidArgumentError(
        absl::StrCat(where, header_[*id_column_], ": empty record id"));
  }
  if (id_column_.has_value() &&
      !seen_ids_.insert(record.source_record_id).second) {
    return absl::InvalidArgumentError(
        absl::StrCat(where, header_[*id_column_], ": record id \"",
                     record.source_record_id, "\" already used in this file"));
  }
  return std::optional<Record>(std::move(record));
}

absl::StatusOr<ReadResult> ReadAllRecords(std::istream& in,
                                          std::string file_name,
                                          std::string source,
                                          RecordReaderOptions options) {
  RECKON_ASSIGN_OR_RETURN(
      RecordReader reader,
      RecordReader::Create(in, std::move(file_name), std::move(source),
                           std::move(options)));
  ReadResult result;
  while (true) {
    absl::StatusOr<std::optional<Record>> next = reader.Next();
    if (!next.ok()) {
      result.errors.emplace_back(next.status().message());
      ++result.rows_rejected;
      continue;
    }
    if (!next->has_value()) break;
    result.records.push_back(**std::move(next));
  }
  return result;
}

}  // namespace reckon

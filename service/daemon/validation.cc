#include "service/daemon/validation.h"

#include <string>
#include <string_view>
#include <vector>

#include "absl/container/flat_hash_set.h"
#include "absl/status/status.h"
#include "absl/strings/str_cat.h"

#include "linkage/base/utf8.h"
#include "linkage/ingest/dates.h"
#include "linkage/ingest/nationality.h"
#include "linkage/ingest/sex.h"

namespace reckon::service {
namespace {

absl::string_view View(std::string_view text) {
  return absl::string_view(text.data(), text.size());
}

// Why `value` is not acceptable text, or empty if it is.
std::string CheckText(std::string_view value, size_t max_bytes) {
  if (size_t bad = FindInvalidUtf8(value); bad != value.size()) {
    return absl::StrCat("invalid UTF-8 at byte ", bad + 1);
  }
  if (size_t bad = FindControlCharacter(value); bad != value.size()) {
    return absl::StrCat("control character at byte ", bad + 1);
  }
  if (value.size() > max_bytes) {
    return absl::StrCat("value of ", value.size(), " bytes is longer than ",
                        max_bytes);
  }
  return "";
}

absl::Status RecordError(size_t index, std::string_view field,
                         std::string_view what) {
  return absl::InvalidArgumentError(
      absl::StrCat("record ", index, ": ", View(field), ": ", View(what)));
}

}  // namespace

absl::Status CheckName(std::string_view what, std::string_view value,
                       const Limits& limits) {
  if (value.empty()) {
    return absl::InvalidArgumentError(absl::StrCat(View(what), ": missing"));
  }
  if (std::string problem = CheckText(value, limits.max_name_bytes);
      !problem.empty()) {
    return absl::InvalidArgumentError(absl::StrCat(View(what), ": ", problem));
  }
  if (value.front() == ' ' || value.back() == ' ' || value.front() == '\t' ||
      value.back() == '\t') {
    return absl::InvalidArgumentError(
        absl::StrCat(View(what), ": leading or trailing space"));
  }
  return absl::OkStatus();
}

absl::Status ValidateBatch(std::string_view source,
                           std::vector<Record>& records, const Limits& limits) {
  if (records.empty()) {
    return absl::InvalidArgumentError("batch: no records");
  }
  if (records.size() > limits.max_records_per_batch) {
    return absl::InvalidArgumentError(
        absl::StrCat("batch: ", records.size(), " records, more than the ",
                     limits.max_records_per_batch, " allowed in one batch"));
  }
  absl::flat_hash_set<std::string> ids;
  ids.reserve(records.size());
  for (size_t i = 0; i < records.size(); ++i) {
    Record& record = records[i];
    if (record.source.empty()) {
      record.source = std::string(source);
    } else if (record.source != source) {
      if (std::string problem = CheckText(record.source, limits.max_name_bytes);
          !problem.empty()) {
        return RecordError(i, "source", problem);
      }
      return RecordError(
          i, "source",
          absl::StrCat("\"", record.source, "\" is not the batch's source \"",
                       View(source), "\""));
    }
    if (record.source_record_id.empty()) {
      return RecordError(i, "source_record_id", "missing");
    }
    if (std::string problem =
            CheckText(record.source_record_id, limits.max_name_bytes);
        !problem.empty()) {
      return RecordError(i, "source_record_id", problem);
    }
    if (!ids.insert(record.source_record_id).second) {
      return RecordError(i, "source_record_id",
                         absl::StrCat("\"", record.source_record_id,
                                      "\" appears twice in the batch"));
    }
    for (const Field field : AllFields()) {
      if (std::string problem =
              CheckText(record.Get(field), limits.max_field_bytes);
          !problem.empty()) {
        return RecordError(i, FieldName(field), problem);
      }
    }
    if (record.extra.size() > limits.max_extra_fields) {
      return RecordError(
          i, "extra",
          absl::StrCat(record.extra.size(), " extra columns, more than the ",
                       limits.max_extra_fields, " allowed"));
    }
    absl::flat_hash_set<std::string> extra_names;
    for (size_t e = 0; e < record.extra.size(); ++e) {
      const auto& [name, value] = record.extra[e];
      const std::string where = absl::StrCat("extra[", e, "]");
      if (name.empty()) return RecordError(i, where, "column name missing");
      if (std::string problem = CheckText(name, limits.max_name_bytes);
          !problem.empty()) {
        return RecordError(i, absl::StrCat(where, " name"), problem);
      }
      if (FieldFromName(name).has_value() || name == "source_record_id") {
        return RecordError(i, absl::StrCat("extra \"", name, "\""),
                           "is a canonical field; send it as one");
      }
      if (!extra_names.insert(name).second) {
        return RecordError(i, absl::StrCat("extra \"", name, "\""),
                           "appears twice");
      }
      if (std::string problem = CheckText(value, limits.max_field_bytes);
          !problem.empty()) {
        return RecordError(i, absl::StrCat("extra \"", name, "\""), problem);
      }
    }
  }
  return absl::OkStatus();
}

std::vector<store::RecordRejection> FindUnparseableValues(
    const std::vector<Record>& records) {
  std::vector<store::RecordRejection> rejections;
  for (size_t i = 0; i < records.size(); ++i) {
    const Record& record = records[i];
    // The first unparseable field names the rejection; the parsers' messages
    // quote the value, which the submitting agency sent and may see.
    absl::Status status;
    Field field = Field::kBirthDate;
    for (const Field date : {Field::kBirthDate, Field::kRegisteredOn}) {
      if (!status.ok() || record.Get(date).empty()) continue;
      status = ParseDate(record.Get(date)).status();
      field = date;
    }
    if (status.ok() && !record.Get(Field::kNationality).empty()) {
      status = NationalityToAlpha3(record.Get(Field::kNationality)).status();
      field = Field::kNationality;
    }
    if (status.ok() && !record.Get(Field::kSex).empty()) {
      status = ParseSex(record.Get(Field::kSex)).status();
      field = Field::kSex;
    }
    if (status.ok()) continue;
    rejections.push_back({.index = static_cast<int64_t>(i),
                          .source_record_id = record.source_record_id,
                          .field = std::string(FieldName(field)),
                          .message = std::string(status.message())});
  }
  return rejections;
}

}  // namespace reckon::service

// The canonical record (DESIGN.md): one registration of one person in one
// source, with every value kept exactly as the source wrote it. Parsing and
// normalization produce other structures; a Record is never rewritten.
#ifndef RECKON_LINKAGE_BASE_RECORD_H_
#define RECKON_LINKAGE_BASE_RECORD_H_

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace reckon {

// The canonical fields besides the record id. The order is the canonical
// column order of DESIGN.md.
enum class Field : uint8_t {
  kGivenName,
  kSurname,
  kPatronymic,
  kFullName,
  kSex,
  kBirthDate,
  kNationality,
  kPassportNo,
  kRegion,
  kSector,
  kRegisteredOn,
};
inline constexpr size_t kFieldCount = 11;

// Returns the canonical column name of `field`, e.g. "birth_date".
std::string_view FieldName(Field field);

// Returns the field whose canonical column name is `name`, if any.
std::optional<Field> FieldFromName(std::string_view name);

// All fields, in canonical order, for iteration.
const std::array<Field, kFieldCount>& AllFields();

// Identifies a record across sources: (source, source_record_id).
struct RecordKey {
  std::string source;
  std::string source_record_id;

  friend bool operator==(const RecordKey&, const RecordKey&) = default;
  friend auto operator<=>(const RecordKey&, const RecordKey&) = default;
  template <typename H>
  friend H AbslHashValue(H h, const RecordKey& key) {
    return H::combine(std::move(h), key.source, key.source_record_id);
  }
};

struct Record {
  std::string source;
  std::string source_record_id;
  // Indexed by static_cast<size_t>(Field); empty means missing.
  std::array<std::string, kFieldCount> fields;
  // Columns that are not canonical fields, as (column name, value).
  std::vector<std::pair<std::string, std::string>> extra;

  const std::string& Get(Field field) const {
    return fields[static_cast<size_t>(field)];
  }
  void Set(Field field, std::string value) {
    fields[static_cast<size_t>(field)] = std::move(value);
  }
  // Returns the value of extra column `name`, or nullptr if absent.
  const std::string* FindExtra(std::string_view name) const;
  RecordKey Key() const { return {source, source_record_id}; }
};

}  // namespace reckon

#endif  // RECKON_LINKAGE_BASE_RECORD_H_

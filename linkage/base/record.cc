#include "linkage/base/record.h"

#include <array>
#include <optional>
#include <string_view>

namespace reckon {
namespace {

constexpr std::array<std::string_view, kFieldCount> kFieldNames = {
    "given_name",  "surname",     "patronymic", "full_name",
    "sex",         "birth_date",  "nationality", "passport_no",
    "region",      "sector",      "registered_on",
};

}  // namespace

std::string_view FieldName(Field field) {
  return kFieldNames[static_cast<size_t>(field)];
}

std::optional<Field> FieldFromName(std::string_view name) {
  for (size_t i = 0; i < kFieldNames.size(); ++i) {
    if (kFieldNames[i] == name) return static_cast<Field>(i);
  }
  return std::nullopt;
}

const std::array<Field, kFieldCount>& AllFields() {
  static constexpr std::array<Field, kFieldCount> kAll = [] {
    std::array<Field, kFieldCount> all{};
    for (size_t i = 0; i < kFieldCount; ++i) all[i] = static_cast<Field>(i);
    return all;
  }();
  return kAll;
}

const std::string* Record::FindExtra(std::string_view name) const {
  for (const auto& [column, value] : extra) {
    if (column == name) return &value;
  }
  return nullptr;
}

}  // namespace reckon

#include "linkage/linker/config.h"

#include <string>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"

namespace reckon {

std::string FieldRef::Name() const {
  switch (kind) {
    case Kind::kField:
      return std::string(FieldName(field));
    case Kind::kAnyName:
      return "any_name";
    case Kind::kColumn:
      return column;
  }
  return "";
}

bool FieldRef::IsNameField() const {
  if (kind == Kind::kAnyName) return true;
  if (kind != Kind::kField) return false;
  return field == Field::kGivenName || field == Field::kSurname ||
         field == Field::kPatronymic || field == Field::kFullName;
}

LinkerConfig DefaultLinkerConfig() {
  LinkerConfig config;
  auto comparison = [](std::string name, Field field, ComparatorKind kind,
                       bool tf) {
    ComparisonSpec spec;
    spec.name = std::move(name);
    spec.field = FieldRef::Of(field);
    spec.kind = kind;
    spec.term_frequency_adjust = tf;
    return spec;
  };
  config.comparisons = {
      comparison("surname", Field::kSurname, ComparatorKind::kName, true),
      comparison("given_name", Field::kGivenName, ComparatorKind::kName, true),
      comparison("patronymic", Field::kPatronymic, ComparatorKind::kName,
                 false),
      comparison("birth_date", Field::kBirthDate, ComparatorKind::kDate,
                 false),
      comparison("sex", Field::kSex, ComparatorKind::kExact, false),
      comparison("nationality", Field::kNationality, ComparatorKind::kExact,
                 false),
      comparison("passport_no", Field::kPassportNo, ComparatorKind::kPassport,
                 false),
  };
  // Keys combine the names with the birth date so that blocks stay small
  // as registers grow: a key on one common name and a birth year alone
  // ("mehmet", 1975) holds thousands of records in a national register.
  const KeyPartSpec name_codes{FieldRef::AnyName(), KeyTransform::kPhonetic};
  const KeyPartSpec name_code_pairs{FieldRef::AnyName(),
                                    KeyTransform::kPhoneticPair};
  const KeyPartSpec name_skeleton_pairs{FieldRef::AnyName(),
                                        KeyTransform::kSkeletonPair};
  const FieldRef birth_date = FieldRef::Of(Field::kBirthDate);
  config.blocking_keys = {
      // Both names agree (in either order), same birth year.
      {"name_code_pair_birth_year",
       {name_code_pairs, {birth_date, KeyTransform::kYear}}},
      // Vowel-less spellings (Persian romanizations) meet their vowelled
      // forms through consonant skeletons.
      {"name_skeleton_pair_birth_year",
       {name_skeleton_pairs, {birth_date, KeyTransform::kYear}}},
      // One name garbled or missing: the other name and the date.
      {"name_code_birth_date", {name_codes, {birth_date, KeyTransform::kExact}}},
      {"name_code_birth_year_month",
       {name_codes, {birth_date, KeyTransform::kYearMonth}}},
      {"passport", {{FieldRef::Of(Field::kPassportNo), KeyTransform::kExact}}},
      {"birth_date_nationality",
       {{birth_date, KeyTransform::kExact},
        {FieldRef::Of(Field::kNationality), KeyTransform::kExact}}},
      // Meets records whose birth years disagree (a typo, or off by one).
      // Recall only: its many namesakes would mislead training.
      {"name_code_pair_birth_month",
       {name_code_pairs, {birth_date, KeyTransform::kMonth}},
       /*train=*/false},
  };
  return config;
}

absl::Status ValidateLinkerConfig(const LinkerConfig& config) {
  if (config.comparisons.empty()) {
    return absl::InvalidArgumentError("config: no comparisons");
  }
  if (config.blocking_keys.empty()) {
    return absl::InvalidArgumentError("config: no blocking keys");
  }
  absl::flat_hash_set<std::string> names;
  for (const ComparisonSpec& spec : config.comparisons) {
    if (spec.name.empty()) {
      return absl::InvalidArgumentError("config: a comparison has no name");
    }
    if (!names.insert(spec.name).second) {
      return absl::InvalidArgumentError(
          absl::StrCat("config: comparison \"", spec.name, "\" appears twice"));
    }
    if (spec.field.kind == FieldRef::Kind::kColumn && spec.field.column.empty()) {
      return absl::InvalidArgumentError(absl::StrCat(
          "config: comparison \"", spec.name, "\": no field or column given"));
    }
    if (spec.field.kind == FieldRef::Kind::kAnyName &&
        spec.kind != ComparatorKind::kName) {
      return absl::InvalidArgumentError(absl::StrCat(
          "config: comparison \"", spec.name,
          "\": any_name can only be compared as a name"));
    }
    if (spec.kind == ComparatorKind::kName) {
      if (spec.similarity_levels.size() != 2 ||
          !(spec.similarity_levels[0] > spec.similarity_levels[1]) ||
          spec.similarity_levels[1] <= 0.0 || spec.similarity_levels[0] >= 1.0) {
        return absl::InvalidArgumentError(absl::StrCat(
            "config: comparison \"", spec.name,
            "\": similarity_levels must be two values in (0, 1), highest first"));
      }
    }
    if (spec.kind == ComparatorKind::kString &&
        (spec.max_edits < 1 || spec.max_edits > 8)) {
      return absl::InvalidArgumentError(
          absl::StrCat("config: comparison \"", spec.name,
                       "\": max_edits must be 1 to 8"));
    }
  }
  names.clear();
  for (const BlockingKeySpec& key : config.blocking_keys) {
    if (key.name.empty() || !names.insert(key.name).second) {
      return absl::InvalidArgumentError(absl::StrCat(
          "config: blocking key \"", key.name, "\" is unnamed or repeated"));
    }
    if (key.parts.empty()) {
      return absl::InvalidArgumentError(
          absl::StrCat("config: blocking key \"", key.name, "\" has no parts"));
    }
    for (const KeyPartSpec& part : key.parts) {
      const bool name_transform = part.transform == KeyTransform::kPhonetic ||
                                  part.transform == KeyTransform::kPhoneticPair ||
                                  part.transform == KeyTransform::kSkeleton ||
                                  part.transform == KeyTransform::kSkeletonPair ||
                                  part.transform == KeyTransform::kSortedTokens;
      if (name_transform && !part.field.IsNameField()) {
        return absl::InvalidArgumentError(absl::StrCat(
            "config: blocking key \"", key.name, "\": field ",
            part.field.Name(), " is not a name field"));
      }
      if (part.transform == KeyTransform::kPrefix && part.length <= 0) {
        return absl::InvalidArgumentError(absl::StrCat(
            "config: blocking key \"", key.name, "\": prefix needs a length"));
      }
    }
  }
  if (config.max_block_size < 2) {
    return absl::InvalidArgumentError("config: max_block_size must be at least 2");
  }
  if (!(config.link_probability > 0.0 && config.link_probability < 1.0)) {
    return absl::InvalidArgumentError(
        "config: link probability must be between 0 and 1");
  }
  return absl::OkStatus();
}

}  // namespace reckon

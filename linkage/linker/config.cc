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

// Caps on the blocks of keys that grow with the registers. A person has at
// most a dozen records, so a larger block is mostly namesakes; the keys
// that only add recall (one name, or a birth month) get the smaller cap.
constexpr size_t kNamesakeBlockCap = 40;
constexpr size_t kRecallKeyBlockCap = 16;

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
      comparison("birth_date_partial", Field::kBirthDate, ComparatorKind::kDate,
                 false),
      comparison("sex", Field::kSex, ComparatorKind::kExact, false),
      comparison("nationality", Field::kNationality, ComparatorKind::kExact,
                 false),
      comparison("passport_no", Field::kPassportNo, ComparatorKind::kPassport,
                 false),
  };
  // Complete dates and dates without a day are weighed apart
  // (DateScope): a register that keeps only year and month can at best
  // agree on those.
  config.comparisons[3].date_scope = DateScope::kComplete;
  config.comparisons[4].date_scope = DateScope::kPartial;
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
      // Both names agree (in either order), same birth year and month: a
      // wrong day, or a register that records only the month.
      {"name_code_pair_birth_year_month",
       {name_code_pairs, {birth_date, KeyTransform::kYearMonth}}},
      // Vowel-less spellings (Persian romanizations) meet their vowelled
      // forms through consonant skeletons.
      {"name_skeleton_pair_birth_year_month",
       {name_skeleton_pairs, {birth_date, KeyTransform::kYearMonth}}},
      // Same names and year, for a wrong month, day and month exchanged, or
      // a register that records only the year. Capped: in a large register
      // one common name pair and a year ("wang wei", 1980) hold hundreds.
      {"name_code_pair_birth_year",
       {name_code_pairs, {birth_date, KeyTransform::kYear}},
       /*train=*/true,
       /*training_only=*/false,
       /*max_block_size=*/kNamesakeBlockCap},
      // One name garbled or missing: the other name and the date.
      {"name_code_birth_date", {name_codes, {birth_date, KeyTransform::kExact}}},
      // Capped: in a national register one common name and a birth month
      // ("mehmet", 1980-03) hold dozens of records.
      {"name_code_birth_year_month",
       {name_codes, {birth_date, KeyTransform::kYearMonth}},
       /*train=*/true,
       /*training_only=*/false,
       /*max_block_size=*/kRecallKeyBlockCap},
      {"passport", {{FieldRef::Of(Field::kPassportNo), KeyTransform::kExact}}},
      // Both names garbled. Capped: registers fill unknown birth dates
      // with 1 January, whose blocks are large and say nothing.
      {"birth_date_nationality",
       {{birth_date, KeyTransform::kExact},
        {FieldRef::Of(Field::kNationality), KeyTransform::kExact}},
       /*train=*/true,
       /*training_only=*/false,
       /*max_block_size=*/kNamesakeBlockCap},
      // Meets records whose birth years disagree (a typo, or off by one).
      // Recall only: its many namesakes would mislead training.
      {"name_code_pair_birth_month",
       {name_code_pairs, {birth_date, KeyTransform::kMonth}},
       /*train=*/false,
       /*training_only=*/false,
       /*max_block_size=*/kRecallKeyBlockCap},
      // Records without a birth date meet those with the same names.
      {"name_code_pair_no_birth_date",
       {name_code_pairs},
       /*train=*/false,
       /*training_only=*/false,
       /*max_block_size=*/kNamesakeBlockCap,
       /*when_missing=*/birth_date},
      // Training only: both names, any birth date. Every key above fixes
      // part of the birth date, so without this one training would never
      // see a match whose birth year is wrong, and would learn that a
      // wrong year rules a match out.
      {"name_code_pair_training",
       {name_code_pairs},
       /*train=*/true,
       /*training_only=*/true},
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
  // The keys a pair shares are counted as 32 bits beside its pattern.
  if (config.blocking_keys.size() > 32) {
    return absl::InvalidArgumentError("config: more than 32 blocking keys");
  }
  bool any_candidate_key = false;
  for (const BlockingKeySpec& key : config.blocking_keys) {
    if (key.name.empty() || !names.insert(key.name).second) {
      return absl::InvalidArgumentError(absl::StrCat(
          "config: blocking key \"", key.name, "\" is unnamed or repeated"));
    }
    if (key.when_missing.has_value() && (key.train || key.training_only)) {
      return absl::InvalidArgumentError(absl::StrCat(
          "config: blocking key \"", key.name,
          "\" pairs only records missing a field: it cannot be trained on"));
    }
    if (key.training_only && !key.train) {
      return absl::InvalidArgumentError(absl::StrCat(
          "config: blocking key \"", key.name,
          "\" is training_only but not trained on"));
    }
    any_candidate_key = any_candidate_key || !key.training_only;
    if (key.max_block_size == 1) {
      return absl::InvalidArgumentError(absl::StrCat(
          "config: blocking key \"", key.name,
          "\": max_block_size must be 0 (the default) or at least 2"));
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
  if (!any_candidate_key) {
    return absl::InvalidArgumentError(
        "config: every blocking key is training_only: none finds candidates");
  }
  if (config.max_block_size < 2) {
    return absl::InvalidArgumentError("config: max_block_size must be at least 2");
  }
  if (!(config.link_probability > 0.0 && config.link_probability < 1.0)) {
    return absl::InvalidArgumentError(
        "config: link probability must be between 0 and 1");
  }
  if (!(config.min_cross_pair_probability >= 0.0 &&
        config.min_cross_pair_probability < 1.0 &&
        config.min_mean_cross_pair_probability >= 0.0 &&
        config.min_mean_cross_pair_probability < 1.0)) {
    return absl::InvalidArgumentError(
        "config: the cross-pair probabilities of the merge guard must be in "
        "[0, 1)");
  }
  return absl::OkStatus();
}

}  // namespace reckon

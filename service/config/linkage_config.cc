#include "service/config/linkage_config.h"

#include <fstream>
#include <sstream>
#include <utility>

#include <google/protobuf/io/tokenizer.h>
#include <google/protobuf/text_format.h>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "linkage/base/status_macros.h"

namespace reckon::service {
namespace {

class CollectFirstError : public google::protobuf::io::ErrorCollector {
 public:
  void AddError(int line, google::protobuf::io::ColumnNumber column,
                const std::string& message) override {
    if (!has_error_) {
      // The parser counts lines and columns from 0.
      message_ = absl::StrCat(line + 1, ":", column + 1, ": ", message);
      has_error_ = true;
    }
  }
  const std::string& message() const { return message_; }

 private:
  bool has_error_ = false;
  std::string message_;
};

absl::StatusOr<FieldRef> ToFieldRef(v1::Field field, const std::string& column,
                                    const std::string& where) {
  if (!column.empty()) {
    if (field != v1::FIELD_UNSPECIFIED) {
      return absl::InvalidArgumentError(
          absl::StrCat(where, ": give either field or column, not both"));
    }
    return FieldRef::Column(column);
  }
  switch (field) {
    case v1::FIELD_GIVEN_NAME:
      return FieldRef::Of(Field::kGivenName);
    case v1::FIELD_SURNAME:
      return FieldRef::Of(Field::kSurname);
    case v1::FIELD_PATRONYMIC:
      return FieldRef::Of(Field::kPatronymic);
    case v1::FIELD_FULL_NAME:
      return FieldRef::Of(Field::kFullName);
    case v1::FIELD_SEX:
      return FieldRef::Of(Field::kSex);
    case v1::FIELD_BIRTH_DATE:
      return FieldRef::Of(Field::kBirthDate);
    case v1::FIELD_NATIONALITY:
      return FieldRef::Of(Field::kNationality);
    case v1::FIELD_PASSPORT_NO:
      return FieldRef::Of(Field::kPassportNo);
    case v1::FIELD_REGION:
      return FieldRef::Of(Field::kRegion);
    case v1::FIELD_SECTOR:
      return FieldRef::Of(Field::kSector);
    case v1::FIELD_REGISTERED_ON:
      return FieldRef::Of(Field::kRegisteredOn);
    case v1::FIELD_ANY_NAME:
      return FieldRef::AnyName();
    default:
      break;
  }
  return absl::InvalidArgumentError(
      absl::StrCat(where, ": needs a field (or a column)"));
}

absl::StatusOr<ComparatorKind> ToComparator(v1::Comparator comparator,
                                            const std::string& where) {
  switch (comparator) {
    case v1::COMPARATOR_NAME:
      return ComparatorKind::kName;
    case v1::COMPARATOR_STRING:
      return ComparatorKind::kString;
    case v1::COMPARATOR_DATE:
      return ComparatorKind::kDate;
    case v1::COMPARATOR_PASSPORT:
      return ComparatorKind::kPassport;
    case v1::COMPARATOR_EXACT:
      return ComparatorKind::kExact;
    default:
      break;
  }
  return absl::InvalidArgumentError(absl::StrCat(where, ": needs a comparator"));
}

absl::StatusOr<KeyTransform> ToTransform(v1::KeyTransform transform) {
  switch (transform) {
    case v1::KEY_TRANSFORM_UNSPECIFIED:
    case v1::KEY_TRANSFORM_EXACT:
      return KeyTransform::kExact;
    case v1::KEY_TRANSFORM_PHONETIC:
      return KeyTransform::kPhonetic;
    case v1::KEY_TRANSFORM_SKELETON:
      return KeyTransform::kSkeleton;
    case v1::KEY_TRANSFORM_SORTED_TOKENS:
      return KeyTransform::kSortedTokens;
    case v1::KEY_TRANSFORM_YEAR:
      return KeyTransform::kYear;
    case v1::KEY_TRANSFORM_YEAR_MONTH:
      return KeyTransform::kYearMonth;
    case v1::KEY_TRANSFORM_PREFIX:
      return KeyTransform::kPrefix;
    case v1::KEY_TRANSFORM_PHONETIC_PAIR:
      return KeyTransform::kPhoneticPair;
    case v1::KEY_TRANSFORM_MONTH_DAY:
      return KeyTransform::kMonthDay;
    case v1::KEY_TRANSFORM_MONTH:
      return KeyTransform::kMonth;
    case v1::KEY_TRANSFORM_SKELETON_PAIR:
      return KeyTransform::kSkeletonPair;
    default:
      break;
  }
  return absl::InvalidArgumentError("unknown key transform");
}

}  // namespace

absl::StatusOr<v1::LinkageConfig> ParseLinkageConfig(
    const std::string& text, const std::string& file_name) {
  v1::LinkageConfig config;
  google::protobuf::TextFormat::Parser parser;
  CollectFirstError errors;
  parser.RecordErrorsTo(&errors);
  if (!parser.ParseFromString(text, &config)) {
    return absl::InvalidArgumentError(
        absl::StrCat(file_name, ":", errors.message()));
  }
  return config;
}

absl::StatusOr<LoadedConfig> ConvertLinkageConfig(
    const v1::LinkageConfig& proto, const std::string& file_name) {
  LoadedConfig loaded;
  const LinkerConfig defaults = DefaultLinkerConfig();
  LinkerConfig& config = loaded.linker;
  config = defaults;

  for (int i = 0; i < proto.columns_size(); ++i) {
    const v1::ColumnMapping& mapping = proto.columns(i);
    const std::string where = absl::StrCat(file_name, ": columns[", i, "]");
    if (mapping.column().empty()) {
      return absl::InvalidArgumentError(absl::StrCat(where, ": no column name"));
    }
    ColumnTarget target;
    if (mapping.field() == v1::FIELD_SOURCE_RECORD_ID) {
      target.kind = ColumnTarget::Kind::kRecordId;
    } else {
      RECKON_ASSIGN_OR_RETURN(FieldRef ref,
                              ToFieldRef(mapping.field(), "", where));
      if (ref.kind != FieldRef::Kind::kField) {
        return absl::InvalidArgumentError(
            absl::StrCat(where, ": a column maps onto one canonical field"));
      }
      target.kind = ColumnTarget::Kind::kField;
      target.field = ref.field;
    }
    loaded.reader.column_map.emplace_back(mapping.column(), target);
  }

  if (proto.comparisons_size() > 0) config.comparisons.clear();
  for (int i = 0; i < proto.comparisons_size(); ++i) {
    const v1::FieldComparison& comparison = proto.comparisons(i);
    const std::string where = absl::StrCat(file_name, ": comparisons[", i, "]");
    ComparisonSpec spec;
    RECKON_ASSIGN_OR_RETURN(
        spec.field, ToFieldRef(comparison.field(), comparison.column(), where));
    RECKON_ASSIGN_OR_RETURN(spec.kind,
                            ToComparator(comparison.comparator(), where));
    spec.name = spec.field.Name();
    if (comparison.similarity_levels_size() > 0) {
      spec.similarity_levels.assign(comparison.similarity_levels().begin(),
                                    comparison.similarity_levels().end());
    }
    if (comparison.max_edits() != 0) spec.max_edits = comparison.max_edits();
    spec.term_frequency_adjust = comparison.term_frequency_adjust();
    switch (comparison.date_scope()) {
      case v1::DATE_SCOPE_COMPLETE:
        spec.date_scope = DateScope::kComplete;
        break;
      case v1::DATE_SCOPE_PARTIAL:
        // Named apart from the same field's complete-date comparison.
        spec.date_scope = DateScope::kPartial;
        spec.name += "_partial";
        break;
      default:
        break;
    }
    if (spec.date_scope != DateScope::kAll &&
        spec.kind != ComparatorKind::kDate) {
      return absl::InvalidArgumentError(absl::StrCat(
          where, ".date_scope: only a COMPARATOR_DATE comparison has one"));
    }
    config.comparisons.push_back(std::move(spec));
  }

  if (proto.blocking_keys_size() > 0) config.blocking_keys.clear();
  for (int i = 0; i < proto.blocking_keys_size(); ++i) {
    const v1::BlockingKey& key = proto.blocking_keys(i);
    const std::string where =
        absl::StrCat(file_name, ": blocking_keys[", i, "]");
    BlockingKeySpec spec;
    spec.name = key.name().empty() ? absl::StrCat("key", i) : key.name();
    spec.train = !key.has_train() || key.train();
    spec.training_only = key.training_only();
    if (key.max_block_size() < 0 || key.max_block_size() == 1) {
      return absl::InvalidArgumentError(
          absl::StrCat(where, ".max_block_size: must be 0 (the default) or at "
                              "least 2, got ", key.max_block_size()));
    }
    spec.max_block_size = static_cast<size_t>(key.max_block_size());
    if (key.when_missing() != v1::FIELD_UNSPECIFIED ||
        !key.when_missing_column().empty()) {
      RECKON_ASSIGN_OR_RETURN(
          spec.when_missing,
          ToFieldRef(key.when_missing(), key.when_missing_column(),
                     absl::StrCat(where, ".when_missing")));
      if (key.has_train() && key.train()) {
        return absl::InvalidArgumentError(absl::StrCat(
            where, ": a key with when_missing cannot be trained on"));
      }
      spec.train = false;
    }
    for (int p = 0; p < key.parts_size(); ++p) {
      const v1::KeyPart& part = key.parts(p);
      const std::string part_where = absl::StrCat(where, ".parts[", p, "]");
      KeyPartSpec part_spec;
      RECKON_ASSIGN_OR_RETURN(part_spec.field,
                              ToFieldRef(part.field(), part.column(), part_where));
      absl::StatusOr<KeyTransform> transform = ToTransform(part.transform());
      if (!transform.ok()) {
        return absl::InvalidArgumentError(
            absl::StrCat(part_where, ": ", transform.status().message()));
      }
      part_spec.transform = *transform;
      part_spec.length = part.length();
      spec.parts.push_back(std::move(part_spec));
    }
    config.blocking_keys.push_back(std::move(spec));
  }

  switch (proto.mode()) {
    case v1::LINK_MODE_LINK_ONLY:
      config.mode = LinkMode::kLinkOnly;
      break;
    case v1::LINK_MODE_DEDUPE_ONLY:
      config.mode = LinkMode::kDedupeOnly;
      break;
    default:
      config.mode = LinkMode::kDedupeAndLink;
      break;
  }
  if (proto.max_block_size() < 0 || proto.max_entity_size() < 0 ||
      proto.em_max_iterations() < 0) {
    return absl::InvalidArgumentError(
        absl::StrCat(file_name, ": sizes and iteration counts cannot be negative"));
  }
  if (proto.max_block_size() > 0) {
    config.max_block_size = static_cast<size_t>(proto.max_block_size());
  }
  if (proto.has_link_threshold()) config.link_threshold = proto.link_threshold();
  if (proto.link_probability() != 0.0) {
    config.link_probability = proto.link_probability();
  }
  if (proto.max_entity_size() > 0) {
    config.max_entity_size = static_cast<size_t>(proto.max_entity_size());
  }
  if (proto.has_guard_sex_and_birth_date()) {
    config.guard_sex_and_birth_date = proto.guard_sex_and_birth_date();
  }
  if (proto.has_source_pair_priors()) {
    config.source_pair_priors = proto.source_pair_priors();
  }
  config.duplicate_free_sources.assign(proto.duplicate_free_sources().begin(),
                                       proto.duplicate_free_sources().end());
  if (proto.em_max_iterations() > 0) {
    config.em.max_iterations = proto.em_max_iterations();
  }
  if (proto.em_tolerance() > 0.0) config.em.tolerance = proto.em_tolerance();
  if (!proto.csv_separator().empty()) {
    if (proto.csv_separator().size() != 1) {
      return absl::InvalidArgumentError(
          absl::StrCat(file_name, ": csv_separator must be one character"));
    }
    loaded.reader.csv.separator = proto.csv_separator()[0];
  }
  loaded.reader.csv.trim = proto.csv_trim();

  if (absl::Status status = ValidateLinkerConfig(config); !status.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat(file_name, ": ", status.message()));
  }
  return loaded;
}

absl::StatusOr<LoadedConfig> LoadLinkageConfig(const std::string& path) {
  if (path.empty()) return ConvertLinkageConfig(v1::LinkageConfig(), "defaults");
  std::ifstream file(path);
  if (!file) {
    return absl::NotFoundError(absl::StrCat(path, ": cannot open config"));
  }
  std::stringstream text;
  text << file.rdbuf();
  RECKON_ASSIGN_OR_RETURN(v1::LinkageConfig proto,
                          ParseLinkageConfig(text.str(), path));
  return ConvertLinkageConfig(proto, path);
}

}  // namespace reckon::service

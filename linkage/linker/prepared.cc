#include "linkage/linker/prepared.h"

#include <algorithm>
#include <atomic>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "linkage/base/status_macros.h"
#include "linkage/compare/passport.h"
#include "linkage/ingest/nationality.h"
#include "tbb/blocked_range.h"
#include "tbb/parallel_for.h"

namespace reckon {
namespace {

constexpr uint32_t kNoName = UINT32_MAX;
constexpr std::array<Field, 4> kNameFields = {
    Field::kGivenName, Field::kSurname, Field::kPatronymic, Field::kFullName};

// Non-name fields whose folded text some comparison or key needs.
std::vector<FieldRef> StringFieldsUsed(const LinkerConfig& config) {
  std::vector<FieldRef> fields;
  auto add = [&](const FieldRef& field) {
    if (field.IsNameField()) return;
    if (field.kind == FieldRef::Kind::kField &&
        (field.field == Field::kBirthDate || field.field == Field::kSex ||
         field.field == Field::kNationality ||
         field.field == Field::kPassportNo)) {
      return;  // have columns of their own
    }
    for (const FieldRef& seen : fields) {
      if (seen.Name() == field.Name()) return;
    }
    fields.push_back(field);
  };
  for (const ComparisonSpec& spec : config.comparisons) add(spec.field);
  for (const BlockingKeySpec& key : config.blocking_keys) {
    for (const KeyPartSpec& part : key.parts) add(part.field);
  }
  return fields;
}

const std::string& RawValue(const Record& record, const FieldRef& field) {
  static const std::string kEmpty;
  if (field.kind == FieldRef::Kind::kField) return record.Get(field.field);
  const std::string* value = record.FindExtra(field.column);
  return value == nullptr ? kEmpty : *value;
}

}  // namespace

uint32_t TokenTable::Intern(const std::string& text, const std::string& phonetic,
                            const std::string& skeleton) {
  auto [it, inserted] = ids_.try_emplace(text, static_cast<uint32_t>(text_.size()));
  if (inserted) {
    text_.push_back(text);
    phonetic_.push_back(phonetic);
    skeleton_.push_back(skeleton);
  } else if (phonetic_[it->second].empty() && !phonetic.empty()) {
    // First seen as a patronymic, which carries no codes.
    phonetic_[it->second] = phonetic;
    skeleton_[it->second] = skeleton;
  }
  return it->second;
}

const NameColumn& PreparedRecords::Names(Field field) const {
  switch (field) {
    case Field::kGivenName:
      return given_name;
    case Field::kPatronymic:
      return patronymic;
    case Field::kFullName:
      return full_name;
    default:
      return surname;
  }
}

std::vector<uint32_t> PreparedRecords::AnyNameTokens(size_t record) const {
  std::vector<uint32_t> all;
  for (const NameColumn* column : {&given_name, &surname, &full_name}) {
    std::span<const uint32_t> ids = column->Tokens(record);
    all.insert(all.end(), ids.begin(), ids.end());
  }
  return all;
}

std::string PreparedRecords::Value(const FieldRef& field, size_t record) const {
  if (field.kind == FieldRef::Kind::kField) {
    switch (field.field) {
      case Field::kBirthDate: {
        const PartialDate& date = birth_date[record];
        if (date.empty()) return "";
        if (date.day != 0) {
          return absl::StrFormat("%04d-%02d-%02d", date.year, date.month,
                                 date.day);
        }
        if (date.month != 0) {
          return absl::StrFormat("%04d-%02d", date.year, date.month);
        }
        return absl::StrCat(date.year);
      }
      case Field::kSex:
        return sex[record] == Sex::kMale     ? "M"
               : sex[record] == Sex::kFemale ? "F"
                                             : "";
      case Field::kNationality:
        return nationality[record];
      case Field::kPassportNo:
        return passport[record];
      default:
        break;
    }
  }
  if (field.IsNameField()) {
    std::vector<uint32_t> ids;
    if (field.kind == FieldRef::Kind::kAnyName) {
      ids = AnyNameTokens(record);
    } else {
      std::span<const uint32_t> span = Names(field.field).Tokens(record);
      ids.assign(span.begin(), span.end());
    }
    std::string joined;
    for (uint32_t id : ids) {
      if (!joined.empty()) joined.push_back(' ');
      joined += tokens.text(id);
    }
    return joined;
  }
  auto it = strings.find(field.Name());
  return it == strings.end() ? "" : it->second[record];
}

std::string FoldValue(std::string_view value) {
  std::string folded;
  folded.reserve(value.size());
  bool pending_space = false;
  for (char c : value) {
    if (absl::ascii_isspace(static_cast<unsigned char>(c))) {
      pending_space = !folded.empty();
      continue;
    }
    if (pending_space) folded.push_back(' ');
    pending_space = false;
    folded.push_back(absl::ascii_tolower(static_cast<unsigned char>(c)));
  }
  return folded;
}

absl::StatusOr<PreparedRecords> PrepareRecords(
    const std::vector<Record>& records,
    const std::vector<std::string>& source_order, const LinkerConfig& config,
    const NameNormalizer& normalizer, const ExecOptions& exec) {
  PreparedRecords prepared;
  const size_t n = records.size();
  prepared.size = n;

  // Sources.
  absl::flat_hash_map<std::string, uint16_t> source_ids;
  auto add_source = [&](const std::string& name) -> absl::Status {
    if (source_ids.contains(name)) return absl::OkStatus();
    if (prepared.source_names.size() >= UINT16_MAX) {
      return absl::InvalidArgumentError("prepare: more than 65535 sources");
    }
    source_ids[name] = static_cast<uint16_t>(prepared.source_names.size());
    prepared.source_names.push_back(name);
    return absl::OkStatus();
  };
  for (const std::string& name : source_order) {
    RECKON_RETURN_IF_ERROR(add_source(name));
  }
  prepared.source.resize(n);
  for (size_t r = 0; r < n; ++r) {
    RECKON_RETURN_IF_ERROR(add_source(records[r].source));
    prepared.source[r] = source_ids[records[r].source];
  }

  // Names: normalize each distinct raw value once, in parallel.
  absl::flat_hash_map<std::string, uint32_t> distinct_index;
  std::vector<const std::string*> distinct;
  std::vector<std::array<uint32_t, 4>> raw_of(n);
  for (size_t r = 0; r < n; ++r) {
    for (size_t f = 0; f < kNameFields.size(); ++f) {
      const std::string& raw = records[r].Get(kNameFields[f]);
      if (raw.empty()) {
        raw_of[r][f] = kNoName;
        continue;
      }
      auto [it, inserted] = distinct_index.try_emplace(
          raw, static_cast<uint32_t>(distinct.size()));
      // Point at the record's own string: map keys move on rehash.
      if (inserted) distinct.push_back(&raw);
      raw_of[r][f] = it->second;
    }
  }
  RECKON_RETURN_IF_ERROR(CheckContinue(exec, "prepare"));
  std::vector<absl::StatusOr<NameForms>> forms(distinct.size());
  tbb::parallel_for(tbb::blocked_range<size_t>(0, distinct.size(), 256),
                    [&](const tbb::blocked_range<size_t>& range) {
                      for (size_t d = range.begin(); d != range.end(); ++d) {
                        forms[d] = normalizer.Normalize(*distinct[d]);
                      }
                    });
  RECKON_RETURN_IF_ERROR(CheckContinue(exec, "prepare"));
  // Intern tokens in order of first appearance, so ids are deterministic.
  std::vector<std::vector<uint32_t>> token_ids(distinct.size());
  std::vector<std::vector<uint32_t>> patronymic_ids(distinct.size());
  std::vector<bool> name_failed(distinct.size(), false);
  for (size_t d = 0; d < distinct.size(); ++d) {
    if (!forms[d].ok()) {
      name_failed[d] = true;
      continue;
    }
    const NameForms& name = *forms[d];
    for (size_t t = 0; t < name.tokens.size(); ++t) {
      token_ids[d].push_back(prepared.tokens.Intern(
          name.tokens[t], t < name.phonetic.size() ? name.phonetic[t] : "",
          t < name.skeleton.size() ? name.skeleton[t] : ""));
    }
    for (const std::string& token : name.patronymic_tokens) {
      patronymic_ids[d].push_back(prepared.tokens.Intern(token, "", ""));
    }
  }
  forms.clear();
  std::vector<uint32_t> patronymic;
  for (size_t r = 0; r < n; ++r) {
    patronymic.clear();
    for (size_t f = 0; f < kNameFields.size(); ++f) {
      const uint32_t d = raw_of[r][f];
      const bool present = d != kNoName && !name_failed[d];
      if (d != kNoName && name_failed[d]) {
        ++prepared.unparseable[std::string(FieldName(kNameFields[f]))];
      }
      static const std::vector<uint32_t> kNone;
      const std::vector<uint32_t>& ids = present ? token_ids[d] : kNone;
      switch (kNameFields[f]) {
        case Field::kGivenName:
          prepared.given_name.Append(ids);
          break;
        case Field::kSurname:
          prepared.surname.Append(ids);
          break;
        case Field::kFullName:
          prepared.full_name.Append(ids);
          break;
        default:  // the patronymic field: all its tokens are patronymic
          patronymic.insert(patronymic.end(), ids.begin(), ids.end());
          break;
      }
      if (present) {
        patronymic.insert(patronymic.end(), patronymic_ids[d].begin(),
                          patronymic_ids[d].end());
      }
    }
    std::sort(patronymic.begin(), patronymic.end());
    patronymic.erase(std::unique(patronymic.begin(), patronymic.end()),
                     patronymic.end());
    prepared.patronymic.Append(patronymic);
  }

  // Other coded fields, record by record in parallel.
  prepared.birth_date.resize(n);
  prepared.sex.resize(n, Sex::kUnknown);
  prepared.nationality.resize(n);
  prepared.passport.resize(n);
  const std::vector<FieldRef> string_fields = StringFieldsUsed(config);
  // Every column first, then pointers to them: an insertion into the
  // flat_hash_map may move the values inserted before it.
  for (const FieldRef& field : string_fields) {
    prepared.strings[field.Name()].resize(n);
  }
  std::vector<std::vector<std::string>*> string_columns;
  for (const FieldRef& field : string_fields) {
    string_columns.push_back(&prepared.strings.find(field.Name())->second);
  }
  std::atomic<uint64_t> bad_dates{0};
  std::atomic<uint64_t> bad_sex{0};
  std::atomic<uint64_t> bad_nationality{0};
  tbb::parallel_for(
      tbb::blocked_range<size_t>(0, n, 1024),
      [&](const tbb::blocked_range<size_t>& range) {
        for (size_t r = range.begin(); r != range.end(); ++r) {
          const Record& record = records[r];
          if (auto date = ParseDate(record.Get(Field::kBirthDate)); date.ok()) {
            prepared.birth_date[r] = *date;
          } else {
            bad_dates.fetch_add(1, std::memory_order_relaxed);
          }
          if (auto sex = ParseSex(record.Get(Field::kSex)); sex.ok()) {
            prepared.sex[r] = *sex;
          } else {
            bad_sex.fetch_add(1, std::memory_order_relaxed);
          }
          const std::string& nationality = record.Get(Field::kNationality);
          if (!nationality.empty()) {
            if (auto code = NationalityToAlpha3(nationality); code.ok()) {
              prepared.nationality[r] = *code;
            } else {
              bad_nationality.fetch_add(1, std::memory_order_relaxed);
            }
          }
          prepared.passport[r] =
              NormalizeDocumentNumber(record.Get(Field::kPassportNo));
          for (size_t s = 0; s < string_fields.size(); ++s) {
            (*string_columns[s])[r] = FoldValue(RawValue(record, string_fields[s]));
          }
        }
      });
  if (bad_dates > 0) prepared.unparseable["birth_date"] += bad_dates;
  if (bad_sex > 0) prepared.unparseable["sex"] += bad_sex;
  if (bad_nationality > 0) {
    prepared.unparseable["nationality"] += bad_nationality;
  }
  RECKON_RETURN_IF_ERROR(CheckContinue(exec, "prepare"));
  return prepared;
}

}  // namespace reckon

#include "linkage/linker/comparisons.h"

#include <algorithm>
#include <optional>
#include <utility>

#include "absl/container/flat_hash_map.h"
#include "absl/container/inlined_vector.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "linkage/compare/date_compare.h"
#include "linkage/compare/jaro_winkler.h"
#include "linkage/compare/levenshtein.h"
#include "linkage/compare/passport.h"
#include "linkage/compare/token_similarity.h"

namespace reckon {
namespace {

// Interns each record's value so that equality and term frequency are
// integer comparisons.
std::vector<int64_t> InternValues(const std::vector<std::string>& values) {
  absl::flat_hash_map<std::string, int64_t> ids;
  std::vector<int64_t> out(values.size(), -1);
  for (size_t r = 0; r < values.size(); ++r) {
    if (values[r].empty()) continue;
    auto [it, inserted] =
        ids.try_emplace(values[r], static_cast<int64_t>(ids.size()));
    out[r] = it->second;
  }
  return out;
}

// Names: token sets compared order-free on their comparison forms, so that
// "Wang Xiaoming" meets "Xiaoming Wang" and "Xiao Ming Wang".
class NameComparator final : public FieldComparator {
 public:
  NameComparator(const ComparisonSpec& spec, const PreparedRecords& prepared)
      : FieldComparator(spec.name, {"exact", "close", "similar", "different"}),
        prepared_(prepared),
        field_(spec.field),
        close_(spec.similarity_levels[0]),
        similar_(spec.similarity_levels[1]) {
    if (field_.kind == FieldRef::Kind::kField) {
      if (field_.field == Field::kSurname) partner_ = Field::kGivenName;
      if (field_.field == Field::kGivenName) partner_ = Field::kSurname;
    }
    if (spec.term_frequency_adjust) {
      std::vector<std::string> keys(prepared.size);
      for (size_t r = 0; r < prepared.size; ++r) {
        const Side side = TokensOf(static_cast<uint32_t>(r));
        if (side.alt || side.tokens.empty()) continue;
        std::vector<uint32_t> sorted(side.tokens.begin(), side.tokens.end());
        std::sort(sorted.begin(), sorted.end());
        keys[r] = absl::StrJoin(sorted, ",");
      }
      term_ids_ = InternValues(keys);
    }
  }

  uint8_t Level(uint32_t a, uint32_t b) const override {
    const Side sa = TokensOf(a);
    const Side sb = TokensOf(b);
    if (sa.tokens.empty() || sb.tokens.empty()) return kMissing;
    const bool alt = sa.alt || sb.alt;
    if (!alt && SameMultiset(sa.tokens, sb.tokens)) return 0;
    double similarity;
    if (sa.alt && !sb.alt) {
      similarity = Containment(sb.tokens, sa.tokens);  // b's field in a's name
    } else if (sb.alt && !sa.alt) {
      similarity = Containment(sa.tokens, sb.tokens);
    } else {
      similarity = Similarity(sa.tokens, sb.tokens, similar_);
    }
    uint8_t level = similarity >= 0.9999 ? (alt ? 1 : 0)
                    : similarity >= close_ ? 1
                    : similarity >= similar_ ? 2
                                             : 3;
    if (level == 3 && SamePhoneticCodes(sa.tokens, sb.tokens)) level = 2;
    if (level >= 2 && !alt && IsSwapped(a, b)) level = 1;
    return level;
  }

  int64_t TermId(uint32_t record) const override {
    return term_ids_.empty() ? -1 : term_ids_[record];
  }

  std::string Describe(uint32_t record) const override {
    const Side side = TokensOf(record);
    std::vector<std::string> texts;
    for (uint32_t id : side.tokens) texts.push_back(prepared_.tokens.text(id));
    std::string described = absl::StrJoin(texts, " ");
    if (side.alt && !described.empty()) {
      absl::StrAppend(&described, " (from full name)");
    }
    return described;
  }

 private:
  static constexpr uint8_t kMissing = 4;

  // A record's tokens for this field, without copying in the common case.
  struct Side {
    std::span<const uint32_t> tokens;
    bool alt = false;  // taken from the full name: the field itself is empty
    absl::InlinedVector<uint32_t, 8> owned;
  };

  // A record that has only a full name offers it in place of a missing
  // given name or surname (alt); a missing full name is made of the parts.
  Side TokensOf(uint32_t record) const {
    Side side;
    if (field_.kind == FieldRef::Kind::kAnyName) {
      for (const NameColumn* column :
           {&prepared_.given_name, &prepared_.surname, &prepared_.full_name}) {
        std::span<const uint32_t> ids = column->Tokens(record);
        side.owned.insert(side.owned.end(), ids.begin(), ids.end());
      }
      side.tokens = side.owned;
      return side;
    }
    side.tokens = prepared_.Names(field_.field).Tokens(record);
    if (!side.tokens.empty()) return side;
    if (field_.field == Field::kGivenName || field_.field == Field::kSurname) {
      side.tokens = prepared_.full_name.Tokens(record);
      side.alt = !side.tokens.empty();
    } else if (field_.field == Field::kFullName) {
      for (const NameColumn* column :
           {&prepared_.given_name, &prepared_.surname}) {
        std::span<const uint32_t> ids = column->Tokens(record);
        side.owned.insert(side.owned.end(), ids.begin(), ids.end());
      }
      side.tokens = side.owned;
    }
    return side;
  }

  // `cutoff`: a similarity below it may be returned as 0 (only the level
  // matters), which lets Jaro-Winkler give up early on hopeless pairs.
  double TokenSimilarity(uint32_t x, uint32_t y, double cutoff = 0.0) const {
    if (x == y) return 1.0;
    return JaroWinkler(prepared_.tokens.text(x), prepared_.tokens.text(y),
                       cutoff);
  }

  double Similarity(std::span<const uint32_t> a, std::span<const uint32_t> b,
                    double cutoff = 0.0) const {
    if (a.size() == 1 && b.size() == 1) {
      return TokenSimilarity(a[0], b[0], cutoff);
    }
    absl::InlinedVector<std::string_view, 8> va;
    absl::InlinedVector<std::string_view, 8> vb;
    for (uint32_t id : a) va.push_back(prepared_.tokens.text(id));
    for (uint32_t id : b) vb.push_back(prepared_.tokens.text(id));
    return TokenSetSimilarity(std::span<const std::string_view>(va),
                              std::span<const std::string_view>(vb));
  }

  // How well every token of `part` is found among `whole` (a full name
  // holding more tokens than the one field): mean best Jaro-Winkler.
  double Containment(std::span<const uint32_t> part,
                     std::span<const uint32_t> whole) const {
    double total = 0.0;
    for (uint32_t p : part) {
      double best = 0.0;
      for (uint32_t w : whole) best = std::max(best, TokenSimilarity(p, w));
      total += best;
    }
    return total / static_cast<double>(part.size());
  }

  static bool SameMultiset(std::span<const uint32_t> a,
                           std::span<const uint32_t> b) {
    if (a.size() != b.size()) return false;
    if (a.size() == 1) return a[0] == b[0];
    absl::InlinedVector<uint32_t, 8> sa(a.begin(), a.end());
    absl::InlinedVector<uint32_t, 8> sb(b.begin(), b.end());
    std::sort(sa.begin(), sa.end());
    std::sort(sb.begin(), sb.end());
    return sa == sb;
  }

  bool SamePhoneticCodes(std::span<const uint32_t> a,
                         std::span<const uint32_t> b) const {
    if (a.size() != b.size()) return false;
    absl::InlinedVector<std::string_view, 8> ca;
    absl::InlinedVector<std::string_view, 8> cb;
    for (uint32_t id : a) ca.push_back(prepared_.tokens.phonetic(id));
    for (uint32_t id : b) cb.push_back(prepared_.tokens.phonetic(id));
    for (std::string_view code : ca) {
      if (code.empty()) return false;
    }
    std::sort(ca.begin(), ca.end());
    std::sort(cb.begin(), cb.end());
    return ca == cb;
  }

  // Given name and surname written the other way round in one register:
  // each side's field matches the other side's partner field.
  bool IsSwapped(uint32_t a, uint32_t b) const {
    if (!partner_.has_value()) return false;
    const NameColumn& mine = prepared_.Names(field_.field);
    const NameColumn& other = prepared_.Names(*partner_);
    const std::span<const uint32_t> a_other = other.Tokens(a);
    const std::span<const uint32_t> b_other = other.Tokens(b);
    if (a_other.empty() || b_other.empty()) return false;
    return Similarity(mine.Tokens(a), b_other, close_) >= close_ &&
           Similarity(a_other, mine.Tokens(b), close_) >= close_;
  }

  const PreparedRecords& prepared_;
  FieldRef field_;
  std::optional<Field> partner_;
  double close_;
  double similar_;
  std::vector<int64_t> term_ids_;
};

class DateComparator final : public FieldComparator {
 public:
  DateComparator(const ComparisonSpec& spec, const PreparedRecords& prepared)
      : FieldComparator(spec.name, LevelNames()), prepared_(prepared) {}

  uint8_t Level(uint32_t a, uint32_t b) const override {
    // DateLevel is ordered best first, kMissing last: its value is the level.
    return static_cast<uint8_t>(
        CompareDates(prepared_.birth_date[a], prepared_.birth_date[b]));
  }

  std::string Describe(uint32_t record) const override {
    return prepared_.Value(FieldRef::Of(Field::kBirthDate), record);
  }

 private:
  static std::vector<std::string> LevelNames() {
    std::vector<std::string> names;
    for (int level = 0; level < kDateLevelCount - 1; ++level) {
      names.emplace_back(DateLevelName(static_cast<DateLevel>(level)));
    }
    return names;
  }

  const PreparedRecords& prepared_;
};

class PassportComparator final : public FieldComparator {
 public:
  PassportComparator(const ComparisonSpec& spec,
                     const PreparedRecords& prepared)
      : FieldComparator(spec.name,
                        {"exact", "one_edit", "prefix_or_suffix", "different"}),
        prepared_(prepared) {}

  uint8_t Level(uint32_t a, uint32_t b) const override {
    switch (ComparePassports(prepared_.passport[a], prepared_.passport[b])) {
      case PassportLevel::kExact:
        return 0;
      case PassportLevel::kOneEdit:
        return 1;
      case PassportLevel::kPrefixOrSuffix:
        return 2;
      case PassportLevel::kDifferent:
        return 3;
      case PassportLevel::kMissing:
        break;
    }
    return 4;
  }

  std::string Describe(uint32_t record) const override {
    return prepared_.passport[record];
  }

 private:
  const PreparedRecords& prepared_;
};

// Values as folded text: equal or not (kExact), or within edit bounds.
class TextComparator final : public FieldComparator {
 public:
  TextComparator(const ComparisonSpec& spec, const PreparedRecords& prepared)
      : FieldComparator(spec.name, spec.kind == ComparatorKind::kExact
                                       ? std::vector<std::string>{"exact",
                                                                  "different"}
                                       : std::vector<std::string>{
                                             "exact", "one_edit",
                                             absl::StrCat("up_to_",
                                                          spec.max_edits,
                                                          "_edits"),
                                             "different"}),
        exact_only_(spec.kind == ComparatorKind::kExact),
        max_edits_(spec.max_edits),
        tf_(spec.term_frequency_adjust) {
    values_.resize(prepared.size);
    for (size_t r = 0; r < prepared.size; ++r) {
      values_[r] = prepared.Value(spec.field, r);
    }
    ids_ = InternValues(values_);
  }

  uint8_t Level(uint32_t a, uint32_t b) const override {
    const int64_t ia = ids_[a];
    const int64_t ib = ids_[b];
    const auto missing = static_cast<uint8_t>(levels());
    if (ia < 0 || ib < 0) return missing;
    if (ia == ib) return 0;
    if (exact_only_) return 1;
    const int distance = OsaDistance(values_[a], values_[b], max_edits_);
    if (distance <= 1) return 1;
    if (distance <= max_edits_) return 2;
    return 3;
  }

  int64_t TermId(uint32_t record) const override {
    return tf_ ? ids_[record] : -1;
  }

  std::string Describe(uint32_t record) const override {
    return values_[record];
  }

 private:
  bool exact_only_;
  int max_edits_;
  bool tf_;
  std::vector<std::string> values_;
  std::vector<int64_t> ids_;
};

}  // namespace

absl::StatusOr<std::vector<std::unique_ptr<FieldComparator>>> MakeComparators(
    const LinkerConfig& config, const PreparedRecords& prepared) {
  std::vector<std::unique_ptr<FieldComparator>> comparators;
  for (const ComparisonSpec& spec : config.comparisons) {
    const bool is_date = spec.field.kind == FieldRef::Kind::kField &&
                         spec.field.field == Field::kBirthDate;
    const bool is_passport = spec.field.kind == FieldRef::Kind::kField &&
                             spec.field.field == Field::kPassportNo;
    switch (spec.kind) {
      case ComparatorKind::kName:
        if (!spec.field.IsNameField()) {
          return absl::InvalidArgumentError(absl::StrCat(
              "config: comparison \"", spec.name, "\": ", spec.field.Name(),
              " is not a name field; use a string comparator"));
        }
        comparators.push_back(std::make_unique<NameComparator>(spec, prepared));
        break;
      case ComparatorKind::kDate:
        if (!is_date) {
          return absl::InvalidArgumentError(absl::StrCat(
              "config: comparison \"", spec.name,
              "\": the date comparator needs the birth_date field (map the "
              "column onto it)"));
        }
        comparators.push_back(std::make_unique<DateComparator>(spec, prepared));
        break;
      case ComparatorKind::kPassport:
        if (!is_passport) {
          return absl::InvalidArgumentError(absl::StrCat(
              "config: comparison \"", spec.name,
              "\": the passport comparator needs the passport_no field"));
        }
        comparators.push_back(
            std::make_unique<PassportComparator>(spec, prepared));
        break;
      case ComparatorKind::kString:
      case ComparatorKind::kExact:
        comparators.push_back(std::make_unique<TextComparator>(spec, prepared));
        break;
    }
  }
  return comparators;
}

}  // namespace reckon

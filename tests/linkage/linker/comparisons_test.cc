// The field comparators against a slow reference written from their
// definitions: every level the comparators return (interned token lists,
// memoized list levels, interned passports) must be exactly the level the
// plain computation gives, on many pairs of generated records in several
// scripts, with memo hits and misses, and with several comparators of one
// field but different thresholds side by side.
#include <algorithm>
#include <array>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "gtest/gtest.h"
#include "linkage/compare/date_compare.h"
#include "linkage/compare/jaro_winkler.h"
#include "linkage/compare/levenshtein.h"
#include "linkage/compare/passport.h"
#include "linkage/compare/token_similarity.h"
#include "linkage/linker/comparisons.h"
#include "linkage/linker/config.h"
#include "linkage/linker/prepared.h"
#include "linkage/normalize/name_forms.h"
#include "linkage/synth/scenario.h"

namespace reckon {
namespace {

using Tokens = std::vector<uint32_t>;

// The name comparison, computed from scratch for every pair: no interning,
// no memo, multisets compared by sorting.
class ReferenceName {
 public:
  ReferenceName(const ComparisonSpec& spec, const PreparedRecords& prepared)
      : prepared_(prepared),
        field_(spec.field),
        close_(spec.similarity_levels[0]),
        similar_(spec.similarity_levels[1]) {
    if (field_.kind == FieldRef::Kind::kField) {
      if (field_.field == Field::kSurname) partner_ = Field::kGivenName;
      if (field_.field == Field::kGivenName) partner_ = Field::kSurname;
    }
  }

  uint8_t Level(uint32_t a, uint32_t b) const {
    bool alt_a = false;
    bool alt_b = false;
    const Tokens ta = Side(a, &alt_a);
    const Tokens tb = Side(b, &alt_b);
    if (ta.empty() || tb.empty()) return 4;
    const bool alt = alt_a || alt_b;
    if (alt_a && !alt_b) return LevelOf(Containment(tb, ta), true);
    if (alt_b && !alt_a) return LevelOf(Containment(ta, tb), true);
    uint8_t level = TokensLevel(ta, tb, alt);
    if (level >= 2 && !alt) level = std::min(level, Swapped(a, b));
    return level;
  }

  std::string Describe(uint32_t record) const {
    bool alt = false;
    std::string text;
    for (uint32_t id : Side(record, &alt)) {
      if (!text.empty()) text += " ";
      text += prepared_.tokens.text(id);
    }
    if (alt && !text.empty()) text += " (from full name)";
    return text;
  }

 private:
  Tokens Column(Field field, uint32_t record) const {
    const std::span<const uint32_t> ids = prepared_.Names(field).Tokens(record);
    return Tokens(ids.begin(), ids.end());
  }

  Tokens Joined(std::vector<Field> fields, uint32_t record) const {
    Tokens all;
    for (Field field : fields) {
      const Tokens part = Column(field, record);
      all.insert(all.end(), part.begin(), part.end());
    }
    return all;
  }

  Tokens Side(uint32_t record, bool* alt) const {
    *alt = false;
    if (field_.kind == FieldRef::Kind::kAnyName) {
      return Joined({Field::kGivenName, Field::kSurname, Field::kFullName},
                    record);
    }
    Tokens own = Column(field_.field, record);
    if (!own.empty()) return own;
    if (field_.field == Field::kGivenName || field_.field == Field::kSurname) {
      own = Column(Field::kFullName, record);
      *alt = !own.empty();
    } else if (field_.field == Field::kFullName) {
      own = Joined({Field::kGivenName, Field::kSurname}, record);
    }
    return own;
  }

  double Similarity(const Tokens& a, const Tokens& b) const {
    if (a.size() == 1 && b.size() == 1) {
      if (a[0] == b[0]) return 1.0;
      return JaroWinkler(prepared_.tokens.text(a[0]),
                         prepared_.tokens.text(b[0]));
    }
    std::vector<std::string> va;
    std::vector<std::string> vb;
    for (uint32_t id : a) va.push_back(prepared_.tokens.text(id));
    for (uint32_t id : b) vb.push_back(prepared_.tokens.text(id));
    return TokenSetSimilarity(va, vb);
  }

  double Containment(const Tokens& part, const Tokens& whole) const {
    double total = 0.0;
    for (uint32_t p : part) {
      double best = 0.0;
      for (uint32_t w : whole) {
        best = std::max(best, p == w ? 1.0
                                     : JaroWinkler(prepared_.tokens.text(p),
                                                   prepared_.tokens.text(w)));
      }
      total += best;
    }
    return total / static_cast<double>(part.size());
  }

  uint8_t LevelOf(double similarity, bool alt) const {
    if (similarity >= 0.9999) return alt ? 1 : 0;
    if (similarity >= close_) return 1;
    if (similarity >= similar_) return 2;
    return 3;
  }

  static bool SameMultiset(Tokens a, Tokens b) {
    std::sort(a.begin(), a.end());
    std::sort(b.begin(), b.end());
    return a == b;
  }

  bool SamePhonetic(const Tokens& a, const Tokens& b) const {
    std::vector<std::string> ca;
    std::vector<std::string> cb;
    for (uint32_t id : a) {
      if (prepared_.tokens.phonetic(id).empty()) return false;
      ca.push_back(prepared_.tokens.phonetic(id));
    }
    for (uint32_t id : b) cb.push_back(prepared_.tokens.phonetic(id));
    std::sort(ca.begin(), ca.end());
    std::sort(cb.begin(), cb.end());
    return ca == cb;
  }

  uint8_t TokensLevel(const Tokens& x, const Tokens& y, bool alt) const {
    if (!alt && SameMultiset(x, y)) return 0;
    // No cutoff here: the comparators pass one, which must not matter.
    uint8_t level = LevelOf(Similarity(x, y), alt);
    if (level == 3 && SamePhonetic(x, y)) level = 2;
    return level;
  }

  uint8_t Swapped(uint32_t a, uint32_t b) const {
    if (!partner_.has_value()) return 3;
    const Tokens a_mine = Column(field_.field, a);
    const Tokens b_mine = Column(field_.field, b);
    const Tokens a_other = Column(*partner_, a);
    const Tokens b_other = Column(*partner_, b);
    if (a_mine.empty() || b_mine.empty() || a_other.empty() ||
        b_other.empty()) {
      return 3;
    }
    const uint8_t crossed_mine = TokensLevel(a_mine, b_other, false);
    const uint8_t crossed_other = TokensLevel(a_other, b_mine, false);
    if (crossed_mine > 2 || crossed_other > 2) return 3;
    const int straight = TokensLevel(a_mine, b_mine, false) +
                         TokensLevel(a_other, b_other, false);
    if (crossed_mine + crossed_other >= straight) return 3;
    return std::max<uint8_t>(crossed_mine, 1);
  }

  const PreparedRecords& prepared_;
  FieldRef field_;
  std::optional<Field> partner_;
  double close_;
  double similar_;
};

// The level any comparator of `spec` must return, computed plainly.
uint8_t ReferenceLevel(const ComparisonSpec& spec, const ReferenceName* name,
                       const PreparedRecords& prepared, uint32_t a,
                       uint32_t b) {
  switch (spec.kind) {
    case ComparatorKind::kName:
      return name->Level(a, b);
    case ComparatorKind::kDate: {
      // The scope's levels are a subset of DateLevel in order; pairs
      // outside the scope are missing for this comparison.
      const PartialDate& x = prepared.birth_date[a];
      const PartialDate& y = prepared.birth_date[b];
      const std::vector<DateLevel> levels = DateScopeLevels(spec.date_scope);
      if (!InDateScope(spec.date_scope, x, y)) {
        return static_cast<uint8_t>(levels.size());
      }
      const auto found =
          std::find(levels.begin(), levels.end(), CompareDates(x, y));
      EXPECT_NE(found, levels.end()) << "a level outside its scope";
      return static_cast<uint8_t>(found - levels.begin());
    }
    case ComparatorKind::kPassport: {
      const PassportLevel level =
          ComparePassports(prepared.passport[a], prepared.passport[b]);
      return level == PassportLevel::kMissing ? 4
                                              : static_cast<uint8_t>(level);
    }
    case ComparatorKind::kExact:
    case ComparatorKind::kString:
      break;
  }
  const std::string va = prepared.Value(spec.field, a);
  const std::string vb = prepared.Value(spec.field, b);
  const bool exact = spec.kind == ComparatorKind::kExact;
  const uint8_t missing = exact ? 2 : 4;
  if (va.empty() || vb.empty()) return missing;
  if (va == vb) return 0;
  if (exact) return 1;
  const int distance = OsaDistance(va, vb, spec.max_edits);
  return distance <= 1 ? 1 : distance <= spec.max_edits ? 2 : 3;
}

struct Prepared {
  PreparedRecords records;
  std::vector<int64_t> person;
};

Prepared PrepareScenario(int64_t people, NoiseLevel noise,
                         Heterogeneity heterogeneity, uint64_t seed,
                         const LinkerConfig& config) {
  SynthOptions options;
  options.people = people;
  options.sources = 4;
  options.noise = noise;
  options.heterogeneity = heterogeneity;
  options.seed = seed;
  absl::StatusOr<Scenario> scenario = GenerateScenario(options);
  EXPECT_TRUE(scenario.ok()) << scenario.status();
  Prepared prepared;
  std::vector<Record> records;
  for (const SynthRecord& record : scenario->records) {
    records.push_back(record.record);
    prepared.person.push_back(record.person);
  }
  auto normalizer = NameNormalizer::Create();
  EXPECT_TRUE(normalizer.ok()) << normalizer.status();
  absl::StatusOr<PreparedRecords> records_or = PrepareRecords(
      records, scenario->sources, config, **normalizer, ExecOptions());
  EXPECT_TRUE(records_or.ok()) << records_or.status();
  prepared.records = *std::move(records_or);
  return prepared;
}

// Pairs worth checking: every pair of records of one person (the levels
// near the top, swapped names, full-name stand-ins), pairs of records that
// share a surname token (namesakes), and random pairs; each pair in both
// orders and twice, so that the second visit is answered from the memo.
std::vector<std::pair<uint32_t, uint32_t>> PairsToCheck(const Prepared& data) {
  std::vector<std::pair<uint32_t, uint32_t>> pairs;
  std::map<int64_t, std::vector<uint32_t>> by_person;
  std::map<uint32_t, std::vector<uint32_t>> by_surname;
  for (uint32_t r = 0; r < data.records.size; ++r) {
    by_person[data.person[r]].push_back(r);
    const auto surname = data.records.surname.Tokens(r);
    if (!surname.empty()) by_surname[surname[0]].push_back(r);
  }
  for (const auto& [person, members] : by_person) {
    for (size_t i = 0; i < members.size(); ++i) {
      for (size_t j = i + 1; j < members.size(); ++j) {
        pairs.emplace_back(members[i], members[j]);
      }
    }
  }
  for (const auto& [token, members] : by_surname) {
    for (size_t i = 0; i + 1 < members.size() && i < 40; ++i) {
      pairs.emplace_back(members[i], members[i + 1]);
    }
  }
  uint64_t state = 12345;
  for (int i = 0; i < 20000; ++i) {
    state = state * 6364136223846793005ULL + 1442695040888963407ULL;
    const auto a = static_cast<uint32_t>((state >> 33) % data.records.size);
    state = state * 6364136223846793005ULL + 1442695040888963407ULL;
    const auto b = static_cast<uint32_t>((state >> 33) % data.records.size);
    if (a != b) pairs.emplace_back(a, b);
  }
  const size_t once = pairs.size();
  for (size_t i = 0; i < once; ++i) {
    pairs.emplace_back(pairs[i].second, pairs[i].first);
  }
  for (size_t i = 0; i < once; ++i) pairs.push_back(pairs[i]);
  return pairs;
}

// Every ordered pair of the records, twice (the second time from the memo).
std::vector<std::pair<uint32_t, uint32_t>> AllPairs(size_t n) {
  std::vector<std::pair<uint32_t, uint32_t>> pairs;
  for (int round = 0; round < 2; ++round) {
    for (uint32_t a = 0; a < n; ++a) {
      for (uint32_t b = 0; b < n; ++b) pairs.emplace_back(a, b);
    }
  }
  return pairs;
}

// Checks every comparator of `config` against the reference on the pairs;
// returns how many pairs reached each level of the first comparator, so a
// test can make sure the interesting levels were exercised.
std::vector<int> ExpectSameLevels(
    const LinkerConfig& config, const Prepared& data,
    const std::vector<std::pair<uint32_t, uint32_t>>& pairs) {
  auto comparators = MakeComparators(config, data.records);
  EXPECT_TRUE(comparators.ok()) << comparators.status();
  std::vector<std::unique_ptr<ReferenceName>> references;
  for (const ComparisonSpec& spec : config.comparisons) {
    references.push_back(
        spec.kind == ComparatorKind::kName
            ? std::make_unique<ReferenceName>(spec, data.records)
            : nullptr);
  }
  std::vector<int> first_levels(8, 0);
  int mismatches = 0;
  for (const auto& [a, b] : pairs) {
    for (size_t c = 0; c < config.comparisons.size(); ++c) {
      const uint8_t got = (*comparators)[c]->Level(a, b);
      const uint8_t want = ReferenceLevel(config.comparisons[c],
                                          references[c].get(), data.records,
                                          a, b);
      if (c == 0) ++first_levels[got];
      if (got != want && ++mismatches <= 10) {
        ADD_FAILURE() << config.comparisons[c].name << " of records " << a
                      << " and " << b << ": level " << int{got}
                      << ", reference " << int{want} << " ("
                      << (*comparators)[c]->Describe(a) << " | "
                      << (*comparators)[c]->Describe(b) << ")";
      }
    }
  }
  for (size_t c = 0; c < config.comparisons.size(); ++c) {
    if (references[c] == nullptr) continue;
    for (uint32_t r = 0; r < data.records.size; r += 7) {
      EXPECT_EQ((*comparators)[c]->Describe(r), references[c]->Describe(r));
    }
  }
  EXPECT_EQ(mismatches, 0);
  return first_levels;
}


// A record of source "a" (even `index`) or "b" (odd) with the given name,
// surname, full name and patronymic.
Record NamedRecord(const std::array<const char*, 4>& name, size_t index) {
  Record record;
  record.source = index % 2 == 0 ? "a" : "b";
  record.source_record_id = std::to_string(index);
  record.Set(Field::kGivenName, name[0]);
  record.Set(Field::kSurname, name[1]);
  record.Set(Field::kFullName, name[2]);
  record.Set(Field::kPatronymic, name[3]);
  return record;
}

TEST(ComparisonsTest, DefaultComparatorsMatchTheReferenceAtMediumNoise) {
  const LinkerConfig config = DefaultLinkerConfig();
  const Prepared data = PrepareScenario(1500, NoiseLevel::kMedium,
                                        Heterogeneity::kMild, 11, config);
  const std::vector<int> surname = ExpectSameLevels(config, data, PairsToCheck(data));
  // Every surname level was reached.
  for (int level = 0; level <= 3; ++level) {
    EXPECT_GT(surname[static_cast<size_t>(level)], 0) << "level " << level;
  }
}

TEST(ComparisonsTest, DefaultComparatorsMatchTheReferenceAtHighNoise) {
  const LinkerConfig config = DefaultLinkerConfig();
  const Prepared data = PrepareScenario(1500, NoiseLevel::kHigh,
                                        Heterogeneity::kStrong, 2027, config);
  ExpectSameLevels(config, data, PairsToCheck(data));
}

// Names written by hand to reach every path: full names standing in for
// missing fields, swapped fields, split and joined tokens, several scripts,
// patronymics, missing values.
TEST(ComparisonsTest, HandWrittenNamesMatchTheReference) {
  // Given name, surname, full name, patronymic.
  const std::vector<std::array<const char*, 4>> names = {
      {"Rashad", "Mammadov", "", ""},
      {"", "", "Rashad Vagif Mammadov", ""},
      {"Mammadov", "Rashad", "", ""},
      {"", "", "Mammadov Rashad", ""},
      {"Xiaoming", "Wang", "", ""},
      {"Xiao Ming", "Wang", "", ""},
      {"", "", "Wang Xiaoming", ""},
      {"Рашад", "Мамедов", "", ""},
      {"Rəşad", "Məmmədov", "", "Vaqif oğlu"},
      {"Aysel", "Hasanova", "", "Vaqif qizi"},
      {"Ayselle", "Hasanov", "", ""},
      {"", "", "Aysel Hasanova", ""},
      {"", "Hasanova", "", ""},
      {"", "", "", ""},
      {"Jose Maria", "Garcia Lopez", "", ""},
      {"Maria Jose", "Lopez Garcia", "", ""},
      {"Hasanova", "Aysel", "", ""},
      {"Rashid", "Mamedov", "", "Vagif"},
      {"Айсель", "Гасанова", "", ""},
      {"", "", "Hasanova Aysel Vaqif qizi", ""},
  };
  std::vector<Record> records;
  for (const auto& name : names) {
    records.push_back(NamedRecord(name, records.size()));
  }
  LinkerConfig config = DefaultLinkerConfig();
  ComparisonSpec full;
  full.name = "full_name";
  full.field = FieldRef::Of(Field::kFullName);
  ComparisonSpec any = full;
  any.name = "any_name";
  any.field = FieldRef::AnyName();
  config.comparisons.push_back(full);
  config.comparisons.push_back(any);
  auto normalizer = NameNormalizer::Create();
  ASSERT_TRUE(normalizer.ok()) << normalizer.status();
  absl::StatusOr<PreparedRecords> prepared =
      PrepareRecords(records, {"a", "b"}, config, **normalizer, ExecOptions());
  ASSERT_TRUE(prepared.ok()) << prepared.status();
  Prepared data;
  data.records = *std::move(prepared);
  const std::vector<int> surname =
      ExpectSameLevels(config, data, AllPairs(records.size()));
  for (int level = 0; level <= 4; ++level) {
    EXPECT_GT(surname[static_cast<size_t>(level)], 0) << "level " << level;
  }
  // The full name stands in for a missing surname, and is described so.
  auto comparators = MakeComparators(config, data.records);
  ASSERT_TRUE(comparators.ok());
  EXPECT_EQ((*comparators)[0]->Describe(1),
            ReferenceName(config.comparisons[0], data.records).Describe(1));
  EXPECT_NE((*comparators)[0]->Describe(1).find("(from full name)"),
            std::string::npos);
}

// Passport numbers written to sit on the edges of the shortcut that settles
// "different" from the first and last three characters (7 or more): edits
// and partial copies at either end and in the middle, on numbers of 6 to 14
// characters.
TEST(ComparisonsTest, HandWrittenPassportsMatchTheReference) {
  const std::vector<const char*> numbers = {
      "AB1234567",   "BA1234567",    "AB1234576",  "AB1243567", "XB1234567",
      "AB123456X",   "B1234567",     "AB123456",   "AB12345678", "XAB1234567",
      "AB1234567890", "99AB1234567", "ZZ1234567",  "AB1234ZZZ", "CD9876543",
      "AB12X4567",   "AB1324567",    "AB1235467",  "1234",      "12345",
      "A1234567B",   "AB1234567",    "",           "AB 1234-567", "ab1234568",
      "C1234567",    "C12345678",    "C123456789", "AB12345",   "12345AB1234567",
      "1234567",     "2134567",      "1234576",    "1243567",   "1235467",
      "1324567",     "1234657",      "123456",     "12345678",  "01234567",
      "1234",        "4567",         "AB1234",     "A1234567",  "1234567A",
  };
  std::vector<Record> records;
  for (const char* number : numbers) {
    Record record = NamedRecord({"", "", "", ""}, records.size());
    record.Set(Field::kPassportNo, number);
    records.push_back(std::move(record));
  }
  const LinkerConfig config = DefaultLinkerConfig();
  auto normalizer = NameNormalizer::Create();
  ASSERT_TRUE(normalizer.ok()) << normalizer.status();
  absl::StatusOr<PreparedRecords> prepared =
      PrepareRecords(records, {"a", "b"}, config, **normalizer, ExecOptions());
  ASSERT_TRUE(prepared.ok()) << prepared.status();
  Prepared data;
  data.records = *std::move(prepared);
  const std::vector<std::pair<uint32_t, uint32_t>> pairs =
      AllPairs(records.size());
  ExpectSameLevels(config, data, pairs);
  // Every passport level was reached.
  auto comparators = MakeComparators(config, data.records);
  ASSERT_TRUE(comparators.ok());
  size_t passport = 0;
  while (config.comparisons[passport].kind != ComparatorKind::kPassport) {
    ++passport;
  }
  std::vector<int> reached(5, 0);
  for (const auto& [a, b] : pairs) {
    ++reached[(*comparators)[passport]->Level(a, b)];
  }
  for (int level = 0; level <= 4; ++level) {
    EXPECT_GT(reached[static_cast<size_t>(level)], 0) << "level " << level;
  }
}

// Full-name and any-name comparisons, and two comparators of one field with
// different thresholds: their memoized levels must not be mixed up.
TEST(ComparisonsTest, OtherNameFieldsAndThresholdsMatchTheReference) {
  LinkerConfig config = DefaultLinkerConfig();
  ComparisonSpec strict;
  strict.name = "surname_strict";
  strict.field = FieldRef::Of(Field::kSurname);
  strict.kind = ComparatorKind::kName;
  strict.similarity_levels = {0.97, 0.90};
  ComparisonSpec loose = strict;
  loose.name = "given_name_loose";
  loose.field = FieldRef::Of(Field::kGivenName);
  loose.similarity_levels = {0.85, 0.60};
  ComparisonSpec full = strict;
  full.name = "full_name";
  full.field = FieldRef::Of(Field::kFullName);
  full.similarity_levels = {0.92, 0.80};
  ComparisonSpec any = full;
  any.name = "any_name";
  any.field = FieldRef::AnyName();
  ComparisonSpec nationality;
  nationality.name = "nationality_text";
  nationality.field = FieldRef::Of(Field::kNationality);
  nationality.kind = ComparatorKind::kString;
  config.comparisons.insert(config.comparisons.begin(), strict);
  config.comparisons.push_back(loose);
  config.comparisons.push_back(full);
  config.comparisons.push_back(any);
  config.comparisons.push_back(nationality);
  const Prepared data = PrepareScenario(1000, NoiseLevel::kHigh,
                                        Heterogeneity::kMild, 5, config);
  ExpectSameLevels(config, data, PairsToCheck(data));
}

// Cross-set comparison (ComparatorOverlay) and growth (Extend): checked
// against comparators made over one joint set of all the records, which is
// what the resolver's results must equal.

// Appends every record of `from` to `to`, interning tokens by text as one
// joint preparation would (the resolver grows its index this way).
void AppendRecords(const PreparedRecords& from, PreparedRecords* to) {
  std::vector<uint32_t> ids;
  auto copy_names = [&](const NameColumn& source, size_t r, NameColumn* target) {
    ids.clear();
    for (uint32_t id : source.Tokens(r)) {
      ids.push_back(to->tokens.Intern(from.tokens.text(id),
                                      from.tokens.phonetic(id),
                                      from.tokens.skeleton(id)));
    }
    target->Append(ids);
  };
  for (size_t r = 0; r < from.size; ++r) {
    const std::string& source = from.source_names[from.source[r]];
    auto it = std::find(to->source_names.begin(), to->source_names.end(), source);
    if (it == to->source_names.end()) {
      it = to->source_names.insert(to->source_names.end(), source);
    }
    to->source.push_back(static_cast<uint16_t>(it - to->source_names.begin()));
    copy_names(from.given_name, r, &to->given_name);
    copy_names(from.surname, r, &to->surname);
    copy_names(from.patronymic, r, &to->patronymic);
    copy_names(from.full_name, r, &to->full_name);
    to->birth_date.push_back(from.birth_date[r]);
    to->sex.push_back(from.sex[r]);
    to->nationality.push_back(from.nationality[r]);
    to->passport.push_back(from.passport[r]);
    for (auto& [name, column] : to->strings) {
      auto found = from.strings.find(name);
      column.push_back(found == from.strings.end() ? "" : found->second[r]);
    }
    ++to->size;
  }
}

struct SplitSets {
  PreparedRecords joint;  // all records
  PreparedRecords base;   // the first `split`
  PreparedRecords small;  // the rest
  PreparedRecords reversed;  // the rest in reverse order
  std::vector<int64_t> person;
  uint32_t split = 0;
};

SplitSets PrepareSplit(const std::vector<Record>& records,
                       std::vector<int64_t> person, size_t split,
                       const std::vector<std::string>& sources,
                       const LinkerConfig& config) {
  auto normalizer = NameNormalizer::Create();
  EXPECT_TRUE(normalizer.ok()) << normalizer.status();
  auto prepare = [&](size_t begin, size_t end) {
    const std::vector<Record> part(
        records.begin() + static_cast<std::ptrdiff_t>(begin),
        records.begin() + static_cast<std::ptrdiff_t>(end));
    absl::StatusOr<PreparedRecords> prepared =
        PrepareRecords(part, sources, config, **normalizer, ExecOptions());
    EXPECT_TRUE(prepared.ok()) << prepared.status();
    return *std::move(prepared);
  };
  SplitSets sets;
  sets.joint = prepare(0, records.size());
  sets.base = prepare(0, split);
  sets.small = prepare(split, records.size());
  {
    std::vector<Record> rest(records.begin() + static_cast<std::ptrdiff_t>(split),
                             records.end());
    std::reverse(rest.begin(), rest.end());
    absl::StatusOr<PreparedRecords> prepared =
        PrepareRecords(rest, sources, config, **normalizer, ExecOptions());
    EXPECT_TRUE(prepared.ok()) << prepared.status();
    sets.reversed = *std::move(prepared);
  }
  sets.person = std::move(person);
  sets.split = static_cast<uint32_t>(split);
  return sets;
}

SplitSets ScenarioSplit(int64_t people, NoiseLevel noise, uint64_t seed,
                        const LinkerConfig& config) {
  SynthOptions options;
  options.people = people;
  options.sources = 4;
  options.noise = noise;
  options.heterogeneity = Heterogeneity::kStrong;
  options.seed = seed;
  absl::StatusOr<Scenario> scenario = GenerateScenario(options);
  EXPECT_TRUE(scenario.ok()) << scenario.status();
  std::vector<Record> records;
  std::vector<int64_t> person;
  for (const SynthRecord& record : scenario->records) {
    records.push_back(record.record);
    person.push_back(record.person);
  }
  // The last quarter is the overlay (the scenario's records are in source
  // order, so the overlay holds other registers' records of base people).
  return PrepareSplit(records, std::move(person), records.size() * 3 / 4,
                      scenario->sources, config);
}

// Pairs (overlay record, other record) in joint numbering: every pair of
// records of one person with one in the overlay, namesakes, random pairs;
// each twice (the second time from the memo).
std::vector<std::pair<uint32_t, uint32_t>> CrossPairs(const SplitSets& sets) {
  const auto n = static_cast<uint32_t>(sets.joint.size);
  std::vector<std::pair<uint32_t, uint32_t>> pairs;
  std::map<int64_t, std::vector<uint32_t>> by_person;
  std::map<uint32_t, std::vector<uint32_t>> by_surname;
  for (uint32_t r = 0; r < n; ++r) {
    if (!sets.person.empty()) by_person[sets.person[r]].push_back(r);
    const auto surname = sets.joint.surname.Tokens(r);
    if (!surname.empty()) by_surname[surname[0]].push_back(r);
  }
  auto add_groups = [&](const auto& groups) {
    for (const auto& [key, members] : groups) {
      for (uint32_t a : members) {
        if (a < sets.split) continue;
        for (size_t j = 0; j < members.size() && j < 30; ++j) {
          if (members[j] != a) pairs.emplace_back(a, members[j]);
        }
      }
    }
  };
  add_groups(by_person);
  add_groups(by_surname);
  uint64_t state = 777;
  for (int i = 0; i < 20000; ++i) {
    state = state * 6364136223846793005ULL + 1442695040888963407ULL;
    const auto a = sets.split + static_cast<uint32_t>((state >> 33) % (n - sets.split));
    state = state * 6364136223846793005ULL + 1442695040888963407ULL;
    const auto b = static_cast<uint32_t>((state >> 33) % n);
    if (a != b) pairs.emplace_back(a, b);
  }
  const size_t once = pairs.size();
  for (size_t i = 0; i < once; ++i) pairs.push_back(pairs[i]);
  return pairs;
}

// Overlay levels, descriptions and term presence equal the joint set's, for
// overlay records against base records and against each other. A second
// overlay of the same records in reverse order (so that its own list ids
// name other lists) is checked pair by pair beside the first: memoized
// levels of one must never answer for the other. Returns how many checked
// pairs reached each level of the first comparison.
std::vector<int> ExpectOverlayMatchesJoint(const LinkerConfig& config,
                                           const SplitSets& sets) {
  auto joint = MakeComparators(config, sets.joint);
  auto base = MakeComparators(config, sets.base);
  EXPECT_TRUE(joint.ok() && base.ok());
  const ComparatorOverlay overlay(*base, sets.small);
  const ComparatorOverlay reversed(*base, sets.reversed);
  const uint32_t split = sets.split;
  const auto last = static_cast<uint32_t>(sets.joint.size - 1);  // reversed
  std::vector<int> first_levels(8, 0);
  int mismatches = 0;
  std::vector<uint8_t> all(overlay.size());
  EXPECT_EQ(overlay.size(), config.comparisons.size());
  if (overlay.size() != config.comparisons.size()) return first_levels;
  for (const auto& [a, b] : CrossPairs(sets)) {
    // All levels in one call equal the per-comparison ones.
    if (b < split) {
      overlay.CrossLevels(a - split, b, all.data());
    } else {
      overlay.WithinLevels(a - split, b - split, all.data());
    }
    for (size_t c = 0; c < config.comparisons.size(); ++c) {
      const uint8_t single = b < split
                                 ? overlay.Level(c, a - split, b)
                                 : overlay.LevelWithin(c, a - split, b - split);
      if (all[c] != single && ++mismatches <= 10) {
        ADD_FAILURE() << config.comparisons[c].name << " of joint records " << a
                      << " and " << b << ": all-levels call " << int{all[c]}
                      << ", per-comparison call " << int{single};
      }
    }
    for (size_t c = 0; c < config.comparisons.size(); ++c) {
      const uint8_t want = (*joint)[c]->Level(a, b);
      const uint8_t got = b < split ? overlay.Level(c, a - split, b)
                                    : overlay.LevelWithin(c, a - split, b - split);
      const uint8_t got_reversed =
          b < split ? reversed.Level(c, last - a, b)
                    : reversed.LevelWithin(c, last - a, last - b);
      if (c == 0) ++first_levels[got];
      if (got_reversed != want && ++mismatches <= 10) {
        ADD_FAILURE() << config.comparisons[c].name << " of joint records " << a
                      << " and " << b << ": reversed overlay level "
                      << int{got_reversed} << ", joint " << int{want};
      }
      if (got != want && ++mismatches <= 10) {
        ADD_FAILURE() << config.comparisons[c].name << " of joint records " << a
                      << " and " << b << ": overlay level " << int{got}
                      << ", joint " << int{want} << " ("
                      << (*joint)[c]->Describe(a) << " | "
                      << (*joint)[c]->Describe(b) << ")";
      }
    }
  }
  EXPECT_EQ(mismatches, 0);
  for (uint32_t r = split; r < sets.joint.size; ++r) {
    for (size_t c = 0; c < config.comparisons.size(); ++c) {
      EXPECT_EQ(overlay.Describe(c, r - split), (*joint)[c]->Describe(r));
      EXPECT_EQ(overlay.HasTerm(c, r - split), (*joint)[c]->TermId(r) >= 0)
          << config.comparisons[c].name << " of joint record " << r;
    }
  }
  return first_levels;
}

// Comparators made over the base and extended with the overlay's records
// (appended to the base) give the joint levels for every kind of pair.
void ExpectExtendedMatchesJoint(const LinkerConfig& config, SplitSets sets) {
  auto joint = MakeComparators(config, sets.joint);
  auto grown = MakeComparators(config, sets.base);
  EXPECT_TRUE(joint.ok() && grown.ok());
  AppendRecords(sets.small, &sets.base);
  for (auto& comparator : *grown) comparator->Extend();
  int mismatches = 0;
  std::vector<std::pair<uint32_t, uint32_t>> pairs = CrossPairs(sets);
  for (const auto& [a, b] : std::vector(pairs)) pairs.emplace_back(b, a);
  for (const auto& [a, b] : pairs) {
    for (size_t c = 0; c < config.comparisons.size(); ++c) {
      const uint8_t want = (*joint)[c]->Level(a, b);
      const uint8_t got = (*grown)[c]->Level(a, b);
      if (got != want && ++mismatches <= 10) {
        ADD_FAILURE() << config.comparisons[c].name << " of records " << a
                      << " and " << b << " after Extend: level " << int{got}
                      << ", joint " << int{want};
      }
    }
  }
  EXPECT_EQ(mismatches, 0);
  for (uint32_t r = sets.split; r < sets.joint.size; ++r) {
    for (size_t c = 0; c < config.comparisons.size(); ++c) {
      EXPECT_EQ((*grown)[c]->Describe(r), (*joint)[c]->Describe(r));
      // Appended records have no term id.
      EXPECT_EQ((*grown)[c]->TermId(r), -1);
    }
  }
}

// The default comparisons plus full name, any name, text comparisons with
// term frequencies and exact ones: every comparator kind, and more compared
// values than a record's row has slots for (the last keeps its own column).
LinkerConfig EveryKindConfig() {
  LinkerConfig config = DefaultLinkerConfig();
  auto add = [&](std::string name, FieldRef field, ComparatorKind kind,
                 bool term_frequency_adjust) -> ComparisonSpec& {
    ComparisonSpec& spec = config.comparisons.emplace_back();
    spec.name = std::move(name);
    spec.field = std::move(field);
    spec.kind = kind;
    spec.term_frequency_adjust = term_frequency_adjust;
    return spec;
  };
  add("full_name", FieldRef::Of(Field::kFullName), ComparatorKind::kName,
      false)
      .similarity_levels = {0.92, 0.80};
  add("any_name", FieldRef::AnyName(), ComparatorKind::kName, false)
      .similarity_levels = {0.92, 0.80};
  add("nationality_text", FieldRef::Of(Field::kNationality),
      ComparatorKind::kString, true);
  add("sex_exact", FieldRef::Of(Field::kSex), ComparatorKind::kExact, false);
  add("region", FieldRef::Of(Field::kRegion), ComparatorKind::kString, true);
  add("sector", FieldRef::Of(Field::kSector), ComparatorKind::kExact, false);
  return config;
}

// An overlay over comparators made over the first `made` records of
// `sets.base` and extended with the rest (appended as the resolver indexes
// a batch: their values are not interned, their passports have no id)
// gives the joint levels, per comparison and in one call, against records
// of either kind.
void ExpectOverlayOnExtendedMatchesJoint(
    const LinkerConfig& config, const std::vector<Record>& records,
    const std::vector<std::string>& sources, const SplitSets& sets,
    size_t made) {
  auto normalizer = NameNormalizer::Create();
  ASSERT_TRUE(normalizer.ok()) << normalizer.status();
  const std::vector<Record> first(
      records.begin(), records.begin() + static_cast<std::ptrdiff_t>(made));
  const std::vector<Record> appended(
      records.begin() + static_cast<std::ptrdiff_t>(made),
      records.begin() + static_cast<std::ptrdiff_t>(sets.split));
  absl::StatusOr<PreparedRecords> grown =
      PrepareRecords(first, sources, config, **normalizer, ExecOptions());
  absl::StatusOr<PreparedRecords> more =
      PrepareRecords(appended, sources, config, **normalizer, ExecOptions());
  ASSERT_TRUE(grown.ok() && more.ok());
  auto joint = MakeComparators(config, sets.joint);
  auto comparators = MakeComparators(config, *grown);
  ASSERT_TRUE(joint.ok() && comparators.ok());
  AppendRecords(*more, &*grown);
  for (auto& comparator : *comparators) comparator->Extend();
  ASSERT_EQ(grown->size, sets.split);
  const ComparatorOverlay overlay(*comparators, sets.small);
  std::vector<uint8_t> all(overlay.size());
  int mismatches = 0;
  int against_appended = 0;
  for (const auto& [a, b] : CrossPairs(sets)) {
    if (b >= sets.split) continue;
    against_appended += b >= made ? 1 : 0;
    overlay.CrossLevels(a - sets.split, b, all.data());
    for (size_t c = 0; c < config.comparisons.size(); ++c) {
      const uint8_t want = (*joint)[c]->Level(a, b);
      const uint8_t single = overlay.Level(c, a - sets.split, b);
      if ((single != want || all[c] != want) && ++mismatches <= 10) {
        ADD_FAILURE() << config.comparisons[c].name << " of joint records " << a
                      << " and " << b << (b >= made ? " (appended)" : "")
                      << ": overlay level " << int{single} << ", all-levels "
                      << int{all[c]} << ", joint " << int{want} << " ("
                      << (*joint)[c]->Describe(a) << " | "
                      << (*joint)[c]->Describe(b) << ")";
      }
    }
  }
  EXPECT_EQ(mismatches, 0);
  EXPECT_GT(against_appended, 100);
}

TEST(ComparatorOverlayTest, MatchesOneJointSetOverExtendedComparators) {
  const LinkerConfig config = EveryKindConfig();
  SynthOptions options;
  options.people = 900;
  options.sources = 4;
  options.noise = NoiseLevel::kHigh;
  options.heterogeneity = Heterogeneity::kStrong;
  options.seed = 4242;
  absl::StatusOr<Scenario> scenario = GenerateScenario(options);
  ASSERT_TRUE(scenario.ok()) << scenario.status();
  std::vector<Record> records;
  std::vector<int64_t> person;
  for (const SynthRecord& record : scenario->records) {
    records.push_back(record.record);
    person.push_back(record.person);
  }
  // Made over the first half, extended to three quarters; the last
  // quarter is the overlay.
  const size_t split = records.size() * 3 / 4;
  const SplitSets sets = PrepareSplit(records, std::move(person), split,
                                      scenario->sources, config);
  ExpectOverlayOnExtendedMatchesJoint(config, records, scenario->sources, sets,
                                      records.size() / 2);
}

TEST(ComparatorOverlayTest, MatchesOneJointSetAtMediumNoise) {
  const LinkerConfig config = EveryKindConfig();
  const SplitSets sets = ScenarioSplit(1200, NoiseLevel::kMedium, 31, config);
  const std::vector<int> surname = ExpectOverlayMatchesJoint(config, sets);
  for (int level = 0; level <= 3; ++level) {
    EXPECT_GT(surname[static_cast<size_t>(level)], 0) << "level " << level;
  }
}

TEST(ComparatorOverlayTest, MatchesOneJointSetAtHighNoise) {
  const LinkerConfig config = EveryKindConfig();
  ExpectOverlayMatchesJoint(config,
                            ScenarioSplit(1200, NoiseLevel::kHigh, 2028, config));
}

TEST(ComparatorOverlayTest, ExtendedComparatorsMatchOneJointSet) {
  const LinkerConfig config = EveryKindConfig();
  ExpectExtendedMatchesJoint(config,
                             ScenarioSplit(800, NoiseLevel::kHigh, 9, config));
}

// Hand-written names across the split: full names standing in, swapped
// fields, scripts, tokens and lists only one side knows.
TEST(ComparatorOverlayTest, HandWrittenNamesAcrossSets) {
  const std::vector<std::array<const char*, 4>> names = {
      {"Rashad", "Mammadov", "", ""},
      {"", "", "Rashad Vagif Mammadov", ""},
      {"Xiaoming", "Wang", "", ""},
      {"Рашад", "Мамедов", "", ""},
      {"Aysel", "Hasanova", "", "Vaqif qizi"},
      {"", "Hasanova", "", ""},
      {"", "", "", ""},
      {"Jose Maria", "Garcia Lopez", "", ""},
      // The overlay from here.
      {"Mammadov", "Rashad", "", ""},
      {"", "", "Wang Xiaoming", ""},
      {"Xiao Ming", "Wang", "", ""},
      {"Rəşad", "Məmmədov", "", "Vaqif oğlu"},
      {"Ayselle", "Hasanov", "", ""},
      {"", "", "Hasanova Aysel Vaqif qizi", ""},
      {"Maria Jose", "Lopez Garcia", "", ""},
      {"Zhanar", "Nurlanovna", "", ""},
      {"", "", "", ""},
      {"Айсель", "Гасанова", "", ""},
  };
  std::vector<Record> records;
  for (const auto& name : names) {
    records.push_back(NamedRecord(name, records.size()));
  }
  const LinkerConfig config = EveryKindConfig();
  const SplitSets sets = PrepareSplit(records, {}, 8, {"a", "b"}, config);
  const std::vector<int> surname = ExpectOverlayMatchesJoint(config, sets);
  for (int level = 0; level <= 4; ++level) {
    EXPECT_GT(surname[static_cast<size_t>(level)], 0) << "level " << level;
  }
  ExpectExtendedMatchesJoint(config, sets);
}

}  // namespace
}  // namespace reckon

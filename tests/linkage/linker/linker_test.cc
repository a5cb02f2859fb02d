// End-to-end behaviour of the Linker on realistic inputs: a generated
// multi-register scenario (linkage/synth) and the FEBRL benchmark files.
// Quality floors are set below what the linker measures (see
// bench/RESULTS.md) so that they catch regressions, not noise.
#include "linkage/linker/linker.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <fstream>
#include <map>
#include <regex>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "linkage/ingest/record_reader.h"
#include "linkage/synth/scenario.h"
#include "tbb/task_arena.h"
#include "tests/testing/status_matchers.h"

namespace reckon {
namespace {

using ::reckon_testing::StatusIs;
using ::testing::Contains;
using ::testing::HasSubstr;
using ::testing::Not;

struct PairCounts {
  double predicted = 0;
  double truth = 0;
  double both = 0;
  double Precision() const { return both / predicted; }
  double Recall() const { return both / truth; }
  double F1() const {
    return 2 * Precision() * Recall() / (Precision() + Recall());
  }
};

// Pairwise counts from two labelings of the same records: pairs sharing
// an entity, pairs sharing a true person, and pairs sharing both.
template <typename Truth>
PairCounts CountPairs(const std::vector<uint32_t>& entity,
                      const std::vector<Truth>& truth) {
  std::map<uint32_t, std::vector<size_t>> by_entity;
  std::map<Truth, double> per_person;
  std::map<std::pair<uint32_t, Truth>, double> per_both;
  for (size_t r = 0; r < entity.size(); ++r) {
    ++per_person[truth[r]];
    ++per_both[{entity[r], truth[r]}];
    by_entity[entity[r]].push_back(r);
  }
  PairCounts counts;
  for (const auto& [e, members] : by_entity) {
    const auto n = static_cast<double>(members.size());
    counts.predicted += n * (n - 1) / 2;
  }
  for (const auto& [p, n] : per_person) counts.truth += n * (n - 1) / 2;
  for (const auto& [key, n] : per_both) counts.both += n * (n - 1) / 2;
  return counts;
}

Scenario MakeScenario(NoiseLevel noise, uint64_t seed) {
  SynthOptions options;
  options.people = 3000;
  options.sources = 4;
  options.noise = noise;
  options.seed = seed;
  absl::StatusOr<Scenario> scenario = GenerateScenario(options);
  EXPECT_TRUE(scenario.ok()) << scenario.status();
  return *std::move(scenario);
}

struct Linked {
  LinkResult result;
  std::vector<int64_t> person;
};

Linked LinkScenario(const Scenario& scenario, const Linker& linker) {
  std::vector<Record> records;
  Linked linked;
  for (const SynthRecord& record : scenario.records) {
    records.push_back(record.record);
    linked.person.push_back(record.person);
  }
  absl::StatusOr<LinkResult> result = linker.Link(records, scenario.sources, {});
  EXPECT_TRUE(result.ok()) << result.status();
  linked.result = *std::move(result);
  return linked;
}

TEST(LinkerTest, LinksAMediumNoiseMultiScriptScenarioWell) {
  const Scenario scenario = MakeScenario(NoiseLevel::kMedium, 101);
  auto linker = Linker::Create(DefaultLinkerConfig());
  ASSERT_TRUE(linker.ok()) << linker.status();
  const Linked linked = LinkScenario(scenario, **linker);
  const PairCounts counts = CountPairs(linked.result.entity, linked.person);
  EXPECT_GT(counts.Precision(), 0.95);
  EXPECT_GT(counts.Recall(), 0.93);
  EXPECT_GT(counts.F1(), 0.95);
}

TEST(LinkerTest, ResultsDoNotDependOnTheThreadCount) {
  const Scenario scenario = MakeScenario(NoiseLevel::kHigh, 7);
  auto linker = Linker::Create(DefaultLinkerConfig());
  ASSERT_TRUE(linker.ok());
  Linked serial;
  tbb::task_arena one_thread(1);
  one_thread.execute([&] { serial = LinkScenario(scenario, **linker); });
  const Linked parallel = LinkScenario(scenario, **linker);
  EXPECT_EQ(serial.result.entity, parallel.result.entity);
  EXPECT_EQ(serial.result.candidate_pairs, parallel.result.candidate_pairs);
  ASSERT_EQ(serial.result.pairs.size(), parallel.result.pairs.size());
  for (size_t i = 0; i < serial.result.pairs.size(); ++i) {
    EXPECT_EQ(serial.result.pairs[i].weight, parallel.result.pairs[i].weight);
  }
}

TEST(LinkerTest, ExplainAgreesWithTheScoredPairs) {
  const Scenario scenario = MakeScenario(NoiseLevel::kLow, 3);
  auto linker = Linker::Create(DefaultLinkerConfig());
  ASSERT_TRUE(linker.ok());
  const Linked linked = LinkScenario(scenario, **linker);
  ASSERT_FALSE(linked.result.pairs.empty());
  for (size_t i = 0; i < linked.result.pairs.size(); i += 97) {
    const ScoredPair& pair = linked.result.pairs[i];
    const PairExplanation explanation =
        (*linker)->Explain(linked.result, pair.a, pair.b);
    EXPECT_NEAR(explanation.weight, pair.weight, 1e-9);
    EXPECT_NEAR(explanation.probability, pair.probability, 1e-12);
    EXPECT_FALSE(explanation.shared_keys.empty());  // they met in a block
    // The fields' weights and the prior of the two sources make the whole.
    double running = explanation.source_pair_prior;
    for (const FieldExplanation& field : explanation.fields) {
      running += field.weight;
    }
    EXPECT_NEAR(running, explanation.weight, 1e-9);
  }
}

Record Person(const std::string& id, const std::string& given,
              const std::string& surname, const std::string& birth_date,
              const std::string& nationality) {
  Record record;
  record.source = "extra";
  record.source_record_id = id;
  record.Set(Field::kGivenName, given);
  record.Set(Field::kSurname, surname);
  record.Set(Field::kBirthDate, birth_date);
  record.Set(Field::kNationality, nationality);
  return record;
}

const FieldExplanation& FieldOf(const PairExplanation& explanation,
                                const std::string& name) {
  for (const FieldExplanation& field : explanation.fields) {
    if (field.comparison == name) return field;
  }
  ADD_FAILURE() << "no comparison " << name;
  return explanation.fields.front();
}

// Links `scenario`'s records followed by `extra` (source "extra"); the
// records go to `records`, the index of the first extra one to `first`.
absl::StatusOr<LinkResult> LinkWithExtra(const Scenario& scenario,
                                         const std::vector<Record>& extra,
                                         const Linker& linker,
                                         std::vector<Record>* records,
                                         uint32_t* first) {
  for (const SynthRecord& record : scenario.records) {
    records->push_back(record.record);
  }
  *first = static_cast<uint32_t>(records->size());
  records->insert(records->end(), extra.begin(), extra.end());
  std::vector<std::string> sources = scenario.sources;
  sources.push_back("extra");
  return linker.Link(*records, sources, {});
}

TEST(LinkerTest, SwappedGivenNameAndSurnameAreComparedCrosswise) {
  const std::vector<Record> extra = {
      Person("a", "Igor", "Popov", "1968-01-06", "RUS"),
      // The surname written first, the given name in Azerbaijani spelling.
      Person("b", "Popov", "Iqor", "1968-01", "RUS"),
      // Same surname in both fields: swapping explains nothing better.
      Person("c", "Popov", "Popov", "1968-01-06", "RUS")};
  auto linker = Linker::Create(DefaultLinkerConfig());
  ASSERT_TRUE(linker.ok());
  uint32_t first = 0;
  std::vector<Record> records;
  absl::StatusOr<LinkResult> result =
      LinkWithExtra(MakeScenario(NoiseLevel::kLow, 11), extra, **linker,
                    &records, &first);
  ASSERT_TRUE(result.ok()) << result.status();

  const PairExplanation swapped = (*linker)->Explain(*result, first, first + 1);
  // popov against popov: exact, counted as close because it is crossed.
  EXPECT_EQ(FieldOf(swapped, "surname").level_name, "close");
  // igor against iqor: Jaro-Winkler 0.85, between 0.80 and 0.92.
  EXPECT_EQ(FieldOf(swapped, "given_name").level_name, "similar");

  const PairExplanation straight = (*linker)->Explain(*result, first, first + 2);
  EXPECT_EQ(FieldOf(straight, "surname").level_name, "exact");
  EXPECT_EQ(FieldOf(straight, "given_name").level_name, "different");
}

TEST(LinkerTest, ExplainListsAFallbackKeyOnlyWhereItPairs) {
  // The default config's name_code_pair_no_birth_date pairs records of
  // which one lacks a birth date; two dated namesakes share its value but
  // were never paired through it.
  const std::vector<Record> extra = {
      Person("a", "Tamar", "Zhordania", "1971-04-09", "GEO"),
      Person("b", "Tamar", "Zhordania", "1971-04-09", "GEO"),
      Person("c", "Tamar", "Zhordania", "", "GEO"),
  };
  auto linker = Linker::Create(DefaultLinkerConfig());
  ASSERT_TRUE(linker.ok());
  uint32_t first = 0;
  std::vector<Record> records;
  absl::StatusOr<LinkResult> result = LinkWithExtra(
      MakeScenario(NoiseLevel::kLow, 17), extra, **linker, &records, &first);
  ASSERT_TRUE(result.ok()) << result.status();
  auto key_names = [&](uint32_t a, uint32_t b) {
    std::vector<std::string> names;
    for (const auto& [key, value] : (*linker)->Explain(*result, a, b).shared_keys) {
      names.push_back(key);
    }
    return names;
  };
  const std::vector<std::string> dated = key_names(first, first + 1);
  EXPECT_THAT(dated, Not(Contains("name_code_pair_no_birth_date")));
  EXPECT_THAT(dated, Contains("name_code_birth_date"));
  EXPECT_THAT(key_names(first, first + 2),
              Contains("name_code_pair_no_birth_date"));
}

TEST(LinkerTest, NameFrequenciesAreTakenWithinTheSharedNationality) {
  // "Kowalski" is rare overall but half of this made-up nationality's
  // records: between two of them, agreeing on it proves less.
  std::vector<Record> extra;
  for (int i = 0; i < 10; ++i) {
    extra.push_back(Person(absl::StrCat("p", i), absl::StrCat("Given", i),
                           i < 5 ? "Kowalski" : absl::StrCat("Nowak", i),
                           "1970-01-01", "POL"));
  }
  extra.push_back(Person("x", "Anna", "Kowalski", "1975-05-05", "DEU"));
  auto linker = Linker::Create(DefaultLinkerConfig());
  ASSERT_TRUE(linker.ok());
  uint32_t first = 0;
  std::vector<Record> records;
  absl::StatusOr<LinkResult> result =
      LinkWithExtra(MakeScenario(NoiseLevel::kLow, 13), extra, **linker,
                    &records, &first);
  ASSERT_TRUE(result.ok()) << result.status();
  const size_t surname = 0;
  ASSERT_EQ(result->comparators[surname]->name(), "surname");
  const ComparisonModel& model = result->model.comparisons[surname];
  const double u_exact = model.u_random[0];
  // Between records of one nationality the adjustment is taken against the
  // chance that two of them agree, which the level's weight uses too.
  ASSERT_EQ(model.u_same_group.size(), model.u_random.size());
  ASSERT_GE(result->model.group_comparison, 0);
  EXPECT_EQ(result->comparators[static_cast<size_t>(
                                    result->model.group_comparison)]
                ->name(),
            "nationality");
  const double u_exact_same = model.u_same_group[0];
  // Kowalski is held by 6 of all records with a surname (the scenario has
  // none), and by 5 of the 10 Polish ones; the Polish share is smoothed
  // with 20 pseudo-records at the global share.
  double with_surname = 0;
  for (uint32_t r = 0; r < records.size(); ++r) {
    if (!records[r].Get(Field::kSurname).empty()) ++with_surname;
  }
  const double global = 6.0 / with_surname;
  const double polish = (5.0 + 20.0 * global) / (10.0 + 20.0);
  // Two Poles.
  EXPECT_NEAR(TermFrequencyAdjustment(*result, surname, first, first + 1),
              std::clamp(std::log2(u_exact_same / polish), -6.0, 6.0), 1e-9);
  // A Pole and a German: the global share.
  EXPECT_NEAR(TermFrequencyAdjustment(*result, surname, first, first + 10),
              std::clamp(std::log2(u_exact / global), -6.0, 6.0), 1e-9);
  // So their exact agreement weighs log2(m / Polish share) in all: the
  // shared nationality is not counted a second time through u.
  const PairExplanation poles = (*linker)->Explain(*result, first, first + 1);
  EXPECT_EQ(poles.fields[surname].level, 0);
  EXPECT_NEAR(poles.fields[surname].weight, std::log2(model.m[0] / polish),
              1e-9);
}

TEST(LinkerTest, SourcePairPriorsTellDuplicatesFromOverlap) {
  // Synthetic registers hold a few duplicates each but overlap each other
  // heavily: a random pair within one register is far less likely a match
  // than a random pair across two.
  auto linker = Linker::Create(DefaultLinkerConfig());
  ASSERT_TRUE(linker.ok());
  const Linked linked = LinkScenario(MakeScenario(NoiseLevel::kLow, 23), **linker);
  const LinkResult& result = linked.result;
  const size_t n = result.prepared->source_names.size();
  ASSERT_GE(n, 2u);
  ASSERT_EQ(result.source_pair_prior.size(), n * n);
  for (size_t x = 0; x < n; ++x) {
    for (size_t y = 0; y < n; ++y) {
      EXPECT_EQ(result.source_pair_prior[x * n + y],
                result.source_pair_prior[y * n + x]);
      if (x != y) {
        EXPECT_LT(result.source_pair_prior[x * n + x] + 1.0,
                  result.source_pair_prior[x * n + y])
            << result.prepared->source_names[x] << " and "
            << result.prepared->source_names[y];
      }
    }
  }
  // Each scored pair carries its sources' prior, as Explain shows it.
  for (size_t i = 0; i < result.pairs.size(); i += 211) {
    const ScoredPair& pair = result.pairs[i];
    const PairExplanation explanation = (*linker)->Explain(result, pair.a, pair.b);
    EXPECT_EQ(explanation.source_pair_prior,
              SourcePairPrior(result, pair.a, pair.b));
    EXPECT_NEAR(explanation.weight, pair.weight, 1e-9);
  }

  LinkerConfig off = DefaultLinkerConfig();
  off.source_pair_priors = false;
  auto plain = Linker::Create(off);
  ASSERT_TRUE(plain.ok());
  const Linked unadjusted = LinkScenario(MakeScenario(NoiseLevel::kLow, 23), **plain);
  EXPECT_TRUE(unadjusted.result.source_pair_prior.empty());
  EXPECT_EQ(SourcePairPrior(unadjusted.result, 0, 1), 0.0);
}

TEST(LinkerTest, OneBridgingRecordDoesNotJoinTwoPeople) {
  // Emre and Hasan Ozdemir share a birthday; each has three records with
  // his own passport. X is Hasan's name with Emre's passport: it links to
  // both, but Emre's and Hasan's own records disagree on the given name
  // and the passport, so their clusters must stay apart.
  auto with_passport = [](Record record, const std::string& passport) {
    record.Set(Field::kPassportNo, passport);
    return record;
  };
  std::vector<Record> extra;
  for (int i = 0; i < 3; ++i) {
    extra.push_back(with_passport(
        Person(absl::StrCat("emre", i), "Emre", "Ozdemir", "1979-07-12", "TUR"),
        "U68591793"));
  }
  for (int i = 0; i < 3; ++i) {
    extra.push_back(with_passport(
        Person(absl::StrCat("hasan", i), "Hasan", "Ozdemir", "1979-07-12", "TUR"),
        "U20098487"));
  }
  extra.push_back(with_passport(
      Person("x", "Hasan", "Ozdemir", "1979-07-12", "TUR"), "U68591793"));
  auto entities = [&](const LinkerConfig& config) {
    auto linker = Linker::Create(config);
    EXPECT_TRUE(linker.ok());
    uint32_t first = 0;
    std::vector<Record> records;
    absl::StatusOr<LinkResult> result = LinkWithExtra(
        MakeScenario(NoiseLevel::kLow, 29), extra, **linker, &records, &first);
    EXPECT_TRUE(result.ok()) << result.status();
    return std::vector<uint32_t>(result->entity.begin() + first,
                                 result->entity.end());
  };
  const std::vector<uint32_t> guarded = entities(DefaultLinkerConfig());
  EXPECT_EQ(guarded[0], guarded[1]);
  EXPECT_EQ(guarded[0], guarded[2]);
  EXPECT_EQ(guarded[3], guarded[4]);
  EXPECT_EQ(guarded[3], guarded[5]);
  EXPECT_NE(guarded[0], guarded[3]);
  // Without the average-linkage guard the bridge joins them (the weakest
  // cross pair is still above min_cross_pair_probability).
  LinkerConfig unguarded = DefaultLinkerConfig();
  unguarded.min_mean_cross_pair_probability = 0.0;
  const std::vector<uint32_t> chained = entities(unguarded);
  EXPECT_EQ(chained[0], chained[3]);
  EXPECT_EQ(chained[0], chained[6]);
}

TEST(LinkerTest, NamesAgreeMoreOftenWithinANationalityThanAcrossAll) {
  // Synthetic names are drawn per culture, as real ones are: two random
  // records of one nationality agree on a surname far more often than two
  // random records.
  auto linker = Linker::Create(DefaultLinkerConfig());
  ASSERT_TRUE(linker.ok());
  const Linked linked = LinkScenario(MakeScenario(NoiseLevel::kLow, 21), **linker);
  const ComparisonModel& surname = linked.result.model.comparisons[0];
  ASSERT_EQ(surname.name, "surname");
  ASSERT_FALSE(surname.u_same_group.empty());
  EXPECT_GT(surname.u_same_group[0], 2.0 * surname.u_random[0]);
  // Only name comparisons are conditioned on the nationality.
  for (const ComparisonModel& comparison : linked.result.model.comparisons) {
    if (comparison.name == "birth_date" || comparison.name == "sex") {
      EXPECT_TRUE(comparison.u_same_group.empty()) << comparison.name;
    }
  }
}

TEST(LinkerTest, EveryRecordGetsAnEntityAndEntityInfoIsSettled) {
  const Scenario scenario = MakeScenario(NoiseLevel::kLow, 5);
  auto linker = Linker::Create(DefaultLinkerConfig());
  ASSERT_TRUE(linker.ok());
  const Linked linked = LinkScenario(scenario, **linker);
  ASSERT_EQ(linked.result.entity.size(), scenario.records.size());
  ASSERT_EQ(linked.result.entity_info.size(), linked.result.clustering.entities);
  size_t with_nationality = 0;
  for (const EntityInfo& info : linked.result.entity_info) {
    if (info.nationality.size() == 3) ++with_nationality;
  }
  // Every synthetic record names a nationality the parser knows.
  EXPECT_EQ(with_nationality, linked.result.entity_info.size());
}

TEST(LinkerTest, CreateRejectsABadConfigAndNamesIt) {
  LinkerConfig config = DefaultLinkerConfig();
  config.comparisons.push_back(config.comparisons[0]);
  EXPECT_THAT(Linker::Create(config),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("comparison \"surname\" appears twice")));
}

TEST(LinkerTest, NoCandidatePairsIsAFailedPrecondition) {
  auto linker = Linker::Create(DefaultLinkerConfig());
  ASSERT_TRUE(linker.ok());
  std::vector<Record> records(2);
  records[0].source = "a";
  records[0].source_record_id = "1";
  records[0].Set(Field::kSurname, "Aliyev");
  records[1].source = "a";
  records[1].source_record_id = "2";
  records[1].Set(Field::kSurname, "Zhang");
  EXPECT_THAT((*linker)->Link(records, {"a"}, {}),
              StatusIs(absl::StatusCode::kFailedPrecondition,
                       HasSubstr("no candidate pairs")));
}

// The FEBRL files: the truth is in rec_id ("rec-<N>-org", "rec-<N>-dup-<k>").
TEST(LinkerTest, FebrlDedupeReachesPublishedQuality) {
  LinkerConfig config = DefaultLinkerConfig();
  config.mode = LinkMode::kDedupeOnly;
  auto name = [](Field field, ComparatorKind kind) {
    ComparisonSpec spec;
    spec.name = std::string(FieldName(field));
    spec.field = FieldRef::Of(field);
    spec.kind = kind;
    spec.term_frequency_adjust = kind == ComparatorKind::kName;
    return spec;
  };
  auto column = [](const std::string& name_of_column, ComparatorKind kind,
                   int edits) {
    ComparisonSpec spec;
    spec.name = name_of_column;
    spec.field = FieldRef::Column(name_of_column);
    spec.kind = kind;
    spec.max_edits = edits;
    return spec;
  };
  config.comparisons = {
      name(Field::kGivenName, ComparatorKind::kName),
      name(Field::kSurname, ComparatorKind::kName),
      column("street_number", ComparatorKind::kString, 1),
      column("address_1", ComparatorKind::kString, 3),
      column("suburb", ComparatorKind::kString, 2),
      column("postcode", ComparatorKind::kString, 1),
      column("state", ComparatorKind::kExact, 1),
      name(Field::kBirthDate, ComparatorKind::kDate),
      column("soc_sec_id", ComparatorKind::kString, 2)};
  config.blocking_keys = {
      {"given", {{FieldRef::Of(Field::kGivenName), KeyTransform::kPhonetic}}},
      {"surname", {{FieldRef::Of(Field::kSurname), KeyTransform::kPhonetic}}},
      {"postcode", {{FieldRef::Column("postcode"), KeyTransform::kExact}}},
      {"birth_date", {{FieldRef::Of(Field::kBirthDate), KeyTransform::kExact}}},
      {"ssid", {{FieldRef::Column("soc_sec_id"), KeyTransform::kExact}}}};
  auto linker = Linker::Create(config);
  ASSERT_TRUE(linker.ok()) << linker.status();

  RecordReaderOptions options;
  options.csv.trim = true;
  options.column_map = {
      {"rec_id", {ColumnTarget::Kind::kRecordId, Field::kGivenName}},
      {"date_of_birth", {ColumnTarget::Kind::kField, Field::kBirthDate}}};
  for (const char* file : {"febrl1.csv", "febrl3.csv"}) {
    std::ifstream in(std::string(RECKON_SOURCE_DIR) + "/tests/data/febrl/" + file);
    ASSERT_TRUE(in) << file;
    auto read = ReadAllRecords(in, file, "febrl", options);
    ASSERT_TRUE(read.ok()) << read.status();
    EXPECT_EQ(read->rows_rejected, 0);
    std::vector<std::string> truth;
    const std::regex id("rec-(\\d+)-.*");
    for (const Record& record : read->records) {
      std::smatch match;
      ASSERT_TRUE(std::regex_match(record.source_record_id, match, id));
      truth.push_back(match[1]);
    }
    auto result = (*linker)->Link(read->records, {"febrl"}, {});
    ASSERT_TRUE(result.ok()) << result.status();
    const PairCounts counts = CountPairs(result->entity, truth);
    // Published unsupervised Fellegi-Sunter results on these files are
    // around 0.9 to 0.99 F1; reckon measures above 0.99 (bench/RESULTS.md).
    EXPECT_GT(counts.F1(), 0.99) << file;
  }
}

}  // namespace
}  // namespace reckon

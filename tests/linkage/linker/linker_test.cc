// End-to-end behaviour of the Linker on realistic inputs: a generated
// multi-register scenario (linkage/synth) and the FEBRL benchmark files.
// Quality floors are set below what the linker measures (see
// bench/RESULTS.md) so that they catch regressions, not noise.
#include "linkage/linker/linker.h"

#include <cstdint>
#include <fstream>
#include <map>
#include <regex>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "linkage/ingest/record_reader.h"
#include "linkage/synth/scenario.h"
#include "tbb/task_arena.h"
#include "tests/testing/status_matchers.h"

namespace reckon {
namespace {

using ::reckon_testing::StatusIs;
using ::testing::HasSubstr;

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
    double running = 0.0;
    for (const FieldExplanation& field : explanation.fields) {
      running += field.weight;
    }
    EXPECT_NEAR(running, explanation.weight, 1e-9);
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

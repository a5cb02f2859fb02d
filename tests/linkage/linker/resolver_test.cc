// The Resolver against independent references: candidates found by brute
// force over every record's blocking keys (RecordKeys), and weights from
// Linker::Explain on the joint link.
#include "linkage/linker/resolver.h"

#include <algorithm>
#include <map>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "linkage/linker/keys.h"
#include "linkage/synth/scenario.h"
#include "tests/testing/status_matchers.h"

namespace reckon {
namespace {

using ::reckon_testing::IsOk;

struct Fixture {
  std::vector<Record> records;
  std::vector<int64_t> person;
  std::vector<std::string> sources;
};

Fixture MakeRecords(int people, NoiseLevel noise, uint64_t seed) {
  SynthOptions options;
  options.people = people;
  options.sources = 4;
  options.noise = noise;
  options.seed = seed;
  absl::StatusOr<Scenario> scenario = GenerateScenario(options);
  EXPECT_TRUE(scenario.ok()) << scenario.status();
  Fixture fixture;
  fixture.sources = scenario->sources;
  for (const SynthRecord& record : scenario->records) {
    fixture.records.push_back(record.record);
    fixture.person.push_back(record.person);
  }
  return fixture;
}

struct Built {
  std::unique_ptr<Linker> linker;
  std::unique_ptr<Resolver> resolver;
};

Built Build(const LinkerConfig& config, const std::vector<Record>& records,
            const std::vector<std::string>& sources) {
  Built built;
  absl::StatusOr<std::unique_ptr<Linker>> linker = Linker::Create(config);
  EXPECT_THAT(linker, IsOk());
  built.linker = *std::move(linker);
  absl::StatusOr<LinkResult> result = built.linker->Link(records, sources, {});
  EXPECT_THAT(result, IsOk());
  absl::StatusOr<std::unique_ptr<Resolver>> resolver =
      Resolver::Create(*built.linker, *std::move(result), {});
  EXPECT_THAT(resolver, IsOk());
  built.resolver = *std::move(resolver);
  return built;
}

TEST(ResolverTest, FindsTheBlockedCandidatesAndScoresThemAsTheLinkerDoes) {
  const Fixture fixture = MakeRecords(1200, NoiseLevel::kMedium, 17);
  LinkerConfig config = DefaultLinkerConfig();
  config.max_block_size = 25;  // small enough that the cap matters
  Built built = Build(config, fixture.records, fixture.sources);
  const Resolver& resolver = *built.resolver;
  const LinkResult& result = resolver.result();
  const size_t n = fixture.records.size();

  // Reference blocking: every record's keys as text, and how many records
  // hold each; a probe meets a record through a shared key whose block,
  // with the probe, stays within the cap.
  std::vector<std::vector<std::pair<std::string, std::string>>> keys(n);
  std::map<std::pair<std::string, std::string>, std::set<uint32_t>> holders;
  for (uint32_t r = 0; r < n; ++r) {
    keys[r] = RecordKeys(*result.prepared, r, config);
    for (const auto& key : keys[r]) holders[key].insert(r);
  }
  int probes = 0;
  for (uint32_t r = 0; r < n; r += 29, ++probes) {
    std::set<uint32_t> expected_records;
    for (const auto& key : keys[r]) {
      const std::set<uint32_t>& block = holders[key];
      if (block.size() + 1 > config.max_block_size) continue;
      expected_records.insert(block.begin(), block.end());
    }
    // Best weight per entity by the linker's own Explain.
    std::map<uint32_t, double> expected;
    for (uint32_t b : expected_records) {
      const double weight = built.linker->Explain(result, r, b).weight;
      auto [it, inserted] = expected.try_emplace(result.entity[b], weight);
      if (!inserted) it->second = std::max(it->second, weight);
    }
    absl::StatusOr<std::vector<EntityCandidate>> got = resolver.Resolve(
        fixture.records[r], {.max_candidates = 0, .min_probability = 0.0}, {});
    ASSERT_THAT(got, IsOk());
    ASSERT_EQ(got->size(), expected.size()) << "probe " << r;
    for (size_t i = 0; i < got->size(); ++i) {
      const EntityCandidate& candidate = (*got)[i];
      ASSERT_TRUE(expected.contains(candidate.entity));
      EXPECT_NEAR(candidate.weight, expected[candidate.entity], 1e-9);
      EXPECT_NEAR(candidate.probability,
                  result.model.MatchProbability(candidate.weight), 1e-12);
      EXPECT_EQ(result.entity[candidate.best_record], candidate.entity);
      if (i > 0) {
        EXPECT_LE(candidate.weight, (*got)[i - 1].weight);
      }
      double fields = 0.0;
      for (const FieldExplanation& field : candidate.fields) {
        fields += field.weight;
      }
      EXPECT_NEAR(fields, candidate.weight, 1e-9);
    }
    // The probe is a copy of record r: r's own entity comes first.
    ASSERT_FALSE(got->empty());
    EXPECT_EQ(got->front().entity, result.entity[r]);
  }
  EXPECT_GT(probes, 50);
}

TEST(ResolverTest, LimitsAndFiltersCandidates) {
  const Fixture fixture = MakeRecords(600, NoiseLevel::kLow, 5);
  Built built = Build(DefaultLinkerConfig(), fixture.records, fixture.sources);
  const Record& probe = fixture.records[10];
  auto all = built.resolver->Resolve(probe, {.max_candidates = 0}, {});
  ASSERT_THAT(all, IsOk());
  auto two = built.resolver->Resolve(probe, {.max_candidates = 1}, {});
  ASSERT_THAT(two, IsOk());
  ASSERT_EQ(two->size(), 1u);
  EXPECT_EQ(two->front().entity, all->front().entity);
  auto likely = built.resolver->Resolve(
      probe, {.max_candidates = 0, .min_probability = 0.5}, {});
  ASSERT_THAT(likely, IsOk());
  for (const EntityCandidate& candidate : *likely) {
    EXPECT_GE(candidate.probability, 0.5);
  }
  size_t above = 0;
  for (const EntityCandidate& candidate : *all) {
    above += candidate.probability >= 0.5 ? 1 : 0;
  }
  EXPECT_EQ(likely->size(), above);

  // Nobody shares a key with a person no register holds.
  Record stranger;
  stranger.source = "probe";
  stranger.source_record_id = "x";
  stranger.Set(Field::kGivenName, "Qwzrtxq");
  stranger.Set(Field::kSurname, "Vlkjhgrt");
  stranger.Set(Field::kBirthDate, "1901-01-01");
  auto none = built.resolver->Resolve(stranger, {}, {});
  ASSERT_THAT(none, IsOk());
  EXPECT_TRUE(none->empty());
}

TEST(ResolverTest, LinkOnlyModeKeepsAProbeAwayFromItsOwnSource) {
  const Fixture fixture = MakeRecords(600, NoiseLevel::kLow, 8);
  LinkerConfig config = DefaultLinkerConfig();
  config.mode = LinkMode::kLinkOnly;
  Built built = Build(config, fixture.records, fixture.sources);
  const PreparedRecords& prepared = *built.resolver->result().prepared;
  for (uint32_t r = 0; r < fixture.records.size(); r += 41) {
    auto got = built.resolver->Resolve(fixture.records[r],
                                       {.max_candidates = 0}, {});
    ASSERT_THAT(got, IsOk());
    for (const EntityCandidate& candidate : *got) {
      EXPECT_NE(prepared.source[candidate.best_record], prepared.source[r]);
    }
  }
}

TEST(ResolverTest, AddedRecordsJoinTheirPeopleAndAreFoundAfterwards) {
  const Fixture fixture = MakeRecords(1500, NoiseLevel::kLow, 23);
  // Link the first 80% of the records, add the rest in two batches.
  const size_t n = fixture.records.size();
  const size_t linked = n * 8 / 10;
  const size_t middle = linked + (n - linked) / 2;
  std::vector<Record> base(fixture.records.begin(),
                           fixture.records.begin() + static_cast<long>(linked));
  Built built = Build(DefaultLinkerConfig(), base, fixture.sources);
  Resolver& resolver = *built.resolver;
  const size_t entities_before = resolver.num_entities();
  for (auto [from, to] : {std::pair{linked, middle}, std::pair{middle, n}}) {
    std::vector<Record> batch(fixture.records.begin() + static_cast<long>(from),
                              fixture.records.begin() + static_cast<long>(to));
    absl::StatusOr<AddReport> report = resolver.Add(batch, {});
    ASSERT_THAT(report, IsOk());
    ASSERT_EQ(report->records.size(), batch.size());
    EXPECT_EQ(report->records.front(), from);
  }
  ASSERT_EQ(resolver.num_records(), n);
  EXPECT_EQ(resolver.num_linked_records(), linked);

  // Judge the added records against the truth: one that shares an entity
  // with some record should share it with the same person, and one whose
  // person has earlier records should mostly be found with them.
  size_t with_company = 0, right_company = 0, findable = 0, found = 0;
  for (size_t x = linked; x < n; ++x) {
    bool any = false, right = true, person_earlier = false, joined = false;
    for (size_t y = 0; y < x; ++y) {
      const bool same_entity = resolver.entity(static_cast<uint32_t>(x)) ==
                               resolver.entity(static_cast<uint32_t>(y));
      const bool same_person = fixture.person[x] == fixture.person[y];
      if (same_entity) {
        any = true;
        right = right && same_person;
      }
      person_earlier = person_earlier || same_person;
      joined = joined || (same_entity && same_person);
    }
    with_company += any ? 1 : 0;
    right_company += (any && right) ? 1 : 0;
    findable += person_earlier ? 1 : 0;
    found += joined ? 1 : 0;
  }
  ASSERT_GT(with_company, 50u);
  EXPECT_GT(static_cast<double>(right_company) / with_company, 0.95);
  EXPECT_GT(static_cast<double>(found) / findable, 0.85);
  EXPECT_GT(resolver.num_entities(), entities_before);

  // An added record is now resolvable, and first of all to itself.
  for (size_t x = linked; x < n; x += 37) {
    auto got = resolver.Resolve(fixture.records[x], {.max_candidates = 3}, {});
    ASSERT_THAT(got, IsOk());
    ASSERT_FALSE(got->empty());
    EXPECT_EQ(got->front().entity, resolver.entity(static_cast<uint32_t>(x)));
    // Explain through the scratch path agrees with Resolve's scores.
    for (const EntityCandidate& candidate : *got) {
      const PairExplanation explanation =
          resolver.Explain(static_cast<uint32_t>(x), candidate.best_record);
      EXPECT_NEAR(explanation.weight, candidate.weight, 1e-9);
      ASSERT_EQ(explanation.fields.size(), candidate.fields.size());
      for (size_t f = 0; f < explanation.fields.size(); ++f) {
        EXPECT_EQ(explanation.fields[f].level, candidate.fields[f].level);
      }
    }
  }
}

TEST(ResolverTest, RecordsOfANewPersonInOneBatchShareANewEntity) {
  const Fixture fixture = MakeRecords(400, NoiseLevel::kLow, 2);
  Built built = Build(DefaultLinkerConfig(), fixture.records, fixture.sources);
  Record a;
  a.source = fixture.sources[0];
  a.source_record_id = "new-1";
  a.Set(Field::kGivenName, "Zhanargul");
  a.Set(Field::kSurname, "Tokhtarbekova");
  a.Set(Field::kBirthDate, "1977-06-14");
  a.Set(Field::kSex, "F");
  a.Set(Field::kNationality, "KAZ");
  a.Set(Field::kPassportNo, "N9912345");
  Record b = a;
  b.source = fixture.sources[1];
  b.source_record_id = "new-2";
  b.Set(Field::kBirthDate, "14.06.1977");
  const size_t before = built.resolver->num_entities();
  auto report = built.resolver->Add({a, b}, {});
  ASSERT_THAT(report, IsOk());
  EXPECT_EQ(report->new_entities, 1u);
  EXPECT_EQ(report->entities[0], report->entities[1]);
  EXPECT_EQ(report->entities[0], before);
  EXPECT_EQ(built.resolver->num_entities(), before + 1);
}

}  // namespace
}  // namespace reckon

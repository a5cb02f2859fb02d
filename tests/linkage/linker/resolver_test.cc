// The Resolver against independent references: candidates found by brute
// force over every record's blocking keys (RecordKeys), and weights from
// Linker::Explain on the joint link.
#include "linkage/linker/resolver.h"

#include <algorithm>
#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "linkage/linker/keys.h"
#include "linkage/synth/scenario.h"
#include "tbb/task_arena.h"
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

// The block cap of the key named `name` (LinkerConfig::MaxBlockSize).
size_t CapOf(const LinkerConfig& config, const std::string& name) {
  for (size_t k = 0; k < config.blocking_keys.size(); ++k) {
    if (config.blocking_keys[k].name == name) return config.MaxBlockSize(k);
  }
  ADD_FAILURE() << "no key " << name;
  return 0;
}

// Whether records `a` and `b` of `prepared` may meet through the key named
// `name`: through a candidate key always; through a fallback key
// (BlockingKeySpec::when_missing) only when one of them lacks its field, as
// the linker pairs them.
bool MayMeet(const LinkerConfig& config, const std::string& name,
             const PreparedRecords& prepared, uint32_t a, uint32_t b) {
  for (const BlockingKeySpec& key : config.blocking_keys) {
    if (key.name != name) continue;
    if (!key.when_missing.has_value()) return true;
    return prepared.Value(*key.when_missing, a).empty() ||
           prepared.Value(*key.when_missing, b).empty();
  }
  ADD_FAILURE() << "no key " << name;
  return false;
}

// Clears the birth date of every `every`-th record, so that the fallback
// key for records without one (name_code_pair_no_birth_date) has work.
void DropBirthDates(Fixture* fixture, size_t every) {
  for (size_t r = 3; r < fixture->records.size(); r += every) {
    fixture->records[r].Set(Field::kBirthDate, "");
  }
}

struct Built {
  std::unique_ptr<Linker> linker;
  std::unique_ptr<Resolver> resolver;
};

Built Build(const LinkerConfig& config, const std::vector<Record>& records,
            const std::vector<std::string>& sources,
            const ResolverOptions& options = ResolverOptions()) {
  Built built;
  absl::StatusOr<std::unique_ptr<Linker>> linker = Linker::Create(config);
  EXPECT_THAT(linker, IsOk());
  built.linker = *std::move(linker);
  absl::StatusOr<LinkResult> result = built.linker->Link(records, sources, {});
  EXPECT_THAT(result, IsOk());
  absl::StatusOr<std::unique_ptr<Resolver>> resolver =
      Resolver::Create(*built.linker, *std::move(result), {}, options);
  EXPECT_THAT(resolver, IsOk());
  built.resolver = *std::move(resolver);
  return built;
}

TEST(ResolverTest, FindsTheBlockedCandidatesAndScoresThemAsTheLinkerDoes) {
  Fixture fixture = MakeRecords(1200, NoiseLevel::kMedium, 17);
  DropBirthDates(&fixture, 7);
  LinkerConfig config = DefaultLinkerConfig();
  config.max_block_size = 25;  // small enough that the cap matters
  // Every record met is compared (ComparesTheRecordsSharingMostKeys tests
  // the bound).
  Built built = Build(config, fixture.records, fixture.sources,
                      {.max_records_per_probe = 0});
  const Resolver& resolver = *built.resolver;
  const LinkResult& result = resolver.result();
  const size_t n = fixture.records.size();

  // Reference blocking: every record's keys as text, and how many records
  // hold each; a probe meets a record through a shared key whose block,
  // with the probe, stays within the cap (and, for a fallback key, when
  // one of the two lacks the field).
  std::vector<std::vector<std::pair<std::string, std::string>>> keys(n);
  std::map<std::pair<std::string, std::string>, std::set<uint32_t>> holders;
  for (uint32_t r = 0; r < n; ++r) {
    for (const auto& key : RecordKeys(*result.prepared, r, config)) {
      keys[r].push_back(key);
      holders[key].insert(r);
    }
  }
  int probes = 0;
  int through_fallback = 0;
  for (uint32_t r = 0; r < n; r += 29, ++probes) {
    std::set<uint32_t> expected_records;
    for (const auto& key : keys[r]) {
      const std::set<uint32_t>& block = holders[key];
      if (block.size() + 1 > CapOf(config, key.first)) continue;
      for (uint32_t b : block) {
        if (MayMeet(config, key.first, *result.prepared, r, b)) {
          expected_records.insert(b);
        }
      }
    }
    if (result.prepared->birth_date[r].empty() && expected_records.size() > 1) {
      ++through_fallback;
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
      double fields = candidate.source_pair_prior;
      for (const FieldExplanation& field : candidate.fields) {
        fields += field.weight;
      }
      EXPECT_NEAR(fields, candidate.weight, 1e-9);
    }
    // The probe is a copy of record r: r's own entity comes first (unless
    // the date was dropped: with names alone, a common exact surname can
    // weigh less than a rare similar one).
    if (!result.prepared->birth_date[r].empty()) {
      ASSERT_FALSE(got->empty());
      EXPECT_EQ(got->front().entity, result.entity[r]) << "probe " << r;
    }
  }
  EXPECT_GT(probes, 50);
  EXPECT_GT(through_fallback, 2);  // probes without a birth date met others
}

// The bound on records compared per probe: the kept ones are those sharing
// the most key values with the probe, then those met in the smallest block,
// then the lowest record numbers; computed here by brute force over every
// record's keys as text.
TEST(ResolverTest, ComparesTheRecordsSharingMostKeys) {
  Fixture fixture = MakeRecords(1000, NoiseLevel::kMedium, 31);
  DropBirthDates(&fixture, 9);
  LinkerConfig config = DefaultLinkerConfig();
  config.max_block_size = 200;
  constexpr size_t kBound = 2;
  Built built = Build(config, fixture.records, fixture.sources,
                      {.max_records_per_probe = kBound});
  const Resolver& resolver = *built.resolver;
  const LinkResult& result = resolver.result();
  const size_t n = fixture.records.size();
  std::vector<std::set<std::pair<std::string, std::string>>> keys(n);
  std::map<std::pair<std::string, std::string>, std::set<uint32_t>> holders;
  for (uint32_t r = 0; r < n; ++r) {
    for (const auto& key : RecordKeys(*result.prepared, r, config)) {
      keys[r].insert(key);
      holders[key].insert(r);
    }
  }
  int bounded = 0;
  for (uint32_t r = 0; r < n; r += 5) {
    struct Met {
      size_t shared = 0;
      size_t smallest = SIZE_MAX;
    };
    std::map<uint32_t, Met> met;
    for (const auto& key : keys[r]) {
      const std::set<uint32_t>& block = holders[key];
      const size_t total = block.size() + 1;  // with the probe
      if (total > CapOf(config, key.first)) continue;
      for (uint32_t b : block) {
        if (!MayMeet(config, key.first, *result.prepared, r, b)) continue;
        ++met[b].shared;
        met[b].smallest = std::min(met[b].smallest, total);
      }
    }
    std::vector<std::pair<uint32_t, Met>> ranked(met.begin(), met.end());
    std::sort(ranked.begin(), ranked.end(), [](const auto& x, const auto& y) {
      if (x.second.shared != y.second.shared) {
        return x.second.shared > y.second.shared;
      }
      if (x.second.smallest != y.second.smallest) {
        return x.second.smallest < y.second.smallest;
      }
      return x.first < y.first;
    });
    if (ranked.size() > kBound) {
      ranked.resize(kBound);
      ++bounded;
    }
    std::map<uint32_t, double> expected;  // entity -> best weight
    for (const auto& [b, unused] : ranked) {
      const double weight = built.linker->Explain(result, r, b).weight;
      auto [it, inserted] = expected.try_emplace(result.entity[b], weight);
      if (!inserted) it->second = std::max(it->second, weight);
    }
    absl::StatusOr<std::vector<EntityCandidate>> got =
        resolver.Resolve(fixture.records[r], {.max_candidates = 0}, {});
    ASSERT_THAT(got, IsOk());
    ASSERT_EQ(got->size(), expected.size()) << "probe " << r;
    for (const EntityCandidate& candidate : *got) {
      ASSERT_TRUE(expected.contains(candidate.entity)) << "probe " << r;
      EXPECT_NEAR(candidate.weight, expected[candidate.entity], 1e-9);
    }
  }
  EXPECT_GT(bounded, 20);  // the bound was exercised
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

TEST(ResolverTest, ScoringAndCommittingABatchIsAddAndNeedsAnUnchangedIndex) {
  const Fixture fixture = MakeRecords(700, NoiseLevel::kMedium, 41);
  const size_t n = fixture.records.size();
  const size_t linked = n * 7 / 10;
  std::vector<Record> base(fixture.records.begin(),
                           fixture.records.begin() + static_cast<long>(linked));
  std::vector<Record> first(fixture.records.begin() + static_cast<long>(linked),
                            fixture.records.begin() +
                                static_cast<long>(linked + 60));
  std::vector<Record> second(
      fixture.records.begin() + static_cast<long>(linked + 60),
      fixture.records.end());
  Built one = Build(DefaultLinkerConfig(), base, fixture.sources);
  Built two = Build(DefaultLinkerConfig(), base, fixture.sources);

  // Scored against the index as it was: refused once it has changed.
  absl::StatusOr<PendingBatch> early = one.resolver->PrepareBatch(second, {});
  ASSERT_THAT(early, IsOk());
  EXPECT_EQ(early->size(), second.size());
  ASSERT_THAT(one.resolver->ScoreBatch(&*early, {}), IsOk());
  const size_t records_before = one.resolver->num_records();
  absl::StatusOr<PendingBatch> pending = one.resolver->PrepareBatch(first, {});
  ASSERT_THAT(pending, IsOk());
  EXPECT_FALSE(pending->scored());
  ASSERT_THAT(one.resolver->ScoreBatch(&*pending, {}), IsOk());
  EXPECT_EQ(one.resolver->num_records(), records_before);  // nothing indexed
  const size_t joining = pending->joining();
  absl::StatusOr<AddReport> committed =
      one.resolver->CommitBatch(*std::move(pending));
  ASSERT_THAT(committed, IsOk());
  EXPECT_THAT(one.resolver->CommitBatch(*std::move(early)).status(),
              reckon_testing::StatusIs(absl::StatusCode::kFailedPrecondition,
                                       ::testing::HasSubstr("score it again")));
  EXPECT_EQ(one.resolver->num_records(), records_before + first.size());
  absl::StatusOr<PendingBatch> unscored = one.resolver->PrepareBatch(first, {});
  ASSERT_THAT(unscored, IsOk());
  EXPECT_THAT(one.resolver->CommitBatch(*std::move(unscored)).status(),
              reckon_testing::StatusIs(absl::StatusCode::kFailedPrecondition,
                                       ::testing::HasSubstr("not scored")));

  // The same as Add on an identical resolver.
  absl::StatusOr<AddReport> added = two.resolver->Add(first, {});
  ASSERT_THAT(added, IsOk());
  EXPECT_EQ(committed->records, added->records);
  EXPECT_EQ(committed->entities, added->entities);
  EXPECT_EQ(committed->new_entities, added->new_entities);
  EXPECT_EQ(committed->comparisons, added->comparisons);
  // Records joining existing entities, plus the ones starting or sharing a
  // new one, are the batch.
  size_t existing = 0;
  for (uint32_t e : committed->entities) {
    if (e < one.resolver->num_entities() - committed->new_entities) ++existing;
  }
  EXPECT_EQ(existing, joining);
}

// Sources new to the index, in batches prepared before an earlier batch
// brought another new source: each keeps its own name.
TEST(ResolverTest, BatchesPreparedBeforeAnotherCommitKeepTheirSources) {
  const Fixture fixture = MakeRecords(300, NoiseLevel::kLow, 47);
  Built built = Build(DefaultLinkerConfig(), fixture.records, fixture.sources);
  Resolver& resolver = *built.resolver;
  Record x = fixture.records[3];
  x.source = "agency_x";
  x.source_record_id = "x1";
  Record y = fixture.records[5];
  y.source = "agency_y";
  y.source_record_id = "y1";
  absl::StatusOr<PendingBatch> for_y = resolver.PrepareBatch({y}, {});
  ASSERT_THAT(for_y, IsOk());
  ASSERT_THAT(resolver.Add({x}, {}), IsOk());
  ASSERT_THAT(resolver.ScoreBatch(&*for_y, {}), IsOk());
  ASSERT_THAT(resolver.CommitBatch(*std::move(for_y)), IsOk());
  const PreparedRecords& index = *resolver.result().prepared;
  const size_t n = fixture.records.size();
  ASSERT_EQ(index.size, n + 2);
  EXPECT_EQ(index.source_names[index.source[n]], "agency_x");
  EXPECT_EQ(index.source_names[index.source[n + 1]], "agency_y");
  // Each added record resolves to itself first.
  for (const Record& record : {x, y}) {
    auto got = resolver.Resolve(record, {.max_candidates = 1}, {});
    ASSERT_THAT(got, IsOk());
    ASSERT_EQ(got->size(), 1u);
    EXPECT_NEAR(got->front().probability, 1.0, 1e-6);
  }
}

TEST(ResolverTest, AddGivesTheSameEntitiesForAnyThreadCount) {
  const Fixture fixture = MakeRecords(900, NoiseLevel::kMedium, 43);
  const size_t n = fixture.records.size();
  const size_t linked = n * 6 / 10;
  std::vector<Record> base(fixture.records.begin(),
                           fixture.records.begin() + static_cast<long>(linked));
  std::vector<Record> batch(fixture.records.begin() + static_cast<long>(linked),
                            fixture.records.end());
  std::vector<std::vector<uint32_t>> entities;
  std::vector<std::vector<double>> weights;
  for (int threads : {1, 4}) {
    tbb::task_arena arena(threads);
    arena.execute([&] {
      Built built = Build(DefaultLinkerConfig(), base, fixture.sources);
      absl::StatusOr<AddReport> report = built.resolver->Add(batch, {});
      ASSERT_THAT(report, IsOk());
      entities.push_back(report->entities);
      std::vector<double> probe_weights;
      for (size_t x = 0; x < batch.size(); x += 11) {
        auto got = built.resolver->Resolve(batch[x], {.max_candidates = 0}, {});
        ASSERT_THAT(got, IsOk());
        for (const EntityCandidate& candidate : *got) {
          probe_weights.push_back(candidate.weight);
        }
      }
      weights.push_back(probe_weights);
    });
  }
  ASSERT_EQ(entities.size(), 2u);
  EXPECT_EQ(entities[0], entities[1]);
  EXPECT_EQ(weights[0], weights[1]);
}

}  // namespace
}  // namespace reckon

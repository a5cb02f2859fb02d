// The per-pair work of the linker's compare stage, on one thread: the level
// of every default comparison (linkage/linker/comparisons) for the candidate
// pairs of a generated scenario, and for random record pairs (the sample u
// is estimated from); the same through PairLevels with the next pairs'
// rows prefetched, as the linker's compare loop calls it. Also
// Jaro-Winkler on the name tokens those candidate pairs actually compare.
//
//   build/<dir>/bench/comparisons_bench --benchmark_counters_tabular=true
//
// Each timed pass starts with freshly made comparators (outside the timing),
// so memoized levels from an earlier pass never make a pass look cheaper
// than the one pass a link makes.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "benchmark/benchmark.h"
#include "linkage/base/split_mix.h"
#include "linkage/block/blocker.h"
#include "linkage/compare/jaro_winkler.h"
#include "linkage/linker/comparisons.h"
#include "linkage/linker/config.h"
#include "linkage/linker/keys.h"
#include "linkage/linker/prepared.h"
#include "linkage/normalize/name_forms.h"
#include "linkage/synth/scenario.h"
#include "tbb/enumerable_thread_specific.h"

namespace {

struct Pair {
  uint32_t a;
  uint32_t b;
};

// A medium-noise scenario of `people` people in 4 registers, prepared with
// the default config, with its candidate pairs in block order.
struct Fixture {
  reckon::LinkerConfig config = reckon::DefaultLinkerConfig();
  reckon::PreparedRecords prepared;
  std::vector<Pair> candidates;
  std::vector<Pair> random;
};

void Fail(const char* what, const absl::Status& status) {
  std::fprintf(stderr, "comparisons_bench: %s: %s\n", what,
               std::string(status.message()).c_str());
  std::abort();
}

std::unique_ptr<Fixture> MakeFixture(int64_t people) {
  auto fixture = std::make_unique<Fixture>();
  reckon::SynthOptions options;
  options.people = people;
  options.sources = 4;
  options.noise = reckon::NoiseLevel::kMedium;
  options.heterogeneity = reckon::Heterogeneity::kMild;
  options.seed = 2026;
  absl::StatusOr<reckon::Scenario> scenario = reckon::GenerateScenario(options);
  if (!scenario.ok()) Fail("synth", scenario.status());
  std::vector<reckon::Record> records;
  for (reckon::SynthRecord& record : scenario->records) {
    records.push_back(std::move(record.record));
  }
  auto normalizer = reckon::NameNormalizer::Create();
  if (!normalizer.ok()) Fail("normalizer", normalizer.status());
  const reckon::ExecOptions exec;
  absl::StatusOr<reckon::PreparedRecords> prepared = reckon::PrepareRecords(
      records, scenario->sources, fixture->config, **normalizer, exec);
  if (!prepared.ok()) Fail("prepare", prepared.status());
  fixture->prepared = *std::move(prepared);

  auto entries =
      reckon::MakeKeyEntries(fixture->prepared, fixture->config, exec);
  if (!entries.ok()) Fail("keys", entries.status());
  reckon::BlockerOptions blocker_options;
  blocker_options.max_block_size = fixture->config.max_block_size;
  for (size_t k = 0; k < fixture->config.blocking_keys.size(); ++k) {
    blocker_options.max_block_size_per_kind.push_back(
        fixture->config.MaxBlockSize(k));
  }
  auto index = reckon::BlockIndex::Build(
      fixture->prepared.size, *std::move(entries),
      fixture->config.blocking_keys.size(), blocker_options, exec);
  if (!index.ok()) Fail("block", index.status());
  // Pairs per block, then concatenated in block order (as a link visits
  // them, whatever the thread count).
  tbb::enumerable_thread_specific<std::map<uint32_t, std::vector<Pair>>> locals;
  const absl::Status status = reckon::ForEachCandidatePair(
      *index, locals, [](uint32_t, uint32_t) { return true; },
      [](std::map<uint32_t, std::vector<Pair>>& local, uint32_t a, uint32_t b,
         uint32_t block) { local[block].push_back({a, b}); },
      exec);
  if (!status.ok()) Fail("pairs", status);
  std::map<uint32_t, std::vector<Pair>> by_block;
  for (auto& local : locals) {
    for (auto& [block, pairs] : local) {
      by_block[block] = std::move(pairs);
    }
  }
  for (const auto& [block, pairs] : by_block) {
    fixture->candidates.insert(fixture->candidates.end(), pairs.begin(),
                               pairs.end());
  }

  uint64_t state = 42;
  const auto next = [&state] { return reckon::SplitMix64(&state); };
  const uint64_t n = fixture->prepared.size;
  while (fixture->random.size() < 1'000'000) {
    const auto a = static_cast<uint32_t>(next() % n);
    const auto b = static_cast<uint32_t>(next() % n);
    if (a != b) fixture->random.push_back({std::min(a, b), std::max(a, b)});
  }
  return fixture;
}

const Fixture& GetFixture(int64_t people) {
  static std::map<int64_t, std::unique_ptr<Fixture>> fixtures;
  std::unique_ptr<Fixture>& fixture = fixtures[people];
  if (fixture == nullptr) fixture = MakeFixture(people);
  return *fixture;
}

void RunLevels(benchmark::State& state, const Fixture& fixture,
               const std::vector<Pair>& pairs) {
  for (auto _ : state) {
    state.PauseTiming();
    auto comparators = reckon::MakeComparators(fixture.config, fixture.prepared);
    if (!comparators.ok()) Fail("comparators", comparators.status());
    state.ResumeTiming();
    uint64_t sum = 0;
    for (const Pair& pair : pairs) {
      for (const auto& comparator : *comparators) {
        sum += comparator->Level(pair.a, pair.b);
      }
    }
    benchmark::DoNotOptimize(sum);
  }
  state.SetItemsProcessed(state.iterations() *
                          static_cast<int64_t>(pairs.size()));
  state.counters["pairs"] = static_cast<double>(pairs.size());
}

// All default comparisons of each candidate pair: the compare stage's
// per-pair work. Items are pairs.
void BM_CandidatePairLevels(benchmark::State& state) {
  const Fixture& fixture = GetFixture(state.range(0));
  RunLevels(state, fixture, fixture.candidates);
}
BENCHMARK(BM_CandidatePairLevels)->Arg(6000)->Arg(60000)
    ->Unit(benchmark::kMillisecond);

// The same through PairLevels (all levels of a pair in one call), with the
// rows of the pair `range(1)` pairs ahead prefetched (0: none), as a caller
// that holds a list of pairs can.
void BM_CandidatePairLevelsBatched(benchmark::State& state) {
  const Fixture& fixture = GetFixture(state.range(0));
  const std::vector<Pair>& pairs = fixture.candidates;
  const auto ahead = static_cast<size_t>(state.range(1));
  for (auto _ : state) {
    state.PauseTiming();
    auto comparators = reckon::MakeComparators(fixture.config, fixture.prepared);
    if (!comparators.ok()) Fail("comparators", comparators.status());
    const reckon::PairLevels pair_levels(*comparators);
    std::vector<uint8_t> levels(pair_levels.size());
    state.ResumeTiming();
    uint64_t sum = 0;
    for (size_t i = 0; i < pairs.size(); ++i) {
      if (ahead > 0 && i + ahead < pairs.size()) {
        pair_levels.Prefetch(pairs[i + ahead].a);
        pair_levels.Prefetch(pairs[i + ahead].b);
      }
      pair_levels.Levels(pairs[i].a, pairs[i].b, levels.data());
      for (uint8_t level : levels) sum += level;
    }
    benchmark::DoNotOptimize(sum);
  }
  state.SetItemsProcessed(state.iterations() *
                          static_cast<int64_t>(pairs.size()));
  state.counters["pairs"] = static_cast<double>(pairs.size());
}
BENCHMARK(BM_CandidatePairLevelsBatched)
    ->Args({6000, 0})->Args({60000, 0})->Args({60000, 4})->Args({60000, 8})
    ->Args({60000, 16})->Unit(benchmark::kMillisecond);

// The same for random pairs (mostly unrelated names).
void BM_RandomPairLevels(benchmark::State& state) {
  const Fixture& fixture = GetFixture(state.range(0));
  RunLevels(state, fixture, fixture.random);
}
BENCHMARK(BM_RandomPairLevels)->Arg(60000)->Unit(benchmark::kMillisecond);

// Making the default comparators (interning, per-record tables): paid once
// per link (the resolver reuses the link's, extending them). Items are
// records.
void BM_MakeComparators(benchmark::State& state) {
  const Fixture& fixture = GetFixture(state.range(0));
  for (auto _ : state) {
    auto comparators = reckon::MakeComparators(fixture.config, fixture.prepared);
    if (!comparators.ok()) Fail("comparators", comparators.status());
    benchmark::DoNotOptimize(comparators->data());
  }
  state.SetItemsProcessed(state.iterations() *
                          static_cast<int64_t>(fixture.prepared.size));
}
BENCHMARK(BM_MakeComparators)->Arg(6000)->Arg(60000)
    ->Unit(benchmark::kMillisecond);

// Jaro-Winkler on the first surname and first given-name tokens of the
// candidate pairs: name-length strings as the scenario spells them (Latin
// comparison forms, a few with letters beyond ASCII). Items are calls.
void BM_JaroWinklerCandidateTokens(benchmark::State& state) {
  const Fixture& fixture = GetFixture(60000);
  const reckon::PreparedRecords& data = fixture.prepared;
  std::vector<std::pair<std::string_view, std::string_view>> tokens;
  for (const Pair& pair : fixture.candidates) {
    for (const reckon::NameColumn* column : {&data.surname, &data.given_name}) {
      const auto ta = column->Tokens(pair.a);
      const auto tb = column->Tokens(pair.b);
      if (ta.empty() || tb.empty()) continue;
      tokens.emplace_back(data.tokens.text(ta[0]), data.tokens.text(tb[0]));
    }
  }
  size_t bytes = 0;
  for (const auto& [x, y] : tokens) bytes += x.size() + y.size();
  const double cutoff = static_cast<double>(state.range(0)) / 100.0;
  for (auto _ : state) {
    double sum = 0;
    for (const auto& [x, y] : tokens) {
      sum += reckon::JaroWinkler(x, y, cutoff);
    }
    benchmark::DoNotOptimize(sum);
  }
  state.SetItemsProcessed(state.iterations() *
                          static_cast<int64_t>(tokens.size()));
  state.counters["mean_bytes"] =
      static_cast<double>(bytes) / (2.0 * static_cast<double>(tokens.size()));
}
BENCHMARK(BM_JaroWinklerCandidateTokens)->Arg(0)->Arg(80)
    ->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();

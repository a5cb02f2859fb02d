// Throughput of the name library (linkage/normalize): names a second over a
// realistic, repeating name distribution with the cache, shared by TBB
// workers; the cost of a cold name; and, printed before the benchmarks, the
// block sizes that the name keys give on a population drawn from our variant
// table (tests/data/names/variants.tsv).
//
// Population: each record is one of the table's name groups, drawn with
// Zipf(1) weights over the groups (a few names are very common, most are
// rare, as in a register), written in one of the group's spellings chosen
// uniformly (each register spells its own way).
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <fstream>
#include <iostream>
#include <random>
#include <string>
#include <vector>

#include <tbb/parallel_for.h>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "benchmark/benchmark.h"
#include "linkage/normalize/name_forms.h"

namespace {

using reckon::NameForms;
using reckon::NameNormalizer;

std::vector<std::vector<std::string>> ReadGroups() {
  std::vector<std::vector<std::string>> groups;
  std::ifstream in(std::string(RECKON_SOURCE_DIR) +
                   "/tests/data/names/variants.tsv");
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] != 'V') continue;
    std::vector<std::string> fields = absl::StrSplit(line, '\t');
    groups.emplace_back(fields.begin() + 2, fields.end());
  }
  return groups;
}

struct Record {
  size_t group;
  std::string name;
};

std::vector<Record> Population(size_t size, uint32_t seed) {
  static const std::vector<std::vector<std::string>> groups = ReadGroups();
  std::mt19937 random(seed);
  std::vector<size_t> order(groups.size());
  for (size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::shuffle(order.begin(), order.end(), random);
  std::vector<double> weights(groups.size());
  for (size_t rank = 0; rank < weights.size(); ++rank) {
    weights[rank] = 1.0 / static_cast<double>(rank + 1);
  }
  std::discrete_distribution<size_t> zipf(weights.begin(), weights.end());
  std::vector<Record> records;
  records.reserve(size);
  for (size_t i = 0; i < size; ++i) {
    const size_t group = order[zipf(random)];
    const std::vector<std::string>& names = groups[group];
    records.push_back({group, names[random() % names.size()]});
  }
  return records;
}

std::unique_ptr<NameNormalizer> MakeNormalizer(size_t cache_capacity) {
  auto normalizer = NameNormalizer::Create({.cache_capacity = cache_capacity});
  if (!normalizer.ok()) {
    std::cerr << normalizer.status() << "\n";
    std::abort();
  }
  return *std::move(normalizer);
}

// Names a second with the cache warm, all cores (TBB decides), copying the
// forms out as Normalize does.
void BM_NameNormalizer_CachedParallel(benchmark::State& state) {
  const std::vector<Record> records = Population(1 << 20, 7);
  const std::unique_ptr<NameNormalizer> normalizer = MakeNormalizer(1 << 18);
  for (const Record& record : records) (void)normalizer->Normalize(record.name);
  for (auto _ : state) {
    tbb::parallel_for(
        tbb::blocked_range<size_t>(0, records.size(), 4096),
        [&](const tbb::blocked_range<size_t>& range) {
          for (size_t i = range.begin(); i < range.end(); ++i) {
            absl::StatusOr<NameForms> forms =
                normalizer->Normalize(records[i].name);
            benchmark::DoNotOptimize(forms);
          }
        });
  }
  state.SetItemsProcessed(state.iterations() *
                          static_cast<int64_t>(records.size()));
}
BENCHMARK(BM_NameNormalizer_CachedParallel)->UseRealTime()->Unit(benchmark::kMillisecond);

// The same, sharing the cached forms instead of copying them.
void BM_NameNormalizer_CachedSharedParallel(benchmark::State& state) {
  const std::vector<Record> records = Population(1 << 20, 7);
  const std::unique_ptr<NameNormalizer> normalizer = MakeNormalizer(1 << 18);
  for (const Record& record : records) {
    (void)normalizer->NormalizeShared(record.name);
  }
  for (auto _ : state) {
    tbb::parallel_for(
        tbb::blocked_range<size_t>(0, records.size(), 4096),
        [&](const tbb::blocked_range<size_t>& range) {
          for (size_t i = range.begin(); i < range.end(); ++i) {
            auto forms = normalizer->NormalizeShared(records[i].name);
            benchmark::DoNotOptimize(forms);
          }
        });
  }
  state.SetItemsProcessed(state.iterations() *
                          static_cast<int64_t>(records.size()));
}
BENCHMARK(BM_NameNormalizer_CachedSharedParallel)->UseRealTime()->Unit(benchmark::kMillisecond);

// One thread, the cache bypassed: the full cost of a name never seen before.
void BM_NameNormalizer_Cold(benchmark::State& state) {
  static const std::vector<std::vector<std::string>> groups = ReadGroups();
  std::vector<std::string> names;
  for (const auto& group : groups) {
    names.insert(names.end(), group.begin(), group.end());
  }
  const std::unique_ptr<NameNormalizer> normalizer = MakeNormalizer(0);
  size_t i = 0;
  for (auto _ : state) {
    auto forms = normalizer->NormalizeUncached(names[i++ % names.size()]);
    benchmark::DoNotOptimize(forms);
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_NameNormalizer_Cold)->Unit(benchmark::kMicrosecond);

// Block sizes per name-level key on a population of `size` records.
void ReportBlocks(size_t size) {
  const std::vector<Record> records = Population(size, 11);
  const std::unique_ptr<NameNormalizer> normalizer = MakeNormalizer(1 << 18);
  struct Key {
    const char* name;
    absl::flat_hash_map<std::string, std::vector<size_t>> blocks;
  };
  Key keys[3] = {{"phonetic", {}}, {"skeleton", {}}, {"sorted_tokens", {}}};
  auto joined = [](std::vector<std::string> parts) {
    std::sort(parts.begin(), parts.end());
    return absl::StrJoin(parts, " ");
  };
  for (size_t r = 0; r < records.size(); ++r) {
    absl::StatusOr<std::shared_ptr<const NameForms>> forms =
        normalizer->NormalizeShared(records[r].name);
    if (!forms.ok() || (*forms)->tokens.empty()) continue;
    keys[0].blocks[joined((*forms)->phonetic)].push_back(r);
    keys[1].blocks[joined((*forms)->skeleton)].push_back(r);
    keys[2].blocks[(*forms)->sorted_tokens].push_back(r);
  }
  absl::flat_hash_map<size_t, uint64_t> group_sizes;
  for (const Record& record : records) ++group_sizes[record.group];
  uint64_t all_true_pairs = 0;
  for (const auto& [group, count] : group_sizes) {
    all_true_pairs += count * (count - 1) / 2;
  }
  std::cout << "block sizes on " << size << " records ("
            << ReadGroups().size() << " name groups, Zipf(1)):\n";
  for (const Key& key : keys) {
    uint64_t pairs = 0, true_pairs = 0, largest = 0;
    for (const auto& [value, members] : key.blocks) {
      const uint64_t n = members.size();
      pairs += n * (n - 1) / 2;
      largest = std::max(largest, n);
      absl::flat_hash_map<size_t, uint64_t> per_group;
      for (size_t r : members) ++per_group[records[r].group];
      for (const auto& [group, count] : per_group) {
        true_pairs += count * (count - 1) / 2;
      }
    }
    std::cout << "  " << key.name << ": " << key.blocks.size()
              << " blocks, largest " << largest << ", mean block per record "
              << static_cast<double>(2 * pairs + size) /
                     static_cast<double>(size)
              << ", candidate pairs " << pairs << " of which same-name "
              << true_pairs << " (pair completeness "
              << static_cast<double>(true_pairs) /
                     static_cast<double>(all_true_pairs)
              << ")\n";
  }
}

}  // namespace

int main(int argc, char** argv) {
  ReportBlocks(100000);
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}

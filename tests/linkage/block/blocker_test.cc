#include "linkage/block/blocker.h"

#include <algorithm>
#include <map>
#include <random>
#include <set>
#include <utility>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tbb/task_arena.h"
#include "tests/testing/status_matchers.h"

namespace reckon {
namespace {

using ::reckon_testing::StatusIs;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using Pair = std::pair<uint32_t, uint32_t>;

std::vector<Pair> CollectPairs(const BlockIndex& index,
                               bool (*accept)(uint32_t, uint32_t)) {
  tbb::enumerable_thread_specific<std::vector<Pair>> sinks;
  auto status = ForEachCandidatePair(
      index, sinks, [&](uint32_t a, uint32_t b) { return accept(a, b); },
      [](std::vector<Pair>& sink, uint32_t a, uint32_t b, uint32_t) {
        sink.emplace_back(a, b);
      },
      ExecOptions{});
  EXPECT_TRUE(status.ok()) << status;
  std::vector<Pair> pairs;
  for (auto& sink : sinks) pairs.insert(pairs.end(), sink.begin(), sink.end());
  std::sort(pairs.begin(), pairs.end());
  return pairs;
}

bool AcceptAll(uint32_t, uint32_t) { return true; }

TEST(BlockerTest, EmitsEachPairOnceAcrossKeys) {
  // Records 0 and 1 share two keys (10 and 20); 1 and 2 share key 30.
  std::vector<KeyEntry> entries = {{10, 0, 0}, {10, 1, 0}, {20, 0, 1},
                                   {20, 1, 1}, {30, 1, 1}, {30, 2, 1},
                                   {40, 3, 0}};
  auto index = BlockIndex::Build(4, entries, 2, {}, {});
  ASSERT_TRUE(index.ok()) << index.status();
  EXPECT_THAT(CollectPairs(*index, AcceptAll),
              ElementsAre(Pair(0, 1), Pair(1, 2)));
  EXPECT_EQ(index->num_blocks(), 3u);  // the singleton key 40 is no block
  EXPECT_EQ(index->report().per_kind[0].blocks, 1u);
  EXPECT_EQ(index->report().per_kind[1].blocks, 2u);
  EXPECT_GE(index->FindBlock(20), 0);
  EXPECT_EQ(index->FindBlock(40), -1);
}

TEST(BlockerTest, OversizedBlocksAreDroppedAndReported) {
  std::vector<KeyEntry> entries;
  for (uint32_t r = 0; r < 5; ++r) entries.push_back({7, r, 0});
  entries.push_back({8, 0, 1});
  entries.push_back({8, 4, 1});
  BlockerOptions options;
  options.max_block_size = 4;
  auto index = BlockIndex::Build(5, entries, 2, options, {});
  ASSERT_TRUE(index.ok());
  // Only the pair in the small block survives.
  EXPECT_THAT(CollectPairs(*index, AcceptAll), ElementsAre(Pair(0, 4)));
  EXPECT_EQ(index->report().oversized_blocks, 1u);
  EXPECT_EQ(index->report().pairs_in_oversized, 10u);
  EXPECT_EQ(index->report().per_kind[0].records_in_oversized, 5u);
}

TEST(BlockerTest, PerKindCapsReplaceTheGlobalCap) {
  // Kind 0 holds a block of 4, kind 1 a block of 3; kind 0 is capped at 3.
  std::vector<KeyEntry> entries;
  for (uint32_t r = 0; r < 4; ++r) entries.push_back({7, r, 0});
  for (uint32_t r = 4; r < 7; ++r) entries.push_back({9, r, 1});
  BlockerOptions options;
  options.max_block_size = 100;
  options.max_block_size_per_kind = {3, 0};  // 0: the global cap
  auto index = BlockIndex::Build(7, entries, 2, options, {});
  ASSERT_TRUE(index.ok());
  EXPECT_THAT(CollectPairs(*index, AcceptAll),
              ElementsAre(Pair(4, 5), Pair(4, 6), Pair(5, 6)));
  EXPECT_EQ(index->report().per_kind[0].oversized_blocks, 1u);
  EXPECT_EQ(index->report().per_kind[1].oversized_blocks, 0u);
}

TEST(BlockerTest, SharedKindsNamesEveryKindTwoRecordsMeetIn) {
  // 0 and 1 meet in kinds 0 and 2; 0 and 2 in kind 1 only; 1 and 2 never.
  std::vector<KeyEntry> entries = {{10, 0, 0}, {10, 1, 0}, {20, 0, 2},
                                   {20, 1, 2}, {30, 0, 1}, {30, 2, 1}};
  auto index = BlockIndex::Build(3, entries, 3, {}, {});
  ASSERT_TRUE(index.ok());
  EXPECT_EQ(index->SharedKinds(0, 1), 0b101u);
  EXPECT_EQ(index->SharedKinds(1, 0), 0b101u);
  EXPECT_EQ(index->SharedKinds(0, 2), 0b010u);
  EXPECT_EQ(index->SharedKinds(1, 2), 0u);
}

std::map<Pair, int> SamplePairs(const BlockIndex& index, double share,
                                uint64_t seed) {
  tbb::enumerable_thread_specific<std::vector<Pair>> sinks;
  auto status = ForEachSampledPair(
      index, share, seed, sinks, [](uint32_t, uint32_t) { return true; },
      [](std::vector<Pair>& sink, uint32_t a, uint32_t b, uint32_t) {
        sink.emplace_back(a, b);
      },
      ExecOptions{});
  EXPECT_TRUE(status.ok()) << status;
  std::map<Pair, int> counts;
  for (const auto& sink : sinks) {
    for (const Pair& pair : sink) ++counts[pair];
  }
  return counts;
}

TEST(BlockerTest, SampledPairsAreWithinBlocksUniformAndReproducible) {
  // One block of 20 records (190 pairs) and one of 10 (45 pairs).
  std::vector<KeyEntry> entries;
  for (uint32_t r = 0; r < 20; ++r) entries.push_back({1, r, 0});
  for (uint32_t r = 20; r < 30; ++r) entries.push_back({2, r, 0});
  auto index = BlockIndex::Build(30, entries, 1, {}, {});
  ASSERT_TRUE(index.ok());
  const double share = 40.0;  // each pair drawn 40 times on average
  const std::map<Pair, int> counts = SamplePairs(*index, share, 5);
  int total = 0;
  int small_block = 0;
  for (const auto& [pair, n] : counts) {
    EXPECT_LT(pair.first, pair.second);
    // Never a pair across the two blocks.
    EXPECT_EQ(pair.first < 20, pair.second < 20);
    total += n;
    if (pair.first >= 20) small_block += n;
  }
  // Draws per block: s(s-1)/2 * share exactly (the product is whole).
  EXPECT_EQ(total, (190 + 45) * 40);
  EXPECT_EQ(small_block, 45 * 40);
  // Every pair drawn, each about 40 times: a uniform draw gives each pair a
  // binomial count with standard deviation ~6.3, so among 235 pairs none
  // should stray 30 (over 4.5 deviations) from 40.
  EXPECT_EQ(counts.size(), 190u + 45u);
  for (const auto& [pair, n] : counts) EXPECT_NEAR(n, 40, 30);
  // Same seed, same sample, whatever the thread count.
  tbb::task_arena one(1);
  std::map<Pair, int> again;
  one.execute([&] { again = SamplePairs(*index, share, 5); });
  EXPECT_EQ(again, counts);
  EXPECT_NE(SamplePairs(*index, share, 6), counts);
}

TEST(BlockerTest, AcceptFilterRestrictsPairs) {
  std::vector<KeyEntry> entries = {{1, 0, 0}, {1, 1, 0}, {1, 2, 0}};
  auto index = BlockIndex::Build(3, entries, 1, {}, {});
  ASSERT_TRUE(index.ok());
  // As if record 0 and 1 came from one source, record 2 from another, in
  // link-only mode.
  auto cross_source = [](uint32_t a, uint32_t b) { return (a < 2) != (b < 2); };
  EXPECT_THAT(CollectPairs(*index, cross_source),
              ElementsAre(Pair(0, 2), Pair(1, 2)));
}

TEST(BlockerTest, RejectsOutOfRangeEntries) {
  EXPECT_THAT(BlockIndex::Build(2, {{1, 5, 0}}, 1, {}, {}),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("out of range")));
  EXPECT_THAT(BlockIndex::Build(2, {{1, 0, 3}}, 1, {}, {}),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("kind 3")));
}

TEST(BlockerTest, StopsAtAPassedDeadline) {
  std::vector<KeyEntry> entries = {{1, 0, 0}, {1, 1, 0}};
  ExecOptions exec;
  exec.deadline = absl::Now() - absl::Seconds(1);
  EXPECT_THAT(BlockIndex::Build(2, entries, 1, {}, exec),
              StatusIs(absl::StatusCode::kDeadlineExceeded, HasSubstr("blocking")));
}

// Random keys against a brute-force reference, with one thread and with
// all threads: the same pair set every time.
TEST(BlockerTest, MatchesBruteForceForAnyThreadCount) {
  std::mt19937 rng(12345);
  const uint32_t n = 400;
  std::vector<KeyEntry> entries;
  std::vector<std::vector<uint64_t>> keys(n);
  for (uint32_t r = 0; r < n; ++r) {
    for (uint16_t kind = 0; kind < 3; ++kind) {
      const uint64_t hash = kind * 1000 + rng() % 60;
      entries.push_back({hash, r, kind});
      keys[r].push_back(hash);
    }
  }
  BlockerOptions options;
  options.max_block_size = 12;
  std::map<uint64_t, size_t> block_size;
  for (const auto& entry : entries) ++block_size[entry.hash];
  std::set<Pair> expected;
  for (uint32_t a = 0; a < n; ++a) {
    for (uint32_t b = a + 1; b < n; ++b) {
      for (uint64_t key : keys[a]) {
        if (block_size[key] <= options.max_block_size &&
            std::find(keys[b].begin(), keys[b].end(), key) != keys[b].end()) {
          expected.emplace(a, b);
        }
      }
    }
  }
  auto index = BlockIndex::Build(n, entries, 3, options, {});
  ASSERT_TRUE(index.ok());
  std::vector<Pair> serial;
  tbb::task_arena one_thread(1);
  one_thread.execute([&] { serial = CollectPairs(*index, AcceptAll); });
  const std::vector<Pair> parallel = CollectPairs(*index, AcceptAll);
  EXPECT_EQ(serial, std::vector<Pair>(expected.begin(), expected.end()));
  EXPECT_EQ(parallel, serial);
}

}  // namespace
}  // namespace reckon

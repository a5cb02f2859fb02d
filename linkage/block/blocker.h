// Blocking: records that share a blocking key value become candidate pairs.
// Each record has several keys (name codes with birth year, passport,
// birth date, ...); the candidate set is the union over all keys, each pair
// produced exactly once, and blocks larger than a cap are dropped and
// reported, since one giant block ("mammadov 1985") would cost more pairs
// than all the others together.
//
// A pair is emitted only from the first usable block (lowest block id) that
// both records share, so the union needs no global set of seen pairs and
// blocks can be processed in parallel, or on different machines, with the
// same result.
//
//   std::vector<KeyEntry> entries = ...;           // {hash, record, kind}
//   RECKON_ASSIGN_OR_RETURN(BlockIndex index,
//       BlockIndex::Build(n, std::move(entries), kinds, options, exec));
//   tbb::enumerable_thread_specific<MySink> sinks;
//   RECKON_RETURN_IF_ERROR(ForEachCandidatePair(index, sinks, accept, emit, exec));
#ifndef RECKON_LINKAGE_BLOCK_BLOCKER_H_
#define RECKON_LINKAGE_BLOCK_BLOCKER_H_

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "linkage/base/exec.h"
#include "linkage/base/split_mix.h"
#include "tbb/blocked_range.h"
#include "tbb/enumerable_thread_specific.h"
#include "tbb/parallel_for.h"

namespace reckon {

// One key value of one record. `hash` must already mix in the key's kind,
// so equal values of different kinds do not meet.
struct KeyEntry {
  uint64_t hash = 0;
  uint32_t record = 0;
  uint16_t kind = 0;
};

struct BlockerOptions {
  // Blocks with more records than this are dropped (and reported).
  size_t max_block_size = 1000;
  // Per kind, a cap replacing max_block_size (0 or absent: max_block_size).
  std::vector<size_t> max_block_size_per_kind;
};

struct KeyKindStats {
  uint64_t blocks = 0;            // blocks of two or more records
  uint64_t oversized_blocks = 0;  // dropped for exceeding the cap
  uint64_t records_in_oversized = 0;
  uint64_t largest_block = 0;     // largest kept block
  uint64_t pairs_in_blocks = 0;   // sum of n(n-1)/2 over kept blocks
};

struct BlockingReport {
  std::vector<KeyKindStats> per_kind;
  uint64_t oversized_blocks = 0;
  // Pairs the dropped blocks held (some may be found through other keys).
  uint64_t pairs_in_oversized = 0;
};

// Immutable after Build; all const methods are thread-safe.
class BlockIndex {
 public:
  // Groups `entries` into blocks. `num_kinds` bounds KeyEntry::kind.
  // Fails with kInvalidArgument for a record or kind out of range and with
  // kDeadlineExceeded/kCancelled per `exec`.
  static absl::StatusOr<BlockIndex> Build(size_t num_records,
                                          std::vector<KeyEntry> entries,
                                          size_t num_kinds,
                                          const BlockerOptions& options,
                                          const ExecOptions& exec);

  size_t num_records() const { return record_offsets_.size() - 1; }
  size_t num_blocks() const { return block_hashes_.size(); }
  // Records of a kept block, ascending.
  std::span<const uint32_t> Members(size_t block) const {
    return {&members_[member_offsets_[block]],
            member_offsets_[block + 1] - member_offsets_[block]};
  }
  // Kept blocks holding `record`, ascending.
  std::span<const uint32_t> BlocksOf(uint32_t record) const {
    return {&record_blocks_[record_offsets_[record]],
            record_offsets_[record + 1] - record_offsets_[record]};
  }
  uint16_t BlockKind(size_t block) const { return block_kinds_[block]; }
  // The kept block with key `hash`, or -1 if there is none (never seen, or
  // dropped as oversized).
  int64_t FindBlock(uint64_t hash) const;
  // True if `block` is the lowest kept block that `a` and `b` share: the
  // one block that emits the pair.
  bool IsFirstSharedBlock(uint32_t a, uint32_t b, uint32_t block) const;
  // The kinds of the kept blocks `a` and `b` share, as bits (kind k is bit
  // k; kinds of 64 and above are not reported).
  uint64_t SharedKinds(uint32_t a, uint32_t b) const;

  const BlockingReport& report() const { return report_; }

 private:
  BlockIndex() = default;

  std::vector<uint64_t> block_hashes_;  // ascending, kept blocks only
  std::vector<uint16_t> block_kinds_;
  std::vector<size_t> member_offsets_;
  std::vector<uint32_t> members_;
  std::vector<size_t> record_offsets_;
  std::vector<uint32_t> record_blocks_;
  BlockingReport report_;
};

// Calls `emit(locals.local(), a, b, block)` exactly once for every distinct
// pair a < b that shares a kept block and that `accept(a, b)` allows, in
// parallel over blocks; `block` is the one block that emits the pair. `accept` and `emit` must be safe to call from
// several threads (emit writes only to its thread's local). The set of
// pairs is deterministic; the order of calls is not.
template <typename Local, typename Accept, typename Emit>
absl::Status ForEachCandidatePair(const BlockIndex& index,
                                  tbb::enumerable_thread_specific<Local>& locals,
                                  const Accept& accept, const Emit& emit,
                                  const ExecOptions& exec) {
  std::atomic<bool> stop{false};
  tbb::parallel_for(
      tbb::blocked_range<size_t>(0, index.num_blocks(), 16),
      [&](const tbb::blocked_range<size_t>& range) {
        if (stop.load(std::memory_order_relaxed)) return;
        if (!CheckContinue(exec, "blocking").ok()) {
          stop.store(true, std::memory_order_relaxed);
          return;
        }
        Local& local = locals.local();
        for (size_t block = range.begin(); block != range.end(); ++block) {
          const std::span<const uint32_t> members = index.Members(block);
          for (size_t i = 0; i < members.size(); ++i) {
            for (size_t j = i + 1; j < members.size(); ++j) {
              const uint32_t a = members[i];
              const uint32_t b = members[j];
              if (!index.IsFirstSharedBlock(a, b,
                                            static_cast<uint32_t>(block))) {
                continue;
              }
              if (!accept(a, b)) continue;
              emit(local, a, b, static_cast<uint32_t>(block));
            }
          }
        }
      });
  if (stop.load()) return CheckContinue(exec, "blocking");
  return absl::OkStatus();
}

// Calls `emit(locals.local(), a, b, block)` for a random sample of the pairs
// within kept blocks: each block of s records gives about
// s(s-1)/2 * `share` pairs (randomly rounded), drawn with replacement, so
// every within-block pair is equally likely to be drawn. Pairs shared by
// several blocks may be drawn more than once, and `accept(a, b)` filters as
// in ForEachCandidatePair. Deterministic for a given `seed`, whatever the
// thread count: each block draws from its own generator.
template <typename Local, typename Accept, typename Emit>
absl::Status ForEachSampledPair(const BlockIndex& index, double share,
                                uint64_t seed,
                                tbb::enumerable_thread_specific<Local>& locals,
                                const Accept& accept, const Emit& emit,
                                const ExecOptions& exec) {
  std::atomic<bool> stop{false};
  tbb::parallel_for(
      tbb::blocked_range<size_t>(0, index.num_blocks(), 64),
      [&](const tbb::blocked_range<size_t>& range) {
        if (stop.load(std::memory_order_relaxed)) return;
        if (!CheckContinue(exec, "sampling training pairs").ok()) {
          stop.store(true, std::memory_order_relaxed);
          return;
        }
        Local& local = locals.local();
        for (size_t block = range.begin(); block != range.end(); ++block) {
          const std::span<const uint32_t> members = index.Members(block);
          const auto size = static_cast<uint64_t>(members.size());
          uint64_t state = seed ^ (0xa0761d6478bd642fULL * (block + 1));
          const double expected =
              static_cast<double>(size * (size - 1) / 2) * share;
          auto draws = static_cast<uint64_t>(expected);
          const double fraction = expected - static_cast<double>(draws);
          if (static_cast<double>(SplitMix64(&state) >> 11) * 0x1.0p-53 < fraction) {
            ++draws;
          }
          for (uint64_t d = 0; d < draws; ++d) {
            const uint64_t i = SplitMix64(&state) % size;
            uint64_t j = SplitMix64(&state) % (size - 1);
            if (j >= i) ++j;  // a record other than i, uniformly
            const uint32_t a = std::min(members[i], members[j]);
            const uint32_t b = std::max(members[i], members[j]);
            if (!accept(a, b)) continue;
            emit(local, a, b, static_cast<uint32_t>(block));
          }
        }
      });
  if (stop.load()) return CheckContinue(exec, "sampling training pairs");
  return absl::OkStatus();
}

}  // namespace reckon

#endif  // RECKON_LINKAGE_BLOCK_BLOCKER_H_

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

}  // namespace reckon

#endif  // RECKON_LINKAGE_BLOCK_BLOCKER_H_

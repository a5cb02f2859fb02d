#include "linkage/block/blocker.h"

#include <algorithm>
#include <utility>

#include "absl/strings/str_cat.h"
#include "linkage/base/status_macros.h"
#include "tbb/parallel_sort.h"

namespace reckon {

absl::StatusOr<BlockIndex> BlockIndex::Build(size_t num_records,
                                             std::vector<KeyEntry> entries,
                                             size_t num_kinds,
                                             const BlockerOptions& options,
                                             const ExecOptions& exec) {
  for (const KeyEntry& entry : entries) {
    if (entry.record >= num_records || entry.kind >= num_kinds) {
      return absl::InvalidArgumentError(absl::StrCat(
          "blocking: key entry for record ", entry.record, " kind ",
          entry.kind, " is out of range"));
    }
  }
  RECKON_RETURN_IF_ERROR(CheckContinue(exec, "blocking"));
  tbb::parallel_sort(entries.begin(), entries.end(),
                     [](const KeyEntry& x, const KeyEntry& y) {
                       if (x.hash != y.hash) return x.hash < y.hash;
                       return x.record < y.record;
                     });
  // A record may yield the same key twice (two name tokens with one code).
  entries.erase(std::unique(entries.begin(), entries.end(),
                            [](const KeyEntry& x, const KeyEntry& y) {
                              return x.hash == y.hash && x.record == y.record;
                            }),
                entries.end());
  RECKON_RETURN_IF_ERROR(CheckContinue(exec, "blocking"));

  BlockIndex index;
  index.report_.per_kind.resize(num_kinds);
  index.member_offsets_.push_back(0);
  std::vector<size_t> blocks_per_record(num_records + 1, 0);
  for (size_t start = 0; start < entries.size();) {
    size_t end = start + 1;
    while (end < entries.size() && entries[end].hash == entries[start].hash) {
      ++end;
    }
    const size_t size = end - start;
    KeyKindStats& stats = index.report_.per_kind[entries[start].kind];
    const uint64_t pairs = static_cast<uint64_t>(size) * (size - 1) / 2;
    const uint16_t kind = entries[start].kind;
    const size_t cap = kind < options.max_block_size_per_kind.size() &&
                               options.max_block_size_per_kind[kind] != 0
                           ? options.max_block_size_per_kind[kind]
                           : options.max_block_size;
    if (size > cap) {
      ++stats.oversized_blocks;
      stats.records_in_oversized += size;
      ++index.report_.oversized_blocks;
      index.report_.pairs_in_oversized += pairs;
    } else if (size >= 2) {
      ++stats.blocks;
      stats.largest_block = std::max<uint64_t>(stats.largest_block, size);
      stats.pairs_in_blocks += pairs;
      index.block_hashes_.push_back(entries[start].hash);
      index.block_kinds_.push_back(entries[start].kind);
      for (size_t i = start; i < end; ++i) {
        index.members_.push_back(entries[i].record);
        ++blocks_per_record[entries[i].record + 1];
      }
      index.member_offsets_.push_back(index.members_.size());
    }
    start = end;
  }
  // Records' block lists: counting sort by record keeps block ids ascending.
  for (size_t r = 0; r < num_records; ++r) {
    blocks_per_record[r + 1] += blocks_per_record[r];
  }
  index.record_offsets_ = blocks_per_record;
  index.record_blocks_.resize(index.members_.size());
  std::vector<size_t> cursor(blocks_per_record.begin(),
                             blocks_per_record.end() - 1);
  for (size_t block = 0; block < index.block_hashes_.size(); ++block) {
    for (uint32_t record : index.Members(block)) {
      index.record_blocks_[cursor[record]++] = static_cast<uint32_t>(block);
    }
  }
  return index;
}

int64_t BlockIndex::FindBlock(uint64_t hash) const {
  auto it = std::lower_bound(block_hashes_.begin(), block_hashes_.end(), hash);
  if (it == block_hashes_.end() || *it != hash) return -1;
  return it - block_hashes_.begin();
}

bool BlockIndex::IsFirstSharedBlock(uint32_t a, uint32_t b,
                                    uint32_t block) const {
  const std::span<const uint32_t> blocks_a = BlocksOf(a);
  const std::span<const uint32_t> blocks_b = BlocksOf(b);
  size_t i = 0;
  size_t j = 0;
  while (i < blocks_a.size() && j < blocks_b.size()) {
    if (blocks_a[i] == blocks_b[j]) return blocks_a[i] == block;
    if (blocks_a[i] < blocks_b[j]) {
      ++i;
    } else {
      ++j;
    }
  }
  return false;
}

uint64_t BlockIndex::SharedKinds(uint32_t a, uint32_t b) const {
  const std::span<const uint32_t> blocks_a = BlocksOf(a);
  const std::span<const uint32_t> blocks_b = BlocksOf(b);
  uint64_t kinds = 0;
  size_t i = 0;
  size_t j = 0;
  while (i < blocks_a.size() && j < blocks_b.size()) {
    if (blocks_a[i] == blocks_b[j]) {
      const uint16_t kind = block_kinds_[blocks_a[i]];
      if (kind < 64) kinds |= uint64_t{1} << kind;
      ++i;
      ++j;
    } else if (blocks_a[i] < blocks_b[j]) {
      ++i;
    } else {
      ++j;
    }
  }
  return kinds;
}

}  // namespace reckon

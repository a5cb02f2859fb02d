#include "linkage/linker/resolver.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <limits>
#include <span>
#include <utility>

#include "absl/container/inlined_vector.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "linkage/base/status_macros.h"
#include "linkage/cluster/union_find.h"
#include "linkage/linker/keys.h"
#include "tbb/blocked_range.h"
#include "tbb/enumerable_thread_specific.h"
#include "tbb/parallel_for.h"
#include "tbb/parallel_sort.h"

namespace reckon {
namespace {


// The value a term id stands for, as text: records agree exactly on a
// comparison's value (and share its term id) exactly when these agree. A
// name comparator's term is its token multiset (order-free), so its
// described tokens are sorted; other comparators describe the value itself.
std::string TermText(bool is_name, const std::string& described) {
  if (!is_name) return described;
  std::vector<std::string> tokens = absl::StrSplit(described, ' ');
  std::sort(tokens.begin(), tokens.end());
  return absl::StrJoin(tokens, " ");
}

// The key of a value's share within a nationality.
std::string NationalityTermText(const std::string& nationality,
                                const std::string& term_text) {
  return absl::StrCat(nationality, "\x1f", term_text);
}

// Appends records of one prepared set to another (the index, or a
// one-record set for Explain), interning tokens by text; a token's codes
// come from whichever side has them (TokenTable::Intern), as in a joint
// preparation.
class RecordCopier {
 public:
  explicit RecordCopier(PreparedRecords* to) : to_(to) {}

  // Appends record `r` of `from`; returns its number in the target.
  uint32_t Append(const PreparedRecords& from, size_t r) {
    const auto number = static_cast<uint32_t>(to_->size);
    to_->source.push_back(from.source[r]);
    AppendNames(from, from.given_name.Tokens(r), &to_->given_name);
    AppendNames(from, from.surname.Tokens(r), &to_->surname);
    AppendNames(from, from.patronymic.Tokens(r), &to_->patronymic);
    AppendNames(from, from.full_name.Tokens(r), &to_->full_name);
    to_->birth_date.push_back(from.birth_date[r]);
    to_->sex.push_back(from.sex[r]);
    to_->nationality.push_back(from.nationality[r]);
    to_->passport.push_back(from.passport[r]);
    if (!to_->strings.empty()) {
      if (columns_from_ != &from) MatchColumns(from);
      for (const auto& [source, target] : columns_) {
        target->push_back(source == nullptr ? std::string() : (*source)[r]);
      }
    }
    ++to_->size;
    return number;
  }

 private:
  void AppendNames(const PreparedRecords& from, std::span<const uint32_t> ids,
                   NameColumn* column) {
    buffer_.clear();
    for (uint32_t id : ids) {
      buffer_.push_back(to_->tokens.Intern(from.tokens.text(id),
                                           from.tokens.phonetic(id),
                                           from.tokens.skeleton(id)));
    }
    column->Append(buffer_);
  }

  // Pairs each string column of the target with `from`'s (or none).
  void MatchColumns(const PreparedRecords& from) {
    columns_.clear();
    for (auto& [name, column] : to_->strings) {
      auto it = from.strings.find(name);
      columns_.emplace_back(it == from.strings.end() ? nullptr : &it->second,
                            &column);
    }
    columns_from_ = &from;
  }

  PreparedRecords* to_;
  const PreparedRecords* columns_from_ = nullptr;
  std::vector<std::pair<const std::vector<std::string>*,
                        std::vector<std::string>*>>
      columns_;
  std::vector<uint32_t> buffer_;
};

// Whether `record` of `set` lacks `field` (a fallback key's condition,
// BlockingKeySpec::when_missing): an unparseable date counts as missing, as
// the comparator and the linker see it.
bool Lacks(const PreparedRecords& set, const FieldRef& field, size_t record) {
  if (field.kind == FieldRef::Kind::kField &&
      field.field == Field::kBirthDate) {
    return set.birth_date[record].empty();
  }
  return set.Value(field, record).empty();
}

// The candidate keys' entries of `set` and its fallback keys' (which find
// pairs only where a record lacks a field; see FindCandidates).
absl::StatusOr<std::vector<KeyEntry>> ResolverKeyEntries(
    const PreparedRecords& set, const LinkerConfig& config,
    const ExecOptions& exec) {
  RECKON_ASSIGN_OR_RETURN(std::vector<KeyEntry> entries,
                          MakeKeyEntries(set, config, exec));
  RECKON_ASSIGN_OR_RETURN(
      std::vector<KeyEntry> fallback,
      MakeKeyEntries(set, config, exec, KeyUse::kWhenMissing));
  entries.insert(entries.end(), fallback.begin(), fallback.end());
  return entries;
}

// An empty set with the index's sources and string columns.
PreparedRecords EmptyLike(const PreparedRecords& shape,
                          const std::vector<std::string>& source_names) {
  PreparedRecords scratch;
  scratch.source_names = source_names;
  for (const auto& [name, column] : shape.strings) scratch.strings[name];
  return scratch;
}

std::vector<KeyEntry> SortedDistinct(std::vector<KeyEntry> entries) {
  std::sort(entries.begin(), entries.end(),
            [](const KeyEntry& x, const KeyEntry& y) {
              return x.hash != y.hash ? x.hash < y.hash : x.record < y.record;
            });
  entries.erase(std::unique(entries.begin(), entries.end(),
                            [](const KeyEntry& x, const KeyEntry& y) {
                              return x.hash == y.hash && x.record == y.record;
                            }),
                entries.end());
  return entries;
}

}  // namespace

struct Resolver::Candidates {
  // Per record `a` of the prepared set: the index records it is compared
  // with, ascending, at records[offsets[a]] to records[offsets[a + 1]] (one
  // array rather than a vector per record).
  std::vector<uint32_t> records;
  std::vector<size_t> offsets;
  std::span<const uint32_t> external(size_t a) const {
    return {records.data() + offsets[a], offsets[a + 1] - offsets[a]};
  }
  // (i, j), i < j, both of the prepared set; sorted and distinct.
  std::vector<std::pair<uint32_t, uint32_t>> internal;
};

size_t PendingBatch::joining() const {
  return static_cast<size_t>(
      std::count_if(joins_.begin(), joins_.end(),
                    [](int64_t entity) { return entity >= 0; }));
}

Resolver::Resolver(const Linker& linker, LinkResult result,
                   const ResolverOptions& options)
    : linker_(linker), options_(options), result_(std::move(result)) {}

absl::StatusOr<std::unique_ptr<Resolver>> Resolver::Create(
    const Linker& linker, LinkResult result, const ExecOptions& exec,
    const ResolverOptions& options) {
  if (result.prepared == nullptr ||
      result.comparators.size() != linker.config().comparisons.size()) {
    return absl::InvalidArgumentError(
        "resolver: the link result does not come from this linker");
  }
  std::unique_ptr<Resolver> resolver(
      new Resolver(linker, std::move(result), options));
  Resolver& r = *resolver;
  const PreparedRecords& data = *r.result_.prepared;
  const LinkerConfig& config = linker.config();
  r.linked_sources_ = data.source_names;
  r.linked_records_ = data.size;
  // Room for records added before the next relink, so that CommitBatch
  // (under the caller's exclusive lock) rarely grows the columns.
  const size_t room = data.size + std::max<size_t>(data.size / 4, 4096);
  r.entity_.reserve(room);
  r.entity_ = r.result_.entity;
  {
    PreparedRecords& columns = *r.result_.prepared;
    columns.source.reserve(room);
    columns.birth_date.reserve(room);
    columns.sex.reserve(room);
    columns.nationality.reserve(room);
    columns.passport.reserve(room);
    for (auto& [name, column] : columns.strings) column.reserve(room);
    for (NameColumn* names : {&columns.given_name, &columns.surname,
                              &columns.patronymic, &columns.full_name}) {
      const size_t per_record =
          data.size == 0 ? 2 : names->token_count() / data.size + 1;
      names->Reserve(room, names->token_count() + (room - data.size) * per_record);
    }
    for (const std::unique_ptr<FieldComparator>& comparator :
         r.result_.comparators) {
      comparator->Reserve(room);
    }
  }
  r.added_keys_.reserve(2 * (room - data.size));
  r.traits_.reserve(room);
  for (size_t record = 0; record < data.size; ++record) {
    r.AppendTraits(data, record);
  }
  r.num_entities_ = r.result_.clustering.entities;
  for (uint32_t e : r.entity_) {
    r.num_entities_ = std::max<size_t>(r.num_entities_, size_t{e} + 1);
  }

  // Key index: every distinct key value (of candidate and fallback keys)
  // with its record count; members of values a new record could still use
  // (fewer than max_block_size).
  RECKON_ASSIGN_OR_RETURN(std::vector<KeyEntry> entries,
                          ResolverKeyEntries(data, config, exec));
  tbb::parallel_sort(entries.begin(), entries.end(),
                     [](const KeyEntry& x, const KeyEntry& y) {
                       return x.hash != y.hash ? x.hash < y.hash
                                               : x.record < y.record;
                     });
  entries.erase(std::unique(entries.begin(), entries.end(),
                            [](const KeyEntry& x, const KeyEntry& y) {
                              return x.hash == y.hash && x.record == y.record;
                            }),
                entries.end());
  RECKON_RETURN_IF_ERROR(CheckContinue(exec, "resolver index"));
  r.key_offsets_.push_back(0);
  for (size_t start = 0; start < entries.size();) {
    size_t end = start + 1;
    while (end < entries.size() && entries[end].hash == entries[start].hash) {
      ++end;
    }
    r.key_hashes_.push_back(entries[start].hash);
    r.key_sizes_.push_back(static_cast<uint32_t>(end - start));
    if (end - start < config.MaxBlockSize(entries[start].kind)) {
      const std::optional<FieldRef>& when_missing =
          config.blocking_keys[entries[start].kind].when_missing;
      if (!when_missing.has_value()) {
        for (size_t i = start; i < end; ++i) {
          r.key_members_.push_back(entries[i].record);
        }
      } else {
        // A fallback key's members lacking the field first, then the
        // others, then how many lack it: a record that has the field
        // meets only the first ones (FindCandidates), without reading
        // every member's field.
        uint32_t lacking = 0;
        for (const bool lacks : {true, false}) {
          for (size_t i = start; i < end; ++i) {
            if (Lacks(data, *when_missing, entries[i].record) != lacks) {
              continue;
            }
            r.key_members_.push_back(entries[i].record);
            lacking += lacks ? 1 : 0;
          }
        }
        r.key_members_.push_back(lacking);
      }
    }
    r.key_offsets_.push_back(r.key_members_.size());
    start = end;
  }
  std::vector<KeyEntry>().swap(entries);
  if (r.key_hashes_.size() >= UINT32_MAX) {
    return absl::ResourceExhaustedError(
        "resolver: more than 4e9 distinct key values");
  }
  // The directory of key_hashes_ by their top bits: one or two hashes a
  // bucket (the hashes are uniform), so that a lookup reads two cache lines
  // rather than binary-searching a large array (FindKey).
  r.key_directory_bits_ = 1;
  while (r.key_directory_bits_ < 32 &&
         (size_t{1} << (r.key_directory_bits_ + 1)) <= r.key_hashes_.size()) {
    ++r.key_directory_bits_;
  }
  r.key_directory_.assign((size_t{1} << r.key_directory_bits_) + 1, 0);
  {
    size_t k = 0;
    for (size_t bucket = 0; bucket < r.key_directory_.size(); ++bucket) {
      while (k < r.key_hashes_.size() &&
             r.KeyBucket(r.key_hashes_[k]) < bucket) {
        ++k;
      }
      r.key_directory_[bucket] = static_cast<uint32_t>(k);
    }
  }

  // Every comparison's weight at every level (the missing one last), out
  // of the group, then in it.
  const size_t comparisons = r.result_.comparators.size();
  if (r.result_.model.comparisons.size() != comparisons) {
    return absl::InvalidArgumentError(
        "resolver: the link's model does not match its comparators");
  }
  r.level_offsets_.push_back(0);
  for (size_t c = 0; c < comparisons; ++c) {
    r.level_offsets_.push_back(
        r.level_offsets_.back() +
        static_cast<size_t>(r.result_.model.comparisons[c].levels()) + 1);
  }
  for (const bool same_group : {false, true}) {
    for (size_t c = 0; c < comparisons; ++c) {
      const ComparisonModel& model = r.result_.model.comparisons[c];
      for (int level = 0; level <= model.levels(); ++level) {
        r.level_weights_.push_back(model.Weight(level, same_group));
      }
    }
  }

  // Term frequencies by value text, from the link's term ids.
  r.term_frequency_.resize(comparisons);
  r.nationality_frequency_.resize(comparisons);
  r.unseen_frequency_.assign(comparisons, 0.0);
  for (size_t c = 0; c < comparisons; ++c) {
    r.is_name_comparison_.push_back(config.comparisons[c].kind ==
                                    ComparatorKind::kName);
  }
  for (size_t c = 0; c < comparisons; ++c) {
    if (c >= r.result_.term_frequency.size() ||
        r.result_.term_frequency[c].empty()) {
      continue;
    }
    r.tf_comparisons_.push_back(c);
    const FieldComparator& comparator = *r.result_.comparators[c];
    const std::vector<double>& tf = r.result_.term_frequency[c];
    std::vector<bool> seen(tf.size(), false);
    uint64_t present = 0;
    for (uint32_t record = 0; record < data.size; ++record) {
      const int64_t term = comparator.TermId(record);
      if (term < 0) continue;
      ++present;
      const auto t = static_cast<size_t>(term);
      if (seen[t]) continue;
      seen[t] = true;
      r.term_frequency_[c].emplace(
          TermText(r.is_name_comparison_[c], comparator.Describe(record)),
          tf[t]);
    }
    // Shares within a nationality, by nationality and value text.
    if (c < r.result_.nationality_term_frequency.size() &&
        !r.result_.nationality_term_frequency[c].empty() &&
        r.result_.nationality_id.size() == data.size) {
      const auto& shares = r.result_.nationality_term_frequency[c];
      for (uint32_t record = 0; record < data.size; ++record) {
        const int64_t term = comparator.TermId(record);
        const uint32_t nationality = r.result_.nationality_id[record];
        if (term < 0 || nationality == 0) continue;
        auto share = shares.find(NationalityTermKey(nationality, term));
        if (share == shares.end()) continue;
        r.nationality_frequency_[c].try_emplace(
            NationalityTermText(
                data.nationality[record],
                TermText(r.is_name_comparison_[c], comparator.Describe(record))),
            share->second);
      }
    }
    r.unseen_frequency_[c] =
        present == 0 ? 1.0 : 1.0 / static_cast<double>(present);
  }
  RECKON_RETURN_IF_ERROR(CheckContinue(exec, "resolver index"));
  return resolver;
}

size_t Resolver::FindKey(uint64_t hash) const {
  const size_t bucket = KeyBucket(hash);
  const auto begin = key_hashes_.begin() + key_directory_[bucket];
  const auto end = key_hashes_.begin() + key_directory_[bucket + 1];
  const auto it = std::lower_bound(begin, end, hash);
  return it != end && *it == hash
             ? static_cast<size_t>(it - key_hashes_.begin())
             : kNoKey;
}

Resolver::Candidates Resolver::FindCandidates(
    const PreparedRecords& prepared, const std::vector<KeyEntry>& sorted,
    bool within, bool apply_mode) const {
  const PreparedRecords& index = *result_.prepared;
  const LinkerConfig& config = linker_.config();
  const size_t known_sources = index.source_names.size();
  auto allowed = [&](uint16_t a, uint16_t b) {
    if (!apply_mode || a >= known_sources || b >= known_sources) return true;
    return PairAllowed(config.mode, a, b);
  };
  // Whether the link mode may keep two records apart (else every pair is
  // allowed and no index record's source need be read).
  const bool check_sources =
      apply_mode && config.mode != LinkMode::kDedupeAndLink;
  const size_t m = prepared.size;
  Candidates out;
  out.offsets.assign(m + 1, 0);

  // The usable blocks (those that with the set's records stay within the
  // linker's cap), and which records of the set are in each.
  struct Block {
    const uint32_t* members = nullptr;  // linked records
    size_t count = 0;
    // Of a fallback key's block: its first `lacking` members lack the
    // field, the others have it (see Create).
    size_t lacking = 0;
    const AddedMembers* added = nullptr;  // added records
    uint32_t total = 0;
    // A fallback key's block pairs two records only when one of them lacks
    // this field (as the linker's AddFallbackPairs); null for other keys.
    const FieldRef* when_missing = nullptr;
  };
  // The set's distinct key values: sorted[starts[g]] to sorted[starts[g + 1]].
  std::vector<size_t> starts;
  for (size_t i = 0; i < sorted.size(); ++i) {
    if (i == 0 || sorted[i].hash != sorted[i - 1].hash) starts.push_back(i);
  }
  const size_t groups = starts.size();
  starts.push_back(sorted.size());
  // Each value's block in the index, looked up in parallel: the lookups
  // are cache misses on large arrays (directory, hashes, offsets, added
  // members), so a chunk of values goes through each step before the next,
  // each step loading what the next reads.
  std::vector<Block> found(groups);
  tbb::parallel_for(
      tbb::blocked_range<size_t>(0, groups, 256),
      [&](const tbb::blocked_range<size_t>& range) {
        constexpr size_t kChunk = 32;
        std::array<size_t, kChunk> keys;
        auto hash_of = [&](size_t g) { return sorted[starts[g]].hash; };
        for (size_t from = range.begin(); from < range.end(); from += kChunk) {
          const size_t to = std::min(from + kChunk, range.end());
          for (size_t g = from; g < to; ++g) {
            __builtin_prefetch(&key_directory_[KeyBucket(hash_of(g))]);
            added_keys_.prefetch(hash_of(g));
          }
          for (size_t g = from; g < to; ++g) {
            __builtin_prefetch(
                &key_hashes_[key_directory_[KeyBucket(hash_of(g))]]);
          }
          for (size_t g = from; g < to; ++g) {
            const size_t k = FindKey(hash_of(g));
            keys[g - from] = k;
            if (k != kNoKey) {
              __builtin_prefetch(&key_sizes_[k]);
              __builtin_prefetch(&key_offsets_[k]);
            }
          }
          for (size_t g = from; g < to; ++g) {
            Block& block = found[g];
            size_t total = starts[g + 1] - starts[g];
            const std::optional<FieldRef>& when_missing =
                config.blocking_keys[sorted[starts[g]].kind].when_missing;
            if (when_missing.has_value()) block.when_missing = &*when_missing;
            if (const size_t k = keys[g - from]; k != kNoKey) {
              total += key_sizes_[k];
              block.members = key_members_.data() + key_offsets_[k];
              block.count = key_offsets_[k + 1] - key_offsets_[k];
              if (block.when_missing != nullptr && block.count > 0) {
                --block.count;  // the count of those lacking the field
                block.lacking = block.members[block.count];
              }
            }
            const uint64_t hash = hash_of(g);
            if (auto added = added_keys_.find(hash);
                added != added_keys_.end()) {
              total += added->second.size();
              block.added = &added->second;
            }
            block.total = static_cast<uint32_t>(
                std::min<size_t>(total, std::numeric_limits<uint32_t>::max()));
          }
        }
      });
  std::vector<Block> blocks;
  std::vector<std::pair<uint32_t, uint32_t>> record_blocks;  // (record, block)
  for (size_t g = 0; g < groups; ++g) {
    const size_t start = starts[g];
    const size_t end = starts[g + 1];
    Block block = found[g];
    const size_t total = block.total;
    // The same cap as the linker's: a block grown past it is dropped.
    if (total <= config.MaxBlockSize(sorted[start].kind)) {
      const auto b = static_cast<uint32_t>(blocks.size());
      blocks.push_back(block);
      for (size_t i = start; i < end; ++i) {
        const uint32_t a = sorted[i].record;
        record_blocks.emplace_back(a, b);
        if (!within) continue;
        for (size_t j = i + 1; j < end; ++j) {
          const uint32_t c = sorted[j].record;
          if (block.when_missing != nullptr &&
              !Lacks(prepared, *block.when_missing, a) &&
              !Lacks(prepared, *block.when_missing, c)) {
            continue;
          }
          if (allowed(prepared.source[a], prepared.source[c])) {
            out.internal.emplace_back(std::min(a, c), std::max(a, c));
          }
        }
      }
    }
  }
  std::sort(out.internal.begin(), out.internal.end());
  out.internal.erase(std::unique(out.internal.begin(), out.internal.end()),
                     out.internal.end());
  // The blocks of each record, grouped by record (a counting sort).
  std::vector<size_t> first(m + 1, 0);
  for (const auto& [a, b] : record_blocks) ++first[a + 1];
  for (size_t a = 0; a < m; ++a) first[a + 1] += first[a];
  std::vector<uint32_t> blocks_of(record_blocks.size());
  {
    std::vector<size_t> next(first.begin(), first.end() - 1);
    for (const auto& [a, b] : record_blocks) blocks_of[next[a]++] = b;
  }

  // Per record: every index record met, with how many key values it shares
  // and the smallest block it is met in (counted in a small open-addressing
  // table, reused); the best `cap` of them, ascending. Written to the
  // thread's buffer, then gathered into one array.
  struct Met {
    uint32_t record;
    uint32_t shared;
    uint32_t smallest;
  };
  constexpr uint32_t kEmpty = UINT32_MAX;  // no index record has this number
  struct Buffers {
    std::vector<Met> table;
    std::vector<uint32_t> used;  // slots of `table` in use
    std::vector<Met> met;
    std::vector<uint32_t> out;
  };
  tbb::enumerable_thread_specific<Buffers> buffers;
  // Per record: its list's buffer and start there.
  std::vector<std::pair<const Buffers*, size_t>> where(m);
  const size_t cap = options_.max_records_per_probe;
  tbb::parallel_for(
      tbb::blocked_range<size_t>(0, m, 8),
      [&](const tbb::blocked_range<size_t>& range) {
        Buffers& local = buffers.local();
        for (size_t a = range.begin(); a != range.end(); ++a) {
          size_t bound = 0;  // records met, counting repeats
          for (size_t i = first[a]; i < first[a + 1]; ++i) {
            const Block& block = blocks[blocks_of[i]];
            if (block.count > 0) __builtin_prefetch(block.members);
            bound += block.count +
                     (block.added == nullptr ? 0 : block.added->size());
          }
          // At most half full; kept between records, emptied slot by slot.
          std::vector<Met>& table = local.table;
          size_t size = std::max<size_t>(table.size(), 16);
          while (size < 2 * bound) size *= 2;
          if (size != table.size()) table.assign(size, Met{kEmpty, 0, 0});
          const size_t mask = size - 1;
          std::vector<uint32_t>& used = local.used;
          used.clear();
          const uint16_t source = prepared.source[a];
          for (size_t i = first[a]; i < first[a + 1]; ++i) {
            const Block& block = blocks[blocks_of[i]];
            // In a fallback block, a record that has the field meets only
            // the members lacking it.
            const FieldRef* only_lacking =
                block.when_missing != nullptr &&
                        !Lacks(prepared, *block.when_missing, a)
                    ? block.when_missing
                    : nullptr;
            auto meet = [&](uint32_t r) {
              if (check_sources && !allowed(source, index.source[r])) return;
              size_t slot = (uint64_t{r} * 0x9E3779B97F4A7C15ull) >> 32 & mask;
              while (table[slot].record != kEmpty && table[slot].record != r) {
                slot = (slot + 1) & mask;
              }
              Met& entry = table[slot];
              if (entry.record == kEmpty) {
                entry = {r, 1, block.total};
                used.push_back(static_cast<uint32_t>(slot));
              } else {
                ++entry.shared;
                entry.smallest = std::min(entry.smallest, block.total);
              }
            };
            const size_t linked =
                only_lacking != nullptr ? block.lacking : block.count;
            for (size_t j = 0; j < linked; ++j) meet(block.members[j]);
            if (block.added == nullptr) continue;
            for (uint32_t r : *block.added) {
              if (only_lacking == nullptr || Lacks(index, *only_lacking, r)) {
                meet(r);
              }
            }
          }
          std::vector<Met>& met = local.met;
          met.clear();
          for (const uint32_t slot : used) {
            met.push_back(table[slot]);
            table[slot].record = kEmpty;
          }
          if (cap > 0 && met.size() > cap) {
            std::nth_element(
                met.begin(), met.begin() + static_cast<std::ptrdiff_t>(cap),
                met.end(), [](const Met& x, const Met& y) {
                  if (x.shared != y.shared) return x.shared > y.shared;
                  if (x.smallest != y.smallest) return x.smallest < y.smallest;
                  return x.record < y.record;
                });
            met.resize(cap);
          }
          std::sort(met.begin(), met.end(), [](const Met& x, const Met& y) {
            return x.record < y.record;
          });
          where[a] = {&local, local.out.size()};
          out.offsets[a + 1] = met.size();
          for (const Met& x : met) local.out.push_back(x.record);
        }
      });
  for (size_t a = 0; a < m; ++a) out.offsets[a + 1] += out.offsets[a];
  out.records.resize(out.offsets[m]);
  for (size_t a = 0; a < m; ++a) {
    const uint32_t* list = where[a].first->out.data() + where[a].second;
    std::copy(
        list, list + (out.offsets[a + 1] - out.offsets[a]),
        out.records.begin() + static_cast<std::ptrdiff_t>(out.offsets[a]));
  }
  return out;
}

void Resolver::TfAdjustment(size_t c, const std::string& described,
                            const std::string& nationality, double* global,
                            double* same_nationality) const {
  *global = 0.0;
  *same_nationality = 0.0;
  if (term_frequency_[c].empty() && unseen_frequency_[c] == 0.0) return;
  const std::string text = TermText(is_name_comparison_[c], described);
  auto it = term_frequency_[c].find(text);
  const double tf = it == term_frequency_[c].end() ? unseen_frequency_[c]
                                                   : it->second;
  // As the linker's TermFrequencyAdjustment: the value's share among
  // records of the pair's nationality when both give the same one.
  double tf_nationality = tf;
  if (!nationality.empty() && !nationality_frequency_[c].empty()) {
    auto share = nationality_frequency_[c].find(
        NationalityTermText(nationality, text));
    if (share != nationality_frequency_[c].end()) tf_nationality = share->second;
  }
  // Against the chance that two records (of one nationality) agree, which
  // the level's weight uses (FellegiSunterModel::group_comparison).
  const ComparisonModel& comparison = result_.model.comparisons[c];
  const double u_exact = comparison.u_random[0];
  const double u_exact_same = comparison.u_same_group.empty()
                                  ? u_exact
                                  : comparison.u_same_group[0];
  *global = std::clamp(std::log2(u_exact / tf), -kMaxTfAdjustment,
                       kMaxTfAdjustment);
  *same_nationality = std::clamp(std::log2(u_exact_same / tf_nationality),
                                 -kMaxTfAdjustment, kMaxTfAdjustment);
}

void Resolver::TfAdjustments(const ComparatorOverlay& overlay, uint32_t a,
                             double* out) const {
  const size_t tfs = tf_comparisons_.size();
  for (size_t k = 0; k < tfs; ++k) {
    const size_t c = tf_comparisons_[k];
    out[k] = 0.0;
    out[tfs + k] = 0.0;
    if (!overlay.HasTerm(c, a)) continue;
    TfAdjustment(c, overlay.Describe(c, a), overlay.records().nationality[a],
                 &out[k], &out[tfs + k]);
  }
}

double Resolver::Weigh(std::span<const uint8_t> levels, bool same_nationality,
                       const double* tf_a) const {
  // Summed in the linker's order: the pattern weight (the comparisons'
  // weights in order, as FellegiSunterModel::PatternWeight sums them, from
  // level_weights_), then the adjustments (of `a`'s value: they apply only
  // where both values agree exactly).
  const double* table = result_.model.SameGroup(levels)
                            ? level_weights_.data() + level_weights_.size() / 2
                            : level_weights_.data();
  double weight = 0.0;
  for (size_t c = 0; c < levels.size(); ++c) {
    weight += table[level_offsets_[c] +
                    std::min<size_t>(levels[c], level_offsets_[c + 1] -
                                                    level_offsets_[c] - 1)];
  }
  const size_t tfs = tf_comparisons_.size();
  const double* adjustments = same_nationality ? tf_a + tfs : tf_a;
  for (size_t k = 0; k < tfs; ++k) {
    if (levels[tf_comparisons_[k]] == 0) weight += adjustments[k];
  }
  return weight;
}

double Resolver::SourcePrior(uint16_t a, uint16_t b) const {
  const size_t n = linked_sources_.size();
  if (result_.source_pair_prior.empty() || a >= n || b >= n) return 0.0;
  return result_.source_pair_prior[size_t{a} * n + b];
}

uint32_t Resolver::NationalityId(const std::string& nationality) const {
  if (nationality.empty()) return 0;
  auto it = nationality_ids_.find(nationality);
  return it == nationality_ids_.end() ? kUnseenNationality : it->second;
}

void Resolver::AppendTraits(const PreparedRecords& records, size_t r) {
  const std::string& nationality = records.nationality[r];
  uint32_t id = 0;
  if (!nationality.empty()) {
    id = nationality_ids_
             .try_emplace(nationality,
                          static_cast<uint32_t>(nationality_ids_.size() + 1))
             .first->second;
  }
  traits_.push_back({id, records.source[r]});
}

double Resolver::CrossWeight(const ComparatorOverlay& overlay, uint32_t a,
                             uint32_t nationality_a, uint32_t b,
                             const double* tf_a) const {
  absl::InlinedVector<uint8_t, 16> levels(overlay.size());
  overlay.CrossLevels(a, b, levels.data());
  const RecordTraits& traits = traits_[b];
  return Weigh(std::span<const uint8_t>(levels.data(), levels.size()),
               nationality_a != 0 && nationality_a == traits.nationality,
               tf_a) +
         SourcePrior(overlay.records().source[a], traits.source);
}

void Resolver::Prefetch(const ComparatorOverlay& overlay, uint32_t b) const {
  overlay.PrefetchBase(b);
  __builtin_prefetch(&traits_[b]);
}

std::vector<FieldExplanation> Resolver::ExplainFields(
    const ComparatorOverlay& overlay, uint32_t a, uint32_t b) const {
  const PreparedRecords& index = *result_.prepared;
  const std::string& nationality = overlay.records().nationality[a];
  const bool same_nationality =
      !nationality.empty() && nationality == index.nationality[b];
  const size_t comparisons = result_.comparators.size();
  std::vector<uint8_t> levels(comparisons);
  for (size_t c = 0; c < comparisons; ++c) levels[c] = overlay.Level(c, a, b);
  const bool same_group = result_.model.SameGroup(levels);
  std::vector<FieldExplanation> fields;
  for (size_t c = 0; c < comparisons; ++c) {
    const FieldComparator& comparator = *result_.comparators[c];
    FieldExplanation field;
    field.comparison = comparator.name();
    field.value_a = overlay.Describe(c, a);
    field.value_b = comparator.Describe(b);
    field.level = levels[c];
    field.level_name =
        field.level < comparator.levels()
            ? comparator.level_names()[static_cast<size_t>(field.level)]
            : "missing";
    field.weight =
        result_.model.comparisons[c].Weight(field.level, same_group);
    if (field.level == 0 && overlay.HasTerm(c, a) &&
        std::find(tf_comparisons_.begin(), tf_comparisons_.end(), c) !=
            tf_comparisons_.end()) {
      double global = 0.0;
      double same = 0.0;
      TfAdjustment(c, field.value_a, nationality, &global, &same);
      field.tf_adjustment = same_nationality ? same : global;
      field.weight += field.tf_adjustment;
    }
    fields.push_back(std::move(field));
  }
  return fields;
}

absl::StatusOr<std::vector<EntityCandidate>> Resolver::Resolve(
    const Record& probe, const ResolveOptions& options,
    const ExecOptions& exec) const {
  const PreparedRecords& index = *result_.prepared;
  const LinkerConfig& config = linker_.config();
  RECKON_ASSIGN_OR_RETURN(
      PreparedRecords prepared,
      PrepareRecords({probe}, index.source_names, config, linker_.normalizer(), exec));
  RECKON_ASSIGN_OR_RETURN(std::vector<KeyEntry> entries,
                          ResolverKeyEntries(prepared, config, exec));
  const bool known_source = prepared.source[0] < index.source_names.size();
  const Candidates candidates = FindCandidates(
      prepared, SortedDistinct(std::move(entries)), /*within=*/false,
      known_source);
  std::vector<EntityCandidate> out;
  const std::span<const uint32_t> met = candidates.external(0);
  if (met.empty()) return out;
  RECKON_RETURN_IF_ERROR(CheckContinue(exec, "resolve"));

  // The probe is compared with the index records in place.
  const ComparatorOverlay overlay(result_.comparators, prepared);
  absl::InlinedVector<double, 16> tf(2 * tf_comparisons_.size());
  TfAdjustments(overlay, 0, tf.data());
  for (size_t j = 0; j < kPrefetchAhead && j < met.size(); ++j) {
    Prefetch(overlay, met[j]);
  }

  // Best record per entity (on equal weights, the lower record).
  absl::flat_hash_map<uint32_t, size_t> by_entity;
  by_entity.reserve(met.size());
  const uint32_t nationality = NationalityId(prepared.nationality[0]);
  for (size_t j = 0; j < met.size(); ++j) {
    if (j + kPrefetchAhead < met.size()) {
      Prefetch(overlay, met[j + kPrefetchAhead]);
    }
    const uint32_t record = met[j];
    const double weight =
        CrossWeight(overlay, 0, nationality, record, tf.data());
    const uint32_t e = entity_[record];
    auto [it, inserted] = by_entity.try_emplace(e, out.size());
    if (inserted) {
      out.push_back({e, record, weight, 0.0, {}});
    } else if (weight > out[it->second].weight) {
      out[it->second].best_record = record;
      out[it->second].weight = weight;
    }
  }
  for (EntityCandidate& candidate : out) {
    candidate.probability = result_.model.MatchProbability(candidate.weight);
  }
  out.erase(std::remove_if(out.begin(), out.end(),
                           [&](const EntityCandidate& c) {
                             return c.probability < options.min_probability;
                           }),
            out.end());
  std::sort(out.begin(), out.end(),
            [](const EntityCandidate& x, const EntityCandidate& y) {
              return x.weight != y.weight ? x.weight > y.weight
                                          : x.entity < y.entity;
            });
  if (options.max_candidates > 0 && out.size() > options.max_candidates) {
    out.resize(options.max_candidates);
  }
  for (EntityCandidate& candidate : out) {
    candidate.fields = ExplainFields(overlay, 0, candidate.best_record);
    candidate.source_pair_prior =
        SourcePrior(prepared.source[0], index.source[candidate.best_record]);
  }
  return out;
}

PairExplanation Resolver::Explain(uint32_t a, uint32_t b) const {
  if (a < linked_records_ && b < linked_records_) {
    return linker_.Explain(result_, a, b);
  }
  // `a` as a one-record overlay against the (grown) index, as a probe.
  const PreparedRecords& index = *result_.prepared;
  PreparedRecords single = EmptyLike(index, index.source_names);
  RecordCopier(&single).Append(index, a);
  const ComparatorOverlay overlay(result_.comparators, single);
  PairExplanation explanation;
  explanation.threshold = result_.threshold;
  explanation.fields = ExplainFields(overlay, 0, b);
  for (const FieldExplanation& field : explanation.fields) {
    explanation.weight += field.weight;
  }
  explanation.source_pair_prior = SourcePrior(index.source[a], index.source[b]);
  explanation.weight += explanation.source_pair_prior;
  explanation.probability = result_.model.MatchProbability(explanation.weight);
  const auto keys_a = RecordKeys(index, a, linker_.config());
  const auto keys_b = RecordKeys(index, b, linker_.config());
  for (const auto& key : keys_a) {
    if (std::find(keys_b.begin(), keys_b.end(), key) != keys_b.end()) {
      explanation.shared_keys.push_back(key);
    }
  }
  return explanation;
}

absl::StatusOr<AddReport> Resolver::Add(const std::vector<Record>& records,
                                        const ExecOptions& exec) {
  RECKON_ASSIGN_OR_RETURN(PendingBatch batch, PrepareBatch(records, exec));
  RECKON_RETURN_IF_ERROR(ScoreBatch(&batch, exec));
  return CommitBatch(std::move(batch));
}

absl::StatusOr<PendingBatch> Resolver::PrepareBatch(
    const std::vector<Record>& records, const ExecOptions& exec) const {
  PendingBatch pending;
  if (records.empty()) return pending;
  const LinkerConfig& config = linker_.config();
  RECKON_ASSIGN_OR_RETURN(pending.batch_,
                          PrepareRecords(records, linked_sources_, config,
                                         linker_.normalizer(), exec));
  RECKON_ASSIGN_OR_RETURN(std::vector<KeyEntry> entries,
                          ResolverKeyEntries(pending.batch_, config, exec));
  pending.entries_ = SortedDistinct(std::move(entries));
  return pending;
}

absl::Status Resolver::ScoreBatch(PendingBatch* pending,
                                  const ExecOptions& exec) const {
  PendingBatch& scored = *pending;
  const PreparedRecords& index = *result_.prepared;
  scored.scored_ = true;
  scored.index_size_ = num_records();
  scored.group_.clear();
  scored.joins_.clear();
  scored.comparisons_ = 0;
  if (scored.batch_.size == 0) return absl::OkStatus();
  if (index.size + scored.batch_.size >= UINT32_MAX) {
    scored.scored_ = false;
    return absl::ResourceExhaustedError("resolver: more than 4e9 records");
  }
  // Number the batch's sources as the index does now: the index's list
  // (which batches since the link may have extended), then new ones.
  if (scored.batch_.source_names != index.source_names) {
    std::vector<std::string> names = index.source_names;
    std::vector<uint16_t> renumber;
    for (const std::string& name : scored.batch_.source_names) {
      auto it = std::find(names.begin(), names.end(), name);
      if (it == names.end()) {
        if (names.size() >= UINT16_MAX) {
          scored.scored_ = false;
          return absl::ResourceExhaustedError(
              "resolver: more than 65535 sources");
        }
        it = names.insert(names.end(), name);
      }
      renumber.push_back(static_cast<uint16_t>(it - names.begin()));
    }
    for (uint16_t& source : scored.batch_.source) source = renumber[source];
    scored.batch_.source_names = std::move(names);
  }
  const PreparedRecords& batch = scored.batch_;
  const Candidates candidates = FindCandidates(
      batch, scored.entries_, /*within=*/true, /*apply_mode=*/true);
  const auto m = static_cast<uint32_t>(batch.size);
  const size_t tfs = 2 * tf_comparisons_.size();

  // The batch is compared with the index records, and with itself, in
  // place; term-frequency adjustments once per batch record.
  const ComparatorOverlay overlay(result_.comparators, batch);
  std::vector<double> tf(size_t{m} * tfs);
  tbb::parallel_for(tbb::blocked_range<uint32_t>(0, m, 64),
                    [&](const tbb::blocked_range<uint32_t>& range) {
                      for (uint32_t a = range.begin(); a != range.end(); ++a) {
                        TfAdjustments(overlay, a, tf.data() + size_t{a} * tfs);
                      }
                    });
  std::vector<uint32_t> nationality(m);
  for (uint32_t a = 0; a < m; ++a) {
    nationality[a] = NationalityId(batch.nationality[a]);
  }
  // The pairs of a range of batch records in one sequence, the index
  // records' state loaded kPrefetchAhead pairs ahead.
  const std::vector<size_t>& offsets = candidates.offsets;
  const std::vector<uint32_t>& met = candidates.records;
  std::vector<double> external(met.size());
  tbb::parallel_for(
      tbb::blocked_range<uint32_t>(0, m, 8),
      [&](const tbb::blocked_range<uint32_t>& range) {
        const size_t end = offsets[range.end()];
        for (size_t p = offsets[range.begin()];
             p < end && p < offsets[range.begin()] + kPrefetchAhead; ++p) {
          Prefetch(overlay, met[p]);
        }
        uint32_t a = range.begin();
        for (size_t p = offsets[range.begin()]; p < end; ++p) {
          while (p >= offsets[a + 1]) ++a;
          if (p + kPrefetchAhead < end) {
            Prefetch(overlay, met[p + kPrefetchAhead]);
          }
          external[p] = CrossWeight(overlay, a, nationality[a], met[p],
                                    tf.data() + size_t{a} * tfs);
        }
      });
  std::vector<double> internal(candidates.internal.size());
  tbb::parallel_for(
      tbb::blocked_range<size_t>(0, internal.size(), 256),
      [&](const tbb::blocked_range<size_t>& range) {
        absl::InlinedVector<uint8_t, 16> levels(overlay.size());
        for (size_t i = range.begin(); i != range.end(); ++i) {
          const auto& [a, b] = candidates.internal[i];
          overlay.WithinLevels(a, b, levels.data());
          const std::string& nationality_a = batch.nationality[a];
          internal[i] =
              Weigh(std::span<const uint8_t>(levels.data(), levels.size()),
                    !nationality_a.empty() &&
                        nationality_a == batch.nationality[b],
                    tf.data() + size_t{a} * tfs) +
              SourcePrior(batch.source[a], batch.source[b]);
        }
      });
  if (absl::Status status = CheckContinue(exec, "resolve batch"); !status.ok()) {
    scored.scored_ = false;
    return status;
  }
  scored.comparisons_ = external.size() + internal.size();

  // Entities: records of the batch linked to each other form one group;
  // a group joins the entity of its strongest link into the index (on
  // equal weights, the lower entity).
  const double threshold = result_.threshold;
  UnionFind groups(m);
  for (size_t i = 0; i < internal.size(); ++i) {
    if (internal[i] >= threshold) {
      groups.Union(candidates.internal[i].first, candidates.internal[i].second);
    }
  }
  std::vector<double> best_weight(m, 0.0);
  std::vector<int64_t> best_entity(m, -1);
  for (uint32_t a = 0; a < m; ++a) {
    const uint32_t root = groups.Find(a);
    const std::span<const uint32_t> list = candidates.external(a);
    for (size_t j = 0; j < list.size(); ++j) {
      const double weight = external[offsets[a] + j];
      if (weight < threshold) continue;
      const int64_t e = entity_[list[j]];
      if (best_entity[root] < 0 || weight > best_weight[root] ||
          (weight == best_weight[root] && e < best_entity[root])) {
        best_weight[root] = weight;
        best_entity[root] = e;
      }
    }
  }
  scored.group_.resize(m);
  scored.joins_.resize(m);
  std::vector<int64_t> first_of_root(m, -1);
  for (uint32_t a = 0; a < m; ++a) {
    const uint32_t root = groups.Find(a);
    if (first_of_root[root] < 0) first_of_root[root] = a;
    scored.group_[a] = static_cast<uint32_t>(first_of_root[root]);
    scored.joins_[a] = best_entity[root];
  }
  return absl::OkStatus();
}

absl::StatusOr<AddReport> Resolver::CommitBatch(PendingBatch scored) {
  if (!scored.scored_) {
    return absl::FailedPreconditionError(
        "resolver: the batch is not scored; score it again");
  }
  if (scored.index_size_ != num_records()) {
    return absl::FailedPreconditionError(absl::StrCat(
        "resolver: the batch was scored against ", scored.index_size_,
        " records, the index now holds ", num_records(), "; score it again"));
  }
  AddReport report;
  const auto m = static_cast<uint32_t>(scored.batch_.size);
  if (m == 0) return report;
  report.comparisons = scored.comparisons_;
  PreparedRecords& index = *result_.prepared;
  const PreparedRecords& batch = scored.batch_;

  // Index the batch: nothing below can fail.
  const auto first = static_cast<uint32_t>(index.size);
  {
    RecordCopier copier(&index);
    index.source_names = batch.source_names;
    for (uint32_t i = 0; i < m; ++i) copier.Append(batch, i);
    // The comparators' per-record state of the new records (interned token
    // lists, packed dates): what later probes and batches meet them by.
    for (const std::unique_ptr<FieldComparator>& comparator :
         result_.comparators) {
      comparator->Extend();
    }
  }
  for (const auto& [field, count] : batch.unparseable) {
    index.unparseable[field] += count;
  }
  for (uint32_t i = 0; i < m; ++i) AppendTraits(index, first + i);
  // Random places of a large table: each loaded a few entries ahead.
  const std::vector<KeyEntry>& entries = scored.entries_;
  for (size_t i = 0; i < entries.size(); ++i) {
    if (i + 8 < entries.size()) added_keys_.prefetch(entries[i + 8].hash);
    added_keys_[entries[i].hash].push_back(first + entries[i].record);
  }
  report.records.resize(m);
  report.entities.resize(m);
  entity_.reserve(entity_.size() + m);
  for (uint32_t i = 0; i < m; ++i) {
    uint32_t e;
    if (scored.joins_[i] >= 0) {
      e = static_cast<uint32_t>(scored.joins_[i]);
    } else if (scored.group_[i] == i) {
      e = static_cast<uint32_t>(num_entities_++);
      ++report.new_entities;
    } else {
      e = report.entities[scored.group_[i]];  // its group's first record
    }
    entity_.push_back(e);
    report.records[i] = first + i;
    report.entities[i] = e;
  }
  return report;
}

}  // namespace reckon

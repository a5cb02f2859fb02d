// One-against-many resolution over a link result: which entities a probe
// record may belong to, scored by the linker's own comparators, model and
// term-frequency adjustment; and incremental indexing of records that arrive
// after the link (the daemon's batches between relinks).
//
//   RECKON_ASSIGN_OR_RETURN(LinkResult result, linker->Link(records, {}, {}));
//   RECKON_ASSIGN_OR_RETURN(std::unique_ptr<Resolver> resolver,
//                           Resolver::Create(*linker, std::move(result), {}));
//   RECKON_ASSIGN_OR_RETURN(std::vector<EntityCandidate> candidates,
//                           resolver->Resolve(probe, {}, {}));
//
// How a probe is compared. The link's field comparators (made once over
// the index by the linker) compare the probe, or a batch, in place: the
// probe set is a ComparatorOverlay (comparisons.h) whose per-record state
// (interned token lists, dates, document numbers) is expressed in the
// index's id spaces, so no index record is copied and no comparator is
// made per call; the levels are those a joint link would give. Indexing a
// batch appends its records to the index's prepared set and extends the
// comparators (FieldComparator::Extend). Term-frequency adjustments use the
// frequencies of the link, within the pair's nationality when both records
// give the same one, as the linker's TermFrequencyAdjustment (values the
// link never saw count as seen once); the link's source-pair prior is added
// when both records are of sources the link had (a probe without a known
// source gets none).
//
// Candidates. A probe meets the records that share a blocking key value
// with it, in blocks that with the probe stay within the key's cap
// (LinkerConfig::MaxBlockSize), as in
// the linker (whose BlockIndex drops single-record blocks, which a probe
// needs; so the resolver keeps its own key index, singletons included).
// Keys that only find training pairs are not probed through. Fallback keys
// (BlockingKeySpec::when_missing) are, as the linker pairs through them: a
// probe or added record lacking the field meets every record of a fallback
// block; one that has it meets only the block's records lacking it.
// The link mode applies when the probe names a source the index holds. Of
// the records met, at most ResolverOptions::max_records_per_probe are
// compared: those sharing the most key values with the probe, then those
// met in the smallest block (a rare shared value says more than a common
// one), then the lowest record numbers. So a probe among a thousand
// namesakes compares the few that also share its birth date or document.
//
// Cost. Candidates are found per record in parallel (TBB), the blocks'
// lookups in the key index batched so that their cache misses overlap; the
// records met are counted in a small per-thread table, not sorted. The
// records of a batch are scored in parallel, each pair costing what a pair
// of the link costs: all its levels in one call
// (ComparatorOverlay::CrossLevels), reading one 64-byte row of the index
// record (loaded a few pairs ahead, as the linker's compare loop does) and
// 8 bytes of the resolver's own (RecordTraits); its weight is a sum of
// precomputed level weights. Term-frequency adjustments are computed once
// per probe record, not per pair. Results do not depend on the number of
// threads.
//
// Thread-safety: const methods (Resolve, Explain, ScoreBatch) may run
// concurrently with each other; CommitBatch and Add must not run
// concurrently with anything (guard the resolver with a reader/writer
// lock), except PrepareBatch, which needs no lock. Adding a batch as
// PrepareBatch unlocked, ScoreBatch under the shared lock, then CommitBatch
// under the exclusive one keeps Resolve calls waiting only for the short
// commit, never for the preparation or the scoring.
#ifndef RECKON_LINKAGE_LINKER_RESOLVER_H_
#define RECKON_LINKAGE_LINKER_RESOLVER_H_

#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/container/inlined_vector.h"
#include "absl/status/statusor.h"
#include "linkage/base/exec.h"
#include "linkage/base/record.h"
#include "linkage/block/blocker.h"
#include "linkage/linker/comparisons.h"
#include "linkage/linker/linker.h"
#include "linkage/linker/prepared.h"
#include "linkage/normalize/name_forms.h"

namespace reckon {

struct ResolverOptions {
  // Index records compared with one probe or added record, at most (see
  // the file comment for which); 0: every record met.
  size_t max_records_per_probe = 64;
};

struct ResolveOptions {
  // At most this many entities, best first (0: no limit).
  size_t max_candidates = 10;
  // Only entities whose best record reaches this match probability.
  double min_probability = 0.0;
};

// An entity the probe may belong to, judged by its best-scoring record.
struct EntityCandidate {
  uint32_t entity = 0;
  uint32_t best_record = 0;  // index record
  double weight = 0.0;       // match weight, term-frequency adjusted
  double probability = 0.0;
  // Field by field, the probe (value_a) against the best record (value_b).
  std::vector<FieldExplanation> fields;
  // The source-pair prior (LinkResult::source_pair_prior) in `weight`: 0
  // unless the probe names a source of the link.
  double source_pair_prior = 0.0;
};

// What Add did with a batch.
struct AddReport {
  // Per added record, in order: its index record number and entity.
  std::vector<uint32_t> records;
  std::vector<uint32_t> entities;
  uint32_t new_entities = 0;
  uint64_t comparisons = 0;
};

// A batch on its way into the index: prepared by Resolver::PrepareBatch,
// resolved against the index by ScoreBatch, indexed by CommitBatch.
// Opaque; movable.
class PendingBatch {
 public:
  PendingBatch() = default;
  PendingBatch(PendingBatch&&) = default;
  PendingBatch& operator=(PendingBatch&&) = default;

  size_t size() const { return batch_.size; }
  bool scored() const { return scored_; }
  // Once scored: records that join an existing entity (the rest start new
  // ones, alone or with others of the batch).
  size_t joining() const;
  // Once scored: pairs scored.
  uint64_t comparisons() const { return comparisons_; }
  // Once scored, per record `i`: the existing entity it joins, or -1; and
  // the first record of its group (the batch's records that link to each
  // other, which share one entity). CommitBatch numbers the new entities
  // of groups joining none in order of their first record, from
  // num_entities(): what lets a caller name them before the commit.
  int64_t joins(size_t i) const { return joins_[i]; }
  uint32_t group(size_t i) const { return group_[i]; }

 private:
  friend class Resolver;
  PreparedRecords batch_;
  std::vector<KeyEntry> entries_;  // of the batch, sorted and distinct
  bool scored_ = false;
  size_t index_size_ = 0;          // Resolver::num_records() when scored
  std::vector<uint32_t> group_;    // per record: its group's first record
  std::vector<int64_t> joins_;     // per record: existing entity, or -1
  uint64_t comparisons_ = 0;
};

class Resolver {
 public:
  // Indexes `result` (which must come from `linker`, and is kept: its
  // records are the index's records 0..n-1 and its entities the first
  // entities). `linker` must outlive the resolver: its name normalizer
  // prepares probes and added records. Fails per `exec`.
  static absl::StatusOr<std::unique_ptr<Resolver>> Create(
      const Linker& linker, LinkResult result, const ExecOptions& exec,
      const ResolverOptions& options = ResolverOptions());

  Resolver(const Resolver&) = delete;
  Resolver& operator=(const Resolver&) = delete;

  // Records indexed: those of the link, then those added.
  size_t num_records() const { return entity_.size(); }
  size_t num_linked_records() const { return linked_records_; }
  size_t num_entities() const { return num_entities_; }
  uint32_t entity(uint32_t record) const { return entity_[record]; }
  const LinkResult& result() const { return result_; }
  const Linker& linker() const { return linker_; }

  // Entities the probe may belong to, best first; empty when no record
  // shares a usable blocking key with it. A probe field that cannot be
  // parsed counts as missing. Fails only per `exec`.
  absl::StatusOr<std::vector<EntityCandidate>> Resolve(
      const Record& probe, const ResolveOptions& options,
      const ExecOptions& exec) const;

  // How the model sees index records `a` and `b` (Linker::Explain for two
  // linked records; otherwise `a` is compared with `b` as a probe would be).
  // REQUIRES: a, b < num_records().
  PairExplanation Explain(uint32_t a, uint32_t b) const;

  // Resolves `records` against the index and each other and indexes them:
  // a record joins the entity of its best link at or above the threshold
  // (records of the batch that link to each other share one entity), or
  // starts a new entity. Entities are not re-clustered (that is a relink's
  // work), so a batch never merges two existing entities. Fails per `exec`,
  // leaving the index unchanged.
  // PrepareBatch, ScoreBatch and CommitBatch in one.
  absl::StatusOr<AddReport> Add(const std::vector<Record>& records,
                                const ExecOptions& exec);

  // Add in three steps, so that the slow ones run beside other calls:
  //
  // PrepareBatch normalizes `records` and computes their keys. It reads
  // only what Create fixed, so it may run concurrently with anything,
  // CommitBatch and Add included. Fails per `exec`.
  absl::StatusOr<PendingBatch> PrepareBatch(const std::vector<Record>& records,
                                            const ExecOptions& exec) const;

  // ScoreBatch resolves a prepared batch against the index and within
  // itself, changing only `batch` (it may run beside Resolve). Fails per
  // `exec`.
  absl::Status ScoreBatch(PendingBatch* batch, const ExecOptions& exec) const;

  // CommitBatch indexes a scored batch (new entities numbered in order of
  // their first record). kFailedPrecondition, changing nothing, when the
  // batch is not scored or records were added since it was scored (score
  // it again). Otherwise cannot fail.
  absl::StatusOr<AddReport> CommitBatch(PendingBatch batch);

 private:
  Resolver(const Linker& linker, LinkResult result,
           const ResolverOptions& options);

  // Per record of a prepared set, the index records it is compared with,
  // ascending; and the pairs within the set that share a usable key.
  struct Candidates;
  Candidates FindCandidates(const PreparedRecords& prepared,
                            const std::vector<KeyEntry>& sorted, bool within,
                            bool apply_mode) const;
  // The adjustments an exact agreement on comparison `c` with the value
  // `described` (FieldComparator::Describe) of a record of `nationality`
  // earns: with a record of another (or no) nationality, and with one of
  // the same nationality.
  void TfAdjustment(size_t c, const std::string& described,
                    const std::string& nationality, double* global,
                    double* same_nationality) const;
  // For each comparison with term-frequency adjustment (tf_comparisons_
  // order), `out[k]` the global and `out[tfs + k]` the same-nationality
  // adjustment of overlay record `a`.
  void TfAdjustments(const ComparatorOverlay& overlay, uint32_t a,
                     double* out) const;
  // A pair's match weight from its levels; `tf_a` the TfAdjustments of its
  // first record.
  double Weigh(std::span<const uint8_t> levels, bool same_nationality,
               const double* tf_a) const;
  // LinkResult::source_pair_prior of two records of sources `a` and `b`
  // (numbered as the index numbers them); 0 when either is not a source
  // of the link.
  double SourcePrior(uint16_t a, uint16_t b) const;
  // Overlay record `a`, of nationality NationalityId `nationality_a`, with
  // index record `b`.
  double CrossWeight(const ComparatorOverlay& overlay, uint32_t a,
                     uint32_t nationality_a, uint32_t b,
                     const double* tf_a) const;
  // Starts loading what CrossWeight reads of index record `b` (a hint).
  void Prefetch(const ComparatorOverlay& overlay, uint32_t b) const;
  // Pairs scored ahead of the one whose index record Prefetch loads: what
  // hides the cache misses on the index records' rows (the linker's
  // compare loop prefetches as far ahead).
  static constexpr size_t kPrefetchAhead = 8;
  // The id of a nationality among the index's (traits_): 0 for none,
  // kUnseenNationality for one no index record has (which equals none).
  static constexpr uint32_t kUnseenNationality = UINT32_MAX;
  uint32_t NationalityId(const std::string& nationality) const;
  // Appends the traits of record `r` of `records` (numbered as the index
  // numbers sources) to traits_, interning its nationality.
  void AppendTraits(const PreparedRecords& records, size_t r);
  std::vector<FieldExplanation> ExplainFields(const ComparatorOverlay& overlay,
                                              uint32_t a, uint32_t b) const;

  const Linker& linker_;
  const ResolverOptions options_;
  LinkResult result_;
  // The link's source names: what PrepareBatch numbers sources by (added
  // batches may append sources to the index's list; ScoreBatch renumbers).
  std::vector<std::string> linked_sources_;
  size_t linked_records_ = 0;
  std::vector<uint32_t> entity_;
  size_t num_entities_ = 0;
  // Key index of the linked records (candidate and fallback keys): sorted
  // distinct hashes, each with its record count and (unless oversized) its
  // members at key_members_[key_offsets_[k]] to [key_offsets_[k + 1]]; a
  // fallback key's members lacking its field first, then the others, then
  // (one more entry) how many lack it.
  std::vector<uint64_t> key_hashes_;
  std::vector<uint32_t> key_sizes_;
  std::vector<size_t> key_offsets_;
  std::vector<uint32_t> key_members_;
  // key_directory_[b] to key_directory_[b + 1]: where in key_hashes_ the
  // hashes of bucket b (KeyBucket, their top key_directory_bits_ bits) are.
  std::vector<uint32_t> key_directory_;
  int key_directory_bits_ = 1;
  size_t KeyBucket(uint64_t hash) const {
    return static_cast<size_t>(hash >> (64 - key_directory_bits_));
  }
  // The position of `hash` in key_hashes_, or kNoKey.
  static constexpr size_t kNoKey = SIZE_MAX;
  size_t FindKey(uint64_t hash) const;
  // Members added since the link, by hash. Most keys get one or two in a
  // relink's time: held inline (the same 24 bytes as a std::vector), so
  // that indexing a batch allocates for few of them.
  using AddedMembers = absl::InlinedVector<uint32_t, 4>;
  absl::flat_hash_map<uint64_t, AddedMembers> added_keys_;
  // Per index record, what a pair's weight needs beside its levels, in 8
  // bytes (one cache miss, prefetched with the comparators' row) rather
  // than the index's nationality string and source columns.
  struct RecordTraits {
    uint32_t nationality;  // NationalityId, never kUnseenNationality
    uint16_t source;
  };
  std::vector<RecordTraits> traits_;
  absl::flat_hash_map<std::string, uint32_t> nationality_ids_;  // from 1

  // Per comparison with term-frequency adjustment: the share of linked
  // records holding each value, by the value's canonical text (see
  // TermText in resolver.cc); and 1 / records holding any value.
  std::vector<absl::flat_hash_map<std::string, double>> term_frequency_;
  std::vector<double> unseen_frequency_;
  // The same within nationalities (the link's smoothed shares), by
  // nationality and value text (NationalityTermText in resolver.cc).
  std::vector<absl::flat_hash_map<std::string, double>> nationality_frequency_;
  std::vector<size_t> tf_comparisons_;
  // ComparisonModel::Weight(level, same_group) of comparison c at
  // level_weights_[level_offsets_[c] + level] (levels past the missing one
  // weigh as it does), for pairs out of the group; the same for pairs in
  // it from level_weights_.size() / 2 on. Computed once: a pair's weight
  // is then a sum of table entries (the same numbers), no logarithms.
  std::vector<size_t> level_offsets_;
  std::vector<double> level_weights_;
  std::vector<bool> is_name_comparison_;
};

}  // namespace reckon

#endif  // RECKON_LINKAGE_LINKER_RESOLVER_H_

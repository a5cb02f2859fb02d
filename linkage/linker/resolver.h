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
// How a probe is compared. Field comparators read one PreparedRecords and
// precompute per-record state (interned values, term ids), so they cannot
// compare a record of one set with a record of another. The resolver copies
// the probe and its candidate records (found through the blocking keys)
// into a small scratch PreparedRecords and builds comparators over it. Every
// comparator is a function of the two records' prepared values (token text
// and codes, dates, document numbers, folded strings), so the scratch gives
// the levels a joint link would give; the existing comparators and the
// linker are untouched. Term-frequency adjustments use the frequencies of
// the link (values it never saw count as seen once).
//
// Candidates. A probe meets the records that share a blocking key value
// with it, in blocks that with the probe stay within max_block_size, as in
// the linker (whose BlockIndex drops single-record blocks, which a probe
// needs; so the resolver keeps its own key index, singletons included).
// The link mode applies when the probe names a source the index holds.
//
// Thread-safety: const methods may run concurrently with each other; Add
// must not run concurrently with anything (guard the resolver with a
// reader/writer lock).
#ifndef RECKON_LINKAGE_LINKER_RESOLVER_H_
#define RECKON_LINKAGE_LINKER_RESOLVER_H_

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "linkage/base/exec.h"
#include "linkage/base/record.h"
#include "linkage/linker/linker.h"
#include "linkage/normalize/name_forms.h"

namespace reckon {

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
};

// What Add did with a batch.
struct AddReport {
  // Per added record, in order: its index record number and entity.
  std::vector<uint32_t> records;
  std::vector<uint32_t> entities;
  uint32_t new_entities = 0;
  uint64_t comparisons = 0;
};

class Resolver {
 public:
  // Indexes `result` (which must come from `linker`, and is kept: its
  // records are the index's records 0..n-1 and its entities the first
  // entities). `linker` must outlive the resolver: its name normalizer
  // prepares probes and added records. Fails per `exec`.
  static absl::StatusOr<std::unique_ptr<Resolver>> Create(
      const Linker& linker, LinkResult result, const ExecOptions& exec);

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
  // linked records; the same computation through a scratch set when either
  // was added later). REQUIRES: a, b < num_records().
  PairExplanation Explain(uint32_t a, uint32_t b) const;

  // Resolves `records` against the index and each other and indexes them:
  // a record joins the entity of its best link at or above the threshold
  // (records of the batch that link to each other share one entity), or
  // starts a new entity. Entities are not re-clustered (that is a relink's
  // work), so a batch never merges two existing entities. Fails per `exec`,
  // leaving the index unchanged.
  absl::StatusOr<AddReport> Add(const std::vector<Record>& records,
                                const ExecOptions& exec);

 private:
  Resolver(const Linker& linker, LinkResult result);

  // Candidate index records of every record of `prepared` (by its key
  // hashes), as (prepared record, index record) pairs, plus pairs within
  // `prepared` when `within` is set.
  struct Candidates;
  Candidates FindCandidates(const PreparedRecords& prepared,
                            const std::vector<KeyEntry>& entries, bool within,
                            bool apply_mode) const;
  double TfAdjustment(size_t c, const FieldComparator& comparator,
                      uint32_t record) const;
  double PairWeight(const std::vector<std::unique_ptr<FieldComparator>>& cmp,
                    uint32_t a, uint32_t b) const;
  std::vector<FieldExplanation> ExplainFields(
      const std::vector<std::unique_ptr<FieldComparator>>& cmp, uint32_t a,
      uint32_t b) const;

  const Linker& linker_;
  LinkResult result_;
  size_t linked_records_ = 0;
  std::vector<uint32_t> entity_;
  size_t num_entities_ = 0;
  // Index token lookup: text -> id in result_.prepared->tokens.
  absl::flat_hash_map<std::string, uint32_t> token_ids_;

  // Key index of the linked records: sorted distinct hashes, each with its
  // record count and (unless oversized) its members.
  std::vector<uint64_t> key_hashes_;
  std::vector<uint32_t> key_sizes_;
  std::vector<size_t> key_offsets_;
  std::vector<uint32_t> key_members_;
  // Members added since the link, by hash.
  absl::flat_hash_map<uint64_t, std::vector<uint32_t>> added_keys_;

  // Per comparison with term-frequency adjustment: the share of linked
  // records holding each value, by the value's canonical text (see
  // TermText in resolver.cc); and 1 / records holding any value.
  std::vector<absl::flat_hash_map<std::string, double>> term_frequency_;
  std::vector<double> unseen_frequency_;
  std::vector<size_t> tf_comparisons_;
  std::vector<bool> is_name_comparison_;
};

}  // namespace reckon

#endif  // RECKON_LINKAGE_LINKER_RESOLVER_H_

// The linkage backend over the matching core (see linkage_backend.h for
// what it does; this file says how).
//
// A batch's way in (CommitAndResolve). Scoring a batch needs the batches
// before it indexed (a record may join an entity a previous batch started),
// and its entity assignments go in the transaction that stores it (one
// fsync; a crash leaves records and assignments together or neither). So
// that the next batch scores while this one's transaction and fsync run, a
// batch is indexed in memory BEFORE its commit: score and index one batch
// at a time (persist_mu_), queue it for the commit in that order, and
// commit outside that section. Group commit: whoever is at the head of the
// queue when no commit runs takes every batch queued (up to
// kMaxGroupBatches) and commits them in ONE store transaction
// (SqliteStore::CommitBatches, one fsync); the others wait for it. With
// several clients the commits were the serialized part (each batch waited
// for the fsyncs of those before it); now a group costs one fsync and one
// pass over the pages the batches share. The guarantees stay those of the
// store:
// - the reply comes after the durable commit of the batch's group;
// - nothing acknowledged is lost: the store is the truth; the index is
//   rebuilt from it at start;
// - a resubmitted batch is never counted twice (the store's batch key,
//   also between two batches of one group: the second is the duplicate);
//   it is not resolved first when its key is already committed, or when
//   the index has any of its records (its first submission in flight), and
//   the queue keeps it from reaching the store before its first submission;
// - nothing half-written: a group's transaction stores every batch of it
//   or none (an SQLite failure fails every batch of the group, each
//   getting the error; a batch the store refuses outright, a REQUIRES
//   broken, fails alone and is left out).
// The index may hold a batch for the time before its group commits: a
// concurrent Resolve may name those records (read uncommitted, the answer
// is the one the index gives once the commit lands). If the commit then
// does not store what was indexed (SQLite fails, for the whole group; the
// store rejects a record the index lacked, stored by another process; a
// batch key committed meanwhile), the index is marked stale: reads answer
// kUnavailable, batches are stored without resolution, and a relink
// rebuilds the index from the store (ids kept, as at start). The resolver
// cannot un-index (it appends to the link's comparators), so a rebuild is
// the undo; these failures are rare, the common refusals (record id
// already stored and indexed, duplicate batch) are caught before indexing.
// Alternative not taken: scoring against the index plus the uncommitted
// batches needs comparators over two overlays (linkage/linker).
//
// Locks, always taken in this order:
//   persist_mu_  serializes what changes the index or writes entity
//                assignments outside a batch's own transaction: a batch's
//                scoring and indexing (and its place in the commit
//                queue), the resolution of a batch stored without it
//                (OnRecordsStored),
//                a relink's swap and save. A relink's save first waits for
//                every batch indexed to be committed, so that its "replace
//                every assignment" never precedes a batch's own. It also
//                guards the entity id sequence (next_entity_), whose
//                reservations in the store so happen outside mu_. It is
//                not held across a batch's store transaction.
//   mu_          reader/writer lock over the serving index: Resolve and the
//                other reads share it, and so does the slow half of adding
//                a batch (Resolver::ScoreBatch, which only reads); indexing
//                the scored batch (CommitBatch, appends) and swapping in a
//                relinked index take it exclusively, in memory only, never
//                across a store write. So Resolve waits at most for a
//                batch's indexing, never for its scoring or its commit.
//   turn_mu_     the commit queue (commit_queue_, committing_,
//                done_turns_), never held across a store write.
//   ops_mu_      the operations table.
#include <algorithm>
#include <atomic>
#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <utility>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"

#include "linkage/base/status_macros.h"
#include "linkage/estimate/linked_records.h"
#include "linkage/estimate/report.h"
#include "linkage/linker/linker.h"
#include "linkage/linker/resolver.h"
#include "service/daemon/linkage_backend.h"
#include "service/daemon/log.h"
#include "service/daemon/proto_convert.h"

namespace reckon::service {
namespace {

// Entity ids are reserved in the store this many at a time, so that an id
// handed out between relinks is never handed out again after a crash.
constexpr int64_t kIdReserve = 4096;

std::string EntityIdOf(int64_t number) {
  return absl::StrFormat("E%08d", number);
}

// Progress of a relink by stage: where each stage starts.
double StageStart(std::string_view stage) {
  static const std::map<std::string_view, double> kStart = {
      {"load", 0.0},   {"prepare", 0.10}, {"block", 0.25},
      {"compare", 0.35}, {"train", 0.55}, {"score", 0.65},
      {"cluster", 0.75}, {"index", 0.85}, {"save", 0.92}};
  auto it = kStart.find(stage);
  return it == kStart.end() ? 0.0 : it->second;
}

// The serving state: the resolver and what maps its numbers to the
// outside world's names.
struct Index {
  std::unique_ptr<Resolver> resolver;
  std::vector<RecordKey> keys;  // per index record
  absl::flat_hash_map<RecordKey, uint32_t> by_key;
  std::vector<std::string> entity_ids;  // per entity number
  absl::flat_hash_map<std::string, uint32_t> by_id;
  std::vector<std::vector<uint32_t>> members;  // per entity number
};

void PopulationToProto(const StratumReport& report,
                       v1::PopulationEstimate* proto) {
  const Estimate& e = report.estimate;
  proto->set_observed(e.observed);
  for (size_t s = 0; s < e.sources.size() && s < e.per_source.size(); ++s) {
    (*proto->mutable_per_source())[e.sources[s]] = e.per_source[s];
  }
  proto->set_n_hat(e.estimated ? e.n_hat : 0.0);
  proto->set_ci95_low(report.ci_low);
  proto->set_ci95_high(report.ci_high);
  proto->set_model(e.model);
  for (const ModelResult& m : e.models) {
    v1::ModelFit* fit = proto->add_models();
    fit->set_model(m.model);
    fit->set_n_hat(m.n_hat);
    if (m.has_interval) {
      fit->set_ci95_low(m.ci_low);
      fit->set_ci95_high(m.ci_high);
    }
    if (m.aic) fit->set_aic(*m.aic);
    if (m.bic) fit->set_bic(*m.bic);
  }
}

void FieldToProto(const FieldExplanation& field, v1::FieldReason* proto) {
  proto->set_field(field.comparison);
  proto->set_level(field.level_name);
  proto->set_weight(field.weight);
  proto->set_left_value(field.value_a);
  proto->set_right_value(field.value_b);
  proto->set_tf_adjustment(field.tf_adjustment);
  proto->set_level_number(field.level);
}

// At most this many batches are committed in one transaction: bounds a
// group's log growth and the wait of the batches at its tail. With a few
// clients the queue rarely holds more.
constexpr size_t kMaxGroupBatches = 32;

// A batch in the commit queue (see CommitAndResolve). The thread that
// commits its group sets the fields below `done` and then `done`; the
// batch's own thread reads them once `done` (or after committing itself).
struct QueuedCommit {
  store::BatchToCommit batch;
  // Indexed before the commit (its assignments in `batch`), or in part.
  bool indexed = false;
  bool indexed_in_part = false;
  int64_t indexed_records = 0;
  bool done = false;  // guarded by the queue's mutex
  absl::StatusOr<store::CommitResult> result;
  std::vector<Record> stored;  // the records the commit stored
  bool mismatch = false;       // indexed, but not stored as indexed
  absl::Time group_start;
  absl::Time group_end;
  int64_t group_batches = 0;
  int64_t group_records = 0;
};

class ResolvingLinkage final : public LinkageBackend {
 public:
  explicit ResolvingLinkage(std::unique_ptr<Linker> linker)
      : linker_(std::move(linker)) {}

  ~ResolvingLinkage() override {
    cancel_.store(true);
    std::thread worker;
    {
      absl::MutexLock lock(&ops_mu_);
      worker = std::move(worker_);
    }
    if (worker.joinable()) worker.join();
  }

  bool available() const override { return true; }

  absl::Status Load(store::SqliteStore& store) override {
    store_ = &store;
    RECKON_ASSIGN_OR_RETURN(store::ResolutionState state,
                            store.LoadResolutionState());
    {
      absl::MutexLock lock(&persist_mu_);
      next_entity_ = state.next_entity;
      reserved_entity_ = state.next_entity;
    }
    if (state.last_relink.has_value()) {
      last_relink_unix_.store(state.last_relink->finished_unix);
      // Rebuild the index in the background; ids come from the stored
      // assignments.
      RECKON_RETURN_IF_ERROR(StartRelink(v1::RelinkRequest()).status());
    }
    return absl::OkStatus();
  }

  // Resolves and indexes the batch before its commit, then commits it with
  // its assignments in one transaction outside persist_mu_, so that the
  // next batch scores while this one's transaction is written (see the file
  // comment for why this keeps the guarantees):
  //   1. prepare with no lock;
  //   2. under persist_mu_: score under the shared lock and name the
  //      entities; index the batch under the exclusive lock (the index now
  //      holds it, uncommitted); queue it for the commit;
  //   3. with no lock: commit it in its group (CommitQueued); the group's
  //      committer, under the exclusive lock, hands the stored records to a
  //      running relink and, if a commit did not store what was indexed,
  //      marks the index stale; then a relink rebuilds it from the store.
  // A batch not resolved in step 2 (no index yet, a stale one, a failure,
  // a record the index or store has already, a batch id committed before)
  // is committed alone and resolved after, as OnRecordsStored.
  absl::StatusOr<store::CommitResult> CommitAndResolve(
      store::SqliteStore& store, store::BatchToCommit batch,
      const ExecOptions& exec) override {
    const absl::Time start = absl::Now();
    std::vector<Record> records;
    records.reserve(batch.records.size());
    for (const store::IndexedRecord& item : batch.records) {
      records.push_back(item.record);
    }
    QueuedCommit entry;
    const std::shared_ptr<Index> prepared_for = CurrentIndex();
    std::optional<PendingBatch> pending;
    absl::Status resolved;
    if (prepared_for != nullptr && !records.empty()) {
      // A batch id committed before makes a duplicate: indexing its records
      // first would only have to be undone.
      absl::StatusOr<bool> committed = store.HasBatch(batch.key);
      if (!committed.ok()) {
        resolved = committed.status();
      } else if (!*committed) {
        absl::StatusOr<PendingBatch> prepared =
            prepared_for->resolver->PrepareBatch(records, exec);
        if (prepared.ok()) {
          pending = *std::move(prepared);
        } else {
          resolved = prepared.status();
        }
      }
    }
    const absl::Time prepared_at = absl::Now();
    bool indexed = false;
    bool indexed_in_part = false;
    std::vector<Record> fresh;
    int64_t joining = 0;
    int64_t starting = 0;
    absl::Time locked_at;
    absl::Time scored_at;
    {
      absl::MutexLock persist(&persist_mu_);
      locked_at = absl::Now();
      const Index* scored_against = nullptr;
      if (resolved.ok() && pending.has_value()) {
        absl::ReaderMutexLock lock(&mu_);
        // Only a batch whose every record is new to the index (and distinct)
        // is resolved first: the store would reject the others, and the
        // index must hold exactly what the commit stores.
        if (index_ != nullptr && !stale_ &&
            FreshLocked(*index_, records).size() == records.size() &&
            DistinctKeys(records)) {
          resolved = ScoreAndNameLocked(prepared_for, records, exec,
                                        &*pending, &fresh, &joining,
                                        &starting, &batch);
          if (resolved.ok()) scored_against = index_.get();
        }
      }
      scored_at = absl::Now();
      if (scored_against != nullptr) {
        absl::WriterMutexLock lock(&mu_);
        if (index_.get() == scored_against && !stale_) {
          resolved = IndexScoredLocked(std::move(*pending), fresh, batch);
          indexed = resolved.ok();
          if (!resolved.ok() &&
              resolved.code() != absl::StatusCode::kFailedPrecondition) {
            // Indexed in part: only a rebuild is sure to undo it.
            stale_ = true;
            indexed_in_part = true;
          }
        }
      }
      if (!indexed) {
        batch.assignments.clear();
        if (!resolved.ok()) {
          Log(LogLevel::kError, "resolve_before_commit_failed",
              {{"code", absl::StatusCodeToString(resolved.code())}});
        }
      }
      // 3a. Queue for the commit in indexing order (so that a batch resolved
      // after another never reaches the store before it: a resubmitted
      // batch then always finds its first submission committed).
      entry.batch = std::move(batch);
      entry.indexed = indexed;
      entry.indexed_in_part = indexed_in_part;
      entry.indexed_records = static_cast<int64_t>(fresh.size());
      ++issued_turns_;
      absl::MutexLock lock(&turn_mu_);
      commit_queue_.push_back(&entry);
    }
    const absl::Time indexed_at = absl::Now();

    // 3b. The commit: by this batch's thread if it is at the head of the
    // queue, with every batch queued behind it (one transaction); else by
    // the thread of the group it is in.
    CommitQueued(store, &entry);
    absl::StatusOr<store::CommitResult> result = std::move(entry.result);
    const bool mismatch = entry.mismatch;
    const std::vector<Record> stored = std::move(entry.stored);
    if (mismatch) {
      const std::string code =
          result.ok() ? std::string("OK")
                      : absl::StatusCodeToString(result.status().code());
      Log(LogLevel::kError, "commit_after_index_failed",
          {{"code", code}, {"duplicate", result.ok() && result->duplicate}});
      // The index holds records the store does not: rebuild it from the
      // store. Reads answer kUnavailable meanwhile.
      absl::Status rebuild = StartRelink(v1::RelinkRequest()).status();
      if (!rebuild.ok()) {
        Log(LogLevel::kError, "rebuild_failed",
            {{"code", absl::StatusCodeToString(rebuild.code())}});
      }
    }
    if (!result.ok()) return result.status();
    if (result->duplicate || result->accepted == 0) return result;
    if (!indexed) {
      if (absl::Status status = OnRecordsStored(stored, exec); !status.ok()) {
        Log(LogLevel::kError, "resolve_after_commit_failed",
            {{"sequence", result->sequence},
             {"code", absl::StatusCodeToString(status.code())}});
      }
      return result;
    }
    // Counts only: no personal data in logs.
    const auto added = static_cast<int64_t>(fresh.size());
    const int64_t started = starting;
    Log(LogLevel::kInfo, "batch_resolved",
        {{"records", added},
         {"joined_existing_entities", joining},
         {"new_entities", started},
         {"joined_new_entities", added - joining - started},
         {"prepare_ms", absl::ToDoubleMilliseconds(prepared_at - start)},
         {"wait_ms", absl::ToDoubleMilliseconds(locked_at - prepared_at)},
         {"score_ms", absl::ToDoubleMilliseconds(scored_at - locked_at)},
         // Indexing under the exclusive lock, before the commit.
         {"index_ms", absl::ToDoubleMilliseconds(indexed_at - scored_at)},
         // Until the transaction of the batch's group began.
         {"turn_ms",
          absl::ToDoubleMilliseconds(entry.group_start - indexed_at)},
         // The group's transaction: the records and assignments of
         // `group_batches` batches, one fsync.
         {"save_ms",
          absl::ToDoubleMilliseconds(entry.group_end - entry.group_start)},
         {"group_batches", entry.group_batches},
         {"group_records", entry.group_records}});
    return result;
  }

  absl::Status OnRecordsStored(const std::vector<Record>& records,
                                const ExecOptions& exec) override {
    const absl::Time start = absl::Now();
    // 1. Prepare (normalize, key) with no lock held: PrepareBatch reads only
    // what the resolver fixed at its creation, and the shared_ptr keeps it
    // alive through a relink's swap. Concurrent batches prepare in parallel.
    const std::shared_ptr<Index> prepared_for = CurrentIndex();
    std::optional<PendingBatch> pending;
    if (prepared_for != nullptr) {
      RECKON_ASSIGN_OR_RETURN(
          pending, prepared_for->resolver->PrepareBatch(records, exec));
    }
    const absl::Time prepared_at = absl::Now();
    absl::ReleasableMutexLock persist(&persist_mu_);
    const absl::Time locked_at = absl::Now();
    // 2. Score under the shared lock: the index cannot change meanwhile, as
    // everything that changes it holds persist_mu_.
    const Index* scored_against = nullptr;
    std::vector<Record> fresh;
    int64_t joining = 0;
    {
      absl::ReaderMutexLock lock(&mu_);
      if (index_ != nullptr && !stale_) {
        scored_against = index_.get();
        fresh = FreshLocked(*index_, records);
        if (index_ != prepared_for || fresh.size() != records.size()) {
          // A relink swapped the index in, or has some of these records.
          RECKON_ASSIGN_OR_RETURN(pending,
                                  index_->resolver->PrepareBatch(fresh, exec));
        }
        RECKON_RETURN_IF_ERROR(index_->resolver->ScoreBatch(&*pending, exec));
        joining = static_cast<int64_t>(pending->joining());
        // Reserve the ids of the new entities now, not under mu_.
        RECKON_RETURN_IF_ERROR(
            ReserveIds(static_cast<int64_t>(pending->size()) - joining));
      }
    }
    const absl::Time scored_at = absl::Now();
    // 3. Index under the exclusive lock: appends only.
    std::vector<store::EntityAssignment> assignments;
    AddReport report;
    {
      absl::WriterMutexLock lock(&mu_);
      // A running relink has these records already (CommitAndResolve hands
      // every stored record to it); a stale index is being rebuilt.
      if (index_ == nullptr || stale_) return absl::OkStatus();
      if (index_.get() != scored_against || !pending.has_value()) {
        return absl::InternalError(
            "resolve: the index changed while a batch was scored");
      }
      RECKON_ASSIGN_OR_RETURN(report,
                              index_->resolver->CommitBatch(std::move(*pending)));
      RECKON_RETURN_IF_ERROR(
          RecordAddedLocked(*index_, fresh, report, &assignments));
    }
    if (assignments.empty()) return absl::OkStatus();
    const absl::Time committed_at = absl::Now();
    // 4. Save, outside persist_mu_ so that the next batch scores meanwhile.
    // Batches queue their assignments in commit order; whoever saves next
    // writes everything queued in one transaction (one fsync for several
    // batches), so saves keep commit order.
    uint64_t ticket = 0;
    {
      absl::MutexLock queue(&queue_mu_);
      queued_.insert(queued_.end(), std::make_move_iterator(assignments.begin()),
                     std::make_move_iterator(assignments.end()));
      queued_next_entity_ = std::max(queued_next_entity_, next_entity_);
      ticket = ++queued_tickets_;
    }
    persist.Release();
    RECKON_RETURN_IF_ERROR(SaveQueued(ticket));
    // Counts only: no personal data in logs.
    const auto added = static_cast<int64_t>(report.records.size());
    const auto started = static_cast<int64_t>(report.new_entities);
    Log(LogLevel::kInfo, "batch_resolved",
        {{"records", added},
         {"joined_existing_entities", joining},
         {"new_entities", started},
         {"joined_new_entities", added - joining - started},
         {"comparisons", static_cast<int64_t>(report.comparisons)},
         {"prepare_ms", absl::ToDoubleMilliseconds(prepared_at - start)},
         {"wait_ms", absl::ToDoubleMilliseconds(locked_at - prepared_at)},
         {"score_ms", absl::ToDoubleMilliseconds(scored_at - locked_at)},
         {"commit_ms", absl::ToDoubleMilliseconds(committed_at - scored_at)},
         {"save_ms", absl::ToDoubleMilliseconds(absl::Now() - committed_at)}});
    return absl::OkStatus();
  }

  absl::StatusOr<v1::ResolveResponse> Resolve(
      const v1::ResolveRequest& request, const ExecOptions& exec) override {
    ResolveOptions options;
    options.max_candidates = request.max_candidates() > 0
                                 ? static_cast<size_t>(request.max_candidates())
                                 : 10;
    options.min_probability = request.min_match_probability();
    Record probe = RecordFromProto(request.probe());
    absl::ReaderMutexLock lock(&mu_);
    RECKON_RETURN_IF_ERROR(CheckIndexLocked("Resolve"));
    RECKON_ASSIGN_OR_RETURN(std::vector<EntityCandidate> candidates,
                            index_->resolver->Resolve(probe, options, exec));
    v1::ResolveResponse response;
    for (const EntityCandidate& candidate : candidates) {
      v1::Candidate* out = response.add_candidates();
      out->set_entity_id(index_->entity_ids[candidate.entity]);
      out->set_weight(candidate.weight);
      out->set_match_probability(candidate.probability);
      const RecordKey& key = index_->keys[candidate.best_record];
      out->mutable_best_record()->set_source(key.source);
      out->mutable_best_record()->set_source_record_id(key.source_record_id);
      for (const FieldExplanation& field : candidate.fields) {
        FieldToProto(field, out->add_fields());
      }
    }
    return response;
  }

  absl::StatusOr<v1::Entity> GetEntity(const v1::GetEntityRequest& request,
                                       bool with_records,
                                       const ExecOptions&) override {
    v1::Entity entity;
    std::vector<RecordKey> keys;
    {
      absl::ReaderMutexLock lock(&mu_);
      RECKON_RETURN_IF_ERROR(CheckIndexLocked("GetEntity"));
      uint32_t number = 0;
      if (request.has_record()) {
        RECKON_ASSIGN_OR_RETURN(uint32_t record,
                                FindRecordLocked(request.record(), "record"));
        number = index_->resolver->entity(record);
      } else if (!request.entity_id().empty()) {
        auto it = index_->by_id.find(request.entity_id());
        if (it == index_->by_id.end()) {
          return absl::NotFoundError(absl::StrCat(
              "entity_id: no entity \"", request.entity_id(), "\""));
        }
        number = it->second;
      } else {
        return absl::InvalidArgumentError(
            "GetEntity: give an entity_id or a record");
      }
      entity.set_entity_id(index_->entity_ids[number]);
      for (uint32_t record : index_->members[number]) {
        keys.push_back(index_->keys[record]);
      }
    }
    for (const RecordKey& key : keys) {
      v1::RecordRef* ref = entity.add_members();
      ref->set_source(key.source);
      ref->set_source_record_id(key.source_record_id);
    }
    if (with_records) {
      RECKON_ASSIGN_OR_RETURN(std::vector<Record> records,
                              store_->GetRecords(keys));
      for (const Record& record : records) {
        RecordToProto(record, entity.add_records());
      }
    }
    return entity;
  }

  absl::StatusOr<v1::ExplainResponse> Explain(
      const v1::ExplainRequest& request, const ExecOptions&) override {
    absl::ReaderMutexLock lock(&mu_);
    RECKON_RETURN_IF_ERROR(CheckIndexLocked("Explain"));
    RECKON_ASSIGN_OR_RETURN(uint32_t a,
                            FindRecordLocked(request.left(), "left"));
    RECKON_ASSIGN_OR_RETURN(uint32_t b,
                            FindRecordLocked(request.right(), "right"));
    const Resolver& resolver = *index_->resolver;
    const PairExplanation explanation = resolver.Explain(a, b);
    v1::ExplainResponse response;
    for (const FieldExplanation& field : explanation.fields) {
      FieldToProto(field, response.add_fields());
    }
    response.set_total_weight(explanation.weight);
    response.set_source_pair_prior(explanation.source_pair_prior);
    response.set_threshold(explanation.threshold);
    response.set_match_probability(explanation.probability);
    response.set_linked(a != b && explanation.weight >= explanation.threshold);
    response.set_same_entity(resolver.entity(a) == resolver.entity(b));
    for (const auto& [key, value] : explanation.shared_keys) {
      response.add_shared_blocking_keys(absl::StrCat(key, "=", value));
    }
    return response;
  }

  absl::StatusOr<v1::Operation> StartRelink(
      const v1::RelinkRequest&) override {
    absl::MutexLock lock(&ops_mu_);
    if (running_.has_value()) return operations_.at(*running_);
    if (worker_.joinable()) worker_.join();  // the last one has finished
    v1::Operation operation;
    operation.set_name(absl::StrCat("operations/relink-", ++operation_count_));
    operation.set_state(v1::Operation::STATE_RUNNING);
    operation.set_created_unix(absl::ToUnixSeconds(absl::Now()));
    operation.set_stage("load");
    operations_[operation.name()] = operation;
    running_ = operation.name();
    worker_ = std::thread([this, name = operation.name()] { RunRelink(name); });
    return operation;
  }

  absl::StatusOr<v1::Operation> GetOperation(std::string_view name) override {
    absl::MutexLock lock(&ops_mu_);
    auto it = operations_.find(std::string(name));
    if (it == operations_.end()) {
      return absl::NotFoundError(
          absl::StrCat("operation \"", absl::string_view(name.data(), name.size()),
                       "\": no such operation"));
    }
    return it->second;
  }

  absl::StatusOr<v1::EstimateResponse> Estimate(
      const v1::EstimateRequest& request, const ExecOptions& exec) override {
    LinkedRecords link;
    {
      absl::ReaderMutexLock lock(&mu_);
      RECKON_RETURN_IF_ERROR(CheckIndexLocked("Estimate"));
      link = LinkedRecordsLocked();
    }
    LinkReportOptions options;
    if (!request.by().empty()) options.by = request.by();
    RECKON_ASSIGN_OR_RETURN(LinkReport report,
                            EstimateFromLinkedRecords(link, options, exec));
    v1::EstimateResponse response;
    PopulationToProto(report.total, response.mutable_total());
    for (const StratumReport& stratum : report.strata) {
      PopulationToProto(stratum, &(*response.mutable_strata())[stratum.label]);
    }
    return response;
  }

  // For ExportLinkage (the `reckon audit --server` commands).
  absl::StatusOr<LinkageSnapshot> Snapshot(const ExecOptions&) const override {
    absl::ReaderMutexLock lock(&mu_);
    RECKON_RETURN_IF_ERROR(CheckIndexLocked("ExportLinkage"));
    LinkageSnapshot snapshot;
    snapshot.link = LinkedRecordsLocked();
    snapshot.keys = index_->keys;
    const LinkResult& result = index_->resolver->result();
    snapshot.model = result.model;
    snapshot.threshold = result.threshold;
    snapshot.links = result.links;
    snapshot.last_relink_unix = last_relink_unix_.load();
    return snapshot;
  }

  int64_t entity_count() const override {
    absl::ReaderMutexLock lock(&mu_);
    return index_ == nullptr ? 0
                             : static_cast<int64_t>(index_->entity_ids.size());
  }

  int64_t last_relink_unix() const override {
    return last_relink_unix_.load();
  }

 private:
  absl::Status CheckIndexLocked(std::string_view call) const
      ABSL_SHARED_LOCKS_REQUIRED(mu_) {
    const absl::string_view name(call.data(), call.size());
    if (stale_) {
      return absl::UnavailableError(absl::StrCat(
          name, ": the index is being rebuilt after a failed commit; retry "
                "when the relink is done"));
    }
    if (index_ != nullptr) return absl::OkStatus();
    if (capturing_) {
      return absl::UnavailableError(absl::StrCat(
          name, ": the first relink is still running; retry when it is done"));
    }
    return absl::FailedPreconditionError(absl::StrCat(
        name, ": no entities yet: store records, then run Relink (admin role) "
              "once"));
  }

  absl::StatusOr<uint32_t> FindRecordLocked(const v1::RecordRef& ref,
                                            std::string_view what) const
      ABSL_SHARED_LOCKS_REQUIRED(mu_) {
    auto it = index_->by_key.find(
        RecordKey{ref.source(), ref.source_record_id()});
    if (it == index_->by_key.end()) {
      return absl::NotFoundError(absl::StrCat(
          absl::string_view(what.data(), what.size()), ": no record \"",
          ref.source_record_id(), "\" in source \"", ref.source(), "\""));
    }
    return it->second;
  }

  // Saves the queued assignments unless those up to `ticket` are saved
  // already (by another batch's save, or superseded by a relink's).
  absl::Status SaveQueued(uint64_t ticket) ABSL_LOCKS_EXCLUDED(save_mu_) {
    absl::MutexLock save(&save_mu_);
    if (saved_tickets_ >= ticket) return absl::OkStatus();
    std::vector<store::EntityAssignment> assignments;
    int64_t next_entity = 0;
    uint64_t last = 0;
    {
      absl::MutexLock queue(&queue_mu_);
      assignments.swap(queued_);
      next_entity = queued_next_entity_;
      last = queued_tickets_;
    }
    saved_tickets_ = last;
    return store_->SaveAssignments(assignments, next_entity);
  }

  // Commits the queued `entry` (queued under persist_mu_, in indexing
  // order): waits until it is committed by the group it joined, or until it
  // is at the head of the queue with no group committing; then this thread
  // commits it with every batch queued behind it (up to kMaxGroupBatches)
  // in one transaction, sets each one's result and wakes their threads.
  void CommitQueued(store::SqliteStore& store, QueuedCommit* entry)
      ABSL_LOCKS_EXCLUDED(persist_mu_, mu_, turn_mu_) {
    std::vector<QueuedCommit*> group;
    {
      absl::MutexLock lock(&turn_mu_);
      auto ready = [this, entry]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(turn_mu_) {
        return entry->done ||
               (!committing_ && !commit_queue_.empty() &&
                commit_queue_.front() == entry);
      };
      turn_mu_.Await(absl::Condition(&ready));
      if (entry->done) return;
      committing_ = true;
      while (!commit_queue_.empty() && group.size() < kMaxGroupBatches) {
        group.push_back(commit_queue_.front());
        commit_queue_.pop_front();
      }
    }
    CommitGroup(store, group);
    absl::MutexLock lock(&turn_mu_);
    for (QueuedCommit* member : group) member->done = true;
    done_turns_ += group.size();
    committing_ = false;
  }

  // Commits `group` in one store transaction and, for each batch, sets its
  // result, its stored records and whether the index now holds what the
  // store lacks (mismatch: a batch indexed but not stored as indexed, e.g.
  // every indexed batch of a group whose transaction failed). Before its
  // batches count as committed: hands their stored records to a running
  // relink and marks the index stale on a mismatch.
  void CommitGroup(store::SqliteStore& store,
                   const std::vector<QueuedCommit*>& group)
      ABSL_LOCKS_EXCLUDED(persist_mu_, mu_, turn_mu_) {
    std::vector<const store::BatchToCommit*> batches;
    batches.reserve(group.size());
    int64_t records = 0;
    for (const QueuedCommit* member : group) {
      batches.push_back(&member->batch);
      records += static_cast<int64_t>(member->batch.records.size());
    }
    const absl::Time start = absl::Now();
    std::vector<absl::StatusOr<store::CommitResult>> results =
        store.CommitBatches(batches);
    const absl::Time end = absl::Now();
    bool any_mismatch = false;
    for (size_t i = 0; i < group.size(); ++i) {
      QueuedCommit& member = *group[i];
      member.result = std::move(results[i]);
      const absl::StatusOr<store::CommitResult>& result = member.result;
      member.mismatch =
          member.indexed_in_part ||
          (member.indexed &&
           (!result.ok() || result->duplicate || !result->assignments_stored ||
            result->accepted != member.indexed_records));
      any_mismatch = any_mismatch || member.mismatch;
      if (result.ok()) {
        member.stored = StoredRecords(std::move(member.batch), *result);
      }
      member.group_start = start;
      member.group_end = end;
      member.group_batches = static_cast<int64_t>(group.size());
      member.group_records = records;
    }
    absl::WriterMutexLock lock(&mu_);
    if (capturing_) {
      for (const QueuedCommit* member : group) {
        pending_.insert(pending_.end(), member->stored.begin(),
                        member->stored.end());
      }
    }
    if (any_mismatch) stale_ = true;
  }

  // `records` less those `index` already holds (a batch captured during a
  // relink whose snapshot also has it).
  static std::vector<Record> FreshLocked(const Index& index,
                                         const std::vector<Record>& records) {
    std::vector<Record> fresh;
    fresh.reserve(records.size());
    for (const Record& record : records) {
      if (!index.by_key.contains(record.Key())) fresh.push_back(record);
    }
    return fresh;
  }

  // Whether no two of `records` share a key.
  static bool DistinctKeys(const std::vector<Record>& records) {
    absl::flat_hash_set<RecordKey> keys;
    keys.reserve(records.size());
    for (const Record& record : records) {
      if (!keys.insert(record.Key()).second) return false;
    }
    return true;
  }

  // For CommitAndResolve: indexes `pending` (scored by ScoreAndNameLocked
  // for `fresh`, whose assignments `batch` carries) and checks that the
  // entities it starts get the ids named. kFailedPrecondition when the
  // resolver refuses the batch, the index then unchanged; any other error
  // leaves it indexed in part.
  absl::Status IndexScoredLocked(PendingBatch pending,
                                 const std::vector<Record>& fresh,
                                 const store::BatchToCommit& batch)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(persist_mu_, mu_) {
    RECKON_ASSIGN_OR_RETURN(AddReport report,
                            index_->resolver->CommitBatch(std::move(pending)));
    std::vector<store::EntityAssignment> named;
    absl::Status added = RecordAddedLocked(*index_, fresh, report, &named);
    if (!added.ok()) return absl::InternalError(added.message());
    for (size_t i = 0; i < named.size(); ++i) {
      if (named[i].entity_id != batch.assignments[i].entity_id) {
        return absl::InternalError(
            "resolve: an entity was named otherwise than stored");
      }
    }
    return absl::OkStatus();
  }

  // Makes sure `count` more entity ids can be handed out without a store
  // write, reserving a block in the store if not.
  absl::Status ReserveIds(int64_t count)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(persist_mu_) {
    if (next_entity_ + count <= reserved_entity_) return absl::OkStatus();
    const int64_t reserved = next_entity_ + count + kIdReserve;
    RECKON_RETURN_IF_ERROR(store_->SaveAssignments({}, reserved));
    reserved_entity_ = reserved;
    return absl::OkStatus();
  }

  // Hands out the next entity number, reserving more ids in the store when
  // the reserve runs out.
  absl::StatusOr<int64_t> NextEntityLocked()
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(persist_mu_) {
    RECKON_RETURN_IF_ERROR(ReserveIds(1));
    return next_entity_++;
  }

  absl::Status NameNewEntitiesLocked(Index& index)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(persist_mu_, mu_) {
    while (index.entity_ids.size() < index.resolver->num_entities()) {
      RECKON_ASSIGN_OR_RETURN(int64_t number, NextEntityLocked());
      index.entity_ids.push_back(EntityIdOf(number));
      index.by_id[index.entity_ids.back()] =
          static_cast<uint32_t>(index.entity_ids.size() - 1);
      index.members.emplace_back();
    }
    return absl::OkStatus();
  }

  // For CommitAndResolve, under persist_mu_ and the shared lock: scores
  // `pending` (prepared from `records` against `prepared_for`; prepared
  // again when a relink swapped the index in or it has some records) and
  // fills `batch`'s assignments: joined entities by their ids, new ones by
  // the ids NameNewEntitiesLocked will hand out next, reserved now.
  absl::Status ScoreAndNameLocked(
      const std::shared_ptr<Index>& prepared_for,
      const std::vector<Record>& records, const ExecOptions& exec,
      PendingBatch* pending, std::vector<Record>* fresh, int64_t* joining,
      int64_t* starting_out, store::BatchToCommit* batch)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(persist_mu_)
          ABSL_SHARED_LOCKS_REQUIRED(mu_) {
    const Index& index = *index_;
    *fresh = FreshLocked(index, records);
    if (index_ != prepared_for || fresh->size() != records.size()) {
      RECKON_ASSIGN_OR_RETURN(*pending,
                              index.resolver->PrepareBatch(*fresh, exec));
    }
    RECKON_RETURN_IF_ERROR(index.resolver->ScoreBatch(pending, exec));
    *joining = static_cast<int64_t>(pending->joining());
    int64_t starting = 0;
    batch->assignments.clear();
    batch->assignments.reserve(fresh->size());
    for (size_t i = 0; i < fresh->size(); ++i) {
      std::string id;
      if (pending->joins(i) >= 0) {
        id = index.entity_ids[static_cast<size_t>(pending->joins(i))];
      } else if (pending->group(i) == i) {
        id = EntityIdOf(next_entity_ + starting++);
      } else {
        id = batch->assignments[pending->group(i)].entity_id;
      }
      batch->assignments.push_back(
          {(*fresh)[i].source, (*fresh)[i].source_record_id, std::move(id)});
    }
    RECKON_RETURN_IF_ERROR(ReserveIds(starting));
    batch->next_entity = next_entity_ + starting;
    *starting_out = starting;
    return absl::OkStatus();
  }

  // Names the entities `report` started and records where `fresh` (the
  // records it indexed, in order) went, appending their assignments.
  absl::Status RecordAddedLocked(
      Index& index, const std::vector<Record>& fresh, const AddReport& report,
      std::vector<store::EntityAssignment>* assignments)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(persist_mu_, mu_) {
    RECKON_RETURN_IF_ERROR(NameNewEntitiesLocked(index));
    for (size_t i = 0; i < fresh.size(); ++i) {
      const uint32_t record = report.records[i];
      const uint32_t entity = report.entities[i];
      index.keys.push_back(fresh[i].Key());
      index.by_key[index.keys.back()] = record;
      index.members[entity].push_back(record);
      assignments->push_back({fresh[i].source, fresh[i].source_record_id,
                              index.entity_ids[entity]});
    }
    return absl::OkStatus();
  }

  // Resolves and indexes `records` (skipping those the index already has)
  // in one step, appending their assignments.
  absl::Status AddLocked(Index& index, const std::vector<Record>& records,
                         const ExecOptions& exec,
                         std::vector<store::EntityAssignment>* assignments)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(persist_mu_, mu_) {
    const std::vector<Record> fresh = FreshLocked(index, records);
    if (fresh.empty()) return absl::OkStatus();
    RECKON_ASSIGN_OR_RETURN(AddReport report, index.resolver->Add(fresh, exec));
    return RecordAddedLocked(index, fresh, report, assignments);
  }

  LinkedRecords LinkedRecordsLocked() const ABSL_SHARED_LOCKS_REQUIRED(mu_) {
    const Resolver& resolver = *index_->resolver;
    const LinkResult& result = resolver.result();
    const PreparedRecords& prepared = *result.prepared;
    LinkedRecords link;
    link.sources = prepared.source_names;
    link.record_source.assign(prepared.source.begin(), prepared.source.end());
    link.record_entity.resize(resolver.num_records());
    for (uint32_t r = 0; r < resolver.num_records(); ++r) {
      link.record_entity[r] = resolver.entity(r);
    }
    link.entity_ids = index_->entity_ids;
    link.attribute_names = {"nationality", "sex", "region", "sector"};
    link.attributes.assign(4, std::vector<std::string>(link.entity_ids.size()));
    for (size_t e = 0; e < link.entity_ids.size(); ++e) {
      if (e < result.entity_info.size()) {
        const EntityInfo& info = result.entity_info[e];
        link.attributes[0][e] = info.nationality;
        link.attributes[1][e] = info.sex;
        link.attributes[2][e] = info.region;
        link.attributes[3][e] = info.sector;
        continue;
      }
      // An entity started between relinks: what its first record says.
      if (index_->members[e].empty()) continue;
      const uint32_t r = index_->members[e].front();
      link.attributes[0][e] = prepared.nationality[r];
      if (prepared.sex[r] != Sex::kUnknown) {
        link.attributes[1][e].assign(1, prepared.sex[r] == Sex::kMale ? 'M' : 'F');
      }
    }
    for (const ScoredPair& pair : result.pairs) {
      link.pairs.push_back({pair.a, pair.b, pair.weight, pair.probability});
    }
    for (size_t e = 0; e < link.entity_ids.size(); ++e) {
      link.entity_index[link.entity_ids[e]] = static_cast<uint32_t>(e);
    }
    return link;
  }

  void SetProgress(const std::string& name, const std::string& stage) {
    absl::MutexLock lock(&ops_mu_);
    v1::Operation& operation = operations_[name];
    operation.set_stage(stage);
    operation.set_progress(StageStart(stage));
  }

  void Finish(const std::string& name, const absl::StatusOr<v1::RelinkResult>& result) {
    absl::MutexLock lock(&ops_mu_);
    v1::Operation& operation = operations_[name];
    operation.set_done(true);
    operation.set_finished_unix(absl::ToUnixSeconds(absl::Now()));
    if (result.ok()) {
      operation.set_state(v1::Operation::STATE_SUCCEEDED);
      operation.set_progress(1.0);
      operation.set_stage("done");
      *operation.mutable_result() = *result;
    } else {
      operation.set_state(v1::Operation::STATE_FAILED);
      operation.set_error_code(static_cast<int32_t>(result.status().code()));
      operation.set_error_message(std::string(result.status().message()));
    }
    running_.reset();
  }

  void RunRelink(const std::string& name) {
    const absl::Time start = absl::Now();
    absl::StatusOr<v1::RelinkResult> result = Relink(name, start);
    // A batch's commit failed after this relink swapped its index in, while
    // the operation still ran (so it started none): rebuild again.
    while (result.ok() && IsStale()) result = Relink(name, absl::Now());
    if (result.ok()) {
      Log(LogLevel::kInfo, "relink",
          {{"operation", name},
           {"records", result->records()},
           {"entities", result->entities()},
           {"candidate_pairs", result->candidate_pairs()},
           {"links", result->links()},
           {"merges", result->merges()},
           {"splits", result->splits()},
           {"seconds", absl::ToDoubleSeconds(absl::Now() - start)}});
    } else {
      Log(LogLevel::kError, "relink_failed",
          {{"operation", name},
           {"code", absl::StatusCodeToString(result.status().code())}});
      absl::WriterMutexLock lock(&mu_);
      capturing_ = false;
      pending_.clear();
    }
    Finish(name, result);
  }

  absl::StatusOr<v1::RelinkResult> Relink(const std::string& name,
                                          absl::Time start) {
    ExecOptions exec;
    exec.cancelled = &cancel_;
    {
      absl::WriterMutexLock lock(&mu_);
      capturing_ = true;
      pending_.clear();
    }
    // Load every stored record (batches committed from here on are also
    // captured in pending_, so none falls between the snapshot and the swap).
    std::vector<Record> records;
    RECKON_RETURN_IF_ERROR(
        store_->ForEachRecord([&](int64_t, const Record& record) {
          records.push_back(record);
          return CheckContinue(exec, "relink");
        }));
    if (records.size() < 2) {
      return absl::FailedPreconditionError(absl::StrCat(
          "relink: ", records.size(), " stored records; need at least two"));
    }
    RECKON_ASSIGN_OR_RETURN(
        LinkResult linked,
        linker_->Link(records, {}, exec, [&](const std::string& stage) {
          SetProgress(name, stage);
        }));
    v1::RelinkResult summary;
    summary.set_records(static_cast<int64_t>(records.size()));
    summary.set_candidate_pairs(static_cast<int64_t>(linked.candidate_pairs));
    summary.set_links(static_cast<int64_t>(linked.links));
    SetProgress(name, "index");
    RECKON_ASSIGN_OR_RETURN(std::unique_ptr<Resolver> resolver,
                            Resolver::Create(*linker_, std::move(linked), exec));
    auto index = std::make_unique<Index>();
    index->resolver = std::move(resolver);
    // Room for the records batches will add before the next relink, so
    // that a commit (under the exclusive lock) rarely grows these.
    const size_t room = records.size() + std::max<size_t>(records.size() / 4, 4096);
    index->keys.reserve(room);
    index->by_key.reserve(room);
    for (uint32_t r = 0; r < records.size(); ++r) {
      index->keys.push_back(records[r].Key());
      index->by_key[index->keys.back()] = r;
    }
    std::vector<Record>().swap(records);

    // Entity ids before this relink, by record.
    absl::flat_hash_map<RecordKey, std::string> previous;
    bool have_index = false;
    {
      absl::ReaderMutexLock lock(&mu_);
      have_index = index_ != nullptr;
    }
    if (!have_index) {
      RECKON_RETURN_IF_ERROR(
          store_->ForEachAssignment([&](const store::EntityAssignment& row) {
            previous[RecordKey{row.source, row.source_record_id}] =
                row.entity_id;
            return absl::OkStatus();
          }));
    }

    SetProgress(name, "save");
    absl::MutexLock persist(&persist_mu_);
    // Batches indexed but not yet committed: wait for their commits, so that
    // the swap below sees each (handed to pending_ once stored) and none
    // stores assignments of the old index after this relink's save. No new
    // batch takes a turn meanwhile: that needs persist_mu_.
    {
      const uint64_t issued = issued_turns_;
      absl::MutexLock lock(&turn_mu_);
      auto drained = [this, issued]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(turn_mu_) {
        return done_turns_ >= issued;
      };
      turn_mu_.Await(absl::Condition(&drained));
    }
    std::vector<store::EntityAssignment> assignments;
    std::vector<store::EntityChange> changes;
    int64_t next_entity = 0;
    {
      absl::WriterMutexLock lock(&mu_);
      if (index_ != nullptr) {
        for (uint32_t r = 0; r < index_->keys.size(); ++r) {
          previous[index_->keys[r]] =
              index_->entity_ids[index_->resolver->entity(r)];
        }
      }
      RECKON_RETURN_IF_ERROR(AssignIds(*index, previous, &changes));
      // Batches committed while the link ran.
      std::vector<store::EntityAssignment> ignored;
      RECKON_RETURN_IF_ERROR(AddLocked(*index, pending_, exec, &ignored));
      pending_.clear();
      capturing_ = false;
      stale_ = false;
      for (uint32_t r = 0; r < index->keys.size(); ++r) {
        assignments.push_back(
            {index->keys[r].source, index->keys[r].source_record_id,
             index->entity_ids[index->resolver->entity(r)]});
      }
      summary.set_entities(static_cast<int64_t>(index->entity_ids.size()));
      index_ = std::move(index);
      next_entity = next_entity_;
    }
    for (const store::EntityChange& change : changes) {
      if (change.kind == store::EntityChange::Kind::kMerge) {
        summary.set_merges(summary.merges() + 1);
      } else {
        summary.set_splits(summary.splits() + 1);
      }
    }
    store::RelinkRow row;
    row.started_unix = absl::ToUnixSeconds(start);
    row.finished_unix = absl::ToUnixSeconds(absl::Now());
    row.records = summary.records();
    row.entities = summary.entities();
    row.candidate_pairs = summary.candidate_pairs();
    row.links = summary.links();
    row.merges = summary.merges();
    row.splits = summary.splits();
    {
      // Batches' assignments still queued were made on the old index before
      // the swap; this save replaces every assignment, theirs included.
      absl::MutexLock save(&save_mu_);
      {
        absl::MutexLock queue(&queue_mu_);
        queued_.clear();
        next_entity = std::max(next_entity, queued_next_entity_);
        saved_tickets_ = queued_tickets_;
      }
      RECKON_RETURN_IF_ERROR(
          store_->SaveRelink(row, assignments, changes, next_entity).status());
    }
    last_relink_unix_.store(row.finished_unix);
    return summary;
  }

  // Names the relinked entities of `index`: each old id goes to the new
  // entity sharing most records with it (ties: the lower entity number), an
  // entity keeps at most one old id (the one it shares most records with),
  // the rest get new ids. Logs merges and splits into `changes`.
  absl::Status AssignIds(Index& index,
                         const absl::flat_hash_map<RecordKey, std::string>& previous,
                         std::vector<store::EntityChange>* changes)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(persist_mu_, mu_) {
    const Resolver& resolver = *index.resolver;
    const size_t entities = resolver.num_entities();
    // (new entity, old id) -> shared records.
    std::map<std::pair<uint32_t, std::string>, int64_t> shared;
    for (uint32_t r = 0; r < index.keys.size(); ++r) {
      auto it = previous.find(index.keys[r]);
      if (it == previous.end()) continue;
      ++shared[{resolver.entity(r), it->second}];
    }
    struct Overlap {
      int64_t records;
      uint32_t entity;
      std::string old_id;
    };
    std::vector<Overlap> overlaps;
    for (const auto& [key, count] : shared) {
      overlaps.push_back({count, key.first, key.second});
    }
    std::sort(overlaps.begin(), overlaps.end(),
              [](const Overlap& x, const Overlap& y) {
                if (x.records != y.records) return x.records > y.records;
                if (x.entity != y.entity) return x.entity < y.entity;
                return x.old_id < y.old_id;
              });
    std::vector<std::string> ids(entities);
    absl::flat_hash_map<std::string, uint32_t> taken;
    for (const Overlap& overlap : overlaps) {
      if (!ids[overlap.entity].empty() || taken.contains(overlap.old_id)) {
        continue;
      }
      ids[overlap.entity] = overlap.old_id;
      taken[overlap.old_id] = overlap.entity;
    }
    index.entity_ids.clear();
    index.by_id.clear();
    index.members.assign(entities, {});
    // Room for entities that batches start before the next relink, so that
    // naming one (under the exclusive lock) rarely rehashes or moves these.
    const size_t room = entities + std::max<size_t>(entities / 4, 4096);
    index.entity_ids.reserve(room);
    index.by_id.reserve(room);
    index.members.reserve(room);
    for (uint32_t e = 0; e < entities; ++e) {
      if (ids[e].empty()) {
        RECKON_ASSIGN_OR_RETURN(int64_t number, NextEntityLocked());
        ids[e] = EntityIdOf(number);
      }
      index.entity_ids.push_back(ids[e]);
      index.by_id[ids[e]] = e;
    }
    for (uint32_t r = 0; r < index.keys.size(); ++r) {
      index.members[resolver.entity(r)].push_back(r);
    }
    // A new entity with records of an old id it did not keep absorbed
    // (merged) that entity's records; an old id whose records went to an
    // entity other than the one keeping it was split.
    for (const auto& [key, count] : shared) {
      const auto& [entity, old_id] = key;
      if (ids[entity] == old_id) continue;
      auto kept = taken.find(old_id);
      if (kept == taken.end()) {
        changes->push_back({store::EntityChange::Kind::kMerge, ids[entity],
                            old_id, count});
      } else {
        changes->push_back({store::EntityChange::Kind::kSplit, old_id,
                            ids[entity], count});
      }
    }
    return absl::OkStatus();
  }

  const std::unique_ptr<Linker> linker_;
  store::SqliteStore* store_ = nullptr;
  std::atomic<int64_t> last_relink_unix_{0};
  std::atomic<bool> cancel_{false};

  absl::Mutex persist_mu_ ABSL_ACQUIRED_BEFORE(mu_, save_mu_);
  // Saves of batches' assignments (see OnRecordsStored); a relink's save
  // takes save_mu_ too, dropping what is queued (its save covers it).
  absl::Mutex save_mu_ ABSL_ACQUIRED_BEFORE(queue_mu_);
  uint64_t saved_tickets_ ABSL_GUARDED_BY(save_mu_) = 0;
  absl::Mutex queue_mu_;
  std::vector<store::EntityAssignment> queued_ ABSL_GUARDED_BY(queue_mu_);
  int64_t queued_next_entity_ ABSL_GUARDED_BY(queue_mu_) = 0;
  uint64_t queued_tickets_ ABSL_GUARDED_BY(queue_mu_) = 0;
  mutable absl::Mutex mu_;
  std::shared_ptr<Index> index_ ABSL_GUARDED_BY(mu_);
  // The index as it is now; the shared_ptr keeps it alive through a
  // relink's swap.
  std::shared_ptr<Index> CurrentIndex() const ABSL_LOCKS_EXCLUDED(mu_) {
    absl::ReaderMutexLock lock(&mu_);
    return index_;
  }
  bool IsStale() const ABSL_LOCKS_EXCLUDED(mu_) {
    absl::ReaderMutexLock lock(&mu_);
    return stale_;
  }
  bool capturing_ ABSL_GUARDED_BY(mu_) = false;
  // The index holds records the store may not (a batch indexed before its
  // commit, then not stored as indexed): reads answer kUnavailable and
  // batches are not resolved until a relink swaps in a rebuilt index.
  bool stale_ ABSL_GUARDED_BY(mu_) = false;
  // The commit queue: CommitAndResolve queues each batch under persist_mu_
  // (counted in issued_turns_) and the batches are committed in that order,
  // in groups (CommitQueued), done_turns_ counting those committed.
  uint64_t issued_turns_ ABSL_GUARDED_BY(persist_mu_) = 0;
  absl::Mutex turn_mu_;
  std::deque<QueuedCommit*> commit_queue_ ABSL_GUARDED_BY(turn_mu_);
  // A group's transaction is running (its thread took it off the queue).
  bool committing_ ABSL_GUARDED_BY(turn_mu_) = false;
  uint64_t done_turns_ ABSL_GUARDED_BY(turn_mu_) = 0;
  std::vector<Record> pending_ ABSL_GUARDED_BY(mu_);
  int64_t next_entity_ ABSL_GUARDED_BY(persist_mu_) = 1;
  int64_t reserved_entity_ ABSL_GUARDED_BY(persist_mu_) = 1;

  absl::Mutex ops_mu_;
  std::map<std::string, v1::Operation> operations_ ABSL_GUARDED_BY(ops_mu_);
  std::optional<std::string> running_ ABSL_GUARDED_BY(ops_mu_);
  int64_t operation_count_ ABSL_GUARDED_BY(ops_mu_) = 0;
  std::thread worker_ ABSL_GUARDED_BY(ops_mu_);
};

}  // namespace

absl::StatusOr<std::unique_ptr<LinkageBackend>> NewResolvingLinkage(
    LinkerConfig config) {
  RECKON_ASSIGN_OR_RETURN(std::unique_ptr<Linker> linker,
                          Linker::Create(std::move(config)));
  return std::make_unique<ResolvingLinkage>(std::move(linker));
}

}  // namespace reckon::service

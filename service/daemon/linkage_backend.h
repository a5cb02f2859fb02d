// The seam between reckond and the matching core. The RPC adapters in
// reckon_service.cc authenticate, authorize, convert and count; everything
// about resolution (indexing each stored record at once, Resolve, entities,
// Explain, Relink, Estimate) goes through this interface.
//
// NewResolvingLinkage() is the implementation over linkage/linker:
// - Relink (a background operation) loads every stored record, links them
//   with Linker::Link, indexes the result for Resolve (linker/resolver.h)
//   and stores every record's entity id. An entity keeps the id of the
//   previous entity with which it shares the most records (each old id goes
//   to at most one new entity, the one sharing most); the rest get new ids
//   from a sequence that only grows. Every merge (a new entity holding
//   records of several old ones) and split (an old entity's records spread
//   over several new ones) is logged in the store.
// - Until the first relink there is no model: Resolve, GetEntity, Explain
//   and Estimate answer kFailedPrecondition, and stored records wait for it.
//   Once there is one, each batch is resolved as it is committed
//   (CommitAndResolve): its records join entities they link to or start new
//   ones until the next relink re-clusters everything, and their entity ids
//   are stored in the transaction that stores the batch (shared with the
//   batches queued with it: group commit). A batch is indexed just before
//   that transaction (so the next one scores meanwhile); if the commit then
//   stores less than was indexed, reads answer kUnavailable until a relink
//   has rebuilt the index from the store.
// - At start (Load), a store that has been relinked before is relinked in
//   the background so that the index comes back, ids kept stable.
//
// NewUnavailableLinkage() answers every linkage and estimation call with
// kUnimplemented and reports no entities (for builds and tests without the
// matching core).
#ifndef RECKON_SERVICE_DAEMON_LINKAGE_BACKEND_H_
#define RECKON_SERVICE_DAEMON_LINKAGE_BACKEND_H_

#include <cstdint>
#include <memory>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

#include "linkage/base/exec.h"
#include "linkage/base/record.h"
#include "linkage/linker/config.h"
#include "reckon/v1/reckon.pb.h"
#include "service/daemon/linkage_snapshot.h"
#include "service/store/sqlite_store.h"

namespace reckon::service {

// Implementations must be thread-safe: gRPC calls them from many threads.
class LinkageBackend {
 public:
  virtual ~LinkageBackend() = default;

  // False while calls below answer kUnimplemented.
  virtual bool available() const = 0;

  // Loads what the store already holds; called once before serving.
  virtual absl::Status Load(store::SqliteStore& store) = 0;

  // Commits `batch` to `store` and resolves its records. This default
  // commits, then calls OnRecordsStored with the records stored; a backend
  // with an index resolves before the commit instead, so that the entity
  // assignments go in the batch's own transaction. Fails only as
  // SqliteStore::CommitBatch does, the batch then not committed; a
  // resolution failure is logged, never returned: the records are durable
  // and the next relink covers them.
  virtual absl::StatusOr<store::CommitResult> CommitAndResolve(
      store::SqliteStore& store, store::BatchToCommit batch,
      const ExecOptions& exec);

  // Called after a batch commits with the records it stored, so that they
  // are resolved at once. A failure is logged by CommitAndResolve, never
  // returned to the submitter.
  virtual absl::Status OnRecordsStored(const std::vector<Record>& records,
                                       const ExecOptions& exec) = 0;

  virtual absl::StatusOr<v1::ResolveResponse> Resolve(
      const v1::ResolveRequest& request, const ExecOptions& exec) = 0;
  // `with_records`: fill Entity.records (the caller has the audit role).
  virtual absl::StatusOr<v1::Entity> GetEntity(
      const v1::GetEntityRequest& request, bool with_records,
      const ExecOptions& exec) = 0;
  virtual absl::StatusOr<v1::ExplainResponse> Explain(
      const v1::ExplainRequest& request, const ExecOptions& exec) = 0;
  // Starts a relink in the background and returns its operation at once.
  virtual absl::StatusOr<v1::Operation> StartRelink(
      const v1::RelinkRequest& request) = 0;
  virtual absl::StatusOr<v1::Operation> GetOperation(std::string_view name) = 0;
  virtual absl::StatusOr<v1::EstimateResponse> Estimate(
      const v1::EstimateRequest& request, const ExecOptions& exec) = 0;

  // A copy of the current linkage for ExportLinkage (linkage_snapshot.h);
  // kFailedPrecondition before the first relink. The default answers
  // kUnimplemented.
  virtual absl::StatusOr<LinkageSnapshot> Snapshot(const ExecOptions&) const {
    return absl::UnimplementedError(
        "ExportLinkage: not available in this build of reckond");
  }

  // For GetStatus.
  virtual int64_t entity_count() const = 0;
  virtual int64_t last_relink_unix() const = 0;
};

// The records of `batch` that `result` (its commit) says were stored.
std::vector<Record> StoredRecords(store::BatchToCommit batch,
                                  const store::CommitResult& result);

// Calls `backend.OnRecordsStored` for the records `result` stored (none
// for a duplicate), logging a failure.
void ResolveStored(LinkageBackend& backend, store::BatchToCommit batch,
                   const store::CommitResult& result, const ExecOptions& exec);

// The backend of a build without the matching core (see the file comment).
std::unique_ptr<LinkageBackend> NewUnavailableLinkage();

// The backend over the matching core, linking with `config` (see the file
// comment). kInvalidArgument for a config the linker refuses.
absl::StatusOr<std::unique_ptr<LinkageBackend>> NewResolvingLinkage(
    LinkerConfig config);

}  // namespace reckon::service

#endif  // RECKON_SERVICE_DAEMON_LINKAGE_BACKEND_H_

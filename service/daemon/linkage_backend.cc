#include "service/daemon/linkage_backend.h"

#include <memory>
#include <string_view>

#include "absl/container/flat_hash_set.h"
#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "service/daemon/log.h"

namespace reckon::service {
namespace {

absl::Status Unavailable(std::string_view call) {
  return absl::UnimplementedError(
      absl::StrCat(absl::string_view(call.data(), call.size()),
                   ": not available in this build of reckond: the matching "
                   "core is not linked in yet; records are stored and will "
                   "be resolved once it is"));
}

class UnavailableLinkage final : public LinkageBackend {
 public:
  bool available() const override { return false; }
  absl::Status Load(store::SqliteStore&) override { return absl::OkStatus(); }
  absl::Status OnRecordsStored(const std::vector<Record>&,
                               const ExecOptions&) override {
    return absl::OkStatus();
  }
  absl::StatusOr<v1::ResolveResponse> Resolve(const v1::ResolveRequest&,
                                              const ExecOptions&) override {
    return Unavailable("Resolve");
  }
  absl::StatusOr<v1::Entity> GetEntity(const v1::GetEntityRequest&, bool,
                                       const ExecOptions&) override {
    return Unavailable("GetEntity");
  }
  absl::StatusOr<v1::ExplainResponse> Explain(const v1::ExplainRequest&,
                                              const ExecOptions&) override {
    return Unavailable("Explain");
  }
  absl::StatusOr<v1::Operation> StartRelink(const v1::RelinkRequest&) override {
    return Unavailable("Relink");
  }
  absl::StatusOr<v1::Operation> GetOperation(std::string_view) override {
    return Unavailable("GetOperation");
  }
  absl::StatusOr<v1::EstimateResponse> Estimate(const v1::EstimateRequest&,
                                                const ExecOptions&) override {
    return Unavailable("Estimate");
  }
  int64_t entity_count() const override { return 0; }
  int64_t last_relink_unix() const override { return 0; }
};

}  // namespace

std::vector<Record> StoredRecords(store::BatchToCommit batch,
                                  const store::CommitResult& result) {
  std::vector<Record> stored;
  if (result.duplicate) return stored;
  absl::flat_hash_set<int64_t> not_stored;
  for (const store::RecordRejection& rejection : result.rejections) {
    not_stored.insert(rejection.index);
  }
  stored.reserve(batch.records.size());
  for (store::IndexedRecord& item : batch.records) {
    if (!not_stored.contains(item.index)) {
      stored.push_back(std::move(item.record));
    }
  }
  return stored;
}

void ResolveStored(LinkageBackend& backend, store::BatchToCommit batch,
                   const store::CommitResult& result, const ExecOptions& exec) {
  if (result.duplicate || result.accepted == 0) return;
  if (absl::Status status =
          backend.OnRecordsStored(StoredRecords(std::move(batch), result), exec);
      !status.ok()) {
    Log(LogLevel::kError, "resolve_after_commit_failed",
        {{"sequence", result.sequence},
         {"code", absl::StatusCodeToString(status.code())}});
  }
}

absl::StatusOr<store::CommitResult> LinkageBackend::CommitAndResolve(
    store::SqliteStore& store, store::BatchToCommit batch,
    const ExecOptions& exec) {
  absl::StatusOr<store::CommitResult> result = store.CommitBatch(batch);
  if (result.ok()) ResolveStored(*this, std::move(batch), *result, exec);
  return result;
}

std::unique_ptr<LinkageBackend> NewUnavailableLinkage() {
  return std::make_unique<UnavailableLinkage>();
}

}  // namespace reckon::service

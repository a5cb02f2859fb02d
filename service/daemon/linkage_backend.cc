#include "service/daemon/linkage_backend.h"

#include <memory>
#include <string_view>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"

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

std::unique_ptr<LinkageBackend> NewUnavailableLinkage() {
  return std::make_unique<UnavailableLinkage>();
}

}  // namespace reckon::service

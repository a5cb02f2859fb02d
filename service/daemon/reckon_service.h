// The gRPC services of reckond: thin adapters that authenticate and
// authorize each call (auth.h), convert and validate its messages
// (proto_convert.h, validation.h), call the store or the linkage backend,
// map the status once (status_convert.h), and count and log the call
// (metrics.h, log.h). No logic of their own beyond that.
#ifndef RECKON_SERVICE_DAEMON_RECKON_SERVICE_H_
#define RECKON_SERVICE_DAEMON_RECKON_SERVICE_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include <grpcpp/server_context.h>
#include <grpcpp/support/sync_stream.h>

#include "linkage/base/exec.h"
#include "linkage/base/record.h"
#include "reckon/v1/reckon.grpc.pb.h"
#include "service/daemon/auth.h"
#include "service/daemon/linkage_backend.h"
#include "service/daemon/metrics.h"
#include "service/daemon/validation.h"
#include "service/store/sqlite_store.h"

namespace reckon::service {

// What the services share; owned by the Server, which outlives them.
struct ServiceDeps {
  store::SqliteStore* store = nullptr;
  const Authenticator* auth = nullptr;
  const Limits* limits = nullptr;
  Metrics* metrics = nullptr;
  LinkageBackend* linkage = nullptr;
};

class IngestServiceImpl final : public v1::IngestService::Service {
 public:
  explicit IngestServiceImpl(ServiceDeps deps) : deps_(deps) {}

  grpc::Status SubmitBatch(grpc::ServerContext* context,
                           const v1::SubmitBatchRequest* request,
                           v1::SubmitBatchResponse* response) override;
  grpc::Status UploadBatch(grpc::ServerContext* context,
                           grpc::ServerReader<v1::UploadBatchRequest>* reader,
                           v1::SubmitBatchResponse* response) override;
  grpc::Status GetStatus(grpc::ServerContext* context,
                         const v1::GetStatusRequest* request,
                         v1::GetStatusResponse* response) override;

 private:
  // Checks the batch header and the caller's right to submit it; returns
  // the agency the batch is stored under.
  absl::StatusOr<std::string> CheckSubmitter(const Principal& principal,
                                             const std::string& agency,
                                             const std::string& source,
                                             const std::string& batch_id);
  // Validates, commits and fills `response`.
  absl::Status Ingest(const std::string& agency, const std::string& source,
                      const std::string& batch_id, std::vector<Record> records,
                      size_t max_records, const ExecOptions& exec,
                      v1::SubmitBatchResponse* response);

  ServiceDeps deps_;
};

class LinkageServiceImpl final : public v1::LinkageService::Service {
 public:
  explicit LinkageServiceImpl(ServiceDeps deps) : deps_(deps) {}

  grpc::Status Resolve(grpc::ServerContext* context,
                       const v1::ResolveRequest* request,
                       v1::ResolveResponse* response) override;
  grpc::Status GetEntity(grpc::ServerContext* context,
                         const v1::GetEntityRequest* request,
                         v1::Entity* response) override;
  grpc::Status Explain(grpc::ServerContext* context,
                       const v1::ExplainRequest* request,
                       v1::ExplainResponse* response) override;
  grpc::Status Relink(grpc::ServerContext* context,
                      const v1::RelinkRequest* request,
                      v1::Operation* response) override;
  grpc::Status GetOperation(grpc::ServerContext* context,
                            const v1::GetOperationRequest* request,
                            v1::Operation* response) override;
  grpc::Status ExportLinkage(
      grpc::ServerContext* context, const v1::ExportLinkageRequest* request,
      grpc::ServerWriter<v1::ExportLinkageResponse>* writer) override;

 private:
  ServiceDeps deps_;
};

class EstimationServiceImpl final : public v1::EstimationService::Service {
 public:
  explicit EstimationServiceImpl(ServiceDeps deps) : deps_(deps) {}

  grpc::Status Estimate(grpc::ServerContext* context,
                        const v1::EstimateRequest* request,
                        v1::EstimateResponse* response) override;

 private:
  ServiceDeps deps_;
};

}  // namespace reckon::service

#endif  // RECKON_SERVICE_DAEMON_RECKON_SERVICE_H_

#include "service/daemon/reckon_service.h"

#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"

#include "linkage/base/status_macros.h"
#include "service/daemon/linkage_export.h"
#include "service/daemon/log.h"
#include "service/daemon/proto_convert.h"
#include "service/daemon/status_convert.h"

namespace reckon::service {
namespace {

// Per call: the deadline to work to, authentication, and on finishing the
// status mapping, metrics and a log line for failures.
class Call {
 public:
  Call(const ServiceDeps& deps, grpc::ServerContext* context,
       std::string_view method)
      : deps_(deps), context_(context), method_(method), start_(absl::Now()) {
    deps_.metrics->RpcStarted();
    // The client's deadline, but never longer than the server allows.
    exec_.deadline = start_ + deps_.limits->max_call_time;
    const auto client_deadline = context_->deadline();
    if (client_deadline != std::chrono::system_clock::time_point::max()) {
      exec_.deadline =
          std::min(exec_.deadline, absl::FromChrono(client_deadline));
    }
  }

  const ExecOptions& exec() const { return exec_; }

  // Returns OK while the call may go on working.
  absl::Status CheckAlive() const {
    if (context_->IsCancelled()) {
      return absl::CancelledError(
          absl::StrCat(method_, ": cancelled by the client"));
    }
    return CheckContinue(exec_, method_);
  }

  absl::StatusOr<Principal> Authenticate() const {
    std::optional<std::string_view> authorization;
    const auto& metadata = context_->client_metadata();
    if (auto it = metadata.find("authorization"); it != metadata.end()) {
      authorization = std::string_view(it->second.data(), it->second.size());
    }
    return deps_.auth->Authenticate(authorization);
  }

  grpc::Status Finish(const absl::Status& status) {
    const grpc::Status result = ToGrpcStatus(status);
    const absl::Duration elapsed = absl::Now() - start_;
    deps_.metrics->RpcFinished(method_, result.error_code(), elapsed);
    if (!result.ok()) {
      // The message is not logged: it may quote values a client sent.
      Log(result.error_code() == grpc::StatusCode::INTERNAL ? LogLevel::kError
                                                            : LogLevel::kInfo,
          "rpc_failed",
          {{"method", method_},
           {"code", GrpcCodeName(result.error_code())},
           {"ms", absl::ToDoubleMilliseconds(elapsed)}});
    }
    return result;
  }

 private:
  const ServiceDeps& deps_;
  grpc::ServerContext* context_;
  std::string method_;
  absl::Time start_;
  ExecOptions exec_;
};

void FillResponse(const std::string& batch_id,
                  const store::CommitResult& result,
                  v1::SubmitBatchResponse* response) {
  response->set_batch_id(batch_id);
  response->set_duplicate(result.duplicate);
  response->set_accepted(result.accepted);
  response->set_rejected(result.rejected);
  response->set_sequence(result.sequence);
  for (const store::RecordRejection& rejection : result.rejections) {
    v1::RecordError* error = response->add_errors();
    error->set_index(static_cast<int32_t>(rejection.index));
    error->set_source_record_id(rejection.source_record_id);
    error->set_field(rejection.field);
    error->set_message(rejection.message);
  }
}

}  // namespace

absl::StatusOr<std::string> IngestServiceImpl::CheckSubmitter(
    const Principal& principal, const std::string& agency,
    const std::string& source, const std::string& batch_id) {
  std::string stored_agency = agency;
  if (!principal.open) {
    if (!agency.empty() && agency != principal.agency) {
      return absl::PermissionDeniedError(absl::StrCat(
          "agency \"", principal.agency,
          "\": the token may not submit as agency \"", agency, "\""));
    }
    stored_agency = principal.agency;
  }
  RECKON_RETURN_IF_ERROR(CheckName("agency", stored_agency, *deps_.limits));
  RECKON_RETURN_IF_ERROR(CheckName("source", source, *deps_.limits));
  RECKON_RETURN_IF_ERROR(CheckName("batch_id", batch_id, *deps_.limits));
  RECKON_RETURN_IF_ERROR(Authorize(principal, Permission::kSubmit, source));
  return stored_agency;
}

absl::Status IngestServiceImpl::Ingest(const std::string& agency,
                                       const std::string& source,
                                       const std::string& batch_id,
                                       std::vector<Record> records,
                                       size_t max_records,
                                       const ExecOptions& exec,
                                       v1::SubmitBatchResponse* response) {
  Limits limits = *deps_.limits;
  limits.max_records_per_batch = max_records;
  if (absl::Status status = ValidateBatch(source, records, limits);
      !status.ok()) {
    deps_.metrics->BatchOutcome("refused");
    return status;
  }
  store::BatchToCommit batch;
  batch.key = {agency, source, batch_id};
  batch.rejections = FindUnparseableValues(records);
  absl::flat_hash_set<int64_t> rejected;
  for (const store::RecordRejection& rejection : batch.rejections) {
    rejected.insert(rejection.index);
  }
  batch.records.reserve(records.size() - rejected.size());
  for (size_t i = 0; i < records.size(); ++i) {
    const auto index = static_cast<int64_t>(i);
    if (!rejected.contains(index)) {
      batch.records.push_back({index, std::move(records[i])});
    }
  }
  // A call whose client has given up is not committed: its reply could not
  // be delivered, and the client will resubmit under the same batch id.
  RECKON_RETURN_IF_ERROR(CheckContinue(exec, "SubmitBatch"));

  const absl::Time start = absl::Now();
  RECKON_ASSIGN_OR_RETURN(
      store::CommitResult result,
      deps_.linkage->CommitAndResolve(*deps_.store, std::move(batch), exec));
  FillResponse(batch_id, result, response);
  deps_.metrics->BatchOutcome(result.duplicate ? "duplicate" : "committed");
  if (!result.duplicate) {
    deps_.metrics->Records(source, result.accepted, result.rejected);
  }
  Log(LogLevel::kInfo, "batch",
      {{"agency", agency},
       {"source", source},
       {"batch_id", batch_id},
       {"sequence", result.sequence},
       {"duplicate", result.duplicate},
       {"accepted", result.accepted},
       {"rejected", result.rejected},
       // With resolution (CommitAndResolve).
       {"commit_ms", absl::ToDoubleMilliseconds(absl::Now() - start)}});
  return absl::OkStatus();
}

grpc::Status IngestServiceImpl::SubmitBatch(
    grpc::ServerContext* context, const v1::SubmitBatchRequest* request,
    v1::SubmitBatchResponse* response) {
  Call call(deps_, context, "SubmitBatch");
  auto run = [&]() -> absl::Status {
    RECKON_ASSIGN_OR_RETURN(Principal principal, call.Authenticate());
    const v1::SourceBatch& batch = request->batch();
    RECKON_ASSIGN_OR_RETURN(std::string agency,
                            CheckSubmitter(principal, request->agency(),
                                           batch.source(), batch.batch_id()));
    if (static_cast<size_t>(batch.records_size()) >
        deps_.limits->max_records_per_batch) {
      deps_.metrics->BatchOutcome("refused");
      return absl::InvalidArgumentError(absl::StrCat(
          "batch: ", batch.records_size(), " records, more than the ",
          deps_.limits->max_records_per_batch,
          " allowed in one SubmitBatch (use UploadBatch)"));
    }
    std::vector<Record> records;
    records.reserve(static_cast<size_t>(batch.records_size()));
    for (const v1::Record& record : batch.records()) {
      records.push_back(RecordFromProto(record));
    }
    return Ingest(agency, batch.source(), batch.batch_id(), std::move(records),
                  deps_.limits->max_records_per_batch, call.exec(), response);
  };
  return call.Finish(run());
}

grpc::Status IngestServiceImpl::UploadBatch(
    grpc::ServerContext* context,
    grpc::ServerReader<v1::UploadBatchRequest>* reader,
    v1::SubmitBatchResponse* response) {
  Call call(deps_, context, "UploadBatch");
  auto run = [&]() -> absl::Status {
    // Authenticate before reading, so that a stranger cannot make the
    // daemon buffer a large stream.
    RECKON_ASSIGN_OR_RETURN(Principal principal, call.Authenticate());
    const size_t max_records = deps_.limits->max_records_per_upload;
    v1::UploadBatchRequest message;
    std::optional<v1::UploadBatchRequest::Header> header;
    std::string agency;
    std::vector<Record> records;
    int64_t messages = 0;
    while (reader->Read(&message)) {
      ++messages;
      if (!header.has_value()) {
        if (!message.has_header()) {
          return absl::InvalidArgumentError(
              "upload: the first message carries no header");
        }
        header = message.header();
        RECKON_ASSIGN_OR_RETURN(
            agency, CheckSubmitter(principal, header->agency(),
                                   header->source(), header->batch_id()));
      } else if (message.has_header()) {
        return absl::InvalidArgumentError(
            absl::StrCat("upload: message ", messages, " repeats the header"));
      }
      if (records.size() + static_cast<size_t>(message.records_size()) >
          max_records) {
        deps_.metrics->BatchOutcome("refused");
        return absl::InvalidArgumentError(
            absl::StrCat("batch: more than the ", max_records,
                         " records allowed in one upload"));
      }
      for (const v1::Record& record : message.records()) {
        records.push_back(RecordFromProto(record));
      }
      RECKON_RETURN_IF_ERROR(call.CheckAlive());
    }
    // Read() also ends when the stream breaks: commit only a stream the
    // client closed on purpose.
    RECKON_RETURN_IF_ERROR(call.CheckAlive());
    if (!header.has_value()) {
      return absl::InvalidArgumentError("upload: empty stream, no header");
    }
    return Ingest(agency, header->source(), header->batch_id(),
                  std::move(records), max_records, call.exec(), response);
  };
  return call.Finish(run());
}

grpc::Status IngestServiceImpl::GetStatus(grpc::ServerContext* context,
                                          const v1::GetStatusRequest*,
                                          v1::GetStatusResponse* response) {
  Call call(deps_, context, "GetStatus");
  auto run = [&]() -> absl::Status {
    RECKON_ASSIGN_OR_RETURN(Principal principal, call.Authenticate());
    RECKON_RETURN_IF_ERROR(Authorize(principal, Permission::kRead));
    RECKON_ASSIGN_OR_RETURN(store::StoreStats stats, deps_.store->Stats());
    response->set_batches(stats.batches);
    response->set_records(stats.records);
    response->set_schema_version(stats.schema_version);
    for (const store::SourceStats& source : stats.sources) {
      v1::SourceCount* count = response->add_sources();
      count->set_source(source.source);
      count->set_records(source.records);
      count->set_batches(source.batches);
    }
    response->set_entities(deps_.linkage->entity_count());
    response->set_last_relink_unix(deps_.linkage->last_relink_unix());
    response->set_resolution_available(deps_.linkage->available());
    return absl::OkStatus();
  };
  return call.Finish(run());
}

grpc::Status LinkageServiceImpl::Resolve(grpc::ServerContext* context,
                                         const v1::ResolveRequest* request,
                                         v1::ResolveResponse* response) {
  Call call(deps_, context, "Resolve");
  auto run = [&]() -> absl::Status {
    RECKON_ASSIGN_OR_RETURN(Principal principal, call.Authenticate());
    RECKON_RETURN_IF_ERROR(Authorize(principal, Permission::kRead));
    std::vector<Record> probe = {RecordFromProto(request->probe())};
    // The probe is checked like a submitted record, id and source optional.
    if (probe[0].source_record_id.empty()) probe[0].source_record_id = "probe";
    if (probe[0].source.empty()) probe[0].source = "probe";
    RECKON_RETURN_IF_ERROR(
        ValidateBatch(probe[0].source, probe, *deps_.limits));
    RECKON_ASSIGN_OR_RETURN(*response,
                            deps_.linkage->Resolve(*request, call.exec()));
    return absl::OkStatus();
  };
  return call.Finish(run());
}

grpc::Status LinkageServiceImpl::GetEntity(grpc::ServerContext* context,
                                           const v1::GetEntityRequest* request,
                                           v1::Entity* response) {
  Call call(deps_, context, "GetEntity");
  auto run = [&]() -> absl::Status {
    RECKON_ASSIGN_OR_RETURN(Principal principal, call.Authenticate());
    RECKON_RETURN_IF_ERROR(Authorize(principal, Permission::kRead));
    const bool with_records = Authorize(principal, Permission::kAudit).ok();
    RECKON_ASSIGN_OR_RETURN(
        *response,
        deps_.linkage->GetEntity(*request, with_records, call.exec()));
    return absl::OkStatus();
  };
  return call.Finish(run());
}

grpc::Status LinkageServiceImpl::Explain(grpc::ServerContext* context,
                                         const v1::ExplainRequest* request,
                                         v1::ExplainResponse* response) {
  Call call(deps_, context, "Explain");
  auto run = [&]() -> absl::Status {
    RECKON_ASSIGN_OR_RETURN(Principal principal, call.Authenticate());
    RECKON_RETURN_IF_ERROR(Authorize(principal, Permission::kAudit));
    RECKON_ASSIGN_OR_RETURN(*response,
                            deps_.linkage->Explain(*request, call.exec()));
    return absl::OkStatus();
  };
  return call.Finish(run());
}

grpc::Status LinkageServiceImpl::Relink(grpc::ServerContext* context,
                                        const v1::RelinkRequest* request,
                                        v1::Operation* response) {
  Call call(deps_, context, "Relink");
  auto run = [&]() -> absl::Status {
    RECKON_ASSIGN_OR_RETURN(Principal principal, call.Authenticate());
    RECKON_RETURN_IF_ERROR(Authorize(principal, Permission::kAdmin));
    RECKON_ASSIGN_OR_RETURN(*response, deps_.linkage->StartRelink(*request));
    return absl::OkStatus();
  };
  return call.Finish(run());
}

grpc::Status LinkageServiceImpl::GetOperation(
    grpc::ServerContext* context, const v1::GetOperationRequest* request,
    v1::Operation* response) {
  Call call(deps_, context, "GetOperation");
  auto run = [&]() -> absl::Status {
    RECKON_ASSIGN_OR_RETURN(Principal principal, call.Authenticate());
    RECKON_RETURN_IF_ERROR(Authorize(principal, Permission::kAdmin));
    RECKON_ASSIGN_OR_RETURN(*response,
                            deps_.linkage->GetOperation(request->name()));
    return absl::OkStatus();
  };
  return call.Finish(run());
}

grpc::Status LinkageServiceImpl::ExportLinkage(
    grpc::ServerContext* context, const v1::ExportLinkageRequest* request,
    grpc::ServerWriter<v1::ExportLinkageResponse>* writer) {
  Call call(deps_, context, "ExportLinkage");
  auto run = [&]() -> absl::Status {
    RECKON_ASSIGN_OR_RETURN(Principal principal, call.Authenticate());
    RECKON_RETURN_IF_ERROR(Authorize(principal, Permission::kRead));
    if (request->with_values()) {
      RECKON_RETURN_IF_ERROR(Authorize(principal, Permission::kAudit));
    }
    RECKON_ASSIGN_OR_RETURN(LinkageSnapshot snapshot,
                            deps_.linkage->Snapshot(call.exec()));
    std::vector<Record> stored;
    std::vector<const Record*> values;
    if (request->with_values()) {
      // GetRecords skips keys it does not hold, so match by key.
      RECKON_ASSIGN_OR_RETURN(stored, deps_.store->GetRecords(snapshot.keys));
      absl::flat_hash_map<RecordKey, const Record*> by_key;
      for (const Record& record : stored) by_key[record.Key()] = &record;
      values.reserve(snapshot.keys.size());
      for (const RecordKey& key : snapshot.keys) {
        auto it = by_key.find(key);
        values.push_back(it == by_key.end() ? nullptr : it->second);
      }
    }
    return StreamLinkage(
        snapshot, values, ExportOptions{},
        [&](const v1::ExportLinkageResponse& message) -> absl::Status {
          RECKON_RETURN_IF_ERROR(call.CheckAlive());
          if (!writer->Write(message)) {
            return absl::CancelledError(
                "ExportLinkage: the client closed the stream");
          }
          return absl::OkStatus();
        });
  };
  return call.Finish(run());
}

grpc::Status EstimationServiceImpl::Estimate(grpc::ServerContext* context,
                                             const v1::EstimateRequest* request,
                                             v1::EstimateResponse* response) {
  Call call(deps_, context, "Estimate");
  auto run = [&]() -> absl::Status {
    RECKON_ASSIGN_OR_RETURN(Principal principal, call.Authenticate());
    RECKON_RETURN_IF_ERROR(Authorize(principal, Permission::kRead));
    if (!request->by().empty() && request->by() != "nationality") {
      return absl::InvalidArgumentError(absl::StrCat(
          "by: \"", request->by(), "\" is not \"\" or \"nationality\""));
    }
    RECKON_ASSIGN_OR_RETURN(*response,
                            deps_.linkage->Estimate(*request, call.exec()));
    return absl::OkStatus();
  };
  return call.Finish(run());
}

}  // namespace reckon::service

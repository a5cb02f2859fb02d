// `reckon submit --server HOST:PORT --agency NAME --source FILE.csv
//  [--token-file FILE]`: sends a source file to a running reckond in
// batches whose ids derive from their content, so that running it again
// stores nothing twice.
#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <string>
#include <thread>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"

#include "linkage/base/record.h"
#include "linkage/base/status_macros.h"
#include "linkage/ingest/record_reader.h"
#include "reckon/v1/reckon.grpc.pb.h"
#include "service/cli/client.h"
#include "service/cli/commands.h"
#include "service/daemon/proto_convert.h"
#include "service/daemon/sha256.h"
#include "service/daemon/status_convert.h"

namespace reckon::service {
namespace {

constexpr size_t kDefaultBatchSize = 1000;
constexpr int kAttempts = 5;

CommandSpec SubmitSpec() {
  std::vector<FlagSpec> flags = ConnectionFlags();
  flags.insert(flags.begin() + 1,
               {{"agency", "NAME",
                 "the agency submitting (as in reckond's "
                 "--auth file)"},
                {"source", "FILE.csv", "the source file, canonical CSV"}});
  flags.push_back({"source-name", "NAME",
                   "the source's name (default: the file name without its "
                   "extension)"});
  flags.push_back(
      {"batch-size", "N",
       absl::StrCat("records per batch (default ", kDefaultBatchSize, ")")});
  return {
      .name = "submit",
      .positionals = "",
      .summary = "Send a source file to a running reckond.",
      .details =
          "Reads FILE.csv (canonical CSV; bad rows are reported and "
          "skipped) and\nsends its records in batches. Each batch id is the "
          "SHA-256 of the agency,\nthe source and the batch's records, so a "
          "second run of the same file is\nacknowledged as already stored "
          "and adds nothing; failed calls are retried.\nReports records "
          "accepted and, for each rejected record, the field and why.\nExit "
          "status 0 when every batch was stored (even with rejected "
          "records),\n1 when a batch could not be stored.",
      .flags = std::move(flags),
  };
}

// The batch id: content-derived, so the same records give the same id.
std::string BatchId(const std::string& agency, const std::string& source,
                    const std::vector<Record>& records, size_t begin,
                    size_t end) {
  Sha256 sha;
  sha.UpdateField(agency);
  sha.UpdateField(source);
  for (size_t i = begin; i < end; ++i) {
    const Record& record = records[i];
    sha.UpdateField(record.source_record_id);
    for (const std::string& value : record.fields) sha.UpdateField(value);
    sha.UpdateField(absl::StrCat(record.extra.size()));
    for (const auto& [name, value] : record.extra) {
      sha.UpdateField(name);
      sha.UpdateField(value);
    }
  }
  return absl::StrCat("sha256-", sha.HexDigest().substr(0, 32));
}

bool Retryable(grpc::StatusCode code) {
  return code == grpc::StatusCode::UNAVAILABLE ||
         code == grpc::StatusCode::DEADLINE_EXCEEDED ||
         code == grpc::StatusCode::ABORTED ||
         code == grpc::StatusCode::RESOURCE_EXHAUSTED;
}

absl::StatusOr<v1::SubmitBatchResponse> SendWithRetries(
    const Connection& connection, v1::IngestService::Stub& stub,
    const v1::SubmitBatchRequest& request) {
  absl::Duration backoff = absl::Milliseconds(200);
  grpc::Status status;
  for (int attempt = 1; attempt <= kAttempts; ++attempt) {
    grpc::ClientContext context;
    PrepareContext(connection, absl::Seconds(60), &context);
    v1::SubmitBatchResponse response;
    status = stub.SubmitBatch(&context, request, &response);
    if (status.ok()) return response;
    if (!Retryable(status.error_code()) || attempt == kAttempts) break;
    absl::SleepFor(backoff);
    backoff = std::min(backoff * 2, absl::Seconds(5));
  }
  return FromGrpcStatus(status);
}

}  // namespace

int RunSubmit(const std::vector<std::string>& args) {
  const CommandSpec spec = SubmitSpec();
  int exit_code = kExitOk;
  std::optional<ParsedArgs> parsed = ParseOrExit(spec, args, &exit_code);
  if (!parsed.has_value()) return exit_code;
  const std::optional<std::string> agency = parsed->Get("agency");
  const std::optional<std::string> path = parsed->Get("source");
  if (!agency.has_value() || agency->empty()) {
    return ReportError("submit",
                       absl::InvalidArgumentError("--agency NAME is required"),
                       /*usage=*/true);
  }
  if (!path.has_value() || path->empty()) {
    return ReportError(
        "submit", absl::InvalidArgumentError("--source FILE.csv is required"),
        /*usage=*/true);
  }
  size_t batch_size = kDefaultBatchSize;
  if (auto text = parsed->Get("batch-size")) {
    if (!absl::SimpleAtoi(*text, &batch_size) || batch_size == 0) {
      return ReportError(
          "submit",
          absl::InvalidArgumentError(absl::StrCat(
              "--batch-size ", *text, ": not a positive whole number")),
          /*usage=*/true);
    }
  }
  const std::string source =
      parsed->Get("source-name")
          .value_or(std::filesystem::path(*path).stem().string());
  absl::StatusOr<Connection> connection = Connect(*parsed);
  if (!connection.ok()) {
    return ReportError("submit", connection.status(), /*usage=*/true);
  }

  std::ifstream file(*path, std::ios::binary);
  if (!file) {
    return ReportError("submit", absl::InvalidArgumentError(
                                     absl::StrCat(*path, ": cannot open")));
  }
  absl::StatusOr<ReadResult> read = ReadAllRecords(file, *path, source);
  if (!read.ok()) return ReportError("submit", read.status());
  for (const std::string& error : read->errors) {
    std::cout << error << "\n";
  }

  auto stub = v1::IngestService::NewStub(connection->channel);
  const std::vector<Record>& records = read->records;
  int64_t accepted = 0;
  int64_t rejected_by_server = 0;
  int64_t batches = 0;
  int64_t duplicates = 0;
  for (size_t begin = 0; begin < records.size(); begin += batch_size) {
    const size_t end = std::min(records.size(), begin + batch_size);
    v1::SubmitBatchRequest request;
    request.set_agency(*agency);
    v1::SourceBatch* batch = request.mutable_batch();
    batch->set_batch_id(BatchId(*agency, source, records, begin, end));
    batch->set_source(source);
    for (size_t i = begin; i < end; ++i) {
      RecordToProto(records[i], batch->add_records());
    }
    absl::StatusOr<v1::SubmitBatchResponse> response =
        SendWithRetries(*connection, *stub, request);
    if (!response.ok()) {
      std::cout << *path << ": " << batches << " batches stored before the "
                << "failure; run again to send the rest\n";
      return ReportError(
          "submit", absl::Status(response.status().code(),
                                 absl::StrCat("batch ", batches + 1, " (",
                                              batch->batch_id(), "): ",
                                              response.status().message())));
    }
    ++batches;
    if (response->duplicate()) ++duplicates;
    accepted += response->accepted();
    rejected_by_server += response->rejected();
    for (const v1::RecordError& error : response->errors()) {
      std::cout << *path << ": record \"" << error.source_record_id()
                << "\": " << error.field() << ": " << error.message() << "\n";
    }
  }
  std::cout << *path << " -> " << source << ": " << records.size()
            << " records read, " << accepted << " accepted, "
            << read->rows_rejected + rejected_by_server << " rejected ("
            << read->rows_rejected << " in the file, " << rejected_by_server
            << " by the server); " << batches << " batches";
  if (duplicates > 0) {
    std::cout << ", " << duplicates << " of them already stored before";
  }
  std::cout << "\n";
  return kExitOk;
}

}  // namespace reckon::service

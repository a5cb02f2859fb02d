// `reckon status --server HOST:PORT [--json]`: what a running reckond holds.
#include <iostream>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include <nlohmann/json.hpp>

#include "reckon/v1/reckon.grpc.pb.h"
#include "service/cli/client.h"
#include "service/cli/commands.h"
#include "service/daemon/status_convert.h"

namespace reckon::service {
namespace {

CommandSpec StatusSpec() {
  std::vector<FlagSpec> flags = ConnectionFlags();
  flags.insert(flags.begin() + 1,
               {"json", "", "print one JSON object instead of text"});
  return {
      .name = "status",
      .positionals = "",
      .summary = "Ask a running reckond what it holds.",
      .details =
          "Prints batches committed, records per source, entities and the "
          "time of the\nlast relink. With --json: {\"batches\": N, "
          "\"records\": N, \"sources\":\n{SOURCE: {\"records\": N, "
          "\"batches\": N}}, \"entities\": N,\n\"last_relink_unix\": T, "
          "\"resolution_available\": B, \"schema_version\": V}.\nNeeds a "
          "token with the read, audit or admin role when reckond runs with "
          "--auth.",
      .flags = std::move(flags),
  };
}

}  // namespace

int RunStatus(const std::vector<std::string>& args) {
  const CommandSpec spec = StatusSpec();
  int exit_code = kExitOk;
  std::optional<ParsedArgs> parsed = ParseOrExit(spec, args, &exit_code);
  if (!parsed.has_value()) return exit_code;
  absl::StatusOr<Connection> connection = Connect(*parsed);
  if (!connection.ok()) {
    return ReportError("status", connection.status(), /*usage=*/true);
  }
  auto stub = v1::IngestService::NewStub(connection->channel);
  grpc::ClientContext context;
  PrepareContext(*connection, absl::Seconds(30), &context);
  v1::GetStatusResponse response;
  const grpc::Status status =
      stub->GetStatus(&context, v1::GetStatusRequest(), &response);
  if (!status.ok()) return ReportError("status", FromGrpcStatus(status));

  if (parsed->Has("json")) {
    nlohmann::json sources = nlohmann::json::object();
    for (const v1::SourceCount& source : response.sources()) {
      sources[source.source()] = {{"records", source.records()},
                                  {"batches", source.batches()}};
    }
    const nlohmann::json out = {
        {"batches", response.batches()},
        {"records", response.records()},
        {"sources", sources},
        {"entities", response.entities()},
        {"last_relink_unix", response.last_relink_unix()},
        {"resolution_available", response.resolution_available()},
        {"schema_version", response.schema_version()}};
    // Replace, not throw, should a source name not be UTF-8.
    std::cout << out.dump(-1, ' ', false,
                          nlohmann::json::error_handler_t::replace)
              << "\n";
    return kExitOk;
  }
  std::cout << "batches       " << response.batches() << "\n"
            << "records       " << response.records() << "\n"
            << "entities      " << response.entities()
            << (response.resolution_available()
                    ? ""
                    : " (resolution not available in this reckond)")
            << "\n"
            << "last relink   "
            << (response.last_relink_unix() == 0
                    ? std::string("never")
                    : absl::FormatTime(
                          "%Y-%m-%d %H:%M:%S UTC",
                          absl::FromUnixSeconds(response.last_relink_unix()),
                          absl::UTCTimeZone()))
            << "\n";
  if (response.sources_size() > 0) std::cout << "sources:\n";
  for (const v1::SourceCount& source : response.sources()) {
    std::cout << "  " << source.source() << ": " << source.records()
              << " records in " << source.batches() << " batches\n";
  }
  return kExitOk;
}

}  // namespace reckon::service

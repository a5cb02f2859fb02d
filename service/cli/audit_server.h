// The reckond side of `reckon audit`. Each audit command takes either a
// `reckon link` output directory DIR or `--server HOST:PORT`; with --server
// it fetches the daemon's current linkage (the ExportLinkage stream:
// entities, records, the scored pairs of the last relink and the model)
// into the same LinkedRecords and audit::LinkView a DIR gives, so that the
// audit logic and its output are shared (audit/*.h).
//
//   RECKON_ASSIGN_OR_RETURN(AuditTarget target, ResolveAuditTarget(args, 0));
//   if (target.is_server()) {
//     RECKON_ASSIGN_OR_RETURN(Connection connection, Connect(args));
//     RECKON_ASSIGN_OR_RETURN(ServerLinkage fetched,
//                             FetchLinkage(connection, target.server, true));
//     audit::LinkView view = ServerView(fetched);
//   }
#ifndef RECKON_SERVICE_CLI_AUDIT_SERVER_H_
#define RECKON_SERVICE_CLI_AUDIT_SERVER_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include <grpcpp/support/status.h>

#include "linkage/base/record.h"
#include "linkage/estimate/linked_records.h"
#include "service/cli/args.h"
#include "service/cli/audit/html.h"
#include "service/cli/audit/link_view.h"
#include "service/cli/client.h"

namespace reckon::service {

// What an audit command works on: DIR, or the reckond at `server`.
struct AuditTarget {
  std::string dir;     // empty with --server
  std::string server;  // HOST:PORT; empty for DIR
  // The positionals after DIR (all of them with --server).
  std::vector<std::string> rest;

  bool is_server() const { return !server.empty(); }
  // How the output names it: DIR, or HOST:PORT.
  const std::string& where() const { return is_server() ? server : dir; }
};

// Splits the positionals of a command that takes `DIR REST...` or
// `--server HOST:PORT REST...` with `rest` positionals after DIR.
// kInvalidArgument (a usage error) for the wrong number of positionals, or
// connection flags (--token-file, --tls-*) without --server.
absl::StatusOr<AuditTarget> ResolveAuditTarget(const ParsedArgs& args,
                                               size_t rest);

// The daemon's linkage as fetched.
struct ServerLinkage {
  std::string server;
  // Records by the daemon's record number, entities, settled attributes and
  // the scored pairs; record_index and entity_index filled.
  LinkedRecords link;
  // Per record number, its stored values; empty when not asked for or not
  // allowed (then `values_note` says why).
  std::vector<Record> values;
  std::string values_note;
  audit::ModelSummary model;
  double threshold = 0.0;
  uint64_t links = 0;  // pairs at or above the threshold in the last relink
  int64_t last_relink_unix = 0;
};

// Fetches the linkage of the reckond at `server` over `connection`. With
// `want_values`, also the records' stored values; when the token may not
// see them (no audit role) the linkage comes without them and
// `values_note` says so. Errors name the server and say what to do (see
// RpcError); a stream that breaks its own rules (an index out of range, a
// record twice) is kDataLoss naming the message.
absl::StatusOr<ServerLinkage> FetchLinkage(const Connection& connection,
                                           const std::string& server,
                                           bool want_values);

// The audit view of `fetched` (its link copied, facts attached when it has
// values).
audit::LinkView ServerView(const ServerLinkage& fetched);

// A failed call `rpc` to `server` as a status with the same code and a
// message that says what went wrong in the auditor's terms: the daemon
// cannot be reached, the token is missing or unknown, the token's role does
// not allow the call, no relink yet; else the daemon's own message.
absl::Status RpcError(const std::string& server, std::string_view rpc,
                      const grpc::Status& status);

}  // namespace reckon::service

#endif  // RECKON_SERVICE_CLI_AUDIT_SERVER_H_

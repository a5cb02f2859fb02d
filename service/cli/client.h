// What `reckon submit` and `reckon status` share: the connection flags, the
// channel to a reckond, and the bearer token.
#ifndef RECKON_SERVICE_CLI_CLIENT_H_
#define RECKON_SERVICE_CLI_CLIENT_H_

#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include <grpcpp/channel.h>
#include <grpcpp/client_context.h>

#include "service/cli/args.h"

namespace reckon::service {

// --server, --token-file, --tls-ca, --tls-cert, --tls-key.
std::vector<FlagSpec> ConnectionFlags();

struct Connection {
  std::shared_ptr<grpc::Channel> channel;
  // Empty without --token-file.
  std::string token;
};

// Opens a channel to --server (plain text, or TLS when --tls-ca is given,
// with a client certificate when --tls-cert and --tls-key are) and reads the
// token. Returns kInvalidArgument naming the flag for a missing --server or
// an unreadable or empty file.
absl::StatusOr<Connection> Connect(const ParsedArgs& args);

// Sets the call's deadline and, if there is a token, its authorization.
void PrepareContext(const Connection& connection, absl::Duration timeout,
                    grpc::ClientContext* context);

}  // namespace reckon::service

#endif  // RECKON_SERVICE_CLI_CLIENT_H_

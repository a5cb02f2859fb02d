#include "service/cli/client.h"

#include <string>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include <grpcpp/create_channel.h>
#include <grpcpp/security/credentials.h>

#include "linkage/base/status_macros.h"
#include "service/daemon/credential_file.h"

namespace reckon::service {
std::vector<FlagSpec> ConnectionFlags() {
  return {
      {"server", "HOST:PORT", "the reckond to talk to"},
      {"token-file", "FILE",
       "file holding the bearer token (needed when reckond runs with --auth)"},
      {"tls-ca", "FILE",
       "PEM CA bundle to verify reckond's certificate: connect with TLS"},
      {"tls-cert", "FILE", "PEM client certificate (with --tls-ca)"},
      {"tls-key", "FILE", "PEM private key for --tls-cert"},
  };
}

absl::StatusOr<Connection> Connect(const ParsedArgs& args) {
  const std::optional<std::string> server = args.Get("server");
  if (!server.has_value() || server->empty()) {
    return absl::InvalidArgumentError("--server HOST:PORT is required");
  }
  Connection connection;
  if (auto token_file = args.Get("token-file")) {
    RECKON_ASSIGN_OR_RETURN(std::string token,
                            ReadCredentialFile("token-file", *token_file));
    connection.token = std::string(absl::StripAsciiWhitespace(token));
    if (connection.token.empty()) {
      return absl::InvalidArgumentError(
          absl::StrCat("--token-file ", *token_file, ": empty"));
    }
  }
  const std::optional<std::string> ca = args.Get("tls-ca");
  const std::optional<std::string> cert = args.Get("tls-cert");
  const std::optional<std::string> key = args.Get("tls-key");
  if (cert.has_value() != key.has_value()) {
    return absl::InvalidArgumentError(
        "--tls-cert and --tls-key must be given together");
  }
  if (cert.has_value() && !ca.has_value()) {
    return absl::InvalidArgumentError("--tls-cert needs --tls-ca");
  }
  std::shared_ptr<grpc::ChannelCredentials> credentials;
  if (ca.has_value()) {
    grpc::SslCredentialsOptions ssl;
    RECKON_ASSIGN_OR_RETURN(ssl.pem_root_certs, ReadPemFile("tls-ca", *ca));
    if (cert.has_value()) {
      RECKON_ASSIGN_OR_RETURN(ssl.pem_cert_chain,
                              ReadPemFile("tls-cert", *cert));
      RECKON_ASSIGN_OR_RETURN(ssl.pem_private_key,
                              ReadPemFile("tls-key", *key));
    }
    credentials = grpc::SslCredentials(ssl);
  } else {
    credentials = grpc::InsecureChannelCredentials();
  }
  grpc::ChannelArguments channel_args;
  channel_args.SetMaxSendMessageSize(64 << 20);
  channel_args.SetMaxReceiveMessageSize(64 << 20);
  connection.channel =
      grpc::CreateCustomChannel(*server, credentials, channel_args);
  return connection;
}

void PrepareContext(const Connection& connection, absl::Duration timeout,
                    grpc::ClientContext* context) {
  context->set_deadline(absl::ToChronoTime(absl::Now() + timeout));
  if (!connection.token.empty()) {
    context->AddMetadata("authorization",
                         absl::StrCat("Bearer ", connection.token));
  }
}

}  // namespace reckon::service

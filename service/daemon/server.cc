#include "service/daemon/server.h"

#include <chrono>
#include <filesystem>
#include <memory>
#include <string>
#include <system_error>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include <arpa/inet.h>
#include <grpcpp/ext/proto_server_reflection_plugin.h>
#include <grpcpp/health_check_service_interface.h>
#include <grpcpp/resource_quota.h>
#include <grpcpp/security/server_credentials.h>
#include <grpcpp/server_builder.h>
#include <netinet/in.h>

#include "linkage/base/status_macros.h"
#include "service/config/linkage_config.h"
#include "service/daemon/credential_file.h"
#include "service/daemon/log.h"

namespace reckon::service {
namespace {

absl::StatusOr<std::shared_ptr<grpc::ServerCredentials>> Credentials(
    const Server::Options& options) {
  const bool has_cert = !options.tls_cert_file.empty();
  const bool has_key = !options.tls_key_file.empty();
  if (has_cert != has_key) {
    return absl::InvalidArgumentError(
        "--tls-cert and --tls-key must be given together");
  }
  if (!options.client_ca_file.empty() && !has_cert) {
    return absl::InvalidArgumentError(
        "--client-ca needs --tls-cert and --tls-key");
  }
  if (!has_cert) return grpc::InsecureServerCredentials();
  grpc::SslServerCredentialsOptions ssl;
  grpc::SslServerCredentialsOptions::PemKeyCertPair pair;
  RECKON_ASSIGN_OR_RETURN(pair.cert_chain,
                          ReadPemFile("tls-cert", options.tls_cert_file));
  RECKON_ASSIGN_OR_RETURN(pair.private_key,
                          ReadPemFile("tls-key", options.tls_key_file));
  ssl.pem_key_cert_pairs.push_back(std::move(pair));
  if (!options.client_ca_file.empty()) {
    RECKON_ASSIGN_OR_RETURN(ssl.pem_root_certs,
                            ReadPemFile("client-ca", options.client_ca_file));
    ssl.client_certificate_request =
        GRPC_SSL_REQUEST_AND_REQUIRE_CLIENT_CERTIFICATE_AND_VERIFY;
  }
  return grpc::SslServerCredentials(ssl);
}

}  // namespace

bool IsLoopbackAddress(std::string_view listen) {
  if (absl::StartsWith(absl::string_view(listen.data(), listen.size()),
                       "unix:")) {
    return true;
  }
  std::string host;
  if (!listen.empty() && listen.front() == '[') {
    const size_t close = listen.find(']');
    if (close == std::string_view::npos) return false;
    host = std::string(listen.substr(1, close - 1));
  } else {
    const size_t colon = listen.rfind(':');
    host = std::string(listen.substr(0, colon));
  }
  host = absl::AsciiStrToLower(host);
  if (host == "localhost") return true;
  in_addr v4{};
  if (inet_pton(AF_INET, host.c_str(), &v4) == 1) {
    return (ntohl(v4.s_addr) >> 24) == 127;
  }
  in6_addr v6{};
  if (inet_pton(AF_INET6, host.c_str(), &v6) == 1) {
    return IN6_IS_ADDR_LOOPBACK(&v6) != 0;
  }
  return false;
}

absl::StatusOr<std::unique_ptr<Server>> Server::BuildAndStart(
    const Options& options) {
  if (options.data_dir.empty()) {
    return absl::InvalidArgumentError("--data: a data directory is required");
  }
  if (options.auth_file.empty() && !IsLoopbackAddress(options.listen)) {
    return absl::FailedPreconditionError(absl::StrCat(
        "--listen ", options.listen,
        ": refusing to serve without --auth on an address other machines "
        "can reach; give --auth FILE, or listen on 127.0.0.1"));
  }
  std::error_code error;
  std::filesystem::create_directories(options.data_dir, error);
  if (error) {
    return absl::InvalidArgumentError(absl::StrCat(
        "--data ", options.data_dir, ": cannot create: ", error.message()));
  }
  auto server = std::unique_ptr<Server>(new Server());
  if (options.auth_file.empty()) {
    server->auth_ = std::make_unique<Authenticator>(Authenticator::Open());
  } else {
    RECKON_ASSIGN_OR_RETURN(Authenticator auth,
                            Authenticator::FromFile(options.auth_file));
    server->auth_ = std::make_unique<Authenticator>(std::move(auth));
  }
  RECKON_ASSIGN_OR_RETURN(std::shared_ptr<grpc::ServerCredentials> credentials,
                          Credentials(options));
  absl::StatusOr<std::unique_ptr<store::SqliteStore>> store =
      store::SqliteStore::Open(options.data_dir);
  if (!store.ok()) {
    return absl::Status(store.status().code(),
                        absl::StrCat("--data ", options.data_dir, ": ",
                                     store.status().message()));
  }
  server->store_ = *std::move(store);
  server->limits_ = std::make_unique<Limits>(options.limits);
  RECKON_ASSIGN_OR_RETURN(server->metrics_,
                          Metrics::Create(options.metrics_listen));
  if (options.resolution) {
    absl::StatusOr<LoadedConfig> config =
        LoadLinkageConfig(options.linkage_config_file);
    if (!config.ok()) {
      return absl::Status(config.status().code(),
                          absl::StrCat("--config: ", config.status().message()));
    }
    RECKON_ASSIGN_OR_RETURN(server->linkage_,
                            NewResolvingLinkage(std::move(config->linker)));
  } else {
    server->linkage_ = NewUnavailableLinkage();
  }
  RECKON_RETURN_IF_ERROR(server->linkage_->Load(*server->store_));

  const ServiceDeps deps{.store = server->store_.get(),
                         .auth = server->auth_.get(),
                         .limits = server->limits_.get(),
                         .metrics = server->metrics_.get(),
                         .linkage = server->linkage_.get()};
  server->ingest_ = std::make_unique<IngestServiceImpl>(deps);
  server->linkage_service_ = std::make_unique<LinkageServiceImpl>(deps);
  server->estimation_ = std::make_unique<EstimationServiceImpl>(deps);

  grpc::EnableDefaultHealthCheckService(true);
  grpc::reflection::InitProtoReflectionServerBuilderPlugin();
  grpc::ServerBuilder builder;
  builder.AddListeningPort(options.listen, credentials, &server->port_);
  builder.SetMaxReceiveMessageSize(options.limits.max_message_bytes);
  builder.SetMaxSendMessageSize(options.limits.max_message_bytes);
  // Bound the handler threads: beyond this, calls queue instead of each
  // taking a thread and its memory.
  grpc::ResourceQuota quota("reckond");
  quota.SetMaxThreads(64);
  builder.SetResourceQuota(quota);
  builder.RegisterService(server->ingest_.get());
  builder.RegisterService(server->linkage_service_.get());
  builder.RegisterService(server->estimation_.get());
  server->server_ = builder.BuildAndStart();
  if (server->server_ == nullptr || server->port_ == 0) {
    return absl::UnavailableError(
        absl::StrCat("--listen ", options.listen, ": cannot listen there"));
  }
  if (!options.auth_file.empty() && options.tls_cert_file.empty() &&
      !IsLoopbackAddress(options.listen)) {
    Log(LogLevel::kWarning, "plaintext_tokens",
        {{"listen", options.listen},
         {"advice",
          "bearer tokens travel unencrypted: give --tls-cert and --tls-key "
          "unless a TLS proxy fronts the daemon"}});
  }
  return server;
}

Server::~Server() {
  if (server_ != nullptr) Shutdown(0);
}

void Server::Shutdown(double grace_seconds) {
  if (server_ == nullptr) return;
  if (auto* health = server_->GetHealthCheckService(); health != nullptr) {
    health->SetServingStatus(false);
  }
  server_->Shutdown(
      std::chrono::system_clock::now() +
      std::chrono::milliseconds(static_cast<int64_t>(grace_seconds * 1000)));
  server_->Wait();
  server_.reset();
  Log(LogLevel::kInfo, "calls_drained");
  if (absl::Status status = store_->Checkpoint(); !status.ok()) {
    Log(LogLevel::kError, "checkpoint_failed",
        {{"code", absl::StatusCodeToString(status.code())}});
  }
}

void Server::Wait() {
  if (server_ != nullptr) server_->Wait();
}

}  // namespace reckon::service

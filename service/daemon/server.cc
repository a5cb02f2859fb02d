#include "service/daemon/server.h"

#include <chrono>
#include <filesystem>
#include <memory>
#include <system_error>

#include <grpcpp/ext/proto_server_reflection_plugin.h>
#include <grpcpp/health_check_service_interface.h>
#include <grpcpp/security/server_credentials.h>
#include <grpcpp/server_builder.h>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"

namespace reckon::service {

absl::StatusOr<std::unique_ptr<Server>> Server::BuildAndStart(
    const Options& options) {
  if (options.data_dir.empty()) {
    return absl::InvalidArgumentError("--data: a data directory is required");
  }
  std::error_code error;
  std::filesystem::create_directories(options.data_dir, error);
  if (error) {
    return absl::InvalidArgumentError(absl::StrCat(
        "--data ", options.data_dir, ": cannot create: ", error.message()));
  }

  grpc::EnableDefaultHealthCheckService(true);
  grpc::reflection::InitProtoReflectionServerBuilderPlugin();
  grpc::ServerBuilder builder;
  auto server = std::unique_ptr<Server>(new Server());
  builder.AddListeningPort(options.listen, grpc::InsecureServerCredentials(),
                           &server->port_);
  server->server_ = builder.BuildAndStart();
  if (server->server_ == nullptr || server->port_ == 0) {
    return absl::UnavailableError(
        absl::StrCat("--listen ", options.listen, ": cannot listen there"));
  }
  return server;
}

Server::~Server() {
  if (server_ != nullptr) Shutdown(0);
}

void Server::Shutdown(double grace_seconds) {
  if (server_ == nullptr) return;
  server_->Shutdown(std::chrono::system_clock::now() +
                    std::chrono::milliseconds(
                        static_cast<int64_t>(grace_seconds * 1000)));
  server_->Wait();
  server_.reset();
}

void Server::Wait() {
  if (server_ != nullptr) server_->Wait();
}

}  // namespace reckon::service

#include "service/daemon/status_convert.h"

#include <iostream>
#include <string>

namespace reckon::service {
namespace {
constexpr size_t kMaxMessageBytes = 1024;
}  // namespace

grpc::Status ToGrpcStatus(const absl::Status& status) {
  if (status.ok()) return grpc::Status::OK;
  const auto code = static_cast<grpc::StatusCode>(status.code());
  if (status.code() == absl::StatusCode::kInternal) {
    std::cerr << "reckond: internal error: " << status.message() << "\n";
    return grpc::Status(code, "internal error (details in the server log)");
  }
  std::string message(status.message().substr(
      0, std::min(status.message().size(), kMaxMessageBytes)));
  return grpc::Status(code, message);
}

absl::Status FromGrpcStatus(const grpc::Status& status) {
  if (status.ok()) return absl::OkStatus();
  return absl::Status(static_cast<absl::StatusCode>(status.error_code()),
                      status.error_message());
}

}  // namespace reckon::service

#include "service/daemon/status_convert.h"

#include <algorithm>
#include <string>

#include "service/daemon/log.h"

namespace reckon::service {
namespace {
constexpr size_t kMaxMessageBytes = 1024;
}  // namespace

grpc::Status ToGrpcStatus(const absl::Status& status) {
  if (status.ok()) return grpc::Status::OK;
  const auto code = static_cast<grpc::StatusCode>(status.code());
  if (status.code() == absl::StatusCode::kInternal) {
    // Internal details (SQLite's words, a broken invariant) name code
    // paths and tables, never record values, so they may be logged.
    Log(LogLevel::kError, "internal_error",
        {{"detail", std::string(status.message())}});
    return grpc::Status(code, "internal error (details in the server log)");
  }
  size_t cut = std::min(status.message().size(), kMaxMessageBytes);
  // Never cut inside a UTF-8 sequence.
  while (cut < status.message().size() && cut > 0 &&
         (static_cast<unsigned char>(status.message()[cut]) & 0xc0) == 0x80) {
    --cut;
  }
  std::string message(status.message().substr(0, cut));
  return grpc::Status(code, message);
}

absl::Status FromGrpcStatus(const grpc::Status& status) {
  if (status.ok()) return absl::OkStatus();
  return absl::Status(static_cast<absl::StatusCode>(status.error_code()),
                      status.error_message());
}

}  // namespace reckon::service

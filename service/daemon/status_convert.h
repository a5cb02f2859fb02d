// The one place where absl::Status becomes grpc::Status. Codes map 1:1
// (absl's codes are google.rpc codes); messages are cut to 1024 bytes; an
// internal error's details go to the log, never to the client.
#ifndef RECKON_SERVICE_DAEMON_STATUS_CONVERT_H_
#define RECKON_SERVICE_DAEMON_STATUS_CONVERT_H_

#include <grpcpp/support/status.h>

#include "absl/status/status.h"

namespace reckon::service {

grpc::Status ToGrpcStatus(const absl::Status& status);

absl::Status FromGrpcStatus(const grpc::Status& status);

}  // namespace reckon::service

#endif  // RECKON_SERVICE_DAEMON_STATUS_CONVERT_H_

#include "service/daemon/metrics.h"

#include <exception>
#include <memory>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"

namespace reckon::service {

std::string_view GrpcCodeName(grpc::StatusCode code) {
  switch (code) {
    case grpc::StatusCode::OK:
      return "OK";
    case grpc::StatusCode::CANCELLED:
      return "CANCELLED";
    case grpc::StatusCode::UNKNOWN:
      return "UNKNOWN";
    case grpc::StatusCode::INVALID_ARGUMENT:
      return "INVALID_ARGUMENT";
    case grpc::StatusCode::DEADLINE_EXCEEDED:
      return "DEADLINE_EXCEEDED";
    case grpc::StatusCode::NOT_FOUND:
      return "NOT_FOUND";
    case grpc::StatusCode::ALREADY_EXISTS:
      return "ALREADY_EXISTS";
    case grpc::StatusCode::PERMISSION_DENIED:
      return "PERMISSION_DENIED";
    case grpc::StatusCode::RESOURCE_EXHAUSTED:
      return "RESOURCE_EXHAUSTED";
    case grpc::StatusCode::FAILED_PRECONDITION:
      return "FAILED_PRECONDITION";
    case grpc::StatusCode::ABORTED:
      return "ABORTED";
    case grpc::StatusCode::OUT_OF_RANGE:
      return "OUT_OF_RANGE";
    case grpc::StatusCode::UNIMPLEMENTED:
      return "UNIMPLEMENTED";
    case grpc::StatusCode::INTERNAL:
      return "INTERNAL";
    case grpc::StatusCode::UNAVAILABLE:
      return "UNAVAILABLE";
    case grpc::StatusCode::DATA_LOSS:
      return "DATA_LOSS";
    case grpc::StatusCode::UNAUTHENTICATED:
      return "UNAUTHENTICATED";
    default:
      return "UNKNOWN";
  }
}

Metrics::Metrics()
    : registry_(std::make_shared<prometheus::Registry>()),
      rpc_total_(prometheus::BuildCounter()
                     .Name("reckon_rpc_total")
                     .Help("gRPC calls finished, by method and status code")
                     .Register(*registry_)),
      rpc_seconds_(prometheus::BuildHistogram()
                       .Name("reckon_rpc_seconds")
                       .Help("gRPC call latency in seconds, by method")
                       .Register(*registry_)),
      in_flight_(prometheus::BuildGauge()
                     .Name("reckon_rpc_in_flight")
                     .Help("gRPC calls being served")
                     .Register(*registry_)
                     .Add({})),
      batches_(prometheus::BuildCounter()
                   .Name("reckon_batches_total")
                   .Help("batches by outcome: committed, duplicate, refused")
                   .Register(*registry_)),
      records_(prometheus::BuildCounter()
                   .Name("reckon_records_total")
                   .Help("records by source and outcome: accepted, rejected")
                   .Register(*registry_)),
      auth_failures_(prometheus::BuildCounter()
                         .Name("reckon_auth_failures_total")
                         .Help("calls refused by authentication or roles")
                         .Register(*registry_)) {}

absl::StatusOr<std::unique_ptr<Metrics>> Metrics::Create(
    const std::optional<std::string>& listen) {
  auto metrics = std::unique_ptr<Metrics>(new Metrics());
  if (!listen.has_value()) return metrics;
  try {
    // One serving thread is plenty for a scrape every few seconds.
    metrics->exposer_ = std::make_unique<prometheus::Exposer>(*listen, 1);
  } catch (const std::exception& e) {
    return absl::UnavailableError(
        absl::StrCat("--metrics ", *listen, ": cannot serve: ", e.what()));
  }
  metrics->exposer_->RegisterCollectable(metrics->registry_);
  const std::vector<int> ports = metrics->exposer_->GetListeningPorts();
  if (!ports.empty()) metrics->port_ = ports.front();
  return metrics;
}

void Metrics::RpcStarted() { in_flight_.Increment(); }

void Metrics::RpcFinished(std::string_view method, grpc::StatusCode code,
                          absl::Duration elapsed) {
  in_flight_.Decrement();
  const std::string method_label(method);
  const std::string code_label(GrpcCodeName(code));
  rpc_total_.Add({{"method", method_label}, {"code", code_label}}).Increment();
  static const prometheus::Histogram::BucketBoundaries kBuckets = {
      0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05,
      0.1,    0.25,  0.5,    1.0,   2.5,  5.0,   10.0};
  rpc_seconds_.Add({{"method", method_label}}, kBuckets)
      .Observe(absl::ToDoubleSeconds(elapsed));
  if (code == grpc::StatusCode::UNAUTHENTICATED ||
      code == grpc::StatusCode::PERMISSION_DENIED) {
    auth_failures_
        .Add({{"code", code == grpc::StatusCode::UNAUTHENTICATED
                           ? "unauthenticated"
                           : "permission_denied"}})
        .Increment();
  }
}

void Metrics::BatchOutcome(std::string_view outcome) {
  batches_.Add({{"outcome", std::string(outcome)}}).Increment();
}

void Metrics::Records(std::string_view source, int64_t accepted,
                      int64_t rejected) {
  const std::string label(source);
  if (accepted > 0) {
    records_.Add({{"source", label}, {"outcome", "accepted"}})
        .Increment(static_cast<double>(accepted));
  }
  if (rejected > 0) {
    records_.Add({{"source", label}, {"outcome", "rejected"}})
        .Increment(static_cast<double>(rejected));
  }
}

}  // namespace reckon::service

// reckond's Prometheus metrics, served over HTTP by prometheus-cpp when
// --metrics HOST:PORT is given (GET /metrics). Labels carry method names,
// status codes, sources and outcomes only: never personal data.
//
//   reckon_rpc_total{method,code}            calls finished
//   reckon_rpc_seconds{method}               call latency (histogram)
//   reckon_rpc_in_flight                     calls being served
//   reckon_batches_total{outcome}            committed | duplicate | refused
//   reckon_records_total{source,outcome}     accepted | rejected records
//   reckon_auth_failures_total{code}         unauthenticated |
//   permission_denied
#ifndef RECKON_SERVICE_DAEMON_METRICS_H_
#define RECKON_SERVICE_DAEMON_METRICS_H_

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include <grpcpp/support/status.h>
#include <prometheus/counter.h>
#include <prometheus/exposer.h>
#include <prometheus/family.h>
#include <prometheus/gauge.h>
#include <prometheus/histogram.h>
#include <prometheus/registry.h>

namespace reckon::service {

// Thread-safe.
class Metrics {
 public:
  // Creates the metrics; with `listen` (HOST:PORT, port 0 picks one) also
  // serves them over HTTP. Fails with kUnavailable if it cannot bind.
  static absl::StatusOr<std::unique_ptr<Metrics>> Create(
      const std::optional<std::string>& listen);

  void RpcStarted();
  void RpcFinished(std::string_view method, grpc::StatusCode code,
                   absl::Duration elapsed);
  void BatchOutcome(std::string_view outcome);
  void Records(std::string_view source, int64_t accepted, int64_t rejected);

  // The HTTP port serving /metrics, or 0 if not serving.
  int port() const { return port_; }

 private:
  Metrics();

  std::shared_ptr<prometheus::Registry> registry_;
  prometheus::Family<prometheus::Counter>& rpc_total_;
  prometheus::Family<prometheus::Histogram>& rpc_seconds_;
  prometheus::Gauge& in_flight_;
  prometheus::Family<prometheus::Counter>& batches_;
  prometheus::Family<prometheus::Counter>& records_;
  prometheus::Family<prometheus::Counter>& auth_failures_;
  std::unique_ptr<prometheus::Exposer> exposer_;
  int port_ = 0;
};

// The name of a gRPC status code as Prometheus labels and logs show it,
// e.g. "INVALID_ARGUMENT".
std::string_view GrpcCodeName(grpc::StatusCode code);

}  // namespace reckon::service

#endif  // RECKON_SERVICE_DAEMON_METRICS_H_

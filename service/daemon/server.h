// The reckond server: owns the gRPC server, its services, the store, the
// access configuration and the metrics. `main` only parses flags, calls
// BuildAndStart and, on SIGTERM, Shutdown.
//
// Security stance: with `auth_file` every call needs a bearer token (see
// auth.h). Without it the daemon is open, and so it refuses to listen on
// anything but a loopback address (127.0.0.0/8, ::1, localhost) or a unix
// socket: an open daemon on a network address would let anyone act as any
// agency.
#ifndef RECKON_SERVICE_DAEMON_SERVER_H_
#define RECKON_SERVICE_DAEMON_SERVER_H_

#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include <grpcpp/server.h>

#include "service/daemon/auth.h"
#include "service/daemon/linkage_backend.h"
#include "service/daemon/metrics.h"
#include "service/daemon/reckon_service.h"
#include "service/daemon/validation.h"
#include "service/store/sqlite_store.h"

namespace reckon::service {

class Server {
 public:
  struct Options {
    // HOST:PORT to listen on; port 0 picks a free port (see port()).
    std::string listen = "127.0.0.1:7300";
    // Directory for the store; created if missing.
    std::string data_dir;
    // Access configuration (auth.h); empty: open, loopback only.
    std::string auth_file;
    // PEM certificate chain and private key: serve TLS instead of plain
    // text. Both or neither.
    std::string tls_cert_file;
    std::string tls_key_file;
    // PEM CA bundle: require and verify client certificates against it.
    // REQUIRES: tls_cert_file set.
    std::string client_ca_file;
    // HOST:PORT to serve Prometheus metrics on; unset: no metrics endpoint.
    std::optional<std::string> metrics_listen;
    // Linkage config (Protobuf text format, reckon.v1.LinkageConfig) the
    // matching core links with; empty: the canonical schema's defaults.
    std::string linkage_config_file;
    // False: serve without the matching core (linkage and estimation calls
    // answer UNIMPLEMENTED); for tests of ingest alone.
    bool resolution = true;
    Limits limits;
  };

  // Checks the options, opens the store (migrating it), loads the access
  // configuration and the linkage config, starts rebuilding the resolution
  // index if the store was relinked before, and serves. Fails with kInvalidArgument for bad options
  // (naming the flag), kFailedPrecondition for an open daemon on a
  // non-loopback address, and kUnavailable if an address cannot be bound.
  static absl::StatusOr<std::unique_ptr<Server>> BuildAndStart(
      const Options& options);

  ~Server();

  // The gRPC port actually bound, and the metrics port (0 if none).
  int port() const { return port_; }
  int metrics_port() const { return metrics_->port(); }

  // Stops taking new calls, lets in-flight calls finish (up to
  // `grace_seconds`, then cancels them), checkpoints the store's WAL, and
  // returns. Safe to call once from any thread.
  void Shutdown(double grace_seconds = 10.0);

  // Blocks until Shutdown has completed.
  void Wait();

 private:
  Server() = default;

  std::unique_ptr<store::SqliteStore> store_;
  std::unique_ptr<Authenticator> auth_;
  std::unique_ptr<Limits> limits_;
  std::unique_ptr<Metrics> metrics_;
  std::unique_ptr<LinkageBackend> linkage_;
  std::unique_ptr<IngestServiceImpl> ingest_;
  std::unique_ptr<LinkageServiceImpl> linkage_service_;
  std::unique_ptr<EstimationServiceImpl> estimation_;
  std::unique_ptr<grpc::Server> server_;
  int port_ = 0;
};

// True if `listen` (HOST:PORT, [IPV6]:PORT or unix:PATH) can only be
// reached from this machine.
bool IsLoopbackAddress(std::string_view listen);

}  // namespace reckon::service

#endif  // RECKON_SERVICE_DAEMON_SERVER_H_

// The reckond server: owns the gRPC server, its services and the data
// directory. `main` only parses flags and calls BuildAndStart.
#ifndef RECKON_SERVICE_DAEMON_SERVER_H_
#define RECKON_SERVICE_DAEMON_SERVER_H_

#include <memory>
#include <string>

#include <grpcpp/server.h>

#include "absl/status/statusor.h"

namespace reckon::service {

class Server {
 public:
  struct Options {
    // HOST:PORT to listen on; port 0 picks a free port (see port()).
    std::string listen = "127.0.0.1:7300";
    // Directory for the store; created if missing.
    std::string data_dir;
  };

  // Creates the data directory and starts serving. Fails with
  // kInvalidArgument for an unusable directory and kUnavailable if the
  // address cannot be bound.
  static absl::StatusOr<std::unique_ptr<Server>> BuildAndStart(
      const Options& options);

  ~Server();

  // The port actually bound.
  int port() const { return port_; }

  // Stops taking new calls, lets in-flight calls finish (up to `grace`
  // seconds), then returns. Safe to call once from any thread.
  void Shutdown(double grace_seconds = 10.0);

  // Blocks until Shutdown has completed.
  void Wait();

 private:
  Server() = default;

  std::unique_ptr<grpc::Server> server_;
  int port_ = 0;
};

}  // namespace reckon::service

#endif  // RECKON_SERVICE_DAEMON_SERVER_H_

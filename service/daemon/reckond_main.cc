// reckond: the gRPC daemon that agencies submit batches to. main() parses
// flags, starts the server, and shuts it down gracefully on SIGTERM/SIGINT.
#include <csignal>
#include <iostream>
#include <string>
#include <vector>

#include "service/cli/args.h"
#include "service/daemon/log.h"
#include "service/daemon/server.h"

namespace {

reckon::service::CommandSpec DaemonSpec() {
  return {
      .name = "reckond",
      .positionals = "",
      .summary =
          "Serve reckon's gRPC API: ingest batches, resolve and "
          "estimate.",
      .details =
          "Batches are committed durably to an SQLite store (WAL) in --data "
          "before\nthey are acknowledged. Without --auth the daemon is open "
          "to every caller\nand therefore refuses to listen on anything but "
          "a loopback address.\nWith --auth FILE every call needs "
          "\"authorization: Bearer <token>\"\n(see "
          "deploy/auth.example.textproto). Logs are JSON lines on stderr.\n"
          "Stops gracefully on SIGTERM or SIGINT: new calls are refused, "
          "calls in\nflight finish (up to 10 s), the WAL is checkpointed.\n\n"
          "Resolution: an admin's Relink links every stored record (with "
          "--config, or\nthe canonical defaults) and indexes the entities; "
          "from then on each\ncommitted batch is resolved at once and Resolve, "
          "GetEntity, Explain and\nEstimate answer. Before the first Relink "
          "they answer FAILED_PRECONDITION.\nA store relinked before is "
          "relinked again in the background at start.",
      .flags = {{"listen", "HOST:PORT",
                 "address to serve on (default 127.0.0.1:7300; port 0 picks "
                 "one)"},
                {"data", "DIR", "data directory (created if missing)"},
                {"auth", "FILE",
                 "tokens and roles, Protobuf text format (reckon.v1."
                 "AuthConfig)"},
                {"tls-cert", "FILE", "PEM certificate chain: serve TLS"},
                {"tls-key", "FILE", "PEM private key for --tls-cert"},
                {"client-ca", "FILE",
                 "PEM CA bundle: require client certificates signed by it"},
                {"metrics", "HOST:PORT",
                 "serve Prometheus metrics over HTTP there (GET /metrics)"},
                {"config", "FILE",
                 "linkage config, Protobuf text format (reckon.v1."
                 "LinkageConfig); default: the canonical schema's"}},
  };
}

}  // namespace

int main(int argc, char** argv) {
  using reckon::service::Log;
  using reckon::service::LogLevel;
  const reckon::service::CommandSpec spec = DaemonSpec();
  absl::StatusOr<reckon::service::ParsedArgs> args = reckon::service::ParseArgs(
      spec, std::vector<std::string>(argv + 1, argv + argc));
  if (!args.ok()) {
    std::cerr << "reckond: " << args.status().message() << "\n";
    return 2;
  }
  if (args->help()) {
    std::string help = reckon::service::HelpText(spec);
    help.replace(0, std::string("usage: reckon reckond").size(),
                 "usage: reckond");
    std::cout << help;
    return 0;
  }

  // Block the stop signals in every thread gRPC starts; one thread waits.
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGTERM);
  sigaddset(&stop_signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);
  // A client that disconnects must not kill the metrics server's writes.
  std::signal(SIGPIPE, SIG_IGN);

  reckon::service::Server::Options options;
  if (auto listen = args->Get("listen")) options.listen = *listen;
  if (auto data = args->Get("data")) options.data_dir = *data;
  if (auto auth = args->Get("auth")) options.auth_file = *auth;
  if (auto cert = args->Get("tls-cert")) options.tls_cert_file = *cert;
  if (auto key = args->Get("tls-key")) options.tls_key_file = *key;
  if (auto ca = args->Get("client-ca")) options.client_ca_file = *ca;
  options.metrics_listen = args->Get("metrics");
  if (auto config = args->Get("config")) options.linkage_config_file = *config;
  auto server = reckon::service::Server::BuildAndStart(options);
  if (!server.ok()) {
    std::cerr << "reckond: " << server.status().message() << "\n";
    Log(LogLevel::kError, "start_failed",
        {{"code", absl::StatusCodeToString(server.status().code())}});
    return 1;
  }
  Log(LogLevel::kInfo, "listening",
      {{"listen", options.listen},
       {"port", (*server)->port()},
       {"data", options.data_dir},
       {"auth", !options.auth_file.empty()},
       {"tls", !options.tls_cert_file.empty()},
       {"client_certificates", !options.client_ca_file.empty()},
       {"metrics_port", (*server)->metrics_port()}});

  int signal_number = 0;
  sigwait(&stop_signals, &signal_number);
  Log(LogLevel::kInfo, "shutting_down", {{"signal", signal_number}});
  (*server)->Shutdown();
  Log(LogLevel::kInfo, "stopped");
  return 0;
}

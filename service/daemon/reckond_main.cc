// reckond: the gRPC daemon that agencies submit batches to. main() parses
// flags, starts the server, and shuts it down gracefully on SIGTERM/SIGINT.
#include <csignal>
#include <iostream>
#include <string>
#include <vector>

#include "service/cli/args.h"
#include "service/daemon/server.h"

namespace {

reckon::service::CommandSpec DaemonSpec() {
  return {
      .name = "reckond",
      .positionals = "",
      .summary = "Serve reckon's gRPC API: ingest batches, resolve and "
                 "estimate.",
      .details = "Stops gracefully on SIGTERM or SIGINT: new calls are "
                 "refused, calls in flight finish.",
      .flags = {{"listen", "HOST:PORT", "address to serve on (default "
                                        "127.0.0.1:7300; port 0 picks one)"},
                {"data", "DIR", "data directory (created if missing)"}},
  };
}

}  // namespace

int main(int argc, char** argv) {
  const reckon::service::CommandSpec spec = DaemonSpec();
  absl::StatusOr<reckon::service::ParsedArgs> args =
      reckon::service::ParseArgs(spec,
                                 std::vector<std::string>(argv + 1, argv + argc));
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

  reckon::service::Server::Options options;
  if (auto listen = args->Get("listen")) options.listen = *listen;
  if (auto data = args->Get("data")) options.data_dir = *data;
  auto server = reckon::service::Server::BuildAndStart(options);
  if (!server.ok()) {
    std::cerr << "reckond: " << server.status().message() << "\n";
    return 1;
  }
  std::cerr << "reckond: listening on port " << (*server)->port()
            << ", data in " << options.data_dir << "\n";

  int signal_number = 0;
  sigwait(&stop_signals, &signal_number);
  std::cerr << "reckond: signal " << signal_number << ", shutting down\n";
  (*server)->Shutdown();
  std::cerr << "reckond: stopped\n";
  return 0;
}

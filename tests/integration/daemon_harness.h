// Starts the real reckond binary as a child process for integration tests:
// on 127.0.0.1 with port 0, a data directory of the test's choosing, its
// JSON log in a file; the port is read back from the "listening" log line.
#ifndef RECKON_TESTS_INTEGRATION_DAEMON_HARNESS_H_
#define RECKON_TESTS_INTEGRATION_DAEMON_HARNESS_H_

#include <sys/types.h>

#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include <grpcpp/channel.h>

namespace reckon_testing {

// A fresh directory under the system temp dir, removed on destruction.
class TempDir {
 public:
  explicit TempDir(const std::string& name);
  ~TempDir();
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

class Daemon {
 public:
  // Starts reckond with `--listen 127.0.0.1:0 --data data_dir` plus `extra`,
  // logging to `log_path`, and waits until it listens (up to 20 s).
  static absl::StatusOr<std::unique_ptr<Daemon>> Start(
      const std::string& data_dir, const std::string& log_path,
      const std::vector<std::string>& extra = {});

  ~Daemon();

  int port() const { return port_; }
  int metrics_port() const { return metrics_port_; }
  std::string address() const;
  std::shared_ptr<grpc::Channel> Channel() const;

  // SIGKILL, no chance to clean up.
  void Kill9();
  // SIGTERM; returns the exit status once the process has exited.
  int Terminate();

 private:
  pid_t pid_ = -1;
  int port_ = 0;
  int metrics_port_ = 0;
};

// Runs a binary with `args`, stdout and stderr captured; returns the exit
// status (or -1 if it could not run).
int RunProgram(const std::string& binary, const std::vector<std::string>& args,
               std::string* output);

std::string ReckondPath();
std::string ReckonPath();

}  // namespace reckon_testing

#endif  // RECKON_TESTS_INTEGRATION_DAEMON_HARNESS_H_

#include "tests/integration/daemon_harness.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include <grpcpp/create_channel.h>
#include <grpcpp/security/credentials.h>

namespace reckon_testing {
namespace {

// The integer after `"key":` in a JSON log line, or -1.
int IntAfter(const std::string& line, const std::string& key) {
  const std::string needle = absl::StrCat("\"", key, "\":");
  const size_t at = line.find(needle);
  if (at == std::string::npos) return -1;
  size_t end = at + needle.size();
  while (end < line.size() && isdigit(static_cast<unsigned char>(line[end]))) {
    ++end;
  }
  int value = -1;
  if (!absl::SimpleAtoi(
          line.substr(at + needle.size(), end - at - needle.size()), &value)) {
    return -1;
  }
  return value;
}

pid_t Spawn(const std::string& binary, const std::vector<std::string>& args,
            int out_fd) {
  std::vector<char*> argv;
  argv.push_back(const_cast<char*>(binary.c_str()));
  for (const std::string& arg : args) {
    argv.push_back(const_cast<char*>(arg.c_str()));
  }
  argv.push_back(nullptr);
  const pid_t pid = fork();
  if (pid == 0) {
    dup2(out_fd, STDOUT_FILENO);
    dup2(out_fd, STDERR_FILENO);
    execv(binary.c_str(), argv.data());
    _exit(127);
  }
  return pid;
}

}  // namespace

TempDir::TempDir(const std::string& name)
    : path_((std::filesystem::temp_directory_path() /
             absl::StrCat("reckon_it_", name, "_", getpid()))
                .string()) {
  std::filesystem::remove_all(path_);
  std::filesystem::create_directories(path_);
}

TempDir::~TempDir() { std::filesystem::remove_all(path_); }

std::string ReckondPath() {
  return absl::StrCat(RECKON_BINARY_DIR, "/service/daemon/reckond");
}

std::string ReckonPath() {
  return absl::StrCat(RECKON_BINARY_DIR, "/service/cli/reckon");
}

absl::StatusOr<std::unique_ptr<Daemon>> Daemon::Start(
    const std::string& data_dir, const std::string& log_path,
    const std::vector<std::string>& extra) {
  std::vector<std::string> args = {"--listen", "127.0.0.1:0", "--data",
                                   data_dir};
  args.insert(args.end(), extra.begin(), extra.end());
  const int log_fd =
      open(log_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (log_fd < 0) return absl::InternalError("cannot open " + log_path);
  auto daemon = std::unique_ptr<Daemon>(new Daemon());
  daemon->pid_ = Spawn(ReckondPath(), args, log_fd);
  close(log_fd);
  if (daemon->pid_ < 0) return absl::InternalError("fork failed");
  const absl::Time give_up = absl::Now() + absl::Seconds(20);
  while (absl::Now() < give_up) {
    std::ifstream log(log_path);
    std::string line;
    while (std::getline(log, line)) {
      if (line.find("\"event\":\"listening\"") != std::string::npos) {
        daemon->port_ = IntAfter(line, "port");
        daemon->metrics_port_ = IntAfter(line, "metrics_port");
        return daemon;
      }
    }
    int status = 0;
    if (waitpid(daemon->pid_, &status, WNOHANG) == daemon->pid_) {
      daemon->pid_ = -1;
      std::ifstream again(log_path);
      std::stringstream text;
      text << again.rdbuf();
      return absl::UnavailableError("reckond exited: " + text.str());
    }
    absl::SleepFor(absl::Milliseconds(10));
  }
  return absl::DeadlineExceededError("reckond did not start listening");
}

Daemon::~Daemon() {
  if (pid_ > 0) Kill9();
}

std::string Daemon::address() const {
  return absl::StrCat("127.0.0.1:", port_);
}

std::shared_ptr<grpc::Channel> Daemon::Channel() const {
  return grpc::CreateChannel(address(), grpc::InsecureChannelCredentials());
}

void Daemon::Kill9() {
  if (pid_ <= 0) return;
  kill(pid_, SIGKILL);
  int status = 0;
  waitpid(pid_, &status, 0);
  pid_ = -1;
}

int Daemon::Terminate() {
  if (pid_ <= 0) return -1;
  kill(pid_, SIGTERM);
  int status = 0;
  waitpid(pid_, &status, 0);
  pid_ = -1;
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

int RunProgram(const std::string& binary, const std::vector<std::string>& args,
               std::string* output) {
  char path[] = "/tmp/reckon_it_outXXXXXX";
  const int fd = mkstemp(path);
  if (fd < 0) return -1;
  const pid_t pid = Spawn(binary, args, fd);
  int status = 0;
  waitpid(pid, &status, 0);
  lseek(fd, 0, SEEK_SET);
  output->clear();
  char buffer[4096];
  ssize_t n = 0;
  while ((n = read(fd, buffer, sizeof(buffer))) > 0) {
    output->append(buffer, static_cast<size_t>(n));
  }
  close(fd);
  unlink(path);
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

}  // namespace reckon_testing

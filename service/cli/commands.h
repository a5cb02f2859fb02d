// The subcommands of `reckon`. Each lives in its own file as
// `int Run<Name>(const std::vector<std::string>& args)`, taking the words
// after the subcommand name and returning the process exit code:
// kExitOk, kExitFailure (the work failed) or kExitUsage (bad command line).
#ifndef RECKON_SERVICE_CLI_COMMANDS_H_
#define RECKON_SERVICE_CLI_COMMANDS_H_

#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "service/cli/args.h"

namespace reckon::service {

inline constexpr int kExitOk = 0;
inline constexpr int kExitFailure = 1;
inline constexpr int kExitUsage = 2;

using CommandFn = int (*)(const std::vector<std::string>& args);

struct Command {
  std::string_view name;
  std::string_view summary;
  CommandFn run;
};

int RunLink(const std::vector<std::string>& args);
int RunEstimate(const std::vector<std::string>& args);
int RunNormalize(const std::vector<std::string>& args);
int RunSubmit(const std::vector<std::string>& args);
int RunStatus(const std::vector<std::string>& args);
int RunSynth(const std::vector<std::string>& args);
int RunAudit(const std::vector<std::string>& args);

// Every subcommand, in the order `reckon --help` lists them.
const std::vector<Command>& Commands();

// Prints "reckon <command>: <message>" to stderr and returns the exit code
// for `status` (kExitUsage for kInvalidArgument from argument parsing is the
// caller's choice: pass `usage` = true).
int ReportError(std::string_view command, const absl::Status& status,
                bool usage = false);

// Parses `args` for `spec`; on --help prints the help and sets `*exit_code`
// to kExitOk; on a bad command line prints the error and sets kExitUsage.
// Returns the parsed arguments only when the command should run.
std::optional<ParsedArgs> ParseOrExit(const CommandSpec& spec,
                                      const std::vector<std::string>& args,
                                      int* exit_code);

}  // namespace reckon::service

#endif  // RECKON_SERVICE_CLI_COMMANDS_H_

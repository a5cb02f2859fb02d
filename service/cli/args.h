// A small command-line parser for reckon's subcommands. The public command
// line (DESIGN.md) repeats flags (`--source A=a.csv --source B=b.csv`) and
// mixes positionals with flags, which absl::flags does not model; this
// parser does, and renders each subcommand's --help from the same table.
#ifndef RECKON_SERVICE_CLI_ARGS_H_
#define RECKON_SERVICE_CLI_ARGS_H_

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"

namespace reckon::service {

struct FlagSpec {
  std::string name;        // without dashes, e.g. "source"
  std::string value_name;  // e.g. "NAME=FILE"; empty for a boolean switch
  std::string help;
  bool repeated = false;
};

struct CommandSpec {
  std::string name;        // e.g. "link"
  std::string positionals; // e.g. "DIR", shown in the usage line
  std::string summary;     // one line
  std::string details;     // paragraphs shown under --help
  std::vector<FlagSpec> flags;
  size_t min_positionals = 0;
  size_t max_positionals = 0;
};

class ParsedArgs {
 public:
  bool Has(const std::string& flag) const { return values_.contains(flag); }
  // The flag's value (the last one if repeated), if given.
  std::optional<std::string> Get(const std::string& flag) const;
  // Every value of a repeated flag, in order.
  std::vector<std::string> GetAll(const std::string& flag) const;
  const std::vector<std::string>& positionals() const { return positionals_; }
  bool help() const { return help_; }

 private:
  friend absl::StatusOr<ParsedArgs> ParseArgs(
      const CommandSpec& spec, const std::vector<std::string>& args);
  absl::flat_hash_map<std::string, std::vector<std::string>> values_;
  std::vector<std::string> positionals_;
  bool help_ = false;
};

// Parses `args` (the words after the subcommand name) against `spec`.
// Accepts `--flag value` and `--flag=value`; `--` ends the flags. Returns
// kInvalidArgument naming the unknown flag, missing value, repeated
// single-valued flag or wrong number of positionals. `--help`/`-h` sets
// help() and skips the positional count check.
absl::StatusOr<ParsedArgs> ParseArgs(const CommandSpec& spec,
                                     const std::vector<std::string>& args);

// The --help text of `spec`.
std::string HelpText(const CommandSpec& spec);

}  // namespace reckon::service

#endif  // RECKON_SERVICE_CLI_ARGS_H_

#include "service/cli/commands.h"

#include <iostream>
#include <optional>

#include "absl/strings/str_cat.h"

namespace reckon::service {

const std::vector<Command>& Commands() {
  static const std::vector<Command> kCommands = {
      {"link", "link records within and across sources into entities",
       RunLink},
      {"estimate", "estimate the true number of people from linked sources",
       RunEstimate},
      {"audit", "explain, evaluate and report on a linkage result", RunAudit},
      {"submit", "send a source file to a running reckond", RunSubmit},
      {"status", "ask a running reckond what it holds", RunStatus},
      {"synth", "generate a multi-register scenario with known truth",
       RunSynth},
      {"normalize", "show the normalized forms and keys of names",
       RunNormalize},
  };
  return kCommands;
}

int ReportError(std::string_view command, const absl::Status& status,
                bool usage) {
  std::cerr << "reckon " << command << ": " << status.message() << "\n";
  return usage ? kExitUsage : kExitFailure;
}

std::optional<ParsedArgs> ParseOrExit(const CommandSpec& spec,
                                      const std::vector<std::string>& args,
                                      int* exit_code) {
  absl::StatusOr<ParsedArgs> parsed = ParseArgs(spec, args);
  if (!parsed.ok()) {
    *exit_code = ReportError(spec.name, parsed.status(), /*usage=*/true);
    return std::nullopt;
  }
  if (parsed->help()) {
    std::cout << HelpText(spec);
    *exit_code = kExitOk;
    return std::nullopt;
  }
  return *std::move(parsed);
}

}  // namespace reckon::service

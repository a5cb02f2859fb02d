// `reckon`: the command-line front end. It only dispatches; each subcommand
// is a thin adapter over linkage/ (see service/cli/commands.h).
#include <iostream>
#include <string>
#include <string_view>
#include <vector>

#include "service/cli/commands.h"

namespace {

constexpr std::string_view kVersion = "0.1.0";

void PrintUsage(std::ostream& out) {
  out << "usage: reckon COMMAND [ARGS...]\n\n"
         "Links person registrations across registers and estimates how many\n"
         "distinct people there are. Commands:\n\n";
  for (const reckon::service::Command& command : reckon::service::Commands()) {
    std::string name(command.name);
    name.resize(12, ' ');
    out << "  " << name << command.summary << "\n";
  }
  out << "\n'reckon COMMAND --help' describes a command's arguments.\n";
}

}  // namespace

int main(int argc, char** argv) {
  using reckon::service::kExitOk;
  using reckon::service::kExitUsage;
  if (argc < 2) {
    PrintUsage(std::cerr);
    return kExitUsage;
  }
  const std::string_view name = argv[1];
  if (name == "--help" || name == "-h" || name == "help") {
    PrintUsage(std::cout);
    return kExitOk;
  }
  if (name == "--version" || name == "version") {
    std::cout << "reckon " << kVersion << "\n";
    return kExitOk;
  }
  std::vector<std::string> args(argv + 2, argv + argc);
  for (const reckon::service::Command& command : reckon::service::Commands()) {
    if (command.name != name) continue;
    return command.run(args);
  }
  std::cerr << "reckon: unknown command \"" << name << "\"\n\n";
  PrintUsage(std::cerr);
  return kExitUsage;
}

// `reckon audit SUBCOMMAND ...`: dispatches to the audit subcommands.
#include <iostream>
#include <string>
#include <vector>

#include "service/cli/audit_commands.h"
#include "service/cli/commands.h"

namespace reckon::service {
namespace {

struct AuditSubcommand {
  const char* name;
  const char* usage;
  const char* summary;
  CommandFn run;
};

const std::vector<AuditSubcommand>& Subcommands() {
  static const std::vector<AuditSubcommand> kSubcommands = {
      {"eval", "(DIR | --server HOST:PORT) --truth FILE.csv",
       "precision, recall, F1 and B-cubed against a hand-checked truth set",
       RunAuditEval},
      {"explain", "(DIR | --server HOST:PORT) SOURCE:ID SOURCE:ID",
       "why two records were or were not linked (a DIR: re-links the "
       "inputs)",
       RunAuditExplain},
      {"entity", "(DIR | --server HOST:PORT) SOURCE:ID",
       "every record of an entity, with the links that hold it together",
       RunAuditEntity},
      {"suspicious", "DIR | --server HOST:PORT",
       "entities that look wrong, worst first",
       RunAuditSuspicious},
      {"report", "(DIR | --server HOST:PORT) --html FILE",
       "one self-contained HTML page with charts", RunAuditReport},
  };
  return kSubcommands;
}

void PrintAuditUsage(std::ostream& out) {
  out << "usage: reckon audit SUBCOMMAND ...\n\n"
         "Explains, evaluates and reports on a `reckon link` output directory "
         "DIR, or\nwith --server HOST:PORT on a running reckond's current "
         "linkage (its entities,\nthe scored pairs and model of its last "
         "relink, its stored records).\nSubcommands:\n\n";
  for (const AuditSubcommand& sub : Subcommands()) {
    out << "  reckon audit " << sub.name << " " << sub.usage << "\n      "
        << sub.summary << "\n";
  }
  out << "\n'reckon audit SUBCOMMAND --help' describes each. All but report "
         "take --json\n(one JSON object on stdout). Exit codes: 0 done, 1 the "
         "work failed\n(unreadable or inconsistent files, unknown record, a "
         "failed call to reckond),\n2 a bad command line. With --server, "
         "--token-file FILE gives the bearer token\n(as for `reckon submit`) "
         "and --tls-ca/--tls-cert/--tls-key a TLS connection.\n";
}

}  // namespace

int RunAudit(const std::vector<std::string>& args) {
  if (args.empty()) {
    PrintAuditUsage(std::cerr);
    return kExitUsage;
  }
  if (args[0] == "--help" || args[0] == "-h" || args[0] == "help") {
    PrintAuditUsage(std::cout);
    return kExitOk;
  }
  const std::vector<std::string> rest(args.begin() + 1, args.end());
  for (const AuditSubcommand& sub : Subcommands()) {
    if (args[0] == sub.name) return sub.run(rest);
  }
  std::cerr << "reckon audit: unknown subcommand \"" << args[0] << "\"\n\n";
  PrintAuditUsage(std::cerr);
  return kExitUsage;
}

}  // namespace reckon::service

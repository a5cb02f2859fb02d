// The subcommands of `reckon audit`, one file each (audit_eval.cc,
// audit_explain.cc, audit_entity.cc, audit_suspicious.cc, audit_report.cc);
// audit_command.cc dispatches to them. Each takes the words after its name
// and returns kExitOk, kExitFailure or kExitUsage (commands.h).
#ifndef RECKON_SERVICE_CLI_AUDIT_COMMANDS_H_
#define RECKON_SERVICE_CLI_AUDIT_COMMANDS_H_

#include <string>
#include <vector>

namespace reckon::service {

int RunAuditEval(const std::vector<std::string>& args);
int RunAuditExplain(const std::vector<std::string>& args);
int RunAuditEntity(const std::vector<std::string>& args);
int RunAuditSuspicious(const std::vector<std::string>& args);
int RunAuditReport(const std::vector<std::string>& args);

}  // namespace reckon::service

#endif  // RECKON_SERVICE_CLI_AUDIT_COMMANDS_H_

// `reckon audit suspicious (DIR | --server HOST:PORT)`: entities that look
// wrong, worst first (service/cli/audit/suspicious.h says what is flagged
// and how it scores).
#include <iostream>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "nlohmann/json.hpp"
#include "service/cli/audit/suspicious.h"
#include "service/cli/audit_commands.h"
#include "service/cli/audit_io.h"
#include "service/cli/audit_server.h"
#include "service/cli/client.h"
#include "service/cli/commands.h"

namespace reckon::service {
namespace {

constexpr char kName[] = "audit suspicious";

CommandSpec MakeSpec() {
  CommandSpec spec = {
      .name = kName,
      .positionals = "DIR | --server HOST:PORT",
      .summary = "list the entities that look wrong, worst first",
      .details =
          "Flags entities whose records disagree on sex, on birth date (two "
          "dates no typo, day-month swap or missing part explains) or on "
          "nationality, as read from the input files DIR/summary.json names "
          "(with DIR/config.textproto; without them these checks are skipped "
          "and a note says so); entities held together by a single weak link "
          "(a bridge less than --margin bits above the threshold); links "
          "just above the threshold; the largest entities (more records than "
          "max(2, number of sources)); entities whose links in pairs.csv do "
          "not connect them.\n\n"
          "Each reason adds to the entity's score: sex 4, birth date 4, "
          "nationality 2, weak bridge 3 + c, link near the threshold 1 + c "
          "(c = 1 - (weight - threshold) / margin), large 0.5 * log2(size / "
          "max(2, sources)), not connected 1. Entities are listed by score, "
          "highest first, each with its reasons.\n\n"
          "With --server HOST:PORT instead of DIR: the same, on the running "
          "reckond's current entities, the scored pairs of its last relink "
          "and its stored records (the attribute checks need a token with "
          "the audit or admin role; with the read role they are skipped and "
          "a note says so). JSON then names \"server\" instead of "
          "\"dir\".\n\n"
          "Exit codes: 0 listed (whether or not anything was flagged), 1 "
          "unreadable DIR or a failed call to reckond, 2 a bad command "
          "line.",
      .flags = {{.name = "limit",
                 .value_name = "N",
                 .help = "entities to list (default 30; 0 for all)"},
                {.name = "margin",
                 .value_name = "BITS",
                 .help = "a link is weak below threshold + BITS (default 2)"},
                {.name = "largest",
                 .value_name = "N",
                 .help = "how many of the largest entities to flag (default "
                         "10)"},
                {.name = "json", .help = "print one JSON object"}},
      .min_positionals = 0,
      .max_positionals = 1,
  };
  for (FlagSpec& flag : ConnectionFlags()) spec.flags.push_back(std::move(flag));
  return spec;
}

const CommandSpec& Spec() {
  static const CommandSpec kSpec = MakeSpec();
  return kSpec;
}

}  // namespace

int RunAuditSuspicious(const std::vector<std::string>& args) {
  int exit_code = kExitOk;
  std::optional<ParsedArgs> parsed = ParseOrExit(Spec(), args, &exit_code);
  if (!parsed.has_value()) return exit_code;
  size_t limit = 30;
  audit::SuspiciousOptions options;
  if (std::optional<std::string> v = parsed->Get("limit");
      v.has_value() && !absl::SimpleAtoi(*v, &limit)) {
    return ReportError(kName, absl::InvalidArgumentError(absl::StrCat(
                                  "--limit \"", *v, "\": expected a whole number")),
                       true);
  }
  if (std::optional<std::string> v = parsed->Get("largest");
      v.has_value() && !absl::SimpleAtoi(*v, &options.largest)) {
    return ReportError(kName, absl::InvalidArgumentError(absl::StrCat(
                                  "--largest \"", *v,
                                  "\": expected a whole number")),
                       true);
  }
  if (std::optional<std::string> v = parsed->Get("margin");
      v.has_value() &&
      (!absl::SimpleAtod(*v, &options.margin) || !(options.margin > 0))) {
    return ReportError(kName, absl::InvalidArgumentError(absl::StrCat(
                                  "--margin \"", *v,
                                  "\": expected a positive number of bits")),
                       true);
  }
  absl::StatusOr<AuditTarget> target = ResolveAuditTarget(*parsed, 0);
  if (!target.ok()) return ReportError(kName, target.status(), true);
  const std::string& dir = target->where();
  std::vector<std::string> notes;
  audit::LinkView view;
  if (target->is_server()) {
    absl::StatusOr<Connection> connection = Connect(*parsed);
    if (!connection.ok()) return ReportError(kName, connection.status(), true);
    absl::StatusOr<ServerLinkage> fetched =
        FetchLinkage(*connection, target->server, /*want_values=*/true);
    if (!fetched.ok()) return ReportError(kName, fetched.status());
    if (fetched->values.empty()) {
      notes.push_back(absl::StrCat(
          "sex, birth date and nationality not checked: ",
          fetched->values_note));
    }
    view = ServerView(*fetched);
  } else {
    absl::StatusOr<AuditDir> audit_dir = ReadAuditDir(dir);
    if (!audit_dir.ok()) return ReportError(kName, audit_dir.status());
    absl::StatusOr<DirInputs> inputs = ReadDirInputs(*audit_dir);
    if (inputs.ok()) {
      audit::AttachFacts(inputs->records, &audit_dir->view);
    } else {
      notes.push_back(absl::StrCat(
          "sex, birth date and nationality not checked: ",
          inputs.status().message()));
    }
    view = std::move(audit_dir->view);
  }
  if (!view.has_pairs) {
    notes.push_back("no pairs.csv: link strength not checked");
  } else if (!view.has_threshold()) {
    notes.push_back("summary.json gives no threshold: link strength not checked");
  }
  const std::vector<audit::SuspiciousEntity> flagged =
      audit::FindSuspicious(view, options);
  const size_t shown =
      limit == 0 ? flagged.size() : std::min(limit, flagged.size());

  if (parsed->Has("json")) {
    nlohmann::json items = nlohmann::json::array();
    for (size_t i = 0; i < shown; ++i) {
      const audit::SuspiciousEntity& item = flagged[i];
      nlohmann::json reasons = nlohmann::json::array();
      for (const audit::Reason& reason : item.reasons) {
        reasons.push_back({{"kind", reason.kind},
                           {"text", reason.text},
                           {"points", reason.points}});
      }
      std::vector<std::string> records;
      for (uint32_t r : view.members[item.entity]) records.push_back(view.Label(r));
      items.push_back({{"rank", i + 1},
                       {"entity_id", view.entity_ids[item.entity]},
                       {"records", records},
                       {"score", item.score},
                       {"reasons", reasons}});
    }
    std::cout << nlohmann::json{{target->is_server() ? "server" : "dir", dir},
                                {"flagged", flagged.size()},
                                {"entities", view.num_entities()},
                                {"margin", options.margin},
                                {"notes", notes},
                                {"items", items}}
                     .dump(2)
              << "\n";
    return kExitOk;
  }
  std::cout << absl::StrFormat(
      "reckon audit suspicious %s: %d of %d entities flagged%s\n", dir,
      flagged.size(), view.num_entities(),
      shown < flagged.size() ? absl::StrCat(", the worst ", shown, " shown")
                             : "");
  for (const std::string& note : notes) std::cout << "note: " << note << "\n";
  for (size_t i = 0; i < shown; ++i) {
    const audit::SuspiciousEntity& item = flagged[i];
    std::vector<std::string> labels;
    for (uint32_t r : view.members[item.entity]) {
      if (labels.size() == 8) {
        labels.push_back(absl::StrCat("+", item.size - 8, " more"));
        break;
      }
      labels.push_back(view.Label(r));
    }
    std::cout << absl::StrFormat("\n%3d. %s  score %.2f  %d records: %s\n",
                                 i + 1, view.entity_ids[item.entity], item.score,
                                 item.size, absl::StrJoin(labels, ", "));
    for (const audit::Reason& reason : item.reasons) {
      std::cout << absl::StrFormat("     - %s (+%.2f)\n", reason.text,
                                   reason.points);
    }
  }
  return kExitOk;
}

}  // namespace reckon::service

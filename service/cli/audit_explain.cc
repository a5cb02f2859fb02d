// `reckon audit explain DIR SOURCE:ID SOURCE:ID`: why two records were or
// were not linked. Re-links DIR's inputs with DIR/config.textproto (the
// linker is deterministic) and explains the pair on that result, so the
// weight shown is the one in DIR/pairs.csv.
#include <iostream>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "service/cli/audit/explain.h"
#include "service/cli/audit/link_view.h"
#include "service/cli/audit_commands.h"
#include "service/cli/audit_io.h"
#include "service/cli/commands.h"

namespace reckon::service {
namespace {

constexpr char kName[] = "audit explain";

const CommandSpec& Spec() {
  static const CommandSpec kSpec = {
      .name = kName,
      .positionals = "DIR SOURCE:ID SOURCE:ID",
      .summary = "explain why two records were or were not linked",
      .details =
          "Shows, per comparison of the model, each record's value as its "
          "input file wrote it and as the comparator compared it, the "
          "agreement level and its weight (with the term-frequency "
          "adjustment for rare values), then a text waterfall of the running "
          "total against the link threshold, the verdict, the pair's row in "
          "DIR/pairs.csv (the weight must be the same to the last printed "
          "digit), the entities of the two records, and the blocking keys "
          "they share with the size of each block, or that they share none "
          "and so never met.\n\n"
          "Cost: this re-links DIR's inputs (the files summary.json names, "
          "read with DIR/config.textproto), so it takes about as long as the "
          "`reckon link` run did. The inputs must be unchanged: a different "
          "record, link or pair count is reported as an error.\n\n"
          "Exit codes: 0 explained (and the weight agrees with pairs.csv), 1 "
          "an unknown record, unreadable or changed inputs, or a weight that "
          "differs from pairs.csv, 2 a bad command line.",
      .flags = {{.name = "json", .help = "print one JSON object"}},
      .min_positionals = 3,
      .max_positionals = 3,
  };
  return kSpec;
}

}  // namespace

int RunAuditExplain(const std::vector<std::string>& args) {
  int exit_code = kExitOk;
  std::optional<ParsedArgs> parsed = ParseOrExit(Spec(), args, &exit_code);
  if (!parsed.has_value()) return exit_code;
  const std::string& dir = parsed->positionals()[0];
  absl::StatusOr<std::pair<std::string, std::string>> ref_a =
      audit::ParseRecordRef(parsed->positionals()[1]);
  if (!ref_a.ok()) return ReportError(kName, ref_a.status(), /*usage=*/true);
  absl::StatusOr<std::pair<std::string, std::string>> ref_b =
      audit::ParseRecordRef(parsed->positionals()[2]);
  if (!ref_b.ok()) return ReportError(kName, ref_b.status(), /*usage=*/true);
  if (*ref_a == *ref_b) {
    return ReportError(kName,
                       absl::InvalidArgumentError(
                           "give two different records"),
                       /*usage=*/true);
  }
  absl::StatusOr<AuditDir> audit_dir = ReadAuditDir(dir);
  if (!audit_dir.ok()) return ReportError(kName, audit_dir.status());
  const audit::LinkView& view = audit_dir->view;
  // Check the records against entities.csv before the costly re-link.
  const std::optional<uint32_t> view_a = view.Find(ref_a->first, ref_a->second);
  const std::optional<uint32_t> view_b = view.Find(ref_b->first, ref_b->second);
  for (const auto& [found, ref] : {std::make_pair(view_a, *ref_a),
                                   std::make_pair(view_b, *ref_b)}) {
    if (!found.has_value()) {
      return ReportError(kName, absl::NotFoundError(absl::StrCat(
                                    ref.first, ":", ref.second, ": not in ", dir,
                                    "/entities.csv")));
    }
  }
  absl::StatusOr<Relinked> relinked = Relink(*audit_dir);
  if (!relinked.ok()) return ReportError(kName, relinked.status());
  const std::vector<Record>& records = relinked->inputs.records;
  const std::optional<uint32_t> a =
      FindRecord(records, ref_a->first, ref_a->second);
  const std::optional<uint32_t> b =
      FindRecord(records, ref_b->first, ref_b->second);
  if (!a.has_value() || !b.has_value()) {
    return ReportError(
        kName, absl::FailedPreconditionError(absl::StrCat(
                   !a.has_value() ? parsed->positionals()[1]
                                  : parsed->positionals()[2],
                   ": in entities.csv but not in the input files any more")));
  }
  const audit::ExplainReport report = audit::BuildExplainReport(
      *relinked->linker, relinked->result, records, *a, *b);
  audit::DirPairInfo info;
  if (const LinkPair* row = view.FindPair(*view_a, *view_b); row != nullptr) {
    info.weight = row->weight;
    info.probability = row->probability;
  }
  // In the report, A is the record that comes first in the inputs.
  const bool swapped = *a > *b;
  info.entity_a = view.entity_ids[view.record_entity[swapped ? *view_b : *view_a]];
  info.entity_b = view.entity_ids[view.record_entity[swapped ? *view_a : *view_b]];
  if (parsed->Has("json")) {
    std::cout << audit::ExplainJson(report, info).dump(2) << "\n";
  } else {
    std::cout << audit::FormatExplainText(report, info);
  }
  if (!audit::AgreesWithPairsCsv(report, info)) {
    return ReportError(kName, absl::FailedPreconditionError(absl::StrCat(
                                  "the explained weight ",
                                  audit::FormatWeight(report.weight),
                                  " differs from ", dir, "/pairs.csv")));
  }
  return kExitOk;
}

}  // namespace reckon::service

// `reckon audit explain DIR SOURCE:ID SOURCE:ID`: why two records were or
// were not linked. Re-links DIR's inputs with DIR/config.textproto (the
// linker is deterministic) and explains the pair on that result, so the
// weight shown is the one in DIR/pairs.csv. With --server HOST:PORT it asks
// reckond's Explain instead.
#include <iostream>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include <grpcpp/client_context.h>

#include "reckon/v1/reckon.grpc.pb.h"
#include "service/cli/audit/explain.h"
#include "service/cli/audit/link_view.h"
#include "service/cli/audit_commands.h"
#include "service/cli/audit_io.h"
#include "service/cli/audit_server.h"
#include "service/cli/client.h"
#include "service/cli/commands.h"

namespace reckon::service {
namespace {

constexpr char kName[] = "audit explain";

CommandSpec MakeSpec() {
  CommandSpec spec = {
      .name = kName,
      .positionals = "(DIR | --server HOST:PORT) SOURCE:ID SOURCE:ID",
      .summary = "explain why two records were or were not linked",
      .details =
          "Shows, per comparison of the model, each record's value as its "
          "input file wrote it and as the comparator compared it, the "
          "agreement level and its weight (with the term-frequency "
          "adjustment for rare values), the prior weight of the two records' "
          "sources (registers differ in duplicates and overlap), then a text "
          "waterfall of the running "
          "total against the link threshold, the verdict, the pair's row in "
          "DIR/pairs.csv (the weight must be the same to the last printed "
          "digit), the entities of the two records, and the blocking keys "
          "they share with the size of each block, or that they share none "
          "and so never met.\n\n"
          "Cost: this re-links DIR's inputs (the files summary.json names, "
          "read with DIR/config.textproto), so it takes about as long as the "
          "`reckon link` run did. The inputs must be unchanged: a different "
          "record, link or pair count is reported as an error.\n\n"
          "With --server HOST:PORT instead of DIR: asks the running reckond "
          "(Explain, then GetEntity for the entity ids; a token with the "
          "audit or admin role), which scores the pair with its current "
          "model at once, without a re-link. The daemon sends the compared "
          "forms but not the values as given, and the shared keys without "
          "their block sizes, so those are left out (null in JSON); there "
          "is no pairs.csv to check against. A and B are in the order "
          "given.\n\n"
          "Exit codes: 0 explained (and the weight agrees with pairs.csv), 1 "
          "an unknown record, unreadable or changed inputs, a weight that "
          "differs from pairs.csv or a failed call to reckond, 2 a bad "
          "command line.",
      .flags = {{.name = "json", .help = "print one JSON object"}},
      .min_positionals = 2,
      .max_positionals = 3,
  };
  for (FlagSpec& flag : ConnectionFlags()) spec.flags.push_back(std::move(flag));
  return spec;
}

const CommandSpec& Spec() {
  static const CommandSpec kSpec = MakeSpec();
  return kSpec;
}

v1::RecordRef Ref(const std::pair<std::string, std::string>& ref) {
  v1::RecordRef out;
  out.set_source(ref.first);
  out.set_source_record_id(ref.second);
  return out;
}

// `reckon audit explain --server HOST:PORT A B`.
int ExplainOnServer(const ParsedArgs& parsed, const AuditTarget& target,
                    const std::pair<std::string, std::string>& ref_a,
                    const std::pair<std::string, std::string>& ref_b) {
  absl::StatusOr<Connection> connection = Connect(parsed);
  if (!connection.ok()) return ReportError(kName, connection.status(), true);
  auto stub = v1::LinkageService::NewStub(connection->channel);
  v1::ExplainResponse response;
  {
    grpc::ClientContext context;
    PrepareContext(*connection, absl::Seconds(60), &context);
    v1::ExplainRequest request;
    *request.mutable_left() = Ref(ref_a);
    *request.mutable_right() = Ref(ref_b);
    const grpc::Status status = stub->Explain(&context, request, &response);
    if (!status.ok()) {
      return ReportError(kName, RpcError(target.server, "Explain", status));
    }
  }
  audit::DirPairInfo info;
  info.server = target.server;
  for (const auto& [ref, entity] :
       {std::make_pair(ref_a, &info.entity_a),
        std::make_pair(ref_b, &info.entity_b)}) {
    grpc::ClientContext context;
    PrepareContext(*connection, absl::Seconds(60), &context);
    v1::GetEntityRequest request;
    *request.mutable_record() = Ref(ref);
    v1::Entity reply;
    const grpc::Status status = stub->GetEntity(&context, request, &reply);
    if (!status.ok()) {
      return ReportError(kName, RpcError(target.server, "GetEntity", status));
    }
    *entity = reply.entity_id();
  }
  std::vector<audit::ExplainField> fields;
  for (const v1::FieldReason& reason : response.fields()) {
    audit::ExplainField field;
    field.comparison = reason.field();
    field.compared_a = reason.left_value();
    field.compared_b = reason.right_value();
    field.level = reason.level_number();
    field.level_name = reason.level();
    field.weight = reason.weight();
    field.tf_adjustment = reason.tf_adjustment();
    fields.push_back(std::move(field));
  }
  const std::vector<std::string> keys(response.shared_blocking_keys().begin(),
                                      response.shared_blocking_keys().end());
  const audit::ExplainReport report = audit::ExplainReportFromServer(
      absl::StrCat(ref_a.first, ":", ref_a.second),
      absl::StrCat(ref_b.first, ":", ref_b.second), fields,
      response.total_weight(), response.match_probability(),
      response.threshold(), keys, response.source_pair_prior());
  if (parsed.Has("json")) {
    std::cout << audit::ExplainJson(report, info).dump(2) << "\n";
  } else {
    std::cout << audit::FormatExplainText(report, info);
  }
  return kExitOk;
}

}  // namespace

int RunAuditExplain(const std::vector<std::string>& args) {
  int exit_code = kExitOk;
  std::optional<ParsedArgs> parsed = ParseOrExit(Spec(), args, &exit_code);
  if (!parsed.has_value()) return exit_code;
  absl::StatusOr<AuditTarget> target = ResolveAuditTarget(*parsed, 2);
  if (!target.ok()) return ReportError(kName, target.status(), true);
  const std::string& dir = target->dir;
  absl::StatusOr<std::pair<std::string, std::string>> ref_a =
      audit::ParseRecordRef(target->rest[0]);
  if (!ref_a.ok()) return ReportError(kName, ref_a.status(), /*usage=*/true);
  absl::StatusOr<std::pair<std::string, std::string>> ref_b =
      audit::ParseRecordRef(target->rest[1]);
  if (!ref_b.ok()) return ReportError(kName, ref_b.status(), /*usage=*/true);
  if (*ref_a == *ref_b) {
    return ReportError(kName,
                       absl::InvalidArgumentError(
                           "give two different records"),
                       /*usage=*/true);
  }
  if (target->is_server()) {
    return ExplainOnServer(*parsed, *target, *ref_a, *ref_b);
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
                   !a.has_value() ? target->rest[0] : target->rest[1],
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

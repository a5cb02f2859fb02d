// `reckon audit entity (DIR | --server HOST:PORT) SOURCE:ID`: every record
// of the entity holding SOURCE:ID, by source, with its values from the input
// files (or reckond's store), and the scored pairs inside the entity that
// hold it together.
#include <iostream>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/time/time.h"
#include <grpcpp/client_context.h>
#include "nlohmann/json.hpp"
#include "reckon/v1/reckon.grpc.pb.h"
#include "service/cli/audit/link_view.h"
#include "service/cli/audit_commands.h"
#include "service/cli/audit_io.h"
#include "service/cli/audit_server.h"
#include "service/cli/client.h"
#include "service/cli/commands.h"
#include "service/daemon/proto_convert.h"

namespace reckon::service {
namespace {

constexpr char kName[] = "audit entity";

CommandSpec MakeSpec() {
  CommandSpec spec = {
      .name = kName,
      .positionals = "(DIR | --server HOST:PORT) SOURCE:ID",
      .summary = "show every record of an entity and the links holding it",
      .details =
          "Finds the entity of SOURCE:ID in DIR/entities.csv and lists its "
          "records by source with their values, read from the input files "
          "DIR/summary.json names (with DIR/config.textproto; without them "
          "only the ids are shown), and what DIR/entity_info.csv settled for "
          "the entity. Then the rows of DIR/pairs.csv whose two records are "
          "both in the entity, strongest first: weight, match probability, "
          "whether it is a link (weight at or above the threshold) and "
          "whether it is a bridge (removing it would split the entity, and "
          "into how many records each side).\n\n"
          "With --server HOST:PORT instead of DIR: the same on the running "
          "reckond's current entities and the scored pairs of its last "
          "relink; the values are the stored records (GetEntity: they need "
          "a token with the audit or admin role, else only the ids are "
          "shown and a note says why), and nothing is settled for an entity "
          "started since the last relink beyond what its first record "
          "says.\n\n"
          "Exit codes: 0 shown, 1 an unknown record, unreadable DIR or a "
          "failed call to reckond, 2 a bad command line.",
      .flags = {{.name = "json", .help = "print one JSON object"}},
      .min_positionals = 1,
      .max_positionals = 2,
  };
  for (FlagSpec& flag : ConnectionFlags()) spec.flags.push_back(std::move(flag));
  return spec;
}

const CommandSpec& Spec() {
  static const CommandSpec kSpec = MakeSpec();
  return kSpec;
}

// The stored records of the entity holding `source`:`id` at reckond
// (GetEntity); empty when the token may not see them.
absl::StatusOr<std::vector<Record>> StoredRecords(const Connection& connection,
                                                  const std::string& server,
                                                  const std::string& source,
                                                  const std::string& id) {
  auto stub = v1::LinkageService::NewStub(connection.channel);
  grpc::ClientContext context;
  PrepareContext(connection, absl::Seconds(60), &context);
  v1::GetEntityRequest request;
  request.mutable_record()->set_source(source);
  request.mutable_record()->set_source_record_id(id);
  v1::Entity entity;
  const grpc::Status status = stub->GetEntity(&context, request, &entity);
  if (!status.ok()) return RpcError(server, "GetEntity", status);
  std::vector<Record> records;
  for (const v1::Record& record : entity.records()) {
    records.push_back(RecordFromProto(record));
  }
  return records;
}

// (column, value) of every non-empty value of `record`, canonical fields
// first.
std::vector<std::pair<std::string, std::string>> Values(const Record& record) {
  std::vector<std::pair<std::string, std::string>> values;
  for (Field field : AllFields()) {
    if (!record.Get(field).empty()) {
      values.emplace_back(std::string(FieldName(field)), record.Get(field));
    }
  }
  for (const auto& [column, value] : record.extra) {
    if (!value.empty()) values.emplace_back(column, value);
  }
  return values;
}

}  // namespace

int RunAuditEntity(const std::vector<std::string>& args) {
  int exit_code = kExitOk;
  std::optional<ParsedArgs> parsed = ParseOrExit(Spec(), args, &exit_code);
  if (!parsed.has_value()) return exit_code;
  absl::StatusOr<AuditTarget> target = ResolveAuditTarget(*parsed, 1);
  if (!target.ok()) return ReportError(kName, target.status(), true);
  const std::string& dir = target->where();
  const std::string& asked = target->rest[0];
  absl::StatusOr<std::pair<std::string, std::string>> ref =
      audit::ParseRecordRef(asked);
  if (!ref.ok()) return ReportError(kName, ref.status(), /*usage=*/true);
  audit::LinkView view;
  std::optional<AuditDir> audit_dir;
  std::optional<Connection> connection;
  if (target->is_server()) {
    absl::StatusOr<Connection> connected = Connect(*parsed);
    if (!connected.ok()) return ReportError(kName, connected.status(), true);
    connection = *std::move(connected);
    absl::StatusOr<ServerLinkage> fetched =
        FetchLinkage(*connection, target->server, /*want_values=*/false);
    if (!fetched.ok()) return ReportError(kName, fetched.status());
    view = ServerView(*fetched);
  } else {
    absl::StatusOr<AuditDir> read = ReadAuditDir(dir);
    if (!read.ok()) return ReportError(kName, read.status());
    audit_dir = *std::move(read);
    view = std::move(audit_dir->view);
  }
  const std::optional<uint32_t> record = view.Find(ref->first, ref->second);
  if (!record.has_value()) {
    return ReportError(
        kName, absl::NotFoundError(
                   target->is_server()
                       ? absl::StrCat(asked, ": reckond ", dir,
                                      " holds no such record")
                       : absl::StrCat(asked, ": not in ", dir,
                                      "/entities.csv")));
  }
  const uint32_t entity = view.record_entity[*record];
  const std::vector<uint32_t>& members = view.members[entity];

  // Values from the input files (or reckond's store), when they can be read.
  std::string inputs_note;
  std::map<uint32_t, const Record*> input_of;
  absl::StatusOr<std::vector<Record>> inputs = absl::UnknownError("");
  if (target->is_server()) {
    inputs = StoredRecords(*connection, target->server, ref->first,
                           ref->second);
    if (inputs.ok() && inputs->empty()) {
      inputs = absl::PermissionDeniedError(
          "the token may not see stored records (they need the audit or "
          "admin role)");
    }
  } else {
    absl::StatusOr<DirInputs> read = ReadDirInputs(*audit_dir);
    if (read.ok()) {
      inputs = std::move(read->records);
    } else {
      inputs = read.status();
    }
  }
  if (inputs.ok()) {
    for (const Record& r : *inputs) {
      const std::optional<uint32_t> index =
          view.Find(r.source, r.source_record_id);
      if (index.has_value() && view.record_entity[*index] == entity) {
        input_of[*index] = &r;
      }
    }
  } else {
    inputs_note = absl::StrCat("values not shown: ", inputs.status().message());
  }
  std::vector<std::pair<std::string, std::string>> settled;
  for (size_t k = 0; k < view.attribute_names.size(); ++k) {
    if (!view.attributes[k][entity].empty()) {
      settled.emplace_back(view.attribute_names[k], view.attributes[k][entity]);
    }
  }
  const std::vector<audit::EntityLink> links = audit::EntityLinks(view, entity);

  if (parsed->Has("json")) {
    nlohmann::json by_source = nlohmann::json::object();
    for (uint32_t m : members) {
      nlohmann::json values = nlohmann::json::object();
      if (auto it = input_of.find(m); it != input_of.end()) {
        for (const auto& [column, value] : Values(*it->second)) {
          values[column] = value;
        }
      }
      by_source[view.sources[view.record_source[m]]].push_back(
          {{"source_record_id", view.record_id[m]}, {"values", values}});
    }
    nlohmann::json link_rows = nlohmann::json::array();
    for (const audit::EntityLink& link : links) {
      link_rows.push_back({{"a", view.Label(link.a)},
                           {"b", view.Label(link.b)},
                           {"weight", link.weight},
                           {"probability", link.probability},
                           {"link", link.above_threshold},
                           {"bridge", link.bridge}});
    }
    nlohmann::json settled_json = nlohmann::json::object();
    for (const auto& [k, v] : settled) settled_json[k] = v;
    nlohmann::json out = {{"entity_id", view.entity_ids[entity]},
                          {"records", members.size()},
                          {"settled", settled_json},
                          {"by_source", by_source},
                          {"threshold", view.has_threshold()
                                            ? nlohmann::json(view.threshold)
                                            : nullptr},
                          {"links", link_rows},
                          {"links_connect", audit::LinksConnect(view, entity)}};
    if (!inputs_note.empty()) out["note"] = inputs_note;
    std::cout << out.dump(2) << "\n";
    return kExitOk;
  }

  std::vector<std::string> settled_text;
  for (const auto& [k, v] : settled) settled_text.push_back(absl::StrCat(k, " ", v));
  std::cout << absl::StrFormat("entity %s: %d records", view.entity_ids[entity],
                               members.size());
  if (!settled_text.empty()) {
    std::cout << " (settled: " << absl::StrJoin(settled_text, ", ") << ")";
  }
  std::cout << "\n";
  if (!inputs_note.empty()) std::cout << "  " << inputs_note << "\n";
  for (size_t s = 0; s < view.sources.size(); ++s) {
    std::vector<uint32_t> of_source;
    for (uint32_t m : members) {
      if (view.record_source[m] == s) of_source.push_back(m);
    }
    if (of_source.empty()) continue;
    std::cout << "\n" << view.sources[s] << " (" << of_source.size() << ")\n";
    for (uint32_t m : of_source) {
      std::cout << "  " << view.Label(m) << (m == *record ? "  <- asked" : "")
                << "\n";
      if (auto it = input_of.find(m); it != input_of.end()) {
        for (const auto& [column, value] : Values(*it->second)) {
          std::cout << absl::StrFormat("      %-16s %s\n", column, value);
        }
      }
    }
  }
  if (!view.has_pairs) {
    std::cout << "\nno pairs.csv in " << dir << ": links not shown\n";
    return kExitOk;
  }
  std::cout << "\nscored pairs inside the entity ("
            << (target->is_server() ? "of the last relink" : "pairs.csv")
            << "), strongest first";
  if (view.has_threshold()) {
    std::cout << absl::StrFormat("; link threshold %.3f", view.threshold);
  }
  std::cout << ":\n";
  if (links.empty()) std::cout << "  none\n";
  for (const audit::EntityLink& link : links) {
    std::string what = link.above_threshold ? "link" : "below the threshold";
    if (link.bridge) {
      absl::StrAppend(&what, absl::StrFormat(
                                 ", bridge: without it %d + %d records",
                                 link.part_a, link.part_b));
    }
    std::cout << absl::StrFormat("  %12s %8.4f  %s - %s  (%s)\n",
                                 audit::FormatWeight(link.weight),
                                 link.probability, view.Label(link.a),
                                 view.Label(link.b), what);
  }
  if (!audit::LinksConnect(view, entity)) {
    std::cout << "  (these links do not connect every record: pairs below "
                 "probability 0.01 are not written)\n";
  }
  return kExitOk;
}

}  // namespace reckon::service

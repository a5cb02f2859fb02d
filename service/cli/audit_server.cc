#include "service/cli/audit_server.h"

#include <algorithm>
#include <memory>
#include <utility>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include <grpcpp/client_context.h>

#include "linkage/base/status_macros.h"
#include "reckon/v1/reckon.grpc.pb.h"
#include "service/daemon/proto_convert.h"

namespace reckon::service {
namespace {

// A whole export of a large store takes a while; an audit is not urgent.
constexpr absl::Duration kExportTimeout = absl::Minutes(30);

absl::Status Malformed(const std::string& server, int64_t message,
                       std::string_view what) {
  return absl::DataLossError(absl::StrCat(
      "reckond ", server, ": ExportLinkage: message ", message, ": ",
      absl::string_view(what.data(), what.size())));
}

// Adds one message of the stream to `out`. The header must come first and
// only once; records, entities and pairs must refer to what exists.
class StreamReader {
 public:
  StreamReader(const std::string& server, ServerLinkage* out)
      : server_(server), out_(out) {}

  absl::Status Add(const v1::ExportLinkageResponse& message) {
    ++messages_;
    LinkedRecords& link = out_->link;
    if (message.has_header()) {
      if (have_header_) return Bad("a second header");
      RECKON_RETURN_IF_ERROR(Header(message.header()));
    } else if (!have_header_) {
      return Bad("no header in the first message");
    }
    for (const v1::ExportedEntity& entity : message.entities()) {
      if (!link.record_entity.empty() || !link.pairs.empty()) {
        return Bad("an entity after the records");
      }
      if (static_cast<size_t>(entity.attributes_size()) !=
          link.attribute_names.size()) {
        return Bad(absl::StrCat("entity \"", entity.entity_id(), "\": ",
                                entity.attributes_size(), " attributes for ",
                                link.attribute_names.size(), " names"));
      }
      const auto number = static_cast<uint32_t>(link.entity_ids.size());
      if (!link.entity_index.try_emplace(entity.entity_id(), number).second) {
        return Bad(absl::StrCat("entity \"", entity.entity_id(), "\" twice"));
      }
      link.entity_ids.push_back(entity.entity_id());
      for (size_t k = 0; k < link.attribute_names.size(); ++k) {
        link.attributes[k].push_back(entity.attributes(static_cast<int>(k)));
      }
    }
    for (const v1::ExportedRecord& record : message.records()) {
      if (!link.pairs.empty()) return Bad("a record after the pairs");
      const std::string label = absl::StrCat(
          "record ", record.source(), ":", record.source_record_id());
      if (record.source() >= link.sources.size()) {
        return Bad(absl::StrCat(label, ": no source ", record.source()));
      }
      if (record.entity() >= link.entity_ids.size()) {
        return Bad(absl::StrCat(label, ": no entity ", record.entity()));
      }
      const auto number = static_cast<uint32_t>(link.record_entity.size());
      if (!link.record_index[record.source()]
               .try_emplace(record.source_record_id(), number)
               .second) {
        return Bad(absl::StrCat(label, " twice"));
      }
      link.record_source.push_back(record.source());
      link.record_entity.push_back(record.entity());
      if (want_values_) {
        if (!record.has_values()) {
          return Bad(absl::StrCat(label, ": values asked for, none sent"));
        }
        Record values = RecordFromProto(record.values());
        values.source = link.sources[record.source()];
        values.source_record_id = record.source_record_id();
        out_->values.push_back(std::move(values));
      }
    }
    for (const v1::ExportedPair& pair : message.pairs()) {
      const size_t records = link.record_entity.size();
      if (pair.a() >= records || pair.b() >= records || pair.a() == pair.b()) {
        return Bad(absl::StrCat("pair ", pair.a(), ", ", pair.b(), ": not two of the ",
                                records, " records"));
      }
      if (!(pair.match_probability() >= 0.0 &&
            pair.match_probability() <= 1.0)) {
        return Bad(absl::StrCat("pair ", pair.a(), ", ", pair.b(),
                                ": probability out of [0, 1]"));
      }
      link.pairs.push_back(
          {pair.a(), pair.b(), pair.weight(), pair.match_probability()});
    }
    return absl::OkStatus();
  }

  // Checks the counts against the header's.
  absl::Status Finish() const {
    const LinkedRecords& link = out_->link;
    if (!have_header_) return Bad("empty stream");
    if (static_cast<int64_t>(link.record_entity.size()) != records_ ||
        static_cast<int64_t>(link.entity_ids.size()) != entities_ ||
        static_cast<int64_t>(link.pairs.size()) != pairs_) {
      return Bad(absl::StrCat(
          "the stream ended with ", link.record_entity.size(), " records, ",
          link.entity_ids.size(), " entities and ", link.pairs.size(),
          " pairs where its header announced ", records_, ", ", entities_,
          " and ", pairs_));
    }
    return absl::OkStatus();
  }

  void set_want_values(bool want) { want_values_ = want; }

 private:
  absl::Status Bad(std::string_view what) const {
    return Malformed(server_, messages_, what);
  }

  absl::Status Header(const v1::ExportHeader& header) {
    have_header_ = true;
    LinkedRecords& link = out_->link;
    if (header.sources_size() == 0) return Bad("header: no sources");
    if (header.sources_size() > 16) {
      return Bad(absl::StrCat("header: ", header.sources_size(),
                              " sources, more than the 16 an audit handles"));
    }
    for (const std::string& source : header.sources()) {
      link.sources.push_back(source);
    }
    link.record_index.resize(link.sources.size());
    for (const std::string& name : header.attribute_names()) {
      link.attribute_names.push_back(name);
    }
    link.attributes.resize(link.attribute_names.size());
    const v1::LinkageModel& model = header.model();
    out_->threshold = model.threshold();
    out_->model.lambda = model.lambda();
    for (const v1::ModelComparison& comparison : model.comparisons()) {
      audit::ModelComparison out;
      out.name = comparison.name();
      for (const v1::ModelLevel& level : comparison.levels()) {
        out.levels.push_back(
            {level.level(), level.m(), level.u(), level.weight()});
      }
      out_->model.comparisons.push_back(std::move(out));
    }
    out_->links = static_cast<uint64_t>(std::max<int64_t>(header.links(), 0));
    out_->last_relink_unix = header.last_relink_unix();
    records_ = header.records();
    entities_ = header.entities();
    pairs_ = header.pairs();
    return absl::OkStatus();
  }

  const std::string& server_;
  ServerLinkage* out_;
  bool want_values_ = false;
  bool have_header_ = false;
  int64_t messages_ = 0;
  int64_t records_ = 0;
  int64_t entities_ = 0;
  int64_t pairs_ = 0;
};

// One attempt at the stream.
absl::StatusOr<ServerLinkage> Fetch(const Connection& connection,
                                    const std::string& server,
                                    bool with_values, grpc::Status* rpc) {
  auto stub = v1::LinkageService::NewStub(connection.channel);
  grpc::ClientContext context;
  PrepareContext(connection, kExportTimeout, &context);
  v1::ExportLinkageRequest request;
  request.set_with_values(with_values);
  std::unique_ptr<grpc::ClientReader<v1::ExportLinkageResponse>> reader =
      stub->ExportLinkage(&context, request);
  ServerLinkage fetched;
  fetched.server = server;
  StreamReader stream(server, &fetched);
  stream.set_want_values(with_values);
  v1::ExportLinkageResponse message;
  absl::Status broken;
  while (reader->Read(&message)) {
    broken = stream.Add(message);
    if (!broken.ok()) {
      context.TryCancel();
      break;
    }
  }
  *rpc = reader->Finish();
  if (!broken.ok()) return broken;
  if (!rpc->ok()) return RpcError(server, "ExportLinkage", *rpc);
  RECKON_RETURN_IF_ERROR(stream.Finish());
  return fetched;
}

}  // namespace

absl::StatusOr<AuditTarget> ResolveAuditTarget(const ParsedArgs& args,
                                               size_t rest) {
  AuditTarget target;
  const std::vector<std::string>& positionals = args.positionals();
  if (std::optional<std::string> server = args.Get("server")) {
    if (server->empty()) {
      return absl::InvalidArgumentError("--server: expected HOST:PORT");
    }
    if (positionals.size() != rest) {
      return absl::InvalidArgumentError(absl::StrCat(
          "with --server give ", rest, " argument", rest == 1 ? "" : "s",
          " and no DIR (", positionals.size(), " given)"));
    }
    target.server = *server;
    target.rest = positionals;
    return target;
  }
  for (const char* flag : {"token-file", "tls-ca", "tls-cert", "tls-key"}) {
    if (args.Has(flag)) {
      return absl::InvalidArgumentError(
          absl::StrCat("--", flag, " needs --server HOST:PORT"));
    }
  }
  if (positionals.size() != rest + 1) {
    return absl::InvalidArgumentError(absl::StrCat(
        "give DIR", rest == 0 ? "" : absl::StrCat(" and ", rest, " more"),
        " (or --server HOST:PORT) (", positionals.size(), " arguments given)"));
  }
  target.dir = positionals[0];
  target.rest.assign(positionals.begin() + 1, positionals.end());
  return target;
}

absl::StatusOr<ServerLinkage> FetchLinkage(const Connection& connection,
                                           const std::string& server,
                                           bool want_values) {
  grpc::Status rpc;
  absl::StatusOr<ServerLinkage> fetched =
      Fetch(connection, server, want_values, &rpc);
  if (want_values &&
      rpc.error_code() == grpc::StatusCode::PERMISSION_DENIED) {
    // The token may read the linkage but not the stored records.
    fetched = Fetch(connection, server, false, &rpc);
    if (fetched.ok()) {
      fetched->values_note =
          "the token may not see stored records (they need the audit or "
          "admin role)";
    }
  } else if (fetched.ok() && !want_values) {
    fetched->values_note = "stored records not fetched";
  }
  return fetched;
}

audit::LinkView ServerView(const ServerLinkage& fetched) {
  audit::LinkView view =
      audit::MakeLinkView(fetched.link, /*has_pairs=*/true, fetched.threshold);
  if (!fetched.values.empty()) audit::AttachFacts(fetched.values, &view);
  return view;
}

absl::Status RpcError(const std::string& server, std::string_view rpc,
                      const grpc::Status& status) {
  const auto code = static_cast<absl::StatusCode>(status.error_code());
  const absl::string_view name(rpc.data(), rpc.size());
  const std::string prefix = absl::StrCat("reckond ", server, ": ", name, ": ");
  // The daemon's messages often start with the call's name already.
  std::string message = status.error_message();
  if (absl::StartsWith(message, absl::StrCat(name, ": "))) {
    message.erase(0, name.size() + 2);
  }
  switch (status.error_code()) {
    case grpc::StatusCode::UNAVAILABLE:
      return absl::Status(
          code, absl::StrCat(prefix, "cannot reach the server (is reckond "
                                     "running and listening there?): ",
                             message));
    case grpc::StatusCode::DEADLINE_EXCEEDED:
      return absl::Status(
          code, absl::StrCat(prefix, "no answer in time: ",
                             message));
    case grpc::StatusCode::UNAUTHENTICATED:
      return absl::Status(
          code, absl::StrCat(prefix, "not authenticated (",
                             message,
                             "): give --token-file FILE with a token reckond's "
                             "--auth file lists"));
    case grpc::StatusCode::PERMISSION_DENIED:
      return absl::Status(
          code, absl::StrCat(prefix, "not allowed: ", message));
    case grpc::StatusCode::UNIMPLEMENTED:
      return absl::Status(
          code, absl::StrCat(prefix, "this reckond cannot answer it (an "
                                     "older or reduced build): ",
                             message));
    default:
      return absl::Status(code, absl::StrCat(prefix, message));
  }
}

}  // namespace reckon::service

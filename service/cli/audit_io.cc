#include "service/cli/audit_io.h"

#include <fstream>
#include <utility>

#include "absl/strings/str_cat.h"
#include "linkage/base/status_macros.h"
#include "service/cli/load_sources.h"

namespace reckon::service {

absl::StatusOr<AuditDir> ReadAuditDir(const std::string& dir) {
  AuditDir audit_dir;
  audit_dir.dir = dir;
  RECKON_ASSIGN_OR_RETURN(audit_dir.summary, ReadLinkSummary(dir));
  absl::StatusOr<LinkDirRecords> read =
      ReadLinkDirRecords(dir, audit_dir.summary.sources);
  if (!read.ok()) {
    if (absl::IsNotFound(read.status())) {
      return absl::NotFoundError(absl::StrCat(
          read.status().message(), " (is ", dir, " a `reckon link` output?)"));
    }
    return read.status();
  }
  audit_dir.has_entity_info = read->has_entity_info;
  audit_dir.view = audit::MakeLinkView(std::move(read->link), read->has_pairs,
                                       audit_dir.summary.threshold);
  return audit_dir;
}

absl::StatusOr<DirInputs> ReadDirInputs(const AuditDir& dir) {
  const LinkSummary& summary = dir.summary;
  const std::string summary_path = dir.dir + "/summary.json";
  if (!summary.present) {
    return absl::FailedPreconditionError(
        absl::StrCat(summary_path, ": cannot open, so the input files are "
                                   "unknown"));
  }
  if (summary.sources.empty()) {
    return absl::FailedPreconditionError(
        absl::StrCat(summary_path, ": sources: missing"));
  }
  std::vector<SourceFile> files;
  for (const std::string& source : summary.sources) {
    auto it = summary.input_files.find(source);
    if (it == summary.input_files.end()) {
      return absl::FailedPreconditionError(absl::StrCat(
          summary_path, ": input_files: no file for source ", source));
    }
    files.push_back({source, it->second});
  }
  const std::string config_path = dir.dir + "/config.textproto";
  if (!std::ifstream(config_path)) {
    return absl::FailedPreconditionError(absl::StrCat(
        config_path,
        ": cannot open (`reckon link` writes it; re-run the link to audit "
        "this)"));
  }
  DirInputs inputs;
  RECKON_ASSIGN_OR_RETURN(inputs.config, LoadLinkageConfig(config_path));
  RECKON_ASSIGN_OR_RETURN(LoadedSources loaded,
                          LoadSources(files, inputs.config.reader, nullptr));
  inputs.records = std::move(loaded.records);
  inputs.rows_rejected = loaded.rows_rejected;
  return inputs;
}

absl::StatusOr<Relinked> Relink(const AuditDir& dir) {
  Relinked relinked;
  RECKON_ASSIGN_OR_RETURN(relinked.inputs, ReadDirInputs(dir));
  const LinkSummary& summary = dir.summary;
  const auto changed = [&](const std::string& what, uint64_t now,
                           uint64_t then) {
    return absl::FailedPreconditionError(absl::StrCat(
        "re-linking the inputs gives ", now, " ", what, " where ", dir.dir,
        "/summary.json has ", then,
        ": the input files or the config changed since the link run"));
  };
  if (summary.records.has_value() &&
      *summary.records != relinked.inputs.records.size()) {
    return changed("records", relinked.inputs.records.size(), *summary.records);
  }
  RECKON_ASSIGN_OR_RETURN(relinked.linker,
                          Linker::Create(relinked.inputs.config.linker));
  RECKON_ASSIGN_OR_RETURN(
      relinked.result,
      relinked.linker->Link(relinked.inputs.records, summary.sources,
                            ExecOptions{}));
  if (summary.links.has_value() && *summary.links != relinked.result.links) {
    return changed("links", relinked.result.links, *summary.links);
  }
  if (summary.pairs_written.has_value() &&
      *summary.pairs_written != relinked.result.pairs.size()) {
    return changed("scored pairs", relinked.result.pairs.size(),
                   *summary.pairs_written);
  }
  return relinked;
}

std::optional<uint32_t> FindRecord(const std::vector<Record>& records,
                                   const std::string& source,
                                   const std::string& id) {
  for (size_t r = 0; r < records.size(); ++r) {
    if (records[r].source == source && records[r].source_record_id == id) {
      return static_cast<uint32_t>(r);
    }
  }
  return std::nullopt;
}

}  // namespace reckon::service

// The file side of `reckon audit`: reading a `reckon link` output directory
// into an audit::LinkView, reading the inputs named in its summary.json with
// the config it ran with (DIR/config.textproto), and re-linking them to
// explain a pair exactly as the link run scored it.
#ifndef RECKON_SERVICE_CLI_AUDIT_IO_H_
#define RECKON_SERVICE_CLI_AUDIT_IO_H_

#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "linkage/base/record.h"
#include "linkage/linker/linker.h"
#include "service/cli/audit/link_view.h"
#include "service/cli/link_dir.h"
#include "service/config/linkage_config.h"

namespace reckon::service {

struct AuditDir {
  std::string dir;
  LinkSummary summary;
  audit::LinkView view;
  bool has_entity_info = false;
};

// Reads DIR/summary.json, entities.csv, entity_info.csv and pairs.csv.
// kNotFound when DIR has no entities.csv; file errors name file and line.
absl::StatusOr<AuditDir> ReadAuditDir(const std::string& dir);

struct DirInputs {
  LoadedConfig config;
  std::vector<Record> records;
  uint64_t rows_rejected = 0;
};

// Reads DIR/config.textproto and the input files summary.json names, in its
// source order, the way `reckon link` read them. kFailedPrecondition when
// summary.json lacks the sources or their files, or config.textproto is
// missing; kNotFound for an input file that cannot be opened.
absl::StatusOr<DirInputs> ReadDirInputs(const AuditDir& dir);

struct Relinked {
  DirInputs inputs;
  std::unique_ptr<Linker> linker;
  LinkResult result;
};

// Reads the inputs and links them again with the same config: the linker is
// deterministic, so this reproduces the run. kFailedPrecondition when the
// record count, link count or pair count differ from summary.json (the
// inputs or the config changed since), naming which.
absl::StatusOr<Relinked> Relink(const AuditDir& dir);

// Index of record `source`:`id` in `records`, if present.
std::optional<uint32_t> FindRecord(const std::vector<Record>& records,
                                   const std::string& source,
                                   const std::string& id);

}  // namespace reckon::service

#endif  // RECKON_SERVICE_CLI_AUDIT_IO_H_

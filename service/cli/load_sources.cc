#include "service/cli/load_sources.h"

#include <filesystem>
#include <fstream>
#include <iterator>
#include <set>
#include <utility>

#include "absl/strings/str_cat.h"

namespace reckon::service {

absl::StatusOr<std::vector<SourceFile>> ParseSourceFlags(
    const std::vector<std::string>& values) {
  std::vector<SourceFile> files;
  std::set<std::string> seen;
  for (const std::string& value : values) {
    const size_t eq = value.find('=');
    if (eq == std::string::npos || eq == 0 || eq + 1 == value.size()) {
      return absl::InvalidArgumentError(
          absl::StrCat("--source \"", value, "\": expected NAME=FILE"));
    }
    SourceFile file{value.substr(0, eq), value.substr(eq + 1)};
    if (!seen.insert(file.name).second) {
      return absl::InvalidArgumentError(
          absl::StrCat("--source ", file.name, " given twice"));
    }
    files.push_back(std::move(file));
  }
  return files;
}

absl::StatusOr<LoadedSources> LoadSources(const std::vector<SourceFile>& files,
                                          const RecordReaderOptions& reader,
                                          const RejectedRowsFn& on_rejected) {
  LoadedSources loaded;
  for (const SourceFile& file : files) {
    std::ifstream in(file.path);
    if (!in) {
      return absl::NotFoundError(
          absl::StrCat(file.path, ": cannot open source file"));
    }
    absl::StatusOr<ReadResult> read =
        ReadAllRecords(in, file.path, file.name, reader);
    if (!read.ok()) return read.status();
    if (!read->errors.empty() && on_rejected) on_rejected(file.path, read->errors);
    loaded.rows_rejected += static_cast<uint64_t>(read->rows_rejected);
    loaded.sources.push_back(file.name);
    loaded.source_files[file.name] =
        std::filesystem::absolute(std::filesystem::path(file.path)).string();
    loaded.records.insert(loaded.records.end(),
                          std::make_move_iterator(read->records.begin()),
                          std::make_move_iterator(read->records.end()));
  }
  return loaded;
}

}  // namespace reckon::service

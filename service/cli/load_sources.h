// Reading the source files of a link run: what `reckon link` does before it
// links, shared with `reckon audit`, which must read the same inputs the same
// way to re-link them (explain) or to show their values (entity, suspicious).
//
//   RECKON_ASSIGN_OR_RETURN(std::vector<SourceFile> files,
//                           ParseSourceFlags({"labour=labour.csv"}));
//   RECKON_ASSIGN_OR_RETURN(LoadedSources loaded,
//                           LoadSources(files, config.reader, nullptr));
#ifndef RECKON_SERVICE_CLI_LOAD_SOURCES_H_
#define RECKON_SERVICE_CLI_LOAD_SOURCES_H_

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "linkage/base/record.h"
#include "linkage/ingest/record_reader.h"

namespace reckon::service {

struct SourceFile {
  std::string name;  // the source name records carry
  std::string path;  // as given (relative paths resolve against the cwd)
};

// Parses `--source NAME=FILE` values. kInvalidArgument for a value without
// NAME or FILE, or a NAME given twice.
absl::StatusOr<std::vector<SourceFile>> ParseSourceFlags(
    const std::vector<std::string>& values);

struct LoadedSources {
  // Every accepted record, file after file in the order given.
  std::vector<Record> records;
  std::vector<std::string> sources;                 // names, in order given
  std::map<std::string, std::string> source_files;  // name -> absolute path
  uint64_t rows_rejected = 0;
};

// Called once per file that had rejected rows, with the file's path and one
// message per rejected row ("file:line: field: what").
using RejectedRowsFn = std::function<void(
    const std::string& path, const std::vector<std::string>& errors)>;

// Reads each file with `reader`. Bad rows are skipped, counted and passed to
// `on_rejected` (if set). Fails with kNotFound naming a file that cannot be
// opened, or with the reader's error when a header cannot be read.
absl::StatusOr<LoadedSources> LoadSources(const std::vector<SourceFile>& files,
                                          const RecordReaderOptions& reader,
                                          const RejectedRowsFn& on_rejected);

}  // namespace reckon::service

#endif  // RECKON_SERVICE_CLI_LOAD_SOURCES_H_

// Reads a LinkageConfig (Protobuf text format, proto/reckon/v1/config.proto)
// and turns it into what linkage/ takes: a LinkerConfig and the options of
// the record reader. An empty config gives the canonical schema's defaults.
#ifndef RECKON_SERVICE_CONFIG_LINKAGE_CONFIG_H_
#define RECKON_SERVICE_CONFIG_LINKAGE_CONFIG_H_

#include <string>

#include "absl/status/statusor.h"
#include "linkage/ingest/record_reader.h"
#include "linkage/linker/config.h"
#include "reckon/v1/config.pb.h"

namespace reckon::service {

struct LoadedConfig {
  LinkerConfig linker;
  RecordReaderOptions reader;
};

// Parses `text`. Errors name `file_name`, the line and column:
// "febrl.textproto:7:3: unknown field \"comparator_kind\"".
absl::StatusOr<v1::LinkageConfig> ParseLinkageConfig(const std::string& text,
                                                     const std::string& file_name);

// Converts and validates. Comparisons and blocking keys left empty get the
// canonical defaults (DefaultLinkerConfig); so do unset numbers.
absl::StatusOr<LoadedConfig> ConvertLinkageConfig(const v1::LinkageConfig& proto,
                                                  const std::string& file_name);

// Reads, parses and converts the file at `path`; "" gives the defaults.
absl::StatusOr<LoadedConfig> LoadLinkageConfig(const std::string& path);

}  // namespace reckon::service

#endif  // RECKON_SERVICE_CONFIG_LINKAGE_CONFIG_H_

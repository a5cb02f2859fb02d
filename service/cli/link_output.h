// Writes the files of a `reckon link` output directory (DESIGN.md):
//   entities.csv     source,source_record_id,entity_id (one row per record)
//   entity_info.csv  entity_id,nationality,sex,region,sector (settled per entity)
//   pairs.csv        scored candidate pairs with match probability >= 0.01
//   model.json       m, u and weight per comparison level, lambda, threshold
//   summary.json     counts, seconds per stage, peak memory, blocking report
#ifndef RECKON_SERVICE_CLI_LINK_OUTPUT_H_
#define RECKON_SERVICE_CLI_LINK_OUTPUT_H_

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "linkage/base/record.h"
#include "linkage/linker/linker.h"
#include "nlohmann/json.hpp"

namespace reckon::service {

// The entity id written for entity number `entity`.
std::string EntityId(uint32_t entity);

struct LinkRunInfo {
  std::vector<std::string> sources;                 // in --source order
  std::map<std::string, std::string> source_files;  // source -> path
  uint64_t rows_rejected = 0;
  std::vector<StageSeconds> extra_seconds;  // read, write
  double total_seconds = 0.0;
  uint64_t peak_memory_bytes = 0;
};

nlohmann::json ModelJson(const LinkResult& result);
nlohmann::json SummaryJson(const std::vector<Record>& records,
                           const LinkResult& result, const LinkerConfig& config,
                           const LinkRunInfo& info);

// Writes entities.csv, entity_info.csv, pairs.csv and model.json into `dir`
// (which must exist). summary.json is written separately, last, so that its
// timing includes the writing.
absl::Status WriteLinkOutputs(const std::string& dir,
                              const std::vector<Record>& records,
                              const LinkResult& result);

absl::Status WriteJsonFile(const std::string& path, const nlohmann::json& json);

// Peak resident memory of this process (VmHWM), or 0 if unknown.
uint64_t PeakMemoryBytes();

}  // namespace reckon::service

#endif  // RECKON_SERVICE_CLI_LINK_OUTPUT_H_

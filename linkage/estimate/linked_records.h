// The output of `reckon link` as the estimator needs it: which entity each
// record was linked to, what is settled about each entity (nationality, sex,
// region, sector, ...), and every scored candidate pair with its match
// weight and probability. The readers take streams (service/cli opens the
// files) and fail on the first bad row, naming file and line: a silently
// dropped record would change the estimate.
//
//   LinkedRecords link;
//   link.sources = {"migration", "interior"};     // order of summary.json
//   RECKON_RETURN_IF_ERROR(ReadEntitiesCsv(entities, "entities.csv", &link));
//   RECKON_RETURN_IF_ERROR(ReadEntityInfoCsv(info, "entity_info.csv", &link));
//   RECKON_RETURN_IF_ERROR(ReadPairsCsv(pairs, "pairs.csv", &link));
#ifndef RECKON_LINKAGE_ESTIMATE_LINKED_RECORDS_H_
#define RECKON_LINKAGE_ESTIMATE_LINKED_RECORDS_H_

#include <cstddef>
#include <cstdint>
#include <istream>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace reckon {

// The stratum label of an entity whose attribute is empty.
inline constexpr std::string_view kUnknownStratum = "unknown";

struct LinkPair {
  uint32_t a = 0;  // record indices
  uint32_t b = 0;
  double weight = 0.0;       // Fellegi-Sunter log2 match weight
  double probability = 0.0;  // match probability
};

struct LinkedRecords {
  // Source names in history order. If empty when entities.csv is read, the
  // order of first appearance there is used.
  std::vector<std::string> sources;
  // Per record (dense index): its source and its entity (dense index).
  std::vector<uint32_t> record_source;
  std::vector<uint32_t> record_entity;
  std::vector<std::string> entity_ids;
  // Columns of entity_info.csv other than entity_id, and per column one
  // value per entity ("" when unknown or absent).
  std::vector<std::string> attribute_names;
  std::vector<std::vector<std::string>> attributes;
  std::vector<LinkPair> pairs;

  size_t num_records() const { return record_source.size(); }
  size_t num_entities() const { return entity_ids.size(); }

  // Per entity, the bit mask of the sources holding one of its records.
  std::vector<uint32_t> EntityMasks() const;
  // Records per source.
  std::vector<int64_t> RecordsPerSource() const;
  // Index of attribute `name`, if entity_info.csv had that column.
  std::optional<size_t> AttributeIndex(std::string_view name) const;
  // Per entity, its stratum under attribute `index` (kUnknownStratum when
  // empty). REQUIRES: index < attribute_names.size().
  std::vector<std::string> EntityStrata(size_t index) const;

  // Lookup tables filled by the readers.
  absl::flat_hash_map<std::string, uint32_t> entity_index;
  // Per source: source_record_id -> record index.
  std::vector<absl::flat_hash_map<std::string, uint32_t>> record_index;
};

// Reads entities.csv (source,source_record_id,entity_id, one row per record;
// the columns may come in any order). Fails with kInvalidArgument naming the
// line for a missing column, an empty value, a record listed twice, or a
// source not in `link->sources` (when that list was given). At most 16
// sources.
absl::Status ReadEntitiesCsv(std::istream& in, const std::string& name,
                             LinkedRecords* link);

// Reads entity_info.csv (entity_id plus categorical columns such as
// nationality, sex, region, sector). Entities it does not list keep empty
// values; an entity_id that entities.csv does not know, or listed twice, is
// an error. REQUIRES: ReadEntitiesCsv was called first.
absl::Status ReadEntityInfoCsv(std::istream& in, const std::string& name,
                               LinkedRecords* link);

// Reads pairs.csv (source_a,source_record_id_a,source_b,source_record_id_b,
// weight,probability). Both records must be known and the probability in
// [0, 1]. REQUIRES: ReadEntitiesCsv was called first.
absl::Status ReadPairsCsv(std::istream& in, const std::string& name,
                          LinkedRecords* link);

}  // namespace reckon

#endif  // RECKON_LINKAGE_ESTIMATE_LINKED_RECORDS_H_

// Reading a `reckon link` output directory (see link_output.h for what it
// holds): summary.json's source order, threshold, counts and input files,
// and entities.csv, entity_info.csv and pairs.csv as LinkedRecords. Shared
// by `reckon estimate DIR` and the `reckon audit` commands so that both read
// a directory the same way.
//
//   RECKON_ASSIGN_OR_RETURN(LinkSummary summary, ReadLinkSummary(dir));
//   RECKON_ASSIGN_OR_RETURN(LinkDirRecords read,
//                           ReadLinkDirRecords(dir, summary.sources));
#ifndef RECKON_SERVICE_CLI_LINK_DIR_H_
#define RECKON_SERVICE_CLI_LINK_DIR_H_

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "linkage/estimate/linked_records.h"
#include "linkage/estimate/report.h"

namespace reckon::service {

// What summary.json says; fields it lacks stay empty.
struct LinkSummary {
  bool present = false;  // whether DIR/summary.json exists
  std::vector<std::string> sources;
  std::optional<double> threshold;
  std::optional<uint64_t> records;
  std::optional<uint64_t> entities;
  std::optional<uint64_t> links;
  std::optional<uint64_t> pairs_written;
  std::map<std::string, std::string> input_files;  // source -> path
};

// Reads DIR/summary.json. A missing file gives an empty summary (present is
// false); a malformed one, or a field of the wrong type, kInvalidArgument
// naming the file and the field.
absl::StatusOr<LinkSummary> ReadLinkSummary(const std::string& dir);

struct LinkDirRecords {
  LinkedRecords link;
  bool has_entity_info = false;  // DIR/entity_info.csv was there
  bool has_pairs = false;        // DIR/pairs.csv was there
};

// Reads DIR/entities.csv (required: kNotFound if absent) with `sources` as
// the source order (empty: order of appearance), then entity_info.csv and
// pairs.csv when present. Errors name the file and line.
absl::StatusOr<LinkDirRecords> ReadLinkDirRecords(
    const std::string& dir, const std::vector<std::string>& sources);

// The options `reckon estimate DIR` runs with: stratified by `by` (if set);
// when `link` has pairs, a sensitivity table at the link threshold and
// 2 and 4 bits either side (each 2 bits is a factor 4 in the likelihood
// ratio) around `threshold` (0 when unknown).
LinkReportOptions EstimateOptionsForDir(const LinkedRecords& link,
                                        std::optional<double> threshold,
                                        const std::optional<std::string>& by);

}  // namespace reckon::service

#endif  // RECKON_SERVICE_CLI_LINK_DIR_H_

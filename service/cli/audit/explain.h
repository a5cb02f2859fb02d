// Why two records were (or were not) linked (`reckon audit explain`): per
// comparison the values as the inputs wrote them, the forms the comparator
// compared, the agreement level and its weight with any term-frequency
// adjustment; the running total against the threshold as a text waterfall;
// the blocking keys the two share, with the size of each block (a block
// over the cap is dropped), or that they share none and so never met.
//
// The explanation comes from Linker::Explain on a LinkResult of the same
// inputs and config, and its total is summed in the order the linker sums a
// pair's weight (level weights, then term-frequency adjustments), so it is
// bit for bit the weight the link run computed and wrote to pairs.csv.
#ifndef RECKON_SERVICE_CLI_AUDIT_EXPLAIN_H_
#define RECKON_SERVICE_CLI_AUDIT_EXPLAIN_H_

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "linkage/base/record.h"
#include "linkage/linker/linker.h"
#include "nlohmann/json.hpp"

namespace reckon::service::audit {

struct ExplainField {
  std::string comparison;
  std::string given_a;  // as the input file wrote it (see given_known)
  std::string given_b;
  std::string compared_a;  // as the comparator sees it (normalized)
  std::string compared_b;
  int level = 0;
  std::string level_name;
  double weight = 0.0;  // including tf_adjustment
  double tf_adjustment = 0.0;
  double running_total = 0.0;
};

struct SharedBlock {
  std::string key;
  std::string value;
  size_t records = 0;    // records holding this key value
  bool dropped = false;  // over its key's cap: its pairs were not made
  size_t cap = 0;        // the key's block-size cap (LinkerConfig::MaxBlockSize)
  // False when the block's size is not known (reckond's Explain names the
  // shared keys only): `records` and `dropped` then mean nothing.
  bool records_known = true;
};

struct ExplainReport {
  std::string label_a;  // "source:id"
  std::string label_b;
  std::vector<ExplainField> fields;
  // False when the fields' given values are not known (reckond's Explain
  // sends the compared forms only).
  bool given_known = true;
  // The prior of a match between the two records' sources against the
  // global one (LinkResult::source_pair_prior), part of `weight`; and the
  // two sources' names ("interior/statistics").
  double source_pair_prior = 0.0;
  std::string source_pair;
  // Summed as the linker sums it; see the file comment.
  double weight = 0.0;
  double probability = 0.0;
  double threshold = 0.0;
  std::vector<SharedBlock> shared_blocks;
  size_t max_block_size = 0;
  // False when the link mode never pairs these two (link-only and the same
  // source, dedupe-only and different sources).
  bool mode_allows = true;
  // The re-run's own pair weight when it kept the pair (probability >= the
  // keep threshold), else unset.
  std::optional<double> rerun_weight;
  // Entity numbers in the re-run.
  uint32_t entity_a = 0;
  uint32_t entity_b = 0;
};

// Explains records `a` and `b` (indices into `records`, a != b) of `result`,
// which `linker` made from `records`.
ExplainReport BuildExplainReport(const Linker& linker, const LinkResult& result,
                                 const std::vector<Record>& records,
                                 uint32_t a, uint32_t b);

// What the link output directory says about the pair, to set beside the
// explanation.
struct DirPairInfo {
  std::optional<double> weight;  // its pairs.csv row, if any
  std::optional<double> probability;
  std::string entity_a;  // entity ids from entities.csv
  std::string entity_b;
  // Set (HOST:PORT) when the explanation is reckond's, of its current
  // model: there is no pairs.csv to check against, and the entity ids are
  // the daemon's.
  std::string server;
};

// The report of reckond's Explain for `left` and `right` ("source:id"), as
// BuildExplainReport makes it for a DIR, with what the daemon does not send
// marked unknown (given values, block sizes) and the link mode taken to
// allow the pair.
ExplainReport ExplainReportFromServer(const std::string& left,
                                      const std::string& right,
                                      const std::vector<ExplainField>& fields,
                                      double weight, double probability,
                                      double threshold,
                                      const std::vector<std::string>& keys,
                                      double source_pair_prior);

// The text output: field details, the waterfall, the verdict, the check
// against pairs.csv and the blocking keys.
std::string FormatExplainText(const ExplainReport& report,
                              const DirPairInfo& dir);

nlohmann::json ExplainJson(const ExplainReport& report, const DirPairInfo& dir);

// Whether the explanation's weight is the one pairs.csv holds, compared as
// pairs.csv writes weights ("%.6f"). True when pairs.csv has no row and the
// re-run did not keep the pair either, and for reckond's explanations
// (nothing to check against).
bool AgreesWithPairsCsv(const ExplainReport& report, const DirPairInfo& dir);

// The text waterfall alone: one line per comparison with its weight, the
// running total and a bar from the previous total to the new one, on a
// scale that shows 0 and the threshold. `width` columns for the bars.
std::string Waterfall(const std::vector<ExplainField>& fields, double total,
                      double threshold, int width = 40);

}  // namespace reckon::service::audit

#endif  // RECKON_SERVICE_CLI_AUDIT_EXPLAIN_H_

// Linkage quality against a hand-checked truth set (`reckon audit eval`).
//
// Only records both in the link result and in the truth count; the others
// are listed, not fatal. Over those records:
//  - pairwise: a predicted pair is two records in one entity, a true pair two
//    records of one person; precision = |predicted ∩ true| / |predicted|,
//    recall = |predicted ∩ true| / |true|, F1 their harmonic mean (Christen,
//    "Data Matching", 2012, ch. 7);
//  - B-cubed (Bagga and Baldwin 1998): per record, the share of its entity
//    that is its person (precision) and the share of its person that is in
//    its entity (recall), averaged over records;
//  - entities against persons: counts, entities that are exactly one
//    person's records, persons split over several entities, entities that
//    merge several persons;
//  - the pairwise numbers per pair of sources (within a source too);
//  - false links (pairs in one entity that are different persons) and
//    missed links (one person in two entities), highest pairs.csv weight
//    first, pairs without a pairs.csv row last.
// All counts come from the entity x person contingency table, so the cost
// is O(records + listed pairs).
#ifndef RECKON_SERVICE_CLI_AUDIT_EVAL_H_
#define RECKON_SERVICE_CLI_AUDIT_EVAL_H_

#include <cstddef>
#include <cstdint>
#include <istream>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "service/cli/audit/link_view.h"

namespace reckon::service::audit {

struct TruthRow {
  std::string source;
  std::string source_record_id;
  std::string person_id;
  int64_t line = 0;
};

// Reads a truth CSV with a header naming source, source_record_id and
// person_id (any order; other columns ignored). kInvalidArgument naming the
// line for a missing column, an empty value, or a record listed twice.
absl::StatusOr<std::vector<TruthRow>> ReadTruthCsv(std::istream& in,
                                                   const std::string& name);

// Precision, recall and F1 are NaN when undefined (no predicted pairs, no
// true pairs).
struct PairScores {
  uint64_t true_positives = 0;
  uint64_t predicted = 0;  // pairs put together
  uint64_t actual = 0;     // pairs of the same person
  double precision = 0.0;
  double recall = 0.0;
  double f1 = 0.0;
};

// Fills precision, recall and F1 from the three counts.
PairScores MakePairScores(uint64_t true_positives, uint64_t predicted,
                          uint64_t actual);

struct SourcePairScores {
  std::string source_a;  // source_a <= source_b in source order
  std::string source_b;
  PairScores scores;
};

// One wrongly joined or wrongly separated pair of records.
struct EvalPair {
  uint32_t a = 0;
  uint32_t b = 0;
  bool has_row = false;  // pairs.csv scored it
  double weight = 0.0;   // from pairs.csv when has_row
  double probability = 0.0;
};

struct EvalOptions {
  // How many false and missed links to list.
  size_t list_limit = 20;
};

struct EvalResult {
  size_t records_evaluated = 0;
  // Records in the truth but not in the result, and the reverse (labels
  // "source:id", in file order).
  std::vector<std::string> truth_only;
  std::vector<std::string> result_only;

  PairScores pairwise;
  double bcubed_precision = 0.0;
  double bcubed_recall = 0.0;
  double bcubed_f1 = 0.0;

  size_t entities = 0;  // entities holding an evaluated record
  size_t persons = 0;
  size_t exact_matches = 0;     // entity == person, as record sets
  size_t persons_split = 0;     // persons over more than one entity
  size_t entities_merged = 0;   // entities over more than one person

  std::vector<SourcePairScores> by_source_pair;

  // Counts of false links: with a pairs.csv row at or above the threshold
  // (linked directly), and the rest (joined through other records).
  uint64_t false_links_direct = 0;
  // Counts of missed links: scored at or above the threshold yet kept apart
  // (the clusterer refused), scored below it, or without a pairs.csv row
  // (never compared, or probability below 0.01).
  uint64_t missed_above_threshold = 0;
  uint64_t missed_below_threshold = 0;
  uint64_t missed_unscored = 0;
  // The first `list_limit` of each, highest weight first.
  std::vector<EvalPair> false_links;
  std::vector<EvalPair> missed_links;
};

// Evaluates `view` against `truth`. kInvalidArgument when no record of the
// truth is in the result (the files do not belong together).
absl::StatusOr<EvalResult> Evaluate(const LinkView& view,
                                    const std::vector<TruthRow>& truth,
                                    const EvalOptions& options);

}  // namespace reckon::service::audit

#endif  // RECKON_SERVICE_CLI_AUDIT_EVAL_H_

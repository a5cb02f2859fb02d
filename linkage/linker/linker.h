// The Linker facade: configured once, it takes the records of one or more
// sources and returns entities, in stages that each can be timed:
//   prepare  -> normalize names, parse dates, code sex and nationality
//   block    -> blocking keys, capped blocks, the union of candidate pairs
//   train    -> u from random pairs (for names also among pairs of one
//               nationality), m by EM on pattern counts in sessions per
//               blocking key (training.h), lambda from all candidates
//   score    -> match weight and probability of every candidate pair, with
//               term-frequency adjustment for exact name agreement and a
//               prior per pair of sources (LinkResult::source_pair_prior)
//   cluster  -> entities from links above the threshold, guarded: no merge
//               of records whose sex and birth date both disagree, or with
//               a cross pair below min_cross_pair_probability, or whose
//               cross pairs average below min_mean_cross_pair_probability
// This is what service/ (the CLI and the daemon) calls.
//
//   RECKON_ASSIGN_OR_RETURN(auto linker, Linker::Create(DefaultLinkerConfig()));
//   RECKON_ASSIGN_OR_RETURN(LinkResult result,
//                           linker->Link(records, {"labour", "interior"}, {}));
//   // result.entity[r] is the entity of records[r]
#ifndef RECKON_LINKAGE_LINKER_LINKER_H_
#define RECKON_LINKAGE_LINKER_LINKER_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "linkage/base/exec.h"
#include "linkage/base/record.h"
#include "linkage/block/blocker.h"
#include "linkage/cluster/clusterer.h"
#include "linkage/linker/comparisons.h"
#include "linkage/linker/config.h"
#include "linkage/linker/prepared.h"
#include "linkage/linker/training.h"
#include "linkage/normalize/name_forms.h"
#include "linkage/score/em.h"
#include "linkage/score/fellegi_sunter.h"

namespace reckon {

struct ScoredPair {
  uint32_t a = 0;  // record index, a < b
  uint32_t b = 0;
  double weight = 0.0;
  double probability = 0.0;
};

struct StageSeconds {
  std::string stage;
  double seconds = 0.0;
};

// What an entity's records say, settled by majority (ties: the value that
// sorts first). Empty when none of its records says anything.
struct EntityInfo {
  std::string nationality;  // ISO alpha-3
  std::string sex;          // "M", "F"
  std::string region;
  std::string sector;
};

// One field of one pair, as the model saw it.
struct FieldExplanation {
  std::string comparison;
  std::string value_a;
  std::string value_b;
  int level = 0;
  std::string level_name;  // "missing" for the missing level
  double weight = 0.0;     // including any term-frequency adjustment
  double tf_adjustment = 0.0;
};

struct PairExplanation {
  std::vector<FieldExplanation> fields;
  // The prior of the pair's two sources against the global one
  // (LinkResult::source_pair_prior), part of `weight`.
  double source_pair_prior = 0.0;
  double weight = 0.0;
  double probability = 0.0;
  double threshold = 0.0;
  // Blocking keys the two records share (key name, value); empty if they
  // never met.
  std::vector<std::pair<std::string, std::string>> shared_keys;
};

struct LinkResult {
  std::unique_ptr<PreparedRecords> prepared;
  std::vector<std::unique_ptr<FieldComparator>> comparators;
  // Per input record, its entity number; entities are numbered by their
  // first record.
  std::vector<uint32_t> entity;
  std::vector<EntityInfo> entity_info;
  // Candidate pairs with probability >= keep_pair_probability, by (a, b).
  // `model.lambda` is the chance that two random records match, so
  // probabilities are those of a pair drawn at random with its agreement.
  std::vector<ScoredPair> pairs;
  uint64_t candidate_pairs = 0;
  uint64_t links = 0;
  FellegiSunterModel model;
  double threshold = 0.0;
  std::vector<TrainingSession> training;
  // The chance that two records drawn at random are a match.
  double random_pair_lambda = 0.0;
  BlockingReport blocking;
  ClusterReport clustering;
  std::vector<StageSeconds> seconds;
  // Term frequencies of exact-agreement values per comparison (empty when
  // not adjusted), indexed by FieldComparator::TermId.
  std::vector<std::vector<double>> term_frequency;
  // The same within each nationality (smoothed towards the global share),
  // keyed by NationalityTermKey; used when both records give the same
  // nationality. Names and nationality go together ("Mehmet" is common
  // among Turks, rare otherwise), so among two Turks agreeing on Mehmet is
  // weaker evidence than the global share says.
  std::vector<absl::flat_hash_map<uint64_t, double>> nationality_term_frequency;
  // Per record: an id of its nationality, 0 when unknown.
  std::vector<uint32_t> nationality_id;
  // Per pair of sources, its prior log2 odds of a match less those of
  // `model.lambda`, added to the weight of each of its pairs (indexed
  // source_a * number of sources + source_b; symmetric). Registers differ:
  // one may hold few duplicates while two others overlap heavily, so one
  // prior for all pairs overstates a within-register link and understates
  // a cross-register one. Empty (every adjustment 0) when
  // LinkerConfig::source_pair_priors is off or the link mode allows only
  // one kind of pair (one register deduplicated, two linked).
  std::vector<double> source_pair_prior;
};

// The source-pair prior adjustment (LinkResult::source_pair_prior) of
// records `a` and `b` of `result`.
double SourcePairPrior(const LinkResult& result, uint32_t a, uint32_t b);

// Term-frequency adjustments are bounded so that one rare name cannot
// outweigh every other field (Splink bounds them the same way).
inline constexpr double kMaxTfAdjustment = 6.0;

// Term ids stay below 2^40 (one per record at most).
inline uint64_t NationalityTermKey(uint32_t nationality, int64_t term) {
  return (uint64_t{nationality} << 40) | static_cast<uint64_t>(term);
}
inline uint32_t NationalityOfTermKey(uint64_t key) {
  return static_cast<uint32_t>(key >> 40);
}
inline size_t TermOfTermKey(uint64_t key) {
  return static_cast<size_t>(key & ((uint64_t{1} << 40) - 1));
}

// The term-frequency adjustment of comparison `c` when records `a` and `b`
// of `result` agree exactly on it: log2(u_exact / tf) of their shared
// value, bounded to +-6 bits; tf is the value's share among records of the
// pair's nationality when both give the same one, else among all records.
// 0 when the comparison is not adjusted.
double TermFrequencyAdjustment(const LinkResult& result, size_t c, uint32_t a,
                               uint32_t b);

// Immutable after Create; Link may run concurrently from several threads.
class Linker {
 public:
  // Validates `config` and builds the name normalizer. kInvalidArgument for
  // a bad config.
  static absl::StatusOr<std::unique_ptr<Linker>> Create(LinkerConfig config);

  // Links `records`. `source_order` fixes the order of sources (for capture
  // histories); sources not listed follow in order of appearance. Runs on
  // the caller's TBB arena. `progress`, if set, is told each stage's name as
  // it starts. Fails with kFailedPrecondition if there are no candidate
  // pairs to train on, and per `exec` on deadline or cancellation.
  absl::StatusOr<LinkResult> Link(
      const std::vector<Record>& records,
      const std::vector<std::string>& source_order, const ExecOptions& exec,
      const std::function<void(const std::string&)>& progress = nullptr) const;

  // How the model sees records `a` and `b` of `result`.
  PairExplanation Explain(const LinkResult& result, uint32_t a,
                          uint32_t b) const;

  const LinkerConfig& config() const { return config_; }
  // The name normalizer Link prepares records with (thread-safe; its cache
  // is warm after a link), for preparing more records the same way.
  const NameNormalizer& normalizer() const { return *normalizer_; }

 private:
  Linker(LinkerConfig config, std::unique_ptr<NameNormalizer> normalizer)
      : config_(std::move(config)), normalizer_(std::move(normalizer)) {}

  LinkerConfig config_;
  std::unique_ptr<NameNormalizer> normalizer_;
};

}  // namespace reckon

#endif  // RECKON_LINKAGE_LINKER_LINKER_H_

// The Fellegi-Sunter model (Fellegi and Sunter, JASA 1969): each compared
// field of a record pair falls into one of a few ordered agreement levels;
// m is the probability of a level among true matches, u among non-matches,
// and a pair's match weight is the sum over fields of log2(m/u). The match
// probability follows from the weight and the prior share of matches.
//
// A "missing" level (either value absent) carries no evidence: weight 0.
//
//   FellegiSunterModel model = ...;           // from TrainByEm (em.h)
//   double weight = model.PatternWeight(levels);
//   double p = model.MatchProbability(weight);
#ifndef RECKON_LINKAGE_SCORE_FELLEGI_SUNTER_H_
#define RECKON_LINKAGE_SCORE_FELLEGI_SUNTER_H_

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "absl/status/statusor.h"

namespace reckon {

// One compared field: `level_names.size()` agreement levels, best first.
// The missing level is index `levels()`, past the named ones.
struct ComparisonModel {
  std::string name;
  std::vector<std::string> level_names;
  std::vector<double> m;  // per level, sums to 1
  std::vector<double> u;  // per level, sums to 1
  // Level frequencies among random record pairs (what u starts from), kept
  // because term-frequency adjustment compares a value's frequency with
  // the chance that two random records agree.
  std::vector<double> u_random;
  // u among random pairs that agree on the model's group comparison (see
  // FellegiSunterModel::group_comparison), per level; empty when this
  // comparison's u does not depend on the group.
  std::vector<double> u_same_group;

  int levels() const { return static_cast<int>(level_names.size()); }
  int missing_level() const { return levels(); }
  // log2(m/u) for `level`; 0 for the missing level.
  double Weight(int level) const;
  // The same with u taken within the group when `same_group` and the
  // comparison has u_same_group.
  double Weight(int level, bool same_group) const;
  // u of `level` (< levels()), within the group as for Weight.
  double U(int level, bool same_group) const;
};

// Packs one level per comparison (missing included) into one integer, so
// that comparison vectors can be counted and trained on as patterns.
// Thread-safe (immutable).
class PatternCodec {
 public:
  // Fails if the number of distinct patterns would not fit in 32 bits.
  static absl::StatusOr<PatternCodec> Create(
      const std::vector<int>& levels_per_comparison);

  size_t comparisons() const { return radix_.size(); }
  uint32_t Encode(std::span<const uint8_t> levels) const;
  void Decode(uint32_t pattern, std::span<uint8_t> levels) const;
  // The level of comparison `c` in `pattern`.
  int Level(uint32_t pattern, size_t c) const;
  uint64_t pattern_space() const { return pattern_space_; }

 private:
  std::vector<uint32_t> radix_;   // levels + 1 (missing) per comparison
  std::vector<uint32_t> stride_;  // product of earlier radices
  uint64_t pattern_space_ = 1;
};

struct FellegiSunterModel {
  std::vector<ComparisonModel> comparisons;
  // Prior probability that a candidate pair is a match.
  double lambda = 0.01;
  // A comparison (nationality) whose exact agreement changes the u of
  // others, or -1. Names go with nationality: two random Turks agree or
  // nearly agree on their surnames far more often than two random records,
  // so weighing a "close" surname by the u of all pairs would count the
  // shared nationality twice. For a pair at level 0 of this comparison,
  // comparisons with u_same_group use it instead of u.
  int group_comparison = -1;

  // Whether a pair with `levels` agrees on the group comparison.
  bool SameGroup(std::span<const uint8_t> levels) const {
    return group_comparison >= 0 &&
           levels[static_cast<size_t>(group_comparison)] == 0;
  }

  // Sum of the comparisons' weights for one level per comparison.
  double PatternWeight(std::span<const uint8_t> levels) const;
  double PatternWeight(const PatternCodec& codec, uint32_t pattern) const;
  // Posterior match probability of a pair with total weight `weight`.
  double MatchProbability(double weight) const;
  // The weight at which the match probability is `probability`.
  double WeightForProbability(double probability) const;
};

struct PatternCount {
  uint32_t pattern = 0;
  uint64_t count = 0;
};

// Sets each comparison's u and u_random to the level frequencies among
// `counts` (a sample of random record pairs, nearly all non-matches), with
// add-one smoothing so no level gets u = 0. Missing levels are not counted.
void SetUFromRandomPairs(const PatternCodec& codec,
                         std::span<const PatternCount> counts,
                         FellegiSunterModel* model);

// Sets `model->group_comparison` to `group` and u_same_group of each
// comparison flagged in `conditioned` from `counts` (a sample of random
// pairs that agree on `group`), smoothed as SetUFromRandomPairs. Others'
// u_same_group are cleared. REQUIRES: conditioned.size() is the number of
// comparisons; `group` < that number.
void SetGroupUFromRandomPairs(const PatternCodec& codec,
                              std::span<const PatternCount> counts, int group,
                              const std::vector<bool>& conditioned,
                              FellegiSunterModel* model);

}  // namespace reckon

#endif  // RECKON_LINKAGE_SCORE_FELLEGI_SUNTER_H_

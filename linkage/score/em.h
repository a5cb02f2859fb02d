// Unsupervised training of a Fellegi-Sunter model by expectation-
// maximization over comparison patterns (Winkler 1988; Jaro 1989), the way
// fastLink and Splink train: u is taken from random pairs and held fixed,
// m and the match share lambda are estimated from the candidate pairs.
//
// Training runs on the counts of distinct patterns, not on pairs, so its
// cost does not grow with the number of pairs; counts summed over data
// partitions (or MPI ranks) train the same model as one pass over all pairs.
#ifndef RECKON_LINKAGE_SCORE_EM_H_
#define RECKON_LINKAGE_SCORE_EM_H_

#include <span>

#include "absl/status/statusor.h"
#include "linkage/score/fellegi_sunter.h"

namespace reckon {

struct EmOptions {
  int max_iterations = 100;
  // Stops when no m, u or lambda moves by more than this.
  double tolerance = 1e-6;
  // Keep u as given (from random pairs). When false, u is estimated too.
  bool fix_u = false;
  // Floor for every probability, so no level is ever impossible.
  double min_probability = 1e-6;
};

struct EmReport {
  int iterations = 0;
  bool converged = false;
  double log_likelihood = 0.0;
};

// Improves `model` (its m, lambda and, unless fix_u, u) from the pattern
// counts of candidate pairs. `model` holds the starting values and must
// match `codec`. Deterministic: the result depends only on the counts and
// their order, which callers keep sorted by pattern.
// Fails with kFailedPrecondition when there are no pairs to train on and
// kInvalidArgument when the model does not match the codec.
absl::StatusOr<EmReport> TrainByEm(const PatternCodec& codec,
                                   std::span<const PatternCount> counts,
                                   const EmOptions& options,
                                   FellegiSunterModel* model);

// Starting m values: agreement levels likely among matches, falling off
// geometrically towards disagreement.
void InitializeM(FellegiSunterModel* model);

}  // namespace reckon

#endif  // RECKON_LINKAGE_SCORE_EM_H_

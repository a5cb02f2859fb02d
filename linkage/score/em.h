// Unsupervised training of a Fellegi-Sunter model by expectation-
// maximization over comparison patterns (Winkler 1988; Jaro 1989). u
// starts from random pairs and is either held there (fix_u, as Splink does)
// or estimated along with m and the match share lambda; ordered levels can
// be held to non-increasing likelihood ratios (monotone), and Dirichlet
// priors keep levels the pairs barely show meaningful.
//
// Training runs on the counts of distinct patterns, not on pairs, so its
// cost does not grow with the number of pairs; counts summed over data
// partitions (or MPI ranks) train the same model as one pass over all pairs.
#ifndef RECKON_LINKAGE_SCORE_EM_H_
#define RECKON_LINKAGE_SCORE_EM_H_

#include <span>
#include <vector>

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
  // Dirichlet priors, as pseudo-pairs: `u_prior_share` of the pairs spread
  // over the levels like u_random (or evenly without it), and
  // `m_prior_pairs` per level for m. They matter only for levels the pairs
  // barely show (blocked on birth year, pairs with different years are
  // rare), which then get u from random pairs and a small m instead of
  // both sitting at the floor with a meaningless weight of 0.
  double u_prior_share = 0.0;
  double m_prior_pairs = 0.0;
  // Keep each comparison's likelihood ratio m/u non-increasing from its
  // first (best) level to its last, as ordered agreement levels should be:
  // after each M step, adjacent levels that break the order are pooled to
  // one ratio (pool-adjacent-violators). This rules out the classic wrong
  // answer of unsupervised EM among blocked pairs, where the "match" class
  // becomes "namesakes" and a disagreeing birth date counts as evidence
  // for a match.
  bool monotone = true;
  // Comparisons to leave out (size 0, or one flag per comparison): they
  // count as missing and their m and u stay as given. Used to train on
  // pairs blocked by a field, whose agreement on that field says nothing.
  // An ignored group comparison still selects the group's u (see
  // FellegiSunterModel::group_comparison).
  std::vector<bool> ignored;
};

struct EmReport {
  int iterations = 0;
  bool converged = false;
  double log_likelihood = 0.0;
};

// Non-matches are weighed with u_same_group where the model has a group
// comparison (FellegiSunterModel::group_comparison); those shares stay as
// given even when u is estimated.
//
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

// The probability that two records drawn at random are a match, given m
// and u: the fixed point of lambda = (expected matches among the candidate
// pairs) / `total_pairs`, where a pair's match probability depends on
// lambda. Blocking is assumed to keep nearly all matches among the
// candidates. REQUIRES: total_pairs >= the candidate count.
double EstimateRandomPairLambda(const PatternCodec& codec,
                                std::span<const PatternCount> counts,
                                double total_pairs,
                                const FellegiSunterModel& model);

}  // namespace reckon

#endif  // RECKON_LINKAGE_SCORE_EM_H_

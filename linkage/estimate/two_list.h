// Two-source (dual system) estimators of a closed population's size from
// n1 (seen by source 1), n2 (seen by source 2) and m (seen by both):
//
//   Lincoln-Petersen  N = n1 n2 / m,
//     Var = n1 n2 (n1 - m)(n2 - m) / m^3          (Seber 1982, 3.1.1)
//   Chapman (1951)    N = (n1 + 1)(n2 + 1)/(m + 1) - 1,
//     Var = (n1 + 1)(n2 + 1)(n1 - m)(n2 - m) / ((m + 1)^2 (m + 2))
//                                                  (Seber 1970)
//
// Both assume the two sources catch people independently and every person
// equally; the 95% intervals are Wald intervals N +- 1.96 sd for
// Lincoln-Petersen and, for Chapman, Chao's (1987) log-normal interval on
// the unseen count f0 = N - r (r = n1 + n2 - m distinct people seen):
//   C = exp(1.96 sqrt(log(1 + Var / f0^2))),  [r + f0 / C, r + f0 C],
// which never falls below r. With m = 0 no estimate is bounded: the
// results say so (`bounded` false, infinite upper limits).
#ifndef RECKON_LINKAGE_ESTIMATE_TWO_LIST_H_
#define RECKON_LINKAGE_ESTIMATE_TWO_LIST_H_

#include <cstdint>

#include "absl/status/statusor.h"

namespace reckon {

struct TwoListEstimate {
  double n_hat = 0.0;
  double variance = 0.0;
  double ci_low = 0.0;
  double ci_high = 0.0;
  // False when m = 0: the sources share no one and nothing bounds N.
  bool bounded = true;
};

// REQUIRES nothing; returns kInvalidArgument if a count is negative or
// m > min(n1, n2). With m = 0 returns an unbounded estimate (infinite
// n_hat, variance and upper limit) rather than an error.
absl::StatusOr<TwoListEstimate> LincolnPetersen(int64_t n1, int64_t n2,
                                                int64_t m);
absl::StatusOr<TwoListEstimate> Chapman(int64_t n1, int64_t n2, int64_t m);

}  // namespace reckon

#endif  // RECKON_LINKAGE_ESTIMATE_TWO_LIST_H_

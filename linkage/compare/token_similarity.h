// Order-free similarity of multi-token names ("Wang Xiaoming" vs "Xiaoming
// Wang", "Rəşad Vaqif Məmmədov" vs "Rəşad Məmmədov"), built on Jaro-Winkler.
//
// Formula. Let A and B be the non-empty tokens of the two names and |t| the
// length of token t in code points. A unit is a token or two adjacent tokens
// of one name joined without a space ("xiao"+"ming" = "xiaoming"), which may
// pair only with a single token whose length is within 20% of its own. An
// alignment pairs units of A with units of B one to one, no token in two
// pairs, and leaves tokens unpaired on at most one side (a token is never
// left out when the other name also has one to pair it with: a wrong token
// must cost its full weight). For an alignment with pairs (u_k, v_k),
// s_k = JaroWinkler(u_k, v_k) and U = total length of the unpaired tokens:
//
//            sum_k s_k * (|u_k| + |v_k|)
//   S = -------------------------------------------
//        sum_k (|u_k| + |v_k|) + unpaired_weight * U
//
// TokenSetSimilarity is the largest S over alignments: found exactly when
// both names have at most 4 tokens, else greedily (repeatedly the pair of
// highest s among the units still free). Longer tokens weigh more, so
// agreeing on "Məmmədov" counts for more than on "Ali". With the default
// unpaired_weight 0.5 a missing middle name costs half of what an entirely
// wrong one does: {rashad, vagif, mammadov} vs {rashad, mammadov} gives
// 28 / 30.5 = 0.918, vs {rashad, tofiq, mammadov} 0.860.
//
// Tokens are compared as given: normalize (case, script) first.
#ifndef RECKON_LINKAGE_COMPARE_TOKEN_SIMILARITY_H_
#define RECKON_LINKAGE_COMPARE_TOKEN_SIMILARITY_H_

#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace reckon {

struct TokenSimilarityOptions {
  // Weight of an unpaired token's length in the denominator, in [0, 1].
  double unpaired_weight = 0.5;
  // Jaro-Winkler prefix scale for token pairs.
  double prefix_scale = 0.1;
  // Exact search when both names have at most this many tokens (at most 6;
  // the search grows factorially), greedy beyond.
  int max_exact_tokens = 4;
};

// Returns S above, in [0, 1]; 1 for the same tokens in any order; 0 when
// either name has no non-empty token. Thread-safe.
double TokenSetSimilarity(const std::vector<std::string>& a,
                          const std::vector<std::string>& b,
                          const TokenSimilarityOptions& options);
double TokenSetSimilarity(const std::vector<std::string>& a,
                          const std::vector<std::string>& b);
// The same on views, for callers that hold the tokens elsewhere (no copies).
double TokenSetSimilarity(std::span<const std::string_view> a,
                          std::span<const std::string_view> b,
                          const TokenSimilarityOptions& options = {});

}  // namespace reckon

#endif  // RECKON_LINKAGE_COMPARE_TOKEN_SIMILARITY_H_

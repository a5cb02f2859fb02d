#include "linkage/compare/token_similarity.h"

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "linkage/compare/internal/code_points.h"
#include "linkage/compare/jaro_winkler.h"

namespace reckon {
namespace {

constexpr int kExactLimit = 6;
// A joined pair stands for one token only when their lengths are this close
// (as a fraction of the longer); otherwise a long join would swallow an
// extra token ("vagif"+"mammadov" against "mammadov") instead of leaving it
// unpaired.
constexpr double kJoinLengthTolerance = 0.2;
// Marks a join that is not allowed; never chosen.
constexpr double kNoJoin = -1.0;

bool JoinAllowed(double joined_length, double token_length) {
  const double longer = std::max(joined_length, token_length);
  const double gap = joined_length > token_length
                         ? joined_length - token_length
                         : token_length - joined_length;
  return gap <= kJoinLengthTolerance * longer;
}

// Pair similarities between the units of two names: token-token,
// token-joined pair and joined pair-token, each stored row-major.
struct UnitSimilarities {
  size_t n = 0;
  size_t m = 0;
  std::vector<double> len_a;  // code points per token
  std::vector<double> len_b;
  std::vector<double> single;       // [i * m + j]: a_i vs b_j
  std::vector<double> joined_b;     // [i * m + j]: a_i vs b_j b_j+1
  std::vector<double> joined_a;     // [i * m + j]: a_i a_i+1 vs b_j
};

UnitSimilarities Measure(std::span<const std::string_view> a,
                         std::span<const std::string_view> b,
                         double prefix_scale) {
  UnitSimilarities s;
  s.n = a.size();
  s.m = b.size();
  for (std::string_view t : a) {
    s.len_a.push_back(static_cast<double>(internal::CodePointCount(t)));
  }
  for (std::string_view t : b) {
    s.len_b.push_back(static_cast<double>(internal::CodePointCount(t)));
  }
  s.single.assign(s.n * s.m, 0.0);
  s.joined_b.assign(s.n * s.m, kNoJoin);
  s.joined_a.assign(s.n * s.m, kNoJoin);
  // Plain calls rather than CachedJaroWinkler: names have a few tokens, so
  // a cached query (a 2.5 KB table cleared, a copy decoded) is asked too few
  // times to pay for itself. Both give the same values.
  std::vector<std::string> b_pairs;
  for (size_t j = 0; j + 1 < s.m; ++j) {
    b_pairs.push_back(std::string(b[j]) + std::string(b[j + 1]));
  }
  std::string a_pair;
  for (size_t i = 0; i < s.n; ++i) {
    for (size_t j = 0; j < s.m; ++j) {
      s.single[i * s.m + j] = JaroWinkler(a[i], b[j], 0.0, prefix_scale);
      if (j + 1 < s.m &&
          JoinAllowed(s.len_b[j] + s.len_b[j + 1], s.len_a[i])) {
        s.joined_b[i * s.m + j] =
            JaroWinkler(a[i], b_pairs[j], 0.0, prefix_scale);
      }
    }
    if (i + 1 < s.n) {
      a_pair.assign(a[i]);
      a_pair.append(a[i + 1]);
      for (size_t j = 0; j < s.m; ++j) {
        if (JoinAllowed(s.len_a[i] + s.len_a[i + 1], s.len_b[j])) {
          s.joined_a[i * s.m + j] = JaroWinkler(a_pair, b[j], 0.0, prefix_scale);
        }
      }
    }
  }
  return s;
}

double Score(double numerator, double paired_weight, double unpaired_weight,
             double lambda) {
  const double denominator = paired_weight + lambda * unpaired_weight;
  return denominator > 0.0 ? numerator / denominator : 0.0;
}

// Exhaustive search over alignments (see the header) for small names.
class ExactSearch {
 public:
  ExactSearch(const UnitSimilarities& s, double lambda)
      : s_(s), lambda_(lambda) {}

  double Run() {
    Visit(0, 0, 0.0, 0.0, 0.0, false);
    return best_;
  }

 private:
  void Visit(size_t i, uint32_t used_b, double numerator, double paired,
             double unpaired_a, bool any_unpaired_a) {
    const size_t m = s_.m;
    if (i >= s_.n) {
      double unpaired_b = 0.0;
      bool any_unpaired_b = false;
      for (size_t j = 0; j < m; ++j) {
        if ((used_b >> j & 1u) == 0) {
          unpaired_b += s_.len_b[j];
          any_unpaired_b = true;
        }
      }
      if (any_unpaired_a && any_unpaired_b) return;  // should have paired
      best_ = std::max(best_, Score(numerator, paired, unpaired_a + unpaired_b,
                                    lambda_));
      return;
    }
    const double la = s_.len_a[i];
    Visit(i + 1, used_b, numerator, paired, unpaired_a + la, true);
    for (size_t j = 0; j < m; ++j) {
      const uint32_t bit = 1u << j;
      if ((used_b & bit) != 0) continue;
      const double w = la + s_.len_b[j];
      Visit(i + 1, used_b | bit, numerator + s_.single[i * m + j] * w,
            paired + w, unpaired_a, any_unpaired_a);
      if (j + 1 < m && (used_b & (bit << 1)) == 0 &&
          s_.joined_b[i * m + j] != kNoJoin) {
        const double wj = w + s_.len_b[j + 1];
        Visit(i + 1, used_b | bit | (bit << 1),
              numerator + s_.joined_b[i * m + j] * wj, paired + wj,
              unpaired_a, any_unpaired_a);
      }
      if (i + 1 < s_.n && s_.joined_a[i * m + j] != kNoJoin) {
        const double wj = w + s_.len_a[i + 1];
        Visit(i + 2, used_b | bit, numerator + s_.joined_a[i * m + j] * wj,
              paired + wj, unpaired_a, any_unpaired_a);
      }
    }
  }

  const UnitSimilarities& s_;
  double lambda_;
  double best_ = 0.0;
};

double Greedy(const UnitSimilarities& s, double lambda) {
  enum Kind : int { kSingle, kJoinedB, kJoinedA };
  struct Candidate {
    double similarity;
    double weight;
    Kind kind;
    size_t i;
    size_t j;
  };
  std::vector<Candidate> candidates;
  const size_t n = s.n;
  const size_t m = s.m;
  for (size_t i = 0; i < n; ++i) {
    for (size_t j = 0; j < m; ++j) {
      const double w = s.len_a[i] + s.len_b[j];
      candidates.push_back({s.single[i * m + j], w, kSingle, i, j});
      if (j + 1 < m && s.joined_b[i * m + j] != kNoJoin) {
        candidates.push_back({s.joined_b[i * m + j], w + s.len_b[j + 1],
                              kJoinedB, i, j});
      }
      if (i + 1 < n && s.joined_a[i * m + j] != kNoJoin) {
        candidates.push_back({s.joined_a[i * m + j], w + s.len_a[i + 1],
                              kJoinedA, i, j});
      }
    }
  }
  // Deterministic order: similarity, then weight, then position.
  std::sort(candidates.begin(), candidates.end(),
            [](const Candidate& x, const Candidate& y) {
              if (x.similarity != y.similarity) {
                return x.similarity > y.similarity;
              }
              if (x.weight != y.weight) return x.weight > y.weight;
              if (x.kind != y.kind) return x.kind < y.kind;
              if (x.i != y.i) return x.i < y.i;
              return x.j < y.j;
            });
  std::vector<bool> used_a(n, false);
  std::vector<bool> used_b(m, false);
  double numerator = 0.0;
  double paired = 0.0;
  for (const Candidate& c : candidates) {
    const size_t i2 = c.kind == kJoinedA ? c.i + 1 : c.i;
    const size_t j2 = c.kind == kJoinedB ? c.j + 1 : c.j;
    if (used_a[c.i] || used_a[i2] || used_b[c.j] || used_b[j2]) continue;
    used_a[c.i] = used_a[i2] = true;
    used_b[c.j] = used_b[j2] = true;
    numerator += c.similarity * c.weight;
    paired += c.weight;
  }
  double unpaired = 0.0;
  for (size_t i = 0; i < n; ++i) {
    if (!used_a[i]) unpaired += s.len_a[i];
  }
  for (size_t j = 0; j < m; ++j) {
    if (!used_b[j]) unpaired += s.len_b[j];
  }
  return Score(numerator, paired, unpaired, lambda);
}

template <typename Token>
std::vector<std::string_view> NonEmpty(std::span<const Token> tokens) {
  std::vector<std::string_view> result;
  result.reserve(tokens.size());
  for (const Token& token : tokens) {
    if (!token.empty()) result.push_back(token);
  }
  return result;
}

double Similarity(const std::vector<std::string_view>& ta,
                  const std::vector<std::string_view>& tb,
                  const TokenSimilarityOptions& options) {
  if (ta.empty() || tb.empty()) return 0.0;
  const UnitSimilarities s = Measure(ta, tb, options.prefix_scale);
  const auto exact_limit = static_cast<size_t>(
      std::clamp(options.max_exact_tokens, 0, kExactLimit));
  const double lambda = std::clamp(options.unpaired_weight, 0.0, 1.0);
  if (ta.size() <= exact_limit && tb.size() <= exact_limit) {
    return ExactSearch(s, lambda).Run();
  }
  return Greedy(s, lambda);
}

}  // namespace

double TokenSetSimilarity(const std::vector<std::string>& a,
                          const std::vector<std::string>& b,
                          const TokenSimilarityOptions& options) {
  return Similarity(NonEmpty(std::span<const std::string>(a)),
                    NonEmpty(std::span<const std::string>(b)), options);
}

double TokenSetSimilarity(const std::vector<std::string>& a,
                          const std::vector<std::string>& b) {
  return TokenSetSimilarity(a, b, TokenSimilarityOptions());
}

double TokenSetSimilarity(std::span<const std::string_view> a,
                          std::span<const std::string_view> b,
                          const TokenSimilarityOptions& options) {
  return Similarity(NonEmpty(a), NonEmpty(b), options);
}

}  // namespace reckon

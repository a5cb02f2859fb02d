#include "linkage/score/em.h"

#include <algorithm>
#include <cmath>
#include <vector>

#include "absl/status/status.h"

namespace reckon {
namespace {

void Normalize(std::vector<double>* values, double floor) {
  double total = 0.0;
  for (double& value : *values) {
    value = std::max(value, floor);
    total += value;
  }
  for (double& value : *values) value /= total;
}

// Makes m[l] / u[l] non-increasing in l by pooling adjacent violators: in a
// pooled run of levels the ratio is the run's total m over its total u, and
// each level's m is that ratio times its u (so m still sums to 1).
void MakeRatiosMonotone(std::vector<double>* m, const std::vector<double>& u) {
  struct Run {
    size_t first, last;
    double m, u;
  };
  std::vector<Run> runs;
  for (size_t l = 0; l < m->size(); ++l) {
    runs.push_back({l, l, (*m)[l], u[l]});
    while (runs.size() >= 2) {
      const Run& later = runs[runs.size() - 1];
      const Run& earlier = runs[runs.size() - 2];
      // Violation: the later (worse) level has the larger ratio.
      if (later.m * earlier.u <= earlier.m * later.u) break;
      Run merged{earlier.first, later.last, earlier.m + later.m,
                 earlier.u + later.u};
      runs.pop_back();
      runs.back() = merged;
    }
  }
  for (const Run& run : runs) {
    for (size_t l = run.first; l <= run.last; ++l) {
      (*m)[l] = run.m * u[l] / run.u;
    }
  }
}

}  // namespace

void InitializeM(FellegiSunterModel* model) {
  for (ComparisonModel& comparison : model->comparisons) {
    const auto levels = static_cast<size_t>(comparison.levels());
    comparison.m.assign(levels, 0.0);
    double share = 0.8;
    for (size_t l = 0; l < levels; ++l) {
      comparison.m[l] = share;
      share *= 0.25;
    }
    Normalize(&comparison.m, 1e-6);
  }
}

absl::StatusOr<EmReport> TrainByEm(const PatternCodec& codec,
                                   std::span<const PatternCount> counts,
                                   const EmOptions& options,
                                   FellegiSunterModel* model) {
  const size_t n_comparisons = model->comparisons.size();
  if (codec.comparisons() != n_comparisons ||
      (!options.ignored.empty() && options.ignored.size() != n_comparisons)) {
    return absl::InvalidArgumentError(
        "em: the model and the pattern codec disagree on the comparisons");
  }
  double total_pairs = 0.0;
  for (const PatternCount& entry : counts) {
    total_pairs += static_cast<double>(entry.count);
  }
  if (total_pairs == 0.0) {
    return absl::FailedPreconditionError(
        "em: no candidate pairs to train on (are the blocking keys empty?)");
  }

  // Levels of every pattern, decoded once; ignored comparisons read as
  // missing. Whether the pair agrees on the group comparison is read
  // before that: an ignored comparison gives no evidence, but the pair's
  // group still says which non-matches it is among. (Namesakes blocked on
  // their names share a nationality; weighing their agreeing patronymics
  // with the u of all pairs made them look like matches, and at a million
  // records those "matches" set m(passports differ) to 0.21, where about
  // 0.01 of true pairs have different passports; with the group's u, 0.04.)
  std::vector<uint8_t> levels(counts.size() * n_comparisons);
  std::vector<bool> same_groups(counts.size());
  for (size_t p = 0; p < counts.size(); ++p) {
    std::span<uint8_t> pattern_levels(&levels[p * n_comparisons], n_comparisons);
    codec.Decode(counts[p].pattern, pattern_levels);
    same_groups[p] = model->SameGroup(pattern_levels);
    for (size_t c = 0; c < options.ignored.size(); ++c) {
      if (options.ignored[c]) {
        pattern_levels[c] =
            static_cast<uint8_t>(model->comparisons[c].missing_level());
      }
    }
  }
  auto is_ignored = [&](size_t c) {
    return !options.ignored.empty() && options.ignored[c];
  };

  EmReport report;
  std::vector<std::vector<double>> m_tally(n_comparisons);
  std::vector<std::vector<double>> u_tally(n_comparisons);
  for (int iteration = 1; iteration <= options.max_iterations; ++iteration) {
    for (size_t c = 0; c < n_comparisons; ++c) {
      const auto n_levels = static_cast<size_t>(model->comparisons[c].levels());
      m_tally[c].assign(n_levels, 0.0);
      u_tally[c].assign(n_levels, 0.0);
    }
    double match_mass = 0.0;
    double log_likelihood = 0.0;
    // E step: the probability that each pattern is a match, and the
    // expected level counts among matches and non-matches.
    for (size_t p = 0; p < counts.size(); ++p) {
      const uint8_t* pattern_levels = &levels[p * n_comparisons];
      const bool same_group = same_groups[p];
      double likelihood_m = model->lambda;
      double likelihood_u = 1.0 - model->lambda;
      for (size_t c = 0; c < n_comparisons; ++c) {
        const ComparisonModel& comparison = model->comparisons[c];
        const int level = pattern_levels[c];
        if (level >= comparison.levels()) continue;  // missing: no evidence
        likelihood_m *= comparison.m[static_cast<size_t>(level)];
        likelihood_u *= comparison.U(level, same_group);
      }
      const double evidence = likelihood_m + likelihood_u;
      const double posterior = likelihood_m / evidence;
      const double count = static_cast<double>(counts[p].count);
      log_likelihood += count * std::log(evidence);
      match_mass += count * posterior;
      for (size_t c = 0; c < n_comparisons; ++c) {
        const int level = pattern_levels[c];
        if (level >= model->comparisons[c].levels()) continue;
        m_tally[c][static_cast<size_t>(level)] += count * posterior;
        u_tally[c][static_cast<size_t>(level)] += count * (1.0 - posterior);
      }
    }
    // M step, with the priors' pseudo-pairs added.
    for (size_t c = 0; c < n_comparisons; ++c) {
      const ComparisonModel& comparison = model->comparisons[c];
      const size_t n_levels = m_tally[c].size();
      for (size_t l = 0; l < n_levels; ++l) {
        m_tally[c][l] += options.m_prior_pairs;
        const double share = comparison.u_random.size() == n_levels
                                 ? comparison.u_random[l]
                                 : 1.0 / static_cast<double>(n_levels);
        u_tally[c][l] += options.u_prior_share * total_pairs * share;
      }
    }
    double change = 0.0;
    const double new_lambda =
        std::clamp(match_mass / total_pairs, options.min_probability,
                   1.0 - options.min_probability);
    change = std::max(change, std::abs(new_lambda - model->lambda));
    model->lambda = new_lambda;
    for (size_t c = 0; c < n_comparisons; ++c) {
      if (is_ignored(c)) continue;
      ComparisonModel& comparison = model->comparisons[c];
      if (!options.fix_u) {
        Normalize(&u_tally[c], options.min_probability);
        for (size_t l = 0; l < u_tally[c].size(); ++l) {
          change = std::max(change, std::abs(u_tally[c][l] - comparison.u[l]));
        }
        comparison.u = u_tally[c];
      }
      Normalize(&m_tally[c], options.min_probability);
      if (options.monotone) MakeRatiosMonotone(&m_tally[c], comparison.u);
      for (size_t l = 0; l < m_tally[c].size(); ++l) {
        change = std::max(change, std::abs(m_tally[c][l] - comparison.m[l]));
      }
      comparison.m = m_tally[c];
    }
    report.iterations = iteration;
    report.log_likelihood = log_likelihood;
    if (change < options.tolerance) {
      report.converged = true;
      break;
    }
  }
  return report;
}

double EstimateRandomPairLambda(const PatternCodec& codec,
                                std::span<const PatternCount> counts,
                                double total_pairs,
                                const FellegiSunterModel& model) {
  double candidates = 0.0;
  std::vector<double> weights;
  weights.reserve(counts.size());
  for (const PatternCount& entry : counts) {
    candidates += static_cast<double>(entry.count);
    weights.push_back(model.PatternWeight(codec, entry.pattern));
  }
  if (candidates == 0.0 || total_pairs <= 0.0) return 1e-12;
  // Start from the most matches there could be; each step lowers lambda
  // towards the fixed point, which is unique since the right-hand side is
  // increasing and concave in lambda.
  double lambda = std::min(0.5, candidates / total_pairs);
  for (int iteration = 0; iteration < 200; ++iteration) {
    const double prior = std::log2(lambda / (1.0 - lambda));
    double expected = 0.0;
    for (size_t p = 0; p < counts.size(); ++p) {
      expected += static_cast<double>(counts[p].count) /
                  (1.0 + std::exp2(-(weights[p] + prior)));
    }
    const double next = std::clamp(expected / total_pairs, 1e-15, 0.5);
    if (std::abs(next - lambda) <= 1e-9 * lambda) {
      lambda = next;
      break;
    }
    lambda = next;
  }
  return lambda;
}

}  // namespace reckon

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
  if (codec.comparisons() != n_comparisons) {
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

  // Levels of every pattern, decoded once.
  std::vector<uint8_t> levels(counts.size() * n_comparisons);
  for (size_t p = 0; p < counts.size(); ++p) {
    codec.Decode(counts[p].pattern,
                 std::span<uint8_t>(&levels[p * n_comparisons], n_comparisons));
  }

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
      double likelihood_m = model->lambda;
      double likelihood_u = 1.0 - model->lambda;
      for (size_t c = 0; c < n_comparisons; ++c) {
        const ComparisonModel& comparison = model->comparisons[c];
        const int level = pattern_levels[c];
        if (level >= comparison.levels()) continue;  // missing: no evidence
        likelihood_m *= comparison.m[static_cast<size_t>(level)];
        likelihood_u *= comparison.u[static_cast<size_t>(level)];
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
    // M step.
    double change = 0.0;
    const double new_lambda =
        std::clamp(match_mass / total_pairs, options.min_probability,
                   1.0 - options.min_probability);
    change = std::max(change, std::abs(new_lambda - model->lambda));
    model->lambda = new_lambda;
    for (size_t c = 0; c < n_comparisons; ++c) {
      ComparisonModel& comparison = model->comparisons[c];
      Normalize(&m_tally[c], options.min_probability);
      for (size_t l = 0; l < m_tally[c].size(); ++l) {
        change = std::max(change, std::abs(m_tally[c][l] - comparison.m[l]));
      }
      comparison.m = m_tally[c];
      if (!options.fix_u) {
        Normalize(&u_tally[c], options.min_probability);
        for (size_t l = 0; l < u_tally[c].size(); ++l) {
          change = std::max(change, std::abs(u_tally[c][l] - comparison.u[l]));
        }
        comparison.u = u_tally[c];
      }
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

}  // namespace reckon

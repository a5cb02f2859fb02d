#include "linkage/score/fellegi_sunter.h"

#include <cassert>
#include <cmath>
#include <limits>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"

namespace reckon {

double ComparisonModel::Weight(int level) const {
  if (level >= levels()) return 0.0;
  const auto l = static_cast<size_t>(level);
  return std::log2(m[l] / u[l]);
}

double ComparisonModel::Weight(int level, bool same_group) const {
  if (level >= levels()) return 0.0;
  return std::log2(m[static_cast<size_t>(level)] / U(level, same_group));
}

double ComparisonModel::U(int level, bool same_group) const {
  const auto l = static_cast<size_t>(level);
  return same_group && !u_same_group.empty() ? u_same_group[l] : u[l];
}

absl::StatusOr<PatternCodec> PatternCodec::Create(
    const std::vector<int>& levels_per_comparison) {
  PatternCodec codec;
  for (int levels : levels_per_comparison) {
    if (levels < 1 || levels > 254) {
      return absl::InvalidArgumentError(
          absl::StrCat("a comparison needs 1 to 254 levels, has ", levels));
    }
    const auto radix = static_cast<uint32_t>(levels + 1);
    codec.stride_.push_back(static_cast<uint32_t>(codec.pattern_space_));
    codec.radix_.push_back(radix);
    codec.pattern_space_ *= radix;
    if (codec.pattern_space_ > std::numeric_limits<uint32_t>::max()) {
      return absl::InvalidArgumentError(
          "too many comparisons and levels: patterns do not fit in 32 bits");
    }
  }
  return codec;
}

uint32_t PatternCodec::Encode(std::span<const uint8_t> levels) const {
  assert(levels.size() == radix_.size());
  uint32_t pattern = 0;
  for (size_t c = 0; c < levels.size(); ++c) {
    assert(levels[c] < radix_[c]);
    pattern += levels[c] * stride_[c];
  }
  return pattern;
}

void PatternCodec::Decode(uint32_t pattern, std::span<uint8_t> levels) const {
  assert(levels.size() == radix_.size());
  for (size_t c = 0; c < radix_.size(); ++c) {
    levels[c] = static_cast<uint8_t>((pattern / stride_[c]) % radix_[c]);
  }
}

int PatternCodec::Level(uint32_t pattern, size_t c) const {
  return static_cast<int>((pattern / stride_[c]) % radix_[c]);
}

double FellegiSunterModel::PatternWeight(
    std::span<const uint8_t> levels) const {
  const bool same_group = SameGroup(levels);
  double weight = 0.0;
  for (size_t c = 0; c < comparisons.size(); ++c) {
    weight += comparisons[c].Weight(levels[c], same_group);
  }
  return weight;
}

double FellegiSunterModel::PatternWeight(const PatternCodec& codec,
                                         uint32_t pattern) const {
  const bool same_group =
      group_comparison >= 0 &&
      codec.Level(pattern, static_cast<size_t>(group_comparison)) == 0;
  double weight = 0.0;
  for (size_t c = 0; c < comparisons.size(); ++c) {
    weight += comparisons[c].Weight(codec.Level(pattern, c), same_group);
  }
  return weight;
}

double FellegiSunterModel::MatchProbability(double weight) const {
  // Posterior odds = prior odds * Bayes factor, with the Bayes factor 2^w.
  const double log2_odds = weight + std::log2(lambda / (1.0 - lambda));
  return 1.0 / (1.0 + std::exp2(-log2_odds));
}

double FellegiSunterModel::WeightForProbability(double probability) const {
  return std::log2(probability / (1.0 - probability)) -
         std::log2(lambda / (1.0 - lambda));
}

namespace {

// Level shares of comparison `c` among `counts`, add-one smoothed.
std::vector<double> LevelShares(const PatternCodec& codec,
                                std::span<const PatternCount> counts,
                                size_t c, int levels) {
  std::vector<double> tally(static_cast<size_t>(levels), 1.0);
  double total = static_cast<double>(levels);
  for (const PatternCount& entry : counts) {
    const int level = codec.Level(entry.pattern, c);
    if (level >= levels) continue;
    tally[static_cast<size_t>(level)] += static_cast<double>(entry.count);
    total += static_cast<double>(entry.count);
  }
  for (double& share : tally) share /= total;
  return tally;
}

}  // namespace

void SetUFromRandomPairs(const PatternCodec& codec,
                         std::span<const PatternCount> counts,
                         FellegiSunterModel* model) {
  for (size_t c = 0; c < model->comparisons.size(); ++c) {
    ComparisonModel& comparison = model->comparisons[c];
    comparison.u = LevelShares(codec, counts, c, comparison.levels());
    comparison.u_random = comparison.u;
  }
}

void SetGroupUFromRandomPairs(const PatternCodec& codec,
                              std::span<const PatternCount> counts, int group,
                              const std::vector<bool>& conditioned,
                              FellegiSunterModel* model) {
  assert(conditioned.size() == model->comparisons.size());
  model->group_comparison = group;
  for (size_t c = 0; c < model->comparisons.size(); ++c) {
    ComparisonModel& comparison = model->comparisons[c];
    comparison.u_same_group.clear();
    if (conditioned[c]) {
      comparison.u_same_group =
          LevelShares(codec, counts, c, comparison.levels());
    }
  }
}

}  // namespace reckon

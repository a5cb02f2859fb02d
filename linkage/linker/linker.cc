#include "linkage/linker/linker.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <utility>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/container/inlined_vector.h"
#include "absl/time/clock.h"
#include "linkage/base/split_mix.h"
#include "linkage/base/status_macros.h"
#include "linkage/compare/date_compare.h"
#include "linkage/linker/keys.h"
#include "tbb/blocked_range.h"
#include "tbb/enumerable_thread_specific.h"
#include "tbb/parallel_for.h"
#include "tbb/parallel_sort.h"

namespace reckon {
namespace {

constexpr size_t kSampleChunk = 1 << 15;

struct CandidatePair {
  uint32_t a;
  uint32_t b;
  uint32_t pattern;
};


class PatternMaker {
 public:
  PatternMaker(const std::vector<std::unique_ptr<FieldComparator>>& comparators,
               const PatternCodec& codec)
      : pair_levels_(comparators), codec_(codec) {}

  uint32_t Pattern(uint32_t a, uint32_t b, std::vector<uint8_t>* levels) const {
    levels->resize(pair_levels_.size());
    pair_levels_.Levels(a, b, levels->data());
    return codec_.Encode(*levels);
  }

  // PairLevels::Prefetch: a caller a few pairs ahead hides the records'
  // cache misses.
  void Prefetch(uint32_t record) const { pair_levels_.Prefetch(record); }

 private:
  const PairLevels pair_levels_;
  const PatternCodec& codec_;
};

std::vector<PatternCount> SortedCounts(
    const absl::flat_hash_map<uint32_t, uint64_t>& counts) {
  std::vector<PatternCount> sorted;
  sorted.reserve(counts.size());
  for (const auto& [pattern, count] : counts) sorted.push_back({pattern, count});
  std::sort(sorted.begin(), sorted.end(),
            [](const PatternCount& x, const PatternCount& y) {
              return x.pattern < y.pattern;
            });
  return sorted;
}

// Pattern counts of random record pairs allowed by the mode: the sample
// from which u is estimated. With `groups` (record numbers grouped by a
// value, e.g. nationality, each group sorted), pairs are drawn within
// groups instead: a random grouped record, then a random other record of
// its group, which draws every within-group pair about equally often.
// Deterministic: each chunk has its own seed.
std::vector<PatternCount> SampleRandomPairs(
    const PreparedRecords& prepared, const PatternMaker& maker,
    const LinkerConfig& config,
    const std::vector<std::vector<uint32_t>>* groups = nullptr) {
  // Per grouped record (in group order), its group; empty without groups.
  std::vector<uint32_t> members;
  std::vector<uint32_t> group_of;
  if (groups != nullptr) {
    for (size_t g = 0; g < groups->size(); ++g) {
      if ((*groups)[g].size() < 2) continue;
      for (uint32_t r : (*groups)[g]) {
        members.push_back(r);
        group_of.push_back(static_cast<uint32_t>(g));
      }
    }
    if (members.empty()) return {};
  }
  const size_t n = prepared.size;
  // Small inputs need fewer samples; u of a rare level is still seen
  // hundreds of times with 200,000.
  const size_t samples =
      std::min(config.u_sample_pairs, std::max<size_t>(200'000, 20 * n));
  const size_t chunks = (samples + kSampleChunk - 1) / kSampleChunk;
  std::vector<absl::flat_hash_map<uint32_t, uint64_t>> per_chunk(chunks);
  tbb::parallel_for(size_t{0}, chunks, [&](size_t chunk) {
    uint64_t state = config.seed ^ (0xa0761d6478bd642fULL * (chunk + 1));
    if (groups != nullptr) state ^= 0x9e3779b97f4a7c15ULL;
    std::vector<uint8_t> levels;
    const size_t count =
        std::min(kSampleChunk, samples - chunk * kSampleChunk);
    for (size_t s = 0; s < count; ++s) {
      // Up to 32 tries to find a pair the mode allows.
      for (int attempt = 0; attempt < 32; ++attempt) {
        uint32_t a = 0;
        uint32_t b = 0;
        if (groups == nullptr) {
          a = static_cast<uint32_t>(SplitMix64(&state) % n);
          b = static_cast<uint32_t>(SplitMix64(&state) % n);
        } else {
          const size_t i = SplitMix64(&state) % members.size();
          const std::vector<uint32_t>& group = (*groups)[group_of[i]];
          a = members[i];
          b = group[SplitMix64(&state) % group.size()];
        }
        if (a == b ||
            !PairAllowed(config.mode, prepared.source[a], prepared.source[b])) {
          continue;
        }
        ++per_chunk[chunk][maker.Pattern(std::min(a, b), std::max(a, b),
                                         &levels)];
        break;
      }
    }
  });
  absl::flat_hash_map<uint32_t, uint64_t> total;
  for (const auto& chunk : per_chunk) {
    for (const auto& [pattern, count] : chunk) total[pattern] += count;
  }
  return SortedCounts(total);
}

// Names go with nationality (FellegiSunterModel::group_comparison): when
// the config compares nationality exactly, u of its name comparisons is
// also estimated among random pairs of the same nationality, and used for
// pairs that agree on it.
void SetNationalityU(const PreparedRecords& data, const PatternMaker& maker,
                     const PatternCodec& codec, const LinkerConfig& config,
                     FellegiSunterModel* model) {
  int group = -1;
  std::vector<bool> conditioned(config.comparisons.size(), false);
  bool any = false;
  for (size_t c = 0; c < config.comparisons.size(); ++c) {
    const ComparisonSpec& spec = config.comparisons[c];
    if (group < 0 && spec.kind == ComparatorKind::kExact &&
        spec.field.kind == FieldRef::Kind::kField &&
        spec.field.field == Field::kNationality) {
      group = static_cast<int>(c);
    }
    if (spec.kind == ComparatorKind::kName) conditioned[c] = any = true;
  }
  if (group < 0 || !any) return;
  absl::flat_hash_map<std::string, uint32_t> ids;
  std::vector<std::vector<uint32_t>> groups;
  for (size_t r = 0; r < data.size; ++r) {
    if (data.nationality[r].empty()) continue;
    auto [it, inserted] = ids.try_emplace(data.nationality[r],
                                          static_cast<uint32_t>(groups.size()));
    if (inserted) groups.emplace_back();
    groups[it->second].push_back(static_cast<uint32_t>(r));
  }
  const std::vector<PatternCount> counts =
      SampleRandomPairs(data, maker, config, &groups);
  if (counts.empty()) return;
  SetGroupUFromRandomPairs(codec, counts, group, conditioned, model);
}

// Pattern counts of the training-only keys' pairs (TrainingCounts::per_key
// at those keys; the rest left empty): all their pairs when there are few,
// else a sample of about config.training_sample_pairs spread over the keys'
// blocks in proportion to their pairs. Their block statistics go to
// `report`.
absl::StatusOr<TrainingCounts> SampleTrainingOnlyKeys(
    const PreparedRecords& data, const PatternMaker& maker,
    const LinkerConfig& config, const ExecOptions& exec,
    BlockingReport* report) {
  const size_t n_keys = config.blocking_keys.size();
  TrainingCounts result;
  result.per_key.resize(n_keys);
  RECKON_ASSIGN_OR_RETURN(
      std::vector<KeyEntry> entries,
      MakeKeyEntries(data, config, exec, KeyUse::kTrainingOnly));
  if (entries.empty()) return result;
  BlockerOptions options;
  options.max_block_size = config.max_training_block_size;
  RECKON_ASSIGN_OR_RETURN(
      BlockIndex index,
      BlockIndex::Build(data.size, std::move(entries), n_keys, options, exec));
  for (size_t k = 0; k < n_keys; ++k) {
    if (config.blocking_keys[k].training_only) {
      report->per_kind[k] = index.report().per_kind[k];
    }
  }
  uint64_t block_pairs = 0;
  for (const KeyKindStats& stats : index.report().per_kind) {
    block_pairs += stats.pairs_in_blocks;
  }
  if (block_pairs == 0) return result;
  struct Local {
    std::vector<absl::flat_hash_map<uint32_t, uint64_t>> per_key;
    std::vector<uint8_t> levels;
  };
  tbb::enumerable_thread_specific<Local> locals;
  const auto allowed = [&](uint32_t a, uint32_t b) {
    return PairAllowed(config.mode, data.source[a], data.source[b]);
  };
  const auto count = [&](Local& local, uint32_t a, uint32_t b,
                         uint32_t block) {
    if (local.per_key.empty()) local.per_key.resize(n_keys);
    ++local.per_key[index.BlockKind(block)][maker.Pattern(a, b, &local.levels)];
  };
  const double share = static_cast<double>(config.training_sample_pairs) /
                       static_cast<double>(block_pairs);
  if (share >= 1.0) {
    RECKON_RETURN_IF_ERROR(
        ForEachCandidatePair(index, locals, allowed, count, exec));
  } else {
    RECKON_RETURN_IF_ERROR(ForEachSampledPair(index, share, config.seed,
                                              locals, allowed, count, exec));
  }
  std::vector<absl::flat_hash_map<uint32_t, uint64_t>> per_key(n_keys);
  for (const Local& local : locals) {
    for (size_t k = 0; k < local.per_key.size(); ++k) {
      for (const auto& [pattern, n] : local.per_key[k]) per_key[k][pattern] += n;
    }
  }
  for (size_t k = 0; k < n_keys; ++k) {
    if (config.blocking_keys[k].training_only) {
      result.per_key[k] = SortedCounts(per_key[k]);
    }
  }
  return result;
}

// Whether `record` lacks `field` as the comparators see it (an unparseable
// date counts as missing).
bool LacksField(const PreparedRecords& data, size_t record,
                const FieldRef& field) {
  if (field.kind == FieldRef::Kind::kField && field.field == Field::kBirthDate) {
    return data.birth_date[record].empty();
  }
  return data.Value(field, record).empty();
}

// Pairs from the keys conditional on a missing field
// (BlockingKeySpec::when_missing), beyond those the candidate `index`
// already makes: `emit(local, a, b)` for each pair that `allowed` allows
// and of which at least one record lacks the field of the first such key
// the two share. Their block statistics go to `report`.
template <typename Local, typename Allowed, typename Emit>
absl::Status AddFallbackPairs(const PreparedRecords& data,
                              const LinkerConfig& config,
                              const BlockIndex& index,
                              const BlockerOptions& options,
                              const ExecOptions& exec,
                              tbb::enumerable_thread_specific<Local>& locals,
                              const Allowed& allowed, const Emit& emit,
                              BlockingReport* report) {
  const size_t n_keys = config.blocking_keys.size();
  RECKON_ASSIGN_OR_RETURN(
      std::vector<KeyEntry> entries,
      MakeKeyEntries(data, config, exec, KeyUse::kWhenMissing));
  if (entries.empty()) return absl::OkStatus();
  RECKON_ASSIGN_OR_RETURN(
      BlockIndex fallback,
      BlockIndex::Build(data.size, std::move(entries), n_keys, options, exec));
  std::vector<std::vector<bool>> lacks(n_keys);
  for (size_t k = 0; k < n_keys; ++k) {
    const BlockingKeySpec& key = config.blocking_keys[k];
    if (!key.when_missing.has_value()) continue;
    report->per_kind[k] = fallback.report().per_kind[k];
    lacks[k].resize(data.size);
    for (size_t r = 0; r < data.size; ++r) {
      lacks[k][r] = LacksField(data, r, *key.when_missing);
    }
  }
  return ForEachCandidatePair(
      fallback, locals,
      [&](uint32_t a, uint32_t b) {
        return allowed(a, b) && index.SharedKinds(a, b) == 0;
      },
      [&](Local& local, uint32_t a, uint32_t b, uint32_t block) {
        const std::vector<bool>& missing = lacks[fallback.BlockKind(block)];
        if (missing[a] || missing[b]) emit(local, a, b);
      },
      exec);
}

template <typename T>
std::string Majority(std::vector<T>& values) {
  if (values.empty()) return "";
  std::sort(values.begin(), values.end());
  std::string best;
  size_t best_count = 0;
  for (size_t i = 0; i < values.size();) {
    size_t j = i;
    while (j < values.size() && values[j] == values[i]) ++j;
    if (j - i > best_count) {
      best_count = j - i;
      best = values[i];
    }
    i = j;
  }
  return best;
}

std::vector<EntityInfo> SettleEntityInfo(const std::vector<Record>& records,
                                         const PreparedRecords& prepared,
                                         const std::vector<uint32_t>& entity,
                                         size_t entities) {
  std::vector<std::vector<size_t>> members(entities);
  for (size_t r = 0; r < entity.size(); ++r) members[entity[r]].push_back(r);
  std::vector<EntityInfo> info(entities);
  tbb::parallel_for(size_t{0}, entities, [&](size_t e) {
    std::vector<std::string> nationality, sex, region, sector;
    for (size_t r : members[e]) {
      if (!prepared.nationality[r].empty()) {
        nationality.push_back(prepared.nationality[r]);
      }
      if (prepared.sex[r] != Sex::kUnknown) {
        sex.push_back(prepared.sex[r] == Sex::kMale ? "M" : "F");
      }
      std::string folded = FoldValue(records[r].Get(Field::kRegion));
      if (!folded.empty()) region.push_back(std::move(folded));
      folded = FoldValue(records[r].Get(Field::kSector));
      if (!folded.empty()) sector.push_back(std::move(folded));
    }
    info[e] = {Majority(nationality), Majority(sex), Majority(region),
               Majority(sector)};
  });
  return info;
}

// Smoothing of within-nationality term frequencies: as if this many more
// records of the nationality held values at their global shares, so a
// nationality with few records does not get extreme frequencies.
constexpr double kNationalityTfPseudoRecords = 20.0;

// Fills result->term_frequency, nationality_id and
// nationality_term_frequency.
void ComputeTermFrequencies(const PreparedRecords& data, LinkResult* result) {
  absl::flat_hash_map<std::string, uint32_t> nationality_ids;
  result->nationality_id.assign(data.size, 0);
  for (uint32_t r = 0; r < data.size; ++r) {
    if (data.nationality[r].empty()) continue;
    auto [it, inserted] = nationality_ids.try_emplace(
        data.nationality[r], static_cast<uint32_t>(nationality_ids.size() + 1));
    result->nationality_id[r] = it->second;
  }
  const size_t n_comparisons = result->comparators.size();
  result->term_frequency.assign(n_comparisons, {});
  result->nationality_term_frequency.assign(n_comparisons, {});
  for (size_t c = 0; c < n_comparisons; ++c) {
    const FieldComparator& comparator = *result->comparators[c];
    std::vector<double>& tf = result->term_frequency[c];
    absl::flat_hash_map<uint64_t, double> counts;
    std::vector<double> present_by_nationality(nationality_ids.size() + 1, 0.0);
    uint64_t present = 0;
    for (uint32_t r = 0; r < data.size; ++r) {
      const int64_t term = comparator.TermId(r);
      if (term < 0) continue;
      if (static_cast<size_t>(term) >= tf.size()) {
        tf.resize(static_cast<size_t>(term) + 1, 0.0);
      }
      tf[static_cast<size_t>(term)] += 1.0;
      ++present;
      const uint32_t nationality = result->nationality_id[r];
      if (nationality != 0) {
        counts[NationalityTermKey(nationality, term)] += 1.0;
        present_by_nationality[nationality] += 1.0;
      }
    }
    for (double& value : tf) value /= static_cast<double>(present);
    // The counts become smoothed shares in place.
    for (auto& [key, share] : counts) {
      const uint32_t nationality = NationalityOfTermKey(key);
      share = (share + kNationalityTfPseudoRecords * tf[TermOfTermKey(key)]) /
              (present_by_nationality[nationality] +
               kNationalityTfPseudoRecords);
    }
    result->nationality_term_frequency[c] = std::move(counts);
  }
}

// Record pairs the mode allows, over all records (not just candidates).
double PossiblePairs(const PreparedRecords& data, LinkMode mode) {
  std::vector<double> per_source(data.source_names.size(), 0.0);
  for (uint16_t source : data.source) per_source[source] += 1.0;
  const auto n = static_cast<double>(data.size);
  double within = 0.0;
  for (double count : per_source) within += count * (count - 1.0) / 2.0;
  switch (mode) {
    case LinkMode::kLinkOnly:
      return n * (n - 1.0) / 2.0 - within;
    case LinkMode::kDedupeOnly:
      return within;
    case LinkMode::kDedupeAndLink:
      break;
  }
  return n * (n - 1.0) / 2.0;
}

// Per pair of sources, the chance that two of its records drawn at random
// match, from the candidate pairs' final weights: as
// EstimateRandomPairLambda, the fixed point of lambda_st = (expected
// matches among the pair's candidates) / (its possible pairs), each
// pair's match probability taken at lambda_st. Shrunk towards `lambda` by
// kPseudoMatches, so that a pair of small sources keeps about the global
// prior. Weights are binned to 1/64 bit, so the cost is one pass over the
// pairs. Returns the adjustments of LinkResult::source_pair_prior, or none
// when the mode allows only one kind of pair.
std::vector<double> EstimateSourcePairPriors(
    const PreparedRecords& data, const std::vector<CandidatePair>& pairs,
    const std::vector<double>& weights, double lambda, LinkMode mode) {
  constexpr double kPseudoMatches = 10.0;
  constexpr double kBinsPerBit = 64.0;
  constexpr double kLowest = -64.0;
  constexpr size_t kBins = 128 * 64;
  const size_t n_sources = data.source_names.size();
  std::vector<double> per_source(n_sources, 0.0);
  for (uint16_t source : data.source) per_source[source] += 1.0;
  absl::flat_hash_map<size_t, std::vector<uint32_t>> histograms;
  for (size_t i = 0; i < pairs.size(); ++i) {
    const uint16_t x = data.source[pairs[i].a];
    const uint16_t y = data.source[pairs[i].b];
    std::vector<uint32_t>& histogram =
        histograms[std::min(x, y) * n_sources + std::max(x, y)];
    if (histogram.empty()) histogram.assign(kBins, 0);
    const double bin = std::clamp((weights[i] - kLowest) * kBinsPerBit, 0.0,
                                  static_cast<double>(kBins - 1));
    ++histogram[static_cast<size_t>(bin)];
  }
  // Pairs the mode allows between sources x <= y (0 when it forbids them).
  auto possible_pairs = [&](size_t x, size_t y) {
    if (!PairAllowed(mode, static_cast<uint16_t>(x), static_cast<uint16_t>(y))) {
      return 0.0;
    }
    return x == y ? per_source[x] * (per_source[x] - 1.0) / 2.0
                  : per_source[x] * per_source[y];
  };
  // With one kind of pair there is nothing to tell apart (one register
  // deduplicated, or two linked): its prior is the global one.
  size_t kinds = 0;
  for (size_t x = 0; x < n_sources; ++x) {
    for (size_t y = x; y < n_sources; ++y) {
      if (possible_pairs(x, y) >= 1.0) ++kinds;
    }
  }
  if (kinds < 2) return {};
  auto log2_odds = [](double p) { return std::log2(p / (1.0 - p)); };
  std::vector<double> adjustment(n_sources * n_sources, 0.0);
  for (size_t x = 0; x < n_sources; ++x) {
    for (size_t y = x; y < n_sources; ++y) {
      const double possible = possible_pairs(x, y);
      if (possible < 1.0) continue;
      auto it = histograms.find(x * n_sources + y);
      double source_lambda = lambda;
      if (it != histograms.end()) {
        const std::vector<uint32_t>& histogram = it->second;
        for (int iteration = 0; iteration < 200; ++iteration) {
          const double prior = log2_odds(source_lambda);
          double expected = kPseudoMatches;
          for (size_t b = 0; b < kBins; ++b) {
            if (histogram[b] == 0) continue;
            const double weight =
                kLowest + (static_cast<double>(b) + 0.5) / kBinsPerBit;
            expected += histogram[b] / (1.0 + std::exp2(-(weight + prior)));
          }
          const double next = std::clamp(
              expected / (possible + kPseudoMatches / lambda), 1e-15, 0.5);
          const bool done = std::abs(next - source_lambda) <= 1e-9 * source_lambda;
          source_lambda = next;
          if (done) break;
        }
      }
      const double shift = log2_odds(source_lambda) - log2_odds(lambda);
      adjustment[x * n_sources + y] = adjustment[y * n_sources + x] = shift;
    }
  }
  return adjustment;
}

}  // namespace

double SourcePairPrior(const LinkResult& result, uint32_t a, uint32_t b) {
  if (result.source_pair_prior.empty()) return 0.0;
  const size_t n_sources = result.prepared->source_names.size();
  return result.source_pair_prior[result.prepared->source[a] * n_sources +
                                  result.prepared->source[b]];
}

double TermFrequencyAdjustment(const LinkResult& result, size_t c, uint32_t a,
                               uint32_t b) {
  if (result.term_frequency[c].empty()) return 0.0;
  const int64_t term = result.comparators[c]->TermId(a);
  if (term < 0) return 0.0;
  double tf = result.term_frequency[c][static_cast<size_t>(term)];
  const uint32_t nationality = result.nationality_id[a];
  const ComparisonModel& comparison = result.model.comparisons[c];
  double u_exact = comparison.u_random[0];
  if (nationality != 0 && nationality == result.nationality_id[b]) {
    const auto& shares = result.nationality_term_frequency[c];
    auto it = shares.find(NationalityTermKey(nationality, term));
    if (it != shares.end()) tf = it->second;
    // Against the chance that two records of one nationality agree, which
    // the level's weight already uses (FellegiSunterModel::group_comparison).
    if (!comparison.u_same_group.empty()) u_exact = comparison.u_same_group[0];
  }
  return std::clamp(std::log2(u_exact / tf), -kMaxTfAdjustment,
                    kMaxTfAdjustment);
}

absl::StatusOr<std::unique_ptr<Linker>> Linker::Create(LinkerConfig config) {
  RECKON_RETURN_IF_ERROR(ValidateLinkerConfig(config));
  RECKON_ASSIGN_OR_RETURN(std::unique_ptr<NameNormalizer> normalizer,
                          NameNormalizer::Create());
  return std::unique_ptr<Linker>(
      new Linker(std::move(config), std::move(normalizer)));
}

absl::StatusOr<LinkResult> Linker::Link(
    const std::vector<Record>& records,
    const std::vector<std::string>& source_order, const ExecOptions& exec,
    const std::function<void(const std::string&)>& progress) const {
  if (records.size() >= UINT32_MAX) {
    return absl::InvalidArgumentError("link: more than 4e9 records");
  }
  LinkResult result;
  absl::Time stage_start = absl::Now();
  std::string stage;
  auto begin_stage = [&](std::string name) {
    const absl::Time now = absl::Now();
    if (!stage.empty()) {
      result.seconds.push_back({stage, absl::ToDoubleSeconds(now - stage_start)});
    }
    stage = std::move(name);
    stage_start = now;
    if (progress && !stage.empty()) progress(stage);
  };

  begin_stage("prepare");
  RECKON_ASSIGN_OR_RETURN(
      PreparedRecords prepared,
      PrepareRecords(records, source_order, config_, *normalizer_, exec));
  result.prepared = std::make_unique<PreparedRecords>(std::move(prepared));
  const PreparedRecords& data = *result.prepared;
  RECKON_ASSIGN_OR_RETURN(result.comparators, MakeComparators(config_, data));
  std::vector<int> level_counts;
  for (const auto& comparator : result.comparators) {
    level_counts.push_back(comparator->levels());
    ComparisonModel model;
    model.name = comparator->name();
    model.level_names = comparator->level_names();
    result.model.comparisons.push_back(std::move(model));
  }
  RECKON_ASSIGN_OR_RETURN(PatternCodec codec, PatternCodec::Create(level_counts));
  const PatternMaker maker(result.comparators, codec);

  begin_stage("block");
  RECKON_ASSIGN_OR_RETURN(std::vector<KeyEntry> entries,
                          MakeKeyEntries(data, config_, exec));
  BlockerOptions blocker_options;
  blocker_options.max_block_size = config_.max_block_size;
  for (size_t k = 0; k < config_.blocking_keys.size(); ++k) {
    blocker_options.max_block_size_per_kind.push_back(config_.MaxBlockSize(k));
  }
  RECKON_ASSIGN_OR_RETURN(
      BlockIndex index,
      BlockIndex::Build(data.size, std::move(entries),
                        config_.blocking_keys.size(), blocker_options, exec));
  result.blocking = index.report();

  begin_stage("compare");
  const size_t n_keys = config_.blocking_keys.size();
  uint64_t trained_keys = 0;  // candidate keys with train = true, as bits
  for (size_t k = 0; k < n_keys; ++k) {
    const BlockingKeySpec& key = config_.blocking_keys[k];
    if (key.train && !key.training_only) trained_keys |= uint64_t{1} << k;
  }
  struct Local {
    std::vector<CandidatePair> pairs;
    size_t scored = 0;  // pairs[0, scored) have their pattern
    // Pairs counted by (trained keys they share, as bits) << 32 | pattern:
    // one count per pair, split into sessions after the pass.
    absl::flat_hash_map<uint64_t, uint64_t> counts;
    std::vector<uint8_t> levels;
  };
  const auto allowed = [&](uint32_t a, uint32_t b) {
    return PairAllowed(config_.mode, data.source[a], data.source[b]);
  };
  // A block pair is scored kAhead pairs after it is emitted, its records'
  // rows prefetched meanwhile: per-pair time at scale is mostly cache
  // misses on the two records.
  constexpr size_t kAhead = 8;
  const auto score_until = [&](Local& local, size_t end) {
    for (; local.scored < end; ++local.scored) {
      CandidatePair& pair = local.pairs[local.scored];
      pair.pattern = maker.Pattern(pair.a, pair.b, &local.levels);
      const uint64_t shared = index.SharedKinds(pair.a, pair.b) & trained_keys;
      ++local.counts[(shared << 32) | pair.pattern];
    }
  };
  tbb::enumerable_thread_specific<Local> locals;
  RECKON_RETURN_IF_ERROR(ForEachCandidatePair(
      index, locals, allowed,
      [&](Local& local, uint32_t a, uint32_t b, uint32_t /*block*/) {
        maker.Prefetch(a);
        maker.Prefetch(b);
        local.pairs.push_back({a, b, 0});
        if (local.pairs.size() > kAhead) {
          score_until(local, local.pairs.size() - kAhead);
        }
      },
      exec));
  for (Local& local : locals) score_until(local, local.pairs.size());
  RECKON_RETURN_IF_ERROR(AddFallbackPairs(
      data, config_, index, blocker_options, exec, locals, allowed,
      [&](Local& local, uint32_t a, uint32_t b) {
        const uint32_t pattern = maker.Pattern(a, b, &local.levels);
        local.pairs.push_back({a, b, pattern});
        ++local.counts[pattern];  // shares no trained key
      },
      &result.blocking));
  RECKON_ASSIGN_OR_RETURN(TrainingCounts training_counts,
                          SampleTrainingOnlyKeys(data, maker, config_, exec,
                                                 &result.blocking));
  std::vector<CandidatePair> pairs;
  absl::flat_hash_map<uint32_t, uint64_t> pattern_counts;
  {
    std::vector<absl::flat_hash_map<uint32_t, uint64_t>> per_key(n_keys);
    absl::flat_hash_map<uint32_t, uint64_t> joint;
    size_t total = 0;
    for (const Local& local : locals) total += local.pairs.size();
    pairs.reserve(total);
    for (Local& local : locals) {
      pairs.insert(pairs.end(), local.pairs.begin(), local.pairs.end());
      std::vector<CandidatePair>().swap(local.pairs);
      for (const auto& [key, count] : local.counts) {
        const auto pattern = static_cast<uint32_t>(key);
        const uint64_t shared = key >> 32;
        pattern_counts[pattern] += count;
        if (shared == 0) continue;
        joint[pattern] += count;
        for (uint64_t bits = shared; bits != 0; bits &= bits - 1) {
          per_key[static_cast<size_t>(__builtin_ctzll(bits))][pattern] += count;
        }
      }
    }
    training_counts.joint = SortedCounts(joint);
    for (size_t k = 0; k < n_keys; ++k) {
      if (!config_.blocking_keys[k].training_only) {
        training_counts.per_key[k] = SortedCounts(per_key[k]);
      }
    }
  }
  tbb::parallel_sort(pairs.begin(), pairs.end(),
                     [](const CandidatePair& x, const CandidatePair& y) {
                       return x.a != y.a ? x.a < y.a : x.b < y.b;
                     });
  result.candidate_pairs = pairs.size();
  RECKON_RETURN_IF_ERROR(CheckContinue(exec, "compare"));

  begin_stage("train");
  if (data.size < 2) {
    return absl::FailedPreconditionError("link: need at least two records");
  }
  const std::vector<PatternCount> counts = SortedCounts(pattern_counts);
  if (counts.empty()) {
    return absl::FailedPreconditionError(
        "link: no candidate pairs to train on (do the blocking keys use "
        "fields the inputs have?)");
  }
  SetUFromRandomPairs(codec, SampleRandomPairs(data, maker, config_),
                      &result.model);
  SetNationalityU(data, maker, codec, config_, &result.model);
  if (training_counts.joint.empty()) training_counts.joint = counts;
  RECKON_ASSIGN_OR_RETURN(
      result.training,
      TrainModel(config_, codec, training_counts, &result.model));
  // Scoring treats a pair as if drawn at random from all pairs: u from
  // random pairs (TrainModel leaves u there), and lambda the chance that
  // two random records match (Splink's formulation). Blocking then only
  // decides which pairs are looked at, never how their agreement is
  // weighed, so a pair found through its surname weighs its surname
  // agreement in full.
  result.model.lambda = EstimateRandomPairLambda(
      codec, counts, PossiblePairs(data, config_.mode), result.model);
  result.random_pair_lambda = result.model.lambda;
  result.threshold = config_.link_threshold.has_value()
                         ? *config_.link_threshold
                         : result.model.WeightForProbability(
                               config_.link_probability);

  begin_stage("score");
  // Term frequencies: the share of records holding each exact value.
  ComputeTermFrequencies(data, &result);
  absl::flat_hash_map<uint32_t, double> pattern_weight;
  for (const PatternCount& entry : counts) {
    pattern_weight[entry.pattern] =
        result.model.PatternWeight(codec, entry.pattern);
  }
  std::vector<size_t> tf_comparisons;
  for (size_t c = 0; c < result.comparators.size(); ++c) {
    if (!result.term_frequency[c].empty()) tf_comparisons.push_back(c);
  }
  std::vector<double> weights(pairs.size());
  tbb::parallel_for(
      tbb::blocked_range<size_t>(0, pairs.size(), 4096),
      [&](const tbb::blocked_range<size_t>& range) {
        for (size_t i = range.begin(); i != range.end(); ++i) {
          const CandidatePair& pair = pairs[i];
          double weight = pattern_weight.find(pair.pattern)->second;
          for (size_t c : tf_comparisons) {
            if (codec.Level(pair.pattern, c) == 0) {
              const double tf_adj = TermFrequencyAdjustment(result, c, pair.a, pair.b);
              weight += tf_adj;
            }
          }
          weights[i] = weight;
        }
      });
  if (config_.source_pair_priors) {
    result.source_pair_prior = EstimateSourcePairPriors(
        data, pairs, weights, result.model.lambda, config_.mode);
    for (size_t i = 0; i < pairs.size(); ++i) {
      weights[i] += SourcePairPrior(result, pairs[i].a, pairs[i].b);
    }
  }
  std::vector<reckon::Link> links;
  for (size_t i = 0; i < pairs.size(); ++i) {
    const double probability = result.model.MatchProbability(weights[i]);
    if (weights[i] >= result.threshold) {
      links.push_back({pairs[i].a, pairs[i].b, weights[i]});
    }
    if (probability >= config_.keep_pair_probability) {
      result.pairs.push_back({pairs[i].a, pairs[i].b, weights[i], probability});
    }
  }
  result.links = links.size();
  std::vector<CandidatePair>().swap(pairs);
  std::vector<double>().swap(weights);
  RECKON_RETURN_IF_ERROR(CheckContinue(exec, "score"));

  begin_stage("cluster");
  absl::flat_hash_set<uint16_t> duplicate_free;
  for (const std::string& name : config_.duplicate_free_sources) {
    for (size_t s = 0; s < data.source_names.size(); ++s) {
      if (data.source_names[s] == name) {
        duplicate_free.insert(static_cast<uint16_t>(s));
      }
    }
  }
  const bool guard_fields = config_.guard_sex_and_birth_date;
  const double conflict_weight =
      config_.min_cross_pair_probability > 0.0
          ? result.model.WeightForProbability(config_.min_cross_pair_probability)
          : -std::numeric_limits<double>::infinity();
  // Weights per comparison level, for pairs of different and of the same
  // group (nationality), looked up rather than recomputed: the guard may
  // weigh many record pairs across two clusters.
  std::vector<std::vector<double>> level_weights[2];
  for (int same = 0; same < 2; ++same) {
    for (const ComparisonModel& comparison : result.model.comparisons) {
      std::vector<double>& by_level = level_weights[same].emplace_back();
      for (int level = 0; level <= comparison.levels(); ++level) {
        by_level.push_back(comparison.Weight(level, same == 1));
      }
    }
  }
  const size_t n_comparisons = result.comparators.size();
  auto pair_weight = [&](uint32_t a, uint32_t b) {
    absl::InlinedVector<uint8_t, 16> levels(n_comparisons);
    for (size_t c = 0; c < n_comparisons; ++c) {
      levels[c] = result.comparators[c]->Level(a, b);
    }
    const int same = result.model.SameGroup(levels) ? 1 : 0;
    double weight = SourcePairPrior(result, a, b);
    for (size_t c = 0; c < n_comparisons; ++c) {
      weight += level_weights[same][c][levels[c]];
      if (levels[c] == 0 && !result.term_frequency[c].empty()) {
        weight += TermFrequencyAdjustment(result, c, a, b);
      }
    }
    return weight;
  };
  MergeGuard guard = [&](std::span<const uint32_t> x,
                         std::span<const uint32_t> y) {
    if (!duplicate_free.empty()) {
      for (uint32_t a : x) {
        if (!duplicate_free.contains(data.source[a])) continue;
        for (uint32_t b : y) {
          if (data.source[a] == data.source[b]) return false;
        }
      }
    }
    if (guard_fields) {
      for (uint32_t a : x) {
        for (uint32_t b : y) {
          if (data.sex[a] != Sex::kUnknown && data.sex[b] != Sex::kUnknown &&
              data.sex[a] != data.sex[b] &&
              CompareDates(data.birth_date[a], data.birth_date[b]) ==
                  DateLevel::kDifferent) {
            return false;
          }
        }
      }
    }
    const double min_mean = config_.min_mean_cross_pair_probability;
    if (conflict_weight == -std::numeric_limits<double>::infinity() &&
        min_mean <= 0.0) {
      return true;
    }
    double probability_sum = 0.0;
    for (uint32_t a : x) {
      for (uint32_t b : y) {
        const double weight = pair_weight(std::min(a, b), std::max(a, b));
        if (weight < conflict_weight) return false;
        probability_sum += result.model.MatchProbability(weight);
      }
    }
    return probability_sum >=
           min_mean * static_cast<double>(x.size() * y.size());
  };
  ClusterOptions cluster_options;
  cluster_options.threshold = result.threshold;
  cluster_options.max_entity_size = config_.max_entity_size;
  result.entity = ClusterLinks(data.size, std::move(links), cluster_options,
                               guard, &result.clustering);
  result.entity_info = SettleEntityInfo(records, data, result.entity,
                                        result.clustering.entities);
  begin_stage("");
  return result;
}

PairExplanation Linker::Explain(const LinkResult& result, uint32_t a,
                                uint32_t b) const {
  PairExplanation explanation;
  explanation.threshold = result.threshold;
  std::vector<uint8_t> levels;
  for (const auto& comparator : result.comparators) {
    levels.push_back(comparator->Level(a, b));
  }
  const bool same_group = result.model.SameGroup(levels);
  for (size_t c = 0; c < result.comparators.size(); ++c) {
    const FieldComparator& comparator = *result.comparators[c];
    FieldExplanation field;
    field.comparison = comparator.name();
    field.value_a = comparator.Describe(a);
    field.value_b = comparator.Describe(b);
    field.level = levels[c];
    field.level_name = field.level < comparator.levels()
                           ? comparator.level_names()[static_cast<size_t>(
                                 field.level)]
                           : "missing";
    field.weight = result.model.comparisons[c].Weight(field.level, same_group);
    if (field.level == 0) {
      field.tf_adjustment = TermFrequencyAdjustment(result, c, a, b);
      field.weight += field.tf_adjustment;
    }
    explanation.weight += field.weight;
    explanation.fields.push_back(std::move(field));
  }
  explanation.source_pair_prior = SourcePairPrior(result, a, b);
  explanation.weight += explanation.source_pair_prior;
  explanation.probability = result.model.MatchProbability(explanation.weight);
  const auto keys_a = RecordKeys(*result.prepared, a, config_);
  const auto keys_b = RecordKeys(*result.prepared, b, config_);
  for (const auto& key : keys_a) {
    if (std::find(keys_b.begin(), keys_b.end(), key) == keys_b.end()) continue;
    // A fallback key pairs two records only when one lacks its field.
    const auto spec = std::find_if(
        config_.blocking_keys.begin(), config_.blocking_keys.end(),
        [&](const BlockingKeySpec& k) { return k.name == key.first; });
    if (spec != config_.blocking_keys.end() && spec->when_missing.has_value() &&
        !LacksField(*result.prepared, a, *spec->when_missing) &&
        !LacksField(*result.prepared, b, *spec->when_missing)) {
      continue;
    }
    explanation.shared_keys.push_back(key);
  }
  return explanation;
}

}  // namespace reckon

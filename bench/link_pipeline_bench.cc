// Bench driver for the whole matching pipeline: generates a scenario in
// memory with linkage/synth, links it with the default config, and prints
// seconds per stage, pairs scored per second and peak memory, for a range
// of sizes. The quality against the scenario's truth is printed too, so a
// speed-up that costs accuracy shows at once.
//
//   link_pipeline_bench [people ...]     (default: 6000 60000 600000)
//
// Per blocking key it prints the pairs in its blocks and the blocks its cap
// dropped.
//
// About 1.65 records per person are generated with 4 registers, so 600000
// people make about a million records.
#include <sys/resource.h>

#include <cstdio>
#include <cstdlib>
#include <map>
#include <string>
#include <vector>

#include "absl/time/clock.h"
#include "linkage/linker/linker.h"
#include "linkage/synth/scenario.h"

namespace {

double PeakMemoryGiB() {
  struct rusage usage;
  getrusage(RUSAGE_SELF, &usage);
  return static_cast<double>(usage.ru_maxrss) / (1024.0 * 1024.0);
}

struct Quality {
  double precision = 0, recall = 0, f1 = 0;
};

Quality PairwiseQuality(const std::vector<uint32_t>& entity,
                        const std::vector<int64_t>& person) {
  std::map<uint32_t, double> per_entity;
  std::map<int64_t, double> per_person;
  std::map<std::pair<uint32_t, int64_t>, double> per_both;
  for (size_t r = 0; r < entity.size(); ++r) {
    ++per_entity[entity[r]];
    ++per_person[person[r]];
    ++per_both[{entity[r], person[r]}];
  }
  auto pairs = [](const auto& counts) {
    double total = 0;
    for (const auto& [key, n] : counts) total += n * (n - 1) / 2;
    return total;
  };
  const double predicted = pairs(per_entity);
  const double truth = pairs(per_person);
  const double both = pairs(per_both);
  Quality quality;
  quality.precision = both / predicted;
  quality.recall = both / truth;
  quality.f1 = 2 * quality.precision * quality.recall /
               (quality.precision + quality.recall);
  return quality;
}

int Run(int64_t people) {
  reckon::SynthOptions options;
  options.people = people;
  options.sources = 4;
  options.noise = reckon::NoiseLevel::kMedium;
  options.heterogeneity = reckon::Heterogeneity::kMild;
  options.seed = 2026;
  auto scenario = reckon::GenerateScenario(options);
  if (!scenario.ok()) {
    std::fprintf(stderr, "synth: %s\n", std::string(scenario.status().message()).c_str());
    return 1;
  }
  std::vector<reckon::Record> records;
  std::vector<int64_t> person;
  records.reserve(scenario->records.size());
  for (reckon::SynthRecord& record : scenario->records) {
    records.push_back(std::move(record.record));
    person.push_back(record.person);
  }
  const std::vector<std::string> sources = scenario->sources;
  scenario = absl::StatusOr<reckon::Scenario>();  // free the generator's copy

  const reckon::LinkerConfig config = reckon::DefaultLinkerConfig();
  auto linker = reckon::Linker::Create(config);
  if (!linker.ok()) return 1;
  const absl::Time start = absl::Now();
  auto result = (*linker)->Link(records, sources, {});
  const double seconds = absl::ToDoubleSeconds(absl::Now() - start);
  if (!result.ok()) {
    std::fprintf(stderr, "link: %s\n", std::string(result.status().message()).c_str());
    return 1;
  }
  const Quality quality = PairwiseQuality(result->entity, person);
  double compare_seconds = 0;
  std::string stages;
  for (const reckon::StageSeconds& stage : result->seconds) {
    stages += " " + stage.stage + "=" + std::to_string(stage.seconds).substr(0, 5);
    if (stage.stage == "compare") compare_seconds = stage.seconds;
  }
  std::printf(
      "people=%lld records=%zu seconds=%.2f candidate_pairs=%llu "
      "pairs_per_second=%.0f peak_GiB=%.2f precision=%.4f recall=%.4f "
      "f1=%.4f\n  stages:%s\n",
      static_cast<long long>(people), records.size(), seconds,
      static_cast<unsigned long long>(result->candidate_pairs),
      static_cast<double>(result->candidate_pairs) / compare_seconds,
      PeakMemoryGiB(), quality.precision, quality.recall, quality.f1,
      stages.c_str());
  // Per key: pairs in kept blocks (a pair may be in several keys' blocks)
  // and blocks dropped for their size, to see which keys grow fastest.
  for (size_t k = 0; k < config.blocking_keys.size(); ++k) {
    const reckon::KeyKindStats& stats = result->blocking.per_kind[k];
    std::printf("  key %-32s pairs_in_blocks=%llu largest=%llu dropped=%llu%s\n",
                config.blocking_keys[k].name.c_str(),
                static_cast<unsigned long long>(stats.pairs_in_blocks),
                static_cast<unsigned long long>(stats.largest_block),
                static_cast<unsigned long long>(stats.oversized_blocks),
                config.blocking_keys[k].training_only ? " (training only)" : "");
  }
  std::fflush(stdout);
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<int64_t> sizes;
  for (int i = 1; i < argc; ++i) sizes.push_back(std::atoll(argv[i]));
  if (sizes.empty()) sizes = {6000, 60000, 600000};
  for (int64_t people : sizes) {
    if (people <= 0) {
      std::fprintf(stderr, "usage: link_pipeline_bench [people ...]\n");
      return 2;
    }
    if (int status = Run(people); status != 0) return status;
  }
  return 0;
}

#include "service/cli/link_output.h"

#include <cmath>

#include <fstream>
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_format.h"
#include "linkage/ingest/csv_reader.h"

namespace reckon::service {
namespace {

absl::Status CheckWritten(const std::ofstream& out, const std::string& path) {
  if (!out) {
    return absl::UnavailableError(absl::StrCat(path, ": write failed"));
  }
  return absl::OkStatus();
}

}  // namespace

std::string EntityId(uint32_t entity) {
  return absl::StrFormat("E%07u", entity + 1);
}

nlohmann::json ModelJson(const LinkResult& result) {
  nlohmann::json comparisons = nlohmann::json::array();
  for (const ComparisonModel& comparison : result.model.comparisons) {
    nlohmann::json levels = nlohmann::json::array();
    for (int l = 0; l < comparison.levels(); ++l) {
      const auto i = static_cast<size_t>(l);
      levels.push_back({{"level", comparison.level_names[i]},
                        {"m", comparison.m[i]},
                        {"u", comparison.u[i]},
                        {"u_random", comparison.u_random.empty()
                                         ? 0.0
                                         : comparison.u_random[i]},
                        {"weight", comparison.Weight(l)}});
      // Pairs that agree on the group comparison (nationality) are
      // weighed against u among random pairs of one group.
      if (!comparison.u_same_group.empty()) {
        levels.back()["u_same_group"] = comparison.u_same_group[i];
        levels.back()["weight_same_group"] = comparison.Weight(l, true);
      }
    }
    levels.push_back(
        {{"level", "missing"}, {"m", nullptr}, {"u", nullptr}, {"weight", 0.0}});
    comparisons.push_back({{"name", comparison.name}, {"levels", levels}});
  }
  nlohmann::json training = nlohmann::json::array();
  for (const TrainingSession& session : result.training) {
    // The comparisons whose m this session trained (see training.h).
    nlohmann::json trained = nlohmann::json::array();
    for (size_t c = 0; c < session.trained.size(); ++c) {
      if (session.trained[c]) trained.push_back(result.model.comparisons[c].name);
    }
    training.push_back({{"session", session.name},
                        {"pairs", session.pairs},
                        {"lambda", session.lambda},
                        {"iterations", session.em.iterations},
                        {"converged", session.em.converged},
                        {"trained", trained}});
  }
  // Per pair of sources (each once), the prior adjustment and the prior
  // chance that two of its records drawn at random match.
  nlohmann::json source_pairs = nlohmann::json::array();
  if (!result.source_pair_prior.empty()) {
    const std::vector<std::string>& names = result.prepared->source_names;
    const double base =
        std::log2(result.model.lambda / (1.0 - result.model.lambda));
    for (size_t x = 0; x < names.size(); ++x) {
      for (size_t y = x; y < names.size(); ++y) {
        const double shift = result.source_pair_prior[x * names.size() + y];
        source_pairs.push_back(
            {{"sources", {names[x], names[y]}},
             {"prior_adjustment", shift},
             {"lambda", 1.0 / (1.0 + std::exp2(-(base + shift)))}});
      }
    }
  }
  const int group = result.model.group_comparison;
  return {{"lambda", result.model.lambda},
          {"group_comparison",
           group >= 0 ? nlohmann::json(result.model.comparisons[static_cast<size_t>(
                                           group)].name)
                      : nlohmann::json(nullptr)},
          {"random_pair_match_probability", result.random_pair_lambda},
          {"threshold", result.threshold},
          {"threshold_probability",
           result.model.MatchProbability(result.threshold)},
          {"comparisons", comparisons},
          {"source_pair_priors", source_pairs},
          {"training", training}};
}

nlohmann::json SummaryJson(const std::vector<Record>& records,
                           const LinkResult& result, const LinkerConfig& config,
                           const LinkRunInfo& info) {
  nlohmann::json per_source = nlohmann::json::object();
  for (const std::string& source : info.sources) per_source[source] = 0;
  for (const Record& record : records) {
    per_source[record.source] = per_source.value(record.source, 0) + 1;
  }
  nlohmann::json seconds = nlohmann::json::object();
  for (const StageSeconds& stage : info.extra_seconds) {
    if (stage.stage == "read") seconds[stage.stage] = stage.seconds;
  }
  for (const StageSeconds& stage : result.seconds) {
    seconds[stage.stage] = stage.seconds;
  }
  for (const StageSeconds& stage : info.extra_seconds) {
    if (stage.stage != "read") seconds[stage.stage] = stage.seconds;
  }
  seconds["total"] = info.total_seconds;
  nlohmann::json keys = nlohmann::json::object();
  for (size_t k = 0; k < config.blocking_keys.size(); ++k) {
    const KeyKindStats& stats = result.blocking.per_kind[k];
    keys[config.blocking_keys[k].name] = {
        {"blocks", stats.blocks},
        {"oversized_blocks", stats.oversized_blocks},
        {"records_in_oversized_blocks", stats.records_in_oversized},
        {"largest_block", stats.largest_block},
        {"pairs_in_blocks", stats.pairs_in_blocks},
        {"max_block_size", config.MaxBlockSize(k)},
        // A training-only key's pairs are sampled for training, never
        // candidates.
        {"training_only", config.blocking_keys[k].training_only}};
  }
  nlohmann::json unparseable = nlohmann::json::object();
  for (const auto& [field, count] : result.prepared->unparseable) {
    unparseable[field] = count;
  }
  return {{"records", records.size()},
          {"rows_rejected", info.rows_rejected},
          {"sources", info.sources},
          {"records_per_source", per_source},
          {"input_files", info.source_files},
          {"entities", result.clustering.entities},
          {"candidate_pairs", result.candidate_pairs},
          {"links", result.links},
          {"threshold", result.threshold},
          {"pairs_written", result.pairs.size()},
          {"seconds", seconds},
          {"peak_memory_bytes", info.peak_memory_bytes},
          {"unparseable_values", unparseable},
          {"blocking",
           {{"max_block_size", config.max_block_size},
            {"oversized_blocks", result.blocking.oversized_blocks},
            {"pairs_in_oversized_blocks", result.blocking.pairs_in_oversized},
            {"keys", keys}}},
          {"clustering",
           {{"merges", result.clustering.merges},
            {"merges_refused", result.clustering.merges_refused},
            {"largest_entity", result.clustering.largest_entity}}}};
}

absl::Status WriteLinkOutputs(const std::string& dir,
                              const std::vector<Record>& records,
                              const LinkResult& result) {
  {
    const std::string path = dir + "/entities.csv";
    std::ofstream out(path);
    out << "source,source_record_id,entity_id\n";
    for (size_t r = 0; r < records.size(); ++r) {
      out << CsvEscape(records[r].source) << ','
          << CsvEscape(records[r].source_record_id) << ','
          << EntityId(result.entity[r]) << '\n';
    }
    if (absl::Status status = CheckWritten(out, path); !status.ok()) {
      return status;
    }
  }
  {
    const std::string path = dir + "/entity_info.csv";
    std::ofstream out(path);
    out << "entity_id,nationality,sex,region,sector\n";
    for (size_t e = 0; e < result.entity_info.size(); ++e) {
      const EntityInfo& info = result.entity_info[e];
      out << EntityId(static_cast<uint32_t>(e)) << ','
          << CsvEscape(info.nationality) << ',' << CsvEscape(info.sex) << ','
          << CsvEscape(info.region) << ',' << CsvEscape(info.sector) << '\n';
    }
    if (absl::Status status = CheckWritten(out, path); !status.ok()) {
      return status;
    }
  }
  {
    const std::string path = dir + "/pairs.csv";
    std::ofstream out(path);
    out << "source_a,source_record_id_a,source_b,source_record_id_b,weight,"
           "probability\n";
    for (const ScoredPair& pair : result.pairs) {
      const Record& a = records[pair.a];
      const Record& b = records[pair.b];
      out << CsvEscape(a.source) << ',' << CsvEscape(a.source_record_id) << ','
          << CsvEscape(b.source) << ',' << CsvEscape(b.source_record_id) << ','
          << absl::StrFormat("%.6f,%.6g", pair.weight, pair.probability)
          << '\n';
    }
    if (absl::Status status = CheckWritten(out, path); !status.ok()) {
      return status;
    }
  }
  return WriteJsonFile(dir + "/model.json", ModelJson(result));
}

absl::Status WriteJsonFile(const std::string& path, const nlohmann::json& json) {
  std::ofstream out(path);
  out << json.dump(2) << '\n';
  return CheckWritten(out, path);
}

uint64_t PeakMemoryBytes() {
  std::ifstream status("/proc/self/status");
  std::string line;
  while (std::getline(status, line)) {
    if (line.rfind("VmHWM:", 0) == 0) {
      uint64_t kilobytes = 0;  // "VmHWM:   123456 kB"
      if (!absl::SimpleAtoi(absl::StripAsciiWhitespace(absl::string_view(
                                line.data() + 6, line.size() - 6 - 2)),
                            &kilobytes)) {
        return 0;
      }
      return kilobytes * 1024;
    }
  }
  return 0;
}

}  // namespace reckon::service

#include "service/cli/audit/explain.h"

#include <algorithm>
#include <cmath>
#include <string_view>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "linkage/linker/keys.h"
#include "service/cli/audit/link_view.h"

namespace reckon::service::audit {
namespace {

// The value of `field` as the input wrote it.
std::string GivenValue(const Record& record, const FieldRef& field) {
  switch (field.kind) {
    case FieldRef::Kind::kField:
      return record.Get(field.field);
    case FieldRef::Kind::kAnyName: {
      std::vector<std::string> parts;
      for (Field f : {Field::kGivenName, Field::kSurname, Field::kFullName}) {
        if (!record.Get(f).empty()) parts.push_back(record.Get(f));
      }
      return absl::StrJoin(parts, " / ");
    }
    case FieldRef::Kind::kColumn: {
      const std::string* value = record.FindExtra(field.column);
      return value == nullptr ? "" : *value;
    }
  }
  return "";
}

std::string Quoted(const std::string& value) {
  return value.empty() ? "(empty)" : absl::StrCat("\"", value, "\"");
}

}  // namespace

ExplainReport BuildExplainReport(const Linker& linker, const LinkResult& result,
                                 const std::vector<Record>& records,
                                 uint32_t a, uint32_t b) {
  if (a > b) std::swap(a, b);
  const LinkerConfig& config = linker.config();
  const PairExplanation explanation = linker.Explain(result, a, b);
  ExplainReport report;
  report.label_a = absl::StrCat(records[a].source, ":", records[a].source_record_id);
  report.label_b = absl::StrCat(records[b].source, ":", records[b].source_record_id);
  report.threshold = explanation.threshold;
  // The linker sums the level weights of the pattern first, then adds the
  // term-frequency adjustments (linker.cc, score stage); summing the same
  // terms in the same order gives the same double.
  double level_sum = 0.0;
  double running = 0.0;
  std::vector<uint8_t> levels;
  for (const FieldExplanation& field : explanation.fields) {
    levels.push_back(static_cast<uint8_t>(field.level));
  }
  const bool same_group = result.model.SameGroup(levels);
  for (size_t c = 0; c < explanation.fields.size(); ++c) {
    const FieldExplanation& field = explanation.fields[c];
    ExplainField out;
    out.comparison = field.comparison;
    out.given_a = GivenValue(records[a], config.comparisons[c].field);
    out.given_b = GivenValue(records[b], config.comparisons[c].field);
    out.compared_a = field.value_a;
    out.compared_b = field.value_b;
    out.level = field.level;
    out.level_name = field.level_name;
    out.weight = field.weight;
    out.tf_adjustment = field.tf_adjustment;
    running += field.weight;
    out.running_total = running;
    level_sum += result.model.comparisons[c].Weight(field.level, same_group);
    report.fields.push_back(std::move(out));
  }
  double total = level_sum;
  for (const FieldExplanation& field : explanation.fields) {
    if (field.level == 0 && field.tf_adjustment != 0.0) {
      total += field.tf_adjustment;
    }
  }
  // Then the sources' prior, last as in the linker.
  report.source_pair_prior = explanation.source_pair_prior;
  report.source_pair = absl::StrCat(records[a].source, "/", records[b].source);
  if (explanation.source_pair_prior != 0.0) total += explanation.source_pair_prior;
  report.weight = total;
  report.probability = result.model.MatchProbability(total);

  // Shared blocking keys and the size of each block.
  report.max_block_size = config.max_block_size;
  absl::flat_hash_map<std::string, size_t> wanted;  // "key\tvalue" -> index
  for (const auto& [key, value] : explanation.shared_keys) {
    const std::string id = absl::StrCat(key, "\t", value);
    if (wanted.contains(id)) continue;
    wanted[id] = report.shared_blocks.size();
    report.shared_blocks.push_back({key, value, 0, false});
  }
  if (!wanted.empty()) {
    for (size_t r = 0; r < result.prepared->size; ++r) {
      absl::flat_hash_set<size_t> counted;
      for (const auto& [key, value] : RecordKeys(*result.prepared, r, config)) {
        auto it = wanted.find(absl::StrCat(key, "\t", value));
        if (it != wanted.end() && counted.insert(it->second).second) {
          ++report.shared_blocks[it->second].records;
        }
      }
    }
    for (SharedBlock& block : report.shared_blocks) {
      block.cap = config.max_block_size;
      for (size_t k = 0; k < config.blocking_keys.size(); ++k) {
        if (config.blocking_keys[k].name == block.key) {
          block.cap = config.MaxBlockSize(k);
        }
      }
      block.dropped = block.records > block.cap;
    }
  }
  const uint16_t source_a = result.prepared->source[a];
  const uint16_t source_b = result.prepared->source[b];
  switch (config.mode) {
    case LinkMode::kLinkOnly:
      report.mode_allows = source_a != source_b;
      break;
    case LinkMode::kDedupeOnly:
      report.mode_allows = source_a == source_b;
      break;
    case LinkMode::kDedupeAndLink:
      break;
  }
  const auto it = std::lower_bound(
      result.pairs.begin(), result.pairs.end(), std::make_pair(a, b),
      [](const ScoredPair& pair, const std::pair<uint32_t, uint32_t>& key) {
        return pair.a != key.first ? pair.a < key.first : pair.b < key.second;
      });
  if (it != result.pairs.end() && it->a == a && it->b == b) {
    report.rerun_weight = it->weight;
  }
  report.entity_a = result.entity[a];
  report.entity_b = result.entity[b];
  return report;
}

ExplainReport ExplainReportFromServer(const std::string& left,
                                      const std::string& right,
                                      const std::vector<ExplainField>& fields,
                                      double weight, double probability,
                                      double threshold,
                                      const std::vector<std::string>& keys,
                                      double source_pair_prior) {
  ExplainReport report;
  report.label_a = left;
  report.label_b = right;
  report.source_pair_prior = source_pair_prior;
  report.source_pair = absl::StrCat(left.substr(0, left.find(':')), "/",
                                    right.substr(0, right.find(':')));
  report.fields = fields;
  report.given_known = false;
  double running = 0.0;
  for (ExplainField& field : report.fields) {
    running += field.weight;
    field.running_total = running;
  }
  report.weight = weight;
  report.probability = probability;
  report.threshold = threshold;
  for (const std::string& key : keys) {
    const size_t equals = key.find('=');
    SharedBlock block;
    block.key = key.substr(0, equals);
    if (equals != std::string::npos) block.value = key.substr(equals + 1);
    block.records_known = false;
    report.shared_blocks.push_back(std::move(block));
  }
  return report;
}

bool AgreesWithPairsCsv(const ExplainReport& report, const DirPairInfo& dir) {
  if (!dir.server.empty()) return true;
  if (!dir.weight.has_value()) return !report.rerun_weight.has_value();
  return FormatWeight(*dir.weight) == FormatWeight(report.weight);
}

std::string Waterfall(const std::vector<ExplainField>& fields, double total,
                      double threshold, int width) {
  double lo = std::min(0.0, threshold), hi = std::max(0.0, threshold);
  for (const ExplainField& field : fields) {
    lo = std::min(lo, field.running_total);
    hi = std::max(hi, field.running_total);
  }
  lo = std::min(lo, total);
  hi = std::max(hi, total);
  if (hi - lo < 1e-9) hi = lo + 1.0;
  const auto column = [&](double x) {
    return static_cast<int>(
        std::lround((x - lo) / (hi - lo) * static_cast<double>(width - 1)));
  };
  const int zero = column(0.0);
  const int bar_threshold = column(threshold);
  const auto bar = [&](double from, double to, char fill) {
    std::string line(static_cast<size_t>(width), ' ');
    line[static_cast<size_t>(zero)] = '.';
    line[static_cast<size_t>(bar_threshold)] = '|';
    int x = column(from), y = column(to);
    if (x > y) std::swap(x, y);
    if (from != to) {
      for (int i = x; i <= y; ++i) line[static_cast<size_t>(i)] = fill;
    }
    return line;
  };
  std::string text = absl::StrFormat(
      "  %-20s %-20s %9s %9s  %s\n", "comparison", "level", "weight", "total",
      absl::StrFormat("scale %.1f .. %.1f ('.' zero, '|' threshold %.3f)", lo,
                      hi, threshold));
  double previous = 0.0;
  for (const ExplainField& field : fields) {
    const char fill = field.weight > 0 ? '+' : '-';
    absl::StrAppend(
        &text, absl::StrFormat("  %-20s %-20s %+9.3f %9.3f  %s\n",
                               field.comparison, field.level_name, field.weight,
                               field.running_total,
                               bar(previous, field.running_total, fill)));
    previous = field.running_total;
  }
  absl::StrAppend(&text, absl::StrFormat("  %-20s %-20s %9s %9.3f  %s\n",
                                         "total", "", "", total,
                                         bar(0.0, total, '=')));
  return text;
}

std::string FormatExplainText(const ExplainReport& report,
                              const DirPairInfo& dir) {
  std::string text = absl::StrCat("A ", report.label_a, "\nB ", report.label_b,
                                  "\n\n");
  for (const ExplainField& field : report.fields) {
    absl::StrAppend(&text, field.comparison, ": ", field.level_name,
                    absl::StrFormat(", weight %+.3f", field.weight));
    if (field.tf_adjustment != 0.0) {
      absl::StrAppend(&text, absl::StrFormat(
                                 " (of which %+.3f for how rare the value is)",
                                 field.tf_adjustment));
    }
    if (report.given_known) {
      absl::StrAppend(&text, "\n  A ", Quoted(field.given_a), "  compared as ",
                      Quoted(field.compared_a), "\n  B ", Quoted(field.given_b),
                      "  compared as ", Quoted(field.compared_b), "\n");
    } else {
      absl::StrAppend(&text, "\n  A compared as ", Quoted(field.compared_a),
                      "\n  B compared as ", Quoted(field.compared_b), "\n");
    }
  }
  std::vector<ExplainField> rows = report.fields;
  if (report.source_pair_prior != 0.0) {
    absl::StrAppend(
        &text, "source pair ", report.source_pair,
        absl::StrFormat(": weight %+.3f (log2 of how much likelier a random "
                        "pair of these two sources is to match than a random "
                        "pair of any two records)\n",
                        report.source_pair_prior));
    ExplainField prior;
    prior.comparison = "source_pair_prior";
    prior.level_name = report.source_pair;
    prior.weight = report.source_pair_prior;
    prior.running_total =
        (rows.empty() ? 0.0 : rows.back().running_total) + prior.weight;
    rows.push_back(std::move(prior));
  }
  absl::StrAppend(&text, "\n", Waterfall(rows, report.weight, report.threshold),
                  "\n");
  const bool link = report.weight >= report.threshold;
  absl::StrAppend(
      &text,
      absl::StrFormat("verdict: weight %s %s threshold %s: %s (match "
                      "probability %.4g)\n",
                      FormatWeight(report.weight), link ? ">=" : "<",
                      FormatWeight(report.threshold),
                      link ? "a link" : "not a link", report.probability));
  if (!dir.server.empty()) {
    absl::StrAppend(&text, "reckond ", dir.server,
                    ": scored with its current model (no pairs.csv to check "
                    "against)\n");
  } else if (dir.weight.has_value()) {
    absl::StrAppend(
        &text, "pairs.csv: weight ", FormatWeight(*dir.weight),
        AgreesWithPairsCsv(report, dir)
            ? ", the same as this explanation\n"
            : ", DIFFERENT from this explanation: the inputs or the config "
              "changed since the link run\n");
  } else if (report.rerun_weight.has_value()) {
    absl::StrAppend(&text,
                    "pairs.csv: no row, yet the re-run keeps this pair: the "
                    "inputs or the config changed since the link run\n");
  } else {
    absl::StrAppend(&text,
                    "pairs.csv: no row (it holds candidate pairs with match "
                    "probability >= 0.01 only)\n");
  }
  if (!dir.entity_a.empty()) {
    if (dir.entity_a == dir.entity_b) {
      absl::StrAppend(&text, "entities: both in ", dir.entity_a,
                      link ? "\n"
                           : " (joined through other records, not by this "
                             "pair)\n");
    } else {
      absl::StrAppend(
          &text, "entities: ", dir.entity_a, " and ", dir.entity_b,
          link ? " although the weight reaches the threshold: the clusterer "
                 "refused the merge (conflicting sex and birth date, a "
                 "duplicate-free source, the entity size cap, or a strong "
                 "conflict with another member)\n"
               : "\n");
    }
  }
  if (!report.mode_allows) {
    absl::StrAppend(&text,
                    "blocking: the link mode never compares these two "
                    "(records of one source in link-only mode, or of two "
                    "sources in dedupe-only mode)\n");
  } else if (report.shared_blocks.empty()) {
    absl::StrAppend(&text,
                    "blocking: no blocking key in common: the two never met, "
                    "so the pair was never compared\n");
  } else {
    std::vector<std::string> keys;
    bool all_dropped = true;
    for (const SharedBlock& block : report.shared_blocks) {
      if (!block.records_known) {
        keys.push_back(absl::StrCat(block.key, "=", block.value));
        all_dropped = false;
        continue;
      }
      std::string item = absl::StrFormat("%s=%s (block of %d records", block.key,
                                         block.value, block.records);
      if (block.dropped) {
        absl::StrAppend(&item, absl::StrFormat(", over the cap of %d: dropped",
                                               block.cap));
      }
      item += ")";
      all_dropped = all_dropped && block.dropped;
      keys.push_back(std::move(item));
    }
    absl::StrAppend(&text, "blocking: keys in common: ",
                    absl::StrJoin(keys, ", "), "\n");
    if (all_dropped) {
      absl::StrAppend(&text,
                      "blocking: every shared block was over the cap, so the "
                      "pair was never compared\n");
    }
  }
  return text;
}

nlohmann::json ExplainJson(const ExplainReport& report, const DirPairInfo& dir) {
  nlohmann::json fields = nlohmann::json::array();
  for (const ExplainField& field : report.fields) {
    fields.push_back({{"comparison", field.comparison},
                      {"given_a", report.given_known
                                      ? nlohmann::json(field.given_a)
                                      : nlohmann::json(nullptr)},
                      {"given_b", report.given_known
                                      ? nlohmann::json(field.given_b)
                                      : nlohmann::json(nullptr)},
                      {"compared_a", field.compared_a},
                      {"compared_b", field.compared_b},
                      {"level", field.level},
                      {"level_name", field.level_name},
                      {"weight", field.weight},
                      {"tf_adjustment", field.tf_adjustment},
                      {"running_total", field.running_total}});
  }
  nlohmann::json blocks = nlohmann::json::array();
  bool met = false;
  for (const SharedBlock& block : report.shared_blocks) {
    if (!block.records_known) {
      blocks.push_back({{"key", block.key},
                        {"value", block.value},
                        {"records", nullptr},
                        {"dropped", nullptr}});
      met = true;
      continue;
    }
    blocks.push_back({{"key", block.key},
                      {"value", block.value},
                      {"records", block.records},
                      {"dropped", block.dropped},
                      {"max_block_size", block.cap}});
    met = met || !block.dropped;
  }
  nlohmann::json pairs_csv = nullptr;
  if (dir.weight.has_value()) {
    pairs_csv = {{"weight", FormatWeight(*dir.weight)},
                 {"probability", dir.probability.value_or(0.0)}};
  }
  nlohmann::json out = {{"a", report.label_a},
          {"b", report.label_b},
          {"fields", fields},
          {"source_pair_prior",
           {{"sources", report.source_pair},
            {"weight", report.source_pair_prior}}},
          {"weight", report.weight},
          {"weight_text", FormatWeight(report.weight)},
          {"probability", report.probability},
          {"threshold", report.threshold},
          {"link", report.weight >= report.threshold},
          {"pairs_csv", pairs_csv},
          {"agrees_with_pairs_csv", AgreesWithPairsCsv(report, dir)},
          {"entity_a", dir.entity_a},
          {"entity_b", dir.entity_b},
          {"same_entity", !dir.entity_a.empty() && dir.entity_a == dir.entity_b},
          {"mode_allows", report.mode_allows},
          {"shared_keys", blocks},
          {"met", report.mode_allows && met},
          {"max_block_size", report.max_block_size}};
  if (!dir.server.empty()) {
    // Nothing to check against, and no block cap known.
    out["server"] = dir.server;
    out["agrees_with_pairs_csv"] = nullptr;
    out["max_block_size"] = nullptr;
  }
  return out;
}

}  // namespace reckon::service::audit

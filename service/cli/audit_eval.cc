// `reckon audit eval (DIR | --server HOST:PORT) --truth FILE.csv`: linkage
// quality against a hand-checked truth set (service/cli/audit/eval.h does
// the counting), on a link directory or a running reckond (audit_server.h).
#include <cmath>
#include <fstream>
#include <iostream>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "nlohmann/json.hpp"
#include "service/cli/audit/eval.h"
#include "service/cli/audit_commands.h"
#include "service/cli/audit_io.h"
#include "service/cli/audit_server.h"
#include "service/cli/client.h"
#include "service/cli/commands.h"

namespace reckon::service {
namespace {

constexpr char kName[] = "audit eval";
constexpr size_t kUnmatchedShown = 10;

CommandSpec MakeSpec() {
  CommandSpec spec = {
      .name = kName,
      .positionals = "DIR | --server HOST:PORT",
      .summary = "measure a link result against a hand-checked truth set",
      .details =
          "DIR is a `reckon link` output (entities.csv; pairs.csv and "
          "summary.json when present). FILE is a CSV with a header naming "
          "source, source_record_id and person_id: the true person of each "
          "record.\n\n"
          "Only records in both count; records in the truth but not in DIR, "
          "and the reverse, are reported, not fatal. Prints pairwise "
          "precision, recall and F1 (a pair: two records in one entity / of "
          "one person); B-cubed precision, recall and F1 (Bagga and Baldwin "
          "1998: per record, the share of its entity that is its person and "
          "of its person that is in its entity, averaged); entities against "
          "persons (exact matches, persons split, entities merging persons); "
          "the pairwise numbers per pair of sources; and the false links "
          "(different persons in one entity) and missed links (one person in "
          "two entities), highest pairs.csv weight first, pairs pairs.csv "
          "does not score last. Undefined ratios (no pairs) print as n/a "
          "(null in JSON).\n\n"
          "With --server HOST:PORT instead of DIR: the same against the "
          "running reckond's current entities and the scored pairs of its "
          "last relink (a token with the read, audit or admin role); the "
          "output says \"in reckond only\" where it says \"in DIR only\", "
          "and JSON names \"server\" instead of \"dir\".\n\n"
          "Exit codes: 0 done, 1 unreadable files, a failed call to reckond "
          "or no record in common, 2 a bad command line.",
      .flags = {{.name = "truth",
                 .value_name = "FILE.csv",
                 .help = "source,source_record_id,person_id (required)"},
                {.name = "limit",
                 .value_name = "N",
                 .help = "false and missed links to list (default 20)"},
                {.name = "json", .help = "print one JSON object"}},
      .min_positionals = 0,
      .max_positionals = 1,
  };
  for (FlagSpec& flag : ConnectionFlags()) spec.flags.push_back(std::move(flag));
  return spec;
}

const CommandSpec& Spec() {
  static const CommandSpec kSpec = MakeSpec();
  return kSpec;
}

std::string Ratio(double x) {
  return std::isnan(x) ? "n/a" : absl::StrFormat("%.4f", x);
}

nlohmann::json RatioJson(double x) {
  return std::isnan(x) ? nlohmann::json(nullptr) : nlohmann::json(x);
}

nlohmann::json ScoresJson(const audit::PairScores& s) {
  return {{"precision", RatioJson(s.precision)},
          {"recall", RatioJson(s.recall)},
          {"f1", RatioJson(s.f1)},
          {"true_positives", s.true_positives},
          {"predicted_pairs", s.predicted},
          {"true_pairs", s.actual}};
}

nlohmann::json PairsJson(const audit::LinkView& view,
                         const std::vector<audit::EvalPair>& pairs,
                         const std::vector<uint32_t>& entity) {
  nlohmann::json out = nlohmann::json::array();
  for (const audit::EvalPair& p : pairs) {
    out.push_back({{"a", view.Label(p.a)},
                   {"b", view.Label(p.b)},
                   {"weight", p.has_row ? nlohmann::json(p.weight) : nullptr},
                   {"probability",
                    p.has_row ? nlohmann::json(p.probability) : nullptr},
                   {"entity_a", view.entity_ids[entity[p.a]]},
                   {"entity_b", view.entity_ids[entity[p.b]]}});
  }
  return out;
}

std::string Shown(const std::vector<std::string>& labels) {
  std::vector<std::string> shown(
      labels.begin(),
      labels.begin() + static_cast<long>(std::min(labels.size(), kUnmatchedShown)));
  std::string text = absl::StrJoin(shown, ", ");
  if (labels.size() > kUnmatchedShown) {
    absl::StrAppend(&text, ", ... (", labels.size() - kUnmatchedShown, " more)");
  }
  return text;
}

void PrintPairs(const audit::LinkView& view,
                const std::vector<audit::EvalPair>& pairs) {
  for (const audit::EvalPair& p : pairs) {
    std::cout << absl::StrFormat(
        "  %12s %10s  %s (%s)  %s (%s)\n",
        p.has_row ? audit::FormatWeight(p.weight) : "no row",
        p.has_row ? absl::StrFormat("%.4f", p.probability) : "",
        view.Label(p.a), view.entity_ids[view.record_entity[p.a]],
        view.Label(p.b), view.entity_ids[view.record_entity[p.b]]);
  }
}

}  // namespace

int RunAuditEval(const std::vector<std::string>& args) {
  int exit_code = kExitOk;
  std::optional<ParsedArgs> parsed = ParseOrExit(Spec(), args, &exit_code);
  if (!parsed.has_value()) return exit_code;
  const std::optional<std::string> truth_path = parsed->Get("truth");
  if (!truth_path.has_value()) {
    return ReportError(kName, absl::InvalidArgumentError("--truth FILE is needed"),
                       /*usage=*/true);
  }
  audit::EvalOptions options;
  if (std::optional<std::string> limit = parsed->Get("limit")) {
    if (!absl::SimpleAtoi(*limit, &options.list_limit)) {
      return ReportError(kName, absl::InvalidArgumentError(absl::StrCat(
                                    "--limit \"", *limit,
                                    "\": expected a whole number")),
                         /*usage=*/true);
    }
  }
  absl::StatusOr<AuditTarget> target = ResolveAuditTarget(*parsed, 0);
  if (!target.ok()) return ReportError(kName, target.status(), true);
  const std::string& dir = target->where();
  audit::LinkView view;
  if (target->is_server()) {
    absl::StatusOr<Connection> connection = Connect(*parsed);
    if (!connection.ok()) return ReportError(kName, connection.status(), true);
    absl::StatusOr<ServerLinkage> fetched =
        FetchLinkage(*connection, target->server, /*want_values=*/false);
    if (!fetched.ok()) return ReportError(kName, fetched.status());
    view = ServerView(*fetched);
  } else {
    absl::StatusOr<AuditDir> audit_dir = ReadAuditDir(dir);
    if (!audit_dir.ok()) return ReportError(kName, audit_dir.status());
    view = std::move(audit_dir->view);
  }
  std::ifstream truth_file(*truth_path, std::ios::binary);
  if (!truth_file) {
    return ReportError(kName, absl::NotFoundError(
                                  absl::StrCat(*truth_path, ": cannot open")));
  }
  absl::StatusOr<std::vector<audit::TruthRow>> truth =
      audit::ReadTruthCsv(truth_file, *truth_path);
  if (!truth.ok()) return ReportError(kName, truth.status());
  absl::StatusOr<audit::EvalResult> result =
      audit::Evaluate(view, *truth, options);
  if (!result.ok()) return ReportError(kName, result.status());
  const audit::EvalResult& r = *result;

  if (parsed->Has("json")) {
    nlohmann::json by_pair = nlohmann::json::array();
    for (const audit::SourcePairScores& s : r.by_source_pair) {
      nlohmann::json row = ScoresJson(s.scores);
      row["source_a"] = s.source_a;
      row["source_b"] = s.source_b;
      by_pair.push_back(std::move(row));
    }
    const nlohmann::json out = {
        {target->is_server() ? "server" : "dir", dir},
        {"truth", *truth_path},
        {"records_evaluated", r.records_evaluated},
        {"truth_only", r.truth_only},
        {"result_only", r.result_only},
        {"pairwise", ScoresJson(r.pairwise)},
        {"bcubed",
         {{"precision", r.bcubed_precision},
          {"recall", r.bcubed_recall},
          {"f1", r.bcubed_f1}}},
        {"clusters",
         {{"entities", r.entities},
          {"persons", r.persons},
          {"exact_matches", r.exact_matches},
          {"persons_split", r.persons_split},
          {"entities_merged", r.entities_merged}}},
        {"by_source_pair", by_pair},
        {"false_links",
         {{"count", r.pairwise.predicted - r.pairwise.true_positives},
          {"linked_directly", r.false_links_direct},
          {"worst", PairsJson(view, r.false_links, view.record_entity)}}},
        {"missed_links",
         {{"count", r.pairwise.actual - r.pairwise.true_positives},
          {"scored_above_threshold", r.missed_above_threshold},
          {"scored_below_threshold", r.missed_below_threshold},
          {"not_scored", r.missed_unscored},
          {"worst", PairsJson(view, r.missed_links, view.record_entity)}}}};
    std::cout << out.dump(2) << "\n";
    return kExitOk;
  }

  std::cout << "reckon audit eval " << dir << " against " << *truth_path
            << "\n\n";
  const char* result_name = target->is_server() ? "reckond" : "DIR";
  std::cout << absl::StrFormat(
      "records: %d evaluated, %d in the truth only, %d in %s only\n",
      r.records_evaluated, r.truth_only.size(), r.result_only.size(),
      result_name);
  if (!r.truth_only.empty()) {
    std::cout << "  in the truth only: " << Shown(r.truth_only) << "\n";
  }
  if (!r.result_only.empty()) {
    std::cout << "  in " << result_name << " only: " << Shown(r.result_only)
              << "\n";
  }
  std::cout << absl::StrFormat(
      "\npairwise  precision %s  recall %s  F1 %s   (%d right of %d linked "
      "pairs; %d true pairs)\n",
      Ratio(r.pairwise.precision), Ratio(r.pairwise.recall),
      Ratio(r.pairwise.f1), r.pairwise.true_positives, r.pairwise.predicted,
      r.pairwise.actual);
  std::cout << absl::StrFormat("B-cubed   precision %s  recall %s  F1 %s\n",
                               Ratio(r.bcubed_precision),
                               Ratio(r.bcubed_recall), Ratio(r.bcubed_f1));
  std::cout << absl::StrFormat(
      "clusters  %d entities for %d true persons: %d exact, %d persons split "
      "over entities, %d entities merging persons\n",
      r.entities, r.persons, r.exact_matches, r.persons_split,
      r.entities_merged);
  std::cout << "\nby pair of sources:\n"
            << absl::StrFormat("  %-14s %-14s %9s %9s %9s %10s %10s %10s\n",
                               "source", "source", "precision", "recall", "F1",
                               "right", "linked", "true");
  for (const audit::SourcePairScores& s : r.by_source_pair) {
    std::cout << absl::StrFormat(
        "  %-14s %-14s %9s %9s %9s %10d %10d %10d\n", s.source_a, s.source_b,
        Ratio(s.scores.precision), Ratio(s.scores.recall), Ratio(s.scores.f1),
        s.scores.true_positives, s.scores.predicted, s.scores.actual);
  }
  const uint64_t false_links = r.pairwise.predicted - r.pairwise.true_positives;
  std::cout << absl::StrFormat(
      "\nfalse links: %d (%d linked directly at or above the threshold, %d "
      "joined through other records)\n",
      false_links, r.false_links_direct, false_links - r.false_links_direct);
  if (!r.false_links.empty()) {
    std::cout << "  highest weight first (weight, probability, A (entity), B "
                 "(entity)):\n";
    PrintPairs(view, r.false_links);
  }
  std::cout << absl::StrFormat(
      "\nmissed links: %d (%d scored at or above the threshold but kept "
      "apart, %d scored below it, %d not scored: never compared or "
      "probability below 0.01)\n",
      r.pairwise.actual - r.pairwise.true_positives, r.missed_above_threshold,
      r.missed_below_threshold, r.missed_unscored);
  if (!r.missed_links.empty()) {
    std::cout << "  highest weight first (weight, probability, A (entity), B "
                 "(entity)):\n";
    PrintPairs(view, r.missed_links);
  }
  return kExitOk;
}

}  // namespace reckon::service

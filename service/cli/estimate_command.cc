// `reckon estimate DIR [--by FIELD] [--json]` and
// `reckon estimate --histories FILE.csv [--json]`: multiple systems
// estimation of the true number of people (linkage/estimate/). This file
// only reads files, calls the library and prints.
#include <cmath>
#include <fstream>
#include <iostream>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "linkage/estimate/capture_histories.h"
#include "linkage/estimate/estimator.h"
#include "linkage/estimate/linked_records.h"
#include "linkage/estimate/report.h"
#include "service/cli/commands.h"
#include "service/cli/estimate_json.h"
#include "service/cli/link_dir.h"

namespace reckon::service {
namespace {

constexpr char kName[] = "estimate";

const CommandSpec& Spec() {
  static const CommandSpec kSpec = {
      .name = kName,
      .positionals = "[DIR]",
      .summary = "estimate the true number of people from linked sources",
      .details =
          "With DIR (the output of `reckon link`), reads DIR/entities.csv, "
          "DIR/summary.json (source order, link threshold), "
          "DIR/entity_info.csv (needed for --by) and DIR/pairs.csv (if "
          "present: linkage uncertainty and a link-threshold sensitivity "
          "table). With --histories, reads a CSV of capture-history counts "
          "(header h,count; rows such as 101,37, one digit per source); its "
          "sources are named S1..SK and there are no strata.\n\n"
          "Models: two sources, Lincoln-Petersen and Chapman (Chapman "
          "reported); three to six, every log-linear model with two-way "
          "terms, each also with a heterogeneity term for unequal "
          "catchability (Poisson2, Darroch, Gamma3.5 as in Rcapture; "
          "stepwise search for five or six), with AIC, BIC and profile "
          "likelihood intervals, and the latent-class model of "
          "Manrique-Vallier (2016). Reported: the average of the log-linear "
          "models weighted by AIC, with an interval that carries the spread "
          "between models; when the best-supported models (AIC within 2 of "
          "the best) disagree, or the latent-class estimate falls outside "
          "it, the reported interval spans their intervals too. With "
          "pairs.csv the "
          "interval also carries linkage error: 20 clusterings are redrawn "
          "jointly from the pairs' match probabilities (a partition "
          "posterior sampled by Gibbs moves from the given clustering, as in "
          "Sadinle 2014 and 2018), each re-estimated, and the spread is "
          "added to the interval (Rubin's rules). Warnings say when the data "
          "cannot pin the number down.\n\n"
          "Output: a table per stratum (each register's distinct count, the "
          "distinct count after linkage, the estimate, its 95% interval, the "
          "model), then the answer in words (the table's total row); sums "
          "of strata and the total over redraws follow as checks. With "
          "--json one object {\"total\": E, \"strata\": {...}}. Results are "
          "the same on every run (fixed seeds).",
      .flags = {{.name = "by",
                 .value_name = "FIELD",
                 .help = "stratify by a column of entity_info.csv "
                         "(nationality, sex, region, sector, ...)"},
                {.name = "histories",
                 .value_name = "FILE.csv",
                 .help = "estimate from capture-history counts instead of DIR"},
                {.name = "json", .help = "print one JSON object"}},
      .min_positionals = 0,
      .max_positionals = 1,
  };
  return kSpec;
}

// ---- formatting ----

std::string Whole(double value) {
  if (!std::isfinite(value)) return "unbounded";
  return absl::StrFormat("%.0f", value);
}

std::string Interval(double low, double high) {
  return absl::StrCat("[", Whole(low), ", ", Whole(high), "]");
}

std::string CountsObject(const std::vector<std::string>& sources,
                         const std::vector<int64_t>& counts) {
  std::vector<std::string> parts;
  for (size_t i = 0; i < sources.size() && i < counts.size(); ++i) {
    parts.push_back(absl::StrCat(JsonQuote(sources[i]), ": ", counts[i]));
  }
  return absl::StrCat("{", absl::StrJoin(parts, ", "), "}");
}

std::string Ci(double low, double high) {
  return absl::StrCat("[", JsonNumber(low, 1), ", ", JsonNumber(high, 1), "]");
}

std::string StringArray(const std::vector<std::string>& values) {
  std::vector<std::string> parts;
  for (const std::string& v : values) parts.push_back(JsonQuote(v));
  return absl::StrCat("[", absl::StrJoin(parts, ", "), "]");
}

std::string ModelJson(const ModelResult& m) {
  std::string out = absl::StrCat(
      "{\"model\": ", JsonQuote(m.model), ", \"family\": ", JsonQuote(m.family),
      ", \"n_hat\": ", JsonNumber(m.n_hat, 1), ", \"ci95\": ",
      m.has_interval ? Ci(m.ci_low, m.ci_high) : std::string("null"),
      ", \"aic\": ", m.aic ? JsonNumber(*m.aic, 3) : std::string("null"),
      ", \"bic\": ", m.bic ? JsonNumber(*m.bic, 3) : std::string("null"));
  if (m.weight) absl::StrAppend(&out, ", \"weight\": ", JsonNumber(*m.weight, 6));
  out += "}";
  return out;
}

// One estimate object E. `ci_low/ci_high` is the reported interval.
std::string EstimateJson(const Estimate& e, double ci_low, double ci_high,
                         const std::vector<int64_t>* records,
                         const std::optional<RubinSummary>& linkage,
                         const std::string& extra) {
  std::vector<std::string> models;
  for (const ModelResult& m : e.models) models.push_back(ModelJson(m));
  std::string out = absl::StrCat(
      "{\"observed\": ", e.observed,
      ", \"per_source\": ", CountsObject(e.sources, e.per_source));
  if (records != nullptr) {
    absl::StrAppend(&out, ", \"records_per_source\": ",
                    CountsObject(e.sources, *records));
  }
  absl::StrAppend(&out, ", \"n_hat\": ",
                  e.estimated ? JsonNumber(e.n_hat, 1) : std::string("null"),
                  ", \"ci95\": ", Ci(ci_low, ci_high),
                  ", \"model\": ", JsonQuote(e.model),
                  ", \"models\": [", absl::StrJoin(models, ", "), "]",
                  ", \"flags\": ", StringArray(e.flags));
  if (!e.warnings.empty()) {
    absl::StrAppend(&out, ", \"warning\": ", JsonQuote(absl::StrJoin(e.warnings, "; ")));
  }
  if (!e.failures.empty()) {
    absl::StrAppend(&out, ", \"failures\": ", StringArray(e.failures));
  }
  if (linkage.has_value()) {
    absl::StrAppend(
        &out, ", \"ci95_given_links\": ", Ci(e.ci_low, e.ci_high),
        ", \"linkage\": {\"method\": \"clusterings redrawn jointly from pair "
        "match probabilities (partition posterior, Gibbs), Rubin's rules on "
        "log N\", \"redraws\": ",
        linkage->redraws, ", \"failed\": ", linkage->failed,
        ", \"n_hat\": ", JsonNumber(linkage->n_hat, 1),
        ", \"ci95\": ", Ci(linkage->ci_low, linkage->ci_high),
        ", \"within_var_log\": ", JsonNumber(linkage->within, 6),
        ", \"between_var_log\": ", JsonNumber(linkage->between, 6), "}");
  }
  out += extra;
  out += "}";
  return out;
}

void PrintTableHeader(const std::vector<std::string>& sources) {
  std::string line = absl::StrFormat("%-12s", "stratum");
  for (const std::string& s : sources) {
    absl::StrAppend(&line, absl::StrFormat(" %12s", s.substr(0, 12)));
  }
  absl::StrAppend(&line, absl::StrFormat(" %10s %10s  %-26s %s", "linked",
                                         "estimate", "95% interval", "model"));
  std::cout << line << "\n";
}

void PrintTableRow(const std::string& label, const Estimate& e, double low,
                   double high) {
  std::string line = absl::StrFormat("%-12s", label.substr(0, 12));
  for (int64_t c : e.per_source) absl::StrAppend(&line, absl::StrFormat(" %12d", c));
  absl::StrAppend(&line,
                  absl::StrFormat(" %10d %10s  %-26s %s", e.observed,
                                  e.estimated ? Whole(e.n_hat) : "none",
                                  Interval(low, high), e.model));
  std::cout << line << "\n";
}

void PrintWarnings(const std::string& label, const Estimate& e) {
  for (const std::string& w : e.warnings) {
    std::cout << "  " << label << ": " << w << "\n";
  }
}

int RunHistories(const std::string& path, bool json) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return ReportError(kName, absl::NotFoundError(absl::StrCat(path, ": cannot open")));
  absl::StatusOr<CaptureHistories> histories = ReadHistoriesCsv(in, path);
  if (!histories.ok()) return ReportError(kName, histories.status());
  absl::StatusOr<Estimate> estimate = EstimatePopulation(*histories, EstimateOptions{});
  if (!estimate.ok()) return ReportError(kName, estimate.status());
  if (json) {
    std::cout << "{\"total\": "
              << EstimateJson(*estimate, estimate->ci_low, estimate->ci_high,
                              nullptr, std::nullopt, "")
              << ", \"strata\": {}}\n";
    return kExitOk;
  }
  std::cout << "capture histories from " << path << ": "
            << histories->num_sources() << " sources, " << estimate->observed
            << " observed\n\n";
  PrintTableHeader(estimate->sources);
  PrintTableRow("total", *estimate, estimate->ci_low, estimate->ci_high);
  std::cout << "\nthe answer: "
            << (estimate->estimated ? Whole(estimate->n_hat)
                                    : std::string("none"))
            << " in all (seen or not), 95% interval "
            << Interval(estimate->ci_low, estimate->ci_high)
            << " (the total row); every model below is a candidate, not the "
               "answer\n";
  std::cout << "\nmodels:\n";
  for (const ModelResult& m : estimate->models) {
    std::cout << absl::StrFormat(
        "  %-40s %10s  %-26s aic %s  bic %s\n", m.model, Whole(m.n_hat),
        m.has_interval ? Interval(m.ci_low, m.ci_high) : "",
        m.aic ? absl::StrFormat("%.2f", *m.aic) : "-",
        m.bic ? absl::StrFormat("%.2f", *m.bic) : "-");
  }
  for (const std::string& f : estimate->failures) std::cout << "  not fitted: " << f << "\n";
  if (!estimate->warnings.empty()) std::cout << "\nwarnings:\n";
  PrintWarnings("total", *estimate);
  return kExitOk;
}

int RunDir(const std::string& dir, const std::optional<std::string>& by,
           bool json) {
  absl::StatusOr<LinkSummary> summary = ReadLinkSummary(dir);
  if (!summary.ok()) return ReportError(kName, summary.status());
  absl::StatusOr<LinkDirRecords> read = ReadLinkDirRecords(dir, summary->sources);
  if (!read.ok()) return ReportError(kName, read.status());
  if (!read->has_entity_info && by.has_value()) {
    return ReportError(kName, absl::NotFoundError(absl::StrCat(
                                  dir, "/entity_info.csv: cannot open (needed for --by)")));
  }
  const LinkedRecords& link = read->link;
  const LinkReportOptions options =
      EstimateOptionsForDir(link, summary->threshold, by);
  absl::StatusOr<LinkReport> report = EstimateFromLinkedRecords(link, options);
  if (!report.ok()) {
    return ReportError(kName, report.status(),
                       report.status().message().find("--by") == 0);
  }
  if (json) {
    std::string extra;
    if (report->stratified.has_value()) {
      const StratifiedTotal& st = *report->stratified;
      absl::StrAppend(&extra, ", \"stratified\": {\"by\": ", JsonQuote(*by),
                      ", \"n_hat\": ", JsonNumber(st.n_hat, 1),
                      ", \"ci95\": ", Ci(st.ci_low, st.ci_high),
                      ", \"strata\": ", st.strata,
                      ", \"method\": ", JsonQuote(st.method),
                      ", \"unestimated\": ", StringArray(st.unestimated), "}");
    }
    if (!report->sensitivity.empty()) {
      std::vector<std::string> rows;
      for (const SensitivityRow& row : report->sensitivity) {
        rows.push_back(absl::StrCat(
            "{\"threshold\": ", JsonNumber(row.threshold, 3),
            ", \"links\": ", row.links, ", \"observed\": ", row.observed,
            ", \"n_hat\": ",
            row.estimate.estimated ? JsonNumber(row.estimate.n_hat, 1)
                                   : std::string("null"),
            ", \"ci95\": ", Ci(row.estimate.ci_low, row.estimate.ci_high),
            ", \"model\": ", JsonQuote(row.estimate.model), "}"));
      }
      absl::StrAppend(&extra, ", \"sensitivity\": [", absl::StrJoin(rows, ", "), "]");
    }
    if (!report->notes.empty()) {
      absl::StrAppend(&extra, ", \"notes\": ", StringArray(report->notes));
    }
    std::cout << "{\"total\": "
              << EstimateJson(report->total.estimate, report->total.ci_low,
                              report->total.ci_high,
                              &report->total.records_per_source,
                              report->total.linkage, extra)
              << ", \"strata\": {";
    bool first = true;
    for (const StratumReport& s : report->strata) {
      std::cout << (first ? "" : ", ") << JsonQuote(s.label) << ": "
                << EstimateJson(s.estimate, s.ci_low, s.ci_high,
                                &s.records_per_source, s.linkage, "");
      first = false;
    }
    std::cout << "}}\n";
    return kExitOk;
  }
  std::cout << "reckon estimate " << dir << ": " << report->sources.size()
            << " registers, " << report->records << " records, "
            << report->total.estimate.observed << " distinct after linkage\n";
  std::cout << "records per register:";
  for (size_t i = 0; i < report->sources.size(); ++i) {
    std::cout << " " << report->sources[i] << " "
              << report->total.records_per_source[i];
  }
  std::cout << "\n\ndistinct people per register, after linkage, and the "
               "estimate of all people (seen or not):\n";
  PrintTableHeader(report->sources);
  PrintTableRow("total", report->total.estimate, report->total.ci_low,
                report->total.ci_high);
  for (const StratumReport& s : report->strata) {
    PrintTableRow(s.label, s.estimate, s.ci_low, s.ci_high);
  }
  // The answer first, in words: the table's "total" row. Every other total
  // below is a check on it, and says how it was computed.
  const Estimate& total = report->total.estimate;
  std::cout << "\nthe answer: "
            << (total.estimated ? Whole(total.n_hat) : std::string("none"))
            << " people in all (seen or not), 95% interval "
            << Interval(report->total.ci_low, report->total.ci_high) << "\n"
            << "  = the table's total row: " << total.model
            << (report->total.linkage.has_value()
                    ? "; estimated on the given links, interval widened by "
                      "the linkage term"
                    : "")
            << "\n";
  if (report->stratified.has_value() || report->total.linkage.has_value()) {
    std::cout << "checks, not the answer:\n";
  }
  if (report->stratified.has_value()) {
    const StratifiedTotal& st = *report->stratified;
    std::cout << absl::StrFormat(
        "  strata by %s, summed: %s %s (%s; no linkage term)\n", *by,
        Whole(st.n_hat), Interval(st.ci_low, st.ci_high), st.method);
  }
  if (report->total.linkage.has_value()) {
    const RubinSummary& l = *report->total.linkage;
    std::cout << "  over " << l.redraws
              << " joint redraws of the clustering from the pairs' match "
                 "probabilities: "
              << Whole(l.n_hat) << " " << Interval(l.ci_low, l.ci_high)
              << " (Rubin's rules on log N over the redraws' estimates); the "
                 "answer instead keeps the estimate on the given links, "
              << Interval(total.ci_low, total.ci_high)
              << ", and widens its interval by the redraws' spread around "
                 "it\n";
  }
  for (const std::string& note : report->notes) std::cout << "\nnote: " << note << "\n";
  if (!report->sensitivity.empty()) {
    std::cout << "\nsensitivity to the link threshold (links = pairs with "
                 "weight >= threshold):\n";
    std::cout << absl::StrFormat("  %10s %10s %10s %10s  %s\n", "threshold",
                                 "links", "linked", "estimate", "95% interval");
    for (const SensitivityRow& row : report->sensitivity) {
      std::cout << absl::StrFormat(
          "  %10.2f %10d %10d %10s  %s\n", row.threshold, row.links,
          row.observed,
          row.estimate.estimated ? Whole(row.estimate.n_hat) : "none",
          Interval(row.estimate.ci_low, row.estimate.ci_high));
    }
  }
  bool any = !report->total.estimate.warnings.empty();
  for (const StratumReport& s : report->strata) any |= !s.estimate.warnings.empty();
  if (any) {
    std::cout << "\nwarnings:\n";
    PrintWarnings("total", report->total.estimate);
    for (const StratumReport& s : report->strata) PrintWarnings(s.label, s.estimate);
  }
  return kExitOk;
}

}  // namespace

int RunEstimate(const std::vector<std::string>& args) {
  int exit_code = kExitOk;
  std::optional<ParsedArgs> parsed = ParseOrExit(Spec(), args, &exit_code);
  if (!parsed.has_value()) return exit_code;
  const bool json = parsed->Has("json");
  const std::optional<std::string> histories = parsed->Get("histories");
  const std::optional<std::string> by = parsed->Get("by");
  if (histories.has_value()) {
    if (!parsed->positionals().empty()) {
      return ReportError(kName, absl::InvalidArgumentError(
                                    "give either DIR or --histories, not both"),
                         /*usage=*/true);
    }
    if (by.has_value()) {
      return ReportError(kName, absl::InvalidArgumentError(
                                    "--by needs DIR (histories have no strata)"),
                         /*usage=*/true);
    }
    return RunHistories(*histories, json);
  }
  if (parsed->positionals().empty()) {
    return ReportError(kName, absl::InvalidArgumentError(
                                  "give DIR (a `reckon link` output) or "
                                  "--histories FILE.csv"),
                       /*usage=*/true);
  }
  return RunDir(parsed->positionals()[0], by, json);
}

}  // namespace reckon::service

// `reckon audit report DIR --html FILE`: one self-contained HTML page
// (service/cli/audit/html.h) from a link output directory.
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "linkage/estimate/report.h"
#include "service/cli/audit/html.h"
#include "service/cli/audit/suspicious.h"
#include "service/cli/audit_commands.h"
#include "service/cli/audit_io.h"
#include "service/cli/commands.h"
#include "service/cli/link_dir.h"

namespace reckon::service {
namespace {

constexpr char kName[] = "audit report";

const CommandSpec& Spec() {
  static const CommandSpec kSpec = {
      .name = kName,
      .positionals = "DIR",
      .summary = "write one self-contained HTML page about a link result",
      .details =
          "Writes FILE: one HTML page with inline SVG charts and no scripts "
          "or outside references (it opens offline), with the run in "
          "numbers; the match-weight histogram of DIR/pairs.csv and the link "
          "threshold; m and u per comparison level (DIR/model.json); entity "
          "sizes; the estimate by nationality (as `reckon estimate DIR --by "
          "nationality`: needs at least two sources and "
          "DIR/entity_info.csv) with each stratum's interval beside each "
          "register's own count; and the suspicious entities as `reckon "
          "audit suspicious` ranks them, each with an anchor, linked from "
          "the contents. Sections whose files are missing say so.\n\n"
          "The estimate redraws links from their match probabilities and "
          "can take a while on large results; --no-estimate leaves it "
          "out.\n\n"
          "Exit codes: 0 written, 1 unreadable DIR or FILE not writable, 2 a "
          "bad command line.",
      .flags = {{.name = "html",
                 .value_name = "FILE",
                 .help = "where to write the page (required)"},
                {.name = "limit",
                 .value_name = "N",
                 .help = "suspicious entities to show (default 50)"},
                {.name = "no-estimate", .help = "leave the estimate out"}},
      .min_positionals = 1,
      .max_positionals = 1,
  };
  return kSpec;
}

}  // namespace

int RunAuditReport(const std::vector<std::string>& args) {
  int exit_code = kExitOk;
  std::optional<ParsedArgs> parsed = ParseOrExit(Spec(), args, &exit_code);
  if (!parsed.has_value()) return exit_code;
  const std::optional<std::string> html_path = parsed->Get("html");
  if (!html_path.has_value()) {
    return ReportError(kName, absl::InvalidArgumentError("--html FILE is needed"),
                       /*usage=*/true);
  }
  audit::ReportPage page;
  if (std::optional<std::string> v = parsed->Get("limit");
      v.has_value() && !absl::SimpleAtoi(*v, &page.suspicious_shown)) {
    return ReportError(kName, absl::InvalidArgumentError(absl::StrCat(
                                  "--limit \"", *v, "\": expected a whole number")),
                       true);
  }
  const std::string& dir = parsed->positionals()[0];
  absl::StatusOr<AuditDir> audit_dir = ReadAuditDir(dir);
  if (!audit_dir.ok()) return ReportError(kName, audit_dir.status());
  absl::StatusOr<DirInputs> inputs = ReadDirInputs(*audit_dir);
  if (inputs.ok()) audit::AttachFacts(inputs->records, &audit_dir->view);
  const audit::LinkView& view = audit_dir->view;
  const LinkSummary& summary = audit_dir->summary;

  std::optional<audit::ModelSummary> model;
  {
    const std::string path = dir + "/model.json";
    std::ifstream in(path, std::ios::binary);
    if (in) {
      std::ostringstream text;
      text << in.rdbuf();
      absl::StatusOr<audit::ModelSummary> parsed_model =
          audit::ParseModelJson(text.str(), path);
      if (!parsed_model.ok()) return ReportError(kName, parsed_model.status());
      model = *std::move(parsed_model);
    }
  }
  std::optional<LinkReport> estimate;
  if (parsed->Has("no-estimate")) {
    page.estimate_note = "Left out (--no-estimate).";
  } else if (view.sources.size() < 2) {
    page.estimate_note =
        "No estimate: it needs at least two sources (registers).";
  } else {
    // What `reckon estimate DIR --by nationality` reads and runs.
    absl::StatusOr<LinkDirRecords> read = ReadLinkDirRecords(dir, summary.sources);
    if (!read.ok()) return ReportError(kName, read.status());
    std::optional<std::string> by;
    if (read->link.AttributeIndex("nationality").has_value()) by = "nationality";
    absl::StatusOr<LinkReport> report = EstimateFromLinkedRecords(
        read->link, EstimateOptionsForDir(read->link, summary.threshold, by));
    if (report.ok()) {
      estimate = *std::move(report);
      if (!by.has_value()) {
        page.estimate_note = "entity_info.csv has no nationality: total only.";
      }
    } else {
      page.estimate_note =
          absl::StrCat("No estimate: ", report.status().message());
    }
  }

  page.title = dir;
  page.view = &view;
  page.model = model.has_value() ? &*model : nullptr;
  page.estimate = estimate.has_value() ? &*estimate : nullptr;
  if (page.estimate == nullptr && page.estimate_note.empty()) {
    page.estimate_note = "No estimate.";
  }
  page.suspicious = audit::FindSuspicious(view, audit::SuspiciousOptions{});
  page.facts.push_back({"directory", dir});
  page.facts.push_back({"sources", absl::StrJoin(view.sources, ", ")});
  page.facts.push_back({"records", absl::StrCat(view.num_records())});
  page.facts.push_back({"entities", absl::StrCat(view.num_entities())});
  if (summary.links.has_value()) {
    page.facts.push_back({"links (pairs at or above the threshold)",
                          absl::StrCat(*summary.links)});
  }
  page.facts.push_back({"scored pairs in pairs.csv",
                        view.has_pairs ? absl::StrCat(view.pairs.size())
                                       : "no pairs.csv"});
  page.facts.push_back(
      {"link threshold (log2 weight)",
       view.has_threshold() ? absl::StrFormat("%.4f", view.threshold)
                            : "unknown"});
  if (!inputs.ok()) {
    page.facts.push_back({"input files",
                          absl::StrCat("not read (", inputs.status().message(),
                                       "): attribute checks skipped")});
  }
  const std::string html = audit::RenderReportHtml(page);
  std::ofstream out(*html_path, std::ios::binary);
  out << html;
  out.close();
  if (!out) {
    return ReportError(kName, absl::UnavailableError(absl::StrCat(
                                  *html_path, ": cannot write")));
  }
  std::cout << absl::StrFormat(
      "wrote %s (%d bytes): %d entities, %d suspicious\n", *html_path,
      html.size(), view.num_entities(), page.suspicious.size());
  return kExitOk;
}

}  // namespace reckon::service

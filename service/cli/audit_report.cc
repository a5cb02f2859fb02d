// `reckon audit report (DIR | --server HOST:PORT) --html FILE`: one
// self-contained HTML page (service/cli/audit/html.h) from a link output
// directory or a running reckond's current linkage.
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/time/time.h"
#include "linkage/estimate/report.h"
#include "service/cli/audit/html.h"
#include "service/cli/audit/suspicious.h"
#include "service/cli/audit_commands.h"
#include "service/cli/audit_io.h"
#include "service/cli/audit_server.h"
#include "service/cli/client.h"
#include "service/cli/commands.h"
#include "service/cli/link_dir.h"

namespace reckon::service {
namespace {

constexpr char kName[] = "audit report";

CommandSpec MakeSpec() {
  CommandSpec spec = {
      .name = kName,
      .positionals = "DIR | --server HOST:PORT",
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
          "With --server HOST:PORT instead of DIR: the same page about the "
          "running reckond's current entities, the scored pairs and model "
          "of its last relink, and its stored records (the attribute checks "
          "of the suspicious list need a token with the audit or admin "
          "role; with the read role they are skipped and the page says "
          "so).\n\n"
          "Exit codes: 0 written, 1 unreadable DIR, a failed call to reckond "
          "or FILE not writable, 2 a bad command line.",
      .flags = {{.name = "html",
                 .value_name = "FILE",
                 .help = "where to write the page (required)"},
                {.name = "limit",
                 .value_name = "N",
                 .help = "suspicious entities to show (default 50)"},
                {.name = "no-estimate", .help = "leave the estimate out"}},
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

// Renders `page` into `html_path` and says so.
int WritePage(const std::string& html_path, const audit::ReportPage& page) {
  const std::string html = audit::RenderReportHtml(page);
  std::ofstream out(html_path, std::ios::binary);
  out << html;
  out.close();
  if (!out) {
    return ReportError(kName, absl::UnavailableError(absl::StrCat(
                                  html_path, ": cannot write")));
  }
  std::cout << absl::StrFormat(
      "wrote %s (%d bytes): %d entities, %d suspicious\n", html_path,
      html.size(), page.view->num_entities(), page.suspicious.size());
  return kExitOk;
}

// The estimate section as `reckon estimate --by nationality` computes it
// from `link` (`threshold` centres the sensitivity table); fills
// `page->estimate_note` when there is none or it is the total only.
std::optional<LinkReport> EstimateSection(const LinkedRecords& link,
                                          std::optional<double> threshold,
                                          audit::ReportPage* page) {
  std::optional<std::string> by;
  if (link.AttributeIndex("nationality").has_value()) by = "nationality";
  absl::StatusOr<LinkReport> report = EstimateFromLinkedRecords(
      link, EstimateOptionsForDir(link, threshold, by));
  if (!report.ok()) {
    page->estimate_note =
        absl::StrCat("No estimate: ", report.status().message());
    return std::nullopt;
  }
  if (!by.has_value()) {
    page->estimate_note = "entity_info.csv has no nationality: total only.";
  }
  return *std::move(report);
}

// The page about the reckond at `target.server`.
int RunServerReport(const ParsedArgs& parsed, const AuditTarget& target,
                    const std::string& html_path, audit::ReportPage page) {
  absl::StatusOr<Connection> connection = Connect(parsed);
  if (!connection.ok()) return ReportError(kName, connection.status(), true);
  absl::StatusOr<ServerLinkage> fetched =
      FetchLinkage(*connection, target.server, /*want_values=*/true);
  if (!fetched.ok()) return ReportError(kName, fetched.status());
  const audit::LinkView view = ServerView(*fetched);
  std::optional<LinkReport> estimate;
  if (parsed.Has("no-estimate")) {
    page.estimate_note = "Left out (--no-estimate).";
  } else if (view.sources.size() < 2) {
    page.estimate_note =
        "No estimate: it needs at least two sources (registers).";
  } else {
    estimate = EstimateSection(fetched->link, fetched->threshold, &page);
  }
  page.title = absl::StrCat("reckond ", target.server);
  page.view = &view;
  page.model = &fetched->model;
  page.estimate = estimate.has_value() ? &*estimate : nullptr;
  if (page.estimate == nullptr && page.estimate_note.empty()) {
    page.estimate_note = "No estimate.";
  }
  page.suspicious = audit::FindSuspicious(view, audit::SuspiciousOptions{});
  page.facts.push_back({"server", target.server});
  if (fetched->last_relink_unix > 0) {
    page.facts.push_back(
        {"last relink", absl::FormatTime(
                            "%Y-%m-%d %H:%M:%S UTC",
                            absl::FromUnixSeconds(fetched->last_relink_unix),
                            absl::UTCTimeZone())});
  }
  page.facts.push_back({"sources", absl::StrJoin(view.sources, ", ")});
  page.facts.push_back({"records", absl::StrCat(view.num_records())});
  page.facts.push_back({"entities", absl::StrCat(view.num_entities())});
  page.facts.push_back({"links in the last relink (pairs at or above the "
                        "threshold)",
                        absl::StrCat(fetched->links)});
  page.facts.push_back({"scored pairs of the last relink",
                        absl::StrCat(view.pairs.size())});
  page.facts.push_back({"link threshold (log2 weight)",
                        absl::StrFormat("%.4f", view.threshold)});
  if (fetched->values.empty()) {
    page.facts.push_back(
        {"stored records",
         absl::StrCat("not read (", fetched->values_note,
                      "): attribute checks skipped")});
  }
  return WritePage(html_path, page);
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
  absl::StatusOr<AuditTarget> target = ResolveAuditTarget(*parsed, 0);
  if (!target.ok()) return ReportError(kName, target.status(), true);
  if (target->is_server()) {
    return RunServerReport(*parsed, *target, *html_path, std::move(page));
  }
  const std::string& dir = target->dir;
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
    estimate = EstimateSection(read->link, summary.threshold, &page);
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
  return WritePage(*html_path, page);
}

}  // namespace reckon::service

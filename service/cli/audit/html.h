// The one-page audit report (`reckon audit report DIR --html FILE`): a
// self-contained HTML document, its charts inline SVG, its style inline,
// with no scripts and no reference to anything outside the page. Sections:
// the run in numbers, the match-weight histogram of pairs.csv with the
// threshold, m and u per comparison level, entity sizes, the estimate by
// nationality with its interval beside each register's own count, and the
// suspicious entities (each with an anchor, linked from the contents).
#ifndef RECKON_SERVICE_CLI_AUDIT_HTML_H_
#define RECKON_SERVICE_CLI_AUDIT_HTML_H_

#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "linkage/estimate/report.h"
#include "service/cli/audit/link_view.h"
#include "service/cli/audit/suspicious.h"

namespace reckon::service::audit {

struct ModelLevel {
  std::string level;
  double m = 0.0;
  double u = 0.0;
  double weight = 0.0;
};

struct ModelComparison {
  std::string name;
  std::vector<ModelLevel> levels;  // the "missing" level left out
};

struct ModelSummary {
  double lambda = 0.0;
  std::vector<ModelComparison> comparisons;
};

// Parses model.json as `reckon link` writes it. kInvalidArgument naming
// `name` and the field for anything else.
absl::StatusOr<ModelSummary> ParseModelJson(const std::string& text,
                                            const std::string& name);

struct ReportPage {
  std::string title;
  // (label, value) rows of the opening table.
  std::vector<std::pair<std::string, std::string>> facts;
  const LinkView* view = nullptr;  // required
  const ModelSummary* model = nullptr;     // nullptr: section says so
  const LinkReport* estimate = nullptr;    // nullptr: `estimate_note` says why
  std::string estimate_note;
  std::vector<SuspiciousEntity> suspicious;
  size_t suspicious_shown = 50;
};

// Renders the page. Every text from the inputs is HTML-escaped.
std::string RenderReportHtml(const ReportPage& page);

// `text` with &, <, >, " and ' escaped.
std::string HtmlEscape(std::string_view text);

}  // namespace reckon::service::audit

#endif  // RECKON_SERVICE_CLI_AUDIT_HTML_H_

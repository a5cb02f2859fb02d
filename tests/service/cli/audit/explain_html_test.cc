#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "service/cli/audit/explain.h"
#include "service/cli/audit/html.h"
#include "tests/service/cli/audit/test_views.h"
#include "tests/testing/status_matchers.h"

namespace reckon::service::audit {
namespace {

using ::reckon_testing::MakeView;
using ::reckon_testing::StatusIs;
using ::testing::HasSubstr;
using ::testing::Not;

std::vector<std::string> Lines(const std::string& text) {
  std::vector<std::string> lines;
  size_t start = 0;
  while (start < text.size()) {
    const size_t end = text.find('\n', start);
    lines.push_back(text.substr(start, end - start));
    if (end == std::string::npos) break;
    start = end + 1;
  }
  return lines;
}

TEST(WaterfallTest, RunningTotalAndBarsAgainstThreshold) {
  std::vector<ExplainField> fields(3);
  fields[0].comparison = "surname";
  fields[0].level_name = "exact";
  fields[0].weight = 6.0;
  fields[0].running_total = 6.0;
  fields[1].comparison = "birth_date";
  fields[1].level_name = "different";
  fields[1].weight = -4.0;
  fields[1].running_total = 2.0;
  fields[2].comparison = "sex";
  fields[2].level_name = "missing";
  fields[2].weight = 0.0;
  fields[2].running_total = 2.0;
  // Scale -> 0 .. 8 over 9 columns: one column per unit.
  const std::vector<std::string> lines =
      Lines(Waterfall(fields, 2.0, /*threshold=*/8.0, /*width=*/9));
  ASSERT_EQ(lines.size(), 5u);
  EXPECT_THAT(lines[0], HasSubstr("scale 0.0 .. 8.0"));
  // Columns 0..6 rise from 0 to 6; '|' marks 8.
  EXPECT_THAT(lines[1], HasSubstr("+6.000     6.000  +++++++ |"));
  // Falls back from 6 to 2: columns 2..6; '.' marks zero.
  EXPECT_THAT(lines[2], HasSubstr("-4.000     2.000  . ----- |"));
  // A missing field adds nothing and draws no bar.
  EXPECT_THAT(lines[3], HasSubstr("+0.000     2.000  .       |"));
  EXPECT_THAT(lines[4], HasSubstr("total"));
  EXPECT_THAT(lines[4], HasSubstr("2.000  ===     |"));
}

TEST(AgreesWithPairsCsvTest, ComparesAsPairsCsvWritesWeights) {
  ExplainReport report;
  report.weight = 12.3456784;
  DirPairInfo dir;
  dir.weight = 12.345678;
  EXPECT_TRUE(AgreesWithPairsCsv(report, dir));
  dir.weight = 12.345679;
  EXPECT_FALSE(AgreesWithPairsCsv(report, dir));
  dir.weight.reset();
  EXPECT_TRUE(AgreesWithPairsCsv(report, dir));  // neither keeps the pair
  report.rerun_weight = 12.3456784;
  EXPECT_FALSE(AgreesWithPairsCsv(report, dir));
}

TEST(HtmlTest, SelfContainedAndEscaped) {
  const LinkView view = MakeView(
      {"<b>reg</b>", "two"},
      "source,source_record_id,entity_id\n<b>reg</b>,1,E1\ntwo,1,E1\ntwo,2,E2\n",
      "source_a,source_record_id_a,source_b,source_record_id_b,weight,"
      "probability\n<b>reg</b>,1,two,1,4.5,0.6\ntwo,1,two,2,-2.0,0.02\n",
      4.0);
  ReportPage page;
  page.title = "dir & co";
  page.view = &view;
  page.facts = {{"records", "3"}};
  page.estimate_note = "No estimate: test";
  ModelSummary model;
  model.lambda = 0.01;
  model.comparisons.push_back(
      {"surname", {{"exact", 0.9, 0.001, 9.81}, {"far", 0.1, 0.999, -3.3}}});
  page.model = &model;
  page.suspicious = FindSuspicious(view, {});
  const std::string html = RenderReportHtml(page);
  EXPECT_THAT(html, HasSubstr("<!DOCTYPE html>"));
  EXPECT_THAT(html, HasSubstr("dir &amp; co"));
  EXPECT_THAT(html, HasSubstr("&lt;b&gt;reg&lt;/b&gt;:1"));
  EXPECT_THAT(html, Not(HasSubstr("<b>reg</b>")));
  EXPECT_THAT(html, Not(HasSubstr("<script")));
  EXPECT_THAT(html, Not(HasSubstr("http")));
  EXPECT_THAT(html, Not(HasSubstr("src=")));
  for (const char* id : {"id=\"weights\"", "id=\"model\"", "id=\"sizes\"",
                         "id=\"estimate\"", "id=\"suspicious\"",
                         "href=\"#suspicious\"", "threshold 4.00",
                         "No estimate: test", "surname"}) {
    EXPECT_THAT(html, HasSubstr(id));
  }
  // One histogram bar above the threshold (4.5), one below (-2).
  EXPECT_THAT(html, HasSubstr("weight 4.0 to 5.0: 1 pairs"));
  EXPECT_THAT(html, HasSubstr("weight -2.0 to -1.0: 1 pairs"));
}

TEST(ParseModelJsonTest, ReadsLevelsAndSkipsMissing) {
  absl::StatusOr<ModelSummary> model = ParseModelJson(
      R"({"lambda": 0.02, "comparisons": [{"name": "sex", "levels": [
          {"level": "exact", "m": 0.98, "u": 0.5, "weight": 0.97},
          {"level": "missing", "m": null, "u": null, "weight": 0.0}]}]})",
      "model.json");
  ASSERT_TRUE(model.ok()) << model.status();
  EXPECT_DOUBLE_EQ(model->lambda, 0.02);
  ASSERT_EQ(model->comparisons.size(), 1u);
  ASSERT_EQ(model->comparisons[0].levels.size(), 1u);
  EXPECT_DOUBLE_EQ(model->comparisons[0].levels[0].m, 0.98);
  EXPECT_THAT(ParseModelJson("{\"lambda\": 1}", "model.json"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("model.json: comparisons")));
  EXPECT_THAT(ParseModelJson("{", "model.json"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("model.json: not valid JSON")));
}

TEST(ParseRecordRefTest, SplitsAtFirstColon) {
  absl::StatusOr<std::pair<std::string, std::string>> ref =
      ParseRecordRef("labour:L:17");
  ASSERT_TRUE(ref.ok());
  EXPECT_EQ(ref->first, "labour");
  EXPECT_EQ(ref->second, "L:17");
  EXPECT_THAT(ParseRecordRef("labour"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("expected SOURCE:ID")));
  EXPECT_THAT(ParseRecordRef(":1"), StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr(":1")));
}

}  // namespace
}  // namespace reckon::service::audit

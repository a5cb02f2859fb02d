#include "linkage/ingest/csv_reader.h"

#include <sstream>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/status_matchers.h"

namespace reckon {
namespace {

using ::reckon_testing::IsOkAndHolds;
using ::reckon_testing::StatusIs;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

std::vector<CsvRow> ReadAll(const std::string& text, CsvOptions options = {},
                            std::vector<std::string>* errors = nullptr) {
  std::istringstream in(text);
  CsvReader reader(in, "t.csv", options);
  std::vector<CsvRow> rows;
  while (true) {
    CsvRow row;
    absl::StatusOr<bool> next = reader.Next(&row);
    if (!next.ok()) {
      if (errors != nullptr) errors->emplace_back(next.status().message());
      continue;
    }
    if (!*next) break;
    rows.push_back(row);
  }
  return rows;
}

TEST(CsvReaderTest, SplitsPlainAndQuotedFields) {
  auto rows = ReadAll("a,b,c\n1,\"x, y\",\"say \"\"hi\"\"\"\n");
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_THAT(rows[0].fields, ElementsAre("a", "b", "c"));
  EXPECT_THAT(rows[1].fields, ElementsAre("1", "x, y", "say \"hi\""));
  EXPECT_EQ(rows[1].line, 2);
}

TEST(CsvReaderTest, QuotedNewlineKeepsStartingLineNumber) {
  auto rows = ReadAll("h1,h2\n\"two\nlines\",x\nlast,y\n");
  ASSERT_EQ(rows.size(), 3u);
  EXPECT_THAT(rows[1].fields, ElementsAre("two\nlines", "x"));
  EXPECT_EQ(rows[1].line, 2);
  EXPECT_EQ(rows[2].line, 4);
}

TEST(CsvReaderTest, HandlesCrlfBomEmptyFieldsAndBlankLines) {
  auto rows = ReadAll("\xEF\xBB\xBFid,name\r\n1,\r\n\r\n2,Ali\r\n");
  ASSERT_EQ(rows.size(), 3u);
  EXPECT_THAT(rows[0].fields, ElementsAre("id", "name"));
  EXPECT_THAT(rows[1].fields, ElementsAre("1", ""));
  EXPECT_THAT(rows[2].fields, ElementsAre("2", "Ali"));
  EXPECT_EQ(rows[2].line, 4);
}

TEST(CsvReaderTest, TrimReadsFebrlStyleSeparators) {
  CsvOptions options;
  options.trim = true;
  auto rows = ReadAll("rec_id, given_name, surname\nrec-1-org, , waller\n",
                      options);
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_THAT(rows[1].fields, ElementsAre("rec-1-org", "", "waller"));
}

TEST(CsvReaderTest, OtherSeparator) {
  CsvOptions options;
  options.separator = ';';
  auto rows = ReadAll("a;b\n1,5;x\n", options);
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_THAT(rows[1].fields, ElementsAre("1,5", "x"));
}

TEST(CsvReaderTest, BadRowIsReportedAndReadingGoesOn) {
  std::vector<std::string> errors;
  auto rows = ReadAll("a,b\n\"x\"y,1\nok,2\n", {}, &errors);
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_THAT(rows[1].fields, ElementsAre("ok", "2"));
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_THAT(errors[0], HasSubstr("t.csv:2:"));
  EXPECT_THAT(errors[0], HasSubstr("text after closing quote"));
}

TEST(CsvReaderTest, UnterminatedQuoteAtEndNamesItsLine) {
  std::vector<std::string> errors;
  auto rows = ReadAll("a,b\n1,2\n3,\"never closed\n4,5\n", {}, &errors);
  ASSERT_EQ(rows.size(), 2u);
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_THAT(errors[0], HasSubstr("t.csv:3: unterminated quoted field"));
}

TEST(CsvReaderTest, RunawayQuoteIsBoundedByRowLimit) {
  CsvOptions options;
  options.max_row_bytes = 64;
  std::string text = "a\n\"open\n";
  for (int i = 0; i < 100; ++i) text += "more text on a line\n";
  std::vector<std::string> errors;
  ReadAll(text, options, &errors);
  ASSERT_FALSE(errors.empty());
  EXPECT_THAT(errors[0], HasSubstr("t.csv:2: row longer than 64 bytes"));
}

TEST(CsvReaderTest, SplitRowDirectly) {
  EXPECT_THAT(SplitCsvRow("a,,\"\"", {}), IsOkAndHolds(ElementsAre("a", "", "")));
  EXPECT_THAT(SplitCsvRow("\"abc", {}),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("unterminated")));
}

TEST(CsvReaderTest, EscapeRoundTripsThroughSplit) {
  const std::vector<std::string> values = {"plain", "a,b", "say \"x\"",
                                           "two\nlines", ""};
  std::string row;
  for (size_t i = 0; i < values.size(); ++i) {
    if (i > 0) row += ",";
    row += CsvEscape(values[i]);
  }
  EXPECT_THAT(SplitCsvRow(row, {}), IsOkAndHolds(values));
}

}  // namespace
}  // namespace reckon

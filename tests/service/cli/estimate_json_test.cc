#include "service/cli/estimate_json.h"

#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/status_matchers.h"

namespace reckon::service {
namespace {

using ::reckon_testing::StatusIs;
using ::testing::HasSubstr;

TEST(EstimateJsonTest, ReadsSummaryShapedDocuments) {
  absl::StatusOr<JsonValue> v = ParseJson(
      R"({"records": 12, "threshold": -2.5e0, "sources": ["migration", "i\u00e7", "\ud83d\ude00"],
          "seconds": {"link": 0.5}, "ok": true, "none": null})",
      "summary.json");
  ASSERT_TRUE(v.ok()) << v.status();
  const JsonValue* sources = v->Find("sources");
  ASSERT_NE(sources, nullptr);
  ASSERT_EQ(sources->array.size(), 3u);
  EXPECT_EQ(sources->array[1].string, "i\xC3\xA7");              // U+00E7
  EXPECT_EQ(sources->array[2].string, "\xF0\x9F\x98\x80");       // U+1F600
  EXPECT_DOUBLE_EQ(v->Find("threshold")->number, -2.5);
  EXPECT_TRUE(v->Find("ok")->boolean);
  EXPECT_EQ(v->Find("none")->kind, JsonValue::Kind::kNull);
  EXPECT_EQ(v->Find("missing"), nullptr);
}

TEST(EstimateJsonTest, ErrorsNameTheFileAndOffset) {
  EXPECT_THAT(ParseJson(R"({"a" 1})", "summary.json"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("summary.json: offset 5: expected ':'")));
  EXPECT_THAT(ParseJson(R"(["x)", "s.json"),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("unterminated")));
  EXPECT_THAT(ParseJson("[1] 2", "s.json"),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("text after")));
  EXPECT_THAT(ParseJson(R"("\ud800")", "s.json"),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("surrogate")));
}

TEST(EstimateJsonTest, WritesEscapedStringsAndNullForInfinity) {
  EXPECT_EQ(JsonQuote("a\"b\\c\n\x01"), R"("a\"b\\c\n\u0001")");
  EXPECT_EQ(JsonQuote("Məmmədov"), "\"Məmmədov\"");
  EXPECT_EQ(JsonNumber(1.0 / 0.0, 1), "null");
  EXPECT_EQ(JsonNumber(12.345, 1), "12.3");
}

}  // namespace
}  // namespace reckon::service

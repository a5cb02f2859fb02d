#include "linkage/ingest/record_reader.h"

#include <sstream>
#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/status_matchers.h"

namespace reckon {
namespace {

using ::reckon_testing::StatusIs;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Pair;

TEST(RecordReaderTest, ReadsCanonicalColumnsAndKeepsExtras) {
  std::istringstream in(
      "source_record_id,surname,given_name,birth_date,address\n"
      "L-1,Məmmədov,Rəşad,12.03.1985,Bakı\n"
      "L-2,Гусейнов,Рашад,1985-03-12,\n");
  auto result = ReadAllRecords(in, "labour.csv", "labour");
  ASSERT_TRUE(result.ok()) << result.status();
  ASSERT_EQ(result->records.size(), 2u);
  EXPECT_TRUE(result->errors.empty());
  const Record& first = result->records[0];
  EXPECT_EQ(first.source, "labour");
  EXPECT_EQ(first.source_record_id, "L-1");
  EXPECT_EQ(first.Get(Field::kSurname), "Məmmədov");
  EXPECT_EQ(first.Get(Field::kBirthDate), "12.03.1985");
  EXPECT_THAT(first.extra, ElementsAre(Pair("address", "Bakı")));
  EXPECT_EQ(result->records[1].Get(Field::kGivenName), "Рашад");
}

TEST(RecordReaderTest, BadRowsAreNamedAndSkippedOthersKept) {
  std::istringstream in(
      "source_record_id,surname\n"
      "1,Aliyev\n"
      "2,Ali\xFFyev\n"
      "3\n"
      ",NoId\n"
      "1,Again\n"
      "4,Hasanov\n");
  auto result = ReadAllRecords(in, "a.csv", "a");
  ASSERT_TRUE(result.ok());
  ASSERT_EQ(result->records.size(), 2u);
  EXPECT_EQ(result->records[0].source_record_id, "1");
  EXPECT_EQ(result->records[1].source_record_id, "4");
  EXPECT_EQ(result->rows_rejected, 4);
  ASSERT_EQ(result->errors.size(), 4u);
  EXPECT_THAT(result->errors[0],
              HasSubstr("a.csv:3: surname: invalid UTF-8 at byte 4"));
  EXPECT_THAT(result->errors[1], HasSubstr("a.csv:4: expected 2 fields, found 1"));
  EXPECT_THAT(result->errors[2],
              HasSubstr("a.csv:5: source_record_id: empty record id"));
  EXPECT_THAT(result->errors[3], HasSubstr("a.csv:6: source_record_id"));
  EXPECT_THAT(result->errors[3], HasSubstr("already used"));
}

TEST(RecordReaderTest, ControlCharactersAndOverlongValuesRejected) {
  RecordReaderOptions options;
  options.max_field_bytes = 8;
  std::istringstream in(
      "source_record_id,surname\n1,ab\x01" "c\n2,abcdefghijk\n3,ok\n");
  auto result = ReadAllRecords(in, "a.csv", "a", options);
  ASSERT_TRUE(result.ok());
  ASSERT_EQ(result->records.size(), 1u);
  ASSERT_EQ(result->errors.size(), 2u);
  EXPECT_THAT(result->errors[0], HasSubstr("a.csv:2: surname: control character"));
  EXPECT_THAT(result->errors[1], HasSubstr("a.csv:3: surname: value of 11 bytes"));
}

TEST(RecordReaderTest, ColumnMapReadsOtherSchemas) {
  RecordReaderOptions options;
  options.csv.trim = true;
  options.column_map = {
      {"rec_id", {ColumnTarget::Kind::kRecordId, Field::kGivenName}},
      {"date_of_birth", {ColumnTarget::Kind::kField, Field::kBirthDate}}};
  std::istringstream in(
      "rec_id, given_name, surname, date_of_birth, postcode\n"
      "rec-223-org, , waller, 19560409, 0800\n");
  auto result = ReadAllRecords(in, "febrl1.csv", "febrl", options);
  ASSERT_TRUE(result.ok());
  ASSERT_EQ(result->records.size(), 1u);
  const Record& record = result->records[0];
  EXPECT_EQ(record.source_record_id, "rec-223-org");
  EXPECT_EQ(record.Get(Field::kGivenName), "");
  EXPECT_EQ(record.Get(Field::kBirthDate), "19560409");
  EXPECT_THAT(record.extra, ElementsAre(Pair("postcode", "0800")));
}

TEST(RecordReaderTest, WithoutIdColumnRowsAreNamedByLine) {
  std::istringstream in("surname\nAliyev\n\nHasanov\n");
  auto result = ReadAllRecords(in, "a.csv", "a");
  ASSERT_TRUE(result.ok());
  ASSERT_EQ(result->records.size(), 2u);
  EXPECT_EQ(result->records[0].source_record_id, "line-2");
  EXPECT_EQ(result->records[1].source_record_id, "line-4");
}

TEST(RecordReaderTest, HeaderProblemsFailTheFile) {
  std::istringstream empty("");
  EXPECT_THAT(ReadAllRecords(empty, "e.csv", "e"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("e.csv: empty file")));
  std::istringstream twice("surname,surname\nA,B\n");
  EXPECT_THAT(ReadAllRecords(twice, "t.csv", "t"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("t.csv:1: header column \"surname\" appears twice")));
  std::istringstream unnamed("surname,\nA,B\n");
  EXPECT_THAT(ReadAllRecords(unnamed, "u.csv", "u"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("header column 2 has no name")));
}

}  // namespace
}  // namespace reckon

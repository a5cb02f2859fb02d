#include "service/daemon/validation.h"

#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

#include "tests/testing/status_matchers.h"

namespace reckon::service {
namespace {

using ::reckon_testing::IsOk;
using ::reckon_testing::StatusIs;
using ::testing::ElementsAre;
using ::testing::Field;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::SizeIs;

std::vector<Record> Batch(int n) {
  std::vector<Record> records(static_cast<size_t>(n));
  for (int i = 0; i < n; ++i) {
    records[static_cast<size_t>(i)].source_record_id = "id" + std::to_string(i);
    records[static_cast<size_t>(i)].Set(reckon::Field::kSurname, "Əliyev");
  }
  return records;
}

TEST(ValidateBatchTest, AcceptsWellFormedRecordsAndFillsTheirSource) {
  std::vector<Record> records = Batch(3);
  records[1].source = "labour";
  records[2].extra = {{"permit", "W-1"}, {"note", "tab\tinside is fine"}};
  EXPECT_THAT(ValidateBatch("labour", records, Limits()), IsOk());
  for (const Record& record : records) EXPECT_EQ(record.source, "labour");
}

TEST(ValidateBatchTest, NamesRecordIndexAndFieldOfMalformedInput) {
  const Limits limits;
  struct Case {
    std::string description;
    void (*mutate)(Record&);
    std::string expected;
  };
  const std::vector<Case> cases = {
      {"invalid utf-8",
       [](Record& r) { r.Set(reckon::Field::kGivenName, "Ali\xC3"); },
       "record 2: given_name: invalid UTF-8 at byte 4"},
      {"surrogate",
       [](Record& r) { r.Set(reckon::Field::kSurname, "\xED\xA0\x80"); },
       "record 2: surname: invalid UTF-8 at byte 1"},
      {"control character",
       [](Record& r) { r.Set(reckon::Field::kPassportNo, "C1\x07"); },
       "record 2: passport_no: control character at byte 3"},
      {"newline", [](Record& r) { r.Set(reckon::Field::kRegion, "Baku\nX"); },
       "record 2: region: control character at byte 5"},
      {"over-long field",
       [](Record& r) { r.Set(reckon::Field::kSector, std::string(4097, 'a')); },
       "record 2: sector: value of 4097 bytes is longer than 4096"},
      {"missing id", [](Record& r) { r.source_record_id.clear(); },
       "record 2: source_record_id: missing"},
      {"repeated id", [](Record& r) { r.source_record_id = "id0"; },
       "record 2: source_record_id: \"id0\" appears twice"},
      {"over-long id",
       [](Record& r) { r.source_record_id = std::string(129, '7'); },
       "record 2: source_record_id: value of 129 bytes"},
      {"other source", [](Record& r) { r.source = "interior"; },
       "record 2: source: \"interior\" is not the batch's source"},
      {"unnamed extra",
       [](Record& r) {
         r.extra = {{"", "x"}};
       },
       "record 2: extra[0]: column name missing"},
      {"canonical extra",
       [](Record& r) {
         r.extra = {{"surname", "x"}};
       },
       "record 2: extra \"surname\": is a canonical field"},
      {"repeated extra",
       [](Record& r) {
         r.extra = {{"a", "x"}, {"a", "y"}};
       },
       "record 2: extra \"a\": appears twice"},
      {"bad extra value",
       [](Record& r) {
         r.extra = {{"a", "\x01"}};
       },
       "record 2: extra \"a\": control character at byte 1"},
  };
  for (const Case& c : cases) {
    std::vector<Record> records = Batch(4);
    c.mutate(records[2]);
    EXPECT_THAT(
        ValidateBatch("labour", records, limits),
        StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr(c.expected)))
        << c.description;
  }
}

TEST(ValidateBatchTest, RefusesEmptyAndOversizedBatches) {
  Limits limits;
  limits.max_records_per_batch = 3;
  std::vector<Record> none;
  EXPECT_THAT(
      ValidateBatch("s", none, limits),
      StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("no records")));
  std::vector<Record> four = Batch(4);
  EXPECT_THAT(ValidateBatch("s", four, limits),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("4 records, more than the 3")));
  limits.max_extra_fields = 1;
  std::vector<Record> extras = Batch(1);
  extras[0].extra = {{"a", ""}, {"b", ""}};
  EXPECT_THAT(ValidateBatch("s", extras, limits),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("record 0: extra: 2 extra columns")));
}

TEST(CheckNameTest, ChecksIdentifiers) {
  const Limits limits;
  EXPECT_THAT(CheckName("source", "labour", limits), IsOk());
  EXPECT_THAT(CheckName("source", "Əmək nazirliyi", limits), IsOk());
  EXPECT_THAT(CheckName("source", "", limits),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("source: missing")));
  EXPECT_THAT(CheckName("batch_id", " b1", limits),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("batch_id: leading or trailing space")));
  EXPECT_THAT(CheckName("agency", "a\xFF", limits),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("agency: invalid UTF-8 at byte 2")));
  EXPECT_THAT(CheckName("batch_id", std::string(129, 'b'), limits),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("longer than 128")));
}

TEST(FindUnparseableValuesTest, RejectsRecordsWhoseValuesDoNotParse) {
  std::vector<Record> records = Batch(6);
  records[0].Set(reckon::Field::kBirthDate, "12.03.1985");
  records[0].Set(reckon::Field::kNationality, "Türkiyə");
  records[0].Set(reckon::Field::kSex, "Ж");
  records[1].Set(reckon::Field::kBirthDate, "31.02.1990");  // no such day
  records[2].Set(reckon::Field::kNationality, "Atlantis");
  records[3].Set(reckon::Field::kSex, "banana");
  records[4].Set(reckon::Field::kRegisteredOn, "2008-13-01");
  // Record 5: every field empty but the surname: missing, not wrong.
  const std::vector<store::RecordRejection> rejections =
      FindUnparseableValues(records);
  ASSERT_THAT(rejections, SizeIs(4));
  EXPECT_THAT(
      rejections,
      ElementsAre(Field(&store::RecordRejection::field, "birth_date"),
                  Field(&store::RecordRejection::field, "nationality"),
                  Field(&store::RecordRejection::field, "sex"),
                  Field(&store::RecordRejection::field, "registered_on")));
  EXPECT_EQ(rejections[0].index, 1);
  EXPECT_EQ(rejections[0].source_record_id, "id1");
  EXPECT_THAT(rejections[0].message, HasSubstr("31.02.1990"));
  EXPECT_EQ(rejections[1].index, 2);
  EXPECT_EQ(rejections[2].index, 3);
  EXPECT_EQ(rejections[3].index, 4);
  EXPECT_THAT(FindUnparseableValues(Batch(2)), IsEmpty());
}

}  // namespace
}  // namespace reckon::service

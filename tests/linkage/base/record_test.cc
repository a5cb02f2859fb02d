#include "linkage/base/record.h"

#include "gtest/gtest.h"

namespace reckon {
namespace {

TEST(RecordTest, FieldNamesRoundTrip) {
  for (Field field : AllFields()) {
    auto back = FieldFromName(FieldName(field));
    ASSERT_TRUE(back.has_value()) << FieldName(field);
    EXPECT_EQ(*back, field);
  }
  EXPECT_EQ(FieldName(Field::kBirthDate), "birth_date");
  EXPECT_EQ(FieldName(Field::kRegisteredOn), "registered_on");
  EXPECT_FALSE(FieldFromName("dob").has_value());
  EXPECT_FALSE(FieldFromName("source_record_id").has_value());
}

TEST(RecordTest, GetSetAndExtra) {
  Record record;
  record.Set(Field::kSurname, "Məmmədov");
  record.extra.emplace_back("address", "Baku");
  EXPECT_EQ(record.Get(Field::kSurname), "Məmmədov");
  EXPECT_TRUE(record.Get(Field::kGivenName).empty());
  ASSERT_NE(record.FindExtra("address"), nullptr);
  EXPECT_EQ(*record.FindExtra("address"), "Baku");
  EXPECT_EQ(record.FindExtra("phone"), nullptr);
}

}  // namespace
}  // namespace reckon

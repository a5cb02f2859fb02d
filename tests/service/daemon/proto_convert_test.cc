#include "service/daemon/proto_convert.h"

#include <sstream>
#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

#include "service/daemon/log.h"

namespace reckon::service {
namespace {

TEST(ProtoConvertTest, EveryFieldRoundTripsUnchanged) {
  Record record;
  record.source = "interior";
  record.source_record_id = "  I-7 ";
  for (size_t i = 0; i < kFieldCount; ++i) {
    // A distinct value per field, so a swapped accessor shows.
    record.fields[i] = "value " + std::to_string(i) + " Гусейнов";
  }
  record.extra = {{"b", "2"}, {"a", ""}, {"c", "李"}};
  v1::Record proto;
  RecordToProto(record, &proto);
  EXPECT_EQ(proto.source(), "interior");
  EXPECT_EQ(proto.source_record_id(), "  I-7 ");
  EXPECT_EQ(proto.given_name(), "value 0 Гусейнов");
  EXPECT_EQ(proto.birth_date(), "value 5 Гусейнов");
  EXPECT_EQ(proto.registered_on(), "value 10 Гусейнов");
  ASSERT_EQ(proto.extra_size(), 3);
  EXPECT_EQ(proto.extra(2).value(), "李");

  const Record back = RecordFromProto(proto);
  EXPECT_EQ(back.source, record.source);
  EXPECT_EQ(back.source_record_id, record.source_record_id);
  EXPECT_EQ(back.fields, record.fields);
  EXPECT_EQ(back.extra, record.extra);
}

TEST(ProtoConvertTest, InvalidUtf8SurvivesTheWireForTheServerToRefuse) {
  v1::Record proto;
  proto.set_surname("Ali\xC3");
  std::string wire;
  ASSERT_TRUE(proto.SerializeToString(&wire));
  v1::Record parsed;
  ASSERT_TRUE(parsed.ParseFromString(wire));
  EXPECT_EQ(RecordFromProto(parsed).Get(Field::kSurname), "Ali\xC3");
}

TEST(LogTest, WritesOneJsonObjectPerLineAndEscapes) {
  std::ostringstream out;
  SetLogSinkForTesting(&out);
  Log(LogLevel::kWarning, "test_event",
      {{"text", "a\"b\\c\nd\x01"},
       {"count", int64_t{42}},
       {"ratio", 0.5},
       {"flag", true},
       {"bad", std::string("x\xFFy")}});
  SetLogSinkForTesting(nullptr);
  const std::string line = out.str();
  ASSERT_FALSE(line.empty());
  EXPECT_EQ(line.back(), '\n');
  EXPECT_EQ(line.find('\n'), line.size() - 1);
  EXPECT_THAT(line, ::testing::StartsWith("{\"ts\":\""));
  EXPECT_THAT(line, ::testing::HasSubstr(
                        "\"level\":\"warning\",\"event\":\"test_event\""));
  EXPECT_THAT(line, ::testing::HasSubstr(R"("text":"a\"b\\c\nd\u0001")"));
  EXPECT_THAT(line,
              ::testing::HasSubstr(R"("count":42,"ratio":0.5,"flag":true)"));
  EXPECT_THAT(line, ::testing::HasSubstr(R"("bad":"x\ufffdy")"));
}

}  // namespace
}  // namespace reckon::service

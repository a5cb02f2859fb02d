// The ExportLinkage stream made from a hand-made snapshot: header first,
// every entity, record and pair once and in order, messages cut at the
// item limit, values only when given; and a writer's failure stops it.
#include "service/daemon/linkage_export.h"

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/status_matchers.h"

namespace reckon::service {
namespace {

using ::reckon_testing::IsOk;
using ::reckon_testing::StatusIs;

// Three records of two sources in two entities, one scored pair; a model of
// one comparison with two levels.
LinkageSnapshot SmallSnapshot() {
  LinkageSnapshot snapshot;
  LinkedRecords& link = snapshot.link;
  link.sources = {"labour", "interior"};
  link.record_source = {0, 1, 1};
  link.record_entity = {0, 0, 1};
  link.entity_ids = {"E00000001", "E00000002"};
  link.attribute_names = {"nationality", "sex"};
  link.attributes = {{"TUR", "GEO"}, {"M", ""}};
  link.pairs = {{0, 1, 7.5, 0.99}};
  snapshot.keys = {{"labour", "L1"}, {"interior", "I1"}, {"interior", "I2"}};
  ComparisonModel surname;
  surname.name = "surname";
  surname.level_names = {"exact", "far"};
  surname.m = {0.9, 0.1};
  surname.u = {0.1, 0.9};
  snapshot.model.comparisons = {surname};
  snapshot.model.lambda = 0.25;
  snapshot.threshold = 3.0;
  snapshot.links = 1;
  snapshot.last_relink_unix = 1700000000;
  return snapshot;
}

std::vector<v1::ExportLinkageResponse> Stream(
    const LinkageSnapshot& snapshot, const std::vector<const Record*>& values,
    size_t items) {
  std::vector<v1::ExportLinkageResponse> messages;
  EXPECT_THAT(StreamLinkage(snapshot, values, {.items_per_message = items},
                            [&](const v1::ExportLinkageResponse& message) {
                              messages.push_back(message);
                              return absl::OkStatus();
                            }),
              IsOk());
  return messages;
}

TEST(LinkageExportTest, OneMessageHoldsEverythingInOrder) {
  const std::vector<v1::ExportLinkageResponse> messages =
      Stream(SmallSnapshot(), {}, 100);
  ASSERT_EQ(messages.size(), 1u);
  const v1::ExportLinkageResponse& m = messages[0];
  ASSERT_TRUE(m.has_header());
  EXPECT_THAT(m.header().sources(), ::testing::ElementsAre("labour", "interior"));
  EXPECT_THAT(m.header().attribute_names(),
              ::testing::ElementsAre("nationality", "sex"));
  EXPECT_EQ(m.header().records(), 3);
  EXPECT_EQ(m.header().entities(), 2);
  EXPECT_EQ(m.header().pairs(), 1);
  EXPECT_EQ(m.header().links(), 1);
  EXPECT_EQ(m.header().last_relink_unix(), 1700000000);
  EXPECT_DOUBLE_EQ(m.header().model().threshold(), 3.0);
  EXPECT_DOUBLE_EQ(m.header().model().lambda(), 0.25);
  ASSERT_EQ(m.header().model().comparisons_size(), 1);
  const v1::ModelComparison& c = m.header().model().comparisons(0);
  EXPECT_EQ(c.name(), "surname");
  ASSERT_EQ(c.levels_size(), 2);
  EXPECT_EQ(c.levels(0).level(), "exact");
  EXPECT_DOUBLE_EQ(c.levels(0).m(), 0.9);
  EXPECT_DOUBLE_EQ(c.levels(0).u(), 0.1);
  EXPECT_NEAR(c.levels(0).weight(), 3.169925001442312, 1e-12);  // log2(9)
  EXPECT_NEAR(c.levels(1).weight(), -3.169925001442312, 1e-12);
  ASSERT_EQ(m.entities_size(), 2);
  EXPECT_EQ(m.entities(1).entity_id(), "E00000002");
  EXPECT_THAT(m.entities(0).attributes(), ::testing::ElementsAre("TUR", "M"));
  EXPECT_THAT(m.entities(1).attributes(), ::testing::ElementsAre("GEO", ""));
  ASSERT_EQ(m.records_size(), 3);
  EXPECT_EQ(m.records(2).source(), 1u);
  EXPECT_EQ(m.records(2).source_record_id(), "I2");
  EXPECT_EQ(m.records(2).entity(), 1u);
  EXPECT_FALSE(m.records(0).has_values());
  ASSERT_EQ(m.pairs_size(), 1);
  EXPECT_EQ(m.pairs(0).a(), 0u);
  EXPECT_EQ(m.pairs(0).b(), 1u);
  EXPECT_DOUBLE_EQ(m.pairs(0).weight(), 7.5);
  EXPECT_DOUBLE_EQ(m.pairs(0).match_probability(), 0.99);
}

TEST(LinkageExportTest, CutsMessagesAtTheItemLimit) {
  // 1 header + 2 entities + 3 records + 1 pair = 7 items; 2 per message
  // makes 4 messages, the last with the pair alone.
  const std::vector<v1::ExportLinkageResponse> messages =
      Stream(SmallSnapshot(), {}, 2);
  ASSERT_EQ(messages.size(), 4u);
  EXPECT_TRUE(messages[0].has_header());
  EXPECT_EQ(messages[0].entities_size(), 1);
  EXPECT_FALSE(messages[1].has_header());
  EXPECT_EQ(messages[1].entities_size(), 1);
  EXPECT_EQ(messages[1].records_size(), 1);
  EXPECT_EQ(messages[2].records_size(), 2);
  EXPECT_EQ(messages[3].pairs_size(), 1);
  EXPECT_EQ(messages[3].records_size(), 0);
}

TEST(LinkageExportTest, SendsValuesWhereGiven) {
  Record stored;
  stored.source = "interior";
  stored.source_record_id = "I1";
  stored.Set(Field::kSurname, "Məmmədov");
  const std::vector<const Record*> values = {nullptr, &stored, nullptr};
  const std::vector<v1::ExportLinkageResponse> messages =
      Stream(SmallSnapshot(), values, 100);
  ASSERT_EQ(messages.size(), 1u);
  EXPECT_FALSE(messages[0].records(0).has_values());
  ASSERT_TRUE(messages[0].records(1).has_values());
  EXPECT_EQ(messages[0].records(1).values().surname(), "Məmmədov");
}

TEST(LinkageExportTest, StopsAtTheWritersErrorAndRefusesAMismatch) {
  int calls = 0;
  EXPECT_THAT(StreamLinkage(SmallSnapshot(), {}, {.items_per_message = 1},
                            [&](const v1::ExportLinkageResponse&) {
                              ++calls;
                              return calls == 2
                                         ? absl::CancelledError("gone")
                                         : absl::OkStatus();
                            }),
              StatusIs(absl::StatusCode::kCancelled, ::testing::_));
  EXPECT_EQ(calls, 2);
  LinkageSnapshot broken = SmallSnapshot();
  broken.keys.pop_back();
  EXPECT_THAT(StreamLinkage(broken, {}, {},
                            [](const v1::ExportLinkageResponse&) {
                              return absl::OkStatus();
                            }),
              StatusIs(absl::StatusCode::kInternal, ::testing::HasSubstr("inconsistent")));
}

}  // namespace
}  // namespace reckon::service

#include "service/cli/audit/suspicious.h"

#include <cmath>
#include <set>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/service/cli/audit/test_views.h"

namespace reckon::service::audit {
namespace {

using ::reckon_testing::MakeView;
using ::testing::HasSubstr;

Record MakeRecord(const std::string& source, const std::string& id,
                  const std::string& sex, const std::string& birth_date,
                  const std::string& nationality) {
  Record record;
  record.source = source;
  record.source_record_id = id;
  record.Set(Field::kSex, sex);
  record.Set(Field::kBirthDate, birth_date);
  record.Set(Field::kNationality, nationality);
  return record;
}

// Threshold 5, margin 2 (default). Entities:
//  E1 {s:1 s:2 t:1}  sex M, M, F; dates 1980-01-02 and its day-month swap
//  E2 {s:3 t:3}      dates 1970-05-05 vs 1990-01-01; TUR vs GEO
//  E3 {s:4 t:4 u:4}  chain: s4-t4 at 5.5 (a weak bridge), t4-u4 at 20
//  E4 {s:5 t:5 u:5}  triangle: s5-t5 at 5.5 (weak, not a bridge), others 20
//  E5 {s:6}          alone
//  E6 {s:7 .. s:11}  five records, strong chain: large
//  E7 {s:12 t:12}    no pairs.csv row joins them
class SuspiciousTest : public ::testing::Test {
 protected:
  SuspiciousTest()
      : view_(MakeView(
            {"s", "t", "u"},
            "source,source_record_id,entity_id\n"
            "s,1,E1\ns,2,E1\nt,1,E1\ns,3,E2\nt,3,E2\ns,4,E3\nt,4,E3\nu,4,E3\n"
            "s,5,E4\nt,5,E4\nu,5,E4\ns,6,E5\ns,7,E6\ns,8,E6\ns,9,E6\n"
            "s,10,E6\ns,11,E6\ns,12,E7\nt,12,E7\n",
            "source_a,source_record_id_a,source_b,source_record_id_b,weight,"
            "probability\n"
            "s,1,s,2,20,0.999\ns,1,t,1,20,0.999\ns,3,t,3,30,0.999\n"
            "s,4,t,4,5.5,0.6\nt,4,u,4,20,0.999\n"
            "s,5,t,5,5.5,0.6\nt,5,u,5,20,0.999\ns,5,u,5,20,0.999\n"
            "s,7,s,8,20,0.999\ns,8,s,9,20,0.999\ns,9,s,10,20,0.999\n"
            "s,10,s,11,20,0.999\n",
            5.0)) {
    AttachFacts({MakeRecord("s", "1", "M", "1980-01-02", ""),
                 MakeRecord("s", "2", "M", "02.01.1980", ""),
                 MakeRecord("t", "1", "F", "1980-02-01", ""),
                 MakeRecord("s", "3", "", "1970-05-05", "TUR"),
                 MakeRecord("t", "3", "", "1990-01-01", "GEO")},
                &view_);
  }
  LinkView view_;
};

TEST_F(SuspiciousTest, RanksByScoreWithReasons) {
  const std::vector<SuspiciousEntity> flagged = FindSuspicious(view_, {});
  std::vector<std::string> ids;
  for (const SuspiciousEntity& item : flagged) {
    ids.push_back(view_.entity_ids[item.entity]);
  }
  EXPECT_THAT(ids, ::testing::ElementsAre("E2", "E1", "E3", "E4", "E7", "E6"));
  ASSERT_EQ(flagged.size(), 6u);
  EXPECT_DOUBLE_EQ(flagged[0].score, 4.0 + 2.0);        // birth date, nationality
  EXPECT_DOUBLE_EQ(flagged[1].score, 4.0);              // sex
  EXPECT_DOUBLE_EQ(flagged[2].score, 3.0 + 0.75);       // weak bridge 0.5 above
  EXPECT_DOUBLE_EQ(flagged[3].score, 1.0 + 0.75);       // near threshold
  EXPECT_DOUBLE_EQ(flagged[4].score, 1.0);              // not connected
  EXPECT_NEAR(flagged[5].score, 0.5 * std::log2(5.0 / 3.0), 1e-12);  // large
  EXPECT_EQ(flagged[0].reasons[0].kind, "birth_date");
  EXPECT_EQ(flagged[0].reasons[1].kind, "nationality");
  EXPECT_THAT(flagged[0].reasons[1].text, HasSubstr("GEO (t:3), TUR (s:3)"));
  EXPECT_EQ(flagged[1].reasons[0].kind, "sex");
  EXPECT_THAT(flagged[1].reasons[0].text, HasSubstr("F (t:1), M (s:1, s:2)"));
  EXPECT_EQ(flagged[2].reasons[0].kind, "weak_bridge");
  EXPECT_THAT(flagged[2].reasons[0].text, HasSubstr("s:4 - t:4"));
  EXPECT_EQ(flagged[3].reasons[0].kind, "near_threshold");
  EXPECT_EQ(flagged[4].reasons[0].kind, "not_connected");
  EXPECT_EQ(flagged[5].reasons[0].kind, "large");
}

TEST_F(SuspiciousTest, DayMonthSwapIsNoConflict) {
  for (const SuspiciousEntity& item : FindSuspicious(view_, {})) {
    if (view_.entity_ids[item.entity] != "E1") continue;
    for (const Reason& reason : item.reasons) EXPECT_NE(reason.kind, "birth_date");
  }
}

TEST_F(SuspiciousTest, WiderMarginFlagsMoreLinks) {
  // With a margin of 20 bits the 20-bit links are still not weak (exactly
  // 15 above), but 5.5 scores closer to 1.
  SuspiciousOptions options;
  options.margin = 20.0;
  for (const SuspiciousEntity& item : FindSuspicious(view_, options)) {
    if (view_.entity_ids[item.entity] != "E4") continue;
    // s5-t5 (0.5 above): 1 + 0.975; t5-u5 and s5-u5 (15 above): 1 + 0.25 each.
    EXPECT_NEAR(item.score, 1.975 + 2 * 1.25, 1e-12);
  }
}

TEST_F(SuspiciousTest, WithoutFactsSkipsAttributeChecks) {
  view_.facts.clear();
  for (const SuspiciousEntity& item : FindSuspicious(view_, {})) {
    for (const Reason& reason : item.reasons) {
      EXPECT_NE(reason.kind, "sex");
      EXPECT_NE(reason.kind, "birth_date");
    }
  }
}

TEST(EntityLinksTest, FindsBridgesAndTheirParts) {
  // Two triangles joined by one link c-d: only c-d is a bridge, 3 + 3.
  const LinkView view = MakeView(
      {"x"},
      "source,source_record_id,entity_id\n"
      "x,a,E1\nx,b,E1\nx,c,E1\nx,d,E1\nx,e,E1\nx,f,E1\n",
      "source_a,source_record_id_a,source_b,source_record_id_b,weight,"
      "probability\n"
      "x,a,x,b,10,0.9\nx,b,x,c,10,0.9\nx,a,x,c,10,0.9\nx,c,x,d,6,0.7\n"
      "x,d,x,e,10,0.9\nx,e,x,f,10,0.9\nx,d,x,f,10,0.9\nx,a,x,f,1,0.02\n",
      5.0);
  const std::vector<EntityLink> links = EntityLinks(view, 0);
  ASSERT_EQ(links.size(), 8u);
  size_t bridges = 0;
  for (const EntityLink& link : links) {
    if (!link.bridge) continue;
    ++bridges;
    EXPECT_EQ(view.Label(link.a) + view.Label(link.b), "x:cx:d");
    EXPECT_EQ(link.part_a + link.part_b, 6u);
    EXPECT_EQ(link.part_a, 3u);
  }
  EXPECT_EQ(bridges, 1u);
  // Strongest first; the 1-bit row is no link.
  EXPECT_DOUBLE_EQ(links.front().weight, 10.0);
  EXPECT_FALSE(links.back().above_threshold);
  EXPECT_TRUE(LinksConnect(view, 0));
}

TEST(EntityLinksTest, ChainPartsAreOneAndTwo) {
  const LinkView view = MakeView(
      {"x"}, "source,source_record_id,entity_id\nx,a,E1\nx,b,E1\nx,c,E1\n",
      "source_a,source_record_id_a,source_b,source_record_id_b,weight,"
      "probability\nx,a,x,b,9,0.9\nx,b,x,c,7,0.8\n",
      5.0);
  for (const EntityLink& link : EntityLinks(view, 0)) {
    EXPECT_TRUE(link.bridge);
    EXPECT_EQ(std::multiset<size_t>({link.part_a, link.part_b}),
              std::multiset<size_t>({1, 2}));
  }
}

TEST(FormatPartialDateTest, ShowsWhatIsKnown) {
  EXPECT_EQ(FormatPartialDate({1985, 3, 12}), "1985-03-12");
  EXPECT_EQ(FormatPartialDate({1985, 3, 0}), "1985-03");
  EXPECT_EQ(FormatPartialDate({1985, 0, 0}), "1985");
  EXPECT_EQ(FormatPartialDate({}), "");
}

}  // namespace
}  // namespace reckon::service::audit

#include "linkage/transliterate/transliterator.h"

#include <string>
#include <thread>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "linkage/transliterate/script_rules.h"
#include "tests/testing/status_matchers.h"

namespace reckon {
namespace {

using ::reckon_testing::IsOkAndHolds;
using ::reckon_testing::StatusIs;
using ::testing::HasSubstr;

TEST(TransliteratorTest, UnknownIdIsInvalidArgumentNamingIt) {
  EXPECT_THAT(Transliterator::CreateFromId("Klingon-Latin"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("Klingon-Latin")));
}

TEST(TransliteratorTest, BadRulesAreInvalidArgumentNamingTheRuleSet) {
  EXPECT_THAT(Transliterator::CreateFromRules("broken", "a > ;\nb } > c;\n[x"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("broken")));
}

TEST(TransliteratorTest, RunsSystemTransliterator) {
  auto han = Transliterator::CreateFromId("Han-Latin");
  ASSERT_TRUE(han.ok()) << han.status();
  // 王 is wáng in the Unihan Mandarin reading.
  EXPECT_THAT((*han)->Transliterate("王"), IsOkAndHolds("wáng"));
}

TEST(TransliteratorTest, RunsOwnRules) {
  auto rules = Transliterator::CreateFromRules("test-rules", "ab > x; c > ;");
  ASSERT_TRUE(rules.ok()) << rules.status();
  EXPECT_THAT((*rules)->Transliterate("abcab"), IsOkAndHolds("xx"));
}

TEST(TransliteratorTest, RejectsInvalidUtf8) {
  auto any = Transliterator::CreateFromId("Any-Latin");
  ASSERT_TRUE(any.ok());
  EXPECT_THAT((*any)->Transliterate("ab\xC3"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("byte 2")));
}

TEST(TransliteratorTest, SharedAcrossThreads) {
  auto scripts = CreateScriptTransliterators();
  ASSERT_TRUE(scripts.ok()) << scripts.status();
  const Transliterator& cyrillic = *scripts->cyrillic;
  std::vector<std::thread> threads;
  std::vector<int> wrong(4, 0);
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 300; ++i) {
        absl::StatusOr<std::string> out = cyrillic.Transliterate("джафаров");
        if (!out.ok() || *out != "jafarov") ++wrong[static_cast<size_t>(t)];
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  EXPECT_THAT(wrong, ::testing::Each(0));
}

}  // namespace
}  // namespace reckon

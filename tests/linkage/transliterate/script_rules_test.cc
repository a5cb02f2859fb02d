#include "linkage/transliterate/script_rules.h"

#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/status_matchers.h"

namespace reckon {
namespace {

using ::reckon_testing::IsOkAndHolds;

class ScriptRulesTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    auto built = CreateScriptTransliterators();
    ASSERT_TRUE(built.ok()) << built.status();
    scripts_ = new ScriptTransliterators(*std::move(built));
  }
  static ScriptTransliterators* scripts_;
};
ScriptTransliterators* ScriptRulesTest::scripts_ = nullptr;

// Expected values follow the rule tables by hand (passport style).
TEST_F(ScriptRulesTest, CyrillicRussianAndAzerbaijaniLetters) {
  const Transliterator& t = *scripts_->cyrillic;
  EXPECT_THAT(t.Transliterate("джафаров"), IsOkAndHolds("jafarov"));
  EXPECT_THAT(t.Transliterate("гусейнов"), IsOkAndHolds("guseynov"));
  // е after a vowel, after ь, and at a word's start is ye.
  EXPECT_THAT(t.Transliterate("алиев"), IsOkAndHolds("aliyev"));
  EXPECT_THAT(t.Transliterate("васильев"), IsOkAndHolds("vasilyev"));
  EXPECT_THAT(t.Transliterate("евгений"), IsOkAndHolds("yevgeniy"));
  EXPECT_THAT(t.Transliterate("щербаков хуршида"),
              IsOkAndHolds("shcherbakov khurshida"));
  EXPECT_THAT(t.Transliterate("һәсәнов ҹаббаров"),
              IsOkAndHolds("həsənov jabbarov"));
  EXPECT_THAT(t.Transliterate("јовановић"), IsOkAndHolds("jovanović"));
}

TEST_F(ScriptRulesTest, CyrillicForeignNameHabits) {
  const Transliterator& t = *scripts_->cyrillic;
  // Indian aspirates: a stop then х is the stop then h.
  EXPECT_THAT(t.Transliterate("дхиллон сингх бхатт"),
              IsOkAndHolds("dhillon singh bhatt"));
  // A soft sign before а, о, у, э is a glide; й before ю я ё adds nothing,
  // before е it is the y of ye.
  EXPECT_THAT(t.Transliterate("неманьа"), IsOkAndHolds("nemanya"));
  EXPECT_THAT(t.Transliterate("йюксел"), IsOkAndHolds("yuksel"));
  EXPECT_THAT(t.Transliterate("ашйе"), IsOkAndHolds("ashye"));
}

TEST_F(ScriptRulesTest, FoldReadsGhAfterAConsonant) {
  const Transliterator& t = *scripts_->fold;
  EXPECT_THAT(t.Transliterate("sinğ"), IsOkAndHolds("singh"));
  EXPECT_THAT(t.Transliterate("doğan bağırov"), IsOkAndHolds("dogan bagirov"));
}

TEST_F(ScriptRulesTest, GeorgianNationalSystem) {
  EXPECT_THAT(scripts_->georgian->Transliterate("მამუკა ჭავჭავაძე"),
              IsOkAndHolds("mamuka chavchavadze"));
  EXPECT_THAT(scripts_->georgian->Transliterate("წერეთელი ყიფიანი"),
              IsOkAndHolds("tsereteli qipiani"));
}

TEST_F(ScriptRulesTest, ArabicScriptGlidesAndFinalHeh) {
  const Transliterator& t = *scripts_->arabic;
  // ح h, س s, ی between consonants i, ن n, final ی i.
  EXPECT_THAT(t.Transliterate("حسینی"), IsOkAndHolds("hsini"));
  // Initial و is v; final ه after a consonant is e.
  EXPECT_THAT(t.Transliterate("زاده"), IsOkAndHolds("zade"));
  // Harakat give short vowels: مُحَمَّد is m-u-h-a-m-shadda-a-d.
  EXPECT_THAT(t.Transliterate("مُحَمَّد"), IsOkAndHolds("muhamad"));
}

TEST_F(ScriptRulesTest, IndicDropsInherentVowel) {
  EXPECT_THAT(scripts_->indic->Transliterate("राहुल"), IsOkAndHolds("rāhul"));
  EXPECT_THAT(scripts_->indic->Transliterate("सिंह"), IsOkAndHolds("sinh"));
}

TEST_F(ScriptRulesTest, FoldAndHabits) {
  auto fold = [&](const char* text) {
    absl::StatusOr<std::string> folded = scripts_->fold->Transliterate(text);
    return folded.ok() ? scripts_->habits->Transliterate(*folded) : folded;
  };
  EXPECT_THAT(fold("məmmədov hüseynov ışıq"),
              IsOkAndHolds("mammadov huseynov ishiq"));
  EXPECT_THAT(fold("nguyễn văn an"), IsOkAndHolds("nguyen van an"));
  EXPECT_THAT(fold("gusejnov dzhafarov zadeh"),
              IsOkAndHolds("guseynov jafarov zade"));
  EXPECT_THAT(fold("evgenij moussavi mahmood zhou"),
              IsOkAndHolds("evgeniy mussavi mahmud zhou"));
}

TEST_F(ScriptRulesTest, TurkicReadsCAndX) {
  EXPECT_THAT(scripts_->turkic->Transliterate("cəfərov xəlilov qasımov"),
              IsOkAndHolds("jəfərov khəlilov gasımov"));
}

}  // namespace
}  // namespace reckon

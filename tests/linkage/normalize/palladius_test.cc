#include "linkage/normalize/palladius.h"

#include <optional>
#include <string>

#include "gtest/gtest.h"

namespace reckon::normalize_internal {
namespace {

// Readings worked out by hand from the Palladius tables: initials б п м ф
// д т н л г к х, цз (j/z), ц (q/c), с (x/s), чж, ч, ш, ж (r); finals with
// -нь for -n and -н for -ng.
std::string Pinyin(std::u16string_view word) {
  std::optional<PalladiusReading> reading = ReadPalladius(word);
  return reading.has_value() ? reading->pinyin : "<none>";
}

TEST(PalladiusTest, ReadsSyllables) {
  EXPECT_EQ(Pinyin(u"жэнь"), "ren");
  EXPECT_EQ(Pinyin(u"сюй"), "xu");
  EXPECT_EQ(Pinyin(u"чжун"), "zhong");
  EXPECT_EQ(Pinyin(u"ван"), "wang");
  EXPECT_EQ(Pinyin(u"вань"), "wan");
  EXPECT_EQ(Pinyin(u"ху"), "hu");
  EXPECT_EQ(Pinyin(u"лэй"), "lei");
  EXPECT_EQ(Pinyin(u"лю"), "liu");
  EXPECT_EQ(Pinyin(u"люй"), "lyu");
  EXPECT_EQ(Pinyin(u"цзян"), "jiang");
  EXPECT_EQ(Pinyin(u"чжан"), "zhang");
  EXPECT_EQ(Pinyin(u"сяо"), "xiao");
  EXPECT_EQ(Pinyin(u"цуй"), "cui");
  EXPECT_EQ(Pinyin(u"юй"), "yu");
  EXPECT_EQ(Pinyin(u"цзы"), "zi");
  EXPECT_EQ(Pinyin(u"сы"), "si");
  EXPECT_EQ(Pinyin(u"го"), "guo");
  EXPECT_EQ(Pinyin(u"цзюань"), "juan");
  EXPECT_EQ(Pinyin(u"чжуан"), "zhuang");
}

TEST(PalladiusTest, SplitsWordsIntoFewestSyllables) {
  EXPECT_EQ(Pinyin(u"сяомин"), "xiaoming");      // сяо-мин, not ся-о-мин
  EXPECT_EQ(Pinyin(u"цзяньхуа"), "jianhua");
  EXPECT_EQ(Pinyin(u"лицзюань"), "lijuan");
  std::optional<PalladiusReading> reading = ReadPalladius(u"сяомин");
  ASSERT_TRUE(reading.has_value());
  EXPECT_EQ(reading->syllables, 2);
  EXPECT_TRUE(reading->distinctive);
}

TEST(PalladiusTest, RussianNamesAreNotDistinctive) {
  // They split, but with spellings Russian uses: the caller keeps them.
  for (std::u16string_view word : {u"лена", u"иван", u"анна", u"эркан"}) {
    std::optional<PalladiusReading> reading = ReadPalladius(word);
    ASSERT_TRUE(reading.has_value());
    EXPECT_FALSE(reading->distinctive);
    EXPECT_GT(reading->syllables, 1);
  }
  // Turkic ü written ю, Georgian -уа.
  for (std::u16string_view word : {u"сюлейман", u"гогуа"}) {
    std::optional<PalladiusReading> reading = ReadPalladius(word);
    EXPECT_FALSE(reading.has_value() && reading->distinctive);
  }
}

TEST(PalladiusTest, RefusesWhatIsNotPalladius) {
  EXPECT_FALSE(ReadPalladius(u"мамедов").has_value());
  EXPECT_FALSE(ReadPalladius(u"неманьа").has_value());  // ь before a vowel
  EXPECT_FALSE(ReadPalladius(u"хан").has_value());      // Khan
  EXPECT_FALSE(ReadPalladius(u"ле").has_value());       // Vietnamese Lê
  EXPECT_FALSE(ReadPalladius(u"").has_value());
  EXPECT_FALSE(ReadPalladius(u"чен").has_value());      // not standard
}

}  // namespace
}  // namespace reckon::normalize_internal

#include "linkage/normalize/palladius.h"

#include <optional>
#include <string>
#include <string_view>

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

TEST(PalladiusTest, ReadsHuiAsWritten) {
  // hui is хуэй in Palladius (not ху-эй).
  EXPECT_EQ(Pinyin(u"хуэй"), "hui");
  EXPECT_EQ(Pinyin(u"минхуэй"), "minghui");
}

// Romanized Palladius: the Latin spelling of the Cyrillic, read back as
// pinyin. Expected readings are the Chinese names the spellings stand for
// (Czjun = Цзюнь = Jun, Chzhen = Чжэн = Zheng, ...), worked out by hand.
std::string Romanized(std::string_view word) {
  std::optional<PalladiusReading> reading = ReadRomanizedPalladius(word);
  return reading.has_value() ? reading->pinyin : "<none>";
}

bool Distinctive(std::string_view word) {
  std::optional<PalladiusReading> reading = ReadRomanizedPalladius(word);
  return reading.has_value() && reading->distinctive;
}

TEST(RomanizedPalladiusTest, ReadsGostBgnAndIcaoSpellings) {
  EXPECT_EQ(Romanized("czjun"), "jun");        // GOST Цзюнь
  EXPECT_EQ(Romanized("tszyun"), "jun");       // BGN
  EXPECT_EQ(Romanized("juj"), "yu");           // GOST Юй
  EXPECT_EQ(Romanized("yuy"), "yu");           // BGN
  EXPECT_EQ(Romanized("chzhen"), "zheng");     // Чжэн
  EXPECT_EQ(Romanized("sjuin"), "xiuying");    // Сюин
  EXPECT_EQ(Romanized("tszyai"), "jiayi");     // Цзяи: tszya-i
  EXPECT_EQ(Romanized("vej"), "wei");          // Вэй
  EXPECT_EQ(Romanized("vei"), "wei");          // ICAO
  EXPECT_EQ(Romanized("jan"), "yang");         // Ян
  EXPECT_EQ(Romanized("lej"), "lei");          // Лэй
  EXPECT_EQ(Romanized("van"), "wang");         // Ван
  EXPECT_EQ(Romanized("cjan"), "qiang");       // Цян
  EXPECT_EQ(Romanized("tsyan"), "qiang");
  EXPECT_EQ(Romanized("chzhitsyan"), "zhiqiang");  // Чжицян
  EXPECT_EQ(Romanized("cen"), "cen");          // Цэнь
  EXPECT_EQ(Romanized("tszen"), "zeng");       // Цзэн
  EXPECT_EQ(Romanized("khuey"), "hui");        // Хуэй
  EXPECT_EQ(Romanized("huej"), "hui");         // GOST with h for х
  EXPECT_EQ(Romanized("sja"), "xia");          // Ся
  EXPECT_EQ(Romanized("chzhun"), "zhong");     // Чжун
  EXPECT_EQ(Romanized("sjaomin"), "xiaoming");  // Сяомин: sjao-min
  EXPECT_EQ(Romanized("czjuncze"), "junjie");  // Цзюньцзе
}

TEST(RomanizedPalladiusTest, SoftSignWrittenAsApostropheIsTheNFinal) {
  EXPECT_EQ(Romanized("van'"), "wan");   // Вань
  EXPECT_EQ(Romanized("van"), "wang");   // Ван
  EXPECT_EQ(Romanized("lin'"), "lin");   // Линь
  EXPECT_TRUE(Distinctive("van'"));
}

TEST(RomanizedPalladiusTest, MarksAreDistinctive) {
  for (std::string_view word : {"czjun", "tszyun", "juj", "chzhen", "tszyai",
                                "vej", "lej", "cjan", "tsyan", "khuey", "sja",
                                "chzhun", "sjaomin", "cuj"}) {
    EXPECT_TRUE(Distinctive(word)) << word;
  }
  // -ej and lj/tj/sj before an count only in a one-syllable word.
  EXPECT_TRUE(Distinctive("ljan"));
  EXPECT_TRUE(Distinctive("tyan"));
  EXPECT_FALSE(Distinctive("chunmej"));
  // No mark: read only beside a marked word (name_forms.h).
  for (std::string_view word : {"van", "jan", "sjuin", "hajtao", "go"}) {
    EXPECT_FALSE(Distinctive(word)) << word;
  }
}

TEST(RomanizedPalladiusTest, OtherLatinNamesAreNotDistinctive) {
  // They split into romanized syllables but carry no mark: Russian in GOST
  // and BGN (Timofej, Syuleyman), Armenian -yan, Georgian ts, Serbian lj,
  // Vietnamese Huy as Russian writes it (Хуй), Italian ao, Indian aj.
  for (std::string_view word :
       {"timofej", "timofey", "syuleyman", "sjulejman", "simonyan",
        "minasyan", "akopjan", "hakobyan", "tsitsino", "ljubica", "huj",
        "paolo", "ajay", "ivan", "ivana", "anna", "lena", "milan", "nyan",
        "dyan"}) {
    EXPECT_FALSE(Distinctive(word)) << word;
  }
  // A syllable does not end in n before a vowel.
  for (std::string_view word : {"tatjana", "tatyana", "kristina"}) {
    EXPECT_EQ(Romanized(word), "<none>") << word;
  }
  EXPECT_EQ(Romanized("khan"), "<none>");
  EXPECT_EQ(Romanized("smith"), "<none>");
  EXPECT_EQ(Romanized(""), "<none>");
}

}  // namespace
}  // namespace reckon::normalize_internal

#include "linkage/normalize/name_forms.h"

#include <random>
#include <string>
#include <vector>

#include <tbb/parallel_for.h>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/status_matchers.h"

namespace reckon {
namespace {

using ::reckon_testing::IsOk;
using ::reckon_testing::StatusIs;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

class NameFormsTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    auto built = NameNormalizer::Create();
    ASSERT_TRUE(built.ok()) << built.status();
    normalizer_ = built->release();
  }
  static NameForms Forms(std::string_view raw) {
    absl::StatusOr<NameForms> forms = normalizer_->Normalize(raw);
    EXPECT_TRUE(forms.ok()) << forms.status();
    return forms.ok() ? *forms : NameForms{};
  }
  static NameNormalizer* normalizer_;
};
NameNormalizer* NameFormsTest::normalizer_ = nullptr;

TEST_F(NameFormsTest, TurkicCaseFolding) {
  // İ is i in every word; I is ı only in a word that is visibly Turkic.
  EXPECT_EQ(Forms("İLKİN").display, "ilkin");
  EXPECT_EQ(Forms("IŞIQ").display, "ışıq");
  EXPECT_EQ(Forms("ISMAYIL").display, "ismayil");
  EXPECT_EQ(Forms("İSMAYILOV").display, "ismayılov");
  // Azerbaijani ş is sh and q is the g of Russian-style spellings.
  EXPECT_EQ(Forms("IŞIQ").comparison, "ishig");
}

TEST_F(NameFormsTest, DisplayTidiesSpacesAndPunctuation) {
  EXPECT_EQ(Forms("  Əli \t -  Heydər ,Vəli  ").display, "əli-heydər, vəli");
  // NFKC: fullwidth letters and the ﬁ ligature become plain ones.
  EXPECT_EQ(Forms("ＡＬＩ ﬁruz").display, "ali firuz");
  // Apostrophes unified, format characters (ZWNJ, bidi mark) removed.
  EXPECT_EQ(Forms("O’Brien\u200E").display, "o'brien");
}

TEST_F(NameFormsTest, AzerbaijaniPatronymicWithMarker) {
  const NameForms forms = Forms("Əliyev Rəşad Vaqif oğlu");
  EXPECT_THAT(forms.tokens, ElementsAre("aliyev", "rashad"));
  EXPECT_THAT(forms.patronymic_tokens, ElementsAre("vagif"));
  EXPECT_EQ(forms.comparison, "aliyev rashad");
  EXPECT_EQ(forms.sorted_tokens, Forms("Rashad Aliyev").sorted_tokens);
  EXPECT_EQ(forms.display, "əliyev rəşad vaqif oğlu");
}

TEST_F(NameFormsTest, PatronymicSuffixesAndMarkers) {
  EXPECT_THAT(Forms("Алиев Рашад Вагифович").patronymic_tokens,
              ElementsAre("vagif"));
  const NameForms daughter = Forms("Алиева Севиндж Рашадовна");
  EXPECT_THAT(daughter.tokens, ElementsAre("aliyeva", "sevinj"));
  EXPECT_THAT(daughter.patronymic_tokens, ElementsAre("rashad"));
  EXPECT_THAT(Forms("Мамедова Айсель Эльчин кызы").patronymic_tokens,
              ElementsAre("elchin"));
  const NameForms arabic = Forms("Ali bin Ahmad");
  EXPECT_THAT(arabic.tokens, ElementsAre("ali"));
  EXPECT_THAT(arabic.patronymic_tokens, ElementsAre("ahmad"));
  EXPECT_THAT(Forms("Almaz Asan uulu").patronymic_tokens, ElementsAre("asan"));
}

TEST_F(NameFormsTest, SerbianSurnamesAreNotPatronymics) {
  // Two words: -ovich is a surname, not a father's name. (Its Serbian j is
  // read as the glide y, as Йованович gives.)
  const NameForms forms = Forms("Marko Jovanovich");
  EXPECT_THAT(forms.tokens, ElementsAre("marko", "yovanovich"));
  EXPECT_THAT(forms.patronymic_tokens, IsEmpty());
  // The first word never is one either.
  EXPECT_THAT(Forms("Abramovich Ivan Petrovich").patronymic_tokens,
              ElementsAre("petr"));
}

TEST_F(NameFormsTest, HanNameOrderAndSyllables) {
  const NameForms han = Forms("王小明");
  EXPECT_THAT(han.tokens, ElementsAre("wang", "xiaoming"));
  EXPECT_THAT(Forms("Wang Xiao Ming").tokens, ElementsAre("wang", "xiaoming"));
  EXPECT_THAT(Forms("WANG Xiao-Ming").tokens, ElementsAre("wang", "xiaoming"));
  EXPECT_THAT(Forms("Xiaoming Wang").tokens, ElementsAre("xiaoming", "wang"));
  EXPECT_EQ(Forms("Xiaoming Wang").sorted_tokens, han.sorted_tokens);
  EXPECT_EQ(han.sorted_tokens, "wang xiaoming");
  // A compound surname takes two characters.
  EXPECT_THAT(Forms("欧阳娜娜").tokens, ElementsAre("ouyang", "nana"));
  // Spaced Han is one name too.
  EXPECT_THAT(Forms("王 小明").tokens, ElementsAre("wang", "xiaoming"));
}

TEST_F(NameFormsTest, PersianScript) {
  EXPECT_EQ(Forms("محمد حسینی").comparison, "mohammad hosseini");
  // Arabic kaf and yeh are read like the Persian letters.
  EXPECT_EQ(Forms("كريمي").comparison, "karimi");
  // A name outside the lexicon goes through the rules: vowels unwritten.
  EXPECT_EQ(Forms("بهرامی").comparison, "bhrami");
  EXPECT_EQ(Forms("بهرامی").skeleton, Forms("Bahrami").skeleton);
}

TEST_F(NameFormsTest, CyrillicAzerbaijaniAndRussianMeet) {
  const NameForms cyrillic = Forms("Гусейнов");
  const NameForms latin = Forms("Hüseynov");
  EXPECT_EQ(cyrillic.comparison, "guseynov");
  EXPECT_EQ(latin.comparison, "huseynov");
  EXPECT_EQ(cyrillic.phonetic, latin.phonetic);
  EXPECT_EQ(Forms("Cəfərov").comparison, "jafarov");
  EXPECT_EQ(Forms("Джафаров").comparison, "jafarov");
}

TEST_F(NameFormsTest, InvalidUtf8IsRejectedWithOffset) {
  EXPECT_THAT(normalizer_->Normalize("Al\xFFi"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("byte 2")));
  EXPECT_THAT(normalizer_->Normalize("\xED\xA0\x80"),  // a surrogate
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("byte 0")));
}

TEST_F(NameFormsTest, ControlCharactersSeparateWords) {
  const std::string with_nul("Ali\0Veli\x01\x7F", 10);
  const NameForms forms = Forms(with_nul);
  EXPECT_EQ(forms.display, "ali veli");
  EXPECT_THAT(forms.tokens, ElementsAre("ali", "veli"));
  EXPECT_EQ(Forms("Ali\u0085Veli").display, "ali veli");  // C1 NEL
}

TEST_F(NameFormsTest, OverLongNameIsRejected) {
  const std::string huge(100 * 1024, 'a');
  EXPECT_THAT(normalizer_->Normalize(huge),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("too long")));
  // With the limit raised it is processed, not crashed on.
  auto roomy = NameNormalizer::Create({.cache_capacity = 0,
                                       .max_name_bytes = 200 * 1024});
  ASSERT_TRUE(roomy.ok());
  std::string words;
  while (words.size() < 100 * 1024) words += "Məmmədov Гусейнов 王小明 ";
  absl::StatusOr<NameForms> forms = (*roomy)->Normalize(words);
  ASSERT_THAT(forms, IsOk());
  EXPECT_GT(forms->tokens.size(), 1000u);
}

TEST_F(NameFormsTest, EmptyAndLetterlessNames) {
  EXPECT_EQ(Forms(""), NameForms{});
  const NameForms blank = Forms(" \t ");
  EXPECT_EQ(blank.display, "");
  EXPECT_THAT(blank.tokens, IsEmpty());
  const NameForms punct = Forms("--,.");
  EXPECT_THAT(punct.tokens, IsEmpty());
  EXPECT_EQ(punct.sorted_tokens, "");
}

TEST_F(NameFormsTest, DigitsStayInDisplayOnly) {
  const NameForms forms = Forms("Ali2 Veli 3");
  EXPECT_EQ(forms.display, "ali2 veli 3");
  EXPECT_EQ(forms.comparison, "ali veli");
  EXPECT_THAT(forms.phonetic, ElementsAre("AL", "FAL"));
}

TEST_F(NameFormsTest, DigitsInsideWordsAreReadAsLetters) {
  EXPECT_EQ(Forms("Fy0dor").comparison, "fyodor");
  EXPECT_EQ(Forms("E1nur").comparison, "elnur");       // 1 before lower case
  EXPECT_EQ(Forms("AL1YEV").comparison, "aliyev");     // 1 before capitals
  EXPECT_EQ(Forms("AY5E").comparison, "ayse");
  EXPECT_EQ(Forms("5HARMA").comparison, "sharma");     // at a word's start
  EXPECT_EQ(Forms("3ураб").comparison, "zurab");       // Cyrillic 3 is з
  EXPECT_EQ(Forms("Fy0dor").display, "fy0dor");        // display keeps it
  // After the last letter, or a run of three, a digit stays a digit.
  EXPECT_EQ(Forms("Ivanov2").comparison, "ivanov");
  EXPECT_EQ(Forms("Ali123veli").comparison, "ali veli");
  EXPECT_EQ(Forms("A1").comparison, "a");              // one letter: not a word
}

TEST_F(NameFormsTest, PalladiusCyrillicMeetsPinyin) {
  EXPECT_EQ(Forms("Жэнь").comparison, "ren");
  EXPECT_EQ(Forms("Сюй").comparison, "xu");
  EXPECT_EQ(Forms("ЧЖун").comparison, "zhong");
  EXPECT_EQ(Forms("Цзян").comparison, "jiang");
  EXPECT_EQ(Forms("Лю").comparison, "liu");
  EXPECT_EQ(Forms("Сяомин").comparison, "xiaoming");
  EXPECT_THAT(Forms("Чжан Вэй").tokens, ElementsAre("zhang", "wei"));
  EXPECT_EQ(Forms("Ван Ли").comparison, "wang li");
  // Not Chinese: Russian names, Ван beside a non-Palladius word, Хан.
  EXPECT_EQ(Forms("Лена").comparison, "lena");
  EXPECT_EQ(Forms("Иван").comparison, "ivan");
  EXPECT_EQ(Forms("Эркан").comparison, "erkan");
  EXPECT_EQ(Forms("Сюлейман").comparison, "syuleyman");
  EXPECT_EQ(Forms("Нгуен Ван Ан").comparison, "nguyen van an");
  EXPECT_EQ(Forms("Хан").comparison, "khan");
}

TEST_F(NameFormsTest, RomanizedPalladiusMeetsPinyin) {
  // Chinese names in Latin transliterated from Palladius Cyrillic, as
  // Russian-side registers write them; the pinyin they stand for by hand.
  EXPECT_THAT(Forms("Czjun Juj").tokens, ElementsAre("jun", "yu"));
  EXPECT_THAT(Forms("Chzhen Sjuin").tokens, ElementsAre("zheng", "xiuying"));
  EXPECT_EQ(Forms("Tszyai").comparison, "jiayi");
  EXPECT_THAT(Forms("Vej Jan").tokens, ElementsAre("wei", "yang"));
  EXPECT_THAT(Forms("Lej Van").tokens, ElementsAre("lei", "wang"));
  EXPECT_EQ(Forms("Cjan").comparison, "qiang");
  EXPECT_THAT(Forms("Chzhitsyan Cen").tokens, ElementsAre("zhiqiang", "cen"));
  EXPECT_THAT(Forms("Tsyan Tszen").tokens, ElementsAre("qiang", "zeng"));
  EXPECT_EQ(Forms("Khuey").comparison, "hui");
  EXPECT_EQ(Forms("Sja").comparison, "xia");
  EXPECT_EQ(Forms("Chzhun").comparison, "zhong");
  EXPECT_EQ(Forms("CHZHAN").comparison, "zhang");
  // They meet the passport spelling in either order.
  EXPECT_EQ(Forms("Czjun Juj").sorted_tokens, Forms("Yu Jun").sorted_tokens);
  EXPECT_EQ(Forms("Sjaomin Van").sorted_tokens,
            Forms("Wang Xiaoming").sorted_tokens);
  // A marked word is read beside a word that is not Palladius.
  EXPECT_THAT(Forms("Chzhan Wang").tokens, ElementsAre("zhang", "wang"));
  // Pinyin keeps its spelling (jun is not read as Юнь, yun).
  EXPECT_EQ(Forms("Jun").comparison, "jun");
  EXPECT_EQ(Forms("Wang Xiaoming").comparison, "wang xiaoming");
  EXPECT_EQ(Forms("Chen Jing").comparison, "chen jing");
  EXPECT_EQ(Forms("Juan").comparison, "juan");
}

TEST_F(NameFormsTest, OtherLatinNamesAreNotReadAsPalladius) {
  // Names of other cultures from linkage/synth/names.cc and
  // tests/data/names/variants.tsv that split into romanized Palladius
  // syllables (Ivan = и-вань, Levan = лэ-вань, Milan = ми-лань ...) but
  // carry no mark: each keeps its plain lower-case spelling.
  for (std::string_view name :
       {"Ivan", "Elena", "Yelena", "Milan", "Hasan", "Ali", "Leila", "Nino",
        "Luka", "Khatuna", "Levan", "Ketevan", "Tinatin", "Dina", "Sabina",
        "Madina", "Aisha", "Salome", "Shota", "Nikolai", "Lasha", "Gela",
        "Keti", "Hosein", "Emin", "Sinan", "Kenan", "Dogan", "Hakan", "Aydin",
        "Mohan", "Anita", "Sunita", "Neha", "Usha", "Babatunde", "Adebayo",
        "Otieno", "Mulugeta", "Chinedu", "Santiago", "Angelo", "Eden", "Seda",
        "Semen", "Hatice", "Ayse", "Tuncay", "Dejan", "Natalia", "Dan",
        "Jan", "Van", "Li", "Anna", "Lena", "Maria", "Kemal", "Sasha",
        "Jovan", "Paolo", "Ajay", "Timofey", "Syuleyman", "Simonyan",
        "Minasyan", "Hakobyan", "Tsitsino", "Ljubica"}) {
    std::string lower(name);
    for (char& c : lower) c = static_cast<char>(c | 0x20);
    EXPECT_EQ(Forms(name).comparison, lower) << name;
  }
  // Slavic j spellings keep their own reading (Tanja -> tanya), and a
  // one-syllable word without a mark stays beside another such word.
  EXPECT_EQ(Forms("Tanja").comparison, "tanya");
  EXPECT_EQ(Forms("Tatjana").comparison, "tatyana");
  EXPECT_EQ(Forms("Van Li").comparison, "van li");
  EXPECT_EQ(Forms("Nguyen Van An").comparison, "nguyen van an");
  EXPECT_EQ(Forms("Jan Van").comparison, "jan van");
}

TEST_F(NameFormsTest, SlavicJAndPassportIotation) {
  EXPECT_EQ(Forms("Jurij").comparison, "yuriy");
  EXPECT_EQ(Forms("Julija").comparison, "yuliya");
  EXPECT_EQ(Forms("Tatjana").comparison, "tatyana");
  EXPECT_EQ(Forms("Stojanović").comparison, "stoyanovic");
  EXPECT_EQ(Forms("Стојановић").comparison, "stoyanovic");
  EXPECT_EQ(Forms("Јован").comparison, "jovan");  // no Slavic sign: as Jovan
  EXPECT_EQ(Forms("Liudmila").comparison, "lyudmila");
  EXPECT_EQ(Forms("Liubov").comparison, "lyubov");  // not liu-bo-v pinyin
  // The affricate j stays.
  EXPECT_EQ(Forms("Jafarov").comparison, "jafarov");
  EXPECT_EQ(Forms("Khadija").comparison, "khadija");
  EXPECT_EQ(Forms("Sanjar").comparison, "sanjar");
  EXPECT_EQ(Forms("Lobjanidze").comparison, "lobjanidze");
  EXPECT_EQ(Forms("Avcı").comparison, "avji");
  EXPECT_EQ(Forms("Озджан").comparison, "ozjan");
  // The i of pinyin and of Italian or Georgian gi stays.
  EXPECT_EQ(Forms("Liang").comparison, "liang");
  EXPECT_EQ(Forms("Giorgi").comparison, "giorgi");
}

TEST_F(NameFormsTest, SpellingsOfOneNameShareThePhoneticCode) {
  auto same = [](std::string_view a, std::string_view b) {
    EXPECT_EQ(Forms(a).phonetic, Forms(b).phonetic) << a << " / " << b;
  };
  same("Неманьа", "Nemanja");
  same("Немања", "Nemanja");
  same("Лю", "Liu");
  same("Сингх", "Singh");
  same("Sinğ", "Singh");
  same("Дхиллон", "Dhillon");
  same("Йюксел", "Yüksel");
  same("Çovdhury", "Chowdhury");
  same("Фатих", "Fatih");
  same("Tssiklauri", "Tsiklauri");
  same("Gjunel", "Günel");
  same("Jyldyz", "Yıldız");
}

TEST_F(NameFormsTest, TwoSyllableGivenNameJoins) {
  EXPECT_THAT(Forms("Zhi Ming").tokens, ElementsAre("zhiming"));
  EXPECT_THAT(Forms("Li Na").tokens, ElementsAre("li", "na"));
  EXPECT_THAT(Forms("Ming Wang").tokens, ElementsAre("ming", "wang"));
  // Russian letters read plainly are not pinyin: Vietnamese Thị Lan.
  EXPECT_THAT(Forms("Ти Лан").tokens, ElementsAre("ti", "lan"));
}

TEST_F(NameFormsTest, ParticlesJoin) {
  EXPECT_THAT(Forms("Juan dela Cruz").tokens, ElementsAre("juan", "delacruz"));
  EXPECT_THAT(Forms("Juan De La Cruz").tokens,
              ElementsAre("juan", "delacruz"));
  EXPECT_THAT(Forms("Abd al-Rahman").tokens, ElementsAre("abdalrahman"));
}

TEST_F(NameFormsTest, CacheGivesTheSameFormsAndCounts) {
  auto normalizer = NameNormalizer::Create({.cache_capacity = 1000});
  ASSERT_TRUE(normalizer.ok());
  absl::StatusOr<NameForms> first = (*normalizer)->Normalize("Məmmədov");
  absl::StatusOr<NameForms> second = (*normalizer)->Normalize("Məmmədov");
  ASSERT_TRUE(first.ok() && second.ok());
  EXPECT_EQ(*first, *second);
  EXPECT_EQ(*first, *(*normalizer)->NormalizeUncached("Məmmədov"));
  const NameNormalizer::CacheStats stats = (*normalizer)->cache_stats();
  EXPECT_EQ(stats.hits, 1u);
  EXPECT_EQ(stats.misses, 1u);
  EXPECT_EQ(stats.size, 1u);
}

TEST_F(NameFormsTest, CacheStaysBoundedAndCorrect) {
  auto normalizer = NameNormalizer::Create({.cache_capacity = 256});
  ASSERT_TRUE(normalizer.ok());
  for (int round = 0; round < 2; ++round) {
    for (int i = 0; i < 2000; ++i) {
      const std::string name = "Name" + std::string(1, static_cast<char>(
                                            'a' + i % 26)) +
                               std::to_string(i);
      absl::StatusOr<NameForms> forms = (*normalizer)->Normalize(name);
      ASSERT_TRUE(forms.ok());
    }
  }
  // 64 shards of two generations of max(1, 256 / 64 / 2) entries.
  EXPECT_LE((*normalizer)->cache_stats().size, 256u);
}

TEST_F(NameFormsTest, ConcurrentNormalizationMatchesSerial) {
  const std::vector<std::string> names = {
      "Məmmədov", "Гусейнов Эльчин", "王小明", "محمد حسینی", "მამუკა",
      "Nguyễn Văn An", "Əliyev Rəşad Vaqif oğlu", "राहुल शर्मा", "Jovanović"};
  std::vector<NameForms> expected;
  for (const std::string& name : names) {
    expected.push_back(*normalizer_->NormalizeUncached(name));
  }
  auto shared = NameNormalizer::Create({.cache_capacity = 64});
  ASSERT_TRUE(shared.ok());
  std::vector<int> wrong(20000, 0);
  tbb::parallel_for(size_t{0}, wrong.size(), [&](size_t i) {
    absl::StatusOr<NameForms> forms =
        (*shared)->Normalize(names[i % names.size()]);
    wrong[i] = !forms.ok() || *forms != expected[i % names.size()];
  });
  EXPECT_THAT(wrong, ::testing::Each(0));
}

TEST_F(NameFormsTest, FuzzedInputNeverCrashes) {
  std::mt19937 random(20240611);
  // Pieces of real names in several scripts, controls, marks and garbage.
  const std::vector<std::string> pieces = {
      "Məm", "ов", "王", "ი", "حس", "ह", "ễ", "-", "'", " ", "\t", "\x01",
      "\xCC\x81", "\xE2\x80\x8C", "oğlu", "ovich", "bin", "de", "la", "1",
      "\xF0\x9F\x98\x80", "İ", "I", "ß", "\xFF", "\xC3", "\xE4\xB8"};
  for (int i = 0; i < 3000; ++i) {
    std::string name;
    const int length = static_cast<int>(random() % 12);
    for (int k = 0; k < length; ++k) name += pieces[random() % pieces.size()];
    absl::StatusOr<NameForms> forms = normalizer_->NormalizeUncached(name);
    if (!forms.ok()) {
      EXPECT_EQ(forms.status().code(), absl::StatusCode::kInvalidArgument);
      continue;
    }
    EXPECT_EQ(forms->phonetic.size(), forms->tokens.size());
    EXPECT_EQ(forms->skeleton.size(), forms->tokens.size());
    for (const std::string& token : forms->tokens) {
      EXPECT_FALSE(token.empty());
      for (char c : token) EXPECT_TRUE(c >= 'a' && c <= 'z') << name;
    }
  }
}

}  // namespace
}  // namespace reckon

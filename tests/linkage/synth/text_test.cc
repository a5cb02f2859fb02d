// The generator's own spelling rules and name lists. Expected spellings are
// the ones printed in passports and registers (DESIGN.md quotes several) or
// worked out by hand from the standard tables (ICAO 9303 for Russian,
// Georgian national romanization, Palladius for pinyin).
#include "linkage/synth/text.h"

#include <algorithm>
#include <array>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

#include "linkage/synth/names.h"
#include "linkage/synth/random.h"

namespace reckon::synth_internal {
namespace {

using ::testing::Contains;
using ::testing::Not;

TEST(CyrillicToLatinTest, SchemesSpellGuseynovTheirOwnWay) {
  EXPECT_EQ(CyrillicToLatin(CyrillicScheme::kGost).Apply("Гусейнов"),
            "Gusejnov");
  EXPECT_EQ(CyrillicToLatin(CyrillicScheme::kBgn).Apply("Гусейнов"),
            "Guseynov");
  EXPECT_EQ(CyrillicToLatin(CyrillicScheme::kIcao).Apply("Гусейнов"),
            "Guseinov");
  EXPECT_EQ(CyrillicToLatin(CyrillicScheme::kBgn).Apply("Мамедов"), "Mamedov");
  EXPECT_EQ(CyrillicToLatin(CyrillicScheme::kBgn).Apply("Джафаров"),
            "Dzhafarov");
}

TEST(CyrillicToLatinTest, BgnWritesYeAfterVowelsAndIcaoFollowsPassports) {
  EXPECT_EQ(CyrillicToLatin(CyrillicScheme::kBgn).Apply("Алиев"), "Aliyev");
  EXPECT_EQ(CyrillicToLatin(CyrillicScheme::kBgn).Apply("Елена"), "Yelena");
  EXPECT_EQ(CyrillicToLatin(CyrillicScheme::kIcao).Apply("Юлия"), "Iuliia");
  EXPECT_EQ(CyrillicToLatin(CyrillicScheme::kIcao).Apply("Наталья"), "Natalia");
  EXPECT_EQ(CyrillicToLatin(CyrillicScheme::kIcao).Apply("Щербаков"),
            "Shcherbakov");
}

TEST(CyrillicToAzerbaijaniTest, UsesAzerbaijaniLetters) {
  EXPECT_EQ(CyrillicToAzerbaijani().Apply("Жуков"), "Jukov");
  EXPECT_EQ(CyrillicToAzerbaijani().Apply("Сергей"), "Sergey");
  EXPECT_EQ(CyrillicToAzerbaijani().Apply("Чернышёв"), "Çernışyov");
  EXPECT_EQ(CyrillicToAzerbaijani().Apply("Иван"), "İvan");
}

TEST(AzerbaijaniToPassportTest, FollowsAzerbaijaniPassports) {
  EXPECT_EQ(AzerbaijaniToPassport().Apply("Məmmədov"), "Mammadov");
  EXPECT_EQ(AzerbaijaniToPassport().Apply("Cəfərov"), "Jafarov");
  EXPECT_EQ(AzerbaijaniToPassport().Apply("Xəlilov"), "Khalilov");
  EXPECT_EQ(AzerbaijaniToPassport().Apply("Quliyev"), "Guliyev");
  EXPECT_EQ(AzerbaijaniToPassport().Apply("Ağayev"), "Aghayev");
  EXPECT_EQ(AzerbaijaniToPassport().Apply("İsmayılov"), "Ismayilov");
}

TEST(LatinToCyrillicTest, DialectsReadCAndJDifferently) {
  EXPECT_EQ(LatinToCyrillic(LatinDialect::kTurkish).Apply("Acar"), "Аджар");
  EXPECT_EQ(LatinToCyrillic(LatinDialect::kTurkish).Apply("Yılmaz"), "Йылмаз");
  EXPECT_EQ(LatinToCyrillic(LatinDialect::kSerbian).Apply("Jovanović"),
            "Йованович");
  EXPECT_EQ(LatinToCyrillic(LatinDialect::kEnglish).Apply("Rajesh"), "Раджеш");
  EXPECT_EQ(LatinToCyrillic(LatinDialect::kOriental).Apply("Mousavi"),
            "Мусави");
}

TEST(SerbianToCyrillicTest, UsesSerbianLetters) {
  EXPECT_EQ(SerbianToCyrillic().Apply("Petrović"), "Петровић");
  EXPECT_EQ(SerbianToCyrillic().Apply("Đorđević"), "Ђорђевић");
  EXPECT_EQ(SerbianToCyrillic().Apply("Snežana"), "Снежана");
}

TEST(GeorgianToMkhedruliTest, ApostropheMarksEjectives) {
  // მამუკა: mani, ani, mani, uni, k'ani (ejective), ani.
  EXPECT_EQ(GeorgianToMkhedruli().Apply("Mamuk'a"),
            "\u10DB\u10D0\u10DB\u10E3\u10D9\u10D0");
  // ბექა: ban, en, khan (aspirated k), an.
  EXPECT_EQ(GeorgianToMkhedruli().Apply("Beka"), "\u10D1\u10D4\u10E5\u10D0");
  // წერეთელი: ts'il, en, rae, en, tan, en, las, in.
  EXPECT_EQ(GeorgianToMkhedruli().Apply("Ts'ereteli"),
            "\u10EC\u10D4\u10E0\u10D4\u10D7\u10D4\u10DA\u10D8");
}

TEST(PinyinToCyrillicTest, FollowsPalladius) {
  EXPECT_EQ(PinyinToCyrillic("xiao ming"), "Сяомин");
  EXPECT_EQ(PinyinToCyrillic("zhang"), "Чжан");
  EXPECT_EQ(PinyinToCyrillic("xu"), "Сюй");
  EXPECT_EQ(PinyinToCyrillic("hui"), "Хуэй");
  EXPECT_EQ(PinyinToCyrillic("jian guo"), "Цзяньго");
  EXPECT_EQ(PinyinToCyrillic("wang"), "Ван");
}

TEST(RomanizationVariantsTest, ProducesTheClerksSpellings) {
  const std::vector<std::string> mohammad = RomanizationVariants("Mohammad");
  EXPECT_THAT(mohammad, Contains("Muhammad"));
  EXPECT_THAT(mohammad, Contains("Mohammed"));
  EXPECT_THAT(mohammad, Contains("Mahammad"));
  EXPECT_THAT(mohammad, Not(Contains("Mohammad")));
  // Only a closed final syllable turns a into e.
  EXPECT_THAT(RomanizationVariants("Saeed"), Not(Contains("Seeed")));
  EXPECT_THAT(RomanizationVariants("Ahmad"), Contains("Ahmed"));
  const std::vector<std::string> hosseini = RomanizationVariants("Hosseini");
  EXPECT_THAT(hosseini, Contains("Hoseyni"));
  EXPECT_THAT(hosseini, Contains("Huseyni"));
}

TEST(CaseTest, MapsAzerbaijaniCyrillicAndVietnameseLetters) {
  EXPECT_EQ(Upper("məmmədov"), "MƏMMƏDOV");
  EXPECT_EQ(Upper("işıq", /*turkic=*/true), "İŞIQ");
  EXPECT_EQ(Lower("ГУСЕЙНОВ"), "гусейнов");
  EXPECT_EQ(Lower("NGUYỄN"), "nguyễn");
  EXPECT_EQ(TitleCase("DELA CRUZ"), "Dela Cruz");
  EXPECT_EQ(AsciiFold("Hüseynov Şirin-Đorđe"), "HUSEYNOV SIRIN-DJORDJE");
}

TEST(RngTest, SplitMix64MatchesTheReferenceSequence) {
  // The first outputs of the reference splitmix64.c for state 0.
  uint64_t state = 0;
  EXPECT_EQ(SplitMix64(&state), 0xe220a8397b1dcdafULL);
  EXPECT_EQ(SplitMix64(&state), 0x6e789e6aa1b965f4ULL);
}

TEST(RngTest, DrawsHaveTheirStatedDistributions) {
  Rng rng(42);
  constexpr int kDraws = 200000;
  double sum = 0;
  double sum_sq = 0;
  int below = 0;
  std::array<int, 3> weighted = {};
  const std::vector<double> weights = {1, 2, 7};
  const WeightedTable table(weights);
  for (int i = 0; i < kDraws; ++i) {
    const double z = rng.Normal();
    sum += z;
    sum_sq += z * z;
    if (rng.Below(10) < 3) ++below;
    ++weighted[table.Draw(rng)];
  }
  EXPECT_NEAR(sum / kDraws, 0.0, 0.01);
  EXPECT_NEAR(sum_sq / kDraws, 1.0, 0.02);
  EXPECT_NEAR(below / static_cast<double>(kDraws), 0.3, 0.005);
  EXPECT_NEAR(weighted[0] / static_cast<double>(kDraws), 0.1, 0.005);
  EXPECT_NEAR(weighted[2] / static_cast<double>(kDraws), 0.7, 0.005);
}

size_t IndexOf(const std::vector<Spelling>& list, const std::string& native) {
  for (size_t i = 0; i < list.size(); ++i) {
    if (list[i].native == native) return i;
  }
  ADD_FAILURE() << native << " not in list";
  return 0;
}

TEST(NamesTest, LargeCulturesHaveAtLeastFiftyGivenNamesAndSurnames) {
  for (Culture culture :
       {Culture::kAzerbaijani, Culture::kTurkish, Culture::kGeorgian,
        Culture::kRussian, Culture::kPersian, Culture::kChinese,
        Culture::kIndian}) {
    const NameList& names = Names(culture);
    EXPECT_GE(names.given[kMale].size() + names.given[kFemale].size(), 50u)
        << CultureName(culture);
    EXPECT_GE(names.surname[kMale].size(), 50u) << CultureName(culture);
  }
}

TEST(NamesTest, RussianSurnamesAndPatronymicsInflectBySex) {
  const NameList& names = Names(Culture::kRussian);
  const size_t ivanov = IndexOf(names.surname[kMale], "Иванов");
  EXPECT_EQ(names.surname[kFemale][ivanov].native, "Иванова");
  EXPECT_EQ(names.surname[kFemale][ivanov].passport, "Ivanova");
  const size_t vishnevsky = IndexOf(names.surname[kMale], "Вишневский");
  EXPECT_EQ(names.surname[kFemale][vishnevsky].native, "Вишневская");
  const size_t shevchenko = IndexOf(names.surname[kMale], "Шевченко");
  EXPECT_EQ(names.surname[kFemale][shevchenko].native, "Шевченко");
  const auto patronymic = [&](const std::string& father, size_t sex) {
    return names.patronymic[sex][IndexOf(names.given[kMale], father)].native;
  };
  EXPECT_EQ(patronymic("Сергей", kMale), "Сергеевич");
  EXPECT_EQ(patronymic("Сергей", kFemale), "Сергеевна");
  EXPECT_EQ(patronymic("Иван", kMale), "Иванович");
  EXPECT_EQ(patronymic("Дмитрий", kMale), "Дмитриевич");
  EXPECT_EQ(patronymic("Юрий", kFemale), "Юрьевна");
  EXPECT_EQ(patronymic("Игорь", kMale), "Игоревич");
}

TEST(NamesTest, AzerbaijaniNamesCarryEveryRegisterSpelling) {
  const NameList& names = Names(Culture::kAzerbaijani);
  const size_t i = IndexOf(names.surname[kMale], "Hüseynov");
  const Spelling& huseynov = names.surname[kMale][i];
  EXPECT_EQ(huseynov.cyrillic, "Гусейнов");
  EXPECT_EQ(huseynov.gost, "Gusejnov");
  EXPECT_EQ(huseynov.bgn, "Guseynov");
  EXPECT_EQ(huseynov.passport, "Huseynov");
  EXPECT_EQ(huseynov.passport_from_cyrillic, "Guseinov");
  EXPECT_EQ(huseynov.ascii, "Huseynov");
  EXPECT_EQ(huseynov.mrz, "HUSEYNOV");
  EXPECT_EQ(names.surname[kFemale][i].az_latin, "Hüseynova");
  EXPECT_EQ(names.surname[kFemale][i].cyrillic, "Гусейнова");
  const size_t vaqif = IndexOf(names.given[kMale], "Vaqif");
  EXPECT_EQ(names.patronymic[kMale][vaqif].az_latin, "Vaqif oğlu");
  EXPECT_EQ(names.patronymic[kFemale][vaqif].az_latin, "Vaqif qızı");
  EXPECT_EQ(names.patronymic[kMale][vaqif].cyrillic, "Вагифович");
  const size_t ali = IndexOf(names.given[kMale], "Əli");
  EXPECT_EQ(names.patronymic[kMale][ali].cyrillic, "Алиевич");
}

TEST(NamesTest, NativeScriptsAndRomanizations) {
  const NameList& chinese = Names(Culture::kChinese);
  const size_t xiaoming = IndexOf(chinese.given[kMale], "小明");
  EXPECT_EQ(chinese.given[kMale][xiaoming].passport, "Xiaoming");
  EXPECT_THAT(chinese.given[kMale][xiaoming].variants, Contains("Xiao Ming"));
  EXPECT_EQ(chinese.given[kMale][xiaoming].cyrillic, "Сяомин");
  const NameList& persian = Names(Culture::kPersian);
  const size_t hosseini = IndexOf(persian.surname[kMale], "حسینی");
  EXPECT_EQ(persian.surname[kMale][hosseini].passport, "Hosseini");
  EXPECT_FALSE(persian.surname[kMale][hosseini].variants.empty());
  const NameList& vietnamese = Names(Culture::kVietnamese);
  const size_t nguyen = IndexOf(vietnamese.surname[kMale], "Nguyễn");
  EXPECT_EQ(vietnamese.surname[kMale][nguyen].passport, "Nguyen");
  const size_t duc = IndexOf(vietnamese.given[kMale], "Đức Anh");
  EXPECT_EQ(vietnamese.given[kMale][duc].mrz, "DUC<ANH");
  const NameList& serbian = Names(Culture::kSerbian);
  EXPECT_EQ(serbian.surname[kMale][IndexOf(serbian.surname[kMale], "Петровић")]
                .passport,
            "Petrović");
}

}  // namespace
}  // namespace reckon::synth_internal

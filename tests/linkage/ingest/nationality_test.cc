#include "linkage/ingest/nationality.h"

#include <string>
#include <utility>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/status_matchers.h"

namespace reckon {
namespace {

using ::reckon_testing::IsOkAndHolds;
using ::reckon_testing::StatusIs;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

TEST(NationalityTest, TableCoversIso3166AndHasNoConflicts) {
  EXPECT_EQ(CountryCount(), 249u);  // ISO 3166-1 officially assigned codes
  EXPECT_THAT(internal::NationalityTableConflicts(), IsEmpty());
}

TEST(NationalityTest, IsoCodesInAnyCase) {
  EXPECT_THAT(NationalityToAlpha3("TR"), IsOkAndHolds("TUR"));
  EXPECT_THAT(NationalityToAlpha3("tur"), IsOkAndHolds("TUR"));
  EXPECT_THAT(NationalityToAlpha3(" ge "), IsOkAndHolds("GEO"));
  EXPECT_THAT(NationalityToAlpha3("DE"), IsOkAndHolds("DEU"));
  EXPECT_THAT(NationalityToAlpha3("gbr"), IsOkAndHolds("GBR"));
  EXPECT_THAT(NationalityToAlpha3("ZW"), IsOkAndHolds("ZWE"));
  EXPECT_THAT(NationalityToAlpha3("AX"), IsOkAndHolds("ALA"));
}

TEST(NationalityTest, TurkeyInEveryLanguageAndSpelling) {
  for (const char* text :
       {"Türkiyə", "Turkiye", "Турция", "TURKEY", "Türkiye Cumhuriyeti",
        "Türkiyə Respublikası", "Republic of Türkiye", "turkish", "türk"}) {
    EXPECT_THAT(NationalityToAlpha3(text), IsOkAndHolds("TUR")) << text;
  }
}

TEST(NationalityTest, NationalitiesOfTheRegisters) {
  // (text, expected): English, Azerbaijani, Turkish, Russian names and the
  // abbreviations registers use, for the countries named in DESIGN.md.
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"Georgia", "GEO"},        {"Gürcüstan", "GEO"},
      {"Gürcistan", "GEO"},      {"Грузия", "GEO"},
      {"Russia", "RUS"},         {"Russian Federation", "RUS"},
      {"Rusiya", "RUS"},         {"РФ", "RUS"},
      {"RF", "RUS"},             {"Россия", "RUS"},
      {"Iran", "IRN"},           {"İran İslam Respublikası", "IRN"},
      {"Иран", "IRN"},           {"India", "IND"},
      {"Hindistan", "IND"},      {"China", "CHN"},
      {"Çin", "CHN"},            {"КНР", "CHN"},
      {"KNR", "CHN"},            {"Китай", "CHN"},
      {"Pakistan", "PAK"},       {"Bangladesh", "BGD"},
      {"Uzbekistan", "UZB"},     {"Özbəkistan", "UZB"},
      {"Turkmenistan", "TKM"},   {"Туркмения", "TKM"},
      {"Viet Nam", "VNM"},       {"Vietnam", "VNM"},
      {"Philippines", "PHL"},    {"Serbia", "SRB"},
      {"Bosnia and Herzegovina", "BIH"},
      {"Bosnia & Herzegovina", "BIH"},
      {"Bosna-Hersek", "BIH"},   {"Ukraine", "UKR"},
      {"Kazakhstan", "KAZ"},     {"Qazaxıstan", "KAZ"},
      {"Kyrgyzstan", "KGZ"},     {"Киргизия", "KGZ"},
      {"Tajikistan", "TJK"},     {"Belarus", "BLR"},
      {"Белоруссия", "BLR"},     {"Moldova", "MDA"},
      {"Armenia", "ARM"},        {"Ermənistan", "ARM"},
      {"Afghanistan", "AFG"},    {"Əfqanıstan", "AFG"},
      {"Iraq", "IRQ"},           {"Syria", "SYR"},
      {"Egypt", "EGY"},          {"Misir", "EGY"},
      {"Nigeria", "NGA"},        {"Ghana", "GHA"},
      {"Cameroon", "CMR"},       {"Ethiopia", "ETH"},
      {"Kenya", "KEN"},          {"Sudan", "SDN"},
      {"Somalia", "SOM"},        {"Senegal", "SEN"},
      {"Morocco", "MAR"},        {"Fas", "MAR"},
      {"Algeria", "DZA"},        {"Tunisia", "TUN"},
      {"Libya", "LBY"},          {"USA", "USA"},
      {"U.S.A.", "USA"},         {"ABŞ", "USA"},
      {"ABD", "USA"},            {"США", "USA"},
      {"UK", "GBR"},             {"Böyük Britaniya", "GBR"},
      {"Germany", "DEU"},        {"Almaniya", "DEU"},
      {"France", "FRA"},         {"Italy", "ITA"},
      {"Israel", "ISR"},         {"Korea", "KOR"},
      {"South Korea", "KOR"},    {"Korea, Republic of", "KOR"},
      {"North Korea", "PRK"},    {"КНДР", "PRK"},
      {"Japan", "JPN"},          {"Yaponiya", "JPN"},
      {"Indonesia", "IDN"},      {"Malaysia", "MYS"},
      {"Nepal", "NPL"},          {"Sri Lanka", "LKA"},
      {"Şri-Lanka", "LKA"},      {"Azerbaijan", "AZE"},
      {"Azərbaycan", "AZE"},     {"Азербайджан", "AZE"},
      {"Republic of Azerbaijan", "AZE"},
      {"Côte d'Ivoire", "CIV"},  {"Cote dIvoire", "CIV"},
      {"DR Congo", "COD"},       {"Congo", "COG"},
      {"Dominican Republic", "DOM"},
      {"BƏƏ", "ARE"},            {"ОАЭ", "ARE"},
  };
  for (const auto& [text, alpha3] : cases) {
    EXPECT_THAT(NationalityToAlpha3(text), IsOkAndHolds(alpha3)) << text;
  }
}

TEST(NationalityTest, UnknownValuesAreErrorsNamingTheValue) {
  EXPECT_THAT(NationalityToAlpha3("Atlantis"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("unknown nationality \"Atlantis\"")));
  EXPECT_FALSE(NationalityToAlpha3("").ok());
  EXPECT_FALSE(NationalityToAlpha3("XX").ok());
  EXPECT_FALSE(NationalityToAlpha3("Republic").ok());
  EXPECT_FALSE(NationalityToAlpha3("\xFF\xFE").ok());
}

TEST(NationalityTest, EnglishNames) {
  EXPECT_EQ(Alpha3EnglishName("GEO"), "Georgia");
  EXPECT_EQ(Alpha3EnglishName("tur"), "Türkiye");
  EXPECT_EQ(Alpha3EnglishName("KOR"), "South Korea");
  EXPECT_EQ(Alpha3EnglishName("XXX"), "");
}

TEST(NationalityTest, EveryCodeRoundTripsThroughItsName) {
  // Each English name maps back to the code whose name it is.
  for (const char* alpha3 : {"AFG", "ALA", "BES", "CIV", "CUW", "GBR", "USA",
                             "UMI", "VIR", "VGB", "ZWE", "SHN", "MAF"}) {
    EXPECT_THAT(NationalityToAlpha3(Alpha3EnglishName(alpha3)),
                IsOkAndHolds(alpha3))
        << alpha3;
  }
}

}  // namespace
}  // namespace reckon

#include "linkage/synth/world.h"

#include <array>
#include <string_view>
#include <vector>

namespace reckon::synth_internal {

std::string_view LegalStatusName(LegalStatus status) {
  static constexpr std::array<std::string_view, kLegalStatusCount> kNames = {
      "work_permit", "resident", "temporary", "irregular"};
  return kNames[static_cast<size_t>(status)];
}

const SectorNames& SectorName(Sector sector) {
  static constexpr std::array<SectorNames, kSectorCount> kNames = {{
      {"industry", "sənaye"},
      {"construction", "tikinti"},
      {"real estate and services", "daşınmaz əmlak və xidmətlər"},
      {"trade", "ticarət"},
      {"education", "təhsil"},
      {"other", "digər"},
      {"", ""},
  }};
  return kNames[static_cast<size_t>(sector)];
}

const std::vector<Region>& Regions() {
  static const std::vector<Region> kRegions = {
      {"Bakı", "Баку", "Baku", 55},
      {"Sumqayıt", "Сумгаит", "Sumgayit", 7},
      {"Gəncə", "Гянджа", "Ganja", 6},
      {"Abşeron", "Абшерон", "Absheron", 5},
      {"Lənkəran", "Ленкорань", "Lankaran", 4},
      {"Mingəçevir", "Мингечевир", "Mingachevir", 3},
      {"Şirvan", "Ширван", "Shirvan", 3},
      {"Salyan", "Сальяны", "Salyan", 3},
      {"Şəki", "Шеки", "Sheki", 3},
      {"Quba", "Губа", "Guba", 3},
      {"Xaçmaz", "Хачмаз", "Khachmaz", 2},
      {"Qazax", "Газах", "Gazakh", 3},
      {"Astara", "Астара", "Astara", 2},
      {"Naxçıvan", "Нахичевань", "Nakhchivan", 1},
  };
  return kRegions;
}

const std::vector<Nationality>& Nationalities() {
  using C = Culture;
  // Weights: the labour ministry's end-2008 count of 6,238 (3,647 Turkish,
  // 988 Georgian, 444 Russian, 181 Iranian, 138 Indian, 75 Chinese), with
  // China raised towards the 7,000 reported for end 2008 and the remaining
  // ~765 spread over the other groups the report names.
  static const std::vector<Nationality> kNationalities = {
      {"TUR",
       "TR",
       "Turkey",
       "Türkiyə",
       "Турция",
       "Türkiye",
       36,
       0.85,
       {{C::kTurkish, 0.97}, {C::kAzerbaijani, 0.03}},
       "U99999999",
       false,
       {1.4, 0.8, 1.0, 1.0},
       {"Naxçıvan"}},
      {"GEO",
       "GE",
       "Georgia",
       "Gürcüstan",
       "Грузия",
       "Gürcistan",
       12,
       0.6,
       {{C::kGeorgian, 0.78}, {C::kAzerbaijani, 0.22}},
       "99@@99999",
       false,
       {0.7, 1.5, 1.2, 0.8},
       {"Qazax", "Şəki"}},
      {"RUS",
       "RU",
       "Russia",
       "Rusiya",
       "Россия",
       "Rusya",
       8,
       0.5,
       {{C::kRussian, 0.8}, {C::kAzerbaijani, 0.2}},
       "759999999",
       true,
       {0.8, 1.6, 1.0, 0.7},
       {"Quba", "Xaçmaz"}},
      {"CHN",
       "CN",
       "China",
       "Çin",
       "Китай",
       "Çin",
       8,
       0.85,
       {{C::kChinese, 1.0}},
       "E99999999",
       false,
       {1.8, 0.5, 0.8, 1.0},
       {}},
      {"IRN",
       "IR",
       "Iran",
       "İran",
       "Иран",
       "İran",
       5,
       0.75,
       {{C::kPersian, 1.0}},
       "@99999999",
       false,
       {0.8, 1.0, 1.4, 0.9},
       {"Lənkəran", "Astara"}},
      {"IND",
       "IN",
       "India",
       "Hindistan",
       "Индия",
       "Hindistan",
       4,
       0.9,
       {{C::kIndian, 1.0}},
       "@9999999",
       false,
       {1.6, 0.6, 0.8, 1.0},
       {}},
      {"UKR",
       "UA",
       "Ukraine",
       "Ukrayna",
       "Украина",
       "Ukrayna",
       2.5,
       0.45,
       {{C::kRussian, 0.9}, {C::kAzerbaijani, 0.1}},
       "@@999999",
       true,
       {0.8, 1.5, 1.0, 0.8},
       {}},
      {"UZB",
       "UZ",
       "Uzbekistan",
       "Özbəkistan",
       "Узбекистан",
       "Özbekistan",
       2.5,
       0.8,
       {{C::kCentralAsian, 1.0}},
       "@@9999999",
       false,
       {0.8, 0.8, 1.0, 1.5},
       {}},
      {"PAK",
       "PK",
       "Pakistan",
       "Pakistan",
       "Пакистан",
       "Pakistan",
       2,
       0.95,
       {{C::kSouthAsianMuslim, 1.0}},
       "@@9999999",
       false,
       {0.9, 0.5, 1.0, 1.8},
       {}},
      {"BGD",
       "BD",
       "Bangladesh",
       "Banqladeş",
       "Бангладеш",
       "Bangladeş",
       1.5,
       0.95,
       {{C::kSouthAsianMuslim, 1.0}},
       "@@9999999",
       false,
       {0.8, 0.4, 0.9, 2.0},
       {}},
      {"TKM",
       "TM",
       "Turkmenistan",
       "Türkmənistan",
       "Туркменистан",
       "Türkmenistan",
       1.2,
       0.75,
       {{C::kCentralAsian, 1.0}},
       "A9999999",
       false,
       {0.9, 1.0, 1.2, 1.0},
       {}},
      {"VNM",
       "VN",
       "Vietnam",
       "Vyetnam",
       "Вьетнам",
       "Vietnam",
       1.2,
       0.6,
       {{C::kVietnamese, 1.0}},
       "C9999999",
       false,
       {1.2, 0.6, 0.9, 1.3},
       {}},
      {"PHL",
       "PH",
       "Philippines",
       "Filippin",
       "Филиппины",
       "Filipinler",
       1.2,
       0.3,
       {{C::kFilipino, 1.0}},
       "P9999999@",
       false,
       {1.5, 0.6, 0.8, 1.0},
       {}},
      {"KAZ",
       "KZ",
       "Kazakhstan",
       "Qazaxıstan",
       "Казахстан",
       "Kazakistan",
       0.8,
       0.6,
       {{C::kCentralAsian, 0.7}, {C::kRussian, 0.3}},
       "N99999999",
       true,
       {1.0, 1.2, 1.2, 0.7},
       {}},
      {"SRB",
       "RS",
       "Serbia",
       "Serbiya",
       "Сербия",
       "Sırbistan",
       0.8,
       0.8,
       {{C::kSerbian, 1.0}},
       "999999999",
       false,
       {1.5, 0.8, 0.8, 0.6},
       {}},
      {"BIH",
       "BA",
       "Bosnia and Herzegovina",
       "Bosniya və Herseqovina",
       "Босния и Герцеговина",
       "Bosna-Hersek",
       0.6,
       0.8,
       {{C::kBosnian, 1.0}},
       "@9999999",
       false,
       {1.5, 0.8, 0.8, 0.6},
       {}},
      {"EGY",
       "EG",
       "Egypt",
       "Misir",
       "Египет",
       "Mısır",
       0.6,
       0.9,
       {{C::kArab, 1.0}},
       "A99999999",
       false,
       {1.0, 0.7, 1.0, 1.3},
       {}},
      {"SDN",
       "SD",
       "Sudan",
       "Sudan",
       "Судан",
       "Sudan",
       0.4,
       0.9,
       {{C::kArab, 1.0}},
       "P99999999",
       false,
       {0.7, 0.6, 1.0, 1.8},
       {}},
      {"NGA",
       "NG",
       "Nigeria",
       "Nigeriya",
       "Нигерия",
       "Nijerya",
       0.8,
       0.75,
       {{C::kAfrican, 1.0}},
       "A99999999",
       false,
       {0.6, 0.5, 1.2, 2.0},
       {}},
      {"GHA",
       "GH",
       "Ghana",
       "Qana",
       "Гана",
       "Gana",
       0.4,
       0.75,
       {{C::kAfrican, 1.0}},
       "G9999999",
       false,
       {0.7, 0.5, 1.2, 1.8},
       {}},
      {"CMR",
       "CM",
       "Cameroon",
       "Kamerun",
       "Камерун",
       "Kamerun",
       0.3,
       0.75,
       {{C::kAfrican, 1.0}},
       "@@999999",
       false,
       {0.6, 0.5, 1.2, 2.0},
       {}},
      {"KEN",
       "KE",
       "Kenya",
       "Keniya",
       "Кения",
       "Kenya",
       0.3,
       0.7,
       {{C::kAfrican, 1.0}},
       "AK9999999",
       false,
       {0.7, 0.5, 1.3, 1.6},
       {}},
  };
  return kNationalities;
}

const NationalityTables& Tables() {
  static const NationalityTables* const kTables = [] {
    auto* tables = new NationalityTables;
    const std::vector<Nationality>& all = Nationalities();
    std::vector<double> weights;
    for (const Nationality& n : all) weights.push_back(n.weight);
    tables->nationality = WeightedTable(weights);
    // Base shares of the legal statuses: the report's 30,000 registered
    // temporary residents of whom 15,000 illegal, 4,367 work permits.
    constexpr double kStatusBase[kLegalStatusCount] = {0.30, 0.20, 0.25, 0.25};
    for (const Nationality& n : all) {
      std::vector<double> culture_weights(kCultureCount, 0.0);
      for (const auto& [culture, share] : n.cultures) {
        culture_weights[static_cast<size_t>(culture)] = share;
      }
      tables->culture.emplace_back(culture_weights);
      std::vector<double> status_weights;
      for (size_t s = 0; s < kLegalStatusCount; ++s) {
        status_weights.push_back(kStatusBase[s] * n.status_tilt[s]);
      }
      tables->status.emplace_back(status_weights);
      std::vector<double> region_weights;
      for (const Region& region : Regions()) {
        double w = region.weight;
        for (std::string_view favoured : n.favoured_regions) {
          if (favoured == region.azerbaijani) w *= 4;
        }
        region_weights.push_back(w);
      }
      tables->region.emplace_back(region_weights);
    }
    // Sectors by legal status; work-permit shares follow the statistics
    // committee's 1,500 industry, 1,400 construction, 1,000 real estate and
    // services, 500 trade, 300 education, 300 other.
    const std::vector<std::vector<double>> kSectorWeights = {
        {15, 14, 10, 5, 3, 3, 0},   // work permit
        {3, 2, 10, 8, 5, 7, 40},    // resident
        {2, 8, 6, 8, 1, 5, 50},     // temporary
        {4, 40, 20, 25, 0, 15, 5},  // irregular
    };
    for (const std::vector<double>& w : kSectorWeights) {
      tables->sector.emplace_back(w);
    }
    return tables;
  }();
  return *kTables;
}

}  // namespace reckon::synth_internal

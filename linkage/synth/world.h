// The simulated world: which nationalities live in Azerbaijan and in what
// proportion, how each is named and documented, where people live, what they
// do and on what legal footing. Proportions follow the figures quoted in
// DESIGN.md from the 2013 national migration report (Turkish citizens the
// largest group, then Georgian, Russian, Chinese, Iranian, Indian, ...).
#ifndef RECKON_LINKAGE_SYNTH_WORLD_H_
#define RECKON_LINKAGE_SYNTH_WORLD_H_

#include <cstddef>
#include <cstdint>
#include <string_view>
#include <utility>
#include <vector>

#include "linkage/synth/names.h"
#include "linkage/synth/random.h"

namespace reckon::synth_internal {

enum class LegalStatus : uint8_t {
  kWorkPermit,  // holds a work permit (labour ministry) and residence
  kResident,    // temporary or permanent residence, family members
  kTemporary,   // short stay registered with the migration service
  kIrregular,   // overstayer or never registered
};
inline constexpr size_t kLegalStatusCount = 4;
std::string_view LegalStatusName(LegalStatus status);

// The statistics committee's sectors (DESIGN.md), and no work at all.
enum class Sector : uint8_t {
  kIndustry,
  kConstruction,
  kServices,  // real estate and services
  kTrade,
  kEducation,
  kOther,
  kNone,
};
inline constexpr size_t kSectorCount = 7;
struct SectorNames {
  std::string_view english;      // as the statistics committee codes it
  std::string_view azerbaijani;  // as the labour ministry writes it
};
const SectorNames& SectorName(Sector sector);

struct Region {
  std::string_view azerbaijani;  // Bakı
  std::string_view russian;      // Баку
  std::string_view ascii;        // Baku
  double weight;
};
const std::vector<Region>& Regions();

struct Nationality {
  std::string_view alpha3;
  std::string_view alpha2;
  std::string_view english;
  std::string_view azerbaijani;
  std::string_view russian;
  std::string_view turkish;
  double weight;      // share of the foreign population
  double male_share;  // labour migration is mostly male
  // Naming cultures and their shares among this nationality's citizens.
  std::vector<std::pair<Culture, double>> cultures;
  // Passport number shape: '9' a digit, '@' a letter, anything else itself.
  std::string_view passport_shape;
  // Passports transliterate from Cyrillic (Russia, Ukraine, Kazakhstan).
  bool cyrillic_passport;
  // Multipliers on the base shares of kWorkPermit, kResident, kTemporary,
  // kIrregular.
  double status_tilt[kLegalStatusCount];
  // Region names (azerbaijani) this nationality is drawn to, weight x4.
  std::vector<std::string_view> favoured_regions;
};
const std::vector<Nationality>& Nationalities();

// Per-nationality draws prepared once: cultures, statuses, regions.
struct NationalityTables {
  WeightedTable nationality;
  std::vector<WeightedTable> culture;  // by nationality
  std::vector<WeightedTable> status;   // by nationality
  std::vector<WeightedTable> region;   // by nationality
  std::vector<WeightedTable> sector;   // by legal status
};
const NationalityTables& Tables();

}  // namespace reckon::synth_internal

#endif  // RECKON_LINKAGE_SYNTH_WORLD_H_

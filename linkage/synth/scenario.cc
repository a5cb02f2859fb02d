#include "linkage/synth/scenario.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <memory>
#include <mutex>
#include <ostream>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "tbb/parallel_pipeline.h"
#include "tbb/task_arena.h"

#include "linkage/base/exec.h"
#include "linkage/base/status_macros.h"
#include "linkage/ingest/csv_reader.h"
#include "linkage/synth/names.h"
#include "linkage/synth/random.h"
#include "linkage/synth/text.h"
#include "linkage/synth/world.h"

namespace reckon {
namespace {

using synth_internal::AppendUtf8;
using synth_internal::Culture;
using synth_internal::CultureName;
using synth_internal::DecodeUtf8;
using synth_internal::EncodeUtf8;
using synth_internal::kFemale;
using synth_internal::kMale;
using synth_internal::LegalStatus;
using synth_internal::LegalStatusName;
using synth_internal::NameList;
using synth_internal::Names;
using synth_internal::Nationalities;
using synth_internal::Nationality;
using synth_internal::Regions;
using synth_internal::Rng;
using synth_internal::Sector;
using synth_internal::SectorName;
using synth_internal::Spelling;
using synth_internal::StreamSeed;
using synth_internal::Tables;

// Debian's Abseil has its own string_view; StrCat needs it spelled out.
absl::string_view Av(std::string_view s) { return {s.data(), s.size()}; }

// People per chunk: the unit of parallel work and of look-alike/relative
// pairing. Fixed, so output never depends on the thread count.
constexpr int64_t kChunkSize = 2048;

// Random streams of one person (or one of their records).
constexpr uint64_t kPopulationStream = 1;
constexpr uint64_t kLinkStream = 2;
constexpr uint64_t kCaptureStream = 3;
constexpr uint64_t kStyleStream = 16;  // + register
constexpr uint64_t kNoiseStream = 32;  // + register
constexpr uint64_t kIdStream = 48;     // + register

enum Register { kMigration, kInterior, kLabour, kStatistics, kBorder, kHealth };

enum class DateStyle {
  kIso,           // 1985-03-12, day unknown: 1985-03
  kDotted,        // 12.03.1985, day unknown: 03.1985
  kSlashed,       // 12/03/1985, day unknown: 03.1985
  kYearMonth,     // 1985-03 always
  kCompact,       // 19850312, day unknown: 1985
  kDottedOrYear,  // 12.03.1985, day unknown: 1985
};

struct RegisterStyle {
  std::string_view id_prefix;
  DateStyle birth;
  DateStyle registered;
  bool address;
  std::string_view male;
  std::string_view female;
};

constexpr std::array<RegisterStyle, kMaxSynthSources> kRegisterStyles = {{
    {"SMS", DateStyle::kIso, DateStyle::kIso, false, "M", "F"},
    {"MVD", DateStyle::kDotted, DateStyle::kDotted, true, "М", "Ж"},
    {"LAB", DateStyle::kSlashed, DateStyle::kSlashed, true, "K", "Q"},
    {"DSK", DateStyle::kYearMonth, DateStyle::kIso, false, "1", "2"},
    {"DSX", DateStyle::kCompact, DateStyle::kCompact, false, "M", "F"},
    {"HLT", DateStyle::kDottedOrYear, DateStyle::kDotted, true, "1", "2"},
}};

struct NoiseProfile {
  double typo = 0;
  double ocr = 0;
  double swap_names = 0;
  double drop_patronymic = 0;
  double swap_day_month = 0;
  double year_off = 0;
  double drop_day = 0;
  double missing_birth_date = 0;
  double passport_partial = 0;
  double passport_missing = 0;
  double missing_sex = 0;
  double diminutive = 0;
  double stray_case = 0;
  double stray_space = 0;
  double duplicate = 0;
  double lookalike = 0;
  double relative = 0;
};

NoiseProfile ProfileFor(NoiseLevel level) {
  switch (level) {
    case NoiseLevel::kLow:
      return {.typo = 0.01,
              .ocr = 0.005,
              .swap_names = 0.005,
              .drop_patronymic = 0.05,
              .swap_day_month = 0.005,
              .year_off = 0.003,
              .drop_day = 0.005,
              .missing_birth_date = 0.002,
              .passport_partial = 0.01,
              .passport_missing = 0.02,
              .missing_sex = 0.002,
              .diminutive = 0.005,
              .stray_case = 0.02,
              .stray_space = 0.02,
              .duplicate = 0.03,
              .lookalike = 0.005,
              .relative = 0.02};
    case NoiseLevel::kMedium:
      return {.typo = 0.04,
              .ocr = 0.02,
              .swap_names = 0.02,
              .drop_patronymic = 0.15,
              .swap_day_month = 0.02,
              .year_off = 0.01,
              .drop_day = 0.02,
              .missing_birth_date = 0.005,
              .passport_partial = 0.04,
              .passport_missing = 0.06,
              .missing_sex = 0.005,
              .diminutive = 0.02,
              .stray_case = 0.05,
              .stray_space = 0.05,
              .duplicate = 0.05,
              .lookalike = 0.01,
              .relative = 0.04};
    case NoiseLevel::kHigh:
      break;
  }
  return {.typo = 0.10,
          .ocr = 0.05,
          .swap_names = 0.05,
          .drop_patronymic = 0.30,
          .swap_day_month = 0.05,
          .year_off = 0.03,
          .drop_day = 0.05,
          .missing_birth_date = 0.01,
          .passport_partial = 0.08,
          .passport_missing = 0.12,
          .missing_sex = 0.01,
          .diminutive = 0.05,
          .stray_case = 0.10,
          .stray_space = 0.10,
          .duplicate = 0.08,
          .lookalike = 0.02,
          .relative = 0.06};
}

struct CaptureModel {
  double covariates = 0;  // h
  double shared = 0;      // s
  double own = 0;         // t
  bool strong = false;
};

CaptureModel ModelFor(Heterogeneity heterogeneity) {
  switch (heterogeneity) {
    case Heterogeneity::kNone:
      return {};
    case Heterogeneity::kMild:
      return {0.5, 0.5, 0.3, false};
    case Heterogeneity::kStrong:
      break;
  }
  return {1.0, 1.2, 0.8, true};
}

// Logit effects of legal status on each register's catch, in LegalStatus
// order: work permit, resident, temporary, irregular.
constexpr double
    kStatusEffect[kMaxSynthSources][synth_internal::kLegalStatusCount] = {
        {1.2, 1.0, 0.3, -2.5},    // migration: permits and residence cards
        {0.0, 1.0, 0.2, -1.5},    // interior: address registration, detentions
        {2.0, -0.5, -1.0, -4.0},  // labour: work permits
        {0.8, -0.3, -0.5, -2.0},  // statistics: enterprise reports
        {0.3, -0.3, 0.8, -0.5},  // border: entries, overstayers entered legally
        {0.2, 0.5, -0.2, -0.8},  // health: clinics
};

struct Person {
  int64_t index = 0;
  size_t nationality = 0;
  Culture culture = Culture::kTurkish;
  size_t sex = kMale;
  size_t given = 0;
  size_t surname = 0;
  size_t father = 0;
  int year = 0;
  int month = 0;
  int day = 0;
  std::string passport;
  size_t region = 0;
  LegalStatus status = LegalStatus::kWorkPermit;
  Sector sector = Sector::kNone;
  uint64_t address = 0;
  uint32_t mask = 0;
  std::array<int, kMaxSynthSources> copies = {};
};

bool IsLeap(int year) {
  return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
}

int DaysIn(int year, int month) {
  static constexpr int kDays[12] = {31, 28, 31, 30, 31, 30,
                                    31, 31, 30, 31, 30, 31};
  return month == 2 && IsLeap(year) ? 29 : kDays[month - 1];
}

void AppendPadded(int64_t value, int width, std::string* out) {
  char digits[24];
  int n = 0;
  do {
    digits[n++] = static_cast<char>('0' + value % 10);
    value /= 10;
  } while (value > 0 && n < 24);
  for (int i = n; i < width; ++i) out->push_back('0');
  while (n > 0) out->push_back(digits[--n]);
}

// `day` 0 means the day is unknown.
std::string FormatDate(DateStyle style, int year, int month, int day) {
  std::string out;
  auto y = [&] { AppendPadded(year, 4, &out); };
  auto m = [&] { AppendPadded(month, 2, &out); };
  auto d = [&] { AppendPadded(day, 2, &out); };
  switch (style) {
    case DateStyle::kIso:
      y(), out += '-', m();
      if (day > 0) out += '-', d();
      break;
    case DateStyle::kDotted:
    case DateStyle::kSlashed: {
      const char sep = style == DateStyle::kDotted ? '.' : '/';
      if (day > 0) {
        d(), out += sep, m(), out += sep, y();
      } else {
        m(), out += '.', y();
      }
      break;
    }
    case DateStyle::kYearMonth:
      y(), out += '-', m();
      break;
    case DateStyle::kCompact:
      y();
      if (day > 0) m(), d();
      break;
    case DateStyle::kDottedOrYear:
      if (day > 0) {
        d(), out += '.', m(), out += '.', y();
      } else {
        y();
      }
      break;
  }
  return out;
}

// A bijection of [0, 2^40) keyed by `key`: record ids look random but can
// never collide.
uint64_t Permute40(uint64_t x, uint64_t key) {
  constexpr uint64_t kMask = (uint64_t{1} << 40) - 1;
  x = (x ^ key) & kMask;
  x = (x * 0x9E3779B97F4A7C15ULL) & kMask;
  x ^= x >> 20;
  x = (x * 0xBF58476D1CE4E5B9ULL) & kMask;
  x ^= x >> 17;
  x = (x + (key >> 24)) & kMask;
  return x;
}

std::string PassportNumber(std::string_view shape, Rng& rng) {
  static constexpr std::string_view kLetters = "ABCDEFGHJKLMNPRSTUVWXYZ";
  std::string out;
  for (char c : shape) {
    if (c == '9') {
      out.push_back(static_cast<char>('0' + rng.Below(10)));
    } else if (c == '@') {
      out.push_back(kLetters[rng.Index(kLetters.size())]);
    } else {
      out.push_back(c);
    }
  }
  return out;
}

std::string Address(uint64_t seed) {
  static constexpr std::array<std::string_view, 16> kStreets = {
      "Nizami",       "Füzuli",       "Azadlıq",        "Həsən bəy Zərdabi",
      "Atatürk",      "Tbilisi",      "Səməd Vurğun",   "Üzeyir Hacıbəyov",
      "Neftçilər",    "Bakıxanov",    "Zərifə Əliyeva", "Şərifzadə",
      "Qara Qarayev", "Mirzə Fətəli", "Əhməd Cəmil",    "Rəsul Rza"};
  Rng rng(seed);
  std::string out(kStreets[rng.Index(kStreets.size())]);
  absl::StrAppend(&out, " küç. ", rng.IntIn(1, 200));
  if (rng.Bernoulli(0.7)) absl::StrAppend(&out, ", m. ", rng.IntIn(1, 120));
  return out;
}

// --- Noise on text -------------------------------------------------------

// One keyboard-style slip: a letter dropped, doubled, swapped with its
// neighbour, or replaced by another letter of the same word (so the script
// stays the same).
std::string Typo(std::string_view text, Rng& rng) {
  std::u32string u = DecodeUtf8(text);
  if (u.size() < 2) return std::string(text);
  const size_t i = rng.Index(u.size());
  switch (rng.Below(4)) {
    case 0:
      u.erase(i, 1);
      break;
    case 1:
      u.insert(u.begin() + static_cast<std::ptrdiff_t>(i), u[i]);
      break;
    case 2: {
      const size_t j = i + 1 < u.size() ? i + 1 : i - 1;
      std::swap(u[i], u[j]);
      break;
    }
    default:
      u[i] = u[rng.Index(u.size())];
      break;
  }
  return EncodeUtf8(u);
}

// A misreading of a scanned form.
std::string OcrConfusion(std::string_view text, Rng& rng,
                         bool passport_number) {
  static const std::vector<std::pair<std::string_view, std::string_view>>
      kNameConfusions = {{"rn", "m"}, {"m", "rn"}, {"cl", "d"}, {"li", "h"},
                         {"h", "li"}, {"e", "c"},  {"c", "e"},  {"o", "0"},
                         {"l", "1"},  {"I", "l"},  {"S", "5"},  {"ш", "щ"},
                         {"и", "й"},  {"п", "л"},  {"З", "3"},  {"ı", "i"},
                         {"ə", "e"},  {"ü", "u"}};
  static const std::vector<std::pair<std::string_view, std::string_view>>
      kNumberConfusions = {{"0", "O"}, {"O", "0"}, {"1", "I"}, {"I", "1"},
                           {"5", "S"}, {"8", "B"}, {"B", "8"}, {"2", "Z"},
                           {"6", "G"}, {"S", "5"}};
  const auto& confusions =
      passport_number ? kNumberConfusions : kNameConfusions;
  std::vector<std::pair<size_t, size_t>> options;  // (position, rule)
  for (size_t r = 0; r < confusions.size(); ++r) {
    const size_t at = text.find(confusions[r].first);
    if (at != std::string_view::npos) options.emplace_back(at, r);
  }
  if (options.empty()) return std::string(text);
  const auto [at, r] = options[rng.Index(options.size())];
  std::string out(text);
  out.replace(at, confusions[r].first.size(), confusions[r].second);
  return out;
}

std::string StrayCase(std::string_view text, Rng& rng) {
  switch (rng.Below(3)) {
    case 0:
      return synth_internal::Upper(text);
    case 1:
      return synth_internal::Lower(text);
    default: {
      // One letter's case flipped, as by a stuck shift key.
      std::u32string u = DecodeUtf8(text);
      if (u.empty()) return std::string(text);
      const size_t i = rng.Index(u.size());
      const char32_t lower = synth_internal::ToLower(u[i]);
      u[i] = lower == u[i] ? synth_internal::ToUpper(u[i]) : lower;
      return EncodeUtf8(u);
    }
  }
}

std::string StraySpace(std::string_view text, Rng& rng) {
  std::string out(text);
  switch (rng.Below(3)) {
    case 0:
      return " " + out;
    case 1:
      return out + " ";
    default:
      if (size_t space = out.find(' '); space != std::string::npos) {
        return absl::StrCat(Av(text.substr(0, space)), " ",
                            Av(text.substr(space)));
      }
      return out + "  ";
  }
}

// Applies the per-field text noise of `profile` to a name field.
void NoiseName(const NoiseProfile& profile, Rng& rng, std::string* value) {
  const bool typo = rng.Bernoulli(profile.typo);
  const bool second_typo = rng.Bernoulli(profile.typo * profile.typo * 4);
  const bool ocr = rng.Bernoulli(profile.ocr);
  const bool stray_case = rng.Bernoulli(profile.stray_case);
  const bool stray_space = rng.Bernoulli(profile.stray_space);
  if (value->empty()) return;
  if (typo) *value = Typo(*value, rng);
  if (second_typo) *value = Typo(*value, rng);
  if (ocr) *value = OcrConfusion(*value, rng, /*passport_number=*/false);
  if (stray_case) *value = StrayCase(*value, rng);
  if (stray_space) *value = StraySpace(*value, rng);
}

enum class Form {
  kNative,
  kPassport,
  kPassportFromCyrillic,
  kCyrillic,
  kGost,
  kBgn,
  kAzLatin,
  kAscii,
  kMrz,
};

const std::string& Pick(const Spelling& s, Form form) {
  switch (form) {
    case Form::kNative:
      return s.native;
    case Form::kPassport:
      return s.passport;
    case Form::kPassportFromCyrillic:
      return s.passport_from_cyrillic;
    case Form::kCyrillic:
      return s.cyrillic;
    case Form::kGost:
      return s.gost;
    case Form::kBgn:
      return s.bgn;
    case Form::kAzLatin:
      return s.az_latin;
    case Form::kAscii:
      return s.ascii;
    case Form::kMrz:
      break;
  }
  return s.mrz;
}

std::string AsciiUpper(std::string_view text) {
  std::string out(text);
  for (char& c : out) {
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 32);
  }
  return out;
}

// --- The generator -------------------------------------------------------

struct ChunkResult {
  std::vector<Person> people;
  // Per register: (record id number, record, clean record, person index).
  struct Rendered {
    uint64_t id = 0;
    int64_t person = 0;
    Record record;
    Record clean;
  };
  std::vector<std::vector<Rendered>> records;
  // Formatted output, when streaming.
  std::vector<std::string> csv;
  std::string truth;
};

class Generator {
 public:
  explicit Generator(const SynthOptions& options)
      : options_(options),
        profile_(ProfileFor(options.noise)),
        model_(ModelFor(options.heterogeneity)) {}

  // Generates chunk `chunk`. With `keep` the rendered records and their
  // clean twins are kept; otherwise they are formatted as CSV and truth text.
  void Chunk(int64_t chunk, bool keep, ChunkResult* out) const {
    const int64_t begin = chunk * kChunkSize;
    const int64_t end = std::min(options_.people, begin + kChunkSize);
    out->people.clear();
    out->people.reserve(static_cast<size_t>(end - begin));
    for (int64_t i = begin; i < end; ++i) {
      // Capture is drawn from the person's own attributes, before any
      // look-alike or relative link, so that it is the same at every noise
      // level.
      out->people.push_back(DrawPerson(i));
      Capture(&out->people.back());
      LinkToEarlier(&out->people, begin);
    }
    const auto k = static_cast<size_t>(options_.sources);
    if (keep) {
      KeepRecords(k, out);
    } else {
      FormatRecords(k, out);
    }
  }

  static void AppendPersonId(int64_t index, std::string* out) {
    out->push_back('P');
    AppendPadded(index + 1, 9, out);
  }

 private:
  // Renders the chunk's records with their clean twins, each register's in
  // id order.
  void KeepRecords(size_t k, ChunkResult* out) const {
    out->records.assign(k, {});
    for (const Person& person : out->people) {
      for (size_t reg = 0; reg < k; ++reg) {
        for (int copy = 0; copy < person.copies[reg]; ++copy) {
          ChunkResult::Rendered rendered;
          rendered.person = person.index;
          rendered.id = RecordNumber(person.index, copy, reg);
          Render(person, reg, copy, profile_, rendered.id, &rendered.record);
          Render(person, reg, copy, NoiseProfile{}, rendered.id,
                 &rendered.clean);
          out->records[reg].push_back(std::move(rendered));
        }
      }
    }
    for (auto& list : out->records) {
      std::vector<std::pair<uint64_t, size_t>> order;
      order.reserve(list.size());
      for (size_t i = 0; i < list.size(); ++i)
        order.emplace_back(list[i].id, i);
      std::sort(order.begin(), order.end());
      std::vector<ChunkResult::Rendered> sorted;
      sorted.reserve(list.size());
      for (const auto& [id, i] : order) sorted.push_back(std::move(list[i]));
      list = std::move(sorted);
    }
  }

  // Renders the chunk's records straight into CSV and truth text. Registers
  // list their records in id order, which scatters a person's duplicates
  // and hides the population order; rows are formatted once into a scratch
  // buffer and then copied out in that order.
  void FormatRecords(size_t k, ChunkResult* out) const {
    struct Line {
      uint64_t id;
      size_t begin;
      size_t end;
      int64_t person;
      bool operator<(const Line& other) const { return id < other.id; }
    };
    out->csv.resize(k);
    out->truth.clear();
    std::string scratch;
    std::vector<Line> lines;
    Record record;
    for (size_t reg = 0; reg < k; ++reg) {
      scratch.clear();
      lines.clear();
      for (const Person& person : out->people) {
        for (int copy = 0; copy < person.copies[reg]; ++copy) {
          for (std::string& field : record.fields) field.clear();
          record.extra.clear();
          const uint64_t id = RecordNumber(person.index, copy, reg);
          Render(person, reg, copy, profile_, id, &record);
          const size_t line_begin = scratch.size();
          AppendCsvRow(record, kRegisterStyles[reg].address, &scratch);
          lines.push_back({id, line_begin, scratch.size(), person.index});
        }
      }
      std::sort(lines.begin(), lines.end());
      std::string& csv = out->csv[reg];
      csv.clear();
      csv.reserve(scratch.size());
      const std::string_view source = SynthSourceNames()[reg];
      for (const Line& line : lines) {
        const std::string_view row(scratch.data() + line.begin,
                                   line.end - line.begin);
        csv.append(row);
        out->truth.append(source);
        out->truth.push_back(',');
        out->truth.append(row.substr(0, row.find(',')));
        out->truth.push_back(',');
        AppendPersonId(line.person, &out->truth);
        out->truth.push_back('\n');
      }
    }
  }

  Person DrawPerson(int64_t index) const {
    const auto& tables = Tables();
    const Nationality* nationality = nullptr;
    Rng rng(StreamSeed(options_.seed, static_cast<uint64_t>(index),
                       kPopulationStream));
    Person p;
    p.index = index;
    p.nationality = tables.nationality.Draw(rng);
    nationality = &Nationalities()[p.nationality];
    p.culture = static_cast<Culture>(tables.culture[p.nationality].Draw(rng));
    p.sex = rng.Bernoulli(nationality->male_share) ? kMale : kFemale;
    const NameList& names = Names(p.culture);
    p.given = names.given_weights[p.sex].Draw(rng);
    p.surname = names.surname_weights.Draw(rng);
    p.father = names.given_weights[kMale].Draw(rng);
    // Working age in mid-2008: about 35 years old, 18 to 64.
    const double age = std::clamp(35.0 + 10.0 * rng.Normal(), 18.0, 64.0);
    p.year = 2008 - static_cast<int>(age);
    p.month = rng.IntIn(1, 12);
    p.day = rng.IntIn(1, DaysIn(p.year, p.month));
    p.passport = PassportNumber(nationality->passport_shape, rng);
    p.region = tables.region[p.nationality].Draw(rng);
    p.status = static_cast<LegalStatus>(tables.status[p.nationality].Draw(rng));
    p.sector = static_cast<Sector>(
        tables.sector[static_cast<size_t>(p.status)].Draw(rng));
    p.address = rng.Next();
    return p;
  }

  // Makes the last person of `people` a look-alike or a relative of an
  // earlier person of the same chunk, at the noise level's rates.
  void LinkToEarlier(std::vector<Person>* people, int64_t chunk_begin) const {
    Person& p = people->back();
    Rng rng(
        StreamSeed(options_.seed, static_cast<uint64_t>(p.index), kLinkStream));
    const double u = rng.Uniform();
    const int64_t earlier = p.index - chunk_begin;
    if (earlier == 0) return;
    const auto back = static_cast<int64_t>(
        rng.Below(static_cast<uint64_t>(std::min<int64_t>(earlier, 256))));
    const Person& other = (*people)[static_cast<size_t>(earlier - 1 - back)];
    const bool sibling = rng.Bernoulli(0.5);
    const int year_gap = rng.IntIn(1, 8);
    if (u < profile_.lookalike) {
      // Same common name and birth year; nothing else in common.
      p.nationality = other.nationality;
      p.culture = other.culture;
      p.sex = other.sex;
      p.given = other.given;
      p.surname = other.surname;
      p.year = other.year;
      p.day = std::min(p.day, DaysIn(p.year, p.month));
    } else if (u < profile_.lookalike + profile_.relative) {
      // A sibling (same father) or spouse: surname, address and region
      // shared.
      p.nationality = other.nationality;
      p.culture = other.culture;
      p.surname = other.surname;
      p.address = other.address;
      p.region = other.region;
      if (sibling) {
        p.father = other.father;
        p.year = other.year + (year_gap % 2 == 0 ? year_gap : -year_gap);
      } else {
        p.sex = other.sex == kMale ? kFemale : kMale;
        p.year = other.year + (year_gap % 2 == 0 ? 1 : -1) * (year_gap / 2);
      }
      p.year = std::clamp(p.year, 1944, 1990);
      p.day = std::min(p.day, DaysIn(p.year, p.month));
    } else {
      return;
    }
    // Indices drawn from the person's own culture must fit the one taken
    // over, and the passport must be shaped like the new nationality's.
    const NameList& names = Names(p.culture);
    p.given %= names.given[p.sex].size();
    p.father %= names.given[kMale].size();
    p.surname %= names.surname[kMale].size();
    Rng passport_rng(rng.Next());
    p.passport = PassportNumber(Nationalities()[p.nationality].passport_shape,
                                passport_rng);
  }

  void Capture(Person* p) const {
    Rng rng(StreamSeed(options_.seed, static_cast<uint64_t>(p->index),
                       kCaptureStream));
    const double visibility = rng.Normal();
    const bool hidden = rng.Bernoulli(0.1);
    const std::string_view region = Regions()[p->region].azerbaijani;
    const bool baku = region == "Bakı";
    const bool border_region =
        region == "Qazax" || region == "Astara" || region == "Naxçıvan";
    for (size_t k = 0; k < static_cast<size_t>(options_.sources); ++k) {
      const double own = rng.Normal();
      const double u = rng.Uniform();
      const double duplicate = rng.Uniform();
      double effect = kStatusEffect[k][static_cast<size_t>(p->status)];
      if (k == kLabour || k == kStatistics) {
        if (p->sector == Sector::kNone) effect -= 1.5;
        if (p->sector == Sector::kConstruction ||
            p->sector == Sector::kIndustry) {
          effect += 0.3;
        }
      }
      if (k == kInterior || k == kStatistics || k == kHealth) {
        effect += baku ? 0.3 : -0.3;
      }
      if (k == kBorder && border_region) effect += 0.5;
      const double base = kBaseCatchRate[k];
      double logit = std::log(base / (1 - base)) + model_.covariates * effect +
                     model_.shared * visibility + model_.own * own;
      if (model_.strong && hidden) logit -= 3;
      bool caught = u < 1 / (1 + std::exp(-logit));
      if (model_.strong && k == kLabour &&
          p->status == LegalStatus::kIrregular) {
        caught = false;
      }
      if (!caught) continue;
      p->mask |= 1u << k;
      p->copies[k] = duplicate < profile_.duplicate ? 2 : 1;
    }
  }

  uint64_t RecordNumber(int64_t person, int copy, size_t reg) const {
    const uint64_t key = StreamSeed(options_.seed, 0, kIdStream + reg);
    return Permute40(
        static_cast<uint64_t>(person) * 8 + static_cast<uint64_t>(copy), key);
  }

  void Render(const Person& p, size_t reg, int copy,
              const NoiseProfile& profile, uint64_t id, Record* r) const {
    const uint64_t item =
        static_cast<uint64_t>(p.index) * 8 + static_cast<uint64_t>(copy);
    Rng style(StreamSeed(options_.seed, item, kStyleStream + reg));
    Rng noise(StreamSeed(options_.seed, item, kNoiseStream + reg));
    const RegisterStyle& rs = kRegisterStyles[reg];
    const Nationality& nationality = Nationalities()[p.nationality];
    const NameList& names = Names(p.culture);
    const size_t sex = p.sex;

    // Style: the register's own habits, the same at every noise level.
    const bool interior_latin = style.Bernoulli(0.25);
    const bool interior_gost = style.Bernoulli(0.5);
    const bool statistics_upper = style.Bernoulli(0.5);
    const bool statistics_variant = style.Bernoulli(0.5);
    const uint64_t variant_pick = style.Next();
    const bool chinese_order = style.Bernoulli(0.15);
    const bool interior_passport = style.Bernoulli(0.85);
    const int registered_day = style.IntIn(0, 730);

    // Noise decisions, always drawn in the same order.
    const bool diminutive = noise.Bernoulli(profile.diminutive);
    const bool drop_patronymic = noise.Bernoulli(profile.drop_patronymic);
    const bool swap_names = noise.Bernoulli(profile.swap_names);
    const bool swap_day_month = noise.Bernoulli(profile.swap_day_month);
    const bool year_off = noise.Bernoulli(profile.year_off);
    const bool year_up = noise.Bernoulli(0.5);
    const bool drop_day = noise.Bernoulli(profile.drop_day);
    const bool no_birth_date = noise.Bernoulli(profile.missing_birth_date);
    const bool passport_missing = noise.Bernoulli(profile.passport_missing);
    const bool passport_partial = noise.Bernoulli(profile.passport_partial);
    const bool passport_ocr = noise.Bernoulli(profile.ocr * 2);
    const bool no_sex = noise.Bernoulli(profile.missing_sex);

    const Spelling* given = &names.given[sex][p.given];
    if (diminutive && names.diminutive[sex][p.given] >= 0) {
      given = &names.diminutives[sex][static_cast<size_t>(
          names.diminutive[sex][p.given])];
    }
    const Spelling& surname = names.surname[sex][p.surname];
    const Spelling* patronymic =
        names.patronymic[sex].empty() || drop_patronymic
            ? nullptr
            : &names.patronymic[sex][p.father];

    r->source = std::string(SynthSourceNames()[reg]);
    r->source_record_id = std::string(rs.id_prefix);
    AppendPadded(static_cast<int64_t>(id), 13, &r->source_record_id);

    std::string given_text;
    std::string surname_text;
    std::string patronymic_text;
    std::string full_name;
    const bool chinese = p.culture == Culture::kChinese;
    switch (reg) {
      case kMigration: {
        const Form form = nationality.cyrillic_passport
                              ? Form::kPassportFromCyrillic
                              : Form::kPassport;
        given_text = Pick(*given, form);
        surname_text = Pick(surname, form);
        break;
      }
      case kInterior: {
        const Form form = !interior_latin ? Form::kCyrillic
                          : interior_gost ? Form::kGost
                                          : Form::kBgn;
        given_text = Pick(*given, form);
        surname_text = Pick(surname, form);
        if (patronymic != nullptr) patronymic_text = Pick(*patronymic, form);
        break;
      }
      case kLabour:
        given_text = given->az_latin;
        surname_text = surname.az_latin;
        if (patronymic != nullptr) patronymic_text = patronymic->az_latin;
        break;
      case kStatistics: {
        auto ascii = [&](const Spelling& s) {
          std::string text = s.ascii;
          if (statistics_variant && !s.variants.empty()) {
            text = synth_internal::TitleCase(synth_internal::AsciiFold(
                s.variants[variant_pick % s.variants.size()]));
          }
          return statistics_upper ? AsciiUpper(text) : text;
        };
        given_text = ascii(*given);
        surname_text = ascii(surname);
        break;
      }
      case kBorder: {
        const Form form = nationality.cyrillic_passport
                              ? Form::kPassportFromCyrillic
                              : Form::kPassport;
        std::string first = synth_internal::AsciiFold(Pick(surname, form));
        std::string second = synth_internal::AsciiFold(Pick(*given, form));
        if (swap_names) std::swap(first, second);
        full_name = first + "<<" + second;
        for (char& c : full_name) {
          if (c == ' ' || c == '-') c = '<';
        }
        break;
      }
      default: {  // kHealth
        std::vector<std::string> parts;
        if (names.surname_first) {
          parts = {surname.native, given->native};
          if (patronymic != nullptr) parts.push_back(patronymic->native);
        } else {
          parts = {given->native, surname.native};
        }
        if (swap_names) std::swap(parts[0], parts[1]);
        for (const std::string& part : parts) {
          if (!full_name.empty() && !names.no_spaces) full_name += ' ';
          full_name += part;
        }
        break;
      }
    }
    if (chinese && chinese_order && reg <= kStatistics) {
      std::swap(given_text, surname_text);
    }
    if (swap_names && reg <= kStatistics) std::swap(given_text, surname_text);
    NoiseName(profile, noise, &given_text);
    NoiseName(profile, noise, &surname_text);
    NoiseName(profile, noise, &patronymic_text);
    NoiseName(profile, noise, &full_name);
    r->Set(Field::kGivenName, std::move(given_text));
    r->Set(Field::kSurname, std::move(surname_text));
    r->Set(Field::kPatronymic, std::move(patronymic_text));
    r->Set(Field::kFullName, std::move(full_name));

    if (!no_sex) {
      r->Set(Field::kSex, std::string(p.sex == kMale ? rs.male : rs.female));
    }

    if (!no_birth_date) {
      int year = p.year;
      int month = p.month;
      int day = p.day;
      if (swap_day_month && day <= 12 && day != month) std::swap(day, month);
      if (year_off) year += year_up ? 1 : -1;
      day = std::min(day, DaysIn(year, month));
      if (drop_day) day = 0;
      r->Set(Field::kBirthDate, FormatDate(rs.birth, year, month, day));
    }

    switch (reg) {
      case kMigration:
        r->Set(Field::kNationality, std::string(nationality.alpha3));
        break;
      case kInterior:
        r->Set(Field::kNationality, std::string(nationality.russian));
        break;
      case kLabour:
        r->Set(Field::kNationality, std::string(nationality.azerbaijani));
        break;
      case kStatistics:
        r->Set(Field::kNationality, statistics_upper
                                        ? AsciiUpper(nationality.english)
                                        : std::string(nationality.english));
        break;
      case kBorder:
        r->Set(Field::kNationality, std::string(nationality.alpha2));
        break;
      default:
        r->Set(Field::kNationality, std::string(nationality.turkish));
        break;
    }

    const bool writes_passport = reg == kMigration || reg == kLabour ||
                                 reg == kBorder ||
                                 (reg == kInterior && interior_passport);
    if (writes_passport && !passport_missing) {
      std::string passport = p.passport;
      if (reg == kInterior && nationality.cyrillic_passport &&
          passport.size() > 2) {
        // Series and number apart, Soviet style.
        passport = absl::StrCat(passport.substr(0, 2), " ", passport.substr(2));
      }
      if (passport_partial) {
        switch (noise.Below(3)) {
          case 0:  // the letters of the series lost
            passport.erase(
                std::remove_if(passport.begin(), passport.end(),
                               [](char c) { return c < '0' || c > '9'; }),
                passport.end());
            break;
          case 1:
            passport.resize(passport.size() - 2);
            break;
          default:
            passport.erase(0, 2);
            break;
        }
      }
      if (passport_ocr) {
        passport = OcrConfusion(passport, noise, /*passport_number=*/true);
      }
      r->Set(Field::kPassportNo, std::move(passport));
    }

    const synth_internal::Region& region = Regions()[p.region];
    switch (reg) {
      case kMigration:
      case kLabour:
      case kHealth:
        r->Set(Field::kRegion, std::string(region.azerbaijani));
        break;
      case kInterior:
        r->Set(Field::kRegion, std::string(region.russian));
        break;
      case kStatistics:
        r->Set(Field::kRegion, statistics_upper ? AsciiUpper(region.ascii)
                                                : std::string(region.ascii));
        break;
      default:
        break;
    }

    const synth_internal::SectorNames& sector = SectorName(p.sector);
    if (reg == kLabour) {
      r->Set(Field::kSector, std::string(sector.azerbaijani));
    } else if (reg == kStatistics ||
               (reg == kMigration && p.status == LegalStatus::kWorkPermit)) {
      r->Set(Field::kSector, std::string(sector.english));
    }

    int year = 2007;
    int month = 1;
    int day = registered_day + 1;
    while (day > DaysIn(year, month)) {
      day -= DaysIn(year, month);
      if (++month > 12) month = 1, ++year;
    }
    r->Set(Field::kRegisteredOn, FormatDate(rs.registered, year, month, day));

    if (rs.address) r->extra.emplace_back("address", Address(p.address));
  }

  static void AppendCsvRow(const Record& record, bool address,
                           std::string* out) {
    *out += CsvEscape(record.source_record_id);
    for (const std::string& value : record.fields) {
      out->push_back(',');
      *out += CsvEscape(value);
    }
    if (address) {
      out->push_back(',');
      const std::string* value = record.FindExtra("address");
      if (value != nullptr) *out += CsvEscape(*value);
    }
    out->push_back('\n');
  }

  SynthOptions options_;
  NoiseProfile profile_;
  CaptureModel model_;
};

std::string CsvHeader(size_t reg) {
  std::string header = "source_record_id";
  for (Field field : AllFields())
    absl::StrAppend(&header, ",", Av(FieldName(field)));
  if (kRegisterStyles[reg].address) header += ",address";
  header += '\n';
  return header;
}

void InitSummary(const SynthOptions& options, ScenarioSummary* summary) {
  const auto k = static_cast<size_t>(options.sources);
  summary->sources.clear();
  for (size_t reg = 0; reg < k; ++reg) {
    summary->sources.emplace_back(SynthSourceNames()[reg]);
  }
  summary->people = 0;
  summary->records_per_source.assign(k, 0);
  summary->people_per_source.assign(k, 0);
  summary->histories.assign(size_t{1} << k, 0);
}

void AddToSummary(const ChunkResult& chunk, ScenarioSummary* summary) {
  const size_t k = summary->sources.size();
  for (const Person& p : chunk.people) {
    ++summary->people;
    const std::string alpha3(Nationalities()[p.nationality].alpha3);
    ++summary->people_by_nationality[alpha3];
    ++summary->histories[p.mask];
    std::vector<int64_t>& by_nationality =
        summary->histories_by_nationality[alpha3];
    if (by_nationality.empty()) by_nationality.assign(size_t{1} << k, 0);
    ++by_nationality[p.mask];
    for (size_t reg = 0; reg < k; ++reg) {
      summary->records_per_source[reg] += p.copies[reg];
      if (p.copies[reg] > 0) ++summary->people_per_source[reg];
    }
  }
}

std::string TruthJson(const SynthOptions& options,
                      const ScenarioSummary& summary) {
  const int k = options.sources;
  auto histories = [k](const std::vector<int64_t>& counts) {
    std::string out = "{";
    bool first = true;
    for (uint32_t mask = 1; mask < counts.size(); ++mask) {
      if (counts[mask] == 0) continue;
      absl::StrAppend(&out, first ? "" : ", ", "\"", HistoryString(mask, k),
                      "\": ", counts[mask]);
      first = false;
    }
    return out + "}";
  };
  auto per_source = [&](const std::vector<int64_t>& counts) {
    std::string out = "{";
    for (size_t reg = 0; reg < counts.size(); ++reg) {
      absl::StrAppend(&out, reg == 0 ? "" : ", ", "\"", summary.sources[reg],
                      "\": ", counts[reg]);
    }
    return out + "}";
  };
  std::string json = "{\n";
  absl::StrAppend(&json, "  \"generator\": \"reckon synth\",\n");
  absl::StrAppend(&json, "  \"arguments\": {\"people\": ", options.people,
                  ", \"sources\": ", options.sources, ", \"noise\": \"",
                  Av(NoiseLevelName(options.noise)),
                  "\", \"heterogeneity\": \"",
                  Av(HeterogeneityName(options.heterogeneity)),
                  "\", \"seed\": ", options.seed, "},\n");
  absl::StrAppend(&json, "  \"sources\": [");
  for (size_t reg = 0; reg < summary.sources.size(); ++reg) {
    absl::StrAppend(&json, reg == 0 ? "" : ", ", "\"", summary.sources[reg],
                    "\"");
  }
  absl::StrAppend(&json, "],\n  \"true_n\": ", summary.people, ",\n");
  absl::StrAppend(&json, "  \"true_n_by_nationality\": {");
  bool first = true;
  for (const auto& [alpha3, n] : summary.people_by_nationality) {
    absl::StrAppend(&json, first ? "" : ", ", "\"", alpha3, "\": ", n);
    first = false;
  }
  absl::StrAppend(&json, "},\n  \"uncaptured\": ", summary.histories[0], ",\n");
  absl::StrAppend(&json, "  \"records_per_source\": ",
                  per_source(summary.records_per_source), ",\n");
  absl::StrAppend(&json, "  \"people_per_source\": ",
                  per_source(summary.people_per_source), ",\n");
  absl::StrAppend(&json, "  \"histories\": ", histories(summary.histories),
                  ",\n");
  absl::StrAppend(&json, "  \"histories_by_nationality\": {");
  first = true;
  for (const auto& [alpha3, counts] : summary.histories_by_nationality) {
    absl::StrAppend(&json, first ? "\n" : ",\n", "    \"", alpha3,
                    "\": ", histories(counts));
    first = false;
  }
  absl::StrAppend(&json, "\n  }\n}\n");
  return json;
}

SynthPerson ToSynthPerson(const Person& p) {
  SynthPerson out;
  Generator::AppendPersonId(p.index, &out.person_id);
  out.nationality = std::string(Nationalities()[p.nationality].alpha3);
  out.culture = std::string(CultureName(p.culture));
  out.sex = p.sex == kMale ? 'M' : 'F';
  out.birth_year = p.year;
  out.birth_month = p.month;
  out.birth_day = p.day;
  out.legal_status = std::string(LegalStatusName(p.status));
  out.sector = std::string(SectorName(p.sector).english);
  out.region = std::string(Regions()[p.region].azerbaijani);
  out.capture_mask = p.mask;
  return out;
}

// Runs the generator over every chunk in parallel and hands the chunks to
// `consume` in chunk order.
template <typename Consume>
absl::Status RunChunks(const SynthOptions& options, const ExecOptions& exec,
                       bool keep, Consume consume) {
  const Generator generator(options);
  const int64_t chunks = (options.people + kChunkSize - 1) / kChunkSize;
  int64_t next = 0;
  absl::Status status;
  // Chunk buffers are recycled: allocating fresh multi-megabyte buffers for
  // every chunk costs more in page faults than generating the chunk.
  std::mutex pool_mutex;
  std::vector<std::unique_ptr<ChunkResult>> owned;  // every buffer made
  std::vector<ChunkResult*> idle;                   // those not in flight
  const auto tokens =
      static_cast<size_t>(2 * tbb::this_task_arena::max_concurrency());
  tbb::parallel_pipeline(
      tokens,
      tbb::make_filter<void, int64_t>(
          tbb::filter_mode::serial_in_order,
          [&](tbb::flow_control& control) -> int64_t {
            if (next < chunks && status.ok()) {
              status = CheckContinue(exec, "synth");
            }
            if (next >= chunks || !status.ok()) {
              control.stop();
              return 0;
            }
            return next++;
          }) &
          tbb::make_filter<int64_t, ChunkResult*>(
              tbb::filter_mode::parallel,
              [&](int64_t chunk) {
                ChunkResult* result = nullptr;
                {
                  std::lock_guard<std::mutex> lock(pool_mutex);
                  if (idle.empty()) {
                    owned.push_back(std::make_unique<ChunkResult>());
                    result = owned.back().get();
                  } else {
                    result = idle.back();
                    idle.pop_back();
                  }
                }
                generator.Chunk(chunk, keep, result);
                return result;
              }) &
          tbb::make_filter<ChunkResult*, void>(
              tbb::filter_mode::serial_in_order, [&](ChunkResult* chunk) {
                if (status.ok()) status = consume(*chunk);
                std::lock_guard<std::mutex> lock(pool_mutex);
                idle.push_back(chunk);
              }));
  return status;
}

}  // namespace

absl::StatusOr<NoiseLevel> ParseNoiseLevel(std::string_view text) {
  if (text == "low") return NoiseLevel::kLow;
  if (text == "medium") return NoiseLevel::kMedium;
  if (text == "high") return NoiseLevel::kHigh;
  return absl::InvalidArgumentError(
      absl::StrCat("--noise: expected low, medium or high, got \"",
                   std::string(text), "\""));
}

std::string_view NoiseLevelName(NoiseLevel level) {
  switch (level) {
    case NoiseLevel::kLow:
      return "low";
    case NoiseLevel::kMedium:
      return "medium";
    case NoiseLevel::kHigh:
      break;
  }
  return "high";
}

absl::StatusOr<Heterogeneity> ParseHeterogeneity(std::string_view text) {
  if (text == "none") return Heterogeneity::kNone;
  if (text == "mild") return Heterogeneity::kMild;
  if (text == "strong") return Heterogeneity::kStrong;
  return absl::InvalidArgumentError(
      absl::StrCat("--heterogeneity: expected none, mild or strong, got \"",
                   std::string(text), "\""));
}

std::string_view HeterogeneityName(Heterogeneity heterogeneity) {
  switch (heterogeneity) {
    case Heterogeneity::kNone:
      return "none";
    case Heterogeneity::kMild:
      return "mild";
    case Heterogeneity::kStrong:
      break;
  }
  return "strong";
}

const std::array<std::string_view, kMaxSynthSources>& SynthSourceNames() {
  static constexpr std::array<std::string_view, kMaxSynthSources> kNames = {
      "migration", "interior", "labour", "statistics", "border", "health"};
  return kNames;
}

absl::Status ValidateSynthOptions(const SynthOptions& options) {
  if (options.people < 1 || options.people > kMaxSynthPeople) {
    return absl::InvalidArgumentError(absl::StrCat(
        "--people: expected 1 to ", kMaxSynthPeople, ", got ", options.people));
  }
  if (options.sources < kMinSynthSources ||
      options.sources > kMaxSynthSources) {
    return absl::InvalidArgumentError(
        absl::StrCat("--sources: expected ", kMinSynthSources, " to ",
                     kMaxSynthSources, ", got ", options.sources));
  }
  return absl::OkStatus();
}

std::string HistoryString(uint32_t mask, int sources) {
  std::string out;
  for (int k = 0; k < sources; ++k) out.push_back((mask >> k) & 1 ? '1' : '0');
  return out;
}

absl::StatusOr<ScenarioSummary> WriteScenario(const SynthOptions& options,
                                              const ScenarioOutputs& outputs,
                                              const ExecOptions& exec) {
  RECKON_RETURN_IF_ERROR(ValidateSynthOptions(options));
  if (outputs.sources.size() != static_cast<size_t>(options.sources) ||
      outputs.truth_csv == nullptr || outputs.truth_json == nullptr ||
      std::find(outputs.sources.begin(), outputs.sources.end(), nullptr) !=
          outputs.sources.end()) {
    return absl::InvalidArgumentError(
        absl::StrCat("synth: expected ", options.sources,
                     " source streams and both truth streams"));
  }
  ScenarioSummary summary;
  InitSummary(options, &summary);
  for (size_t reg = 0; reg < outputs.sources.size(); ++reg) {
    *outputs.sources[reg] << CsvHeader(reg);
  }
  *outputs.truth_csv << "source,source_record_id,person_id\n";
  auto check = [&]() -> absl::Status {
    for (size_t reg = 0; reg < outputs.sources.size(); ++reg) {
      if (!*outputs.sources[reg]) {
        return absl::DataLossError(absl::StrCat(
            "synth: writing ", summary.sources[reg], " records failed"));
      }
    }
    if (!*outputs.truth_csv) {
      return absl::DataLossError("synth: writing truth.csv failed");
    }
    return absl::OkStatus();
  };
  RECKON_RETURN_IF_ERROR(
      RunChunks(options, exec, /*keep=*/false,
                [&](const ChunkResult& chunk) -> absl::Status {
                  for (size_t reg = 0; reg < chunk.csv.size(); ++reg) {
                    outputs.sources[reg]->write(
                        chunk.csv[reg].data(),
                        static_cast<std::streamsize>(chunk.csv[reg].size()));
                  }
                  outputs.truth_csv->write(
                      chunk.truth.data(),
                      static_cast<std::streamsize>(chunk.truth.size()));
                  AddToSummary(chunk, &summary);
                  return check();
                }));
  *outputs.truth_json << TruthJson(options, summary);
  for (std::ostream* out : outputs.sources) out->flush();
  outputs.truth_csv->flush();
  outputs.truth_json->flush();
  RECKON_RETURN_IF_ERROR(check());
  if (!*outputs.truth_json) {
    return absl::DataLossError("synth: writing truth.json failed");
  }
  return summary;
}

absl::StatusOr<Scenario> GenerateScenario(const SynthOptions& options,
                                          const ExecOptions& exec) {
  RECKON_RETURN_IF_ERROR(ValidateSynthOptions(options));
  Scenario scenario;
  InitSummary(options, &scenario.summary);
  scenario.sources = scenario.summary.sources;
  RECKON_RETURN_IF_ERROR(RunChunks(
      options, exec, /*keep=*/true, [&](ChunkResult& chunk) -> absl::Status {
        for (const Person& p : chunk.people) {
          scenario.people.push_back(ToSynthPerson(p));
        }
        for (size_t reg = 0; reg < chunk.records.size(); ++reg) {
          for (ChunkResult::Rendered& rendered : chunk.records[reg]) {
            SynthRecord record;
            record.source = static_cast<int>(reg);
            record.person = rendered.person;
            record.record = std::move(rendered.record);
            record.clean = std::move(rendered.clean);
            scenario.records.push_back(std::move(record));
          }
        }
        AddToSummary(chunk, &scenario.summary);
        return absl::OkStatus();
      }));
  return scenario;
}

}  // namespace reckon

// The scenario generator end to end: determinism, truth that agrees with the
// files, files that reckon's own reader accepts, noise that grows with the
// level, and catch probabilities that follow the documented model.
#include "linkage/synth/scenario.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "tbb/task_arena.h"

#include "linkage/ingest/csv_reader.h"
#include "linkage/ingest/dates.h"
#include "linkage/ingest/nationality.h"
#include "linkage/ingest/record_reader.h"
#include "linkage/ingest/sex.h"
#include "linkage/synth/text.h"
#include "tests/testing/status_matchers.h"

namespace reckon {
namespace {

using ::reckon_testing::StatusIs;
using ::testing::HasSubstr;

struct Written {
  std::vector<std::string> sources;
  std::string truth_csv;
  std::string truth_json;
  ScenarioSummary summary;
};

Written Write(const SynthOptions& options) {
  std::vector<std::ostringstream> sources(static_cast<size_t>(options.sources));
  std::ostringstream truth_csv;
  std::ostringstream truth_json;
  ScenarioOutputs outputs;
  for (auto& s : sources) outputs.sources.push_back(&s);
  outputs.truth_csv = &truth_csv;
  outputs.truth_json = &truth_json;
  absl::StatusOr<ScenarioSummary> summary = WriteScenario(options, outputs);
  EXPECT_TRUE(summary.ok()) << summary.status();
  Written written;
  for (auto& s : sources) written.sources.push_back(s.str());
  written.truth_csv = truth_csv.str();
  written.truth_json = truth_json.str();
  if (summary.ok()) written.summary = *summary;
  return written;
}

SynthOptions Options(int64_t people, int sources, NoiseLevel noise,
                     Heterogeneity heterogeneity, uint64_t seed) {
  SynthOptions options;
  options.people = people;
  options.sources = sources;
  options.noise = noise;
  options.heterogeneity = heterogeneity;
  options.seed = seed;
  return options;
}

TEST(ParseTest, AcceptsTheDocumentedWordsOnly) {
  EXPECT_THAT(ParseNoiseLevel("medium"),
              reckon_testing::IsOkAndHolds(NoiseLevel::kMedium));
  EXPECT_THAT(ParseHeterogeneity("strong"),
              reckon_testing::IsOkAndHolds(Heterogeneity::kStrong));
  EXPECT_THAT(ParseNoiseLevel("loud"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("--noise: expected low, medium or high")));
  EXPECT_THAT(ParseHeterogeneity("Mild"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("--heterogeneity")));
}

TEST(ValidateTest, NamesTheBadOption) {
  SynthOptions options;
  options.sources = 7;
  EXPECT_THAT(ValidateSynthOptions(options),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("--sources: expected 2 to 6, got 7")));
  options.sources = 1;
  EXPECT_THAT(
      ValidateSynthOptions(options),
      StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("--sources")));
  options.sources = 3;
  options.people = 0;
  EXPECT_THAT(
      ValidateSynthOptions(options),
      StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("--people")));
  std::ostringstream one;
  ScenarioOutputs outputs{
      .sources = {&one}, .truth_csv = &one, .truth_json = &one};
  options.people = 10;
  EXPECT_THAT(WriteScenario(options, outputs),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("expected 3 source streams")));
}

TEST(HistoryStringTest, OneDigitPerSourceInFileOrder) {
  EXPECT_EQ(HistoryString(0b1101, 4), "1011");
  EXPECT_EQ(HistoryString(0b1, 3), "100");
  EXPECT_EQ(HistoryString(0b110000, 6), "000011");
}

TEST(WriteScenarioTest, SameArgumentsGiveIdenticalBytes) {
  const SynthOptions options =
      Options(3000, 6, NoiseLevel::kHigh, Heterogeneity::kStrong, 7);
  const Written a = Write(options);
  const Written b = Write(options);
  EXPECT_EQ(a.sources, b.sources);
  EXPECT_EQ(a.truth_csv, b.truth_csv);
  EXPECT_EQ(a.truth_json, b.truth_json);
  SynthOptions other = options;
  other.seed = 8;
  const Written c = Write(other);
  for (size_t k = 0; k < a.sources.size(); ++k) {
    EXPECT_NE(a.sources[k], c.sources[k]) << k;
  }
  EXPECT_NE(a.truth_csv, c.truth_csv);
}

TEST(WriteScenarioTest, OutputDoesNotDependOnThreadCount) {
  const SynthOptions options =
      Options(5000, 4, NoiseLevel::kMedium, Heterogeneity::kMild, 11);
  Written single;
  tbb::task_arena one_thread(1);
  one_thread.execute([&] { single = Write(options); });
  const Written parallel = Write(options);
  EXPECT_EQ(single.sources, parallel.sources);
  EXPECT_EQ(single.truth_csv, parallel.truth_csv);
  EXPECT_EQ(single.truth_json, parallel.truth_json);
}

// Reads every register with reckon's reader; returns records per source.
std::vector<std::vector<Record>> ReadRegisters(const Written& written) {
  std::vector<std::vector<Record>> out;
  for (size_t k = 0; k < written.sources.size(); ++k) {
    std::istringstream in(written.sources[k]);
    const std::string name(SynthSourceNames()[k]);
    absl::StatusOr<ReadResult> result = ReadAllRecords(in, name + ".csv", name);
    EXPECT_TRUE(result.ok()) << result.status();
    if (!result.ok()) {
      out.emplace_back();
      continue;
    }
    EXPECT_EQ(result->rows_rejected, 0) << name;
    for (const std::string& error : result->errors) ADD_FAILURE() << error;
    out.push_back(std::move(result->records));
  }
  return out;
}

TEST(WriteScenarioTest, EveryRegisterParsesWithReckonsReader) {
  for (NoiseLevel noise :
       {NoiseLevel::kLow, NoiseLevel::kMedium, NoiseLevel::kHigh}) {
    const Written written =
        Write(Options(2500, 6, noise, Heterogeneity::kStrong, 3));
    const std::vector<std::vector<Record>> registers = ReadRegisters(written);
    ASSERT_EQ(registers.size(), 6u);
    for (size_t k = 0; k < registers.size(); ++k) {
      EXPECT_EQ(static_cast<int64_t>(registers[k].size()),
                written.summary.records_per_source[k]);
      EXPECT_GT(registers[k].size(), 100u);
    }
    // Interior, labour and health keep an address column.
    EXPECT_NE(registers[1][0].FindExtra("address"), nullptr);
    EXPECT_EQ(registers[0][0].FindExtra("address"), nullptr);
  }
}

TEST(WriteScenarioTest, TruthJsonAgreesWithTheFiles) {
  const Written written =
      Write(Options(4000, 5, NoiseLevel::kHigh, Heterogeneity::kMild, 5));
  const std::vector<std::vector<Record>> registers = ReadRegisters(written);

  // truth.csv maps every record, and nothing else, to a person.
  std::map<std::pair<std::string, std::string>, std::string> truth;
  std::istringstream truth_in(written.truth_csv);
  CsvReader reader(truth_in, "truth.csv");
  CsvRow row;
  ASSERT_TRUE(*reader.Next(&row));
  EXPECT_EQ(row.fields, (std::vector<std::string>{"source", "source_record_id",
                                                  "person_id"}));
  while (*reader.Next(&row)) {
    ASSERT_EQ(row.fields.size(), 3u);
    EXPECT_TRUE(truth
                    .emplace(std::make_pair(row.fields[0], row.fields[1]),
                             row.fields[2])
                    .second)
        << row.fields[1];
  }
  size_t records = 0;
  std::map<std::string, uint32_t> mask_of_person;
  std::vector<std::set<std::string>> people_of_source(registers.size());
  for (size_t k = 0; k < registers.size(); ++k) {
    records += registers[k].size();
    for (const Record& record : registers[k]) {
      auto it = truth.find({record.source, record.source_record_id});
      ASSERT_NE(it, truth.end()) << record.source_record_id;
      mask_of_person[it->second] |= 1u << k;
      people_of_source[k].insert(it->second);
    }
  }
  EXPECT_EQ(truth.size(), records);

  const nlohmann::json json = nlohmann::json::parse(written.truth_json);
  EXPECT_EQ(json["true_n"], 4000);
  EXPECT_EQ(json["arguments"]["noise"], "high");
  EXPECT_EQ(json["arguments"]["heterogeneity"], "mild");
  EXPECT_EQ(json["arguments"]["sources"], 5);
  EXPECT_EQ(json["arguments"]["seed"], 5);
  int64_t by_nationality = 0;
  for (const auto& [alpha3, n] : json["true_n_by_nationality"].items()) {
    EXPECT_EQ(alpha3.size(), 3u);
    by_nationality += n.get<int64_t>();
  }
  EXPECT_EQ(by_nationality, 4000);
  for (size_t k = 0; k < registers.size(); ++k) {
    const std::string name(SynthSourceNames()[k]);
    EXPECT_EQ(json["sources"][k], name);
    EXPECT_EQ(json["records_per_source"][name].get<size_t>(),
              registers[k].size());
    EXPECT_EQ(json["people_per_source"][name].get<size_t>(),
              people_of_source[k].size());
  }
  std::map<std::string, int64_t> histories;
  for (const auto& [person, mask] : mask_of_person) {
    ++histories[HistoryString(mask, 5)];
  }
  std::map<std::string, int64_t> json_histories;
  int64_t captured = 0;
  for (const auto& [history, n] : json["histories"].items()) {
    json_histories[history] = n.get<int64_t>();
    captured += n.get<int64_t>();
  }
  EXPECT_EQ(json_histories, histories);
  EXPECT_EQ(captured + json["uncaptured"].get<int64_t>(), 4000);
  // Per-nationality histories add up to the overall ones.
  std::map<std::string, int64_t> summed;
  for (const auto& [alpha3, cells] : json["histories_by_nationality"].items()) {
    for (const auto& [history, n] : cells.items()) {
      summed[history] += n.get<int64_t>();
    }
  }
  EXPECT_EQ(summed, histories);
}

TEST(WriteScenarioTest, DuplicatesShareAPersonIdAtTheDocumentedRate) {
  const Written written =
      Write(Options(6000, 4, NoiseLevel::kHigh, Heterogeneity::kNone, 9));
  std::map<std::pair<std::string, std::string>, int> records_of;
  std::istringstream in(written.truth_csv);
  CsvReader reader(in, "truth.csv");
  CsvRow row;
  ASSERT_TRUE(*reader.Next(&row));
  while (*reader.Next(&row)) ++records_of[{row.fields[0], row.fields[2]}];
  int duplicated = 0;
  for (const auto& [key, n] : records_of) {
    EXPECT_LE(n, 2);
    if (n == 2) ++duplicated;
  }
  // High noise: 8% of the people a register catches appear twice.
  const double share = duplicated / static_cast<double>(records_of.size());
  EXPECT_NEAR(share, 0.08, 0.015);
}

// Share of records whose name field differs from the same record rendered
// without noise.
double ChangedNameShare(const Scenario& scenario) {
  int changed = 0;
  for (const SynthRecord& r : scenario.records) {
    const Field field = r.record.Get(Field::kFullName).empty()
                            ? Field::kSurname
                            : Field::kFullName;
    if (r.record.Get(field) != r.clean.Get(field)) ++changed;
  }
  return changed / static_cast<double>(scenario.records.size());
}

TEST(GenerateScenarioTest, EachNoiseLevelChangesMoreThanTheOneBelow) {
  std::vector<double> changed_names;
  std::vector<double> missing_passports;
  std::vector<uint32_t> first_masks;
  for (NoiseLevel noise :
       {NoiseLevel::kLow, NoiseLevel::kMedium, NoiseLevel::kHigh}) {
    absl::StatusOr<Scenario> scenario =
        GenerateScenario(Options(4000, 6, noise, Heterogeneity::kMild, 21));
    ASSERT_TRUE(scenario.ok()) << scenario.status();
    changed_names.push_back(ChangedNameShare(*scenario));
    int missing = 0;
    int migration = 0;
    for (const SynthRecord& r : scenario->records) {
      if (r.source != 0) continue;
      ++migration;
      if (r.record.Get(Field::kPassportNo).empty()) ++missing;
      // Clean migration records always carry the passport.
      EXPECT_FALSE(r.clean.Get(Field::kPassportNo).empty());
    }
    missing_passports.push_back(missing / static_cast<double>(migration));
    // The population and its capture do not depend on the noise level.
    if (first_masks.empty()) {
      for (const SynthPerson& p : scenario->people) {
        first_masks.push_back(p.capture_mask);
      }
    } else {
      ASSERT_EQ(first_masks.size(), scenario->people.size());
      for (size_t i = 0; i < first_masks.size(); ++i) {
        ASSERT_EQ(first_masks[i], scenario->people[i].capture_mask) << i;
      }
    }
  }
  // Name noise per record (typo, OCR, case, space, swap) comes to about
  // 6% low, 17% medium, 35% high on this seed.
  EXPECT_GT(changed_names[0], 0.02);
  EXPECT_LT(changed_names[0], 0.10);
  EXPECT_GT(changed_names[1], changed_names[0] * 1.5);
  EXPECT_GT(changed_names[2], changed_names[1] * 1.5);
  // Missing passports: 2%, 6%, 12%.
  EXPECT_NEAR(missing_passports[0], 0.02, 0.012);
  EXPECT_NEAR(missing_passports[1], 0.06, 0.02);
  EXPECT_NEAR(missing_passports[2], 0.12, 0.03);
}

TEST(GenerateScenarioTest, RegistersWriteTheirOwnScriptsAndCodes) {
  absl::StatusOr<Scenario> scenario = GenerateScenario(
      Options(4000, 6, NoiseLevel::kLow, Heterogeneity::kNone, 4));
  ASSERT_TRUE(scenario.ok());
  auto has_code_point_in = [](const std::string& text, char32_t lo,
                              char32_t hi) {
    for (char32_t c : synth_internal::DecodeUtf8(text)) {
      if (c >= lo && c <= hi) return true;
    }
    return false;
  };
  std::map<std::string, int> health_native;  // nationality -> records
  int interior_cyrillic = 0;
  int interior = 0;
  for (const SynthRecord& r : scenario->records) {
    const SynthPerson& person = scenario->people[static_cast<size_t>(r.person)];
    const Record& clean = r.clean;
    switch (r.source) {
      case 0:  // migration
        EXPECT_EQ(clean.Get(Field::kNationality), person.nationality);
        EXPECT_THAT(clean.Get(Field::kSex), testing::AnyOf("M", "F"));
        break;
      case 1:  // interior
        ++interior;
        if (has_code_point_in(clean.Get(Field::kSurname), 0x400, 0x4FF)) {
          ++interior_cyrillic;
        }
        EXPECT_THAT(clean.Get(Field::kSex), testing::AnyOf("М", "Ж"));
        break;
      case 2:  // labour
        EXPECT_THAT(clean.Get(Field::kSex), testing::AnyOf("K", "Q"));
        break;
      case 3:  // statistics: plain ASCII names, year-month birth dates
        for (char c : clean.Get(Field::kSurname)) {
          EXPECT_GT(static_cast<unsigned char>(c), 0)
              << clean.Get(Field::kSurname);
          EXPECT_LT(static_cast<unsigned char>(c), 0x80)
              << clean.Get(Field::kSurname);
        }
        EXPECT_EQ(clean.Get(Field::kBirthDate).size(), 7u);
        break;
      case 4:  // border: MRZ-like full name
        EXPECT_THAT(clean.Get(Field::kFullName), HasSubstr("<<"));
        EXPECT_TRUE(clean.Get(Field::kSurname).empty());
        break;
      case 5:  // health: native script full names
        if ((person.nationality == "CHN" &&
             has_code_point_in(clean.Get(Field::kFullName), 0x4E00, 0x9FFF)) ||
            (person.culture == "georgian" &&
             has_code_point_in(clean.Get(Field::kFullName), 0x10D0, 0x10FF)) ||
            (person.nationality == "IRN" &&
             has_code_point_in(clean.Get(Field::kFullName), 0x600, 0x6FF))) {
          ++health_native[person.nationality];
        }
        break;
      default:
        break;
    }
  }
  // About three quarters of interior records are in Cyrillic.
  EXPECT_NEAR(interior_cyrillic / static_cast<double>(interior), 0.75, 0.05);
  EXPECT_GT(health_native["CHN"], 0);
  EXPECT_GT(health_native["GEO"], 0);
  EXPECT_GT(health_native["IRN"], 0);
}

TEST(GenerateScenarioTest, NationalityMixFollowsTheReport) {
  absl::StatusOr<Scenario> scenario = GenerateScenario(
      Options(6000, 2, NoiseLevel::kLow, Heterogeneity::kNone, 12));
  ASSERT_TRUE(scenario.ok());
  const std::map<std::string, int64_t>& n =
      scenario->summary.people_by_nationality;
  // Weights 36 of 89.4 for Turkey, 12 for Georgia, 8 each for Russia and
  // China.
  EXPECT_NEAR(n.at("TUR") / 6000.0, 36 / 89.4, 0.03);
  EXPECT_NEAR(n.at("GEO") / 6000.0, 12 / 89.4, 0.02);
  EXPECT_GT(n.at("TUR"), n.at("GEO"));
  EXPECT_GT(n.at("GEO"), n.at("IRN"));
  EXPECT_GE(n.size(), 18u);
  int azerbaijani_named_georgians = 0;
  for (const SynthPerson& p : scenario->people) {
    EXPECT_GE(p.birth_year, 1944);
    EXPECT_LE(p.birth_year, 1990);
    if (p.nationality == "GEO" && p.culture == "azerbaijani") {
      ++azerbaijani_named_georgians;
    }
  }
  EXPECT_GT(azerbaijani_named_georgians, 0);
}

TEST(GenerateScenarioTest, DatesNationalitiesAndSexParseWithReckonsParsers) {
  absl::StatusOr<Scenario> scenario = GenerateScenario(
      Options(3000, 6, NoiseLevel::kHigh, Heterogeneity::kMild, 17));
  ASSERT_TRUE(scenario.ok());
  for (const SynthRecord& r : scenario->records) {
    const SynthPerson& person = scenario->people[static_cast<size_t>(r.person)];
    const std::string where =
        r.record.source + ":" + r.record.source_record_id + ": ";
    // Clean values parse to the truth.
    absl::StatusOr<PartialDate> birth =
        ParseDate(r.clean.Get(Field::kBirthDate));
    ASSERT_TRUE(birth.ok()) << where << birth.status();
    EXPECT_EQ(birth->year, person.birth_year) << where;
    EXPECT_EQ(birth->month, person.birth_month) << where;
    if (birth->day != 0) {
      EXPECT_EQ(birth->day, person.birth_day) << where;
    }
    EXPECT_THAT(NationalityToAlpha3(r.clean.Get(Field::kNationality)),
                reckon_testing::IsOkAndHolds(person.nationality))
        << where << r.clean.Get(Field::kNationality);
    EXPECT_THAT(ParseSex(r.clean.Get(Field::kSex)),
                reckon_testing::IsOkAndHolds(person.sex == 'M' ? Sex::kMale
                                                               : Sex::kFemale))
        << where << r.clean.Get(Field::kSex);
    // Noisy values are wrong at times but always well formed.
    EXPECT_TRUE(ParseDate(r.record.Get(Field::kBirthDate)).ok())
        << where << r.record.Get(Field::kBirthDate);
    EXPECT_TRUE(ParseDate(r.record.Get(Field::kRegisteredOn)).ok())
        << where << r.record.Get(Field::kRegisteredOn);
    EXPECT_TRUE(ParseSex(r.record.Get(Field::kSex)).ok()) << where;
  }
}

// Catch rate of register k among `people` passing `filter`.
template <typename Filter>
double CatchRate(const Scenario& scenario, int k, Filter filter) {
  int in = 0;
  int all = 0;
  for (const SynthPerson& p : scenario.people) {
    if (!filter(p)) continue;
    ++all;
    if (p.capture_mask & (1u << k)) ++in;
  }
  return all == 0 ? 0 : in / static_cast<double>(all);
}

TEST(GenerateScenarioTest, NoHeterogeneityCatchesAtTheBaseRatesIndependently) {
  absl::StatusOr<Scenario> scenario = GenerateScenario(
      Options(8000, 6, NoiseLevel::kLow, Heterogeneity::kNone, 31));
  ASSERT_TRUE(scenario.ok());
  const auto all = [](const SynthPerson&) { return true; };
  for (int k = 0; k < 6; ++k) {
    // Binomial sd at N = 8000 is at most 0.0056.
    EXPECT_NEAR(CatchRate(*scenario, k, all), kBaseCatchRate[k], 0.025) << k;
  }
  // Independence: P(migration and labour) = 0.55 * 0.35.
  int both = 0;
  for (const SynthPerson& p : scenario->people) {
    if ((p.capture_mask & 0b101) == 0b101) ++both;
  }
  EXPECT_NEAR(both / 8000.0, 0.55 * 0.35, 0.02);
  // Everyone, irregular or not, is equally catchable.
  for (int k = 0; k < 6; ++k) {
    EXPECT_NEAR(CatchRate(*scenario, k,
                          [](const SynthPerson& p) {
                            return p.legal_status == "irregular";
                          }),
                kBaseCatchRate[k], 0.05)
        << k;
  }
}

TEST(GenerateScenarioTest, StrongHeterogeneityMakesCatchDependOnThePerson) {
  const auto spread = [](const Scenario& scenario) {
    double total = 0;
    for (int k = 0; k < 6; ++k) {
      double lo = 1;
      double hi = 0;
      for (const char* status :
           {"work_permit", "resident", "temporary", "irregular"}) {
        const double rate = CatchRate(scenario, k, [&](const SynthPerson& p) {
          return p.legal_status == status;
        });
        lo = std::min(lo, rate);
        hi = std::max(hi, rate);
      }
      total += hi - lo;
    }
    return total / 6;
  };
  absl::StatusOr<Scenario> none = GenerateScenario(
      Options(6000, 6, NoiseLevel::kLow, Heterogeneity::kNone, 41));
  absl::StatusOr<Scenario> mild = GenerateScenario(
      Options(6000, 6, NoiseLevel::kLow, Heterogeneity::kMild, 41));
  absl::StatusOr<Scenario> strong = GenerateScenario(
      Options(6000, 6, NoiseLevel::kLow, Heterogeneity::kStrong, 41));
  ASSERT_TRUE(none.ok() && mild.ok() && strong.ok());
  EXPECT_LT(spread(*none), 0.06);
  EXPECT_GT(spread(*mild), spread(*none) + 0.1);
  EXPECT_GT(spread(*strong), spread(*mild));
  // Irregular migrants are never in the labour register (index 2).
  EXPECT_EQ(CatchRate(*strong, 2,
                      [](const SynthPerson& p) {
                        return p.legal_status == "irregular";
                      }),
            0.0);
  // Work-permit holders are mostly in both labour and migration.
  EXPECT_GT(CatchRate(*strong, 2,
                      [](const SynthPerson& p) {
                        return p.legal_status == "work_permit" &&
                               (p.capture_mask & 1u);
                      }),
            0.6);
}

}  // namespace
}  // namespace reckon

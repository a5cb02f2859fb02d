// Training by key sessions: which comparisons each key leaves free, and
// that m is recovered from pairs whose blocking hides some matches.
#include "linkage/linker/training.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/status_matchers.h"

namespace reckon {
namespace {

using ::reckon_testing::StatusIs;

std::vector<std::string> Ignored(const LinkerConfig& config,
                                 const std::string& key_name) {
  std::vector<std::string> names;
  for (const BlockingKeySpec& key : config.blocking_keys) {
    if (key.name != key_name) continue;
    const std::vector<bool> ignored = IgnoredInSession(config, key);
    for (size_t c = 0; c < ignored.size(); ++c) {
      if (ignored[c]) names.push_back(config.comparisons[c].name);
    }
  }
  return names;
}

TEST(TrainingTest, SessionsLeaveOutWhatTheirKeyFixes) {
  const LinkerConfig config = DefaultLinkerConfig();
  using ::testing::UnorderedElementsAre;
  // Names and a birth year: the names, the date, and what names carry.
  EXPECT_THAT(Ignored(config, "name_code_pair_birth_year"),
              UnorderedElementsAre("surname", "given_name", "birth_date",
                                   "birth_date_partial", "sex", "nationality"));
  EXPECT_THAT(Ignored(config, "passport"), UnorderedElementsAre("passport_no"));
  EXPECT_THAT(Ignored(config, "birth_date_nationality"),
              UnorderedElementsAre("birth_date", "birth_date_partial",
                                   "nationality"));
  // The training-only key fixes the names but leaves the date free.
  EXPECT_THAT(Ignored(config, "name_code_pair_training"),
              UnorderedElementsAre("surname", "given_name", "sex",
                                   "nationality"));
}

ComparisonSpec Spec(std::string name, Field field, ComparatorKind kind) {
  ComparisonSpec spec;
  spec.name = std::move(name);
  spec.field = FieldRef::Of(field);
  spec.kind = kind;
  return spec;
}

// A world of record pairs with known m and u for three comparisons:
// surname (exact, close, similar, different), birth date (exact,
// year_off_by_one or different) and passport (exact, different or missing).
struct World {
  LinkerConfig config;
  std::vector<int> levels;
  std::map<std::string, std::vector<double>> m, u;
};

World MakeWorld() {
  World world;
  world.config.comparisons = {
      Spec("surname", Field::kSurname, ComparatorKind::kName),
      Spec("birth_date", Field::kBirthDate, ComparatorKind::kDate),
      Spec("passport_no", Field::kPassportNo, ComparatorKind::kPassport),
  };
  world.config.blocking_keys = {
      {"surname_birth_year",
       {{FieldRef::Of(Field::kSurname), KeyTransform::kPhonetic},
        {FieldRef::Of(Field::kBirthDate), KeyTransform::kYear}}},
      {"passport", {{FieldRef::Of(Field::kPassportNo), KeyTransform::kExact}}},
      {"surname_training",
       {{FieldRef::Of(Field::kSurname), KeyTransform::kPhonetic}},
       /*train=*/true,
       /*training_only=*/true},
  };
  world.levels = {4, 9, 4};
  // Levels not listed have probability 0 (m) or a tiny u.
  world.m["surname"] = {0.7, 0.15, 0.1, 0.05};
  world.u["surname"] = {0.01, 0.01, 0.03, 0.95};
  // Date levels: 0 exact, 2 year_off_by_one, 8 different.
  world.m["birth_date"] = {0.8, 0, 0.1, 0, 0, 0, 0, 0, 0.1};
  world.u["birth_date"] = {1e-4, 0, 1e-4, 0, 0, 0, 0, 0, 0.9998};
  // Most records have no passport (index 4: missing), as in registers
  // that do not ask for one.
  world.m["passport_no"] = {0.35, 0, 0, 0.05, 0.6};
  world.u["passport_no"] = {4e-6, 0, 0, 0.399996, 0.6};
  return world;
}

// Expected pattern counts of `matches` matching and `others` non-matching
// pairs, keeping those `keep(levels)` accepts.
template <typename Keep>
std::vector<PatternCount> Counts(const World& world, const PatternCodec& codec,
                                 double matches, double others,
                                 const Keep& keep) {
  std::vector<PatternCount> counts;
  const auto& ms = world.m.at("surname");
  const auto& us = world.u.at("surname");
  const auto& md = world.m.at("birth_date");
  const auto& ud = world.u.at("birth_date");
  const auto& mp = world.m.at("passport_no");
  const auto& up = world.u.at("passport_no");
  for (uint8_t s = 0; s < 4; ++s) {
    for (uint8_t d = 0; d < 9; ++d) {
      for (uint8_t p = 0; p < 5; ++p) {
        const std::vector<uint8_t> levels = {s, d, p};
        if (!keep(levels)) continue;
        const double n = matches * ms[s] * md[d] * mp[p] +
                         others * us[s] * ud[d] * up[p];
        const auto count = static_cast<uint64_t>(std::llround(n));
        if (count > 0) counts.push_back({codec.Encode(levels), count});
      }
    }
  }
  std::sort(counts.begin(), counts.end(),
            [](const PatternCount& x, const PatternCount& y) {
              return x.pattern < y.pattern;
            });
  return counts;
}

FellegiSunterModel StartingModel(const World& world) {
  FellegiSunterModel model;
  for (const ComparisonSpec& spec : world.config.comparisons) {
    ComparisonModel comparison;
    comparison.name = spec.name;
    const std::vector<double>& u = world.u.at(spec.name);
    const size_t levels = spec.kind == ComparatorKind::kDate ? 9 : 4;
    for (size_t l = 0; l < levels; ++l) {
      comparison.level_names.push_back("level" + std::to_string(l));
      // Random pairs see every level now and then.
      comparison.u_random.push_back(std::max(u[l], 1e-7));
    }
    double total = 0;
    for (double share : comparison.u_random) total += share;
    for (double& share : comparison.u_random) share /= total;
    comparison.u = comparison.u_random;
    model.comparisons.push_back(std::move(comparison));
  }
  return model;
}

TEST(TrainingTest, RecoversMWhereBlockingHidesMatches) {
  const World world = MakeWorld();
  absl::StatusOr<PatternCodec> codec = PatternCodec::Create(world.levels);
  ASSERT_TRUE(codec.ok());
  const double matches = 20'000;
  const double others = 2'000'000;
  // Candidate keys: similar surnames with the same birth year (date exact
  // in this world), or the same passport. Matches whose year is wrong are
  // found only through their passport, which most lack: among the
  // candidates, a wrong year looks rarer among matches (about 4%) than it
  // is (10%), and EM over all candidates learns that.
  auto name_year = [](const std::vector<uint8_t>& l) {
    return l[0] <= 2 && l[1] == 0;
  };
  auto passport = [](const std::vector<uint8_t>& l) { return l[2] == 0; };
  // (Level 4 of the passport is its missing level.)
  auto surname_only = [](const std::vector<uint8_t>& l) { return l[0] <= 2; };
  TrainingCounts counts;
  counts.joint = Counts(world, *codec, matches, others,
                        [&](const std::vector<uint8_t>& l) {
                          return name_year(l) || passport(l);
                        });
  counts.per_key = {Counts(world, *codec, matches, others, name_year),
                    Counts(world, *codec, matches, others, passport),
                    Counts(world, *codec, matches, others, surname_only)};
  FellegiSunterModel model = StartingModel(world);
  absl::StatusOr<std::vector<TrainingSession>> sessions =
      TrainModel(world.config, *codec, counts, &model);
  ASSERT_TRUE(sessions.ok()) << sessions.status();

  // The date's m comes from the passport and surname-only sessions, which
  // see wrong years as often as they happen.
  const std::vector<double>& m_date = model.comparisons[1].m;
  EXPECT_NEAR(m_date[0], 0.8, 0.02);
  EXPECT_NEAR(m_date[2], 0.1, 0.02);
  EXPECT_NEAR(m_date[8], 0.1, 0.02);
  // The surname's from the passport session; the passport's (present
  // passports only: m over its named levels) from the surname-only one.
  const std::vector<double>& m_surname = model.comparisons[0].m;
  EXPECT_NEAR(m_surname[0], 0.7, 0.02);
  EXPECT_NEAR(m_surname[3], 0.05, 0.02);
  EXPECT_NEAR(model.comparisons[2].m[0], 0.35 / 0.4, 0.02);
  // u stays that of random pairs.
  EXPECT_EQ(model.comparisons[1].u, model.comparisons[1].u_random);

  // The joint session comes first, then one per trained key.
  ASSERT_GE(sessions->size(), 3u);
  EXPECT_EQ((*sessions)[0].name, "joint (u free)");
  // The name-and-year session trains only the passport (alone, it cannot
  // separate matches), so it contributes nothing.
  for (const TrainingSession& session : *sessions) {
    if (session.name == "surname_birth_year") {
      EXPECT_FALSE(session.trained[0]);
      EXPECT_FALSE(session.trained[1]);
      EXPECT_FALSE(session.trained[2]);
    }
    if (session.name == "passport") {
      EXPECT_TRUE(session.trained[0]);
      EXPECT_TRUE(session.trained[1]);
      EXPECT_FALSE(session.trained[2]);
      EXPECT_GT(session.lambda, 0.99);
    }
  }
}

// A name block whose pairs are of two kinds: records with a patronymic
// (half the pairs matches) and records without one (one pair in ten a
// match: common names crowd a block with namesakes). The session trains
// the patronymic and the passport. Pairs with a passport alone fit any
// match share, so EM over every pair bends the passport's m to reconcile
// the two shares; over the pairs with both observed it recovers m.
TEST(TrainingTest, PairsWithOneObservedComparisonDoNotBendM) {
  LinkerConfig config;
  config.comparisons = {
      Spec("surname", Field::kSurname, ComparatorKind::kName),
      Spec("patronymic", Field::kPatronymic, ComparatorKind::kName),
      Spec("passport_no", Field::kPassportNo, ComparatorKind::kPassport),
  };
  config.blocking_keys = {
      {"surname", {{FieldRef::Of(Field::kSurname), KeyTransform::kPhonetic}}}};
  const std::vector<double> m_patronymic = {0.8, 0.1, 0.05, 0.05};
  const std::vector<double> u_patronymic = {0.02, 0.02, 0.06, 0.90};
  const std::vector<double> m_passport = {0.9, 0.04, 0.03, 0.03};
  const std::vector<double> u_passport = {1e-5, 1e-5, 1e-5, 0.99997};
  absl::StatusOr<PatternCodec> codec = PatternCodec::Create({4, 4, 4});
  ASSERT_TRUE(codec.ok());
  std::map<uint32_t, double> expected;
  auto add = [&](double matches, double others, bool with_patronymic) {
    for (uint8_t pat = 0; pat < 4; ++pat) {
      for (uint8_t pass = 0; pass < 4; ++pass) {
        const double pm = with_patronymic ? m_patronymic[pat] : 1.0;
        const double pu = with_patronymic ? u_patronymic[pat] : 1.0;
        const std::vector<uint8_t> levels = {
            0, static_cast<uint8_t>(with_patronymic ? pat : 4), pass};
        expected[codec->Encode(levels)] += matches * pm * m_passport[pass] +
                                           others * pu * u_passport[pass];
      }
      if (!with_patronymic) break;
    }
  };
  add(10'000, 10'000, /*with_patronymic=*/true);
  add(10'000, 90'000, /*with_patronymic=*/false);
  std::vector<PatternCount> counts;
  for (const auto& [pattern, n] : expected) {
    const auto count = static_cast<uint64_t>(std::llround(n));
    if (count > 0) counts.push_back({pattern, count});
  }
  TrainingCounts training;
  training.joint = counts;
  training.per_key = {counts};
  FellegiSunterModel model;
  for (size_t c = 0; c < config.comparisons.size(); ++c) {
    ComparisonModel comparison;
    comparison.name = config.comparisons[c].name;
    for (int l = 0; l < 4; ++l) {
      comparison.level_names.push_back("level" + std::to_string(l));
    }
    comparison.u_random = c == 0   ? std::vector<double>{0.01, 0.01, 0.03, 0.95}
                          : c == 1 ? u_patronymic
                                   : u_passport;
    comparison.u = comparison.u_random;
    model.comparisons.push_back(std::move(comparison));
  }
  absl::StatusOr<std::vector<TrainingSession>> sessions =
      TrainModel(config, *codec, training, &model);
  ASSERT_TRUE(sessions.ok()) << sessions.status();
  ASSERT_EQ(sessions->size(), 2u);
  // Trained on the 20,000 pairs with both comparisons observed.
  EXPECT_NEAR(static_cast<double>((*sessions)[1].pairs), 20'000, 10);
  EXPECT_NEAR((*sessions)[1].lambda, 0.5, 0.01);
  for (size_t l = 0; l < 4; ++l) {
    EXPECT_NEAR(model.comparisons[2].m[l], m_passport[l], 0.005) << l;
    EXPECT_NEAR(model.comparisons[1].m[l], m_patronymic[l], 0.005) << l;
  }
}

TEST(TrainingTest, NothingToTrainOnIsAFailedPrecondition) {
  const World world = MakeWorld();
  absl::StatusOr<PatternCodec> codec = PatternCodec::Create(world.levels);
  ASSERT_TRUE(codec.ok());
  FellegiSunterModel model = StartingModel(world);
  EXPECT_THAT(TrainModel(world.config, *codec, TrainingCounts{}, &model),
              StatusIs(absl::StatusCode::kFailedPrecondition,
                       ::testing::HasSubstr("no candidate pairs")));
}

}  // namespace
}  // namespace reckon

// The LinkageConfig text format: blocking-key options reach the linker's
// config, and mistakes are named with where they are.
#include "service/config/linkage_config.h"

#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/status_matchers.h"

namespace reckon::service {
namespace {

using ::reckon_testing::StatusIs;
using ::testing::HasSubstr;

absl::StatusOr<LoadedConfig> Load(const std::string& text) {
  absl::StatusOr<v1::LinkageConfig> proto = ParseLinkageConfig(text, "t.textproto");
  if (!proto.ok()) return proto.status();
  return ConvertLinkageConfig(*proto, "t.textproto");
}

TEST(LinkageConfigTest, EmptyGivesTheDefaults) {
  absl::StatusOr<LoadedConfig> loaded = Load("");
  ASSERT_TRUE(loaded.ok()) << loaded.status();
  const LinkerConfig defaults = DefaultLinkerConfig();
  ASSERT_EQ(loaded->linker.blocking_keys.size(), defaults.blocking_keys.size());
  for (size_t k = 0; k < defaults.blocking_keys.size(); ++k) {
    EXPECT_EQ(loaded->linker.blocking_keys[k].name,
              defaults.blocking_keys[k].name);
    EXPECT_EQ(loaded->linker.MaxBlockSize(k), defaults.MaxBlockSize(k));
  }
}

TEST(LinkageConfigTest, BlockingKeyOptionsReachTheLinker) {
  absl::StatusOr<LoadedConfig> loaded = Load(R"pb(
    max_block_size: 500
    blocking_keys {
      name: "surname_year"
      parts { field: FIELD_SURNAME transform: KEY_TRANSFORM_PHONETIC }
      parts { field: FIELD_BIRTH_DATE transform: KEY_TRANSFORM_YEAR }
      max_block_size: 25
    }
    blocking_keys {
      name: "surname_any_date"
      parts { field: FIELD_SURNAME transform: KEY_TRANSFORM_PHONETIC }
      training_only: true
    }
    blocking_keys {
      name: "surname_no_date"
      parts { field: FIELD_SURNAME transform: KEY_TRANSFORM_PHONETIC }
      when_missing: FIELD_BIRTH_DATE
    }
  )pb");
  ASSERT_TRUE(loaded.ok()) << loaded.status();
  const LinkerConfig& config = loaded->linker;
  ASSERT_EQ(config.blocking_keys.size(), 3u);
  EXPECT_EQ(config.MaxBlockSize(0), 25u);
  EXPECT_EQ(config.MaxBlockSize(1), 500u);  // the config's own cap
  EXPECT_TRUE(config.blocking_keys[0].train);
  EXPECT_FALSE(config.blocking_keys[0].training_only);
  EXPECT_TRUE(config.blocking_keys[1].training_only);
  ASSERT_TRUE(config.blocking_keys[2].when_missing.has_value());
  EXPECT_EQ(config.blocking_keys[2].when_missing->field, Field::kBirthDate);
  EXPECT_FALSE(config.blocking_keys[2].train);
}

TEST(LinkageConfigTest, BadKeyOptionsAreNamed) {
  EXPECT_THAT(Load(R"pb(
                blocking_keys {
                  name: "k"
                  parts { field: FIELD_SURNAME }
                  max_block_size: 1
                }
              )pb"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("t.textproto: blocking_keys[0].max_block_size")));
  EXPECT_THAT(Load(R"pb(
                blocking_keys {
                  name: "k"
                  parts { field: FIELD_SURNAME }
                  when_missing: FIELD_BIRTH_DATE
                  train: true
                }
              )pb"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("cannot be trained on")));
  // Every key training-only: nothing would find candidates.
  EXPECT_THAT(Load(R"pb(
                blocking_keys {
                  name: "k"
                  parts { field: FIELD_SURNAME }
                  training_only: true
                }
              )pb"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("none finds candidates")));
}

TEST(LinkageConfigTest, DateScopesAndSourcePairPriorsReachTheLinker) {
  absl::StatusOr<LoadedConfig> loaded = Load(R"pb(
    comparisons { field: FIELD_SURNAME comparator: COMPARATOR_NAME }
    comparisons {
      field: FIELD_BIRTH_DATE
      comparator: COMPARATOR_DATE
      date_scope: DATE_SCOPE_COMPLETE
    }
    comparisons {
      field: FIELD_BIRTH_DATE
      comparator: COMPARATOR_DATE
      date_scope: DATE_SCOPE_PARTIAL
    }
    source_pair_priors: false
  )pb");
  ASSERT_TRUE(loaded.ok()) << loaded.status();
  const LinkerConfig& config = loaded->linker;
  ASSERT_EQ(config.comparisons.size(), 3u);
  EXPECT_EQ(config.comparisons[1].name, "birth_date");
  EXPECT_EQ(config.comparisons[1].date_scope, DateScope::kComplete);
  // The partial-date comparison is named apart from the complete one.
  EXPECT_EQ(config.comparisons[2].name, "birth_date_partial");
  EXPECT_EQ(config.comparisons[2].date_scope, DateScope::kPartial);
  EXPECT_EQ(config.comparisons[0].date_scope, DateScope::kAll);
  EXPECT_FALSE(config.source_pair_priors);
  // On by default.
  absl::StatusOr<LoadedConfig> defaults = Load("");
  ASSERT_TRUE(defaults.ok());
  EXPECT_TRUE(defaults->linker.source_pair_priors);
}

TEST(LinkageConfigTest, DateScopeOnAnotherComparatorIsNamed) {
  EXPECT_THAT(Load(R"pb(
                comparisons {
                  field: FIELD_SURNAME
                  comparator: COMPARATOR_NAME
                  date_scope: DATE_SCOPE_PARTIAL
                }
              )pb"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("t.textproto: comparisons[0].date_scope")));
}

}  // namespace
}  // namespace reckon::service

#include "service/cli/args.h"

#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/status_matchers.h"

namespace reckon::service {
namespace {

using ::reckon_testing::StatusIs;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

CommandSpec LinkSpec() {
  return {.name = "link",
          .positionals = "",
          .summary = "link records",
          .flags = {{"source", "NAME=FILE", "a source", true},
                    {"config", "FILE", "config"},
                    {"out", "DIR", "output"},
                    {"quiet", "", "no progress"}},
          .min_positionals = 0,
          .max_positionals = 0};
}

TEST(ArgsTest, RepeatedAndInlineValues) {
  auto parsed = ParseArgs(LinkSpec(), {"--source", "a=a.csv", "--source=b=b.csv",
                                       "--out", "dir", "--quiet"});
  ASSERT_TRUE(parsed.ok()) << parsed.status();
  EXPECT_THAT(parsed->GetAll("source"), ElementsAre("a=a.csv", "b=b.csv"));
  EXPECT_EQ(parsed->Get("out"), "dir");
  EXPECT_TRUE(parsed->Has("quiet"));
  EXPECT_FALSE(parsed->Has("config"));
  EXPECT_EQ(parsed->Get("config"), std::nullopt);
}

TEST(ArgsTest, ErrorsNameTheFlag) {
  EXPECT_THAT(ParseArgs(LinkSpec(), {"--sauce", "x"}),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("unknown flag --sauce")));
  EXPECT_THAT(ParseArgs(LinkSpec(), {"--out"}),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("--out needs a value (DIR)")));
  EXPECT_THAT(ParseArgs(LinkSpec(), {"--out", "a", "--out", "b"}),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("--out given more than once")));
  EXPECT_THAT(ParseArgs(LinkSpec(), {"--quiet=yes"}),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("--quiet takes no value")));
  EXPECT_THAT(ParseArgs(LinkSpec(), {"stray"}),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("unexpected argument \"stray\"")));
}

TEST(ArgsTest, PositionalsCountedAndHelpSkipsTheCheck) {
  CommandSpec spec = {.name = "explain",
                      .positionals = "DIR A B",
                      .summary = "s",
                      .min_positionals = 3,
                      .max_positionals = 3};
  EXPECT_THAT(ParseArgs(spec, {"d", "a"}),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("missing argument: expected DIR A B")));
  auto ok = ParseArgs(spec, {"d", "--", "-a", "b"});
  ASSERT_TRUE(ok.ok());
  EXPECT_THAT(ok->positionals(), ElementsAre("d", "-a", "b"));
  auto help = ParseArgs(spec, {"--help"});
  ASSERT_TRUE(help.ok());
  EXPECT_TRUE(help->help());
}

TEST(ArgsTest, HelpTextListsEveryFlag) {
  const std::string help = HelpText(LinkSpec());
  EXPECT_THAT(help, HasSubstr("usage: reckon link [--source NAME=FILE ...]"));
  for (const FlagSpec& flag : LinkSpec().flags) {
    EXPECT_THAT(help, HasSubstr("--" + flag.name));
  }
}

}  // namespace
}  // namespace reckon::service

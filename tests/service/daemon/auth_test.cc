#include "service/daemon/auth.h"

#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

#include "service/daemon/sha256.h"
#include "tests/testing/status_matchers.h"

namespace reckon::service {
namespace {

using ::reckon_testing::IsOk;
using ::reckon_testing::StatusIs;
using ::testing::HasSubstr;

// SHA-256("abc") from FIPS 180-2, appendix B.1.
constexpr char kAbcDigest[] =
    "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";
// SHA-256("") from the same standard's test vectors.
constexpr char kEmptyDigest[] =
    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

TEST(Sha256Test, MatchesPublishedVectors) {
  EXPECT_EQ(Sha256Hex("abc"), kAbcDigest);
  EXPECT_EQ(Sha256Hex(""), kEmptyDigest);
  // FIPS 180-2 B.2: the 448-bit message.
  EXPECT_EQ(
      Sha256Hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"),
      "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
}

TEST(Sha256Test, FieldFramingSeparatesConcatenations) {
  Sha256 one;
  one.UpdateField("ab");
  one.UpdateField("c");
  Sha256 two;
  two.UpdateField("a");
  two.UpdateField("bc");
  EXPECT_NE(one.HexDigest(), two.HexDigest());
}

std::string Token(const std::string& token, const std::string& agency,
                  const std::string& roles) {
  return "tokens { sha256: \"" + Sha256Hex(token) + "\" agency: \"" + agency +
         "\" roles: " + roles + " }\n";
}

std::string Config() {
  return "agencies { name: \"labour\" sources: \"labour\" "
         "sources: \"permits\" }\n"
         "agencies { name: \"interior\" sources: \"interior\" }\n"
         "agencies { name: \"stats\" }\n" +
         Token("labour-token", "labour", "ROLE_SUBMIT") +
         Token("interior-token", "interior", "[ROLE_SUBMIT, ROLE_READ]") +
         Token("auditor", "stats", "ROLE_AUDIT") +
         Token("admin", "stats", "ROLE_ADMIN");
}

TEST(AuthenticatorTest, AcceptsKnownTokensAndGivesTheirRoles) {
  auto auth = Authenticator::FromText(Config(), "auth.textproto");
  ASSERT_THAT(auth, IsOk());
  EXPECT_TRUE(auth->enabled());
  EXPECT_EQ(auth->token_count(), 4u);

  auto labour = auth->Authenticate("Bearer labour-token");
  ASSERT_THAT(labour, IsOk());
  EXPECT_EQ(labour->agency, "labour");
  EXPECT_TRUE(labour->submit);
  EXPECT_FALSE(labour->read);
  EXPECT_THAT(Authorize(*labour, Permission::kSubmit, "labour"), IsOk());
  EXPECT_THAT(Authorize(*labour, Permission::kSubmit, "permits"), IsOk());
  EXPECT_THAT(Authorize(*labour, Permission::kSubmit, "interior"),
              StatusIs(absl::StatusCode::kPermissionDenied,
                       HasSubstr("source \"interior\"")));
  EXPECT_THAT(
      Authorize(*labour, Permission::kRead),
      StatusIs(absl::StatusCode::kPermissionDenied, HasSubstr("no read")));

  // The scheme name is case-insensitive (RFC 7235).
  auto interior = auth->Authenticate("bearer interior-token");
  ASSERT_THAT(interior, IsOk());
  EXPECT_THAT(Authorize(*interior, Permission::kRead), IsOk());
  EXPECT_THAT(Authorize(*interior, Permission::kAudit),
              StatusIs(absl::StatusCode::kPermissionDenied, ::testing::_));

  auto auditor = auth->Authenticate("Bearer auditor");
  ASSERT_THAT(auditor, IsOk());
  EXPECT_THAT(Authorize(*auditor, Permission::kRead), IsOk());
  EXPECT_THAT(Authorize(*auditor, Permission::kAudit), IsOk());
  EXPECT_THAT(Authorize(*auditor, Permission::kAdmin),
              StatusIs(absl::StatusCode::kPermissionDenied, ::testing::_));

  auto admin = auth->Authenticate("Bearer admin");
  ASSERT_THAT(admin, IsOk());
  EXPECT_THAT(Authorize(*admin, Permission::kAdmin), IsOk());
  EXPECT_THAT(Authorize(*admin, Permission::kRead), IsOk());
  // Admin does not imply writing another agency's register.
  EXPECT_THAT(Authorize(*admin, Permission::kSubmit, "labour"),
              StatusIs(absl::StatusCode::kPermissionDenied, ::testing::_));
}

TEST(AuthenticatorTest, RefusesMissingMalformedAndUnknownTokens) {
  auto auth = Authenticator::FromText(Config(), "auth.textproto");
  ASSERT_THAT(auth, IsOk());
  EXPECT_THAT(
      auth->Authenticate(std::nullopt),
      StatusIs(absl::StatusCode::kUnauthenticated, HasSubstr("missing")));
  EXPECT_THAT(
      auth->Authenticate("labour-token"),
      StatusIs(absl::StatusCode::kUnauthenticated, HasSubstr("Bearer")));
  EXPECT_THAT(auth->Authenticate("Bearer "),
              StatusIs(absl::StatusCode::kUnauthenticated, ::testing::_));
  EXPECT_THAT(
      auth->Authenticate("Bearer labour-token2"),
      StatusIs(absl::StatusCode::kUnauthenticated, HasSubstr("unknown")));
  // The stored digest itself is not a token.
  EXPECT_THAT(
      auth->Authenticate(std::string("Bearer ") + Sha256Hex("labour-token")),
      StatusIs(absl::StatusCode::kUnauthenticated, ::testing::_));
}

TEST(AuthenticatorTest, OpenModeAllowsEverything) {
  const Authenticator open = Authenticator::Open();
  EXPECT_FALSE(open.enabled());
  auto principal = open.Authenticate(std::nullopt);
  ASSERT_THAT(principal, IsOk());
  EXPECT_TRUE(principal->open);
  EXPECT_THAT(Authorize(*principal, Permission::kSubmit, "anything"), IsOk());
  EXPECT_THAT(Authorize(*principal, Permission::kAdmin), IsOk());
}

TEST(AuthenticatorTest, RefusesBadConfigurationsNamingWhere) {
  const std::string digest = Sha256Hex("t");
  EXPECT_THAT(
      Authenticator::FromText("agencies { nme: \"x\" }", "a.txt"),
      StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("a.txt:1:")));
  EXPECT_THAT(
      Authenticator::FromText(
          "agencies { name: \"a\" } tokens { sha256: \"abc\" agency: \"a\" "
          "roles: ROLE_READ }",
          "a.txt"),
      StatusIs(absl::StatusCode::kInvalidArgument,
               HasSubstr("tokens[0]: sha256 must be 64 hex digits")));
  EXPECT_THAT(
      Authenticator::FromText("tokens { sha256: \"" + digest +
                                  "\" agency: \"ghost\" roles: ROLE_READ }",
                              "a.txt"),
      StatusIs(absl::StatusCode::kInvalidArgument,
               HasSubstr("\"ghost\" is not declared")));
  EXPECT_THAT(
      Authenticator::FromText("agencies { name: \"a\" } tokens { sha256: \"" +
                                  digest + "\" agency: \"a\" }",
                              "a.txt"),
      StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("no roles")));
  EXPECT_THAT(
      Authenticator::FromText(
          "agencies { name: \"a\" sources: \"s\" } agencies { name: \"b\" "
          "sources: \"s\" }",
          "a.txt"),
      StatusIs(absl::StatusCode::kInvalidArgument,
               HasSubstr("already belongs to agency \"a\"")));
  EXPECT_THAT(Authenticator::FromText(
                  "agencies { name: \"a\" } agencies { name: \"a\" }", "a.txt"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("declared twice")));
  const std::string token =
      "tokens { sha256: \"" + digest + "\" agency: \"a\" roles: ROLE_READ } ";
  EXPECT_THAT(
      Authenticator::FromText("agencies { name: \"a\" } " + token + token,
                              "a.txt"),
      StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("listed twice")));
  EXPECT_THAT(
      Authenticator::FromFile("/nonexistent/auth.textproto"),
      StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("cannot open")));
}

TEST(AuthenticatorTest, TheExampleConfigInDeployLoads) {
  auto auth = Authenticator::FromFile(std::string(RECKON_SOURCE_DIR) +
                                      "/deploy/auth.example.textproto");
  ASSERT_THAT(auth, IsOk());
  EXPECT_GT(auth->token_count(), 0u);
}

}  // namespace
}  // namespace reckon::service

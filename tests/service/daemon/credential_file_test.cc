// The credential-file helper shared by reckond and the `reckon` client
// commands: whole contents, and errors naming the flag and the path.
#include "service/daemon/credential_file.h"

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/status_matchers.h"

namespace reckon::service {
namespace {

using ::reckon_testing::IsOkAndHolds;
using ::reckon_testing::StatusIs;
using ::testing::HasSubstr;

std::string TempFile(const std::string& name, const std::string& text) {
  const std::string path =
      (std::filesystem::temp_directory_path() /
       absl::StrCat("reckon_credential_", getpid(), "_", name))
          .string();
  std::ofstream(path, std::ios::binary) << text;
  return path;
}

TEST(CredentialFileTest, ReadsTheWholeFile) {
  const std::string path = TempFile("token", std::string("tok-1\n\0x", 8));
  EXPECT_THAT(ReadCredentialFile("token-file", path),
              IsOkAndHolds(std::string("tok-1\n\0x", 8)));
  std::filesystem::remove(path);
}

TEST(CredentialFileTest, NamesTheFlagAndPathOfAFileThatCannotBeOpened) {
  EXPECT_THAT(ReadCredentialFile("token-file", "/nonexistent/tok"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("--token-file /nonexistent/tok: cannot open")));
  EXPECT_THAT(ReadPemFile("tls-ca", "/nonexistent/ca.pem"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("--tls-ca /nonexistent/ca.pem: cannot open")));
}

TEST(CredentialFileTest, PemFilesMustHoldAPemBlock) {
  const std::string pem = TempFile(
      "ca.pem", "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n");
  EXPECT_THAT(ReadPemFile("tls-ca", pem),
              IsOkAndHolds(HasSubstr("BEGIN CERTIFICATE")));
  const std::string token = TempFile("not.pem", "tok-1\n");
  EXPECT_THAT(ReadPemFile("tls-cert", token),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr(absl::StrCat("--tls-cert ", token,
                                              ": not a PEM file"))));
  std::filesystem::remove(pem);
  std::filesystem::remove(token);
}

}  // namespace
}  // namespace reckon::service

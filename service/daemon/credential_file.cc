#include "service/daemon/credential_file.h"

#include <fstream>
#include <sstream>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"

namespace reckon::service {
namespace {

absl::Status FileError(std::string_view flag, const std::string& path,
                       std::string_view what) {
  return absl::InvalidArgumentError(
      absl::StrCat("--", absl::string_view(flag.data(), flag.size()), " ",
                   path, ": ", absl::string_view(what.data(), what.size())));
}

}  // namespace

absl::StatusOr<std::string> ReadCredentialFile(std::string_view flag,
                                               const std::string& path) {
  std::ifstream file(path, std::ios::binary);
  if (!file) return FileError(flag, path, "cannot open");
  std::ostringstream text;
  text << file.rdbuf();
  if (file.bad()) return FileError(flag, path, "cannot read");
  return text.str();
}

absl::StatusOr<std::string> ReadPemFile(std::string_view flag,
                                        const std::string& path) {
  absl::StatusOr<std::string> text = ReadCredentialFile(flag, path);
  if (text.ok() && text->find("-----BEGIN ") == std::string::npos) {
    return FileError(flag, path, "not a PEM file");
  }
  return text;
}

}  // namespace reckon::service

#include "service/daemon/auth.h"

#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include <google/protobuf/io/tokenizer.h>
#include <google/protobuf/text_format.h>

#include "linkage/base/status_macros.h"
#include "reckon/v1/auth.pb.h"
#include "service/daemon/credential_file.h"
#include "service/daemon/sha256.h"

namespace reckon::service {
namespace {

absl::string_view View(std::string_view text) {
  return absl::string_view(text.data(), text.size());
}

// Keeps the first syntax error with its position (1-based, as editors
// count).
class FirstErrorCollector : public google::protobuf::io::ErrorCollector {
 public:
  void AddError(int line, google::protobuf::io::ColumnNumber column,
                const std::string& message) override {
    if (!error_.empty()) return;
    error_ = absl::StrCat(line + 1, ":", column + 1, ": ", message);
  }
  const std::string& error() const { return error_; }

 private:
  std::string error_;
};

bool IsHexDigest(std::string_view text) {
  if (text.size() != 64) return false;
  for (const char c : text) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  return true;
}

}  // namespace

Authenticator Authenticator::Open() { return Authenticator(); }

absl::StatusOr<Authenticator> Authenticator::FromText(
    std::string_view text, std::string_view file_name) {
  v1::AuthConfig config;
  google::protobuf::TextFormat::Parser parser;
  FirstErrorCollector errors;
  parser.RecordErrorsTo(&errors);
  if (!parser.ParseFromString(std::string(text), &config)) {
    return absl::InvalidArgumentError(
        absl::StrCat(View(file_name), ":", errors.error()));
  }
  auto error = [&](std::string_view where, std::string_view what) {
    return absl::InvalidArgumentError(
        absl::StrCat(View(file_name), ": ", View(where), ": ", View(what)));
  };
  absl::flat_hash_map<std::string, absl::flat_hash_set<std::string>> agencies;
  absl::flat_hash_map<std::string, std::string> source_owner;
  for (int i = 0; i < config.agencies_size(); ++i) {
    const v1::AgencyConfig& agency = config.agencies(i);
    const std::string where = absl::StrCat("agencies[", i, "]");
    if (agency.name().empty()) return error(where, "name missing");
    if (agencies.contains(agency.name())) {
      return error(
          where, absl::StrCat("agency \"", agency.name(), "\" declared twice"));
    }
    absl::flat_hash_set<std::string>& sources = agencies[agency.name()];
    for (const std::string& source : agency.sources()) {
      if (source.empty()) return error(where, "empty source name");
      auto [it, inserted] = source_owner.emplace(source, agency.name());
      if (!inserted && it->second != agency.name()) {
        return error(where, absl::StrCat("source \"", source,
                                         "\" already belongs to agency \"",
                                         it->second, "\""));
      }
      sources.insert(source);
    }
  }
  Authenticator auth;
  auth.enabled_ = true;
  for (int i = 0; i < config.tokens_size(); ++i) {
    const v1::TokenConfig& token = config.tokens(i);
    const std::string where = absl::StrCat("tokens[", i, "]");
    const std::string digest = absl::AsciiStrToLower(token.sha256());
    if (!IsHexDigest(digest)) {
      return error(where,
                   "sha256 must be 64 hex digits (printf %s \"$TOKEN\" | "
                   "sha256sum)");
    }
    auto agency = agencies.find(token.agency());
    if (agency == agencies.end()) {
      return error(where, absl::StrCat("agency \"", token.agency(),
                                       "\" is not declared in agencies"));
    }
    if (token.roles_size() == 0) return error(where, "no roles");
    Principal principal;
    principal.agency = token.agency();
    principal.sources = agency->second;
    for (const int role : token.roles()) {
      switch (role) {
        case v1::ROLE_SUBMIT:
          principal.submit = true;
          break;
        case v1::ROLE_READ:
          principal.read = true;
          break;
        case v1::ROLE_AUDIT:
          principal.audit = true;
          break;
        case v1::ROLE_ADMIN:
          principal.admin = true;
          break;
        default:
          return error(where, absl::StrCat("unknown role ", role));
      }
    }
    if (!auth.tokens_.emplace(digest, std::move(principal)).second) {
      return error(where, "the same token is listed twice");
    }
  }
  return auth;
}

absl::StatusOr<Authenticator> Authenticator::FromFile(const std::string& path) {
  RECKON_ASSIGN_OR_RETURN(std::string text, ReadCredentialFile("auth", path));
  return FromText(text, path);
}

absl::StatusOr<Principal> Authenticator::Authenticate(
    std::optional<std::string_view> authorization) const {
  if (!enabled_) {
    Principal principal;
    principal.open = true;
    principal.submit = principal.read = principal.audit = principal.admin =
        true;
    return principal;
  }
  if (!authorization.has_value()) {
    return absl::UnauthenticatedError(
        "missing bearer token (metadata \"authorization: Bearer <token>\")");
  }
  constexpr std::string_view kBearer = "Bearer ";
  std::string_view value = *authorization;
  if (value.size() <= kBearer.size() ||
      !absl::EqualsIgnoreCase(View(value.substr(0, kBearer.size())),
                              View(kBearer))) {
    return absl::UnauthenticatedError(
        "authorization metadata is not \"Bearer <token>\"");
  }
  value.remove_prefix(kBearer.size());
  auto it = tokens_.find(Sha256Hex(value));
  if (it == tokens_.end()) {
    return absl::UnauthenticatedError("unknown bearer token");
  }
  return it->second;
}

absl::Status Authorize(const Principal& principal, Permission permission,
                       std::string_view source) {
  auto denied = [&](std::string_view what) {
    return absl::PermissionDeniedError(
        absl::StrCat("agency \"", principal.agency, "\": ", View(what)));
  };
  switch (permission) {
    case Permission::kSubmit:
      if (!principal.submit) return denied("token has no submit role");
      if (!principal.open && !principal.sources.contains(std::string(source))) {
        return denied(absl::StrCat("source \"", View(source),
                                   "\" belongs to another agency or is not "
                                   "declared for this one"));
      }
      return absl::OkStatus();
    case Permission::kRead:
      if (principal.read || principal.audit || principal.admin) {
        return absl::OkStatus();
      }
      return denied("token has no read, audit or admin role");
    case Permission::kAudit:
      if (principal.audit || principal.admin) return absl::OkStatus();
      return denied("token has no audit or admin role");
    case Permission::kAdmin:
      if (principal.admin) return absl::OkStatus();
      return denied("token has no admin role");
  }
  return denied("unknown permission");
}

}  // namespace reckon::service

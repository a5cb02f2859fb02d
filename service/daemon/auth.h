// Who may do what in reckond: per-agency bearer tokens and roles.
//
// The --auth file (Protobuf text format, reckon.v1.AuthConfig in
// proto/reckon/v1/auth.proto) lists agencies with the sources each owns, and
// tokens by their SHA-256 with an agency and roles. Clients send
// `authorization: Bearer <token>`; the daemon hashes what it receives and
// looks the hash up, so the file never holds a usable secret.
//
//   Missing or unknown token                      -> kUnauthenticated
//   Role that does not allow the call             -> kPermissionDenied
//   Submitting to a source the agency does not own -> kPermissionDenied
//
// Without --auth the daemon is open (see server.h: loopback only): every
// caller may do everything, and acts as the agency it names.
#ifndef RECKON_SERVICE_DAEMON_AUTH_H_
#define RECKON_SERVICE_DAEMON_AUTH_H_

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace reckon::service {

// What a call needs.
enum class Permission {
  kSubmit,  // SubmitBatch, UploadBatch (with a source)
  kRead,    // GetStatus, Resolve, GetEntity, Estimate, ExportLinkage
  kAudit,   // Explain, stored records in GetEntity and ExportLinkage
  kAdmin,   // Relink, GetOperation
};

// The caller, once authenticated.
struct Principal {
  // Empty in open mode: the caller names its agency.
  std::string agency;
  bool open = false;
  bool submit = false;
  bool read = false;
  bool audit = false;
  bool admin = false;
  // Sources the agency owns (auth mode only).
  absl::flat_hash_set<std::string> sources;
};

// Thread-safe after construction (const methods only).
class Authenticator {
 public:
  // Every caller may do everything (no --auth).
  static Authenticator Open();

  // Parses an AuthConfig in text format. `file_name` labels errors, e.g.
  // "auth.textproto:12:3: ...". Fails with kInvalidArgument for syntax
  // errors, a malformed digest, a token of an undeclared agency, a token
  // without roles, a digest or agency listed twice, or a source claimed by
  // two agencies.
  static absl::StatusOr<Authenticator> FromText(std::string_view text,
                                                std::string_view file_name);

  // Reads and parses the file at `path`.
  static absl::StatusOr<Authenticator> FromFile(const std::string& path);

  bool enabled() const { return enabled_; }
  size_t token_count() const { return tokens_.size(); }

  // Authenticates a call from the value of its `authorization` metadata
  // (std::nullopt if absent). Returns kUnauthenticated when auth is enabled
  // and the value is missing, not "Bearer <token>", or an unknown token.
  absl::StatusOr<Principal> Authenticate(
      std::optional<std::string_view> authorization) const;

 private:
  bool enabled_ = false;
  // SHA-256 hex of a token -> its principal.
  absl::flat_hash_map<std::string, Principal> tokens_;
};

// Returns OK if `principal` has `permission` (for kSubmit, on `source`), or
// kPermissionDenied saying what is missing.
absl::Status Authorize(const Principal& principal, Permission permission,
                       std::string_view source = {});

}  // namespace reckon::service

#endif  // RECKON_SERVICE_DAEMON_AUTH_H_

// Reading the small secret files named on reckond's and reckon's command
// lines (bearer tokens, PEM certificates, keys and CA bundles, the auth
// config), with one error wording for both binaries. Lives in daemon_wire,
// the library reckond and the `reckon` client commands share.
//
//   RECKON_ASSIGN_OR_RETURN(std::string pem, ReadPemFile("tls-ca", path));
#ifndef RECKON_SERVICE_DAEMON_CREDENTIAL_FILE_H_
#define RECKON_SERVICE_DAEMON_CREDENTIAL_FILE_H_

#include <string>
#include <string_view>

#include "absl/status/statusor.h"

namespace reckon::service {

// The whole of file `path`, given with flag --`flag`. kInvalidArgument
// "--FLAG PATH: cannot open" when it cannot be read.
absl::StatusOr<std::string> ReadCredentialFile(std::string_view flag,
                                               const std::string& path);

// ReadCredentialFile for a PEM file: also kInvalidArgument "--FLAG PATH: not
// a PEM file" when it holds no "-----BEGIN " line, so that a wrong file is
// named here rather than failing later inside the TLS handshake.
absl::StatusOr<std::string> ReadPemFile(std::string_view flag,
                                        const std::string& path);

}  // namespace reckon::service

#endif  // RECKON_SERVICE_DAEMON_CREDENTIAL_FILE_H_

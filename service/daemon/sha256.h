// SHA-256 digests, from OpenSSL's libcrypto. reckond stores bearer tokens
// only as their SHA-256, and `reckon submit` derives batch ids from content.
#ifndef RECKON_SERVICE_DAEMON_SHA256_H_
#define RECKON_SERVICE_DAEMON_SHA256_H_

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

namespace reckon::service {

// Incremental SHA-256. Not thread-safe; one object per digest.
class Sha256 {
 public:
  Sha256();
  ~Sha256();
  Sha256(const Sha256&) = delete;
  Sha256& operator=(const Sha256&) = delete;

  void Update(std::string_view bytes);
  // Appends `bytes` preceded by its length, so that a sequence of fields
  // cannot be confused with another sequence of the same concatenation.
  void UpdateField(std::string_view bytes);
  // The digest, lower-case hex (64 characters). Ends the digest.
  std::string HexDigest();

 private:
  void* context_;  // EVP_MD_CTX
};

// Lower-case hex SHA-256 of `bytes`.
std::string Sha256Hex(std::string_view bytes);

}  // namespace reckon::service

#endif  // RECKON_SERVICE_DAEMON_SHA256_H_

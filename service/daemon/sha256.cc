#include "service/daemon/sha256.h"

#include <cstdint>
#include <string>
#include <string_view>

#include <openssl/evp.h>

namespace reckon::service {

// OpenSSL's one-shot and EVP calls cannot fail for SHA-256 on valid
// arguments short of memory exhaustion, which would end the process anyway.
Sha256::Sha256() : context_(EVP_MD_CTX_new()) {
  EVP_DigestInit_ex(static_cast<EVP_MD_CTX*>(context_), EVP_sha256(), nullptr);
}

Sha256::~Sha256() { EVP_MD_CTX_free(static_cast<EVP_MD_CTX*>(context_)); }

void Sha256::Update(std::string_view bytes) {
  EVP_DigestUpdate(static_cast<EVP_MD_CTX*>(context_), bytes.data(),
                   bytes.size());
}

void Sha256::UpdateField(std::string_view bytes) {
  const auto size = static_cast<uint64_t>(bytes.size());
  char length[8];
  for (int i = 0; i < 8; ++i) {
    length[i] = static_cast<char>((size >> (8 * i)) & 0xffu);
  }
  Update(std::string_view(length, sizeof(length)));
  Update(bytes);
}

std::string Sha256::HexDigest() {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int size = 0;
  EVP_DigestFinal_ex(static_cast<EVP_MD_CTX*>(context_), digest, &size);
  static constexpr char kHex[] = "0123456789abcdef";
  std::string hex;
  hex.reserve(2 * size);
  for (unsigned int i = 0; i < size; ++i) {
    hex.push_back(kHex[digest[i] >> 4]);
    hex.push_back(kHex[digest[i] & 0xf]);
  }
  return hex;
}

std::string Sha256Hex(std::string_view bytes) {
  Sha256 sha;
  sha.Update(bytes);
  return sha.HexDigest();
}

}  // namespace reckon::service

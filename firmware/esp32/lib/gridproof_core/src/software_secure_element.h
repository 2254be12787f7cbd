// A secure element in software (mbedTLS): host tests, the CLI, and dev boards without an ATECC608A.
// Signs deterministically (RFC 6979), so its signatures equal the protocol's test vectors.
#pragma once

#include <mbedtls/bignum.h>
#include <mbedtls/ecp.h>
#include <mbedtls/hmac_drbg.h>

#include "secure_element.h"

namespace gridproof {

class SoftwareSecureElement : public SecureElement {
 public:
  // `private_key`: 32-byte big-endian scalar in [1, n-1]; check ok() afterwards.
  explicit SoftwareSecureElement(const uint8_t private_key[32]);
  ~SoftwareSecureElement() override;
  SoftwareSecureElement(const SoftwareSecureElement&) = delete;
  SoftwareSecureElement& operator=(const SoftwareSecureElement&) = delete;

  bool ok() const { return ok_; }
  bool sign_digest(const uint8_t digest[kDigestLength], uint8_t signature[kSignatureLength]) override;
  bool public_key(uint8_t out[kPublicKeyLength]) override;

 private:
  mbedtls_ecp_group group_;
  mbedtls_mpi secret_;
  mbedtls_ecp_point public_;
  // Feeds mbedTLS's side-channel blinding only; RFC 6979 fixes the nonce, so output is deterministic.
  mbedtls_hmac_drbg_context blinding_;
  bool ok_ = false;
};

}  // namespace gridproof

// The one place a meter's private key is used. Device: ATECC608A (src/atecc608_secure_element.*);
// host: SoftwareSecureElement (mbedTLS).
#pragma once

#include <cstdint>

#include "reading_codec.h"

namespace gridproof {

class SecureElement {
 public:
  virtual ~SecureElement() = default;
  // ECDSA P-256 over a 32-byte digest; raw r‖s (may be high-S: sign_reading normalises).
  virtual bool sign_digest(const uint8_t digest[kDigestLength], uint8_t signature[kSignatureLength]) = 0;
  // Uncompressed public key without the 0x04 prefix: x‖y, as registered on chain.
  virtual bool public_key(uint8_t out[kPublicKeyLength]) = 0;
};

// SHA-256 → secure element → low-S; writes reading ‖ signature (107 bytes).
bool sign_reading(SecureElement& element, const uint8_t reading[kReadingLength], SignedReading& out);

}  // namespace gridproof

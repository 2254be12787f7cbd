#include "secure_element.h"

#include <cstring>

#include "p256_signature.h"

namespace gridproof {

bool sign_reading(SecureElement& element, const uint8_t reading[kReadingLength], SignedReading& out) {
  uint8_t digest[kDigestLength];
  if (!reading_digest(reading, digest)) return false;
  uint8_t signature[kSignatureLength];
  if (!element.sign_digest(digest, signature)) return false;
  p256_normalize_low_s(signature);
  std::memcpy(out.bytes, reading, kReadingLength);
  std::memcpy(out.bytes + kReadingLength, signature, kSignatureLength);
  return true;
}

}  // namespace gridproof

#include "sha256.h"

#include <mbedtls/sha256.h>
#include <mbedtls/version.h>

namespace gridproof {

bool sha256(const uint8_t* data, size_t length, uint8_t out[32]) {
#if MBEDTLS_VERSION_MAJOR >= 3
  return mbedtls_sha256(data, length, out, 0) == 0;
#else
  return mbedtls_sha256_ret(data, length, out, 0) == 0;
#endif
}

}  // namespace gridproof

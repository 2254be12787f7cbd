#include "software_secure_element.h"

#include <mbedtls/ecdsa.h>
#include <mbedtls/md.h>

namespace gridproof {

SoftwareSecureElement::SoftwareSecureElement(const uint8_t private_key[32]) {
  mbedtls_ecp_group_init(&group_);
  mbedtls_mpi_init(&secret_);
  mbedtls_ecp_point_init(&public_);
  mbedtls_hmac_drbg_init(&blinding_);
  const mbedtls_md_info_t* sha256 = mbedtls_md_info_from_type(MBEDTLS_MD_SHA256);
  ok_ = mbedtls_ecp_group_load(&group_, MBEDTLS_ECP_DP_SECP256R1) == 0 &&
        mbedtls_mpi_read_binary(&secret_, private_key, 32) == 0 &&
        mbedtls_ecp_check_privkey(&group_, &secret_) == 0 &&
        mbedtls_hmac_drbg_seed_buf(&blinding_, sha256, private_key, 32) == 0 &&
        mbedtls_ecp_mul(&group_, &public_, &secret_, &group_.G, mbedtls_hmac_drbg_random, &blinding_) == 0;
}

SoftwareSecureElement::~SoftwareSecureElement() {
  mbedtls_hmac_drbg_free(&blinding_);
  mbedtls_ecp_point_free(&public_);
  mbedtls_mpi_free(&secret_);
  mbedtls_ecp_group_free(&group_);
}

bool SoftwareSecureElement::sign_digest(const uint8_t digest[kDigestLength], uint8_t signature[kSignatureLength]) {
  if (!ok_) return false;
  mbedtls_mpi r, s;
  mbedtls_mpi_init(&r);
  mbedtls_mpi_init(&s);
  bool done = mbedtls_ecdsa_sign_det_ext(&group_, &r, &s, &secret_, digest, kDigestLength, MBEDTLS_MD_SHA256,
                                         mbedtls_hmac_drbg_random, &blinding_) == 0 &&
              mbedtls_mpi_write_binary(&r, signature, 32) == 0 &&
              mbedtls_mpi_write_binary(&s, signature + 32, 32) == 0;
  mbedtls_mpi_free(&r);
  mbedtls_mpi_free(&s);
  return done;
}

bool SoftwareSecureElement::public_key(uint8_t out[kPublicKeyLength]) {
  if (!ok_) return false;
  uint8_t uncompressed[1 + kPublicKeyLength];
  size_t length = 0;
  if (mbedtls_ecp_point_write_binary(&group_, &public_, MBEDTLS_ECP_PF_UNCOMPRESSED, &length, uncompressed,
                                     sizeof uncompressed) != 0 ||
      length != sizeof uncompressed) {
    return false;
  }
  for (size_t i = 0; i < kPublicKeyLength; ++i) out[i] = uncompressed[1 + i];
  return true;
}

}  // namespace gridproof

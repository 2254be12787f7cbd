#include "atecc608_secure_element.h"

#include <cryptoauthlib.h>
#include <esp_log.h>

namespace gridproof {
namespace {
const char* TAG = "atecc608";
}

bool Atecc608SecureElement::begin() {
  static ATCAIfaceCfg config = cfg_ateccx08a_i2c_default;
  config.devtype = ATECC608A;
  config.atcai2c.address = address_;
  ATCA_STATUS status = atcab_init(&config);
  if (status != ATCA_SUCCESS) {
    ESP_LOGE(TAG, "atcab_init failed: 0x%02x", status);
    return false;
  }
  bool config_locked = false;
  bool data_locked = false;
  if (atcab_is_config_locked(&config_locked) != ATCA_SUCCESS || atcab_is_data_locked(&data_locked) != ATCA_SUCCESS ||
      !config_locked || !data_locked) {
    // An unlocked chip could have its key replaced: refuse to sign with it.
    ESP_LOGE(TAG, "ATECC608 not provisioned (config locked %d, data locked %d)", config_locked, data_locked);
    return false;
  }
  ready_ = true;
  return true;
}

bool Atecc608SecureElement::sign_digest(const uint8_t digest[kDigestLength], uint8_t signature[kSignatureLength]) {
  if (!ready_) return false;
  // The chip signs the 32-byte message as given (no hashing), r‖s big-endian; low-S is applied by sign_reading.
  ATCA_STATUS status = atcab_sign(slot_, digest, signature);
  if (status != ATCA_SUCCESS) ESP_LOGW(TAG, "atcab_sign failed: 0x%02x", status);
  return status == ATCA_SUCCESS;
}

bool Atecc608SecureElement::public_key(uint8_t out[kPublicKeyLength]) {
  if (!ready_) return false;
  return atcab_get_pubkey(slot_, out) == ATCA_SUCCESS;  // 64 bytes x‖y, the registry's encoding
}

}  // namespace gridproof
